"""GIFT as Moodle reads it: a corpus of 66 questions written from Moodle's documentation
(tests/data/gift/*.gift), imported through the parser, the command line and the upload page and
compared field by field; every problem at once; importing the valid ones; export notices; round trips."""

import io
import json
import re
from pathlib import Path

import pytest
import sqlalchemy as sa

from quizapp.bank.formats import gift
from quizapp.bank.models import Question
from quizapp.bank.services import export_items
from quizapp.extensions import db
from quizapp.markdown import render_markdown
from tests.factories import make_question, make_topic, make_user

DATA = Path(__file__).parent / "data" / "gift"
FILES = sorted(p.name for p in DATA.glob("*.gift"))
EXPECTED = json.loads((DATA / "expected.json").read_text(encoding="utf-8"))
GOOD_FILES = [name for name in FILES if name != "mixed.gift"]
TEACHER = "moodle.teacher@school.example"
INTERNAL = ("_name", "_warnings", "_category")


def parse_file(name: str):
    return gift.parse((DATA / name).read_text(encoding="utf-8"), "korean-war")


def by_id(name: str) -> dict[str, dict]:
    return {item.get("id") or item["prompt"]: item for _, item in parse_file(name).items}


def test_the_corpus_holds_at_least_sixty_questions_of_every_construct():
    questions = sum(len(EXPECTED[name]["items"]) + len(EXPECTED[name]["problems"]) for name in FILES)
    questions += sum(len(EXPECTED[name]["skipped"]) for name in FILES)
    assert questions >= 60
    kinds = {item["type"] for name in FILES for item in EXPECTED[name]["items"].values()}
    assert kinds == set(gift.GIFT_TYPES)


@pytest.mark.parametrize("name", FILES)
def test_each_file_parses_field_by_field_as_expected(name):
    parsed = parse_file(name)
    expected = EXPECTED[name]
    assert {str(line): item for line, item in parsed.items} == expected["items"]
    assert (parsed.problems, parsed.skipped) == (expected["problems"], expected["skipped"])


def test_partial_credit_single_choice_stays_single_with_its_fractions_and_feedback():
    item = by_id("choice.gift")["talks-began"]
    assert item["type"] == "single_choice"
    assert [(c["text"], c["fraction"], c.get("feedback")) for c in item["choices"]] == [
        ("Kaesong", 1, "Yes, the first talks met there."),
        ("Panmunjom", 0.5, "Half right: the talks moved there later."),
        ("Seoul", 0, "No, Seoul was not the venue."),
    ]
    three = by_id("choice.gift")["partial-three"]
    assert [c["fraction"] for c in three["choices"]] == [0.25, 0.5, 1, -0.25]
    assert [c["fraction"] for c in by_id("choice.gift")["decimal-weights"]["choices"]] == [1, 0.3333333, 0.6666667]


def test_checkboxes_keep_negative_weights():
    item = by_id("choice.gift")["checkboxes"]
    assert item["type"] == "multiple_response"
    assert [c["fraction"] for c in item["choices"]] == [0.5, 0.5, -0.5, -0.5]
    assert by_id("choice.gift")["two-options-only"]["type"] == "multiple_response"


def test_weighted_short_answers_with_a_wildcard_and_a_catch_all_stay_short_answers():
    item = by_id("shortanswer.gift")["sa-weighted"]
    assert item["type"] == "short_answer"
    assert item["answers"] == [
        {"text": "Peng Dehuai", "fraction": 1, "feedback": "Exactly."},
        {"text": "Peng", "fraction": 0.5, "feedback": "Give the full name for full credit."},
        {"text": "*", "fraction": 0, "feedback": "Not quite; look at the 1950 intervention again."},
    ]
    assert by_id("shortanswer.gift")["sa-wildcard"]["answers"][0]["text"] == "*MacArthur"
    assert (
        by_id("shortanswer.gift")["sa-multiline"]["answers"][0]["feedback"] == "Right: the landing of\nSeptember 1950."
    )


def test_numerics_of_every_form():
    found = by_id("numeric.gift")
    assert (found["num-decimal"]["answer"], found["num-decimal"]["tolerance"]) == (3.1415, 0.0005)
    assert found["num-range"]["answers"] == [{"min": 1951, "max": 1953}]
    assert found["num-negative"]["answer"] == -40
    assert found["num-multi"]["answers"] == [
        {"value": 1953, "tolerance": 0, "feedback": "Exactly."},
        {"value": 1953, "tolerance": 2, "fraction": 0.5, "feedback": "Within two years."},
    ]
    assert found["num-multi"]["other_feedback"] == "That is far off."
    assert found["num-multi-range"]["answers"][1] == {
        "min": 20,
        "max": 30,
        "fraction": 0.5,
        "feedback": "Roughly right.",
    }


def test_true_false_feedback_goes_to_the_answer_moodle_shows_it_for():
    found = by_id("truefalse.gift")
    assert found["tf-feedback"]["feedback_false"] == "Look again: only an armistice exists."
    assert found["tf-feedback"]["feedback_true"] == "Right: only an armistice."
    assert found["tf-feedback-false"]["feedback_true"] == "It lies north of Seoul."
    assert found["tf-general"]["general_feedback"] == "It crosses the parallel at an angle."


def test_matching_keeps_its_distractors_and_markers_never_show():
    found = by_id("matching.gift")
    assert found["match-distractor"]["distractors"] == ["1949", "1954"]
    assert found["match-markers"]["pairs"][0] == {"id": "p1", "left": "UN", "right": "United \\*Nations\\*"}
    markers = by_id("choice.gift")["markers-on-choices"]["choices"]
    assert [c["text"] for c in markers] == ["Chorwon (inland)", "Incheon", "*Busan*", "Wonsan"]
    assert not any("[" in c["text"] for c in markers)


def test_escapes_render_as_the_characters_typed():
    found = by_id("formats.gift")
    assert "C\\war\\files" in str(render_markdown(found["backslash"]["prompt"]))
    assert "true \\ one" in str(render_markdown(found["backslash"]["choices"][0]["text"]))
    assert "{like these} and a hash #" in found["braces-x"]["prompt"]
    assert "= and ~" in str(render_markdown(found["escapes"]["choices"][0]["text"]))
    assert found["newline"]["prompt"] == "First line\nSecond line."
    shown = str(render_markdown(found["moodle-format"]["prompt"]))
    assert "*stars*" in shown and "<em>" not in shown
    assert "<li>" not in str(render_markdown(found["plain-format"]["prompt"]))


def test_html_is_kept_sanitised_with_a_warning_for_what_was_dropped():
    found = by_id("formats.gift")
    link = found["html-link"]
    assert link["format"] == "html"
    assert link["prompt"] == (
        '<p>Read <a href="https://example.org/armistice">the armistice text</a> and then answer.</p>'
    )
    dropped = found["html-dropped"]
    assert "<img" not in dropped["prompt"] and "script" not in dropped["prompt"]
    assert any("not allowed" in w for w in dropped["_warnings"])
    mixed = found["mixed-formats"]
    assert [c["text"] for c in mixed["choices"]] == ["&lt;b&gt; in plain", "<strong>strong</strong>"]
    assert mixed["general_feedback"] == "General &amp; plain"


def test_missing_word_questions_put_the_blank_where_the_block_was():
    found = by_id("choice.gift")
    assert found["The armistice was signed in _____ at Panmunjom."]["type"] == "single_choice"
    assert found["missing-word-at-end"]["prompt"] == "The demilitarised zone is about four kilometres _____."


def test_essays_and_descriptions_are_skipped_with_their_line_and_name():
    assert parse_file("mixed.gift").skipped == [
        "Line 15 (Essay): skipped: an essay (an empty answer block) has no answer to check",
        "Line 17 (A description with no answers at all, to set the scene.): skipped: "
        "a description (no answer block) is not a question",
    ]


# --- through the database ------------------------------------------------------------------------


def _teacher(app):
    with app.app_context():
        make_topic("korean-war")
        make_user(role="teacher", email=TEACHER)
        db.session.commit()


def _import(runner, path: Path, *extra: str):
    return runner.invoke(args=["bank", "import", str(path), "--format", "gift", "--owner", TEACHER, *extra])


def _stored(app) -> list[dict]:
    with app.app_context():
        owner = db.session.scalar(sa.select(Question.owner_id).limit(1))
        return export_items(owner_id=owner) if owner else []


def _expected_stored(name: str) -> list[dict]:
    """What the file's items look like once stored: ids from titles, the topic's path."""
    out = []
    for _, item in sorted(EXPECTED[name]["items"].items(), key=lambda pair: int(pair[0])):
        item = {k: v for k, v in item.items() if k not in INTERNAL}
        if "choices" in item:  # the stored form leaves out "correct": false
            item["choices"] = [{k: v for k, v in c.items() if (k, v) != ("correct", False)} for c in item["choices"]]
        out.append(item)
    return out


def _comparable(item: dict) -> dict:
    """An item without what the database names anew; "correct" is derived where fractions are given,
    and a numeric answer's full credit is written out once stored."""
    item = {k: v for k, v in item.items() if k not in ("id", "topic", "difficulty", "tags")}
    if any("fraction" in c for c in item.get("choices", [])):
        item["choices"] = [{k: v for k, v in c.items() if k != "correct"} for c in item["choices"]]
    if item.get("type") == "numeric" and "answers" in item:
        item["answers"] = [{"fraction": 1} | ({"tolerance": 0} if "value" in a else {}) | a for a in item["answers"]]
    return item


@pytest.mark.parametrize("name", GOOD_FILES)
def test_each_file_imports_whole_through_the_cli_field_by_field(app, runner, name):
    _teacher(app)
    result = _import(runner, DATA / name)
    assert result.exit_code == 0, result.output
    stored = _stored(app)
    assert [_comparable(i) for i in stored] == [_comparable(i) for i in _expected_stored(name)]


@pytest.mark.parametrize("name", GOOD_FILES)
def test_each_file_imports_through_the_page(app, client, auth, name):
    with app.app_context():
        make_topic("korean-war")
        db.session.commit()
    auth.login(role="teacher")
    page = client.post(
        "/teach/import",
        data={"format": "gift", "topic": "korean-war", "file": (io.BytesIO((DATA / name).read_bytes()), name)},
        content_type="multipart/form-data",
    )
    text = page.get_data(as_text=True)
    count = len(EXPECTED[name]["items"])
    assert page.status_code == 200 and f"{count} question{'' if count == 1 else 's'} ready to import" in text
    payload = re.search(r'name="payload" type="hidden" value="([^"]+)"', text).group(1)
    done = client.post(
        "/teach/import", data={"format": "gift", "topic": "korean-war", "action": "import", "payload": payload}
    )
    assert done.status_code == 302
    assert [_comparable(i) for i in _stored(app)] == [_comparable(i) for i in _expected_stored(name)]


def test_the_preview_lists_answers_with_credit_feedback_and_warnings(app, client, auth):
    with app.app_context():
        make_topic("korean-war")
        db.session.commit()
    auth.login(role="teacher")
    page = client.post(
        "/teach/import",
        data={
            "format": "gift",
            "topic": "korean-war",
            "file": (io.BytesIO((DATA / "formats.gift").read_bytes()), "f.gift"),
        },
        content_type="multipart/form-data",
    ).get_data(as_text=True)
    assert "Warning: some HTML is not allowed here" in page
    page = client.post(
        "/teach/import",
        data={
            "format": "gift",
            "topic": "korean-war",
            "file": (io.BytesIO((DATA / "choice.gift").read_bytes()), "c.gift"),
        },
        content_type="multipart/form-data",
    ).get_data(as_text=True)
    assert re.search(r"<td>Panmunjom</td><td>50%</td><td>Half right: the talks moved there later.</td>", page)
    assert re.search(r"<td>Soviet Union</td><td>-50%</td>", page)


def test_every_problem_of_the_mixed_file_is_reported_at_once_with_line_and_name(app, runner):
    _teacher(app)
    result = _import(runner, DATA / "mixed.gift")
    assert result.exit_code == 1 and "nothing was imported" in result.output
    for expected in (
        "Line 11 (Bad number): '195x' is not a number",
        "Line 19 (Bad weights): ",
        "Line 21 (Bad single): ",
        "Line 25 (Bad brace): the answer block has no closing }",
        "Line 15 (Essay): skipped",
    ):
        assert expected in result.output, result.output
    assert _stored(app) == []


def test_skip_invalid_imports_the_valid_ones_and_lists_the_rest(app, runner):
    _teacher(app)
    result = _import(runner, DATA / "mixed.gift", "--skip-invalid")
    assert result.exit_code == 0, result.output
    assert "skipping 4 invalid question(s): Line 11 (Bad number); Line 19 (Bad weights)" in result.output
    assert "imported 5 questions" in result.output
    stored = {i["prompt"]: i for i in _stored(app)}
    assert sorted(stored) == [
        "How many years did the talks last?",
        "Match them.",
        "The war began in 1950.",
        "Which city hosted the truce talks first?",
        "Who led the UN forces in 1950?",
    ]
    assert stored["Which city hosted the truce talks first?"]["choices"][0]["fraction"] == 0.5


def test_page_keeps_the_file_after_a_failed_try_and_imports_the_valid_ones(app, client, auth):
    with app.app_context():
        make_topic("korean-war")
        db.session.commit()
    auth.login(role="teacher")
    first = client.post(
        "/teach/import",
        data={
            "format": "gift",
            "topic": "korean-war",
            "file": (io.BytesIO((DATA / "mixed.gift").read_bytes()), "mixed.gift"),
        },
        content_type="multipart/form-data",
    )
    page = first.get_data(as_text=True)
    assert first.status_code == 400 and "Chosen file: <strong>mixed.gift</strong>" in page
    assert "Line 11 (Bad number)" in page and "Line 25 (Bad brace)" in page and "Line 21 (Bad single)" in page
    payload = re.search(r'name="payload" type="hidden" value="([^"]+)"', page).group(1)
    again = client.post("/teach/import", data={"format": "gift", "topic": "korean-war", "payload": payload})
    assert again.status_code == 400 and "Chosen file: <strong>mixed.gift</strong>" in again.get_data(as_text=True)
    refused = client.post(
        "/teach/import", data={"format": "gift", "topic": "korean-war", "action": "import", "payload": payload}
    )
    assert refused.status_code == 400 and _stored(app) == []
    done = client.post(
        "/teach/import", data={"format": "gift", "topic": "korean-war", "action": "import_valid", "payload": payload}
    )
    assert done.status_code == 302
    assert len(_stored(app)) == 5
    follow = client.get(done.headers["Location"]).get_data(as_text=True)
    assert "Imported 5 questions into your questions; skipped 4: Line 11 (Bad number)" in follow
    reused = client.post(
        "/teach/import", data={"format": "gift", "topic": "korean-war", "action": "import_valid", "payload": payload}
    )
    assert reused.status_code == 400 and len(_stored(app)) == 5  # the kept file is used once


def test_another_teachers_token_is_refused(app, client, auth):
    with app.app_context():
        make_topic("korean-war")
        db.session.commit()
    auth.login(role="teacher", email="a@school.example")
    page = client.post(
        "/teach/import",
        data={
            "format": "gift",
            "topic": "korean-war",
            "file": (io.BytesIO((DATA / "matching.gift").read_bytes()), "m.gift"),
        },
        content_type="multipart/form-data",
    ).get_data(as_text=True)
    payload = re.search(r'name="payload" type="hidden" value="([^"]+)"', page).group(1)
    auth.logout()
    auth.login(role="teacher", email="b@school.example")
    other = client.post(
        "/teach/import", data={"format": "gift", "topic": "korean-war", "action": "import", "payload": payload}
    )
    assert other.status_code == 400 and _stored(app) == []


# --- export --------------------------------------------------------------------------------------


def test_numbers_are_written_without_float_noise():
    item = {"id": "pi", "type": "numeric", "prompt": "Pi?", "answers": [{"value": 3.1415, "tolerance": 0.0005}]}
    assert "=3.1415:0.0005" in gift.write([item])[0]
    assert gift.num(0.3) == "0.3" and gift.num(1953.0) == "1953" and gift.num(-40) == "-40"
    assert gift.num(0.00001) == "0.00001"  # never 1e-05
    assert gift.percent(0.3333333) == "33.33333" and gift.percent(-0.5) == "-50"
    ranged = gift.parse("R? {#3.1410..3.1420}", "t").items[0][1]
    assert "{#\n  =3.141..3.142\n}" in gift.write([ranged | {"id": "r"}])[0]


def test_export_lists_what_gift_cannot_express_on_stderr_and_the_page(app, runner, client, auth):
    teacher_id, email = auth.login(role="teacher")
    with app.app_context():
        topic = make_topic("korean-war")
        for kind in ("ordering", "cloze", "true_false"):
            question = make_question(topic, kind)
            question.slug, question.owner_id = None, teacher_id
        db.session.commit()
        two_blanks = [i for i in export_items(owner_id=teacher_id) if i["type"] == "cloze"][0]
    out = runner.invoke(args=["bank", "export", "--format", "gift", "--owner", email])
    assert out.exit_code == 0
    assert "ordering" in out.stderr and "2 of 3 items left out" in out.stderr
    if len(two_blanks["blanks"]) > 1:
        assert "a cloze with more than one blank" in out.stderr
    page = client.get("/teach/import").get_data(as_text=True)
    assert "GIFT cannot hold 2 of your questions" in page


def test_a_one_blank_cloze_exports_as_a_missing_word_question_and_comes_back():
    cloze = {
        "id": "c",
        "type": "cloze",
        "topic": "korean-war",
        "difficulty": 2,
        "tags": [],
        "prompt": "Fill in the blank.",
        "text": "The talks began at {{b1}} in 1951.",
        "blanks": [{"id": "b1", "answers": ["Kaesong"]}],
    }
    text, skipped = gift.write([cloze])
    assert skipped == [] and "::c::[markdown]The talks began at {\n  =Kaesong\n} in 1951." in text
    ((_, back),) = gift.parse(text, "korean-war").items
    assert {k: v for k, v in back.items() if k not in INTERNAL} == cloze


def _normalise_ids(text: str) -> str:
    """Teachers' questions are named q<database id>; a new database numbers them anew."""
    names = iter(range(1, 10_000))
    seen: dict[str, str] = {}
    return re.sub(r"\bq\d+\b", lambda m: seen.setdefault(m.group(0), f"q#{next(names)}"), text)


def test_round_trip_of_a_teachers_questions_of_every_type_gift_can_hold(app, runner, tmp_path):
    _teacher(app)
    corpus = tmp_path / "all.gift"
    corpus.write_text("\n\n".join((DATA / name).read_text(encoding="utf-8") for name in GOOD_FILES), encoding="utf-8")
    assert _import(runner, corpus).exit_code == 0
    first = runner.invoke(args=["bank", "export", "--format", "gift", "--owner", TEACHER]).stdout
    assert first.count("// quizapp:") == sum(len(EXPECTED[name]["items"]) for name in GOOD_FILES)
    with app.app_context():  # a second teacher, whose question bank is empty
        make_user(role="teacher", email="second@school.example")
        db.session.commit()
    path = tmp_path / "first.gift"
    path.write_text(first, encoding="utf-8")
    again = ["bank", "import", str(path), "--format", "gift", "--owner", "second@school.example"]
    assert runner.invoke(args=again).exit_code == 0
    second = runner.invoke(args=["bank", "export", "--format", "gift", "--owner", "second@school.example"]).stdout
    assert _normalise_ids(second) == _normalise_ids(first)


def test_round_trip_of_the_curated_bank(app, runner, tmp_path):
    assert runner.invoke(args=["bank", "load"]).exit_code == 0
    with app.app_context():
        make_user(role="teacher", email=TEACHER)
        db.session.commit()
    result = runner.invoke(args=["bank", "export", "--format", "gift"])
    assert result.exit_code == 0
    first = result.stdout
    path = tmp_path / "bank.gift"
    path.write_text(first, encoding="utf-8")
    imported = _import(runner, path)
    assert imported.exit_code == 0, imported.output[-2000:]
    second = runner.invoke(args=["bank", "export", "--format", "gift", "--owner", TEACHER]).stdout

    # the curated bank names questions by slug, a teacher's by number: the slug rides in the
    # quizapp comment and the title, so compare without those two
    def body(text: str) -> list[str]:
        return [re.sub(r'"id": "[^"]*", |^::[^:]*::', "", line) for line in text.splitlines()]

    assert body(second) == body(first)
