"""Regrading: after a teacher corrects an answer key, answers given on earlier versions are graded again.

It lives in quiz because it changes quiz answers and totals; the editor (authoring) links to its
route, and the question page learns the count of earlier answers through `signals.question_page`."""

from datetime import datetime

import sqlalchemy as sa

from quizapp import signals
from quizapp.authoring.models import Regrade
from quizapp.bank.models import Question, QuestionVersion
from quizapp.bank.types import get_type
from quizapp.extensions import db
from quizapp.quiz.models import AttemptItem, QuizAttempt, Response
from quizapp.quiz.results import record_results


def responses_on_earlier_versions(question: Question) -> int:
    return (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Response)
            .where(Response.question_id == question.id, Response.version_id != question.current_version_id)
        )
        or 0
    )


def apply_new_scores(rescored: list[tuple[Response, float]], now: datetime) -> int:
    """Give responses their new scores (keeping the first score from before any regrade, for the
    learner's note), finished attempts their new totals, and assigned quizzes their new best scores;
    the number of responses changed."""
    changed_items: set[int] = set()
    for response, score in rescored:
        if abs(score - response.score) > 1e-9:
            if response.score_before_regrade is None:
                response.score_before_regrade = response.score
            response.score, response.regraded_at = score, now
            changed_items.add(response.attempt_item_id)  # one response per attempt item
    if changed_items:
        attempt_ids = set(
            db.session.scalars(sa.select(AttemptItem.attempt_id).where(AttemptItem.id.in_(changed_items)))
        )
        totals = db.session.execute(
            sa.select(AttemptItem.attempt_id, sa.func.sum(Response.score))
            .join(Response, Response.attempt_item_id == AttemptItem.id)
            .where(AttemptItem.attempt_id.in_(attempt_ids))
            .group_by(AttemptItem.attempt_id)
        )
        for attempt_id, total in totals:
            db.session.execute(
                sa.update(QuizAttempt)
                .where(QuizAttempt.id == attempt_id, QuizAttempt.finished_at.is_not(None))
                .values(score=total)
            )
        record_results(
            set(
                db.session.execute(
                    sa.select(QuizAttempt.assignment_id, QuizAttempt.user_id).where(
                        QuizAttempt.id.in_(attempt_ids), QuizAttempt.assignment_id.is_not(None)
                    )
                ).tuples()
            )
        )
    return len(changed_items)


TYPED = ("short_answer", "cloze")


@signals.alias_table_changed.connect
def regrade_typed_answers(sender, now: datetime) -> tuple[int, int]:
    """Grade every short-answer and cloze response again against its own version, after the alias
    table changed (what counts as the same answer changed, not the key); (checked, changed)."""
    rows = db.session.execute(
        sa.select(Response, QuestionVersion.type, QuestionVersion.data)
        .join(QuestionVersion, QuestionVersion.id == Response.version_id)
        .where(QuestionVersion.type.in_(TYPED))
        .with_for_update(of=Response)
    ).all()
    rescored = [(response, get_type(kind).grade(data, response.answer)) for response, kind, data in rows]
    return len(rows), apply_new_scores(rescored, now)


def regrade(question: Question, by_user_id: int, now: datetime) -> Regrade:
    """Grade answers given on earlier versions with the current key; finished attempts get new totals."""
    version = question.current_version
    question_type = get_type(version.type)
    responses = db.session.scalars(
        sa.select(Response)
        .where(Response.question_id == question.id, Response.version_id != version.id)
        .with_for_update()
    ).all()
    changed = apply_new_scores([(r, question_type.grade(version.data, r.answer)) for r in responses], now)
    log = Regrade(
        question_id=question.id,
        to_version_id=version.id,
        by_user_id=by_user_id,
        responses_checked=len(responses),
        responses_changed=changed,
        created_at=now,
    )
    db.session.add(log)
    db.session.flush()
    return log


@signals.question_page.connect
def _earlier_answers(sender, question: Question, version: QuestionVersion) -> dict:
    return {"earlier": responses_on_earlier_versions(question)}
