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


def regrade(question: Question, by_user_id: int, now: datetime) -> Regrade:
    """Grade answers given on earlier versions with the current key; finished attempts get new totals."""
    version = question.current_version
    question_type = get_type(version.type)
    responses = db.session.scalars(
        sa.select(Response)
        .where(Response.question_id == question.id, Response.version_id != version.id)
        .with_for_update()
    ).all()
    changed_attempts: set[int] = set()
    changed = 0
    for response in responses:
        score = question_type.grade(version.data, response.answer)
        if abs(score - response.score) > 1e-9:
            if response.score_before_regrade is None:
                response.score_before_regrade = response.score
            response.score, response.regraded_at = score, now
            changed += 1
            changed_attempts.add(response.attempt_item_id)
    if changed_attempts:
        attempt_ids = set(
            db.session.scalars(sa.select(AttemptItem.attempt_id).where(AttemptItem.id.in_(changed_attempts)))
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
