"""Configuration classes, chosen by create_app(); every setting can come from the environment."""

import os
import secrets
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

BASE_DIR = Path(__file__).resolve().parent
MIN_SECRET_LENGTH = 32
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
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}  # PostgreSQL's pool and its pre-ping: quizapp.database.engine_options
    # PostgreSQL only (quizapp.database.engine_options): connections kept open per worker process,
    # and how many more it may open at a peak; and after how many runs on one connection psycopg
    # prepares a statement on the server ("none" turns that off, for PgBouncer before 1.21).
    DATABASE_POOL_SIZE = int(os.environ.get("DATABASE_POOL_SIZE", "5"))
    DATABASE_MAX_OVERFLOW = int(os.environ.get("DATABASE_MAX_OVERFLOW", "5"))
    DATABASE_PREPARE_THRESHOLD = os.environ.get("DATABASE_PREPARE_THRESHOLD", "2")
    # PostgreSQL only: how the server plans a prepared statement (plan_cache_mode). One plan made for
    # any parameters and kept ("force_generic_plan"), rather than a plan made again at every run for
    # its values ("auto", PostgreSQL's default, chose that for the review queue's counts: ~1 ms each).
    DATABASE_PLAN_CACHE_MODE = os.environ.get("DATABASE_PLAN_CACHE_MODE", "force_generic_plan")
    # PostgreSQL only: a pooled connection idle this many seconds or more is pinged before use (a
    # server restart or an idle timeout drops connections); one used more recently is trusted, which
    # saves a round trip on a busy worker's every request. 0: ping at every use.
    DATABASE_PING_AFTER_IDLE = os.environ.get("DATABASE_PING_AFTER_IDLE", "1")
    SECRET_KEY = os.environ.get("SECRET_KEY")
    PERMANENT_SESSION_LIFETIME = timedelta(days=14)
    # A signed-in session lasts 14 days from the last day it was used: quizapp.auth.views renews the
    # cookie on the first request of each day, not on every request (signing it costs a hot page ~5%).
    SESSION_REFRESH_EACH_REQUEST = False
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
    # Sign-in throttling (quizapp/auth/throttle.py). Per account and address together, a lock
    # that doubles after each failure past the threshold: a stranger elsewhere cannot lock the
    # owner out. Per account across all addresses, a slower cap on guessing. Per client address,
    # a generous cap so a whole class behind one school address is never locked out.
    THROTTLE_PAIR_FREE_FAILURES = 5
    THROTTLE_PAIR_BASE_LOCK = timedelta(seconds=30)
    THROTTLE_PAIR_MAX_LOCK = timedelta(minutes=15)
    THROTTLE_ACCOUNT_LIMIT = 50
    THROTTLE_ADDRESS_LIMIT = 300
    THROTTLE_SIGNUP_LIMIT = 60  # accounts made from one address per window
    THROTTLE_WINDOW = timedelta(minutes=10)
    # Password hashes in progress at once on one host, across all its workers. Production
    # scrypt takes ~0.3 s of a core and 128 MiB: one slot keeps hashing to at most one of the
    # two cores under any attack, and still signs in 30 pupils arriving together in ~9 s.
    # A slot left by a worker that died mid-hash frees itself after the lease.
    HASH_SLOTS = int(os.environ.get("HASH_SLOTS", "1"))
    HASH_LEASE = timedelta(seconds=10)
    # Absolute links (join page, codes sheet) start with this; required in production.
    BASE_URL = os.environ.get("QUIZAPP_BASE_URL", "").rstrip("/") or None
    TRUSTED_HOSTS = [h.strip() for h in os.environ.get("TRUSTED_HOSTS", "").split(",") if h.strip()] or None
    CONTENT_DIR = BASE_DIR / "content"
    # The source article (pages end at "[End Page N]"): teachers' evidence phrases are checked against
    # it (bank/evidence.py). Without it the editor accepts a phrase and shows it as unchecked.
    ARTICLE = os.environ.get("QUIZAPP_ARTICLE") or None

    @staticmethod
    def fallback_secret_key() -> str:
        return _development_secret()

    @staticmethod
    def check(settings: dict) -> None:
        """Refuse to start with settings this environment must not run with."""


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
    # Cheap hashes, and processes that sign in at once (test_concurrency_processes); the tests
    # of the slots set their own, and one uses the production value.
    HASH_SLOTS = 16
    WTF_CSRF_ENABLED = False
    ARTICLE = None  # a test that checks evidence sets the article's path itself


class ProductionConfig(Config):
    """gunicorn behind a proxy: SECRET_KEY and DATABASE_URL from the environment."""

    ENVIRONMENT = "production"

    @staticmethod
    def fallback_secret_key() -> str:
        raise RuntimeError("SECRET_KEY must be set in the environment in production")

    @staticmethod
    def check(settings: dict) -> None:
        """A guessable key forges sessions; a link built from a request's Host header can be
        pointed at another site, so links come from QUIZAPP_BASE_URL and other hosts are refused."""
        if len(settings["SECRET_KEY"]) < MIN_SECRET_LENGTH:
            raise RuntimeError(
                f"SECRET_KEY must be at least {MIN_SECRET_LENGTH} characters in production "
                "(python3 -c 'import secrets; print(secrets.token_hex(32))')"
            )
        if not settings["BASE_URL"] or urlsplit(settings["BASE_URL"]).scheme not in ("http", "https"):
            raise RuntimeError("QUIZAPP_BASE_URL must be set in production, e.g. https://quiz.school.example")
        if not settings["TRUSTED_HOSTS"]:
            settings["TRUSTED_HOSTS"] = [urlsplit(settings["BASE_URL"]).hostname]

    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True


CONFIGS = {
    "development": DevelopmentConfig,
    "test": TestConfig,
    "production": ProductionConfig,
}
