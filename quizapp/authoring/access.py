"""Who may open a teacher's question or set: the guards every route on them starts with (404 for what
the teacher may not see, 403 for a curated question they may only read)."""

from flask import abort
from flask_login import current_user

from quizapp.authoring import services, sets
from quizapp.authoring.models import QuestionSet
from quizapp.bank.models import Question


def question_or_404(question_id: int) -> Question:
    return services.visible_question(current_user, question_id) or abort(404)


def editable_or_refuse(question_id: int) -> Question:
    question = question_or_404(question_id)
    if not services.can_edit(current_user, question):
        abort(403, "Curated questions are read-only for teachers: use “Copy to my questions” to adapt one.")
    return question


def set_or_404(set_id: int) -> QuestionSet:
    return sets.owned_set(current_user, set_id) or abort(404)
