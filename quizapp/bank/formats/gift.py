"""GIFT, as Moodle documents it: read into content-format items, and write them back.

Supported: multiple choice (one right answer, or several with % weights), true/false,
short answer, matching, numerical (tolerance or a range), missing word, $CATEGORY (as tags),
comments, escapes, per-answer and general feedback, and the [markdown]/[plain]/[html]/[moodle]
text formats. Essays and descriptions are reported as skipped with their line. Our own
metadata (topic, difficulty, source, fact) rides in a `// quizapp:` comment, so an export
re-imports unchanged.
"""

import html
import json
import re
from typing import Any

from quizapp.bank import limits
from quizapp.bank.formats import MAX_ITEMS, Parsed

SPECIAL = "~=#{}:"
ESCAPED = {f"\\{c}": f"\x00{ord(c)}\x00" for c in SPECIAL} | {"\\n": "\n"}
META = "// quizapp: "
GIFT_TYPES = ("single_choice", "multiple_response", "true_false", "short_answer", "numeric", "matching")
MOST_ANSWERS = max(limits.CHOICES, limits.PAIRS, limits.ANSWERS)  # in one {...}; more are refused unread


def _protect(text: str) -> str:
    for escaped, token in ESCAPED.items():
        text = text.replace(escaped, token)
    return text


def _restore(text: str) -> str:
    for char in SPECIAL:
        text = text.replace(f"\x00{ord(char)}\x00", char)
    return text.strip()


_TAG_START = re.compile(r"<(?!>)")


def strip_tags(text: str) -> str:
    """`text` without its <tags>, in one pass: what re.sub(r"<[^>]+>", "", text) gives, but that
    pattern rescans to the end from every "<" that is never closed (250,000 "<" took 30 s)."""
    kept, position, search = [], 0, 0
    while opening := _TAG_START.search(text, search):  # "<>" is text: a tag holds at least one character
        start = opening.start()
        end = text.find(">", start + 1)
        if end < 0:
            break  # no tag closes after here, so none starts here or later
        kept.append(text[position:start])
        position = search = end + 1
    kept.append(text[position:])
    return "".join(kept)


def _text(raw: str, fmt: str) -> str:
    text = _restore(raw)
    if fmt == "html":
        text = html.unescape(strip_tags(text))
    return text.strip()


def _blocks(source: str):
    """(first line number, lines) of each question, split on blank lines; comments stay for metadata."""
    block, start = [], 0
    for number, line in enumerate(source.splitlines(), start=1):
        if not line or line.isspace():
            if block:
                yield start, block
            block = []
            continue
        if not block:
            start = number
        block.append(line)
    if block:
        yield start, block


def parse(source: str, default_topic: str) -> Parsed:
    parsed = Parsed()
    tags: list[str] = []
    for line, lines in _blocks(_protect(source)):
        meta: dict[str, Any] = {}
        body = []
        for text in lines:
            if text[0] not in "/$" and not text[0].isspace():  # most lines: question text (never empty)
                body.append(text)
                continue
            stripped = text.strip()
            if stripped.startswith(META):
                try:
                    meta = json.loads(_restore(stripped[len(META) :]))
                except (ValueError, RecursionError):
                    meta = None
                if not isinstance(meta, dict):
                    parsed.problems.append(f"Line {line}: the quizapp comment is not a JSON object.")
                    meta = {}
            elif stripped.startswith("//"):
                continue
            elif stripped[:10].upper() == "$CATEGORY:":
                path = _restore(stripped.split(":", 1)[1]).split("/", limits.TAGS + 1)
                if len(path) > limits.TAGS + 1:  # $course$ and one level per tag
                    parsed.problems.append(f"Line {line}: a category has more than {limits.TAGS} levels.")
                    path = []
                tags = [
                    re.sub(r"[^a-z0-9]+", "-", part.lower()).strip("-")
                    for part in path
                    if part.strip() and part.strip() != "$course$"
                ]
            else:
                body.append(text)
        if not body:
            continue
        try:
            item = _question(" ".join(body) if len(body) > 1 else body[0], line)
        except ValueError as problem:
            message = str(problem)
            (parsed.skipped if message.startswith("skipped") else parsed.problems).append(f"Line {line}: {message}")
            continue
        item.setdefault("topic", default_topic)
        item["tags"] = sorted(set(item.get("tags", []) + [t for t in tags if t]))
        if tags:
            item["_category"] = tags  # a category that names a topic becomes the topic (importing.validate)
        item |= {
            k: v
            for k, v in meta.items()
            if k in ("id", "topic", "difficulty", "source", "fact", "tags", "type")
            and not (k == "type" and v not in GIFT_TYPES)
        }
        if "topic" in meta:
            item.pop("_category", None)
        entries = item.get("choices") or item.get("pairs")
        if entries and isinstance(meta.get("ids"), list) and len(meta["ids"]) == len(entries):
            for entry, entry_id in zip(entries, meta["ids"], strict=True):
                entry["id"] = str(entry_id)  # the ids answers refer to survive the round trip
        item.setdefault("difficulty", 2)
        parsed.items.append((line, item))
        if len(parsed.items) > MAX_ITEMS:
            parsed.problems.append(f"A file holds at most {MAX_ITEMS} questions.")
            break
    return parsed


def _question(text: str, line: int) -> dict[str, Any]:
    title = None
    if match := re.match(r"\s*::(.*?)::(.*)", text, re.S):
        title, text = match.group(1).strip(), match.group(2)
    fmt = "moodle"
    if match := re.match(r"\s*\[(markdown|plain|html|moodle)\](.*)", text, re.S):
        fmt, text = match.group(1), match.group(2)
    if "{" not in text:
        raise ValueError("skipped: a description (no answer) is not a question")
    before, rest = text.split("{", 1)
    if "}" not in rest:
        raise ValueError("the answer block has no closing }")
    answers, after = rest.rsplit("}", 1)
    before_text, after_text = _text(before, fmt), _text(after, fmt)
    prompt = f"{before_text} _____ {after_text}".strip() if after_text else before_text
    answers = answers.strip()
    general = ""
    if "####" in answers:
        answers, general = answers.split("####", 1)
        answers, general = answers.strip(), _text(general, fmt)
    item: dict[str, Any] = {"prompt": prompt, "explanation": general}
    if title:
        item["id"] = re.sub(r"[^a-z0-9]+", "-", _restore(title).lower()).strip("-")[:100] or None
    if not answers:
        raise ValueError("skipped: essay questions are not supported")
    if re.fullmatch(r"(T|TRUE|F|FALSE)(#.*)?", answers, re.S | re.I):
        verdict, *feedback = answers.split("#")
        item |= {"type": "true_false", "answer": verdict.strip().upper() in ("T", "TRUE")}
        item["explanation"] = general or _text("#".join(feedback[:1]), fmt)
        return item
    if answers.startswith("#"):
        return item | _numeric(answers[1:].strip())
    parts = []
    for match in re.finditer(r"([=~])([^=~]*)", answers):
        if len(parts) == MOST_ANSWERS:
            raise ValueError(f"a question holds at most {MOST_ANSWERS} answers")
        parts.append((match.group(1), match.group(2)))
    if not parts:
        raise ValueError(f"cannot read the answers {_restore(answers)[:40]!r}")
    if all(kind == "=" and "->" in value for kind, value in parts):
        pairs = []
        for n, (_, value) in enumerate(parts, start=1):
            left, right = value.split("->", 1)
            pairs.append({"id": f"p{n}", "left": _text(left, fmt), "right": _text(right.split("#")[0], fmt)})
        return item | {"type": "matching", "pairs": pairs}
    if (
        all(kind == "=" for kind, _ in parts)
        and not re.search(r"%", answers)
        and len(parts) >= 1
        and not any("~" in v for _, v in parts)
        and "~" not in answers
    ):
        accepted = [_text(value.split("#")[0], fmt) for _, value in parts]
        return item | {"type": "short_answer", "answers": accepted}
    choices, weights = [], []
    for n, (kind, value) in enumerate(parts, start=1):
        value, _, feedback = value.partition("#")
        weight = 100.0 if kind == "=" else 0.0
        if match := re.match(r"\s*%(-?[\d.]+)%(.*)", value, re.S):
            weight, value = float(match.group(1)), match.group(2)
        choices.append({"id": f"c{n}", "text": _text(value, fmt), "correct": weight > 0})
        weights.append(weight)
    right = sum(1 for w in weights if w > 0)
    kind = "single_choice" if right == 1 and max(weights) == 100 else "multiple_response"
    return item | {"type": kind, "choices": choices}


def _numeric(spec: str) -> dict[str, Any]:
    spec = _restore(spec.split("#")[0].strip()).lstrip("=")
    spec = re.sub(r"^%[\d.]+%", "", spec)
    if ".." in spec:
        low, high = (float(x) for x in spec.split(".."))
        value, tolerance = (low + high) / 2, (high - low) / 2
    elif ":" in spec:
        value, tolerance = (float(x) for x in spec.split(":", 1))
    else:
        value, tolerance = float(spec), 0.0
    as_number = lambda x: int(x) if float(x).is_integer() else x  # noqa: E731
    return {"type": "numeric", "answer": as_number(value), "tolerance": as_number(tolerance)}


def _escape(text: str) -> str:
    for char in "\\" + SPECIAL:
        text = text.replace(char, "\\" + char)
    return text.replace("\n", "\\n")


def write(items: list[dict[str, Any]]) -> tuple[str, list[str]]:
    """GIFT text for the items GIFT can hold, and the ids of those it cannot (ordering, cloze, flashcards)."""
    out, skipped = [], []
    for item in items:
        kind = item["type"]
        if kind not in GIFT_TYPES:
            skipped.append(item["id"])
            continue
        meta = {k: item[k] for k in ("id", "type", "topic", "difficulty", "source", "fact", "tags") if k in item}
        entries = item.get("choices") or item.get("pairs")
        if entries:
            meta["ids"] = [entry["id"] for entry in entries]
        lines = [
            META + json.dumps(meta, ensure_ascii=False),
            f"::{_escape(item['id'])}::[markdown]" + _escape(item["prompt"]) + " {",
        ]
        if kind == "true_false":
            lines[-1] += "TRUE" if item["answer"] else "FALSE"
        elif kind == "numeric":
            lines[-1] += f"#{item['answer']}:{item['tolerance']}"
        elif kind == "short_answer":
            lines += [f"  ={_escape(a)}" for a in item["answers"]]
        elif kind == "matching":
            lines += [f"  ={_escape(p['left'])} -> {_escape(p['right'])}" for p in item["pairs"]]
        elif kind == "single_choice":
            lines += [f"  {'=' if c.get('correct') else '~'}{_escape(c['text'])}" for c in item["choices"]]
        else:  # multiple_response: weights that add up to 100 for the right choices
            right = [c for c in item["choices"] if c.get("correct")]
            wrong = len(item["choices"]) - len(right)
            lines += [
                f"  ~%{100 / len(right):.5g}%{_escape(c['text'])}"
                if c.get("correct")
                else f"  ~%-{100 / max(wrong, 1):.5g}%{_escape(c['text'])}"
                for c in item["choices"]
            ]
        if item.get("explanation"):
            lines.append(f"  ####{_escape(item['explanation'])}")
        lines.append("}")
        out.append("\n".join(lines))
    return "\n\n".join(out) + ("\n" if out else ""), skipped
