"""HTTP for accounts. Rules live in services; each view commits once."""

from urllib.parse import urlsplit

from flask import flash, make_response, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user
from werkzeug.security import check_password_hash

from quizapp.auth import FIRST_VISIT, SESSION_DAY, bp, services, throttle
from quizapp.auth.access import signed_in
from quizapp.auth.forms import AccountForm, EmptyForm, PasswordForm, RedeemForm, SignInForm, SignUpForm
from quizapp.auth.models import Role
from quizapp.extensions import db
from quizapp.models import utcnow


def _sign_in(user, first_visit: bool = False) -> None:
    """A fresh session for the signed-in person: whatever the browser held before (a CSRF
    token fetched while signed out included) stops working. `first_visit` (a new account) makes
    the home page greet "Welcome" rather than "Welcome back" for this session."""
    session.clear()
    login_user(user)
    session.permanent = True  # expires after PERMANENT_SESSION_LIFETIME
    if first_visit:
        session[FIRST_VISIT] = True


@bp.before_app_request
def _renew_session_daily() -> None:
    """Extend a signed-in session's 14 days on the first request of each (UTC) day it is used."""
    if session.permanent and session.get(SESSION_DAY) != (today := utcnow().date().isoformat()):
        session[SESSION_DAY] = today


def _address() -> str:
    return request.remote_addr or ""


def _too_busy(template: str, form, retry_after: int, message: str, **context):
    """429 with Retry-After: refused before any password was hashed."""
    form.form_errors.append(message.format(seconds=retry_after))
    response = make_response(render_template(template, form=form, **context), 429)
    response.headers["Retry-After"] = str(retry_after)
    return response


BUSY = "Too many sign-ins at once. Wait {seconds} seconds, then try again."
LOCKED = "Too many failed attempts. Wait {seconds} seconds, then try again."


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
        if problem := services.new_account_problem(form.email.data, form.password.data):
            form.email.errors.append(problem)
            return render_template("auth/signup.html", form=form, first_user=first_user)
        now = utcnow()
        gate = throttle.sign_up_gate(_address(), now)
        db.session.commit()  # the budget is spent where every worker sees it, before the hash
        if gate.refused:
            message = BUSY if gate.busy else "Too many accounts made from here. Wait {seconds} seconds, then try again."
            return _too_busy("auth/signup.html", form, gate.retry_after, message, first_user=first_user)
        password_hash = services.hash_password(form.password.data)
        throttle.release(gate, now)
        try:
            user = services.create_user(
                form.email.data,
                form.display_name.data,
                form.password.data,
                role,
                password_hash=password_hash,
                timezone=form.timezone.data,
            )
        except services.AccountError as error:  # taken since the first check
            db.session.commit()  # the slot is given back all the same
            form.email.errors.append(str(error))
        else:
            db.session.commit()
            _sign_in(user, first_visit=True)
            flash("Your account is ready.", "success")
            return redirect(url_for("main.home"))
    return render_template("auth/signup.html", form=form, first_user=first_user)


@bp.route("/signin", methods=["GET", "POST"])
def signin():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = SignInForm()
    status = 200
    if form.validate_on_submit():
        login, now = services.login_key(form.email.data), utcnow()
        gate = throttle.sign_in_gate(login, _address(), now)
        user = services.user_by_login(login)
        db.session.commit()  # no lock is held while the password is hashed
        if gate.refused:
            return _too_busy("auth/signin.html", form, gate.retry_after, BUSY if gate.busy else LOCKED)
        password_ok = services.verify_password(user.password_hash if user else None, form.password.data)
        result = services.finish_sign_in(login, _address(), user, password_ok, now)
        throttle.release(gate, now)  # after the counters: rows are locked in the gate's order
        db.session.commit()  # failures are counted
        if result.user is not None:
            _sign_in(result.user)
            return redirect(_safe_next(request.args.get("next")))
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
    return render_template("auth/account.html", form=form)


@bp.route("/password", methods=["GET", "POST"])
@signed_in
def change_password():
    form = PasswordForm()
    if form.validate_on_submit():
        now = utcnow()
        gate = throttle.hash_gate(now)
        db.session.commit()
        if gate.refused:
            return _too_busy("auth/password.html", form, gate.retry_after, BUSY)
        right = check_password_hash(current_user.password_hash, form.current.data)
        if right:
            services.set_password(current_user, form.password.data)
        throttle.release(gate, now)
        db.session.commit()
        if not right:
            form.current.errors.append("This is not your current password.")
        else:
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
        login, now = services.login_key(form.identifier.data), utcnow()
        if problem := services.password_problem(form.password.data):
            form.password.errors.append(problem)
            return render_template("auth/redeem.html", form=form), 400
        gate = throttle.sign_in_gate(login, _address(), now)
        db.session.commit()  # no lock is held while the new password is hashed
        if gate.refused:
            return _too_busy("auth/redeem.html", form, gate.retry_after, BUSY if gate.busy else LOCKED)
        new_hash = services.hash_password(form.password.data)
        result = services.redeem_code(login, form.code.data, new_hash, _address(), now)
        throttle.release(gate, now)  # after the counters: rows are locked in the gate's order
        db.session.commit()  # failed attempts are counted
        if result.user is not None:
            _sign_in(result.user)
            flash("Your password is set. Welcome!", "success")
            return redirect(url_for("main.home"))
        status = 401
        form.form_errors.append("That code does not match: check it, or ask your teacher for a new one.")
    return render_template("auth/redeem.html", form=form), status
