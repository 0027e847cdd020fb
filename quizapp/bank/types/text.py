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
    KeyLine,
    Problems,
    QuestionType,
    answer_list,
    clean_fraction,
    credit,
    entries,
    feedback_problems,
    fraction_problems,
    is_number,
    is_text,
    single_value,
    with_feedback,
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


WILDCARD = "*"


def wildcard_matches(pattern: str, typed: str) -> bool:
    """Moodle's short-answer wildcard: `*` stands for any characters (`\\*` for a star itself), case ignored.

    Matched piece by piece (the leftmost place for each piece is the right one), never by a
    regular expression, whose backtracking over many stars could take a very long time.
    """
    pieces = [piece.replace("\\*", "*").casefold() for piece in re.split(r"(?<!\\)\*", pattern)]
    text = typed.casefold()
    first, *middle, last = pieces
    if not text.startswith(first) or len(text) < len(first) + len(last) or not text.endswith(last):
        return False
    position, end = len(first), len(text) - len(last)
    for piece in middle:
        found = text.find(piece, position, end)
        if found < 0:
            return False
        position = found + len(piece)
    return True


def has_wildcard(text: str) -> bool:
    return re.search(r"(?<!\\)\*", text) is not None


def accepted_entries(answers: list) -> list[dict[str, Any]]:
    """A short answer's accepted answers as {text, fraction, feedback?}: a plain text is full credit."""
    return [{"text": a, "fraction": 1} if isinstance(a, str) else a for a in answers]


def _short_answer_entries(value: Any, problems: Problems) -> list[dict[str, Any]]:
    if not isinstance(value, list) or not value:
        problems.append(("answers", "must be a non-empty list of accepted answers"))
        return []
    found = []
    for i, answer in enumerate(value):
        where = f"answers[{i}]"
        if isinstance(answer, dict):
            if extra := set(answer) - {"text", "fraction", "feedback"}:
                problems.append((where, f"unknown keys: {', '.join(sorted(str(k)[:40] for k in extra)[:10])}"))
            text = answer.get("text")
            if isinstance(text, (int, float)) and not isinstance(text, bool):
                text = str(text)
            if not is_text(text):
                problems.append((f"{where}.text", "must be a non-empty text"))
                continue
            fraction = answer.get("fraction", 1)
            fraction_problems(fraction, f"{where}.fraction", 0, problems)
            feedback_problems(answer, where, problems)
            entry = {"text": text.strip(), "fraction": fraction if is_number(fraction) else 0}
            found.append(entry | with_feedback(answer))
        elif isinstance(answer, bool) or not isinstance(answer, (str, int, float)) or str(answer).strip() == "":
            problems.append((where, "must be a non-empty text"))
        else:
            found.append({"text": str(answer).strip(), "fraction": 1})
    for i, entry in enumerate(found):
        if entry["text"] == WILDCARD and entry["fraction"] != 0:
            problems.append((f"answers[{i}]", "a lone * accepts any answer: give it fraction 0 (and feedback)"))
    if found and not any(entry["fraction"] == 1 for entry in found):
        problems.append(("answers", "one accepted answer must have fraction 1 (full credit)"))
    return found


class ShortAnswer(QuestionType):
    name, label = "short_answer", "Short answer"
    answer_fields = ("answers", "no_aliases")
    scoring_rule = (
        "1 when the typed answer equals an accepted answer, ignoring case, diacritics, "
        "apostrophe forms, hyphens, spaces and a leading article, or is a usual variant of one "
        "(the alias table: other romanisations, full and short names); 0 otherwise."
    )
    moodle_rule = (
        "The credit of the first accepted answer, in the author's order, that the typed answer matches "
        "(compared as above; an answer with * matches any characters there, case ignored); 0 if none does."
    )

    def check(self, item: dict) -> Problems:
        problems: Problems = opt_out_problems(item)
        _short_answer_entries(item.get("answers"), problems)
        return problems

    def store(self, item: dict) -> dict[str, Any]:
        stored: list[Any] = []
        for entry in _short_answer_entries(item["answers"], []):
            if entry["fraction"] == 1 and "feedback" not in entry:
                stored.append(entry["text"])  # as plain as before
            else:
                stored.append(entry | {"fraction": clean_fraction(entry["fraction"])})
        return with_opt_out(item, {"answers": stored})

    @staticmethod
    def is_moodle(data: dict[str, Any]) -> bool:
        return any(isinstance(a, dict) for a in data.get("answers", []))

    def parse_answer(self, data, layout, form: MultiDict) -> Answer:
        return {"text": _typed(form, "answer", "Type an answer.")}

    @staticmethod
    def matched(data: dict[str, Any], typed: Any) -> dict[str, Any] | None:
        """The first accepted answer, in order, that the typed text matches (Moodle's rule), or None."""
        if not isinstance(typed, str) or not typed.strip():
            return None
        opted_out = data.get("no_aliases", ())
        for entry in accepted_entries(data["answers"]):
            text = entry["text"]
            if has_wildcard(text):
                if wildcard_matches(text, typed.strip()):
                    return entry
            elif matches(typed, [text], opted_out):
                return entry
        return None

    def grade(self, data, answer: Answer) -> float:
        if not isinstance(answer, dict):
            return 0.0
        entry = self.matched(data, answer.get("text"))
        return 0.0 if entry is None else credit(float(entry["fraction"]))

    def correct_answer(self, data) -> Answer:
        return {"text": next(e["text"] for e in accepted_entries(data["answers"]) if e["fraction"] == 1)}

    def describe(self, data, answer: Answer | None) -> str:
        return (answer or {}).get("text") or "(no answer)"

    def answer_key(self, data: dict[str, Any]) -> list[KeyLine]:
        return [(e["text"], float(e["fraction"]), e.get("feedback", "")) for e in accepted_entries(data["answers"])]

    def feedback_for(self, data, answer: Answer | None) -> list[str]:
        entry = self.matched(data, answer.get("text")) if isinstance(answer, dict) else None
        return [entry["feedback"]] if entry and entry.get("feedback") else []


def parse_number(text: str) -> float:
    cleaned = text.strip().replace(" ", "").replace("\u00a0", "")
    cleaned = re.sub(r"(?<=\d),(?=\d{3}\b)", "", cleaned)
    value = float(cleaned)
    if not math.isfinite(value):
        raise ValueError(text)
    return value


def _numeric_entries(value: Any, problems: Problems) -> list[dict[str, Any]]:
    if not isinstance(value, list) or not value:
        problems.append(("answers", "must be a non-empty list of {value, tolerance} or {min, max}"))
        return []
    found = []
    for i, answer in enumerate(value):
        where = f"answers[{i}]"
        if not isinstance(answer, dict):
            problems.append((where, "must be {value, tolerance?, fraction?, feedback?} or {min, max, ...}"))
            continue
        ranged = "min" in answer or "max" in answer
        keys = {"min", "max"} if ranged else {"value", "tolerance"}
        if extra := set(answer) - keys - {"fraction", "feedback"}:
            problems.append((where, f"unknown keys: {', '.join(sorted(str(k)[:40] for k in extra)[:10])}"))
        entry: dict[str, Any]
        if ranged:
            low, high = answer.get("min"), answer.get("max")
            if not is_number(low) or not is_number(high) or low > high:
                problems.append((where, "min and max must be numbers with min not above max"))
                continue
            entry = {"min": low, "max": high}
        else:
            number, tolerance = answer.get("value"), answer.get("tolerance", 0)
            if not is_number(number):
                problems.append((f"{where}.value", "must be a number"))
                continue
            if not is_number(tolerance) or tolerance < 0:
                problems.append((f"{where}.tolerance", "must be a number that is not negative"))
                continue
            entry = {"value": number, "tolerance": tolerance}
        fraction = answer.get("fraction", 1)
        fraction_problems(fraction, f"{where}.fraction", 0, problems)
        feedback_problems(answer, where, problems)
        found.append(entry | {"fraction": fraction if is_number(fraction) else 0} | with_feedback(answer))
    if found and not any(entry["fraction"] == 1 for entry in found):
        problems.append(("answers", "one answer must have fraction 1 (full credit)"))
    return found


class Numeric(QuestionType):
    """One number within a tolerance (answer, tolerance), or Moodle's several answers (answers)."""

    name, label = "numeric", "Numeric"
    answer_fields = ("answer", "tolerance", "unit", "answers", "other_feedback")
    scoring_rule = "1 when the number is within the tolerance of the answer, 0 otherwise."
    moodle_rule = (
        "The credit of the first answer, in the author's order, whose tolerance or range holds the number; "
        "0 if none does."
    )

    @staticmethod
    def _is_number(value: Any) -> bool:
        return isinstance(value, (int, float)) and not isinstance(value, bool)

    def check(self, item: dict) -> Problems:
        problems: Problems = []
        if "answers" in item:
            if "answer" in item or "tolerance" in item:
                problems.append(("answers", "give either answer and tolerance, or answers, not both"))
            _numeric_entries(item["answers"], problems)
        else:
            if not self._is_number(item.get("answer")):
                problems.append(("answer", "must be a number"))
            tolerance = item.get("tolerance", 0)
            if not self._is_number(tolerance) or tolerance < 0:
                problems.append(("tolerance", "must be a number that is not negative"))
        if "unit" in item and not isinstance(item["unit"], str):
            problems.append(("unit", "must be a text"))
        feedback_problems(item, "", problems, "other_feedback")
        return problems

    def store(self, item: dict) -> dict[str, Any]:
        unit = {"unit": item.get("unit", "")}
        if "answers" not in item:
            return {"answer": item["answer"], "tolerance": item.get("tolerance", 0)} | unit
        answers = [e | {"fraction": clean_fraction(e["fraction"])} for e in _numeric_entries(item["answers"], [])]
        return {"answers": answers} | unit | with_feedback(item, "other_feedback")

    def restore(self, data: dict[str, Any]) -> dict[str, Any]:
        if "answers" in data:
            fields = {"answers": data["answers"]} | with_feedback(data, "other_feedback")
        else:
            fields = {"answer": data["answer"], "tolerance": data["tolerance"]}
        return fields | ({"unit": data["unit"]} if data.get("unit") else {})

    @staticmethod
    def is_moodle(data: dict[str, Any]) -> bool:
        return "answers" in data

    @staticmethod
    def entries(data: dict[str, Any]) -> list[dict[str, Any]]:
        """The accepted answers in order: {value, tolerance} or {min, max}, each with fraction and feedback?."""
        if "answers" in data:
            return data["answers"]
        return [{"value": data["answer"], "tolerance": data["tolerance"], "fraction": 1}]

    def parse_answer(self, data, layout, form: MultiDict) -> Answer:
        text = _typed(form, "answer", "Type a number.")
        try:
            return {"value": parse_number(text)}
        except ValueError:
            raise InvalidAnswer("Type a number, such as 1953 or 12,284.") from None

    def matched(self, data: dict[str, Any], value: Any) -> dict[str, Any] | None:
        """The first answer, in order, whose tolerance or range holds the number, or None."""
        if not self._is_number(value) or not math.isfinite(value):
            return None
        for entry in self.entries(data):
            if "min" in entry:
                if entry["min"] - 1e-9 <= value <= entry["max"] + 1e-9:
                    return entry
            elif abs(value - entry["value"]) <= entry["tolerance"] + 1e-9:
                return entry
        return None

    def grade(self, data, answer: Answer) -> float:
        entry = self.matched(data, answer.get("value") if isinstance(answer, dict) else None)
        return 0.0 if entry is None else credit(float(entry["fraction"]))

    def correct_answer(self, data) -> Answer:
        entry = next(e for e in self.entries(data) if e["fraction"] == 1)
        return {"value": entry["value"] if "value" in entry else (entry["min"] + entry["max"]) / 2}

    def describe(self, data, answer: Answer | None) -> str:
        value = (answer or {}).get("value")
        if not self._is_number(value):
            return "(no answer)"
        shown = f"{value:,.0f}" if float(value).is_integer() and abs(value) >= 10000 else f"{value:g}"
        return f"{shown} {data.get('unit') or ''}".strip()

    def answer_key(self, data: dict[str, Any]) -> list[KeyLine]:
        unit = f" {data['unit']}" if data.get("unit") else ""
        lines: list[KeyLine] = []
        for e in self.entries(data):
            if "min" in e:
                shown = f"{e['min']!r} to {e['max']!r}"
            else:
                shown = repr(e["value"]) + (f" ± {e['tolerance']!r}" if e.get("tolerance") else "")
            lines.append((shown + unit, float(e["fraction"]), e.get("feedback", "")))
        if data.get("other_feedback"):
            lines.append(("Any other number", 0.0, data["other_feedback"]))
        return lines

    def feedback_for(self, data, answer: Answer | None) -> list[str]:
        value = answer.get("value") if isinstance(answer, dict) else None
        if not self._is_number(value):
            return []
        entry = self.matched(data, value)
        text = data.get("other_feedback") if entry is None else entry.get("feedback")
        return [text] if text else []


class Cloze(QuestionType):
    name, label = "cloze", "Cloze (fill the blanks)"
    answer_fields = ("text", "blanks", "no_aliases")
    scoring_rule = "The share of blanks filled right (each compared like a short answer, variants included)."

    def check(self, item: dict) -> Problems:
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

    def store(self, item: dict) -> dict[str, Any]:
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
