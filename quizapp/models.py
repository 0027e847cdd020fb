"""The declarative base and the column types every feature shares."""

from datetime import UTC, datetime

import sqlalchemy as sa
from flask import current_app, has_request_context, request
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


TEST_CLOCK_HEADER = "X-Test-Now"


def utcnow() -> datetime:
    """The current time, timezone-aware UTC: the one clock views read.

    Browser tests may move it: a request's X-Test-Now header (an ISO time) is honoured only by an
    app made with TESTING and TEST_CLOCK both set, and never under the production configuration."""
    return _test_clock() or datetime.now(UTC)


def _test_clock() -> datetime | None:
    if not has_request_context():
        return None
    config = current_app.config
    if not (config.get("TESTING") and config.get("TEST_CLOCK")) or config.get("ENVIRONMENT") == "production":
        return None
    try:
        moment = datetime.fromisoformat(request.headers.get(TEST_CLOCK_HEADER, ""))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class UTCDateTime(TypeDecorator):
    """A timestamp stored as UTC and always read back timezone-aware.

    SQLite hands back naive datetimes even for DateTime(timezone=True); py-fsrs and
    comparisons with utcnow() need aware ones, so every time column uses this type.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTCDateTime column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    """Base of every model; constraint names are fixed so migrations are stable."""

    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)
