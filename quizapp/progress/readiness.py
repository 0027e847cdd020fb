"""The class's predicted readiness for the exams its teacher put on assignments: for each upcoming
exam, every student's mean predicted recall of the set's items on the exam morning if they study no
more, and how many already stand at the mark. One query per exam shown (at most MAX_EXAMS)."""

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from quizapp.authoring.sets import set_questions
from quizapp.extensions import db
from quizapp.review import scheduling
from quizapp.review.exam import DEFAULT_TARGET, exam_morning
from quizapp.review.models import Card

MAX_EXAMS = 3


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
        cards = (
            db.session.scalars(
                sa.select(Card).where(
                    Card.user_id.in_(student_ids), Card.reps > 0, Card.question_id.in_(sa.select(members.c[0]))
                )
            )
            if student_ids and items
            else []
        )
        for card in cards:
            totals[card.user_id] += scheduling.retrievability(card.memory, moment)
        found.append(
            ExamReadiness(
                question_set.name,
                assignment.exam_on,
                items,
                {user: total / items for user, total in totals.items()} if items else {},
            )
        )
    return found
