"""The bank audit behind `flask bank check`: twin items, runs copied from the article, single-form answers.

Two items are twins when one quiz showing both would give one away: they cite the same page
with evidence phrases that overlap, their prompts are alike, or one's explanation states the
other's answer. Twins must share a `fact` (so no quiz or review day shows both), or be listed
in content/not-twins.yaml with a reason. The definitions are those of /work/tools/bankaudit.py,
which the content writers run, so the app and the writers count the same pairs.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path

import yaml
from rapidfuzz import fuzz

from quizapp.bank.content import ItemSpec
from quizapp.bank.folding import fold_prose, prose_words

NOT_TWINS_FILE = "not-twins.yaml"
EVIDENCE_RUN = 5  # folded words two evidence phrases of one page may share
ALIKE = 80  # rapidfuzz token_sort_ratio from which two prompts are alike
ALIKE_MIN_WORDS = 4
KEY_MIN_CHARS = 4
COPIED_RUN = 12  # words in a row from the article that make a copy


def prompt_text(item: ItemSpec) -> str:
    """What a learner reads before answering: the prompt (or front), the passage, choices, items, pairs."""
    data = item.data
    parts = [item.prompt, data.get("text") or ""]
    parts += [str(entry.get("text", "")) for key in ("choices", "items") for entry in data.get(key) or []]
    parts += [f"{pair.get('left', '')} {pair.get('right', '')}" for pair in data.get("pairs") or []]
    return " ".join(part for part in parts if isinstance(part, str))


def authored_texts(item: ItemSpec) -> list[str]:
    """Every text the writer wrote in their own words (the evidence phrase is a quotation by design)."""
    data = item.data
    texts = [item.prompt, item.explanation, data.get("text") or "", data.get("back") or ""]
    texts += [str(entry.get("text", "")) for key in ("choices", "items") for entry in data.get(key) or []]
    texts += [str(pair.get(side, "")) for pair in data.get("pairs") or [] for side in ("left", "right")]
    texts += [str(answer) for answer in data.get("answers") or [] if isinstance(data.get("answers"), list)]
    return [text for text in texts if text]


def keyed_answers(item: ItemSpec) -> list[str]:
    """The answers an explanation elsewhere could give away: typed answers, correct choices, each blank's first."""
    data = item.data
    if item.type == "short_answer":
        return [str(answer) for answer in data["answers"]]
    if item.type in ("single_choice", "multiple_response"):
        return [choice["text"] for choice in data["choices"] if choice.get("correct")]
    if item.type == "cloze":
        return [str(blank["answers"][0]) for blank in data["blanks"] if blank["answers"]]
    return []


@dataclass
class _Folded:
    """One item's texts folded once, for comparing it with every other item."""

    item: ItemSpec
    evidence: list[str]
    prompt: str
    prompt_words: int
    explanation: str  # folded words joined by spaces, padded with a space at either end
    keys: list[tuple[str, str]]  # (answer as written, its folded words joined)

    @classmethod
    def of(cls, item: ItemSpec) -> "_Folded":
        prompt = prompt_text(item)
        keys = []
        for answer in keyed_answers(item):
            words = prose_words(answer)
            joined = " ".join(words)
            if len(joined) >= KEY_MIN_CHARS and not all(word.isdigit() for word in words):
                keys.append((answer, joined))
        explanation = item.explanation or item.data.get("back") or ""
        return cls(
            item=item,
            evidence=prose_words(item.source_evidence or ""),
            prompt=fold_prose(prompt),
            prompt_words=len(prose_words(prompt)),
            explanation=f" {' '.join(prose_words(explanation))} ",
            keys=keys,
        )


def shares_run(a: list[str], b: list[str], n: int = EVIDENCE_RUN) -> bool:
    """Whether two word lists share a run of n words, or one contains the other."""
    if not a or not b:
        return False
    joined_a, joined_b = " ".join(a), " ".join(b)
    if joined_a in joined_b or joined_b in joined_a:
        return True
    runs = {tuple(a[i : i + n]) for i in range(len(a) - n + 1)}
    return any(tuple(b[i : i + n]) in runs for i in range(len(b) - n + 1))


def _twin_reason(x: _Folded, y: _Folded) -> str | None:
    same_page = x.item.source_page == y.item.source_page
    if same_page and shares_run(x.evidence, y.evidence):
        return "evidence overlaps"
    if x.prompt_words >= ALIKE_MIN_WORDS and fuzz.token_sort_ratio(x.prompt, y.prompt) >= ALIKE:
        return "prompts alike"
    if same_page:
        for a, b in ((x, y), (y, x)):
            for answer, joined in b.keys:
                if f" {joined} " in a.explanation:
                    return f"{a.item.slug}'s explanation gives {b.item.slug}'s answer {answer!r}"
    return None


def twin_reason(x: ItemSpec, y: ItemSpec) -> str | None:
    """Why two items would give each other away in one quiz, or None."""
    return _twin_reason(_Folded.of(x), _Folded.of(y))


@dataclass(frozen=True)
class Twin:
    first: ItemSpec
    second: ItemSpec
    reason: str

    def __str__(self) -> str:
        a, b = self.first, self.second
        return f"{a.slug} ({a.file}, fact {a.fact}) ~ {b.slug} ({b.file}, fact {b.fact}): {self.reason}"


def twin_pairs(items: list[ItemSpec], not_twins: set[frozenset[str]], only: Iterable[str] | None = None) -> list[Twin]:
    """Twin pairs without a shared fact and not declared in not-twins.yaml; with `only` (item slugs),
    just the pairs that touch one of them."""
    wanted = set(only) if only is not None else None
    folded = [_Folded.of(item) for item in items]
    twins = []
    for x, y in combinations(folded, 2):
        a, b = x.item, y.item
        if wanted is not None and a.slug not in wanted and b.slug not in wanted:
            continue
        if (a.fact and a.fact == b.fact) or frozenset((a.slug, b.slug)) in not_twins:
            continue
        if reason := _twin_reason(x, y):
            twins.append(Twin(a, b, reason))
    return twins


def read_not_twins(content_dir: Path) -> tuple[set[frozenset[str]], list[str]]:
    """The pairs content/not-twins.yaml clears (`- {pair: [id1, id2], reason: "..."}`), and its problems."""
    path = content_dir / NOT_TWINS_FILE
    if not path.exists():
        return set(), []
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as error:
        return set(), [f"not valid YAML: {error}".replace("\n", " ")]
    if document is None:
        return set(), []
    if not isinstance(document, list):
        return set(), ['must be a list of {pair: [id1, id2], reason: "..."}']
    pairs: set[frozenset[str]] = set()
    problems = []
    for index, entry in enumerate(document):
        pair = entry.get("pair") if isinstance(entry, dict) else None
        reason = entry.get("reason") if isinstance(entry, dict) else None
        if (
            not isinstance(pair, list)
            or len(pair) != 2
            or not all(isinstance(slug, str) for slug in pair)
            or pair[0] == pair[1]
            or not isinstance(reason, str)
            or not reason.strip()
        ):
            problems.append(f'entry #{index + 1}: must be {{pair: [id1, id2], reason: "why they are not twins"}}')
            continue
        pairs.add(frozenset(pair))
    return pairs, problems


def article_runs(article_text: str, length: int = COPIED_RUN) -> set[tuple[str, ...]]:
    """Every run of `length` folded words of the article (page markers removed)."""
    words = prose_words(article_text)
    return {tuple(words[i : i + length]) for i in range(len(words) - length + 1)}


def copied_runs(items: list[ItemSpec], runs: set[tuple[str, ...]], length: int = COPIED_RUN) -> list[tuple[str, str]]:
    """(item slug, text) for each item with a run of `length` words from the article in its own words."""
    found = []
    for item in items:
        for text in authored_texts(item):
            words = prose_words(text)
            if any(tuple(words[i : i + length]) in runs for i in range(len(words) - length + 1)):
                found.append((item.slug, text))
                break
    return found


def single_form_answers(items: list[ItemSpec]) -> list[ItemSpec]:
    """Short answers that accept one form only: a reviewer may add the variants a student could type."""
    return [item for item in items if item.type == "short_answer" and len(item.data["answers"]) < 2]
