"""Account rules: password policy and hashing, creation, roles, sign-in with throttling."""

import gzip
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from zoneinfo import available_timezones

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.dialects import postgresql, sqlite
from werkzeug.security import check_password_hash, generate_password_hash

from quizapp.auth.codes import code_hash
from quizapp.auth.models import Role, SignInCounter, SiteSetting, User, new_session_token
from quizapp.extensions import db

PASSWORD_MIN, PASSWORD_MAX = 8, 128
COMMON_PASSWORDS_FILE = Path(__file__).with_name("common-passwords.txt.gz")
# A hash to check against when the email is unknown, so both answers take as long.
_DUMMY_HASHES: dict[str, str] = {}


class AccountError(ValueError):
    """A rule about accounts was broken; the message is safe to show to the user."""


@cache
def common_passwords() -> frozenset[str]:
    """Django's list of 20,000 common passwords (BSD licence), read once."""
    with gzip.open(COMMON_PASSWORDS_FILE, "rt", encoding="utf-8") as fh:
        return frozenset(line.strip().lower() for line in fh if line.strip())


def password_problem(password: str) -> str | None:
    """Why this password is refused, or None when it is acceptable."""
    if len(password) < PASSWORD_MIN:
        return f"Use at least {PASSWORD_MIN} characters."
    if len(password) > PASSWORD_MAX:
        return f"Use at most {PASSWORD_MAX} characters."
    if password.lower() in common_passwords():
        return "This password is too common; choose one that is harder to guess."
    return None


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def normalise_email(email: str) -> str:
    return email.strip().lower()


@cache
def known_timezones() -> frozenset[str]:
    return frozenset(available_timezones())


def user_by_email(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == normalise_email(email)))


def user_by_login(identifier: str) -> User | None:
    """An account by its email, or by its username for pupils without one."""
    identifier = normalise_email(identifier)
    column = User.email if "@" in identifier else User.username
    return db.session.scalar(sa.select(User).where(column == identifier))


def count_users() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(User)) or 0


def create_user(email: str, display_name: str, password: str, role: Role = Role.STUDENT) -> User:
    """Add an account after checking the rules; raises AccountError with a user-facing message."""
    email = normalise_email(email)
    if "@" not in email or len(email) > 254:
        raise AccountError("Enter a valid email address.")
    if user_by_email(email) is not None:
        raise AccountError("An account with this email already exists.")
    if problem := password_problem(password):
        raise AccountError(problem)
    user = User(
        email=email, display_name=display_name.strip(), role=Role(role).value, password_hash=hash_password(password)
    )
    db.session.add(user)
    db.session.flush()
    return user


def set_password(user: User, password: str) -> None:
    """Change the password and end every session the user had."""
    if problem := password_problem(password):
        raise AccountError(problem)
    user.password_hash = hash_password(password)
    user.session_token = new_session_token()


def end_sessions(user: User) -> None:
    """Invalidate every cookie issued to this user (sign-out is server-side)."""
    user.session_token = new_session_token()


def set_role(user: User, role: str) -> None:
    try:
        user.role = Role(role).value
    except ValueError:
        raise AccountError(f"Unknown role {role!r}; use student, teacher or admin.") from None


def set_active(user: User, active: bool) -> None:
    user.active = active
    if not active:
        end_sessions(user)


def load_user_from_session(session_id: str) -> User | None:
    """Flask-Login's user loader: the id and the user's current session token must both match."""
    user_id, _, token = session_id.partition(":")
    if not user_id.isdigit() or not token:
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or user.session_token != token:
        return None
    return user


# --- sign-in throttling -------------------------------------------------------------


@dataclass(frozen=True)
class SignInResult:
    user: User | None = None
    retry_after: int = 0  # seconds; > 0 when throttled

    @property
    def throttled(self) -> bool:
        return self.retry_after > 0


def _counter(key: str, now: datetime) -> SignInCounter:
    """The counter row for key, locked for this transaction (created when missing).

    An insert that ignores a conflict, then a locking select: two workers seeing the same
    new key at once neither fail nor lose a count.
    """
    insert = postgresql.insert if db.engine.dialect.name == "postgresql" else sqlite.insert
    db.session.execute(
        insert(SignInCounter)
        .values(key=key, failures=0, window_start=now)
        .on_conflict_do_nothing(index_elements=["key"])
    )
    counter = db.session.scalars(
        sa.select(SignInCounter)
        .where(SignInCounter.key == key)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()
    if now - counter.window_start > current_app.config["THROTTLE_WINDOW"] and (
        counter.locked_until is None or counter.locked_until <= now
    ):
        counter.failures, counter.window_start, counter.locked_until = 0, now, None
    return counter


def _seconds_until(moment: datetime | None, now: datetime) -> int:
    if moment is None or moment <= now:
        return 0
    return max(1, int((moment - now).total_seconds() + 0.999))


def authenticate(email: str, password: str, address: str, now: datetime) -> SignInResult:
    """Check a sign-in attempt against both throttles, then the password.

    Unknown emails are throttled and answered exactly like wrong passwords.
    """
    config = current_app.config
    email = normalise_email(email)[:254]
    account = _counter(f"account:{email}", now)
    place = _counter(f"address:{address}", now)
    wait = max(_seconds_until(account.locked_until, now), _seconds_until(place.locked_until, now))
    if wait:
        return SignInResult(retry_after=wait)

    user = user_by_login(email)
    password_hash = user.password_hash if user else _dummy_hash()
    if check_password_hash(password_hash, password) and user is not None and user.active:
        account.failures, account.locked_until = 0, None
        return SignInResult(user=user)

    account.failures += 1
    place.failures += 1
    extra = account.failures - config["THROTTLE_ACCOUNT_FREE_FAILURES"]
    if extra >= 0:
        lock = min(config["THROTTLE_ACCOUNT_BASE_LOCK"] * (2**extra), config["THROTTLE_ACCOUNT_MAX_LOCK"])
        account.locked_until = now + lock
    if place.failures >= config["THROTTLE_ADDRESS_LIMIT"]:
        place.locked_until = place.window_start + config["THROTTLE_WINDOW"]
    return SignInResult()


def _dummy_hash() -> str:
    method = current_app.config["PASSWORD_HASH_METHOD"]
    if method not in _DUMMY_HASHES:
        _DUMMY_HASHES[method] = generate_password_hash(new_session_token(), method=method)
    return _DUMMY_HASHES[method]


def redeem_code(identifier: str, code: str, password: str, address: str, now: datetime) -> SignInResult:
    """A one-time code from a teacher: right, unused and unexpired, it sets a new password.

    Wrong codes count as failed sign-ins, so guessing is throttled like passwords.
    """
    from quizapp.auth.models import OneTimeCode

    if problem := password_problem(password):
        raise AccountError(problem)
    account = _counter(f"account:{normalise_email(identifier)[:254]}", now)
    place = _counter(f"address:{address}", now)
    wait = max(_seconds_until(account.locked_until, now), _seconds_until(place.locked_until, now))
    if wait:
        return SignInResult(retry_after=wait)
    user = user_by_login(identifier)
    found = user and db.session.scalar(
        sa.select(OneTimeCode).where(
            OneTimeCode.user_id == user.id,
            OneTimeCode.code_hash == code_hash(code),
            OneTimeCode.used_at.is_(None),
            OneTimeCode.expires_at > now,
        )
    )
    if not found or not user.active:
        account.failures += 1
        place.failures += 1
        extra = account.failures - current_app.config["THROTTLE_ACCOUNT_FREE_FAILURES"]
        if extra >= 0:
            account.locked_until = now + min(
                current_app.config["THROTTLE_ACCOUNT_BASE_LOCK"] * (2**extra),
                current_app.config["THROTTLE_ACCOUNT_MAX_LOCK"],
            )
        return SignInResult()
    found.used_at = now
    set_password(user, password)
    account.failures, account.locked_until = 0, None
    return SignInResult(user=user)


# --- site settings -------------------------------------------------------------------

OPEN_SIGNUP = "open_signup"


def signup_open() -> bool:
    value = db.session.scalar(sa.select(SiteSetting.value).where(SiteSetting.key == OPEN_SIGNUP))
    return value != "off"


def set_signup_open(is_open: bool) -> None:
    setting = db.session.get(SiteSetting, OPEN_SIGNUP) or SiteSetting(key=OPEN_SIGNUP)
    setting.value = "on" if is_open else "off"
    db.session.add(setting)
