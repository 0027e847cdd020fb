"""Two tabs rating the same card at once: one consistent state, every rating counted once."""

import threading
from concurrent.futures import ThreadPoolExecutor

import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.review.models import Card, ReviewLog
from tests.factories import make_question, make_topic

TABS = 6


def tabs_rating_at_once(app, client, question_id, keys):
    cookie = client.get_cookie("session").value
    barrier = threading.Barrier(len(keys))

    def tab(key):
        browser = app.test_client()
        browser.set_cookie("session", cookie)
        barrier.wait()
        return browser.post("/review/rate", data={"question_id": question_id, "rating": "3", "key": key}).status_code

    with ThreadPoolExecutor(len(keys)) as pool:
        return list(pool.map(tab, keys))


def test_simultaneous_ratings_leave_one_consistent_chain(app, client, auth):
    with app.app_context():
        question_id = make_question(make_topic("war"), "flashcard").id
        db.session.commit()
    auth.login()
    statuses = tabs_rating_at_once(app, client, question_id, [f"{n:032x}" for n in range(TABS)])
    assert statuses == [302] * TABS
    with app.app_context():
        card = db.session.scalar(sa.select(Card))
        logs = db.session.scalars(sa.select(ReviewLog).order_by(ReviewLog.id)).all()
        assert card.reps == len(logs) == TABS
        assert logs[0].before is None
        for earlier, later in zip(logs, logs[1:], strict=False):
            assert later.before == earlier.after  # each rating started from the one before it
        assert logs[-1].after["reps"] == card.reps and logs[-1].after["due"] == card.due.isoformat()


def test_the_same_rating_sent_from_several_tabs_counts_once(app, client, auth):
    with app.app_context():
        question_id = make_question(make_topic("war"), "flashcard").id
        db.session.commit()
    auth.login()
    statuses = tabs_rating_at_once(app, client, question_id, ["f" * 32] * 4)
    assert set(statuses) <= {302, 409}
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ReviewLog)) == 1
        assert db.session.scalar(sa.select(Card.reps)) == 1
