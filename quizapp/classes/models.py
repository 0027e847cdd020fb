"""Classes, who is in them, and the sets assigned to them."""

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from quizapp.extensions import db
from quizapp.models import UTCDateTime, utcnow


class Classroom(db.Model):
    __tablename__ = "classes"

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    join_code: Mapped[str | None] = mapped_column(sa.String(16), unique=True)  # None: joining is closed
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Enrolment(db.Model):
    __tablename__ = "enrolments"

    class_id: Mapped[int] = mapped_column(sa.ForeignKey("classes.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True)
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Assignment(db.Model):
    """A set given to a class, as a quiz (with a due date and attempts) or as a review deck."""

    __tablename__ = "assignments"

    id: Mapped[int] = mapped_column(primary_key=True)
    class_id: Mapped[int] = mapped_column(sa.ForeignKey("classes.id", ondelete="CASCADE"), index=True)
    set_id: Mapped[int] = mapped_column(sa.ForeignKey("question_sets.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(16))  # quiz | review
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attempts_allowed: Mapped[int | None]
    exam_on: Mapped[date | None]  # the date of an exam on the set, which its students may adopt
    # The set's chosen items (question ids, in order) as they were when the first quiz of this
    # assignment started; every later quiz of it draws these, retired or not, so all its students
    # get the same questions. None until then (quiz/assignments.py fixes it).
    item_ids: Mapped[list[int] | None] = mapped_column(sa.JSON(none_as_null=True))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (sa.CheckConstraint("kind IN ('quiz', 'review')", name="kind_known"),)


class AssignmentResult(db.Model):
    """What one learner has done of one assigned quiz: attempts started and the best finished score.

    The quiz layer counts these from its attempts and stores them here (quiz.results), so that classes
    can show them and check attempt limits without reading quiz tables."""

    __tablename__ = "assignment_results"

    assignment_id: Mapped[int] = mapped_column(sa.ForeignKey("assignments.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    best_percent: Mapped[float | None]
    # Whether an attempt is still being taken: an unfinished attempt without a time limit, or the
    # latest deadline of the unfinished timed ones (running until then).
    unfinished_untimed: Mapped[bool] = mapped_column(default=False)
    latest_deadline: Mapped[datetime | None] = mapped_column(UTCDateTime)
