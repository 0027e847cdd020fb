"""HTTP for exam mode: the plan page, setting a plan (or adopting a teacher's exam date), ending it."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from quizapp import params
from quizapp.auth.access import signed_in
from quizapp.bank.services import topics_in_tree_order
from quizapp.classes.services import assignment_for_student
from quizapp.extensions import db
from quizapp.models import utcnow
from quizapp.review import bp, exam, exam_plan, services
from quizapp.review.forms import ExamForm


def _exam_form(formdata=None) -> ExamForm:
    form = ExamForm(formdata=formdata)
    form.scope.choices = [("all", "The whole article")]
    form.scope.choices += [(f"topic:{t.slug}", f"Topic: {t.title}") for t in topics_in_tree_order()]
    form.scope.choices += [
        (f"set:{set_id}", f"Review deck: {name}") for set_id, name in exam.review_decks(current_user.id, utcnow())
    ]
    return form


def _adopted(form: ExamForm) -> str | None:
    """Fill the form from a teacher's exam date on one of the learner's assignments (?assignment=ID)."""
    raw = request.args.get("assignment", "")
    assignment_id = params.bounded_int(raw)
    assignment = assignment_for_student(current_user.id, assignment_id) if assignment_id else None
    if raw and (assignment is None or assignment.exam_on is None):
        abort(404)
    if assignment is not None:
        form.exam_on.data = assignment.exam_on
        wanted = f"set:{assignment.set_id}"
        if wanted in dict(form.scope.choices):
            form.scope.data = wanted
            return None
        form.scope.data = "all"
        return "That set is a quiz you may still take, not yet open for study: plan for the whole article, or a topic."
    return None


def _page(form: ExamForm, status: int = 200, error: str | None = None, note: str | None = None):
    now = utcnow()
    plan = exam.plan_of(current_user.id, stored=True)  # ended below if its day has passed, and saved
    exam.end_if_passed(plan, now)
    running = plan if exam.is_running(plan, now) else None
    settings = services.settings_for(current_user.id)
    figures = exam_plan.figures(running, current_user.id, current_user.timezone, now, settings) if running else None
    db.session.commit()  # a plan whose exam day has passed is recorded as ended
    page = render_template("review/exam.html", form=form, figures=figures, settings=settings, error=error, note=note)
    return page, status


@bp.get("/exam")
@signed_in
def exam_page():
    form = _exam_form()
    note = _adopted(form) if request.args.get("assignment") else None
    return _page(form, note=note)


@bp.post("/exam")
@signed_in
def set_exam():
    form = _exam_form(request.form)
    if not form.validate():
        return _page(form, 400)
    kind, _, value = form.scope.data.partition(":")
    try:
        exam.set_plan(
            current_user.id,
            current_user.timezone,
            form.exam_on.data,
            form.target.data / 100,
            exam.Scope(kind, value or None),
            utcnow(),
        )
    except exam.ExamError as problem:
        db.session.rollback()
        return _page(form, 400, str(problem))
    db.session.commit()
    flash("Your exam plan is set: reviews are now scheduled for the exam day.", "success")
    return redirect(url_for("review.exam_page"))


@bp.post("/exam/end")
@signed_in
def end_exam():
    try:
        exam.end_plan(current_user.id, utcnow())
    except exam.ExamError as problem:
        flash(str(problem), "info")
        return redirect(url_for("review.exam_page"))
    db.session.commit()
    flash("Your exam plan is ended; ordinary scheduling resumes with your next reviews.", "info")
    return redirect(url_for("review.exam_page"))
