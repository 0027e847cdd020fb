"""Quizzes drawn from a teacher's question set: its chosen items, then what its rules draw."""

import secrets
from datetime import datetime
from random import Random

from quizapp.authoring.models import QuestionSet, SetItem
from quizapp.bank.models import Question
from quizapp.bank.rules import rule_conditions
from quizapp.extensions import db
from quizapp.quiz.generation import Candidate, pick_questions
from quizapp.quiz.services import Plan, QuizRules, active_candidates, candidates, due_questions, last_scores


def _fixed_items(question_ids: list[int]) -> list[Candidate]:
    """An assignment's fixed items as candidates (the columns of `candidates`), in their
    order, retired ones included: the assignment keeps them so that all its students get them."""
    query = candidates().where(Question.id.in_(question_ids), Question.type != "flashcard")
    rows = {row[0]: Candidate(*row) for row in db.session.execute(query)}
    return [rows[n] for n in question_ids if n in rows]


def plan_from_set(
    user_id: int,
    question_set: QuestionSet,
    now: datetime,
    seed: int | None = None,
    fixed_items: list[int] | None = None,
) -> Plan:
    """The questions a learner gets from a set: its chosen items (shuffled if the set says so),
    then `count` items drawn by its rules with the quiz generator's preferences. `fixed_items`,
    an assignment's chosen items as fixed at its first quiz, stand in for the set's active ones."""
    seed = secrets.randbits(48) if seed is None else seed
    base = active_candidates().where(Question.type != "flashcard")
    if fixed_items is not None:
        chosen = _fixed_items(fixed_items)
    else:
        chosen = [
            Candidate(*row)
            for row in db.session.execute(
                base.join(SetItem, SetItem.question_id == Question.id)
                .where(SetItem.set_id == question_set.id)
                .order_by(SetItem.position)
            )
        ]
    picked = list(chosen)
    if question_set.shuffle:
        Random(seed).shuffle(picked)
    rules = question_set.rules or {}
    if conditions := rule_conditions(rules):
        taken = {c.question_id for c in chosen}
        pool = [Candidate(*row) for row in db.session.execute(base.where(*conditions)) if row[0] not in taken]
        picked += pick_questions(
            pool, ["/"], int(rules["count"]), last_scores(user_id), seed, due_questions(user_id, now)
        )
    settings = QuizRules(
        topics=[],
        length=len(picked),
        mode=question_set.mode,
        time_limit_minutes=question_set.time_limit_minutes,
        set_id=question_set.id,
    )
    return Plan(settings, picked, len(picked), seed)
