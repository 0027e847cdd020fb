"""The database layer: aware UTC times on both databases, SQLite made safe for several workers."""

from datetime import UTC, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from quizapp.auth.models import SignInCounter
from quizapp.extensions import db


def test_times_come_back_aware_utc(app):
    seoul = timezone(timedelta(hours=9))
    with app.app_context():
        db.session.add(SignInCounter(key="k", failures=0, window_start=datetime(2026, 7, 27, 10, 0, tzinfo=seoul)))
        db.session.commit()
    with app.app_context():
        value = db.session.get(SignInCounter, "k").window_start
    assert value.tzinfo is not None and value.utcoffset() == timedelta(0)
    assert value == datetime(2026, 7, 27, 1, 0, tzinfo=UTC)


def test_naive_times_are_refused(app):
    with app.app_context():
        db.session.add(SignInCounter(key="k", failures=0, window_start=datetime(2026, 7, 27)))
        with pytest.raises(sa.exc.StatementError, match="naive datetime"):
            db.session.flush()
        db.session.rollback()


def test_sqlite_runs_in_wal_with_foreign_keys_and_a_busy_timeout(app):
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            assert db.engine.dialect.name == "postgresql"  # nothing to set up there
            return
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 5000


def test_a_new_sqlite_connection_reads_without_a_map_caches_8_mib_and_sorts_in_memory(app):
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            return
        db.engine.dispose()  # the pool's connections go: the next one is opened now
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA mmap_size").scalar() == 0  # even where SQLite was built to map
            assert conn.exec_driver_sql("PRAGMA cache_size").scalar() == -8 * 1024
            assert conn.exec_driver_sql("PRAGMA temp_store").scalar() == 2  # MEMORY
            assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL


def test_foreign_keys_are_enforced(app):
    from quizapp.bank.models import Question

    with app.app_context():
        db.session.add(Question(slug="orphan", type="true_false", topic_id=987654))
        with pytest.raises(sa.exc.IntegrityError):
            db.session.flush()
        db.session.rollback()


def test_sqlite_without_math_functions_gets_power_from_python():
    import sqlite3

    from quizapp.database import _on_sqlite_connect

    class Bare:
        """A connection whose SQLite was built without math functions."""

        def __init__(self):
            self.inner = sqlite3.connect(":memory:")
            self.isolation_level = ""
            self.functions = {}

        def cursor(self):
            outer = self

            class Cursor:
                def execute(self, sql):
                    if "power(" in sql and "power" not in outer.functions:
                        raise sqlite3.OperationalError("no such function: power")
                    return outer.inner.execute(sql)

                def close(self):
                    pass

            return Cursor()

        def create_function(self, name, arity, function, deterministic=False):
            self.functions[name] = function
            self.inner.create_function(name, arity, function, deterministic=deterministic)

    connection = Bare()
    _on_sqlite_connect(connection, None)
    assert connection.functions["power"](2.0, 0.5) == pytest.approx(2**0.5)


def test_a_post_that_reads_first_leaves_the_write_lock_to_others_while_it_reads(app):
    """Planning a quiz reads from a snapshot; another worker can write meanwhile."""
    import sqlite3

    from quizapp.database import reading_first

    def another_worker_writes() -> bool:
        other = sqlite3.connect(db.engine.url.database, timeout=0, isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")
            other.execute("INSERT INTO site_settings (key, value) VALUES ('probe', '1')")
            other.execute("ROLLBACK")
            return True
        except sqlite3.OperationalError:  # database is locked
            return False
        finally:
            other.close()

    with app.test_request_context("/quiz/new", method="POST"):
        if db.engine.dialect.name != "sqlite":
            return  # PostgreSQL has no database-wide write lock
        db.session.execute(sa.text("SELECT count(*) FROM users"))
        assert not another_worker_writes()  # an ordinary POST holds the lock from its first statement
        with reading_first():
            db.session.execute(sa.text("SELECT count(*) FROM users"))
            assert another_worker_writes()
        db.session.execute(sa.text("SELECT count(*) FROM users"))
        assert not another_worker_writes()  # the write that follows takes it again
        db.session.rollback()
