"""Quiz pages issue a bounded number of SQL statements, whatever the size of the bank."""

import re

import pytest

from tests.answering import answer_form
from tests.factories import RIGHT_FORMS, make_large_bank

# Generating: a count of the matching items up to the window; when the bank holds more, the
# windows of every chosen topic in one statement (one more when a window wraps round to the start)
# and, once per bank revision, the id range: at most 10 + 1 + 1 + 1, the same for 3,000 items as
# for 3 million, and for two topics as for twenty.
# Submitting: the user, the attempt with its item (one statement, as the question page reads them),
# the submission key, the attempt locked with the item's response, and the answer's write.
BOUND = {"generate": 13, "show": 3, "submit": 5}


def measure(app, client, queries) -> dict[str, int]:
    counts = {}
    data = {
        "topics": ["war", "split"],
        "types": list(RIGHT_FORMS),
        "difficulties": ["1", "2", "3"],
        "length": "20",
        "mode": "test",
    }
    with queries() as statements:
        response = client.post("/quiz/new", data=data)
    counts["generate"] = len(statements)
    location = response.headers["Location"]
    with queries() as statements:
        page = client.get(location).get_data(as_text=True)
    counts["show"] = len(statements)
    key = re.search(r'name="key" value="([0-9a-f]+)"', page).group(1)
    kind = next(t for t in RIGHT_FORMS if f"({t})" in page)
    with queries() as statements:
        answered = client.post(location, data=answer_form(page, kind) | {"key": key})
    assert answered.status_code == 302
    counts["submit"] = len(statements)
    return counts


@pytest.mark.parametrize("size", [50, 3000])
def test_generate_show_and_submit_stay_within_the_same_bound(app, client, auth, queries, size):
    with app.app_context():
        make_large_bank(size)
    auth.login()
    counts = measure(app, client, queries)
    assert all(0 < counts[step] <= BOUND[step] for step in BOUND), counts


def test_a_bank_larger_than_the_window_is_sampled_with_every_topic_in_its_share(app, monkeypatch):
    from quizapp.quiz import services

    monkeypatch.setattr(services, "WINDOW", 40)
    monkeypatch.setattr(services, "MIN_SHARE", 5)
    with app.app_context():
        make_large_bank(400)
        paths = services.topic_paths(["war", "split"])
        pool = services.candidate_pool(paths, list(RIGHT_FORMS), [1, 2, 3], seed=11)
        assert len(pool) == 40 and len({c.question_id for c in pool}) == 40
        assert sum(c.topic_path.startswith("/war/") for c in pool) == 20  # each topic its share
        assert pool == services.candidate_pool(paths, list(RIGHT_FORMS), [1, 2, 3], seed=11)  # seeded
        other = services.candidate_pool(paths, list(RIGHT_FORMS), [1, 2, 3], seed=12)
        assert {c.question_id for c in other} != {c.question_id for c in pool}
        small = services.candidate_pool(["/war/"], ["true_false"], [1, 2, 3], seed=11)
        assert len(small) <= 40 and all(c.type == "true_false" for c in small)


def test_a_window_that_starts_past_its_topics_last_item_wraps_round_to_the_start(app, monkeypatch, queries):
    from quizapp.quiz import services

    class FromTheTop:  # every window starts at the highest id: each wraps round for all its items
        def __init__(self, seed):
            pass

        def randint(self, low, high):
            return high

    monkeypatch.setattr(services, "WINDOW", 40)
    monkeypatch.setattr(services, "MIN_SHARE", 5)
    monkeypatch.setattr(services, "Random", FromTheTop)
    with app.app_context():
        make_large_bank(400)
        paths = services.topic_paths(["war", "split"])
        with queries() as statements:
            pool = services.candidate_pool(paths, list(RIGHT_FORMS), [1, 2, 3], seed=11)
        assert len(pool) == 40 and len({c.question_id for c in pool}) == 40
        assert sum(c.topic_path.startswith("/war/") for c in pool) == 20  # each topic its share still
        assert len(statements) <= 4  # the count, the id range, the windows and their wrapping round
