"""A learner reviews five flashcards with the keyboard alone: Space to reveal, 3 to rate Good."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.test_journeys import sign_up

pytestmark = pytest.mark.e2e


def test_five_cards_reviewed_with_the_keyboard_alone(server, new_page, tmp_path):
    page = new_page()
    sign_up(page, server, "keys@school.example", "Keyboard Learner")
    page.wait_for_url(f"{server}/")
    page.goto(f"{server}/review/?kind=flashcards")
    expect(page.locator(".count-new strong")).to_have_text("20")
    for done in range(1, 6):
        expect(page.get_by_role("link", name=re.compile("Show answer"))).to_be_visible()
        page.keyboard.press("Space")
        good = page.locator('button[data-rating="3"]')
        expect(good).to_be_visible()
        expect(good).to_contain_text("Good · ")
        if done == 1:
            page.screenshot(path=str(tmp_path / "revealed.png"), full_page=True)
        page.keyboard.press("3")
        expect(page.locator(".count-new strong")).to_have_text(str(20 - done))
    expect(page.locator(".count-learning strong")).to_have_text("5")  # rated Good once: still learning
    with page.expect_navigation():  # undo is a plain form: the page reloads with the message
        page.keyboard.press("u")
    expect(page.get_by_text("Your last rating is undone")).to_be_visible()
    expect(page.locator(".count-new strong")).to_have_text("16")
    expect(page.locator(".count-learning strong")).to_have_text("4")
    page.screenshot(path=str(tmp_path / "after-undo.png"), full_page=True)
