"""Importing questions for a teacher: parse, validate every item, then write all or nothing."""

import json
import re
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from quizapp.bank import limits, services
from quizapp.bank.content import ItemSpec, validate_item
from quizapp.bank.formats import MAX_ITEMS, Parsed, gift, moodle_xml, tabular
from quizapp.bank.models import Topic
from quizapp.extensions import db

FORMATS = ("gift", "moodle_xml", "csv", "json")
MAX_BYTES = limits.UPLOAD_BYTES


def parse_json(source: str, default_topic: str) -> Parsed:
    """The app's own export: a list of items whose topic is a path ("korean-war/road-to-war")."""
    parsed = Parsed()
    try:
        data = json.loads(source)
    except (ValueError, RecursionError) as error:
        parsed.problems.append(f"The file is not valid JSON: {str(error)[:200]}.")
        return parsed
    if isinstance(data, dict):
        data = data.get("questions", data.get("items"))
    if not isinstance(data, list):
        parsed.problems.append("The JSON must be a list of questions (as `flask bank export` writes).")
        return parsed
    if len(data) > MAX_ITEMS:
        parsed.problems.append(f"A file holds at most {MAX_ITEMS} questions; this one has {len(data)}.")
        return parsed
    for number, item in enumerate(data, start=1):
        if isinstance(item, dict) and isinstance(item.get("topic"), str):
            item = {**item, "topic": item["topic"].rstrip("/").rsplit("/", 1)[-1] or default_topic}
        parsed.items.append((number, item))
    return parsed


def parse(source: bytes | str, fmt: str, default_topic: str) -> Parsed:
    if isinstance(source, bytes):
        if len(source) > MAX_BYTES:
            return Parsed(problems=[f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB."])
        try:
            source = source.decode("utf-8-sig")
        except UnicodeDecodeError:
            return Parsed(problems=["The file is not UTF-8 text."])
    if len(source) > MAX_BYTES:
        return Parsed(problems=[f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB."])
    reader = {"gift": gift.parse, "moodle_xml": moodle_xml.parse, "csv": tabular.parse, "json": parse_json}[fmt]
    return reader(source, default_topic)


def validate(parsed: Parsed) -> list[tuple[int, ItemSpec]]:
    """Check every parsed item with the registry (teachers' rules: source and explanation optional);
    problems are added to `parsed` with their line."""
    topics = set(db.session.scalars(sa.select(Topic.slug)))
    specs = []
    for line, raw in parsed.items:
        item: Any = dict(raw) if isinstance(raw, dict) else raw
        if isinstance(item, dict):
            if name := item.pop("_name", None):
                parsed.names[line] = str(name)
            if warnings := item.pop("_warnings", None):
                parsed.warnings[line] = [str(w) for w in warnings]
            item.setdefault("id", f"imported-{line}")
            item["id"] = item["id"] or f"imported-{line}"
            named = [part for part in item.pop("_category", []) if part in topics]
            if named:
                item["topic"] = named[-1]
            if isinstance(item.get("topic"), str) and "/" in item["topic"]:
                item["topic"] = item["topic"].rstrip("/").rsplit("/", 1)[-1]
        spec, problems = validate_item(item, topics, strict=False)
        label = parsed.names.get(line) or (item.get("id") if isinstance(item, dict) else "?")
        parsed.problems += [
            f"Line {line} ({label}): {field + ': ' if field else ''}{message}" for field, message in problems
        ]
        if problems:
            parsed.refused.append(f"Line {line} ({label})")
        if spec is not None:
            specs.append((line, spec))
    return specs


def import_specs(specs: list[tuple[int, ItemSpec]], owner_id: int, now: datetime) -> int:
    """Create the owner's questions (flush only: the caller commits, so it is all or nothing)."""
    for _, spec in specs:
        services.save_question(None, spec, owner_id, owner_id, now)
    return len(specs)


def read_and_check(source: bytes | str, fmt: str, default_topic: str) -> tuple[Parsed, list]:
    """Every problem in the file at once, and the items that passed (importable on their own with
    `skip_invalid`)."""
    parsed = parse(source, fmt, default_topic)
    specs = validate(parsed)
    return parsed, specs


def refused_lines(parsed: Parsed) -> list[str]:
    """Each problem's "Line N (name)", once: what importing the valid items leaves out."""
    seen: dict[str, int] = {}
    for problem in parsed.problems:
        head = problem.split(":", 1)[0]
        if match := re.match(r"Line (\d+)", head):
            seen[head] = int(match.group(1))
    return sorted(seen, key=seen.__getitem__)


def answer_rows(item: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(answer, credit, feedback) rows for the preview, in a teacher's words."""
    kind, data = item.get("type"), item.get("data", item)
    rows: list[tuple[str, str, str]] = []

    def credit(fraction: Any) -> str:
        return f"{float(fraction) * 100:g}%"

    if kind in ("single_choice", "multiple_response"):
        for choice in data.get("choices", []):
            fraction = choice.get("fraction", 1 if choice.get("correct") else 0)
            rows.append((choice.get("text", ""), credit(fraction), choice.get("feedback", "")))
    elif kind == "true_false":
        truth = data.get("answer")
        rows.append(("True", "100%" if truth else "0%", data.get("feedback_true", "")))
        rows.append(("False", "0%" if truth else "100%", data.get("feedback_false", "")))
    elif kind == "short_answer":
        for answer in data.get("answers", []):
            entry = answer if isinstance(answer, dict) else {"text": answer}
            rows.append((entry.get("text", ""), credit(entry.get("fraction", 1)), entry.get("feedback", "")))
    elif kind == "numeric":
        for answer in data.get("answers") or [{"value": data.get("answer"), "tolerance": data.get("tolerance", 0)}]:
            shown = (
                f"{answer['min']} to {answer['max']}"
                if "min" in answer
                else f"{answer.get('value')}" + (f" ± {answer['tolerance']}" if answer.get("tolerance") else "")
            )
            rows.append((shown, credit(answer.get("fraction", 1)), answer.get("feedback", "")))
        if data.get("other_feedback"):
            rows.append(("any other number", "0%", data["other_feedback"]))
    elif kind == "matching":
        rows += [(f"{p.get('left')} → {p.get('right')}", "", "") for p in data.get("pairs", [])]
        rows += [(f"(wrong option) {d}", "", "") for d in data.get("distractors", [])]
    elif kind == "ordering":
        rows += [(i.get("text", ""), "", "") for i in data.get("items", [])]
    elif kind == "cloze":
        rows += [
            (f"{b.get('id')}: {' | '.join(map(str, b.get('answers', [])))}", "", "") for b in data.get("blanks", [])
        ]
    elif kind == "flashcard":
        rows.append((str(data.get("back", "")), "", ""))
    return rows
