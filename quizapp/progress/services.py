"""The learner's dashboard and knowledge map: every figure aggregated in SQL, a fixed number of queries."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from quizapp.bank import summary
from quizapp.bank.models import Question, QuestionStatus, QuestionVersion, Topic
from quizapp.database import kept
from quizapp.extensions import db
from quizapp.progress.memory import REVIEW_STATE, days_since, mastered, recall, recall_sql
from quizapp.quiz.models import QuizAttempt
from quizapp.review.models import Card, ReviewLog
from quizapp.review.services import DAY_STARTS_AT

FIRST_PAGE, LAST_PAGE = 225, 251


def local_day(moment: datetime, zone: str) -> date:
    """The learning day (starting 04:00 local) a moment belongs to."""
    local = moment.astimezone(ZoneInfo(zone)) - timedelta(hours=DAY_STARTS_AT.hour, minutes=DAY_STARTS_AT.minute)
    return local.date()


def _day_shift(zone: str, now: datetime) -> timedelta:
    """UTC to learning-day shift for grouping in SQL: the zone's current offset, less four hours."""
    return now.astimezone(ZoneInfo(zone)).utcoffset() - timedelta(hours=DAY_STARTS_AT.hour)


def _day_column(column):
    """The learning day of a timestamp column, shifted by the bind parameter `day_shift` (`_shift_value`)."""
    if db.engine.dialect.name == "postgresql":
        return sa.func.date(column + sa.bindparam("day_shift", type_=sa.Interval))
    return sa.func.date(column, sa.bindparam("day_shift", type_=sa.String))


def _shift_value(shift: timedelta):
    return shift if db.engine.dialect.name == "postgresql" else f"{shift.total_seconds():+.0f} seconds"


NOW = sa.bindparam("now", type_=sa.DateTime(timezone=True))
USER = sa.bindparam("user_id", type_=sa.Integer)
SINCE = sa.bindparam("since", type_=sa.DateTime(timezone=True))


def _due_by_day():
    day = _day_column(Card.due)
    return (
        sa.select(day, sa.func.count())
        .where(
            Card.user_id == USER, Card.reps > 0, Card.due < sa.bindparam("horizon", type_=sa.DateTime(timezone=True))
        )
        .group_by(day)
    )


def _reviews_by_day():
    day = _day_column(ReviewLog.reviewed_at)
    return (
        sa.select(day, sa.func.count())
        .where(ReviewLog.user_id == USER, ReviewLog.undone_at.is_(None), ReviewLog.reviewed_at >= SINCE)
        .group_by(day)
    )


def _passed_by_day():
    day = _day_column(ReviewLog.reviewed_at)
    return (
        sa.select(day, sa.func.count().filter(ReviewLog.rating > 1), sa.func.count())
        .where(
            ReviewLog.user_id == USER,
            ReviewLog.undone_at.is_(None),
            ReviewLog.before.is_not(None),
            ReviewLog.reviewed_at >= SINCE,
        )
        .group_by(day)
    )


def _recent_quizzes():
    return (
        sa.select(QuizAttempt)
        .where(QuizAttempt.user_id == USER, QuizAttempt.finished_at.is_not(None))
        .order_by(QuizAttempt.finished_at.desc())
        .limit(5)
    )


@dataclass
class TopicMastery:
    slug: str
    title: str
    items: int
    mastered: int

    @property
    def percent(self) -> int:
        return round(100 * self.mastered / self.items) if self.items else 0


@dataclass
class Dashboard:
    due_today: int = 0
    due_tomorrow: int = 0
    streak: int = 0
    reviews_by_day: dict[date, int] = field(default_factory=dict)
    forecast: list[tuple[date, int]] = field(default_factory=list)
    retention_by_week: list[tuple[date, int, int]] = field(default_factory=list)  # (week start, passed, total)
    mastery: list[TopicMastery] = field(default_factory=list)
    weakest: list["WeakItem"] = field(default_factory=list)
    recent_quizzes: list[QuizAttempt] = field(default_factory=list)

    @property
    def forecast_points(self) -> list[tuple[str, int]]:
        return [(day.strftime("%d %b"), n) for day, n in self.forecast]


def dashboard(user_id: int, now: datetime, zone: str) -> Dashboard:
    """Everything on the learner's dashboard in nine queries, whatever the size of their history."""
    board = Dashboard()
    today = local_day(now, zone)
    shift = _shift_value(_day_shift(zone, now))
    due = dict(
        db.session.execute(
            kept(("due by day",), _due_by_day),
            {"user_id": user_id, "horizon": now + timedelta(days=31), "day_shift": shift},
        ).all()
    )
    overdue = sum(n for day, n in due.items() if date.fromisoformat(str(day)) <= today)
    board.due_today = overdue
    board.due_tomorrow = due.get(str(today + timedelta(days=1)), 0) + due.get(today + timedelta(days=1), 0)
    board.forecast = [
        (today + timedelta(days=n), overdue if n == 0 else _lookup(due, today + timedelta(days=n))) for n in range(30)
    ]

    since = {"user_id": user_id, "day_shift": shift, "since": now - timedelta(days=372)}
    daily = db.session.execute(kept(("reviews by day",), _reviews_by_day), since).all()
    board.reviews_by_day = {date.fromisoformat(str(day)): n for day, n in daily}
    day, streak = today, 0
    if day not in board.reviews_by_day:
        day -= timedelta(days=1)  # today not studied yet: the streak still counts up to yesterday
    while day in board.reviews_by_day:
        streak, day = streak + 1, day - timedelta(days=1)
    board.streak = streak

    since["since"] = now - timedelta(weeks=12)
    weekly = db.session.execute(kept(("passed by day",), _passed_by_day), since).all()
    weeks: dict[date, list[int]] = {}
    for day_value, ok, total in weekly:
        start = date.fromisoformat(str(day_value))
        start -= timedelta(days=start.weekday())
        counts = weeks.setdefault(start, [0, 0])
        counts[0], counts[1] = counts[0] + ok, counts[1] + total
    board.retention_by_week = [(start, ok, total) for start, (ok, total) in sorted(weeks.items())]

    board.mastery = topic_mastery([user_id], now)[user_id]

    board.weakest = weakest_items(user_id, now)

    board.recent_quizzes = list(db.session.scalars(kept(("recent quizzes",), _recent_quizzes), {"user_id": user_id}))
    return board


@dataclass
class WeakItem:
    """An item the learner is closest to forgetting, or got wrong most recently."""

    question_id: int
    prompt: str
    learnt: bool  # in the review state; otherwise still being learnt or relearnt
    last_rating: int | None  # 1 = Again (answered wrong or forgotten)
    recall: float  # predicted recall now
    last_review: datetime

    @property
    def status(self) -> str:
        if not self.learnt:
            return "answered wrong last time" if self.last_rating == 1 else "still being learnt"
        return f"recall now {round(self.recall * 100)}%"


def _weakest():
    learnt = Card.state == REVIEW_STATE
    elapsed = days_since(Card.last_review, NOW)
    last_rating = (
        sa.select(ReviewLog.rating)
        .where(ReviewLog.card_id == Card.id, ReviewLog.undone_at.is_(None))
        .order_by(ReviewLog.reviewed_at.desc(), ReviewLog.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    return (
        sa.select(Question.id, QuestionVersion.prompt, learnt, last_rating, Card.stability, elapsed, Card.last_review)
        .join(Card, sa.and_(Card.question_id == Question.id, Card.user_id == USER))
        .join(QuestionVersion, QuestionVersion.id == Question.current_version_id)
        .where(Card.reps > 0, Question.status == QuestionStatus.ACTIVE)
        .order_by(
            learnt,  # false (still being learnt) first
            sa.case((learnt, 0.0), else_=elapsed),  # among those, the most recent first
            (elapsed / Card.stability).desc(),  # among learnt items, the least retrievable first
            Card.id,
        )
        .limit(sa.bindparam("limit", type_=sa.Integer))
    )


def weakest_items(user_id: int, now: datetime, limit: int = 8) -> list[WeakItem]:
    """Items still being learnt or relearnt first (the most recently failed first), then learnt items by
    how close the learner is to forgetting them (lowest predicted recall now): one query."""
    rows = db.session.execute(kept(("weakest",), _weakest), {"user_id": user_id, "now": now, "limit": limit}).all()
    return [
        WeakItem(question_id, prompt, bool(is_learnt), rating, recall(stability, days), last_review)
        for question_id, prompt, is_learnt, rating, stability, days, last_review in rows
    ]


def _lookup(counts: dict, day: date) -> int:
    return counts.get(str(day), 0) + counts.get(day, 0)


def root_topics() -> list:
    """The top-level topics as (slug, title, path), in their order (kept with the bank's revision)."""
    return [(t.slug, t.title, t.path) for t in summary.topics() if t.parent_id is None]


def topic_memory(
    user_ids: list[int], now: datetime, on: datetime | None = None, roots: list | None = None
) -> tuple[dict[int, list[TopicMastery]], dict[int, dict[str, float]]]:
    """Per learner and top-level topic: how many of its active items they have mastered now
    (predicted recall at least 0.9), and the mean predicted recall of its items on a date
    (`on`, now by default; items never studied count as 0), counted and summed in SQL from
    each card's FSRS state: one query over the cards, for any number of learners."""
    roots = root_topics() if roots is None else roots
    if not roots:
        return {user: [] for user in user_ids}, {user: {} for user in user_ids}
    totals = summary.per_root([(slug, path) for slug, _, path in roots])

    def build():
        root_of = sa.case(
            *[(Topic.path.startswith(path, autoescape=True), slug) for slug, _, path in roots], else_=None
        )
        on_day = sa.bindparam("on", type_=sa.DateTime(timezone=True))
        return (
            sa.select(
                Card.user_id,
                root_of,
                sa.func.count().filter(mastered(NOW)),
                sa.func.sum(recall_sql(Card.stability, days_since(Card.last_review, on_day))),
            )
            .join(Question, Question.id == Card.question_id)
            .join(Topic, Topic.id == Question.topic_id)
            .where(
                Card.user_id.in_(sa.bindparam("user_ids", expanding=True)),
                Card.reps > 0,
                Question.status == QuestionStatus.ACTIVE,
            )
            .group_by(Card.user_id, root_of)
        )

    statement = kept(("topic memory", *[(slug, path) for slug, _, path in roots]), build)
    rows = db.session.execute(statement, {"user_ids": list(user_ids), "now": now, "on": on or now}).all()
    known = {(user, slug): count for user, slug, count, _ in rows}
    recalled = {(user, slug): total or 0.0 for user, slug, _, total in rows}
    mastery = {
        user: [TopicMastery(slug, title, totals.get(slug, 0), known.get((user, slug), 0)) for slug, title, _ in roots]
        for user in user_ids
    }
    predicted = {
        user: {slug: recalled.get((user, slug), 0.0) / total for slug, total in totals.items() if total}
        for user in user_ids
    }
    return mastery, predicted


def topic_mastery(user_ids: list[int], now: datetime) -> dict[int, list[TopicMastery]]:
    """Per learner and top-level topic: how many active items there are, and how many they have mastered."""
    return topic_memory(user_ids, now)[0]


@dataclass
class PageCell:
    page: int
    items: int
    mastered: int
    studied: int = 0  # items of the page the learner has seen at least once

    @property
    def percent(self) -> int | None:
        return round(100 * self.mastered / self.items) if self.items else None


def _pages_known():
    return (
        sa.select(Question.source_page, sa.func.count(), sa.func.count().filter(mastered(NOW)))
        .select_from(Card)
        .join(Question, Question.id == Card.question_id)
        .where(Card.user_id == USER, Card.reps > 0, Question.status == QuestionStatus.ACTIVE)
        .group_by(Question.source_page)
    )


def knowledge_map(user_id: int, now: datetime) -> list[PageCell]:
    """For each page of the article, how many active items cite it and how many the learner has mastered."""
    items: dict[int, int] = defaultdict(int)
    for count in summary.counts():
        if count.page is not None:
            items[count.page] += count.count
    known = {
        page: (studied, mastered_count)
        for page, studied, mastered_count in db.session.execute(
            kept(("knowledge map",), _pages_known), {"user_id": user_id, "now": now}
        ).all()
    }
    return [
        PageCell(page, items[page], known.get(page, (0, 0))[1], known.get(page, (0, 0))[0])
        for page in range(FIRST_PAGE, LAST_PAGE + 1)
    ]
