"""`make bench`, in process: what each hot page costs as a multiple of a one-SELECT route.

No server, no network, no wrk: every route runs in this process through Flask's test client,
the app and the baseline (bench/baseline.py, unchanged) side by side on the same database, so
the machine's speed and load cancel out of the ratio. The database is a fresh SQLite file (or a
fresh PostgreSQL database beside BENCH_DATABASE_URL) holding the curated bank and one learner who
has answered ten questions in a practice quiz, which also put ten cards in the review queue.

After a warm-up the routes take turns, a tenth of ROUNDS requests each, ten turns; a page's ratio is
the median of its turns' ratios to the one-SELECT route of the same turn, so the machine's load
(which varies from second to second) cancels out. Prints a table of milliseconds and
ratios with the issue's targets, and writes bench/results/inprocess-<date>.json.

    .venv/bin/python bench/inprocess.py            # SQLite
    BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/quizapp_bench \
        .venv/bin/python bench/inprocess.py        # PostgreSQL (database <name>_inprocess)
    .venv/bin/python bench/inprocess.py --profile review   # pyinstrument's tree of one page
    SHOW_ALL=1 .venv/bin/python bench/inprocess.py --profile 'home, signed in'   # framework frames too
"""

import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "200"))
# Wall-clock time by default; BENCH_CLOCK=cpu counts this process's CPU time instead, which a busy
# machine disturbs far less (SQLite runs in this process; PostgreSQL's own work is then left out).
CLOCK = time.process_time if os.environ.get("BENCH_CLOCK") == "cpu" else time.perf_counter
PASSWORD = "in-process bench password"  # noqa: S105  (a throwaway account in a throwaway database)
EMAIL = "inprocess.learner@quizapp.example"
# The ceilings: a page may cost at most this many one-SELECT requests.
BASELINE = "one SELECT (baseline)"
TARGETS = {"review": 8, "quiz question": 5, "home, signed in": 4, "home, signed out": 4, "progress": 12}


def _database() -> tuple[str, str | None]:
    """The database URL, and the PostgreSQL server URL when there is one (to drop it after)."""
    base = os.environ.get("BENCH_DATABASE_URL")
    if not base:
        folder = tempfile.mkdtemp(prefix="quizapp-inprocess-")
        os.environ["QUIZAPP_INSTANCE"] = folder
        return f"sqlite:///{folder}/inprocess.sqlite", None
    import sqlalchemy as sa

    server, _, name = base.rpartition("/")
    engine = sa.create_engine(f"{server}/postgres", isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}_inprocess" WITH (FORCE)')
        connection.exec_driver_sql(f'CREATE DATABASE "{name}_inprocess"')
    os.environ.setdefault("QUIZAPP_INSTANCE", tempfile.mkdtemp(prefix="quizapp-inprocess-"))
    return f"{server}/{name}_inprocess", server


def _prepare(url: str) -> None:
    env = {**os.environ, "DATABASE_URL": url, "QUIZAPP_ENV": "development"}
    flask = [sys.executable, "-m", "flask", "--app", "quizapp"]
    for command in (["db", "upgrade"], ["bank", "load"]):
        subprocess.run(flask + command, cwd=ROOT, env=env, check=True, capture_output=True)
    create = ["users", "create", "--email", EMAIL, "--name", "In-process Learner", "--role", "student"]
    subprocess.run(
        flask + create, cwd=ROOT, env=env, check=True, capture_output=True, input=f"{PASSWORD}\n{PASSWORD}\n", text=True
    )


def _token(page: bytes) -> str:
    return re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', page).group(1).decode()


def _sign_in(client) -> None:
    token = _token(client.get("/auth/signin").data)
    reply = client.post("/auth/signin", data={"csrf_token": token, "email": EMAIL, "password": PASSWORD})
    if reply.status_code != 302:
        raise RuntimeError(f"the bench learner could not sign in ({reply.status_code})")


def _answer_ten(client) -> str:
    """A practice quiz of ten true-or-false items, every one answered; returns a fresh quiz's first question."""
    form = {"topics": ["korean-war", "sino-soviet", "chuche"], "types": ["true_false"], "difficulties": ["1", "2", "3"]}
    form |= {"length": "10", "mode": "practice"}
    token = _token(client.get("/quiz/new").data)
    first = client.post("/quiz/new", data={"csrf_token": token, **form}).headers["Location"]
    attempt = first.rstrip("/").split("/")[-2]
    for position in range(1, 11):
        page = client.get(f"/quiz/{attempt}/{position}").data
        key = re.search(rb'name="key" value="([^"]+)"', page).group(1).decode()
        shown = re.search(rb'name="shown_at" value="([^"]*)"', page).group(1).decode()
        fields = {"csrf_token": _token(page), "answer": "true", "key": key, "shown_at": shown}
        reply = client.post(f"/quiz/{attempt}/{position}", data=fields)
        if reply.status_code != 302:
            raise RuntimeError(f"answering question {position} failed ({reply.status_code})")
    token = _token(client.get("/quiz/new").data)
    return client.post("/quiz/new", data={"csrf_token": token, **form}).headers["Location"]


def _warm(client, path: str) -> None:
    for _ in range(20):  # caches, compiled statements, templates
        reply = client.get(path)
    if reply.status_code != 200:
        raise RuntimeError(f"{path} answered {reply.status_code}")


def _time(pages: dict) -> dict[str, tuple[float, float]]:
    """Each page's milliseconds per request and its ratio to the one-SELECT route. The pages take
    turns, ROUNDS // 10 requests at a time, ten turns in all, so a change in the machine's load
    falls on all of them alike; a page's figure is the median of its ten turns' ratios (and the
    fastest turn's milliseconds)."""
    for client, path in pages.values():
        _warm(client, path)
    batch = max(ROUNDS // 10, 1)
    turns: dict[str, list[float]] = {name: [] for name in pages}
    for _ in range(10):
        for name, (client, path) in pages.items():
            started = CLOCK()
            for _ in range(batch):
                client.get(path)
            turns[name].append((CLOCK() - started) / batch * 1000)
    unit = turns[BASELINE]
    return {
        name: (min(times), statistics.median(t / u for t, u in zip(times, unit, strict=True)))
        for name, times in turns.items()
    }


def _pages(url: str):
    """The app and baseline clients, and the pages to time: name -> (client, path)."""
    os.environ["DATABASE_URL"] = url
    sys.path.insert(0, str(ROOT))
    from bench.baseline import create_baseline
    from quizapp import create_app

    baseline = create_baseline().test_client()
    app = create_app("development", SQLALCHEMY_DATABASE_URI=url)
    anonymous, learner = app.test_client(), app.test_client()
    _sign_in(learner)
    question = _answer_ten(learner)
    return {
        BASELINE: (baseline, "/one-select"),
        "bare Flask (baseline)": (baseline, "/hello"),
        "home, signed out": (anonymous, "/"),
        "home, signed in": (learner, "/"),
        "quiz question": (learner, question),
        "review": (learner, "/review/"),
        "progress": (learner, "/progress"),
    }


def main() -> int:
    url, server = _database()
    _prepare(url)
    pages = _pages(url)
    if "--profile" in sys.argv:
        return _profile(pages, sys.argv[sys.argv.index("--profile") + 1])
    times = _time(pages)
    rows, missed = [], 0
    print(f"\nIn process, {ROUNDS} requests per page in ten turns, median ratio of the turns ({url.split(':', 1)[0]})")
    print(f"  {'page':<24} {'ms':>7} {'× one SELECT':>13}   target")
    for name, (ms, ratio) in times.items():
        target = TARGETS.get(name)
        verdict = "" if target is None else (f"meets ≤ {target}×" if ratio <= target else f"SHORT of ≤ {target}×")
        missed += verdict.startswith("SHORT")
        rows.append({"name": name, "ms": round(ms, 3), "ratio": round(ratio, 2), "target": verdict})
        print(f"  {name:<24} {ms:7.3f} {ratio:13.2f}   {verdict}")
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H%M%SZ")
    out = RESULTS / f"inprocess-{stamp}.json"
    summary = {"date": stamp, "database": url.split(":", 1)[0], "rounds": ROUNDS, "cores": os.cpu_count()}
    out.write_text(json.dumps({**summary, "results": rows}, indent=2) + "\n")
    print(f"wrote {out.relative_to(ROOT)}")
    if server:
        import sqlalchemy as sa

        sa.create_engine(f"{server}/postgres").dispose()
    return 0


def _profile(pages: dict, name: str) -> int:
    from pyinstrument import Profiler

    client, path = pages[name]
    for _ in range(20):
        client.get(path)
    profiler = Profiler(interval=0.0002)
    with profiler:
        for _ in range(ROUNDS):
            client.get(path)
    print(profiler.output_text(unicode=True, color=False, show_all=os.environ.get("SHOW_ALL") == "1"))
    return 0


def table(path: Path) -> str:
    """The README's table for an in-process results file: `python bench/inprocess.py --table [FILE]`."""
    data = json.loads(path.read_text())
    lines = ["| page | ms | × one SELECT | target |", "| --- | ---: | ---: | --- |"]
    lines += [f"| {r['name']} | {r['ms']:.2f} | {r['ratio']:.1f} | {r['target']} |" for r in data["results"]]
    return "\n".join(lines)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--table"]:
        print(table(Path(sys.argv[2]) if len(sys.argv) > 2 else max(RESULTS.glob("inprocess-*.json"))))
        sys.exit(0)
    sys.exit(main())
