"""HTTP for classes: teachers run them, students join and do their assignments."""

from zoneinfo import ZoneInfo

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from wtforms import SelectChoice

from quizapp.auth.access import signed_in, teacher_required
from quizapp.auth.models import User
from quizapp.authoring.sets import owned_set, sets_of
from quizapp.classes import bp, services
from quizapp.classes.forms import AssignForm, ClassForm, JoinForm, RosterForm
from quizapp.extensions import db
from quizapp.models import utcnow


def _class_or_404(class_id: int):
    return services.owned_class(current_user, class_id) or abort(404)


def _assign_form() -> AssignForm:
    form = AssignForm()
    form.set_id.choices = [SelectChoice(s.id, s.name) for s in sets_of(current_user.id)]
    return form


@bp.get("/teach/classes")
@teacher_required
def index():
    return render_template("classes/index.html", classes=services.classes_of(current_user.id), form=ClassForm())


@bp.post("/teach/classes")
@teacher_required
def create():
    form = ClassForm()
    if not form.validate_on_submit():
        return render_template("classes/index.html", classes=services.classes_of(current_user.id), form=form), 400
    classroom = services.create_class(current_user.id, form.name.data, utcnow())
    db.session.commit()
    flash(f"Class created. Its join code is {classroom.join_code}.", "success")
    return redirect(url_for("classes.show", class_id=classroom.id))


def _render_class(classroom, roster_form=None, assign_form=None, status=200, sheet=None):
    students = services.roster(classroom)
    assignments = services.class_assignments(classroom)
    return render_template(
        "classes/show.html",
        classroom=classroom,
        students=students,
        assignments=assignments,
        progress=services.class_progress(classroom, students, assignments),
        roster_form=roster_form or RosterForm(),
        assign_form=assign_form or _assign_form(),
        sheet=sheet,
    ), status


@bp.get("/teach/classes/<int:class_id>")
@teacher_required
def show(class_id: int):
    return _render_class(_class_or_404(class_id))


@bp.post("/teach/classes/<int:class_id>/code/renew")
@teacher_required
def renew_code(class_id: int):
    services.renew_code(_class_or_404(class_id))
    db.session.commit()
    flash("A new join code is ready; the old one no longer works.", "success")
    return redirect(url_for("classes.show", class_id=class_id))


@bp.post("/teach/classes/<int:class_id>/code/close")
@teacher_required
def close_code(class_id: int):
    services.close_code(_class_or_404(class_id))
    db.session.commit()
    flash("Joining is closed; renew the code to open it again.", "info")
    return redirect(url_for("classes.show", class_id=class_id))


@bp.post("/teach/classes/<int:class_id>/students/<int:user_id>/remove")
@teacher_required
def remove_student(class_id: int, user_id: int):
    classroom = _class_or_404(class_id)
    if not services.is_member(class_id, user_id):
        abort(404)
    services.remove_student(classroom, user_id)
    db.session.commit()
    pupil = db.session.get(User, user_id)
    flash(
        f"{pupil.display_name} is removed from {classroom.name}. Their account, answers and scores are kept; "
        "they can rejoin with the class join code.",
        "info",
    )
    return redirect(url_for("classes.show", class_id=class_id))


@bp.post("/teach/classes/<int:class_id>/students/<int:user_id>/reset-code")
@teacher_required
def reset_code(class_id: int, user_id: int):
    classroom = _class_or_404(class_id)
    if not services.is_member(class_id, user_id):
        abort(404)
    pupil = db.session.get(User, user_id)
    if not services.may_issue_reset_code(current_user, pupil):
        abort(
            403,
            "Only pupils whose first sign-in code you issued (from your roster) can be given a reset code "
            "here; others, staff ask an admin.",
        )
    code = services.issue_code(pupil, services.RESET, current_user.id, utcnow())
    db.session.commit()
    return render_template("classes/sheet.html", classroom=classroom, sheet=[(pupil, code)], title="Reset code")


@bp.post("/teach/classes/<int:class_id>/roster")
@teacher_required
def import_roster(class_id: int):
    classroom = _class_or_404(class_id)
    form = RosterForm()
    if not form.validate_on_submit():
        return _render_class(classroom, roster_form=form, status=400)
    result = services.import_roster(classroom, form.roster.data, current_user.id, utcnow())
    if result.problems:
        db.session.rollback()
        form.roster.errors = result.problems
        return _render_class(classroom, roster_form=form, status=400)
    db.session.commit()
    return render_template(
        "classes/sheet.html", classroom=classroom, sheet=result.sheet, notes=result.notes, title="First sign-in codes"
    )


@bp.post("/teach/classes/<int:class_id>/assign")
@teacher_required
def assign(class_id: int):
    classroom = _class_or_404(class_id)
    form = _assign_form()
    if not form.validate_on_submit():
        return _render_class(classroom, assign_form=form, status=400)
    question_set = owned_set(current_user, form.set_id.data) or abort(404)
    due = form.due_at.data.replace(tzinfo=ZoneInfo(current_user.timezone)) if form.due_at.data else None
    attempts = form.attempts.data or question_set.attempts_allowed
    if form.exam_on.data and form.exam_on.data <= utcnow().astimezone(ZoneInfo(current_user.timezone)).date():
        form.exam_on.errors = ["Choose an exam date after today."]
        return _render_class(classroom, assign_form=form, status=400)
    assignment = services.assign(classroom, question_set, form.kind.data, due, attempts, utcnow())
    assignment.exam_on = form.exam_on.data
    db.session.commit()
    flash(f"“{question_set.name}” is assigned to {classroom.name}.", "success")
    return redirect(url_for("classes.show", class_id=class_id))


@bp.route("/classes/join", methods=["GET", "POST"])
@signed_in
def join():
    form = JoinForm()
    if form.validate_on_submit():
        try:
            classroom = services.join(current_user.id, form.code.data, utcnow())
        except services.ClassError as problem:
            form.code.errors = [str(problem)]
        else:
            db.session.commit()
            flash(f"You are in {classroom.name}. Your assignments are on your home page.", "success")
            return redirect(url_for("main.home"))
    return render_template("classes/join.html", form=form), (400 if form.errors else 200)
