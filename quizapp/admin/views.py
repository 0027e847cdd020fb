"""Admin pages: list and search users, change roles, deactivate, open or close sign-up."""

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from quizapp import params
from quizapp.admin import bp
from quizapp.auth import services
from quizapp.auth.access import admin_required
from quizapp.auth.forms import EmptyForm, RoleForm
from quizapp.auth.models import User
from quizapp.extensions import db

PER_PAGE = 25


@bp.get("/users")
@admin_required
def users():
    query = request.args.get("q", "").strip()
    select = sa.select(User).order_by(User.created_at.desc(), User.id.desc())
    if query:
        pattern = f"%{query.lower()}%"
        select = select.where(sa.or_(User.email.like(pattern), sa.func.lower(User.display_name).like(pattern)))
    page = db.paginate(select, page=params.page_arg(), per_page=PER_PAGE, error_out=False)
    return render_template(
        "admin/users.html",
        page=page,
        query=query,
        role_form=RoleForm(),
        signup_open=services.signup_open(),
    )


def _target_user(user_id: int) -> User:
    user = db.get_or_404(User, user_id)
    if user.id == current_user.id:
        abort(400, "You cannot change your own role or deactivate yourself; ask another admin.")
    return user


def _back_to_list():
    return redirect(url_for("admin.users", q=request.args.get("q") or None))


@bp.post("/users/<int:user_id>/role")
@admin_required
def change_role(user_id: int):
    user = _target_user(user_id)
    form = RoleForm()
    if not form.validate_on_submit():
        abort(400, "Choose student, teacher or admin.")
    services.set_role(user, form.role.data)
    db.session.commit()
    flash(f"{user.display_name} is now {user.role}.", "success")
    return _back_to_list()


@bp.post("/users/<int:user_id>/deactivate")
@admin_required
def deactivate(user_id: int):
    return _set_active(user_id, False)


@bp.post("/users/<int:user_id>/reactivate")
@admin_required
def reactivate(user_id: int):
    return _set_active(user_id, True)


def _set_active(user_id: int, active: bool):
    user = _target_user(user_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    services.set_active(user, active)
    db.session.commit()
    flash(f"{user.display_name} is {'active again' if active else 'deactivated and signed out'}.", "success")
    return _back_to_list()


@bp.post("/signup")
@admin_required
def toggle_signup():
    if not EmptyForm().validate_on_submit():
        abort(400)
    services.set_signup_open(not services.signup_open())
    db.session.commit()
    flash(f"Open sign-up is now {'on' if services.signup_open() else 'off'}.", "success")
    return redirect(url_for("admin.users"))
