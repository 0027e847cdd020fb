"""Flashcards: a front and a back, for review only."""

from typing import Any

from werkzeug.datastructures import MultiDict

from quizapp.bank.types.base import Answer, InvalidAnswer, Problems, QuestionType, is_text


class Flashcard(QuestionType):
    """Front and back, rated by the learner in review; never put into quizzes."""

    name, label = "flashcard", "Flashcard"
    answer_fields = ("back",)
    in_quizzes = False
    prompt_field = "front"
    scoring_rule = "Not graded: the learner rates their own recall."

    def check(self, item: dict) -> Problems:
        return [] if is_text(item.get("back")) else [("back", "must be a non-empty text")]

    def store(self, item: dict) -> dict[str, Any]:
        return {"back": item["back"].strip()}

    def parse_answer(self, data, layout, form: MultiDict) -> Answer:
        raise InvalidAnswer("Flashcards are rated, not answered.")

    def grade(self, data, answer: Answer) -> float:
        return 0.0

    def correct_answer(self, data) -> Answer:
        return {"back": data["back"]}

    def describe(self, data, answer: Answer | None) -> str:
        return data["back"]
