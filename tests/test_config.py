"""Configuration: secrets, production settings, proxies and password hashing."""

import pytest

from config import ProductionConfig
from quizapp import create_app
from quizapp.auth import services
from tests.conftest import DATABASE_URL


def test_production_refuses_to_start_without_a_secret_key(monkeypatch):
    monkeypatch.setattr(ProductionConfig, "SECRET_KEY", None)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(ProductionConfig, SQLALCHEMY_DATABASE_URI=DATABASE_URL)


def test_production_cookies_are_secure_and_passwords_use_strong_scrypt(monkeypatch):
    monkeypatch.setattr(ProductionConfig, "SECRET_KEY", "from-the-environment")
    app = create_app(ProductionConfig, SQLALCHEMY_DATABASE_URI=DATABASE_URL)
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]
    assert app.config["SESSION_COOKIE_HTTPONLY"] and app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    with app.app_context():
        hashed = services.hash_password("a long passphrase")
    method, n, r, p = hashed.split("$")[0].split(":")
    assert method == "scrypt" and int(n) >= 2**17
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
