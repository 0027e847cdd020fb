"""How much one question may hold, defined once for every way into the bank.

The editor (form maxlength and validators), GIFT, CSV and JSON imports and `content/` all
reach the registry through `content.validate_item`, which calls `problems()` first: an item
over a limit is refused with the field named, before any other work is done on it. The
figures fit Moodle's questions (prompts of a few thousand characters, up to 10 choices or
pairs) and leave the curated bank far inside them; they also bound what the Markdown
renderer is ever given (quizapp/markdown.py: well under 0.2 s for the longest field).
"""

import math
from typing import Any

UPLOAD_BYTES = 20 * 1024 * 1024  # one import file: a Moodle export (config MAX_CONTENT_LENGTH: REQUEST_BYTES)
REQUEST_BYTES = UPLOAD_BYTES + 1024 * 1024  # the largest request body: an upload and the rest of its form
QUESTIONS_PER_FILE = 1000

PROMPT = 10_000  # a prompt, a flashcard's front, a cloze passage
EXPLANATION = 10_000  # an explanation, a flashcard's back
CHOICE = 1_000  # a choice, an ordering item, either side of a matching pair
ANSWER = 200  # an accepted typed answer: learners can type no more (types/text.py)
FEEDBACK = 10_000  # general feedback, and the feedback of one choice or answer
EVIDENCE = 500
ID = 120  # a question's slug (questions.slug)
ENTRY_ID = 40  # the id of a choice, item, pair or blank
TAG = 60  # tags.slug
FACT = 120  # questions.fact
UNIT = 40
TOPIC = 80  # a topic's slug (topics.slug)
TITLE = 200  # a topic's title (topics.title)
DESCRIPTION = 2_000  # a topic's description

CHOICES = 10  # choices of a single choice or multiple response (at least 2)
PAIRS = 10  # pairs of a matching item (at least 2), and as many distractors
ITEMS = 10
BLANKS = 10
ANSWERS = 20  # accepted answers for a short answer, a numeric or a blank
TAGS = 20

LONGEST_FIELD = max(PROMPT, EXPLANATION)

TEXTS = {
    "id": ID,
    "topic": TOPIC,
    "fact": FACT,
    "prompt": PROMPT,
    "front": PROMPT,
    "text": PROMPT,
    "explanation": EXPLANATION,
    "back": EXPLANATION,
    "unit": UNIT,
    "general_feedback": FEEDBACK,
    "feedback_true": FEEDBACK,
    "feedback_false": FEEDBACK,
    "other_feedback": FEEDBACK,
}
ENTRIES = {  # list field: (most entries, {key: longest text})
    "choices": (CHOICES, {"id": ENTRY_ID, "text": CHOICE, "feedback": FEEDBACK}),
    "items": (ITEMS, {"id": ENTRY_ID, "text": CHOICE}),
    "pairs": (PAIRS, {"id": ENTRY_ID, "left": CHOICE, "right": CHOICE}),
    "blanks": (BLANKS, {"id": ENTRY_ID}),
}
NUMBERS = ("answer", "tolerance")

Problems = list[tuple[str, str]]


def too_long(text: str | None, limit: int) -> str | None:
    """What to tell a writer whose text is over `limit` characters (None within it). Text is never
    cut to fit: the editor keeps it, refuses it with this message, and counts as they shorten it."""
    length = len(text or "")
    if length <= limit:
        return None
    return f"This is {length:,} characters long; the limit is {limit:,}. Shorten it by {length - limit:,} characters."


def _text(value: Any, limit: int, field: str, problems: Problems) -> None:
    if isinstance(value, (str, int, float)) and not isinstance(value, bool) and len(str(value)) > limit:
        problems.append((field, f"is {len(str(value)):,} characters long; the limit is {limit:,}"))


def _listed(value: Any, limit: int, field: str, problems: Problems) -> list:
    """The list's entries when it is within `limit` (nothing to look into otherwise)."""
    if not isinstance(value, list):
        return []
    if len(value) > limit:
        problems.append((field, f"has {len(value):,} entries; the limit is {limit}"))
        return []
    return value


def _answers(value: Any, field: str, problems: Problems) -> None:
    """Accepted answers: texts, or mappings with a text or numbers and their feedback."""
    for i, answer in enumerate(_listed(value, ANSWERS, field, problems)):
        if isinstance(answer, dict):
            _text(answer.get("text"), ANSWER, f"{field}[{i}].text", problems)
            _text(answer.get("feedback"), FEEDBACK, f"{field}[{i}].feedback", problems)
            for key in ("value", "tolerance", "min", "max", "fraction"):
                _number(answer.get(key), f"{field}[{i}].{key}", problems)
        else:
            _text(answer, ANSWER, f"{field}[{i}]", problems)


def _number(value: Any, field: str, problems: Problems) -> None:
    if isinstance(value, float) and not math.isfinite(value):
        problems.append((field, "must be a finite number"))


def problems(item: dict[str, Any]) -> Problems:
    """What in a raw item (content format) is over a limit, each with its field; cheap at any size."""
    found: Problems = []
    for field, limit in TEXTS.items():
        _text(item.get(field), limit, field, found)
    for field, (most, keys) in ENTRIES.items():
        for i, entry in enumerate(_listed(item.get(field), most, field, found)):
            if isinstance(entry, dict):
                for key, limit in keys.items():
                    _text(entry.get(key), limit, f"{field}[{i}].{key}", found)
                if field == "blanks":
                    _answers(entry.get("answers"), f"blanks[{i}].answers", found)
    _answers(item.get("answers"), "answers", found)
    for i, text in enumerate(_listed(item.get("distractors"), PAIRS, "distractors", found)):
        _text(text, CHOICE, f"distractors[{i}]", found)
    for i, tag in enumerate(_listed(item.get("tags"), TAGS, "tags", found)):
        _text(tag, TAG, f"tags[{i}]", found)
    source = item.get("source")
    if isinstance(source, dict):
        _text(source.get("evidence"), EVIDENCE, "source.evidence", found)
    for field in NUMBERS:
        _number(item.get(field), field, found)
    return found
