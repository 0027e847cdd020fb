"""The FSRS wrapper: properties that must hold for any history, pinned defaults, the learning day."""

from datetime import UTC, datetime, timedelta

import pytest
from fsrs.scheduler import DEFAULT_PARAMETERS
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quizapp.extensions import db
from quizapp.review import scheduling
from quizapp.review.models import Card
from quizapp.review.services import learning_day
from tests.factories import make_bank, make_user

START = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
histories = st.lists(st.tuples(st.integers(1, 4), st.floats(0, 40)), min_size=0, max_size=12)


def replay(history, key="7:11"):
    """The memory after a history of (rating, days waited past due) pairs, and the time of the last review."""
    memory, now = None, START
    for rating, late_days in history:
        if memory is not None:
            now = memory.due + timedelta(days=late_days)
        memory = scheduling.review(key, memory, rating, now)
    return memory, now


@settings(max_examples=150, deadline=None)
@given(histories, st.floats(0, 30))
def test_intervals_are_ordered_again_hard_good_easy(history, late_days):
    memory, now = replay(history)
    when = (memory.due if memory else now) + timedelta(days=late_days)
    intervals = scheduling.preview("7:11", memory, when)
    assert intervals[1] <= intervals[2] <= intervals[3] <= intervals[4]


@settings(max_examples=150, deadline=None)
@given(histories, st.integers(1, 4), st.floats(0, 30))
def test_the_next_due_time_is_after_the_review(history, rating, late_days):
    memory, now = replay(history)
    when = (memory.due if memory else now) + timedelta(days=late_days)
    after = scheduling.review("7:11", memory, rating, when)
    assert after.due > when and after.last_review == when
    assert after.reps == (memory.reps if memory else 0) + 1
    assert after.due.tzinfo is not None


@settings(max_examples=60, deadline=None)
@given(histories)
def test_the_same_history_always_gives_the_same_schedule(history):
    assert replay(history) == replay(history)


def test_the_button_shows_exactly_the_interval_the_rating_gives():
    memory, now = replay([(3, 0), (3, 0), (3, 0), (4, 2)])
    for rating, interval in scheduling.preview("7:11", memory, memory.due).items():
        assert scheduling.review("7:11", memory, rating, memory.due).due - memory.due == interval


def test_first_review_is_pinned_to_py_fsrs_defaults():
    good = scheduling.review("1:1", None, 3, START)
    assert good.stability == pytest.approx(DEFAULT_PARAMETERS[2]) == pytest.approx(2.3065)
    assert good.difficulty == pytest.approx(2.118103970459016)
    assert good.state == scheduling.LEARNING and good.due - START == timedelta(minutes=10)
    again = scheduling.review("1:1", None, 1, START)
    assert again.stability == pytest.approx(DEFAULT_PARAMETERS[0]) and again.due - START == timedelta(minutes=1)
    easy = scheduling.review("1:1", None, 4, START)
    assert easy.stability == pytest.approx(DEFAULT_PARAMETERS[3]) and easy.state == scheduling.REVIEW


def test_naive_times_are_refused():
    with pytest.raises(ValueError, match="timezone-aware"):
        scheduling.review("1:1", None, 3, datetime(2026, 3, 1))


@pytest.fixture
def question_id(app):
    with app.app_context():
        return make_bank(per_type=1)["war"][0].id


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(history=histories)
def test_a_card_survives_the_database_round_trip_unchanged(app, question_id, history):
    memory, _ = replay(history)
    if memory is None:
        return
    with app.app_context():
        user = make_user()
        card = Card(user_id=user.id, question_id=question_id, state=1, due=START)
        card.remember(memory)
        db.session.add(card)
        db.session.commit()
        card_id = card.id
    with app.app_context():
        assert db.session.get(Card, card_id).memory == memory


def test_short_intervals_read_like_anki():
    assert [
        scheduling.short_interval(timedelta(seconds=s)) for s in (30, 600, 7200, 3 * 86400, 45 * 86400, 400 * 86400)
    ] == ["1m", "10m", "2h", "3d", "1.5mo", "1.1y"]


@pytest.mark.parametrize(
    ("local", "zone", "day_starts"),
    [
        ("2026-03-02 03:59", "Asia/Seoul", "2026-03-01 04:00"),
        ("2026-03-02 04:00", "Asia/Seoul", "2026-03-02 04:00"),
        ("2026-03-02 23:30", "Europe/London", "2026-03-02 04:00"),
        ("2026-03-29 05:00", "Europe/London", "2026-03-29 04:00"),  # the morning clocks go forward
    ],
)
def test_a_learning_day_starts_at_four_in_the_learners_zone(local, zone, day_starts):
    from zoneinfo import ZoneInfo

    now = datetime.fromisoformat(local).replace(tzinfo=ZoneInfo(zone))
    start, end = learning_day(now, zone)
    assert start == datetime.fromisoformat(day_starts).replace(tzinfo=ZoneInfo(zone))
    assert start <= now < end and start.tzinfo is not None
