"""CSRF protection is on for every state-changing request (TestConfig turns it off elsewhere)."""

import re

import pytest

from tests import security_summary
from tests.access_matrix import MATRIX
from tests.factories import DEFAULT_PASSWORD, build_targets, make_user


@pytest.fixture
def csrf_app(app, make_app):
    return make_app(WTF_CSRF_ENABLED=True)


def token_from(page: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


def test_signin_without_or_with_a_wrong_token_is_refused(csrf_app):
    with csrf_app.app_context():
        make_user(email="cy@example.org")
    client = csrf_app.test_client()
    data = {"email": "cy@example.org", "password": DEFAULT_PASSWORD}
    missing = client.post("/auth/signin", data=data).status_code
    client.get("/auth/signin")
    forged = client.post("/auth/signin", data=data | {"csrf_token": "forged"}).status_code
    security_summary.note("csrf", route="auth.signin (POST)", case="missing")
    security_summary.note("csrf", case="wrong")
    security_summary.count("csrf", tried=2, refused=(missing == 400) + (forged == 400))
    assert missing == 400
    assert forged == 400
    token = token_from(client.get("/auth/signin").get_data(as_text=True))
    assert client.post("/auth/signin", data=data | {"csrf_token": token}).status_code == 302


def test_a_token_from_another_session_is_refused(csrf_app):
    with csrf_app.app_context():
        make_user(email="cy@example.org")
    other = csrf_app.test_client()
    foreign = token_from(other.get("/auth/signin").get_data(as_text=True))
    client = csrf_app.test_client()
    client.get("/auth/signin")
    data = {"email": "cy@example.org", "password": DEFAULT_PASSWORD, "csrf_token": foreign}
    response = client.post("/auth/signin", data=data)
    security_summary.note("csrf", route="auth.signin (POST)", case="foreign")
    security_summary.count("csrf", tried=1, refused=response.status_code == 400)
    assert response.status_code == 400
    assert "The form had expired or was not sent from this site" in response.get_data(as_text=True)


@pytest.mark.parametrize("endpoint", sorted(e for e, row in MATRIX.items() if row[0] == "POST"))
def test_every_post_route_refuses_missing_wrong_and_foreign_tokens(csrf_app, endpoint):
    from tests.test_access_matrix import resolve

    owner_role = MATRIX[endpoint][4]
    with csrf_app.app_context():
        owner = make_user(role=owner_role, email="owner@example.org")
        targets = build_targets(owner.id, owner_role)
    client = csrf_app.test_client()
    token = token_from(client.get("/auth/signin").get_data(as_text=True))
    client.post("/auth/signin", data={"email": "owner@example.org", "password": DEFAULT_PASSWORD, "csrf_token": token})
    foreign = token_from(csrf_app.test_client().get("/auth/signin").get_data(as_text=True))  # another session's
    method, url, data = resolve(csrf_app, endpoint, targets)
    for case, variant in {"missing": {}, "wrong": {"csrf_token": "wrong"}, "foreign": {"csrf_token": foreign}}.items():
        status = client.post(url, data=data | variant).status_code
        security_summary.note("csrf", route=endpoint, case=case)
        security_summary.count("csrf", tried=1, refused=status == 400)
        assert status == 400, variant
    assert client.get("/auth/account").status_code == 200  # nothing happened: still signed in


def test_a_token_fetched_before_sign_in_is_refused_after_it(csrf_app):
    """Signing in renews the session: a token planted or read before it stops working."""
    with csrf_app.app_context():
        make_user(email="cy@example.org")
    client = csrf_app.test_client()
    before = token_from(client.get("/auth/signin").get_data(as_text=True))
    data = {"email": "cy@example.org", "password": DEFAULT_PASSWORD, "csrf_token": before}
    assert client.post("/auth/signin", data=data).status_code == 302
    stale = client.post("/classes/join", data={"code": "ABCD-EFGH", "csrf_token": before})
    security_summary.count("csrf", tried=1, refused=stale.status_code == 400)
    assert stale.status_code == 400
    fresh = token_from(client.get("/classes/join").get_data(as_text=True))
    assert fresh != before
    answer = client.post("/classes/join", data={"code": "ABCD-EFGH", "csrf_token": fresh})
    assert answer.status_code == 400 and "No class has that code" in answer.get_data(as_text=True)


def _signed_in(app, email: str, role: str = "student"):
    with app.app_context():
        make_user(email=email, role=role)
    client = app.test_client()
    token = token_from(client.get("/auth/signin").get_data(as_text=True))
    data = {"email": email, "password": DEFAULT_PASSWORD, "csrf_token": token}
    assert client.post("/auth/signin", data=data).status_code == 302
    return client


def test_each_session_gets_its_own_token_in_the_header_and_signing_out_with_it_works(csrf_app):
    """The header is rendered once per role and its sign-out token put in per request; the signed
    token is kept per session's token: a second learner must never be shown the first one's."""
    first, second = _signed_in(csrf_app, "one@example.org"), _signed_in(csrf_app, "two@example.org")
    first_tokens = {token_from(first.get(path).get_data(as_text=True)) for path in ("/", "/auth/account", "/")}
    second_token = token_from(second.get("/").get_data(as_text=True))
    assert len(first_tokens) == 1  # signed once, the same on every page
    assert second_token not in first_tokens
    assert second.post("/auth/signout", data={"csrf_token": next(iter(first_tokens))}).status_code == 400
    assert second.post("/auth/signout", data={"csrf_token": second_token}).status_code == 302
    assert second.get("/progress").status_code == 302  # signed out: sent to sign in
    assert first.get("/progress").status_code == 200


def test_with_a_time_limit_the_header_token_is_signed_by_flask_wtf_and_accepted(make_app):
    """Only a token without a time limit is reused; with one, Flask-WTF signs it (with its time)."""
    app = make_app(WTF_CSRF_ENABLED=True, WTF_CSRF_TIME_LIMIT=3600)
    client = _signed_in(app, "three@example.org")
    page = client.get("/").get_data(as_text=True)
    assert client.post("/auth/signout", data={"csrf_token": token_from(page)}).status_code == 302
