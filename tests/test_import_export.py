"""GIFT, CSV and JSON: read as Moodle documents them, refused whole with line numbers, round trips."""

import io
import json

import pytest
import sqlalchemy as sa

from quizapp.bank import importing
from quizapp.bank.formats import gift, tabular
from quizapp.bank.models import Question
from quizapp.bank.services import export_items
from quizapp.extensions import db
from quizapp.models import utcnow
from tests import security_summary
from tests.factories import make_question, make_topic, make_user

GIFT = r"""// Moodle's own examples, adapted
$CATEGORY: $course$/Armistice/road-to-war

::Plan:: Who proposed the three-stage plan? {=Stalin#Right. ~Mao#No. ~Kim Il Sung}

::TF:: The Armistice was signed in 1953.{TRUE#Yes it was.#No, it was.}

Pi is about {#3.14:0.01}

The plan had {#2..4} stages.

Match the leaders. {=Kim -> DPRK =Mao -> PRC =Stalin -> USSR}

Name the movement. {=Chollima =Ch'ŏllima movement}

Gandhi's birthday is {~15th =2nd ~3rd} of October.

Which are capitals? {~%50%Moscow ~%50%Beijing ~%-100%Paris}

[html]<p>An <b>HTML</b> prompt &amp; more</p> {=ok}

Escapes: a colon \: a brace \{ and a tilde \~ here. {=yes ####General feedback.}

Write an essay about the war. {}
"""


class ByPrompt(dict):
    """Items by id, or by the start of their prompt."""

    def __missing__(self, key):
        return next(item for item in self.values() if item["prompt"].startswith(key))


def items(source=GIFT, fmt="gift"):
    parsed = importing.parse(source, fmt, "korean-war")
    return parsed, ByPrompt({item.get("id") or item["prompt"]: item for _, item in parsed.items})


def test_gift_reads_every_supported_kind():
    parsed, found = items()
    assert parsed.problems == []
    assert parsed.skipped == ["Line 24: skipped: essay questions are not supported"]
    assert found["plan"]["type"] == "single_choice" and found["plan"]["choices"][0] == {
        "id": "c1",
        "text": "Stalin",
        "correct": True,
    }
    assert found["tf"]["answer"] is True and found["tf"]["explanation"] == "Yes it was."
    pi = found["Pi is about"]
    assert (pi["type"], pi["answer"], pi["tolerance"]) == ("numeric", 3.14, 0.01)
    stages = found["The plan had"]
    assert (stages["answer"], stages["tolerance"], stages["prompt"]) == (3, 1, "The plan had _____ stages.")
    assert found["Match the lea"]["pairs"][1] == {"id": "p2", "left": "Mao", "right": "PRC"}
    assert found["Name the move"]["answers"] == ["Chollima", "Ch'ŏllima movement"]
    assert found["Gandhi's birt"]["prompt"] == "Gandhi's birthday is _____ of October."
    capitals = found["Which are ca"]
    assert capitals["type"] == "multiple_response" and [c["correct"] for c in capitals["choices"]] == [
        True,
        True,
        False,
    ]
    assert found["An HTML prom"]["prompt"] == "An HTML prompt & more"
    escapes = found["Escapes: a c"]
    assert escapes["prompt"] == "Escapes: a colon : a brace { and a tilde ~ here."
    assert escapes["explanation"] == "General feedback."
    assert all("road-to-war" in item["tags"] and "armistice" in item["tags"] for item in found.values())


def test_a_category_that_names_a_topic_becomes_the_topic(app):
    with app.app_context():
        make_topic("road-to-war")
        db.session.commit()
        parsed, specs = importing.read_and_check(GIFT, "gift", "road-to-war")
        assert parsed.problems == [] and {spec.topic for _, spec in specs} == {"road-to-war"}


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("A question with no end {=a ~b", "Line 1: the answer block has no closing }"),
        ("::X:: Pick. {=right ~wrong}\n\n::Y:: Number? {#lots}", "Line 3"),
    ],
)
def test_broken_gift_is_refused_with_its_line(app, source, message):
    with app.app_context():
        make_topic("korean-war")
        db.session.commit()
        parsed, _ = importing.read_and_check(source, "gift", "korean-war")
    refused = any(p.startswith(message) for p in parsed.problems)
    security_summary.count("import", tried=1, refused=refused)
    assert refused, parsed.problems


def bank_of_every_gift_type(owner_id):
    topic = make_topic("korean-war")
    for kind in ("single_choice", "multiple_response", "true_false", "short_answer", "numeric", "matching", "ordering"):
        question = make_question(topic, kind, prompt=f"A {kind} question: with a colon, {{braces}} and ~tilde?")
        question.slug, question.owner_id = None, owner_id
        question.current_version.explanation = f"Why {kind}: because = # ~ {{}} are escaped."
    db.session.commit()


def strip_ids(exported):
    return [{k: v for k, v in item.items() if k != "id"} for item in exported]


@pytest.mark.parametrize("fmt", ["gift", "json"])
def test_export_then_import_is_lossless(app, fmt):
    with app.app_context():
        first, second = make_user(role="teacher").id, make_user(role="teacher").id
        bank_of_every_gift_type(first)
        exported = export_items(owner_id=first)
        text = json.dumps(exported) if fmt == "json" else gift.write(exported)[0]
        parsed, specs = importing.read_and_check(text, fmt, "korean-war")
        assert parsed.problems == []
        importing.import_specs(specs, second, utcnow())
        db.session.commit()
        again = export_items(owner_id=second)
    kinds = {i["type"] for i in exported} - ({"ordering"} if fmt == "gift" else set())
    assert {i["type"] for i in again} == kinds
    expected = [i for i in strip_ids(exported) if i["type"] in kinds]
    assert strip_ids(again) == expected


def test_gift_export_names_what_it_cannot_hold(app):
    with app.app_context():
        bank_of_every_gift_type(make_user(role="teacher").id)
        _, skipped = gift.write(export_items(owner_id=db.session.scalar(sa.select(Question.owner_id).limit(1))))
    assert len(skipped) == 1


CSV = """type,topic,difficulty,prompt,answer,choices,tolerance,explanation,tags,source_page,source_evidence
single_choice,korean-war,1,Who proposed the plan?,Stalin,Mao | Kim,,He did.,stalin,231,Stalin proposed a plan
multiple_response,korean-war,2,Which capitals?,Moscow | Beijing,Paris,,,,,
true_false,korean-war,2,The war ended in 1953.,true,,,,,,
numeric,korean-war,3,How many factories?,156,,0,,,,
flashcard,korean-war,1,Shtykov,Soviet ambassador,,,,,,
essay,korean-war,1,Write.,,,,,,,
"""


def test_csv_with_documented_columns(app):
    with app.app_context():
        make_topic("korean-war")
        db.session.commit()
        parsed, specs = importing.read_and_check(CSV, "csv", "korean-war")
        assert parsed.problems == [] and len(specs) == 5
        assert parsed.skipped == [
            "Line 7: skipped: type 'essay' is not one CSV holds (single_choice, "
            "multiple_response, true_false, short_answer, numeric, flashcard)."
        ]
        first = specs[0][1]
        assert (first.source_page, first.data["choices"][0]["text"], first.tags) == (231, "Stalin", ["stalin"])
        importing.import_specs(specs, make_user(role="teacher").id, utcnow())
        text, skipped = tabular.write(export_items(owner_id=db.session.scalar(sa.select(Question.owner_id).limit(1))))
    assert text.startswith("type,topic,difficulty") and skipped == []
    assert "multiple_response,korean-war,2,Which capitals?,Moscow | Beijing,Paris" in text


@pytest.mark.parametrize(
    ("source", "fmt", "message"),
    [
        ("[" * 5000 + "]" * 5000, "json", "The file is not valid JSON"),
        ('{"nope": 1}', "json", "must be a list of questions"),
        ("type,prompt\nnumeric,x\n", "csv", "lacks the column(s) answer"),
        ("type,prompt,answer\nnumeric," + "x" * 20_000 + ",1\n", "csv", "fields hold at most"),
        (b"\xff\xfe\x00", "gift", "not UTF-8"),
        ("x" * (21 * 1024 * 1024), "gift", "larger than 20 MB"),
        ("type,topic,difficulty,prompt,answer\nnumeric,korean-war,9,How many?,lots\n", "csv", "Line 2 (csv-line-2)"),
    ],
)
def test_bad_files_are_refused_clearly(app, source, fmt, message):
    with app.app_context():
        make_topic("korean-war")
        db.session.commit()
        parsed, _ = importing.read_and_check(source, fmt, "korean-war")
    refused = any(message in p for p in parsed.problems)
    security_summary.count("import", tried=1, refused=refused)
    assert refused, parsed.problems


def test_cli_import_dry_run_then_real_and_all_or_nothing(app, runner, tmp_path):
    with app.app_context():
        make_topic("korean-war")
        make_user(role="teacher", email="t@school.example")
        db.session.commit()
    path = tmp_path / "bank.gift"
    path.write_text(GIFT)
    dry = runner.invoke(
        args=["bank", "import", str(path), "--format", "gift", "--owner", "t@school.example", "--dry-run"]
    )
    assert dry.exit_code == 0 and "10 questions would be imported, 1 skipped" in dry.output
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Question)) == 0
    real = runner.invoke(args=["bank", "import", str(path), "--format", "gift", "--owner", "t@school.example"])
    assert real.exit_code == 0 and "imported 10 questions" in real.output
    path.write_text(GIFT + "\n\n::Bad:: Number? {#lots}\n")
    bad = runner.invoke(args=["bank", "import", str(path), "--format", "gift", "--owner", "t@school.example"])
    with app.app_context():
        kept = db.session.scalar(sa.select(sa.func.count()).select_from(Question))
    security_summary.count("import", tried=1, refused=bad.exit_code == 1, saved_nothing=kept == 10)
    assert bad.exit_code == 1 and "nothing was imported" in bad.output
    assert kept == 10
    nobody = runner.invoke(args=["bank", "import", str(path), "--format", "gift", "--owner", "x@y.org"])
    security_summary.count("import", tried=1, refused=nobody.exit_code == 2)
    assert nobody.exit_code == 2 and "no account with the email" in nobody.output


def test_cli_export_formats_and_scopes(app, runner):
    with app.app_context():
        bank_of_every_gift_type(make_user(role="teacher", email="t@school.example").id)
    gift_out = runner.invoke(args=["bank", "export", "--format", "gift", "--owner", "t@school.example"])
    assert gift_out.exit_code == 0 and gift_out.output.count("// quizapp:") == 6
    assert "skipped:" in gift_out.output
    assert runner.invoke(args=["bank", "export", "--set", "999"]).exit_code == 2


def test_upload_preview_then_import(app, client, auth):
    with app.app_context():
        make_topic("korean-war")
        db.session.commit()
    auth.login(role="teacher")
    page = client.post(
        "/teach/import",
        data={"format": "gift", "topic": "korean-war", "file": (io.BytesIO(GIFT.encode()), "bank.gift")},
        content_type="multipart/form-data",
    ).get_data(as_text=True)
    assert "10 questions</strong> ready to import" in page and "essay questions are not supported" in page
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Question)) == 0
    payload = page.split('name="payload" type="hidden" value="')[1].split('"')[0]
    tampered = client.post(
        "/teach/import",
        data={"format": "gift", "topic": "korean-war", "confirm": "1", "payload": payload[:-4] + "AAAA"},
    )
    security_summary.count("import", tried=1, refused=tampered.status_code == 400)
    assert tampered.status_code == 400
    done = client.post(
        "/teach/import", data={"format": "gift", "topic": "korean-war", "confirm": "1", "payload": payload}
    )
    assert done.status_code == 302
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Question)) == 10
    download = client.get("/teach/export?format=gift")
    assert download.status_code == 200 and download.get_data(as_text=True).count("// quizapp:") == 10


def test_a_broken_upload_shows_the_problems_and_saves_nothing(app, client, auth):
    with app.app_context():
        make_topic("korean-war")
        db.session.commit()
    auth.login(role="teacher")
    response = client.post(
        "/teach/import",
        data={"format": "gift", "topic": "korean-war", "file": (io.BytesIO(b"Broken {=a ~b"), "bad.gift")},
        content_type="multipart/form-data",
    )
    security_summary.count("import", tried=1, refused=response.status_code == 400)
    assert response.status_code == 400 and "Line 1: the answer block has no closing }" in response.get_data(
        as_text=True
    )
