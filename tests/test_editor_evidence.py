"""A teacher's evidence phrase is checked against the cited page of the article, where there is one."""

import pytest
import sqlalchemy as sa

from quizapp.bank import evidence
from quizapp.bank.models import Question
from quizapp.extensions import db
from tests.factories import make_topic

ARTICLE = """First page text about the Armistice.
[End Page 225]
Stalin said: "Mao Zedong is right. This war spills American blood."52 Then more.
[End Page 226]
Talks went on at P'anmunjŏm for two years.
[End Page 227]
"""


@pytest.fixture
def article(app, tmp_path):
    path = tmp_path / "article.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    app.config["ARTICLE"] = str(path)
    return str(path)


@pytest.fixture
def teacher(app, auth):
    with app.app_context():
        make_topic("war")
        db.session.commit()
    return auth.login(role="teacher")


def question(page: str, phrase: str) -> dict:
    return {
        "type": "true_false",
        "topic": "war",
        "difficulty": "2",
        "prompt": "Stalin backed Mao's stance on the POWs.",
        "verdict": "true",
        "explanation": "He wrote so.",
        "source_page": page,
        "source_evidence": phrase,
    }


def saved(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count(Question.id)))


@pytest.mark.parametrize(
    ("page", "phrase", "found"),
    [
        (226, "Mao Zedong is right", evidence.Evidence.VERIFIED),
        (226, "“mao  zedong IS right.  This war spills", evidence.Evidence.VERIFIED),  # quotes, case, spaces
        (226, 'spills American blood." Then', evidence.Evidence.VERIFIED),  # a footnote number folded away
        (227, "talks went on at panmunjom", evidence.Evidence.NOT_FOUND),  # accents fold, apostrophes do not
        (227, "Talks went on at P'anmunjom", evidence.Evidence.VERIFIED),
        (225, "Mao Zedong is right", evidence.Evidence.NOT_FOUND),  # on another page
        (226, "Mao Zedong was wrong", evidence.Evidence.NOT_FOUND),
    ],
)
def test_a_phrase_is_found_as_check_evidence_finds_it(article, page, phrase, found):
    assert evidence.check(article, page, phrase) == found


def test_an_invented_phrase_is_a_field_error_and_nothing_is_saved(app, client, teacher, article):
    response = client.post("/teach/questions/new?type=true_false", data=question("226", "Stalin ordered a retreat"))
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and saved(app) == 0
    assert 'id="source_evidence-error"' in page and "This phrase is not on page 226 of the article" in page
    assert 'value="Stalin ordered a retreat"' in page  # the form keeps what was typed
    assert "checked against that page of the article when you save" in page
    wrong_page = client.post("/teach/questions/new?type=true_false", data=question("225", "Mao Zedong is right"))
    assert "(it stands on page 226)" in wrong_page.get_data(as_text=True)


def test_a_true_phrase_saves_and_the_question_page_says_it_was_checked(app, client, teacher, article):
    response = client.post("/teach/questions/new?type=true_false", data=question("226", "Mao Zedong is right"))
    assert response.status_code == 302 and saved(app) == 1
    assert "checked: on that page" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_without_an_article_the_phrase_is_saved_and_shown_unchecked(app, client, teacher):
    assert app.config["ARTICLE"] is None
    editor = client.get("/teach/questions/new?type=true_false").get_data(as_text=True)
    assert "shown as “unchecked”" in editor
    response = client.post("/teach/questions/new?type=true_false", data=question("226", "Stalin ordered a retreat"))
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert '<span class="badge">unchecked</span>' in page
