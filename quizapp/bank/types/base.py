"""What every question type shares: validation helpers, the base class (answers fold in bank/folding.py)."""

import hashlib
import math
import re
import secrets
from random import Random
from typing import Any, ClassVar

from werkzeug.datastructures import MultiDict

from quizapp.bank.folding import fold_answer
from quizapp.bank.types.marks import Mark

FORMATS = ("markdown", "html")
SHARED_FIELDS = ("general_feedback", "format")  # every type may carry them (stored in the version's data)

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")

Problems = list[tuple[str, str]]  # (field, message)
Answer = dict[str, Any]
KeyLine = tuple[str, float, str]  # an answer in words, its credit, its feedback ("" for none)


class InvalidAnswer(ValueError):
    """An answer that cannot be graded (empty, malformed, naming an unknown id); the message is for the learner."""


def is_text(value: Any) -> bool:
    return isinstance(value, str) and value.strip() != ""


def normalise_text(text: str) -> str:
    """A typed answer folded for comparison (bank/folding.py): "Ch'ŏllima" and "chol-lima" are equal."""
    return fold_answer(text)


def answer_list(value: Any, field: str, problems: Problems) -> list[str]:
    """A non-empty list of accepted answers; numbers are taken as their text."""
    if not isinstance(value, list) or not value:
        problems.append((field, "must be a non-empty list of accepted answers"))
        return []
    answers = []
    for i, answer in enumerate(value):
        if isinstance(answer, bool) or not isinstance(answer, (str, int, float)) or str(answer).strip() == "":
            problems.append((f"{field}[{i}]", "must be a non-empty text"))
        else:
            answers.append(str(answer).strip())
    return answers


def entries(
    item: dict,
    field: str,
    keys: tuple[str, ...],
    low: int,
    high: int,
    problems: Problems,
    other_keys: tuple[str, ...] = (),
) -> list[dict]:
    """A list of mappings with a unique slug `id`, the given text keys and possibly `other_keys`."""
    value = item.get(field)
    if not isinstance(value, list):
        problems.append((field, "is missing or not a list"))
        return []
    if not low <= len(value) <= high:
        problems.append((field, f"has {len(value)} entries; use {low}-{high}"))
    seen: set[str] = set()
    found = []
    for i, entry in enumerate(value):
        where = f"{field}[{i}]"
        if not isinstance(entry, dict):
            problems.append((where, "must be a mapping"))
            continue
        entry_id = str(entry.get("id", ""))
        if not SLUG.match(entry_id):
            problems.append((f"{where}.id", "must be a short slug such as a, b1 or kim"))
        elif entry_id in seen:
            problems.append((f"{where}.id", f"{entry_id!r} is used twice"))
        seen.add(entry_id)
        for key in keys:
            if not is_text(entry.get(key)):
                problems.append((f"{where}.{key}", "must be a non-empty text"))
        extra = set(entry) - {"id", *keys, *other_keys}
        if extra:
            problems.append((where, f"unknown keys: {', '.join(sorted(str(key)[:40] for key in extra)[:10])}"))
        found.append(entry)
    return found


def is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def fraction_problems(value: Any, field: str, low: float, problems: Problems) -> None:
    """A Moodle fraction (credit as a share of the mark) must be a number from `low` to 1."""
    if not is_number(value) or not low <= value <= 1:
        problems.append((field, f"must be a number from {low:g} to 1 (the share of the mark)"))


def feedback_problems(entry: dict, field: str, problems: Problems, key: str = "feedback") -> None:
    if key in entry and not isinstance(entry[key], str):
        problems.append((f"{field}.{key}" if field else key, "must be a text"))


def with_feedback(entry: dict, key: str = "feedback") -> dict[str, str]:
    """`{key: text}` when the entry has non-blank feedback, else nothing (so data stays as small as before)."""
    text = entry.get(key)
    return {key: text.strip()} if isinstance(text, str) and text.strip() else {}


def clean_fraction(value: float) -> float | int:
    """A fraction as stored: 1 and 0 as integers, others to 7 places as Moodle keeps them (no float noise)."""
    value = round(float(value), 7)
    return int(value) if value.is_integer() else value


def credit(score: float) -> float:
    """A score rounded to 5 places (so 3 x 0.3333333 is full credit) and held in [0, 1]."""
    score = round(score, 5)
    return max(0.0, min(1.0, score))


def feedback_texts(data: dict[str, Any]) -> list[str]:
    """Every per-answer feedback text in a version's data (choices', answers', true/false's, any other)."""
    found = [data[key] for key in ("feedback_true", "feedback_false", "other_feedback") if data.get(key)]
    for field in ("choices", "answers"):
        for entry in data.get(field) or []:
            if isinstance(entry, dict) and isinstance(entry.get("feedback"), str) and entry["feedback"]:
                found.append(entry["feedback"])
    return found


def feedback_key(text: str) -> str:
    """The name a feedback text's HTML is stored under in QuestionVersion.rendered."""
    return "feedback:" + hashlib.sha256(text.encode()).hexdigest()[:20]


def single_value(form: MultiDict, name: str, message: str) -> str:
    value = (form.get(name) or "").strip()
    if not value:
        raise InvalidAnswer(message)
    return value


def answer_tokens(ids: list[str]) -> dict[str, str]:
    """An unguessable token for each id, for one showing of a question.

    Forms name choices, entries and items by these tokens, never by the authored ids (which
    follow the answer: "a" is right, items are numbered in order), so the markup tells a
    reader nothing about which option is right.
    """
    tokens: dict[str, str] = {}
    while len(set(tokens.values())) != len(ids):
        tokens = {item_id: secrets.token_urlsafe(12) for item_id in ids}
    return tokens


def id_for(layout: dict[str, Any], field: str, value: str, ids: Any) -> str | None:
    """The authored id a submitted token stands for in this layout, or None.

    A layout stored before tokens existed has none: its forms named the ids themselves.
    """
    tokens = layout.get(field) if isinstance(layout, dict) else None
    if tokens is None:
        return value if value in ids else None
    return next((item_id for item_id, token in tokens.items() if token == value), None)


def token_for(layout: dict[str, Any], field: str, item_id: str) -> str:
    """The token that stands for an authored id in this layout (the id itself in an old layout)."""
    return (layout.get(field) or {}).get(item_id, item_id)


class QuestionType:
    """One kind of question: it validates and exports its data, lays out, parses and grades answers.

    `data` is a version's answer data; `layout` is the order an attempt shows things in;
    an answer is a small JSON-able dict. grade() is total: any answer, even garbage, gets a
    score in [0, 1]; parse_answer() is strict and raises InvalidAnswer with a message.
    """

    name: ClassVar[str]
    label: ClassVar[str]
    answer_fields: ClassVar[tuple[str, ...]]
    in_quizzes: ClassVar[bool] = True
    prompt_field: ClassVar[str] = "prompt"
    scoring_rule: ClassVar[str] = ""
    moodle_rule: ClassVar[str] = ""  # how an item with explicit fractions scores, when the type has them

    @property
    def item_fields(self) -> tuple[str, ...]:
        """The fields an item of this type may have beyond the common ones (content.validate_item)."""
        return (*self.answer_fields, *SHARED_FIELDS)

    # --- the bank: validate, store, export ---------------------------------------
    def validate(self, item: dict) -> Problems:
        """What is wrong with an item's answer fields, general feedback and format, each with its field."""
        problems: Problems = []
        if "general_feedback" in item and not isinstance(item["general_feedback"], str):
            problems.append(("general_feedback", "must be a text"))
        if "format" in item and item["format"] not in FORMATS:
            problems.append(("format", f"must be {' or '.join(FORMATS)}"))
        return problems + self.check(item)

    def check(self, item: dict) -> Problems:
        raise NotImplementedError

    def to_data(self, item: dict) -> dict[str, Any]:
        """The version's `data` from a validated item (general feedback and an html format included)."""
        shared = with_feedback(item, "general_feedback")
        if item.get("format", "markdown") != "markdown":
            shared["format"] = item["format"]
        return self.store(item) | shared

    def from_data(self, data: dict[str, Any]) -> dict[str, Any]:
        """The item's answer fields from a version's `data` (the inverse of to_data)."""
        return self.restore(data) | {field: data[field] for field in SHARED_FIELDS if field in data}

    def store(self, item: dict) -> dict[str, Any]:
        return {field: item[field] for field in self.answer_fields if field in item}

    def restore(self, data: dict[str, Any]) -> dict[str, Any]:
        return {field: data[field] for field in self.answer_fields if field in data}

    @staticmethod
    def is_moodle(data: dict[str, Any]) -> bool:
        """Whether the item gives explicit credit per answer (then it scores as Moodle does)."""
        return False

    # --- quizzes: lay out, parse, grade, show ----------------------------------------
    def make_layout(self, data: dict[str, Any], rng: Random) -> dict[str, Any]:
        """The order this attempt shows choices or items in (stored, so a reload shows the same)."""
        return {}

    def parse_answer(self, data: dict[str, Any], layout: dict[str, Any], form: MultiDict) -> Answer:
        raise NotImplementedError

    def grade(self, data: dict[str, Any], answer: Answer) -> float:
        raise NotImplementedError

    def correct_answer(self, data: dict[str, Any]) -> Answer:
        raise NotImplementedError

    def describe(self, data: dict[str, Any], answer: Answer | None) -> str:
        """An answer in words, for results pages and teachers."""
        raise NotImplementedError

    def marks(self, data: dict[str, Any], layout: dict[str, Any], answer: Answer | None) -> list[Mark]:
        """The answer marked part by part (each option, pair or item) in the order shown; [] for a
        type whose answer is one thing (its verdict says it all)."""
        return []

    def feedback_for(self, data: dict[str, Any], answer: Answer | None) -> list[str]:
        """The authored feedback texts for the answer given (per choice or answer), in the item's format."""
        return []

    def answer_key(self, data: dict[str, Any]) -> list[KeyLine]:
        """Each answer the item knows with its credit (0-1, negative for a costly pick) and feedback,
        for teachers (the question page, an import's preview)."""
        return []
