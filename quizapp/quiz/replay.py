"""One memory model: quiz answers count as reviews, and `flask review rebuild` replays everything.

A quiz answer becomes a review when it is final: a practice answer when it is given, a
test answer when the attempt is finished. Replaying a learner's history recomputes every
card from its events in time order with the same deterministic scheduler, so running it
twice changes nothing, and the live path and the replay agree.
"""

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.quiz.models import AttemptItem, Mode, QuizAttempt, Response
from quizapp.review import exam, scheduling
from quizapp.review.models import Card, ReviewLog
from quizapp.review.services import rate, rating_for_score, settings_for


def review_response(response: Response, reviewed_at: datetime) -> None:
    """Count a final quiz answer as one review of its question (once per response)."""
    rate(
        response.user_id,
        response.question_id,
        response.version_id,
        rating_for_score(response.score),
        reviewed_at,
        duration_ms=response.time_spent_ms,
        origin="quiz",
        response_id=response.id,
    )


def review_finished_attempt(attempt: QuizAttempt) -> None:
    """A finished test: every answer in it becomes a review at the moment it was finished."""
    responses = db.session.scalars(
        sa.select(Response)
        .join(AttemptItem, AttemptItem.id == Response.attempt_item_id)
        .where(AttemptItem.attempt_id == attempt.id)
        .order_by(AttemptItem.position)
    )
    for response in responses:
        review_response(response, attempt.finished_at)


@dataclass(frozen=True)
class Event:
    at: datetime
    rating: int
    question_id: int
    version_id: int
    duration_ms: int
    log: ReviewLog | None = None  # a rating made in review
    response_id: int | None = None  # or a quiz answer


def final_quiz_answers(user_id: int) -> list[Event]:
    """Practice answers at the time given; test answers at the time their attempt finished."""
    rows = db.session.execute(
        sa.select(Response, QuizAttempt.mode, QuizAttempt.finished_at)
        .join(AttemptItem, AttemptItem.id == Response.attempt_item_id)
        .join(QuizAttempt, QuizAttempt.id == AttemptItem.attempt_id)
        .where(
            Response.user_id == user_id, sa.or_(QuizAttempt.mode == Mode.PRACTICE, QuizAttempt.finished_at.is_not(None))
        )
    )
    return [
        Event(
            response.answered_at if mode == Mode.PRACTICE else finished_at,
            rating_for_score(response.score),
            response.question_id,
            response.version_id,
            response.time_spent_ms,
            response_id=response.id,
        )
        for response, mode, finished_at in rows
    ]


def rebuild(user_id: int) -> tuple[int, int]:
    """Recompute the learner's cards from their ratings and final quiz answers; returns (cards, events)."""
    settings = settings_for(user_id)
    logs = db.session.scalars(sa.select(ReviewLog).where(ReviewLog.user_id == user_id)).all()
    by_response = {log.response_id: log for log in logs if log.response_id is not None}
    events = [
        Event(log.reviewed_at, log.rating, log.question_id, log.version_id, log.duration_ms, log=log)
        for log in logs
        if log.origin == "review" and log.undone_at is None
    ]
    events += final_quiz_answers(user_id)
    cards = {c.question_id: c for c in db.session.scalars(sa.select(Card).where(Card.user_id == user_id))}
    per_question: dict[int, list[Event]] = {}
    for event in sorted(
        events, key=lambda e: (e.at, e.response_id is None, e.response_id or 0, e.log.id if e.log else 0)
    ):
        per_question.setdefault(event.question_id, []).append(event)
    for question_id, history in per_question.items():
        card = cards.get(question_id)
        if card is None:
            card = Card(
                user_id=user_id,
                question_id=question_id,
                state=scheduling.LEARNING,
                step=0,
                due=history[0].at,
                reps=0,
                lapses=0,
                created_at=history[0].at,
            )
            db.session.add(card)
            db.session.flush()
            cards[question_id] = card
        memory = None
        for event in history:
            after = scheduling.review(
                scheduling.fuzz_key(user_id, question_id),
                memory,
                event.rating,
                event.at,
                settings.parameters,
                settings.desired_retention,
            )
            log = event.log or by_response.get(event.response_id)
            cap = exam.recorded_cap(log.after if log is not None else None)  # exam mode's date, as recorded
            after = exam.apply_cap(after, cap)
            if log is None:
                log = ReviewLog(
                    user_id=user_id,
                    card_id=card.id,
                    question_id=question_id,
                    origin="quiz",
                    response_id=event.response_id,
                )
                db.session.add(log)
            log.card_id, log.version_id, log.rating, log.reviewed_at = card.id, event.version_id, event.rating, event.at
            log.duration_ms = event.duration_ms
            before = memory.as_dict() if memory else None
            if log.before != before:
                log.before = before
            if log.after != exam.snapshot(after, cap):
                log.after = exam.snapshot(after, cap)
            memory = after
        _set_memory(card, memory)
    for question_id, card in cards.items():
        if question_id not in per_question and card.reps:
            card.reps, card.lapses, card.state, card.step, card.stability, card.difficulty = 0, 0, 1, 0, None, None
            card.last_review = None
    db.session.flush()
    return len(per_question), len(events)


def _set_memory(card: Card, memory: scheduling.Memory) -> None:
    """Assign only what differs, so an unchanged card is not even written."""
    if card.memory != memory:
        card.remember(memory)
