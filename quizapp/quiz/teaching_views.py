"""Quiz routes a teacher uses: preview a set as a learner would get it, and regrade answers after
correcting a key (the editor links here; both change or draw quizzes, which are this layer's)."""

from random import Random

from flask import flash, redirect, render_template, url_for
from flask_login import current_user

from quizapp.auth.access import teacher_required
from quizapp.authoring.access import editable_or_refuse, set_or_404
from quizapp.authoring.services import questions_with_versions
from quizapp.bank.types import get_type
from quizapp.extensions import db
from quizapp.models import utcnow
from quizapp.quiz import bp
from quizapp.quiz.regrade import regrade as regrade_answers
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
