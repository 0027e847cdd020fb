"""The signed-in home page: unfinished work first, then today's plan, then assignments in words."""

import re
from datetime import timedelta

import sqlalchemy as sa

from quizapp.auth.models import User
from quizapp.classes.services import Results, store_results
from quizapp.extensions import db
from quizapp.models import utcnow
from quizapp.quiz import services as quiz_services
from quizapp.quiz.models import QuizAttempt
from tests.factories import DEFAULT_PASSWORD, build_targets, make_attempt, make_user


def test_an_unfinished_test_and_quiz_come_first_each_with_a_resume_link(app, client, auth):
    user_id, _ = auth.login()
    with app.app_context():
        finished = make_attempt(user_id, seed=1)
        quiz_services.finish_attempt(finished, utcnow())
        timed_out = make_attempt(user_id, mode="test", time_limit=5, seed=2)
        timed_out.started_at, timed_out.deadline = utcnow() - timedelta(hours=2), utcnow() - timedelta(hours=1)
        db.session.commit()
        test = make_attempt(user_id, mode="test", time_limit=30, seed=3).id
        quiz = make_attempt(user_id, seed=4).id
    home = client.get("/").get_data(as_text=True)
    order = [
        home.find(marker)
        for marker in (
            "</h1>",
            'id="home-unfinished-test"',
            'id="home-unfinished-quiz"',
            "Below is what",
            'id="home-today"',
        )
    ]
    assert -1 not in order and order == sorted(order), order
    assert f'href="/quiz/{test}">Resume<span class="visually-hidden"> your test</span>' in home
    assert f'href="/quiz/{quiz}">Resume<span class="visually-hidden"> your quiz</span>' in home
    assert "0 of 5 answered; time is up at" in home
    assert home.count(">Resume<") == 2  # the finished quiz and the test whose time is up are not offered


def test_behind_a_newer_test_whose_time_is_up_and_a_newer_finished_quiz_the_older_open_ones_are_offered(
    app, client, auth
):
    user_id, _ = auth.login()
    with app.app_context():
        test = make_attempt(user_id, mode="test", time_limit=60, seed=1).id
        quiz = make_attempt(user_id, seed=2).id
        timed_out = make_attempt(user_id, mode="test", time_limit=5, seed=3)
        timed_out.started_at, timed_out.deadline = utcnow() - timedelta(hours=2), utcnow() - timedelta(hours=1)
        quiz_services.finish_attempt(make_attempt(user_id, seed=4), utcnow())
        db.session.commit()
    home = client.get("/").get_data(as_text=True)
    assert f'href="/quiz/{test}">Resume<span class="visually-hidden"> your test</span>' in home
    assert f'href="/quiz/{quiz}">Resume<span class="visually-hidden"> your quiz</span>' in home
    assert home.count(">Resume<") == 2


def test_with_nothing_unfinished_the_home_page_starts_with_the_plan(app, client, auth):
    user_id, _ = auth.login()
    with app.app_context():
        attempt = make_attempt(user_id)
        quiz_services.finish_attempt(attempt, utcnow())
        db.session.commit()
    home = client.get("/").get_data(as_text=True)
    assert "home-unfinished" not in home and ">Resume<" not in home
    assert 'id="home-today"' in home


def test_assigned_quizzes_say_not_started_or_count_attempts_in_words(app, client):
    with app.app_context():
        teacher = make_user(role="teacher", email="teacher@example.org")
        targets = build_targets(teacher.id, "teacher")
        pupil = db.session.get(User, targets["member"])
        email, pupil_id = pupil.email, pupil.id
    client.post("/auth/signin", data={"email": email, "password": DEFAULT_PASSWORD})

    def attempts_line() -> str:
        home = client.get("/").get_data(as_text=True)
        return re.sub(r"\s+", " ", home[home.index('id="assignments-heading"') :])

    assert "· Not started" in attempts_line() and "0 attempts" not in attempts_line()
    for count, words in ((1, "· 1 attempt,"), (3, "· 3 attempts,")):
        with app.app_context():
            store_results({(targets["assignment"], pupil_id): Results(attempts=count, best_percent=60.0)})
            db.session.commit()
        assert f"{words} best 60%" in attempts_line()


def test_the_home_page_reads_unfinished_work_in_a_fixed_number_of_queries(app, client, auth, queries):
    user_id, _ = auth.login()
    with app.app_context():
        for seed in range(6):
            make_attempt(user_id, mode="test" if seed % 2 else "practice", seed=seed)
        assert db.session.scalar(sa.select(sa.func.count(QuizAttempt.id))) == 6
    client.get("/")
    with queries() as few:
        client.get("/")
    with app.app_context():
        for seed in range(6, 12):
            make_attempt(user_id, mode="test" if seed % 2 else "practice", seed=seed)
    with queries() as many:
        client.get("/")
    assert len(many) == len(few)


def test_the_learner_s_settings_come_with_the_user_and_set_today_s_new_items(app, client, auth, queries):
    """The review settings and exam plan are read in the statement that loads the signed-in user,
    not by one of their own, and what the page then shows obeys them (three new items a day)."""
    from quizapp.review.models import ReviewSettings
    from tests.factories import make_bank

    user_id, _ = auth.login()
    with app.app_context():
        make_bank(per_type=2)
        db.session.add(ReviewSettings(user_id=user_id, desired_retention=0.9, new_per_day=3, reviews_per_day=50))
        db.session.commit()
    client.get("/")
    with queries() as statements:
        page = client.get("/").get_data(as_text=True)
    assert re.search(r"Today: <strong>0</strong> reviews due and <strong>3</strong> new items", page), page
    assert "review_settings" in statements[0] and "exam_plans" in statements[0]  # with the user
    assert [s for s in statements[1:] if "review_settings" in s or "exam_plans" in s] == []
