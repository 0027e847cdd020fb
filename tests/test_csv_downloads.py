"""CSV cells no spreadsheet runs as a formula (quizapp/csvsafe.py), and download names safe in a header."""

import csv
import io
import re
from datetime import timedelta

import pytest
from werkzeug.http import parse_options_header

from quizapp.authoring.models import QuestionSet
from quizapp.bank import importing
from quizapp.classes import services as classes
from quizapp.csvsafe import TRIGGERS, neutralise, restore
from quizapp.extensions import db
from quizapp.models import utcnow
from tests.factories import DEFAULT_PASSWORD, make_topic, make_user

NAMES = ['=HYPERLINK("http://x")', "+1", "@SUM(1)", "-2+3", "'=quoted", "Plain Name"]  # display names are stripped


def sign_in(client, login):
    client.post("/auth/signout")
    assert client.post("/auth/signin", data={"email": login, "password": DEFAULT_PASSWORD}).status_code == 302


def rows_of(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def dangerous(rows) -> list[str]:
    """Cells a spreadsheet would take for a formula (a plain negative number is a number)."""
    return [c for row in rows for c in row if c and c[0] in TRIGGERS and not re.fullmatch(r"-\d+(\.\d+)?", c)]


@pytest.mark.parametrize("value", [*NAMES, "\tTabbed", "\rReturned", "''=x", "'plain", "", "-"])
def test_text_cells_are_neutralised_and_restored_exactly(value):
    written = neutralise(value)
    assert not (written and written[0] in TRIGGERS)
    guarded = value.lstrip("'")[:1]
    assert written == ("'" + value if guarded and guarded in TRIGGERS else value)
    assert restore(written) == value


def test_numbers_stay_numbers():
    assert neutralise(-5) == -5 and neutralise(-0.5) == -0.5 and neutralise(3) == 3
    assert neutralise("-5") == "'-5"  # but text that looks like one is text


@pytest.fixture
def teacher_class(app):
    """A teacher's class whose pupils have formula-like names, with a set named like a formula assigned."""
    now = utcnow()
    with app.app_context():
        teacher = make_user(role="teacher", email="teacher@example.org")
        classroom = classes.create_class(teacher.id, "Year 12", now)
        for n, name in enumerate(NAMES):
            pupil = make_user(email=f"pupil{n}@example.org", display_name=name)
            classes.join(pupil.id, classroom.join_code, now)
        question_set = QuestionSet(owner_id=teacher.id, name="=1+1", created_at=now, updated_at=now)
        db.session.add(question_set)
        db.session.flush()
        classes.assign(classroom, question_set, "quiz", now + timedelta(days=3), None, now)
        db.session.commit()
        return classroom.id


def test_the_grades_csv_writes_every_formula_like_cell_as_text(client, teacher_class):
    sign_in(client, "teacher@example.org")
    response = client.get(f"/teach/classes/{teacher_class}/grades.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = rows_of(response.get_data(as_text=True))
    assert dangerous(rows) == []
    assert "'=1+1 (quiz)" in rows[0]
    names = {row[0] for row in rows[1:]}
    assert {restore(name) for name in names} == set(NAMES)
    assert {name for name in names if name.startswith("'")} == {"'" + n for n in NAMES if n != "Plain Name"}


CSV_IN = [
    ["type", "topic", "difficulty", "prompt", "answer", "choices", "tolerance", "explanation", "tags"],
    ["short_answer", "war", "2", '=HYPERLINK("http://x")', "-2+3 | +1", "", "", "@SUM(1)", "risky"],
    ["numeric", "war", "1", "How far below zero?", "-5", "", "0.5", "-2 is close.", "risky"],
    ["single_choice", "war", "3", "\tTab-led prompt?", "@right", "-wrong | =wrong", "", "+plus", "risky"],
    ["flashcard", "war", "2", "- a list item", "''=quoted by its author", "", "", "", "risky"],
]


def test_a_bank_csv_export_imports_back_unchanged(app, client, runner):
    with app.app_context():
        make_topic("war")
        first, second = make_user(role="teacher", email="teacher@example.org"), make_user(role="teacher")
        source = io.StringIO()
        csv.writer(source).writerows(CSV_IN)
        parsed, specs = importing.read_and_check(source.getvalue(), "csv", "war")
        assert parsed.problems == [] and len(specs) == 4
        importing.import_specs(specs, first.id, utcnow())
        db.session.commit()
        second_email = second.email
    sign_in(client, "teacher@example.org")
    exported = client.get("/teach/export?format=csv").get_data(as_text=True)
    rows = rows_of(exported)
    assert dangerous(rows) == []
    assert '\'=HYPERLINK("http://x")' in rows[1] and "''=quoted by its author" in rows[4]
    assert rows[2][4] == "-5" and rows[2][6] == "0.5"  # numeric columns keep their numbers
    assert rows[3][3:6] == ["Tab-led prompt?", "'@right", "'-wrong | =wrong"]  # prompts are stored stripped
    with app.app_context():
        parsed, specs = importing.read_and_check(exported, "csv", "war")
        assert parsed.problems == []
        importing.import_specs(specs, second.id, utcnow())
        db.session.commit()
    again = runner.invoke(args=["bank", "export", "--format", "csv", "--owner", second_email])
    assert again.exit_code == 0 and again.output == exported.replace("\r\n", "\n")  # click's Result reads \r\n as \n


CLASS_NAMES = {
    "Year 12 History — Set B": "grades-year-12-history-set-b-{day}.csv",
    "한국 반": "grades-한국-반-{day}.csv",
    "Evil\r\nSet-Cookie: a=b": "grades-evil-set-cookie-a-b-{day}.csv",
    "B\";filename*=UTF-8''evil.exe": "grades-b-filename-utf-8-evil.exe-{day}.csv",
}


@pytest.mark.parametrize("name", CLASS_NAMES)
def test_class_names_of_any_kind_give_a_safe_download_name(app, client, name):
    with app.app_context():
        teacher = make_user(role="teacher", email="teacher@example.org")
        class_id = classes.create_class(teacher.id, name, utcnow()).id
        db.session.commit()
    sign_in(client, "teacher@example.org")
    response = client.get(f"/teach/classes/{class_id}/grades.csv")
    assert response.status_code == 200
    header = response.headers["Content-Disposition"]
    assert not any(c in header for c in "\r\n") and header.isascii()
    kind, options = parse_options_header(header)
    expected = CLASS_NAMES[name].format(day=utcnow().date().isoformat())
    assert kind == "attachment" and options["filename"] == expected  # werkzeug decodes filename* into it
    assert set(options) <= {"filename", "filename*"} and header.count(";") == (2 if not expected.isascii() else 1)
    if not expected.isascii():
        assert "filename*=UTF-8''" in header


def test_every_download_names_its_file(app, client):
    with app.app_context():
        make_topic("war")
        make_user(role="teacher", email="teacher@example.org")
    sign_in(client, "teacher@example.org")
    for url, name in [
        ("/review/export.apkg", "quizapp-all.apkg"),
        ("/review/export.apkg?topic=war&kind=flashcards", "quizapp-war-flashcards.apkg"),
        ("/teach/export?format=csv", "quizapp-my-questions.csv"),
        ("/teach/export?format=apkg", "quizapp-my-questions.apkg"),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert parse_options_header(response.headers["Content-Disposition"]) == ("attachment", {"filename": name})
