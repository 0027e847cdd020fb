"""Quiz logic: build a pool, start an attempt, record answers once, finish once, gather results."""

import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from random import Random
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value

from quizapp import database
from quizapp.bank import summary
from quizapp.bank.models import Question, QuestionStatus, QuestionVersion, Topic
from quizapp.bank.types import QUIZ_TYPES, Answer, get_type
from quizapp.database import kept
from quizapp.extensions import db
from quizapp.quiz import replay
from quizapp.quiz.generation import Candidate, available, pick_questions
from quizapp.quiz.models import AttemptItem, Mode, QuestionReport, QuizAttempt, Response
from quizapp.quiz.results import record_results
from quizapp.review.models import Card

MAX_TIME_SPENT_MS = 30 * 60 * 1000  # longer than this is a learner who walked away


class QuizError(Exception):
    """A refused action; the message is for the learner."""


@dataclass(frozen=True)
class QuizRules:
    """What a learner (or later a teacher's set) asks for."""

    topics: list[str]  # topic slugs
    types: list[str] = field(default_factory=lambda: list(QUIZ_TYPES))
    difficulties: list[int] = field(default_factory=lambda: [1, 2, 3])
    length: int = 10
    mode: str = Mode.PRACTICE.value
    time_limit_minutes: int | None = None
    set_id: int | None = None  # a teacher's set supplies the questions instead of the topics
    pages: list[int] = field(default_factory=list)  # only items citing these pages (from the knowledge map)

    def as_settings(self) -> dict[str, Any]:
        return {
            "topics": self.topics,
            "types": self.types,
            "difficulties": self.difficulties,
            "length": self.length,
            "mode": self.mode,
            "time_limit_minutes": self.time_limit_minutes,
            "set_id": self.set_id,
            "pages": self.pages,
        }

    @classmethod
    def from_settings(cls, settings: dict[str, Any]) -> "QuizRules":
        return cls(**settings)


def topic_paths(slugs: list[str]) -> list[str]:
    """The paths of these topics in path order, from the topics kept with the bank's revision."""
    wanted = set(slugs)
    return sorted(topic.path for topic in summary.topics() if topic.slug in wanted)


def _id_range() -> tuple[int, int]:
    """The lowest and highest question id (one subquery each: SQLite reads them off the index)."""
    lowest = sa.select(sa.func.min(Question.id)).scalar_subquery()
    highest = sa.select(sa.func.max(Question.id)).scalar_subquery()
    return tuple(db.session.execute(sa.select(lowest, highest)).one())


def active_candidates():
    """Active questions as quiz candidates (the columns of `Candidate`), for a caller to narrow."""
    return candidates().where(Question.status == QuestionStatus.ACTIVE)


def candidates():
    """Questions of any status as quiz candidates (the columns of `Candidate`), for a caller to narrow."""
    return (
        sa.select(
            Question.id,
            Question.current_version_id,
            Topic.path,
            QuestionVersion.difficulty,
            Question.fact,
            Question.type,
        )
        .join(Topic, Topic.id == Question.topic_id)
        .join(QuestionVersion, QuestionVersion.id == Question.current_version_id)
    )


WINDOW = 200  # the most candidates a quiz is drawn from; a bank with more matching items is sampled
MIN_SHARE = 50  # but never fewer from a chosen topic than the longest quiz


def candidate_pool(
    paths: list[str], types: list[str], difficulties: list[int], pages: list[int] | None = None, seed: int = 0
) -> list[Candidate]:
    """Active curated questions of these types and difficulties in these topic subtrees (and, when
    given, citing these pages of the article).

    All of them when there are at most WINDOW (the curated bank): two queries. In a larger bank,
    a window of each chosen subtree from a seeded point in id order, so that the cost stays flat
    whatever the bank's size and every chosen topic keeps its share: the windows of every topic in
    one statement, and one more when any of them wraps round to the start.

    Each statement is built once per shape (how many subtrees, whether pages are given) with bind
    parameters, and kept: building and compiling the four windows' union anew cost more than running it
    (about a quarter of a quiz's generation at 100,000 items).
    """
    if not paths:
        return []
    types = sorted({t for t in types if t in QUIZ_TYPES})
    difficulties = sorted(set(difficulties))
    params = {
        **{f"type_{n}": kind for n, kind in enumerate(types)},
        **{f"difficulty_{n}": level for n, level in enumerate(difficulties)},
        **({"pages": database.list_value(db.engine.dialect.name, pages)} if pages else {}),
        **{f"path_{n}": database.like_prefix(path) for n, path in enumerate(paths)},
    }
    # Types and difficulties as one parameter each (a short list: SQLite walks the index on type by
    # question id for each), pages as one list parameter.
    shape = (len(paths), len(types), len(difficulties), bool(pages))
    matching = database.value(kept(("quiz candidates counted", *shape), lambda: _counted(shape)), params)
    if matching <= WINDOW:
        everything = kept(("quiz candidates", *shape), lambda: _within(shape))
        return [Candidate(*row) for row in database.rows(everything, params)]
    rng = Random(seed)
    # Kept with the bank's revision: a question added since only moves where the windows may start.
    lowest, highest = summary.per_revision("question id range", _id_range)
    share = max(WINDOW // len(paths), MIN_SHARE)
    pivots = [rng.randint(lowest, highest) for _ in paths]

    def windows(limits: dict[int, int], after: bool) -> dict[int, list]:
        """Each chosen subtree's window (up to its limit in id order, from its pivot on, or before it
        when wrapping round to the start), all in one statement."""
        key = ("quiz windows", *shape, tuple(limits), after)
        statement = kept(key, lambda: _windows(shape, tuple(limits), after))
        values = params | {f"pivot_{n}": pivots[n] for n in limits} | {f"limit_{n}": k for n, k in limits.items()}
        found: dict[int, list] = {n: [] for n in limits}
        for part, *row in database.rows(statement, values):
            found[part].append(row)
        return found

    rows = windows({n: share for n in range(len(paths))}, after=True)
    short = {n: share - len(found) for n, found in rows.items() if len(found) < share}
    if short:  # wrapping round to the start: one more statement
        for n, more in windows(short, after=False).items():
            rows[n] += more
    sampled: dict[int, Candidate] = {}  # nested subtrees may share items
    for found in rows.values():  # in the order of the paths
        sampled.update((row[0], Candidate(*row)) for row in found)
    return list(sampled.values())


def _matching(shape: tuple) -> sa.Select:
    """Quiz candidates of the bound types and difficulties (type_0, ..., difficulty_0, ...) and pages,
    in no subtree yet."""
    _, types, levels, paged = shape
    return active_candidates().where(
        Question.slug.is_not(None),
        Question.type.in_([sa.bindparam(f"type_{n}", type_=sa.String) for n in range(types)]),
        QuestionVersion.difficulty.in_([sa.bindparam(f"difficulty_{n}", type_=sa.Integer) for n in range(levels)]),
        Question.source_page.in_(database.listed(db.engine.dialect.name, "pages", sa.Integer)) if paged else sa.true(),
    )


def _in_subtree(n: int):
    return Topic.path.like(sa.bindparam(f"path_{n}", type_=sa.String), escape="/")


def _within(shape: tuple) -> sa.Select:
    """Candidates in any of the subtrees bound as path_0, path_1, ..."""
    return _matching(shape).where(sa.or_(*[_in_subtree(n) for n in range(shape[0])]))


def _counted(shape: tuple) -> sa.Select:
    """How many candidates there are, counted no further than one more than a window holds."""
    return sa.select(sa.func.count()).select_from(_within(shape).limit(WINDOW + 1).subquery())


def _windows(shape: tuple, parts: tuple[int, ...], after: bool) -> sa.CompoundSelect:
    """The windows of the subtrees `parts`: each up to limit_n candidates in id order from pivot_n on
    (or before it), labelled with n."""
    selects = []
    for n in parts:
        pivot = sa.bindparam(f"pivot_{n}", type_=sa.Integer)
        side = Question.id >= pivot if after else Question.id < pivot
        window = _matching(shape).where(_in_subtree(n), side).order_by(Question.id)
        window = window.limit(sa.bindparam(f"limit_{n}", type_=sa.Integer)).subquery()
        selects.append(sa.select(sa.literal(n).label("part"), *window.c))
    return sa.union_all(*selects)


def last_scores(user_id: int) -> dict[int, float]:
    """The learner's most recent score on every question they have answered: one query."""
    ranked = (
        sa.select(
            Response.question_id,
            Response.score,
            sa.func.row_number()
            .over(partition_by=Response.question_id, order_by=(Response.answered_at.desc(), Response.id.desc()))
            .label("n"),
        )
        .where(Response.user_id == user_id)
        .subquery()
    )
    rows = db.session.execute(sa.select(ranked.c.question_id, ranked.c.score).where(ranked.c.n == 1))
    return {question_id: score for question_id, score in rows}


@dataclass
class Plan:
    rules: QuizRules
    picked: list[Candidate]
    available: int
    seed: int


def due_questions(user_id: int, now: datetime) -> set[int]:
    """Questions whose review card is due: a quiz is a good place to review them."""
    return set(
        db.session.scalars(sa.select(Card.question_id).where(Card.user_id == user_id, Card.reps > 0, Card.due <= now))
    )


def plan_quiz(user_id: int, rules: QuizRules, now: datetime, seed: int | None = None) -> Plan:
    """Choose the questions (without writing anything), so a short pool can be offered first."""
    seed = secrets.randbits(48) if seed is None else seed
    paths = topic_paths(rules.topics)
    pool = candidate_pool(paths, rules.types, rules.difficulties, rules.pages, seed)
    picked = pick_questions(pool, paths, rules.length, last_scores(user_id), seed, due_questions(user_id, now))
    return Plan(rules, picked, available(pool, paths), seed)


def start_attempt(user_id: int, plan: Plan, now: datetime) -> QuizAttempt:
    """Store the attempt and its items with their shuffled layouts (two inserts)."""
    if not plan.picked:
        raise QuizError("No question matches these choices.")
    versions = {
        v.id: v
        for v in db.session.scalars(
            sa.select(QuestionVersion).where(QuestionVersion.id.in_([c.version_id for c in plan.picked]))
        )
    }
    limit = plan.rules.time_limit_minutes if plan.rules.mode == Mode.TEST else None
    attempt = QuizAttempt(
        user_id=user_id,
        mode=plan.rules.mode,
        settings=plan.rules.as_settings(),
        seed=plan.seed,
        question_count=len(plan.picked),
        started_at=now,
        deadline=now + timedelta(minutes=limit) if limit else None,
    )
    db.session.add(attempt)
    db.session.flush()
    db.session.execute(
        sa.insert(AttemptItem),
        [
            {
                "attempt_id": attempt.id,
                "position": n,
                "question_id": c.question_id,
                "version_id": c.version_id,
                "layout": get_type(c.type).make_layout(
                    versions[c.version_id].data, Random(f"{plan.seed}:{c.question_id}")
                ),
            }
            for n, c in enumerate(plan.picked, start=1)
        ],
    )
    return attempt


_USER = sa.bindparam("user_id", type_=sa.Integer)


def _attempt_of_user():
    return sa.select(QuizAttempt).where(QuizAttempt.id == sa.bindparam("attempt_id"), QuizAttempt.user_id == _USER)


def attempt_for(user_id: int, attempt_id: int) -> QuizAttempt | None:
    """The attempt, only if it is this learner's (others' attempts do not exist for them)."""
    return db.session.scalar(
        kept(("attempt of user",), _attempt_of_user), {"attempt_id": attempt_id, "user_id": user_id}
    )


def _item_at():
    return (
        sa.select(AttemptItem)
        .where(AttemptItem.attempt_id == sa.bindparam("attempt_id"), AttemptItem.position == sa.bindparam("position"))
        .options(joinedload(AttemptItem.version))
    )


def item_at(attempt: QuizAttempt, position: int) -> AttemptItem | None:
    """The item at a position, with its version: one query."""
    return db.session.scalar(kept(("item at",), _item_at), {"attempt_id": attempt.id, "position": position})


def _attempt_and_item():
    item, version = sa.orm.aliased(AttemptItem), sa.orm.aliased(QuestionVersion)
    return (
        sa.select(
            *database.columns_of(QuizAttempt, "a_"),
            *database.columns_of(AttemptItem, "i_", item),
            *database.columns_of(QuestionVersion, "v_", version),
            Topic.title.label("topic_title"),
        )
        .outerjoin(item, sa.and_(item.attempt_id == QuizAttempt.id, item.position == sa.bindparam("position")))
        .outerjoin(version, version.id == item.version_id)
        .outerjoin(Question, Question.id == item.question_id)
        .outerjoin(Topic, Topic.id == Question.topic_id)
        .where(QuizAttempt.id == sa.bindparam("attempt_id", type_=sa.Integer), QuizAttempt.user_id == _USER)
    )


def attempt_and_item(
    user_id: int, attempt_id: int, position: int
) -> tuple[QuizAttempt | None, AttemptItem | None, str | None]:
    """The learner's attempt (None when it is not theirs), its item at a position with the item's
    version, and the title of the item's topic: one query, of columns. The attempt and item are
    unsaved copies for a page to show (outside the session: the question page changes nothing);
    half the time of the ORM's loading of three objects."""
    found = database.rows(
        kept(("attempt and item",), _attempt_and_item),
        {"attempt_id": attempt_id, "user_id": user_id, "position": position},
    ).first()
    if found is None:
        return None, None, None
    attempt, item = database.unsaved(QuizAttempt, found, "a_"), database.unsaved(AttemptItem, found, "i_")
    if item is None:
        return attempt, None, None
    set_committed_value(item, "version", database.unsaved(QuestionVersion, found, "v_"))
    return attempt, item, found.topic_title


def topic_title_of(question_id: int) -> str:
    """The title of a question's topic (a question page shown again after a refused answer)."""
    return db.session.scalar(
        sa.select(Topic.title).join(Question, Question.topic_id == Topic.id).where(Question.id == question_id)
    )


def _responses():
    shown = (Response.answer, Response.score, Response.regraded_at, Response.score_before_regrade)
    return (
        sa.select(AttemptItem.position, *shown)
        .join(Response, Response.attempt_item_id == AttemptItem.id)
        .where(AttemptItem.attempt_id == sa.bindparam("attempt_id"))
    )


def responses_by_position(attempt: QuizAttempt) -> dict[int, sa.Row]:
    """Position -> what the pages show of its response (answer, score, regraded_at,
    score_before_regrade), read as plain rows: one query."""
    rows = database.rows(kept(("responses",), _responses), {"attempt_id": attempt.id})
    return {row.position: row for row in rows}


@dataclass(frozen=True)
class Recorded:
    response: Response
    duplicate: bool = False  # the same submission arrived before: nothing changed


def record_answer(
    attempt: QuizAttempt, item: AttemptItem, answer: Answer, key: str, now: datetime, time_spent_ms: int
) -> Recorded:
    """Grade and store an answer once per submission key; refuse what may not change.

    Practice answers are final once given (their feedback has been seen); test answers may
    be changed until the attempt is finished or its time is up.
    """
    if (earlier := earlier_answer(attempt, item, key, now)) is not None:
        return Recorded(earlier, duplicate=True)
    return store_answer(attempt, item, answer, key, now, time_spent_ms)


def earlier_answer(attempt: QuizAttempt, item: AttemptItem, key: str, now: datetime) -> Response | None:
    """The reads before an answer is stored: the response this same submission made before (a
    replay), or None; QuizError when the form was used elsewhere or the attempt takes no more answers."""
    found = database.rows(kept(("response by key",), _response_by_key), {"key": key}).first()
    if found is not None:
        earlier = database.as_loaded(Response, found)
        if earlier.attempt_item_id != item.id:
            raise QuizError("This form was already used for another question; reload the page.")
        return earlier
    _check_open(attempt.finished_at, attempt.deadline, now)
    return None


def _check_open(finished_at: datetime | None, deadline: datetime | None, now: datetime) -> None:
    if finished_at is not None:
        raise QuizError("This quiz is finished; its answers can no longer change.")
    if deadline is not None and now >= deadline:
        raise QuizError("Time is up: answers given after the time limit are not accepted.")


def _response_by_key():
    return sa.select(*database.columns_of(Response)).where(Response.submission_key == sa.bindparam("key"))


def _attempt_and_response():
    # The attempt's row is locked (PostgreSQL; SQLite's write lock covers it), so answers to one
    # attempt and its finishing take turns; the item's response comes with it. Columns, made the
    # session's objects (database.as_loaded): a third of the ORM's time.
    return (
        sa.select(QuizAttempt.finished_at, *database.columns_of(Response, "r_"))
        .outerjoin(Response, Response.attempt_item_id == sa.bindparam("item_id"))
        .where(QuizAttempt.id == sa.bindparam("attempt_id"))
        .with_for_update(of=QuizAttempt)
    )


def store_answer(
    attempt: QuizAttempt, item: AttemptItem, answer: Answer, key: str, now: datetime, time_spent_ms: int
) -> Recorded:
    """Store an answer that `earlier_answer` let through; run it in the request's write transaction.
    The attempt is read again there: another tab may have finished it since the checks."""
    score = get_type(item.version.type).grade(item.version.data, answer)
    spent = max(0, min(time_spent_ms, MAX_TIME_SPENT_MS))
    values = {"item_id": item.id, "attempt_id": attempt.id}
    found = database.rows(kept(("attempt and response",), _attempt_and_response), values).one()
    finished_at, response = found.finished_at, database.as_loaded(Response, found, "r_")
    _check_open(finished_at, attempt.deadline, now)
    if response is not None and response.submission_key == key:  # this very form, stored since the checks
        return Recorded(response, duplicate=True)
    if response is not None:
        if attempt.mode == Mode.PRACTICE:
            raise QuizError("You have already answered this question.")
        response.answer, response.score, response.answered_at = answer, score, now
        response.submission_key, response.time_spent_ms = key, response.time_spent_ms + spent
        return Recorded(response)
    response = Response(
        attempt_item_id=item.id,
        user_id=attempt.user_id,
        question_id=item.question_id,
        version_id=item.version_id,
        answer=answer,
        score=score,
        answered_at=now,
        time_spent_ms=spent,
        submission_key=key,
    )
    try:
        with db.session.begin_nested():
            db.session.add(response)
    except IntegrityError:  # the same submission raced in from another worker
        twin = db.session.scalar(sa.select(Response).where(Response.attempt_item_id == item.id))
        if twin is not None and twin.submission_key == key:
            return Recorded(twin, duplicate=True)
        raise QuizError("You have already answered this question.") from None
    if attempt.mode == Mode.PRACTICE:  # final at once: it counts as a review now
        replay.review_response(response, now)
    return Recorded(response)


def finish_attempt(attempt: QuizAttempt, now: datetime) -> bool:
    """Close the attempt and store its score; True only for the request that closed it."""
    total = db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(Response.score), 0.0))
        .join(AttemptItem, AttemptItem.id == Response.attempt_item_id)
        .where(AttemptItem.attempt_id == attempt.id)
    )
    closed = db.session.execute(
        sa.update(QuizAttempt)
        .where(QuizAttempt.id == attempt.id, QuizAttempt.finished_at.is_(None))
        .values(finished_at=now, score=total)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.refresh(attempt)
    if closed == 1 and attempt.mode == Mode.TEST:  # test answers become final, and reviews, now
        replay.review_finished_attempt(attempt)
    if closed == 1 and attempt.assignment_id is not None:
        record_results({(attempt.assignment_id, attempt.user_id)})
    return closed == 1


@dataclass
class ResultRow:
    item: AttemptItem
    response: Response | None

    @property
    def score(self) -> float:
        return self.response.score if self.response else 0.0


def result_rows(attempt: QuizAttempt) -> list[ResultRow]:
    """Every item with its version, topic and response: two queries."""
    items = db.session.scalars(
        sa.select(AttemptItem)
        .where(AttemptItem.attempt_id == attempt.id)
        .order_by(AttemptItem.position)
        .options(joinedload(AttemptItem.version), joinedload(AttemptItem.question).joinedload(Question.topic))
    ).all()
    responses = responses_by_position(attempt)
    return [ResultRow(item, responses.get(item.position)) for item in items]


@dataclass
class TopicScore:
    title: str
    score: float = 0.0
    count: int = 0

    @property
    def percent(self) -> int:
        return round(100 * self.score / self.count) if self.count else 0


def topic_breakdown(rows: list[ResultRow], parents: dict[int, Topic]) -> list[TopicScore]:
    """Scores grouped by top-level topic, in the order the topics first appear."""
    groups: dict[str, TopicScore] = {}
    for row in rows:
        topic = row.item.question.topic
        top = parents.get(topic.parent_id, topic) if topic.parent_id else topic
        group = groups.setdefault(top.title, TopicScore(top.title))
        group.score += row.score
        group.count += 1
    return list(groups.values())


def top_topics() -> dict[int, Topic]:
    return {t.id: t for t in db.session.scalars(sa.select(Topic).where(Topic.parent_id.is_(None)))}


def attempts_of(user_id: int, page: int, per_page: int = 20):
    return db.paginate(
        sa.select(QuizAttempt)
        .where(QuizAttempt.user_id == user_id)
        .order_by(QuizAttempt.started_at.desc(), QuizAttempt.id.desc()),
        page=page,
        per_page=per_page,
        error_out=False,
    )


def _answered_counts():
    return (
        sa.select(AttemptItem.attempt_id, sa.func.count(Response.id))
        .join(Response, Response.attempt_item_id == AttemptItem.id)
        .where(AttemptItem.attempt_id.in_(sa.bindparam("attempt_ids", expanding=True)))
        .group_by(AttemptItem.attempt_id)
    )


def answered_counts(attempt_ids: list[int]) -> dict[int, int]:
    rows = database.rows(kept(("answered counts",), _answered_counts), {"attempt_ids": attempt_ids})
    return dict(rows.all())


def report_problem(user_id: int, item: AttemptItem, reason: str, note: str, now: datetime) -> QuestionReport:
    """Store (or update) this learner's report on this version of the question."""
    report = db.session.scalar(
        sa.select(QuestionReport).where(QuestionReport.user_id == user_id, QuestionReport.version_id == item.version_id)
    )
    if report is None:
        report = QuestionReport(user_id=user_id, question_id=item.question_id, version_id=item.version_id)
        db.session.add(report)
    report.reason, report.note, report.status, report.created_at = reason, note.strip(), "open", now
    return report
