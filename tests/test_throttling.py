"""Sign-in throttling: counters in the database, per account and per client address."""

from datetime import timedelta

from quizapp.auth import services
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


def test_account_locks_after_repeated_failures_even_for_the_right_password(app, client):
    with app.app_context():
        make_user(email="cy@example.org")
    for _ in range(app.config["THROTTLE_ACCOUNT_FREE_FAILURES"]):
        assert attempt(client, "cy@example.org").status_code == 401
    locked = attempt(client, "cy@example.org", DEFAULT_PASSWORD)
    assert locked.status_code == 429
    assert "Too many failed attempts. Wait 30 seconds" in locked.get_data(as_text=True)
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
