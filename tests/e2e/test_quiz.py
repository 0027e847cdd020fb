"""A student builds a 10-question practice quiz of every type, answers, sees feedback and results."""

import pytest
from playwright.sync_api import expect

from tests.e2e.test_journeys import sign_up

pytestmark = pytest.mark.e2e


def answer_whatever_is_asked(page) -> None:
    """Fill the question's inputs the way a hurried learner would, whatever its type."""
    form = page.locator("article.question form").first
    radios = form.locator("input[type=radio]")
    checkboxes = form.locator("input[type=checkbox]")
    selects = form.locator("select")
    texts = form.locator("input[type=text]")
    rows = form.locator("fieldset.match-row")  # matching: a radio group per entry, "Not matched yet" first
    if rows.count():
        for n in range(rows.count()):
            rows.nth(n).get_by_role("radio").nth(1 + n % (rows.nth(n).get_by_role("radio").count() - 1)).check()
    elif radios.count():
        radios.first.check()
    elif checkboxes.count():
        checkboxes.first.check()
    elif selects.count():
        for n in range(selects.count()):
            options = selects.nth(n).locator("option")
            selects.nth(n).select_option(index=n % (options.count() - 1) + 1)
    for n in range(texts.count()):
        texts.nth(n).fill("1953")


def test_a_practice_quiz_from_build_to_results(server, new_page, tmp_path):
    page = new_page()
    sign_up(page, server, "quizzer@school.example", "Quizzer")
    page.wait_for_url(f"{server}/")
    page.get_by_role("link", name="Build a quiz").first.click()
    page.get_by_label("The Korean War and the Armistice").check()
    page.get_by_label("Sino-Soviet relations").check()
    page.get_by_label("Number of questions").fill("10")
    page.get_by_label("Practice: see the answer").check()
    page.get_by_role("button", name="Start the quiz").click()
    expect(page.get_by_role("heading", name="Question 1 of 10")).to_be_visible()

    for position in range(1, 11):
        expect(page.get_by_role("heading", name=f"Question {position} of 10")).to_be_visible()
        answer_whatever_is_asked(page)
        page.get_by_role("button", name="Check answer").click()
        feedback = page.get_by_role("region", name="Feedback")
        expect(feedback).to_be_visible()
        expect(feedback.get_by_text("Source: p.")).to_be_visible()
        if position == 3:
            page.screenshot(path=str(tmp_path / "feedback.png"), full_page=True)
        if position < 10:
            page.get_by_role("link", name="Next →").click()

    page.get_by_role("button", name="Finish").click()
    expect(page.get_by_role("heading", name="Your results")).to_be_visible()
    expect(page.get_by_text("By topic")).to_be_visible()
    expect(page.locator(".result-list > li")).to_have_count(10)
    page.screenshot(path=str(tmp_path / "results.png"), full_page=True)

    page.get_by_role("link", name="All your quizzes").click()
    expect(page.get_by_role("link", name="Results")).to_have_count(1)
