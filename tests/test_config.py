"""Configuration: secrets, production settings, proxies and password hashing."""

import pytest

from config import ProductionConfig
from quizapp import create_app
from quizapp.auth import services
from tests.conftest import DATABASE_URL
from tests.factories import DEFAULT_PASSWORD, build_targets, make_user


def test_production_refuses_to_start_without_a_secret_key(monkeypatch):
    monkeypatch.setattr(ProductionConfig, "SECRET_KEY", None)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(ProductionConfig, SQLALCHEMY_DATABASE_URI=DATABASE_URL)


LONG_SECRET = "a" * 32
BASE = "https://quiz.school.example"


def production_app(monkeypatch, secret=LONG_SECRET, **overrides):
    monkeypatch.setattr(ProductionConfig, "SECRET_KEY", secret)
    return create_app(ProductionConfig, SQLALCHEMY_DATABASE_URI=DATABASE_URL, **({"BASE_URL": BASE} | overrides))


def test_production_refuses_a_short_secret_key(monkeypatch):
    with pytest.raises(RuntimeError, match="at least 32 characters"):
        production_app(monkeypatch, secret="x" * 31)
    assert production_app(monkeypatch).secret_key == LONG_SECRET


def test_production_refuses_to_start_without_a_base_url(monkeypatch):
    with pytest.raises(RuntimeError, match="QUIZAPP_BASE_URL"):
        production_app(monkeypatch, BASE_URL=None)
    with pytest.raises(RuntimeError, match="QUIZAPP_BASE_URL"):
        production_app(monkeypatch, BASE_URL="quiz.school.example")


def test_production_answers_only_its_own_host_and_asks_for_https_only(app, monkeypatch):
    production = production_app(monkeypatch)
    assert production.config["TRUSTED_HOSTS"] == ["quiz.school.example"]
    client = production.test_client()
    page = client.get("/auth/signin", base_url=BASE)
    assert page.status_code == 200
    assert page.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert client.get("/auth/signin", base_url="https://evil.example").status_code == 400
    forwarded = production_app(monkeypatch, TRUSTED_PROXIES=1).test_client()
    assert forwarded.get("/auth/signin", base_url=BASE, headers={"X-Forwarded-Host": "evil.example"}).status_code == 400
    assert "Strict-Transport-Security" not in app.test_client().get("/auth/signin").headers
    plain = production_app(monkeypatch, SESSION_COOKIE_SECURE=False).test_client()
    assert "Strict-Transport-Security" not in plain.get("/auth/signin", base_url=BASE).headers


def test_links_for_paper_come_from_the_base_url_not_the_host_header(make_app, app):
    configured = make_app(BASE_URL=BASE)
    with configured.app_context():
        teacher = make_user(role="teacher", email="t@example.org")
        class_id = build_targets(teacher.id, "teacher")["own_class"]
    client = configured.test_client()
    forged = "https://evil.example"  # every request of this browser carries the forged Host
    client.post("/auth/signin", data={"email": "t@example.org", "password": DEFAULT_PASSWORD}, base_url=forged)
    page = client.get(f"/teach/classes/{class_id}", base_url=forged).get_data(as_text=True)
    assert f"{BASE}/classes/join" in page and "evil.example" not in page
    sheet = client.post(f"/teach/classes/{class_id}/roster", data={"roster": "Ana Kim"}, base_url=forged).get_data(
        as_text=True
    )
    assert f"{BASE}/auth/code" in sheet and "evil.example" not in sheet


def test_production_cookies_are_secure_and_passwords_use_strong_scrypt(monkeypatch):
    app = production_app(monkeypatch)
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]
    assert app.config["SESSION_COOKIE_HTTPONLY"] and app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    with app.app_context():
        hashed = services.hash_password("a long passphrase")
    method, n, r, p = hashed.split("$")[0].split(":")
    assert method == "scrypt" and int(n) >= 2**17
    assert app.config["HASH_SLOTS"] == 1  # at most one of two cores hashing (README: the hash budget)
    assert not app.config["TESTING"] and app.config["WTF_CSRF_ENABLED"]


def test_development_generates_and_keeps_a_secret_in_the_instance_folder(tmp_path, monkeypatch):
    import config

    monkeypatch.setattr(config, "INSTANCE_DIR", tmp_path)
    monkeypatch.setattr(config.DevelopmentConfig, "SECRET_KEY", None)
    first = create_app(config.DevelopmentConfig, SQLALCHEMY_DATABASE_URI=DATABASE_URL).secret_key
    second = create_app(config.DevelopmentConfig, SQLALCHEMY_DATABASE_URI=DATABASE_URL).secret_key
    assert first == second and len(first) >= 32
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_trusted_proxies_make_client_addresses_right(make_app):
    app = make_app(TRUSTED_PROXIES=1)

    @app.get("/_whoami")
    def whoami():
        from flask import request

        return request.remote_addr or ""

    client = app.test_client()
    answer = client.get(
        "/_whoami", headers={"X-Forwarded-For": "203.0.113.9"}, environ_base={"REMOTE_ADDR": "127.0.0.1"}
    )
    assert answer.get_data(as_text=True) == "203.0.113.9"


POSTGRES = "postgresql+psycopg://quizapp@db.internal/quizapp"


def test_postgresql_pools_per_worker_and_prepares_repeated_statements_by_default():
    from config import Config
    from quizapp.database import engine_options

    options = engine_options({**vars(Config), "SQLALCHEMY_DATABASE_URI": POSTGRES})
    assert options["pool_pre_ping"] is False  # pinged after a second idle instead (tests/test_database.py)
    assert (options["pool_size"], options["max_overflow"]) == (5, 5)
    assert options["connect_args"] == {"prepare_threshold": 2, "options": "-c plan_cache_mode=force_generic_plan"}


def test_postgresql_pings_at_every_use_when_asked_and_refuses_a_bad_idle_time():
    from config import Config
    from quizapp.database import engine_options

    config = {**vars(Config), "SQLALCHEMY_DATABASE_URI": POSTGRES}
    assert engine_options(config | {"DATABASE_PING_AFTER_IDLE": "0"})["pool_pre_ping"] is True
    assert engine_options(config | {"DATABASE_PING_AFTER_IDLE": "2.5"})["pool_pre_ping"] is False
    for bad in ("soon", "-1", "inf", "nan"):
        with pytest.raises(ValueError, match="DATABASE_PING_AFTER_IDLE must be a number of seconds"):
            engine_options(config | {"DATABASE_PING_AFTER_IDLE": bad})


def test_postgresql_plan_cache_mode_follows_the_setting_and_refuses_a_misspelt_one():
    from config import Config
    from quizapp.database import engine_options

    config = {**vars(Config), "SQLALCHEMY_DATABASE_URI": POSTGRES, "DATABASE_PLAN_CACHE_MODE": "Auto"}
    assert engine_options(config)["connect_args"]["options"] == "-c plan_cache_mode=auto"
    with pytest.raises(ValueError, match="DATABASE_PLAN_CACHE_MODE must be one of force_generic_plan, auto"):
        engine_options(config | {"DATABASE_PLAN_CACHE_MODE": "generic; DROP TABLE users"})


def test_pool_and_prepared_statements_follow_the_environment(monkeypatch):
    import subprocess
    import sys

    script = (
        "from config import Config; from quizapp.database import engine_options; "
        f"print(engine_options({{**vars(Config), 'SQLALCHEMY_DATABASE_URI': '{POSTGRES}'}}))"
    )
    env = {"DATABASE_POOL_SIZE": "8", "DATABASE_MAX_OVERFLOW": "2", "DATABASE_PREPARE_THRESHOLD": "none"}
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    printed = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
    assert "'pool_size': 8, 'max_overflow': 2" in printed
    assert "'connect_args': {'prepare_threshold': None," in printed  # off, for PgBouncer in transaction mode


def test_sqlite_gets_no_postgresql_options_and_no_ping():
    """SQLite's connections are files open in the worker: nothing can drop them, so none is pinged
    (the ping was a statement on every request)."""
    from config import Config
    from quizapp.database import engine_options

    assert engine_options({**vars(Config), "SQLALCHEMY_DATABASE_URI": "sqlite:///x.sqlite"}) == {}


def test_a_statement_run_twice_on_postgresql_is_prepared_on_the_server(make_app):
    import sqlalchemy as sa

    from quizapp.extensions import db

    app = make_app(DATABASE_POOL_SIZE=3, DATABASE_MAX_OVERFLOW=1)
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("PostgreSQL only")
        assert (db.engine.pool.size(), db.engine.pool._max_overflow) == (3, 1)
        with db.engine.connect() as conn:
            probe = sa.text("SELECT count(*) FROM users WHERE id > :floor")
            for floor in (1, 2, 3):
                conn.execute(probe, {"floor": floor})
            prepared = conn.execute(
                sa.text("SELECT count(*) FROM pg_prepared_statements WHERE statement = :sql"),
                {"sql": "SELECT count(*) FROM users WHERE id > $1"},
            ).scalar()
        assert prepared == 1
