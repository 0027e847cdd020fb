"""Moodle's questions keep their meaning: explicit credit per answer scores as Moodle scores it,
every answer's feedback reaches the learner, and items without fractions score as before."""

import re
from html.parser import HTMLParser
from random import Random

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import joinedload
from werkzeug.datastructures import MultiDict

from quizapp.bank import importing, limits
from quizapp.bank.content import validate_item
from quizapp.bank.formats import tabular
from quizapp.bank.models import Question
from quizapp.bank.types import feedback_key, feedback_texts, get_type
from quizapp.extensions import db
from quizapp.markdown import dropped_tags, render_text
from tests.answering import choice_tokens, hidden
from tests.factories import make_question, make_topic

TOPICS = {"road-to-war"}


def spec(type_name, **fields):
    raw = {
        "id": "moodle-item",
        "type": type_name,
        "topic": "road-to-war",
        "difficulty": 2,
        "prompt": "Which?",
        **fields,
    }
    found, problems = validate_item(raw, TOPICS, strict=False)
    assert problems == [], problems
    return found


def problems_of(type_name, **fields):
    raw = {"id": "moodle-item", "type": type_name, "topic": "road-to-war", "difficulty": 2, "prompt": "Which?"}
    found, problems = validate_item(raw | fields, TOPICS, strict=False)
    assert found is None
    return problems


def grade(type_name, data, answer):
    return get_type(type_name).grade(data, answer)


def feedback(type_name, data, answer):
    return get_type(type_name).feedback_for(data, answer)


BIRTHPLACE = [
    {"id": "a", "text": "Bethlehem", "fraction": 0.25, "feedback": "Close, but no."},
    {"id": "b", "text": "Galilee", "fraction": 0.5},
    {"id": "c", "text": "Nazareth", "fraction": 1, "feedback": "Very good!"},
    {"id": "d", "text": "Jerusalem", "fraction": -0.5, "feedback": "No one is buried there."},
]


def test_single_choice_with_fractions_scores_the_chosen_choice_and_never_below_zero():
    data = spec("single_choice", choices=BIRTHPLACE).data
    assert [grade("single_choice", data, {"choice": c}) for c in "abcd"] == [0.25, 0.5, 1.0, 0.0]
    assert feedback("single_choice", data, {"choice": "c"}) == ["Very good!"]
    assert feedback("single_choice", data, {"choice": "b"}) == []
    assert get_type("single_choice").correct_answer(data) == {"choice": "c"}
    # Partly right choices are not "correct": the item is still single choice with one right answer.
    assert [c["correct"] for c in data["choices"]] == [False, False, True, False]


def test_single_choice_fractions_need_one_full_choice_and_stay_in_range():
    half = [{"id": "a", "text": "A", "fraction": 0.5}, {"id": "b", "text": "B", "fraction": 0}]
    assert ("choices", "one choice must have fraction 1 (full credit)") in problems_of("single_choice", choices=half)
    wild = [{"id": "a", "text": "A", "fraction": 1}, {"id": "b", "text": "B", "fraction": -2}]
    assert any(f == "choices[1].fraction" for f, _ in problems_of("single_choice", choices=wild))


def test_multiple_response_sums_fractions_with_negative_ones_and_clamps():
    choices = [
        {"id": "a", "text": "Grant", "fraction": 0.5, "feedback": "Yes, Grant."},
        {"id": "b", "text": "Jefferson", "fraction": -1, "feedback": "Jefferson is not buried there."},
        {"id": "c", "text": "Grant's wife", "fraction": 0.5},
        {"id": "d", "text": "No one", "fraction": -0.5},
    ]
    data = spec("multiple_response", choices=choices).data
    assert grade("multiple_response", data, {"choices": ["a", "c"]}) == 1.0
    assert grade("multiple_response", data, {"choices": ["a"]}) == 0.5
    assert grade("multiple_response", data, {"choices": ["a", "c", "d"]}) == 0.5
    assert grade("multiple_response", data, {"choices": ["a", "b"]}) == 0.0  # 0.5 - 1 is held at 0
    assert grade("multiple_response", data, {"choices": ["a", "b", "c", "d"]}) == 0.0
    assert feedback("multiple_response", data, {"choices": ["b", "a"]}) == [
        "Yes, Grant.",
        "Jefferson is not buried there.",
    ]


def test_multiple_response_thirds_give_full_credit_and_two_choices_are_enough():
    thirds = [{"id": k, "text": k.upper(), "fraction": 0.33333} for k in "abc"]
    data = spec("multiple_response", choices=[*thirds, {"id": "d", "text": "D", "fraction": -1}]).data
    assert grade("multiple_response", data, {"choices": ["a", "b", "c"]}) == 1.0
    assert grade("multiple_response", data, {"choices": ["a"]}) == pytest.approx(0.33333)
    # Moodle allows two choices, both right.
    both = [{"id": "a", "text": "A", "fraction": 0.5}, {"id": "b", "text": "B", "fraction": 0.5}]
    assert spec("multiple_response", choices=both).data["choices"][0]["correct"] is True


def test_multiple_response_positive_fractions_must_add_up_to_one():
    choices = [{"id": "a", "text": "A", "fraction": 0.5}, {"id": "b", "text": "B", "fraction": 0.25}]
    assert any("add up to 1" in m for _, m in problems_of("multiple_response", choices=choices))


def test_items_without_fractions_score_as_before():
    choices = [
        {"id": "a", "text": "A", "correct": True},
        {"id": "b", "text": "B"},
        {"id": "c", "text": "C", "correct": True},
        {"id": "d", "text": "D"},
    ]
    data = spec("multiple_response", choices=choices).data
    assert "fraction" not in data["choices"][0]
    assert grade("multiple_response", data, {"choices": ["a", "b"]}) == 0.0  # 1/2 - 1/2
    assert grade("multiple_response", data, {"choices": ["a"]}) == 0.5
    data = spec("short_answer", answers=["Nazareth", "Nazaret"]).data
    assert data == {"answers": ["Nazareth", "Nazaret"]}
    assert grade("short_answer", data, {"text": "nazaret"}) == 1.0


def test_short_answer_first_matching_answer_wins_with_wildcards_and_a_catch_all():
    answers = [
        {"text": "Ulysses S. Grant", "feedback": "Exactly."},
        {"text": "Grant", "fraction": 0.5, "feedback": "His full name, please."},
        {"text": "*Grant*", "fraction": 0.25, "feedback": "Grant is in there somewhere."},
        {"text": "*", "fraction": 0, "feedback": "Think of a general."},
    ]
    data = spec("short_answer", answers=answers).data
    assert grade("short_answer", data, {"text": "ulysses s. grant"}) == 1.0
    assert feedback("short_answer", data, {"text": "ulysses s. grant"}) == ["Exactly."]
    assert grade("short_answer", data, {"text": "GRANT"}) == 0.5
    assert grade("short_answer", data, {"text": "General GRANT of Ohio"}) == 0.25
    assert feedback("short_answer", data, {"text": "General GRANT of Ohio"}) == ["Grant is in there somewhere."]
    assert grade("short_answer", data, {"text": "Lee"}) == 0.0
    assert feedback("short_answer", data, {"text": "Lee"}) == ["Think of a general."]
    assert get_type("short_answer").correct_answer(data) == {"text": "Ulysses S. Grant"}


def test_short_answer_wildcard_is_not_a_regular_expression_and_stays_fast():
    data = spec("short_answer", answers=["a.c", {"text": "x*" * 90 + "y", "fraction": 0.5}]).data
    assert grade("short_answer", data, {"text": "abc"}) == 0.0
    assert grade("short_answer", data, {"text": "x" * 199}) == 0.0  # many stars, no backtracking blow-up
    assert grade("short_answer", data, {"text": "x" * 150 + "y"}) == 0.5


def test_short_answer_catch_all_must_give_no_credit_and_one_answer_must_be_full():
    assert any("lone *" in m for _, m in problems_of("short_answer", answers=["Grant", "*"]))
    only_half = [{"text": "Grant", "fraction": 0.5}]
    assert ("answers", "one accepted answer must have fraction 1 (full credit)") in problems_of(
        "short_answer", answers=only_half
    )


def test_numeric_with_several_answers_ranges_and_other_feedback():
    answers = [
        {"value": 3.1416, "tolerance": 0.0001, "feedback": "Pi, well done."},
        {"min": 3.1, "max": 3.2, "fraction": 0.5, "feedback": "Close enough for half."},
        {"value": 3, "fraction": 0.25},
    ]
    data = spec("numeric", answers=answers, other_feedback="Pi is a little over 3.").data
    assert grade("numeric", data, {"value": 3.14159}) == 1.0
    assert feedback("numeric", data, {"value": 3.14159}) == ["Pi, well done."]
    assert grade("numeric", data, {"value": 3.15}) == 0.5
    assert grade("numeric", data, {"value": 3.2}) == 0.5
    assert grade("numeric", data, {"value": 3}) == 0.25
    assert feedback("numeric", data, {"value": 3}) == []
    assert grade("numeric", data, {"value": 4}) == 0.0
    assert feedback("numeric", data, {"value": 4}) == ["Pi is a little over 3."]
    assert get_type("numeric").correct_answer(data) == {"value": 3.1416}
    # Numbers are stored as written: a range stays a range, with no float noise.
    assert data["answers"][1] == {"min": 3.1, "max": 3.2, "fraction": 0.5, "feedback": "Close enough for half."}


def test_numeric_answers_are_checked_and_exclusive_of_the_single_answer():
    assert any("min and max" in m for _, m in problems_of("numeric", answers=[{"value": 1}, {"min": 5, "max": 2}]))
    assert any("not both" in m for _, m in problems_of("numeric", answer=1, answers=[{"value": 1}]))
    assert any(f == "answers[0].tolerance" for f, _ in problems_of("numeric", answers=[{"value": 1, "tolerance": -1}]))


def test_true_false_feedback_follows_the_answer_given():
    data = spec("true_false", answer=False, feedback_true="No: it was 1953.", feedback_false="Right: 1953.").data
    assert feedback("true_false", data, {"value": True}) == ["No: it was 1953."]
    assert feedback("true_false", data, {"value": False}) == ["Right: 1953."]
    assert feedback("true_false", data, None) == []


def test_matching_distractors_are_wrong_options_with_their_own_tokens():
    pairs = [{"id": "a", "left": "Cat", "right": "Meow"}, {"id": "b", "left": "Dog", "right": "Woof"}]
    data = spec("matching", pairs=pairs, distractors=["Chirp", "Moo"]).data
    matching = get_type("matching")
    layout = matching.make_layout(data, Random(4))
    assert sorted(matching.options(data).values()) == ["Chirp", "Meow", "Moo", "Woof"]
    assert len(set(layout["options"].values())) == 4 and sorted(layout["right"]) == ["a", "b", "~0", "~1"]
    form = MultiDict(
        {
            f"match-{layout['fields']['a']}": layout["options"]["a"],
            f"match-{layout['fields']['b']}": layout["options"]["~1"],
        }
    )
    answer = matching.parse_answer(data, layout, form)
    assert answer == {"pairs": {"a": "a", "b": "~1"}}
    assert matching.grade(data, answer) == 0.5
    assert matching.describe(data, answer) == "Cat → Meow; Dog → Moo"
    assert any(f == "distractors[0]" for f, _ in problems_of("matching", pairs=pairs, distractors=["meow"]))


def test_general_feedback_and_format_are_kept_for_every_type():
    found = spec("true_false", answer=True, general_feedback="The armistice was signed in 1953.", format="html")
    assert found.data["general_feedback"] == "The armistice was signed in 1953."
    assert found.data["format"] == "html"
    assert get_type("true_false").from_data(found.data)["format"] == "html"
    assert any(f == "format" for f, _ in problems_of("true_false", answer=True, format="rtf"))


@pytest.mark.parametrize(
    ("type_name", "fields"),
    [
        ("single_choice", {"choices": BIRTHPLACE, "general_feedback": "See p. 231."}),
        ("short_answer", {"answers": ["Grant", {"text": "*", "fraction": 0, "feedback": "No."}]}),
        ("numeric", {"answers": [{"value": 1.5, "tolerance": 0.1}, {"min": 1, "max": 2, "fraction": 0.5}]}),
        ("true_false", {"answer": True, "feedback_true": "Yes.", "feedback_false": "No."}),
        (
            "matching",
            {
                "pairs": [{"id": "a", "left": "A", "right": "1"}, {"id": "b", "left": "B", "right": "2"}],
                "distractors": ["3"],
            },
        ),
    ],
)
def test_moodle_items_round_trip_through_data(type_name, fields):
    found = spec(type_name, **fields)
    again = spec(type_name, **get_type(type_name).from_data(found.data))
    assert again.data == found.data and again.content_hash == found.content_hash


def test_uploads_of_moodle_size_are_accepted_by_the_import_page_and_the_importer(app, client, auth):
    assert limits.UPLOAD_BYTES == 20 * 1024 * 1024
    assert app.config["MAX_UPLOAD_REQUEST"] == limits.REQUEST_BYTES > limits.UPLOAD_BYTES
    parsed = importing.parse(("Q {=a ~b}\n\n" * 1000).encode().ljust(limits.UPLOAD_BYTES - 1, b"\n"), "gift", "war")
    assert not any("larger than" in p for p in parsed.problems)
    too_big = importing.parse(b"x" * (limits.UPLOAD_BYTES + 1), "gift", "war")
    assert too_big.problems == ["The file is larger than 20 MB."]
    # The import page reads a 19 MB file; any other page still refuses a body of 3 MB unread.
    with app.app_context():
        make_topic("war")
        db.session.commit()
    auth.login(role="teacher", email="teacher@example.org")
    big = ("Q {=a ~b}\n\n" * 10).encode().ljust(19 * 1024 * 1024, b"\n")
    body, content_type = _multipart({"format": "gift", "topic": "war"}, "file", "big.gift", big)
    response = client.post("/teach/import", data=body, content_type=content_type)
    assert response.status_code == 200 and "larger than" not in response.get_data(as_text=True)
    assert client.post("/teach/questions/new", data={"prompt": "x" * (3 * 1024 * 1024)}).status_code == 413


def _multipart(fields: dict[str, str], name: str, filename: str, content: bytes) -> tuple[bytes, str]:
    """A multipart body made here in memory (the test client would spool a big one to an unclosed file)."""
    boundary = "----moodle-size-upload"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode() for k, v in fields.items()
    ]
    head = f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
    parts.append(head.encode() + b"Content-Type: application/octet-stream\r\n\r\n" + content + b"\r\n")
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


# --- what the learner sees -----------------------------------------------------------


def _one_question_quiz(app, client, auth, type_name, data):
    with app.app_context():
        topic = make_topic("war")
        make_question(topic, type_name, data=data, prompt="Where was he born?")
        db.session.commit()
    auth.login(email="pupil@example.org")
    response = client.post(
        "/quiz/new",
        data={
            "topics": ["war"],
            "types": [type_name],
            "difficulties": ["1", "2", "3"],
            "length": "5",
            "mode": "practice",
            "accept_shorter": "y",
        },
    )
    return int(response.headers["Location"].split("/")[2])


def _key(page):
    return re.search(r'name="key" value="([0-9a-f]+)"', page).group(1)


def test_practice_feedback_shows_the_chosen_answers_feedback_partial_credit_and_general_feedback(app, client, auth):
    data = spec("single_choice", choices=BIRTHPLACE, general_feedback="He grew up in *Nazareth*.").data
    attempt_id = _one_question_quiz(app, client, auth, "single_choice", data)
    page = client.get(f"/quiz/{attempt_id}/1").get_data(as_text=True)
    client.post(f"/quiz/{attempt_id}/1", data={"answer": choice_tokens(page)["Bethlehem"], "key": _key(page)})
    page = client.get(f"/quiz/{attempt_id}/1").get_data(as_text=True)
    assert "Partly right (25%)" in page
    assert '<dd class="answer-feedback"><p>Close, but no.</p>\n</dd>' in page
    assert "Very good!" not in page and "No one is buried there." not in page
    assert "<p>He grew up in <em>Nazareth</em>.</p>" in page
    client.post(f"/quiz/{attempt_id}/finish")
    results = client.get(f"/quiz/{attempt_id}/results").get_data(as_text=True)
    assert "Partly right (25%)" in results and "Close, but no." in results


def test_a_short_answer_catch_all_gives_its_feedback_and_no_credit(app, client, auth):
    answers = [{"text": "Nazareth", "feedback": "Very good!"}, {"text": "*", "fraction": 0, "feedback": "Not there."}]
    attempt_id = _one_question_quiz(app, client, auth, "short_answer", spec("short_answer", answers=answers).data)
    page = client.get(f"/quiz/{attempt_id}/1").get_data(as_text=True)
    client.post(f"/quiz/{attempt_id}/1", data={"answer": "Rome", "key": _key(page)})
    page = client.get(f"/quiz/{attempt_id}/1").get_data(as_text=True)
    assert "<strong>Wrong</strong>" in page and "<p>Not there.</p>" in page and "Very good!" not in page


def test_an_html_item_shows_its_choices_sanitised(app, client, auth):
    choices = [
        {"id": "a", "text": "<b>Nazareth</b><script>alert(1)</script>", "correct": True},
        {"id": "b", "text": 'Galilee <a href="javascript:alert(1)">here</a>'},
    ]
    data = spec("single_choice", choices=choices, format="html").data
    attempt_id = _one_question_quiz(app, client, auth, "single_choice", data)
    page = client.get(f"/quiz/{attempt_id}/1").get_data(as_text=True)
    assert "Nazareth" in page and "<script>alert" not in page and "javascript:" not in page
    assert "&lt;b&gt;" not in page  # the markup is kept (bold), not shown as text


# --- the editor ------------------------------------------------------------------------


class _FormReader(HTMLParser):
    """The values a browser would post from the editor page (the save button aside)."""

    def __init__(self):
        super().__init__()
        self.values: dict[str, str] = {}
        self._textarea: str | None = None
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "input" and a.get("name") and a.get("type") not in ("submit",):
            if a.get("type") in ("checkbox", "radio"):
                if "checked" in a:
                    self.values[a["name"]] = a.get("value", "y")
            else:
                self.values[a["name"]] = a.get("value", "")
        elif tag == "textarea":
            self._textarea = a["name"]
            self.values[a["name"]] = ""
        elif tag == "select":
            self._select = a.get("name")
        elif tag == "option" and self._select and "selected" in a:
            self.values[self._select] = a.get("value", "")

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data):
        if self._textarea:
            self.values[self._textarea] += data


def _form_values(page: str) -> dict[str, str]:
    reader = _FormReader()
    reader.feed(page)
    # A browser drops the line break WTForms puts after <textarea> and posts lines ending \r\n.
    return {k: v.removeprefix("\r\n").removeprefix("\n").replace("\r\n", "\n") for k, v in reader.values.items()}


EDITOR_BASE = {"topic": "war", "difficulty": "2", "explanation": "Because.", "save": "1"}
EDITOR_FORMS = {
    "single_choice": (
        {
            "prompt": "Where was he born?",
            "choices-0-text": "Bethlehem",
            "choices-0-credit": "25",
            "choices-0-feedback": "Close, but no.",
            "choices-1-text": "Nazareth",
            "choices-1-credit": "100%",
            "choices-1-feedback": "Very good!",
            "choices-2-text": "Jerusalem",
            "choices-2-credit": "-50",
            "general_feedback": "He grew up in Nazareth.",
        },
        {
            "choices": [
                {"id": "c1", "text": "Bethlehem", "correct": False, "fraction": 0.25, "feedback": "Close, but no."},
                {"id": "c2", "text": "Nazareth", "correct": True, "fraction": 1, "feedback": "Very good!"},
                {"id": "c3", "text": "Jerusalem", "correct": False, "fraction": -0.5},
            ],
            "general_feedback": "He grew up in Nazareth.",
        },
    ),
    "multiple_response": (
        {
            "prompt": "Which are primes?",
            **{f"choices-{n}-text": text for n, text in enumerate(["2", "3", "5", "4", "9", "6", "7", "8", "10", "1"])},
            "choices-0-credit": "33.33333",
            "choices-1-credit": "33.33333",
            "choices-2-credit": "33.33333",
            "choices-3-credit": "-100",
            "choices-3-feedback": "4 = 2 x 2.",
            "format": "html",
        },
        None,
    ),
    "true_false": (
        {"prompt": "The war ended in 1953.", "verdict": "true", "feedback_true": "Yes.", "feedback_false": "No: 1953."},
        {"answer": True, "feedback_true": "Yes.", "feedback_false": "No: 1953."},
    ),
    "short_answer": (
        {
            "prompt": "Who is buried in Grant's tomb?",
            "answers": "Grant\nUlysses | 50% | Full name, please.\n* | 0 | No.",
        },
        {
            "answers": [
                "Grant",
                {"text": "Ulysses", "fraction": 0.5, "feedback": "Full name, please."},
                {"text": "*", "fraction": 0, "feedback": "No."},
            ]
        },
    ),
    "numeric": (
        {
            "prompt": "What is pi?",
            "number": "",
            "numeric_answers": "3.1416 ± 0.0001 | 100% | Well done.\n3.1..3.2 | 50%\n3",
            "other_feedback": "A little over 3.",
        },
        {
            "answers": [
                {"value": 3.1416, "tolerance": 0.0001, "fraction": 1, "feedback": "Well done."},
                {"min": 3.1, "max": 3.2, "fraction": 0.5},
                {"value": 3, "tolerance": 0, "fraction": 1},
            ],
            "unit": "",
            "other_feedback": "A little over 3.",
        },
    ),
    "matching": (
        {
            "prompt": "Match the sounds.",
            "pairs-0-left": "Cat",
            "pairs-0-right": "Meow",
            "pairs-1-left": "Dog",
            "pairs-1-right": "Woof",
            "distractors": "Chirp\nMoo",
        },
        {
            "pairs": [{"id": "p1", "left": "Cat", "right": "Meow"}, {"id": "p2", "left": "Dog", "right": "Woof"}],
            "distractors": ["Chirp", "Moo"],
        },
    ),
}


@pytest.fixture
def editor(app, auth):
    with app.app_context():
        make_topic("war")
        db.session.commit()
    auth.login(role="teacher", email="teacher@example.org")


@pytest.mark.parametrize("kind", sorted(EDITOR_FORMS))
def test_every_new_field_saves_through_the_editor_and_reads_back(app, client, editor, kind):
    form, expected = EDITOR_FORMS[kind]
    response = client.post(f"/teach/questions/new?type={kind}", data=EDITOR_BASE | form | {"type": kind})
    assert response.status_code == 302, re.findall(r'class="error"[^>]*>([^<]*)', response.get_data(as_text=True))
    question_id = int(response.headers["Location"].rsplit("/", 1)[1])
    with app.app_context():
        version = db.session.get(Question, question_id, options=[joinedload(Question.current_version)]).current_version
        data, rendered = version.data, version.rendered
    if expected is not None:
        assert data == expected
    for text in feedback_texts(data):
        assert feedback_key(text) in rendered  # feedback is stored rendered with the version
    if kind == "multiple_response":
        assert data["format"] == "html" and len(data["choices"]) == 10
        assert [c["fraction"] for c in data["choices"][:4]] == [0.3333333, 0.3333333, 0.3333333, -1]
    # Read back: the editor shows every field as saved, and saving it unchanged changes nothing.
    page = client.get(f"/teach/questions/{question_id}/edit").get_data(as_text=True)
    values = _form_values(page)
    for name, value in form.items():
        if name not in ("number",):
            assert _same_field(name, values.get(name, ""), value), (name, values.get(name), value)
    again = client.post(f"/teach/questions/{question_id}/edit", data=values | {"save": "1", "type": kind})
    assert again.status_code == 302
    assert "the content did not change" in client.get(again.headers["Location"]).get_data(as_text=True)


def _same_field(name, shown, posted):
    """A field as the editor shows it back: credits as percentages, numbers as written."""
    if name.endswith("-credit"):
        return float(shown.rstrip("%")) == float(posted.rstrip("%"))
    if name in ("answers", "numeric_answers"):
        return [line.split(" | ")[0] for line in shown.splitlines()] == [
            line.split(" | ")[0] for line in posted.splitlines()
        ]
    return shown == posted


def test_editor_mistakes_in_credit_are_named_on_their_row_or_line(app, client, editor):
    form = EDITOR_FORMS["single_choice"][0] | {"choices-1-credit": "lots"}
    page = client.post("/teach/questions/new?type=single_choice", data=EDITOR_BASE | form | {"type": "single_choice"})
    text = page.get_data(as_text=True)
    assert page.status_code == 400 and "must be a number from -1 to 1" in text
    form = EDITOR_FORMS["short_answer"][0] | {"answers": "Grant\n*"}
    text = client.post(
        "/teach/questions/new?type=short_answer", data=EDITOR_BASE | form | {"type": "short_answer"}
    ).get_data(as_text=True)
    assert "Line 2: a lone * accepts any answer" in text
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Question)) == 0


def test_the_question_page_shows_teachers_each_answers_credit_and_feedback(app, client, editor):
    form, _ = EDITOR_FORMS["numeric"]
    response = client.post("/teach/questions/new?type=numeric", data=EDITOR_BASE | form | {"type": "numeric"})
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    rows = [re.sub(r"<[^>]+>|\s+", " ", row).split() for row in re.findall(r"<tr>(.*?)</tr>", page, re.DOTALL)[1:]]
    assert rows == [
        ["3.1416", "±", "0.0001", "100%", "Well", "done."],
        ["3.1", "to", "3.2", "50%"],
        ["3", "100%"],
        ["Any", "other", "number", "0%", "A", "little", "over", "3."],
    ]
    assert get_type("numeric").answer_key({"answer": 156, "tolerance": 0, "unit": "factories"}) == [
        ("156 factories", 1.0, "")
    ]


def test_the_editor_preview_shows_an_html_item_sanitised_with_its_general_feedback(app, client, editor):
    form = EDITOR_FORMS["single_choice"][0] | {
        "prompt": "<p>Where was <b>he</b> born?</p><script>alert(1)</script>",
        "format": "html",
        "general_feedback": "<i>See p. 231.</i>",
        "save": "",
        "preview": "1",
    }
    page = client.post("/teach/questions/new?type=single_choice", data=EDITOR_BASE | form | {"type": "single_choice"})
    text = page.get_data(as_text=True)
    preview = text[text.index('aria-label="Preview"') :]
    assert "<p>Where was <b>he</b> born?</p>" in preview and "<script>alert" not in preview
    assert "<i>See p. 231.</i>" in preview


def test_dropped_tags_are_named_for_an_import_warning():
    assert dropped_tags('<p>H<sub>2</sub>O <img src="x.png"> <SCRIPT>x</SCRIPT> <b>bold</b></p>') == ["img", "script"]
    assert str(render_text("H<sub>2</sub>O <img src=x onerror=alert(1)>", "html")) == "H<sub>2</sub>O "


def test_review_shows_the_chosen_answers_feedback_and_partial_credit(app, client, auth):
    data = spec("single_choice", choices=BIRTHPLACE, general_feedback="He grew up in Nazareth.").data
    with app.app_context():
        question = make_question(make_topic("war"), "single_choice", data=data, prompt="Where was he born?")
        db.session.commit()
        question_id = question.id
    auth.login(email="learner@example.org")
    page = client.get("/review/").get_data(as_text=True)
    assert "Where was he born?" in page
    form = {"question_id": question_id, "answer": choice_tokens(page)["Galilee"], "key": hidden(page, "key")}
    page = client.post("/review/answer", data=form | {"token": hidden(page, "token")}).get_data(as_text=True)
    assert "Partly right (50%)" in page and "He grew up in Nazareth." in page
    assert "Very good!" not in page and "Close, but no." not in page


def test_csv_export_lists_what_it_cannot_hold_instead_of_changing_its_meaning():
    def item(type_name, **fields):
        return {"id": type_name, "type": type_name, "topic": "war", "difficulty": 2, "prompt": "Q?"} | fields

    items = [
        item("single_choice", choices=BIRTHPLACE),
        item("short_answer", answers=["Grant", {"text": "*", "fraction": 0, "feedback": "No."}]),
        item("numeric", answers=[{"value": 1, "tolerance": 0, "fraction": 1}], unit=""),
        item("true_false", answer=True, feedback_true="Yes."),
        item("short_answer", answers=["Grant"], general_feedback="See p. 231."),
        item("short_answer", answers=["Grant"]),
    ]
    items[-1]["id"] = "plain"
    text, skipped = tabular.write(items)
    assert skipped == ["single_choice", "short_answer", "numeric", "true_false", "short_answer"]
    assert text.splitlines()[1].startswith("short_answer,war,2,Q?,Grant")
