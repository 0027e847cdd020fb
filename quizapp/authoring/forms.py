"""The question editor: one form for every type (each type's template shows its own fields)."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from quizapp.bank import limits
from quizapp.bank.types import REGISTRY
from quizapp.params import ID_RANGE

ROWS = 6  # rows offered for items and blanks; empty rows are ignored
CHOICE_ROWS, PAIR_ROWS = limits.CHOICES, limits.PAIRS  # as many as an item may hold (Moodle's 10)
# Fields that hold a list (one entry a line, or separated by | or ,): room for the most entries.
ANSWERS_FIELD = limits.ANSWERS * (limits.ANSWER + len(" | ") * 2 + len("-100.0000%") + limits.FEEDBACK)
DISTRACTORS_FIELD = limits.PAIRS * (limits.CHOICE + 1)
TAGS_FIELD = limits.TAGS * (limits.TAG + len(", "))


class WithinLimit:
    """Past `limit` characters, a field error that says by how much (bank/limits.py). Unlike Length,
    it puts no maxlength on the field, so a browser never cuts a pasted text silently."""

    field_flags: dict = {}

    def __init__(self, limit: int):
        self.limit = limit

    def __call__(self, form, field) -> None:
        if message := limits.too_long(field.data, self.limit):
            raise ValidationError(message)


def _one_newline(text: str | None) -> str | None:
    """Browsers send a textarea's line breaks as CRLF: count (and keep) each as the one character it is."""
    return text.replace("\r\n", "\n") if isinstance(text, str) else text


def counted(limit: int) -> dict:
    """A long text field's arguments: the limit as a hint (and a live counter, static/js/counter.js)."""
    return {
        "validators": [WithinLimit(limit)],
        "filters": [_one_newline],
        "render_kw": {"data-limit": str(limit)},
        "description": f"Up to {limit:,} characters.",
    }


class ChoiceRow(Form):
    id = HiddenField()
    text = StringField("Choice", validators=[Length(max=limits.CHOICE)])
    correct = BooleanField("Correct")
    credit = StringField("Credit %", validators=[Length(max=20)])
    feedback = StringField("Feedback", validators=[WithinLimit(limits.FEEDBACK)])


class ItemRow(Form):
    id = HiddenField()
    text = StringField("Item", validators=[Length(max=limits.CHOICE)])


class PairRow(Form):
    id = HiddenField()
    left = StringField("Left", validators=[Length(max=limits.CHOICE)])
    right = StringField("Right", validators=[Length(max=limits.CHOICE)])


class BlankRow(Form):
    id = HiddenField()
    answers = StringField("Accepted answers (separated by |)", validators=[Length(max=ANSWERS_FIELD)])


class QuestionForm(FlaskForm):
    type = SelectField("Type", choices=[SelectChoice(name, t.label) for name, t in REGISTRY.items()])
    topic = SelectField("Topic")
    tags = StringField("Tags (comma-separated)", validators=[Length(max=TAGS_FIELD)])
    difficulty = SelectField(
        "Difficulty",
        choices=[SelectChoice("1", "Easy"), SelectChoice("2", "Medium"), SelectChoice("3", "Hard")],
        default="2",
    )
    fact = StringField("Fact (items that test the same fact share it; optional)", validators=[Length(max=limits.FACT)])
    prompt = TextAreaField("Question (Markdown)", **counted(limits.PROMPT))
    explanation = TextAreaField("Explanation (Markdown): why the answer is right", **counted(limits.EXPLANATION))
    source_page = IntegerField("Source page (225-251)", validators=[Optional(), NumberRange(225, 251)])
    source_evidence = StringField("Evidence: a verbatim phrase from that page", **counted(limits.EVIDENCE))
    choices = FieldList(FormField(ChoiceRow), min_entries=CHOICE_ROWS, max_entries=CHOICE_ROWS)
    verdict = RadioField(
        "The statement is",
        choices=[SelectChoice("true", "True"), SelectChoice("false", "False")],
        validators=[Optional()],
    )
    feedback_true = TextAreaField("Feedback for “true”", **counted(limits.FEEDBACK))
    feedback_false = TextAreaField("Feedback for “false”", **counted(limits.FEEDBACK))
    answers = TextAreaField(
        "Accepted answers, one per line (the first is shown as correct)",
        validators=[Length(max=ANSWERS_FIELD)],
        description=(
            "The first line that matches counts. Optionally add credit and feedback: Grant | 50% | His full name, "
            "please. A * stands for any characters; a line * | 0% | … answers every other answer."
        ),
    )
    number = StringField("Answer", validators=[Length(max=40)])
    tolerance = StringField("Tolerance (0 for exact)", default="0", validators=[Length(max=40)])
    unit = StringField("Unit (optional)", validators=[Length(max=limits.UNIT)])
    numeric_answers = TextAreaField(
        "Or several answers, one per line; the first that holds the number counts: 3.1416 ± 0.0001 | 100% | "
        "Well done. or a range 3.1..3.2 | 50% | Close.",
        validators=[Length(max=ANSWERS_FIELD)],
    )
    other_feedback = TextAreaField("Feedback for any other number", **counted(limits.FEEDBACK))
    items = FieldList(FormField(ItemRow), min_entries=ROWS, max_entries=ROWS)
    pairs = FieldList(FormField(PairRow), min_entries=PAIR_ROWS, max_entries=PAIR_ROWS)
    distractors = TextAreaField(
        "Extra wrong options on the right, one per line (optional)", validators=[Length(max=DISTRACTORS_FIELD)]
    )
    passage = TextAreaField("Passage, with blanks written {{b1}}, {{b2}}, …", **counted(limits.PROMPT))
    blanks = FieldList(FormField(BlankRow), min_entries=ROWS, max_entries=ROWS)
    back = TextAreaField("Back of the card (Markdown)", **counted(limits.EXPLANATION))
    general_feedback = TextAreaField("General feedback, shown after any answer (optional)", **counted(limits.FEEDBACK))
    format = SelectField(
        "Text format of the question, its answers and feedback",
        choices=[SelectChoice("markdown", "Markdown"), SelectChoice("html", "HTML (kept to the safe tags)")],
        default="markdown",
    )


class SetForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired("Give the set a name."), Length(max=120)])
    description = TextAreaField("Description", validators=[Length(max=2000)])
    mode = RadioField(
        "Mode",
        default="practice",
        choices=[
            SelectChoice("practice", "Practice: feedback after each question"),
            SelectChoice("test", "Test: feedback at the end"),
        ],
    )
    time_limit_minutes = IntegerField(
        "Time limit in minutes (test mode, optional)", validators=[Optional(), NumberRange(1, 180)]
    )
    attempts_allowed = IntegerField("Attempts allowed (empty: unlimited)", validators=[Optional(), NumberRange(1, 99)])
    shuffle = BooleanField("Shuffle the chosen items for each learner", default=True)
    rule_count = IntegerField(
        "Also draw this many random items (optional)", validators=[Optional(), NumberRange(0, 50)]
    )
    rule_topics = SelectMultipleField("…from these topics")
    rule_tags = StringField("…with these tags (comma-separated, optional)", validators=[Length(max=300)])
    rule_difficulties = SelectMultipleField(
        "…of these difficulties",
        choices=[SelectChoice("1", "Easy"), SelectChoice("2", "Medium"), SelectChoice("3", "Hard")],
        default=["1", "2", "3"],
    )


class AddItemForm(FlaskForm):
    question_id = IntegerField(validators=[DataRequired(), ID_RANGE])


class AddToSetForm(FlaskForm):
    """Questions ticked in the bank list, added to one of the teacher's sets."""

    # Any id: the view opens only the teacher's own sets (another's is a 404, as everywhere).
    set_id = SelectField("Add the ticked questions to", coerce=int, validate_choice=False, validators=[ID_RANGE])
    question_ids = SelectMultipleField(
        "Questions",
        coerce=int,
        validate_choice=False,  # any id; each is looked up and checked for this teacher
        validators=[DataRequired("Tick at least one question.")],
    )

    def validate_question_ids(self, field) -> None:
        if len(field.data) > 100 or not all(ID_RANGE.min <= n <= ID_RANGE.max for n in field.data):
            raise ValidationError("That is not a list of questions of this site.")


class ImportForm(FlaskForm):
    file = FileField(f"File (GIFT, Moodle XML, CSV or the app's JSON; at most {limits.UPLOAD_BYTES // 2**20} MB)")
    format = SelectField(
        "Format",
        choices=[
            SelectChoice("gift", "GIFT (Moodle)"),
            SelectChoice("moodle_xml", "Moodle XML"),
            SelectChoice("csv", "CSV"),
            SelectChoice("json", "JSON (this app's export)"),
        ],
    )
    topic = SelectField("Topic for questions whose file names none")
    payload = HiddenField()  # the kept upload's one-time token, signed, between the preview and the import
