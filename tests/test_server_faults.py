"""The app served by gunicorn: throttling holds across workers; a killed worker loses nothing committed."""

import os
import signal
import subprocess
import threading
import urllib.error
import urllib.parse
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.review.models import Card, ReviewLog
from tests.answering import issue_showing
from tests.conftest import _INSTANCE, DATABASE_URL
from tests.factories import DEFAULT_PASSWORD, make_question, make_topic, make_user
from tests.servers import start_gunicorn, stop

ROOT = Path(__file__).resolve().parent.parent


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@contextmanager
def gunicorn(workers: int):
    """The app (test configuration, the run's database) under gunicorn on a free port."""
    env = {**os.environ, "QUIZAPP_INSTANCE": _INSTANCE, "DATABASE_URL": DATABASE_URL, "QUIZAPP_ENV": "test"}
    env.pop("TEST_DATABASE_URL", None)
    process, base = start_gunicorn(
        f"quizapp:create_app('test', SQLALCHEMY_DATABASE_URI='{DATABASE_URL}')", env, workers
    )
    try:
        yield base, process
    finally:
        stop(process)


def post(url: str, data: dict, cookie: str | None = None) -> tuple[int, str | None]:
    request = urllib.request.Request(
        url, data=urllib.parse.urlencode(data).encode(), headers={"Cookie": cookie} if cookie else {}
    )
    try:
        response = urllib.request.build_opener(NoRedirect).open(request, timeout=10)
        return response.status, response.headers.get("Set-Cookie")
    except urllib.error.HTTPError as answer:
        return answer.code, answer.headers.get("Set-Cookie")


def test_throttling_holds_across_two_workers(app):
    with app.app_context():
        make_user(email="target@example.org")
    with gunicorn(workers=2) as (base, _):
        wrong = [
            post(f"{base}/auth/signin", {"email": "target@example.org", "password": "wrong guess!"})[0]
            for _ in range(5)
        ]
        right = [
            post(f"{base}/auth/signin", {"email": "target@example.org", "password": DEFAULT_PASSWORD})[0]
            for _ in range(4)
        ]
    assert wrong == [401] * 5 and right == [429] * 4  # whichever worker answered


def test_a_killed_worker_loses_nothing_committed_and_leaves_nothing_half_written(app, runner):
    with app.app_context():
        user_id = make_user(email="busy@example.org").id
        topic = make_topic("war")
        question_ids = [make_question(topic, "flashcard").id for _ in range(60)]
        db.session.commit()
        tokens = [issue_showing(user_id, question_id) for question_id in question_ids]  # one card each
    accepted, failed = [], []
    with gunicorn(workers=1) as (base, master):
        _, set_cookie = post(f"{base}/auth/signin", {"email": "busy@example.org", "password": DEFAULT_PASSWORD})
        cookie = set_cookie.split(";", 1)[0]

        def rate(n: int) -> None:
            try:
                status, _ = post(
                    f"{base}/review/rate",
                    {"question_id": question_ids[n], "rating": "3", "key": f"kill-{n:04d}" * 3, "token": tokens[n]},
                    cookie,
                )
            except OSError:
                status = None
            (accepted if status == 302 else failed).append(n)

        threads = [threading.Thread(target=rate, args=(n,)) for n in range(60)]
        for n, thread in enumerate(threads):
            thread.start()
            if n == 25:  # kill the worker mid-stream; the master starts a new one
                worker = subprocess.run(["pgrep", "-P", str(master.pid)], capture_output=True, text=True).stdout
                for pid in worker.split():
                    os.kill(int(pid), signal.SIGKILL)
        for thread in threads:
            thread.join(timeout=30)
    with app.app_context():
        keys = set(db.session.scalars(sa.select(ReviewLog.submission_key)))
        reps = db.session.scalar(sa.select(sa.func.coalesce(sa.func.sum(Card.reps), 0)))
        assert {f"kill-{n:04d}" * 3 for n in accepted} <= keys  # every acknowledged rating was kept
        assert reps == len(keys)  # and nothing was half-written
    assert accepted  # some ratings went through on either side of the kill
    assert runner.invoke(args=["db-check"]).exit_code == 0
