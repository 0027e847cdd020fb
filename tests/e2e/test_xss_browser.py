"""Thirty payloads on each kind of page in a real browser: no dialog fires, no CSP violation is reported
(the new_page fixture fails the test on either)."""

import json

import pytest
from playwright.sync_api import expect

from tests import security_summary
from tests.e2e.conftest import flask_command
from tests.e2e.test_journeys import PASSWORD, sign_in
from tests.xss_payloads import PAYLOADS

pytestmark = pytest.mark.e2e
SAMPLE = PAYLOADS[:: len(PAYLOADS) // 30][:30]
SECURITY_PART = "xss_browser"  # new_page adds its dialogs and CSP violations to the security summary


def test_payloads_stay_inert_in_chromium(server, new_page, tmp_path):
    flask_command(
        "users",
        "create",
        "--email",
        "xss.teacher@school.example",
        "--role",
        "teacher",
        "--name",
        SAMPLE[0][:80],
        stdin=PASSWORD + "\n",
    )
    items = [
        {
            "id": f"xss-{n}",
            "type": "single_choice",
            "topic": "korean-war",
            "tags": [],
            "difficulty": 2,
            "prompt": f"{payload} **still bold**",
            "explanation": payload,
            "choices": [{"id": "a", "text": payload, "correct": True}, {"id": "b", "text": "Safe"}],
        }
        for n, payload in enumerate(SAMPLE)
    ]
    bank = tmp_path / "xss.json"
    bank.write_text(json.dumps(items))
    assert "imported 30 questions" in flask_command(
        "bank", "import", str(bank), "--format", "json", "--owner", "xss.teacher@school.example"
    )
    security_summary.count("xss_browser", payloads=len(SAMPLE))
    page = new_page()
    page.on("load", lambda _: security_summary.count("xss_browser", pages=1))
    sign_in(page, server, "xss.teacher@school.example")
    page.wait_for_url(f"{server}/")
    page.goto(f"{server}/teach/questions?author=mine")
    links = page.locator(".bank-prompt")
    expect(links).to_have_count(25)
    hrefs = [links.nth(n).get_attribute("href") for n in range(links.count())]
    for href in hrefs:
        page.goto(server + href)
        expect(page.locator(".prompt strong").first).to_have_text("still bold")
    for payload in SAMPLE:
        page.goto(f"{server}/teach/classes")
        page.get_by_label("Class name").fill(payload[:120])
        page.get_by_role("button", name="Create class").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(payload[:120].strip() or "x", use_inner_text=True)
    page.goto(f"{server}/teach/classes")
    page.goto(f"{server}/")
