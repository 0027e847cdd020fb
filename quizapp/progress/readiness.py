"""The class's predicted readiness for the exams its teacher put on assignments: for each upcoming
exam, every student's mean predicted recall of the set's items on the exam morning if they study no
more, and how many already stand at the mark. Two queries per exam shown (at most MAX_EXAMS): its
items, and each student's recall summed in SQL as py-fsrs predicts it (whole days since the last review)."""

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from quizapp.authoring.sets import set_questions
from quizapp.extensions import db
from quizapp.progress.memory import DECAY, FACTOR, whole_days_since
from quizapp.review.exam import DEFAULT_TARGET, exam_morning
from quizapp.review.models import Card

MAX_EXAMS = 3
FEW_ITEMS = 200  # about what a learner has cards of: below it, looking cards up by item costs less


@dataclass
class ExamReadiness:
    set_name: str
    exam_on: date
    items: int
    per_student: dict[int, float]  # student id -> mean predicted recall of the set's items on the exam morning
    mark: float = DEFAULT_TARGET

    @property
    def mean(self) -> float:
        return sum(self.per_student.values()) / len(self.per_student) if self.per_student else 0.0

    @property
    def ready(self) -> int:
        return sum(1 for value in self.per_student.values() if value >= self.mark)


def class_exams(assignments, student_ids: list[int], today: date, zone: str) -> list[ExamReadiness]:
    upcoming = sorted(
        ((a, s) for a, s in assignments if a.exam_on is not None and a.exam_on > today),
        key=lambda pair: pair[0].exam_on,
    )[:MAX_EXAMS]
    found = []
    for assignment, question_set in upcoming:
        moment = exam_morning(assignment.exam_on, zone)
        members = set_questions(question_set.id).subquery()
        items = db.session.scalar(sa.select(sa.func.count()).select_from(members)) or 0
        totals = dict.fromkeys(student_ids, 0.0)
        if student_ids and items:
            recalled = db.session.execute(_recall_by_student(members, items), {"moment": moment, "ids": student_ids})
            totals |= dict(recalled.all())
        found.append(
            ExamReadiness(
                question_set.name,
                assignment.exam_on,
                items,
                {user: total / items for user, total in totals.items()} if items else {},
            )
        )
    return found


def _recall_by_student(members, items: int):
    """Each student's predicted recall on the exam morning summed over their cards of the set's items:
    `scheduling.retrievability` with the default parameters, counting whole days as py-fsrs does.

    A few items: each student's card of each item is looked up. A set whose rules draw on a whole
    topic holds thousands: SQLite would still look up every (student, item) pair (a second for a
    class of 200), so then each student's cards are read and kept when their item is in the set
    (`+ 0` keeps SQLite from looking cards up by item)."""
    question = Card.question_id if items <= FEW_ITEMS else Card.question_id + 0
    moment = sa.bindparam("moment", type_=sa.DateTime(timezone=True))
    elapsed = whole_days_since(Card.last_review, moment)
    recall = sa.case(
        (sa.or_(Card.stability.is_(None), Card.last_review.is_(None)), 0.0),
        else_=sa.func.power(1 + FACTOR * elapsed / Card.stability, DECAY),
    )
    return (
        sa.select(Card.user_id, sa.func.sum(recall))
        .where(
            Card.user_id.in_(sa.bindparam("ids", expanding=True)),
            Card.reps > 0,
            question.in_(sa.select(members.c[0])),
        )
        .group_by(Card.user_id)
    )
