"""Spaced repetition: one card per (learner, question), a log row per rating, per-learner settings."""

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from quizapp.bank.models import Question
from quizapp.extensions import db
from quizapp.models import UTCDateTime, utcnow
from quizapp.review.scheduling import DEFAULT_RETENTION, Memory


class Card(db.Model):
    """A learner's memory of one question, in FSRS terms. A question with no card is new to them.

    Cards of retired questions stay (with their history) but leave the queue.
    """

    __tablename__ = "cards"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    question_id: Mapped[int] = mapped_column(sa.ForeignKey("questions.id"), index=True)
    state: Mapped[int]  # 1 learning, 2 review, 3 relearning (py-fsrs State)
    step: Mapped[int | None]
    stability: Mapped[float | None]
    difficulty: Mapped[float | None]
    due: Mapped[datetime] = mapped_column(UTCDateTime)
    last_review: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reps: Mapped[int] = mapped_column(default=0)
    lapses: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    question: Mapped[Question] = relationship(lazy="raise")

    __table_args__ = (
        sa.UniqueConstraint("user_id", "question_id", name="uq_cards_user_question"),
        # reps too: counting a learner's studied cards by due date reads no card row (migration 0019).
        sa.Index("ix_cards_user_due", "user_id", "due", "reps"),
        # What the memory figures read of a learner's studied cards (mastery, predicted recall, by topic
        # through the question): the dashboards and the class view read no card row (migration 0021).
        sa.Index("ix_cards_user_memory", "user_id", "reps", "question_id", "state", "stability", "last_review"),
        sa.CheckConstraint("state IN (1, 2, 3)", name="state_known"),
    )

    @property
    def memory(self) -> Memory:
        return Memory(
            self.state, self.step, self.stability, self.difficulty, self.due, self.last_review, self.reps, self.lapses
        )

    def remember(self, memory: Memory) -> None:
        self.state, self.step, self.stability, self.difficulty = (
            memory.state,
            memory.step,
            memory.stability,
            memory.difficulty,
        )
        self.due, self.last_review, self.reps, self.lapses = memory.due, memory.last_review, memory.reps, memory.lapses


COUNTED = sa.text('"before" IS NOT NULL AND undone_at IS NULL')
LIVE = sa.text("undone_at IS NULL")


class ReviewLog(db.Model):
    """One rating of one card: when, how, from where, and the memory before and after.

    `submission_key` makes a rating idempotent; `response_id` ties a quiz answer to the one
    review it counts as. An undone rating keeps its row, marked `undone_at`.
    """

    __tablename__ = "review_logs"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    card_id: Mapped[int] = mapped_column(sa.ForeignKey("cards.id", ondelete="CASCADE"), index=True)
    question_id: Mapped[int] = mapped_column(sa.ForeignKey("questions.id"))
    version_id: Mapped[int] = mapped_column(sa.ForeignKey("question_versions.id"), index=True)
    rating: Mapped[int]
    reviewed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    duration_ms: Mapped[int] = mapped_column(default=0)
    origin: Mapped[str] = mapped_column(sa.String(16))  # "review" or "quiz"
    response_id: Mapped[int | None] = mapped_column(sa.ForeignKey("responses.id", ondelete="CASCADE"), unique=True)
    submission_key: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    before: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON(none_as_null=True))  # None: the card was new
    after: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    undone_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (
        sa.Index("ix_review_logs_user_reviewed", "user_id", "reviewed_at"),
        # A learner's reviews not undone, in time order: the dashboard's calendar, undo (migration 0016).
        sa.Index("ix_review_logs_user_live", "user_id", "reviewed_at", sqlite_where=LIVE, postgresql_where=LIVE),
        # Reviews of learnt cards, not undone: what retention and lapse rates count (migration 0006).
        sa.Index(
            "ix_review_logs_user_counted",
            "user_id",
            "reviewed_at",
            "rating",
            sqlite_where=COUNTED,
            postgresql_where=COUNTED,
        ),
        sa.CheckConstraint("rating BETWEEN 1 AND 4", name="rating_range"),
        sa.CheckConstraint("origin IN ('review', 'quiz')", name="origin_known"),
    )


class ReviewTally(db.Model):
    """Per question version, the reviews of learnt cards not undone and how many of them were rated
    Again: item analysis's lapse rate, read without counting the review log.

    Kept by the database itself, by triggers on review_logs (migration 0020) that count every insert,
    undo and delete, whatever makes it (a rating, a quiz answer, an account's deletion); the code
    never writes it. A migration that rebuilds review_logs (Alembic's batch mode on SQLite) drops
    those triggers and must make them again.
    """

    __tablename__ = "review_tallies"

    version_id: Mapped[int] = mapped_column(
        sa.ForeignKey("question_versions.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    reviews: Mapped[int] = mapped_column(default=0)
    again: Mapped[int] = mapped_column(default=0)


class ReviewSettings(db.Model):
    """A learner's own scheduling settings and, once fitted, their personal FSRS parameters."""

    __tablename__ = "review_settings"

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    desired_retention: Mapped[float] = mapped_column(default=DEFAULT_RETENTION)
    new_per_day: Mapped[int] = mapped_column(default=20)
    reviews_per_day: Mapped[int] = mapped_column(default=200)
    parameters: Mapped[list[float] | None] = mapped_column(sa.JSON(none_as_null=True))
    fitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    fitted_reviews: Mapped[int | None]
    # Single-key shortcuts on the study screen (Space, 1-4, U); off for those whose speech input or
    # stray key presses would trigger them (WCAG 2.1.4).
    shortcuts: Mapped[bool] = mapped_column(default=True, server_default=sa.true())

    __table_args__ = (
        sa.CheckConstraint("desired_retention BETWEEN 0.7 AND 0.97", name="retention_range"),
        sa.CheckConstraint(
            "new_per_day BETWEEN 0 AND 9999 AND reviews_per_day BETWEEN 0 AND 99999", name="limits_range"
        ),
    )


class ReviewShowing(db.Model):
    """One showing of a card in review: the single-use token its answer and rating must bring.

    Bound to the learner, the question, the version shown and the card's review count at the
    time; it holds the layout with its answer tokens, the graded answer once given, and when
    (and under which submission key) a rating used it up. One showing, one rating.
    """

    __tablename__ = "review_showings"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(sa.String(32), unique=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    question_id: Mapped[int] = mapped_column(sa.ForeignKey("questions.id", ondelete="CASCADE"))
    version_id: Mapped[int] = mapped_column(sa.ForeignKey("question_versions.id", ondelete="CASCADE"))
    reps: Mapped[int]  # the card's review count when shown
    layout: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    answer: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON(none_as_null=True))
    score: Mapped[float | None]
    answer_key: Mapped[str | None] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    used_key: Mapped[str | None] = mapped_column(sa.String(64))

    __table_args__ = (sa.Index("ix_review_showings_user_created", "user_id", "created_at"),)


SCOPE_KINDS = ("all", "topic", "set")  # the curated bank, one topic of it, a set assigned as a review deck


class ExamPlan(db.Model):
    """A learner's exam: the morning it starts, the recall aimed at and what it covers (one per learner).

    `exam_at` is the start of the learning day of the exam date in the learner's time zone. An
    ended plan stays until the next one replaces it; the caps it applied live on the review log."""

    __tablename__ = "exam_plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    exam_at: Mapped[datetime] = mapped_column(UTCDateTime)
    target: Mapped[float]
    scope_kind: Mapped[str] = mapped_column(sa.String(16))
    scope_value: Mapped[str | None] = mapped_column(sa.String(120))  # a topic slug or a set id
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (
        sa.CheckConstraint("target BETWEEN 0.7 AND 0.99", name="target_range"),
        sa.CheckConstraint("scope_kind IN ('all', 'topic', 'set')", name="scope_known"),
    )
