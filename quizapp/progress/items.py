"""Item analysis, as Moodle's quiz statistics, plus memory: per question version, from finished attempts.

Every figure of a version comes from the same responses: every finished attempt that showed it
(an item left unanswered scores 0 and counts as "no answer"). facility: the mean score;
discrimination: the correlation of the item's score with the rest of the attempt's score; for
choice items, the share of those attempts that picked each option, and the share that gave no
answer, so that for single choice the right option's share is the facility; lapse rate: the share
of reviews of learnt cards rated Again. Items a set's rules drew count like chosen ones.

The database sums each version's figures (a page reads tens of thousands of attempt items): the
count, the sums of the scores, of the attempts' totals, of their squares and product, from which
Pearson's r follows; and the distinct answers to choice items with their counts.
"""

import json
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field
from math import sqrt

import sqlalchemy as sa
from flask import current_app
from jinja2.filters import do_truncate
from sqlalchemy.orm import load_only

from quizapp import database, signals
from quizapp.auth.models import User
from quizapp.authoring.models import QuestionSet, SetItem
from quizapp.bank.models import Question, QuestionVersion
from quizapp.classes.models import Assignment, Classroom
from quizapp.extensions import db
from quizapp.quiz.models import AttemptItem, QuestionReport, QuizAttempt, Response
from quizapp.review.models import ReviewTally

MIN_ATTEMPTS = 10  # before an item may be called broken
LOW_FACILITY, HIGH_FACILITY = 0.2, 0.95


def _figure(value: float | None) -> str:
    """A facility or discrimination as the pages print it: two decimals, or "—"."""
    return "—" if value is None else f"{value:.2f}"


def _short(text: str, length: int = 24) -> str:
    """Jinja's own truncate(length), as the templates shortened these texts: whole words, "..." after a cut."""
    return do_truncate(current_app.jinja_env, text, length)


@dataclass
class ItemStats:
    version_id: int
    attempts: int = 0
    facility: float | None = None
    discrimination: float | None = None
    option_shares: dict[str, float] = field(default_factory=dict)  # of all attempts, not only the answered
    unanswered: int = 0
    lapse_rate: float | None = None

    @property
    def no_answer_share(self) -> float:
        return self.unanswered / self.attempts if self.attempts else 0.0

    @property
    def lapse_percent(self) -> int | None:
        """The lapse rate as a whole percentage, rounded the same way on every page."""
        return None if self.lapse_rate is None else round(100 * self.lapse_rate)

    def options(self, choices: list[dict]) -> list[tuple[str, bool, int]]:
        """(option text, is right, percent of attempts that picked it), then ("no answer", False, percent)."""
        shown = [
            (c["text"], bool(c.get("correct")), round(100 * self.option_shares.get(c["id"], 0.0))) for c in choices
        ]
        return shown + [("no answer", False, round(100 * self.no_answer_share))]

    def options_line(self, choices: list[dict]) -> str:
        """`options` as the analysis table prints them, as one line of text: "text*: 40%; ...; no answer: 5%"
        (each text shortened as Jinja's truncate(24) does; * marks the right options)."""
        return "; ".join(
            f"{_short(text)}{'*' if right else ''}: {percent}%" for text, right, percent in self.options(choices)
        )

    @property
    def problems(self) -> list[str]:
        if self.attempts < MIN_ATTEMPTS:
            return []
        found = []
        if self.discrimination is not None and self.discrimination < 0:
            found.append("negative discrimination: stronger learners get it wrong more often")
        if self.facility is not None and self.facility < LOW_FACILITY:
            found.append("very hard: few learners get it right")
        if self.facility is not None and self.facility > HIGH_FACILITY:
            found.append("very easy: almost everyone gets it right")
        return found


# Two values closer than this are one value told apart by float rounding (scores lie in [0, 1]
# and attempt totals are sums of a few dozen of them).
SAME = 1e-9
# The types whose answers pick options by id: {"choice": id} or {"choices": [id, ...]}.
PICKING = ("single_choice", "multiple_response")


@dataclass
class _Sums:
    """One version's sums over the finished attempts that showed it: x the item's score (0 when
    unanswered), t the attempt's total score, so that the rest of the attempt scored y = t - x."""

    n: int
    answered: int
    x: float
    xx: float
    t: float
    tt: float
    xt: float
    x_range: tuple[float, float]
    y_range: tuple[float, float]

    def correlation(self) -> float | None:
        """Pearson's r of x and y from the sums, or None when either side does not vary; their
        ranges decide that, as the variance from the sums can come out a hair above or below 0."""
        n, x, xx = self.n, self.x, self.xx
        if n < 2 or self.x_range[1] - self.x_range[0] <= SAME or self.y_range[1] - self.y_range[0] <= SAME:
            return None
        y, yy, xy = self.t - x, self.tt - 2 * self.xt + xx, self.xt - xx
        sxx, syy = n * xx - x * x, n * yy - y * y
        if sxx <= 0 or syy <= 0:  # values a hair further apart than SAME: too close to tell apart
            return None
        return (n * xy - x * y) / sqrt(sxx * syy)


def _listed(name: str) -> sa.Select:
    """A list of ids bound as one parameter (`database.listed`): an expanding IN of a teacher's hundreds
    of versions was rewritten, and parsed again by the driver, on every run (a sixth of the page)."""
    return database.listed(db.engine.dialect.name, name, sa.Integer)


def _list_value(name: str, ids: Collection[int]) -> dict:
    return {name: database.list_value(db.engine.dialect.name, ids)}


def _sums(wanted: Collection[int]) -> dict[int, _Sums]:
    """Per version, the sums of `_Sums` over the finished attempts that showed it: one query. An
    attempt's total is its stored score (the sum of its answers' scores, kept by regrading and
    checked by `flask db-check`), so the rest of each attempt need not be read."""
    total, score = QuizAttempt.score, Response.score
    rest = total - sa.func.coalesce(score, 0.0)
    rows = db.session.execute(
        sa.select(
            AttemptItem.version_id,
            sa.func.count(),
            sa.func.count(Response.id),
            sa.func.sum(score),
            sa.func.sum(score * score),
            sa.func.sum(total),
            sa.func.sum(total * total),
            sa.func.sum(score * total),
            sa.func.min(score),
            sa.func.max(score),
            sa.func.min(rest),
            sa.func.max(rest),
        )
        .join(QuizAttempt, QuizAttempt.id == AttemptItem.attempt_id)
        .outerjoin(Response, Response.attempt_item_id == AttemptItem.id)
        .where(AttemptItem.version_id.in_(_listed("versions")), QuizAttempt.finished_at.is_not(None))
        .group_by(AttemptItem.version_id),
        _list_value("versions", wanted),
    )
    sums = {}
    for version_id, n, answered, x, xx, t, tt, xt, x_min, x_max, y_min, y_max in rows:
        if answered < n:  # an unanswered item scores 0, the least a score can be
            x_min, x_max = 0.0, x_max or 0.0
        sums[version_id] = _Sums(n, answered, x or 0.0, xx or 0.0, t, tt, xt or 0.0, (x_min, x_max), (y_min, y_max))
    return sums


def _picks(choice_versions: Collection[int]) -> dict[int, dict[str, int]]:
    """Per choice version, how many finished attempts picked each option: one query, counting each
    distinct answer once in SQL (as text: PostgreSQL cannot compare JSON) and reading it here."""
    if not choice_versions:
        return {}
    rows = db.session.execute(
        sa.select(AttemptItem.version_id, sa.cast(Response.answer, sa.Text), sa.func.count())
        .join(QuizAttempt, QuizAttempt.id == AttemptItem.attempt_id)
        .join(Response, Response.attempt_item_id == AttemptItem.id)
        .where(AttemptItem.version_id.in_(_listed("versions")), QuizAttempt.finished_at.is_not(None))
        .group_by(AttemptItem.version_id, sa.cast(Response.answer, sa.Text)),
        _list_value("versions", choice_versions),
    )
    picks: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for version_id, text, count in rows:
        answer = json.loads(text) or {}
        for choice in answer.get("choices") or ([answer["choice"]] if answer.get("choice") else []):
            picks[version_id][choice] += count
    return picks


def questions_in_scope(user: User, drawn_among: Collection[int] | None = None) -> sa.Select:
    """The questions a teacher analyses: their own, those chosen in their sets, and those their classes'
    assigned quizzes drew by a set's rules; an admin, every one. `drawn_among`, questions known to
    hold every one the classes drew, spares looking those up again in their attempts."""
    if user.is_admin:
        return sa.select(Question.id)
    in_sets = (
        sa.select(SetItem.question_id)
        .join(QuestionSet, QuestionSet.id == SetItem.set_id)
        .where(QuestionSet.owner_id == user.id)
    )
    drawn = (
        sa.select(AttemptItem.question_id)  # the question of its version, without reading the version
        .join(QuizAttempt, QuizAttempt.id == AttemptItem.attempt_id)
        .join(Assignment, Assignment.id == QuizAttempt.assignment_id)
        .join(Classroom, Classroom.id == Assignment.class_id)
        .where(Classroom.owner_id == user.id)
    )
    if drawn_among is not None:
        drawn = sa.select(Question.id).where(Question.id.in_(_listed("drawn_among")))
    # A union of index lookups: an OR of them would make the database read the whole bank.
    return sa.union(sa.select(Question.id).where(Question.owner_id == user.id), in_sets, drawn)


@dataclass
class Analysis:
    versions: list  # rows of SHOWN_COLUMNS, in question order
    stats: dict[int, ItemStats]
    reports: list[tuple[QuestionReport, QuestionVersion]]

    def table(self) -> list[tuple]:
        """The table of every version, as text: (question id, prompt, version number, attempts, facility,
        discrimination, options chosen, lapse rate), each figure as the page prints it ("—" for none)."""
        rows = []
        for version in self.versions:
            s = self.stats.get(version.id)
            choices = version.data.get("choices") if s and s.attempts else None
            rows.append(
                (
                    version.question_id,
                    _short(version.prompt, 70),
                    version.number,
                    s.attempts if s else 0,
                    _figure(s and s.facility),
                    _figure(s and s.discrimination),
                    s.options_line(choices) if choices else "—",
                    "—" if s is None or s.lapse_percent is None else f"{s.lapse_percent}%",
                )
            )
        return rows

    @property
    def needs_attention(self) -> list[tuple[QuestionVersion, list[str]]]:
        flagged: dict[int, tuple[QuestionVersion, list[str]]] = {}
        for version in self.versions:
            if problems := self.stats.get(version.id, ItemStats(version.id)).problems:
                flagged[version.id] = (version, list(problems))
        for report, version in self.reports:
            entry = flagged.setdefault(version.id, (version, []))
            entry[1].append(
                f"reported: {report.reason.replace('_', ' ')}" + (f" — “{report.note}”" if report.note else "")
            )
        return list(flagged.values())


def stats_for(versions: Collection[QuestionVersion]) -> dict[int, ItemStats]:
    """Statistics of these versions from whole finished attempts, plus their lapse rates: three queries
    (two without a choice version among them)."""
    if not versions:
        return {}
    wanted = {version.id for version in versions}
    # The ids themselves, not a subquery of the choice types: PostgreSQL then knows how many items they have.
    picks = _picks({version.id for version in versions if version.type in PICKING})
    stats = {
        version_id: ItemStats(
            version_id,
            attempts=sums.n,
            facility=sums.x / sums.n,
            discrimination=sums.correlation(),
            option_shares={choice: count / sums.n for choice, count in picks.get(version_id, {}).items()},
            unanswered=sums.n - sums.answered,
        )
        for version_id, sums in _sums(wanted).items()
    }
    # Kept per version by the database as reviews arrive (ReviewTally): no counting of the review log.
    lapses = db.session.execute(
        sa.select(ReviewTally.version_id, ReviewTally.again, ReviewTally.reviews).where(
            ReviewTally.version_id.in_(_listed("versions"))
        ),
        _list_value("versions", wanted),
    ).all()
    for version_id, again, total in lapses:
        stats.setdefault(version_id, ItemStats(version_id)).lapse_rate = again / total if total else None
    return stats


# What the page shows of a version; the rest of its row (its rendered HTML, its explanation) stays unread.
SHOWN_COLUMNS = (
    QuestionVersion.id,
    QuestionVersion.question_id,
    QuestionVersion.number,
    QuestionVersion.type,
    QuestionVersion.prompt,
    QuestionVersion.data,
)
SHOWN = load_only(
    QuestionVersion.question_id,
    QuestionVersion.number,
    QuestionVersion.type,
    QuestionVersion.prompt,
    QuestionVersion.data,
    raiseload=True,
)


def analyse(user: User) -> Analysis:
    """Statistics of every version in the user's scope that has answers, and open reports: five queries."""
    scope = questions_in_scope(user)
    # The attempt items looked for are those of the scope's questions: asked for every version shown in
    # any attempt, PostgreSQL merged the whole version table with them (100,000 versions read, 42-80 ms
    # on the bench dataset once its statistics lagged a few hundred attempts behind; 4 ms this way).
    shown = sa.select(AttemptItem.version_id).where(AttemptItem.question_id.in_(scope))
    # As rows of the columns shown, not ORM objects: a teacher's scope holds hundreds of versions.
    # Planned for this teacher's values on PostgreSQL: its plan for any teacher read the versions in
    # 32-35 ms on the bench dataset, against 3.7 ms (the other statements' plans serve any teacher).
    with database.planned_for_values():
        versions = db.session.execute(
            sa.select(*SHOWN_COLUMNS)
            .where(QuestionVersion.question_id.in_(scope), QuestionVersion.id.in_(shown))
            .order_by(QuestionVersion.question_id, QuestionVersion.number)
        ).all()
    stats = stats_for(versions)
    # A question the classes drew was shown in one of their attempts: a version of it is among these.
    drawn = {version.question_id for version in versions}
    reports = db.session.execute(
        sa.select(QuestionReport, QuestionVersion)
        .join(QuestionVersion, QuestionVersion.id == QuestionReport.version_id)
        .where(QuestionReport.status == "open", QuestionReport.question_id.in_(questions_in_scope(user, drawn)))
        .options(SHOWN)
        .order_by(QuestionReport.created_at.desc()),
        _list_value("drawn_among", drawn),
    ).all()
    return Analysis(list(versions), stats, [tuple(r) for r in reports])


@signals.question_page.connect
def _statistics(sender, question: Question, version: QuestionVersion) -> dict:
    return {"stats": stats_for([version]).get(version.id)}
