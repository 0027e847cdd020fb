"""Every page: security headers, error pages without stack traces, home page by role, query budgets."""

import re
import sqlite3

import pytest
import sqlalchemy as sa

from quizapp.auth.models import User
from quizapp.extensions import db
from tests.conftest import DATABASE_URL, AuthActions
from tests.factories import DEFAULT_PASSWORD, make_user

CSP = "default-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"


def test_security_headers_on_every_page(client):
    for url in ("/", "/auth/signin", "/no-such-page"):
        response = client.get(url)
        assert response.headers["Content-Security-Policy"] == CSP
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "same-origin"


def test_no_inline_script_or_style_in_pages(client, auth):
    auth.login(role="admin")
    for url in ("/", "/auth/account", "/admin/users"):
        page = client.get(url).get_data(as_text=True)
        # Scripts only from the site's own files (the account's time zone select has one), never inline.
        scripts = re.findall(r"<script[^>]*>[^<]*</script>", page)
        assert page.count("<script") == len(scripts)
        assert all(re.fullmatch(r'<script src="/static/js/[a-z]+\.js" defer></script>', s) for s in scripts), scripts
        assert "style=" not in page and "<style" not in page


def test_not_found_page_is_in_the_site_look(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert "Not found" in page and 'class="site-header"' in page


def test_too_large_request_gets_413(client):
    response = client.post("/auth/signin", data={"email": "x" * (3 * 1024 * 1024)})
    assert response.status_code == 413
    assert "larger than this site accepts" in response.get_data(as_text=True)


def test_server_error_shows_no_trace_and_rolls_back(app, make_app):
    broken = make_app(PROPAGATE_EXCEPTIONS=False)

    @broken.get("/_boom")
    def boom():
        db.session.add(User(email="half@example.org", display_name="x", password_hash="x"))
        db.session.flush()
        raise RuntimeError("secret internals")

    response = broken.test_client().get("/_boom")
    page = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Something went wrong" in page and "secret internals" not in page and "Traceback" not in page
    with app.app_context():
        assert db.session.scalar(sa.select(User).where(User.email == "half@example.org")) is None


@pytest.mark.skipif(not DATABASE_URL.startswith("sqlite"), reason="SQLite's write lock")
def test_the_error_page_of_a_failed_write_reads_without_waiting_for_the_write_lock(make_app):
    """A POST that failed because another process held SQLite's write lock still gets the site's error
    page: the page reloads the signed-in user after the rollback, from a snapshot, instead of queueing
    for the write lock again (which failed too, five seconds later, and left a bare 500)."""
    broken = make_app(PROPAGATE_EXCEPTIONS=False)
    holder = sqlite3.connect(sa.make_url(DATABASE_URL).database, isolation_level=None)

    @broken.post("/_locked")
    def locked():
        holder.execute("BEGIN IMMEDIATE")  # another process's long write
        raise sqlite3.OperationalError("database is locked")

    with broken.app_context():
        make_user(email="locked@example.org")
    client = broken.test_client()
    client.post("/auth/signin", data={"email": "locked@example.org", "password": DEFAULT_PASSWORD})
    try:
        response = client.post("/_locked")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    page = response.get_data(as_text=True)
    assert response.status_code == 500 and "Something went wrong" in page and "Sign out" in page


def test_home_tells_visitors_what_the_app_offers(client):
    page = client.get("/").get_data(as_text=True)
    assert "Create a free account" in page and "spaced-repetition" in page


def test_home_shows_each_role_where_to_go(client, auth):
    auth.login(role="admin")
    assert "Manage users and roles" in client.get("/").get_data(as_text=True)
    client.post("/auth/signout")
    auth.login(role="teacher")
    assert "You are a teacher" in client.get("/").get_data(as_text=True)
    client.post("/auth/signout")
    auth.login(role="student")
    assert "Review days start at 04:00 in your time zone" in client.get("/").get_data(as_text=True)


def test_admin_user_list_searches_and_paginates_in_a_fixed_number_of_queries(app, client, auth, queries):
    auth.login(role="admin", email="boss@example.org")
    with app.app_context():
        for n in range(5):
            make_user(email=f"pupil{n}@school.example", commit=False)
        db.session.commit()
    with queries() as few:
        page = client.get("/admin/users?q=school").get_data(as_text=True)
    assert page.count("@school.example") == 5 and "boss@example.org" not in page
    with app.app_context():
        for n in range(60):
            make_user(email=f"more{n}@school.example", commit=False)
        db.session.commit()
    with queries() as many:
        page = client.get("/admin/users?q=school").get_data(as_text=True)
    assert "Page 1 of 3" in page
    assert 0 < len(few) == len(many) <= 6


def test_admin_changes_a_role_and_cannot_demote_themselves(app, client, auth):
    admin_id, _ = auth.login(role="admin")
    with app.app_context():
        pupil = make_user(email="pupil@example.org").id
    client.post(f"/admin/users/{pupil}/role", data={"role": "teacher"})
    with app.app_context():
        assert db.session.get(User, pupil).role == "teacher"
    assert client.post(f"/admin/users/{pupil}/role", data={"role": "emperor"}).status_code == 400
    assert client.post(f"/admin/users/{admin_id}/role", data={"role": "student"}).status_code == 400
    assert client.post("/admin/users/999999/role", data={"role": "student"}).status_code == 404
    with app.app_context():
        assert db.session.get(User, admin_id).role == "admin"


def test_admin_deactivates_and_reactivates(app, client, auth):
    auth.login(role="admin")
    with app.app_context():
        pupil = make_user(email="pupil@example.org").id
    client.post(f"/admin/users/{pupil}/deactivate")
    with app.app_context():
        assert db.session.get(User, pupil).active is False
    client.post(f"/admin/users/{pupil}/reactivate")
    with app.app_context():
        assert db.session.get(User, pupil).active is True


def test_no_attribute_is_ever_written_as_none(app, client, auth):
    """WTForms writes a None attribute value as the text "None"; no page may carry one."""
    auth.login(role="admin")
    bad = client.post("/auth/password", data={"current": "x", "password": "short", "confirm": "other"})
    pages = [
        client.get(url).get_data(as_text=True)
        for url in ("/auth/account", "/quiz/new", "/teach/questions/new", "/teach/sets/new", "/review/settings")
    ]
    for page in [*pages, bad.get_data(as_text=True)]:
        assert '="None"' not in page


@pytest.mark.parametrize("size", [20, 800])
def test_the_signed_in_home_page_reads_a_fixed_number_of_statements_whatever_the_bank(app, client, auth, queries, size):
    from tests.factories import make_large_bank

    auth.login()
    with app.app_context():
        make_large_bank(size)
    client.get("/")  # this process's copies of the topic tree and the bank's counts are made
    with queries() as statements:
        assert "What the bank covers" in client.get("/").get_data(as_text=True)
    # the user with the bank's revision, unfinished quizzes with their answers counted, review
    # settings with the exam plan, today's reviews, the queue's counts (two), assignments
    assert 0 < len(statements) <= 7, "\n".join(statements)


def test_navigation_links_follow_the_site_root_of_each_request(app, client, auth):
    """The navigation's links are remembered per site root: a second mount point gets its own."""
    auth.login()
    plain = client.get("/").get_data(as_text=True)
    mounted = client.get("/", base_url="http://localhost/school").get_data(as_text=True)
    assert 'href="/review/"' in plain and 'href="/school/review/"' not in plain
    assert 'href="/school/review/"' in mounted and 'href="/review/"' not in mounted
    assert 'href="/school/static/css/app.css' in mounted


def test_the_header_follows_each_requests_role_whoever_came_first(make_app):
    """The site header is rendered once per role and site root: each role still gets its own links,
    in whatever order the roles arrive, and the signed-out header has no sign-out form."""
    app = make_app()
    clients = {}
    for role in ("student", "teacher", "admin"):
        client = app.test_client()
        AuthActions(app, client).login(role=role, email=f"{role}@example.org")
        clients[role] = client
    anonymous = app.test_client().get("/").get_data(as_text=True)
    pages = {role: client.get("/").get_data(as_text=True) for role, client in clients.items()}
    header = {role: page.split("</header>")[0] for role, page in pages.items()}
    assert "Join a class" in header["student"] and 'href="/teach/' not in header["student"]
    assert "Classes</a>" in header["teacher"] and "Join a class" not in header["teacher"]
    assert "Users</a>" in header["admin"] and "Users</a>" not in header["teacher"]
    assert "Sign out" not in anonymous.split("</header>")[0] and "Sign in</a>" in anonymous
    assert all("Sign out" in part for part in header.values())
    assert "\x00" not in "".join(pages.values())  # the token's slot is always filled


def test_site_roots_chosen_by_clients_cannot_grow_the_remembered_links_without_end(make_app):
    """Behind a proxy that passes X-Forwarded-Prefix on, each request may name its own site root:
    the links and headers remembered per root are bounded, and each page still gets its own."""
    from quizapp import REMEMBERED

    app = make_app(TRUSTED_PROXIES=1)
    client = app.test_client()
    AuthActions(app, client).login()
    for n in range(REMEMBERED + 40):
        page = client.get("/", headers={"X-Forwarded-Prefix": f"/p{n}"}).get_data(as_text=True)
        assert f'href="/p{n}/review/"' in page
    links, headers = app.extensions["quizapp remembered"]
    assert len(links) <= REMEMBERED and len(headers) <= REMEMBERED


def test_links_with_a_number_are_those_flask_builds_for_every_number_and_site_root(app):
    """A link taking one whole number is remembered as its text around the number: it is the link
    Flask builds, for any number and under any site root; anything else is built each time."""
    from flask import render_template_string, url_for

    template = "{{ url_for(endpoint, **values) }}"
    cases = [
        ("authoring.question", {"question_id": 7}),
        ("authoring.question", {"question_id": 123456}),
        ("classes.show", {"class_id": 0}),
        ("authoring.question", {"question_id": -1}),  # built by Flask each time
        ("authoring.question", {"question_id": 7, "_anchor": "stats"}),
        ("static", {"filename": "css/app.css"}),
    ]
    for root in ("", "/school"):
        with app.test_request_context("/", base_url=f"http://localhost{root}"):
            for endpoint, values in cases:
                for _ in range(2):  # built, then remembered
                    assert render_template_string(template, endpoint=endpoint, values=values) == url_for(
                        endpoint, **values
                    )
            assert url_for("authoring.question", question_id=7).startswith(f"{root}/")
