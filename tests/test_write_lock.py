"""Answering and rating take the write lock only to write, and re-read the card under it.

Their checks (who is asking, the question, the showing, the answer's form) read a snapshot, so a
refused submission is answered while another worker holds SQLite's write lock; the rating itself
re-reads the card under the lock, so two ratings of one card at once both count, in order.
"""

import fcntl
import os
import sqlite3
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.review.models import Card, ReviewLog
from tests.answering import answer_form, issue_showing
from tests.conftest import DATABASE_URL
from tests.factories import make_attempt, make_question, make_topic


def one_question_in_two_practice_attempts(app, auth) -> tuple[int, list[int]]:
    user_id, _ = auth.login()
    with app.app_context():
        make_question(make_topic("war"), "true_false")
        db.session.commit()
        attempts = [make_attempt(user_id, length=1, topics=("war",), seed=n).id for n in (1, 2)]
    return user_id, attempts


def rating_forms(app, auth, keys: str) -> list[dict]:
    """A signed-in learner's flashcard with one showing per key: the rating form of each (key * 32)."""
    with app.app_context():
        question_id = make_question(make_topic("war"), "flashcard").id
        db.session.commit()
    user_id, _ = auth.login()
    with app.app_context():
        tokens = [issue_showing(user_id, question_id) for _ in keys]
    return [
        {"question_id": question_id, "rating": "3", "key": key * 32, "token": token}
        for key, token in zip(keys, tokens, strict=True)
    ]


def test_two_answers_rating_one_card_at_once_both_count_in_order(app, client, auth):
    _, attempts = one_question_in_two_practice_attempts(app, auth)
    cookie = client.get_cookie("session").value
    forms = []
    for n, attempt_id in enumerate(attempts):
        page = client.get(f"/quiz/{attempt_id}/1").get_data(as_text=True)
        forms.append((f"/quiz/{attempt_id}/1", answer_form(page, "true_false") | {"key": f"{n:032x}"}))
    barrier = threading.Barrier(len(forms))

    def tab(url_and_form):
        url, form = url_and_form
        browser = app.test_client()
        browser.set_cookie("session", cookie)
        barrier.wait()
        return browser.post(url, data=form).status_code

    with ThreadPoolExecutor(len(forms)) as pool:
        statuses = list(pool.map(tab, forms))
    assert statuses == [302, 302]
    with app.app_context():
        card = db.session.scalar(sa.select(Card))
        first, second = db.session.scalars(sa.select(ReviewLog).order_by(ReviewLog.id)).all()
        assert {first.response_id, second.response_id} != {None}
        assert first.before is None and second.before == first.after  # the second began where the first ended
        assert card.reps == 2 and second.after["reps"] == 2
        assert second.after["due"] == card.due.isoformat()


@pytest.fixture
def hold_write_lock(app):
    """hold_write_lock(): another worker's write transaction on the SQLite test database, from
    then until the end of the test (or its release)."""
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("SQLite's database-wide write lock")
    holders = []

    def hold():
        holders.append(LockHolder(DATABASE_URL.removeprefix("sqlite:///")))
        return holders[-1]

    yield hold
    for holder in holders:
        holder.release()


class LockHolder:
    def __init__(self, path: str):
        self.connection = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self.connection.execute("BEGIN IMMEDIATE")
        self.lock = threading.Lock()

    def release(self) -> None:
        with self.lock:
            if self.connection.in_transaction:
                self.connection.execute("ROLLBACK")

    def release_after(self, seconds: float) -> None:
        threading.Timer(seconds, self.release).start()


def answered_within(seconds: float, post) -> int:
    started = time.monotonic()
    status = post().status_code
    assert time.monotonic() - started < seconds  # the busy timeout (5 s) was not waited out
    return status


def test_a_refused_rating_is_answered_while_another_worker_writes(app, client, auth, hold_write_lock):
    with app.app_context():
        question_id = make_question(make_topic("war"), "flashcard").id
        db.session.commit()
    auth.login()
    data = {"question_id": question_id, "rating": "3", "key": "k" * 32, "token": "not-a-showing"}
    hold_write_lock()
    assert answered_within(2, lambda: client.post("/review/rate", data=data)) == 400


def test_an_unreadable_quiz_answer_is_answered_while_another_worker_writes(app, client, auth, hold_write_lock):
    user_id, _ = auth.login()
    with app.app_context():
        make_question(make_topic("war"), "numeric")
        db.session.commit()
        attempt_id = make_attempt(user_id, length=1, topics=("war",)).id
    form = {"answer": "many", "key": "u" * 32}
    hold_write_lock()
    assert answered_within(2, lambda: client.post(f"/quiz/{attempt_id}/1", data=form)) == 400


def test_a_rating_waits_for_the_lock_and_then_counts(app, client, auth, hold_write_lock):
    (data,) = rating_forms(app, auth, "w")
    hold_write_lock().release_after(0.5)  # the rating's write waits for it (busy timeout), then lands
    assert client.post("/review/rate", data=data).status_code == 302
    with app.app_context():
        assert db.session.scalar(sa.select(Card.reps)) == 1


@pytest.fixture
def writers_queue(app):
    """The SQLite test database's writers' queue: hold_queue() takes it as another worker would."""
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("the queue of SQLite's writers")
    path = DATABASE_URL.removeprefix("sqlite:///") + "-writers"
    opened = []

    def hold_queue(hold: bool = True) -> int:
        fd = os.open(path, os.O_RDWR | os.O_CREAT)  # an open file of its own, as another process has
        opened.append(fd)
        if hold:
            fcntl.flock(fd, fcntl.LOCK_EX)
        return fd

    yield hold_queue
    for fd in opened:
        os.close(fd)


def queue_is_free(fd: int) -> bool:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    fcntl.flock(fd, fcntl.LOCK_UN)
    return True


def test_a_rating_waits_its_turn_in_the_writers_queue_and_lands_when_given_it(app, client, auth, writers_queue):
    (data,) = rating_forms(app, auth, "q")
    other_worker = writers_queue()
    with ThreadPoolExecutor(1) as pool:
        rating = pool.submit(client.post, "/review/rate", data=data)
        time.sleep(0.3)
        assert not rating.done()  # SQLite's own lock is free: only the queue holds it back
        with app.app_context():
            assert db.session.scalar(sa.select(sa.func.count()).select_from(ReviewLog)) == 0
        fcntl.flock(other_worker, fcntl.LOCK_UN)
        assert rating.result(timeout=10).status_code == 302
    with app.app_context():
        assert db.session.scalar(sa.select(Card.reps)) == 1
    assert queue_is_free(other_worker)  # the rating gave its turn on


def test_a_write_that_fails_gives_its_turn_in_the_queue_back(app, client, auth, writers_queue, monkeypatch):
    first, second = rating_forms(app, auth, "fs")

    def broken(*args, **kwargs):
        raise RuntimeError("the disk went away")

    monkeypatch.setattr("quizapp.review.services.rate", broken)
    with pytest.raises(RuntimeError):  # the test app lets the error through; a server answers 500
        client.post("/review/rate", data=first)
    assert queue_is_free(writers_queue(hold=False))
    monkeypatch.undo()
    assert client.post("/review/rate", data=second).status_code == 302  # the site goes on taking writes
