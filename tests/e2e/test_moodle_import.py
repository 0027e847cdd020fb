"""A teacher brings a mixed Moodle GIFT file across from the import page: every problem shows at once,
the valid questions go in, and a student taking the partial-credit one sees its feedback and credit."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import flask_command
from tests.e2e.test_journeys import PASSWORD, sign_in, sign_up

pytestmark = pytest.mark.e2e

MIXED = Path(__file__).resolve().parents[1] / "data" / "gift" / "mixed.gift"


def test_teacher_imports_a_mixed_gift_file_and_a_student_gets_partial_credit(server, new_page):
    flask_command(
        "users",
        "create",
        "--email",
        "ms.moodle@school.example",
        "--role",
        "teacher",
        "--name",
        "Ms Moodle",
        stdin=PASSWORD + "\n",
    )
    teacher = new_page()
    sign_in(teacher, server, "ms.moodle@school.example")
    teacher.wait_for_url(f"{server}/")

    teacher.goto(f"{server}/teach/import")
    teacher.get_by_label(re.compile("^File")).set_input_files(str(MIXED))
    teacher.get_by_label("Format").select_option("gift")
    teacher.get_by_role("button", name="Preview").click()
    problems = teacher.get_by_role("alert")
    expect(problems).to_contain_text("4 problems")
    for problem in ("Line 11 (Bad number)", "Line 19 (Bad weights)", "Line 21 (Bad single)", "Line 25 (Bad brace)"):
        expect(problems).to_contain_text(problem)
    expect(teacher.get_by_text("Line 15 (Essay): skipped")).to_be_visible()
    expect(teacher.get_by_text("Chosen file: mixed.gift")).to_be_visible()
    expect(teacher.get_by_role("cell", name="Partly right: the talks moved there later.")).to_be_visible()
    teacher.get_by_role("button", name="Import the 5 valid questions, skip the 4 listed").click()
    expect(teacher.get_by_text("Imported 5 questions into your questions; skipped 4")).to_be_visible()

    teacher.goto(f"{server}/teach/sets/new")
    teacher.get_by_label("Name").fill("From Moodle")
    teacher.get_by_role("button", name="Save").click()
    teacher.get_by_label("Search the bank").fill("truce talks first")
    teacher.get_by_role("button", name="Search").click()
    teacher.get_by_role("button", name=re.compile("^Add")).first.click()
    expect(teacher.get_by_text("Added to the set.")).to_be_visible()
    teacher.goto(f"{server}/teach/classes")
    teacher.get_by_label("Class name").fill("Moodle 1")
    teacher.get_by_role("button", name="Create class").click()
    code = teacher.locator(".join-code").inner_text()
    teacher.get_by_label("Question set").select_option(label="From Moodle")
    teacher.get_by_role("button", name="Assign").click()

    student = new_page()
    sign_up(student, server, "kim@school.example", "Kim")
    student.wait_for_url(f"{server}/")
    student.get_by_role("link", name="Join a class").click()
    student.get_by_label("Join code").fill(code)
    student.get_by_role("button", name="Join").click()
    student.get_by_role("button", name=re.compile("^Start")).click()
    expect(student.locator("#prompt")).to_contain_text("Which city hosted the truce talks first?")
    student.get_by_label("Panmunjom", exact=True).check()
    student.get_by_role("button", name="Check answer").click()
    expect(student.get_by_text("Partly right (50%)")).to_be_visible()
    expect(student.get_by_text("Partly right: the talks moved there later.")).to_be_visible()
