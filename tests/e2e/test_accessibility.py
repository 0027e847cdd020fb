"""Accessibility: axe-core over every page a student, teacher and admin can open (at 1280 px and
at 320 px, without sideways scrolling), and the keyboard and screen-reader details of journey 1."""

import json
import os
import subprocess
import sys

import pytest

from tests.e2e.conftest import ROOT, SERVER_ENV
from tests.e2e.test_journeys import sign_in
from tests.factories import DEFAULT_PASSWORD

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(
        os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"),
        reason="browser tests run in the SQLite pass only",
    ),
]

WIDTHS = (1280, 320)
SERIOUS = {"serious", "critical"}
ANONYMOUS_PAGES = ["/", "/auth/signin", "/auth/signup", "/auth/code"]


@pytest.fixture(scope="module")
def people(server):
    """A student, a teacher and an admin with the access matrix's objects, and the pages each may open."""
    done = subprocess.run(
        [sys.executable, "-m", "tests.e2e.a11y_seed"],
        cwd=ROOT,
        env=SERVER_ENV,
        text=True,
        capture_output=True,
        check=True,
    )
    line = next(line for line in done.stdout.splitlines() if line.startswith("A11Y-PAGES:"))
    return json.loads(line.removeprefix("A11Y-PAGES:"))


def axe_problems(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"resultTypes": ["violations", "incomplete"]}).response
    serious = [v for v in results["incomplete"] if v.get("impact") in SERIOUS]
    return [f"violation {v['id']}: {v['help']} at {where(v)}" for v in results["violations"]] + [
        f"needs review ({v['impact']}) {v['id']}: {v['help']} at {where(v)}" for v in serious
    ]


def where(rule: dict) -> list:
    return [node["target"] for node in rule["nodes"]][:3]


def walk(page, server, urls) -> list[str]:
    problems = []
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 800})
        for url in urls:
            response = page.goto(server + url)
            if response is None or response.status != 200:
                problems.append(f"{width}px {url}: status {response and response.status}")
                continue
            problems += [f"{width}px {url}: {p}" for p in axe_problems(page)]
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            if overflow > 0:
                problems.append(f"{width}px {url}: scrolls sideways by {overflow}px")
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
