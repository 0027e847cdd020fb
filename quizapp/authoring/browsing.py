"""The bank browser: the questions a teacher may see, filtered and searched (spellings folded, names
widened by their alias groups), told apart in lists, and where each is used."""

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from quizapp.auth.models import User
from quizapp.authoring.models import SetItem
from quizapp.bank.aliases import search_forms
from quizapp.bank.models import Question, QuestionVersion, Tag, Topic
from quizapp.bank.types import BLANK
from quizapp.extensions import db


def browse(user: User, filters: dict[str, Any], page: int, per_page: int = 25):
    """Questions this user may see, filtered, newest first; one query for the page, one for its count."""
    version = QuestionVersion
    query = (
        sa.select(Question)
        .join(version, version.id == Question.current_version_id)
        .join(Topic, Topic.id == Question.topic_id)
        .options(joinedload(Question.current_version), joinedload(Question.topic), selectinload(Question.tags))
    )
    if not user.is_admin:
        query = query.where(sa.or_(Question.owner_id.is_(None), Question.owner_id == user.id))
    if forms := search_forms((filters.get("q") or "").strip()):
        query = query.where(sa.or_(*(Question.search_text.contains(form, autoescape=True) for form in forms)))
    if topic := filters.get("topic"):
        path = db.session.scalar(sa.select(Topic.path).where(Topic.slug == topic))
        query = query.where(Topic.path.startswith(path or "/-none-/", autoescape=True))
    if tag := filters.get("tag"):
        query = query.where(Question.tags.any(Tag.slug == tag))
    if kind := filters.get("type"):
        query = query.where(Question.type == kind)
    if difficulty := filters.get("difficulty"):
        query = query.where(version.difficulty == int(difficulty))
    if page_number := filters.get("page_cited"):
        query = query.where(version.source_page == int(page_number))
    author = filters.get("author")
    if author == "curated":
        query = query.where(Question.owner_id.is_(None))
    elif author == "mine":
        query = query.where(Question.owner_id == user.id)
    status = filters.get("status") or "active"
    if status != "any":
        query = query.where(Question.status == status)
    query = query.order_by(Question.owner_id.is_(None), Question.updated_at.desc(), Question.id.desc())
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def excerpt(version: QuestionVersion) -> str:
    """What tells one item from another in a list: the prompt, and a cloze's passage with its blanks
    as gaps (ten "Fill in the blanks." items differ only there)."""
    passage = version.data.get("text") if version.type == "cloze" else None
    if not passage:
        return version.prompt
    return f"{version.prompt} {BLANK.sub('___', passage)}"


def set_counts(question_ids: list[int]) -> dict[int, int]:
    """In how many sets each question is used: one grouped query."""
    rows = db.session.execute(
        sa.select(SetItem.question_id, sa.func.count())
        .where(SetItem.question_id.in_(question_ids))
        .group_by(SetItem.question_id)
    )
    return dict(rows.all())


def questions_with_versions(ids: list[int]) -> list[Question]:
    return list(
        db.session.scalars(
            sa.select(Question)
            .where(Question.id.in_(ids))
            .options(joinedload(Question.current_version), joinedload(Question.topic))
        )
    )
