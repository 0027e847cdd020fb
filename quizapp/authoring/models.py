"""Teachers' question sets and the log of regrades."""

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from quizapp.extensions import db
from quizapp.models import UTCDateTime, utcnow


class QuestionSet(db.Model):
    """A teacher's set: chosen items (set_items) and/or rules (N random items from topics, tags
    and difficulties), with the settings a quiz from it uses. When feedback is shown follows the
    mode: after each question in practice, at the end in a test."""

    __tablename__ = "question_sets"

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    # {"count": N, "topics": [slug], "tags": [slug], "difficulties": [1, 2, 3]}; None: items only
    rules: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON(none_as_null=True))
    mode: Mapped[str] = mapped_column(sa.String(16), default="practice")
    time_limit_minutes: Mapped[int | None]
    attempts_allowed: Mapped[int | None]  # None: as many as the learner likes
    shuffle: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    __table_args__ = (sa.CheckConstraint("mode IN ('practice', 'test')", name="mode_known"),)


class SetItem(db.Model):
    __tablename__ = "set_items"

    set_id: Mapped[int] = mapped_column(sa.ForeignKey("question_sets.id", ondelete="CASCADE"), primary_key=True)
    question_id: Mapped[int] = mapped_column(sa.ForeignKey("questions.id"), primary_key=True, index=True)
    position: Mapped[int]


class Regrade(db.Model):
    """A corrected answer key applied to responses given on earlier versions."""

    __tablename__ = "regrades"

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(sa.ForeignKey("questions.id"), index=True)
    to_version_id: Mapped[int] = mapped_column(sa.ForeignKey("question_versions.id"))
    by_user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    responses_checked: Mapped[int]
    responses_changed: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
