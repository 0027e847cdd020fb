"""Memory arithmetic shared by the dashboards, in SQL where it can be.

In FSRS, predicted recall is at least 0.9 exactly when the time since the last review is at
most the card's stability (whatever the learner's own parameters: stability is defined as the
interval at which recall falls to 90%), so "mastered" is a comparison SQL can count without powers.
"""

import sqlalchemy as sa
from fsrs.scheduler import DEFAULT_PARAMETERS

from quizapp.extensions import db
from quizapp.review.models import Card

DECAY = -DEFAULT_PARAMETERS[20]
FACTOR = 0.9 ** (1 / DECAY) - 1


def days_since(column, now):
    """Days between a timestamp column and `now` (a datetime, or a bind parameter of a kept
    statement), on both databases."""
    moment = now if isinstance(now, sa.BindParameter) else sa.literal(now, type_=sa.DateTime(timezone=True))
    if db.engine.dialect.name == "postgresql":
        return sa.extract("epoch", moment - column) / 86400.0
    return sa.func.julianday(sa.func.datetime(moment)) - sa.func.julianday(column)


def whole_days_since(column, moment):
    """SQL: the whole days from a timestamp column to `moment` (a bind parameter), at least 0, as py-fsrs
    counts them (`timedelta.days`) to the microsecond: on SQLite a day count from julianday() is
    corrected by comparing the stored text moved by whole days, which keeps its microseconds."""
    if db.engine.dialect.name == "postgresql":
        days = sa.cast(sa.func.floor(sa.extract("epoch", moment - column) / 86400), sa.Integer)
        return sa.func.greatest(days, 0)

    def moved(days):
        return sa.func.date(column, sa.func.printf("%+d days", days)).op("||")(sa.func.substr(column, 11))

    near = sa.cast(sa.func.julianday(moment) - sa.func.julianday(column), sa.Integer)
    days = near - sa.case((moved(near) > moment, 1), else_=0) + sa.case((moved(near + 1) <= moment, 1), else_=0)
    return sa.func.max(days, 0)


REVIEW_STATE = 2  # py-fsrs State.Review: learnt, not (re)learning
MASTERY_RECALL, MASTERY_DAYS = 0.9, 7
MASTERY_MEANING = (
    "Mastered: the item is learnt (not being learnt, nor relearnt after a slip) and would still be "
    f"recalled with at least {MASTERY_RECALL:.0%} probability {MASTERY_DAYS} days from now."
)


def mastered(now):
    """SQL, the one definition of mastery: the card is in the review state (not learning, not relearning
    after a lapse) and its predicted recall stays at or above 90% for 7 more days. A card failed a
    minute ago is relearning, so it is never mastered."""
    return sa.and_(
        Card.state == REVIEW_STATE,
        Card.stability.is_not(None),
        days_since(Card.last_review, now) + MASTERY_DAYS <= Card.stability,
    )


def recall(stability: float | None, days: float) -> float:
    """FSRS's forgetting curve: the probability of recall `days` after the last review
    (0.9 exactly when `days` equals the stability)."""
    if not stability:
        return 0.0
    return (1 + FACTOR * max(days, 0.0) / stability) ** DECAY


def recall_sql(stability, days):
    """SQL: `recall` of a card's stability after `days` (0 for a card without stability)."""
    elapsed = sa.case((days > 0, days), else_=0.0)
    return sa.case(
        (stability > 0, sa.func.power(1 + FACTOR * elapsed / stability, DECAY)),
        else_=0.0,
    )
