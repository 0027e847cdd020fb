"""The type registry: each type accepts good answer data and names the field of bad data."""

import copy

import pytest

from quizapp.bank.content import validate_item
from quizapp.bank.types import REGISTRY, get_type

TOPICS = {"road-to-war"}
COMMON = {
    "topic": "road-to-war",
    "tags": ["stalin", 1950],
    "difficulty": 2,
    "prompt": "Which?",
    "explanation": "Because the article says so.",
    "source": {"page": 231, "evidence": "Stalin proposed a three-stage operation"},
}

GOOD = {
    "single_choice": {"choices": [{"id": "a", "text": "Stalin", "correct": True}, {"id": "b", "text": "Mao"}]},
    "multiple_response": {
        "choices": [
            {"id": "a", "text": "A", "correct": True},
            {"id": "b", "text": "B"},
            {"id": "c", "text": "C", "correct": True},
        ]
    },
    "true_false": {"answer": False},
    "short_answer": {"answers": ["Ch'ŏllima", "Chollima movement", 1958]},
    "numeric": {"answer": 156, "tolerance": 0, "unit": "factories"},
    "ordering": {"items": [{"id": "a", "text": "first"}, {"id": "b", "text": "second"}, {"id": "c", "text": "third"}]},
    "matching": {
        "pairs": [
            {"id": "a", "left": "Kim", "right": "DPRK"},
            {"id": "b", "left": "Mao", "right": "PRC"},
            {"id": "c", "left": "Stalin", "right": "USSR"},
        ]
    },
    "cloze": {
        "text": "In {{b1}} the war ended at {{b2}}.",
        "blanks": [{"id": "b1", "answers": [1953]}, {"id": "b2", "answers": ["P'anmunjŏm", "Panmunjom"]}],
    },
    "flashcard": {"front": "Terentii Shtykov", "back": "Soviet ambassador to the DPRK."},
}


def item(type_name, **changes):
    raw = {
        "id": f"x-{type_name.replace('_', '-')}",
        "type": type_name,
        **copy.deepcopy(COMMON),
        **copy.deepcopy(GOOD[type_name]),
    }
    if type_name == "flashcard":
        raw.pop("prompt")
    raw.update(changes)
    return {k: v for k, v in raw.items() if v is not None}


def fields(problems):
    return [field for field, _ in problems]


def test_every_type_is_registered_with_a_good_example():
    assert set(REGISTRY) == set(GOOD)


@pytest.mark.parametrize("type_name", sorted(GOOD))
def test_good_items_pass_and_round_trip(type_name):
    raw = item(type_name)
    spec, problems = validate_item(raw, TOPICS)
    assert problems == [] and spec is not None
    question_type = get_type(type_name)
    exported = question_type.from_data(spec.data)
    again, problems = validate_item({**raw, **exported}, TOPICS)
    assert problems == [] and again.data == spec.data and again.content_hash == spec.content_hash


BAD = [
    (
        "single_choice",
        {"choices": [{"id": "a", "text": "A", "correct": True}, {"id": "b", "text": "B", "correct": True}]},
        "choices",
        "exactly one correct",
    ),
    ("single_choice", {"choices": [{"id": "a", "text": "A", "correct": True}]}, "choices", "use 2-10"),
    (
        "single_choice",
        {"choices": [{"id": "a", "text": "A", "correct": True}, {"id": "a", "text": "B"}]},
        "choices[1].id",
        "used twice",
    ),
    (
        "single_choice",
        {"choices": [{"id": "a", "text": "", "correct": True}, {"id": "b", "text": "B"}]},
        "choices[0].text",
        "non-empty",
    ),
    (
        "single_choice",
        {"choices": [{"id": "a", "text": "A", "correct": "yes"}, {"id": "b", "text": "B"}]},
        "choices[0].correct",
        "true or false",
    ),
    (
        "multiple_response",
        {
            "choices": [
                {"id": "a", "text": "A", "correct": True},
                {"id": "b", "text": "B", "correct": True},
                {"id": "c", "text": "C", "correct": True},
            ]
        },
        "choices",
        "at least one wrong",
    ),
    ("true_false", {"answer": "false"}, "answer", "true or false"),
    ("short_answer", {"answers": []}, "answers", "non-empty list"),
    ("short_answer", {"answers": ["ok", ""]}, "answers[1]", "non-empty"),
    ("numeric", {"answer": "156"}, "answer", "must be a number"),
    ("numeric", {"tolerance": -1}, "tolerance", "not negative"),
    ("ordering", {"items": [{"id": "a", "text": "1"}, {"id": "b", "text": "2"}]}, "items", "use 3-6"),
    (
        "matching",
        {
            "pairs": [
                {"id": "a", "left": "K", "right": "X"},
                {"id": "b", "left": "M", "right": "X"},
                {"id": "c", "left": "S", "right": "Y"},
            ]
        },
        "pairs",
        "same right",
    ),
    ("cloze", {"text": "No blanks here."}, "blanks", "not in the text: b1, b2"),
    ("cloze", {"text": "{{b1}} and {{b3}}"}, "blanks", "no answers for: b3"),
    ("flashcard", {"back": " "}, "back", "non-empty"),
]


@pytest.mark.parametrize(("type_name", "change", "field", "message"), BAD)
def test_bad_answer_data_names_the_field(type_name, change, field, message):
    spec, problems = validate_item(item(type_name, **change), TOPICS)
    assert spec is None
    assert any(f == field and message in m for f, m in problems), problems


COMMON_BAD = [
    ({"type": "essay"}, "type", "unknown type"),
    ({"id": "Not A Slug"}, "id", "slug"),
    ({"topic": "atlantis"}, "topic", "unknown topic"),
    ({"tags": "stalin"}, "tags", "list"),
    ({"difficulty": 4}, "difficulty", "1, 2 or 3"),
    ({"difficulty": True}, "difficulty", "1, 2 or 3"),
    ({"prompt": ""}, "prompt", "non-empty"),
    ({"explanation": None}, "explanation", "why the answer is right"),
    ({"source": {"page": 224, "evidence": "three words here"}}, "source.page", "225 to 251"),
    ({"source": {"page": 231, "evidence": "two words"}}, "source.evidence", "3-20 words"),
    ({"fact": "Bad Fact"}, "fact", "slug"),
    ({"colour": "red"}, "", "unknown fields for single_choice: colour"),
]


@pytest.mark.parametrize(("change", "field", "message"), COMMON_BAD)
def test_bad_common_fields_are_named(change, field, message):
    spec, problems = validate_item(item("single_choice", **change), TOPICS)
    assert spec is None
    assert any(f == field and message in m for f, m in problems), problems


def test_flashcards_need_no_explanation_but_questions_do():
    assert validate_item(item("flashcard", explanation=None), TOPICS)[1] == []
    assert "explanation" in fields(validate_item(item("true_false", explanation=None), TOPICS)[1])


def test_garbage_is_refused_not_crashed_on():
    for garbage in (None, 3, "text", [], {"type": None}):
        spec, problems = validate_item(garbage, TOPICS)
        assert spec is None and problems
