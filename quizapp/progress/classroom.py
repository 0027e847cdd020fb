"""The teacher's class view: mastery by student and topic, who is falling behind, predicted recall
on an exam date, and grades for export. A fixed number of queries for any class size."""

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from quizapp.auth.models import User
from quizapp.bank import summary
from quizapp.bank.models import Question, QuestionStatus, Topic
from quizapp.classes.models import Classroom
from quizapp.classes.services import class_assignments, class_progress, roster
from quizapp.extensions import db
from quizapp.progress.memory import days_since, mastered, recall_sql
from quizapp.progress.services import TopicMastery
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
    roots = db.session.execute(
        sa.select(Topic.slug, Topic.title, Topic.path).where(Topic.parent_id.is_(None)).order_by(Topic.position)
    ).all()
    mastery, predicted = class_memory(ids, roots, now, exam_date) if ids else ({}, {})
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


def class_memory(
    user_ids: list[int], roots: list, now: datetime, on: datetime
) -> tuple[dict[int, list[TopicMastery]], dict[int, dict[str, float]]]:
    """Per student and top-level topic (roots: slug, title, path): how many active items they have
    mastered now, and the mean predicted recall of the topic's items on a date (items never studied
    count as 0), from each card's FSRS state, counted and summed in SQL: one query over the cards."""
    root_of = sa.case(*[(Topic.path.startswith(path, autoescape=True), slug) for slug, _, path in roots], else_=None)
    totals = summary.per_root([(slug, path) for slug, _, path in roots])
    rows = db.session.execute(
        sa.select(
            Card.user_id,
            root_of,
            sa.func.count().filter(mastered(now)),
            sa.func.sum(recall_sql(Card.stability, days_since(Card.last_review, on))),
        )
        .join(Question, Question.id == Card.question_id)
        .join(Topic, Topic.id == Question.topic_id)
        .where(Card.user_id.in_(user_ids), Card.reps > 0, Question.status == QuestionStatus.ACTIVE)
        .group_by(Card.user_id, root_of)
    ).all()
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


def predicted_recall(user_ids: list[int], on: datetime) -> dict[int, dict[str, float]]:
    """Per student and top-level topic, the mean predicted recall of the topic's active items on a date."""
    roots = db.session.execute(sa.select(Topic.slug, Topic.title, Topic.path).where(Topic.parent_id.is_(None))).all()
    return class_memory(user_ids, roots, on, on)[1]


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
