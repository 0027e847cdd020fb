"""`make bench`: throughput and latency of the app's pages against two baselines.

Serves the baselines and the app with gunicorn (2 workers) on 127.0.0.1, drives each
route with wrk (2 threads, 8 connections) on the same machine, prints requests/s and
p50/p95/p99 latency with each page's ratio to the one-SELECT baseline, and writes
bench/results/<date>.json. The database is SQLite in bench/data/ (kept between runs),
or BENCH_DATABASE_URL when set. Compare figures only within one run: wrk shares the cores.
"""

import http.cookiejar
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench" / "data"
RESULTS = ROOT / "bench" / "results"
SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
BENCH_EMAIL, BENCH_PASSWORD = "bench-student@example.org", "bench student passphrase"


def environment() -> dict[str, str]:
    DATA.mkdir(parents=True, exist_ok=True)
    url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{DATA / 'bench.sqlite'}"
    return {**os.environ, "QUIZAPP_INSTANCE": str(DATA), "QUIZAPP_ENV": "development", "DATABASE_URL": url}


def prepare(env: dict[str, str]) -> None:
    """Migrate, load the bank and make the signed-in learner (all idempotent)."""
    flask = [sys.executable, "-m", "flask", "--app", "quizapp"]
    subprocess.run([*flask, "db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True)
    subprocess.run([*flask, "bank", "load"], cwd=ROOT, env=env, check=True, capture_output=True)
    seeded = DATA / ".demo-seeded"
    if not seeded.exists():  # the demo class fills the dashboards (kept between runs)
        subprocess.run(
            [*flask, "demo", "seed", "--students", "30", "--days", "30"],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
        )
        seeded.touch()
    subprocess.run(
        [*flask, "users", "create", "--email", BENCH_EMAIL],
        cwd=ROOT,
        env=env,
        input=BENCH_PASSWORD + "\n",
        text=True,
        capture_output=True,
        check=False,
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def gunicorn(app: str, env: dict[str, str]):
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-w", "2", "-b", f"127.0.0.1:{port}", "--log-level", "warning", app],
        cwd=ROOT,
        env=env,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"gunicorn did not start for {app}") from None
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=15)


class Learner:
    """A signed-in browser: cookies, the CSRF token, and the pages it needs."""

    def __init__(self, base: str, email: str = BENCH_EMAIL, password: str = BENCH_PASSWORD):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.post("/auth/signin", {"email": email, "password": password})
        if "session=" not in self.cookie:
            raise RuntimeError("could not sign in the bench learner")

    @property
    def cookie(self) -> str:
        return "; ".join(f"{c.name}={c.value}" for c in self.jar)

    def token(self) -> str:
        page = self.opener.open(f"{self.base}/auth/signin").read().decode()
        return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)

    def post(self, path: str, fields: dict) -> str:
        body = urllib.parse.urlencode({"csrf_token": self.token(), **fields}, doseq=True).encode()
        return self.opener.open(f"{self.base}{path}", data=body).geturl()


QUIZ_FORM = {
    "topics": ["korean-war", "sino-soviet", "chuche", "aid-reconstruction"],
    "types": ["true_false"],
    "difficulties": ["1", "2", "3"],
    "length": "10",
    "mode": "test",
}


def wrk(url: str, cookie: str | None = None, seconds: int = SECONDS, body: str | None = None) -> dict:
    script = "post.lua" if body else "report.lua"
    command = ["wrk", "-t2", "-c8", f"-d{seconds}s", "--latency", "-s", str(ROOT / "bench" / script)]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    env = {**os.environ, "BENCH_BODY": body or ""}
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True, cwd=ROOT, env=env).stdout
    result = json.loads(output.strip().splitlines()[-1])
    result["requests_per_s"] = round(result["requests"] / (result["duration_us"] / 1e6), 1)
    return result


def measure(name: str, url: str, cookie: str | None = None, body: str | None = None) -> dict:
    wrk(url, cookie, seconds=2, body=body)  # warm the workers and the caches
    result = {"name": name, "url": url.split("/", 3)[-1], **wrk(url, cookie, body=body)}
    print(
        f"  {name:<28} {result['requests_per_s']:>9.1f} req/s   p50 {result['p50_ms']:6.2f} ms   "
        f"p95 {result['p95_ms']:6.2f} ms   p99 {result['p99_ms']:6.2f} ms   errors {result['errors']}"
        f"/{result['non_2xx_3xx']}",
        flush=True,
    )
    return result


def main() -> None:
    env = environment()
    print(f"Preparing {env['DATABASE_URL']} ...", flush=True)
    prepare(env)
    results = []
    print(f"wrk -t2 -c8, {SECONDS} s per route, gunicorn -w 2 on 127.0.0.1")
    with gunicorn("bench.baseline:create_baseline()", env) as base:
        results.append(measure("baseline: bare Flask", f"{base}/hello"))
        results.append(measure("baseline: one SELECT", f"{base}/one-select"))
    with gunicorn("quizapp:create_app()", env) as base:
        results.append(measure("home, signed out", f"{base}/"))
        learner = Learner(base)
        results.append(measure("home, signed in (student)", f"{base}/", learner.cookie))
        token = learner.token()
        generate = urllib.parse.urlencode({"csrf_token": token, **QUIZ_FORM}, doseq=True)
        results.append(measure("quiz: generate (10 items)", f"{base}/quiz/new", learner.cookie, generate))
        question = learner.post("/quiz/new", QUIZ_FORM)  # a test-mode attempt of true/false items
        results.append(measure("quiz: show a question", question, learner.cookie))
        answer = urllib.parse.urlencode({"csrf_token": token, "answer": "true"}) + "&key={KEY}"
        results.append(measure("quiz: submit an answer", question, learner.cookie, answer))
        results.append(measure("review: next card", f"{base}/review/", learner.cookie))
        cards = learner.opener.open(f"{base}/review/?kind=flashcards").read().decode()
        flashcard = re.search(r"reveal=(\d+)", cards).group(1)
        rating = urllib.parse.urlencode({"csrf_token": token, "question_id": flashcard, "rating": "3"}) + "&key={KEY}"
        results.append(measure("review: rate a card", f"{base}/review/rate", learner.cookie, rating))
        student = Learner(base, "demo.student15@quizapp.example", "demo student password")
        results.append(measure("progress: learner dashboard", f"{base}/progress", student.cookie))
        teacher = Learner(base, "demo.teacher@quizapp.example", "demo teacher password")
        classes = teacher.opener.open(f"{base}/teach/classes").read().decode()
        class_id = re.search(r'href="/teach/classes/(\d+)"', classes).group(1)
        results.append(
            measure("progress: class view (30)", f"{base}/teach/classes/{class_id}/progress", teacher.cookie)
        )
        results.append(measure("progress: item analysis", f"{base}/teach/analysis", teacher.cookie))
    one_select = results[1]["requests_per_s"]
    print("\nRatio to the one-SELECT baseline (requests/s):")
    for result in results:
        result["ratio_to_one_select"] = round(result["requests_per_s"] / one_select, 3)
        print(f"  {result['name']:<28} {result['ratio_to_one_select']:.2f}")
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H%M%SZ")
    out = RESULTS / f"{stamp}.json"
    database = env["DATABASE_URL"].split(":", 1)[0]
    out.write_text(
        json.dumps(
            {"date": stamp, "database": database, "seconds": SECONDS, "cores": os.cpu_count(), "results": results},
            indent=2,
        )
        + "\n"
    )
    print(f"\nwrote {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
