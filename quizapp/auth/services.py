"""Account rules: password policy and hashing, creation, roles, sign-in with throttling."""

import gzip
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from zoneinfo import available_timezones

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm.util import identity_key
from werkzeug.security import check_password_hash, generate_password_hash

from quizapp import database
from quizapp.auth import throttle
from quizapp.auth.codes import code_hash
from quizapp.auth.models import Role, SiteSetting, User, new_session_token
from quizapp.database import kept
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
    """The slow, salted hash of a password (callers pass a gate in throttle.py first)."""
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def normalise_email(email: str) -> str:
    return email.strip().lower()


@cache
def known_timezones() -> frozenset[str]:
    return frozenset(available_timezones())


UNKNOWN_TIMEZONE = "Choose a time zone from the list, such as Europe/London or Asia/Seoul."
ZONE_REGIONS = (
    "Africa",
    "America",
    "Antarctica",
    "Arctic",
    "Asia",
    "Atlantic",
    "Australia",
    "Europe",
    "Indian",
    "Pacific",
)


@cache
def timezone_choices() -> dict[str, list[tuple[str, str]]]:
    """The known zones for a select, grouped by region (optgroups) and sorted: UTC first, the
    region/city names next, then the older aliases (US/Eastern, Etc/GMT+5...)."""
    groups: dict[str, list[tuple[str, str]]] = {"Universal": [("UTC", "UTC")]}
    groups |= {region: [] for region in ZONE_REGIONS}
    groups["Other names"] = []
    for zone in sorted(known_timezones() - {"UTC"}):
        region = zone.split("/", 1)[0]
        groups[region if region in ZONE_REGIONS and "/" in zone else "Other names"].append(
            (zone, zone.replace("_", " "))
        )
    return {label: zones for label, zones in groups.items() if zones}


def user_by_email(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == normalise_email(email)))


def user_by_login(identifier: str) -> User | None:
    """An account by its email, or by its username for pupils without one."""
    identifier = normalise_email(identifier)
    column = User.email if "@" in identifier else User.username
    return db.session.scalar(sa.select(User).where(column == identifier))


def count_users() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(User)) or 0


def new_account_problem(email: str, password: str) -> str | None:
    """Why an account with this email and password cannot be made, or None."""
    email = normalise_email(email)
    if "@" not in email or len(email) > 254:
        return "Enter a valid email address."
    if user_by_email(email) is not None:
        return "An account with this email already exists."
    return password_problem(password)


def create_user(
    email: str,
    display_name: str,
    password: str,
    role: Role = Role.STUDENT,
    password_hash: str | None = None,
    timezone: str = "UTC",
) -> User:
    """Add an account after checking the rules; raises AccountError with a user-facing message.
    `password_hash`, when given, is the password already hashed (outside the transaction)."""
    if problem := new_account_problem(email, password):
        raise AccountError(problem)
    if timezone not in known_timezones():
        raise AccountError(UNKNOWN_TIMEZONE)
    user = User(
        email=normalise_email(email),
        display_name=display_name.strip(),
        role=Role(role).value,
        password_hash=password_hash or hash_password(password),
        timezone=timezone,
    )
    db.session.add(user)
    db.session.flush()
    return user


def unusable_password_hash() -> str:
    """A stored hash that no password matches (no "$"), for pupils who have not chosen one yet:
    free to make, so a roster of 500 costs no hashing."""
    return "!" + new_session_token()


def set_password(user: User, password: str, password_hash: str | None = None) -> None:
    """Change the password and end every session the user had."""
    if problem := password_problem(password):
        raise AccountError(problem)
    user.password_hash = password_hash or hash_password(password)
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


def _user_by_id():
    user_id = sa.bindparam("user_id", type_=sa.Integer)
    return database.user_statement(sa.select(*database.columns_of(User)), User.id).where(User.id == user_id)


def load_user_from_session(session_id: str) -> User | None:
    """Flask-Login's user loader: the id and the user's current session token must both match.

    The row is read as columns and made the session's User as a query's loading would make it
    (`database.as_loaded`: persistent and unchanged), in half the ORM's time. A GET reads in the
    same statement what features asked for with `database.read_with_user` (the bank's revision)
    and `database.join_with_user` (the learner's review settings and exam plan)."""
    user_id, _, token = session_id.partition(":")
    if not user_id.isdigit() or not token:
        return None
    session = db.session()
    user = session.identity_map.get(identity_key(User, int(user_id)))
    if user is None:
        row = database.rows(kept(("user by id",), _user_by_id), {"user_id": int(user_id)}).first()
        if row is None or not row.active or row.session_token != token:
            return None
        database.note_read_with_user(row)
        user = database.as_loaded(User, row)
    if not user.active or user.session_token != token:
        return None
    return user


# --- sign-in ------------------------------------------------------------------------
# A sign-in runs in three steps so that no lock is held while a password is hashed: the view
# asks the gate (throttle.sign_in_gate) and commits, then verifies the password outside any
# transaction, then records the outcome and commits again.


def verify_password(password_hash: str | None, password: str) -> bool:
    """Check a password against a stored hash. An unknown account, or a pupil who has not yet
    chosen a password, costs the same hash as anyone else, so timing tells nothing."""
    if password_hash is None or "$" not in password_hash:
        check_password_hash(_dummy_hash(), password)
        return False
    return check_password_hash(password_hash, password)


def login_key(identifier: str) -> str:
    return normalise_email(identifier)[:254]


@dataclass(frozen=True)
class SignInResult:
    user: User | None = None
    retry_after: int = 0  # seconds; > 0 when throttled

    @property
    def throttled(self) -> bool:
        return self.retry_after > 0


def finish_sign_in(identifier: str, address: str, user: User | None, password_ok: bool, now: datetime) -> SignInResult:
    """Record the verified attempt against the throttles; the user when it succeeded."""
    succeeded = password_ok and user is not None and user.active
    throttle.record_sign_in(login_key(identifier), address, succeeded, now)
    return SignInResult(user=user if succeeded else None)


def authenticate(identifier: str, password: str, address: str, now: datetime) -> SignInResult:
    """The three steps of a sign-in in one transaction (for the CLI and tests; views split it)."""
    gate = throttle.sign_in_gate(login_key(identifier), address, now)
    if gate.refused:
        return SignInResult(retry_after=gate.retry_after)
    user = user_by_login(identifier)
    ok = verify_password(user.password_hash if user else None, password)
    result = finish_sign_in(identifier, address, user, ok, now)
    throttle.release(gate, now)  # after the counters, in the gate's order (no deadlock)
    return result


def _dummy_hash() -> str:
    method = current_app.config["PASSWORD_HASH_METHOD"]
    if method not in _DUMMY_HASHES:
        _DUMMY_HASHES[method] = generate_password_hash(new_session_token(), method=method)
    return _DUMMY_HASHES[method]


def redeem_code(identifier: str, code: str, new_hash: str, address: str, now: datetime) -> SignInResult:
    """A one-time code from a teacher: right, unused and unexpired, it sets the new password
    (hashed by the caller after `throttle.sign_in_gate`). Wrong codes count as failed sign-ins,
    so guessing is throttled like passwords."""
    from quizapp.auth.models import OneTimeCode

    user = user_by_login(identifier)
    found = user and db.session.scalar(
        sa.select(OneTimeCode).where(
            OneTimeCode.user_id == user.id,
            OneTimeCode.code_hash == code_hash(code),
            OneTimeCode.used_at.is_(None),
            OneTimeCode.expires_at > now,
        )
    )
    result = finish_sign_in(identifier, address, user, bool(found), now)
    if result.user is not None:
        found.used_at = now
        user.password_hash, user.session_token = new_hash, new_session_token()
    return result


# --- site settings -------------------------------------------------------------------

OPEN_SIGNUP = "open_signup"


def signup_open() -> bool:
    value = db.session.scalar(sa.select(SiteSetting.value).where(SiteSetting.key == OPEN_SIGNUP))
    return value != "off"


def set_signup_open(is_open: bool) -> None:
    setting = db.session.get(SiteSetting, OPEN_SIGNUP) or SiteSetting(key=OPEN_SIGNUP)
    setting.value = "on" if is_open else "off"
    db.session.add(setting)
