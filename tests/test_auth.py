"""Accounts: sign-up, sign-in, sign-out, password changes and server-side session ends."""

import re

import pytest
import sqlalchemy as sa

from quizapp.auth import services
from quizapp.auth.models import Role, User
from quizapp.extensions import db
from tests import security_summary
from tests.factories import DEFAULT_PASSWORD, make_user


def signup(client, email="ana@example.org", password="a long passphrase", **extra):
    data = {"email": email, "display_name": "Ana", "password": password, "confirm": password, **extra}
    return client.post("/auth/signup", data=data)


def zone_select(page: str) -> str:
    """The time zone <select> of a page, from its opening tag to its end."""
    return re.search(r'<select[^>]*id="timezone".*?</select>', page, re.S).group(0)


def user_row(app, email):
    with app.app_context():
        return db.session.scalar(sa.select(User).where(User.email == email))


def test_first_account_is_offered_admin_and_later_ones_are_students(app, client):
    page = client.get("/auth/signup").get_data(as_text=True)
    assert "first account on this site" in page
    response = signup(client, make_admin="y")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert user_row(app, "ana@example.org").role == Role.ADMIN
    client.post("/auth/signout")

    assert "first account" not in client.get("/auth/signup").get_data(as_text=True)
    signup(client, email="ben@example.org", make_admin="y")
    assert user_row(app, "ben@example.org").role == Role.STUDENT


def test_signup_signs_in_and_lands_on_home(client):
    response = signup(client)
    home = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Welcome, Ana</h1>" in home


def test_a_new_account_is_welcomed_and_only_later_sign_ins_are_welcomed_back(client):
    signup(client)
    assert "Welcome back" not in client.get("/").get_data(as_text=True)
    client.post("/auth/signout")
    client.post("/auth/signin", data={"email": "ana@example.org", "password": "a long passphrase"})
    assert "Welcome back, Ana</h1>" in client.get("/").get_data(as_text=True)


def test_signup_keeps_the_chosen_time_zone_and_refuses_one_not_in_the_list(app, client):
    refused = signup(client, timezone="Mars/Olympus")
    page = refused.get_data(as_text=True)
    assert refused.status_code == 200 and user_row(app, "ana@example.org") is None
    assert 'id="timezone-error">Choose a time zone from the list' in page
    assert 'aria-invalid="true"' in zone_select(page).split(">", 1)[0]
    assert signup(client, timezone="Asia/Seoul").status_code == 302
    assert user_row(app, "ana@example.org").timezone == "Asia/Seoul"


def test_the_time_zone_select_offers_every_known_zone_and_lets_the_browser_pick_on_a_fresh_form(client):
    from zoneinfo import available_timezones

    page = client.get("/auth/signup").get_data(as_text=True)
    select = zone_select(page)
    assert "data-browser-zone" in select.split(">", 1)[0]
    assert select.count("<option ") == len(available_timezones())
    assert '<optgroup label="Europe">' in select and 'value="Europe/London"' in select
    assert '<option selected value="UTC">' in select  # without script: UTC, and the person can pick
    assert '<script src="/static/js/timezone.js" defer></script>' in page
    # After a refused post, the person's own choice stays: the script is told to leave it alone.
    again = signup(client, timezone="Asia/Seoul", confirm="something else").get_data(as_text=True)
    assert '<option selected value="Asia/Seoul">' in again and "data-browser-zone" not in again


def test_email_is_unique_regardless_of_case(app, client):
    with app.app_context():
        make_user(email="Ana@Example.org")
    response = signup(client, email="ANA@example.ORG")
    assert response.status_code == 200
    assert "already exists" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 1


def test_weak_passwords_are_refused_next_to_the_field(app, client):
    for password, message in [("short", "at least 8"), ("password123", "too common"), ("x" * 129, "at most 128")]:
        page = signup(client, password=password).get_data(as_text=True)
        assert message in page
        assert 'id="password-error"' in page
    assert user_row(app, "ana@example.org") is None


def test_bad_email_is_refused(client):
    page = signup(client, email="not-an-email").get_data(as_text=True)
    assert "Enter an email address" in page


def test_signin_and_signout(app, client):
    with app.app_context():
        make_user(email="cy@example.org")
    response = client.post("/auth/signin", data={"email": "CY@example.org", "password": DEFAULT_PASSWORD})
    assert response.status_code == 302
    assert client.get("/auth/account").status_code == 200
    client.post("/auth/signout")
    assert client.get("/auth/account").status_code == 302


def test_signin_follows_only_local_next(app, client):
    with app.app_context():
        make_user(email="cy@example.org")
    data = {"email": "cy@example.org", "password": DEFAULT_PASSWORD}
    assert client.post("/auth/signin?next=/auth/account", data=data).headers["Location"] == "/auth/account"
    client.post("/auth/signout")
    assert client.post("/auth/signin?next=//evil.example/x", data=data).headers["Location"] == "/"


def test_unknown_email_and_wrong_password_get_the_same_answer(app, client):
    with app.app_context():
        make_user(email="cy@example.org")
    wrong = client.post("/auth/signin", data={"email": "cy@example.org", "password": "nope-nope-nope"})
    unknown = client.post("/auth/signin", data={"email": "zed@example.org", "password": "nope-nope-nope"})
    assert wrong.status_code == unknown.status_code == 401
    message = "That email and password do not match an active account."
    assert message in wrong.get_data(as_text=True) and message in unknown.get_data(as_text=True)


def test_deactivated_account_cannot_sign_in(app, client):
    with app.app_context():
        make_user(email="cy@example.org", active=False)
    response = client.post("/auth/signin", data={"email": "cy@example.org", "password": DEFAULT_PASSWORD})
    assert response.status_code == 401


def test_account_settings_change_name_and_time_zone(app, client, auth):
    auth.login(email="cy@example.org")
    bad = client.post("/auth/account", data={"display_name": "Cy", "timezone": "Mars/Olympus"})
    assert "Choose a time zone" in bad.get_data(as_text=True)
    client.post("/auth/account", data={"display_name": "Cy Young", "timezone": "Asia/Seoul"})
    user = user_row(app, "cy@example.org")
    assert (user.display_name, user.timezone) == ("Cy Young", "Asia/Seoul")
    page = client.get("/auth/account").get_data(as_text=True)
    assert "KST" in page  # times shown in the user's zone
    assert '<option selected value="Asia/Seoul">' in page and "data-browser-zone" not in page  # a chosen zone stays


def test_an_account_still_on_utc_is_offered_the_browser_zone(client, auth):
    auth.login(email="cy@example.org")
    page = client.get("/auth/account").get_data(as_text=True)
    assert "data-browser-zone" in page and '<option selected value="UTC">' in page


def test_password_change_needs_the_current_password(app, client, auth):
    auth.login(email="cy@example.org")
    response = client.post(
        "/auth/password",
        data={"current": "wrong password!", "password": "a new passphrase", "confirm": "a new passphrase"},
    )
    assert "not your current password" in response.get_data(as_text=True)
    response = client.post(
        "/auth/password",
        data={"current": DEFAULT_PASSWORD, "password": "a new passphrase", "confirm": "a new passphrase"},
    )
    assert response.status_code == 302
    assert client.get("/auth/account").status_code == 200  # this browser stays signed in
    client.post("/auth/signout")
    assert auth.signin("cy@example.org", "a new passphrase").status_code == 302


def _cookie(client):
    return client.get_cookie("session").value


def _replay(app, stolen):
    """The status of a request made with a copied session cookie (counted for the summary)."""
    thief = app.test_client()
    thief.set_cookie("session", stolen)
    status = thief.get("/auth/account").status_code
    security_summary.count("sessions", replayed=1, refused=status == 302)
    return status


def test_copied_cookie_stops_working_after_signout(app, client, auth):
    auth.login(email="cy@example.org")
    stolen = _cookie(client)
    client.post("/auth/signout")
    assert _replay(app, stolen) == 302


def test_copied_cookie_stops_working_after_password_change(app, client, auth):
    auth.login(email="cy@example.org")
    stolen = _cookie(client)
    client.post(
        "/auth/password",
        data={"current": DEFAULT_PASSWORD, "password": "a new passphrase", "confirm": "a new passphrase"},
    )
    assert _replay(app, stolen) == 302
    assert client.get("/auth/account").status_code == 200


def test_copied_cookie_stops_working_after_deactivation(app, client, auth):
    student_id, _ = auth.login(email="cy@example.org")
    stolen = _cookie(client)
    admin = app.test_client()
    with app.app_context():
        make_user(role="admin", email="boss@example.org")
    admin.post("/auth/signin", data={"email": "boss@example.org", "password": DEFAULT_PASSWORD})
    assert admin.post(f"/admin/users/{student_id}/deactivate").status_code == 302
    assert _replay(app, stolen) == 302


def test_session_cookie_flags(app, make_app):  # app empties the tables
    app = make_app(SESSION_COOKIE_SECURE=True, REMEMBER_COOKIE_SECURE=True)
    with app.app_context():
        make_user(email="cy@example.org")
    client = app.test_client()
    response = client.post(
        "/auth/signin", data={"email": "cy@example.org", "password": DEFAULT_PASSWORD}, base_url="https://localhost"
    )
    cookie = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" in cookie
    assert "Expires=" in cookie  # an explicit lifetime, not a browser-session cookie


def test_a_session_is_renewed_once_a_day_it_is_used(app, make_app):  # app empties the tables
    """The 14 days of a signed-in session count from the last day it was used, without re-signing
    the cookie on every page."""
    app = make_app(TEST_CLOCK=True)
    with app.app_context():
        make_user(email="dee@example.org")
    client = app.test_client()
    monday, tuesday = {"X-Test-Now": "2031-05-05T09:00:00+00:00"}, {"X-Test-Now": "2031-05-06T08:00:00+00:00"}
    signin = {"email": "dee@example.org", "password": DEFAULT_PASSWORD}
    assert client.post("/auth/signin", data=signin, headers=monday).status_code == 302

    def cookie(headers) -> str | None:
        response = client.get("/", headers=headers)
        assert response.status_code == 200 and "Sign out" in response.get_data(as_text=True)
        return next((h for h in response.headers.getlist("Set-Cookie") if h.startswith("session=")), None)

    cookie(monday)  # the first page may still store the CSRF token's secret
    assert cookie(monday) is None  # later pages that day leave the cookie as it is
    renewed = cookie(tuesday)
    assert renewed is not None and "Expires=" in renewed  # the next day it is sent again, with a new expiry
    assert cookie(tuesday) is None


def test_signup_can_be_closed_by_an_admin(app, client, auth):
    auth.login(role="admin")
    client.post("/admin/signup")
    client.post("/auth/signout")
    response = client.get("/auth/signup")
    assert response.status_code == 403 and "Sign-up is closed" in response.get_data(as_text=True)
    assert signup(client).status_code == 403


def test_create_user_refuses_a_time_zone_it_does_not_know(app):
    with app.app_context(), pytest.raises(services.AccountError, match="Choose a time zone"):
        services.create_user("zed@example.org", "Zed", "a long passphrase", timezone="Mars/Olympus")
    with app.app_context():
        assert services.create_user("zed@example.org", "Zed", "a long passphrase", timezone="Asia/Seoul").timezone == (
            "Asia/Seoul"
        )


def test_the_loaded_user_is_the_sessions_own_unchanged_and_its_changes_are_saved(app):
    """The user loader reads columns and makes the session's User from them: it must behave as one
    loaded by a query (in the session, nothing pending, a change saved by commit), and a stale
    session token or a deactivated account must still be refused."""
    with app.app_context():
        user = make_user(email="loader@example.org")
        user_id, token = user.id, user.session_token
    with app.test_request_context("/"):
        loaded = services.load_user_from_session(f"{user_id}:{token}")
        assert loaded in db.session and not db.session.is_modified(loaded) and not db.session.new
        assert services.load_user_from_session(f"{user_id}:{token}") is loaded  # one per session
        assert (loaded.email, loaded.timezone) == ("loader@example.org", "UTC")
        loaded.timezone = "Asia/Seoul"
        db.session.commit()
    with app.test_request_context("/"):
        assert db.session.get(User, user_id).timezone == "Asia/Seoul"
        assert services.load_user_from_session(f"{user_id}:not-the-token") is None
        db.session.get(User, user_id).active = False
        db.session.commit()
    with app.test_request_context("/"):
        assert services.load_user_from_session(f"{user_id}:{token}") is None
