"""The question-type registry: one class per type, as CTFd does with challenge types.

Each type validates its answer data (naming the field at fault), stores and exports it,
lays out an attempt (shuffled choices), parses a submitted form into an answer, grades
it with partial credit and describes it in words. Its input is the template
`quiz/types/<name>.html`. Adding a type touches one module here plus that template.
"""

from quizapp.bank.types.arrangement import Matching, Ordering
from quizapp.bank.types.base import (
    SLUG,
    Answer,
    InvalidAnswer,
    QuestionType,
    feedback_key,
    feedback_texts,
    normalise_text,
)
from quizapp.bank.types.choice import MultipleResponse, SingleChoice, TrueFalse
from quizapp.bank.types.flashcard import Flashcard
from quizapp.bank.types.text import BLANK, Cloze, Numeric, ShortAnswer

REGISTRY: dict[str, QuestionType] = {
    t.name: t()
    for t in (SingleChoice, MultipleResponse, TrueFalse, ShortAnswer, Numeric, Ordering, Matching, Cloze, Flashcard)
}
QUIZ_TYPES = [name for name, t in REGISTRY.items() if t.in_quizzes]


def get_type(name: str) -> QuestionType:
    return REGISTRY[name]


__all__ = [
    "BLANK",
    "QUIZ_TYPES",
    "REGISTRY",
    "SLUG",
    "Answer",
    "InvalidAnswer",
    "QuestionType",
    "feedback_key",
    "feedback_texts",
    "get_type",
    "normalise_text",
]
