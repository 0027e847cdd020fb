"""Choice types: single choice, multiple response, true or false."""

from random import Random
from typing import Any, ClassVar

from werkzeug.datastructures import MultiDict

from quizapp.bank.types.base import (
    Answer,
    InvalidAnswer,
    Problems,
    QuestionType,
    answer_tokens,
    entries,
    id_for,
    single_value,
)


class _ChoiceType(QuestionType):
    answer_fields = ("choices",)
    min_choices: ClassVar[int]
    max_choices: ClassVar[int]

    def _choices(self, item: dict, problems: Problems) -> list[dict]:
        choices = entries(
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


class SingleChoice(_ChoiceType):
    name, label = "single_choice", "Single choice"
    min_choices, max_choices = 2, 6
    scoring_rule = "1 for the right choice, 0 otherwise."

    def validate(self, item: dict) -> Problems:
        problems: Problems = []
        choices = self._choices(item, problems)
        right = sum(1 for c in choices if c.get("correct") is True)
        if choices and right != 1:
            problems.append(("choices", f"must have exactly one correct choice, has {right}"))
        return problems

    def parse_answer(self, data, layout, form: MultiDict) -> Answer:
        return {"choice": self._picked(data, layout, single_value(form, "answer", "Choose one answer."))}

    def grade(self, data, answer: Answer) -> float:
        return 1.0 if isinstance(answer, dict) and answer.get("choice") in self._right(data) else 0.0

    def correct_answer(self, data) -> Answer:
        return {"choice": next(iter(self._right(data)))}

    def describe(self, data, answer: Answer | None) -> str:
        return self._texts(data).get((answer or {}).get("choice"), "(no answer)")


class MultipleResponse(_ChoiceType):
    name, label = "multiple_response", "Multiple response"
    min_choices, max_choices = 3, 8
    scoring_rule = (
        "Each right pick earns 1/(number of right choices); each wrong pick costs "
        "1/(number of wrong choices); the score never falls below 0, so ticking every box scores 0."
    )

    def validate(self, item: dict) -> Problems:
        problems: Problems = []
        choices = self._choices(item, problems)
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
        right = self._right(data)
        wrong = self._texts(data).keys() - right
        picked_set = {p for p in picked if isinstance(p, str)}
        score = len(picked_set & right) / len(right) - len(picked_set & wrong) / max(len(wrong), 1)
        return max(0.0, min(1.0, score))

    def correct_answer(self, data) -> Answer:
        return {"choices": sorted(self._right(data))}

    def describe(self, data, answer: Answer | None) -> str:
        texts = self._texts(data)
        picked = [texts[c] for c in (answer or {}).get("choices", []) if c in texts]
        return "; ".join(picked) or "(no answer)"


class TrueFalse(QuestionType):
    name, label = "true_false", "True or false"
    answer_fields = ("answer",)
    scoring_rule = "1 for the right verdict, 0 otherwise."

    def validate(self, item: dict) -> Problems:
        return [] if isinstance(item.get("answer"), bool) else [("answer", "must be true or false")]

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
