"""The figures of a learner's exam plan: days left, the daily workload, predicted recall per topic,
and whether the plan can be met at the learner's limits (and if not, what would make it)."""

import math
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from quizapp.bank.models import Question, Topic
from quizapp.extensions import db
from quizapp.review import exam, scheduling
from quizapp.review.models import Card, ExamPlan
from quizapp.review.services import learning_day


@dataclass
class DayLoad:
    day: date
    reviews: int  # reviews of the exam's items already scheduled for that day (overdue ones today)
    new: int  # new items the plan introduces that day


@dataclass
class TopicForecast:
    title: str
    items: int
    recall_now: float  # mean predicted recall on the exam morning if nothing more is studied
    recall_planned: float  # if every review of the plan is done and recalled


@dataclass
class PlanFigures:
    plan: ExamPlan
    exam_day: date
    days_left: int
    scope: str
    unseen: int
    new_per_day: int
    workload: list[DayLoad]
    topics: list[TopicForecast]
    problems: list[str] = field(default_factory=list)

    @property
    def feasible(self) -> bool:
        return not self.problems

    @property
    def today(self) -> DayLoad | None:
        return self.workload[0] if self.workload else None


def _items(plan: ExamPlan, user_id: int):
    """Every item in scope with its root topic's slug and the learner's card (if studied): one query."""
    return db.session.execute(
        sa.select(Question.id, Question.source_page, Topic.path, Card)
        .join(Topic, Topic.id == Question.topic_id)
        .outerjoin(Card, sa.and_(Card.question_id == Question.id, Card.user_id == user_id, Card.reps > 0))
        .where(exam.scope_condition(plan))
        .order_by(Question.source_page, Question.id)
    ).all()


def figures(plan: ExamPlan, user_id: int, zone: str, now: datetime, settings) -> PlanFigures:
    day_start, _ = learning_day(now, zone)
    today = day_start.astimezone(ZoneInfo(zone)).date()
    exam_day = (plan.exam_at.astimezone(ZoneInfo(zone))).date()
    days = max(0, (exam_day - today).days)
    rows = _items(plan, user_id)
    unseen = sum(1 for row in rows if row[3] is None)
    new_days = days - exam.NEW_RESERVE_DAYS
    most = exam.max_new_per_day(settings)
    needed = exam.pace(unseen, new_days)
    per_day = max(settings.new_per_day, min(needed, most)) if unseen else 0
    workload = [DayLoad(today + timedelta(days=n), 0, 0) for n in range(days)]
    left = unseen
    for load in workload[: max(new_days, 0)]:
        load.new, left = min(per_day, left), left - min(per_day, left)
    for row in rows:
        card = row[3]
        if card is not None and card.due < plan.exam_at and workload:
            workload[min(max(0, (card.due - day_start) // timedelta(days=1)), days - 1)].reviews += 1
    can_learn = sum(load.new for load in workload)
    problems = _problems(plan, settings, unseen, needed, most, new_days, workload, today)
    return PlanFigures(
        plan, exam_day, days, exam.scope_label(plan), unseen, per_day, workload,
        _forecast(plan, rows, settings, can_learn), problems,
    )  # fmt: skip


def _problems(plan, settings, unseen, needed, most, new_days, workload, today) -> list[str]:
    problems = []
    if unseen and new_days <= 0:
        earliest = today + timedelta(days=exam.NEW_RESERVE_DAYS + math.ceil(unseen / most))
        problems.append(
            f"{unseen} items are still new, and new items need {exam.NEW_RESERVE_DAYS} days of review before "
            f"the exam to reach the target. Move the exam to {earliest:%d %b %Y} or later, or narrow what it covers."
        )
    elif needed > most:
        earliest = today + timedelta(days=exam.NEW_RESERVE_DAYS + math.ceil(unseen / most))
        problems.append(
            f"Learning all {unseen} new items in time needs {needed} new items a day, and your limits allow "
            f"{most} (a new item brings about {exam.NEW_COST} reviews). Raise your reviews per day to "
            f"{needed * exam.NEW_COST}, or move the exam to {earliest:%d %b %Y} or later."
        )
    busiest = max(workload, key=lambda load: load.reviews, default=None)
    if busiest is not None and busiest.reviews > settings.reviews_per_day:
        problems.append(
            f"On {busiest.day:%d %b} {busiest.reviews} reviews fall due, more than your limit of "
            f"{settings.reviews_per_day} a day. Raise your reviews per day to {busiest.reviews}."
        )
    return problems


def _forecast(plan: ExamPlan, rows, settings, can_learn: int) -> list[TopicForecast]:
    """Per root topic (per set, for a set): recall on the exam morning now, and if the plan is followed:
    a studied item then reaches at least the target; a new item does if the plan can introduce it."""
    titles = dict(db.session.execute(sa.select(Topic.path, Topic.title).where(Topic.parent_id.is_(None))).all())
    groups: dict[str, list[tuple[float, float]]] = {}
    learnt = 0
    for _, _, path, card in rows:
        if card is None:
            now_recall = 0.0
            planned = plan.target if learnt < can_learn else 0.0
            learnt += 1
        else:
            now_recall = scheduling.retrievability(card.memory, plan.exam_at, settings.parameters)
            planned = max(now_recall, plan.target)
        root = "/" + path.strip("/").split("/")[0] + "/"
        groups.setdefault(titles.get(root, root), []).append((now_recall, planned))
    return [
        TopicForecast(title, len(pairs), sum(p[0] for p in pairs) / len(pairs), sum(p[1] for p in pairs) / len(pairs))
        for title, pairs in groups.items()
    ]
