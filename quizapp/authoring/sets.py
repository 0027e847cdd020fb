"""Question sets: chosen items and rules, and the quiz plan a set gives a learner."""

import secrets
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from quizapp.authoring.models import QuestionSet, SetItem
from quizapp.bank.models import Question, QuestionVersion, Tag, Topic
from quizapp.extensions import db
from quizapp.quiz.generation import Candidate, pick_questions
from quizapp.quiz.services import Plan, QuizRules, active_candidates, due_questions, last_scores

MAX_ITEMS = 200


def owned_set(user, set_id: int) -> QuestionSet | None:
    """A set only its owner (or an admin) may open; for anyone else it does not exist."""
    found = db.session.get(QuestionSet, set_id)
    return found if found is not None and (found.owner_id == user.id or user.is_admin) else None


def sets_of(user_id: int) -> list[QuestionSet]:
    return list(
        db.session.scalars(
            sa.select(QuestionSet).where(QuestionSet.owner_id == user_id).order_by(QuestionSet.updated_at.desc())
        )
    )


def items_of(question_set: QuestionSet) -> list[Question]:
    return list(
        db.session.scalars(
            sa.select(Question)
            .join(SetItem, SetItem.question_id == Question.id)
            .where(SetItem.set_id == question_set.id)
            .order_by(SetItem.position)
            .options(joinedload(Question.current_version), joinedload(Question.topic))
        )
    )


def add_item(question_set: QuestionSet, question: Question, now: datetime) -> bool:
    """Append a question; False when it is there already (or the set is full)."""
    present = db.session.scalars(sa.select(SetItem).where(SetItem.set_id == question_set.id)).all()
    if any(item.question_id == question.id for item in present) or len(present) >= MAX_ITEMS:
        return False
    db.session.add(
        SetItem(
            set_id=question_set.id, question_id=question.id, position=max((i.position for i in present), default=0) + 1
        )
    )
    question_set.updated_at = now
    return True


def remove_item(question_set: QuestionSet, question_id: int, now: datetime) -> None:
    db.session.execute(sa.delete(SetItem).where(SetItem.set_id == question_set.id, SetItem.question_id == question_id))
    question_set.updated_at = now


def move_item(question_set: QuestionSet, question_id: int, step: int, now: datetime) -> None:
    """Swap an item with its neighbour above (step -1) or below (+1)."""
    items = db.session.scalars(
        sa.select(SetItem).where(SetItem.set_id == question_set.id).order_by(SetItem.position)
    ).all()
    index = next((n for n, item in enumerate(items) if item.question_id == question_id), None)
    if index is None or not 0 <= index + step < len(items):
        return
    other = items[index + step]
    items[index].position, other.position = other.position, items[index].position
    question_set.updated_at = now


def duplicate(question_set: QuestionSet, owner_id: int, now: datetime) -> QuestionSet:
    copy = QuestionSet(
        owner_id=owner_id,
        name=f"{question_set.name} (copy)",
        description=question_set.description,
        rules=question_set.rules,
        mode=question_set.mode,
        time_limit_minutes=question_set.time_limit_minutes,
        attempts_allowed=question_set.attempts_allowed,
        shuffle=question_set.shuffle,
        created_at=now,
        updated_at=now,
    )
    db.session.add(copy)
    db.session.flush()
    for item in db.session.scalars(sa.select(SetItem).where(SetItem.set_id == question_set.id)):
        db.session.add(SetItem(set_id=copy.id, question_id=item.question_id, position=item.position))
    return copy


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


def plan_from_set(user_id: int, question_set: QuestionSet, now: datetime, seed: int | None = None) -> Plan:
    """The questions a learner gets from a set: its chosen items (shuffled if the set says so),
    then `count` items drawn by its rules with the quiz generator's preferences."""
    seed = secrets.randbits(48) if seed is None else seed
    base = active_candidates().where(Question.type != "flashcard")
    chosen = [
        Candidate(*row)
        for row in db.session.execute(
            base.join(SetItem, SetItem.question_id == Question.id)
            .where(SetItem.set_id == question_set.id)
            .order_by(SetItem.position)
        )
    ]
    picked = list(chosen)
    if question_set.shuffle:
        from random import Random

        Random(seed).shuffle(picked)
    rules = question_set.rules or {}
    if conditions := rule_conditions(rules):
        taken = {c.question_id for c in chosen}
        pool = [Candidate(*row) for row in db.session.execute(base.where(*conditions)) if row[0] not in taken]
        picked += pick_questions(
            pool, ["/"], int(rules["count"]), last_scores(user_id), seed, due_questions(user_id, now)
        )
    settings = QuizRules(
        topics=[],
        length=len(picked),
        mode=question_set.mode,
        time_limit_minutes=question_set.time_limit_minutes,
        set_id=question_set.id,
    )
    return Plan(settings, picked, len(picked), seed)
