"""What is open to study: the one rule for showing a learner a question with its answer.

A learner may study every curated item, their own questions, and a teacher's items that reach
them through a class they are in: the items of a set assigned as a review deck at once, and
those of a set assigned as a quiz only once that assignment is over for them: they can start
no further attempt (every allowed attempt used, or the due date passed) and none of their
attempts is still running. An item that any one assignment opens is open. Admins see every item,
as authoring lets them. Review (queue, answering, card pages, the Anki download) and quiz
results ask here. It reads classes' own figures of attempts (assignment_results, which quiz keeps
up to date), never quiz tables: classes stands below quiz and review.
"""

from collections.abc import Iterable
from datetime import datetime

import sqlalchemy as sa

from quizapp.auth.models import User
from quizapp.authoring.models import QuestionSet, SetItem
from quizapp.bank.models import Question
from quizapp.classes.models import Assignment, AssignmentResult, Enrolment
from quizapp.extensions import db


def _result_of(user_id: int):
    """The learner's figures for the Assignment of the enclosing query (kept by quiz, see quiz/results.py)."""
    return sa.select(AssignmentResult).where(
        AssignmentResult.assignment_id == Assignment.id, AssignmentResult.user_id == user_id
    )


def no_attempt_can_start(user_id: int, now: datetime):
    """SQL condition on Assignment: the learner may start no further attempt of this quiz."""
    used = sa.func.coalesce(
        sa.select(AssignmentResult.attempts)
        .where(AssignmentResult.assignment_id == Assignment.id, AssignmentResult.user_id == user_id)
        .scalar_subquery(),
        0,
    )
    return sa.or_(
        sa.and_(Assignment.attempts_allowed.is_not(None), used >= Assignment.attempts_allowed),
        sa.and_(Assignment.due_at.is_not(None), Assignment.due_at <= now),
    )


def open_for_study(user_id: int, now: datetime):
    """SQL condition on Assignment: open for study to this learner (a review deck, or a quiz that
    is over for them: no attempt can start and none is running)."""
    running = _result_of(user_id).where(
        sa.or_(AssignmentResult.unfinished_untimed, AssignmentResult.latest_deadline > now)
    )
    return sa.or_(Assignment.kind == "review", sa.and_(no_attempt_can_start(user_id, now), ~running.exists()))


def opened_sets(user_id: int, now: datetime):
    """A select of the ids of the sets assigned to the learner's classes that are open for study to them."""
    return (
        sa.select(Assignment.set_id)
        .join(Enrolment, sa.and_(Enrolment.class_id == Assignment.class_id, Enrolment.user_id == user_id))
        .where(open_for_study(user_id, now))
    )


def studyable_by(user_id: int, now: datetime):
    """SQL condition on Question: the learner may study it now (the rule without the admin's reach,
    which the review queue keeps to)."""
    opened = sa.select(SetItem.question_id).where(SetItem.set_id.in_(opened_sets(user_id, now)))
    return sa.or_(Question.owner_id.is_(None), Question.owner_id == user_id, Question.id.in_(opened))


def studyable(user: User, now: datetime):
    """SQL condition on Question: the user may study it now."""
    return sa.true() if user.is_admin else studyable_by(user.id, now)


def studyable_question_ids(user: User, question_ids: Iterable[int], now: datetime) -> set[int]:
    """Those of these questions the user may study now: one query."""
    wanted = set(question_ids)
    if not wanted:
        return set()
    return set(db.session.scalars(sa.select(Question.id).where(Question.id.in_(wanted), studyable(user, now))))


def may_study(user: User, question: Question, now: datetime) -> bool:
    if question.owner_id is None or question.owner_id == user.id or user.is_admin:
        return True
    return question.id in studyable_question_ids(user, [question.id], now)


def set_open_to(user: User, set_id: int, now: datetime) -> bool:
    """May this person study the set as a deck: its owner, or a learner to whom an assignment of it is open."""
    if db.session.scalar(sa.select(QuestionSet.owner_id).where(QuestionSet.id == set_id)) == user.id:
        return True
    return bool(db.session.scalar(sa.select(opened_sets(user.id, now).where(Assignment.set_id == set_id).exists())))


def opened_assignment_ids(user_id: int, assignment_ids: Iterable[int], now: datetime) -> set[int]:
    """Those of these assignments open for study to the learner: one query."""
    wanted = set(assignment_ids)
    if not wanted:
        return set()
    return set(
        db.session.scalars(sa.select(Assignment.id).where(Assignment.id.in_(wanted), open_for_study(user_id, now)))
    )


def answers_shown(user_id: int, assignment_id: int | None, now: datetime) -> bool:
    """May results of an attempt show right answers and explanations: not while the learner can
    still take (or is taking) the assignment it belongs to."""
    return assignment_id is None or assignment_id in opened_assignment_ids(user_id, [assignment_id], now)
