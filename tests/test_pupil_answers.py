"""A teacher follows a pupil: each score on the class page opens that pupil's answers, read-only,
for the class's teacher only."""

import re

import pytest

from quizapp.auth.models import User
from quizapp.extensions import db
from tests.factories import DEFAULT_PASSWORD, build_targets, make_user
from tests.test_quiz_take import answer_right


@pytest.fixture
def taken(app, client):
    """The owner's pupil answered question 1 of the assignment rightly and finished."""
    with app.app_context():
        teacher = make_user(role="teacher", email="teacher@example.org")
        targets = build_targets(teacher.id, "teacher")
        login = db.session.get(User, targets["member"]).email
        make_user(role="teacher", email="colleague@example.org")
    sign_in(client, login)
    start = client.post(f"/quiz/assignments/{targets['assignment']}/start")
    attempt_id = int(start.headers["Location"].split("/")[2])
    answer_right(client, app, attempt_id, 1)
    client.post(f"/quiz/{attempt_id}/finish")
    return targets | {"login": login, "attempt": attempt_id}


def sign_in(client, login, password=DEFAULT_PASSWORD):
    client.post("/auth/signout")
    return client.post("/auth/signin", data={"email": login, "password": password})


def answers_url(t):
    return f"/quiz/classes/{t['own_class']}/assignments/{t['assignment']}/students/{t['member']}"


def test_the_score_on_the_class_page_opens_the_pupils_answers(app, client, taken):
    sign_in(client, "teacher@example.org")
    page = client.get(f"/teach/classes/{taken['own_class']}").get_data(as_text=True)
    link = re.search(r'<a href="([^"]+)">50%<span class="visually-hidden">', page).group(1)
    assert link == answers_url(taken)
    answers = client.get(link)
    text = answers.get_data(as_text=True)
    assert answers.status_code == 200 and "Read-only" in text and "Score 50%" in text
    assert text.count("’s answer</dt>") == 2 and "not answered" in text and "100% credit" in text
    assert "<form" not in text.split("<main", 1)[1].split("</main>")[0]  # nothing to change here


@pytest.mark.parametrize("visitor", ["colleague@example.org", "member", "outsider"])
def test_nobody_but_the_classs_teacher_reads_them(app, client, taken, visitor):
    if visitor == "outsider":
        with app.app_context():
            make_user(email="outsider@example.org")
        visitor = "outsider@example.org"
    sign_in(client, taken["login"] if visitor == "member" else visitor)
    assert client.get(answers_url(taken)).status_code == 403


def test_an_assignment_of_another_class_is_not_found(app, client, taken):
    with app.app_context():
        other = build_targets(
            db.session.scalar(db.select(User.id).where(User.email == "teacher@example.org")), "teacher"
        )
    sign_in(client, "teacher@example.org")
    url = f"/quiz/classes/{taken['own_class']}/assignments/{other['assignment']}/students/{taken['member']}"
    assert client.get(url).status_code == 404


def test_the_answers_page_stays_within_a_query_bound(app, client, taken, queries):
    sign_in(client, "teacher@example.org")
    with queries() as one:
        assert client.get(answers_url(taken)).status_code == 200
    sign_in(client, taken["login"])
    for _ in range(3):  # more attempts, each answered and finished
        start = client.post(f"/quiz/assignments/{taken['assignment']}/start")
        attempt_id = int(start.headers["Location"].split("/")[2])
        answer_right(client, app, attempt_id, 1)
        answer_right(client, app, attempt_id, 2)
        client.post(f"/quiz/{attempt_id}/finish")
    sign_in(client, "teacher@example.org")
    with queries() as four:
        page = client.get(answers_url(taken)).get_data(as_text=True)
    assert "Attempts (4)" in page and "Score 100%" in page  # the best attempt is shown
    assert len(four) == len(one), (len(one), len(four))
