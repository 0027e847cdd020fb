"""Data growth for `make bench`: one learner with a long history and one large class.

The bulk learners have about 1,000 reviews each and sit in classes of 30. A page that is flat in
the size of the bank can still grow with a learner's history or a class's roster, so the bench
dataset also holds a learner with 20,000 reviews (simulated like the others, `bulk.simulate`) and
a class of 200 of the bulk learners under a teacher of its own. Idempotent, like `bulk`.
"""

from datetime import datetime, timedelta
from random import Random

import sqlalchemy as sa

from quizapp.auth.models import Role, User, new_session_token
from quizapp.auth.services import hash_password, user_by_email
from quizapp.bank.models import Question, QuestionStatus
from quizapp.classes import services as classes
from quizapp.classes.models import Classroom, Enrolment
from quizapp.extensions import db
from quizapp.progress import bulk
from quizapp.review.models import Card

HEAVY_EMAIL = "bulk.heavy@quizapp.example"
BIG_TEACHER_EMAIL = "bulk.bigclass.teacher@quizapp.example"
BIG_CLASS = "Bulk class of {size}"


def _account(email: str, name: str, role: Role, now: datetime) -> User:
    user = user_by_email(email)
    if user is None:
        user = User(email=email, display_name=name, role=role.value, timezone="UTC")
        user.password_hash = hash_password(bulk.PASSWORD)
        user.session_token = new_session_token()
        user.created_at = now - timedelta(days=bulk.DAYS + 1)
        db.session.add(user)
        db.session.flush()
    return user


def heavy_learner(reviews: int, now: datetime, seed: int = 23) -> int:
    """The learner with `reviews` review logs; returns how many were written (0 when there already)."""
    user = _account(HEAVY_EMAIL, "Heavy Learner", Role.STUDENT, now)
    if db.session.scalar(sa.select(sa.func.count()).select_from(Card).where(Card.user_id == user.id)):
        db.session.commit()
        return 0
    pool = db.session.execute(
        sa.select(Question.id, Question.current_version_id)
        .where(Question.status == QuestionStatus.ACTIVE)
        .order_by(Question.id)
    ).all()
    rng = Random(seed)
    window = rng.sample(pool, min(len(pool), reviews))
    items, logs = bulk.simulate(user.id, 0.8, window, reviews, now, Random(f"{seed}:{user.id}"))
    report = bulk.BulkReport()
    bulk._write([(user.id, items, logs)], now, report)
    return report.reviews


def big_class(size: int, now: datetime) -> int:
    """A class of the first `size` bulk learners, its own teacher's; returns how many were enrolled."""
    teacher = _account(BIG_TEACHER_EMAIL, "Big Class Teacher", Role.TEACHER, now)
    name = BIG_CLASS.format(size=size)
    class_id = (
        db.session.scalar(sa.select(Classroom.id).where(Classroom.owner_id == teacher.id, Classroom.name == name))
        or classes.create_class(teacher.id, name, now - timedelta(days=bulk.DAYS + 1)).id
    )
    learners = db.session.scalars(
        sa.select(User.id).where(User.email.like("bulk.learner%")).order_by(User.email).limit(size)
    ).all()
    enrolled = set(db.session.scalars(sa.select(Enrolment.user_id).where(Enrolment.class_id == class_id)))
    rows = [
        {"class_id": class_id, "user_id": user_id, "joined_at": now - timedelta(days=bulk.DAYS)}
        for user_id in learners
        if user_id not in enrolled
    ]
    bulk._insert(Enrolment.__table__, rows)
    db.session.commit()
    return len(rows)
