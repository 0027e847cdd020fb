"""One set of length limits (quizapp/bank/limits.py) for the editor, every import format and content/."""

import copy
import json

import pytest
import sqlalchemy as sa

from quizapp.bank import limits
from quizapp.bank.content import read_bank, validate_item
from quizapp.bank.models import Question
from quizapp.extensions import db
from tests.factories import SAMPLE_DATA, make_topic, make_user


def item(kind: str, **changes) -> dict:
    """A valid teacher's item of this type, with changes."""
    base = {"id": "q", "type": kind, "topic": "war", "difficulty": 2, "tags": ["stalin"], "explanation": "Why."}
    base["front" if kind == "flashcard" else "prompt"] = "Who?"
    return copy.deepcopy(base | SAMPLE_DATA[kind]) | changes


def entries(n: int, **texts) -> list[dict]:
    return [{"id": f"e{i}", **{key: f"{value} {i}" for key, value in texts.items()}} for i in range(n)]


def choices(n: int, text: str = "choice") -> list[dict]:
    return [{"id": f"c{i}", "text": f"{text} {i}", "correct": i == 0} for i in range(n)]


# (type, changes at the limit, the same one over it, the field the problem names)
CASES = [
    ("single_choice", {"prompt": "x" * limits.PROMPT}, {"prompt": "x" * (limits.PROMPT + 1)}, "prompt"),
    ("flashcard", {"front": "x" * limits.PROMPT}, {"front": "x" * (limits.PROMPT + 1)}, "front"),
    ("flashcard", {"back": "x" * limits.EXPLANATION}, {"back": "x" * (limits.EXPLANATION + 1)}, "back"),
    (
        "true_false",
        {"explanation": "x" * limits.EXPLANATION},
        {"explanation": "x" * (limits.EXPLANATION + 1)},
        "explanation",
    ),
    (
        "single_choice",
        {"choices": choices(2, "x" * (limits.CHOICE - 2))},
        {"choices": choices(2, "x" * (limits.CHOICE - 1))},
        "choices[0].text",
    ),
    ("multiple_response", {"choices": choices(8)}, {"choices": choices(limits.CHOICES + 1)}, "choices"),
    (
        "matching",
        {"pairs": entries(3, left="l", right="r")},
        {"pairs": entries(limits.PAIRS + 1, left="l", right="r")},
        "pairs",
    ),
    (
        "matching",
        {"pairs": entries(3, left="x" * (limits.CHOICE - 2), right="r")},
        {"pairs": entries(3, left="x" * (limits.CHOICE - 1), right="r")},
        "pairs[0].left",
    ),
    ("ordering", {"items": entries(6, text="t")}, {"items": entries(limits.ITEMS + 1, text="t")}, "items"),
    ("short_answer", {"answers": ["a"] * limits.ANSWERS}, {"answers": ["a"] * (limits.ANSWERS + 1)}, "answers"),
    (
        "short_answer",
        {"answers": ["x" * limits.ANSWER]},
        {"answers": ["ok", "x" * (limits.ANSWER + 1)]},
        "answers[1]",
    ),
    (
        "cloze",
        {"text": "{{b1}} {{b2}}" + "x" * (limits.PROMPT - 13)},
        {"text": "{{b1}} {{b2}}" + "x" * (limits.PROMPT - 12)},
        "text",
    ),
    (
        "cloze",
        {"text": "{{b1}}", "blanks": [{"id": "b1", "answers": ["x" * limits.ANSWER]}]},
        {"text": "{{b1}}", "blanks": [{"id": "b1", "answers": ["x" * (limits.ANSWER + 1)]}]},
        "blanks[0].answers[0]",
    ),
    ("numeric", {"unit": "x" * limits.UNIT}, {"unit": "x" * (limits.UNIT + 1)}, "unit"),
    ("numeric", {"tolerance": 1e308}, {"tolerance": float("inf")}, "tolerance"),
    ("true_false", {"tags": ["a"] * limits.TAGS}, {"tags": ["a"] * (limits.TAGS + 1)}, "tags"),
    ("true_false", {"tags": ["x" * limits.TAG]}, {"tags": ["x" * (limits.TAG + 1)]}, "tags[0]"),
    ("true_false", {"fact": "x" * limits.FACT}, {"fact": "x" * (limits.FACT + 1)}, "fact"),
    ("true_false", {"id": "x" * limits.ID}, {"id": "x" * (limits.ID + 1)}, "id"),
    (
        "true_false",
        {"source": {"page": 231, "evidence": "three words here " + "x" * (limits.EVIDENCE - 17)}},
        {"source": {"page": 231, "evidence": "three words here " + "x" * (limits.EVIDENCE - 16)}},
        "source.evidence",
    ),
]


@pytest.mark.sqlite_only
@pytest.mark.parametrize(("kind", "at", "over", "field"), CASES, ids=[c[3] for c in CASES])
def test_every_limit_is_checked_where_all_items_enter(kind, at, over, field):
    spec, problems = validate_item(item(kind, **at), {"war"}, strict=False)
    assert problems == [] and spec is not None
    spec, problems = validate_item(item(kind, **over), {"war"}, strict=False)
    assert spec is None
    assert problems[0][0] == field, problems
    assert all("the limit is" in message or "finite" in message for _, message in problems), problems


@pytest.mark.sqlite_only
def test_an_item_over_a_limit_is_refused_before_anything_else_is_read():
    raw = item("single_choice", choices=[{"id": "a", "bad": 1}] * 50_000, prompt=["not", "text"])
    _, problems = validate_item(raw, {"war"}, strict=False)
    assert problems == [("choices", "has 50,000 entries; the limit is 10")]


def saved_questions(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count(Question.id)))


def test_the_editor_shows_the_limits_and_refuses_more(app, client, auth):
    with app.app_context():
        make_topic("war")
        db.session.commit()
    auth.login(role="teacher")
    page = client.get("/teach/questions/new?type=matching").get_data(as_text=True)
    # Long texts are counted, never cut by the browser (tests/test_editor_long_text.py); short ones keep maxlength.
    assert f'data-limit="{limits.PROMPT}"' in page and f'maxlength="{limits.PROMPT}"' not in page
    assert f'maxlength="{limits.CHOICE}"' in page
    data = {
        "type": "matching",
        "topic": "war",
        "difficulty": "2",
        "prompt": "Match.",
        "pairs-0-left": "x" * (limits.CHOICE + 1),
        "pairs-0-right": "DPRK",
        "pairs-1-left": "Mao",
        "pairs-1-right": "PRC",
        "pairs-2-left": "Stalin",
        "pairs-2-right": "USSR",
        "save": "1",
    }
    response = client.post("/teach/questions/new?type=matching", data=data)
    assert response.status_code == 400
    assert f"longer than {limits.CHOICE} characters" in response.get_data(as_text=True)
    response = client.post("/teach/questions/new?type=matching", data=data | {"prompt": "x" * (limits.PROMPT + 1)})
    assert response.status_code == 400 and 'id="prompt-error"' in response.get_data(as_text=True)
    assert saved_questions(app) == 0


def test_an_import_over_a_limit_names_the_line_and_field_and_saves_nothing(app, runner, tmp_path):
    with app.app_context():
        make_topic("war")
        make_user(email="teacher@example.org", role="teacher")
        db.session.commit()
    good, long = item("true_false"), item("true_false", id="long", explanation="x" * (limits.EXPLANATION + 1))
    path = tmp_path / "questions.json"
    path.write_text(json.dumps([good, long]))
    result = runner.invoke(args=["bank", "import", str(path), "--format", "json", "--owner", "teacher@example.org"])
    assert result.exit_code != 0
    assert "Line 2 (long): explanation: is 10,001 characters long; the limit is 10,000" in result.output
    assert saved_questions(app) == 0


def test_content_over_a_limit_is_named_by_file_item_and_field(tmp_path):
    (tmp_path / "questions").mkdir()
    title = "T" * (limits.TITLE + 1)
    (tmp_path / "topics.yaml").write_text(f"- slug: war\n  title: War\n- slug: long\n  title: {title}\n")
    prompt = "x" * (limits.PROMPT + 1)
    (tmp_path / "questions" / "war.yaml").write_text(
        "items:\n"
        "- id: too-long\n  type: true_false\n  topic: war\n  difficulty: 2\n  answer: true\n"
        f"  prompt: {prompt}\n  explanation: Why.\n"
        "  source: {page: 231, evidence: Stalin proposed a three-stage operation}\n"
    )
    problems = [str(p) for p in read_bank(tmp_path).problems]
    assert any("long: title: is longer than 200 characters" in p for p in problems), problems
    assert any(
        p.endswith("war.yaml: too-long: prompt: is 10,001 characters long; the limit is 10,000") for p in problems
    )
