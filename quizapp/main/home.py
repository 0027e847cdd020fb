"""What the home page shows a signed-in learner, in its order: an unfinished quiz or test, today's
plan (the exam countdown and today's share, or the reviews due), then assignments by due date."""

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from quizapp.database import kept
from quizapp.extensions import db
from quizapp.quiz.models import QuizAttempt
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


def _unfinished():
    return (
        sa.select(QuizAttempt)
        .where(QuizAttempt.user_id == sa.bindparam("user_id", type_=sa.Integer), QuizAttempt.finished_at.is_(None))
        .order_by(QuizAttempt.started_at.desc(), QuizAttempt.id.desc())
        .limit(1)
    )


def unfinished_attempt(user_id: int, now: datetime) -> QuizAttempt | None:
    """The learner's latest quiz or test still open: begun, not finished, its time not up."""
    attempt = db.session.scalar(kept(("unfinished attempt",), _unfinished), {"user_id": user_id})
    return attempt if attempt is not None and not attempt.is_over(now) else None


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
