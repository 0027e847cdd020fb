"""Classes: join codes, rosters with pupils who have no email, one-time codes, assignments and scores."""

import re

import pytest
import sqlalchemy as sa

from quizapp.auth.models import User
from quizapp.classes.models import Classroom, Enrolment
from quizapp.extensions import db
from tests.factories import DEFAULT_PASSWORD, build_targets, make_user


@pytest.fixture
def setup(app):
    """A teacher with a set (two questions), a class and one enrolled pupil; ids and the code."""
    with app.app_context():
        teacher = make_user(role="teacher", email="teacher@example.org")
        targets = build_targets(teacher.id, "teacher")
        code = db.session.get(Classroom, targets["own_class"]).join_code
    return targets | {"teacher": teacher.id, "code": code}


def sign_in(client, login, password=DEFAULT_PASSWORD):
    client.post("/auth/signout")
    return client.post("/auth/signin", data={"email": login, "password": password})


def members(app, class_id):
    with app.app_context():
        return set(db.session.scalars(sa.select(Enrolment.user_id).where(Enrolment.class_id == class_id)))


def test_students_join_with_the_code_in_any_case_and_closed_codes_refuse(app, client, auth, setup):
    student, _ = auth.login(email="pupil@example.org")
    code = setup["code"]
    wrong = client.post("/classes/join", data={"code": "NOPE-NOPE"})
    assert wrong.status_code == 400 and "No class has that code" in wrong.get_data(as_text=True)
    assert client.post("/classes/join", data={"code": f" {code[:4].lower()}-{code[4:]} "}).status_code == 302
    assert student in members(app, setup["own_class"])
    sign_in(client, "teacher@example.org")
    client.post(f"/teach/classes/{setup['own_class']}/code/close")
    with app.app_context():
        assert db.session.get(Classroom, setup["own_class"]).join_code is None
    client.post(f"/teach/classes/{setup['own_class']}/code/renew")
    with app.app_context():
        renewed = db.session.get(Classroom, setup["own_class"]).join_code
    assert renewed and renewed != code


ROSTER = "name,email\nAna Kim,ana@school.example\nBo Park\nBo Park\n"


def test_a_roster_creates_pupils_with_usernames_and_one_time_codes(app, client, setup):
    sign_in(client, "teacher@example.org")
    page = client.post(f"/teach/classes/{setup['own_class']}/roster", data={"roster": ROSTER}).get_data(as_text=True)
    codes = re.findall(r'class="join-code">([A-Z2-9]{4}-[A-Z2-9]{4})<', page)
    assert len(codes) == 3 and "bo.park" in page and "bo.park2" in page and "ana@school.example" in page
    with app.app_context():
        bo = db.session.scalar(sa.select(User).where(User.username == "bo.park"))
        assert bo.email is None and bo.display_name == "Bo Park"
    assert len(members(app, setup["own_class"])) == 4
    # Bo signs in for the first time with the code, then with the new password.
    client.post("/auth/signout")
    row = re.search(r"bo\.park</td>\s*<td><strong class=\"join-code\">([A-Z2-9-]+)<", page).group(1)
    done = client.post(
        "/auth/code",
        data={"identifier": "bo.park", "code": row.lower(), "password": "my own secret", "confirm": "my own secret"},
    )
    assert done.status_code == 302
    again = sign_in(client, "bo.park", "my own secret")
    assert again.status_code == 302
    client.post("/auth/signout")
    reused = client.post(
        "/auth/code",
        data={"identifier": "bo.park", "code": row, "password": "another secret", "confirm": "another secret"},
    )
    assert reused.status_code == 401 and "does not match" in reused.get_data(as_text=True)


def test_a_bad_roster_names_its_lines_and_adds_nobody(app, client, setup):
    sign_in(client, "teacher@example.org")
    bad = "Ana Kim,ana@school.example\n,nobody@school.example\nCy,not-an-email\nDi,ana@school.example\n"
    response = client.post(f"/teach/classes/{setup['own_class']}/roster", data={"roster": bad})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Line 2: give a name" in page and "Line 3: &#39;not-an-email&#39; is not an email" in page
    assert "Line 4: ana@school.example appears twice." in page
    with app.app_context():
        assert db.session.scalar(sa.select(User).where(User.email == "ana@school.example")) is None


def test_a_reset_code_for_a_pupil_of_the_class(app, client, setup):
    sign_in(client, "teacher@example.org")
    page = client.post(f"/teach/classes/{setup['own_class']}/students/{setup['member']}/reset-code").get_data(
        as_text=True
    )
    code = re.search(r'class="join-code">([A-Z2-9-]+)<', page).group(1)
    with app.app_context():
        login = db.session.get(User, setup["member"]).email
    client.post("/auth/signout")
    assert (
        client.post(
            "/auth/code",
            data={"identifier": login, "code": code, "password": "fresh start!", "confirm": "fresh start!"},
        ).status_code
        == 302
    )
    outsider = make_user_in(app)
    sign_in(client, "teacher@example.org")
    assert client.post(f"/teach/classes/{setup['own_class']}/students/{outsider}/reset-code").status_code == 404


def make_user_in(app):
    with app.app_context():
        return make_user(email="outsider@example.org").id


def test_an_assigned_quiz_is_taken_and_the_teacher_sees_the_score(app, client, setup):
    with app.app_context():
        login = db.session.get(User, setup["member"]).email
    sign_in(client, login)
    home = client.get("/").get_data(as_text=True)
    assert "Your assignments" in home and "Owner&#39;s set" in home
    start = client.post(f"/quiz/assignments/{setup['assignment']}/start")
    attempt_id = int(start.headers["Location"].split("/")[2])
    client.post(f"/quiz/{attempt_id}/finish")
    sign_in(client, "teacher@example.org")
    page = client.get(f"/teach/classes/{setup['own_class']}").get_data(as_text=True)
    assert re.search(
        r">0%<span class=\"visually-hidden\">[^<]*</span></a>\s*<span class=\"muted small\">\(1 attempt\)", page
    )


def test_attempts_allowed_are_enforced(app, client, setup):
    from quizapp.classes.models import Assignment

    with app.app_context():
        db.session.get(Assignment, setup["assignment"]).attempts_allowed = 1
        db.session.commit()
        login = db.session.get(User, setup["member"]).email
    sign_in(client, login)
    assert client.post(f"/quiz/assignments/{setup['assignment']}/start").status_code == 302
    refused = client.post(f"/quiz/assignments/{setup['assignment']}/start")
    assert "You have used all 1 attempts" in client.get(refused.headers["Location"]).get_data(as_text=True)


def test_a_review_deck_assignment_opens_the_sets_deck_for_members_only(app, client, auth, setup):
    from quizapp.classes.models import Assignment

    with app.app_context():
        db.session.get(Assignment, setup["assignment"]).kind = "review"
        db.session.commit()
        login = db.session.get(User, setup["member"]).email
    sign_in(client, login)
    assert f"set={setup['own_set']}" in client.get("/").get_data(as_text=True)
    page = client.get(f"/review/?set={setup['own_set']}").get_data(as_text=True)
    assert re.search(r"<strong>2</strong> new", page)
    client.post("/auth/signout")
    auth.login(email="stranger@example.org")
    assert client.get(f"/review/?set={setup['own_set']}").status_code == 404


def test_removing_a_student(app, client, setup):
    sign_in(client, "teacher@example.org")
    client.post(f"/teach/classes/{setup['own_class']}/students/{setup['member']}/remove")
    assert members(app, setup["own_class"]) == set()


def codes_in(page):
    return re.findall(r'class="join-code">([A-Z2-9]{4}-[A-Z2-9]{4})<', page)


def test_a_roster_never_captures_an_existing_account(app, client, setup):
    """A pupil who signed up herself, or a colleague, named in a roster: not enrolled, no code,
    no reset code later; the teacher is told to hand them the join code."""
    with app.app_context():
        own = make_user(email="she@example.org").id
        make_user(email="colleague@example.org", role="teacher")
    sign_in(client, "teacher@example.org")
    roster = "She Herself,SHE@example.org\nA Colleague,colleague@example.org\nNew Pupil,new@school.example\n"
    page = client.post(f"/teach/classes/{setup['own_class']}/roster", data={"roster": roster}).get_data(as_text=True)
    assert len(codes_in(page)) == 1 and "new@school.example" in page
    for line, email in ((1, "she@example.org"), (2, "colleague@example.org")):
        assert f"Line {line}: {email} already has an account, so it was not added" in page
    assert f"class join code ({setup['code']})" in page
    with app.app_context():
        staff = db.session.scalar(sa.select(User.id).where(User.email == "colleague@example.org"))
    assert own not in members(app, setup["own_class"]) and staff not in members(app, setup["own_class"])
    # She joins by her own hand; her teacher still cannot take her account over with a reset code.
    sign_in(client, "she@example.org")
    client.post("/classes/join", data={"code": setup["code"]})
    assert own in members(app, setup["own_class"])
    sign_in(client, "teacher@example.org")
    refused = client.post(f"/teach/classes/{setup['own_class']}/students/{own}/reset-code")
    assert refused.status_code == 403 and not codes_in(refused.get_data(as_text=True))
    assert sign_in(client, "she@example.org").status_code == 302


def test_pasting_a_roster_again_adds_nobody_twice(app, client, setup):
    sign_in(client, "teacher@example.org")
    url = f"/teach/classes/{setup['own_class']}/roster"
    first = client.post(url, data={"roster": ROSTER}).get_data(as_text=True)
    again = client.post(url, data={"roster": ROSTER + "Cy Lee\n"}).get_data(as_text=True)
    assert len(codes_in(first)) == 3 and len(codes_in(again)) == 1
    assert again.count("already on the roster") == 3 and "has an account" not in again
    assert "bo.park3" not in again and "cy.lee" in again
    assert len(members(app, setup["own_class"])) == 5
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).where(User.display_name == "Bo Park")) == 2


def test_usernames_from_names_with_accents_are_transliterated(app, client, setup):
    sign_in(client, "teacher@example.org")
    roster = "Amélie Dupont\nŁukasz Żółwiński\nJosé-María Núñez\n"
    page = client.post(f"/teach/classes/{setup['own_class']}/roster", data={"roster": roster}).get_data(as_text=True)
    for username in ("amelie.dupont", "lukasz.zolwinski", "jose.maria.nunez"):
        assert f"<td>{username}</td>" in page


def test_who_may_issue_a_reset_code(app, client, setup):
    """A teacher: only pupils their own roster made. An admin: anyone but another admin."""
    with app.app_context():
        other = make_user(role="teacher", email="other@example.org")
        other_class = db.session.get(Classroom, build_targets(other.id, "teacher")["own_class"])
        admin = make_user(role="admin", email="admin@example.org")
        second_admin = make_user(role="admin", email="admin2@example.org").id
        db.session.commit()
        other_class_id = other_class.id
    sign_in(client, "other@example.org")
    made_by_other = client.post(f"/teach/classes/{other_class_id}/roster", data={"roster": "Pupil Elsewhere"})
    assert len(codes_in(made_by_other.get_data(as_text=True))) == 1
    with app.app_context():
        pupil = db.session.scalar(sa.select(User).where(User.username == "pupil.elsewhere"))
        from quizapp.classes import services as classes

        classes.join(pupil.id, db.session.get(Classroom, setup["own_class"]).join_code, pupil.created_at)
        classes.join(second_admin, db.session.get(Classroom, setup["own_class"]).join_code, pupil.created_at)
        db.session.commit()
        pupil_id = pupil.id
    reset = f"/teach/classes/{setup['own_class']}/students/{{}}/reset-code"
    sign_in(client, "teacher@example.org")
    assert client.post(reset.format(pupil_id)).status_code == 403  # another teacher's pupil
    assert client.post(reset.format(setup["member"])).status_code == 200  # made by this teacher
    sign_in(client, admin.email)
    assert client.post(reset.format(pupil_id)).status_code == 200
    assert client.post(reset.format(second_admin)).status_code == 403
