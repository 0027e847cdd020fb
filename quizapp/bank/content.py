"""Read and validate the curated bank in content/: topics.yaml and questions/**/*.yaml.

Nothing here touches the database: `flask bank check` runs it alone, and `flask bank
load` runs it first and writes only when every file is valid.
"""

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from quizapp.bank import limits
from quizapp.bank.aliases import FILE_NAME as ALIASES_FILE
from quizapp.bank.aliases import read_table as read_alias_table
from quizapp.bank.types import REGISTRY, SLUG

FIRST_PAGE, LAST_PAGE = 225, 251
EVIDENCE_WORDS = (3, 20)
COMMON_FIELDS = {"id", "type", "topic", "tags", "difficulty", "prompt", "explanation", "source", "fact"}


@dataclass(frozen=True)
class Problem:
    file: str
    item: str
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}: {self.item}" if self.item else self.file
        return f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"


@dataclass(frozen=True)
class TopicSpec:
    slug: str
    title: str
    description: str
    parent: str | None
    position: int
    path: str


@dataclass
class ItemSpec:
    """One validated item, in the shape the database wants."""

    slug: str
    type: str
    topic: str
    tags: list[str]
    difficulty: int
    fact: str | None
    prompt: str
    explanation: str
    data: dict[str, Any]
    source_page: int | None
    source_evidence: str | None
    file: str = ""

    @property
    def content_hash(self) -> str:
        return version_hash(
            self.type, self.prompt, self.data, self.explanation, self.difficulty, self.source_page, self.source_evidence
        )


def version_hash(
    type_: str, prompt: str, data: dict, explanation: str, difficulty: int, page: int | None, evidence: str | None
) -> str:
    """A fingerprint of what a version says: equal hashes mean nothing to save."""
    canonical = json.dumps(
        [type_, prompt, data, explanation, difficulty, page, evidence],
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


@dataclass
class Bank:
    topics: list[TopicSpec] = field(default_factory=list)
    items: list[ItemSpec] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def _load_yaml(path: Path, root: Path, problems: list[Problem]) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as error:
        problems.append(Problem(_rel(path, root), "", "", f"not valid YAML: {error}".replace("\n", " ")))
        return None


def _rel(path: Path, root: Path) -> str:
    try:
        return str(path.resolve().relative_to(root.resolve().parent))
    except ValueError:
        return str(path)


def read_topics(content_dir: Path, problems: list[Problem]) -> list[TopicSpec]:
    """The topic tree, parents before children, each with its materialised path."""
    path = content_dir / "topics.yaml"
    if not path.exists():
        problems.append(Problem(_rel(path, content_dir), "", "", "missing"))
        return []
    tree = _load_yaml(path, content_dir, problems)
    topics: list[TopicSpec] = []
    seen: set[str] = set()

    def walk(nodes: Any, parent: TopicSpec | None) -> None:
        if not isinstance(nodes, list):
            problems.append(
                Problem(_rel(path, content_dir), parent.slug if parent else "", "children", "must be a list of topics")
            )
            return
        for position, node in enumerate(nodes):
            slug = str(node.get("slug", "")) if isinstance(node, dict) else ""
            if not SLUG.match(slug) or slug in seen or not isinstance(node.get("title"), str):
                problems.append(
                    Problem(_rel(path, content_dir), slug, "slug", "each topic needs a unique slug and a title")
                )
                continue
            too_long = [
                (name, limit)
                for name, value, limit in (
                    ("slug", slug, limits.TOPIC),
                    ("title", node["title"], limits.TITLE),
                    ("description", str(node.get("description", "")), limits.DESCRIPTION),
                )
                if len(value) > limit
            ]
            if too_long:
                problems.extend(
                    Problem(_rel(path, content_dir), slug[: limits.TOPIC], name, f"is longer than {limit:,} characters")
                    for name, limit in too_long
                )
                continue
            seen.add(slug)
            spec = TopicSpec(
                slug,
                node["title"].strip(),
                str(node.get("description", "")).strip(),
                parent.slug if parent else None,
                position,
                f"{parent.path if parent else '/'}{slug}/",
            )
            topics.append(spec)
            if "children" in node:
                walk(node["children"], spec)

    if tree is not None:
        walk(tree, None)
    return topics


def validate_item(raw: Any, topics: set[str], strict: bool = True) -> tuple[ItemSpec | None, list[tuple[str, str]]]:
    """Check one item against the common rules and its type; return it with its problems.

    The curated bank is `strict`: every question explains itself and cites the article. A
    teacher's own question (typed in or imported) may leave both out; what it gives is checked.
    """
    if not isinstance(raw, dict):
        return None, [("", "each item must be a mapping")]
    problems: list[tuple[str, str]] = []
    item_type = REGISTRY.get(str(raw.get("type"))[:40])
    if item_type is None:
        return None, [("type", f"unknown type {str(raw.get('type'))[:40]!r}; use one of {', '.join(REGISTRY)}")]
    if too_much := limits.problems(raw):
        return None, too_much  # refused before any other work on it
    if not SLUG.match(str(raw.get("id", ""))):
        problems.append(("id", "must be a slug of lowercase letters, digits and hyphens"))
    if raw.get("topic") not in topics:
        problems.append(("topic", f"unknown topic {str(raw.get('topic'))[: limits.TOPIC]!r}"))
    tags = raw.get("tags", [])
    if isinstance(tags, list) and all(isinstance(t, (str, int)) and not isinstance(t, bool) for t in tags):
        tags = [str(t) for t in tags]  # a year such as 1950 is a fine tag
    if not isinstance(tags, list) or not all(isinstance(t, str) and SLUG.match(t) for t in tags):
        problems.append(("tags", "must be a list of lowercase slugs"))
    if raw.get("difficulty") not in (1, 2, 3) or isinstance(raw.get("difficulty"), bool):
        problems.append(("difficulty", "must be 1, 2 or 3"))
    if "fact" in raw and not (isinstance(raw["fact"], str) and SLUG.match(raw["fact"])):
        problems.append(("fact", "must be a slug"))
    prompt = raw.get(item_type.prompt_field)
    if not isinstance(prompt, str) or not prompt.strip():
        problems.append((item_type.prompt_field, "must be a non-empty text"))
    explanation = raw.get("explanation", "")
    if not isinstance(explanation, str) or (strict and item_type.in_quizzes and not explanation.strip()):
        problems.append(("explanation", "must say why the answer is right"))
    if strict or raw.get("source") is not None:
        problems += _source_problems(raw.get("source"))
    allowed = (COMMON_FIELDS - {"prompt"}) | {item_type.prompt_field, *item_type.item_fields}
    if unknown := sorted(str(name)[:40] for name in set(raw) - allowed):
        problems.append(("", f"unknown fields for {item_type.name}: {', '.join(unknown[:10])}"))
    problems += item_type.validate(raw)
    if problems:
        return None, problems
    source = raw.get("source") or {}
    return ItemSpec(
        slug=raw["id"],
        type=item_type.name,
        topic=raw["topic"],
        tags=sorted(set(tags)),
        difficulty=raw["difficulty"],
        fact=raw.get("fact"),
        prompt=prompt.strip(),
        explanation=explanation.strip(),
        data=item_type.to_data(raw),
        source_page=source.get("page"),
        source_evidence=source["evidence"].strip() if source else None,
    ), []


def _source_problems(source: Any) -> list[tuple[str, str]]:
    if not isinstance(source, dict):
        return [("source", 'must be {page: N, evidence: "a verbatim phrase"}')]
    problems = []
    page = source.get("page")
    if not isinstance(page, int) or isinstance(page, bool) or not FIRST_PAGE <= page <= LAST_PAGE:
        problems.append(("source.page", f"must be a page from {FIRST_PAGE} to {LAST_PAGE}"))
    evidence = source.get("evidence")
    low, high = EVIDENCE_WORDS
    if not isinstance(evidence, str) or not low <= len(evidence.split()) <= high:
        problems.append(("source.evidence", f"must be a verbatim phrase of {low}-{high} words"))
    if set(source) - {"page", "evidence"}:
        problems.append(("source", "has only page and evidence"))
    return problems


def question_files(content_dir: Path, only: Path | None = None) -> list[Path]:
    if only is not None and only.is_file():
        return [only]
    return sorted((only or content_dir / "questions").rglob("*.yaml"))


def read_bank(content_dir: Path, only: Path | None = None) -> Bank:
    """Topics and items from content_dir (or just the file or folder `only`), with every problem found."""
    bank = Bank()
    bank.topics = read_topics(content_dir, bank.problems)
    topic_slugs = {t.slug for t in bank.topics}
    first_seen: dict[str, str] = {}
    for path in question_files(content_dir, only):
        name = _rel(path, content_dir)
        document = _load_yaml(path, content_dir, bank.problems)
        if document is None:
            continue
        if not isinstance(document, dict) or not isinstance(document.get("items"), list):
            bank.problems.append(Problem(name, "", "items", "the file must be a mapping with a list under `items`"))
            continue
        for index, raw in enumerate(document["items"]):
            item_id = str(raw.get("id")) if isinstance(raw, dict) and raw.get("id") else f"item #{index + 1}"
            if item_id in first_seen:
                bank.problems.append(Problem(name, item_id, "id", f"used twice (first in {first_seen[item_id]})"))
                continue
            first_seen[item_id] = name
            spec, problems = validate_item(raw, topic_slugs)
            bank.problems += [Problem(name, item_id, f, m) for f, m in problems]
            if spec is not None:
                spec.file = name
                bank.items.append(spec)
    bank.problems += alias_problems(content_dir, bank.items)
    return bank


def alias_problems(content_dir: Path, items: list[ItemSpec]) -> list[Problem]:
    """What is wrong with content/aliases.yaml, and opt-outs (`no_aliases`) naming no group of it."""
    table = read_alias_table(content_dir)
    name = _rel(content_dir / ALIASES_FILE, content_dir)
    problems = [Problem(name, "", "", message) for message in table.problems]
    for item in items:
        if unknown := sorted(set(item.data.get("no_aliases", [])) - table.groups.keys()):
            problems.append(Problem(item.file, item.slug, "no_aliases", f"no alias group {', '.join(unknown)}"))
    return problems
