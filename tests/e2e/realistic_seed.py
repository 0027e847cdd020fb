"""Realistic data for the accessibility walk (tests/e2e/a11y_seed.py): long names and emails, long
class and set names, a class of thirty, many attempts, ordering feedback. Pages that fit the screen
with "User 3" and "Owner's class" must still fit with what schools really type."""

from datetime import timedelta

import sqlalchemy as sa
from flask import url_for

from quizapp.authoring.models import QuestionSet, SetItem
from quizapp.bank.models import Question
from quizapp.classes import services as classes
from quizapp.classes.models import Classroom
from quizapp.extensions import db
from quizapp.models import utcnow
from quizapp.quiz import services as quiz_services
from tests import factories

LONG_NAME = "Anastasia Featherstonehaugh-Wolfeschlegelsteinhausenbergerdorff"
LONG_CLASS = "Year 11 History — the Korean War armistice, the Sino-Soviet split and Chuch'e (Tuesday set)"
LONG_SET = "Panmunjom, prisoners of war and the Geneva conference of 1954: the complete revision deck"
PUPILS = 30


def long_email(n: int) -> str:
    return f"pupil.with.a.remarkably.long.address.number{n}@students.district-school.example.org"


def long_set(owner_id: int, now) -> QuestionSet:
    question_set = QuestionSet(owner_id=owner_id, name=LONG_SET, created_at=now, updated_at=now)
    db.session.add(question_set)
    db.session.flush()
    curated = db.session.scalars(
        sa.select(Question.id).where(Question.owner_id.is_(None)).order_by(Question.id).limit(6)
    )
    for position, question_id in enumerate(curated, start=1):
        db.session.add(SetItem(set_id=question_set.id, question_id=question_id, position=position))
    return question_set


def _wrong_ordering_attempt(student_id: int, now):
    """A finished practice quiz of ordering questions, each answered in reverse (its feedback shows
    both orders, the longest lines of any results page)."""
    rules = quiz_services.QuizRules(topics=_top_slugs(), types=["ordering"], length=3)
    attempt = quiz_services.start_attempt(student_id, quiz_services.plan_quiz(student_id, rules, now, seed=5), now)
    for position in range(1, attempt.question_count + 1):
        item = quiz_services.item_at(attempt, position)
        order = list(reversed(item.layout["items"]))
        quiz_services.record_answer(attempt, item, {"order": order}, f"seed-{attempt.id}-{position}", now, 9000)
    quiz_services.finish_attempt(attempt, now)
    return attempt


def _top_slugs() -> list[str]:
    from quizapp.bank.models import Topic

    return list(db.session.scalars(sa.select(Topic.slug).where(Topic.parent_id.is_(None))))


def long_class(teacher_id: int, now) -> tuple[Classroom, QuestionSet]:
    """A long-named class of thirty long-named pupils, its long-named set assigned as a quiz and as a
    review deck; committed."""
    classroom = classes.create_class(teacher_id, LONG_CLASS, now)
    for n in range(PUPILS):
        pupil = factories.make_user(email=long_email(n), display_name=f"{LONG_NAME} {n}", commit=False)
        classes.join(pupil.id, classroom.join_code, now)
    question_set = long_set(teacher_id, now)
    classes.assign(classroom, question_set, "quiz", now + timedelta(days=3), 3, now)
    classes.assign(classroom, question_set, "review", now + timedelta(days=5), None, now)
    db.session.commit()
    return classroom, question_set


def add(people: dict[str, dict], ids: dict[str, int]) -> None:
    """Add the realistic data and the pages it shows to each role's walk."""
    now = utcnow()
    student, teacher = ids["student"], ids["teacher"]
    classroom, question_set = long_class(teacher, now)
    classes.join(student, classroom.join_code, now)
    db.session.commit()
    for seed in range(25):  # more than one page of history
        attempt = factories.make_attempt(student, seed=10 + seed, length=3)
        quiz_services.finish_attempt(attempt, now)
    ordering = _wrong_ordering_attempt(student, now)
    factories.make_attempt(student, mode="test", time_limit=30, seed=50, length=3)  # left unfinished
    db.session.commit()
    people["student"]["urls"] += [
        url_for("quiz.results", attempt_id=ordering.id),
        url_for("quiz.history", page=2),
        url_for("review.study", set=question_set.id),
    ]
    people["teacher"]["urls"] += [
        url_for("classes.show", class_id=classroom.id),
        url_for("progress.class_progress", class_id=classroom.id),
        url_for("authoring.show_set", set_id=question_set.id),
        url_for("authoring.new_question", type="matching"),  # the editor's pairs table
        url_for("authoring.new_question", type="ordering"),
        url_for("authoring.new_question", type="cloze"),
    ]
