"""Item analysis, as Moodle's quiz statistics, plus memory: per question version, from finished attempts.

Every figure of a version comes from the same responses: every finished attempt that showed it
(an item left unanswered scores 0 and counts as "no answer"). facility: the mean score;
discrimination: the correlation of the item's score with the rest of the attempt's score; for
choice items, the share of those attempts that picked each option, and the share that gave no
answer, so that for single choice the right option's share is the facility; lapse rate: the share
of reviews of learnt cards rated Again. Items a set's rules drew count like chosen ones.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from math import sqrt

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from quizapp import signals
from quizapp.auth.models import User
from quizapp.authoring.models import QuestionSet, SetItem
from quizapp.bank.models import Question, QuestionVersion
from quizapp.classes.models import Assignment, Classroom
from quizapp.extensions import db
from quizapp.quiz.models import AttemptItem, QuestionReport, QuizAttempt, Response
from quizapp.review.models import ReviewLog

MIN_ATTEMPTS = 10  # before an item may be called broken
LOW_FACILITY, HIGH_FACILITY = 0.2, 0.95


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


def correlation(xs: list[float], ys: list[float]) -> float | None:
    """Pearson's r, or None when either side does not vary."""
    n = len(xs)
    if n < 2:
        return None
    mean_x, mean_y = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mean_x) ** 2 for x in xs)
    syy = sum((y - mean_y) ** 2 for y in ys)
    if sxx == 0 or syy == 0:
        return None
    return sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / sqrt(sxx * syy)


def statistics(rows: list[tuple[int, int, float, dict | None]], wanted: set[int]) -> dict[int, ItemStats]:
    """From (attempt, version, score, answer) rows of whole finished attempts (an unanswered item
    scores 0 and has no answer), the statistics of the wanted versions."""
    totals: dict[int, float] = defaultdict(float)
    for attempt_id, _, score, _ in rows:
        totals[attempt_id] += score
    per_version: dict[int, list[tuple[float, float, dict | None]]] = defaultdict(list)
    for attempt_id, version_id, score, answer in rows:
        if version_id in wanted:
            per_version[version_id].append((score, totals[attempt_id] - score, answer))
    stats = {}
    for version_id, entries in per_version.items():
        scores = [score for score, _, _ in entries]
        item = ItemStats(
            version_id,
            attempts=len(entries),
            facility=sum(scores) / len(scores),
            discrimination=correlation(scores, [rest for _, rest, _ in entries]),
        )
        picks: dict[str, int] = defaultdict(int)
        for _, _, answer in entries:
            if answer is None:
                item.unanswered += 1
            chosen = (answer or {}).get("choices") or ([answer["choice"]] if (answer or {}).get("choice") else [])
            for choice in chosen:
                picks[choice] += 1
        item.option_shares = {choice: n / len(entries) for choice, n in picks.items()}
        stats[version_id] = item
    return stats


def questions_in_scope(user: User) -> sa.Select:
    """The questions a teacher analyses: their own, those chosen in their sets, and those their classes'
    assigned quizzes drew by a set's rules; an admin, every one."""
    if user.is_admin:
        return sa.select(Question.id)
    in_sets = (
        sa.select(SetItem.question_id)
        .join(QuestionSet, QuestionSet.id == SetItem.set_id)
        .where(QuestionSet.owner_id == user.id)
    )
    drawn = (
        sa.select(QuestionVersion.question_id)
        .join(AttemptItem, AttemptItem.version_id == QuestionVersion.id)
        .join(QuizAttempt, QuizAttempt.id == AttemptItem.attempt_id)
        .join(Assignment, Assignment.id == QuizAttempt.assignment_id)
        .join(Classroom, Classroom.id == Assignment.class_id)
        .where(Classroom.owner_id == user.id)
    )
    # A union of index lookups: an OR of them would make the database read the whole bank.
    return sa.union(sa.select(Question.id).where(Question.owner_id == user.id), in_sets, drawn)


@dataclass
class Analysis:
    versions: list[QuestionVersion]
    stats: dict[int, ItemStats]
    reports: list[tuple[QuestionReport, QuestionVersion]]

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


def stats_for(wanted: set[int]) -> dict[int, ItemStats]:
    """Statistics of these versions from whole finished attempts, plus their lapse rates: two queries."""
    if not wanted:
        return {}
    finished = (
        sa.select(AttemptItem.attempt_id)
        .join(QuizAttempt, QuizAttempt.id == AttemptItem.attempt_id)
        .where(AttemptItem.version_id.in_(wanted), QuizAttempt.finished_at.is_not(None))
    )
    rows = db.session.execute(
        sa.select(
            AttemptItem.attempt_id, AttemptItem.version_id, sa.func.coalesce(Response.score, 0.0), Response.answer
        )
        .outerjoin(Response, Response.attempt_item_id == AttemptItem.id)
        .where(AttemptItem.attempt_id.in_(finished))
    ).all()
    stats = statistics([tuple(row) for row in rows], wanted)
    lapses = db.session.execute(
        sa.select(ReviewLog.version_id, sa.func.count().filter(ReviewLog.rating == 1), sa.func.count())
        .where(ReviewLog.version_id.in_(wanted), ReviewLog.before.is_not(None), ReviewLog.undone_at.is_(None))
        .group_by(ReviewLog.version_id)
    ).all()
    for version_id, again, total in lapses:
        stats.setdefault(version_id, ItemStats(version_id)).lapse_rate = again / total if total else None
    return stats


def analyse(user: User) -> Analysis:
    """Statistics of every version in the user's scope that has answers, and open reports: five queries."""
    scope = questions_in_scope(user)
    versions = db.session.scalars(
        sa.select(QuestionVersion)
        .where(QuestionVersion.question_id.in_(scope), QuestionVersion.id.in_(sa.select(AttemptItem.version_id)))
        .options(joinedload(QuestionVersion.question))
        .order_by(QuestionVersion.question_id, QuestionVersion.number)
    ).all()
    stats = stats_for({v.id for v in versions})
    reports = db.session.execute(
        sa.select(QuestionReport, QuestionVersion)
        .join(QuestionVersion, QuestionVersion.id == QuestionReport.version_id)
        .where(QuestionReport.status == "open", QuestionReport.question_id.in_(scope))
        .options(joinedload(QuestionVersion.question))
        .order_by(QuestionReport.created_at.desc())
    ).all()
    return Analysis(list(versions), stats, [tuple(r) for r in reports])


@signals.question_page.connect
def _statistics(sender, question: Question, version: QuestionVersion) -> dict:
    return {"stats": stats_for({version.id}).get(version.id)}
