"""Retiring a question that assigned sets use: a warning first, retired items marked in sets, and every
student of one assignment gets the same number of questions (its items are fixed at its first quiz)."""

import re

import pytest

from quizapp.authoring.models import QuestionSet, SetItem
from quizapp.classes import services as classes
from quizapp.extensions import db
from quizapp.models import utcnow
from quizapp.quiz.models import QuizAttempt
from tests.factories import DEFAULT_PASSWORD, make_question, make_topic, make_user


@pytest.fixture
def course(app):
    """A set of five items assigned to two classes (one pupil each, one spare pupil in the first)."""
    with app.app_context():
        now = utcnow()
        teacher = make_user(role="teacher", email="teacher@example.org")
        topic = make_topic("war")
        questions = [make_question(topic, "true_false", prompt=f"Claim {n}.") for n in range(5)]
        for q in questions:
            q.owner_id, q.slug = teacher.id, None
        question_set = QuestionSet(owner_id=teacher.id, name="Armistice", created_at=now, updated_at=now)
        db.session.add(question_set)
        db.session.flush()
        for n, q in enumerate(questions, start=1):
            db.session.add(SetItem(set_id=question_set.id, question_id=q.id, position=n))
        early, late = (
            make_class(teacher, "Year 12", question_set, now),
            make_class(teacher, "Year 13", question_set, now),
        )
        pupils = {}
        for name, (classroom, _) in (("ana", early), ("bo", early), ("cy", late)):
            pupil = make_user(email=f"{name}@example.org")
            classes.join(pupil.id, classroom.join_code, now)
            pupils[name] = pupil.id
        db.session.commit()
        return {
            "questions": [q.id for q in questions],
            "set": question_set.id,
            "early": early[1].id,
            "late": late[1].id,
        }


def make_class(teacher, name, question_set, now):
    classroom = classes.create_class(teacher.id, name, now)
    return classroom, classes.assign(classroom, question_set, "quiz", None, None, now)


def sign_in(client, login):
    client.post("/auth/signout")
    assert client.post("/auth/signin", data={"email": login, "password": DEFAULT_PASSWORD}).status_code == 302


def start(app, client, login, assignment_id) -> int:
    sign_in(client, login)
    response = client.post(f"/quiz/assignments/{assignment_id}/start")
    attempt_id = int(response.headers["Location"].split("/")[2])
    with app.app_context():
        return db.session.get(QuizAttempt, attempt_id).question_count


def test_retiring_warns_first_naming_sets_and_assignments(app, client, course):
    assert start(app, client, "ana@example.org", course["early"]) == 5  # Year 12 has started, Year 13 not
    sign_in(client, "teacher@example.org")
    retired = course["questions"][0]
    question = client.get(f"/teach/questions/{retired}").get_data(as_text=True)
    assert f'href="/teach/questions/{retired}/retire"' in question and "Retire…" in question
    ask = client.get(f"/teach/questions/{retired}/retire").get_data(as_text=True)
    assert "Retire this question?" in ask and "In 1 set" in ask and "Armistice" in ask
    assert "“Armistice” for Year 12: quizzes have started: the question stays in this assignment" in ask
    assert "“Armistice” for Year 13: no quiz started yet: the question is left out, for every student" in ask
    assert "fixes its questions when its first quiz starts" in ask
    with app.app_context():
        from quizapp.bank.models import Question

        assert db.session.get(Question, retired).status == "active"  # asking changed nothing


def test_every_student_of_an_assignment_gets_the_same_number_after_a_retirement(app, client, course):
    assert start(app, client, "ana@example.org", course["early"]) == 5
    sign_in(client, "teacher@example.org")
    client.post(f"/teach/questions/{course['questions'][0]}/retire")
    page = client.get(f"/teach/sets/{course['set']}").get_data(as_text=True)
    assert "Chosen items (4 of 5; 1 retired)" in page and page.count("retired — not drawn") == 1
    assert start(app, client, "bo@example.org", course["early"]) == 5  # the same as Ana, who started before
    assert start(app, client, "cy@example.org", course["late"]) == 4  # Year 13 started after: without it
    sign_in(client, "teacher@example.org")  # a new quiz from the set itself leaves it out as well
    shown = client.get(f"/quiz/sets/{course['set']}/preview").get_data(as_text=True)
    assert "Claim 0." not in shown and "Claim 1." in shown


def test_a_set_without_retired_items_counts_as_before(app, client, course):
    sign_in(client, "teacher@example.org")
    page = client.get(f"/teach/sets/{course['set']}").get_data(as_text=True)
    assert re.search(r"Chosen items \(5\)", page) and "retired — not drawn" not in page
