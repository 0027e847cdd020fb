"""Accounts, roles, sign-in throttling counters and site settings."""

import enum
import secrets
from datetime import datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column

from quizapp.extensions import db
from quizapp.models import UTCDateTime, utcnow


class Role(enum.StrEnum):
    STUDENT = "student"
    TEACHER = "teacher"
    ADMIN = "admin"


def new_session_token() -> str:
    return secrets.token_urlsafe(24)


class User(UserMixin, db.Model):
    """A person with a role. Emails are stored lower-cased, so they are unique regardless of case."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    display_name: Mapped[str] = mapped_column(sa.String(80))
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    role: Mapped[str] = mapped_column(sa.String(16), default=Role.STUDENT.value)
    active: Mapped[bool] = mapped_column(default=True)
    # Rotated on sign-out, password change and deactivation: every cookie that carries
    # the old value stops working at once, on every worker.
    session_token: Mapped[str] = mapped_column(sa.String(64), default=new_session_token)
    timezone: Mapped[str] = mapped_column(sa.String(64), default="UTC")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (sa.CheckConstraint("role IN ('student', 'teacher', 'admin')", name="role_known"),)

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"

    @property
    def is_teacher(self) -> bool:
        return self.role in (Role.TEACHER, Role.ADMIN)

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email} {self.role}>"


class SignInCounter(db.Model):
    """Failed sign-ins for one key ("account:<email>" or "address:<ip>") in a window.

    A table, not process memory, so the limits hold across gunicorn workers and hosts.
    """

    __tablename__ = "sign_in_counters"

    key: Mapped[str] = mapped_column(sa.String(300), primary_key=True)
    failures: Mapped[int] = mapped_column(default=0)
    window_start: Mapped[datetime] = mapped_column(UTCDateTime)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)


class SiteSetting(db.Model):
    """Small switches an admin can flip at run time (e.g. open sign-up)."""

    __tablename__ = "site_settings"

    key: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    value: Mapped[str] = mapped_column(sa.String(255))
