"""Fitting a learner's own FSRS parameters with fsrs-rs-python, Anki's Rust engine.

Chosen over py-fsrs's optimiser because that one needs torch (several hundred MB for a web
app); the Rust engine fits in well under a second and needs nothing else. Its panics derive
from BaseException, so they are caught here and never reach a request.
"""

from collections import defaultdict
from dataclasses import dataclass

import sqlalchemy as sa
from fsrs import Scheduler

from quizapp.extensions import db
from quizapp.review.models import ReviewLog

MIN_REVIEWS = 512


class NotEnoughHistory(ValueError):
    pass


@dataclass(frozen=True)
class Fit:
    parameters: list[float]
    reviews: int
    log_loss_before: float
    log_loss_after: float


def training_items(histories: list[list[tuple]]):
    """FSRS items from card histories [(reviewed_at, rating), ...]: one item per prefix whose last
    review came at least a day after the one before (the Rust side panics on anything else)."""
    from fsrs_rs_python import FSRSItem, FSRSReview

    items = []
    for history in histories:
        reviews, previous = [], None
        for reviewed_at, rating in history:
            delta = 0 if previous is None else (reviewed_at.date() - previous.date()).days
            reviews.append(FSRSReview(rating, delta))
            previous = reviewed_at
            if len(reviews) >= 2 and delta > 0:
                items.append(FSRSItem(list(reviews)))
    return items


def histories_of(user_id: int) -> list[list[tuple]]:
    rows = db.session.execute(
        sa.select(ReviewLog.card_id, ReviewLog.reviewed_at, ReviewLog.rating)
        .where(ReviewLog.user_id == user_id, ReviewLog.undone_at.is_(None))
        .order_by(ReviewLog.card_id, ReviewLog.reviewed_at, ReviewLog.id)
    )
    by_card: dict[int, list[tuple]] = defaultdict(list)
    for card_id, reviewed_at, rating in rows:
        by_card[card_id].append((reviewed_at, rating))
    return list(by_card.values())


def fit(histories: list[list[tuple]]) -> Fit:
    """Fit parameters to these histories; NotEnoughHistory says plainly why not."""
    from fsrs_rs_python import DEFAULT_PARAMETERS, FSRS

    reviews = sum(len(h) for h in histories)
    if reviews < MIN_REVIEWS:
        raise NotEnoughHistory(
            f"Your schedule can be optimised once you have {MIN_REVIEWS} reviews; you have {reviews} so far."
        )
    items = training_items(histories)
    if not items:
        raise NotEnoughHistory("Your reviews need to be spread over more than one day before they can be fitted.")
    try:
        parameters = [float(p) for p in FSRS(DEFAULT_PARAMETERS).compute_parameters(items)]
        before = FSRS(DEFAULT_PARAMETERS).evaluate(items).log_loss
        after = FSRS(parameters).evaluate(items).log_loss
        Scheduler(parameters=parameters)  # py-fsrs must accept them, or they are of no use here
    except BaseException as error:  # noqa: BLE001  (the Rust engine panics with BaseException)
        if isinstance(error, (KeyboardInterrupt, SystemExit)):
            raise
        raise NotEnoughHistory(
            f"Your history could not be fitted ({type(error).__name__}); the default schedule stays in use."
        ) from None
    return Fit(parameters, reviews, before, after)
