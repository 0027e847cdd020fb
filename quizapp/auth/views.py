"""HTTP for accounts. Rules live in services; each view commits once."""

from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user
from werkzeug.security import check_password_hash

from quizapp.auth import bp, services
from quizapp.auth.access import signed_in
from quizapp.auth.forms import AccountForm, EmptyForm, PasswordForm, RedeemForm, SignInForm, SignUpForm
from quizapp.auth.models import Role
from quizapp.extensions import db
from quizapp.models import utcnow


def _sign_in(user) -> None:
    login_user(user)
    session.permanent = True  # expires after PERMANENT_SESSION_LIFETIME


def _safe_next(target: str | None) -> str:
    """Only same-site paths are followed after sign-in (no open redirect)."""
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return url_for("main.home")


@bp.route("/signup", methods=["GET", "POST"])
def signup():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    first_user = services.count_users() == 0
    if not first_user and not services.signup_open():
        return render_template("auth/signup_closed.html"), 403
    form = SignUpForm()
    if form.validate_on_submit():
        role = Role.ADMIN if first_user and form.make_admin.data else Role.STUDENT
        try:
            user = services.create_user(form.email.data, form.display_name.data, form.password.data, role)
        except services.AccountError as error:
            form.email.errors.append(str(error))
        else:
            db.session.commit()
            _sign_in(user)
            flash(f"Welcome, {user.display_name}. Your account is ready.", "success")
            return redirect(url_for("main.home"))
    return render_template("auth/signup.html", form=form, first_user=first_user)


@bp.route("/signin", methods=["GET", "POST"])
def signin():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = SignInForm()
    status = 200
    if form.validate_on_submit():
        result = services.authenticate(form.email.data, form.password.data, request.remote_addr or "", utcnow())
        db.session.commit()  # failures are counted even when the attempt is refused
        if result.user is not None:
            _sign_in(result.user)
            return redirect(_safe_next(request.args.get("next")))
        if result.throttled:
            status = 429
            form.form_errors.append(f"Too many failed attempts. Wait {result.retry_after} seconds, then try again.")
        else:
            status = 401
            form.form_errors.append("That email and password do not match an active account.")
    return render_template("auth/signin.html", form=form), status


@bp.post("/signout")
@signed_in
def signout():
    form = EmptyForm()
    if form.validate_on_submit():
        services.end_sessions(current_user)
        db.session.commit()
        logout_user()
        flash("You are signed out.", "info")
    return redirect(url_for("main.home"))


@bp.route("/account", methods=["GET", "POST"])
@signed_in
def account():
    form = AccountForm(obj=current_user)
    if form.validate_on_submit():
        current_user.display_name = form.display_name.data.strip()
        current_user.timezone = form.timezone.data
        db.session.commit()
        flash("Your account is saved.", "success")
        return redirect(url_for("auth.account"))
    return render_template("auth/account.html", form=form, timezones=sorted(services.known_timezones()))


@bp.route("/password", methods=["GET", "POST"])
@signed_in
def change_password():
    form = PasswordForm()
    if form.validate_on_submit():
        if not check_password_hash(current_user.password_hash, form.current.data):
            form.current.errors.append("This is not your current password.")
        else:
            services.set_password(current_user, form.password.data)
            db.session.commit()
            _sign_in(current_user._get_current_object())  # this browser keeps going with the new session token
            flash("Your password is changed. Other devices have been signed out.", "success")
            return redirect(url_for("auth.account"))
    return render_template("auth/password.html", form=form), (400 if form.errors else 200)


@bp.route("/code", methods=["GET", "POST"])
def redeem():
    """First sign-in, or a forgotten password: a teacher's one-time code, then a new password."""
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = RedeemForm()
    status = 200
    if form.validate_on_submit():
        try:
            result = services.redeem_code(
                form.identifier.data, form.code.data, form.password.data, request.remote_addr or "", utcnow()
            )
        except services.AccountError as error:
            form.password.errors.append(str(error))
            result = None
        db.session.commit()  # failed attempts are counted
        if result is not None and result.user is not None:
            _sign_in(result.user)
            flash("Your password is set. Welcome!", "success")
            return redirect(url_for("main.home"))
        if result is not None:
            status = 429 if result.throttled else 401
            form.form_errors.append(
                f"Too many failed attempts. Wait {result.retry_after} seconds."
                if result.throttled
                else "That code does not match: check it, or ask your teacher for a new one."
            )
    return render_template("auth/redeem.html", form=form), status
