"""The question-type registry: one class per type, as CTFd does with challenge types.

Each type knows its own answer fields: it validates them (naming the field at fault),
turns them into the version's `data`, and turns `data` back into the same fields for
export, so that what is exported can be imported again unchanged.
"""

import re
from typing import Any, ClassVar

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")
BLANK = re.compile(r"\{\{\s*([A-Za-z0-9_-]+)\s*\}\}")

Problems = list[tuple[str, str]]  # (field, message)


def _is_text(value: Any) -> bool:
    return isinstance(value, str) and value.strip() != ""


def _answer_list(value: Any, field: str, problems: Problems) -> list[str]:
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


def _entries(
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
    entries = []
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
            if not _is_text(entry.get(key)):
                problems.append((f"{where}.{key}", "must be a non-empty text"))
        extra = set(entry) - {"id", *keys, *other_keys}
        if extra:
            problems.append((where, f"unknown keys: {', '.join(sorted(extra))}"))
        entries.append(entry)
    return entries


class QuestionType:
    """Base of every type. Subclasses name their answer fields and check them."""

    name: ClassVar[str]
    label: ClassVar[str]
    answer_fields: ClassVar[tuple[str, ...]]
    in_quizzes: ClassVar[bool] = True
    prompt_field: ClassVar[str] = "prompt"

    def validate(self, item: dict) -> Problems:
        raise NotImplementedError

    def to_data(self, item: dict) -> dict[str, Any]:
        """The version's `data` from a validated item."""
        return {field: item[field] for field in self.answer_fields if field in item}

    def from_data(self, data: dict[str, Any]) -> dict[str, Any]:
        """The item's answer fields from a version's `data` (the inverse of to_data)."""
        return {field: data[field] for field in self.answer_fields if field in data}


class _ChoiceType(QuestionType):
    answer_fields = ("choices",)
    min_choices: ClassVar[int]
    max_choices: ClassVar[int]

    def _choices(self, item: dict, problems: Problems) -> list[dict]:
        choices = _entries(
            item, "choices", ("text",), self.min_choices, self.max_choices, problems, other_keys=("correct",)
        )
        for i, choice in enumerate(choices):
            if not isinstance(choice.get("correct", False), bool):
                problems.append((f"choices[{i}].correct", "must be true or false"))
        return choices

    def to_data(self, item: dict) -> dict[str, Any]:
        return {
            "choices": [
                {"id": str(c["id"]), "text": c["text"].strip(), "correct": bool(c.get("correct", False))}
                for c in item["choices"]
            ]
        }

    def from_data(self, data: dict[str, Any]) -> dict[str, Any]:
        return {
            "choices": [
                {"id": c["id"], "text": c["text"], **({"correct": True} if c["correct"] else {})}
                for c in data["choices"]
            ]
        }


class SingleChoice(_ChoiceType):
    name, label = "single_choice", "Single choice"
    min_choices, max_choices = 2, 6

    def validate(self, item: dict) -> Problems:
        problems: Problems = []
        choices = self._choices(item, problems)
        right = sum(1 for c in choices if c.get("correct") is True)
        if choices and right != 1:
            problems.append(("choices", f"must have exactly one correct choice, has {right}"))
        return problems


class MultipleResponse(_ChoiceType):
    name, label = "multiple_response", "Multiple response"
    min_choices, max_choices = 3, 8

    def validate(self, item: dict) -> Problems:
        problems: Problems = []
        choices = self._choices(item, problems)
        right = sum(1 for c in choices if c.get("correct") is True)
        if choices and not 1 <= right < len(choices):
            problems.append(("choices", "must have at least one correct and at least one wrong choice"))
        return problems


class TrueFalse(QuestionType):
    name, label = "true_false", "True or false"
    answer_fields = ("answer",)

    def validate(self, item: dict) -> Problems:
        if not isinstance(item.get("answer"), bool):
            return [("answer", "must be true or false")]
        return []


class ShortAnswer(QuestionType):
    name, label = "short_answer", "Short answer"
    answer_fields = ("answers",)

    def validate(self, item: dict) -> Problems:
        problems: Problems = []
        _answer_list(item.get("answers"), "answers", problems)
        return problems

    def to_data(self, item: dict) -> dict[str, Any]:
        return {"answers": _answer_list(item["answers"], "answers", [])}


class Numeric(QuestionType):
    name, label = "numeric", "Numeric"
    answer_fields = ("answer", "tolerance", "unit")

    @staticmethod
    def _is_number(value: Any) -> bool:
        return isinstance(value, (int, float)) and not isinstance(value, bool)

    def validate(self, item: dict) -> Problems:
        problems: Problems = []
        if not self._is_number(item.get("answer")):
            problems.append(("answer", "must be a number"))
        tolerance = item.get("tolerance", 0)
        if not self._is_number(tolerance) or tolerance < 0:
            problems.append(("tolerance", "must be a number that is not negative"))
        if "unit" in item and not isinstance(item["unit"], str):
            problems.append(("unit", "must be a text"))
        return problems

    def to_data(self, item: dict) -> dict[str, Any]:
        return {"answer": item["answer"], "tolerance": item.get("tolerance", 0), "unit": item.get("unit", "")}

    def from_data(self, data: dict[str, Any]) -> dict[str, Any]:
        fields = {"answer": data["answer"], "tolerance": data["tolerance"]}
        return fields | ({"unit": data["unit"]} if data.get("unit") else {})


class Ordering(QuestionType):
    name, label = "ordering", "Ordering"
    answer_fields = ("items",)

    def validate(self, item: dict) -> Problems:
        problems: Problems = []
        _entries(item, "items", ("text",), 3, 6, problems)
        return problems

    def to_data(self, item: dict) -> dict[str, Any]:
        return {"items": [{"id": str(e["id"]), "text": e["text"].strip()} for e in item["items"]]}


class Matching(QuestionType):
    name, label = "matching", "Matching"
    answer_fields = ("pairs",)

    def validate(self, item: dict) -> Problems:
        problems: Problems = []
        pairs = _entries(item, "pairs", ("left", "right"), 3, 6, problems)
        for side in ("left", "right"):
            texts = [str(p.get(side, "")).strip().casefold() for p in pairs]
            if len(set(texts)) != len(texts):
                problems.append(("pairs", f"two pairs have the same {side} entry"))
        return problems

    def to_data(self, item: dict) -> dict[str, Any]:
        return {
            "pairs": [
                {"id": str(p["id"]), "left": p["left"].strip(), "right": p["right"].strip()} for p in item["pairs"]
            ]
        }


class Cloze(QuestionType):
    name, label = "cloze", "Cloze (fill the blanks)"
    answer_fields = ("text", "blanks")

    def validate(self, item: dict) -> Problems:
        problems: Problems = []
        text = item.get("text")
        if not _is_text(text):
            return [("text", "must be a passage with blanks written as {{b1}}")]
        blanks = _entries(item, "blanks", (), 1, 6, problems, other_keys=("answers",))
        for i, blank in enumerate(blanks):
            _answer_list(blank.get("answers"), f"blanks[{i}].answers", problems)
        in_text = BLANK.findall(text)
        declared = [str(b.get("id")) for b in blanks]
        if len(in_text) != len(set(in_text)):
            problems.append(("text", "a blank appears twice in the text"))
        if set(in_text) != set(declared):
            missing = sorted(set(declared) - set(in_text))
            unknown = sorted(set(in_text) - set(declared))
            parts = ([f"not in the text: {', '.join(missing)}"] if missing else []) + (
                [f"no answers for: {', '.join(unknown)}"] if unknown else []
            )
            problems.append(("blanks", "; ".join(parts)))
        return problems

    def to_data(self, item: dict) -> dict[str, Any]:
        return {
            "text": item["text"].strip(),
            "blanks": [
                {"id": str(b["id"]), "answers": _answer_list(b["answers"], "answers", [])} for b in item["blanks"]
            ],
        }


class Flashcard(QuestionType):
    """Front and back, for review; never put into quizzes."""

    name, label = "flashcard", "Flashcard"
    answer_fields = ("back",)
    in_quizzes = False
    prompt_field = "front"

    def validate(self, item: dict) -> Problems:
        return [] if _is_text(item.get("back")) else [("back", "must be a non-empty text")]

    def to_data(self, item: dict) -> dict[str, Any]:
        return {"back": item["back"].strip()}


REGISTRY: dict[str, QuestionType] = {
    t.name: t()
    for t in (SingleChoice, MultipleResponse, TrueFalse, ShortAnswer, Numeric, Ordering, Matching, Cloze, Flashcard)
}


def get_type(name: str) -> QuestionType:
    return REGISTRY[name]
