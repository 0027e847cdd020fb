"""322 script-injection payloads through every authored field, and every page that shows them:
none may come out as live markup (checked by parsing the HTML)."""

import re

import pytest
import sqlalchemy as sa

from quizapp.auth.models import User
from quizapp.authoring.models import QuestionSet, SetItem
from quizapp.bank.models import QuestionVersion
from quizapp.classes.models import Assignment, Classroom, Enrolment
from quizapp.extensions import db
from quizapp.markdown import RENDERER_VERSION
from quizapp.models import utcnow
from quizapp.quiz import services as quiz
from tests import security_summary
from tests.factories import make_question, make_topic, make_user
from tests.html_checks import live_markup
from tests.xss_payloads import PAYLOADS

PAGE_TAGS = frozenset({"meta", "link", "form", "svg"})  # the app's own markup
# Where `world` stores each payload: question prompt, choice, explanation; set, class and learner names.
AUTHORED_FIELDS = 6


def assert_safe(page: str, where: str) -> None:
    found = live_markup(page, PAGE_TAGS)
    security_summary.count("xss", pages=bool(page), live=len(found))
    assert found == [], (where, found[:5])


@pytest.fixture
def world(app, auth):
    """An admin who owns a question, a set and a class per payload; learners named by payloads."""
    admin_id, _ = auth.login(role="admin", email="admin@example.org")
    now = utcnow()
    with app.app_context():
        topic = make_topic("war")
        questions = []
        for n, payload in enumerate(PAYLOADS):
            data = {
                "choices": [
                    {"id": "a", "text": payload, "correct": True},
                    {"id": "b", "text": "A safe choice", "correct": False},
                ]
            }
            question = make_question(topic, "single_choice", data=data, prompt=f"{payload} **bold {n}**")
            question.slug, question.owner_id = None, admin_id
            question.current_version.explanation = f"{payload}\n\n- a list item {n}"
            question.current_version.render()  # as bank.services.add_version does on save
            questions.append(question)
            db.session.add(QuestionSet(owner_id=admin_id, name=payload[:120], created_at=now, updated_at=now))
        classroom = Classroom(owner_id=admin_id, name=PAYLOADS[0][:120], join_code="SAFECODE", created_at=now)
        db.session.add(classroom)
        db.session.add_all(Classroom(owner_id=admin_id, name=p[:120], created_at=now) for p in PAYLOADS[1:])
        db.session.flush()
        learners = [
            User(email=f"l{n}@example.org", display_name=p[:80], password_hash="x", role="student")
            for n, p in enumerate(PAYLOADS)
        ]
        db.session.add_all(learners)
        db.session.flush()
        db.session.add_all(Enrolment(class_id=classroom.id, user_id=learner.id) for learner in learners)
        learner = make_user(email="reader@example.org")
        # The reader studies the admin's questions as a review deck, so results show their explanations.
        deck = QuestionSet(owner_id=admin_id, name="Every payload", created_at=now, updated_at=now)
        db.session.add_all([deck, Enrolment(class_id=classroom.id, user_id=learner.id)])
        db.session.flush()
        db.session.add_all(SetItem(set_id=deck.id, question_id=q.id, position=n) for n, q in enumerate(questions, 1))
        db.session.add(Assignment(class_id=classroom.id, set_id=deck.id, kind="review", created_at=now))
        attempts = []
        for start in range(0, len(questions), 50):
            chunk = questions[start : start + 50]
            plan = quiz.Plan(
                quiz.QuizRules(topics=[], length=len(chunk)),
                [quiz.Candidate(q.id, q.current_version_id, "/war/", 2, None, "single_choice") for q in chunk],
                len(chunk),
                start,
            )
            attempt = quiz.start_attempt(learner.id, plan, now)
            for position in range(1, len(chunk) + 1):
                quiz.record_answer(
                    attempt, quiz.item_at(attempt, position), {"choice": "b"}, f"x{start}-{position}" * 4, now, 0
                )
            quiz.finish_attempt(attempt, now)
            attempts.append(attempt.id)
        db.session.commit()
        security_summary.count("xss", payloads=len(PAYLOADS), fields=AUTHORED_FIELDS)
        return {"questions": [q.id for q in questions], "class": classroom.id, "attempts": attempts}


def assert_stored_html_safe(app, question_ids: list[int]) -> None:
    """Pages show the HTML stored with each version: it must be as safe as a fresh rendering."""
    with app.app_context():
        versions = db.session.scalars(
            sa.select(QuestionVersion).where(QuestionVersion.question_id.in_(question_ids))
        ).all()
        assert len(versions) == len(PAYLOADS)
        for version in versions:
            assert version.renderer_version == RENDERER_VERSION and set(version.rendered) == {"prompt", "explanation"}
            for name, html in version.rendered.items():
                assert live_markup(html) == [], (version.id, name, html[:200])
            assert "<strong>bold" in version.rendered["prompt"]


def test_no_payload_is_live_on_any_page(app, client, auth, world):
    assert_stored_html_safe(app, world["questions"])
    pages = 0
    for question_id in world["questions"]:
        assert_safe(client.get(f"/teach/questions/{question_id}").get_data(as_text=True), f"question {question_id}")
        pages += 1
    for url in [
        "/teach/sets",
        "/teach/classes",
        f"/teach/classes/{world['class']}",
        "/",
        f"/teach/classes/{world['class']}/progress",
        "/teach/analysis",
        *[f"/admin/users?page={n}" for n in range(1, 16)],
        "/teach/questions?status=any",
    ]:
        assert_safe(client.get(url).get_data(as_text=True), url)
        pages += 1
    client.post("/auth/signout")
    auth.signin("reader@example.org")
    for attempt_id in world["attempts"]:
        results = client.get(f"/quiz/{attempt_id}/results").get_data(as_text=True)
        assert_safe(results, f"results {attempt_id}")
        assert "<strong>bold" in results and "<li>a list item" in results  # Markdown still renders
        pages += 1
    assert pages >= len(PAYLOADS) + 25


def test_payloads_in_forms_come_back_escaped(app, client, auth):
    auth.login(role="teacher", email="teacher@example.org")
    for payload in PAYLOADS[:40]:
        response = client.post("/teach/classes", data={"name": payload[:120]})
        security_summary.count("xss", form_posts=1)
        assert response.status_code in (302, 400)
        page = client.get(response.headers["Location"]).get_data(as_text=True) if response.status_code == 302 else ""
        assert_safe(page, payload)
    account = client.post("/auth/account", data={"display_name": PAYLOADS[5][:80], "timezone": "UTC"})
    security_summary.count("xss", form_posts=1)
    assert_safe(client.get(account.headers["Location"]).get_data(as_text=True), "account")
    assert re.search(r"&lt;", client.get("/").get_data(as_text=True))
