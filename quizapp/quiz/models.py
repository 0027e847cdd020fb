"""Quiz attempts, the items each showed, the learner's responses, and problem reports."""

import enum
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from quizapp.bank.models import Question, QuestionVersion
from quizapp.extensions import db
from quizapp.models import UTCDateTime, utcnow


class Mode(enum.StrEnum):
    PRACTICE = "practice"  # feedback after each question
    TEST = "test"  # feedback at the end; optional time limit


class QuizAttempt(db.Model):
    """One sitting of a generated quiz: its settings and seed, and its outcome once finished."""

    __tablename__ = "quiz_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    assignment_id: Mapped[int | None] = mapped_column(sa.ForeignKey("assignments.id", ondelete="SET NULL"), index=True)
    mode: Mapped[str] = mapped_column(sa.String(16))
    # What the learner asked for: topic slugs, types, difficulties, length, time limit.
    settings: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    seed: Mapped[int] = mapped_column(sa.BigInteger)
    question_count: Mapped[int]
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    deadline: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    score: Mapped[float | None]  # the sum of the item scores, set once when the attempt is finished

    __table_args__ = (
        sa.Index("ix_quiz_attempts_user_started", "user_id", "started_at"),
        # The home page's latest open test and quiz: the newest unfinished attempts of each mode.
        sa.Index(
            "ix_quiz_attempts_user_open",
            "user_id",
            "mode",
            "id",
            sqlite_where=sa.text("finished_at IS NULL"),
            postgresql_where=sa.text("finished_at IS NULL"),
        ),
        sa.CheckConstraint("mode IN ('practice', 'test')", name="mode_known"),
    )

    def is_over(self, now: datetime) -> bool:
        return self.finished_at is not None or (self.deadline is not None and now >= self.deadline)

    @property
    def percent(self) -> int | None:
        return None if self.score is None else round(100 * self.score / self.question_count)


class AttemptItem(db.Model):
    """A question as this attempt showed it: the version and the shuffled layout, fixed at generation."""

    __tablename__ = "attempt_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(sa.ForeignKey("quiz_attempts.id", ondelete="CASCADE"))
    position: Mapped[int]  # 1-based
    question_id: Mapped[int] = mapped_column(sa.ForeignKey("questions.id"), index=True)
    version_id: Mapped[int] = mapped_column(sa.ForeignKey("question_versions.id"))
    layout: Mapped[dict[str, Any]] = mapped_column(sa.JSON)

    version: Mapped[QuestionVersion] = relationship(lazy="raise")
    question: Mapped[Question] = relationship(lazy="raise")

    __table_args__ = (
        sa.UniqueConstraint("attempt_id", "position", name="uq_attempt_items_attempt_position"),
        # Item analysis finds a version's items and their attempts from this index alone.
        sa.Index("ix_attempt_items_version_attempt", "version_id", "attempt_id"),
    )


class Response(db.Model):
    """The learner's answer to one attempt item, graded; a review of the question at `answered_at`.

    `submission_key` makes a submission idempotent: the same form sent twice counts once.
    """

    __tablename__ = "responses"

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_item_id: Mapped[int] = mapped_column(sa.ForeignKey("attempt_items.id", ondelete="CASCADE"), unique=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    question_id: Mapped[int] = mapped_column(sa.ForeignKey("questions.id"))
    version_id: Mapped[int] = mapped_column(sa.ForeignKey("question_versions.id"), index=True)
    answer: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    score: Mapped[float]
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime)
    time_spent_ms: Mapped[int] = mapped_column(default=0)
    submission_key: Mapped[str] = mapped_column(sa.String(64), unique=True)
    # Set when a corrected answer key changed this score: what it was, and when.
    score_before_regrade: Mapped[float | None]
    regraded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (
        sa.Index("ix_responses_user_question_answered", "user_id", "question_id", "answered_at"),
        sa.Index("ix_responses_item_score", "attempt_item_id", "score"),  # item analysis reads no answer row
        sa.CheckConstraint("score >= 0 AND score <= 1", name="score_range"),
    )


class ReportReason(enum.StrEnum):
    WRONG_KEY = "wrong_key"
    UNCLEAR = "unclear"
    NOT_IN_SOURCE = "not_in_source"
    TYPO = "typo"
    OTHER = "other"


REPORT_REASON_LABELS = {
    ReportReason.WRONG_KEY: "The marked answer is wrong",
    ReportReason.UNCLEAR: "The question is unclear",
    ReportReason.NOT_IN_SOURCE: "The article does not say this",
    ReportReason.TYPO: "A typo or a formatting problem",
    ReportReason.OTHER: "Something else",
}


class QuestionReport(db.Model):
    """A learner's flag on a question version, for the teachers' "needs attention" list."""

    __tablename__ = "question_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(sa.ForeignKey("questions.id"), index=True)
    version_id: Mapped[int] = mapped_column(sa.ForeignKey("question_versions.id"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    reason: Mapped[str] = mapped_column(sa.String(32))
    note: Mapped[str] = mapped_column(sa.Text, default="")
    status: Mapped[str] = mapped_column(sa.String(16), default="open")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        sa.UniqueConstraint("user_id", "version_id", name="uq_question_reports_user_version"),
        sa.CheckConstraint("status IN ('open', 'resolved')", name="status_known"),
    )
