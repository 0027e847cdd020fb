"""Sign-up, sign-in, account and password forms."""

import re

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectChoice, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError

from quizapp.auth.models import Role
from quizapp.auth.services import (
    PASSWORD_MAX,
    UNKNOWN_TIMEZONE,
    known_timezones,
    password_problem,
    timezone_choices,
)


def acceptable_password(_form, field) -> None:
    if problem := password_problem(field.data or ""):
        raise ValidationError(problem)


EMAIL_SHAPE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def plausible_email(_form, field) -> None:
    if not EMAIL_SHAPE.match((field.data or "").strip()):
        raise ValidationError("Enter an email address such as name@example.org.")


def known_timezone(_form, field) -> None:
    if field.data not in known_timezones():
        raise ValidationError(UNKNOWN_TIMEZONE)


def timezone_field() -> SelectField:
    """Every IANA zone this server knows, grouped by region; checked by `known_timezone`, so a
    forged value gets the field's own message rather than WTForms' "Not a valid choice"."""
    return SelectField(
        "Time zone",
        choices=timezone_choices,
        default="UTC",
        validate_choice=False,
        validators=[DataRequired(), known_timezone],
        description="Times are shown in it, and your review days follow it.",
    )


def new_password_fields(label: str, repeat_label: str) -> tuple[PasswordField, PasswordField]:
    """A new password and its repetition, with the password rules; unpack them into a form."""
    password = PasswordField(
        label,
        validators=[DataRequired(), acceptable_password],
        description="At least 8 characters; common passwords are refused.",
    )
    confirm = PasswordField(repeat_label, validators=[DataRequired(), EqualTo("password", "The passwords differ.")])
    return password, confirm


class SignUpForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired(), plausible_email, Length(max=254)])
    display_name = StringField("Display name", validators=[DataRequired(), Length(max=80)])
    password, confirm = new_password_fields("Password", "Repeat password")
    timezone = timezone_field()
    make_admin = BooleanField("Make this first account the administrator", default=True)
    submit = SubmitField("Create account")


class SignInForm(FlaskForm):
    email = StringField("Email or username", validators=[DataRequired(), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=PASSWORD_MAX)])
    submit = SubmitField("Sign in")


class AccountForm(FlaskForm):
    display_name = StringField("Display name", validators=[DataRequired(), Length(max=80)])
    timezone = timezone_field()
    submit = SubmitField("Save")


class PasswordForm(FlaskForm):
    current = PasswordField("Current password", validators=[DataRequired(), Length(max=PASSWORD_MAX)])
    password, confirm = new_password_fields("New password", "Repeat new password")
    submit = SubmitField("Change password")


class RoleForm(FlaskForm):
    role = SelectField("Role", choices=[SelectChoice(r.value, r.value.capitalize()) for r in Role])
    submit = SubmitField("Change role")


class EmptyForm(FlaskForm):
    """A form with only its CSRF token, for one-button POST actions."""

    submit = SubmitField("Submit")


class RedeemForm(FlaskForm):
    """A first sign-in, or a reset, with a one-time code from a teacher."""

    identifier = StringField("Email or username", validators=[DataRequired(), Length(max=254)])
    code = StringField("One-time code", validators=[DataRequired(), Length(max=20)])
    password, confirm = new_password_fields("New password", "Repeat new password")
