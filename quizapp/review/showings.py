"""Showings of cards in review: a single-use token per showing, one answer and one rating each.

A card shown for study gets a row holding its layout (with opaque answer tokens), bound to the
learner, the question, the version shown and the card's review count. Answering grades against
that stored layout; rating uses the showing up with a conditional UPDATE, so a replayed or
raced token earns no second rating.
"""

import secrets
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm.attributes import set_committed_value

from quizapp import database
from quizapp.bank.models import Question
from quizapp.bank.types import Answer
from quizapp.database import kept
from quizapp.extensions import db
from quizapp.review.models import ReviewShowing

SHOWING_AGE = timedelta(hours=24)  # an older showing is refused (and cleared away)


class ShowingSpent(Exception):
    """The showing was already answered or rated under another submission; the message is for the learner."""


SWEEP_EVERY = 32  # one showing (and one rating) in this many also clears the learner's expired ones away


def _insert():
    return sa.insert(ReviewShowing)


def _sweep():
    return sa.delete(ReviewShowing).where(
        ReviewShowing.user_id == sa.bindparam("user_id", type_=sa.Integer),
        ReviewShowing.created_at < sa.bindparam("expired", type_=sa.DateTime(timezone=True)),
    )


def clear_expired(user_id: int, now: datetime) -> None:
    database.rows(kept(("clear showings",), _sweep), {"user_id": user_id, "expired": now - SHOWING_AGE})


def new_token() -> str:
    return secrets.token_urlsafe(24)


def show(
    user_id: int, question_id: int, version_id: int, reps: int, layout: dict[str, Any], now: datetime, token: str = ""
) -> str:
    """Issue a showing of a card (with `token`, or a new one) and return its token: one INSERT.
    Expired showings are cleared by one showing, and one rating, in SWEEP_EVERY."""
    if secrets.randbelow(SWEEP_EVERY) == 0:
        clear_expired(user_id, now)
    token = token or new_token()
    values = {"token": token, "user_id": user_id, "question_id": question_id, "version_id": version_id, "reps": reps}
    database.rows(kept(("show",), _insert), values | {"layout": layout, "created_at": now})
    return token


def showing_for(user_id: int, token: str | None, question_id: int, now: datetime) -> ReviewShowing | None:
    """The learner's unexpired showing of this question with this token, or None."""
    if not token:
        return None
    values = {"token": token, "user_id": user_id, "question_id": question_id, "since": now - SHOWING_AGE}
    return db.session.scalar(kept(("showing",), _showing), values)


def _unexpired(question_id) -> sa.ColumnElement[bool]:
    """SQL: the showing is the learner's (bound token, user_id and since) of `question_id`, unexpired."""
    return sa.and_(
        ReviewShowing.token == sa.bindparam("token", type_=sa.String),
        ReviewShowing.user_id == sa.bindparam("user_id", type_=sa.Integer),
        ReviewShowing.question_id == question_id,
        ReviewShowing.created_at >= sa.bindparam("since", type_=ReviewShowing.created_at.type),
    )


def _showing():
    return sa.select(ReviewShowing).where(_unexpired(sa.bindparam("question_id", type_=sa.Integer)))


_QUESTION_STATE = ("id", "type", "status", "owner_id")  # what a rating checks of its question


def _question_and_showing():
    """The question's state, and the learner's unexpired showing of it with the token (NULLs if none)."""
    return (
        sa.select(*(getattr(Question, name) for name in _QUESTION_STATE), *database.columns_of(ReviewShowing, "s_"))
        .outerjoin(ReviewShowing, _unexpired(Question.id))
        .where(Question.id == sa.bindparam("question_id", type_=sa.Integer))
    )


def question_and_showing(
    user_id: int, token: str | None, question_id: int, now: datetime
) -> tuple[sa.Row | None, ReviewShowing | None]:
    """What a rating reads before it writes, in one statement: the question's state (its id, type,
    status and owner, as a row; None if there is no such question) and the learner's unexpired
    showing of it with this token (as `showing_for` finds it, in the session; None if none)."""
    values = {"token": token or "", "user_id": user_id, "question_id": question_id, "since": now - SHOWING_AGE}
    row = database.rows(kept(("question and showing",), _question_and_showing), values).first()
    if row is None:
        return None, None
    return row, (database.as_loaded(ReviewShowing, row, "s_") if token else None)


def _claiming(unclaimed, columns: tuple[str, ...]):
    """UPDATE of the showing's `columns` (bound as new_<column>) where `unclaimed` still holds."""
    return (
        sa.update(ReviewShowing)
        .where(ReviewShowing.id == sa.bindparam("showing_id", type_=sa.Integer), unclaimed)
        .values(database.bound_columns(ReviewShowing, columns, "new_"))
    )


_UNCLAIMED = {
    "answer_key": lambda: sa.and_(ReviewShowing.answer_key.is_(None), ReviewShowing.used_at.is_(None)),
    "used_key": lambda: ReviewShowing.used_at.is_(None),
}


def _claim(showing: ReviewShowing, values: dict[str, Any], key: str, key_column: str) -> bool:
    """Write `values` only if the showing is still unclaimed for `key_column` (unanswered, or unused):
    True when this request did; False when the same submission key did before (a replay);
    ShowingSpent when another submission did."""
    statement = kept(("claim", key_column), lambda: _claiming(_UNCLAIMED[key_column](), tuple(values)))
    bound = {f"new_{name}": value for name, value in values.items()}
    claimed = database.rows(statement, bound | {"showing_id": showing.id}).rowcount
    if claimed == 1:
        for name, value in values.items():  # what this request wrote, without reading it back
            set_committed_value(showing, name, value)
        return True
    try:
        db.session.refresh(showing)  # another submission claimed it: whose?
    except sa.exc.InvalidRequestError:  # none: it was cleared away meanwhile (it expired)
        raise ShowingSpent("This card's page is out of date. Here is the next one.") from None
    if getattr(showing, key_column) == key:
        return False
    raise ShowingSpent("This card was already answered or rated from another page. Here is the next one.")


def record_answer(showing: ReviewShowing, answer: Answer, score: float, key: str) -> bool:
    """Store the graded answer once: True for the first submission, False for its replay."""
    return _claim(showing, {"answer": answer, "score": score, "answer_key": key}, key, "answer_key")


def use(showing: ReviewShowing, key: str, now: datetime) -> bool:
    """Use the showing up for one rating: True for the first submission, False for its replay (and,
    one time in SWEEP_EVERY, clear the learner's expired showings away: they are refused anyway)."""
    first = _claim(showing, {"used_at": now, "used_key": key}, key, "used_key")
    if first and secrets.randbelow(SWEEP_EVERY) == 0:
        clear_expired(showing.user_id, now)
    return first
