"""Run as `python -m tests.e2e.journey_seed EMAIL` in the environment of the browser tests' server
(tests/e2e/test_journey_keyboard.py).

Makes a student (password tests.e2e.test_journeys.PASSWORD) in a teacher's class, assigns them a
practice set of six curated items in a fixed order (single choice, multiple response, matching,
ordering, short answer, cloze) and starts it, starts a two-question test for them, and prints, as
one JSON line after the marker, both attempts' ids and each assigned item's type and answer data.
"""

import json
import sys

import sqlalchemy as sa

from quizapp import create_app
from quizapp.authoring.models import QuestionSet, SetItem
from quizapp.bank.models import Question, QuestionStatus, QuestionVersion
from quizapp.classes import services as classes
from quizapp.extensions import db
from quizapp.models import utcnow
from quizapp.quiz import assignments
from quizapp.quiz import services as quiz
from tests import factories
from tests.e2e.test_journeys import PASSWORD

MARKER = "JOURNEY:"
TYPES = ("single_choice", "multiple_response", "matching", "ordering", "short_answer", "cloze")
SET_NAME = "Week 2: the war in six questions"


def first_of(type_name: str) -> Question:
    """The first active curated item of this type (by slug) whose entries are plain text."""
    rows = db.session.execute(
        sa.select(Question, QuestionVersion)
        .join(QuestionVersion, QuestionVersion.id == Question.current_version_id)
        .where(Question.type == type_name, Question.status == QuestionStatus.ACTIVE, Question.slug.is_not(None))
        .order_by(Question.slug)
    ).all()
    for question, version in rows:
        if version.data.get("format", "markdown") == "markdown" and "*" not in json.dumps(version.data):
            return question
    raise LookupError(type_name)


def main(email: str) -> None:
    app = create_app()
    now = utcnow()
    with app.app_context():
        student = factories.make_user(email=email, display_name="Keyboard Learner", password=PASSWORD)
        teacher = factories.make_user(role="teacher", email=f"teacher-of-{email}")
        question_set = QuestionSet(owner_id=teacher.id, name=SET_NAME, mode="practice", shuffle=False)
        db.session.add(question_set)
        db.session.flush()
        picked = [first_of(t) for t in TYPES]
        for n, question in enumerate(picked, start=1):
            db.session.add(SetItem(set_id=question_set.id, question_id=question.id, position=n))
        classroom = classes.create_class(teacher.id, "10K", now)
        classes.join(student.id, classroom.join_code, now)
        assignment = classes.assign(classroom, question_set, "quiz", None, 1, now)  # one attempt: results open after it
        attempt = assignments.start_assignment(student.id, assignment, now)
        rules = quiz.QuizRules(topics=["korean-war"], types=["true_false"], length=2, mode="test")
        test = quiz.start_attempt(student.id, quiz.plan_quiz(student.id, rules, now), now)
        db.session.commit()
        versions = {v.id: v for v in db.session.scalars(sa.select(QuestionVersion))}
        items = [{"type": q.type, "data": versions[q.current_version_id].data} for q in picked]
        print(MARKER + json.dumps({"attempt": attempt.id, "test": test.id, "items": items, "set": SET_NAME}))


if __name__ == "__main__":
    main(sys.argv[1])
