"""A student plans for an exam in 10 days, studies a day, and sees the plan and the home page change.

The server is made with TESTING and TEST_CLOCK, so each request's X-Test-Now header sets the time it sees:
the journey moves from one evening to the next without waiting a day."""

import re
import shutil
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import prepared_instance
from tests.e2e.test_journeys import sign_up
from tests.servers import start_gunicorn, stop

pytestmark = pytest.mark.e2e

DAY_ONE = datetime(2027, 3, 1, 18, 0, tzinfo=UTC)
TOPIC = "chollima-taean"


@pytest.fixture(scope="module")
def clocked_server():
    instance, env = prepared_instance("quizapp-e2e-clock-")
    process, base = start_gunicorn("quizapp:create_app(TESTING=True, TEST_CLOCK=True)", env)
    yield base
    stop(process)
    shutil.rmtree(instance, ignore_errors=True)


def at(page, moment: datetime) -> None:
    page.context.set_extra_http_headers({"X-Test-Now": moment.isoformat()})


def cells(page, table: str) -> list[str]:
    return page.locator(f"#{table} tbody tr").all_inner_texts()


def test_a_student_plans_for_an_exam_studies_a_day_and_the_plan_follows(clocked_server, new_page):
    server, page = clocked_server, new_page()
    at(page, DAY_ONE)
    sign_up(page, server, "exam@school.example", "Exam Learner")
    page.wait_for_url(f"{server}/")
    expect(page.locator("#home-today")).to_contain_text("Plan for an exam")

    page.goto(f"{server}/review/exam")
    page.get_by_label("Exam date").fill((DAY_ONE + timedelta(days=10)).date().isoformat())
    page.get_by_label("Target recall on the day (%)").fill("95")
    page.get_by_label("What the exam covers").select_option(f"topic:{TOPIC}")
    page.get_by_role("button", name="Plan for this exam").click()
    expect(page.locator("[data-days-left]")).to_have_text("10")
    expect(page.locator("#plan-feasible")).to_be_visible()
    workload = cells(page, "workload")
    assert len(workload) == 10 and workload[0].startswith("Today")
    first_new = int(workload[0].split("\t")[-1])
    assert first_new > 0  # every item of the topic is new: the plan introduces them today
    before = cells(page, "forecast")
    assert re.search(r"\t0%\t9[5-9]%", before[0])  # nothing learnt yet; following the plan reaches the target

    page.goto(f"{server}/")
    today = page.locator("#home-today")
    expect(today).to_contain_text("10 days to your exam")
    expect(page.locator("#exam-share")).to_contain_text(f"0 reviews and {first_new} new items of the exam")

    page.goto(f"{server}/review/?topic={TOPIC}&kind=flashcards")
    rated = 0
    while page.get_by_role("link", name=re.compile("Show answer")).count() and rated < 30:
        page.keyboard.press("Space")
        expect(page.locator('button[data-rating="3"]')).to_be_visible()
        with page.expect_navigation():
            page.keyboard.press("3")
        rated += 1
    assert rated > 0

    page.goto(f"{server}/review/exam")
    after = cells(page, "forecast")
    assert after != before and not re.search(r"\t0%\t", after[0])  # what was learnt shows on the exam morning
    page.goto(f"{server}/")
    expect(page.locator("#home-today")).to_contain_text(f"{rated} done so far")

    at(page, DAY_ONE + timedelta(days=1))  # the next evening
    page.goto(f"{server}/")
    expect(page.locator("#home-today")).to_contain_text("9 days to your exam")
    expect(page.locator("#home-today")).not_to_contain_text("done so far")
    page.goto(f"{server}/review/exam")
    expect(page.locator("[data-days-left]")).to_have_text("9")
    assert len(cells(page, "workload")) == 9
