"""Grading rules of every type, with edge cases: empty, garbage, unknown ids (refused, never a crash)."""

import pytest
from werkzeug.datastructures import MultiDict

from quizapp.bank.types import REGISTRY, InvalidAnswer, get_type, normalise_text
from tests.test_bank_types import GOOD

SINGLE = {
    "choices": [
        {"id": "a", "text": "Stalin", "correct": True},
        {"id": "b", "text": "Mao", "correct": False},
        {"id": "c", "text": "Kim", "correct": False},
    ]
}
MULTI = {
    "choices": [
        {"id": "a", "text": "A", "correct": True},
        {"id": "b", "text": "B", "correct": True},
        {"id": "c", "text": "C", "correct": False},
        {"id": "d", "text": "D", "correct": False},
    ]
}
ORDER = {
    "items": [
        {"id": "w", "text": "1949"},
        {"id": "x", "text": "1950"},
        {"id": "y", "text": "1953"},
        {"id": "z", "text": "1956"},
    ]
}
MATCH = {
    "pairs": [
        {"id": "k", "left": "Kim", "right": "DPRK"},
        {"id": "m", "left": "Mao", "right": "PRC"},
        {"id": "s", "left": "Stalin", "right": "USSR"},
        {"id": "t", "left": "Truman", "right": "USA"},
    ]
}
CLOZE = {
    "text": "In {{b1}} the talks ended at {{b2}}.",
    "blanks": [{"id": "b1", "answers": ["1953"]}, {"id": "b2", "answers": ["P'anmunjŏm"]}],
}


def parse(type_name, data, **fields):
    form = MultiDict()
    for key, value in fields.items():
        for v in value if isinstance(value, list) else [value]:
            form.add(key.replace("_", "-"), v)
    return get_type(type_name).parse_answer(data, {}, form)


def test_single_choice_is_all_or_nothing():
    grade = get_type("single_choice").grade
    assert grade(SINGLE, {"choice": "a"}) == 1.0 and grade(SINGLE, {"choice": "b"}) == 0.0
    assert parse("single_choice", SINGLE, answer="a") == {"choice": "a"}


@pytest.mark.parametrize(
    ("picked", "score"),
    [
        (["a", "b"], 1.0),
        (["a"], 0.5),
        (["a", "c"], 0.0),
        (["a", "b", "c"], 0.5),
        (["a", "b", "c", "d"], 0.0),
        (["c", "d"], 0.0),
        (["c"], 0.0),
    ],
)
def test_multiple_response_partial_credit_with_penalty_never_below_zero(picked, score):
    assert get_type("multiple_response").grade(MULTI, {"choices": picked}) == pytest.approx(score)


def test_true_false():
    grade = get_type("true_false").grade
    assert grade({"answer": False}, {"value": False}) == 1.0 and grade({"answer": False}, {"value": True}) == 0.0
    assert grade({"answer": False}, {"value": "false"}) == 0.0  # a string is not a verdict
    assert parse("true_false", {"answer": True}, answer="true") == {"value": True}


@pytest.mark.parametrize("typed", ["Ch'ŏllima", "Chollima", "Chŏllima", "chol-lima", " CH’OLLIMA ", "Chʼŏllima."])
def test_short_answer_ignores_case_diacritics_apostrophes_hyphens_and_spaces(typed):
    assert get_type("short_answer").grade({"answers": ["Ch'ŏllima"]}, {"text": typed}) == 1.0


def test_short_answer_wrong_and_thousands():
    grade = get_type("short_answer").grade
    assert grade({"answers": ["Ch'ŏllima"]}, {"text": "Taean"}) == 0.0
    assert grade({"answers": ["12,284"]}, {"text": "12284"}) == 1.0
    assert normalise_text("Kim Il Sung") == normalise_text("kim il-sung") == "kimilsung"


@pytest.mark.parametrize(("typed", "score"), [("156", 1.0), ("156.0", 1.0), ("155", 0.0), ("1.56e2", 1.0)])
def test_numeric_exact(typed, score):
    data = {"answer": 156, "tolerance": 0, "unit": ""}
    answer = parse("numeric", data, answer=typed)
    assert get_type("numeric").grade(data, answer) == score


def test_numeric_within_tolerance_and_thousands_separators():
    data = {"answer": 19400, "tolerance": 600, "unit": ""}
    grade = get_type("numeric").grade
    assert grade(data, parse("numeric", data, answer="20,000")) == 1.0
    assert grade(data, parse("numeric", data, answer="18 800")) == 1.0
    assert grade(data, {"value": 18799}) == 0.0
    assert grade(data, {"value": float("nan")}) == 0.0


@pytest.mark.parametrize(
    ("order", "score"),
    [
        (["w", "x", "y", "z"], 1.0),
        (["z", "y", "x", "w"], 0.0),
        (["x", "w", "y", "z"], 5 / 6),
        (["w", "x", "z", "y"], 5 / 6),
        (["w", "z", "x", "y"], 4 / 6),
    ],
)
def test_ordering_scores_the_share_of_pairs_in_order(order, score):
    assert get_type("ordering").grade(ORDER, {"order": order}) == pytest.approx(score)


def test_ordering_from_position_selects():
    answer = parse("ordering", ORDER, pos_w="2", pos_x="1", pos_y="3", pos_z="4")
    assert answer == {"order": ["x", "w", "y", "z"]}


def test_matching_scores_the_share_of_right_pairs():
    grade = get_type("matching").grade
    assert grade(MATCH, {"pairs": {"k": "k", "m": "m", "s": "s", "t": "t"}}) == 1.0
    assert grade(MATCH, {"pairs": {"k": "m", "m": "k", "s": "s", "t": "t"}}) == 0.5
    assert grade(MATCH, {"pairs": {"k": "k"}}) == 0.25
    assert parse("matching", MATCH, match_k="k", match_m="s") == {"pairs": {"k": "k", "m": "s"}}


def test_cloze_scores_the_share_of_right_blanks():
    grade = get_type("cloze").grade
    assert grade(CLOZE, {"blanks": {"b1": "1953", "b2": "Panmunjom"}}) == 1.0
    assert grade(CLOZE, {"blanks": {"b1": "1953", "b2": "Kaesong"}}) == 0.5
    assert parse("cloze", CLOZE, blank_b1="1953", blank_b2="") == {"blanks": {"b1": "1953", "b2": ""}}


DATA = {
    "single_choice": SINGLE,
    "multiple_response": MULTI,
    "true_false": {"answer": True},
    "short_answer": {"answers": ["x"]},
    "numeric": {"answer": 1, "tolerance": 0, "unit": ""},
    "ordering": ORDER,
    "matching": MATCH,
    "cloze": CLOZE,
}
GARBAGE = [
    {},
    {"choice": None},
    {"choices": "a"},
    {"value": [1]},
    {"order": ["q", "r"]},
    {"pairs": ["k"]},
    {"blanks": "1953"},
    {"text": 42},
    None,
    "garbage",
    7,
]


@pytest.mark.parametrize("type_name", sorted(DATA))
def test_garbage_answers_score_zero_and_never_crash(type_name):
    for garbage in GARBAGE:
        assert get_type(type_name).grade(DATA[type_name], garbage) == 0.0


@pytest.mark.parametrize("type_name", sorted(DATA))
def test_empty_submissions_are_refused_with_a_message(type_name):
    with pytest.raises(InvalidAnswer) as refused:
        get_type(type_name).parse_answer(DATA[type_name], {}, MultiDict())
    assert str(refused.value)


@pytest.mark.parametrize(
    ("type_name", "fields"),
    [
        ("single_choice", {"answer": "zz"}),
        ("multiple_response", {"answer": ["a", "zz"]}),
        ("true_false", {"answer": "maybe"}),
        ("numeric", {"answer": "about twelve"}),
        ("numeric", {"answer": "1,56"}),
        ("numeric", {"answer": "inf"}),
        ("ordering", {"pos_w": "1", "pos_x": "1", "pos_y": "3", "pos_z": "4"}),
        ("ordering", {"pos_w": "9", "pos_x": "1", "pos_y": "3", "pos_z": "4"}),
        ("matching", {"match_k": "zz"}),
        ("short_answer", {"answer": "x" * 201}),
    ],
)
def test_unknown_ids_and_malformed_answers_are_refused(type_name, fields):
    with pytest.raises(InvalidAnswer):
        parse(type_name, DATA[type_name], **fields)


@pytest.mark.parametrize("type_name", sorted(DATA))
def test_the_correct_answer_scores_one_and_has_a_description(type_name):
    question_type = get_type(type_name)
    right = question_type.correct_answer(DATA[type_name])
    assert question_type.grade(DATA[type_name], right) == 1.0
    assert question_type.describe(DATA[type_name], right) not in ("", "(no answer)")
    assert question_type.describe(DATA[type_name], None) == "(no answer)"
    assert question_type.scoring_rule


def test_layouts_shuffle_every_order_alike_and_keep_every_id():
    from random import Random

    orders = set()
    for seed in range(200):
        layout = get_type("ordering").make_layout(ORDER, Random(seed))
        assert sorted(layout["items"]) == ["w", "x", "y", "z"]
        orders.add(tuple(layout["items"]))
    # The right order too: refusing it would make the reverse of the shown order a better guess.
    assert ("w", "x", "y", "z") in orders and len(orders) == 24
    assert sorted(get_type("matching").make_layout(MATCH, Random(1))["right"]) == ["k", "m", "s", "t"]
    assert set(REGISTRY) == set(DATA) | {"flashcard"} == set(GOOD)


def test_cloze_is_described_as_the_passage_with_its_blanks_filled():
    describe = get_type("cloze").describe
    assert describe(CLOZE, {"blanks": {"b1": "1953", "b2": ""}}) == "In [1953] the talks ended at […]."
    assert describe(CLOZE, get_type("cloze").correct_answer(CLOZE)) == "In [1953] the talks ended at [P'anmunjŏm]."
