"""Teachers' questions: the editor for every type, versions and history, copy, retire, regrade, browser."""

import re

import pytest
import sqlalchemy as sa

from quizapp.bank.models import Question, QuestionVersion
from quizapp.extensions import db
from quizapp.quiz.models import QuizAttempt, Response
from tests.factories import make_bank, make_question, make_topic, make_user
from tests.html_checks import live_markup

BASE = {"topic": "war", "difficulty": "2", "explanation": "Because **the article** says so.", "tags": "stalin, 1950"}

FORMS = {
    "single_choice": {
        "prompt": "Who proposed the plan?",
        "choices-0-text": "Stalin",
        "choices-0-correct": "y",
        "choices-1-text": "Mao",
        "choices-2-text": "Kim",
    },
    "multiple_response": {
        "prompt": "Which capitals?",
        "choices-0-text": "Moscow",
        "choices-0-correct": "y",
        "choices-1-text": "Beijing",
        "choices-1-correct": "y",
        "choices-2-text": "Tokyo",
    },
    "true_false": {"prompt": "The war ended in 1953.", "verdict": "true"},
    "short_answer": {"prompt": "Name the movement.", "answers": "Ch'ŏllima\nChollima movement"},
    "numeric": {"prompt": "How many factories?", "number": "156", "tolerance": "0", "unit": "factories"},
    "ordering": {"prompt": "Order these.", "items-0-text": "1949", "items-1-text": "1950", "items-2-text": "1953"},
    "matching": {
        "prompt": "Match.",
        "pairs-0-left": "Kim",
        "pairs-0-right": "DPRK",
        "pairs-1-left": "Mao",
        "pairs-1-right": "PRC",
        "pairs-2-left": "Stalin",
        "pairs-2-right": "USSR",
    },
    "cloze": {
        "prompt": "Fill in.",
        "passage": "Signed in {{b1}} at {{b2}}.",
        "blanks-0-answers": "1953",
        "blanks-1-answers": "P'anmunjŏm | Panmunjom",
    },
    "flashcard": {"prompt": "Terentii Shtykov", "back": "Soviet ambassador to the DPRK."},
}


@pytest.fixture
def teacher(app, auth):
    with app.app_context():
        make_topic("war")
        db.session.commit()
    user_id, _ = auth.login(role="teacher", email="teacher@example.org")
    return user_id


def create(client, kind, **changes):
    return client.post(
        f"/teach/questions/new?type={kind}", data=BASE | FORMS[kind] | {"type": kind, "save": "1"} | changes
    )


def own_questions(app):
    with app.app_context():
        return db.session.scalars(
            sa.select(Question)
            .where(Question.owner_id.is_not(None))
            .options(sa.orm.joinedload(Question.current_version))
        ).all()


@pytest.mark.parametrize("kind", sorted(FORMS))
def test_every_type_can_be_written_in_the_editor(app, client, teacher, kind):
    response = create(client, kind)
    assert response.status_code == 302, response.get_data(as_text=True)[-3000:]
    [question] = own_questions(app)
    assert (question.type, question.owner_id, question.slug) == (kind, teacher, None)
    assert question.current_version.number == 1 and question.current_version.created_by_id == teacher
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Right answer" in page or kind == "flashcard"


@pytest.mark.parametrize(
    ("kind", "changes", "where", "message"),
    [
        ("single_choice", {"choices-1-correct": "y"}, None, "exactly one correct choice"),
        ("single_choice", {"prompt": ""}, 'id="prompt-error"', "must be a non-empty text"),
        ("numeric", {"number": "lots"}, 'id="number-error"', "must be a number"),
        ("true_false", {"verdict": ""}, None, "must be true or false"),
        ("ordering", {"items-2-text": ""}, None, "use 3-6"),
        ("cloze", {"passage": "No blanks here."}, None, "not in the text"),
        ("single_choice", {"source_page": "300"}, 'id="source_page-error"', "between 225 and 251"),
    ],
)
def test_mistakes_are_shown_next_to_their_field_and_nothing_is_saved(
    app, client, teacher, kind, changes, where, message
):
    response = create(client, kind, **changes)
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and message in page
    if where:
        assert where in page
    assert own_questions(app) == []


def test_preview_renders_safe_markdown_and_saves_nothing(app, client, teacher):
    data = (
        BASE
        | FORMS["single_choice"]
        | {"type": "single_choice", "preview": "1", "prompt": "**Who** <script>alert(1)</script> proposed it?"}
    )
    page = client.post("/teach/questions/new?type=single_choice", data=data).get_data(as_text=True)
    preview = page[page.index('aria-label="Preview"') :]
    assert "<strong>Who</strong>" in preview and live_markup(preview) == []
    assert "Right answer:</strong> Stalin" in preview
    assert own_questions(app) == []


def test_editing_adds_a_version_keeps_choice_ids_and_shows_the_difference(app, client, teacher):
    location = create(client, "single_choice").headers["Location"]
    question_id = int(location.rsplit("/", 1)[1])
    form = client.get(f"/teach/questions/{question_id}/edit").get_data(as_text=True)
    ids = re.findall(r'name="choices-(\d)-id" type="hidden" value="(\w+)"', form)
    assert [i for _, i in ids[:3]] == ["c1", "c2", "c3"]
    data = (
        BASE
        | FORMS["single_choice"]
        | {
            "type": "single_choice",
            "save": "1",
            "choices-0-id": "c1",
            "choices-1-id": "c2",
            "choices-2-id": "c3",
            "choices-1-text": "Mao Zedong",
        }
    )
    assert client.post(f"/teach/questions/{question_id}/edit", data=data).status_code == 302
    with app.app_context():
        versions = db.session.scalars(sa.select(QuestionVersion).order_by(QuestionVersion.number)).all()
        assert [v.number for v in versions] == [1, 2]
        assert [c["id"] for c in versions[1].data["choices"]] == ["c1", "c2", "c3"]
    history = client.get(f"/teach/questions/{question_id}/history").get_data(as_text=True)
    assert "Choice c2: Mao Zedong" in history and "Choice c2: Mao |" in history
    again = client.post(f"/teach/questions/{question_id}/edit", data=data)
    assert "the content did not change" in client.get(again.headers["Location"]).get_data(as_text=True)


def test_curated_items_are_read_only_for_teachers_but_copyable(app, client, teacher):
    with app.app_context():
        curated = make_bank(per_type=1, topics=("split",))["split"][0].id
    assert client.get(f"/teach/questions/{curated}").status_code == 200
    assert client.get(f"/teach/questions/{curated}/edit").status_code == 403
    response = client.post(f"/teach/questions/{curated}/copy")
    copy_id = int(response.headers["Location"].split("/")[-2])
    with app.app_context():
        copy = db.session.get(Question, copy_id)
        assert (copy.owner_id, copy.copied_from_id, copy.slug) == (teacher, curated, None)
    assert client.get(f"/teach/questions/{copy_id}/edit").status_code == 200


def test_other_teachers_questions_do_not_exist_for_a_teacher(app, client, auth, teacher):
    create(client, "true_false")
    [question] = own_questions(app)
    client.post("/auth/signout")
    auth.login(role="teacher", email="other@example.org")
    assert client.get(f"/teach/questions/{question.id}").status_code == 404
    assert "The war ended in 1953." not in client.get("/teach/questions?author=").get_data(as_text=True)


def test_retire_and_restore(app, client, teacher):
    create(client, "true_false")
    [question] = own_questions(app)
    client.post(f"/teach/questions/{question.id}/retire")
    assert own_questions(app)[0].status == "retired"
    client.post(f"/teach/questions/{question.id}/restore")
    assert own_questions(app)[0].status == "active"


def test_regrade_after_a_corrected_key(app, client, teacher):
    create(client, "single_choice")
    [question] = own_questions(app)
    with app.app_context():  # a learner answered "Mao" on version 1 and was marked wrong
        from quizapp.models import utcnow
        from quizapp.quiz import services

        learner = make_user(email="learner@example.org").id
        plan = services.Plan(
            services.QuizRules(topics=[], length=1),
            [services.Candidate(question.id, question.current_version_id, "/war/", 2, None, "single_choice")],
            1,
            1,
        )
        attempt = services.start_attempt(learner, plan, utcnow())
        item = services.item_at(attempt, 1)
        services.record_answer(attempt, item, {"choice": "c2"}, "k" * 32, utcnow(), 0)
        services.finish_attempt(attempt, utcnow())
        db.session.commit()
    data = (
        BASE
        | FORMS["single_choice"]
        | {
            "type": "single_choice",
            "save": "1",
            "choices-0-id": "c1",
            "choices-1-id": "c2",
            "choices-2-id": "c3",
            "choices-0-correct": "",
            "choices-1-correct": "y",
        }
    )
    client.post(f"/teach/questions/{question.id}/edit", data=data)
    page = client.get(f"/teach/questions/{question.id}").get_data(as_text=True)
    assert "1 answer were given on earlier versions" in page or "Regrade 1 answer" in page
    response = client.post(f"/quiz/questions/{question.id}/regrade")
    assert "1 scores changed" in client.get(response.headers["Location"]).get_data(as_text=True)
    with app.app_context():
        response_row = db.session.scalar(sa.select(Response))
        assert (response_row.score, response_row.score_before_regrade) == (1.0, 0.0)
        assert db.session.scalar(sa.select(QuizAttempt.score)) == 1.0


def test_the_bank_browser_filters_and_stays_within_a_query_bound(app, client, teacher, queries):
    with app.app_context():
        topic = make_topic("split", position=1)
        for n in range(30):
            make_question(topic, "numeric" if n % 2 else "true_false", prompt=f"Bulk prompt {n}")
        db.session.commit()
        topic_id = topic.id
    create(client, "short_answer")
    client.get("/teach/questions")  # this process's copy of the topic tree is made (bank/summary.py)
    with queries() as few:
        page = client.get("/teach/questions?type=numeric").get_data(as_text=True)
    assert page.count("Bulk prompt") == 15
    with app.app_context():
        from quizapp.bank.models import Topic

        for n in range(60):
            make_question(db.session.get(Topic, topic_id), "numeric", prompt=f"More prompt {n}")
        db.session.commit()
    client.get("/teach/questions")  # the bank changed: the topic tree is read again, once
    with queries() as many:
        client.get("/teach/questions?type=numeric")
    assert 0 < len(few) == len(many) <= 8
    mine = client.get("/teach/questions?author=mine").get_data(as_text=True)
    assert "Name the movement." in mine and "Bulk prompt" not in mine
    assert "Bulk prompt 3" in client.get("/teach/questions?q=PROMPT 3").get_data(as_text=True)


def test_an_admin_edit_of_a_curated_item_is_a_conflict_for_the_loader(app, make_app, client, auth, tmp_path):
    from tests.test_bank_load import ITEMS, TOPICS

    content = tmp_path / "content"
    (content / "questions").mkdir(parents=True)
    (content / "topics.yaml").write_text(TOPICS)
    (content / "questions" / "war.yaml").write_text(ITEMS)
    bank_app = make_app(CONTENT_DIR=content)
    runner = bank_app.test_cli_runner()
    assert "added 2" in runner.invoke(args=["bank", "load"]).output
    with app.app_context():
        question_id = db.session.scalar(sa.select(Question.id).where(Question.slug == "road-plan"))
    auth.login(role="admin")
    assert client.get(f"/teach/questions/{question_id}/edit").status_code == 200
    data = {
        "prompt": "Edited by an admin?",
        "explanation": "Still Stalin.",
        "topic": "road-to-war",
        "difficulty": "2",
        "type": "single_choice",
        "save": "1",
        "choices-0-id": "a",
        "choices-0-text": "Stalin",
        "choices-0-correct": "y",
        "choices-1-id": "b",
        "choices-1-text": "Mao",
        "source_page": "231",
        "source_evidence": "Stalin proposed a three-stage operation",
        "tags": "stalin",
    }
    response = client.post(f"/teach/questions/{question_id}/edit", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[-2000:]
    result = runner.invoke(args=["bank", "load"])
    assert "conflict: road-plan was edited in the app; kept" in result.output
    with app.app_context():
        current = db.session.scalar(sa.select(Question.current_version_id).where(Question.id == question_id))
        assert db.session.get(QuestionVersion, current).prompt == "Edited by an admin?"
