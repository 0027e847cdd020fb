"""A teacher writes questions, builds a set, creates a class and assigns it; a student joins and
takes it; the teacher sees the score."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import flask_command
from tests.e2e.test_journeys import PASSWORD, sign_in, sign_up

pytestmark = pytest.mark.e2e


def write_question(page, server, kind, fill):
    page.goto(f"{server}/teach/questions/new?type={kind}")
    page.get_by_label("Question (Markdown)").fill(fill.pop("prompt"))
    for label, value in fill.items():
        page.get_by_label(label, exact=True).fill(value)
    page.get_by_label("Explanation (Markdown): why the answer is right").fill("As the article says.")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Saved as a new version.")).to_be_visible()


def test_teacher_to_student_and_back(server, new_page, tmp_path):
    flask_command(
        "users",
        "create",
        "--email",
        "mr.lee@school.example",
        "--role",
        "teacher",
        "--name",
        "Mr Lee",
        stdin=PASSWORD + "\n",
    )
    teacher = new_page()
    sign_in(teacher, server, "mr.lee@school.example")
    teacher.wait_for_url(f"{server}/")

    teacher.goto(f"{server}/teach/questions/new?type=true_false")
    teacher.get_by_label("Question (Markdown)").fill("The Armistice was signed on July 27, 1953.")
    teacher.get_by_label("True", exact=True).check()
    teacher.get_by_role("button", name="Save").click()
    expect(teacher.get_by_text("Saved as a new version.")).to_be_visible()
    write_question(
        teacher, server, "numeric", {"prompt": "How many factories did the USSR build in China?", "Answer": "156"}
    )
    write_question(
        teacher,
        server,
        "short_answer",
        {
            "prompt": "Which mass movement was named after a flying horse?",
            "Accepted answers, one per line (the first is shown as correct)": "Ch'ŏllima\nChollima movement",
        },
    )

    teacher.goto(f"{server}/teach/sets/new")
    teacher.get_by_label("Name").fill("Week 1")
    teacher.get_by_role("button", name="Save").click()
    for text in ("July 27, 1953", "factories did the USSR", "flying horse"):
        teacher.get_by_label("Search the bank").fill(text)
        teacher.get_by_role("button", name="Search").click()
        teacher.get_by_role("button", name=re.compile("^Add")).first.click()
        expect(teacher.get_by_text("Added to the set.")).to_be_visible()
    expect(teacher.locator(".set-items > li")).to_have_count(3)

    teacher.goto(f"{server}/teach/classes")
    teacher.get_by_label("Class name").fill("12B")
    teacher.get_by_role("button", name="Create class").click()
    code = teacher.locator(".join-code").inner_text()
    teacher.get_by_label("Question set").select_option(label="Week 1")
    teacher.get_by_role("button", name="Assign").click()
    expect(teacher.get_by_text("“Week 1” is assigned to 12B.")).to_be_visible()

    student = new_page()
    sign_up(student, server, "sam@school.example", "Sam")
    student.wait_for_url(f"{server}/")
    student.get_by_role("link", name="Join a class").click()
    student.get_by_label("Join code").fill(code.lower())
    student.get_by_role("button", name="Join").click()
    expect(student.get_by_role("heading", name="Your assignments")).to_be_visible()
    student.get_by_role("button", name=re.compile("^Start")).click()
    for position in range(1, 4):
        expect(student.get_by_role("heading", name=f"Question {position} of 3")).to_be_visible()
        prompt = student.locator("#prompt").inner_text()
        if "1953" in prompt:
            student.get_by_label("True", exact=True).check()
        elif "factories" in prompt:
            student.get_by_label("Your answer").fill("156")
        else:
            student.get_by_label("Your answer").fill("chollima")
        student.get_by_role("button", name="Check answer").click()
        expect(student.get_by_text("Right", exact=True)).to_be_visible()
        if position < 3:
            student.get_by_role("link", name="Next →").click()
    student.get_by_role("button", name="Finish").click()
    expect(student.get_by_text("100%").first).to_be_visible()

    teacher.reload()
    expect(teacher.get_by_role("row", name=re.compile("Sam"))).to_contain_text("100%")
    teacher.screenshot(path=str(tmp_path / "class.png"), full_page=True)
