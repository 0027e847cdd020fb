"""Several processes rating the same learner's card at once: no lost update, no duplicate review,
no "database is locked" (SQLite with BEGIN IMMEDIATE; PostgreSQL with a row lock). Each rating
brings its own showing of the card; one made stale by another process is refused and shown anew."""

import multiprocessing

import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.review.models import Card, ReviewLog, ReviewShowing
from tests.concurrency_worker import load_study_page, rate_and_answer
from tests.conftest import DATABASE_URL
from tests.factories import DEFAULT_PASSWORD, make_question, make_topic, make_user

PROCESSES, RATINGS = 4, 12


def test_processes_rating_one_card_leave_one_consistent_history(app):
    with app.app_context():
        make_user(email="busy@example.org")
        question_id = make_question(make_topic("war"), "flashcard").id
        db.session.commit()
    context = multiprocessing.get_context("spawn")
    with context.Pool(PROCESSES) as pool:
        results = pool.starmap(
            rate_and_answer,
            [
                (DATABASE_URL, "busy@example.org", DEFAULT_PASSWORD, question_id, worker, RATINGS)
                for worker in range(PROCESSES)
            ],
        )
    assert all(statuses == [302] * (1 + 2 * RATINGS) for statuses in results), results
    with app.app_context():
        card = db.session.scalar(sa.select(Card))
        logs = db.session.scalars(sa.select(ReviewLog).order_by(ReviewLog.id)).all()
        assert len(logs) == card.reps == PROCESSES * RATINGS  # every rating once, none lost
        assert len({log.submission_key for log in logs}) == len(logs)
        assert logs[0].before is None
        for earlier, later in zip(logs, logs[1:], strict=False):
            assert later.before == earlier.after  # each rating started from the state the one before left
        assert logs[-1].after["due"] == card.due.isoformat()


def test_processes_loading_the_review_page_at_once_all_get_it(app):
    """Each load writes its showing after the page's reads, in a transaction that waits its turn for
    SQLite's write lock: no "database is locked" however the loads interleave."""
    with app.app_context():
        make_user(email="eager@example.org")
        topic = make_topic("war")
        for n in range(3):
            make_question(topic, "single_choice", prompt=f"Question {n}?")
        db.session.commit()
    context = multiprocessing.get_context("spawn")
    with context.Pool(PROCESSES) as pool:
        results = pool.starmap(
            load_study_page, [(DATABASE_URL, "eager@example.org", DEFAULT_PASSWORD, 25) for _ in range(PROCESSES)]
        )
    assert all(statuses == [302] + [200] * 25 for statuses in results), results
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ReviewShowing)) == PROCESSES * 25
