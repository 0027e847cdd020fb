"""The alias table (content/aliases.yaml): names and terms with their usual variants.

Each group holds equivalent forms: romanisations (McCune-Reischauer with and without
diacritics, Revised Romanization, pinyin, Wade-Giles, transliterations of Russian) and full
and short names. A typed answer that is, as a whole and after folding, a form of the same
group as an accepted answer earns that answer's credit, unless the item opts out of the group
(`no_aliases: [group-id]`). The teachers' bank search widens a query by its group too.
"""

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from flask import current_app, has_app_context

from quizapp.bank.folding import fold_answer

FILE_NAME = "aliases.yaml"
DEFAULT_CONTENT_DIR = Path(__file__).resolve().parents[2] / "content"


@dataclass
class AliasTable:
    groups: dict[str, list[str]] = field(default_factory=dict)  # group id -> forms as written
    problems: list[str] = field(default_factory=list)
    _group_of: dict[str, str] = field(default_factory=dict)  # folded form -> group id

    def group_of(self, text: str) -> str | None:
        """The group whose forms include `text` (folded), if any."""
        return self._group_of.get(fold_answer(text))

    def folded_forms(self, group_id: str) -> list[str]:
        return sorted({fold_answer(form) for form in self.groups.get(group_id, [])})

    @property
    def fingerprint(self) -> str:
        """A hash of the groups alone: comments and layout may change without a regrade."""
        canonical = json.dumps(self.groups, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).hexdigest()


def parse_table(document: Any) -> AliasTable:
    """A table from the YAML document (a list of {id, forms}); what is wrong goes to `problems`."""
    from quizapp.bank.types.base import SLUG

    table = AliasTable()
    if document is None:
        return table
    if not isinstance(document, list):
        table.problems.append("must be a list of groups: {id: a-slug, forms: [two or more forms]}")
        return table
    for index, group in enumerate(document):
        where = f"group #{index + 1}"
        if not isinstance(group, dict) or set(group) != {"id", "forms"}:
            table.problems.append(f"{where}: must be a mapping with exactly `id` and `forms`")
            continue
        group_id, forms = str(group["id"]), group["forms"]
        if not SLUG.match(group_id) or group_id in table.groups:
            table.problems.append(f"{where}: id {group_id!r} must be a unique slug")
            continue
        if not isinstance(forms, list) or not all(isinstance(f, str) and fold_answer(f) for f in forms):
            table.problems.append(f"{group_id}: forms must be a list of non-empty texts")
            continue
        folded = {fold_answer(form) for form in forms}
        if len(folded) < 2:
            table.problems.append(f"{group_id}: needs two forms that differ after folding")
            continue
        if taken := sorted(f for f in folded if f in table._group_of):
            others = ", ".join(sorted({table._group_of[f] for f in taken}))
            table.problems.append(f"{group_id}: a form is already in {others}; a form belongs to one group")
            continue
        table.groups[group_id] = [form.strip() for form in forms]
        table._group_of.update(dict.fromkeys(folded, group_id))
    return table


def read_table(content_dir: Path) -> AliasTable:
    """The table in content_dir/aliases.yaml (an empty table when there is no file)."""
    path = content_dir / FILE_NAME
    if not path.exists():
        return AliasTable()
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as error:
        return AliasTable(problems=[f"not valid YAML: {error}".replace("\n", " ")])
    return parse_table(document)


_cache: dict[Path, tuple[tuple[int, int], AliasTable]] = {}


def current_table() -> AliasTable:
    """The table grading uses: the app's content/aliases.yaml, read again only when the file changes."""
    content_dir = Path(current_app.config["CONTENT_DIR"]) if has_app_context() else DEFAULT_CONTENT_DIR
    path = content_dir / FILE_NAME
    try:
        status = path.stat()
        stamp = (status.st_mtime_ns, status.st_size)
    except OSError:
        return AliasTable()
    cached = _cache.get(path)
    if cached is None or cached[0] != stamp:
        cached = (stamp, read_table(content_dir))
        _cache[path] = cached
    return cached[1]


def search_forms(query: str) -> list[str]:
    """What a bank search for `query` looks for in the folded search column: the folded query and,
    when the whole query is a form of an alias group, every form of that group."""
    folded = fold_answer(query)
    if not folded:
        return []
    table = current_table()
    group = table.group_of(query)
    return sorted({folded, *table.folded_forms(group)}) if group else [folded]


def accepts(typed: str, accepted: list[str], opted_out: list[str] | tuple[str, ...] = ()) -> bool:
    """Whether `typed` is, after folding, an accepted answer or an alias of one (whole answers only)."""
    folded = fold_answer(typed)
    if not folded:
        return False
    if any(folded == fold_answer(answer) for answer in accepted):
        return True
    table = current_table()
    group = table.group_of(typed)
    return group is not None and group not in opted_out and any(table.group_of(a) == group for a in accepted)
