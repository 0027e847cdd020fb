"""Question interchange formats: GIFT and Moodle XML (Moodle), CSV and the app's own JSON."""

from dataclasses import dataclass, field
from typing import Any

from quizapp.bank import limits

MAX_ITEMS = limits.QUESTIONS_PER_FILE


@dataclass
class Parsed:
    """What a file holds: items in the content format, problems (with their line) and skipped questions."""

    items: list[tuple[int, dict[str, Any]]] = field(default_factory=list)  # (line, item)
    problems: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    warnings: dict[int, list[str]] = field(default_factory=dict)  # line: what an item could not keep exactly
    names: dict[int, str] = field(default_factory=dict)  # line: the question's name (a GIFT ::title::)
    refused: list[str] = field(default_factory=list)  # "Line N (name)" of each item left out for its problems
