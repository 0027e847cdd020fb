"""The teacher's class view: mastery by student and topic, who is falling behind, predicted recall
on an exam date, and grades for export. A fixed number of queries for any class size."""

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from quizapp.auth.models import User
from quizapp.classes.models import Classroom
from quizapp.classes.services import class_assignments, class_progress, roster
from quizapp.extensions import db
from quizapp.progress.services import root_topics, topic_memory
from quizapp.review.models import Card, ReviewLog

OVERDUE_LIMIT, RETENTION_FLOOR, MIN_REVIEWS = 20, 0.70, 10


@dataclass
class Behind:
    student: User
    overdue: int
    retention: float | None
    reasons: list[str]


@dataclass
class ClassView:
    students: list[User]
    mastery: dict
    assignments: list
    progress: dict
    behind: list[Behind]
    exam_date: datetime
    predicted: dict[int, dict[str, float]]  # student -> topic slug -> mean predicted recall on the exam date
    topics: list[tuple[str, str]]


def class_view(classroom: Classroom, now: datetime, exam_date: datetime) -> ClassView:
    students = roster(classroom)
    ids = [s.id for s in students]
    roots = root_topics()
    mastery, predicted = topic_memory(ids, now, exam_date, roots) if ids else ({}, {})
    assignments = class_assignments(classroom)
    progress = class_progress(classroom, students, assignments)
    overdue = (
        dict(
            db.session.execute(
                sa.select(Card.user_id, sa.func.count())
                .where(Card.user_id.in_(ids), Card.reps > 0, Card.due < now - timedelta(days=1))
                .group_by(Card.user_id)
            ).all()
        )
        if ids
        else {}
    )
    retention = (
        {
            user: (ok, total)
            for user, ok, total in db.session.execute(
                sa.select(ReviewLog.user_id, sa.func.count().filter(ReviewLog.rating > 1), sa.func.count())
                .where(
                    ReviewLog.user_id.in_(ids),
                    ReviewLog.before.is_not(None),
                    ReviewLog.undone_at.is_(None),
                    ReviewLog.reviewed_at >= now - timedelta(days=30),
                )
                .group_by(ReviewLog.user_id)
            )
        }
        if ids
        else {}
    )
    behind = []
    for student in students:
        late = overdue.get(student.id, 0)
        ok, total = retention.get(student.id, (0, 0))
        share = ok / total if total else None
        reasons = ([f"{late} reviews overdue"] if late >= OVERDUE_LIMIT else []) + (
            [f"retention {round(100 * share)}% over 30 days"]
            if share is not None and total >= MIN_REVIEWS and share < RETENTION_FLOOR
            else []
        )
        if reasons:
            behind.append(Behind(student, late, share, reasons))
    topics = [(slug, title) for slug, title, _ in roots]
    return ClassView(students, mastery, assignments, progress, behind, exam_date, predicted, topics)


def grades_rows(view: ClassView) -> list[list[str]]:
    """The grade sheet: one row per student, best score per assignment, then mastery per topic."""
    header = (
        ["Student", "Sign-in"]
        + [f"{qset.name} ({a.kind})" for a, qset in view.assignments]
        + [f"Mastery: {title}" for _, title in view.topics]
    )
    rows = [header]
    for student in view.students:
        row = [student.display_name, student.email or student.username or ""]
        for assignment, _ in view.assignments:
            attempts, best = view.progress.get((assignment.id, student.id), (0, None))
            row.append("" if best is None else f"{best}%")
        mastery = {m.slug: m.percent for m in view.mastery.get(student.id, [])}
        row += [f"{mastery.get(slug, 0)}%" for slug, _ in view.topics]
        rows.append(row)
    return rows
