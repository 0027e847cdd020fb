"""Configuration classes, chosen by create_app(); every setting can come from the environment."""

import os
import secrets
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("QUIZAPP_INSTANCE", BASE_DIR / "instance"))


def _sqlite_url(name: str) -> str:
    return f"sqlite:///{INSTANCE_DIR / name}"


def _development_secret() -> str:
    """A key generated once and kept in instance/, so sessions survive restarts."""
    path = INSTANCE_DIR / "secret_key"
    if not path.exists():
        INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


class Config:
    """Settings shared by every environment."""

    ENVIRONMENT = "development"

    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL") or _sqlite_url("quizapp.sqlite")
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    SECRET_KEY = os.environ.get("SECRET_KEY")
    PERMANENT_SESSION_LIFETIME = timedelta(days=14)
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    MAX_CONTENT_LENGTH = 2 * 1024 * 1024  # every request but an upload
    MAX_UPLOAD_REQUEST = 21 * 1024 * 1024  # quizapp.bank.limits.REQUEST_BYTES: a 20 MiB file and its form
    UPLOAD_ENDPOINTS = ("authoring.import_questions",)  # the pages that take an import file
    WTF_CSRF_ENABLED = True
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session
    TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", "0"))
    # werkzeug's scrypt: N = 2**17, r = 8, p = 1 (about 128 MiB and 0.3 s per hash here).
    PASSWORD_HASH_METHOD = "scrypt:131072:8:1"  # noqa: S105  (a method name, not a secret)
    # Sign-in throttling: per account, a lock that doubles after each failure past the
    # threshold; per client address, a generous cap so a whole class behind one school
    # address is never locked out.
    THROTTLE_ACCOUNT_FREE_FAILURES = 5
    THROTTLE_ACCOUNT_BASE_LOCK = timedelta(seconds=30)
    THROTTLE_ACCOUNT_MAX_LOCK = timedelta(minutes=15)
    THROTTLE_ADDRESS_LIMIT = 300
    THROTTLE_WINDOW = timedelta(minutes=10)
    CONTENT_DIR = BASE_DIR / "content"

    @staticmethod
    def fallback_secret_key() -> str:
        return _development_secret()


class DevelopmentConfig(Config):
    """`make run`: SQLite in instance/, a generated secret kept in instance/."""

    ENVIRONMENT = "development"

    @staticmethod
    def fallback_secret_key() -> str:
        return _development_secret()


class TestConfig(Config):
    """pytest: a database of its own (TEST_DATABASE_URL or a temporary SQLite file)."""

    ENVIRONMENT = "test"

    TESTING = True
    SECRET_KEY = "test-only-secret"  # noqa: S105  (tests only)
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL") or _sqlite_url("test.sqlite")
    # Cheap, for speed; a test asserts what production uses.
    PASSWORD_HASH_METHOD = "scrypt:1024:8:1"  # noqa: S105  (a method name, not a secret)
    WTF_CSRF_ENABLED = False


class ProductionConfig(Config):
    """gunicorn behind a proxy: SECRET_KEY and DATABASE_URL from the environment."""

    ENVIRONMENT = "production"

    @staticmethod
    def fallback_secret_key() -> str:
        raise RuntimeError("SECRET_KEY must be set in the environment in production")

    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True


CONFIGS = {
    "development": DevelopmentConfig,
    "test": TestConfig,
    "production": ProductionConfig,
}
