"""Exam mode: plan the schedule for one day, then let ordinary scheduling resume.

A learner sets an exam date, a target recall for the exam morning and a scope (the curated bank,
one topic of it, or a set assigned to them as a review deck). While the plan runs, exam mode
changes only due dates:

- after FSRS schedules a card in scope, if FSRS would not bring it back before the exam eve and
  its predicted recall on the exam morning is below the target, its due date is pulled to the
  first learning day at which one Good review carries it to the target (or to tomorrow, when no
  single review can), never later than FSRS's own date. The cap is recorded on the review log
  (`after["exam_cap"]`), so `flask review rebuild` re-applies exactly the same dates;
- new items in scope come first, and the day's new-item limit rises to the pace that introduces
  them all NEW_RESERVE_DAYS before the exam, bounded by the learner's review budget.

Once the exam day has passed the plan ends and nothing more is capped.
"""

import math
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from quizapp.authoring.models import QuestionSet
from quizapp.authoring.sets import set_questions
from quizapp.bank.models import Question, QuestionStatus, Topic
from quizapp.classes.access import opened_sets
from quizapp.classes.models import Assignment
from quizapp.database import kept, read_once
from quizapp.extensions import db
from quizapp.review import scheduling
from quizapp.review.models import SCOPE_KINDS, Card, ExamPlan

DAY = timedelta(days=1)
TARGET_RANGE = (0.80, 0.99)
DEFAULT_TARGET = 0.90
MAX_DAYS_AHEAD = 366
NEW_RESERVE_DAYS = 3  # new items are all introduced this many days before the exam, to be learnt in time
NEW_COST = 4  # reviews a new item brings in its first days: the daily new pace is at most reviews_per_day / NEW_COST
DAY_STARTS_AT_HOUR = 4  # as review.services.DAY_STARTS_AT: a learning day starts at 04:00 local time


class ExamError(ValueError):
    """A refused exam plan; the message is for the learner."""


def exam_morning(day: date, zone: str) -> datetime:
    """The start of the learning day of `day` in `zone`, in UTC: the moment recall is predicted for."""
    local = datetime(day.year, day.month, day.day, DAY_STARTS_AT_HOUR, tzinfo=ZoneInfo(zone))
    return local.astimezone(ZoneInfo("UTC"))


def is_running(plan: ExamPlan | None, now: datetime) -> bool:
    """A plan runs from when it is set until its exam day has passed (or it is ended)."""
    return plan is not None and plan.ended_at is None and now < plan.exam_at + DAY


def _plan_of():
    return sa.select(ExamPlan).where(ExamPlan.user_id == sa.bindparam("user_id", type_=sa.Integer))


def plan_of(user_id: int, *, stored: bool = False) -> ExamPlan | None:
    """The learner's plan. In a GET it may be the unsaved copy read beside the settings
    (`settings_for`), which is for reading; `stored=True` gives the session's own row, whose changes
    a commit saves."""
    memo = read_once()
    if not stored and memo is not None and ("exam plan", user_id) in memo:
        return memo["exam plan", user_id]
    return db.session.scalar(kept(("exam plan",), _plan_of), {"user_id": user_id})


def running_plan(user_id: int, now: datetime) -> ExamPlan | None:
    plan = plan_of(user_id)
    return plan if is_running(plan, now) else None


def end_if_passed(plan: ExamPlan | None, now: datetime) -> None:
    """Mark a plan whose exam day has passed as ended (the caps already applied stay)."""
    if plan is not None and plan.ended_at is None and now >= plan.exam_at + DAY:
        plan.ended_at = plan.exam_at + DAY


def days_left(plan: ExamPlan, now: datetime) -> int:
    """Whole learning days from the current one to the exam day (0 on the exam day itself)."""
    return max(0, math.ceil((plan.exam_at - now) / DAY))


# --- scope ---------------------------------------------------------------------------------------


def review_deck_of(user_id: int, set_id: int, now: datetime) -> bool:
    """Is the set open to the learner for study as a deck (classes/access.py: assigned as a review deck,
    or a quiz that is over for them)?"""
    return bool(db.session.scalar(sa.select(opened_sets(user_id, now).where(Assignment.set_id == set_id).exists())))


def scope_condition(plan: ExamPlan):
    """A condition on Question (with Topic joined) selecting the active items the exam covers."""
    active = Question.status == QuestionStatus.ACTIVE
    if plan.scope_kind == "set":
        return sa.and_(active, Question.id.in_(set_questions(int(plan.scope_value or 0))))
    curated = sa.and_(active, Question.owner_id.is_(None))
    if plan.scope_kind == "topic":
        path = db.session.scalar(sa.select(Topic.path).where(Topic.slug == plan.scope_value)) or "\0"
        return sa.and_(curated, Topic.path.startswith(path, autoescape=True))
    return curated


def in_scope(plan: ExamPlan, question_id: int) -> bool:
    return (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Question)
            .join(Topic, Topic.id == Question.topic_id)
            .where(Question.id == question_id, scope_condition(plan))
        )
        > 0
    )


def scope_label(plan: ExamPlan) -> str:
    if plan.scope_kind == "topic":
        title = db.session.scalar(sa.select(Topic.title).where(Topic.slug == plan.scope_value))
        return f"the topic {title or plan.scope_value}"
    if plan.scope_kind == "set":
        name = db.session.scalar(sa.select(QuestionSet.name).where(QuestionSet.id == int(plan.scope_value or 0)))
        return f"the set {name or plan.scope_value}"
    return "the whole article"


# --- the cap ---------------------------------------------------------------------------------------


def review_days(now: datetime, exam_at: datetime) -> list[datetime]:
    """The learning-day starts after `now` and before the exam morning, earliest first."""
    days, day = [], exam_at - DAY
    while day > now:
        days.append(day)
        day -= DAY
    return days[::-1]


def capped_due(
    key: str,
    memory: scheduling.Memory,
    now: datetime,
    exam_at: datetime,
    target: float,
    parameters: list[float] | None = None,
    retention: float = scheduling.DEFAULT_RETENTION,
) -> datetime | None:
    """The earlier due date exam mode gives a card just scheduled by FSRS, or None to leave it.

    Only a learnt card is capped (learning steps come back within the day anyway), and only when
    FSRS would not show it again before the exam eve and its recall on the exam morning would be
    below the target. It is then due on the first day at which one Good review (computed by the
    same scheduler, fuzz and all) lifts recall on the exam morning to the target; when none can,
    tomorrow, and the next review is capped again."""
    if memory.state != scheduling.REVIEW or now >= exam_at:
        return None
    days = review_days(now, exam_at)
    if not days or memory.due <= days[-1]:
        return None
    if scheduling.retrievability(memory, exam_at, parameters) >= target:
        return None
    for day in days:
        if day >= memory.due:
            return None
        good = scheduling.review(key, memory, 3, day, parameters, retention)
        if scheduling.retrievability(good, exam_at, parameters) >= target:
            return day
    return days[0]


class UNREAD:
    """Not read yet: `cap_after_rating` reads the learner's plan itself."""


def cap_after_rating(user_id: int, question_id: int, memory: scheduling.Memory, now: datetime, settings, plan=UNREAD):
    """The exam cap for a card the learner has just rated, or None (no running plan, out of scope, not
    needed); with the learner's plan (or None) when the caller has it."""
    plan = running_plan(user_id, now) if plan is UNREAD else (plan if is_running(plan, now) else None)
    if plan is None:
        return None
    due = capped_due(
        scheduling.fuzz_key(user_id, question_id),
        memory,
        now,
        plan.exam_at,
        plan.target,
        settings.parameters,
        settings.desired_retention,
    )
    return due if due is not None and in_scope(plan, question_id) else None


def apply_cap(memory: scheduling.Memory, cap: datetime | None) -> scheduling.Memory:
    return memory if cap is None or cap >= memory.due else replace(memory, due=cap)


def snapshot(memory: scheduling.Memory, cap: datetime | None) -> dict:
    """The review log's `after`: the card's memory, and the exam cap applied to it if any."""
    return memory.as_dict() | ({"exam_cap": cap.isoformat()} if cap is not None else {})


def recorded_cap(after: dict | None) -> datetime | None:
    """The exam cap a review log recorded, for replaying it exactly."""
    value = (after or {}).get("exam_cap")
    return datetime.fromisoformat(value) if value else None


# --- pacing new items ----------------------------------------------------------------------------------


def new_days(plan: ExamPlan, now: datetime) -> int:
    """Learning days left, counting today, on which new items can still be learnt in time."""
    return days_left(plan, now) - NEW_RESERVE_DAYS


def max_new_per_day(settings) -> int:
    return max(settings.new_per_day, settings.reviews_per_day // NEW_COST)


def unseen_count(plan: ExamPlan, user_id: int) -> int:
    studied = sa.select(Card.id).where(Card.user_id == user_id, Card.question_id == Question.id, Card.reps > 0)
    return (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Question)
            .join(Topic, Topic.id == Question.topic_id)
            .where(~studied.exists(), scope_condition(plan))
        )
        or 0
    )


def pace(unseen: int, days: int) -> int:
    """New items a day to introduce `unseen` items in `days` days."""
    return math.ceil(unseen / max(days, 1)) if unseen else 0


def new_limit(plan: ExamPlan | None, user_id: int, now: datetime, settings, new_done: int) -> int:
    """The day's new-item limit: the learner's own, raised in exam mode to the pace the plan needs."""
    if plan is None:
        return settings.new_per_day
    needed = pace(unseen_count(plan, user_id) + new_done, new_days(plan, now))
    return max(settings.new_per_day, min(needed, max_new_per_day(settings)))


# --- setting and ending a plan ------------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    kind: str = "all"
    value: str | None = None


def check_scope(user_id: int, scope: Scope, now: datetime) -> Scope:
    if scope.kind not in SCOPE_KINDS:
        raise ExamError("Choose the whole article, a topic or an assigned review deck.")
    if scope.kind == "all":
        return Scope("all")
    if scope.kind == "topic":
        if not scope.value or db.session.scalar(sa.select(Topic.id).where(Topic.slug == scope.value)) is None:
            raise ExamError("Choose one of the article's topics.")
        return scope
    if not (scope.value or "").isdigit() or not review_deck_of(user_id, int(scope.value[:10]), now):
        raise ExamError(
            "An exam can cover a set only when it is open to you for study: a review deck, or a quiz that is over."
        )
    return scope


def set_plan(user_id: int, zone: str, exam_day: date, target: float, scope: Scope, now: datetime) -> ExamPlan:
    """Start the learner's exam plan. One exam at a time; the date must be a day still to come."""
    plan = plan_of(user_id, stored=True)
    end_if_passed(plan, now)
    if is_running(plan, now):
        raise ExamError("You already have an exam planned. End that plan before setting another.")
    today = (now.astimezone(ZoneInfo(zone)) - timedelta(hours=DAY_STARTS_AT_HOUR)).date()
    if exam_day <= today:
        raise ExamError("Choose an exam date after today.")
    if exam_day > today + timedelta(days=MAX_DAYS_AHEAD):
        raise ExamError("Choose an exam date within a year.")
    if not TARGET_RANGE[0] <= target <= TARGET_RANGE[1]:
        raise ExamError("Aim for a recall between 80% and 99%.")
    scope = check_scope(user_id, scope, now)
    plan = plan or ExamPlan(user_id=user_id)
    plan.exam_at, plan.target = exam_morning(exam_day, zone), target
    plan.scope_kind, plan.scope_value = scope.kind, scope.value
    plan.created_at, plan.ended_at = now, None
    db.session.add(plan)
    db.session.flush()
    return plan


def end_plan(user_id: int, now: datetime) -> ExamPlan:
    plan = plan_of(user_id, stored=True)
    if not is_running(plan, now):
        raise ExamError("You have no exam plan to end.")
    plan.ended_at = now
    return plan


def review_decks(user_id: int, now: datetime) -> list[tuple[int, str]]:
    """The sets open to the learner for study as decks (classes/access.py): (id, name), one query."""
    return list(
        db.session.execute(
            sa.select(QuestionSet.id, QuestionSet.name)
            .where(QuestionSet.id.in_(opened_sets(user_id, now)))
            .order_by(QuestionSet.name, QuestionSet.id)
        ).all()
    )
