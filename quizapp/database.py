"""Engine set-up: SQLite made safe for several worker processes."""

import fcntl
import json
import math
import operator
import os
import sqlite3
import threading
import time
import weakref
from collections.abc import Callable
from contextlib import contextmanager, suppress
from functools import cache, wraps
from typing import Any

import sqlalchemy as sa
from flask import Flask, g, has_request_context, request
from sqlalchemy import event
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Engine
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value

from quizapp.extensions import db

# Per connection (measured, with their trade-offs, in the README's Performance section): no memory
# map of the file (it cost the review page 1.2-1.6 ms more CPU while another process wrote); up to
# 8 MiB of pages in SQLite's own cache (2 MiB by default); sorts and groupings in memory, not temp files.
SPEED_PRAGMAS = {"mmap_size": 0, "cache_size": -8 * 1024, "temp_store": "MEMORY"}


def _on_sqlite_connect(dbapi_connection, _record) -> None:
    # Take transaction control away from the driver (it would open a plain, lazy BEGIN),
    # then set the PRAGMAs every connection needs.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    for pragma in ("journal_mode=WAL", "foreign_keys=ON", "busy_timeout=5000", "synchronous=NORMAL"):
        cursor.execute(f"PRAGMA {pragma}")
    for name, value in SPEED_PRAGMAS.items():
        cursor.execute(f"PRAGMA {name}={value}")
    try:  # SQLite's math functions are a compile-time option; the forgetting curve needs power()
        cursor.execute("SELECT power(2.0, 0.5)")
    except sqlite3.OperationalError:
        dbapi_connection.create_function("power", 2, math.pow, deterministic=True)
    cursor.close()


READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _on_sqlite_begin(conn) -> None:
    # Writers queue on the busy timeout instead of failing with "database is locked"
    # when two of them upgrade a shared lock at once (RECIPES.md). Pages fetched with
    # GET never write (state changes only by POST), so they read from a WAL snapshot
    # without taking the write lock and never wait for a writer.
    # A view that reads first (reads_first) takes the lock only in its `writing()` block.
    # The driver's own connection: the statement needs none of SQLAlchemy's execution machinery.
    reading = has_request_context() and (request.method in READ_ONLY_METHODS or g.get("reading_only"))
    driver = conn.connection.driver_connection
    if reading and not g.get("writing"):
        driver.execute("BEGIN")
        return
    queue = _QUEUES.get(conn.engine) if has_request_context() else None
    if queue is not None:
        queue.join(conn.connection.dbapi_connection)
    driver.execute("BEGIN IMMEDIATE")


class WriteQueue:
    """The line of a SQLite database's writers, kept by the kernel rather than by SQLite.

    A writer that finds SQLite's write lock taken is put to sleep by SQLite's busy handler for 1, 2,
    5, 10, 15, 20, 25 ms and on, and tries again only when that sleep ends: a write that holds the
    lock for a millisecond can keep another worker idle for several, and one unlucky writer can lose
    the race again and again (the p99 of ratings under load). So before BEGIN IMMEDIATE a request's
    write takes an exclusive flock on `<database>-writers`; the kernel hands it to the next waiting
    process the moment it is released, and SQLite's lock is then free (the holder has committed).
    Threads of one process queue on a threading.Lock first (a flock is per open file, and each
    process opens the file once). Released when the holding connection goes back to the pool
    (after its commit or rollback), or at the end of the request whatever happened. Writers
    outside requests (the CLI, migrations) do not join: they meet the queue's holder at SQLite's
    lock, as before, within the busy timeout."""

    def __init__(self, database: str):
        self.path = f"{database}-writers"
        self._threads = threading.Lock()
        self._owner: int | None = None  # the holding thread in this process
        self._holder = None  # the DBAPI connection whose transaction holds it
        self._file: tuple[int, int] | None = None  # (pid, fd): each process opens its own

    def _fd(self) -> int:
        pid = os.getpid()
        if self._file is None or self._file[0] != pid:  # a forked worker opens the file anew
            self._owner = self._holder = None
            self._threads = threading.Lock()
            self._file = (pid, os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600))
        return self._file[1]

    def join(self, dbapi_connection) -> None:
        """Wait for this connection's turn to write (at once when this thread is already in it)."""
        fd = self._fd()
        if self._owner == threading.get_ident():
            return
        self._threads.acquire()
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
        except BaseException:
            self._threads.release()
            raise
        self._owner, self._holder = threading.get_ident(), dbapi_connection

    def leave(self, dbapi_connection=None) -> None:
        """Give the turn to the next writer: when `dbapi_connection` (or, with None, this thread)
        holds it."""
        mine = self._owner == threading.get_ident() if dbapi_connection is None else dbapi_connection is self._holder
        if self._holder is None or not mine:
            return
        self._owner = self._holder = None
        fcntl.flock(self._file[1], fcntl.LOCK_UN)
        self._threads.release()


_QUEUES: "weakref.WeakKeyDictionary[Engine, WriteQueue]" = weakref.WeakKeyDictionary()


@contextmanager
def reading_first():
    """Do a POST's reads in a transaction of their own that takes no write lock, then end it.

    A POST that reads much before a short write (planning a quiz) would otherwise hold
    SQLite's write lock for all of it, and queue every other worker's writes behind it;
    this way workers plan side by side and queue only for the write that follows. The reads
    are a consistent snapshot, as any GET's; what was planned is written in a new transaction.
    """
    db.session.commit()  # end the transaction the request began (nothing written yet)
    g.reading_only = True
    try:
        yield
    finally:
        db.session.commit()
        g.reading_only = False


PLAN_CACHE_MODES = ("force_generic_plan", "auto", "force_custom_plan")  # PostgreSQL's plan_cache_mode


def engine_options(config) -> dict:
    """SQLALCHEMY_ENGINE_OPTIONS for the configured database: on PostgreSQL a pool of
    DATABASE_POOL_SIZE connections (+ DATABASE_MAX_OVERFLOW) per worker, each pinged as it is taken
    from the pool after DATABASE_PING_AFTER_IDLE seconds unused (a server restart or an idle timeout
    drops connections; see `_ping_if_idle`), and psycopg's server-side
    prepared statements after DATABASE_PREPARE_THRESHOLD runs ("none": never), each planned once for
    any parameters unless DATABASE_PLAN_CACHE_MODE says otherwise. SQLite's connections
    are open files in the worker itself, which nothing can drop: no ping (it was a statement on every
    request)."""
    options = dict(config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    if sa.engine.make_url(config["SQLALCHEMY_DATABASE_URI"]).get_backend_name() != "postgresql":
        return options
    threshold = str(config["DATABASE_PREPARE_THRESHOLD"]).strip().lower()
    plans = str(config["DATABASE_PLAN_CACHE_MODE"]).strip().lower()
    if plans not in PLAN_CACHE_MODES:
        raise ValueError(f"DATABASE_PLAN_CACHE_MODE must be one of {', '.join(PLAN_CACHE_MODES)}, not {plans!r}")
    options.setdefault("pool_pre_ping", ping_after_idle(config) == 0)  # else _ping_if_idle
    options |= {"pool_size": int(config["DATABASE_POOL_SIZE"]), "max_overflow": int(config["DATABASE_MAX_OVERFLOW"])}
    options["connect_args"] = options.get("connect_args", {}) | {
        "prepare_threshold": None if threshold in ("", "none") else int(threshold),
        "options": f"-c plan_cache_mode={plans}",
    }
    return options


def ping_after_idle(config) -> float:
    """DATABASE_PING_AFTER_IDLE in seconds; a bad value is refused at start-up."""
    try:
        seconds = float(config.get("DATABASE_PING_AFTER_IDLE", 0))
    except (TypeError, ValueError):
        seconds = -1.0
    if not 0 <= seconds < math.inf:
        raise ValueError(f"DATABASE_PING_AFTER_IDLE must be a number of seconds, 0 or more, not {seconds!r}")
    return seconds


def _ping_if_idle(engine: Engine, idle: float) -> None:
    """Ping a pooled connection before use only when it has been idle `idle` seconds or more:
    SQLAlchemy's pool_pre_ping pings at every use, a round trip on every request. A connection
    the server dropped since its last use fails its ping, and the pool replaces it (SQLAlchemy's
    DisconnectionError at checkout); one it dropped within the last `idle` seconds (the server
    restarted under traffic) fails its request's first statement instead, and SQLAlchemy then
    replaces every connection of the pool."""

    @event.listens_for(engine, "connect")
    @event.listens_for(engine, "checkin")
    def note_use(_dbapi_connection, record) -> None:  # a new connection is as good as a used one
        record.info[_LAST_USED] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def ping(dbapi_connection, record, _proxy) -> None:
        since = record.info.get(_LAST_USED)
        if since is not None and time.monotonic() - since < idle:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as error:
            raise sa.exc.DisconnectionError(f"the pooled connection failed its ping: {error}") from error


_LAST_USED = "quizapp last used at"


def reads_first(view: Callable) -> Callable:
    """Mark a POST view that reads and computes before a short write: until its `writing()` block,
    its statements (the signed-in user's included) read a snapshot and take no write lock."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        g.reading_only = True
        try:
            return view(*args, **kwargs)
        finally:  # g can outlive the request (an app context pushed around it, as in tests)
            g.reading_only = False

    return wrapper


@contextmanager
def writing():
    """The write of a request, in a transaction of its own, committed at the end of the block.

    What was read before is committed away (nothing was written), so on SQLite the block's first
    statement takes the write lock (BEGIN IMMEDIATE) and every row read in the block is read under
    it: re-read there whatever a concurrent writer may change (a card's memory, a showing's use).
    After the block the view reads from a snapshot again (what it renders takes no lock); if the
    block raises, nothing is committed and the caller rolls back."""
    db.session.commit()
    g.writing = True
    try:
        yield
        db.session.commit()
    finally:
        g.writing = False


@contextmanager
def planned_for_values():
    """On PostgreSQL, the block's statements are planned for the values they run with: the plan for any
    values that DATABASE_PLAN_CACHE_MODE keeps by default (it spares the hot pages their planning) can
    be far from the best for one teacher's scope. Item analysis's statement of versions took 32-35 ms
    under it on the bench dataset, against 3.7-4.8 ms planned for its values. One statement sets the mode
    and reads the one it replaces, one more puts that back (a SELECT each: a reading request stays
    outside a transaction). If the block fails inside a transaction, its rollback puts it back."""
    if db.engine.dialect.name != "postgresql":
        yield
        return
    connection = db.session.connection()
    before = connection.exec_driver_sql(_SET_PLANS, {"mode": "force_custom_plan"}).scalar()
    try:
        yield
    finally:
        with suppress(sa.exc.DBAPIError):  # the transaction failed: rolling it back restores the mode
            connection.exec_driver_sql(_SET_PLANS, {"mode": before})


_SET_PLANS = "SELECT current_setting('plan_cache_mode'), set_config('plan_cache_mode', %(mode)s, false)"


def configure_engine(app: Flask) -> None:
    """Register the SQLite listeners on this app's engine, and for a database file its writers'
    queue; on PostgreSQL, read outside a transaction until a request writes, end read-only requests
    so that prepared statements are kept, and ping a pooled connection only after it sat idle."""
    with app.app_context():
        engine: Engine = db.engine
    if engine.dialect.name == "postgresql":
        app.teardown_request(_end_reading)
        event.listen(engine, "begin", _on_postgresql_begin)
        for name in ("commit", "rollback"):
            event.listen(engine, name, _on_postgresql_end)
        event.listen(engine, "before_cursor_execute", _before_postgresql_statement)
        idle = ping_after_idle(app.config)
        if idle > 0 and not engine.pool._pre_ping:
            _ping_if_idle(engine, idle)
        return
    if engine.dialect.name != "sqlite":
        return
    event.listen(engine, "connect", _on_sqlite_connect)
    event.listen(engine, "begin", _on_sqlite_begin)
    database = engine.url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    queue = _QUEUES[engine] = WriteQueue(os.path.abspath(database))
    for name in ("checkin", "close", "detach", "invalidate"):
        event.listen(engine, name, lambda dbapi_connection, *_: queue.leave(dbapi_connection))

    @app.teardown_request
    def leave_write_queue(_error=None) -> None:
        queue.leave()  # whatever became of the connection, the request is over


def _on_postgresql_begin(conn) -> None:
    """Run a reading request's statements (a GET, or a POST before its `writing()` block) without
    BEGIN and COMMIT: two round trips fewer on every page. Under PostgreSQL's READ COMMITTED each
    statement reads its own snapshot inside a transaction too, so what a page reads is the same;
    what must be read and written together is in a `writing()` block, which begins a transaction."""
    reading = has_request_context() and (request.method in READ_ONLY_METHODS or g.get("reading_only"))
    if reading and not g.get("writing"):
        driver = conn.connection.driver_connection
        if not driver.autocommit and driver.info.transaction_status == driver.info.transaction_status.IDLE:
            driver.autocommit = conn.info[_READING] = True


def _before_postgresql_statement(conn, cursor, statement: str, *_) -> None:
    """A reading request that writes after all (or locks a row to) begins a transaction there, so
    that what it writes is committed, or rolled back, together."""
    if conn.info.get(_READING) and (not statement.startswith("SELECT") or any(lock in statement for lock in _LOCKS)):
        del conn.info[_READING]
        cursor.connection.autocommit = False


def _on_postgresql_end(conn) -> None:
    """Hand the connection on in the driver's own mode, in which a statement begins a transaction."""
    if conn.invalidated:
        return  # a lost connection: the pool makes a new one
    if conn.info.pop(_READING, False):
        conn.connection.driver_connection.autocommit = False


_LOCKS = (" FOR UPDATE", " FOR NO KEY UPDATE", " FOR SHARE", " FOR KEY SHARE")  # PostgreSQL's row locks
_READING = "quizapp reads outside a transaction"  # in a connection's info: _on_postgresql_begin set autocommit


def _end_reading(error: BaseException | None = None) -> None:
    """End a read-only request's transaction with COMMIT rather than the ROLLBACK that closing the
    session would send. psycopg forgets every statement it has prepared on a connection when it sees
    a ROLLBACK (an object a rolled-back transaction made could be gone), so with each GET ending in
    one, the hot pages' statements were parsed and planned anew on every request and never reached
    DATABASE_PREPARE_THRESHOLD's second run. A GET writes nothing (state changes by POST, and the
    writes a page makes, such as a review showing, commit in `writing()`), so COMMIT ends it the same
    way. Left alone: a request that failed, or one whose session holds unflushed changes."""
    if error is not None or not has_request_context() or request.method not in READ_ONLY_METHODS:
        return
    session = db.session()
    if session.in_transaction() and not (session.new or session.dirty or session.deleted):
        session.commit()


def refresh_statistics() -> None:
    """ANALYZE: give the query planner the tables' sizes. SQLite keeps none until asked, and
    without them it can walk a 100,000-item bank by a barely selective index; run after bulk
    changes (`flask bank load`, `flask demo seed|bulk` do) and from time to time (`flask db analyze`).

    PostgreSQL gets VACUUM (ANALYZE): it also marks the pages of freshly loaded rows all-visible,
    without which an index-only scan still visits the table for every row (item analysis on the
    bench dataset read 54,700 pages in 410-576 ms before, 1,500 in 57-100 ms after)."""
    if db.engine.dialect.name != "postgresql":
        db.session.execute(sa.text("ANALYZE"))
        db.session.commit()
        return
    db.session.commit()
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql("VACUUM (ANALYZE)")  # not allowed inside a transaction


_KEPT: dict[tuple, sa.Executable] = {}


def read_once() -> dict | None:
    """A dict for what a read-only request (GET) reads once and uses in several places, such as
    a learner's settings; None in a request that may write, which must read afresh each time."""
    if not has_request_context() or request.method not in READ_ONLY_METHODS:
        return None
    memo = g.get("read_once")
    if memo is None:
        memo = g.read_once = {}
    return memo


_WITH_USER: dict[str, Callable[[], sa.ScalarSelect]] = {}


def read_with_user(name: str, build: Callable[[], sa.ScalarSelect]) -> None:
    """Have a read-only request (GET) read one more value in the statement that loads the signed-in
    user, for `read_once()[name]`: a value most pages need (the bank's revision) without a
    statement of its own. Register at import, before the first request."""
    _WITH_USER[name] = build


_JOINED_WITH_USER: list[tuple[Callable[[], list], Callable[[sa.Select, Any], sa.Select]]] = []


def join_with_user(columns: Callable[[], list], join: Callable[[sa.Select, Any], sa.Select]) -> None:
    """Have a read-only request (GET) read the signed-in user's row of another table (at most one)
    in the statement that loads the user, for `row_read_with_user`: `columns()` are the columns to
    read, labelled apart from the user's, and `join(statement, user_id)` outer-joins their tables on
    the user's id. For what most signed-in pages need (a learner's review settings), one round trip
    fewer on PostgreSQL. Register at import, before the first request."""
    _JOINED_WITH_USER.append((columns, join))


def user_statement(statement: sa.Select, user_id) -> sa.Select:
    """The statement that loads the signed-in user, with what was registered to read with it."""
    statement = statement.add_columns(*(build().label(name) for name, build in _WITH_USER.items()))
    for columns, join in _JOINED_WITH_USER:
        statement = join(statement.add_columns(*columns()), user_id)
    return statement


def note_read_with_user(row: sa.Row) -> None:
    """Keep the values read with the signed-in user: for `read_once` in a read-only request, and in
    any request for `row_found_with_user`."""
    g.row_with_user = row
    memo = read_once()
    if memo is not None:
        found = row._mapping
        memo.update((name, found[name]) for name in _WITH_USER if name in found)
        memo[_USER_ROW] = row


def row_found_with_user(user_id: int) -> sa.Row | None:
    """In any request, the row that loaded the signed-in user (with the columns `join_with_user`
    registered) as the request found it, if `user_id` is that user; else None. For a write that uses
    what the row holds without changing it; a write that changes those rows must read them itself."""
    row = g.get("row_with_user") if has_request_context() else None
    return row if row is not None and row.id == user_id else None


_USER_ROW = object()


def row_read_with_user(user_id: int) -> sa.Row | None:
    """In a read-only request, the row that loaded the signed-in user with the columns registered
    by `join_with_user`, if `user_id` is that user; else None (read them yourself)."""
    memo = read_once()
    row = None if memo is None else memo.get(_USER_ROW)
    return row if row is not None and row.id == user_id else None


def rows(statement: sa.Executable, params=None) -> "sa.Result | _Rows":
    """Run a statement that selects columns, not entities, on the session's connection: the same
    transaction and the same flushed state as `db.session.execute`, without the ORM's per-call work
    of making a result that could hold entities (about 25 µs of a hot page's statement on SQLite).
    A kept statement runs as compiled once (see `_Driven`)."""
    session = db.session()  # the request's session itself, looked up once
    session.flush()  # what the session's autoflush would do before a query
    connection = session.connection()
    driven = _DRIVEN.get(id(statement), _NOT_DRIVEN)
    if driven is _UNCOMPILED:
        driven = _DRIVEN[id(statement)] = _Driven.of(statement, connection.dialect)
    if driven is _NOT_DRIVEN:
        return connection.execute(statement, params)
    return driven.run(connection, params or {})


def value(statement: sa.Executable, params=None):
    """The first column of the first row of a column statement (see `rows`), or None."""
    return rows(statement, params).scalar()


def kept(key: tuple, build) -> sa.Executable:
    """`build()`, made once per process and dialect and reused: a statement written with bind
    parameters for everything that varies (learner, moment, ...). Building a select with its joins
    and subqueries costs several times running it on a hot page; SQLAlchemy then finds its compiled
    form by the statement's cache key, which a kept statement has already computed."""
    key = (db.engine.dialect.name, *key)
    statement = _KEPT.get(key)
    if statement is None:
        statement = _KEPT[key] = keep(build())
    return statement


def columns_of(model, prefix: str = "", source=None) -> list:
    """A model's columns to select as columns, each labelled `prefix` + its attribute's name; from
    `source`, an alias of the model, when given."""
    source = model if source is None else source
    return [getattr(source, name).label(label) for name, label in _labelled(model, prefix)[1]]


def values_of(model, row, prefix: str = "") -> dict | None:
    """The model's attribute values in a row of `columns_of(model, prefix)`, or None when its key
    column is NULL (an outer join found no such row)."""
    found = row._mapping
    key, labels = _labelled(model, prefix)
    if found[key] is None:
        return None
    return {name: found[label] for name, label in labels}


def unsaved(model, row, prefix: str = ""):
    """A model object, not in the session, from its columns in `row` (None when the row has none):
    what a page that only reads needs, without the ORM's loading (about 40 µs a statement)."""
    values = values_of(model, row, prefix)
    return None if values is None else model(**values)


def as_loaded(model, row, prefix: str = "", *, populate_existing: bool = False):
    """The session's object of the model from its columns in `row` (None when the row has none), as a
    query's loading would make it: persistent and unchanged, so it can be changed, refreshed and
    flushed like one, in half the ORM's time. The session's own copy when it holds one already, with
    the row's values written over its own if `populate_existing` (as the ORM's option of that name)."""
    values = values_of(model, row, prefix)
    if values is None:
        return None
    session = db.session()
    mapper = sa.inspect(model)
    found = session.identity_map.get(mapper.identity_key_from_primary_key([values[mapper.primary_key[0].key]]))
    if found is not None:
        if populate_existing:
            for name, value in values.items():
                set_committed_value(found, name, value)
        return found
    instance = mapper.class_manager.new_instance()
    instance.__dict__.update(values)  # as the ORM's loading sets them
    make_transient_to_detached(instance)
    session.add(instance)
    return instance


@cache
def _labelled(model, prefix: str) -> tuple[str, tuple[tuple[str, str], ...]]:
    """The label of the model's key column, and each column attribute's name with its label."""
    mapper = sa.inspect(model)
    names = [attribute.key for attribute in mapper.column_attrs]
    return f"{prefix}{mapper.primary_key[0].key}", tuple((name, f"{prefix}{name}") for name in names)


def bound_columns(model, names, prefix: str = "") -> dict:
    """The columns `names` of a model's table, each bound as the parameter `prefix` + its name with the
    column's type: the values of a kept INSERT or UPDATE (`keep`)."""
    columns = model.__table__.c
    return {name: sa.bindparam(f"{prefix}{name}", type_=columns[name].type) for name in names}


def like_prefix(path: str) -> str:
    """A LIKE pattern (escape character "/") for the values that start with `path`."""
    return path.replace("/", "//").replace("%", "/%").replace("_", "/_") + "%"


def listed(dialect: str, name: str, type_) -> sa.Select:
    """The values of a list bound as one parameter (JSON text on SQLite, an array on PostgreSQL), as
    a subquery: unlike an expanding IN list, whose SQL is rewritten for each length on every run, the
    statement stays as compiled (and a kept one runs as `_Driven`)."""
    if dialect == "postgresql":
        return sa.select(sa.func.unnest(sa.bindparam(name, type_=postgresql.ARRAY(type_))))
    return sa.select(sa.column("value", type_)).select_from(sa.func.json_each(sa.bindparam(name, type_=sa.String)))


def list_value(dialect: str, values) -> list | str:
    """A list's one parameter as `listed` reads it."""
    values = sorted(values)
    return values if dialect == "postgresql" else json.dumps(values)


def keep(statement: sa.Executable) -> sa.Executable:
    """Mark a statement that lives as long as the process, so that `rows` may run it as compiled
    once (see `_Driven`) rather than have SQLAlchemy look its compiled form up on every run. The
    statement is held here too: its id, the key of its compiled form, can never be another's."""
    _HELD[id(statement)] = statement
    _DRIVEN.setdefault(id(statement), _UNCOMPILED)
    return statement


class _Row(tuple):
    """A row of a driven statement: a tuple whose columns are also attributes (each statement has
    its own subclass, made by `_row_class`), like SQLAlchemy's Row."""

    __slots__ = ()
    _fields: tuple[str, ...] = ()

    @property
    def _mapping(self) -> dict:
        return dict(zip(self._fields, self, strict=True))

    def _asdict(self) -> dict:
        return self._mapping


def _row_class(keys: list[str]) -> type[_Row]:
    attributes = {"__slots__": (), "_fields": tuple(keys)}
    for index, key in enumerate(keys):
        if key.isidentifier() and not key.startswith("_"):
            attributes[key] = property(operator.itemgetter(index))
    return type("Row", (_Row,), attributes)


class _Rows(list):
    """A driven statement's rows with the part of SQLAlchemy's Result that the app uses."""

    __slots__ = ()

    def all(self) -> list:
        return list(self)

    def first(self):
        return self[0] if self else None

    def one(self):
        if len(self) != 1:
            raise sa.exc.NoResultFound("No row was found") if not self else sa.exc.MultipleResultsFound()
        return self[0]

    def one_or_none(self):
        if len(self) > 1:
            raise sa.exc.MultipleResultsFound()
        return self[0] if self else None

    def scalar(self):
        return self[0][0] if self else None

    def scalars(self) -> "_Rows":
        return _Rows(row[0] for row in self)


class _Done:
    """What a driven INSERT, UPDATE or DELETE tells: how many rows it touched."""

    __slots__ = ("rowcount",)

    def __init__(self, rowcount: int):
        self.rowcount = rowcount


class _Driven:
    """A kept statement compiled once: its SQL, its parameters with their type conversions and, for
    a SELECT, its columns' conversions. On SQLite a SELECT, INSERT, UPDATE or DELETE runs on the
    session's own driver connection (in its transaction): a few µs of Python instead of
    SQLAlchemy's 18 µs of cache lookup, execution context and result set-up, with values converted
    by SQLAlchemy's own processors, so the rows are the same (tests compare them). On PostgreSQL an
    INSERT, UPDATE or DELETE runs as the compiled SQL: the dialects' INSERT ... ON CONFLICT cannot
    be cached by SQLAlchemy, which compiled it anew on every rating. Listeners on the engine (the
    tests' statement counts) still see every statement."""

    __slots__ = ("sql", "names", "fixed", "converters", "row", "results", "mode", "named")

    def __init__(self, sql: str, names: tuple, fixed: dict, converters: tuple, row, results: tuple, mode: str):
        self.sql, self.names, self.fixed, self.converters = sql, names, fixed, converters
        self.row, self.results, self.mode = row, results, mode
        self.named = mode == "named select"  # psycopg's %(name)s parameters, passed as a dict

    @classmethod
    def of(cls, statement, dialect) -> "_Driven":
        select = getattr(statement, "is_select", False)
        dml = getattr(statement, "is_dml", False) and not getattr(statement, "_returning", ())
        if not (dml or select) or dialect.name not in ("sqlite", "postgresql"):
            return _NOT_DRIVEN
        if dml and not isinstance(statement, sa.Delete) and not statement._values:
            return _NOT_DRIVEN  # its columns are those of each run's parameters
        compiled = statement.compile(dialect=dialect)
        if compiled.literal_execute_params or compiled.post_compile_params or compiled.escaped_bind_names:
            return _NOT_DRIVEN  # parameters expanded or renamed per run: left to SQLAlchemy
        if dml and (compiled.insert_prefetch or compiled.update_prefetch):
            return _NOT_DRIVEN  # Python-side defaults, computed per run by SQLAlchemy
        binds = {name: bind for bind, name in compiled.bind_names.items()}
        fixed = {name: bind.effective_value for name, bind in binds.items() if not bind.required}
        processors = compiled._bind_processors
        names = tuple(compiled.positiontup) if compiled.positional else tuple(binds)
        converters = tuple(processors.get(name) for name in names)
        if not select:
            return cls(compiled.string, names, fixed, converters, None, (), f"{dialect.name} dml")
        columns = compiled._result_columns
        row = _row_class([column.keyname for column in columns])
        if not compiled.positional:  # psycopg: a column's conversion depends on the type the server sends
            return cls(compiled.string, names, fixed, converters, row, (dialect, columns), "named select")
        results = [(i, column.type._cached_result_processor(dialect, None)) for i, column in enumerate(columns)]
        return cls(compiled.string, names, fixed, converters, row, tuple((i, p) for i, p in results if p), "select")

    def _values(self, params: dict) -> list:
        fixed = self.fixed
        values = [params[name] if name in params else fixed[name] for name in self.names]
        return [v if c is None else c(v) for v, c in zip(values, self.converters, strict=True)]

    def run(self, connection: sa.Connection, params: dict):
        if self.mode == "postgresql dml":
            values = dict(zip(self.names, self._values(params), strict=True))
            return connection.exec_driver_sql(self.sql, values, execution_options=_COUNTED)
        args = self._values(params)
        args = dict(zip(self.names, args, strict=True)) if self.named else tuple(args)
        cursor = connection.connection.driver_connection.cursor()
        dispatch = connection.dispatch
        try:
            if dispatch.before_cursor_execute or dispatch.after_cursor_execute:  # someone listens (a test counting)
                for listener in dispatch.before_cursor_execute:
                    listener(connection, cursor, self.sql, args, None, False)
                cursor.execute(self.sql, args)
                for listener in dispatch.after_cursor_execute:
                    listener(connection, cursor, self.sql, args, None, False)
            else:
                cursor.execute(self.sql, args)
        except connection.dialect.loaded_dbapi.Error as error:
            # As SQLAlchemy's own execute would: its exception classes, and a dropped connection
            # invalidated rather than handed back to the pool.
            connection._handle_dbapi_exception(error, self.sql, args, cursor, None)
        if self.mode == "sqlite dml":
            done = _Done(cursor.rowcount)
            cursor.close()
            return done
        found = cursor.fetchall()
        if self.mode == "named select":
            dialect, columns = self.results
            described = zip(columns, cursor.description, strict=True)
            processors = [column.type._cached_result_processor(dialect, sent.type_code) for column, sent in described]
            self.results, self.mode = tuple((i, p) for i, p in enumerate(processors) if p), "select"
        cursor.close()
        make, results = self.row, self.results
        if not results:
            return _Rows(map(make, found))
        rows = _Rows()
        for raw in found:
            converted = list(raw)
            for index, process in results:
                converted[index] = process(converted[index])
            rows.append(make(converted))
        return rows


_HELD: dict[int, sa.Executable] = {}  # every kept statement, by id
_COUNTED = {"preserve_rowcount": True}  # SQL run as text keeps its rowcount only when asked
_UNCOMPILED, _NOT_DRIVEN = object(), object()
# id(kept statement) -> its _Driven form, _UNCOMPILED until its first run, _NOT_DRIVEN when it has none.
_DRIVEN: dict[int, object] = {}
