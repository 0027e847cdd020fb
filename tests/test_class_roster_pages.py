"""A class's roster after the sheet: codes typed any way, the codes page reloaded, removing a pupil."""

import re

import pytest
import sqlalchemy as sa

from quizapp.auth.models import User
from quizapp.classes.models import Classroom, Enrolment
from quizapp.extensions import db
from tests.factories import DEFAULT_PASSWORD, build_targets, make_user


@pytest.fixture
def setup(app):
    with app.app_context():
        teacher = make_user(role="teacher", email="teacher@example.org")
        targets = build_targets(teacher.id, "teacher")
    return targets | {"teacher": teacher.id}


def sign_in(client, login, password=DEFAULT_PASSWORD):
    client.post("/auth/signout")
    return client.post("/auth/signin", data={"email": login, "password": password})


def codes_in(page):
    return re.findall(r'class="join-code">([A-Z2-9]{4}-[A-Z2-9]{4})<', page)


def redeem(client, login, code, password="my own secret"):
    client.post("/auth/signout")
    return client.post(
        "/auth/code", data={"identifier": login, "code": code, "password": password, "confirm": password}
    )


@pytest.mark.parametrize("shape", ["{a} {b}", "{a}{b}", " {a}-{b} ", "{a}_{b}"])
def test_a_one_time_code_is_accepted_in_any_case_with_or_without_a_separator(app, client, setup, shape):
    sign_in(client, "teacher@example.org")
    page = client.post(f"/teach/classes/{setup['own_class']}/roster", data={"roster": "Bo Park"})
    (code,) = codes_in(page.get_data(as_text=True))
    typed = shape.format(a=code[:4].lower(), b=code[5:].lower())
    assert redeem(client, "bo.park", typed).status_code == 302
    assert sign_in(client, "bo.park", "my own secret").status_code == 302


def test_the_printed_sheet_names_the_class_and_the_sign_in_address(app, client, setup):
    app.config["BASE_URL"] = "https://quiz.school.example"
    sign_in(client, "teacher@example.org")
    page = client.post(f"/teach/classes/{setup['own_class']}/roster", data={"roster": "Bo Park"}).get_data(as_text=True)
    printed = re.search(r'<p class="sheet-where">(.*?)</p>', page, re.S).group(1)
    assert "Owner&#39;s class" in printed and "https://quiz.school.example/auth/code" in printed


def test_reloading_the_codes_page_explains_and_offers_new_codes(app, client, setup):
    sign_in(client, "teacher@example.org")
    url = f"/teach/classes/{setup['own_class']}/roster"
    first = codes_in(client.post(url, data={"roster": "Bo Park\nCy Lee"}).get_data(as_text=True))
    reloaded = client.get(url)
    text = reloaded.get_data(as_text=True)
    assert reloaded.status_code == 200 and "shown once" in text and "Bo Park, Cy Lee" in text
    assert not codes_in(text)
    redeem(client, "cy.lee", first[1])  # Cy signed in: only Bo still needs a code
    sign_in(client, "teacher@example.org")
    assert "Bo Park." in client.get(url).get_data(as_text=True)
    fresh = client.post(f"/teach/classes/{setup['own_class']}/codes")
    (new_code,) = codes_in(fresh.get_data(as_text=True))
    assert "Bo Park" in fresh.get_data(as_text=True)
    assert client.get(f"/teach/classes/{setup['own_class']}/codes").status_code == 200
    assert redeem(client, "bo.park", first[0]).status_code == 401  # the old code stopped working
    assert redeem(client, "bo.park", new_code).status_code == 302


def test_no_new_codes_without_csrf(app, client, setup):
    app.config["WTF_CSRF_ENABLED"] = True
    sign_in(client, "teacher@example.org")
    assert client.post(f"/teach/classes/{setup['own_class']}/codes").status_code == 400


def test_pasting_an_accented_roster_twice_adds_nobody_twice(app, client, setup):
    sign_in(client, "teacher@example.org")
    url = f"/teach/classes/{setup['own_class']}/roster"
    first = client.post(url, data={"roster": "Amélie Dupont\n"}).get_data(as_text=True)
    again = client.post(url, data={"roster": "Amélie Dupont\n"}).get_data(as_text=True)
    assert "<td>amelie.dupont</td>" in first and len(codes_in(first)) == 1
    assert not codes_in(again) and "already on the roster" in again
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).where(User.display_name == "Amélie Dupont")) == 1


def test_removing_a_pupil_asks_first_and_says_what_is_kept(app, client, setup):
    sign_in(client, "teacher@example.org")
    with app.app_context():
        name = db.session.get(User, setup["member"]).display_name
        class_name = db.session.get(Classroom, setup["own_class"]).name
    url = f"/teach/classes/{setup['own_class']}/students/{setup['member']}/remove"
    show = client.get(f"/teach/classes/{setup['own_class']}").get_data(as_text=True)
    assert f'href="{url}"' in show  # the class page links to the question, it does not remove at once
    ask = client.get(url).get_data(as_text=True)
    assert f"Remove {name} from {class_name.replace(chr(39), '&#39;')}?" in ask and "What is kept" in ask
    with app.app_context():
        assert db.session.get(Enrolment, (setup["own_class"], setup["member"])) is not None
    done = client.post(url, follow_redirects=True).get_data(as_text=True)
    assert f"{name} is removed from" in done and "answers and scores are kept" in done
    with app.app_context():
        assert db.session.get(Enrolment, (setup["own_class"], setup["member"])) is None
