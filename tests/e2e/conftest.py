"""Browser tests: Playwright drives Debian's Chromium against the app served by gunicorn.

The server is a real process on a free port of 127.0.0.1 with a fresh SQLite database, the
curated bank loaded, CSRF on and the production headers. Without a browser the tests are
skipped with the reason, unless QUIZAPP_REQUIRE_E2E=1 (as in CI), where that is a failure.
"""

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from tests import security_summary
from tests.servers import start_gunicorn, stop

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "tests" / "e2e" / "screenshots"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def _missing_browser() -> str | None:
    if not os.path.exists(CHROMIUM):
        return "Debian's Chromium is not installed (apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed (pip install -r requirements.txt)"
    return None


def pytest_collection_modifyitems(config, items):
    reason = _missing_browser()
    if reason is None:
        return
    if os.environ.get("QUIZAPP_REQUIRE_E2E") == "1":
        raise pytest.UsageError(f"QUIZAPP_REQUIRE_E2E=1 but {reason}")
    for item in items:
        if "e2e" in item.keywords:
            item.add_marker(pytest.mark.skip(reason=f"browser tests skipped: {reason}"))


SERVER_ENV: dict[str, str] = {}


def flask_command(*args: str, stdin: str | None = None) -> str:
    """Run `flask --app quizapp ...` against the browser tests' database (e.g. to make a teacher)."""
    done = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "quizapp", *args],
        cwd=ROOT,
        env=SERVER_ENV,
        input=stdin,
        text=True,
        capture_output=True,
        check=True,
    )
    return done.stdout


def prepared_instance(prefix: str) -> tuple[str, dict[str, str]]:
    """A fresh instance folder with its SQLite database migrated and the curated bank loaded, and the
    environment a server of it runs with (never the PostgreSQL test database)."""
    instance = tempfile.mkdtemp(prefix=prefix)
    env = {
        **os.environ,
        "QUIZAPP_INSTANCE": instance,
        "QUIZAPP_ENV": "development",
        "DATABASE_URL": f"sqlite:///{instance}/e2e.sqlite",
        "SECRET_KEY": "e2e-only-secret",
    }
    env.pop("TEST_DATABASE_URL", None)
    flask = [sys.executable, "-m", "flask", "--app", "quizapp"]
    for command in (["db", "upgrade"], ["bank", "load"]):
        subprocess.run(flask + command, cwd=ROOT, env=env, check=True, capture_output=True)
    return instance, env


@pytest.fixture(scope="session")
def server():
    """gunicorn serving the app on 127.0.0.1:<free port>; yields its base URL."""
    instance, env = prepared_instance("quizapp-e2e-")
    SERVER_ENV.update(env)
    process, base = start_gunicorn("quizapp:create_app()", env)
    yield base
    stop(process)
    shutil.rmtree(instance, ignore_errors=True)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser, request):
    """Pages in fresh browser contexts (separate cookies); CSP violations and page errors are collected."""
    pages, problems = [], []

    def factory(**context_options):
        context = browser.new_context(**context_options)
        page = context.new_page()
        page.on("console", lambda m: problems.append(m.text) if "Content Security Policy" in m.text else None)
        page.on("pageerror", lambda e: problems.append(str(e)))
        page.on("dialog", lambda d: (problems.append(f"dialog: {d.message}"), d.dismiss()))
        pages.append(page)
        return page

    yield factory
    failed = getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed
    for n, page in enumerate(pages):
        if failed:
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SCREENSHOTS / f"{request.node.name}-{n}.png"), full_page=True)
        page.context.close()
    security_summary.count("browser", contexts=len(pages), problems=len(problems))
    if part := getattr(request.module, "SECURITY_PART", None):  # a module's own summary line
        security_summary.count(part, problems=len(problems))
    assert problems == [], problems


@pytest.hookimpl(tryfirst=True, hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)
