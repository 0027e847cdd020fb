"""Answers marked in place: each option, pair or item of an answer with its verdict in words, so
feedback can be scanned option by option instead of read as two long lines."""

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Mark:
    """One option, pair or item of an answer, marked.

    `text` is the option, the pair's left entry or the item (authored text, shown in the item's
    format); `verdict` is "right", "wrong", "missed" or "left" (a wrong option rightly not chosen)
    and styles the mark; `words` says it, so colour is never the only sign. `chosen` is what the
    learner gave for a pair or an item ("" for nothing) and `right` what was due, shown where wrong.
    """

    text: str
    verdict: str
    words: str
    chosen: str = ""
    right: str = ""


def choice_marks(order: list[str], texts: dict[str, str], right: set[str], picked: set[str]) -> list[Mark]:
    """Each choice of a multiple response question, in the order it was shown."""
    words = {
        (True, True): ("right", "Right — you chose it"),
        (True, False): ("wrong", "Wrong — you chose it"),
        (False, True): ("missed", "Missed — right, not chosen"),
        (False, False): ("left", "Not chosen — rightly"),
    }
    return [Mark(texts[c], *words[(c in picked, c in right)]) for c in order if c in texts]


def shown_order(layout: Any, field: str, ids: list[str]) -> list[str]:
    """The ids in the order the attempt showed them (the authored order when the layout lacks them)."""
    shown = layout.get(field) if isinstance(layout, dict) else None
    if not isinstance(shown, list) or sorted(map(str, shown)) != sorted(ids):
        return ids
    return shown


def ordinal(n: int) -> str:
    """1st, 2nd, 3rd, 4th... for positions (at most a handful)."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"
