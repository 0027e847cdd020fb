"""Accessibility: axe-core over every page a student, teacher and admin can open (at 1280 px, at
640 px, which is 1280 at 200% zoom, and at 320 px, without sideways scrolling; a box that scrolls
on its own is a focusable, labelled region), with realistic data (tests/e2e/realistic_seed.py), and
the keyboard and screen-reader details of journey 1."""

import json
import os
import re
import shutil
import subprocess
import sys

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import ROOT, prepared_instance
from tests.e2e.fit import sideways_problems
from tests.e2e.test_journeys import sign_in, sign_up
from tests.factories import DEFAULT_PASSWORD
from tests.servers import start_gunicorn, stop

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(
        os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"),
        reason="browser tests run in the SQLite pass only",
    ),
]

# 640 CSS px is a 1280 px window at 200% zoom (device_scale_factor would not reflow the page).
WIDTHS = (1280, 640, 320)
SERIOUS = {"serious", "critical"}
# Findings in templates this task may not edit, each with its owner; the lead drops an entry
# once the fix is merged (the walk then holds that page to 0 like every other).
ELSEWHERE: dict[tuple[str, str], str] = {}  # (end of a URL, axe rule) -> why it is let off; none now
ANONYMOUS_PAGES = ["/", "/auth/signin", "/auth/signup", "/auth/code"]


@pytest.fixture(scope="module")
def own_server():
    """A server and database of this module's own: its accounts must not be the first of the shared
    server (tests/e2e/test_journeys.py signs up the first user, who becomes admin)."""
    instance, env = prepared_instance("quizapp-a11y-")
    process, base = start_gunicorn("quizapp:create_app()", env)
    yield base, env
    stop(process)
    shutil.rmtree(instance, ignore_errors=True)


@pytest.fixture(scope="module")
def server(own_server):
    return own_server[0]


@pytest.fixture(scope="module")
def people(own_server):
    """A student, a teacher and an admin with the access matrix's objects, and the pages each may open."""
    done = subprocess.run(
        [sys.executable, "-m", "tests.e2e.a11y_seed"],
        cwd=ROOT,
        env=own_server[1],
        text=True,
        capture_output=True,
        check=True,
    )
    line = next(line for line in done.stdout.splitlines() if line.startswith("A11Y-PAGES:"))
    return json.loads(line.removeprefix("A11Y-PAGES:"))


def luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(one: str, other: str) -> float:
    light, dark = sorted((luminance(one), luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def reviewed(rule: dict) -> dict:
    """Settle what axe leaves for review and we can measure: the axis labels of the server-drawn
    charts are SVG <text> with a fill (axe cannot see behind an image); charts sit on white cards."""
    if rule["id"] != "color-contrast":
        return rule
    open_nodes = []
    for node in rule["nodes"]:
        fill = re.match(r'<text [^>]*fill="(#[0-9a-fA-F]{6})"', node["html"])
        if not (fill and contrast(fill.group(1), "#ffffff") >= 4.5):
            open_nodes.append(node)
    return rule | {"nodes": open_nodes}


def axe_problems(page) -> list[str]:
    """axe-core's serious findings on the page as it is laid out now (axe is injected unless the
    page's context already adds it to every document, as walk() does)."""
    from axe_playwright_python.base import AXE_SCRIPT

    if not page.evaluate("() => 'axe' in window"):
        page.evaluate(AXE_SCRIPT)
    results = page.evaluate("options => axe.run(document, options)", {"resultTypes": ["violations", "incomplete"]})
    serious = [reviewed(v) for v in results["incomplete"] if v.get("impact") in SERIOUS]
    serious = [v for v in serious if v["nodes"]]
    return [f"violation {v['id']}: {v['help']} at {where(v)}" for v in results["violations"]] + [
        f"needs review ({v['impact']}) {v['id']}: {v['help']} at {where(v)}" for v in serious
    ]


def where(rule: dict) -> list:
    return [node["target"] for node in rule["nodes"]][:3]


def walk(page, server, urls) -> list[str]:
    """Each page loaded once, then checked at every width: the window is resized under it, as a
    reader who zooms or turns a phone would (sideways_problems waits for the new layout)."""
    from axe_playwright_python.base import AXE_SCRIPT

    page.context.add_init_script(AXE_SCRIPT)  # in every document, rather than sent over per check
    problems = []
    for url in urls:
        page.set_viewport_size({"width": WIDTHS[0], "height": 800})
        response = page.goto(server + url)
        if response is None or response.status != 200:
            problems.append(f"{url}: status {response and response.status}")
            continue
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 800})
            layout = sideways_problems(page)
            found = axe_problems(page)
            problems += [
                f"{width}px {url}: {p}"
                for p in found
                if not any(url.endswith(end) and f" {rule}:" in p for end, rule in ELSEWHERE)
            ]
            problems += [f"{width}px {url}: {p}" for p in layout]
    return problems


def test_axe_finds_nothing_on_the_pages_anyone_signed_out_can_open(server, new_page):
    problems = walk(new_page(), server, ANONYMOUS_PAGES)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("role", ["student", "teacher", "admin"])
def test_axe_finds_nothing_on_every_page_a_role_can_open(server, new_page, people, role):
    page = new_page()
    sign_in(page, server, people[role]["email"], DEFAULT_PASSWORD)
    page.wait_for_url(f"{server}/")
    urls = people[role]["urls"]
    assert len(urls) >= 8, urls
    problems = walk(page, server, urls)
    assert not problems, "\n".join(problems)


# --- Journey 1: a learner on the keyboard and a screen reader ---------------------------------

TYPE_LABELS = {
    "single_choice": "Single choice",
    "multiple_response": "Multiple response",
    "true_false": "True or false",
    "short_answer": "Short answer",
    "numeric": "Numeric",
    "ordering": "Ordering",
    "matching": "Matching",
    "cloze": "Cloze (fill the blanks)",
}


def new_learner(new_page, server, name, **context):
    page = new_page(**context)
    sign_up(page, server, f"{name.lower().replace(' ', '.')}@school.example", name)
    page.wait_for_url(f"{server}/")
    return page


def build_quiz(page, server, types, mode="practice", length=5, minutes=None):
    page.goto(f"{server}/quiz/new")
    for box in page.locator("input[name=topics]").all():
        box.check()
    for kind, label in TYPE_LABELS.items():
        page.get_by_label(label, exact=True).set_checked(kind in types)
    page.get_by_label("Number of questions").fill(str(length))
    page.locator(f"input[name=mode][value={mode}]").check()
    if minutes:
        page.get_by_label("Time limit in minutes (test mode, optional)").fill(str(minutes))
    page.get_by_role("button", name="Start the quiz").click()
    if page.get_by_label("Take the shorter quiz").count():
        page.get_by_label("Take the shorter quiz").check()
        page.get_by_role("button", name="Start the quiz").click()
    expect(page.get_by_role("heading", name=re.compile(r"^Question 1 of \d+$"))).to_be_visible()


def focused(page, script="document.activeElement"):
    return page.evaluate(
        f"(() => {{ const e = {script}; return e ? e.tagName.toLowerCase() + '#' + e.id + '.' + e.className : ''; }})()"
    )


def test_check_answer_moves_focus_to_the_feedback_and_the_title_carries_the_verdict(server, new_page):
    page = new_learner(new_page, server, "Practice Reader")
    build_quiz(page, server, ["single_choice", "true_false"])
    page.locator("form[data-answer-form] input[type=radio]").first.check()
    page.get_by_role("button", name="Check answer").click()
    expect(page.locator("#feedback-heading")).to_be_focused()
    expect(page).to_have_title(re.compile(r"^(Right|Wrong|Partly right) — Question 1 of 5 · "))
    # Coming back to the page later reads it from the top: focus is not moved again.
    page.reload()
    expect(page.locator("#feedback-heading")).not_to_be_focused()


def test_in_a_test_the_title_says_answer_saved_never_the_verdict(server, new_page):
    page = new_learner(new_page, server, "Test Taker")
    build_quiz(page, server, ["single_choice", "true_false"], mode="test")
    page.locator("form[data-answer-form] input[type=radio]").first.check()
    page.get_by_role("button", name="Save answer").click()
    expect(page).to_have_title(re.compile(r"^Question 2 of 5 · "))
    page.get_by_role("link", name="← Previous").click()
    expect(page).to_have_title(re.compile(r"^Answer saved — Question 1 of 5 · "))
    assert not re.search(r"\b(Right|Wrong)\b", page.title())
    expect(page.locator("#feedback-heading")).to_have_count(0)


def test_answers_and_next_come_first_and_answered_is_not_colour_alone(server, new_page):
    page = new_learner(new_page, server, "Tab Counter")
    build_quiz(page, server, ["single_choice", "true_false"])
    page.locator("form[data-answer-form] input[type=radio]").first.check()
    page.get_by_role("button", name="Check answer").click()
    page.get_by_role("link", name="Next →").click()
    expect(page.get_by_role("heading", name="Question 2 of 5")).to_be_visible()
    # From the top of the page: Tab, Enter (skip to content), Tab reach the first answer ...
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('form[data-answer-form]') !== null"), focused(page)
    assert page.evaluate("document.activeElement.type") == "radio"
    # ... and Tab, Tab, Enter (skip to Next) reach Next.
    page.reload()
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to Next")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("link", name="Next →")).to_be_focused()
    # The navigator marks question 1 answered with a visible sign and in words, not colour alone.
    first = page.get_by_role("navigation", name="All questions").get_by_role("link", name="1 answered", exact=True)
    expect(first).to_be_visible()
    expect(first.locator(".answered-mark")).to_have_attribute("data-mark", "answered")  # a drawn tick
    expect(first.locator(".answered-mark")).to_be_visible()


def test_answer_groups_are_named_by_their_prompt_and_blanks_by_their_sentence(server, new_page):
    page = new_learner(new_page, server, "Group Reader")
    build_quiz(page, server, ["single_choice"])
    prompt = page.locator("#prompt").inner_text().strip()
    group = page.get_by_role("group", name=re.compile(re.escape(prompt[:40])))
    expect(group).to_have_count(1)
    expect(group.get_by_role("radio").first).to_be_visible()

    build_quiz(page, server, ["cloze"])
    blanks = page.locator("form[data-answer-form] input.blank")
    label = blanks.first.get_attribute("aria-label")
    assert label.startswith("Blank 1 of: ") and "___" in label, label
    sentence = label.removeprefix("Blank 1 of: ")
    visible = page.locator(".cloze").inner_text()
    assert sentence.split("___")[0].strip()[:20] in visible, (sentence, visible)


def test_a_timed_test_counts_down_announces_5_and_1_minutes_and_submits_at_zero(server, new_page):
    page = new_learner(new_page, server, "Clock Watcher")
    page.clock.install()
    build_quiz(page, server, ["single_choice", "true_false"], mode="test", minutes=7)
    left = page.locator("[data-time-left]")
    announcer = page.locator("[data-time-announcer]")
    expect(left).to_have_text(re.compile(r"^[67]:\d\d$"))
    expect(announcer).to_have_attribute("role", "status")
    page.clock.run_for("01:30")
    expect(left).to_have_text(re.compile(r"^5:\d\d$"))
    expect(announcer).to_have_text("")
    page.clock.run_for("01:00")
    expect(announcer).to_have_text("5 minutes left.")
    page.clock.run_for("04:00")
    expect(announcer).to_have_text("1 minute left.")
    page.clock.run_for("01:05")
    expect(page.get_by_role("heading", name="Your results")).to_be_visible()


def test_review_focus_announcements_and_shortcuts_that_stay_out_of_the_way(server, new_page):
    page = new_learner(new_page, server, "Quiet Keys")
    page.goto(f"{server}/review/?kind=flashcards")
    expect(page.locator(".count-new strong")).to_have_text("20")
    page.keyboard.press("Space")
    back = page.locator(".card-back")
    expect(back).to_be_focused()  # the back is where a screen reader goes on, and it is read out
    announcer = page.locator("[data-review-announcer]")
    expect(announcer).to_have_attribute("aria-live", "polite")
    expect(announcer).to_contain_text(back.inner_text().strip()[:30])
    # With focus on a button, a digit does not rate (Space there presses that button itself).
    page.locator('button[data-rating="1"]').focus()
    page.keyboard.press("3")
    page.wait_for_timeout(300)
    expect(page.locator(".count-new strong")).to_have_text("20")
    expect(back).to_be_visible()
    page.locator(".card-back").focus()
    page.keyboard.press("3")
    expect(page.locator(".count-new strong")).to_have_text("19")
    assert page.evaluate("document.activeElement !== document.body"), focused(page)
    expect(page.locator("#card-prompt")).to_be_focused()
    expect(page.get_by_role("heading", name="Review", exact=True)).to_have_attribute("tabindex", "-1")

    page.goto(f"{server}/review/settings")
    page.get_by_label("Single-key shortcuts while reviewing (Space, 1–4, U)").uncheck()
    page.get_by_role("button", name="Save").first.click()
    expect(page.get_by_text("Your review settings are saved.")).to_be_visible()
    page.goto(f"{server}/review/?kind=flashcards")
    page.keyboard.press("Space")
    page.wait_for_timeout(300)
    expect(page.get_by_role("link", name=re.compile("Show answer"))).to_be_visible()
    expect(page.get_by_text("Single-key shortcuts are off")).to_be_visible()
