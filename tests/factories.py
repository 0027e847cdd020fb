"""Small factories for test data (never the curated bank, except in the bank's own tests)."""

import itertools

from quizapp.auth import services as auth_services
from quizapp.auth.models import Role, User
from quizapp.extensions import db

DEFAULT_PASSWORD = "correct horse battery"
_serial = itertools.count(1)


def make_user(
    role: str = "student",
    email: str | None = None,
    display_name: str | None = None,
    password: str = DEFAULT_PASSWORD,
    active: bool = True,
    commit: bool = True,
) -> User:
    n = next(_serial)
    user = auth_services.create_user(email or f"user{n}@example.org", display_name or f"User {n}", password, Role(role))
    user.active = active
    if commit:
        db.session.commit()
    return user
