"""Sign-in throttling and the password-hash budget: counters in the database, per account and
address together, per account, per client address, per host."""

from datetime import timedelta

import pytest

from quizapp.auth import services, throttle, views
from quizapp.extensions import db
from quizapp.models import utcnow
from tests import security_summary
from tests.factories import DEFAULT_PASSWORD, make_user


def attempt(client, email, password="wrong password!", address="10.0.0.1"):
    response = client.post(
        "/auth/signin", data={"email": email, "password": password}, environ_base={"REMOTE_ADDR": address}
    )
    security_summary.count("throttle", tried=1, refused=response.status_code == 429)
    return response


def test_an_account_locks_from_one_address_after_repeated_failures_even_for_the_right_password(app, client):
    with app.app_context():
        make_user(email="cy@example.org")
    for _ in range(app.config["THROTTLE_PAIR_FREE_FAILURES"]):
        assert attempt(client, "cy@example.org").status_code == 401
    locked = attempt(client, "cy@example.org", DEFAULT_PASSWORD)
    assert locked.status_code == 429
    assert "Too many failed attempts. Wait 30 seconds" in locked.get_data(as_text=True)
    assert locked.headers["Retry-After"] == "30"
    # Another account from the same address is not affected.
    with app.app_context():
        make_user(email="di@example.org")
    assert attempt(client, "di@example.org", DEFAULT_PASSWORD).status_code == 302


def test_unknown_emails_are_throttled_exactly_like_known_ones(app, client):
    with app.app_context():
        make_user(email="cy@example.org")
    known = [attempt(client, "cy@example.org").status_code for _ in range(6)]
    unknown = [attempt(client, "nobody@example.org").status_code for _ in range(6)]
    assert known == unknown == [401] * 5 + [429]


def test_lock_grows_with_each_failure_and_expires(app):
    with app.app_context():
        make_user(email="cy@example.org")
        now = utcnow()
        for _ in range(5):
            services.authenticate("cy@example.org", "bad password!", "10.0.0.1", now)
        first = services.authenticate("cy@example.org", DEFAULT_PASSWORD, "10.0.0.1", now)
        assert first.retry_after == 30
        later = now + timedelta(seconds=31)
        services.authenticate("cy@example.org", "bad password!", "10.0.0.1", later)
        second = services.authenticate("cy@example.org", DEFAULT_PASSWORD, "10.0.0.1", later)
        assert second.retry_after == 60
        ok = services.authenticate("cy@example.org", DEFAULT_PASSWORD, "10.0.0.1", later + timedelta(seconds=61))
        assert ok.user is not None
        db.session.commit()


def test_address_limit_is_generous_and_enforced(app, make_app):
    assert app.config["THROTTLE_ADDRESS_LIMIT"] >= 100
    assert app.config["THROTTLE_WINDOW"] <= timedelta(minutes=10)
    small = make_app(THROTTLE_ADDRESS_LIMIT=3)
    client = small.test_client()
    with small.app_context():
        make_user(email="cy@example.org")
    for n in range(3):
        assert attempt(client, f"pupil{n}@example.org", address="192.0.2.7").status_code == 401
    assert attempt(client, "cy@example.org", DEFAULT_PASSWORD, address="192.0.2.7").status_code == 429
    assert attempt(client, "cy@example.org", DEFAULT_PASSWORD, address="192.0.2.8").status_code == 302


def test_counters_live_in_the_database_so_a_second_worker_sees_them(app, make_app):
    """Two app instances (as two gunicorn workers would be) share one set of counters."""
    with app.app_context():
        make_user(email="cy@example.org")
    worker_a, worker_b = app.test_client(), make_app().test_client()
    for n in range(5):
        attempt(worker_a if n % 2 else worker_b, "cy@example.org")
    answers = [attempt(worker, "cy@example.org", DEFAULT_PASSWORD).status_code for worker in (worker_a, worker_b)]
    security_summary.count("throttle", workers=2, worker_refusals=answers.count(429))
    assert answers == [429, 429]


def test_a_stranger_elsewhere_cannot_lock_the_owner_out(app, client):
    with app.app_context():
        make_user(email="teacher@example.org", role="teacher")
    stranger = [attempt(client, "teacher@example.org", address="203.0.113.66").status_code for _ in range(7)]
    assert stranger == [401] * 5 + [429] * 2
    assert attempt(client, "teacher@example.org", DEFAULT_PASSWORD, address="203.0.113.66").status_code == 429
    owner = app.test_client()
    assert attempt(owner, "teacher@example.org", DEFAULT_PASSWORD, address="198.51.100.4").status_code == 302


def test_guessing_one_account_from_many_addresses_meets_a_slower_limit(make_app, app):
    assert app.config["THROTTLE_ACCOUNT_LIMIT"] > app.config["THROTTLE_PAIR_FREE_FAILURES"]
    small = make_app(THROTTLE_ACCOUNT_LIMIT=4)
    client = small.test_client()
    with small.app_context():
        make_user(email="cy@example.org")
    for n in range(4):
        assert attempt(client, "cy@example.org", address=f"203.0.113.{n}").status_code == 401
    assert attempt(client, "cy@example.org", DEFAULT_PASSWORD, address="198.51.100.4").status_code == 429


class Clock:
    """The views' clock, moved by hand, so windows and waits are exact."""

    def __init__(self, monkeypatch):
        self.now = utcnow().replace(microsecond=0)
        monkeypatch.setattr(views, "utcnow", lambda: self.now)

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def hashes(monkeypatch):
    """How many password hashes were computed (checks and new hashes alike)."""
    counted = {"n": 0}

    def counting(function):
        def wrapper(*args, **kwargs):
            counted["n"] += 1
            return function(*args, **kwargs)

        return wrapper

    monkeypatch.setattr(services, "check_password_hash", counting(services.check_password_hash))
    monkeypatch.setattr(services, "generate_password_hash", counting(services.generate_password_hash))
    return counted


def test_while_the_hosts_hash_slots_are_busy_sign_ins_and_sign_ups_are_refused_at_once_without_hashing(
    app, make_app, monkeypatch, hashes
):
    budget = make_app(HASH_SLOTS=2)
    clock = Clock(monkeypatch)
    with budget.app_context():
        make_user(email="cy@example.org")
        # Two other workers are hashing right now.
        busy = [throttle.hash_gate(clock.now) for _ in range(2)]
        db.session.commit()
        assert all(not gate.refused for gate in busy)
    hashes["n"] = 0
    refused = attempt(budget.test_client(), "cy@example.org", DEFAULT_PASSWORD)
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "1"
    assert "Too many sign-ins at once. Wait 1 seconds" in refused.get_data(as_text=True)
    fields = {"email": "new@example.org", "display_name": "New"}
    fields |= {"password": "a long passphrase", "confirm": "a long passphrase"}
    signup = budget.test_client().post("/auth/signup", data=fields, environ_base={"REMOTE_ADDR": "10.9.9.9"})
    assert signup.status_code == 429 and signup.headers["Retry-After"] == "1"
    assert hashes["n"] == 0  # refused before any hash
    with budget.app_context():
        throttle.release(busy[0], clock.now)
        db.session.commit()
    assert attempt(budget.test_client(), "cy@example.org", DEFAULT_PASSWORD).status_code == 302
    assert hashes["n"] == 1
    # A worker that died mid-hash leaves its slot leased; the lease runs out by itself.
    with budget.app_context():
        throttle.hash_gate(clock.now)
        db.session.commit()
    assert attempt(budget.test_client(), "cy@example.org", DEFAULT_PASSWORD).status_code == 429
    clock.advance(budget.config["HASH_LEASE"].total_seconds())
    assert attempt(budget.test_client(), "cy@example.org", DEFAULT_PASSWORD).status_code == 302


def test_thirty_pupils_behind_one_address_all_sign_in_within_thirty_seconds(app, make_app, monkeypatch):
    """At the production limits, a whole class arriving at once, each retrying when told to."""
    from config import ProductionConfig

    school = make_app(HASH_SLOTS=ProductionConfig.HASH_SLOTS)
    clock = Clock(monkeypatch)
    start = clock.now
    with school.app_context():
        waiting = {f"pupil{n}@example.org" for n in range(30) if make_user(email=f"pupil{n}@example.org")}
    browsers = {email: school.test_client() for email in waiting}
    refusals = 0
    while waiting and clock.now - start <= timedelta(seconds=60):
        waits = []
        for email in sorted(waiting):
            answer = browsers[email].post(
                "/auth/signin",
                data={"email": email, "password": DEFAULT_PASSWORD},
                environ_base={"REMOTE_ADDR": "192.0.2.1"},
            )
            if answer.status_code == 302:
                waiting.discard(email)
            else:
                assert answer.status_code == 429
                waits.append(int(answer.headers["Retry-After"]))
                refusals += 1
        if waits:
            clock.advance(min(waits))
    security_summary.count("hash budget", pupils=30, refusals=refusals, seconds=(clock.now - start).seconds)
    assert not waiting and clock.now - start <= timedelta(seconds=30)


def test_sign_ups_are_limited_per_address(app, make_app):
    small = make_app(THROTTLE_SIGNUP_LIMIT=2)

    def sign_up(n, address):
        fields = {"email": f"s{n}@example.org", "display_name": f"S{n}"}
        fields |= {"password": "a long passphrase", "confirm": "a long passphrase"}
        return small.test_client().post("/auth/signup", data=fields, environ_base={"REMOTE_ADDR": address})

    answers = [sign_up(n, "203.0.113.5") for n in range(3)]
    assert [a.status_code for a in answers] == [302, 302, 429]
    assert "Too many accounts made from here" in answers[2].get_data(as_text=True)
    assert int(answers[2].headers["Retry-After"]) > 500  # until the 10-minute window ends
    assert sign_up(3, "203.0.113.6").status_code == 302
