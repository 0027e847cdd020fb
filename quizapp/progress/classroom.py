"""The teacher's class view: mastery by student and topic, who is falling behind, predicted recall
on an exam date, and grades for export. A fixed number of queries for any class size."""

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from quizapp.classes.models import Classroom, Enrolment
from quizapp.classes.services import Pupil, class_assignments, class_progress, pupils
from quizapp.database import kept
from quizapp.extensions import db
from quizapp.progress.knowledge import root_topics, topic_memory
from quizapp.review.models import Card, ReviewLog

# Falling behind: more than OVERDUE_LIMIT reviews overdue, or true retention over the last
# RETENTION_DAYS in the class's lowest quartile and below RETENTION_FLOOR (with at least MIN_REVIEWS
# reviews of learnt cards to judge by).
OVERDUE_LIMIT, RETENTION_FLOOR, RETENTION_DAYS, MIN_REVIEWS = 20, 0.80, 14, 10
RETENTION_PERIOD = timedelta(days=RETENTION_DAYS)
BEHIND_MEANING = (
    f"Falling behind: more than {OVERDUE_LIMIT} reviews overdue by a day or more, or a true retention over the last "
    f"{RETENTION_DAYS} days among the lowest quarter of the class and below {RETENTION_FLOOR:.0%}; "
    "the most overdue first."
)


@dataclass
class Behind:
    student: Pupil
    overdue: int
    retention: float | None
    reasons: list[str]


PAGE_SIZE = 50  # students per page of the class view: a class of 200 costs what a class of 50 does


@dataclass
class ClassView:
    students: list[Pupil]  # the whole roster: class-wide figures count them all
    page_students: list[Pupil]  # the students whose rows this page shows (all of them for an export)
    page: int
    pages: int
    completed: dict[int, tuple[int, int | None]]  # assignment -> (students with a finished attempt, mean best %)
    mastery: dict
    assignments: list
    progress: dict
    behind: list[Behind]
    exam_date: datetime
    predicted: dict[int, dict[str, float]]  # student -> topic slug -> mean predicted recall on the exam date
    topics: list[tuple[str, str]]


def class_view(classroom: Classroom, now: datetime, exam_date: datetime, page: int | None = None) -> ClassView:
    """The class's figures; per-student rows (mastery, readiness) for one page of PAGE_SIZE students,
    or for everyone when `page` is None (the grade export). Class-wide figures always count everyone."""
    students = pupils(classroom)
    ids = [s.id for s in students]
    pages = max(1, -(-len(students) // PAGE_SIZE))
    if page is None:
        shown, page = students, 1
    else:
        page = min(max(page, 1), pages)
        shown = students[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    shown_ids = [s.id for s in shown]
    roots = root_topics()
    mastery, predicted = topic_memory(shown_ids, now, exam_date, roots) if shown_ids else ({}, {})
    assignments = class_assignments(classroom)
    progress = class_progress(classroom, students, assignments)
    completed = {}
    for assignment, _ in assignments:
        bests = [stat[1] for sid in ids if (stat := progress.get((assignment.id, sid))) and stat[1] is not None]
        completed[assignment.id] = (len(bests), round(sum(bests) / len(bests)) if bests else None)
    figures = {"class_id": classroom.id, "overdue_by": now - timedelta(days=1), "since": now - RETENTION_PERIOD}
    overdue = dict(db.session.execute(kept(("overdue by student",), _overdue), figures).all())
    retention = {user: (ok, total) for user, ok, total in db.session.execute(kept(("retention",), _retention), figures)}
    behind = falling_behind(students, overdue, retention)
    topics = [(slug, title) for slug, title, _ in roots]
    return ClassView(
        students, shown, page, pages, completed, mastery, assignments, progress, behind, exam_date, predicted, topics
    )


def _members():
    return sa.select(Enrolment.user_id).where(Enrolment.class_id == sa.bindparam("class_id", type_=sa.Integer))


def _overdue():
    """Each student's cards overdue by a day or more."""
    late = Card.due < sa.bindparam("overdue_by", type_=sa.DateTime(timezone=True))
    return (
        sa.select(Card.user_id, sa.func.count())
        .where(Card.user_id.in_(_members()), Card.reps > 0, late)
        .group_by(Card.user_id)
    )


def _retention():
    """Each student's reviews of learnt cards since the bind parameter `since`, and how many passed."""
    return (
        sa.select(ReviewLog.user_id, sa.func.count().filter(ReviewLog.rating > 1), sa.func.count())
        .where(
            ReviewLog.user_id.in_(_members()),
            ReviewLog.before.is_not(None),
            ReviewLog.undone_at.is_(None),
            ReviewLog.reviewed_at >= sa.bindparam("since", type_=sa.DateTime(timezone=True)),
        )
        .group_by(ReviewLog.user_id)
    )


def lowest_quartile(values: list[float]) -> float | None:
    """The value that bounds the lowest quarter of the class (at most a quarter of them, at least one,
    are at or below it, ties aside), or None."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, len(ordered) // 4 - 1)]


def falling_behind(
    students: list[Pupil], overdue: dict[int, int], retention: dict[int, tuple[int, int]]
) -> list[Behind]:
    """The students to act on, most overdue first (BEHIND_MEANING says the rule)."""
    shares = {user: ok / total for user, (ok, total) in retention.items() if total >= MIN_REVIEWS}
    quartile = lowest_quartile(list(shares.values()))
    behind = []
    for student in students:
        late = overdue.get(student.id, 0)
        share = shares.get(student.id)
        reasons = [f"{late} reviews overdue"] if late > OVERDUE_LIMIT else []
        if share is not None and quartile is not None and share <= quartile and share < RETENTION_FLOOR:
            reasons.append(f"retention {round(100 * share)}% over {RETENTION_DAYS} days")
        if reasons:
            behind.append(Behind(student, late, share, reasons))
    return sorted(behind, key=lambda entry: (-entry.overdue, entry.student.display_name))


def grades_rows(view: ClassView) -> list[list[str]]:
    """The grade sheet: one row per student, best score per assignment, then mastery per topic."""
    header = (
        ["Student", "Sign-in"]
        + [f"{qset.name} ({a.kind})" for a, qset in view.assignments]
        + [f"Mastery: {title}" for _, title in view.topics]
    )
    rows = [header]
    for student in view.page_students:
        row = [student.display_name, student.email or student.username or ""]
        for assignment, _ in view.assignments:
            attempts, best = view.progress.get((assignment.id, student.id), (0, None))
            row.append("" if best is None else f"{best}%")
        mastery = {m.slug: m.percent for m in view.mastery.get(student.id, [])}
        row += [f"{mastery.get(slug, 0)}%" for slug, _ in view.topics]
        rows.append(row)
    return rows
