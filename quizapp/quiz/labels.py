"""What tells a learner's attempts apart: the assigned set's name, or the topics a quiz drew from."""

from collections.abc import Iterable

import sqlalchemy as sa

from quizapp.authoring.models import QuestionSet
from quizapp.bank.models import Topic
from quizapp.extensions import db
from quizapp.quiz.models import QuizAttempt

SHOWN_TOPICS = 3  # more than this and a label names the first and counts the rest


def set_names(attempts: Iterable[QuizAttempt]) -> dict[int, str]:
    """attempt id -> the name of the set it was drawn from (an assignment's set), for those that were: one query."""
    wanted = {a.id: a.settings.get("set_id") for a in attempts if isinstance(a.settings.get("set_id"), int)}
    if not wanted:
        return {}
    names = dict(
        db.session.execute(
            sa.select(QuestionSet.id, QuestionSet.name).where(QuestionSet.id.in_(set(wanted.values())))
        ).all()
    )
    return {attempt_id: names[set_id] for attempt_id, set_id in wanted.items() if set_id in names}


def attempt_labels(attempts: list[QuizAttempt]) -> dict[int, str]:
    """attempt id -> "Week 1 (assigned)", "Week 1 (set)" or "Topics: The Korean War, Split": two queries."""
    sets = set_names(attempts)
    slugs = {slug for a in attempts for slug in a.settings.get("topics") or [] if isinstance(slug, str)}
    titles = (
        dict(db.session.execute(sa.select(Topic.slug, Topic.title).where(Topic.slug.in_(slugs))).all()) if slugs else {}
    )
    labels = {}
    for attempt in attempts:
        if attempt.id in sets:
            labels[attempt.id] = sets[attempt.id] + (" (assigned)" if attempt.assignment_id else " (set)")
            continue
        named = [titles[s] for s in attempt.settings.get("topics") or [] if s in titles]
        if len(named) > SHOWN_TOPICS:
            named = named[:SHOWN_TOPICS] + [f"{len(named) - SHOWN_TOPICS} more"]
        pages = attempt.settings.get("pages") or []
        labels[attempt.id] = ("Topics: " + ", ".join(named) if named else "A teacher's set") + (
            f" · page {pages[0]}" if pages else ""
        )
    return labels
