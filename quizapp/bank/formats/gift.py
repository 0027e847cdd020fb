"""GIFT, as Moodle reads it (/work/shared/formats/GIFT.md): read into content-format items, and write them back.

Read: multiple choice (one right answer, partial credit, or checkboxes with % weights, negative
ones too), true/false with its two feedbacks, short answers with several weighted answers and the
`*` wildcard, numerical (exact, tolerance, range, several answers, feedback for any other number),
matching with distractors, missing-word questions, `$CATEGORY` (as tags, or the topic it names),
comments, every escape, per-answer (`#`) and general (`####`) feedback, and the [markdown]/[plain]/
[html]/[moodle] text formats. Essays and descriptions are reported as skipped with their line.
Where quizapp cannot hold a construct exactly, the item keeps the nearest meaning and carries a
warning; scoring never changes silently. Our own metadata (topic, difficulty, source, fact) rides
in a `// quizapp:` comment, so an export re-imports unchanged.
"""

import html
import json
import re
from decimal import Decimal, InvalidOperation
from typing import Any

import nh3

from quizapp.bank import limits
from quizapp.bank.formats import MAX_ITEMS, Parsed
from quizapp.markdown import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, URL_SCHEMES, render_markdown

SPECIAL = "~=#{}:"
# one placeholder per escaped character: \x00<code>\x00 (never in a text: NUL is not typed)
_PLACEHOLDER = {c: f"\x00{ord(c)}\x00" for c in SPECIAL + "\\"} | {"n": "\x00n\x00"}
META = "// quizapp: "
GIFT_TYPES = ("single_choice", "multiple_response", "true_false", "short_answer", "numeric", "matching")
MOST_ANSWERS = max(limits.CHOICES, limits.PAIRS, limits.ANSWERS)  # in one {...}; more are refused unread
FORMATS = ("markdown", "plain", "html", "moodle")
_MARKER = re.compile(r"\s*\[(markdown|plain|html|moodle)\]")
_WEIGHT = re.compile(r"\s*%(-?\d{0,4}(?:\.\d{0,12})?)%")
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>]|~(?=~))")
_LINE_START = re.compile(r"^(\s*)([-+=#]|\d{1,9}[.)])", re.M)
BLANK = "_____"


def _protect(text: str) -> str:
    """Escapes as placeholders. An escaped backslash goes first; str.replace scans left to right like a reader
    (and, unlike a regex callback, in C: a file of 20 MiB of backslashes takes milliseconds)."""
    if "\\" not in text:
        return text
    for char in "\\" + SPECIAL + "n":
        text = text.replace("\\" + char, _PLACEHOLDER[char])
    return text


def _restore(text: str) -> str:
    if "\x00" not in text:
        return text
    for char, token in _PLACEHOLDER.items():
        text = text.replace(token, "\n" if char == "n" else char)
    return text


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


_SAME_MEANING = re.compile(r"<(/?)(b|i)>", re.I)


def same_meaning(text: str) -> str:
    """Moodle's <b> and <i> as the <strong> and <em> the allow-list keeps."""
    return _SAME_MEANING.sub(lambda m: f"<{m.group(1)}{'strong' if m.group(2).lower() == 'b' else 'em'}>", text)


def sanitise(text: str) -> str:
    """HTML through the app's allow-list (the one quizapp/markdown.py renders with)."""
    return nh3.clean(text, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes=URL_SCHEMES, link_rel=None)


def markdown_escape(text: str) -> str:
    """Plain text as Markdown that shows exactly that text."""
    text = _MARKDOWN_SPECIAL.sub(r"\\\1", text)
    return _LINE_START.sub(_escape_start, text)


def _escape_start(match: re.Match) -> str:
    start = match.group(2)
    return match.group(1) + start[:-1] + "\\" + start[-1]


class _Texts:
    """The texts of one question with their GIFT formats; `finish` turns them into one item format."""

    def __init__(self, default: str):
        self.default = default
        self.raw: list[tuple[str, str]] = []  # (format, text with placeholders restored)
        self.literal: set[int] = set()  # typed answers: compared, never rendered

    def add(self, raw: str, literal: bool = False) -> int:
        if literal:
            self.literal.add(len(self.raw))
        fmt = self.default
        if match := _MARKER.match(raw):
            fmt, raw = match.group(1), raw[match.end() :]
        text = _restore(raw).strip()
        if len(text) <= limits.LONGEST_FIELD:  # a longer one is refused for its length: no work on it
            text = "\n".join(line.strip() for line in text.split("\n"))
        self.raw.append((fmt, text))
        return len(self.raw) - 1

    def finish(self, warnings: list[str]) -> tuple[str, list[str]]:
        if any(fmt == "html" for fmt, _ in self.raw):
            out = []
            dropped = False
            for at, (fmt, text) in enumerate(self.raw):
                if at in self.literal:
                    out.append(html.unescape(strip_tags(text)) if fmt == "html" else text)
                elif fmt == "html" and len(text) > limits.LONGEST_FIELD:
                    out.append(text)  # refused for its length (content.validate_item), never sanitised
                elif fmt == "html":
                    text = same_meaning(text)
                    clean = sanitise(text)
                    dropped = dropped or _tags(clean) != _tags(text)
                    out.append(clean.strip())
                elif fmt == "markdown":
                    out.append(_inline_html(render_markdown(text)))
                else:
                    out.append(html.escape(text, quote=False).replace("\n", "<br>"))
            if dropped:
                warnings.append("some HTML is not allowed here and was removed (images, styles, scripts, tables…)")
            return "html", out
        return "markdown", [
            text
            if fmt == "markdown" or at in self.literal or len(text) > limits.LONGEST_FIELD
            else markdown_escape(text)
            for at, (fmt, text) in enumerate(self.raw)
        ]


_TAG = re.compile(r"<\s*(/?[a-zA-Z][a-zA-Z0-9]{0,20})")


def _tags(text: str) -> list[str]:
    return [tag.lower() for tag in _TAG.findall(text)]


def _inline_html(rendered: str) -> str:
    """Markdown rendered for an HTML question: one paragraph loses its <p>."""
    rendered = rendered.strip()
    if rendered.startswith("<p>") and rendered.endswith("</p>") and rendered.count("<p>") == 1:
        return rendered[3:-4]
    return rendered


# Every line break str.splitlines knows, as the one "\n" a question's lines are joined with.
_BREAKS = "\r\v\f\x1c\x1d\x1e\x85\u2028\u2029"
_LINE_BREAK = re.compile(rf"\r\n|[{_BREAKS}]")
# A question: a run of lines that are not blank. Possessive, and tried only where a line starts, so a
# file of 20 MiB reads in one pass in C whatever its shape (a line per character, a line of spaces).
_BLOCK = re.compile(r"^[^\S\n]*+\S[^\n]*+(?:\n[^\S\n]*+\S[^\n]*+)*+", re.M)
# The lines a question's text leaves out: comments (our metadata among them) and categories.
_DIRECTIVE = re.compile(r"^[^\S\n]*+(//[^\n]*+|\$CATEGORY:[^\n]*+)\n?", re.M | re.I)


def _blocks(source: str):
    """(first line number, text) of each question, split on blank lines; comments stay for metadata."""
    if any(char in source for char in _BREAKS):  # a scan each in C: a regex over 40 MB costs 0.4 s
        source = _LINE_BREAK.sub("\n", source)
    number, counted = 1, 0
    for block in _BLOCK.finditer(source):
        number += source.count("\n", counted, block.start())
        counted = block.start()
        yield number, block.group()


def _slug(text: str, most: int) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:most].strip("-")


def parse(source: str, default_topic: str) -> Parsed:
    parsed = Parsed()
    tags: list[str] = []
    for line, block in _blocks(_protect(source)):
        meta: dict[str, Any] = {}
        body = block
        if "//" in block or "$" in block:
            for directive in _DIRECTIVE.finditer(block):
                stripped = directive.group(1).strip()
                if stripped.startswith(META):
                    try:
                        meta = json.loads(_restore(stripped[len(META) :]))
                    except (ValueError, RecursionError):
                        meta = None
                    if not isinstance(meta, dict):
                        parsed.problems.append(f"Line {line}: the quizapp comment is not a JSON object.")
                        meta = {}
                elif not stripped.startswith("//"):  # $CATEGORY:
                    path = _restore(stripped.split(":", 1)[1]).split("/", limits.TAGS + 1)
                    if len(path) > limits.TAGS + 1:  # $course$ and one level per tag
                        parsed.problems.append(f"Line {line}: a category has more than {limits.TAGS} levels.")
                        path = []
                    tags = [_slug(part, limits.TAG) for part in path if part.strip() and part.strip() != "$course$"]
            body = _DIRECTIVE.sub("", block).strip("\n")  # a question's lines are never empty
        if not body:
            continue
        warnings: list[str] = []
        name = ""
        try:
            item, name = _question(body, warnings)
        except ValueError as problem:
            message = str(problem)
            name = getattr(problem, "name", "") or ""
            label = f"Line {line}" + (f" ({name})" if name else "")
            (parsed.skipped if message.startswith("skipped") else parsed.problems).append(f"{label}: {message}")
            continue
        item.setdefault("topic", default_topic)
        item["tags"] = sorted(set(item.get("tags", []) + [t for t in tags if t]))
        if tags:
            item["_category"] = tags  # a category that names a topic becomes the topic (importing.validate)
        _apply_meta(item, meta)
        item.setdefault("difficulty", 2)
        if name:
            item["_name"] = name
        if warnings:
            item["_warnings"] = warnings
        parsed.items.append((line, item))
        if len(parsed.items) > MAX_ITEMS:
            parsed.problems.append(f"A file holds at most {MAX_ITEMS} questions.")
            break
    return parsed


def _apply_meta(item: dict[str, Any], meta: dict[str, Any]) -> None:
    if meta.get("type") == "cloze" and item.get("type") == "short_answer" and BLANK in item["prompt"]:
        text = item.pop("prompt").replace(BLANK, "{{b1}}", 1)
        item |= {
            "type": "cloze",
            "prompt": str(meta.get("prompt") or "Fill in the blank."),
            "text": text,
            "blanks": [{"id": "b1", "answers": item.pop("answers")}],
        }
    item |= {
        k: v
        for k, v in meta.items()
        if k in ("id", "topic", "difficulty", "source", "fact", "tags", "explanation", "unit")
        or (k == "type" and v in GIFT_TYPES)
    }
    if meta.get("general") == "explanation" and "general_feedback" in item:
        item["explanation"] = item.pop("general_feedback")
    if "topic" in meta:
        item.pop("_category", None)
    if meta.get("weights") == "derived" and item.get("type") == "multiple_response":
        for choice in item["choices"]:
            choice["correct"] = choice.pop("fraction", 0) > 0
    entries = item.get("choices") or item.get("pairs")
    if entries and isinstance(meta.get("ids"), list) and len(meta["ids"]) == len(entries):
        for entry, entry_id in zip(entries, meta["ids"], strict=True):
            entry["id"] = str(entry_id)  # the ids answers refer to survive the round trip


class _Refused(ValueError):
    def __init__(self, message: str, name: str = ""):
        super().__init__(message)
        self.name = name


def _split_answer_block(text: str) -> tuple[str, str | None, str]:
    """(before, answers or None, after) for a question's text; the block is the first { to the last }."""
    start = text.find("{")
    if start < 0:
        return text, None, ""
    end = text.rfind("}")
    if end < start:
        raise ValueError("the answer block has no closing }")
    return text[:start], text[start + 1 : end], text[end + 1 :]


def _question(text: str, warnings: list[str]) -> tuple[dict[str, Any], str]:
    title = ""
    if match := re.match(r"\s*::(.*?)::", text, re.S):
        title, text = _restore(match.group(1)).strip(), text[match.end() :]
    # The name is the first 60 characters: restore no more than 400 (an escape takes at most 5).
    name = title or _restore(text.lstrip()[:400]).split("{", 1)[0].strip()[:60]
    try:
        return _read(text, title, warnings), name
    except ValueError as problem:
        raise _Refused(str(problem), name) from None


def _read(text: str, title: str, warnings: list[str]) -> dict[str, Any]:
    fmt = "moodle"
    if match := _MARKER.match(text):
        fmt = match.group(1)
    before, answers, after = _split_answer_block(text)
    if answers is None:
        raise ValueError("skipped: a description (no answer block) is not a question")
    texts = _Texts(fmt)
    prompt_at = texts.add(before)
    after_at = texts.add(after) if after.strip() else None
    answers = answers.strip()
    item: dict[str, Any] = {}
    if title:
        item["id"] = _slug(_restore(title), limits.ID) or None
    if not answers:
        raise ValueError("skipped: an essay (an empty answer block) has no answer to check")
    general_at = None
    if "####" in answers:
        answers, general = answers.split("####", 1)
        answers = answers.strip()
        general_at = texts.add(general)
    if re.fullmatch(r"(T|TRUE|F|FALSE)\s*(#.*)?", answers, re.S | re.I):
        build = _true_false(answers, texts)
    elif answers.startswith("#"):
        build = _numeric(answers[1:], texts, warnings)
    else:
        build = _choices(answers, texts, warnings)
    item_format, out = texts.finish(warnings)
    prompt = out[prompt_at]
    if after_at is not None:
        after_text = out[after_at]
        joint = "" if after_text[:1] in ".,;:!?)" else " "
        prompt = f"{prompt} {BLANK}{joint}{after_text}".strip()
    item["prompt"] = prompt
    if general_at is not None and out[general_at]:
        item["general_feedback"] = out[general_at]
    if item_format == "html":
        item["format"] = "html"
    return item | build(out)


def _feedback(raw: str, texts: _Texts):
    """(text, feedback index or None) of one answer `text#feedback`."""
    value, sep, feedback = raw.partition("#")
    return value, (texts.add(feedback) if sep and feedback.strip() else None)


def _true_false(answers: str, texts: _Texts):
    verdict, *feedback = answers.split("#")
    truth = verdict.strip().upper() in ("T", "TRUE")
    wrong_at = texts.add(feedback[0]) if feedback and feedback[0].strip() else None
    right_at = texts.add("#".join(feedback[1:])) if len(feedback) > 1 and "".join(feedback[1:]).strip() else None

    def build(out: list[str]) -> dict[str, Any]:
        item: dict[str, Any] = {"type": "true_false", "answer": truth}
        # Moodle: the first feedback is shown to a wrong answer, the second to a right one
        for key, at in ((f"feedback_{str(not truth).lower()}", wrong_at), (f"feedback_{str(truth).lower()}", right_at)):
            if at is not None and out[at]:
                item[key] = out[at]
        return item

    return build


def number(text: str) -> int | float:
    """A number as typed: an int when whole, else the float whose repr is what was typed."""
    try:
        value = Decimal(_restore(text).strip())
    except InvalidOperation:
        raise ValueError(f"{_restore(text).strip()[:40]!r} is not a number") from None
    if not value.is_finite() or abs(value) > Decimal(10) ** 15:
        raise ValueError(f"{_restore(text).strip()[:40]!r} is not a number quizapp can hold")
    if value == value.to_integral_value() and "e" not in str(value).lower():
        return int(value)
    return float(value)


def _fraction(text: str) -> float | int:
    value = Decimal(text or "0") / 100
    if value == value.to_integral_value():
        return int(value)
    return float(value)


def _weight(value: str) -> tuple[float | int | None, str]:
    if match := _WEIGHT.match(value):
        if match.group(1) in ("", "-", ".", "-."):
            raise ValueError(f"the weight %{match.group(1)}% is not a number")
        return _fraction(match.group(1)), value[match.end() :]
    return None, value


def _answers(answers: str) -> list[tuple[str, str]]:
    parts = []
    for match in re.finditer(r"([=~])([^=~]*)", answers):
        if len(parts) == MOST_ANSWERS:
            raise ValueError(f"a question holds at most {MOST_ANSWERS} answers")
        parts.append((match.group(1), match.group(2)))
    return parts


def _numeric(spec: str, texts: _Texts, warnings: list[str]):
    spec = spec.strip()
    if not spec.startswith(("=", "~")):
        spec = "=" + spec
    parts = _answers(spec)
    entries: list[dict[str, Any]] = []
    other_at = None
    for kind, raw in parts:
        fraction, raw = _weight(raw)
        value, feedback_at = _feedback(raw, texts)
        value = value.strip()
        if kind == "~" or fraction == 0:
            if value:
                warnings.append(f"the wrong answer {_restore(value)[:40]} (0%) is left out: any other number scores 0")
            if feedback_at is not None:
                other_at = feedback_at
            continue
        if fraction is None:
            fraction = 1
        if not 0 < fraction <= 1:
            raise ValueError(f"a number's credit must be between 0% and 100%, not {fraction * 100:g}%")
        if ".." in value:
            low, high = value.split("..", 1)
            entry: dict[str, Any] = {"min": number(low), "max": number(high)}
        elif ":" in value:
            centre, tolerance = value.split(":", 1)
            entry = {"value": number(centre), "tolerance": number(tolerance)}
        elif value:
            entry = {"value": number(value)}
        else:
            raise ValueError("a numerical answer has no number")
        entries.append((entry, fraction, feedback_at))
    if not entries:
        raise ValueError("a numerical question needs at least one right number")

    def build(out: list[str]) -> dict[str, Any]:
        item: dict[str, Any] = {"type": "numeric"}
        simple = len(entries) == 1 and entries[0][1] == 1 and entries[0][2] is None and "value" in entries[0][0]
        if simple and other_at is None:
            entry = entries[0][0]
            return item | {"answer": entry["value"], "tolerance": entry.get("tolerance", 0)}
        listed = []
        for entry, fraction, feedback_at in entries:
            listed.append(entry | ({"fraction": fraction} if fraction != 1 else {}) | _fb(out, feedback_at))
        item["answers"] = listed
        if other_at is not None and out[other_at]:
            item["other_feedback"] = out[other_at]
        return item

    return build


def _fb(out: list[str], at: int | None) -> dict[str, str]:
    return {"feedback": out[at]} if at is not None and out[at] else {}


def _choices(answers: str, texts: _Texts, warnings: list[str]):
    parts = _answers(answers)
    if not parts:
        raise ValueError(f"cannot read the answers {_restore(answers)[:40]!r}: each starts with = or ~")
    if "~" not in answers and any("->" in value for _, value in parts):
        return _matching(parts, texts, warnings)
    if "~" not in answers:
        return _short_answer(parts, texts, warnings)
    single = any(kind == "=" for kind, _ in parts)  # Moodle: no "=" at all makes checkboxes
    read = []
    for kind, raw in parts:
        fraction, raw = _weight(raw)
        if fraction is None:
            fraction = 1 if kind == "=" else 0
        value, feedback_at = _feedback(raw, texts)
        read.append((fraction, texts.add(value), feedback_at))
    weighted = "%" in answers or not single

    def build(out: list[str]) -> dict[str, Any]:
        choices = []
        for n, (fraction, text_at, feedback_at) in enumerate(read, start=1):
            choice: dict[str, Any] = {"id": f"c{n}", "text": out[text_at]}
            if weighted:
                choice["fraction"] = fraction
            choice["correct"] = fraction == 1 if single else fraction > 0
            choices.append(choice | _fb(out, feedback_at))
        return {"type": "single_choice" if single else "multiple_response", "choices": choices}

    return build


def _short_answer(parts, texts: _Texts, warnings: list[str]):
    read = []
    for _, raw in parts:
        fraction, raw = _weight(raw)
        value, feedback_at = _feedback(raw, texts)
        if not value.strip():
            raise ValueError("a short answer has an empty accepted answer")
        if fraction is None:
            fraction = 1
        if fraction == 0 and _restore(value).strip() != "*":
            warnings.append(f"the 0% answer {_restore(value).strip()[:40]!r} is left out: any unlisted answer scores 0")
            continue
        if fraction < 0 or fraction > 1:
            raise ValueError(f"a short answer's credit must be between 0% and 100%, not {fraction * 100:g}%")
        if _restore(value).strip() == "*" and fraction != 0:
            raise ValueError("a lone * accepts every answer; quizapp allows it only at 0% (with feedback)")
        read.append((fraction, texts.add(value, literal=True), feedback_at))

    def build(out: list[str]) -> dict[str, Any]:
        accepted: list[Any] = []
        for fraction, text_at, feedback_at in read:
            text = out[text_at]
            extra = _fb(out, feedback_at)
            accepted.append(text if fraction == 1 and not extra else {"text": text, "fraction": fraction} | extra)
        return {"type": "short_answer", "answers": accepted}

    return build


def _matching(parts, texts: _Texts, warnings: list[str]):
    read, distractors = [], []
    for _, raw in parts:
        value, feedback_at = _feedback(raw, texts)
        if feedback_at is not None:
            warnings.append("Moodle shows no feedback for a matching pair; it is left out")
        if "->" not in value:
            raise ValueError(f"the matching answer {_restore(value).strip()[:40]!r} has no ->")
        left, right = value.split("->", 1)
        if left.strip():
            read.append((texts.add(left), texts.add(right)))
        else:
            distractors.append(texts.add(right))

    def build(out: list[str]) -> dict[str, Any]:
        pairs = [{"id": f"p{n}", "left": out[a], "right": out[b]} for n, (a, b) in enumerate(read, start=1)]
        return {"type": "matching", "pairs": pairs} | (
            {"distractors": [out[d] for d in distractors]} if distractors else {}
        )

    return build


# --- writing ---------------------------------------------------------------------------------


def _escape(text: str) -> str:
    for char in "\\" + SPECIAL:
        text = text.replace(char, "\\" + char)
    return text.replace("\n", "\\n")


def num(value: Any) -> str:
    """A number as Moodle reads it, without binary float noise (3.1415, never 3.1414999999999997)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(value)
    if isinstance(value, int) or float(value).is_integer():
        return str(int(value))
    return format(Decimal(repr(value)).normalize(), "f")


def percent(fraction: float) -> str:
    return format((Decimal(repr(fraction)) * 100).normalize(), "f") if fraction else "0"


def why_not(item: dict[str, Any]) -> str | None:
    """Why GIFT cannot hold this item, or None when it can."""
    if item["type"] == "cloze":
        return None if len(item.get("blanks", [])) == 1 else "a cloze with more than one blank"
    if item["type"] not in GIFT_TYPES:
        return {"ordering": "ordering", "flashcard": "a flashcard"}.get(item["type"], item["type"])
    return None


def _weighted(text: str, fraction: float, feedback: str | None) -> str:
    weight = "" if fraction in (0, 1) else f"%{percent(fraction)}%"
    kind = "=" if fraction == 1 else "~"
    return f"  {kind}{weight}{_escape(text)}" + (f"#{_escape(feedback)}" if feedback else "")


def _answer_lines(item: dict[str, Any]) -> list[str]:
    kind = item["type"]
    if kind == "true_false":
        truth = item["answer"]
        right, wrong = item.get(f"feedback_{str(truth).lower()}"), item.get(f"feedback_{str(not truth).lower()}")
        line = "TRUE" if truth else "FALSE"
        if right or wrong:
            line += f"#{_escape(wrong or '')}" + (f"#{_escape(right)}" if right else "")
        return [line]
    if kind == "numeric":
        if "answers" not in item:
            tolerance = item.get("tolerance", 0)
            return [f"#{num(item['answer'])}" + (f":{num(tolerance)}" if tolerance else "")]
        lines = ["#"]
        for answer in item["answers"]:
            spec = (
                f"{num(answer['min'])}..{num(answer['max'])}"
                if "min" in answer
                else num(answer["value"]) + (f":{num(answer['tolerance'])}" if answer.get("tolerance") else "")
            )
            fraction = answer.get("fraction", 1)
            lines.append(
                "  ="
                + ("" if fraction == 1 else f"%{percent(fraction)}%")
                + spec
                + (f"#{_escape(answer['feedback'])}" if answer.get("feedback") else "")
            )
        if item.get("other_feedback"):
            lines.append(f"  ~#{_escape(item['other_feedback'])}")
        return lines
    if kind == "short_answer":
        lines = []
        for answer in item["answers"]:
            entry = answer if isinstance(answer, dict) else {"text": answer}
            fraction = entry.get("fraction", 1)
            lines.append(
                "  ="
                + ("" if fraction == 1 else f"%{percent(fraction)}%")
                + _escape(entry["text"])
                + (f"#{_escape(entry['feedback'])}" if entry.get("feedback") else "")
            )
        return lines
    if kind == "matching":
        lines = [f"  ={_escape(p['left'])} -> {_escape(p['right'])}" for p in item["pairs"]]
        return lines + [f"  = -> {_escape(d)}" for d in item.get("distractors", [])]
    choices = item["choices"]
    if kind == "single_choice":
        return [
            _weighted(c["text"], c.get("fraction", 1 if c.get("correct") else 0), c.get("feedback")) for c in choices
        ]
    if any("fraction" in c for c in choices):
        fractions = [c.get("fraction", 0) for c in choices]
    else:  # today's rule, which Moodle's weights express exactly
        right = sum(1 for c in choices if c.get("correct"))
        wrong = len(choices) - right
        fractions = [1 / right if c.get("correct") else -1 / max(wrong, 1) for c in choices]
        fractions = [float(f"{f:.7g}") for f in fractions]  # as Moodle writes 1/3: 33.33333%
    return [
        (f"  ~%{percent(f)}%" if f else "  ~")
        + _escape(c["text"])
        + (f"#{_escape(c['feedback'])}" if c.get("feedback") else "")
        for c, f in zip(choices, fractions, strict=True)
    ]


def _as_gift_item(item: dict[str, Any]) -> dict[str, Any]:
    """A one-blank cloze as the missing-word short answer GIFT writes for it."""
    if item["type"] != "cloze":
        return item
    before, after = item["text"].split("{{" + item["blanks"][0]["id"] + "}}", 1)
    return {k: v for k, v in item.items() if k not in ("text", "blanks")} | {
        "type": "short_answer",
        "prompt": f"{before.rstrip()} {BLANK} {after.lstrip()}".strip(),
        "answers": item["blanks"][0]["answers"],
    }


def write(items: list[dict[str, Any]]) -> tuple[str, list[str]]:
    """GIFT text for the items GIFT can hold, and "id: why" for each it cannot (ordering, cloze with
    several blanks, flashcards)."""
    out, skipped = [], []
    for original in items:
        if reason := why_not(original):
            skipped.append(f"{original['id']}: {reason}")
            continue
        item = _as_gift_item(original)
        meta = {k: item[k] for k in ("id", "topic", "difficulty", "source", "fact", "tags", "unit") if item.get(k)}
        meta["type"] = original["type"]
        if original["type"] == "cloze":
            meta["prompt"] = original["prompt"]
        entries = item.get("choices") or item.get("pairs")
        if entries:
            meta["ids"] = [entry["id"] for entry in entries]
        if item["type"] == "multiple_response" and not any("fraction" in c for c in item["choices"]):
            meta["weights"] = "derived"
        general = item.get("general_feedback")
        if item.get("explanation"):
            if general:
                meta["explanation"] = item["explanation"]
            else:
                general, meta["general"] = item["explanation"], "explanation"
        fmt = "html" if item.get("format") == "html" else "markdown"
        head = f"::{_escape(item['id'])}::[{fmt}]"
        prompt = item["prompt"]
        lines = [META + json.dumps(meta, ensure_ascii=False)]
        answer_lines = _answer_lines(item)
        if BLANK in prompt and item["type"] in ("short_answer", "single_choice"):
            before, after = prompt.split(BLANK, 1)
            lines.append(head + _escape(before.rstrip()) + " {")
            tail = " " + _escape(after.lstrip()) if after.strip() else ""
        else:
            lines.append(head + _escape(prompt) + " {")
            tail = ""
        if item["type"] in ("true_false",) or (item["type"] == "numeric" and "answers" not in item):
            lines[-1] += answer_lines[0]
        elif item["type"] == "numeric":
            lines[-1] += answer_lines[0]
            lines += answer_lines[1:]
        else:
            lines += answer_lines
        if general:
            lines.append(f"  ####{_escape(general)}")
        lines.append("}" + tail)
        out.append("\n".join(lines))
    return "\n\n".join(out) + ("\n" if out else ""), skipped
