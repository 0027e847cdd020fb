"""The quiz on a 320 px phone: build a quiz with a mistake (the summary of problems takes focus, the
fields are marked), fix it, answer an ordering question with a position missing (the others are
kept), a matching question (every option's full text shows, nothing scrolls sideways), finish, and
report a problem with a question from the results page."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.test_accessibility import axe_problems
from tests.e2e.test_journeys import sign_up

pytestmark = pytest.mark.e2e

LONG_OPTION = "Said Mao was right and that the matter was larger than Korea"


def no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 320


def answer_ordering(page) -> None:
    selects = page.locator("ol.ordering select")
    count = selects.count()
    for n in range(count - 1):  # the last item is left without a position
        selects.nth(n).select_option(str(n + 1))
    page.get_by_role("button", name="Check answer").click()
    expect(page.get_by_role("alert")).to_have_text("Give every item a position.")
    selects = page.locator("ol.ordering select")
    for n in range(count - 1):  # the positions already chosen are still there
        expect(selects.nth(n)).to_have_value(str(n + 1))
    expect(selects.nth(count - 1)).to_have_value("")
    no_sideways_scroll(page)
    assert axe_problems(page) == []
    selects.nth(count - 1).select_option(str(count))
    page.get_by_role("button", name="Check answer").click()
    expect(page.get_by_role("region", name="Feedback").locator(".mark")).to_have_count(count)


def answer_matching(page, tmp_path) -> None:
    rows = page.locator("fieldset.match-row")
    for label in page.locator(".match-options label").all():  # no option is cut short
        assert label.evaluate("el => el.scrollWidth <= el.clientWidth + 1"), label.inner_text()
        box = label.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 320
    if page.get_by_text(LONG_OPTION).count():
        expect(page.get_by_text(LONG_OPTION).first).to_be_visible()
        page.screenshot(path=str(tmp_path / "matching-320.png"), full_page=True)
    no_sideways_scroll(page)
    for n in range(rows.count()):
        rows.nth(n).get_by_role("radio").nth(1).check()
    page.get_by_role("button", name="Check answer").click()
    feedback = page.get_by_role("region", name="Feedback")
    expect(feedback.locator(".mark")).to_have_count(rows.count())
    no_sideways_scroll(page)
    assert axe_problems(page) == []


def test_a_quiz_on_a_phone(server, new_page, tmp_path):
    page = new_page(viewport={"width": 320, "height": 640})
    sign_up(page, server, "phone-quiz@school.example", "Phone Quizzer")
    page.wait_for_url(f"{server}/")
    page.goto(f"{server}/quiz/new")
    page.get_by_label("Number of questions").fill("3")
    page.get_by_role("button", name="Start the quiz").click()

    summary = page.get_by_role("alert").filter(has_text="There is a problem")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link", name="Topics: Choose at least one topic.")).to_be_visible()
    length = page.get_by_label("Number of questions")
    expect(length).to_have_attribute("aria-invalid", "true")
    expect(length).to_have_accessible_description("Choose between 5 and 50 questions.")
    expect(page.get_by_label("Sino-Soviet relations", exact=True)).to_have_attribute("aria-invalid", "true")
    no_sideways_scroll(page)
    assert axe_problems(page) == []
    page.screenshot(path=str(tmp_path / "build-errors-320.png"), full_page=True)
    summary.get_by_role("link", name=re.compile("^Number of questions")).click()
    expect(length).to_be_focused()

    length.fill("5")
    page.get_by_label("The prisoner-of-war repatriation dispute").check()
    for kind in ("Single choice", "Multiple response", "True or false", "Short answer", "Numeric", "Cloze"):
        page.get_by_label(kind, exact=False).first.uncheck()
    page.get_by_role("button", name="Start the quiz").click()
    expect(page.get_by_role("alert")).to_have_count(0)
    page.get_by_role("button", name=re.compile(r"Start a \d-question quiz")).click()

    total = int(re.search(r"of (\d+)", page.get_by_role("heading", level=1).inner_text()).group(1))
    seen = set()
    for position in range(1, total + 1):
        expect(page.get_by_role("heading", name=f"Question {position} of {total}")).to_be_visible()
        if page.locator("ol.ordering").count():
            seen.add("ordering")
            answer_ordering(page)
        else:
            seen.add("matching")
            answer_matching(page, tmp_path)
        if position < total:
            page.get_by_role("link", name="Next →").click()
    assert seen == {"ordering", "matching"}

    page.get_by_role("button", name="Finish").click()
    expect(page.get_by_role("heading", name="Your results")).to_be_visible()
    no_sideways_scroll(page)
    assert axe_problems(page) == []
    page.get_by_text("Report a problem with question 2").click()
    page.locator("#reason-2").select_option("unclear")
    page.locator("#note-2").fill("Which prisoners are meant?")
    page.get_by_role("button", name="Send report on question 2").click()
    expect(page.get_by_text("Thank you. Your report reaches the teachers")).to_be_visible()
    expect(page.get_by_role("heading", name="Your results")).to_be_visible()
    page.screenshot(path=str(tmp_path / "results-320.png"), full_page=True)
