"""CSV with documented columns, one question per row (the types a spreadsheet holds well).

Columns: type, topic, difficulty, prompt, answer, choices, tolerance, explanation, tags,
source_page, source_evidence. `answer` is the right choice (several separated by |
for multiple response), true or false, the accepted answers separated by |, the number,
or a flashcard's back. `choices` holds the wrong choices separated by |. Text cells that a
spreadsheet would take for a formula are written behind an apostrophe and read back without it
(quizapp/csvsafe.py).
"""

import csv
import io
from itertools import islice
from typing import Any

from quizapp import csvsafe
from quizapp.bank import limits
from quizapp.bank.formats import MAX_ITEMS, Parsed
from quizapp.bank.types import feedback_texts, get_type

COLUMNS = [
    "type",
    "topic",
    "difficulty",
    "prompt",
    "answer",
    "choices",
    "tolerance",
    "explanation",
    "tags",
    "source_page",
    "source_evidence",
]
CSV_TYPES = ("single_choice", "multiple_response", "true_false", "short_answer", "numeric", "flashcard")
# A longer cell could never pass validation (the widest: every choice of a question in one cell).
MAX_FIELD = max(limits.LONGEST_FIELD, limits.CHOICES * (limits.CHOICE + len(" | ")))


def _split(value: str) -> list[str]:
    return [part.strip() for part in (value or "").split("|") if part.strip()]


def _number(value: str) -> Any:
    try:
        number = float(value.replace(",", ""))
    except ValueError:
        return value  # the registry names the field
    return int(number) if number.is_integer() else number


def parse(source: str, default_topic: str) -> Parsed:
    parsed = Parsed()
    csv.field_size_limit(MAX_FIELD)
    reader = csv.DictReader(io.StringIO(source))
    try:
        rows = [csvsafe.restored(row) for row in islice(reader, MAX_ITEMS + 1)]  # more are refused unread
    except csv.Error as error:
        parsed.problems.append(
            f"Line {reader.reader.line_num}: not valid CSV ({error}); fields hold at most {MAX_FIELD:,} characters."
        )
        return parsed
    if missing := {"type", "prompt", "answer"} - set(reader.fieldnames or ()):
        parsed.problems.append(f"Line 1: the header lacks the column(s) {', '.join(sorted(missing))}.")
        return parsed
    if len(rows) > MAX_ITEMS:
        parsed.problems.append(f"A file holds at most {MAX_ITEMS} questions.")
        return parsed
    for number, row in enumerate(rows, start=2):
        kind = (row.get("type") or "").strip()
        if kind not in CSV_TYPES:
            parsed.skipped.append(
                f"Line {number}: skipped: type {kind!r} is not one CSV holds ({', '.join(CSV_TYPES)})."
            )
            continue
        answer = row.get("answer") or ""
        item: dict[str, Any] = {
            "id": f"csv-line-{number}",
            "type": kind,
            "topic": (row.get("topic") or default_topic).strip(),
            "difficulty": _number(row.get("difficulty") or "2"),
            "explanation": row.get("explanation") or "",
            "tags": [t.strip().lower() for t in (row.get("tags") or "").replace("|", ",").split(",") if t.strip()],
        }
        item["front" if kind == "flashcard" else "prompt"] = row.get("prompt") or ""
        if kind in ("single_choice", "multiple_response"):
            right, wrong = _split(answer), _split(row.get("choices") or "")
            item["choices"] = [
                {"id": f"c{n}", "text": text, "correct": n <= len(right)}
                for n, text in enumerate(right + wrong, start=1)
            ]
        elif kind == "true_false":
            value = answer.strip().lower()
            item["answer"] = {"true": True, "false": False}.get(value, value)
        elif kind == "short_answer":
            item["answers"] = _split(answer)
        elif kind == "numeric":
            item |= {"answer": _number(answer.strip()), "tolerance": _number(row.get("tolerance") or "0")}
        else:
            item["back"] = answer
        if (row.get("source_page") or "").strip():
            item["source"] = {"page": _number(row["source_page"].strip()), "evidence": row.get("source_evidence", "")}
        parsed.items.append((number, item))
        if len(parsed.items) > MAX_ITEMS:
            parsed.problems.append(f"A file holds at most {MAX_ITEMS} questions.")
            break
    return parsed


def _csv_holds(item: dict[str, Any]) -> bool:
    """Whether CSV's columns hold all the item says: not Moodle's credit, feedback, distractors or HTML
    (such an item is listed as skipped rather than written with another meaning)."""
    return not (
        get_type(item["type"]).is_moodle(item)
        or feedback_texts(item)
        or item.get("general_feedback")
        or item.get("format", "markdown") != "markdown"
    )


def write(items: list[dict[str, Any]]) -> tuple[str, list[str]]:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS)
    writer.writeheader()
    skipped = []
    for item in items:
        kind = item["type"]
        if kind not in CSV_TYPES or not _csv_holds(item):
            skipped.append(item["id"])
            continue
        row = {
            "type": kind,
            "topic": item["topic"].rsplit("/", 1)[-1],
            "difficulty": item["difficulty"],
            "prompt": item.get("front") or item.get("prompt"),
            "explanation": item.get("explanation", ""),
            "tags": ", ".join(item.get("tags", [])),
        }
        if kind in ("single_choice", "multiple_response"):
            row["answer"] = " | ".join(c["text"] for c in item["choices"] if c.get("correct"))
            row["choices"] = " | ".join(c["text"] for c in item["choices"] if not c.get("correct"))
        elif kind == "true_false":
            row["answer"] = "true" if item["answer"] else "false"
        elif kind == "short_answer":
            row["answer"] = " | ".join(item["answers"])
        elif kind == "numeric":
            row["answer"], row["tolerance"] = item["answer"], item["tolerance"]
        else:
            row["answer"] = item["back"]
        if source := item.get("source"):
            row["source_page"], row["source_evidence"] = source["page"], source["evidence"]
        writer.writerow(csvsafe.neutralised(row))
    return out.getvalue(), skipped
