"""HTTP for a class's roster after the fact: the codes page reloaded (codes are shown once, so it
explains and offers new ones) and removing a pupil, which asks first."""

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from quizapp.auth.access import teacher_required
from quizapp.auth.models import User
from quizapp.classes import bp, codes, services
from quizapp.extensions import db
from quizapp.models import utcnow


def _class_or_404(class_id: int):
    return services.owned_class(current_user, class_id) or abort(404)


@bp.get("/teach/classes/<int:class_id>/roster")
@bp.get("/teach/classes/<int:class_id>/codes")
@teacher_required
def codes_shown_once(class_id: int):
    """A reloaded (or bookmarked) codes sheet: why it is gone, and new codes for who still needs one."""
    classroom = _class_or_404(class_id)
    return render_template(
        "classes/codes_gone.html", classroom=classroom, waiting=codes.waiting_pupils(classroom, current_user)
    )


@bp.post("/teach/classes/<int:class_id>/codes")
@teacher_required
def reissue_codes(class_id: int):
    classroom = _class_or_404(class_id)
    sheet = codes.reissue_first_codes(classroom, current_user, utcnow())
    if not sheet:
        flash("Every pupil on your roster has signed in already: nobody needs a first sign-in code.", "info")
        return redirect(url_for("classes.show", class_id=class_id))
    db.session.commit()
    return render_template("classes/sheet.html", classroom=classroom, sheet=sheet, title="New first sign-in codes")


@bp.get("/teach/classes/<int:class_id>/students/<int:user_id>/remove")
@teacher_required
def confirm_remove_student(class_id: int, user_id: int):
    classroom = _class_or_404(class_id)
    if not services.is_member(class_id, user_id):
        abort(404)
    return render_template("classes/remove.html", classroom=classroom, pupil=db.session.get(User, user_id))
