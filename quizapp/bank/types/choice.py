"""Choice types: single choice, multiple response, true or false.

A choice may carry Moodle's `fraction` (its share of the mark, negative for a wrong pick in
multiple response) and `feedback`. When any choice of an item has a fraction, the item scores
as Moodle scores it; otherwise by the rules the app always had (scoring_rule).
"""

from random import Random
from typing import Any, ClassVar

from werkzeug.datastructures import MultiDict

from quizapp.bank import limits
from quizapp.bank.types.base import (
    Answer,
    InvalidAnswer,
    KeyLine,
    Problems,
    QuestionType,
    answer_tokens,
    clean_fraction,
    credit,
    entries,
    feedback_problems,
    fraction_problems,
    id_for,
    is_number,
    single_value,
    with_feedback,
)
from quizapp.bank.types.marks import Mark, choice_marks, shown_order


class _ChoiceType(QuestionType):
    answer_fields = ("choices",)
    min_choices: ClassVar[int] = 2
    max_choices: ClassVar[int] = limits.CHOICES
    lowest_fraction: ClassVar[float] = -1.0

    def _choices(self, item: dict, problems: Problems) -> list[dict]:
        choices = entries(
            item,
            "choices",
            ("text",),
            self.min_choices,
            self.max_choices,
            problems,
            other_keys=("correct", "fraction", "feedback"),
        )
        for i, choice in enumerate(choices):
            if not isinstance(choice.get("correct", False), bool):
                problems.append((f"choices[{i}].correct", "must be true or false"))
            if "fraction" in choice:
                fraction_problems(choice["fraction"], f"choices[{i}].fraction", self.lowest_fraction, problems)
            feedback_problems(choice, f"choices[{i}]", problems)
        return choices

    @staticmethod
    def _weighted(choices: list[dict]) -> bool:
        return any("fraction" in c for c in choices)

    @staticmethod
    def _fraction(choice: dict) -> float:
        value = choice.get("fraction", 0)
        return float(value) if is_number(value) else 0.0

    def _is_right(self, fraction: float) -> bool:
        raise NotImplementedError

    def store(self, item: dict) -> dict[str, Any]:
        weighted = self._weighted(item["choices"])
        stored = []
        for c in item["choices"]:
            entry: dict[str, Any] = {"id": str(c["id"]), "text": c["text"].strip()}
            if weighted:
                fraction = clean_fraction(self._fraction(c))
                entry |= {"correct": self._is_right(fraction), "fraction": fraction}
            else:
                entry["correct"] = bool(c.get("correct", False))
            stored.append(entry | with_feedback(c))
        return {"choices": stored}

    def restore(self, data: dict[str, Any]) -> dict[str, Any]:
        weighted = self.is_moodle(data)
        choices = []
        for c in data["choices"]:
            entry = {"id": c["id"], "text": c["text"]}
            if weighted:
                entry["fraction"] = c["fraction"]
            elif c["correct"]:
                entry["correct"] = True
            choices.append(entry | with_feedback(c))
        return {"choices": choices}

    @staticmethod
    def is_moodle(data: dict[str, Any]) -> bool:
        return any("fraction" in c for c in data.get("choices", []))

    def make_layout(self, data: dict[str, Any], rng: Random) -> dict[str, Any]:
        order = [c["id"] for c in data["choices"]]
        rng.shuffle(order)
        return {"choices": order, "tokens": answer_tokens(order)}

    def _picked(self, data: dict[str, Any], layout: dict[str, Any], value: str) -> str:
        choice = id_for(layout, "tokens", value, self._texts(data))
        if choice is None:
            raise InvalidAnswer("That choice is not one of this question's answers.")
        return choice

    @staticmethod
    def _texts(data: dict[str, Any]) -> dict[str, str]:
        return {c["id"]: c["text"] for c in data["choices"]}

    @staticmethod
    def _right(data: dict[str, Any]) -> set[str]:
        return {c["id"] for c in data["choices"] if c["correct"]}

    def _fractions(self, data: dict[str, Any]) -> dict[str, float]:
        return {c["id"]: self._fraction(c) for c in data["choices"]}

    def answer_key(self, data: dict[str, Any]) -> list[KeyLine]:
        weighted = self.is_moodle(data)
        return [
            (c["text"], self._fraction(c) if weighted else float(c["correct"]), c.get("feedback", ""))
            for c in data["choices"]
        ]

    @staticmethod
    def _feedback(data: dict[str, Any], picked: list[str]) -> list[str]:
        """The feedback of the picked choices, in the order the author wrote the choices."""
        return [c["feedback"] for c in data["choices"] if c["id"] in picked and c.get("feedback")]


class SingleChoice(_ChoiceType):
    name, label = "single_choice", "Single choice"
    scoring_rule = "1 for the right choice, 0 otherwise."
    moodle_rule = "The chosen choice's credit (a wrong choice's negative credit counts as 0)."

    def _is_right(self, fraction: float) -> bool:
        return fraction == 1

    def check(self, item: dict) -> Problems:
        problems: Problems = []
        choices = self._choices(item, problems)
        if choices and self._weighted(choices):
            fractions = [self._fraction(c) for c in choices]
            if 1 not in fractions:
                problems.append(("choices", "one choice must have fraction 1 (full credit)"))
            if any("correct" in c and c["correct"] != (self._fraction(c) == 1) for c in choices):
                problems.append(("choices", "correct must agree with the fractions (give fractions only)"))
            return problems
        right = sum(1 for c in choices if c.get("correct") is True)
        if choices and right != 1:
            problems.append(("choices", f"must have exactly one correct choice, has {right}"))
        return problems

    def parse_answer(self, data, layout, form: MultiDict) -> Answer:
        return {"choice": self._picked(data, layout, single_value(form, "answer", "Choose one answer."))}

    def grade(self, data, answer: Answer) -> float:
        choice = answer.get("choice") if isinstance(answer, dict) else None
        if self.is_moodle(data):
            return credit(self._fractions(data).get(choice, 0.0)) if isinstance(choice, str) else 0.0
        return 1.0 if choice in self._right(data) else 0.0

    def correct_answer(self, data) -> Answer:
        return {"choice": next(c["id"] for c in data["choices"] if c["correct"])}

    def describe(self, data, answer: Answer | None) -> str:
        return self._texts(data).get((answer or {}).get("choice"), "(no answer)")

    def feedback_for(self, data, answer: Answer | None) -> list[str]:
        choice = (answer or {}).get("choice") if isinstance(answer, dict) else None
        return self._feedback(data, [choice]) if isinstance(choice, str) else []


class MultipleResponse(_ChoiceType):
    name, label = "multiple_response", "Multiple response"
    scoring_rule = (
        "Each right pick earns 1/(number of right choices); each wrong pick costs "
        "1/(number of wrong choices); the score never falls below 0, so ticking every box scores 0."
    )
    moodle_rule = "The sum of the picked choices' credit (negative for wrong picks), held between 0 and 1."

    def _is_right(self, fraction: float) -> bool:
        return fraction > 0

    def check(self, item: dict) -> Problems:
        problems: Problems = []
        choices = self._choices(item, problems)
        if choices and self._weighted(choices):
            fractions = [self._fraction(c) for c in choices]
            positive = sum(f for f in fractions if f > 0)
            if abs(positive - 1) > 0.01:
                problems.append(
                    ("choices", f"the positive fractions must add up to 1 (they add up to {round(positive, 4):g})")
                )
            if any("correct" in c and c["correct"] != (self._fraction(c) > 0) for c in choices):
                problems.append(("choices", "correct must agree with the fractions (give fractions only)"))
            return problems
        right = sum(1 for c in choices if c.get("correct") is True)
        if choices and not 1 <= right < len(choices):
            problems.append(("choices", "must have at least one correct and at least one wrong choice"))
        return problems

    def parse_answer(self, data, layout, form: MultiDict) -> Answer:
        picked = [value for value in form.getlist("answer") if value]
        if not picked:
            raise InvalidAnswer("Tick at least one answer.")
        return {"choices": sorted({self._picked(data, layout, value) for value in picked})}

    def grade(self, data, answer: Answer) -> float:
        picked = answer.get("choices") if isinstance(answer, dict) else None
        if not isinstance(picked, list):
            return 0.0
        picked_set = {p for p in picked if isinstance(p, str)}
        if self.is_moodle(data):
            fractions = self._fractions(data)
            positive = {c for c, f in fractions.items() if f > 0}
            if picked_set == positive:  # every right choice and nothing else: full marks even if 0.33 x 3
                return 1.0
            return credit(sum(fractions.get(c, 0.0) for c in picked_set))
        right = self._right(data)
        wrong = self._texts(data).keys() - right
        score = len(picked_set & right) / len(right) - len(picked_set & wrong) / max(len(wrong), 1)
        return max(0.0, min(1.0, score))

    def correct_answer(self, data) -> Answer:
        return {"choices": sorted(self._right(data))}

    def describe(self, data, answer: Answer | None) -> str:
        texts = self._texts(data)
        picked = [texts[c] for c in (answer or {}).get("choices", []) if c in texts]
        return "; ".join(picked) or "(no answer)"

    def marks(self, data, layout, answer: Answer | None) -> list[Mark]:
        picked = (answer or {}).get("choices") if isinstance(answer, dict) else None
        picked_set = {p for p in picked if isinstance(p, str)} if isinstance(picked, list) else set()
        texts = self._texts(data)
        return choice_marks(shown_order(layout, "choices", list(texts)), texts, self._right(data), picked_set)

    def feedback_for(self, data, answer: Answer | None) -> list[str]:
        picked = (answer or {}).get("choices") if isinstance(answer, dict) else None
        return self._feedback(data, [p for p in picked if isinstance(p, str)]) if isinstance(picked, list) else []


class TrueFalse(QuestionType):
    name, label = "true_false", "True or false"
    answer_fields = ("answer", "feedback_true", "feedback_false")
    scoring_rule = "1 for the right verdict, 0 otherwise."

    def check(self, item: dict) -> Problems:
        problems: Problems = [] if isinstance(item.get("answer"), bool) else [("answer", "must be true or false")]
        feedback_problems(item, "", problems, "feedback_true")
        feedback_problems(item, "", problems, "feedback_false")
        return problems

    def store(self, item: dict) -> dict[str, Any]:
        return {"answer": item["answer"]} | with_feedback(item, "feedback_true") | with_feedback(item, "feedback_false")

    def parse_answer(self, data, layout, form: MultiDict) -> Answer:
        value = single_value(form, "answer", "Choose true or false.")
        if value not in ("true", "false"):
            raise InvalidAnswer("Choose true or false.")
        return {"value": value == "true"}

    def grade(self, data, answer: Answer) -> float:
        value = answer.get("value") if isinstance(answer, dict) else None
        return 1.0 if isinstance(value, bool) and value == data["answer"] else 0.0

    def correct_answer(self, data) -> Answer:
        return {"value": data["answer"]}

    def describe(self, data, answer: Answer | None) -> str:
        value = (answer or {}).get("value")
        return "(no answer)" if not isinstance(value, bool) else ("True" if value else "False")

    def answer_key(self, data: dict[str, Any]) -> list[KeyLine]:
        return [
            ("True", float(data["answer"]), data.get("feedback_true", "")),
            ("False", float(not data["answer"]), data.get("feedback_false", "")),
        ]

    def feedback_for(self, data, answer: Answer | None) -> list[str]:
        value = answer.get("value") if isinstance(answer, dict) else None
        if not isinstance(value, bool):
            return []
        text = data.get("feedback_true" if value else "feedback_false")
        return [text] if text else []
