"""What an assigned quiz's learners achieved, counted from their attempts and handed down to classes,
which shows the figures (the class page, the home page) and checks attempt limits with them."""

import sqlalchemy as sa

from quizapp.classes import services as classes
from quizapp.extensions import db
from quizapp.quiz.models import QuizAttempt


def attempt_stats(pairs: set[tuple[int, int]]) -> dict[tuple[int, int], classes.Results]:
    """(assignment, user) -> (attempts started, best finished percent, an unfinished untimed attempt?,
    latest deadline of the unfinished timed ones) for these pairs: one grouped query."""
    if not pairs:
        return {}
    percent = 100.0 * QuizAttempt.score / QuizAttempt.question_count
    rows = db.session.execute(
        sa.select(
            QuizAttempt.assignment_id,
            QuizAttempt.user_id,
            sa.func.count(),
            sa.func.max(sa.case((QuizAttempt.finished_at.is_not(None), percent))),
            sa.func.count().filter(QuizAttempt.finished_at.is_(None), QuizAttempt.deadline.is_(None)),
            sa.func.max(sa.case((QuizAttempt.finished_at.is_(None), QuizAttempt.deadline))),
        )
        .where(
            QuizAttempt.assignment_id.in_({a for a, _ in pairs}),
            QuizAttempt.user_id.in_({u for _, u in pairs}),
        )
        .group_by(QuizAttempt.assignment_id, QuizAttempt.user_id)
    )
    return {
        (a, u): classes.Results(n, best, untimed > 0, deadline)
        for a, u, n, best, untimed, deadline in rows
        if (a, u) in pairs
    }


def record_results(pairs: set[tuple[int, int]]) -> None:
    """Recount these (assignment, learner) pairs from their attempts and store the figures in classes."""
    stats = attempt_stats(pairs)
    classes.store_results({pair: stats.get(pair, classes.Results()) for pair in pairs})
