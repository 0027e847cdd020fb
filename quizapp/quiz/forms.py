"""The quiz builder and the problem report forms."""

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from quizapp.bank.types import QUIZ_TYPES, get_type
from quizapp.extensions import PostedForm
from quizapp.quiz.models import REPORT_REASON_LABELS, Mode

DIFFICULTIES = [SelectChoice("1", "Easy"), SelectChoice("2", "Medium"), SelectChoice("3", "Hard")]


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class QuizForm(FlaskForm):
    topics = CheckboxesField("Topics", validators=[DataRequired("Choose at least one topic.")])
    types = CheckboxesField(
        "Question types",
        choices=[SelectChoice(name, get_type(name).label) for name in QUIZ_TYPES],
        default=list(QUIZ_TYPES),
        validators=[DataRequired("Choose at least one question type.")],
    )
    difficulties = CheckboxesField(
        "Difficulty",
        choices=DIFFICULTIES,
        default=["1", "2", "3"],
        validators=[DataRequired("Choose at least one difficulty.")],
    )
    length = IntegerField(
        "Number of questions",
        default=10,
        validators=[
            InputRequired("Say how many questions you want."),
            NumberRange(5, 50, "Choose between 5 and 50 questions."),
        ],
    )
    mode = RadioField(
        "Mode",
        default=Mode.PRACTICE.value,
        choices=[
            SelectChoice(Mode.PRACTICE.value, "Practice: see the answer and the source after each question"),
            SelectChoice(Mode.TEST.value, "Test: see how you did at the end"),
        ],
    )
    time_limit = IntegerField(
        "Time limit in minutes (test mode, optional)",
        validators=[Optional(), NumberRange(1, 180, "Choose between 1 and 180 minutes.")],
    )
    accept_shorter = BooleanField("Take the shorter quiz")
    page = IntegerField(validators=[Optional(), NumberRange(225, 251)])  # practise one page of the article

    def set_topic_choices(self, topics) -> None:
        """Topics in tree order, subtopics indented under their parent's title."""
        self.topics.choices = [SelectChoice(t.slug, ("— " if t.parent_id else "") + t.title) for t in topics]

    def validate_time_limit(self, field) -> None:
        if field.data and self.mode.data != Mode.TEST:
            raise ValidationError("A time limit applies only to test mode.")


REPORT_REASONS = [(r.value, label) for r, label in REPORT_REASON_LABELS.items()]


class ReportForm(FlaskForm):
    """Validates a report; quiz/_report.html writes its fields out with the same names and choices."""

    reason = SelectField("What is wrong?", choices=[SelectChoice(value, label) for value, label in REPORT_REASONS])
    note = TextAreaField("Tell us more (optional)", validators=[Length(max=500)])


class AnswerKeyForm(PostedForm):
    """Only the submission key (CSRFProtect checks the token): each type reads its own answer fields."""

    key = StringField(validators=[DataRequired(), Length(min=16, max=64)])
    shown_at = IntegerField(validators=[Optional()])
