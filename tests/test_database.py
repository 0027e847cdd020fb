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


def test_kept_selects_give_the_same_rows_through_the_driver_as_through_sqlalchemy(app, queries):
    """`database.rows` runs a kept SELECT straight through the driver, on SQLite and PostgreSQL:
    its rows must be the ones SQLAlchemy gives (aware times, JSON, booleans, NULLs, labels, fixed
    values, a float from an integer column), and a statement counter must still see it."""
    from quizapp import database
    from quizapp.review.models import ReviewSettings
    from tests.factories import make_user

    fitted = datetime(2026, 11, 30, 4, 5, 6, 789000, tzinfo=UTC)
    with app.app_context():
        first, second = make_user(email="a@example.org").id, make_user(email="b@example.org").id
        db.session.add(ReviewSettings(user_id=first, desired_retention=0.85, new_per_day=7, reviews_per_day=70,
                                      parameters=[0.4, 1.5], fitted_at=fitted, shortcuts=False))  # fmt: skip
        db.session.add(ReviewSettings(user_id=second, desired_retention=0.9, new_per_day=20, reviews_per_day=200))
        db.session.commit()
    statement = database.keep(
        sa.select(
            ReviewSettings.user_id,
            ReviewSettings.parameters,
            ReviewSettings.fitted_at.label("when"),
            ReviewSettings.shortcuts,
            (ReviewSettings.new_per_day * 2).label("twice"),
            sa.literal("fixed").label("constant"),
            sa.cast(ReviewSettings.new_per_day, sa.Float).label("pace"),
            sa.func.avg(ReviewSettings.new_per_day).over().label("mean"),
        )
        .where(ReviewSettings.user_id >= sa.bindparam("from_id", type_=sa.Integer))
        .order_by(ReviewSettings.user_id)
    )
    with app.test_request_context("/"):
        expected = db.session.execute(statement, {"from_id": first}).all()
        with queries() as statements:
            found = database.rows(statement, {"from_id": first}).all()
            again = database.rows(statement, {"from_id": second}).one()
    assert found == expected and [row._fields for row in found] == [row._fields for row in expected]
    assert found[0].when == fitted and found[0].when.tzinfo is not None
    assert found[0].parameters == [0.4, 1.5] and found[0].shortcuts is False and found[1].parameters is None
    assert (found[0].twice, found[0].constant) == (14, "fixed")
    assert found[0].pace == 7.0 and isinstance(found[0].pace, float) and found[0].mean == expected[0].mean
    assert again.user_id == second
    assert len(statements) == 2 and database._DRIVEN[id(statement)] is not database._NOT_DRIVEN
    with app.test_request_context("/"):
        assert database.rows(statement, {"from_id": first}).scalars().all() == [first, second]
        assert database.rows(statement, {"from_id": second + 1}).first() is None
        assert database.value(statement, {"from_id": second + 1}) is None
        with pytest.raises(sa.exc.MultipleResultsFound):
            database.rows(statement, {"from_id": first}).one()
        with pytest.raises(sa.exc.NoResultFound):
            database.rows(statement, {"from_id": second + 1}).one()


def test_a_failing_kept_select_raises_sqlalchemy_s_error_and_the_request_goes_on(app):
    """A statement run through the driver fails as one run by SQLAlchemy would: with SQLAlchemy's
    exception (which the app's error handling knows), and the session can roll back and go on."""
    from quizapp import database

    missing = database.keep(sa.select(sa.table("no_such_table", sa.column("x")).c.x))
    working = database.keep(sa.select(sa.literal(1).label("one")))
    with app.test_request_context("/"):
        with pytest.raises(sa.exc.DBAPIError, match="no_such_table"):
            database.rows(missing)
        db.session.rollback()
        assert database.value(working) == 1


def test_a_kept_select_with_an_expanding_list_is_left_to_sqlalchemy(app):
    from quizapp import database
    from tests.factories import make_user

    with app.app_context():
        ids = [make_user(email=f"{n}@example.org").id for n in range(3)]
        db.session.commit()
    from quizapp.auth.models import User

    statement = database.keep(sa.select(User.id).where(User.id.in_(sa.bindparam("ids", expanding=True))))
    with app.test_request_context("/"):
        assert sorted(database.rows(statement, {"ids": ids[:2]}).scalars()) == ids[:2]
        assert sorted(database.rows(statement, {"ids": ids}).scalars()) == ids


def test_kept_writes_run_as_compiled_once_and_tell_how_many_rows_they_touched(app, queries):
    """A kept INSERT ... ON CONFLICT, UPDATE and DELETE run from their SQL compiled once (SQLAlchemy
    cannot cache the dialects' INSERT ... ON CONFLICT, and compiled the rating's anew each time): the
    rows written and the counts must be right on both databases, and counters still see each one."""
    from quizapp import database
    from quizapp.models import utcnow
    from quizapp.review import services
    from quizapp.review.models import Card
    from tests.factories import make_question, make_topic, make_user

    with app.app_context():
        user_id = make_user(email="w@example.org").id
        question_id = make_question(make_topic("war"), "flashcard").id
        db.session.commit()
        insert = database.kept(("new card",), services._new_card)  # the rating's own statement
    update = database.keep(
        sa.update(Card)
        .where(Card.user_id == sa.bindparam("user_id", type_=sa.Integer))
        .values(reps=sa.bindparam("reps", type_=sa.Integer), due=sa.bindparam("due", type_=Card.due.type))
    )
    delete = database.keep(sa.delete(Card).where(Card.user_id == sa.bindparam("user_id", type_=sa.Integer)))
    now = utcnow()
    values = {"user_id": user_id, "question_id": question_id, "now": now}
    with app.test_request_context("/", method="POST"):
        with queries() as statements:
            made = [database.rows(insert, values).rowcount for _ in range(2)]
            changed = database.rows(update, {"user_id": user_id, "reps": 4, "due": now}).rowcount
        assert id(insert) in database._DRIVEN and database._DRIVEN[id(insert)] is not database._NOT_DRIVEN
        card = db.session.scalars(sa.select(Card).where(Card.user_id == user_id)).one()
        assert (card.question_id, card.reps, card.due, card.created_at) == (question_id, 4, now, now)
        assert made == [1, 0] and changed == 1 and len(statements) == 3
        db.session.expunge_all()
        assert database.rows(delete, {"user_id": user_id}).rowcount == 1
        assert db.session.scalars(sa.select(Card).where(Card.user_id == user_id)).all() == []


def test_postgresql_keeps_a_page_s_prepared_statements_from_one_request_to_the_next(app, client, auth):
    """A read-only request ends with COMMIT: the ROLLBACK that closing its session would send makes
    psycopg forget every statement prepared on the connection, so none would ever be reused."""
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("psycopg's server-side prepared statements")
        pool = db.engine.pool
    auth.login()
    for _ in range(3):  # DATABASE_PREPARE_THRESHOLD (2) runs, then one that uses the prepared form
        assert client.get("/review/").status_code == 200
    assert pool.checkedout() == 0  # every request gave its connection back
    with app.app_context():
        prepared = db.session.scalar(sa.text("SELECT count(*) FROM pg_prepared_statements"))
        db.session.rollback()
    assert prepared >= 3  # the page's statements, still prepared on the connection it used


def test_postgresql_connections_plan_a_prepared_statement_once(app):
    """DATABASE_PLAN_CACHE_MODE reaches the server: the review queue's counts are not planned again at
    every run (README, Performance)."""
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("a PostgreSQL setting")
        mode = db.session.scalar(sa.text("SHOW plan_cache_mode"))
        db.session.rollback()
    assert mode == "force_generic_plan"


def test_item_analysis_is_planned_for_its_values_and_leaves_the_connection_as_it_found_it(app, client, auth):
    """A teacher's item analysis runs with plans made for its values (a plan for any teacher was six
    times slower on the bench dataset); the connection it used goes back to the pool planning once
    again, whether the block ends well or in a failed transaction."""
    from quizapp.database import planned_for_values

    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("a PostgreSQL setting")
    auth.login(role="teacher")
    seen = []
    mode = sa.text("SELECT current_setting('plan_cache_mode')")

    def note(conn, cursor, statement, *args):
        if "question_versions" in statement and not seen:
            seen.append(conn.exec_driver_sql("SELECT current_setting('plan_cache_mode')").scalar())

    with app.app_context():
        sa.event.listen(db.engine, "after_cursor_execute", note)
    try:
        assert client.get("/teach/analysis").status_code == 200
    finally:
        with app.app_context():
            sa.event.remove(db.engine, "after_cursor_execute", note)
    assert seen == ["force_custom_plan"]
    with app.test_request_context("/teach/analysis"):
        assert db.session.scalar(mode) == "force_generic_plan"  # the pool's connection, put back
        db.session.rollback()
        with pytest.raises(sa.exc.DBAPIError), planned_for_values():
            db.session.execute(sa.text("SELECT 1 FROM no_such_table"))
        db.session.rollback()
        assert db.session.scalar(mode) == "force_generic_plan"
        db.session.rollback()


def test_postgresql_reads_a_page_without_begin_and_commit_and_still_writes_all_or_nothing(app):
    """A reading request's statements run outside a transaction (two round trips fewer a page); one
    that writes or locks a row begins a transaction there, so a rollback still undoes the write,
    and the connection goes back to the pool in the driver's own mode."""
    from quizapp import database
    from quizapp.auth.models import User
    from tests.factories import make_user

    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("PostgreSQL's transactions")
        user_id = make_user(email="r@example.org", display_name="Before").id
        db.session.commit()
    one = database.keep(sa.select(sa.literal(1).label("one")))

    def status():
        return db.session.connection().connection.driver_connection.info.transaction_status.name

    with app.test_request_context("/"):
        assert database.value(one) == 1 and status() == "IDLE"  # read outside a transaction
        assert db.session.get(User, user_id).display_name == "Before" and status() == "IDLE"
        db.session.get(User, user_id).display_name = "Written in a GET"
        db.session.flush()
        assert status() == "INTRANS"  # the write began one
        db.session.rollback()
        assert db.session.get(User, user_id).display_name == "Before"  # and it was undone
        for lock in ({}, {"read": True}, {"key_share": True}):
            db.session.execute(sa.select(User.id).where(User.id == user_id).with_for_update(**lock))
            assert status() == "INTRANS", lock  # a row lock lasts until the end too
            db.session.rollback()
    with app.test_request_context("/", method="POST"):
        assert database.value(one) == 1 and status() == "INTRANS"  # a POST is one transaction
        db.session.rollback()
    with app.test_request_context("/"):
        with database.writing():
            database.value(one)
            assert status() == "INTRANS"
        database.value(one)
        assert status() == "IDLE"
        db.session.rollback()
    with app.app_context(), db.engine.connect() as connection:  # whichever connection the pool hands out
        assert connection.connection.driver_connection.autocommit is False
    with app.test_request_context("/"):
        database.refresh_statistics()  # VACUUM: SQLAlchemy's own AUTOCOMMIT is left alone


def test_postgresql_pings_a_pooled_connection_after_it_sat_idle_and_replaces_one_the_server_dropped(make_app):
    """A connection used within DATABASE_PING_AFTER_IDLE is taken without a ping (a round trip on a
    busy worker's every request); one idle longer is pinged, and if the server dropped it meanwhile
    the pool hands out a new one: the request never sees the dead one."""
    import time

    app = make_app(DATABASE_PING_AFTER_IDLE="0.3")
    with app.app_context():
        engine = db.engine
        if engine.dialect.name != "postgresql":
            pytest.skip("PostgreSQL's pooled connections")
        pings = []
        ping = engine.dialect.do_ping
        engine.dialect.do_ping = lambda connection: pings.append(1) or ping(connection)
        try:
            with engine.connect() as connection:
                first = connection.exec_driver_sql("SELECT pg_backend_pid()").scalar()
            with engine.connect() as connection:  # at once: trusted
                assert connection.exec_driver_sql("SELECT pg_backend_pid()").scalar() == first
            assert pings == []
            time.sleep(0.4)
            with engine.connect() as connection:  # idle past the limit: pinged, still alive
                assert connection.exec_driver_sql("SELECT pg_backend_pid()").scalar() == first
            assert pings == [1]
            outside = sa.create_engine(engine.url, poolclass=sa.pool.NullPool)
            with outside.connect() as other:  # the server drops the pooled connection
                assert other.exec_driver_sql(f"SELECT pg_terminate_backend({first})").scalar() is True
            time.sleep(0.4)
            with engine.connect() as connection:
                assert connection.exec_driver_sql("SELECT pg_backend_pid()").scalar() != first
        finally:
            engine.dialect.do_ping = ping
