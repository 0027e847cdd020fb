"""Question sets: choose items, reorder, remove, rules that draw items, preview, duplicate."""

import sqlalchemy as sa

from quizapp.authoring.models import QuestionSet, SetItem
from quizapp.extensions import db
from quizapp.models import utcnow
from quizapp.quiz.sets import plan_from_set
from tests.factories import make_bank, make_user


def test_a_teacher_builds_a_set_by_hand_and_by_rules(app, client, auth):
    with app.app_context():
        bank = make_bank(per_type=1)
        first, second = bank["war"][0].id, bank["war"][1].id
    auth.login(role="teacher")
    bad = client.post("/teach/sets/new", data={"name": "", "mode": "practice"})
    assert bad.status_code == 400 and "Give the set a name." in bad.get_data(as_text=True)
    response = client.post(
        "/teach/sets/new",
        data={
            "name": "Armistice",
            "mode": "test",
            "time_limit_minutes": "10",
            "attempts_allowed": "2",
            "rule_count": "3",
            "rule_topics": ["split"],
            "rule_difficulties": ["1", "2", "3"],
        },
    )
    set_id = int(response.headers["Location"].rsplit("/", 1)[1])
    for question_id in (first, second, first):
        client.post(f"/teach/sets/{set_id}/items", data={"question_id": question_id})
    client.post(f"/teach/sets/{set_id}/items/{second}/move", data={"direction": "up"})
    with app.app_context():
        order = db.session.scalars(
            sa.select(SetItem.question_id).where(SetItem.set_id == set_id).order_by(SetItem.position)
        ).all()
        assert order == [second, first]
        question_set = db.session.get(QuestionSet, set_id)
        assert (question_set.mode, question_set.time_limit_minutes, question_set.attempts_allowed) == ("test", 10, 2)
        plan = plan_from_set(make_user().id, question_set, utcnow(), seed=5)
        split_ids = {q.id for q in bank["split"]}
        assert {c.question_id for c in plan.picked[:2]} == {first, second}
        assert len(plan.picked) == 5 and {c.question_id for c in plan.picked[2:]} <= split_ids
        assert all(c.type != "flashcard" for c in plan.picked)
    preview = client.get(f"/quiz/sets/{set_id}/preview").get_data(as_text=True)
    assert "Preview as a student" in preview and preview.count("Right answer:") == 5
    client.post(f"/teach/sets/{set_id}/items/{first}/remove")
    copy = client.post(f"/teach/sets/{set_id}/duplicate")
    copy_id = int(copy.headers["Location"].rsplit("/", 1)[1])
    with app.app_context():
        assert db.session.get(QuestionSet, copy_id).name == "Armistice (copy)"
        assert db.session.scalars(sa.select(SetItem.question_id).where(SetItem.set_id == copy_id)).all() == [second]


def test_search_and_add_from_the_set_page(app, client, auth):
    with app.app_context():
        make_bank(per_type=1)
    auth.login(role="teacher")
    set_id = int(
        client.post("/teach/sets/new", data={"name": "S", "mode": "practice"}).headers["Location"].rsplit("/", 1)[1]
    )
    page = client.get(f"/teach/sets/{set_id}?q=numeric").get_data(as_text=True)
    assert "(numeric)" in page and 'name="question_id"' in page


def test_a_sets_rules_never_draw_another_teachers_own_questions(app):
    from quizapp.bank.models import Question

    with app.app_context():
        bank = make_bank(per_type=1)
        author, other = make_user(role="teacher"), make_user(role="teacher")
        private = [q for q in bank["split"] if q.type != "flashcard"]
        for question in private:  # every quiz item of the topic becomes the author's draft
            question.slug, question.owner_id = None, author.id
        question_set = QuestionSet(
            owner_id=other.id,
            name="Split, by rule",
            created_at=utcnow(),
            updated_at=utcnow(),
            rules={"count": 5, "topics": ["split"], "tags": [], "difficulties": [1, 2, 3]},
        )
        db.session.add(question_set)
        db.session.commit()
        plan = plan_from_set(make_user().id, question_set, utcnow(), seed=3)
        assert plan.picked == []  # the topic holds only the author's drafts: nothing to draw
        assert db.session.get(Question, private[0].id).owner_id == author.id
