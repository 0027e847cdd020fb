"""Quiz routes a teacher uses: preview a set as a learner would get it, regrade answers after
correcting a key (the editor links here; both change or draw quizzes, which are this layer's), and
read a pupil's answers to an assignment (the class page links each score here)."""

from random import Random

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from quizapp import params
from quizapp.auth.access import teacher_required
from quizapp.auth.models import User
from quizapp.authoring.access import editable_or_refuse, set_or_404
from quizapp.authoring.browsing import questions_with_versions
from quizapp.authoring.models import QuestionSet
from quizapp.bank.types import get_type
from quizapp.classes import services as classes
from quizapp.classes.models import Assignment, Classroom
from quizapp.extensions import db
from quizapp.models import utcnow
from quizapp.quiz import bp
from quizapp.quiz.models import QuizAttempt
from quizapp.quiz.regrade import regrade as regrade_answers
from quizapp.quiz.services import result_rows
from quizapp.quiz.sets import plan_from_set


@bp.get("/sets/<int:set_id>/preview")
@teacher_required
def preview_set(set_id: int):
    """What a learner would get from this set (one draw), shown read-only; nothing is saved."""
    question_set = set_or_404(set_id)
    plan = plan_from_set(current_user.id, question_set, utcnow())
    questions = {q.id: q for q in questions_with_versions([c.question_id for c in plan.picked])}
    layouts = {
        qid: get_type(q.type).make_layout(q.current_version.data, Random(f"{plan.seed}:{qid}"))
        for qid, q in questions.items()
    }
    return render_template(
        "quiz/set_preview.html",
        question_set=question_set,
        plan=plan,
        questions=questions,
        layouts=layouts,
        get_type=get_type,
    )


@bp.post("/questions/<int:question_id>/regrade")
@teacher_required
def regrade(question_id: int):
    found = editable_or_refuse(question_id)
    log = regrade_answers(found, current_user.id, utcnow())
    db.session.commit()
    flash(
        f"Regraded {log.responses_checked} answers given on earlier versions; {log.responses_changed} scores "
        "changed, and those learners see the new score with a note.",
        "success",
    )
    return redirect(url_for("authoring.question", question_id=question_id))


@bp.get("/classes/<int:class_id>/assignments/<int:assignment_id>/students/<int:user_id>")
@teacher_required
def pupil_answers(class_id: int, assignment_id: int, user_id: int):
    """A pupil's attempts of one assignment, and the answers of one of them, read-only: for the
    class's teacher (and admins) only; another teacher is refused (403), not told it is missing."""
    classroom = db.get_or_404(Classroom, class_id)
    if classes.owned_class(current_user, class_id) is None:
        abort(403)
    assignment = db.get_or_404(Assignment, assignment_id)
    pupil = db.get_or_404(User, user_id)
    attempts = list(
        db.session.scalars(
            sa.select(QuizAttempt)
            .where(QuizAttempt.assignment_id == assignment.id, QuizAttempt.user_id == pupil.id)
            .order_by(QuizAttempt.started_at)
        )
    )
    if assignment.class_id != classroom.id or not (attempts or classes.is_member(class_id, user_id)):
        abort(404)
    wanted = params.bounded_int(request.args.get("attempt"))
    finished = [a for a in attempts if a.finished_at is not None]
    best = max(finished, key=lambda a: (a.score, a.id)) if finished else (attempts[-1] if attempts else None)
    shown = next((a for a in attempts if a.id == wanted), best)  # the score the class page shows, unless asked
    return render_template(
        "classes/pupil_answers.html",
        classroom=classroom,
        assignment=assignment,
        question_set=db.session.get(QuestionSet, assignment.set_id),
        pupil=pupil,
        attempts=attempts,
        shown=shown,
        rows=result_rows(shown) if shown else [],
        get_type=get_type,
    )
