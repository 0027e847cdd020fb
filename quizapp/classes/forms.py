"""Forms for classes: create, join, roster, assign."""

from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    DateTimeLocalField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from quizapp.params import sane_date


class ClassForm(FlaskForm):
    name = StringField("Class name", validators=[DataRequired("Give the class a name."), Length(max=120)])


class JoinForm(FlaskForm):
    code = StringField("Join code", validators=[DataRequired("Type the code your teacher gave you."), Length(max=20)])


class RosterForm(FlaskForm):
    roster = TextAreaField(
        "Roster: one pupil per line, as name,email (leave the email out for pupils without one)",
        validators=[DataRequired("Paste at least one pupil."), Length(max=200_000)],
    )


class AssignForm(FlaskForm):
    set_id = SelectField("Question set", coerce=int)
    kind = RadioField(
        "Assign as", default="quiz", choices=[SelectChoice("quiz", "A quiz"), SelectChoice("review", "A review deck")]
    )
    due_at = DateTimeLocalField(
        "Due (your time zone, optional)", format="%Y-%m-%dT%H:%M", validators=[Optional(), sane_date]
    )
    attempts = IntegerField("Attempts allowed (empty: as set)", validators=[Optional(), NumberRange(1, 99)])
    exam_on = DateField(
        "Exam date (optional)",
        validators=[Optional()],
        description="Students see it with the assignment and can plan their reviews for it.",
    )
