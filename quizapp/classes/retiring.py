"""What retiring a question changes for classes: the assignments of the sets that hold it.

An assignment fixes its chosen items when its first quiz starts (quiz/assignments.py), so retiring
leaves the item in an assignment already started (every student of it gets the same questions) and
out of one not started yet. authoring's confirmation page asks here through `signals.question_uses`.
"""

from dataclasses import dataclass

import sqlalchemy as sa

from quizapp import signals
from quizapp.authoring.models import QuestionSet, SetItem
from quizapp.classes.models import Assignment, Classroom
from quizapp.extensions import db


@dataclass
class AssignmentUse:
    set_name: str
    class_name: str
    kind: str  # quiz | review
    fixed: list[int] | None  # the assignment's items, fixed at its first quiz (None: none started)
    question_id: int

    @property
    def outcome(self) -> str:
        if self.kind == "review":
            return "a review deck: the question leaves the deck"
        if self.fixed is None:
            return "no quiz started yet: the question is left out, for every student"
        if self.question_id in self.fixed:
            return (
                "quizzes have started: the question stays in this assignment, so every student gets the same questions"
            )
        return "its questions were fixed before this one joined the set: nothing changes"


def assignments_using(question_id: int) -> list[AssignmentUse]:
    """Each assignment of a set that chooses this question, with what retiring does there: one query."""
    rows = db.session.execute(
        sa.select(QuestionSet.name, Classroom.name, Assignment.kind, Assignment.item_ids)
        .join(SetItem, SetItem.set_id == QuestionSet.id)
        .join(Assignment, Assignment.set_id == QuestionSet.id)
        .join(Classroom, Classroom.id == Assignment.class_id)
        .where(SetItem.question_id == question_id)
        .order_by(QuestionSet.name, Classroom.name, Assignment.id)
    )
    return [
        AssignmentUse(set_name, class_name, kind, item_ids, question_id)
        for set_name, class_name, kind, item_ids in rows
    ]


@signals.question_uses.connect
def _uses(_sender, question_id: int, **_) -> list[AssignmentUse]:
    return assignments_using(question_id)
