"""The dashboard's and class view's figures, computed the cheaper way, equal what the earlier
definitions gave on data where they could part: ties in recall and in time, cards still being
learnt or relearnt, cards without a stability, retired items, undone reviews, nested topics and
items without a page. The earlier definitions are kept here, as the statements they were."""

from datetime import UTC, date, datetime, time, timedelta
from random import Random

import pytest
import sqlalchemy as sa

from quizapp.bank.models import Question, QuestionStatus, QuestionVersion, Topic
from quizapp.extensions import db
from quizapp.models import utcnow
from quizapp.progress import knowledge, services
from quizapp.progress.memory import REVIEW_STATE, days_since, mastered, recall, recall_sql
from quizapp.review.models import Card, ReviewLog
from tests.factories import insert_reviews, make_question, make_topic, make_user


def _old_weakest(user_id, now, limit):
    learnt = Card.state == REVIEW_STATE
    elapsed = days_since(Card.last_review, now)
    last_rating = (
        sa.select(ReviewLog.rating)
        .where(ReviewLog.card_id == Card.id, ReviewLog.undone_at.is_(None))
        .order_by(ReviewLog.reviewed_at.desc(), ReviewLog.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    rows = db.session.execute(
        sa.select(Question.id, QuestionVersion.prompt, learnt, last_rating, Card.stability, elapsed, Card.last_review)
        .join(Card, sa.and_(Card.question_id == Question.id, Card.user_id == user_id))
        .join(QuestionVersion, QuestionVersion.id == Question.current_version_id)
        .where(Card.reps > 0, Question.status == QuestionStatus.ACTIVE)
        .order_by(learnt, sa.case((learnt, 0.0), else_=elapsed), (elapsed / Card.stability).desc(), Card.id)
        .limit(limit)
    ).all()
    return [(q, p, bool(lt), r, recall(s, d), last) for q, p, lt, r, s, d, last in rows]


def _old_topic_memory(user_ids, now, on):
    roots = knowledge.root_topics()
    root_of = sa.case(*[(Topic.path.startswith(path, autoescape=True), slug) for slug, _, path in roots], else_=None)
    rows = db.session.execute(
        sa.select(
            Card.user_id,
            root_of,
            sa.func.count().filter(mastered(now)),
            sa.func.sum(recall_sql(Card.stability, days_since(Card.last_review, on))),
        )
        .join(Question, Question.id == Card.question_id)
        .join(Topic, Topic.id == Question.topic_id)
        .where(Card.user_id.in_(user_ids), Card.reps > 0, Question.status == QuestionStatus.ACTIVE)
        .group_by(Card.user_id, root_of)
    ).all()
    return {(user, slug): (count, total or 0.0) for user, slug, count, total in rows if slug is not None}


def _old_pages(user_id, now):
    rows = db.session.execute(
        sa.select(Question.source_page, sa.func.count(), sa.func.count().filter(mastered(now)))
        .select_from(Card)
        .join(Question, Question.id == Card.question_id)
        .where(Card.user_id == user_id, Card.reps > 0, Question.status == QuestionStatus.ACTIVE)
        .group_by(Question.source_page)
    ).all()
    return {page: (studied, known) for page, studied, known in rows}


@pytest.fixture
def histories(app):
    """Two learners over nested topics, with many ties: 60 cards each, some on retired items."""
    now = utcnow().replace(microsecond=0)
    rng = Random(18)
    with app.app_context():
        war, split = make_topic("war"), make_topic("split", position=1)
        early, late = make_topic("early", parent=war), make_topic("late", parent=split, position=2)
        make_topic("empty", position=3)
        questions = []
        for n in range(40):
            question = make_question((war, split, early, late)[n % 4], "true_false")
            question.source_page = None if n % 9 == 0 else 225 + n % 5
            if n % 11 == 0:
                question.status = QuestionStatus.RETIRED
            questions.append(question)
        users = [make_user().id, make_user().id]
        moments = [now - timedelta(days=d) for d in (0.01, 1, 3, 3, 8)]  # equal last reviews on purpose
        for user in users:
            for question in questions[: 30 + 5 * users.index(user)]:
                state = rng.choice((1, 2, 2, 2, 3))
                card = Card(
                    user_id=user,
                    question_id=question.id,
                    state=state,
                    stability=None if state == 1 and rng.random() < 0.3 else rng.choice((1.0, 4.0, 10.0, 10.0, 30.0)),
                    difficulty=5.0,
                    due=now + timedelta(days=rng.choice((-2, 1, 5))),
                    last_review=rng.choice(moments),
                    reps=0 if rng.random() < 0.05 else 3,
                    lapses=0,
                )
                db.session.add(card)
                db.session.flush()
                for step in range(rng.randint(0, 3)):
                    db.session.add(
                        ReviewLog(
                            user_id=user,
                            card_id=card.id,
                            question_id=question.id,
                            version_id=question.current_version_id,
                            rating=rng.randint(1, 4),
                            reviewed_at=card.last_review - timedelta(days=step % 2),  # ties in time too
                            origin="review",
                            before={"state": 2} if step else None,
                            after={},
                            undone_at=now if rng.random() < 0.3 else None,
                        )
                    )
        db.session.commit()
    return {"users": users, "now": now}


@pytest.mark.parametrize("later", [timedelta(0), timedelta(hours=5), timedelta(days=6)])
def test_weakest_items_are_the_ones_the_earlier_statement_chose(app, histories, later):
    now = histories["now"] + later
    with app.app_context():
        for user in histories["users"]:
            for limit in (1, 8, 100):
                new = [
                    (w.question_id, w.prompt, w.learnt, w.last_rating, w.recall, w.last_review)
                    for w in services.weakest_items(user, now, limit)
                ]
                assert new == _old_weakest(user, now, limit)


@pytest.mark.parametrize("later", [timedelta(0), timedelta(days=2, hours=23), timedelta(days=30)])
def test_mastery_and_the_knowledge_map_add_up_to_the_earlier_figures(app, histories, later):
    now = histories["now"] + later
    with app.app_context():
        for user in histories["users"]:
            groups = knowledge.studied(user, now)
            old = _old_topic_memory([user], now, now)
            assert [(m.slug, m.mastered) for m in knowledge.topic_mastery(groups)] == [
                (slug, old.get((user, slug), (0, 0.0))[0]) for slug, _, _ in knowledge.root_topics()
            ]
            pages = _old_pages(user, now)
            assert [(c.page, c.studied, c.mastered) for c in knowledge.page_cells(groups)] == [
                (page, *pages.get(page, (0, 0))) for page in range(knowledge.FIRST_PAGE, knowledge.LAST_PAGE + 1)
            ]
            assert knowledge.knowledge_map(user, now) == knowledge.page_cells(groups)


def test_the_class_views_memory_by_topic_adds_up_to_the_earlier_figures(app, histories):
    now = histories["now"]
    with app.app_context():
        totals = dict(knowledge.summary.per_root([(slug, path) for slug, _, path in knowledge.root_topics()]))
        for on in (now + timedelta(days=1), now + timedelta(days=40)):
            users = histories["users"]
            mastery, predicted = knowledge.topic_memory(users, now, on)
            old = _old_topic_memory(users, now, on)
            for user in users:
                assert [m.mastered for m in mastery[user]] == [
                    old.get((user, slug), (0, 0.0))[0] for slug, _, _ in knowledge.root_topics()
                ]
                for slug, total in totals.items():
                    earlier = old.get((user, slug), (0, 0.0))[1] / total
                    assert predicted[user][slug] == pytest.approx(earlier, rel=1e-12)
                    assert round(100 * predicted[user][slug]) == round(100 * earlier)  # as the page shows it


def _old_reviews_by_day(user_id, now, zone):
    day = services._day_column(ReviewLog.reviewed_at)
    rows = db.session.execute(
        sa.select(day, sa.func.count())
        .where(
            ReviewLog.user_id == user_id,
            ReviewLog.undone_at.is_(None),
            ReviewLog.reviewed_at >= now - timedelta(days=372),
        )
        .group_by(day),
        {"day_shift": services._shift_value(services._day_shift(zone, now))},
    ).all()
    return {date.fromisoformat(str(day)): n for day, n in rows}


def _old_retention_by_week(user_id, now, zone):
    day = services._day_column(ReviewLog.reviewed_at)
    rows = db.session.execute(
        sa.select(day, sa.func.count().filter(ReviewLog.rating > 1), sa.func.count())
        .where(
            ReviewLog.user_id == user_id,
            ReviewLog.undone_at.is_(None),
            ReviewLog.before.is_not(None),
            ReviewLog.reviewed_at >= now - timedelta(weeks=12),
        )
        .group_by(day),
        {"day_shift": services._shift_value(services._day_shift(zone, now))},
    ).all()
    weeks = {}
    for value, ok, total in rows:
        start = date.fromisoformat(str(value))
        start -= timedelta(days=start.weekday())
        counts = weeks.setdefault(start, [0, 0])
        counts[0], counts[1] = counts[0] + ok, counts[1] + total
    return [(start, ok, total) for start, (ok, total) in sorted(weeks.items())]


ZONES = ["UTC", "Asia/Kathmandu", "America/St_Johns", "Pacific/Kiritimati", "Pacific/Pago_Pago", "Europe/Paris"]


@pytest.fixture
def reviews(app):
    """A learner's 1,500 reviews over 400 days, some undone, some of new cards, and many on the edges:
    at a learning day's first moment and a millisecond before it, at the first moment counted and just
    before. In whole milliseconds: SQLite's date() rounds to the millisecond (see the test below)."""
    now = utcnow().replace(microsecond=0)
    rng = Random(372)
    with app.app_context():
        card, question = _reviewer(now)
        moments = [now - timedelta(milliseconds=rng.randrange(400 * 86_400_000)) for _ in range(1500)]
        for zone in ZONES:
            for back in rng.sample(range(0, 371), 20):
                start = _day_start(zone, now, back)
                moments += [start, start - timedelta(milliseconds=1)]
        for edge in (now - timedelta(days=372), now - timedelta(weeks=12)):
            moments += [edge, edge - timedelta(milliseconds=1), edge + timedelta(milliseconds=1)]
        insert_reviews(card, question, (_review(moment, rng, now) for moment in moments))
        db.session.commit()
        return {"user": card.user_id, "now": now}


def _day_start(zone, now, back):
    """The first moment of the learning day `back` days before today's, as the dashboard counts days."""
    shift = services._day_shift(zone, now)
    return (datetime.combine((now + shift).date() - timedelta(days=back), time()) - shift).replace(tzinfo=UTC)


def _reviewer(now):
    """A new learner with one learnt card, whose reviews the tests write."""
    question = make_question(make_topic("war"), "true_false")
    card = Card(user_id=make_user().id, question_id=question.id, state=2, stability=5.0, difficulty=5.0, reps=3)
    card.due, card.last_review = now, now - timedelta(days=1)
    db.session.add(card)
    db.session.flush()
    return card, question


def _review(moment, rng, undone_at):
    return {
        "rating": rng.randint(1, 4),
        "reviewed_at": moment,
        "before": None if rng.random() < 0.1 else {"state": 2},
        "undone_at": undone_at if rng.random() < 0.1 else None,
    }


@pytest.fixture(params=["grouped", "ranges"])
def history(request, monkeypatch):
    """Both ways of counting reviews per day: grouped by day (a short history) and by index ranges."""
    if request.param == "ranges":
        monkeypatch.setattr(services, "SHORT_HISTORY_ITEMS", -1)
    return request.param


@pytest.mark.parametrize("zone", ZONES)
def test_reviews_by_day_and_retention_by_week_are_the_earlier_figures(app, reviews, zone, history):
    with app.app_context():
        for later in (timedelta(0), timedelta(hours=5), timedelta(days=3, hours=13)):
            now = reviews["now"] + later
            board = services.dashboard(reviews["user"], now, zone)
            assert board.reviews_by_day == _old_reviews_by_day(reviews["user"], now, zone)
            assert board.retention_by_week == _old_retention_by_week(reviews["user"], now, zone)


def test_a_learning_day_starts_on_its_first_microsecond_on_both_databases(app, history):
    """PostgreSQL always counted so; SQLite's date() rounded 03:59:59.9996 up to the next day."""
    now = utcnow()
    with app.app_context():
        card, question = _reviewer(now)
        start = _day_start("UTC", now, 2)
        insert_reviews(
            card, question, ({"rating": 3, "reviewed_at": at} for at in (start - timedelta(microseconds=400), start))
        )
        db.session.commit()
        days = services.dashboard(card.user_id, now, "UTC").reviews_by_day
    day = services.local_day(start, "UTC")
    assert days == {day - timedelta(days=1): 1, day: 1}


@pytest.mark.parametrize("zone", ["UTC", "Asia/Kathmandu", "America/St_Johns"])
@pytest.mark.parametrize("few_items", [200, 0])  # cards looked up by item, or read per student
def test_class_readiness_for_an_exam_is_what_py_fsrs_predicted_card_by_card(app, monkeypatch, zone, few_items):
    """The earlier definition: `scheduling.retrievability` of each card, summed per student in Python.
    Cards last reviewed a whole number of days before the exam morning, a microsecond either side,
    half a millisecond before; cards without a stability; students without cards."""
    from quizapp.authoring.models import QuestionSet, SetItem
    from quizapp.classes import services as classes
    from quizapp.progress import readiness
    from quizapp.review import scheduling
    from quizapp.review.exam import exam_morning

    now = utcnow()
    rng = Random(9)
    with app.app_context():
        teacher = make_user(role="teacher")
        topic = make_topic("war")
        questions = [make_question(topic, "true_false") for _ in range(6)]
        question_set = QuestionSet(owner_id=teacher.id, name="Exam set", created_at=now, updated_at=now)
        db.session.add(question_set)
        db.session.flush()
        db.session.add_all(
            SetItem(set_id=question_set.id, question_id=q.id, position=n) for n, q in enumerate(questions[:5])
        )
        classroom = classes.create_class(teacher.id, "Exam class", now)
        assignment = classes.assign(classroom, question_set, "review", None, None, now)
        assignment.exam_on = (now + timedelta(days=9)).date()
        moment = exam_morning(assignment.exam_on, zone)
        students = [make_user().id for _ in range(8)]
        for student in students[:-1]:
            for question in questions:
                days = rng.randint(0, 40)
                last = (
                    moment
                    - timedelta(days=days)
                    + rng.choice(
                        (
                            timedelta(0),
                            timedelta(microseconds=1),
                            -timedelta(microseconds=1),
                            -timedelta(microseconds=500),
                        )
                    )
                )
                card = Card(user_id=student, question_id=question.id, state=rng.choice((1, 2, 3)), difficulty=5.0)
                card.stability = None if rng.random() < 0.1 else rng.choice((0.5, 3.0, 12.0, 70.0))
                card.due, card.last_review, card.reps = now, min(last, now), 0 if rng.random() < 0.1 else 4
                db.session.add(card)
        db.session.commit()

        monkeypatch.setattr(readiness, "FEW_ITEMS", few_items)
        [ready] = readiness.class_exams([(assignment, question_set)], students, now.date(), zone)
        earlier = dict.fromkeys(students, 0.0)
        cards = db.session.scalars(
            sa.select(Card).where(
                Card.user_id.in_(students), Card.reps > 0, Card.question_id.in_([q.id for q in questions[:5]])
            )
        )
        for card in cards:
            earlier[card.user_id] += scheduling.retrievability(card.memory, moment)
    assert ready.items == 5 and set(ready.per_student) == set(students)
    for student in students:
        assert ready.per_student[student] == pytest.approx(earlier[student] / 5, rel=1e-12, abs=1e-15)
        assert round(100 * ready.per_student[student]) == round(100 * earlier[student] / 5)
    assert ready.ready == sum(1 for total in earlier.values() if total / 5 >= ready.mark)


def test_a_share_falls_in_the_bin_it_fell_in():
    from quizapp.progress.charts import BINS, bin_of

    edges = [low + d for low, *_ in BINS for d in (-2e-9, -1e-9, -5e-10, 0.0, 5e-10, 1e-9) if low + d >= -1e-9]
    for fraction in [n / 997 for n in range(998)] + edges + [1.0, 1.5]:
        assert bin_of(fraction) == max(n for n, (low, *_) in enumerate(BINS) if fraction >= low - 1e-9)
    assert bin_of(None) is None
