"""The learner's dashboard: every figure aggregated in SQL, a fixed number of queries (the knowledge
map and mastery by topic come from progress/knowledge.py)."""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from quizapp import database
from quizapp.bank.models import Question, QuestionStatus, QuestionVersion
from quizapp.database import kept
from quizapp.extensions import db
from quizapp.progress.knowledge import NOW, USER, PageCell, TopicMastery, page_cells, studied, topic_mastery
from quizapp.progress.memory import REVIEW_STATE, days_since, recall
from quizapp.quiz.models import QuizAttempt
from quizapp.review.models import Card, ReviewLog
from quizapp.review.services import DAY_STARTS_AT


def local_day(moment: datetime, zone: str) -> date:
    """The learning day (starting 04:00 local) a moment belongs to."""
    local = moment.astimezone(ZoneInfo(zone)) - timedelta(hours=DAY_STARTS_AT.hour, minutes=DAY_STARTS_AT.minute)
    return local.date()


def _day_shift(zone: str, now: datetime) -> timedelta:
    """UTC to learning-day shift for grouping in SQL: the zone's current offset, less four hours."""
    return now.astimezone(ZoneInfo(zone)).utcoffset() - timedelta(hours=DAY_STARTS_AT.hour)


def _day_column(column):
    """The learning day of a timestamp column, shifted by the bind parameter `day_shift` (`_shift_value`).
    On SQLite the time is cut to whole seconds first: date() would round 03:59:59.9996 up to 04:00."""
    if db.engine.dialect.name == "postgresql":
        return sa.func.date(column + sa.bindparam("day_shift", type_=sa.Interval))
    return sa.func.date(sa.func.substr(column, 1, 19), sa.bindparam("day_shift", type_=sa.String))


def _shift_value(shift: timedelta):
    return shift if db.engine.dialect.name == "postgresql" else f"{shift.total_seconds():+.0f} seconds"


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


def _boundary(n):
    """SQL: the moment `n` periods of `days` days after the bind parameter `first`, on both databases
    (periods of 24 hours: the learning day keeps the zone's current offset all year, as `_day_shift`)."""
    first = sa.bindparam("first", type_=sa.DateTime(timezone=True))
    days = n * sa.bindparam("days", type_=sa.Integer)
    if db.engine.dialect.name == "postgresql":
        return first + sa.func.make_interval(0, 0, 0, 0, 0, 0, days * 86400)
    return sa.func.datetime(first, sa.func.printf("%+d days", days))  # text that sorts as the stored times do


def _periods():
    """The periods 0 to the bind parameter `last` as a recursive CTE of (n, start, stop); the first
    starts at the bind parameter `since`, each of the others where the one before it stops."""
    first = sa.select(sa.literal_column("0").label("n"), SINCE.label("start"), _boundary(1).label("stop"))
    period = first.cte("period", recursive=True)
    following = sa.select(period.c.n + 1, period.c.stop, _boundary(period.c.n + 2))
    return period.union_all(following.where(period.c.n < sa.bindparam("last", type_=sa.Integer)))


def _in_period(period):
    return sa.and_(ReviewLog.reviewed_at >= period.c.start, ReviewLog.reviewed_at < period.c.stop)


def _reviews_by_day():
    """The learner's reviews counted day by day: an index range per day, so a long history costs one
    step per review and no function or sort per review."""
    day = _periods()
    reviews = (
        sa.select(sa.func.count())
        .where(ReviewLog.user_id == USER, ReviewLog.undone_at.is_(None), _in_period(day))
        .scalar_subquery()
    )
    return sa.select(day.c.n, reviews)


def _reviews_grouped_by_day():
    """The same counts for a short history: its reviews grouped by learning day (a date computed per
    review, which a few thousand reviews cost less than an index range for each of 372 days)."""
    day = _day_column(ReviewLog.reviewed_at)
    return (
        sa.select(day, sa.func.count())
        .where(
            ReviewLog.user_id == USER,
            ReviewLog.undone_at.is_(None),
            ReviewLog.reviewed_at >= SINCE,
            ReviewLog.reviewed_at < sa.bindparam("until", type_=sa.DateTime(timezone=True)),
        )
        .group_by(day)
    )


# Up to this many studied items, a learner's reviews per day are grouped by day; beyond, counted by
# index ranges (the bulk learners of `make bench` hold ~160 items and ~1,000 reviews, the learner with
# 20,000 reviews 1,000 items; the two statements give the same days, tests/test_progress_equivalence.py).
SHORT_HISTORY_ITEMS = 500


def _reviews_by_day_of(user_id: int, now: datetime, offset: timedelta, items: int) -> dict[date, int]:
    """The learner's reviews per learning day over the last 372 days up to the end of today."""
    since = now - timedelta(days=372)
    first, periods = _periods_from(since, now, offset, 1)
    if items > SHORT_HISTORY_ITEMS:
        counted = database.rows(
            kept(("reviews by day",), _reviews_by_day), {"user_id": user_id, "since": since, **periods}
        )
        return {first + timedelta(days=n): count for n, count in counted if count}
    until = periods["first"] + timedelta(days=periods["last"] + 1)
    values = {"user_id": user_id, "since": since, "until": until, "day_shift": _shift_value(offset)}
    grouped = database.rows(kept(("reviews grouped by day",), _reviews_grouped_by_day), values)
    return {date.fromisoformat(str(day)): count for day, count in grouped}


def _passed_by_week():
    """The learner's reviews of learnt cards week by week, and how many passed."""
    week = _periods()
    return (
        sa.select(week.c.n, sa.func.count().filter(ReviewLog.rating > 1), sa.func.count())
        .join(ReviewLog, _in_period(week))
        .where(ReviewLog.user_id == USER, ReviewLog.undone_at.is_(None), ReviewLog.before.is_not(None))
        .group_by(week.c.n)
    )


def _periods_from(since: datetime, now: datetime, shift: timedelta, days: int) -> tuple[date, dict]:
    """The first learning day of the periods of `days` days (a Monday for weeks) that cover `since` to
    `now`, and the bind parameters of `_boundary` and `_periods` for them."""
    first = (since + shift).date()
    first -= timedelta(days=first.weekday() if days == 7 else 0)
    start = datetime.combine(first, time(), tzinfo=UTC) - shift
    return first, {"first": start, "days": days, "last": ((now + shift).date() - first).days // days}


def _recent_quizzes():
    return (
        sa.select(QuizAttempt)
        .where(QuizAttempt.user_id == USER, QuizAttempt.finished_at.is_not(None))
        .order_by(QuizAttempt.finished_at.desc())
        .limit(5)
    )


@dataclass
class Dashboard:
    due_today: int = 0
    due_tomorrow: int = 0
    streak: int = 0
    reviews_by_day: dict[date, int] = field(default_factory=dict)
    forecast: list[tuple[date, int]] = field(default_factory=list)
    retention_by_week: list[tuple[date, int, int]] = field(default_factory=list)  # (week start, passed, total)
    mastery: list[TopicMastery] = field(default_factory=list)
    pages: list[PageCell] = field(default_factory=list)  # the knowledge map
    weakest: list["WeakItem"] = field(default_factory=list)
    recent_quizzes: list[QuizAttempt] = field(default_factory=list)

    @property
    def forecast_points(self) -> list[tuple[str, int]]:
        return [(day.strftime("%d %b"), n) for day, n in self.forecast]


def dashboard(user_id: int, now: datetime, zone: str) -> Dashboard:
    """Everything on the learner's dashboard, its knowledge map included, in six queries, whatever the
    size of their history."""
    board = Dashboard()
    today = local_day(now, zone)
    offset = _day_shift(zone, now)
    shift = _shift_value(offset)
    due = dict(
        database.rows(
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

    groups = studied(user_id, now)
    board.reviews_by_day = _reviews_by_day_of(user_id, now, offset, sum(group.items for group in groups))
    day, streak = today, 0
    if day not in board.reviews_by_day:
        day -= timedelta(days=1)  # today not studied yet: the streak still counts up to yesterday
    while day in board.reviews_by_day:
        streak, day = streak + 1, day - timedelta(days=1)
    board.streak = streak

    since = now - timedelta(weeks=12)
    first, periods = _periods_from(since, now, offset, 7)
    weekly = database.rows(
        kept(("passed by week",), _passed_by_week), {"user_id": user_id, "since": since, **periods}
    ).all()
    board.retention_by_week = [(first + timedelta(weeks=n), ok, total) for n, ok, total in sorted(weekly) if total]

    board.mastery = topic_mastery(groups)
    board.pages = page_cells(groups)

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


def _weakest_order(learnt, elapsed, stability, card_id) -> tuple:
    return (
        learnt,  # false (still being learnt) first
        sa.case((learnt, 0.0), else_=elapsed),  # among those, the most recent first
        (elapsed / stability).desc(),  # among learnt items, the least retrievable first
        card_id,
    )


def _weakest():
    """Rank the learner's cards on their own columns, then read the prompt and the last rating of
    only the few ranked first: a long history costs one pass over the cards, not over their reviews
    and versions."""
    learnt = Card.state == REVIEW_STATE
    elapsed = days_since(Card.last_review, NOW)
    ranked = (
        sa.select(
            Card.id,
            Card.question_id,
            Question.current_version_id,
            learnt.label("learnt"),
            Card.stability,
            elapsed.label("elapsed"),
            Card.last_review,
        )
        .join(Question, Question.id == Card.question_id)
        .where(
            Card.user_id == USER,
            Card.reps > 0,
            Question.status == QuestionStatus.ACTIVE,
            Question.current_version_id.is_not(None),
        )
        .order_by(*_weakest_order(learnt, elapsed, Card.stability, Card.id))
        .limit(sa.bindparam("limit", type_=sa.Integer))
        .subquery()
    )
    last_rating = (
        sa.select(ReviewLog.rating)
        .where(ReviewLog.card_id == ranked.c.id, ReviewLog.undone_at.is_(None))
        .order_by(ReviewLog.reviewed_at.desc(), ReviewLog.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    return (
        sa.select(
            ranked.c.question_id,
            QuestionVersion.prompt,
            ranked.c.learnt,
            last_rating,
            ranked.c.stability,
            ranked.c.elapsed,
            ranked.c.last_review,
        )
        .join(QuestionVersion, QuestionVersion.id == ranked.c.current_version_id)
        .order_by(*_weakest_order(ranked.c.learnt, ranked.c.elapsed, ranked.c.stability, ranked.c.id))
    )


def weakest_items(user_id: int, now: datetime, limit: int = 8) -> list[WeakItem]:
    """Items still being learnt or relearnt first (the most recently failed first), then learnt items by
    how close the learner is to forgetting them (lowest predicted recall now): one query."""
    rows = database.rows(kept(("weakest",), _weakest), {"user_id": user_id, "now": now, "limit": limit}).all()
    return [
        WeakItem(question_id, prompt, bool(is_learnt), rating, recall(stability, days), last_review)
        for question_id, prompt, is_learnt, rating, stability, days, last_review in rows
    ]


def _lookup(counts: dict, day: date) -> int:
    return counts.get(str(day), 0) + counts.get(day, 0)
