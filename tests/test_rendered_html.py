"""Each version's Markdown is rendered once, when it is saved; pages show what was stored."""

import sqlalchemy as sa

from quizapp.bank.models import Question, QuestionVersion
from quizapp.extensions import db
from quizapp.markdown import RENDERER_VERSION
from tests.factories import make_question, make_topic

MARKER = "<p>stored-html-marker</p>"


def teacher_with_a_question(app, auth) -> int:
    with app.app_context():
        make_topic("war")
        db.session.commit()
    auth.login(role="teacher")
    return auth.client.post(
        "/teach/questions/new?type=flashcard",
        data={
            "type": "flashcard",
            "topic": "war",
            "difficulty": "2",
            "prompt": "**Shtykov**",
            "back": "The *Soviet* ambassador.",
            "explanation": "- a list",
            "save": "1",
        },
    )


def only_version(app) -> QuestionVersion:
    with app.app_context():
        return db.session.scalars(sa.select(QuestionVersion)).one()


def test_saving_stores_the_html_with_the_renderer_version(app, auth):
    assert teacher_with_a_question(app, auth).status_code == 302
    version = only_version(app)
    assert version.renderer_version == RENDERER_VERSION
    assert version.rendered == {
        "prompt": "<p><strong>Shtykov</strong></p>\n",
        "back": "<p>The <em>Soviet</em> ambassador.</p>\n",
        "explanation": "<ul>\n<li>a list</li>\n</ul>\n",
    }


def test_pages_show_the_stored_html_and_render_nothing(app, client, auth):
    question_url = teacher_with_a_question(app, auth).headers["Location"]
    with app.app_context():
        version = db.session.scalars(sa.select(QuestionVersion)).one()
        version.rendered = {"prompt": MARKER, "back": MARKER, "explanation": MARKER}
        db.session.commit()
    page = client.get(question_url).get_data(as_text=True)
    assert page.count(MARKER) == 3 and "<strong>Shtykov</strong>" not in page


def test_a_version_without_stored_html_is_rendered_on_the_fly(app, client, auth):
    question_url = teacher_with_a_question(app, auth).headers["Location"]
    with app.app_context():
        db.session.execute(sa.update(QuestionVersion).values(rendered=None, renderer_version=None))
        db.session.commit()
    page = client.get(question_url).get_data(as_text=True)
    assert "<strong>Shtykov</strong>" in page and "<em>Soviet</em>" in page


def test_rerender_rebuilds_what_older_renderers_stored(app, runner):
    with app.app_context():
        topic = make_topic("war")
        fresh, old, never = (make_question(topic, prompt=f"**{name}**") for name in ("fresh", "old", "never"))
        fresh.current_version.render()
        fresh.current_version.rendered = {"prompt": MARKER}
        old.current_version.rendered, old.current_version.renderer_version = {"prompt": "old"}, RENDERER_VERSION - 1
        db.session.commit()
        ids = {name: q.current_version_id for name, q in (("fresh", fresh), ("old", old), ("never", never))}

    def prompts() -> dict[str, str]:
        with app.app_context():
            return {name: db.session.get(QuestionVersion, ids[name]).rendered["prompt"] for name in ids}

    result = runner.invoke(args=["bank", "rerender"])
    assert result.exit_code == 0 and f"rendered 2 question versions with renderer {RENDERER_VERSION}" in result.output
    assert prompts() == {
        "fresh": MARKER,
        "old": "<p><strong>old</strong></p>\n",
        "never": "<p><strong>never</strong></p>\n",
    }
    assert "rendered 0 " in runner.invoke(args=["bank", "rerender"]).output
    assert "rendered 3 " in runner.invoke(args=["bank", "rerender", "--all"]).output
    assert prompts()["fresh"] == "<p><strong>fresh</strong></p>\n"


def test_the_loader_stores_html_too(app, runner):
    result = runner.invoke(args=["bank", "load"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        renderers = db.session.scalars(sa.select(QuestionVersion.renderer_version).distinct()).all()
        assert renderers == [RENDERER_VERSION]
        assert db.session.scalar(sa.select(sa.func.count(Question.id))) > 500
