"""A person's first minutes: sign up, sign out, sign in, and an admin making a teacher."""

import re
import shutil

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import prepared_instance
from tests.servers import start_gunicorn, stop

pytestmark = pytest.mark.e2e

PASSWORD = "armistice of 1953"


@pytest.fixture(scope="module")
def server():
    """A server of this module's own: its first test needs a site with no account yet (the first
    account is offered the administrator's role), whatever other modules did on the shared one."""
    instance, env = prepared_instance("quizapp-first-")
    process, base = start_gunicorn("quizapp:create_app()", env)
    yield base
    stop(process)
    shutil.rmtree(instance, ignore_errors=True)


def sign_up(page, server, email, name):
    page.goto(f"{server}/auth/signup")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Display name").fill(name)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Repeat password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()


def sign_in(page, server, email, password=PASSWORD):
    page.goto(f"{server}/auth/signin")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.keyboard.press("Enter")  # keyboard use: Enter submits the form


def test_first_user_becomes_admin_and_makes_a_teacher(server, new_page, tmp_path):
    admin = new_page()
    admin.goto(server)
    expect(admin.get_by_role("link", name="Create a free account")).to_be_visible()
    sign_up(admin, server, "head@school.example", "Head Teacher")
    admin.wait_for_url(f"{server}/")
    expect(admin.get_by_role("heading", name="Welcome, Head Teacher")).to_be_visible()
    expect(admin.get_by_text("You are an administrator")).to_be_visible()
    expect(admin.get_by_text("The Korean War and the Armistice")).to_be_visible()  # the bank is loaded

    student = new_page()
    sign_up(student, server, "pupil@school.example", "Pupil One")
    student.wait_for_url(f"{server}/")
    expect(student.get_by_text("Review days start at 04:00 in your time zone")).to_be_visible()
    expect(student.get_by_role("link", name="Users", exact=True)).to_have_count(0)

    admin.get_by_role("link", name="Users", exact=True).click()
    admin.get_by_label("Search by email or name").fill("pupil")
    admin.get_by_role("button", name="Search").click()
    admin.get_by_label("Role of Pupil One").select_option("teacher")
    admin.get_by_role("button", name="Save role").click()
    expect(admin.get_by_text("Pupil One is now teacher.")).to_be_visible()

    student.reload()
    expect(student.get_by_text("You are a teacher")).to_be_visible()
    admin.screenshot(path=str(tmp_path / "admin-users.png"), full_page=True)


def test_sign_out_and_back_in_with_wrong_then_right_password(server, new_page):
    page = new_page()
    sign_up(page, server, "reader@school.example", "Reader")
    page.wait_for_url(f"{server}/")
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_text("You are signed out.")).to_be_visible()
    sign_in(page, server, "reader@school.example", "not my password")
    expect(page.get_by_role("alert").get_by_text("do not match an active account")).to_be_visible()
    sign_in(page, server, "READER@school.example")
    page.wait_for_url(f"{server}/")
    expect(page.get_by_role("heading", name="Welcome back, Reader")).to_be_visible()


def test_signup_errors_show_next_to_their_fields(server, new_page):
    page = new_page()
    page.goto(f"{server}/auth/signup")
    page.get_by_label("Email").fill("someone@school.example")
    page.get_by_label("Display name").fill("Someone")
    page.get_by_label("Password", exact=True).fill("password1")
    page.get_by_label("Repeat password").fill("password2")
    page.get_by_role("button", name="Create account").click()
    expect(page.locator("#password-error")).to_have_text(
        "This password is too common; choose one that is harder to guess."
    )
    expect(page.locator("#confirm-error")).to_have_text("The passwords differ.")
    expect(page.get_by_label("Password", exact=True)).to_have_attribute("aria-invalid", "true")


def test_pages_fit_a_phone(server, new_page, tmp_path):
    page = new_page(viewport={"width": 375, "height": 740}, is_mobile=True)
    for path in ("/", "/auth/signin", "/auth/signup"):
        page.goto(server + path)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, (path, overflow)
    page.screenshot(path=str(tmp_path / "phone-home.png"), full_page=True)


def test_keyboard_focus_is_visible_and_skip_link_works(server, new_page):
    page = new_page()
    page.goto(server)
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Skip to content"
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
    page.keyboard.press("Enter")
    assert re.search(r"#main$", page.url)


def test_signed_in_pages_fit_a_phone(server, new_page, tmp_path):
    page = new_page(viewport={"width": 375, "height": 740}, is_mobile=True)
    sign_up(page, server, "phone@school.example", "Phone Reader")
    page.wait_for_url(f"{server}/")
    for path in ("/", "/quiz/new", "/review/", "/progress", "/progress/map", "/auth/account", "/classes/join"):
        page.goto(server + path)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, (path, overflow)
    page.screenshot(path=str(tmp_path / "phone-progress.png"), full_page=True)
