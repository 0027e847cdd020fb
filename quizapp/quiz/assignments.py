"""Assigned quizzes: starting an attempt within the assignment's limits, and telling the class what its
learners achieved. classes keeps those figures (attempts started, best score); quiz, above it, calls
down to update them whenever an assigned attempt starts, finishes or is regraded.

The first quiz of an assignment fixes its chosen items (the set's active ones at that moment), and
every later quiz of it draws those, so all its students get the same questions: an item retired
after that stays in this assignment, and is left out of assignments whose first quiz is still to come."""

from datetime import datetime

from quizapp.authoring.models import QuestionSet
from quizapp.authoring.sets import chosen_question_ids
from quizapp.classes import services as classes
from quizapp.classes.models import Assignment
from quizapp.extensions import db
from quizapp.quiz.models import QuizAttempt
from quizapp.quiz.results import record_results
from quizapp.quiz.services import start_attempt
from quizapp.quiz.sets import plan_from_set


def start_assignment(user_id: int, assignment: Assignment, now: datetime) -> QuizAttempt:
    """Start a quiz attempt from the assigned set, within the attempts allowed."""
    classes.check_can_start(assignment, user_id, now)
    question_set = db.session.get(QuestionSet, assignment.set_id)
    plan = plan_from_set(user_id, question_set, now, fixed_items=assignment.item_ids)
    if not plan.picked:
        raise classes.ClassError("This set has no questions yet; tell your teacher.")
    if assignment.item_ids is None:
        classes.fix_items(assignment, chosen_question_ids(question_set.id, active_only=True))
    attempt = start_attempt(user_id, plan, now)
    attempt.assignment_id = assignment.id
    db.session.flush()
    record_results({(assignment.id, user_id)})
    return attempt
