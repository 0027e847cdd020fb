"""The editor never cuts a long text: past its limit the field says so, keeps the text, and counts."""

import re

import pytest

from quizapp.bank import limits
from tests.factories import make_topic


@pytest.fixture
def teacher(app, auth):
    with app.app_context():
        make_topic("war")
        from quizapp.extensions import db

        db.session.commit()
    return auth.login(role="teacher")


def question(prompt: str, **extra) -> dict:
    return {"type": "true_false", "topic": "war", "difficulty": "2", "prompt": prompt, "verdict": "true"} | extra


def test_a_prompt_over_the_limit_is_refused_with_a_message_and_kept(app, client, teacher):
    prompt = "The armistice was signed at Panmunjom. " * 520  # 20,280 characters
    response = client.post("/teach/questions/new?type=true_false", data=question(prompt))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    over = len(prompt) - limits.PROMPT
    assert f"This is {len(prompt):,} characters long; the limit is {limits.PROMPT:,}. Shorten it by {over:,}" in page
    textarea = re.search(r'<textarea[^>]*name="prompt"[^>]*>([^<]*)</textarea>', page)
    assert textarea and textarea.group(1).strip() == prompt.strip()  # all of it, not the first 10,000
    assert "maxlength" not in textarea.group(0)  # nothing for a browser to cut a paste at
    assert f'data-limit="{limits.PROMPT}"' in textarea.group(0)
    assert f"Up to {limits.PROMPT:,} characters." in page and "js/counter.js" in page


def test_line_breaks_count_once(app, client, teacher):
    prompt = ("line\r\n" * (limits.PROMPT // 5))[: limits.PROMPT + 500]  # within the limit once CRLF is one
    assert len(prompt.replace("\r\n", "\n")) <= limits.PROMPT < len(prompt)
    response = client.post("/teach/questions/new?type=true_false", data=question(prompt, explanation="Why."))
    assert response.status_code == 302
