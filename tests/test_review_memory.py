"""One memory model: quiz answers are reviews; `flask review rebuild` replays them identically."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.models import utcnow
from quizapp.quiz import services as quiz
from quizapp.quiz.models import AttemptItem
from quizapp.review.models import Card, ReviewLog
from quizapp.review.services import rate, rating_for_score
from tests.factories import make_attempt, make_bank, make_user


def snapshot():
    cards = db.session.execute(
        sa.select(
            Card.question_id,
            Card.state,
            Card.step,
            Card.stability,
            Card.difficulty,
            Card.due,
            Card.last_review,
            Card.reps,
            Card.lapses,
        ).order_by(Card.question_id)
    ).all()
    logs = db.session.execute(
        sa.select(
            ReviewLog.question_id,
            ReviewLog.rating,
            ReviewLog.reviewed_at,
            ReviewLog.origin,
            ReviewLog.before,
            ReviewLog.after,
            ReviewLog.response_id,
        ).order_by(ReviewLog.question_id, ReviewLog.reviewed_at, ReviewLog.id)
    ).all()
    return cards, logs


def answer(attempt, position, score_right: bool, now):
    item = quiz.item_at(attempt, position)
    from quizapp.bank.types import get_type

    qtype = get_type(item.version.type)
    given = qtype.correct_answer(item.version.data) if score_right else {}
    quiz.record_answer(attempt, item, given, f"key-{attempt.id}-{position}-{now.timestamp()}", now, 1000)
    return item


def test_rating_for_score():
    assert [rating_for_score(s) for s in (1.0, 0.5, 0.0)] == [3, 2, 1]


def test_a_practice_answer_is_a_review_at_once(app):
    with app.app_context():
        user = make_user().id
        attempt = make_attempt(user, mode="practice")
        now = utcnow()
        item = answer(attempt, 1, True, now)
        db.session.commit()
        [log] = db.session.scalars(sa.select(ReviewLog)).all()
        assert (log.origin, log.rating, log.question_id, log.version_id) == (
            "quiz",
            3,
            item.question_id,
            item.version_id,
        )
        assert db.session.scalar(sa.select(Card.reps).where(Card.question_id == item.question_id)) == 1


def test_test_answers_become_reviews_when_the_test_is_finished(app):
    with app.app_context():
        user = make_user().id
        attempt = make_attempt(user, mode="test")
        now = utcnow()
        answer(attempt, 1, True, now)
        answer(attempt, 2, False, now)
        db.session.commit()
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ReviewLog)) == 0
        finished = now + timedelta(minutes=5)
        quiz.finish_attempt(attempt, finished)
        quiz.finish_attempt(attempt, finished + timedelta(minutes=1))  # a second finish adds nothing
        db.session.commit()
        ratings = sorted(db.session.scalars(sa.select(ReviewLog.rating)))
        assert ratings == [1, 3]
        assert set(db.session.scalars(sa.select(ReviewLog.reviewed_at))) == {finished}


def build_history(user):
    """Practice and test quizzes and ratings spread over days, as a learner would leave them."""
    now = utcnow() - timedelta(days=20)
    practice = make_attempt(user, mode="practice", length=5, seed=3)
    for position in range(1, 6):
        answer(practice, position, position % 2 == 1, now + timedelta(minutes=position))
    test = make_attempt(user, mode="test", length=5, seed=4)
    for position in range(1, 4):
        answer(test, position, True, now + timedelta(days=1, minutes=position))
    quiz.finish_attempt(test, now + timedelta(days=1, hours=1))
    items = db.session.scalars(sa.select(AttemptItem).where(AttemptItem.attempt_id == practice.id)).all()
    for day in (3, 9, 15):
        for item in items[:3]:
            rate(user, item.question_id, item.version_id, 3 if day != 9 else 2, now + timedelta(days=day))
    db.session.commit()


def test_rebuild_reproduces_the_live_schedule_and_twice_changes_nothing(app, runner):
    with app.app_context():
        make_bank()
        user = make_user(email="learner@example.org").id
        build_history(user)
        live = snapshot()
        assert live[0] and len(live[1]) > 10
    result = runner.invoke(args=["review", "rebuild", "--learner", "learner@example.org"])
    assert result.exit_code == 0 and "rebuilt" in result.output
    with app.app_context():
        assert snapshot() == live
    runner.invoke(args=["review", "rebuild"])
    with app.app_context():
        assert snapshot() == live


def test_rebuild_brings_in_answers_given_before_review_existed(app, runner):
    with app.app_context():
        make_bank()
        user = make_user(email="learner@example.org").id
        build_history(user)
        live = snapshot()
        db.session.execute(sa.delete(ReviewLog).where(ReviewLog.origin == "quiz"))
        db.session.execute(sa.update(Card).values(reps=0, state=1, stability=None, difficulty=None))
        db.session.commit()
    assert runner.invoke(args=["review", "rebuild"]).exit_code == 0
    with app.app_context():
        rebuilt = snapshot()
        assert rebuilt[0] == live[0]
        assert sorted(map(tuple, rebuilt[1])) == sorted(map(tuple, live[1]))


def test_rebuild_names_an_unknown_learner(runner):
    result = runner.invoke(args=["review", "rebuild", "--learner", "nobody@example.org"])
    assert result.exit_code == 2 and "no account with the email" in result.output


@pytest.mark.parametrize("mode", ["practice", "test"])
def test_quiz_preference_includes_due_cards(app, mode):
    with app.app_context():
        make_bank()
        user = make_user().id
        due = quiz.due_questions(user, utcnow())
        assert due == set()
        attempt = make_attempt(user, mode=mode)
        answer(attempt, 1, False, utcnow() - timedelta(days=3))
        quiz.finish_attempt(attempt, utcnow() - timedelta(days=3))
        db.session.commit()
        assert quiz.due_questions(user, utcnow())  # the missed answer is due again
