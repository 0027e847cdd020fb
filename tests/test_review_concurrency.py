"""Tabs rating the same card at once: one showing earns one rating, and the state stays consistent."""

import threading
from concurrent.futures import ThreadPoolExecutor

import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.review.models import Card, ReviewLog
from tests.answering import issue_showing
from tests.factories import make_question, make_topic

TABS = 6


def tabs_rating_at_once(app, client, question_id, posts):
    """Post each (key, token) from its own tab, all released at once; their statuses in order."""
    cookie = client.get_cookie("session").value
    barrier = threading.Barrier(len(posts))

    def tab(post):
        key, token = post
        browser = app.test_client()
        browser.set_cookie("session", cookie)
        barrier.wait()
        data = {"question_id": question_id, "rating": "3", "key": key, "token": token}
        return browser.post("/review/rate", data=data).status_code

    with ThreadPoolExecutor(len(posts)) as pool:
        return list(pool.map(tab, posts))


def one_flashcard(app, auth) -> tuple[int, int]:
    with app.app_context():
        question_id = make_question(make_topic("war"), "flashcard").id
        db.session.commit()
    user_id, _ = auth.login()
    return user_id, question_id


def assert_one_rating(app):
    with app.app_context():
        card = db.session.scalar(sa.select(Card))
        [log] = db.session.scalars(sa.select(ReviewLog)).all()
        assert card.reps == 1 and log.before is None
        assert log.after["reps"] == card.reps and log.after["due"] == card.due.isoformat()


def test_tabs_each_showing_the_card_rate_it_once_between_them(app, client, auth):
    user_id, question_id = one_flashcard(app, auth)
    with app.app_context():
        tokens = [issue_showing(user_id, question_id) for _ in range(TABS)]  # each tab showed the new card
    statuses = tabs_rating_at_once(app, client, question_id, [(f"{n:032x}", t) for n, t in enumerate(tokens)])
    assert sorted(statuses) == [302] + [409] * (TABS - 1)  # the others showed a state that is gone
    assert_one_rating(app)


def test_one_token_raced_from_several_tabs_rates_once(app, client, auth):
    user_id, question_id = one_flashcard(app, auth)
    with app.app_context():
        token = issue_showing(user_id, question_id)
    statuses = tabs_rating_at_once(app, client, question_id, [(f"{n:032x}", token) for n in range(TABS)])
    assert sorted(statuses) == [302] + [409] * (TABS - 1)
    assert_one_rating(app)


def test_the_same_rating_sent_from_several_tabs_counts_once(app, client, auth):
    user_id, question_id = one_flashcard(app, auth)
    with app.app_context():
        token = issue_showing(user_id, question_id)
    statuses = tabs_rating_at_once(app, client, question_id, [("f" * 32, token)] * 4)
    assert statuses == [302] * 4  # the same submission gets the same reply
    assert_one_rating(app)
