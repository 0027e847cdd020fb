"""Bounded numbers and dates from requests: no parameter, however odd, reaches the database or
date arithmetic unchecked.

Ids are the database's INTEGER columns (32-bit signed on PostgreSQL, which raises on anything
larger), so every id from a URL, a query string or a form stays within MAX_ID; page numbers are
clamped; dates stay within years that the app's date arithmetic and every time zone can handle.
"""

from datetime import date, datetime

from flask import abort, request
from werkzeug.routing import IntegerConverter
from wtforms.validators import NumberRange, ValidationError

MAX_ID = 2**31 - 1  # PostgreSQL INTEGER
MAX_PAGE = 100_000  # far past the last page of any list here; keeps OFFSET small
FIRST_YEAR, LAST_YEAR = 2000, 2100  # dates a teacher may pick: far from date.min/date.max in every zone
ID_RANGE = NumberRange(1, MAX_ID, "That is not an item of this site.")  # for forms' id fields


def bounded_int(raw: str | None, low: int = 1, high: int = MAX_ID) -> int | None:
    """`raw` as a plain decimal integer in [low, high] (an id, by default), else None."""
    if not raw or not (raw.isascii() and raw.isdigit()) or len(raw) > len(str(high)):
        return None
    value = int(raw)
    return value if low <= value <= high else None


def int_arg(name: str, default: int | None = None, low: int = 1, high: int = MAX_ID) -> int | None:
    """The query-string value `name` as a plain decimal integer in [low, high], else `default`."""
    value = bounded_int(request.args.get(name), low, high)
    return default if value is None else value


def page_arg(name: str = "page") -> int:
    """A page number for db.paginate: 1 when missing or not a number, clamped to MAX_PAGE."""
    raw = request.args.get(name, "")
    if not (raw.isascii() and raw.isdigit()):
        return 1
    return max(1, min(int(raw) if len(raw) <= len(str(MAX_PAGE)) else MAX_PAGE, MAX_PAGE))


def date_arg(name: str, default: date) -> date:
    """The query-string date `name` (YYYY-MM-DD) or `default`; a malformed or far-off date is a 400."""
    raw = request.args.get(name, "")
    if not raw:
        return default
    try:
        day = date.fromisoformat(raw) if len(raw) <= 10 else None
    except ValueError:
        day = None
    if day is None or not FIRST_YEAR <= day.year <= LAST_YEAR:
        abort(400, f"Give the date as YYYY-MM-DD, between {FIRST_YEAR} and {LAST_YEAR}.")
    return day


def sane_date(form, field) -> None:
    """A WTForms validator: a date or time within FIRST_YEAR-LAST_YEAR (time zones cannot overflow it)."""
    if isinstance(field.data, date | datetime) and not FIRST_YEAR <= field.data.year <= LAST_YEAR:
        raise ValidationError(f"Choose a date between {FIRST_YEAR} and {LAST_YEAR}.")


def refuse_nul() -> None:
    """Before each request: a NUL character in a query string or form is never meant (PostgreSQL
    refuses it in text, so it would otherwise surface as a 500 deep in a query)."""
    if request.method != "POST" and not request.query_string:
        return  # nothing to look at (the common page view): not even an empty dict to build
    for values in [request.args, *([request.form] if request.method == "POST" else [])]:
        if any("\x00" in key or "\x00" in value for key, value in values.items(multi=True)):
            abort(400, "The request held a NUL character.")


class IdConverter(IntegerConverter):
    """`<int:...>` in routes: ids and positions beyond MAX_ID are a 404, not a database error."""

    def __init__(self, map, fixed_digits: int = 0, min: int | None = None, max: int | None = MAX_ID, signed=False):
        super().__init__(map, fixed_digits, min, max, signed)
