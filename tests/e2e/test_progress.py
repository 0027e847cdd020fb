"""Seeded demo data: the learner's dashboard, the knowledge map and the class view, screenshot and checked."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import SCREENSHOTS, SERVER_ENV, flask_command
from tests.e2e.test_journeys import sign_in

pytestmark = pytest.mark.e2e


def expected(email: str) -> dict:
    """The same figures computed from the server's database directly."""
    from quizapp import create_app
    from quizapp.auth.services import user_by_email
    from quizapp.models import utcnow
    from quizapp.progress import knowledge, services

    app = create_app("development", SQLALCHEMY_DATABASE_URI=SERVER_ENV["DATABASE_URL"], SECRET_KEY="x")
    with app.app_context():
        user = user_by_email(email)
        board = services.dashboard(user.id, utcnow(), user.timezone)
        pages = {cell.page: cell.percent for cell in knowledge.knowledge_map(user.id, utcnow())}
        from quizapp.extensions import db

        db.engine.dispose()
    return {
        "due": board.due_today,
        "streak": board.streak,
        "pages": pages,
        "mastery": [m.percent for m in board.mastery],
    }


def test_dashboards_with_seeded_data(server, new_page):
    output = flask_command("demo", "seed", "--students", "4", "--days", "20")
    assert "Demo class ready" in output
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    student = new_page(viewport={"width": 1280, "height": 900})
    sign_in(student, server, "demo.student04@quizapp.example", "demo student password")
    student.wait_for_url(f"{server}/")
    student.get_by_role("link", name="Progress").click()
    want = expected("demo.student04@quizapp.example")
    expect(student.locator("#due-today")).to_have_text(str(want["due"]))
    expect(student.locator("#streak")).to_have_text(str(want["streak"]))
    cells = student.locator(".page-cell")
    expect(cells).to_have_count(27)
    shown = {
        int(re.search(r"p\. (\d+)", cells.nth(n).inner_text()).group(1)): cells.nth(n).inner_text() for n in range(27)
    }
    for page, percent in want["pages"].items():
        assert (f"{percent}%" if percent is not None else "–") in shown[page], (page, shown[page])
    shares = student.locator("table.mastery tbody tr td:last-child")
    assert [int(re.search(r"(\d+)%", shares.nth(n).inner_text()).group(1)) for n in range(shares.count())] == want[
        "mastery"
    ]
    student.screenshot(path=str(SCREENSHOTS / "learner-dashboard.png"), full_page=True)
    student.goto(f"{server}/progress/map")
    student.screenshot(path=str(SCREENSHOTS / "knowledge-map.png"), full_page=True)

    teacher = new_page(viewport={"width": 1280, "height": 900})
    sign_in(teacher, server, "demo.teacher@quizapp.example", "demo teacher password")
    teacher.wait_for_url(f"{server}/")
    teacher.get_by_role("link", name="Classes").click()
    teacher.get_by_role("link", name="Demo class 12B").click()
    teacher.get_by_role("link", name="What the class knows").click()
    rows = teacher.locator("section[aria-labelledby=matrix-heading] tbody tr")
    expect(rows).to_have_count(4)
    fourth = rows.filter(has_text="Student 04").locator("td")
    assert [int(re.search(r"(\d+)%", fourth.nth(n).inner_text()).group(1)) for n in range(fourth.count())] == want[
        "mastery"
    ]
    teacher.screenshot(path=str(SCREENSHOTS / "class-view.png"), full_page=True)
