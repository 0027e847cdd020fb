"""Exam mode: caps that carry each item to the target on the exam morning, paced new items, one plan at a
time, scope limited to what is open to study, rebuild reproducing the caps, the plan page, the teacher's
exam date, the home page's order, the test clock, and the simulator that proves it all works."""

import re
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from quizapp.auth.models import User
from quizapp.bank.models import Question
from quizapp.classes.models import Assignment
from quizapp.extensions import db
from quizapp.models import utcnow
from quizapp.quiz.replay import rebuild
from quizapp.review import exam, scheduling, services
from quizapp.review.models import Card, ExamPlan, ReviewLog
from tests.factories import DEFAULT_PASSWORD, build_targets, make_bank, make_card, make_question, make_topic, make_user

NOW = datetime(2027, 3, 1, 18, 0, tzinfo=UTC)


def learnt(stability: float, due_in: float, now: datetime = NOW) -> scheduling.Memory:
    """A card in review, last reviewed `now`, with this stability and FSRS due date."""
    return scheduling.Memory(scheduling.REVIEW, None, stability, 5.0, now + timedelta(days=due_in), now, 4, 0)


def exam_in(days: int, now: datetime = NOW) -> datetime:
    return exam.exam_morning((now + timedelta(days=days)).date(), "UTC")


# --- the cap, on hand-built cards ------------------------------------------------------------------


def test_a_card_that_would_pass_the_exam_below_target_is_due_on_the_first_day_one_review_carries_it(app):
    memory, exam_at = learnt(20.0, 20), exam_in(14)
    assert scheduling.retrievability(memory, exam_at) < 0.95  # left alone, it misses the target
    due = exam.capped_due("1:1", memory, NOW, exam_at, 0.95)
    assert due is not None and NOW < due < exam_at and (exam_at - due) % timedelta(days=1) == timedelta(0)
    good = scheduling.review("1:1", memory, 3, due)
    assert scheduling.retrievability(good, exam_at) >= 0.95
    earlier = scheduling.review("1:1", memory, 3, due - timedelta(days=1))
    assert due - timedelta(days=1) <= NOW or scheduling.retrievability(earlier, exam_at) < 0.95


def test_cards_left_alone_by_the_cap(app):
    exam_at = exam_in(14)
    assert exam.capped_due("1:1", learnt(3.0, 3), NOW, exam_at, 0.95) is None  # FSRS brings it back in time
    assert exam.capped_due("1:1", learnt(3000.0, 400), NOW, exam_at, 0.95) is None  # sure to be recalled
    learning = scheduling.Memory(scheduling.LEARNING, 1, 2.0, 5.0, NOW + timedelta(minutes=10), NOW, 1, 0)
    assert exam.capped_due("1:1", learning, NOW, exam_at, 0.95) is None  # back within the day anyway
    assert exam.capped_due("1:1", learnt(20.0, 20), exam_at + timedelta(hours=2), exam_at, 0.95) is None


def test_a_card_no_single_review_can_carry_is_due_tomorrow(app):
    memory, exam_at = learnt(0.5, 30), exam_in(3)
    due = exam.capped_due("1:1", memory, NOW, exam_at, 0.99)
    assert due == exam.exam_morning((NOW + timedelta(days=1)).date(), "UTC")


# --- setting a plan ---------------------------------------------------------------------------------


@pytest.fixture
def learner(app):
    with app.app_context():
        make_bank(per_type=1)
        user = make_user(email="learner@example.org")
        return user.id


def test_past_and_present_dates_are_refused_and_one_exam_runs_at_a_time(app, learner):
    with app.app_context():
        for day in (NOW.date() - timedelta(days=3), NOW.date()):
            with pytest.raises(exam.ExamError, match="after today"):
                exam.set_plan(learner, "UTC", day, 0.9, exam.Scope(), NOW)
        with pytest.raises(exam.ExamError, match="between 80% and 99%"):
            exam.set_plan(learner, "UTC", NOW.date() + timedelta(days=5), 0.5, exam.Scope(), NOW)
        plan = exam.set_plan(learner, "UTC", NOW.date() + timedelta(days=5), 0.9, exam.Scope(), NOW)
        assert plan.exam_at == datetime(2027, 3, 6, 4, 0, tzinfo=UTC)
        with pytest.raises(exam.ExamError, match="already have an exam"):
            exam.set_plan(learner, "UTC", NOW.date() + timedelta(days=9), 0.9, exam.Scope(), NOW)
        after_exam_day = plan.exam_at + timedelta(days=1, minutes=1)
        assert exam.running_plan(learner, after_exam_day) is None  # the plan ends once its day has passed
        again = exam.set_plan(
            learner, "UTC", after_exam_day.date() + timedelta(days=5), 0.9, exam.Scope(), after_exam_day
        )
        assert again.id == plan.id and again.ended_at is None
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ExamPlan)) == 1


def test_the_scope_is_only_what_is_open_to_study(app):
    with app.app_context():
        teacher = make_user(role="teacher", email="teacher@example.org")
        targets = build_targets(teacher.id, "teacher")
        pupil, set_id = targets["member"], targets["own_set"]
        later = NOW.date() + timedelta(days=10)
        db.session.get(Assignment, targets["assignment"]).due_at = NOW + timedelta(days=30)  # a quiz still to take
        with pytest.raises(exam.ExamError, match="open to you for study"):  # assigned as a quiz: not open as a deck
            exam.set_plan(pupil, "UTC", later, 0.9, exam.Scope("set", str(set_id)), NOW)
        with pytest.raises(exam.ExamError, match="topics"):
            exam.set_plan(pupil, "UTC", later, 0.9, exam.Scope("topic", "no-such-topic"), NOW)
        stranger = make_user(email="stranger@example.org")
        db.session.get(Assignment, targets["assignment"]).kind = "review"
        with pytest.raises(exam.ExamError, match="open to you for study"):
            exam.set_plan(stranger.id, "UTC", later, 0.9, exam.Scope("set", str(set_id)), NOW)
        plan = exam.set_plan(pupil, "UTC", later, 0.9, exam.Scope("set", str(set_id)), NOW)
        assert exam.in_scope(plan, targets["own_question"]) and exam.in_scope(plan, targets["curated_question"])


# --- caps on real ratings, and rebuild ------------------------------------------------------------------


def rate(user_id, question, rating, when):
    services.rate(user_id, question.id, question.current_version_id, rating, when)
    db.session.commit()


def test_ratings_in_scope_are_capped_recorded_and_rebuilt_exactly(app):
    with app.app_context():
        user = make_user(email="learner@example.org")
        war, split = make_topic("war"), make_topic("split", position=1)
        inside = [make_question(war, "flashcard") for _ in range(3)]
        outside = make_question(split, "flashcard")
        db.session.commit()
        exam.set_plan(user.id, "UTC", date(2027, 3, 12), 0.98, exam.Scope("topic", "war"), NOW - timedelta(days=11))
        db.session.commit()
        for day in (-10, -9, 0):
            for question in (*inside, outside):
                rate(user.id, question, 3, NOW + timedelta(days=day))
        cards = {c.question_id: c for c in db.session.scalars(sa.select(Card).where(Card.user_id == user.id))}
        exam_at = exam.exam_morning(date(2027, 3, 12), "UTC")
        for question in inside:  # each is either sure of the target or due again before the exam
            card = cards[question.id]
            assert scheduling.retrievability(card.memory, exam_at) >= 0.98 or card.due < exam_at - timedelta(days=1)
        capped = db.session.scalars(
            sa.select(ReviewLog).where(ReviewLog.after["exam_cap"].as_string().is_not(None))
        ).all()
        assert capped and {log.question_id for log in capped} <= {q.id for q in inside}
        for log in capped:
            assert datetime.fromisoformat(log.after["due"]) == datetime.fromisoformat(log.after["exam_cap"])
        last = db.session.scalars(sa.select(ReviewLog).where(ReviewLog.question_id == outside.id)).all()[-1]
        fsrs = scheduling.review(
            scheduling.fuzz_key(user.id, outside.id), scheduling.Memory.from_dict(last.before), 3, NOW
        )
        assert cards[outside.id].due == fsrs.due > exam_at  # out of scope: FSRS's own date, past the exam
        before = {qid: (c.due, c.stability) for qid, c in cards.items()}
        logs_before = {log.id: log.after for log in db.session.scalars(sa.select(ReviewLog))}
        exam.end_plan(user.id, NOW + timedelta(hours=1))  # ended plans do not change what was recorded
        for card in cards.values():
            card.due = NOW + timedelta(days=999)  # scramble, so rebuild must recompute
        db.session.commit()
        rebuild(user.id)
        db.session.commit()
        db.session.expire_all()
        rebuilt = {c.question_id: (c.due, c.stability) for c in db.session.scalars(sa.select(Card))}
        assert rebuilt == before
        assert {log.id: log.after for log in db.session.scalars(sa.select(ReviewLog))} == logs_before


def test_after_the_exam_nothing_more_is_capped(app):
    with app.app_context():
        user = make_user(email="learner@example.org")
        question = make_question(make_topic("war"), "flashcard")
        db.session.commit()
        exam.set_plan(user.id, "UTC", date(2027, 3, 4), 0.95, exam.Scope(), NOW)
        db.session.commit()
        for day in (0, 1, 3, 8, 20):
            rate(user.id, question, 3, NOW + timedelta(days=day))
        logs = db.session.scalars(sa.select(ReviewLog).order_by(ReviewLog.reviewed_at)).all()
        assert all("exam_cap" not in log.after for log in logs[3:])  # after 4 March: ordinary scheduling


# --- pacing new items -----------------------------------------------------------------------------------


def test_new_items_come_at_the_pace_the_exam_needs_and_in_scope_first(app):
    with app.app_context():
        user = make_user(email="learner@example.org")
        war, split = make_topic("war"), make_topic("split", position=1)
        for _ in range(3):
            make_question(split, "flashcard").source_page = 225  # earlier in the article than the war items
        for _ in range(60):
            make_question(war, "flashcard")
        db.session.commit()
        settings = services.settings_for(user.id)
        assert services.build_queue(user.id, services.Deck(), NOW, settings, "UTC").counts.new == 20
        exam.set_plan(user.id, "UTC", date(2027, 3, 6), 0.9, exam.Scope("topic", "war"), NOW)
        db.session.commit()
        queue = services.build_queue(user.id, services.Deck(), NOW, settings, "UTC")
        # 60 new items, 5 days to the exam, the last 3 kept for reviewing them: 30 a day today and tomorrow
        assert queue.counts.new == 30
        assert queue.new_question.topic_id == war.id
        settings.reviews_per_day = 80  # the pace is bounded by the review budget: 80 / 4 = 20 new a day
        assert services.build_queue(user.id, services.Deck(), NOW, settings, "UTC").counts.new == 20


# --- pages ---------------------------------------------------------------------------------------------


def test_the_plan_page_shows_days_left_workload_forecast_and_when_it_cannot_be_met(app, client, auth):
    user_id, _ = auth.login()
    with app.app_context():
        war = make_topic("war")
        questions = [make_question(war, "flashcard") for _ in range(40)]
        db.session.commit()
        for question in questions[:10]:
            rate(user_id, question, 3, utcnow() - timedelta(days=2))
    page = client.get("/review/exam").get_data(as_text=True)
    assert "Set an exam" in page
    refused = client.post("/review/exam", data={"exam_on": "2001-01-01", "target": "95", "scope": "all"})
    assert refused.status_code == 400 and "Choose an exam date after today." in refused.get_data(as_text=True)
    soon = (utcnow() - timedelta(hours=4)).date() + timedelta(days=10)
    assert (
        client.post("/review/exam", data={"exam_on": soon.isoformat(), "target": "95", "scope": "all"}).status_code
        == 302
    )
    page = client.get("/review/exam").get_data(as_text=True)
    assert 'data-days-left="10"' in page and "the whole article" in page and 'id="plan-feasible"' in page
    rows = re.findall(r"<tr><th scope=\"row\">[^<]+</th><td>(\d+)</td><td>(\d+)</td></tr>", page)
    assert len(rows) == 10 and sum(int(new) for _, new in rows) == 30  # every new item before the last 3 days
    forecast = re.search(r"War</th><td>40</td><td>(\d+)%</td><td>(\d+)%</td>", page)
    assert forecast and int(forecast.group(1)) < 25 < 95 <= int(forecast.group(2))
    second = client.post("/review/exam", data={"exam_on": soon.isoformat(), "target": "90", "scope": "all"})
    assert second.status_code == 400 and "already have an exam" in second.get_data(as_text=True)
    client.post("/review/settings", data={"desired_retention": "0.9", "new_per_day": "1", "reviews_per_day": "8"})
    page = client.get("/review/exam").get_data(as_text=True)
    assert "The plan cannot be met at your current limits." in page
    assert "needs 5 new items a day, and your limits allow 2" in page and "Raise your reviews per day to 20" in page
    client.post("/review/exam/end")
    assert "Set an exam" in client.get("/review/exam").get_data(as_text=True)


def test_a_teachers_exam_date_is_shown_to_students_who_can_adopt_it(app, client):
    with app.app_context():
        teacher = make_user(role="teacher", email="teacher@example.org")
        targets = build_targets(teacher.id, "teacher")
        pupil = db.session.get(User, targets["member"]).email
        exam_day = (utcnow() + timedelta(days=20)).date()
        db.session.get(Assignment, targets["assignment"]).exam_on = exam_day  # an exam on a set assigned as a quiz
        db.session.commit()
    client.post("/auth/signin", data={"email": pupil, "password": DEFAULT_PASSWORD})
    quiz = client.get(f"/review/exam?assignment={targets['assignment']}").get_data(as_text=True)
    assert "a quiz you may still take, not yet open for study" in quiz and '<option selected value="all">' in quiz
    client.post("/auth/signout")
    client.post("/auth/signin", data={"email": "teacher@example.org", "password": DEFAULT_PASSWORD})
    base = {"set_id": targets["own_set"], "kind": "review"}
    past = client.post(f"/teach/classes/{targets['own_class']}/assign", data=base | {"exam_on": "2020-01-01"})
    assert past.status_code == 400 and "Choose an exam date after today." in past.get_data(as_text=True)
    client.post(f"/teach/classes/{targets['own_class']}/assign", data=base | {"exam_on": exam_day.isoformat()})
    assert f"exam {exam_day:%d %b}" in client.get(f"/teach/classes/{targets['own_class']}").get_data(as_text=True)
    with app.app_context():  # the pupil knows one of the set's two items well
        card = make_card(targets["member"], db.session.get(Question, targets["curated_question"]))
        card.stability, card.last_review = 1000.0, utcnow()
        db.session.commit()
    readiness = " ".join(client.get(f"/teach/classes/{targets['own_class']}/progress").get_data(as_text=True).split())
    assert f"Readiness for the exam on {exam_day:%d %b %Y}: Owner&#39;s set" in readiness
    assert "<strong>0</strong> of 1 student would recall at least 90% of the set's 2 items" in readiness
    assert re.search(r"mean predicted recall is <strong>(49|50)%</strong>", readiness)
    client.post("/auth/signout")
    client.post("/auth/signin", data={"email": pupil, "password": DEFAULT_PASSWORD})
    home = client.get("/").get_data(as_text=True)
    assert f"exam on {exam_day:%d %b %Y}" in home
    adopt = re.search(r'href="(/review/exam\?assignment=\d+)"', home).group(1)
    form = client.get(adopt).get_data(as_text=True)
    assert f'value="{exam_day.isoformat()}"' in form
    assert re.search(rf'<option selected value="set:{targets["own_set"]}">', form)
    done = client.post(
        "/review/exam", data={"exam_on": exam_day.isoformat(), "target": "90", "scope": f"set:{targets['own_set']}"}
    )
    assert done.status_code == 302
    assert "the set Owner&#39;s set" in client.get("/review/exam").get_data(as_text=True)
    assert client.get("/review/exam?assignment=999999").status_code == 404

    client.post("/auth/signout")
    client.post("/auth/signin", data={"email": "teacher@example.org", "password": DEFAULT_PASSWORD})
    assert client.get(adopt).status_code == 404  # not a member of the class: no such assignment


def test_the_home_page_shows_an_unfinished_quiz_then_todays_plan_then_assignments(app, client):
    with app.app_context():
        teacher = make_user(role="teacher", email="teacher@example.org")
        targets = build_targets(teacher.id, "teacher")
        pupil = db.session.get(User, targets["member"])
        make_question(make_topic("split", position=1), "flashcard")
        db.session.commit()
        email = pupil.email
    client.post("/auth/signin", data={"email": email, "password": DEFAULT_PASSWORD})
    client.post(f"/quiz/assignments/{targets['assignment']}/start")
    soon = (utcnow() - timedelta(hours=4)).date() + timedelta(days=6)
    client.post("/review/exam", data={"exam_on": soon.isoformat(), "target": "90", "scope": "all"})
    home = client.get("/").get_data(as_text=True)
    order = [
        home.find(marker) for marker in ('id="home-unfinished-quiz"', 'id="home-today"', 'id="assignments-heading"')
    ]
    assert -1 not in order and order == sorted(order)
    assert "6 days to your exam" in home and re.search(
        r"<strong>0</strong> reviews due and <strong>2</strong> new", home
    )


# --- the test clock -----------------------------------------------------------------------------------


def test_the_test_clock_moves_only_a_testing_app_that_asks_for_it(make_app):
    moved = {"X-Test-Now": "2031-05-06T07:08:09+00:00"}
    for config, overrides, honoured in (
        ("testing", {"TEST_CLOCK": True}, True),
        ("testing", {}, False),
        ("development", {"TEST_CLOCK": True}, False),
        (
            "production",
            {"TEST_CLOCK": True, "TESTING": True, "SECRET_KEY": "x" * 64, "BASE_URL": "https://quiz.school.example"},
            False,
        ),
    ):
        app = make_app(**overrides) if config == "testing" else None
        if app is None:
            from quizapp import create_app

            app = create_app(config, SQLALCHEMY_DATABASE_URI="sqlite://", **overrides)
        with app.test_request_context("/", headers=moved):
            assert (utcnow().year == 2031) is honoured, config


# --- the simulator --------------------------------------------------------------------------------------


def test_the_simulator_shows_exam_mode_reaching_the_target_for_fewer_reviews(app):
    from quizapp.review.simulate import simulate

    with app.app_context():
        plain, strict, planned = simulate(exam_in=14, items=30, seed=7)
    assert planned.share_at_target >= 0.95
    assert planned.reviews < strict.reviews
    assert plain.share_at_target < planned.share_at_target
    assert planned.max_reviews_a_day <= 200


@pytest.mark.parametrize("size", [100, 3000])
def test_exam_mode_pages_issue_the_same_number_of_queries_whatever_the_bank(app, client, auth, queries, size):
    from tests.test_review_queries import bulk_cards

    user_id, _ = auth.login()
    with app.app_context():
        bulk_cards(user_id, size)
    soon = (utcnow() - timedelta(hours=4)).date() + timedelta(days=12)
    client.post("/review/exam", data={"exam_on": soon.isoformat(), "target": "95", "scope": "topic:war"})
    assert 'data-days-left="12"' in client.get("/review/exam").get_data(as_text=True)
    counts = {}
    for name, url in (("study", "/review/"), ("plan", "/review/exam"), ("home", "/")):
        with queries() as statements:
            assert client.get(url).status_code == 200
        counts[name] = len(statements)
    cards_page = client.get("/review/?kind=flashcards").get_data(as_text=True)
    flashcard = int(re.search(r"reveal=(\d+)", cards_page).group(1))
    revealed = client.get(f"/review/?kind=flashcards&reveal={flashcard}").get_data(as_text=True)
    token = re.search(r'name="token" value="([^"]+)"', revealed).group(1)
    with queries() as statements:
        rated = client.post(
            "/review/rate", data={"question_id": flashcard, "rating": "3", "key": "q" * 32, "token": token}
        )
    assert rated.status_code == 302
    counts["rate"] = len(statements)
    # the review queue's bounds (test_review_queries) plus the plan and its unseen items; a rating's cap
    # may add the scope check and the topic's path
    assert counts["study"] <= 12 and counts["rate"] <= 14 and counts["plan"] <= 9 and counts["home"] <= 20, counts


def test_a_rating_on_the_study_page_is_capped_by_the_plan_read_with_the_learner(app, client, auth):
    """The rating POST uses the settings and exam plan that came with the signed-in user (no statement
    of their own): a plan set in the learner's account caps an Easy rating before the exam, and once the
    plan is ended the same rating follows FSRS alone."""
    user_id, _ = auth.login()
    with app.app_context():
        war = make_topic("war")
        cards = [make_question(war, "flashcard").id for _ in range(2)]
        db.session.commit()
    soon = (utcnow() - timedelta(hours=4)).date() + timedelta(days=4)  # before an Easy card's first due date
    client.post("/review/exam", data={"exam_on": soon.isoformat(), "target": "99", "scope": "all"})

    def rate_easy(question_id):
        revealed = client.get(f"/review/?kind=flashcards&reveal={question_id}").get_data(as_text=True)
        token = re.search(r'name="token" value="([^"]+)"', revealed).group(1)
        data = {"question_id": question_id, "rating": "4", "key": f"{question_id:032d}", "token": token}
        assert client.post("/review/rate", data=data).status_code == 302
        with app.app_context():
            return db.session.scalar(sa.select(ReviewLog.after).where(ReviewLog.question_id == question_id))

    capped = rate_easy(cards[0])
    assert "exam_cap" in capped and datetime.fromisoformat(capped["due"]) < exam.exam_morning(soon, "UTC")
    client.post("/review/exam/end")
    assert "exam_cap" not in rate_easy(cards[1])


def test_a_plan_changed_in_a_get_is_the_sessions_own_even_after_the_settings_were_read(app, learner):
    """A GET reads the settings and the plan as unsaved copies for its pages; the plan a GET ends
    (its exam day has passed) must be the session's own row, or the change would not be saved."""
    user = learner
    with app.app_context():
        exam.set_plan(user, "UTC", NOW.date() + timedelta(days=3), 0.9, exam.Scope(), NOW)
        db.session.commit()
    later = NOW + timedelta(days=10)
    with app.test_request_context("/review/exam"):
        services.settings_for(user)  # the copies a page reads
        copy = exam.plan_of(user)
        stored = exam.plan_of(user, stored=True)
        assert copy not in db.session and stored in db.session
        exam.end_if_passed(stored, later)
        db.session.commit()
    with app.app_context():
        assert exam.plan_of(user).ended_at is not None
