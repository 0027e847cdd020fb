"""Arrangement types: put items in order, match pairs."""

from itertools import combinations
from random import Random
from typing import Any

from werkzeug.datastructures import MultiDict

from quizapp.bank import limits
from quizapp.bank.types.base import (
    Answer,
    InvalidAnswer,
    KeyLine,
    Problems,
    QuestionType,
    answer_tokens,
    entries,
    id_for,
    is_text,
    token_for,
)
from quizapp.bank.types.marks import Mark, ordinal


class Ordering(QuestionType):
    name, label = "ordering", "Ordering"
    answer_fields = ("items",)
    scoring_rule = (
        "The share of pairs of items that stand in the right order relative to each other "
        "(all right: 1; fully reversed: 0)."
    )

    def check(self, item: dict) -> Problems:
        problems: Problems = []
        entries(item, "items", ("text",), 3, 6, problems)
        return problems

    def store(self, item: dict) -> dict[str, Any]:
        return {"items": [{"id": str(e["id"]), "text": e["text"].strip()} for e in item["items"]]}

    def make_layout(self, data: dict[str, Any], rng: Random) -> dict[str, Any]:
        # Any order, the right one included: refusing it would make the reverse of the shown
        # order a better than even guess (60% of pairs for three items).
        order = [e["id"] for e in data["items"]]
        rng.shuffle(order)
        return {"items": order, "tokens": answer_tokens(order)}

    def parse_answer(self, data, layout, form: MultiDict) -> Answer:
        ids = [e["id"] for e in data["items"]]
        positions = {}
        for item_id in ids:
            raw = (form.get(f"pos-{token_for(layout, 'tokens', item_id)}") or "").strip()
            if not raw:
                raise InvalidAnswer("Give every item a position.")
            if not raw.isdigit() or not 1 <= int(raw) <= len(ids):
                raise InvalidAnswer(f"Positions run from 1 to {len(ids)}.")
            positions[item_id] = int(raw)
        if len(set(positions.values())) != len(ids):
            raise InvalidAnswer("Give each item a different position.")
        return {"order": sorted(ids, key=positions.__getitem__)}

    def grade(self, data, answer: Answer) -> float:
        order = answer.get("order") if isinstance(answer, dict) else None
        right = [e["id"] for e in data["items"]]
        if not isinstance(order, list) or sorted(map(str, order)) != sorted(right):
            return 0.0
        place = {item_id: n for n, item_id in enumerate(order)}
        pairs = list(combinations(right, 2))
        return sum(1 for a, b in pairs if place[a] < place[b]) / len(pairs)

    def correct_answer(self, data) -> Answer:
        return {"order": [e["id"] for e in data["items"]]}

    def describe(self, data, answer: Answer | None) -> str:
        texts = {e["id"]: e["text"] for e in data["items"]}
        order = (answer or {}).get("order") or []
        return " → ".join(texts.get(i, "?") for i in order) or "(no answer)"

    def marks(self, data, layout, answer: Answer | None) -> list[Mark]:
        """Each item in the order the learner put them, with its right position where it differs."""
        right = {e["id"]: n for n, e in enumerate(data["items"], start=1)}
        texts = {e["id"]: e["text"] for e in data["items"]}
        order = (answer or {}).get("order") if isinstance(answer, dict) else None
        if not isinstance(order, list) or sorted(map(str, order)) != sorted(right):
            return [Mark(texts[i], "missed", f"Missed — it belongs {ordinal(n)}") for i, n in right.items()]
        return [
            Mark(texts[i], "right", f"Right — {ordinal(n)}")
            if right[i] == n
            else Mark(texts[i], "wrong", f"Wrong — you put it {ordinal(n)}; it belongs {ordinal(right[i])}")
            for n, i in enumerate(order, start=1)
        ]


DISTRACTOR = "~"  # distractor option ids are "~0", "~1"...: never a slug, so never a pair's id


class Matching(QuestionType):
    """Pairs to match, and possibly extra wrong options on the right (Moodle's distractors)."""

    name, label = "matching", "Matching"
    answer_fields = ("pairs", "distractors")
    scoring_rule = "The share of left-hand entries matched to their right partner."

    def check(self, item: dict) -> Problems:
        problems: Problems = []
        pairs = entries(item, "pairs", ("left", "right"), 2, limits.PAIRS, problems)
        for side in ("left", "right"):
            texts = [str(p.get(side, "")).strip().casefold() for p in pairs]
            if len(set(texts)) != len(texts):
                problems.append(("pairs", f"two pairs have the same {side} entry"))
        distractors = item.get("distractors", [])
        if not isinstance(distractors, list) or len(distractors) > limits.PAIRS:
            problems.append(("distractors", f"must be a list of at most {limits.PAIRS} extra wrong options"))
            return problems
        rights = {str(p.get("right", "")).strip().casefold() for p in pairs}
        for i, text in enumerate(distractors):
            if not is_text(text):
                problems.append((f"distractors[{i}]", "must be a non-empty text"))
            elif text.strip().casefold() in rights:
                problems.append((f"distractors[{i}]", "is the same as a pair's right entry"))
            else:
                rights.add(text.strip().casefold())
        return problems

    def store(self, item: dict) -> dict[str, Any]:
        pairs = [{"id": str(p["id"]), "left": p["left"].strip(), "right": p["right"].strip()} for p in item["pairs"]]
        distractors = [text.strip() for text in item.get("distractors", [])]
        return {"pairs": pairs} | ({"distractors": distractors} if distractors else {})

    @staticmethod
    def options(data: dict[str, Any]) -> dict[str, str]:
        """Every option on the right by its id: the pairs' right entries and the distractors."""
        texts = {p["id"]: p["right"] for p in data["pairs"]}
        return texts | {f"{DISTRACTOR}{n}": text for n, text in enumerate(data.get("distractors", []))}

    def make_layout(self, data: dict[str, Any], rng: Random) -> dict[str, Any]:
        right = list(self.options(data))
        rng.shuffle(right)
        # A row's field and its right partner get unrelated tokens, so no select names its answer.
        fields = answer_tokens([p["id"] for p in data["pairs"]])
        return {"right": right, "fields": fields, "options": answer_tokens(right)}

    def parse_answer(self, data, layout, form: MultiDict) -> Answer:
        ids = self.options(data).keys()
        chosen = {}
        for pair in data["pairs"]:
            value = (form.get(f"match-{token_for(layout, 'fields', pair['id'])}") or "").strip()
            if not value:
                continue
            partner = id_for(layout, "options", value, ids)
            if partner is None:
                raise InvalidAnswer("That match is not one of this question's entries.")
            chosen[pair["id"]] = partner
        if not chosen:
            raise InvalidAnswer("Match at least one entry.")
        return {"pairs": chosen}

    def grade(self, data, answer: Answer) -> float:
        chosen = answer.get("pairs") if isinstance(answer, dict) else None
        if not isinstance(chosen, dict):
            return 0.0
        return sum(1 for p in data["pairs"] if chosen.get(p["id"]) == p["id"]) / len(data["pairs"])

    def correct_answer(self, data) -> Answer:
        return {"pairs": {p["id"]: p["id"] for p in data["pairs"]}}

    def answer_key(self, data: dict[str, Any]) -> list[KeyLine]:
        pairs: list[KeyLine] = [(f"{p['left']} → {p['right']}", 1.0, "") for p in data["pairs"]]
        return pairs + [(f"(wrong option) {text}", 0.0, "") for text in data.get("distractors", [])]

    def describe(self, data, answer: Answer | None) -> str:
        right = self.options(data)
        chosen = (answer or {}).get("pairs") or {}
        if not chosen:
            return "(no answer)"
        return "; ".join(f"{p['left']} → {right.get(chosen.get(p['id']), '(none)')}" for p in data["pairs"])

    def marks(self, data, layout, answer: Answer | None) -> list[Mark]:
        """Each left entry with the learner's match, and the right match where theirs is wrong or missing."""
        options = self.options(data)
        chosen = (answer or {}).get("pairs") if isinstance(answer, dict) else None
        chosen = chosen if isinstance(chosen, dict) else {}
        marks = []
        for pair in data["pairs"]:
            pick = chosen.get(pair["id"])
            if pick == pair["id"]:
                marks.append(Mark(pair["left"], "right", "Right", options[pick]))
            elif pick in options:
                marks.append(Mark(pair["left"], "wrong", "Wrong", options[pick], pair["right"]))
            else:
                marks.append(Mark(pair["left"], "missed", "Missed — not matched", "", pair["right"]))
        return marks
