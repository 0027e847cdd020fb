"""The review queue and ratings: what is due, what is new, rating once, undoing, settings."""

from dataclasses import dataclass, fields
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.sql.expression import ClauseElement

from quizapp import database
from quizapp.authoring.sets import set_questions
from quizapp.bank.models import Question, QuestionStatus, QuestionVersion, Topic
from quizapp.classes.access import studyable_by
from quizapp.database import kept
from quizapp.extensions import db
from quizapp.review import exam, scheduling
from quizapp.review.models import Card, ExamPlan, ReviewLog, ReviewSettings

DAY_STARTS_AT = time(4, 0)  # a learning day starts at 04:00 local time, as in Anki
NEW_EVERY = 4  # when both are waiting, every fourth card is a new one
LEARN_AHEAD = timedelta(minutes=20)  # with nothing else left, learning cards come this much early


class ReviewError(Exception):
    """A refused action; the message is for the learner."""


def _settings_of():
    return sa.select(ReviewSettings).where(ReviewSettings.user_id == sa.bindparam("user_id", type_=sa.Integer))


def _settings_and_plan_columns() -> list:
    return [*database.columns_of(ReviewSettings, "s_"), *database.columns_of(ExamPlan, "p_")]


def _joined_to_the_user(statement: sa.Select, user_id) -> sa.Select:
    """`statement` with the learner's settings and exam plan outer-joined (either may be missing)."""
    return statement.outerjoin(ReviewSettings, ReviewSettings.user_id == user_id).outerjoin(
        ExamPlan, ExamPlan.user_id == user_id
    )


def _settings_and_plan():
    """The learner's settings and exam plan columns: one row per learner."""
    learner = sa.select(sa.literal(1).label("one")).subquery()
    statement = sa.select(*_settings_and_plan_columns()).select_from(learner)
    return _joined_to_the_user(statement, sa.bindparam("user_id", type_=sa.Integer))


# Most of a learner's pages need the settings and plan: read them with the signed-in user.
database.join_with_user(_settings_and_plan_columns, _joined_to_the_user)


def settings_for(user_id: int) -> ReviewSettings:
    """The learner's settings row, or unsaved defaults. In a read-only request the exam plan is read
    in the same statement and kept for `exam.plan_of`, since the pages that need one need both;
    both are then unsaved copies (such a request never changes them). For the signed-in learner
    both came with the user (`database.join_with_user`): no statement at all."""
    memo = database.read_once()
    if memo is None:
        found = db.session.scalar(kept(("review settings",), _settings_of), {"user_id": user_id})
    elif ("settings", user_id) in memo:
        found = memo["settings", user_id]
    else:
        row = (
            database.row_read_with_user(user_id)
            or database.rows(kept(("settings and plan",), _settings_and_plan), {"user_id": user_id}).one()
        )
        found = memo["settings", user_id] = database.unsaved(ReviewSettings, row, "s_")
        memo["exam plan", user_id] = database.unsaved(ExamPlan, row, "p_")
    return found or _default_settings(user_id)


def _default_settings(user_id: int) -> ReviewSettings:
    """The settings of a learner who has not saved any (unsaved)."""
    return ReviewSettings(
        user_id=user_id,
        desired_retention=scheduling.DEFAULT_RETENTION,
        new_per_day=20,
        reviews_per_day=200,
        shortcuts=True,
    )


def settings_and_plan_as_found(user_id: int) -> tuple[ReviewSettings, ExamPlan | None]:
    """The learner's settings and exam plan as the request found them, for a write that uses them
    without changing them (a rating): unsaved copies from the row that loaded the signed-in user,
    in any request, or read now when there is none. A rating took two statements to read them
    again (7% of its time), and a change made in another tab in between was a race either way."""
    row = database.row_found_with_user(user_id)
    if row is None:
        return settings_for(user_id), exam.plan_of(user_id)
    settings = database.unsaved(ReviewSettings, row, "s_") or _default_settings(user_id)
    return settings, database.unsaved(ExamPlan, row, "p_")


def learning_day(now: datetime, zone: str) -> tuple[datetime, datetime]:
    """The UTC bounds of the learning day that `now` falls in, for a learner in `zone`."""
    local = now.astimezone(ZoneInfo(zone))
    day = (local - timedelta(hours=DAY_STARTS_AT.hour, minutes=DAY_STARTS_AT.minute)).date()
    start = datetime.combine(day, DAY_STARTS_AT, tzinfo=local.tzinfo)
    return start.astimezone(ZoneInfo("UTC")), (start + timedelta(days=1)).astimezone(ZoneInfo("UTC"))


def deck_path(topic_slug: str | None) -> str | None:
    if not topic_slug:
        return None
    path = db.session.scalar(sa.select(Topic.path).where(Topic.slug == topic_slug))
    if path is None:
        raise LookupError(topic_slug)
    return path


@dataclass
class Today:
    """What the learner has done since their learning day began."""

    new_done: int
    reviews_done: int
    seen_questions: set[int]
    buried_facts: set[str]


def _today():
    return (
        sa.select(ReviewLog.question_id, Question.fact, ReviewLog.before.is_(None), ReviewLog.origin)
        .join(Question, Question.id == ReviewLog.question_id)
        .where(
            ReviewLog.user_id == sa.bindparam("user_id", type_=sa.Integer),
            ReviewLog.reviewed_at >= sa.bindparam("day_start", type_=sa.DateTime(timezone=True)),
            ReviewLog.undone_at.is_(None),
        )
    )


def today_for(user_id: int, day_start: datetime) -> Today:
    rows = database.rows(kept(("today",), _today), {"user_id": user_id, "day_start": day_start}).all()
    in_review = [r for r in rows if r[3] == "review"]
    return Today(
        new_done=sum(1 for r in in_review if r[2]),
        reviews_done=sum(1 for r in in_review if not r[2]),
        seen_questions={r[0] for r in rows},
        buried_facts={r[1] for r in rows if r[1]},
    )


KINDS = {"all": "Everything", "flashcards": "Flashcards only", "questions": "Questions only"}


@dataclass(frozen=True)
class Deck:
    """What to study: a topic subtree (or everything), and which kinds of item."""

    path: str | None = None
    kind: str = "all"
    set_id: int | None = None  # a teacher's set (assigned as a review deck)


def _given(value) -> bool:
    """A value a statement is built with: a bind parameter or a list's subquery (a cached statement's
    slot), or a literal."""
    return isinstance(value, ClauseElement) or bool(value)


def _in_deck(deck: Deck, today: Today, scope):
    """Active questions in the deck that the learner may study (`scope`, from classes/access.py),
    siblings of today's items buried (but not the items themselves)."""
    conditions = [Question.status == QuestionStatus.ACTIVE, scope]
    if _given(deck.path):
        pattern = deck.path if isinstance(deck.path, sa.BindParameter) else database.like_prefix(deck.path)
        conditions.append(Topic.path.like(pattern, escape="/"))
    if deck.set_id is not None:
        conditions.append(Question.id.in_(set_questions(deck.set_id)))
    if deck.kind == "flashcards":
        conditions.append(Question.type == "flashcard")
    elif deck.kind == "questions":
        conditions.append(Question.type != "flashcard")
    if _given(today.buried_facts):
        conditions.append(
            sa.or_(
                Question.fact.is_(None),
                Question.fact.not_in(today.buried_facts),
                Question.id.in_(today.seen_questions),
            )
        )
    return sa.and_(*conditions)


def _days_since_last_review():
    now = sa.bindparam("now", type_=sa.DateTime(timezone=True))
    if db.engine.dialect.name == "postgresql":
        return sa.extract("epoch", now - Card.last_review) / 86400.0
    return sa.func.julianday(sa.func.datetime(now)) - sa.func.julianday(Card.last_review)


@dataclass
class Counts:
    new: int
    learning: int
    review: int
    learning_now: int = 0  # of the learning cards, those due already (the rest come later today)

    @property
    def total(self) -> int:
        return self.new + self.learning + self.review


@dataclass
class Queue:
    counts: Counts
    card: Card | None  # the next due card, with its question and version loaded
    new_question: Question | None  # or the next new question
    next_due: datetime | None  # when the queue is empty: when the next card falls due


def _cards_in_deck(user_id: int, deck: Deck, today: Today, scope):
    return (
        sa.select(Card)
        .join(Question, Question.id == Card.question_id)
        .join(Topic, Topic.id == Question.topic_id)
        .where(Card.user_id == user_id, Card.reps > 0, _in_deck(deck, today, scope))
    )


def _new_questions(user_id: int, deck: Deck, today: Today, scope, probe: bool = False):
    """Questions the learner has never studied. A teacher's own questions are new to a learner only
    in the deck of a set that holds them (once studied, their cards are in every deck)."""
    # The learner's studied items as a set (NOT IN: read once, then looked up), not a NOT EXISTS per
    # question: PostgreSQL answered that with a merge anti-join over every learner's cards in question
    # order (75 ms for the learner with 20,000 reviews at 100,000 items, against 1 ms). With `probe`
    # (SQLite's new count, which stops after a few rows), one index probe per question read instead:
    # building the set costs a step per studied item, whether or not the count reaches them.
    if probe:
        studied = sa.exists().where(Card.user_id == user_id, Card.question_id == Question.id, Card.reps > 0)
    else:
        studied = Question.id.in_(sa.select(Card.question_id).where(Card.user_id == user_id, Card.reps > 0))
    curated = Question.owner_id.is_(None) if deck.set_id is None else sa.true()
    return (
        sa.select(Question)
        .join(Topic, Topic.id == Question.topic_id)
        .join(QuestionVersion, QuestionVersion.id == Question.current_version_id)
        .where(~studied, curated, _in_deck(deck, today, scope))
    )


@dataclass
class QueueState:
    """What both the queue and its counts start from: the learner's day so far, a running exam
    plan and the day's bounds (read once per request)."""

    user_id: int
    now: datetime
    today: Today
    plan: object  # ExamPlan | None
    day_end: datetime

    @property
    def scope(self):
        """SQL condition on Question: what the learner may study (classes/access.py), with literal values."""
        return studyable_by(self.user_id, self.now)


def queue_state(user_id: int, now: datetime, zone: str) -> QueueState:
    day_start, day_end = learning_day(now, zone)
    return QueueState(user_id, now, today_for(user_id, day_start), exam.running_plan(user_id, now), day_end)


@dataclass
class _Inputs:
    """What the queue's statements are built from. For the common decks (everything or a topic, no
    exam plan) they are bind parameters, and each statement is built once per deck shape and kept:
    building one costs several times running it. Other decks build theirs with literal values."""

    user_id: object
    now: object
    deck: Deck
    today: Today
    scope: object
    until: object  # learning and review cards due before this are waiting today
    params: dict


_STATEMENTS: dict[tuple, object] = {}
_NOW = sa.bindparam("now", type_=sa.DateTime(timezone=True))


def _inputs(user_id: int, deck: Deck, now: datetime, state: QueueState) -> _Inputs:
    until = max(state.day_end, now + LEARN_AHEAD)
    if deck.set_id is not None or state.plan is not None:
        return _Inputs(user_id, now, deck, state.today, state.scope, until, {"now": now})
    buried = bool(state.today.buried_facts)
    params = {"user_id": user_id, "now": now, "until": until}
    if deck.path:
        params["deck_like"] = database.like_prefix(deck.path)
    dialect = db.engine.dialect.name
    if buried:
        seen, facts = state.today.seen_questions, state.today.buried_facts
        params |= {"seen": database.list_value(dialect, seen), "buried": database.list_value(dialect, facts)}
    shape = (dialect, bool(deck.path), deck.kind, buried)
    if shape not in _BOUND:
        _BOUND[shape] = _bound(*shape)
    return _Inputs(*_BOUND[shape], params)


def _bound(dialect: str, path: bool, kind: str, buried: bool) -> tuple:
    """The bind parameters a cached statement is built with, for one database and deck shape."""
    user = sa.bindparam("user_id", type_=sa.Integer)
    listed = (database.listed(dialect, "seen", sa.Integer), database.listed(dialect, "buried", sa.String))
    return (
        user,
        _NOW,
        Deck(sa.bindparam("deck_like", type_=sa.String) if path else None, kind),
        Today(0, 0, *listed) if buried else Today(0, 0, set(), set()),
        studyable_by(user, _NOW),
        sa.bindparam("until", type_=sa.DateTime(timezone=True)),
    )


_BOUND: dict[tuple, tuple] = {}  # per database and deck shape, made when first needed


def _statement(name: str, i: _Inputs, build):
    """`build(i)`, kept per deck shape when `i` holds bind parameters."""
    if not i.params.get("user_id"):
        return build(i)
    key = (db.engine.dialect.name, name, i.deck.path is not None, i.deck.kind, "buried" in i.params)
    if key not in _STATEMENTS:
        _STATEMENTS[key] = database.keep(build(i))
    return _STATEMENTS[key]


def _waiting_counts(i: _Inputs):
    waiting = _cards_in_deck(i.user_id, i.deck, i.today, i.scope).where(Card.due < i.until).subquery()
    return sa.select(
        sa.func.count().filter(waiting.c.state != scheduling.REVIEW),
        sa.func.count().filter(waiting.c.state == scheduling.REVIEW, waiting.c.due <= i.now),
        sa.func.count().filter(waiting.c.state != scheduling.REVIEW, waiting.c.due <= i.now),
    ).select_from(waiting)


# The count of new items stops at the day's limit, so the order it reads the bank in changes its cost,
# never its result: new items are introduced in article order (`_new_question`), so a learner's studied
# items gather at the front of that order and counting from the back meets unstudied ones first. In
# article order, the learner with 1,000 studied items passed over all of them before counting 20 new
# ones (0.32 ms against 0.07 ms for a learner with 160, at 100,000 items).
_FROM_THE_BACK = (Question.source_page.desc(), Question.id.desc())


def _new_count(i: _Inputs):
    """New items up to the day's limit. A statement of its own: inside one with the card counts,
    SQLite's planner built an automatic index over the whole bank on every run (160 ms at 100,000 items)."""
    limit = sa.bindparam("new_left", type_=sa.Integer)
    new = (
        _new_questions(i.user_id, i.deck, i.today, i.scope, probe=db.engine.dialect.name == "sqlite")
        .with_only_columns(Question.id)
        .order_by(*_FROM_THE_BACK)
        .limit(limit)
    )
    return sa.select(sa.func.count()).select_from(new.subquery())


def _waiting_and_new_counts(i: _Inputs):
    """On PostgreSQL, the card counts and the new count in one statement: a round trip fewer, and
    its planner keeps each part's plan (SQLite's did not: see `_new_count`)."""
    return _waiting_counts(i).add_columns(_new_count(i).scalar_subquery())


# The item the queue shows is read as one row of columns (its card, question and current version)
# and shown as unsaved copies: the ORM's loading of three joined objects was a fifth of the review
# page. The page changes none of them; a rating reads the card again under its lock.
_CARD_COLUMNS, _QUESTION_COLUMNS = ("c_", "q_", "v_"), ("q_", "v_")


def _picked_columns(statement: sa.Select, prefixes: tuple) -> sa.Select:
    models = {"c_": Card, "q_": Question, "v_": QuestionVersion}
    columns = [column for prefix in prefixes for column in database.columns_of(models[prefix], prefix)]
    return statement.with_only_columns(*columns)


def _card_from(row) -> Card | None:
    """The unsaved card of a row of `_CARD_COLUMNS`, its question and version attached."""
    if row is None:
        return None
    card = database.unsaved(Card, row, "c_")
    set_committed_value(card, "question", _question_from(row))
    return card


def _question_from(row) -> Question | None:
    if row is None:
        return None
    question = database.unsaved(Question, row, "q_")
    set_committed_value(question, "current_version", database.unsaved(QuestionVersion, row, "v_"))
    return question


def _cards_picked(i: _Inputs) -> sa.Select:
    cards = _cards_in_deck(i.user_id, i.deck, i.today, i.scope)
    cards = cards.join(QuestionVersion, QuestionVersion.id == Question.current_version_id)
    return _picked_columns(cards, _CARD_COLUMNS)


def _learning_card(i: _Inputs):
    return (
        _cards_picked(i)
        .where(Card.state != scheduling.REVIEW, Card.due <= sa.bindparam("due_by", type_=sa.DateTime(timezone=True)))
        .order_by(Card.due, Card.id)
        .limit(1)
    )


def _weakest_card(i: _Inputs):
    weakest = (_days_since_last_review() / Card.stability).desc()
    return (
        _cards_picked(i)
        .where(Card.state == scheduling.REVIEW, Card.due <= i.now)
        .order_by(weakest, Card.due, Card.id)
        .limit(1)
    )


def _new_question(i: _Inputs, plan=None):
    return (
        _picked_columns(_new_questions(i.user_id, i.deck, i.today, i.scope), _QUESTION_COLUMNS)
        .order_by(*_exam_first(plan), Question.source_page, Question.id)
        .limit(1)
    )


def _next_due(i: _Inputs):
    return (
        sa.select(sa.func.min(Card.due))
        .join(Question, Question.id == Card.question_id)
        .join(Topic, Topic.id == Question.topic_id)
        .where(Card.user_id == i.user_id, Card.reps > 0, Card.due > i.now, _in_deck(i.deck, i.today, i.scope))
    )


def queue_counts(user_id: int, deck: Deck, now: datetime, settings: ReviewSettings, state: QueueState) -> Counts:
    """New, learning and review items waiting today: two statements (one on PostgreSQL). Learning counts every learning
    card due today, as Anki does; new items are counted no further than the day's limit."""
    return _counts(_inputs(user_id, deck, now, state), user_id, now, settings, state)


def _counts(i: _Inputs, user_id: int, now: datetime, settings: ReviewSettings, state: QueueState) -> Counts:
    today = state.today
    new_left = max(0, exam.new_limit(state.plan, user_id, now, settings, today.new_done) - today.new_done)
    params = i.params | {"until": max(state.day_end, now + LEARN_AHEAD), "new_left": new_left}
    if db.engine.dialect.name == "postgresql":
        counted = database.rows(_statement("waiting and new", i, _waiting_and_new_counts), params).one()
        learning, reviews, learning_now, new_available = counted
    else:
        learning, reviews, learning_now = database.rows(_statement("waiting", i, _waiting_counts), params).one()
        new_available = database.value(_statement("new count", i, _new_count), params)
    return Counts(
        new=new_available,
        learning=learning,
        review=max(0, min(reviews, settings.reviews_per_day - today.reviews_done)),
        learning_now=learning_now,
    )


def build_queue(
    user_id: int, deck: Deck, now: datetime, settings: ReviewSettings, zone: str, state: QueueState | None = None
) -> Queue:
    """Counts and the next item: due learning cards first, then reviews (least likely recalled
    first) mixed with new items up to the day's limits, then learning cards a little ahead of
    time. A fixed number of queries."""
    state = state or queue_state(user_id, now, zone)
    i = _inputs(user_id, deck, now, state)
    counts = _counts(i, user_id, now, settings, state)
    studied_today = state.today.new_done + state.today.reviews_done
    want_new = counts.new > 0 and (counts.review == 0 or studied_today % NEW_EVERY == NEW_EVERY - 1)
    learning = _statement("learning card", i, _learning_card)
    card = _card_from(database.rows(learning, i.params | {"due_by": now}).first()) if counts.learning_now else None
    question = next_due = None
    if card is None and counts.review and not want_new:
        card = _card_from(database.rows(_statement("weakest card", i, _weakest_card), i.params).first())
    if card is None and counts.new:
        pick = _new_question(i, state.plan) if state.plan is not None else _statement("new question", i, _new_question)
        question = _question_from(database.rows(pick, i.params).first())
    if card is None and question is None and counts.learning:
        card = _card_from(database.rows(learning, i.params | {"due_by": now + LEARN_AHEAD}).first())
    if card is None and question is None:
        next_due = database.value(_statement("next due", i, _next_due), i.params)
    return Queue(counts, card, question, next_due)


def _exam_first(plan) -> tuple:
    """In exam mode, the exam's new items come before the rest."""
    return () if plan is None else (sa.case((exam.scope_condition(plan), 0), else_=1),)


def _new_card():
    insert = postgresql.insert if db.engine.dialect.name == "postgresql" else sqlite.insert
    now = sa.bindparam("now", type_=Card.due.type)
    return (
        insert(Card)
        .values(
            user_id=sa.bindparam("user_id", type_=sa.Integer),
            question_id=sa.bindparam("question_id", type_=sa.Integer),
            state=scheduling.LEARNING,
            step=0,
            due=now,
            reps=0,
            lapses=0,
            created_at=now,
        )
        .on_conflict_do_nothing(index_elements=["user_id", "question_id"])
    )


def _locked_card():
    return (
        sa.select(*database.columns_of(Card))
        .where(
            Card.user_id == sa.bindparam("user_id", type_=sa.Integer),
            Card.question_id == sa.bindparam("question_id", type_=sa.Integer),
        )
        .with_for_update()
    )


def _card_for_update(user_id: int, question_id: int, now: datetime) -> Card:
    """The learner's card for a question, locked for this transaction, as it stands (read anew even if
    the session holds it); created when missing (the insert is tried only then: most ratings are of
    a card the learner already holds). Read as columns: the ORM's loading was a sixth of a rating."""
    values = {"user_id": user_id, "question_id": question_id}
    row = database.rows(kept(("locked card",), _locked_card), values).first()
    if row is None:  # another request may make it meanwhile: the insert then does nothing
        database.rows(kept(("new card",), _new_card), values | {"now": now})
        row = database.rows(kept(("locked card",), _locked_card), values).one()
    return database.as_loaded(Card, row, populate_existing=True)


@dataclass(frozen=True)
class Rated:
    log: ReviewLog
    card: Card | None
    duplicate: bool = False


def rate(
    user_id: int,
    question_id: int,
    version_id: int,
    rating: int,
    now: datetime,
    *,
    duration_ms: int = 0,
    key: str | None = None,
    origin: str = "review",
    response_id: int | None = None,
    settings: ReviewSettings | None = None,
    plan: object = exam.UNREAD,  # the ExamPlan or None, when the caller has read it
) -> Rated:
    """Apply one rating to the learner's card and log it, once per submission key (or quiz response),
    with the learner's settings and exam plan (read here unless given)."""
    if rating not in scheduling.RATINGS:
        raise ReviewError("Rate with Again, Hard, Good or Easy.")
    settings = settings or settings_for(user_id)
    card = _card_for_update(user_id, question_id, now)
    before = card.memory if card.reps else None
    after = scheduling.review(
        scheduling.fuzz_key(user_id, question_id), before, rating, now, settings.parameters, settings.desired_retention
    )
    cap = exam.cap_after_rating(user_id, question_id, after, now, settings, plan)
    after = exam.apply_cap(after, cap)
    logged = {
        "user_id": user_id,
        "card_id": card.id,
        "question_id": question_id,
        "version_id": version_id,
        "rating": rating,
        "reviewed_at": now,
        "duration_ms": max(0, min(duration_ms, 3_600_000)),
        "origin": origin,
        "response_id": response_id,
        "submission_key": key,
        "before": before.as_dict() if before else None,
        "after": exam.snapshot(after, cap),
    }
    # The log first, and only if no rating holds its submission key or quiz response (both unique):
    # the same submission from another tab may have committed while this one waited for the card's
    # lock (PostgreSQL reads committed rows anew), or commit while this insert runs (PostgreSQL's
    # insert then waits for it), and the insert that finds it tells, with no statement to look first.
    # A replay then changes nothing: the card is written only after its log.
    if not database.rows(kept(("rating logged",), lambda: _rating_logged(logged)), logged).rowcount:
        earlier = _earlier_rating(key, response_id)
        if earlier is None:  # nothing else of a log is unique: this cannot happen
            raise RuntimeError("the rating's log was refused, yet no rating holds its key")
        return Rated(earlier, None, duplicate=True)
    # Kept statements, not the ORM's flush of a changed card and a new log (a sixth of a rating): the
    # locked card then holds what was written, as committed, and the log is an unsaved copy.
    remembered = {name: getattr(after, name) for name in _MEMORY}  # the card's columns of memory (Card.remember)
    new = {f"new_{name}": value for name, value in remembered.items()}
    database.rows(kept(("card rated",), _card_rated), {"card_id": card.id} | new)
    for name, value in remembered.items():
        set_committed_value(card, name, value)
    return Rated(ReviewLog(**logged), card)


_MEMORY = tuple(field.name for field in fields(scheduling.Memory))


def _card_rated():
    return (
        sa.update(Card)
        .where(Card.id == sa.bindparam("card_id", type_=sa.Integer))
        .values(database.bound_columns(Card, _MEMORY, "new_"))
    )


def _rating_logged(columns):
    insert = postgresql.insert if db.engine.dialect.name == "postgresql" else sqlite.insert
    return insert(ReviewLog).values(database.bound_columns(ReviewLog, columns)).on_conflict_do_nothing()


def _rating_by_key():
    return sa.select(ReviewLog).where(ReviewLog.submission_key == sa.bindparam("key", type_=sa.String))


def _rating_of_response():
    return sa.select(ReviewLog).where(ReviewLog.response_id == sa.bindparam("response_id", type_=sa.Integer))


def _earlier_rating(key: str | None, response_id: int | None) -> ReviewLog | None:
    """The rating that holds this submission key, or else this quiz response (each is unique)."""
    if key is not None and (found := db.session.scalar(kept(("rating by key",), _rating_by_key), {"key": key})):
        return found
    if response_id is not None:
        return db.session.scalar(kept(("rating of response",), _rating_of_response), {"response_id": response_id})
    return None


def rating_for_score(score: float) -> int:
    """A quiz answer as a review: full marks Good, partial credit Hard, nothing Again."""
    return 3 if score >= 1 else (2 if score > 0 else 1)


def undo_last(user_id: int, now: datetime) -> ReviewLog:
    """Take back the learner's latest rating made in review: the card returns to its state before it."""
    log = db.session.scalar(
        sa.select(ReviewLog)
        .where(ReviewLog.user_id == user_id, ReviewLog.undone_at.is_(None))
        .order_by(ReviewLog.reviewed_at.desc(), ReviewLog.id.desc())
        .limit(1)
        .with_for_update()
    )
    if log is None or log.origin != "review":
        raise ReviewError("There is no rating to undo: answers given in quizzes stay counted.")
    card = db.session.scalars(sa.select(Card).where(Card.id == log.card_id).with_for_update()).one()
    if log.before is None:
        card.reps, card.lapses, card.state, card.step, card.stability, card.difficulty = 0, 0, 1, 0, None, None
        card.due, card.last_review = now, None
    else:
        card.remember(scheduling.Memory.from_dict(log.before))
    log.undone_at = now
    return log


def card_of(user_id: int, card_id: int) -> Card | None:
    """A card with its question, only if it is this learner's."""
    return db.session.scalar(
        sa.select(Card)
        .where(Card.id == card_id, Card.user_id == user_id)
        .options(joinedload(Card.question).joinedload(Question.current_version))
    )


def history_of(card: Card) -> list[ReviewLog]:
    return list(
        db.session.scalars(
            sa.select(ReviewLog).where(ReviewLog.card_id == card.id).order_by(ReviewLog.reviewed_at, ReviewLog.id)
        )
    )


def save_settings(
    user_id: int, retention: float, new_per_day: int, reviews_per_day: int, shortcuts: bool = True
) -> ReviewSettings:
    settings = db.session.get(ReviewSettings, user_id) or ReviewSettings(user_id=user_id)
    settings.desired_retention, settings.new_per_day, settings.reviews_per_day = retention, new_per_day, reviews_per_day
    settings.shortcuts = shortcuts
    db.session.add(settings)
    return settings


def _question_shown():
    return (
        sa.select(Question)
        .where(Question.id == sa.bindparam("question_id", type_=sa.Integer))
        .options(joinedload(Question.current_version))
    )


def question_with_version(question_id: int) -> Question | None:
    """A question with its current version: one query."""
    return db.session.scalar(kept(("question shown",), _question_shown), {"question_id": question_id})


def card_for(user_id: int, question_id: int) -> Card | None:
    return db.session.scalar(sa.select(Card).where(Card.user_id == user_id, Card.question_id == question_id))


def review_count(user_id: int) -> int:
    return (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(ReviewLog)
            .where(ReviewLog.user_id == user_id, ReviewLog.undone_at.is_(None))
        )
        or 0
    )


def save_parameters(user_id: int, fit, now: datetime) -> ReviewSettings:
    """Keep fitted parameters: from now on the schedule and the rating buttons follow them."""
    settings = db.session.get(ReviewSettings, user_id) or settings_for(user_id)
    settings.parameters, settings.fitted_at, settings.fitted_reviews = fit.parameters, now, fit.reviews
    db.session.add(settings)
    return settings
