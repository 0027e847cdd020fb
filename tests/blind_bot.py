"""A bot that never reads a question: it answers from the form's structure alone.

It sees radio and checkbox values, select names and option values and the order they come
in, as an outsider's script would. When those carry no information about the answer, every
strategy scores what chance gives: tests/test_answer_tokens.py and tests/test_review_tokens.py
compare its mean with that expectation.
"""

import hashlib
import html
import re

from tests.factories import make_question

_FIELDSET = re.compile(r'<fieldset class="answer-input"[^>]*>.*?</fieldset>', re.S)
_INPUT = re.compile(r'<input type="(radio|checkbox)" name="([^"]+)" value="([^"]*)"')
_SELECT = re.compile(r'<select id="[^"]*" name="([^"]+)"[^>]*>(.*?)</select>', re.S)
_OPTION = re.compile(r'<option value="([^"]+)"')
_PROMPT = re.compile(r'<div id="(?:card-)?prompt" class="prompt"[^>]*>(.*?)</div>', re.S)


def answer_markup(page: str) -> str:
    """The answer inputs of the question on a page."""
    return _FIELDSET.search(page).group(0)


def fields_of(page: str) -> dict:
    """The answer form's structure: choice values, selects or radio groups with their values, in page order."""
    markup = answer_markup(page)
    inputs = [(kind, html.unescape(name), html.unescape(value)) for kind, name, value in _INPUT.findall(markup)]
    groups: dict[str, list[str]] = {}  # a matching question's rows are radio groups named match-<token>
    for _, name, value in inputs:
        if name.startswith("match-") and value:
            groups.setdefault(name, []).append(value)
    choices = [value for _, name, value in inputs if name == "answer"]
    kind = next((k for k, name, _ in inputs if name == "answer"), None)
    selects = [
        (html.unescape(name), [html.unescape(v) for v in _OPTION.findall(body)])
        for name, body in _SELECT.findall(markup)
    ] + list(groups.items())
    return {"kind": kind, "choices": choices, "selects": selects}


def page_key(page: str) -> str:
    """An opaque name for the question on a page (a digest of its prompt, never read)."""
    return hashlib.sha256(_PROMPT.search(page).group(1).encode()).hexdigest()


def _pick(values: list[str], strategy: str) -> str:
    if strategy == "sorted":
        return min(values)
    if strategy == "reverse":
        return values[-1]
    if strategy == "authored":  # the ids an author writes: a, then b; a select named after its answer
        return next((v for v in ("a", "b") if v in values), values[0])
    return values[0]


def choose(fields: dict, strategy: str) -> dict:
    """The form a structural strategy posts ("first", "sorted", "reverse", "authored")."""
    if fields["kind"] == "radio":
        return {"answer": _pick(fields["choices"], strategy)}
    if fields["kind"] == "checkbox":
        if strategy == "authored":
            authored = [v for v in fields["choices"] if v in ("a", "b")]
            return {"answer": authored or [fields["choices"][0]]}
        return {"answer": [_pick(fields["choices"], strategy)]}
    selects = fields["selects"]
    if all(option.isdigit() for _, options in selects for option in options):  # positions of an ordering
        names = [name for name, _ in selects]
        if strategy in ("sorted", "authored"):  # positions in name (token or id) order
            names = sorted(names)
        elif strategy == "reverse":
            names = names[::-1]
        return {name: str(n) for n, name in enumerate(names, start=1)}
    form = {}
    for name, options in selects:  # matching: a select whose value equals its name, or a pick
        echo = name.removeprefix("match-")
        form[name] = echo if strategy == "authored" and echo in options else _pick(options, strategy)
    return form


STRATEGIES = ("first", "sorted", "reverse", "authored", "last")


class Bot:
    """One strategy; "last" posts the same answer as last time for a question it met before."""

    def __init__(self, strategy: str):
        self.strategy = strategy
        self.memory: dict[str, dict] = {}

    def answer(self, page: str) -> dict:
        fields = fields_of(page)
        if self.strategy == "last" and (earlier := self.memory.get(page_key(page))):
            return earlier
        form = choose(fields, "first" if self.strategy == "last" else self.strategy)
        self.memory[page_key(page)] = form
        return form

    def refused(self, page: str) -> dict:
        """The answer after a refusal (a token from last time): the first of everything."""
        return choose(fields_of(page), "first")


# --- a bank written the way outsiders found it: the right choice "a", items i1..iN in order ----

CHOICES, PICKS, PAIRS, ITEMS = 4, 5, 4, 4
MIX = {"single_choice": 10, "multiple_response": 7, "matching": 7, "ordering": 6}  # 30 questions


def leaky_data(type_name: str, n: int) -> dict:
    if type_name == "single_choice":
        return {"choices": [{"id": c, "text": f"Option {c} {n}", "correct": c == "a"} for c in "abcd"]}
    if type_name == "multiple_response":
        return {"choices": [{"id": c, "text": f"Pick {c} {n}", "correct": c in "ab"} for c in "abcde"]}
    if type_name == "matching":
        return {"pairs": [{"id": f"p{k}", "left": f"Left {k} {n}", "right": f"Right {k} {n}"} for k in range(1, 5)]}
    return {"items": [{"id": f"i{k}", "text": f"Event {k} {n}"} for k in range(1, 5)]}


def make_leaky_bank(topic) -> None:
    n = 0
    for type_name, count in MIX.items():
        for _ in range(count):
            n += 1
            make_question(topic, type_name, data=leaky_data(type_name, n), prompt=f"Blind question {n}?")


def chance_score(type_name: str) -> float:
    """What a pick that knows nothing scores on average: one choice of k (a single pick of a
    multiple response scores 1/right with probability right/k), one match in k, half the pairs."""
    return {"single_choice": 1 / CHOICES, "multiple_response": 1 / PICKS, "matching": 1 / PAIRS, "ordering": 0.5}[
        type_name
    ]


EXPECTED = sum(count * chance_score(t) for t, count in MIX.items()) / sum(MIX.values())
TOLERANCE = 0.08
