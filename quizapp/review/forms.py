"""Review forms: a rating, an answer's submission key, the learner's settings."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, FloatField, HiddenField, IntegerField, SelectField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from quizapp.extensions import PostedForm
from quizapp.params import ID_RANGE
from quizapp.review.scheduling import RETENTION_RANGE


class RatingForm(PostedForm):
    question_id = IntegerField(validators=[InputRequired(), ID_RANGE])
    rating = IntegerField(validators=[InputRequired(), NumberRange(1, 4)])
    key = HiddenField(validators=[DataRequired(), Length(min=16, max=64)])
    shown_at = IntegerField(validators=[Optional()])
    token = HiddenField()  # the showing of the card being rated (single use)


class StudyAnswerForm(PostedForm):
    question_id = IntegerField(validators=[InputRequired(), ID_RANGE])
    token = HiddenField()  # the showing of the card being answered
    key = HiddenField(validators=[DataRequired(), Length(min=16, max=64)])
    shown_at = IntegerField(validators=[Optional()])


class SettingsForm(FlaskForm):
    desired_retention = FloatField(
        "Desired retention",
        validators=[
            InputRequired("Give a retention between 0.70 and 0.97."),
            NumberRange(*RETENTION_RANGE, "Give a retention between 0.70 and 0.97."),
        ],
        description="The share of reviews you want to get right. Higher means more reviews; 0.90 suits most learners.",
    )
    new_per_day = IntegerField(
        "New cards per day",
        validators=[
            InputRequired("Give a number of new cards."),
            NumberRange(0, 9999, "Use 0 to 9,999 new cards a day."),
        ],
    )
    reviews_per_day = IntegerField(
        "Reviews per day",
        validators=[
            InputRequired("Give a number of reviews."),
            NumberRange(0, 99999, "Use 0 to 99,999 reviews a day."),
        ],
    )
    shortcuts = BooleanField(
        "Single-key shortcuts while reviewing (Space, 1–4, U)",
        default=True,
        description="Turn them off if speech input or stray key presses set them off by mistake.",
    )


class ExamForm(FlaskForm):
    exam_on = DateField(
        "Exam date", validators=[InputRequired("Give the date of your exam.")], description="A day after today."
    )
    target = IntegerField(
        "Target recall on the day (%)",
        default=90,
        validators=[
            InputRequired("Give a target between 80% and 99%."),
            NumberRange(80, 99, "Give a target between 80%% and 99%%."),
        ],
        description="The chance of recalling each item on the exam morning that the plan aims for.",
    )
    scope = SelectField("What the exam covers", validate_choice=True)
