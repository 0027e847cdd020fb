"""Journey 1: a student who uses only the keyboard takes a mixed practice quiz (single choice, multiple
response, matching, ordering, short answer, cloze), a test and a review session, and at each step
hears what happened and can go on in a few keys.

Pages are opened by address; everything the student does on them is keyboard.press or type.
"""

import json
import subprocess
import sys

import pytest
from playwright.sync_api import expect

from quizapp.bank.types import get_type
from tests.e2e import journey_seed
from tests.e2e.conftest import ROOT, SERVER_ENV
from tests.e2e.test_journeys import PASSWORD

pytestmark = pytest.mark.e2e

ANSWER_CONTROLS = "article.question form :is(input:not([type=hidden]), select, textarea)"


def seed(email: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-m", "tests.e2e.journey_seed", email],
        cwd=ROOT,
        env=SERVER_ENV,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.split(journey_seed.MARKER, 1)[1])


def is_focused(locator) -> bool:
    return locator.evaluate("element => element === document.activeElement")


def tab_to(page, locator, limit: int) -> int:
    """Press Tab until the locator has focus; how many presses it took (at most `limit`)."""
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")
        if is_focused(locator):
            return presses
    raise AssertionError(f"{limit} presses of Tab did not reach {locator}")


def focus_is_not_lost(page) -> None:
    assert page.evaluate("document.activeElement !== document.body && document.activeElement !== null")


def sign_in_by_keyboard(page, server: str, email: str) -> None:
    page.goto(f"{server}/auth/signin")
    tab_to(page, page.get_by_label("Email"), 12)
    page.keyboard.type(email)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def options_in(group) -> list[str]:
    return [" ".join(text.split()) for text in group.locator("label.check").all_inner_texts()]


def verdict(score: float) -> str:
    return "Right" if score >= 1 else ("Partly right" if score > 0 else "Wrong")


def answer(page, kind: str, data: dict) -> tuple[dict, list[str]]:
    """Answer the focused question with keys alone (focus is on its first control); the answer as
    stored (to know the score) and texts the feedback must then show, marked in place."""
    qtype = get_type(kind)
    form = page.locator("article.question form")
    if kind == "single_choice":
        right = qtype.describe(data, qtype.correct_answer(data))
        steps = options_in(form).index(right)
        page.keyboard.press("ArrowDown" if steps else "Space")
        for _ in range(steps - 1):
            page.keyboard.press("ArrowDown")
        page.keyboard.press("Tab")
        return qtype.correct_answer(data), []
    if kind == "multiple_response":  # every right choice but the last: partly right, one missed
        texts = {c["text"]: c["id"] for c in data["choices"]}
        right = [c["id"] for c in data["choices"] if c["correct"]]
        picked = right[:-1] or right
        for text in options_in(form):
            if texts[text] in picked:
                page.keyboard.press("Space")
            page.keyboard.press("Tab")
        return {"choices": picked}, ["Right — you chose it", "Missed — right, not chosen"]
    if kind == "matching":  # every pair right but the last, which gets a wrong partner
        pairs = data["pairs"]
        chosen = {}
        for n, (pair, row) in enumerate(zip(pairs, form.locator("fieldset.match-row").all(), strict=True)):
            options = options_in(row)[1:]  # after "Not matched yet"
            wanted = pair["right"] if n < len(pairs) - 1 else next(o for o in options if o != pair["right"])
            for _ in range(options.index(wanted) + 1):
                page.keyboard.press("ArrowDown")
            chosen[pair["id"]] = next((p["id"] for p in pairs if p["right"] == wanted), "~0")
            page.keyboard.press("Tab")
        return {"pairs": chosen}, ["Right", "Wrong", f"Right match: {pairs[-1]['right']}"]
    if kind == "ordering":  # the first two items swapped
        order = [e["text"] for e in data["items"]]
        order[0], order[1] = order[1], order[0]
        shown = [" ".join(t.split()) for t in form.locator("ol.ordering li > span").all_inner_texts()]
        for text in shown:
            page.keyboard.type(str(order.index(text) + 1))
            page.keyboard.press("Tab")
        ids = {e["text"]: e["id"] for e in data["items"]}
        return {"order": [ids[t] for t in order]}, ["Wrong — you put it 1st; it belongs 2nd", "Right — 3rd"]
    if kind == "short_answer":
        typed = qtype.correct_answer(data)
        page.keyboard.type(typed["text"])
        return typed, []
    if kind == "cloze":
        filled = qtype.correct_answer(data)["blanks"]
        for name in form.locator("input.blank").evaluate_all("inputs => inputs.map(i => i.name)"):
            page.keyboard.type(filled[name.removeprefix("blank-")])
            page.keyboard.press("Tab")
        return {"blanks": filled}, []
    raise AssertionError(kind)


def test_a_keyboard_user_takes_a_mixed_quiz_a_test_and_a_review(server, new_page, tmp_path):
    seeded = seed("keys-journey@school.example")
    page = new_page()
    sign_in_by_keyboard(page, server, "keys-journey@school.example")
    attempt, items = seeded["attempt"], seeded["items"]
    count = len(items)
    page.goto(f"{server}/quiz/{attempt}/1")

    for position, item in enumerate(items, start=1):
        kind, data = item["type"], item["data"]
        expect(page).to_have_title(f"Question {position} of {count} · quizapp")
        expect(page.get_by_text(seeded["set"])).to_be_visible()  # the assignment's name
        # The first answer in three keys: the skip link, Enter, Tab.
        page.keyboard.press("Tab")
        expect(page.get_by_role("link", name="Skip to content")).to_be_focused()
        page.keyboard.press("Enter")
        page.keyboard.press("Tab")
        expect(page.locator(ANSWER_CONTROLS).first).to_be_focused()

        given, marked = answer(page, kind, data)
        check = page.get_by_role("button", name="Check answer")
        if not is_focused(check):  # a typed answer is sent from its field; others Tab to the button
            expect(page.locator(ANSWER_CONTROLS).last).to_be_focused()
        with page.expect_navigation():
            page.keyboard.press("Enter")

        score = get_type(kind).grade(data, given)
        said = verdict(score)
        expect(page).to_have_title(f"{said} — Question {position} of {count} · quizapp")
        expect(page.locator("#feedback-heading")).to_be_focused()  # the verdict is read out first
        feedback = page.get_by_role("region", name="Feedback")
        if 0 < score < 1:
            expect(feedback.get_by_text(f"Partly right ({round(score * 100)}%)")).to_be_visible()
        for words in marked:  # each option, pair or item marked in place, in words
            expect(feedback.locator(".marks").get_by_text(words, exact=True).first).to_be_visible()
        if position == 3:
            page.screenshot(path=str(tmp_path / "matching-feedback.png"), full_page=True)

        if position < count:  # from the feedback to the next question in at most three keys
            presses = tab_to(page, page.get_by_role("link", name="Next →"), 2)
            with page.expect_navigation():
                page.keyboard.press("Enter")
            assert presses + 1 <= 3

    tab_to(page, page.get_by_role("button", name="Finish"), 12)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Your results")).to_be_visible()
    expect(
        page.get_by_role("region", name="Feedback on question 2").get_by_text("Missed — right, not chosen")
    ).to_be_visible()
    expect(page.locator("summary", has_text="Report a problem with question 6")).to_be_visible()
    page.screenshot(path=str(tmp_path / "results.png"), full_page=True)

    # A test: saving an answer says so in the title, and shows no verdict.
    page.goto(f"{server}/quiz/{seeded['test']}/2")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    expect(page.locator(ANSWER_CONTROLS).first).to_be_focused()
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Save answer")).to_be_focused()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page).to_have_title("Answer saved — Question 2 of 2 · quizapp")
    expect(page.get_by_text("Answer saved. You can change it until you finish.")).to_be_visible()
    expect(page.locator("#feedback-heading")).to_have_count(0)

    # Review: the single-key shortcuts do nothing while a link, a field or a button has focus.
    page.goto(f"{server}/review/?kind=flashcards")
    new = int(page.locator(".count-new strong").inner_text())
    reveal = page.get_by_role("link", name="Show answer")
    tab_to(page, reveal, 30)
    page.keyboard.press("Space")
    page.keyboard.press("3")
    tab_to(page, page.get_by_label("Deck"), 30)
    page.keyboard.press("3")
    page.keyboard.press("u")
    tab_to(page, page.get_by_role("button", name="Study this deck"), 5)
    page.keyboard.press("3")
    page.keyboard.press("u")
    expect(page.locator('button[data-rating="3"]')).to_have_count(0)
    expect(page.locator(".count-new strong")).to_have_text(str(new))
    expect(page).to_have_url(f"{server}/review/?kind=flashcards")

    # Away from the controls, Space shows the answer and 3 rates it; focus never falls to <body>.
    page.goto(f"{server}/review/?kind=flashcards")
    for done in range(1, 4):
        page.keyboard.press("Space")
        expect(page.locator('button[data-rating="3"]')).to_be_visible()
        focus_is_not_lost(page)
        page.keyboard.press("3")
        expect(page.locator(".count-new strong")).to_have_text(str(new - done))
        expect(page.get_by_role("link", name="Show answer")).to_be_visible()
        focus_is_not_lost(page)
