"""Journey 2: a student's day on a 320-pixel phone. She signs up (her phone's time zone already
chosen), is welcomed, starts a test, leaves it, finds it first on her home page and resumes it,
reviews cards, opens her progress and her quizzes; her teacher opens the class page and what the
class knows. Every page fits 320 px, and 640 px (a 1280 px window at 200% zoom), without
sideways scrolling."""

import json
import re
import shutil
import subprocess
import sys

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import ROOT, prepared_instance
from tests.e2e.fit import sideways_problems
from tests.e2e.realistic_seed import LONG_CLASS, LONG_NAME
from tests.e2e.test_accessibility import build_quiz
from tests.e2e.test_journeys import PASSWORD, sign_in, sign_up
from tests.factories import DEFAULT_PASSWORD
from tests.servers import start_gunicorn, stop

pytestmark = pytest.mark.e2e

PHONE = {"width": 320, "height": 640}
ZOOMED = {"width": 640, "height": 400}  # 1280 x 800 at 200%
STUDENT = f"Noor {LONG_NAME}"


@pytest.fixture(scope="module")
def own_server():
    """A server of this module's own, with a teacher and her class made first (so the student who
    signs up is not the site's first account, which is offered the administrator's role)."""
    instance, env = prepared_instance("quizapp-phone-")
    done = subprocess.run(
        [sys.executable, "-m", "tests.e2e.phone_seed"], cwd=ROOT, env=env, text=True, capture_output=True, check=True
    )
    seeded = json.loads(next(line for line in done.stdout.splitlines() if line.startswith("PHONE:"))[6:])
    process, base = start_gunicorn("quizapp:create_app()", env)
    yield base, seeded
    stop(process)
    shutil.rmtree(instance, ignore_errors=True)


def fits(page, what: str) -> None:
    """No sideways scrolling on this page at 320 px, nor at 640 px (200% zoom), and any box that
    scrolls on its own a named, focusable region; back to 320 after."""
    for size in (ZOOMED, PHONE):
        page.set_viewport_size(size)
        problems = sideways_problems(page)
        assert not problems, f"{what} at {size['width']}px: {problems}"


def test_a_students_day_and_her_teachers_class_on_a_phone(own_server, new_page):
    server, seeded = own_server
    page = new_page(viewport=PHONE, timezone_id="Asia/Seoul")

    # Sign-up: the phone's own time zone is already chosen.
    page.goto(f"{server}/auth/signup")
    expect(page.get_by_label("Time zone")).to_have_value("Asia/Seoul")
    expect(page.get_by_text("Set to Asia/Seoul, your device's time zone.")).to_be_visible()
    fits(page, "sign-up")
    sign_up(page, server, "noor@school.example", STUDENT)
    page.wait_for_url(f"{server}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Welcome, {STUDENT}")
    expect(page.get_by_text("in your time zone, Asia/Seoul")).to_be_visible()
    fits(page, "home after sign-up")

    # She joins her class: its long-named set is on her home page, not started.
    page.get_by_role("link", name="Join a class").click()
    page.get_by_label("Join code").fill(seeded["code"])
    page.get_by_role("button", name="Join").click()
    expect(page.get_by_text(f"You are in {LONG_CLASS}.")).to_be_visible()
    expect(page.get_by_text("Not started")).to_be_visible()
    fits(page, "home with an assignment")

    # A test, one answer saved, then away to the home page.
    build_quiz(page, server, ["single_choice", "true_false"], mode="test", minutes=30)
    fits(page, "a test question")
    page.locator("form[data-answer-form] input[type=radio]").first.check()
    page.get_by_role("button", name="Save answer").click()
    expect(page.get_by_role("heading", name="Question 2 of 5")).to_be_visible()
    page.get_by_role("link", name="Home", exact=True).click()

    # The unfinished test comes first, before today's plan, and resumes where she left it.
    unfinished = page.locator("section.card").first
    expect(unfinished.get_by_role("heading", name="Your unfinished test")).to_be_visible()
    expect(unfinished).to_contain_text("1 of 5 answered")
    fits(page, "home with an unfinished test")
    unfinished.get_by_role("link", name="Resume your test").click()
    expect(page.get_by_role("heading", name="Question 2 of 5")).to_be_visible()
    page.get_by_role("button", name=re.compile(r"^Finish")).click()
    expect(page.get_by_role("heading", name="Your results")).to_be_visible()
    fits(page, "results")
    page.get_by_role("link", name="Home", exact=True).click()
    expect(page.get_by_role("heading", name="Your unfinished test")).to_have_count(0)

    # Cards to review.
    page.get_by_role("link", name="Review", exact=True).click()
    page.get_by_label("Kind of items").select_option("flashcards")
    page.get_by_role("button", name="Study this deck").click()
    fits(page, "review")
    new = page.locator(".count-new strong")
    before = int(new.inner_text())
    for _ in range(2):
        page.get_by_role("link", name=re.compile("Show answer")).click()
        expect(page.locator(".card-back")).to_be_visible()
        fits(page, "a revealed card")
        page.get_by_role("button", name=re.compile(r"^Good")).click()
    expect(new).to_have_text(str(before - 2))

    # Progress and her quizzes: wide tables scroll in their own focusable, named boxes.
    page.get_by_role("link", name="Progress", exact=True).click()
    expect(page.get_by_role("heading", name="Your progress")).to_be_visible()
    fits(page, "progress")
    page.get_by_role("link", name="Quizzes", exact=True).click()
    attempts = page.get_by_role("region", name="Your quiz attempts table")
    expect(attempts).to_have_attribute("tabindex", "0")
    expect(attempts.get_by_role("cell", name="Test")).to_be_visible()
    fits(page, "quiz history")

    # Her teacher, on a phone too: the class page and what the class knows.
    teacher = new_page(viewport=PHONE)
    sign_in(teacher, server, seeded["teacher"], DEFAULT_PASSWORD)
    teacher.wait_for_url(f"{server}/")
    teacher.get_by_role("link", name="Classes", exact=True).click()
    teacher.get_by_role("link", name=LONG_CLASS).click()
    expect(teacher.get_by_role("heading", level=1)).to_have_text(LONG_CLASS)
    expect(teacher.get_by_role("link", name=f"Remove {STUDENT}")).to_be_visible()
    scores = teacher.get_by_role("region", name="Scores per student and assignment table")
    expect(scores.get_by_role("rowheader", name=STUDENT)).to_be_attached()
    fits(teacher, "the class page")
    teacher.get_by_role("link", name="What the class knows").click()
    expect(teacher.get_by_role("region", name="Mastery by student and topic table")).to_be_visible()
    fits(teacher, "class progress")


def test_without_script_the_time_zone_starts_on_utc_and_the_person_picks_one(own_server, new_page):
    server, _ = own_server
    page = new_page(viewport=PHONE, timezone_id="Asia/Seoul", java_script_enabled=False)
    page.goto(f"{server}/auth/signup")
    zone = page.get_by_label("Time zone")
    expect(zone).to_have_value("UTC")
    expect(page.locator(".zone-note")).to_be_hidden()
    zone.select_option("Europe/Lisbon")
    page.get_by_label("Email").fill("no.script@school.example")
    page.get_by_label("Display name").fill("No Script")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Repeat password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    page.wait_for_url(f"{server}/")
    expect(page.get_by_text("in your time zone, Europe/Lisbon")).to_be_visible()
