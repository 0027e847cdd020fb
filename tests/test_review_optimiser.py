"""Personal parameters: fitted to a learner's own history, they predict it better than the defaults."""

import math
from datetime import UTC, datetime, timedelta
from random import Random

import pytest
from fsrs import Card, Rating, Scheduler
from fsrs.scheduler import DEFAULT_PARAMETERS

from quizapp.review import optimiser

START = datetime(2022, 1, 3, 18, 0, tzinfo=UTC)  # every synthetic review lies in the past


def synthetic_histories(cards: int = 400, seed: int = 7) -> list[list[tuple]]:
    """A learner who forgets faster than FSRS's defaults assume: reviews scheduled by the
    default scheduler, recalled with the learner's true (lower) probability."""
    rng = Random(seed)
    true_parameters = list(DEFAULT_PARAMETERS)
    true_parameters[0:4] = [0.1, 0.4, 0.9, 3.0]  # weaker initial memories than the defaults
    learner = Scheduler(parameters=true_parameters, enable_fuzzing=False)
    scheduler = Scheduler(enable_fuzzing=False, learning_steps=(), relearning_steps=())
    histories = []
    for n in range(cards):
        card, when = Card(card_id=n + 1, due=START), START + timedelta(hours=n % 48)
        history = []
        for _ in range(6):
            truth = Card(
                card_id=n + 1,
                state=card.state,
                stability=card.stability,
                difficulty=card.difficulty,
                due=card.due,
                last_review=card.last_review,
            )
            recalled = card.last_review is None or rng.random() < learner.get_card_retrievability(truth, when)
            rating = Rating.Good if recalled else Rating.Again
            card, _ = scheduler.review_card(card, rating, review_datetime=when)
            history.append((when, rating.value))
            when = card.due
        histories.append(history)
    return histories


def test_fitted_parameters_predict_the_history_better_than_the_defaults():
    histories = synthetic_histories()
    fit = optimiser.fit(histories)
    assert fit.reviews == 2400 and len(fit.parameters) == 21
    assert fit.log_loss_after < fit.log_loss_before
    assert all(math.isfinite(p) for p in fit.parameters)
    Scheduler(parameters=fit.parameters)  # py-fsrs accepts them


def test_too_few_reviews_are_refused_with_the_reason():
    with pytest.raises(optimiser.NotEnoughHistory, match="once you have 512 reviews; you have 12 so far"):
        optimiser.fit(synthetic_histories(cards=2))


def test_a_history_all_on_one_day_is_refused_not_crashed_on():
    same_day = [[(START + timedelta(minutes=m), 3) for m in range(4)] for _ in range(200)]
    with pytest.raises(optimiser.NotEnoughHistory, match="more than one day"):
        optimiser.fit(same_day)


def test_training_items_keep_only_prefixes_ending_a_day_or_more_later():
    history = [
        (START, 3),
        (START + timedelta(hours=1), 3),
        (START + timedelta(days=2), 3),
        (START + timedelta(days=9), 1),
    ]
    items = optimiser.training_items([history])
    assert [len(item.reviews) for item in items] == [3, 4]
