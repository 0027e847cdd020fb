"""What is open to study (classes/access.py): an assigned test stays closed until it is over for the learner.

The owner's set (a curated question and the teacher's own) is assigned to a class as a test of
two attempts. Before the learner can start no further attempt, Review refuses the set's deck,
its Anki download and the card pages of the teacher's item, and quiz results show scores, not
answers; once the attempts are used (or the due date passed) all of them open.
"""

import io
import re
import sqlite3
import tempfile
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from quizapp.auth.models import User
from quizapp.authoring.models import QuestionSet
from quizapp.bank.models import Question, QuestionVersion
from quizapp.classes import access
from quizapp.classes.models import Assignment
from quizapp.extensions import db
from quizapp.models import utcnow
from quizapp.quiz.models import QuizAttempt
from quizapp.quiz.results import record_results
from quizapp.review import services as review
from tests.factories import DEFAULT_PASSWORD, build_targets, make_card, make_user


@pytest.fixture
def test_set(app):
    """A teacher's set given to a class as a two-attempt test; ids, and the member's login."""
    with app.app_context():
        teacher = make_user(role="teacher", email="teacher@example.org")
        targets = build_targets(teacher.id, "teacher")
        db.session.get(QuestionSet, targets["own_set"]).mode = "test"
        db.session.get(Assignment, targets["assignment"]).attempts_allowed = 2
        db.session.commit()
        login = db.session.get(User, targets["member"]).email
    return targets | {"login": login}


def sign_in(client, login):
    client.post("/auth/signout")
    assert client.post("/auth/signin", data={"email": login, "password": DEFAULT_PASSWORD}).status_code == 302


def take_attempt(client, assignment_id: int) -> int:
    """Start the assignment and finish at once (unanswered); the attempt's id."""
    started = client.post(f"/quiz/assignments/{assignment_id}/start")
    attempt_id = int(re.match(r"/quiz/(\d+)/1", started.headers["Location"]).group(1))
    assert client.post(f"/quiz/{attempt_id}/finish").status_code == 302
    return attempt_id


def own_card(app, targets) -> int:
    """The member's card on the teacher's question, as a finished test leaves it (a quiz answer)."""
    with app.app_context():
        question = db.session.get(Question, targets["own_question"])
        return make_card(targets["member"], question, rating=1, when=utcnow() - timedelta(days=30)).id


def reviews_waiting(app, user_id: int) -> int:
    with app.app_context():
        queue = review.build_queue(user_id, review.Deck(), utcnow(), review.settings_for(user_id), "UTC")
        return queue.counts.learning + queue.counts.review


def anki_prompts(data: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive, tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "collection.anki2"
        path.write_bytes(archive.read("collection.anki2"))
        with sqlite3.connect(path) as connection:
            fields = [row[0] for row in connection.execute("SELECT flds FROM notes")]
        connection.close()
    return fields


def closed(client, app, targets) -> bool:
    """Every way to study the teacher's question refuses, and it is out of the review queue."""
    set_id, card_id = targets["own_set"], targets["card"]
    codes = {
        client.get(f"/review/?set={set_id}").status_code,
        client.get(f"/review/export.apkg?set={set_id}").status_code,
        client.get(f"/review/cards/{card_id}").status_code,
    }
    with app.app_context():
        user = db.session.get(User, targets["member"])
        question = db.session.get(Question, targets["own_question"])
        studyable = access.may_study(user, question, utcnow())
    if codes == {404} and not studyable and reviews_waiting(app, targets["member"]) == 0:
        return True
    assert codes == {200} and studyable and reviews_waiting(app, targets["member"]) == 1, (codes, studyable)
    return False


def test_a_test_opens_for_study_only_once_its_attempts_are_used(app, client, test_set):
    test_set["card"] = own_card(app, test_set)
    sign_in(client, test_set["login"])
    assert closed(client, app, test_set)
    home = client.get("/").get_data(as_text=True)
    assert "Study it in Review" not in home and f"set={test_set['own_set']}" not in home

    first = take_attempt(client, test_set["assignment"])
    assert closed(client, app, test_set)  # one attempt left
    results = client.get(f"/quiz/{first}/results").get_data(as_text=True)
    assert "0%" in results and "Your answer" in results
    assert "Right answer" not in results and "Because of reason" not in results and "Source: p." not in results
    assert "once you can make no further attempt" in results

    second = take_attempt(client, test_set["assignment"])
    assert not closed(client, app, test_set)  # both attempts used, none running: open
    for attempt in (first, second):
        results = client.get(f"/quiz/{attempt}/results").get_data(as_text=True)
        assert "Right answer" in results and "Because of reason" in results
        assert "once you can make no further attempt" not in results
    home = client.get("/").get_data(as_text=True)
    assert "Study it in Review" in home and f"/review/?set={test_set['own_set']}" in home
    with app.app_context():
        prompt = db.session.scalar(
            sa.select(QuestionVersion.prompt)
            .join(Question, Question.current_version_id == QuestionVersion.id)
            .where(Question.id == test_set["own_question"])
        )
    package = client.get(f"/review/export.apkg?set={test_set['own_set']}")
    assert any(prompt in fields for fields in anki_prompts(package.data))


def test_the_last_attempt_still_running_keeps_the_test_closed(app, client, test_set):
    test_set["card"] = own_card(app, test_set)
    with app.app_context():
        db.session.get(Assignment, test_set["assignment"]).attempts_allowed = 1
        db.session.commit()
    sign_in(client, test_set["login"])
    started = client.post(f"/quiz/assignments/{test_set['assignment']}/start")
    assert started.status_code == 302  # the one attempt is used, but it is not over
    assert closed(client, app, test_set)
    attempt_id = int(re.match(r"/quiz/(\d+)/1", started.headers["Location"]).group(1))
    client.post(f"/quiz/{attempt_id}/finish")
    assert not closed(client, app, test_set)


def test_the_due_date_closes_attempts_and_opens_the_items(app, client, test_set):
    test_set["card"] = own_card(app, test_set)
    with app.app_context():
        db.session.get(Assignment, test_set["assignment"]).attempts_allowed = None
        db.session.commit()
    sign_in(client, test_set["login"])
    first = take_attempt(client, test_set["assignment"])
    assert closed(client, app, test_set)  # unlimited attempts until the due date
    with app.app_context():
        db.session.get(Assignment, test_set["assignment"]).due_at = utcnow() - timedelta(minutes=1)
        db.session.commit()
    assert not closed(client, app, test_set)
    assert "Right answer" in client.get(f"/quiz/{first}/results").get_data(as_text=True)
    refused = client.post(f"/quiz/assignments/{test_set['assignment']}/start")
    assert "past its due date" in client.get(refused.headers["Location"]).get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(QuizAttempt)) == 1


def test_an_attempt_started_before_the_due_date_keeps_it_closed_until_finished(app, test_set):
    now = utcnow()
    with app.app_context():
        assignment = db.session.get(Assignment, test_set["assignment"])
        assignment.due_at = now - timedelta(hours=1)
        running = QuizAttempt(
            user_id=test_set["member"],
            assignment_id=assignment.id,
            mode="test",
            settings={},
            seed=1,
            question_count=2,
            started_at=now - timedelta(hours=2),
        )
        db.session.add(running)
        db.session.flush()
        record_results({(assignment.id, test_set["member"])})  # as quiz does when an attempt starts
        db.session.commit()
        assert access.opened_assignment_ids(test_set["member"], [assignment.id], now) == set()
        running.finished_at = now
        record_results({(assignment.id, test_set["member"])})  # and when it finishes
        db.session.commit()
        assert access.opened_assignment_ids(test_set["member"], [assignment.id], now) == {assignment.id}


def test_curated_items_and_review_decks_open_at_once(app, client, test_set):
    test_set["card"] = own_card(app, test_set)
    with app.app_context():
        member = db.session.get(User, test_set["member"])
        curated = db.session.get(Question, test_set["curated_question"])
        assert access.may_study(member, curated, utcnow())  # the curated bank is everyone's
    sign_in(client, test_set["login"])
    assert client.get("/review/export.apkg").status_code == 200
    assert closed(client, app, test_set)
    with app.app_context():
        db.session.get(Assignment, test_set["assignment"]).kind = "review"
        db.session.commit()
    assert not closed(client, app, test_set)


def test_outsiders_and_other_teachers_never_study_the_set(app, client, test_set):
    with app.app_context():
        db.session.get(Assignment, test_set["assignment"]).kind = "review"
        db.session.commit()
        other = make_user(role="teacher", email="other@example.org")
        outsider = make_user(email="outsider@example.org")
        question = db.session.get(Question, test_set["own_question"])
        assert not access.may_study(other, question, utcnow()) and not access.may_study(outsider, question, utcnow())
    for login in ("other@example.org", "outsider@example.org"):
        sign_in(client, login)
        assert client.get(f"/review/?set={test_set['own_set']}").status_code == 404
        assert client.get(f"/review/export.apkg?set={test_set['own_set']}").status_code == 404
    sign_in(client, "teacher@example.org")  # the owner studies their own set as today
    assert client.get(f"/review/?set={test_set['own_set']}").status_code == 200
