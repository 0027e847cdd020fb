"""Question sets: chosen items and rules, and the quiz plan a set gives a learner."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from quizapp.authoring.models import QuestionSet, SetItem
from quizapp.bank.models import Question, QuestionStatus, QuestionVersion, Topic
from quizapp.bank.rules import rule_conditions
from quizapp.extensions import db

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


def sets_holding(question_id: int) -> list[QuestionSet]:
    """The sets that chose this question, by name."""
    return list(
        db.session.scalars(
            sa.select(QuestionSet)
            .join(SetItem, SetItem.set_id == QuestionSet.id)
            .where(SetItem.question_id == question_id)
            .order_by(QuestionSet.name, QuestionSet.id)
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


def chosen_question_ids(set_id: int, active_only: bool = False) -> list[int]:
    """The set's chosen items, in the set's order (only those not retired, with `active_only`)."""
    query = sa.select(SetItem.question_id).where(SetItem.set_id == set_id).order_by(SetItem.position)
    if active_only:
        query = query.join(Question, Question.id == SetItem.question_id).where(
            Question.status == QuestionStatus.ACTIVE.value
        )
    return list(db.session.scalars(query))


def set_questions(set_id: int):
    """A select of the set's questions: its chosen items and those its rules could draw."""
    chosen = sa.select(SetItem.question_id).where(SetItem.set_id == set_id)
    conditions = rule_conditions(db.session.scalar(sa.select(QuestionSet.rules).where(QuestionSet.id == set_id)))
    if not conditions:
        return chosen
    drawn = (
        sa.select(Question.id)
        .join(Topic, Topic.id == Question.topic_id)
        .join(QuestionVersion, QuestionVersion.id == Question.current_version_id)
        .where(*conditions)
    )
    return sa.union(chosen, drawn)
