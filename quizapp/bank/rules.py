"""Rule matching: the curated questions a set's rules (topics, tags, difficulties) can draw."""

from typing import Any

import sqlalchemy as sa

from quizapp.bank.models import Question, QuestionVersion, Tag, Topic
from quizapp.extensions import db


def rule_conditions(rules: dict[str, Any] | None) -> list:
    """SQL conditions for a set's rules (topics, tags, difficulties); [] when it has none. Rules draw
    from the curated bank: a teacher's own questions join a set only as its chosen items."""
    if not rules or not rules.get("count"):
        return []
    conditions = [Question.type != "flashcard", Question.owner_id.is_(None)]
    if rules.get("topics"):
        paths = db.session.scalars(sa.select(Topic.path).where(Topic.slug.in_(rules["topics"]))).all()
        conditions.append(sa.or_(*[Topic.path.startswith(p, autoescape=True) for p in paths] or [sa.false()]))
    if rules.get("tags"):
        conditions.append(Question.tags.any(Tag.slug.in_(rules["tags"])))
    if rules.get("difficulties"):
        conditions.append(QuestionVersion.difficulty.in_(rules["difficulties"]))
    return conditions
