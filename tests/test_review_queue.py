"""The daily queue: due cards first, new items up to the limit, siblings buried, retired items out."""

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from quizapp import database
from quizapp.bank.models import Question, QuestionStatus
from quizapp.classes import services as classes
from quizapp.classes.access import studyable_by
from quizapp.extensions import db
from quizapp.review import services
from quizapp.review.models import Card, ReviewLog, ReviewSettings
from tests.factories import make_question, make_topic, make_user

NOW = datetime(2026, 5, 10, 12, 0, tzinfo=UTC)


@pytest.fixture
def world(app):
    """A learner and six flashcards on pages 231..236 of two topics; ids returned."""
    with app.app_context():
        war, split = make_topic("war"), make_topic("split", position=1)
        questions = []
        for n in range(6):
            q = make_question(war if n < 4 else split, "flashcard", fact="shared" if n in (1, 2) else None)
            q.current_version.source_page = q.source_page = 236 - n  # article order: the reverse of creation
            questions.append(q.id)
        user = make_user()
        db.session.commit()
        return {"user": user.id, "questions": questions}


EVERYTHING = services.Deck()


def queue(user_id, now=NOW, deck=EVERYTHING, **limits):
    settings = services.settings_for(user_id)
    for name, value in limits.items():
        setattr(settings, name, value)
    return services.build_queue(user_id, deck, now, settings, "UTC")


def rate(user_id, question_id, rating, now):
    with db.session.no_autoflush:
        version = db.session.get(Question, question_id).current_version_id
    services.rate(user_id, question_id, version, rating, now)
    db.session.commit()


def test_new_items_come_in_article_order_up_to_the_daily_limit(app, world):
    user, questions = world["user"], world["questions"]
    with app.app_context():
        first = queue(user)
        assert first.counts.new == 6 and first.new_question.id == questions[5]  # page 231 first
        assert queue(user, new_per_day=2).counts.new == 2
        rate(user, questions[5], 3, NOW)
        rate(user, questions[4], 3, NOW)
        assert queue(user, new_per_day=2).counts.new == 0  # the day's new cards are used up
        assert queue(user, now=NOW + timedelta(days=1), new_per_day=2).counts.new == 2  # a new day


def test_due_learning_cards_come_before_new_ones_and_show_in_the_counts(app, world):
    user, questions = world["user"], world["questions"]
    with app.app_context():
        rate(user, questions[0], 1, NOW)  # Again: due in a minute, in learning
        later = queue(user, now=NOW + timedelta(minutes=2))
        assert later.counts.learning == 1 and later.card.question_id == questions[0]


def test_a_learning_card_due_later_today_waits_while_new_items_are_shown(app, world, queries):
    """The counts say how many learning cards are due already: with none due yet the queue goes to
    new items without looking for one (a statement fewer), and the card still comes once due."""
    user, questions = world["user"], world["questions"]
    with app.app_context():
        rate(user, questions[0], 1, NOW)  # Again: in learning, due in a minute
        with queries() as statements:
            soon = queue(user, now=NOW + timedelta(seconds=10))
        assert soon.counts.learning == 1 and soon.counts.learning_now == 0
        assert soon.card is None and soon.new_question is not None
        assert not [s for s in statements if "ORDER BY cards.due" in s], statements
        due = queue(user, now=NOW + timedelta(minutes=2))
        assert due.counts.learning_now == 1 and due.card.question_id == questions[0]


def test_reviews_least_likely_recalled_first(app, world):
    user, (a, b, *_) = world["user"], world["questions"]
    with app.app_context():
        for question_id in (a, b):
            for n in range(3):
                rate(user, question_id, 3, NOW + timedelta(days=10 * n))
        cards = {c.question_id: c for c in db.session.scalars(sa.select(Card))}
        cards[b].stability, cards[a].stability = 1.0, 50.0  # b is much weaker
        db.session.commit()
        later = queue(user, now=NOW + timedelta(days=400), new_per_day=0)
        assert later.counts.review == 2 and later.card.question_id == b


def test_siblings_are_buried_for_the_rest_of_the_day(app, world):
    user, questions = world["user"], world["questions"]
    with app.app_context():
        rate(user, questions[1], 3, NOW)  # its sibling questions[2] shares the fact
        today = queue(user)
        assert today.counts.new == 4 and questions[2] not in _new_ids(user)
        assert questions[2] in _new_ids(user, NOW + timedelta(days=1))


def test_the_new_count_is_the_same_whichever_end_of_the_article_was_studied(app, world):
    """The count reads the bank from its back (the last pages) and stops at the day's limit: items
    studied at the back are passed over, not counted, and the limit still caps the figure."""
    user, questions = world["user"], world["questions"]
    with app.app_context():
        for question in questions[:3]:  # pages 236, 235 and 234: the back of the article
            rate(user, question, 3, NOW)
        tomorrow = NOW + timedelta(days=1)
        assert queue(user, now=tomorrow, new_per_day=2).counts.new == 2
        assert queue(user, now=tomorrow, new_per_day=20).counts.new == 3
        rate(user, questions[5], 3, tomorrow)  # page 231, the front
        assert queue(user, now=tomorrow + timedelta(days=1), new_per_day=20).counts.new == 2


def test_on_sqlite_the_new_count_probes_the_learners_cards_from_the_back_of_the_article(app, world):
    """The count's cost follows the rows it reads, not the learner's history: SQLite reads the article
    order's index backwards and looks each question up in the learner's cards, where a list of every
    studied item would be built first (1,000 entries for the learner with 20,000 reviews)."""
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("SQLite's plan; PostgreSQL keeps the studied items as one hashed set")
        user, now = world["user"], NOW
        database.refresh_statistics()  # as `flask bank load` leaves the database
        state = services.queue_state(user, now, "UTC")
        inputs = services._inputs(user, EVERYTHING, now, state)
        compiled = services._new_count(inputs).compile(db.engine)
        params = [
            {**inputs.params, "new_left": 20}.get(name, compiled.params.get(name)) for name in compiled.positiontup
        ]
        params = [value.isoformat(" ") if isinstance(value, datetime) else value for value in params]
        plan = " / ".join(
            row[-1] for row in db.session.connection().exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}", tuple(params))
        )
        assert "SCAN questions USING INDEX ix_questions_article_order" in plan
        cards = [step for step in plan.split(" / ") if step.startswith("SEARCH cards")]
        assert cards and all("(user_id=? AND question_id=?)" in step for step in cards), plan


def test_a_rating_stores_what_its_card_and_log_say_and_leaves_nothing_to_flush(app, world):
    """A rating writes the card and its log with statements of its own: the card it returns holds what
    was stored (as committed, not pending), and the log what a reload of it reads."""
    user, question = world["user"], world["questions"][0]
    with app.app_context():
        version = db.session.get(Question, question).current_version_id
        rated = services.rate(user, question, version, 3, NOW, key="k" * 32)
        assert not db.session.dirty and not db.session.new
        returned = (rated.card.state, rated.card.reps, rated.card.due, rated.card.stability)
        logged = (rated.log.rating, rated.log.before, rated.log.after, rated.log.submission_key)
        db.session.commit()
        db.session.expire_all()
        card = db.session.scalars(sa.select(Card).where(Card.user_id == user, Card.question_id == question)).one()
        assert (card.state, card.reps, card.due, card.stability) == returned and card.reps == 1
        log = db.session.scalars(sa.select(ReviewLog).where(ReviewLog.card_id == card.id)).one()
        assert (log.rating, log.before, log.after, log.submission_key) == logged and log.before is None
        assert services.rate(user, question, version, 3, NOW, key="k" * 32).duplicate  # the same key: once


def test_a_replayed_rating_key_changes_neither_card_nor_log(app, world):
    """The log is inserted first and the card written only after it: a second rating with a key that
    is already used (a replay, another tab) is told apart by the insert, returns the first rating,
    and leaves the card as the first left it, whatever it rates."""
    user, question = world["user"], world["questions"][0]
    with app.app_context():
        version = db.session.get(Question, question).current_version_id
        first = services.rate(user, question, version, 3, NOW, key="r" * 32)
        db.session.commit()
        stored = db.session.execute(
            sa.select(Card.reps, Card.due, Card.stability).where(Card.id == first.card.id)
        ).one()
        again = services.rate(user, question, version, 1, NOW + timedelta(days=3), key="r" * 32)
        db.session.commit()
        assert again.duplicate and again.log.rating == 3 and again.log.id == db.session.scalar(sa.select(ReviewLog.id))
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ReviewLog)) == 1
        assert (
            db.session.execute(sa.select(Card.reps, Card.due, Card.stability).where(Card.id == first.card.id)).one()
            == stored
        )


def test_a_rating_reads_the_card_anew_even_when_the_session_holds_it(app, world):
    """A rating reads its card under the lock as it stands in the database, not as the session loaded
    it before (another request may have rated it since): the rating builds on the stored memory."""
    user, question = world["user"], world["questions"][0]
    with app.app_context():
        version = db.session.get(Question, question).current_version_id
        services.rate(user, question, version, 3, NOW, key="a" * 32)
        db.session.commit()
        held = db.session.scalars(sa.select(Card).where(Card.user_id == user, Card.question_id == question)).one()
        assert held.reps == 1
        # another request's rating, as this session cannot see it happen
        db.session.execute(
            sa.update(Card).where(Card.id == held.id).values(reps=5), execution_options={"synchronize_session": False}
        )
        assert held.reps == 1
        rated = services.rate(user, question, version, 3, NOW + timedelta(days=2), key="b" * 32)
        assert rated.card is held and rated.log.before["reps"] == 5 and held.reps == 6


def _new_ids(user, now=NOW):
    day_start, _ = services.learning_day(now, "UTC")
    today = services.today_for(user, day_start)
    new = services._new_questions(user, services.Deck(), today, studyable_by(user, now)).subquery()
    return set(db.session.scalars(sa.select(new.c.id)))


def test_retired_questions_leave_the_queue_but_keep_their_card(app, world):
    user, questions = world["user"], world["questions"]
    with app.app_context():
        rate(user, questions[0], 1, NOW)
        db.session.get(Question, questions[0]).status = QuestionStatus.RETIRED.value
        db.session.commit()
        later = queue(user, now=NOW + timedelta(minutes=5))
        assert later.counts.learning == 0 and later.counts.new == 5
        assert db.session.scalar(sa.select(Card).where(Card.question_id == questions[0])).reps == 1


def test_decks_by_topic_and_by_kind(app, world):
    user = world["user"]
    with app.app_context():
        split = services.Deck(path=services.deck_path("split"))
        assert queue(user, deck=split).counts.new == 2
        assert queue(user, deck=services.Deck(kind="questions")).counts.new == 0
        assert queue(user, deck=services.Deck(kind="flashcards")).counts.new == 6
        with pytest.raises(LookupError):
            services.deck_path("atlantis")


def test_an_empty_queue_says_when_the_next_card_is_due(app, world):
    user, questions = world["user"], world["questions"]
    with app.app_context():
        rate(user, questions[0], 4, NOW)  # Easy: due in days
        empty = queue(user, new_per_day=0)
        assert empty.counts.total == 0 and empty.card is None and empty.new_question is None
        assert empty.next_due == db.session.scalar(sa.select(Card.due))


def test_settings_defaults_and_limits_saved(app, world):
    user = world["user"]
    with app.app_context():
        defaults = services.settings_for(user)
        assert (defaults.desired_retention, defaults.new_per_day) == (0.9, 20)
        services.save_settings(user, 0.85, 5, 50)
        db.session.commit()
        assert db.session.get(ReviewSettings, user).new_per_day == 5


def test_a_teachers_own_question_is_new_only_in_the_deck_of_a_set_that_holds_it(app, world):
    from quizapp.authoring.models import QuestionSet, SetItem

    user = world["user"]
    with app.app_context():
        teacher = make_user(role="teacher", email="author@example.org")
        own = make_question(make_topic("drafts", position=2), "flashcard")
        own.slug, own.owner_id = None, teacher.id
        question_set = QuestionSet(owner_id=teacher.id, name="Drafts", created_at=NOW, updated_at=NOW)
        db.session.add(question_set)
        db.session.flush()
        db.session.add(SetItem(set_id=question_set.id, question_id=own.id, position=1))
        db.session.commit()
        assert queue(user).counts.new == 6  # the curated items only: a draft never reaches everyone
        assert queue(user, deck=services.Deck(set_id=question_set.id)).counts.new == 0  # not given to this learner
        classroom = classes.create_class(teacher.id, "Drafts class", NOW)
        classes.join(user, classroom.join_code, NOW)
        classes.assign(classroom, question_set, "review", None, None, NOW)
        db.session.commit()
        in_set = queue(user, deck=services.Deck(set_id=question_set.id))
        assert in_set.counts.new == 1 and in_set.new_question.id == own.id
        rate(user, own.id, 1, NOW)
        assert queue(user, now=NOW + timedelta(minutes=5)).counts.learning == 1  # once studied, everywhere
