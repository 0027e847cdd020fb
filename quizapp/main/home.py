"""What the home page shows a signed-in learner, in its order: an unfinished test and quiz, today's
plan (the exam countdown and today's share, or the reviews due), then assignments by due date."""

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from quizapp import database
from quizapp.database import kept
from quizapp.quiz.models import AttemptItem, Mode, QuizAttempt, Response
from quizapp.review import exam, exam_plan, services
from quizapp.review.models import ExamPlan


@dataclass
class TodayPlan:
    plan: ExamPlan | None
    exam_day: date | None
    days_left: int
    reviews: int  # learning and review cards waiting today
    new: int  # new items today (at the exam's pace in exam mode)
    done: int  # ratings made today in review
    share: exam_plan.DayLoad | None = None  # in exam mode, today's share of the plan (items in its scope)

    @property
    def left(self) -> int:
        return self.reviews + self.new


@dataclass
class Unfinished:
    attempt: sa.Row  # the columns of a QuizAttempt the page shows
    answered: int


def _latest_open():
    user_id, now = sa.bindparam("user_id", type_=sa.Integer), sa.bindparam("now", type_=sa.DateTime(timezone=True))
    still_open = (
        QuizAttempt.user_id == user_id,
        QuizAttempt.finished_at.is_(None),
        sa.or_(QuizAttempt.deadline.is_(None), QuizAttempt.deadline > now),
    )
    # Per mode, the newest open attempt: down ix_quiz_attempts_user_open from the newest unfinished
    # one to the first whose time is not up (not a scan of every attempt the learner left unfinished).
    latest = [
        sa.select(QuizAttempt.id)
        .where(*still_open, QuizAttempt.mode == mode.value)
        .order_by(QuizAttempt.id.desc())
        .limit(1)
        .scalar_subquery()
        for mode in Mode
    ]
    answered = (
        sa.select(sa.func.count(Response.id))
        .join(AttemptItem, AttemptItem.id == Response.attempt_item_id)
        .where(AttemptItem.attempt_id == QuizAttempt.id)
        .scalar_subquery()
    )
    test_first = QuizAttempt.mode.desc()
    shown = (QuizAttempt.id, QuizAttempt.mode, QuizAttempt.started_at, QuizAttempt.question_count, QuizAttempt.deadline)
    return sa.select(*shown, answered.label("answered")).where(QuizAttempt.id.in_(latest)).order_by(test_first)


def unfinished_attempts(user_id: int, now: datetime) -> list[Unfinished]:
    """The learner's latest open test, then latest open quiz (begun, not finished, time not up),
    with how many questions each has answered: one query, of the columns shown."""
    rows = database.rows(kept(("latest open attempts",), _latest_open), {"user_id": user_id, "now": now})
    return [Unfinished(row, row.answered) for row in rows]


def today_plan(user_id: int, zone: str, now: datetime) -> TodayPlan:
    settings = services.settings_for(user_id)
    state = services.queue_state(user_id, now, zone)  # the day so far and the exam plan, read once
    counts = services.queue_counts(user_id, services.Deck(), now, settings, state)
    done, plan = state.today, state.plan
    share = exam_plan.figures(plan, user_id, zone, now, settings).today if plan else None
    return TodayPlan(
        plan,
        plan.exam_at.astimezone(ZoneInfo(zone)).date() if plan else None,
        exam.days_left(plan, now) if plan else 0,
        counts.learning + counts.review,
        counts.new,
        done.new_done + done.reviews_done,
        share,
    )
