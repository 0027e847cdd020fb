"""Who may use what: every endpoint, for every kind of visitor, checked on the server."""

import re

import pytest
import sqlalchemy as sa
from flask import url_for

from quizapp.auth.models import User
from quizapp.authoring.models import QuestionSet, SetItem
from quizapp.classes import services as classes
from quizapp.classes.models import Assignment
from quizapp.extensions import db
from quizapp.models import utcnow
from tests import security_summary
from tests.access_matrix import ANON, KNOWN_LEAKS, MATRIX, OTHER_STUDENT, OWNER, SIGN_IN, TARGETS, VISITORS
from tests.factories import build_targets, make_user


def test_every_endpoint_has_a_row(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    missing = sorted(endpoints - MATRIX.keys())
    stale = sorted(MATRIX.keys() - endpoints)
    assert not missing, f"endpoints without a row in tests/access_matrix.py: {missing}"
    assert not stale, f"rows for endpoints that no longer exist: {stale}"


def test_routes_answer_only_get_and_post(app):
    for rule in app.url_map.iter_rules():
        assert MATRIX[rule.endpoint][0] in rule.methods
        assert rule.methods <= {"GET", "HEAD", "OPTIONS", "POST"}, rule.endpoint


def test_every_route_with_an_object_id_is_probed_with_the_owners_object(app):
    """A path argument naming an object (…_id) must be filled with one of the owner's objects,
    never a literal, so that the other visitors probe ids that are not theirs."""
    for rule in app.url_map.iter_rules():
        args = MATRIX[rule.endpoint][1]
        for name in rule.arguments:
            if name.endswith("_id"):
                assert args.get(name) in TARGETS, (rule.endpoint, name, args.get(name))


def _uses_ids(row) -> bool:
    _, args, data, _, _ = row
    return any(value in TARGETS for value in [*args.values(), *(data or {}).values()])


def resolve(app, endpoint, targets):
    method, args, data, _, _ = MATRIX[endpoint]
    with app.test_request_context():
        url = url_for(endpoint, **{k: targets.get(v, v) for k, v in args.items()})
    return method, url, {k: targets.get(v, v) for k, v in (data or {}).items()}


@pytest.mark.parametrize("endpoint", sorted(MATRIX))
@pytest.mark.parametrize("visitor", VISITORS)
def test_access(app, auth, client, request, endpoint, visitor):
    owner_role = MATRIX[endpoint][4]
    with app.app_context():
        owner = make_user(role=owner_role, email="owner@example.org")
        targets = build_targets(owner.id, owner_role, classmate=True)
        classmate_email = db.session.get(User, targets["classmate"]).email
    if visitor == OWNER:
        auth.signin("owner@example.org")
    elif visitor == OTHER_STUDENT:
        assert auth.signin(classmate_email).status_code == 302
    elif visitor != ANON:
        auth.login(role=visitor)
    method, url, data = resolve(app, endpoint, targets)
    response = client.open(url, method=method, data=data)
    response.close()  # static files are streamed from an open file
    want = MATRIX[endpoint][3][visitor]
    if want == SIGN_IN:
        right = response.status_code == 302 and response.headers["Location"].startswith("/auth/signin")
    else:
        right = response.status_code == want
    leak = KNOWN_LEAKS.get((endpoint, visitor))
    security_summary.note("matrix", endpoint=endpoint, visitor=visitor)
    security_summary.count(
        "matrix",
        cells=1,
        id_cells=visitor != OWNER and _uses_ids(MATRIX[endpoint]),
        wrong=not right and not leak,
        known_leaks=not right and bool(leak),
    )
    if leak:
        request.applymarker(pytest.mark.xfail(strict=True, reason=leak))
    if want == SIGN_IN:
        assert response.status_code == 302, (endpoint, visitor, response.status_code)
        assert response.headers["Location"].startswith("/auth/signin"), response.headers["Location"]
    else:
        assert response.status_code == want, (endpoint, visitor, response.status_code)


# --- ids of someone else's objects inside a form, on the visitor's own objects ----------------
# The matrix acts on the owner's objects, so a refusal there may come from the path's object
# alone. Here another teacher acts on a set and a class of their own, naming the owner's
# objects in the form or as the second path argument: each must still be refused.

FOREIGN_IDS = {
    "authoring.add_set_item": (lambda mine, theirs: ({"set_id": mine["set"]}, {"question_id": theirs["own_question"]})),
    "classes.assign": (
        lambda mine, theirs: ({"class_id": mine["class"]}, {"set_id": theirs["own_set"], "kind": "quiz"})
    ),
    "classes.remove_student": (lambda mine, theirs: ({"class_id": mine["class"], "user_id": theirs["member"]}, {})),
    "classes.reset_code": (lambda mine, theirs: ({"class_id": mine["class"], "user_id": theirs["member"]}, {})),
}


@pytest.mark.parametrize("endpoint", sorted(FOREIGN_IDS))
def test_the_owners_ids_are_refused_on_another_teachers_own_objects(app, auth, client, endpoint):
    with app.app_context():
        owner = make_user(role="teacher", email="owner@example.org")
        theirs = build_targets(owner.id, "teacher")
    stranger_id, _ = auth.login(role="teacher")
    with app.app_context():
        now = utcnow()
        own_set = QuestionSet(owner_id=stranger_id, name="Stranger's set", created_at=now, updated_at=now)
        db.session.add(own_set)
        own_class = classes.create_class(stranger_id, "Stranger's class", now)
        db.session.commit()
        mine = {"set": own_set.id, "class": own_class.id}
    args, data = FOREIGN_IDS[endpoint](mine, theirs)
    with app.test_request_context():
        url = url_for(endpoint, **args)
    status = client.post(url, data=data).status_code
    security_summary.count("cross_ids", tried=1, refused=status in (400, 404))
    assert status in (400, 404), (endpoint, status)
    with app.app_context():  # and nothing changed hands
        assert classes.is_member(theirs["own_class"], theirs["member"])
        assert not classes.is_member(mine["class"], theirs["member"])
        assert db.session.scalar(sa.select(SetItem).where(SetItem.set_id == mine["set"]).limit(1)) is None
        assert db.session.scalar(sa.select(Assignment).where(Assignment.class_id == mine["class"]).limit(1)) is None


# --- a class's teacher and the staff accounts that joined it ----------------------------------


@pytest.mark.parametrize("role", ["teacher", "admin"])
def test_a_class_teacher_cannot_reset_the_password_of_a_staff_member(app, auth, client, role):
    with app.app_context():
        owner = make_user(role="teacher", email="owner@example.org")
        staff = make_user(role=role, email="staff@example.org")
        classroom = classes.create_class(owner.id, "Owner's class", utcnow())
        classes.join(staff.id, classroom.join_code, utcnow())
        db.session.commit()
        class_id, staff_id = classroom.id, staff.id
    auth.signin("owner@example.org")
    response = client.post(f"/teach/classes/{class_id}/students/{staff_id}/reset-code")
    codes = re.findall(r"\b[A-Z0-9]{4}-[A-Z0-9]{4}\b", response.get_data(as_text=True))
    assert response.status_code == 403 and not codes, (response.status_code, codes)
    assert "staff ask an admin" in response.get_data(as_text=True)
