"""The learner's dashboard and the knowledge map: figures checked by hand, bounded queries."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from fsrs import Card as FsrsCard
from fsrs import Scheduler, State

from quizapp.extensions import db
from quizapp.models import utcnow
from quizapp.progress import knowledge, services
from quizapp.progress.memory import recall
from quizapp.review.models import Card, ReviewLog
from tests.factories import DEFAULT_PASSWORD, insert_reviews, make_question, make_topic, make_user


def test_recall_is_fsrs_forgetting_curve_and_point_nine_at_the_stability():
    now = datetime(2026, 5, 1, tzinfo=UTC)
    scheduler = Scheduler()
    for stability, days in ((5.0, 5), (2.0, 9), (30.0, 3)):
        card = FsrsCard(
            card_id=1,
            state=State.Review,
            stability=stability,
            difficulty=5.0,
            due=now,
            last_review=now - timedelta(days=days),
        )
        assert recall(stability, days) == pytest.approx(scheduler.get_card_retrievability(card, now))
    assert recall(7.0, 7.0) == pytest.approx(0.9)


@pytest.fixture
def learner(app):
    """A learner with four cards: two mastered (pages 231, 231), one slipping (232), one new (233)."""
    now = utcnow()
    with app.app_context():
        war, split = make_topic("war"), make_topic("split", position=1)
        questions = [make_question(war if n < 3 else split, "true_false") for n in range(4)]
        for question, page in zip(questions, (231, 231, 232, 233), strict=True):
            question.current_version.source_page = question.source_page = page
        user = make_user()
        for question, (stability, days_ago, due_in) in zip(
            # Due in 2.5 days, not half a day: that fell on today's learning day (it starts at
            # 04:00) whenever the tests ran between 04:00 and 16:00 UTC.
            questions,
            ((10.0, 2, 5), (12.0, 3, 2.5), (1.0, 6, -1)),
            strict=False,
        ):
            db.session.add(
                Card(
                    user_id=user.id,
                    question_id=question.id,
                    state=2,
                    step=None,
                    stability=stability,
                    difficulty=5.0,
                    due=now + timedelta(days=due_in),
                    last_review=now - timedelta(days=days_ago),
                    reps=3,
                    lapses=0,
                )
            )
        db.session.commit()
        return {"user": user.id, "questions": [q.id for q in questions], "now": now}


def test_mastery_by_topic_counts_recall_at_least_point_nine(app, learner):
    with app.app_context():
        mastery = knowledge.topic_mastery(knowledge.studied(learner["user"], learner["now"]))
    assert [(m.slug, m.mastered, m.items) for m in mastery] == [("war", 2, 3), ("split", 0, 1)]


def test_the_knowledge_map_has_every_page_with_its_share(app, learner):
    with app.app_context():
        pages = {cell.page: cell for cell in knowledge.knowledge_map(learner["user"], learner["now"])}
    assert len(pages) == 27 and min(pages) == 225 and max(pages) == 251
    assert (pages[231].items, pages[231].mastered, pages[231].percent) == (2, 2, 100)
    assert (pages[232].percent, pages[233].percent, pages[240].percent) == (0, 0, None)


def test_streak_heatmap_forecast_and_retention(app, learner):
    now = learner["now"]
    user, question = learner["user"], learner["questions"][0]
    with app.app_context():
        card_id = db.session.scalar(sa.select(Card.id).where(Card.question_id == question))
        version = db.session.scalar(sa.text("SELECT current_version_id FROM questions WHERE id = :q"), {"q": question})
        for days_ago, rating in ((0, 3), (1, 3), (1, 1), (2, 4), (5, 3)):
            db.session.add(
                ReviewLog(
                    user_id=user,
                    card_id=card_id,
                    question_id=question,
                    version_id=version,
                    rating=rating,
                    reviewed_at=now - timedelta(days=days_ago),
                    origin="review",
                    before={"state": 2},
                    after={},
                )
            )
        db.session.commit()
        board = services.dashboard(user, now, "UTC")
    today = services.local_day(now, "UTC")
    assert board.streak == 3  # today, yesterday and the day before; not five days ago
    assert board.reviews_by_day[today] == 1 and board.reviews_by_day[today - timedelta(days=1)] == 2
    assert board.due_today == 1  # the slipping card is overdue
    assert sum(n for _, n in board.forecast) == 3
    assert sum(ok for _, ok, _ in board.retention_by_week) == 4 and sum(t for _, _, t in board.retention_by_week) == 5
    assert board.weakest[0].recall < 0.9 and board.weakest[0].status.startswith("recall now ")


def test_the_dashboard_page_shows_the_figures(app, client, auth, learner):
    with app.app_context():
        from quizapp.auth.models import User

        email = db.session.get(User, learner["user"]).email
    auth.signin(email)
    page = client.get("/progress").get_data(as_text=True)
    assert 'id="due-today">1<' in page and "Mastery by topic" in page and "p. 231" in page
    assert '<title id="heat-title">Reviews per day over the last year</title>' in page
    assert 'href="/quiz/new?page=231"' in page


def test_practising_a_page_uses_only_its_items(app, client, auth, learner):
    with app.app_context():
        from quizapp.auth.models import User

        email = db.session.get(User, learner["user"]).email
    auth.signin(email)
    form = client.get("/quiz/new?page=231").get_data(as_text=True)
    assert "Practising page 231" in form
    response = client.post(
        "/quiz/new",
        data={
            "topics": ["war", "split"],
            "types": ["true_false"],
            "difficulties": ["1", "2", "3"],
            "length": "5",
            "mode": "practice",
            "page": "231",
            "accept_shorter": "y",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        from quizapp.quiz.models import AttemptItem

        chosen = set(db.session.scalars(sa.select(AttemptItem.question_id)))
    assert chosen == set(learner["questions"][:2])


@pytest.mark.parametrize("logs", [1000, 20000])
def test_the_dashboard_stays_within_the_same_bound(app, client, auth, queries, logs):
    user, _ = auth.login()
    now = utcnow()
    with app.app_context():
        topic = make_topic("war")
        question = make_question(topic, "flashcard")
        card = Card(
            user_id=user,
            question_id=question.id,
            state=2,
            stability=4.0,
            difficulty=5.0,
            due=now,
            last_review=now - timedelta(days=1),
            reps=3,
            lapses=0,
        )
        db.session.add(card)
        db.session.flush()
        insert_reviews(
            card,
            question,
            ({"rating": 1 + n % 4, "reviewed_at": now - timedelta(minutes=25 * n)} for n in range(logs)),
        )
        db.session.commit()
    with queries() as statements:
        page = client.get("/progress")
    assert page.status_code == 200
    assert 0 < len(statements) <= 10, len(statements)  # this process counts the bank once (bank/summary.py)
    with queries() as statements:
        assert client.get("/progress").status_code == 200
    assert 0 < len(statements) <= 8, len(statements)  # the mastery table and the map share one statement


def test_the_heatmap_has_a_cell_for_every_day_of_the_year_up_to_today():
    from datetime import date

    from quizapp.progress.charts import BINS, UNSTUDIED, heatmap_cells

    today = date(2026, 11, 27)  # a Friday: the last column stops at Friday
    svg = str(heatmap_cells({today: 4, today - timedelta(days=1): 1, today - timedelta(days=9): 2}, today))
    assert svg.count("<rect") == 364 + today.weekday() + 1
    assert "<title>2026-11-27: 4 reviews</title>" in svg and "<title>2026-11-26: 1 review</title>" in svg
    assert svg.count(f'fill="{BINS[-1][1]}"') == 1  # the busiest day in the darkest green
    assert svg.count(f'fill="{UNSTUDIED[0]}"') == svg.count("<rect") - 3  # days without reviews
    # The empty year is kept per day for everyone: the next learner's heatmap holds none of the above.
    other = str(heatmap_cells({today - timedelta(days=2): 3, today + timedelta(days=1): 5}, today))
    assert (
        other.count("<rect") == svg.count("<rect") and other.count(f'fill="{UNSTUDIED[0]}"') == other.count("<rect") - 1
    )
    assert "<title>2026-11-25: 3 reviews</title>" in other and ": 4 reviews" not in other and "2026-11-28" not in other
    tomorrow = str(heatmap_cells({}, today + timedelta(days=1)))  # a new day starts a new week's column
    assert tomorrow.count("<rect") == 364 + (today + timedelta(days=1)).weekday() + 1


@pytest.fixture
def studied(app):
    """Four items: one answered wrong a minute ago (new), one learnt then forgotten a minute ago,
    one answered Good every few days for weeks, one rated Good once today."""
    from quizapp.review import services as review

    now = utcnow()
    with app.app_context():
        topic = make_topic("war")
        questions = [make_question(topic, "true_false") for _ in range(4)]
        for n, question in enumerate(questions):
            question.current_version.source_page = question.source_page = 231 + n
        user = make_user()
        db.session.flush()
        version = {q.id: q.current_version_id for q in questions}
        wrong, forgotten, solid, once = (q.id for q in questions)

        def rate(question_id, rating, when):
            review.rate(user.id, question_id, version[question_id], rating, when)

        rate(wrong, 1, now - timedelta(minutes=1))
        moment = now - timedelta(days=60)
        for question_id in (forgotten, solid):
            day = moment
            for gap in (0, 1, 3, 7, 15, 30):
                day += timedelta(days=gap)
                rate(question_id, 3, day)
        rate(forgotten, 1, now - timedelta(minutes=1))
        rate(once, 3, now - timedelta(minutes=5))
        db.session.commit()
        return {"user": user.id, "now": now, "wrong": wrong, "forgotten": forgotten, "solid": solid, "once": once}


def test_an_item_answered_wrong_is_never_mastered_at_any_moment(app, studied):
    """Right after a failure predicted recall is ~100%; mastery must still say no, now and an hour later."""
    with app.app_context():
        for later in (timedelta(0), timedelta(hours=1), timedelta(hours=20)):
            pages = {c.page: c for c in knowledge.knowledge_map(studied["user"], studied["now"] + later)}
            assert pages[231].mastered == 0  # answered wrong a minute ago
            assert pages[232].mastered == 0  # forgotten a minute ago after weeks of Good
            assert pages[234].mastered == 0  # rated Good once: still being learnt


def test_an_item_reviewed_good_many_times_over_weeks_is_mastered(app, studied):
    with app.app_context():
        pages = {c.page: c for c in knowledge.knowledge_map(studied["user"], studied["now"])}
        mastery = knowledge.topic_mastery(knowledge.studied(studied["user"], studied["now"]))
    assert pages[233].mastered == 1
    assert [(m.mastered, m.items) for m in mastery] == [(1, 4)]


def test_weakest_items_put_the_failed_first_and_say_what_the_number_means(app, studied):
    with app.app_context():
        weak = services.weakest_items(studied["user"], studied["now"])
        ids = [w.question_id for w in weak]
        statuses = {w.question_id: w.status for w in weak}
    assert set(ids[:3]) == {studied["wrong"], studied["forgotten"], studied["once"]}
    assert ids[-1] == studied["solid"]
    assert statuses[studied["wrong"]] == statuses[studied["forgotten"]] == "answered wrong last time"
    assert statuses[studied["once"]] == "still being learnt"
    assert statuses[studied["solid"]].startswith("recall now ")


def test_the_dashboard_says_what_mastered_means(app, client, auth, studied):
    with app.app_context():
        from quizapp.auth.models import User

        email = db.session.get(User, studied["user"]).email
    auth.signin(email, DEFAULT_PASSWORD)
    page = client.get("/progress").get_data(as_text=True)
    assert "7 days from now" in page and "answered wrong last time" in page


def test_map_cells_use_the_scale_and_unstudied_pages_are_neutral(app, client, auth, studied):
    with app.app_context():
        from quizapp.auth.models import User

        email = db.session.get(User, studied["user"]).email
        make_question(make_topic("other", position=2), "true_false").source_page = 240
        db.session.commit()
    auth.signin(email, DEFAULT_PASSWORD)
    page = client.get("/progress/map").get_data(as_text=True)
    cell = {int(n): css for css, n in re.findall(r'class="page-cell (bin-\w+)" title="Page (\d+)', page)}
    assert cell[231] == "bin-0"  # studied, nothing mastered: the lightest green, not red
    assert cell[233] == "bin-4"  # its one item mastered
    assert cell[240] == "bin-none"  # an item nobody has studied yet
    assert "not studied yet" in page
