"""Fixtures: an app on a migrated database (SQLite file, or TEST_DATABASE_URL), emptied between tests.

The schema comes from the Alembic migrations, run once per test session, so the tests
exercise what production runs.
"""

import os
import tempfile
from contextlib import contextmanager

_INSTANCE = tempfile.mkdtemp(prefix="quizapp-test-")
os.environ["QUIZAPP_INSTANCE"] = _INSTANCE  # before config is imported

import pytest  # noqa: E402
import sqlalchemy as sa  # noqa: E402
from flask_migrate import upgrade  # noqa: E402

from config import TestConfig  # noqa: E402
from quizapp import create_app  # noqa: E402
from quizapp.extensions import db  # noqa: E402
from tests import security_summary  # noqa: E402
from tests.factories import DEFAULT_PASSWORD, make_user  # noqa: E402

DATABASE_URL = os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{_INSTANCE}/test.sqlite"


def pytest_collection_modifyitems(config, items):
    """Tests marked sqlite_only use no database: the PostgreSQL pass would only repeat them."""
    if not DATABASE_URL.startswith("postgresql"):
        return
    skip = pytest.mark.skip(reason="touches no database; runs in the SQLite pass")
    for item in items:
        if "sqlite_only" in item.keywords:
            item.add_marker(skip)


def pytest_terminal_summary(terminalreporter):
    """The figures the security tests counted in this run (tests/security_summary.py)."""
    security_summary.write_summary(terminalreporter)


def build_app(**overrides):
    """An app on the test database; overrides change config for one test (e.g. CSRF on)."""
    return create_app(TestConfig, SQLALCHEMY_DATABASE_URI=DATABASE_URL, **overrides)


@pytest.fixture(scope="session")
def _migrated():
    app = build_app()
    with app.app_context():
        upgrade()
        db.engine.dispose()
    return True


def empty_tables(app) -> None:
    """Delete every row (the schema stays): TRUNCATE on PostgreSQL, deferred-FK deletes on SQLite."""
    with app.app_context():
        tables = [t for t in reversed(db.metadata.sorted_tables)]
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                names = ", ".join(f'"{t.name}"' for t in tables)
                conn.exec_driver_sql(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
            return
        # Every table is emptied, so there is nothing for the foreign keys to check. With them on,
        # SQLite checks each deleted parent row against its child tables, some through columns
        # without an index: emptying after the 20,000-card query test took over two minutes.
        raw = db.engine.raw_connection()
        try:
            sqlite = raw.driver_connection
            sqlite.execute("PRAGMA foreign_keys = OFF")  # outside any transaction
            sqlite.execute("BEGIN IMMEDIATE")
            for table in tables:
                sqlite.execute(f'DELETE FROM "{table.name}"')  # noqa: S608 - the app's own table names
            sqlite.execute("COMMIT")
            sqlite.execute("PRAGMA foreign_keys = ON")
        except BaseException:
            raw.invalidate()  # never hand back a connection with its checks off
            raise
        raw.close()


@pytest.fixture
def make_app(_migrated):
    """A factory of apps with config overrides; each is torn down after the test."""
    apps = []

    def factory(**overrides):
        app = build_app(**overrides)
        apps.append(app)
        return app

    yield factory
    for app in apps:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def app(make_app):
    app = make_app()
    empty_tables(app)
    yield app


@pytest.fixture(autouse=True)
def _push_request_context():
    """Replace pytest-flask's fixture of this name, which keeps one request context pushed
    for the whole test: every client request would then share one app context and one
    database session, hiding a missing commit() and holding SQLite's write lock between
    requests. Here, as in production, each request gets its own context and session."""
    yield


@pytest.fixture
def client(app):
    """Replace pytest-flask's client, which is used inside `with`: that keeps the last
    request's context pushed, so the next request (even from another client) reuses its
    app context and cached signed-in user. A plain client behaves like separate browsers."""
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


class AuthActions:
    """Sign in and out through the real forms, as a browser would."""

    def __init__(self, app, client):
        self.app, self.client = app, client

    def signin(self, email: str, password: str = DEFAULT_PASSWORD):
        return self.client.post("/auth/signin", data={"email": email, "password": password})

    def login(self, role: str = "student", **fields):
        """Make a user of this role and sign in as them; returns the user's id and email."""
        with self.app.app_context():
            user = make_user(role=role, **fields)
            user_id, email = user.id, user.email
        response = self.signin(email, fields.get("password", DEFAULT_PASSWORD))
        assert response.status_code == 302, response.get_data(as_text=True)
        return user_id, email

    def logout(self):
        return self.client.post("/auth/signout")


@pytest.fixture
def auth(app, client):
    return AuthActions(app, client)


@contextmanager
def count_queries(app):
    """Count every SQL statement the app's engine runs inside the block (templates included)."""
    statements: list[str] = []

    def before(conn, cursor, statement, *args):
        if not statement.lstrip().upper().startswith(("BEGIN", "PRAGMA", "SAVEPOINT", "RELEASE", "COMMIT", "ROLLBACK")):
            statements.append(statement)

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        sa.event.remove(engine, "before_cursor_execute", before)


@pytest.fixture
def queries(app):
    """queries() counts on the test's app; queries(other_app) on another one."""
    return lambda target=None: count_queries(target or app)
