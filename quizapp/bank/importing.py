"""Importing questions for a teacher: parse, validate every item, then write all or nothing."""

import json
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
            item.setdefault("id", f"imported-{line}")
            item["id"] = item["id"] or f"imported-{line}"
            named = [part for part in item.pop("_category", []) if part in topics]
            if named:
                item["topic"] = named[-1]
            if isinstance(item.get("topic"), str) and "/" in item["topic"]:
                item["topic"] = item["topic"].rstrip("/").rsplit("/", 1)[-1]
        spec, problems = validate_item(item, topics, strict=False)
        label = item.get("id") if isinstance(item, dict) else "?"
        parsed.problems += [
            f"Line {line} ({label}): {field + ': ' if field else ''}{message}" for field, message in problems
        ]
        if spec is not None:
            specs.append((line, spec))
    return specs


def import_specs(specs: list[tuple[int, ItemSpec]], owner_id: int, now: datetime) -> int:
    """Create the owner's questions (flush only: the caller commits, so it is all or nothing)."""
    for _, spec in specs:
        services.save_question(None, spec, owner_id, owner_id, now)
    return len(specs)


def read_and_check(source: bytes | str, fmt: str, default_topic: str) -> tuple[Parsed, list]:
    parsed = parse(source, fmt, default_topic)
    specs = validate(parsed) if not parsed.problems else []
    return parsed, specs
