"""`make bench`, hashing scenario: can anonymous sign-ups and sign-ins starve the site?

Serves the app with gunicorn (4 workers, as the README's production line) under the production
configuration and the production scrypt cost, on a fresh SQLite database in a temporary folder,
on 127.0.0.1 only. First it measures the home page alone; then 16 clients, each from its own
address (X-Forwarded-For, with TRUSTED_PROXIES=1), send wrong sign-ins and new sign-ups as fast
as they are answered for BENCH_HASHING_SECONDS, while one more client fetches the home page
every 50 ms. It prints the home page's p50/p95 in both phases and what the hammering got
(answers by status, hashes per second the site agreed to do). Every loop is bounded by time.

    .venv/bin/python bench/hashing.py        # also run by `make bench`
"""

import http.client
import os
import re
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.run import ROOT, free_port  # noqa: E402

SECONDS = int(os.environ.get("BENCH_HASHING_SECONDS", "20"))
CLIENTS = 16
WORKERS = os.environ.get("BENCH_HASHING_WORKERS", "-w 4 --threads 4")
TARGET_P95_MS = 300
BASE_HOST = "127.0.0.1"


class Browser:
    """One client with its own session cookie (kept by hand: production cookies are Secure, and
    the bench speaks plain HTTP on loopback, with X-Forwarded-Proto saying https)."""

    def __init__(self, port: int, address: str):
        self.port, self.address, self.cookie = port, address, ""

    def request(self, method: str, path: str, fields: dict | None = None) -> tuple[int, str]:
        connection = http.client.HTTPConnection(BASE_HOST, self.port, timeout=60)
        headers = {"X-Forwarded-For": self.address, "X-Forwarded-Proto": "https", "Host": BASE_HOST}
        headers["Referer"] = f"https://{BASE_HOST}{path}"  # Flask-WTF checks it on HTTPS
        if self.cookie:
            headers["Cookie"] = self.cookie
        body = None
        if fields is not None:
            body = urllib.parse.urlencode(fields)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode()
            for name, value in response.getheaders():
                if name.lower() == "set-cookie" and value.startswith("session="):
                    self.cookie = value.split(";", 1)[0]
            return response.status, text
        finally:
            connection.close()

    def token(self, path: str) -> str:
        status, page = self.request("GET", path)
        found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
        if status != 200 or found is None:
            raise RuntimeError(f"no form at {path}: {status}")
        return found.group(1)


def hammer(port: int, number: int, stop: float, answers: Counter, lock: threading.Lock) -> None:
    """Alternate a wrong sign-in and a new sign-up from this client's own address until `stop`."""
    browser = Browser(port, f"198.51.100.{number + 1}")
    n = 0
    while time.monotonic() < stop:
        n += 1
        browser.cookie = ""  # a stranger each time (a sign-up leaves the client signed in)
        if n % 2:
            fields = {"email": "owner@quizapp.example", "password": f"wrong guess {n}"}
            path = "/auth/signin"
        else:
            fields = {"email": f"new{number}-{n}@quizapp.example", "display_name": f"New {n}"}
            fields |= {"password": f"a fresh passphrase {n}", "confirm": f"a fresh passphrase {n}"}
            path = "/auth/signup"
        try:
            status, _ = browser.request("POST", path, {"csrf_token": browser.token(path), **fields})
        except (OSError, RuntimeError) as error:
            status = f"{type(error).__name__}: {error}"[:60]
        with lock:
            answers[f"{path} {status}"] += 1


def home_latencies(port: int, stop: float) -> list[float]:
    browser, found = Browser(port, "203.0.113.200"), []
    while time.monotonic() < stop:
        started = time.perf_counter()
        status, _ = browser.request("GET", "/")
        if status == 200:
            found.append((time.perf_counter() - started) * 1000)
        time.sleep(0.05)
    return found


def describe(name: str, values: list[float]) -> dict:
    p95 = statistics.quantiles(values, n=20)[18] if len(values) >= 20 else max(values)
    result = {"name": name, "count": len(values), "p50_ms": statistics.median(values), "p95_ms": p95}
    print(f"  {name:<34} {len(values):4d} loads   p50 {result['p50_ms']:7.1f} ms   p95 {p95:7.1f} ms", flush=True)
    return result


def main() -> None:
    folder = Path(tempfile.mkdtemp(prefix="quizapp-bench-hashing-"))
    port = free_port()
    env = {
        **os.environ,
        "QUIZAPP_ENV": "production",
        "QUIZAPP_INSTANCE": str(folder),
        "DATABASE_URL": f"sqlite:///{folder / 'hashing.sqlite'}",
        "SECRET_KEY": secrets.token_hex(32),
        "QUIZAPP_BASE_URL": f"https://{BASE_HOST}",
        "TRUSTED_PROXIES": "1",
    }
    flask = [sys.executable, "-m", "flask", "--app", "quizapp"]
    subprocess.run([*flask, "db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True)
    owner = [*flask, "users", "create", "--email", "owner@quizapp.example", "--role", "teacher"]
    subprocess.run(owner, cwd=ROOT, env=env, check=True, capture_output=True, input="the owner passphrase\n", text=True)
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        *WORKERS.split(),
        "-b",
        f"{BASE_HOST}:{port}",
        "--log-level",
        "warning",
    ]
    server = subprocess.Popen([*command, "quizapp:create_app()"], cwd=ROOT, env=env)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection((BASE_HOST, port), timeout=0.5).close()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("gunicorn did not start") from None
                time.sleep(0.1)
        warm = Browser(port, "203.0.113.201")
        for _ in range(40):  # every worker has booted and served a page
            warm.request("GET", "/")
        print(f"\nHashing under attack: gunicorn {WORKERS}, production config and scrypt cost, {CLIENTS} clients")
        quiet = describe("home page, quiet", home_latencies(port, time.monotonic() + 5))
        answers, lock = Counter(), threading.Lock()
        stop = time.monotonic() + SECONDS
        threads = [threading.Thread(target=hammer, args=(port, n, stop, answers, lock)) for n in range(CLIENTS)]
        for thread in threads:
            thread.start()
        loud = describe("home page, under sign-in/up attack", home_latencies(port, stop))
        for thread in threads:
            thread.join(timeout=120)
    finally:
        server.terminate()
        server.wait(timeout=15)
    for answer, count in sorted(answers.items()):
        print(f"    {answer:<24} {count:6d}")
    verdict = "meets" if loud["p95_ms"] < TARGET_P95_MS else "SHORT of"
    print(f"  home page p95 under attack {loud['p95_ms']:.0f} ms (quiet {quiet['p95_ms']:.0f} ms): {verdict} < 300 ms")


if __name__ == "__main__":
    main()
