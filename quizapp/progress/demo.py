"""Demo data: a teacher, a class of simulated students and weeks of quizzes and reviews.

Students differ in strength; each simulated day some of them study: they review what is due
(recalling it with the probability FSRS predicts, scaled by their strength), learn a few new
items, and now and then take the assigned quiz. Everything goes through the app's own
services, so the history is exactly what real use would have left. `make bench` reuses this
generator at a larger size.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from random import Random

import sqlalchemy as sa

from quizapp.auth.models import Role, User
from quizapp.auth.services import create_user, user_by_email
from quizapp.authoring.models import QuestionSet, SetItem
from quizapp.bank.models import Question, QuestionStatus, QuestionVersion, Topic
from quizapp.bank.types import get_type
from quizapp.classes import services as classes
from quizapp.extensions import db
from quizapp.progress.memory import recall
from quizapp.quiz import assignments
from quizapp.quiz import services as quiz
from quizapp.review import services as review

# Public demo credentials, printed by `flask demo seed`, which refuses the production configuration.
TEACHER_EMAIL, TEACHER_PASSWORD = "demo.teacher@quizapp.example", "demo teacher password"  # noqa: S105
STUDENT_PASSWORD = "demo student password"  # noqa: S105
NEW_PER_DAY, REVIEWS_PER_DAY = 4, 80


@dataclass
class Demo:
    teacher: str
    students: list[str] = field(default_factory=list)
    class_id: int | None = None
    reviews: int = 0
    quizzes: int = 0


def _account(email: str, name: str, password: str, role: Role) -> User:
    return user_by_email(email) or create_user(email, name, password, role)


def _every_topic_in_turn(questions: list) -> list:
    """New items in article order within each top-level topic, the topics taken in turn, so that a few
    weeks of study reach every part of the article (not only its first pages)."""
    by_root: dict[str, list] = {}
    for q in questions:
        by_root.setdefault(q.path.strip("/").split("/")[0], []).append(q)
    queues = list(by_root.values())
    return [queue[n] for n in range(max(map(len, queues), default=0)) for queue in queues if n < len(queue)]


def seed(now: datetime, students: int = 30, days: int = 60, seed: int = 7, progress=lambda n: None) -> Demo:
    """Create (or extend) the demo class and simulate `days` days of study before `now`; commits per day."""
    rng = Random(seed)
    teacher = _account(TEACHER_EMAIL, "Demo Teacher", TEACHER_PASSWORD, Role.TEACHER)
    questions = _every_topic_in_turn(
        db.session.execute(
            sa.select(
                Question.id,
                Question.current_version_id,
                Question.type,
                QuestionVersion.difficulty,
                QuestionVersion.data,
                Topic.path,
            )
            .join(QuestionVersion, QuestionVersion.id == Question.current_version_id)
            .join(Topic, Topic.id == Question.topic_id)
            .where(Question.status == QuestionStatus.ACTIVE, Question.slug.is_not(None))
            .order_by(QuestionVersion.source_page, Question.id)
        ).all()
    )
    if not questions:
        raise ValueError("the bank is empty: run `flask bank load` first")
    classroom = db.session.scalar(sa.select(classes.Classroom).where(classes.Classroom.owner_id == teacher.id))
    start = now - timedelta(days=days)
    if classroom is None:
        classroom = classes.create_class(teacher.id, "Demo class 12B", start)
        question_set = QuestionSet(
            owner_id=teacher.id,
            name="The Armistice, week 1",
            mode="test",
            created_at=start,
            updated_at=start,
            rules={"count": 4, "topics": ["korean-war"], "tags": [], "difficulties": [1, 2, 3]},
        )
        db.session.add(question_set)
        db.session.flush()
        quiz_items = [q for q in questions if get_type(q.type).in_quizzes][:6]
        for position, q in enumerate(quiz_items, start=1):
            db.session.add(SetItem(set_id=question_set.id, question_id=q.id, position=position))
        assignment = classes.assign(classroom, question_set, "quiz", now + timedelta(days=3), 3, start)
    else:
        assignment = db.session.scalar(sa.select(classes.Assignment).where(classes.Assignment.class_id == classroom.id))
    demo = Demo(TEACHER_EMAIL, class_id=classroom.id)
    learners = []
    for n in range(1, students + 1):
        email = f"demo.student{n:02d}@quizapp.example"
        learner = _account(email, f"Student {n:02d}", STUDENT_PASSWORD, Role.STUDENT)
        if not classes.is_member(classroom.id, learner.id):
            db.session.add(classes.Enrolment(class_id=classroom.id, user_id=learner.id, joined_at=start))
        learners.append((learner.id, 0.35 + 0.6 * (n - 1) / max(students - 1, 1)))
        demo.students.append(email)
    db.session.commit()
    by_id = {q.id: q for q in questions}
    next_new = {user: 0 for user, _ in learners}
    settings = {user: review.settings_for(user) for user, _ in learners}
    for day in range(days, -1, -1):  # down to today
        for user, strength in learners:
            if rng.random() > 0.8 + 0.2 * strength:
                continue
            moment = now - timedelta(days=day, hours=rng.uniform(1, 8))
            due = db.session.execute(
                sa.select(review.Card.question_id, review.Card.stability, review.Card.last_review)
                .where(review.Card.user_id == user, review.Card.reps > 0, review.Card.due <= moment)
                .limit(REVIEWS_PER_DAY)
            ).all()
            for question_id, stability, last in due:
                chance = recall(stability, (moment - last).total_seconds() / 86400) * (0.93 + 0.07 * strength)
                rating = (4 if rng.random() < 0.15 else 3) if rng.random() < chance else 1
                review.rate(
                    user, question_id, by_id[question_id].current_version_id, rating, moment, settings=settings[user]
                )
                demo.reviews += 1
            for _ in range(NEW_PER_DAY):
                if next_new[user] >= len(questions):
                    break
                q = questions[next_new[user]]
                next_new[user] += 1
                rating = 3 if rng.random() < strength else 1
                review.rate(
                    user, q.id, q.current_version_id, rating, moment + timedelta(minutes=1), settings=settings[user]
                )
                demo.reviews += 1
            if assignment is not None and rng.random() < 0.12:
                demo.quizzes += _take_quiz(user, strength, assignment, moment + timedelta(minutes=30), rng)
        db.session.commit()
        progress(1)
    return demo


def _take_quiz(user_id: int, strength: float, assignment, moment: datetime, rng: Random) -> int:
    try:
        attempt = assignments.start_assignment(user_id, assignment, moment)
    except classes.ClassError:
        return 0
    for position in range(1, attempt.question_count + 1):
        item = quiz.item_at(attempt, position)
        question_type = get_type(item.version.type)
        chance = strength * (1.15 - 0.15 * item.version.difficulty)
        answer = question_type.correct_answer(item.version.data) if rng.random() < chance else {}
        quiz.record_answer(attempt, item, answer, f"demo-{attempt.id}-{position}", moment, rng.randint(5, 60) * 1000)
    quiz.finish_attempt(attempt, moment + timedelta(minutes=10))
    return 1
