"""Typed answers: short answer, numeric, cloze."""

import math
import re
from typing import Any

from werkzeug.datastructures import MultiDict

from quizapp.bank import aliases, limits
from quizapp.bank.types.base import (
    SLUG,
    Answer,
    InvalidAnswer,
    Problems,
    QuestionType,
    answer_list,
    entries,
    is_text,
    single_value,
)

BLANK = re.compile(r"\{\{\s*([A-Za-z0-9_-]+)\s*\}\}")
MAX_TYPED = limits.ANSWER  # characters; a longer answer is refused, not graded


def matches(typed: Any, accepted: list[str], opted_out: list[str] | tuple[str, ...] = ()) -> bool:
    """An accepted answer after folding, or a form of the same alias group (content/aliases.yaml)."""
    return isinstance(typed, str) and aliases.accepts(typed, accepted, opted_out)


def opt_out_problems(item: dict) -> Problems:
    """`no_aliases`, when given, lists alias group ids this item does not accept (checked against the
    table by the bank check)."""
    value = item.get("no_aliases", [])
    if not isinstance(value, list) or not all(isinstance(v, str) and SLUG.match(v) for v in value):
        return [("no_aliases", "must be a list of alias group ids (content/aliases.yaml)")]
    return []


def with_opt_out(item: dict, data: dict[str, Any]) -> dict[str, Any]:
    return data | ({"no_aliases": sorted(set(item["no_aliases"]))} if item.get("no_aliases") else {})


def _typed(form: MultiDict, name: str, message: str) -> str:
    value = single_value(form, name, message)
    if len(value) > MAX_TYPED:
        raise InvalidAnswer(f"Answers are at most {MAX_TYPED} characters.")
    return value


class ShortAnswer(QuestionType):
    name, label = "short_answer", "Short answer"
    answer_fields = ("answers", "no_aliases")
    scoring_rule = (
        "1 when the typed answer equals an accepted answer, ignoring case, diacritics, "
        "apostrophe forms, hyphens, spaces and a leading article, or is a usual variant of one "
        "(the alias table: other romanisations, full and short names); 0 otherwise."
    )

    def validate(self, item: dict) -> Problems:
        problems: Problems = opt_out_problems(item)
        answer_list(item.get("answers"), "answers", problems)
        return problems

    def to_data(self, item: dict) -> dict[str, Any]:
        return with_opt_out(item, {"answers": answer_list(item["answers"], "answers", [])})

    def parse_answer(self, data, layout, form: MultiDict) -> Answer:
        return {"text": _typed(form, "answer", "Type an answer.")}

    def grade(self, data, answer: Answer) -> float:
        if not isinstance(answer, dict):
            return 0.0
        return 1.0 if matches(answer.get("text"), data["answers"], data.get("no_aliases", ())) else 0.0

    def correct_answer(self, data) -> Answer:
        return {"text": data["answers"][0]}

    def describe(self, data, answer: Answer | None) -> str:
        return (answer or {}).get("text") or "(no answer)"


def parse_number(text: str) -> float:
    cleaned = text.strip().replace(" ", "").replace("\u00a0", "")
    cleaned = re.sub(r"(?<=\d),(?=\d{3}\b)", "", cleaned)
    value = float(cleaned)
    if not math.isfinite(value):
        raise ValueError(text)
    return value


class Numeric(QuestionType):
    name, label = "numeric", "Numeric"
    answer_fields = ("answer", "tolerance", "unit")
    scoring_rule = "1 when the number is within the tolerance of the answer, 0 otherwise."

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

    def parse_answer(self, data, layout, form: MultiDict) -> Answer:
        text = _typed(form, "answer", "Type a number.")
        try:
            return {"value": parse_number(text)}
        except ValueError:
            raise InvalidAnswer("Type a number, such as 1953 or 12,284.") from None

    def grade(self, data, answer: Answer) -> float:
        value = answer.get("value") if isinstance(answer, dict) else None
        if not self._is_number(value) or not math.isfinite(value):
            return 0.0
        return 1.0 if abs(value - data["answer"]) <= data["tolerance"] + 1e-9 else 0.0

    def correct_answer(self, data) -> Answer:
        return {"value": data["answer"]}

    def describe(self, data, answer: Answer | None) -> str:
        value = (answer or {}).get("value")
        if not self._is_number(value):
            return "(no answer)"
        shown = f"{value:,.0f}" if float(value).is_integer() and abs(value) >= 10000 else f"{value:g}"
        return f"{shown} {data.get('unit') or ''}".strip()


class Cloze(QuestionType):
    name, label = "cloze", "Cloze (fill the blanks)"
    answer_fields = ("text", "blanks", "no_aliases")
    scoring_rule = "The share of blanks filled right (each compared like a short answer, variants included)."

    def validate(self, item: dict) -> Problems:
        problems: Problems = opt_out_problems(item)
        text = item.get("text")
        if not is_text(text):
            return [("text", "must be a passage with blanks written as {{b1}}")]
        blanks = entries(item, "blanks", (), 1, 6, problems, other_keys=("answers",))
        for i, blank in enumerate(blanks):
            answer_list(blank.get("answers"), f"blanks[{i}].answers", problems)
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
        blanks = [{"id": str(b["id"]), "answers": answer_list(b["answers"], "answers", [])} for b in item["blanks"]]
        return with_opt_out(item, {"text": item["text"].strip(), "blanks": blanks})

    @staticmethod
    def segments(data: dict[str, Any]) -> list[tuple[str, str | None]]:
        """The passage as (text, blank id or None) pieces, for rendering inline inputs."""
        pieces: list[tuple[str, str | None]] = []
        position = 0
        for match in BLANK.finditer(data["text"]):
            pieces.append((data["text"][position : match.start()], match.group(1)))
            position = match.end()
        pieces.append((data["text"][position:], None))
        return pieces

    def parse_answer(self, data, layout, form: MultiDict) -> Answer:
        filled = {}
        for blank in data["blanks"]:
            value = (form.get(f"blank-{blank['id']}") or "").strip()
            if len(value) > MAX_TYPED:
                raise InvalidAnswer(f"Answers are at most {MAX_TYPED} characters.")
            filled[blank["id"]] = value
        if not any(filled.values()):
            raise InvalidAnswer("Fill in at least one blank.")
        return {"blanks": filled}

    def grade(self, data, answer: Answer) -> float:
        filled = answer.get("blanks") if isinstance(answer, dict) else None
        if not isinstance(filled, dict):
            return 0.0
        opted_out = data.get("no_aliases", ())
        right = sum(1 for b in data["blanks"] if matches(filled.get(b["id"]), b["answers"], opted_out))
        return right / len(data["blanks"])

    def correct_answer(self, data) -> Answer:
        return {"blanks": {b["id"]: b["answers"][0] for b in data["blanks"]}}

    def describe(self, data, answer: Answer | None) -> str:
        """The passage with the blanks filled in brackets: "signed in [1953] at [P'anmunjŏm]"."""
        filled = (answer or {}).get("blanks") or {}
        if not any(filled.values()):
            return "(no answer)"
        return BLANK.sub(lambda match: f"[{filled.get(match.group(1)) or '…'}]", data["text"])
