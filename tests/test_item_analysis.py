"""Item statistics against values computed by hand."""

import pytest

from quizapp.progress.items import MIN_ATTEMPTS, ItemStats, correlation, statistics

# Four finished attempts of three items (versions 1, 2, 3):
#            v1   v2   v3   total
# attempt 1   1    1    0     2
# attempt 2   1    0    0     1
# attempt 3   0    1    1     2
# attempt 4   1    1    1     3
ROWS = [
    (1, 1, 1.0, {"choice": "a"}),
    (1, 2, 1.0, {"choices": ["a", "b"]}),
    (1, 3, 0.0, None),
    (2, 1, 1.0, {"choice": "a"}),
    (2, 2, 0.0, {"choices": ["c"]}),
    (2, 3, 0.0, None),
    (3, 1, 0.0, {"choice": "b"}),
    (3, 2, 1.0, {"choices": ["a", "b"]}),
    (3, 3, 1.0, None),
    (4, 1, 1.0, {"choice": "a"}),
    (4, 2, 1.0, {"choices": ["a", "b"]}),
    (4, 3, 1.0, None),
]


def test_facility_is_the_mean_score():
    stats = statistics(ROWS, {1, 2, 3})
    assert [stats[v].facility for v in (1, 2, 3)] == [0.75, 0.75, 0.5]
    assert all(stats[v].attempts == 4 for v in (1, 2, 3))


def test_discrimination_correlates_the_item_with_the_rest_of_the_attempt():
    # v3: item scores (0, 0, 1, 1); rest of the attempt (2, 1, 1, 2): means 0.5 and 1.5,
    # covariance sum (-.5)(.5)+(-.5)(-.5)+(.5)(-.5)+(.5)(.5) = 0 -> r = 0.
    # v1: item (1, 1, 0, 1); rest (1, 0, 2, 2): means .75 and 1.25,
    # sum((x-.75)(y-1.25)) = (.25)(-.25)+(.25)(-1.25)+(-.75)(.75)+(.25)(.75) = -0.75,
    # sxx = 3(.0625)+.5625 = .75, syy = .0625+1.5625+.5625+.5625 = 2.75 -> r = -.75/sqrt(2.0625) = -0.5222
    stats = statistics(ROWS, {1, 3})
    assert stats[3].discrimination == pytest.approx(0.0)
    assert stats[1].discrimination == pytest.approx(-0.75 / (0.75 * 2.75) ** 0.5)


def test_option_shares_for_choice_items():
    stats = statistics(ROWS, {1, 2})
    assert stats[1].option_shares == {"a": 0.75, "b": 0.25}
    assert stats[2].option_shares == {"a": 0.75, "b": 0.75, "c": 0.25}


def test_correlation_edge_cases():
    assert correlation([1, 1, 1], [0, 1, 2]) is None
    assert correlation([1], [2]) is None
    assert correlation([0, 1, 2], [0, 2, 4]) == pytest.approx(1.0)


def test_problems_need_enough_attempts():
    assert ItemStats(1, attempts=MIN_ATTEMPTS - 1, facility=0.0, discrimination=-0.5).problems == []
    flagged = ItemStats(1, attempts=MIN_ATTEMPTS, facility=0.1, discrimination=-0.2).problems
    assert len(flagged) == 2 and "negative discrimination" in flagged[0]
    assert ItemStats(1, attempts=50, facility=0.97, discrimination=0.3).problems[0].startswith("very easy")
    assert ItemStats(1, attempts=50, facility=0.6, discrimination=0.3).problems == []


# Five finished attempts of one single-choice item (right option "a"): two right, one "b", one "c",
# one left unanswered (no response row: score 0, answer None).
SINGLE = [
    (11, 9, 1.0, {"choice": "a"}),
    (12, 9, 1.0, {"choice": "a"}),
    (13, 9, 0.0, {"choice": "b"}),
    (14, 9, 0.0, {"choice": "c"}),
    (15, 9, 0.0, None),
]
CHOICES = [{"id": "a", "text": "Right", "correct": True}, {"id": "b", "text": "B"}, {"id": "c", "text": "C"}]


def test_options_chosen_come_from_the_same_attempts_as_the_facility():
    """Facility 0.40 and "the right option 40%": one denominator (all five attempts), with "no answer" shown."""
    [item] = statistics(SINGLE, {9}).values()
    assert item.facility == pytest.approx(0.4)
    assert item.options(CHOICES) == [("Right", True, 40), ("B", False, 20), ("C", False, 20), ("no answer", False, 20)]
    assert sum(percent for _, _, percent in item.options(CHOICES)) == 100


def test_the_lapse_rate_is_rounded_one_way_everywhere():
    assert ItemStats(1, lapse_rate=0.339).lapse_percent == 34
    assert ItemStats(1, lapse_rate=0.335).lapse_percent == 34
    assert ItemStats(1).lapse_percent is None
