"""Moodle XML, as /work/shared/formats/MOODLE-XML.md restates it: read into content-format items
(parsed with defusedxml, never the standard library's parsers), and write them back.

Read: multichoice (single and multiple, fractions, per-answer feedback), truefalse, shortanswer,
numerical (several answers with tolerances, `*` for any other number), matching (an empty
subquestion adds a wrong option), ordering (qtype_ordering), the cloze subset the app's cloze type
holds (multianswer whose blanks are all SHORTANSWER), categories as tags (and as the topic when a
level names one, as GIFT's $CATEGORY), tags, general feedback. Essays, descriptions and other types
are skipped and reported; images and embedded files are dropped with a warning, and so is anything
else the app cannot hold (units, case-sensitive answers, combined feedback...). Texts whose format is
`html` stay HTML (the item's `format`); plain and auto-formatted texts are converted.

Write: every item the XML can hold (flashcards are listed as skipped), in Moodle's own elements;
our own metadata (topic, difficulty, source, fact, entry ids) rides in a `<!-- quizapp: {...} -->`
comment inside the question, so an export re-imports unchanged.
"""

import html
import json
import re
import xml.etree.ElementTree as ET  # noqa: S405  (builds the export; uploads are read by defusedxml)
from decimal import Decimal, InvalidOperation
from typing import Any

import defusedxml.ElementTree as safe_xml
from defusedxml import DefusedXmlException

from quizapp.bank import limits
from quizapp.bank.formats import MAX_ITEMS, Parsed
from quizapp.bank.formats.gift import strip_tags
from quizapp.markdown import dropped_tags, render_markdown

META = "quizapp: "
MOST_ANSWERS = max(limits.CHOICES, limits.PAIRS, limits.ANSWERS) + limits.PAIRS  # pairs plus distractors
MAX_DEPTH = 20  # Moodle nests 5 levels (quiz/question/answer/feedback/text)
MAX_ELEMENTS = MAX_ITEMS * 100  # elements and comments: Moodle writes 30-60 for a question
MAX_TAG = 10_000  # characters of one tag with its attributes
TAG = re.compile(r"""/?[^\s>/]*(?:\s+[^\s=>/]+\s*=\s*(?:"[^"]*"|'[^']*'))*\s*/?>""")
LONG_PIECE = re.compile(r"<[^<!?][^<]{%d}" % MAX_TAG)  # noqa: UP031  (a "<" not followed by another soon)
CHUNK = 2**18  # characters fed to the parser at a time, at first
LONGEST_NUMBER = 40  # characters of a fraction, value or tolerance; longer ones are refused unread
XML_TYPES = {
    "single_choice",
    "multiple_response",
    "true_false",
    "short_answer",
    "numeric",
    "matching",
    "ordering",
    "cloze",
}
SKIPPED_TYPES = {
    "essay": "an essay is not a question the app can grade",
    "description": "a description holds no question",
}
META_KEYS = ("id", "topic", "difficulty", "source", "fact", "tags", "explanation", "unit", "prompt")
APP_GRADING = "RELATIVEALLPREVIOUSANDNEXT"  # Moodle's ordering grading nearest to the app's pair rule
CLOZE_PROMPT = "Fill in the blanks."
CLOZE = re.compile(r"\{(\d*):([A-Za-z_]+):((?:\\.|[^\\}])*)\}", re.S)
CLOZE_ANSWER = re.compile(r"((?:\\.|[^\\#])*)(?:#(.*))?", re.S)
CLOZE_SHORT = {"SHORTANSWER", "SA", "MW", "SHORTANSWER_C", "SAC", "MWC"}
QUESTION_START = re.compile(r"<question[\s>/]")


class Skip(ValueError):
    """A question the app cannot hold at all: reported as skipped, the rest imports."""


class Invalid(ValueError):
    """A question whose content is broken: reported as a problem."""


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:100]


# ---------------------------------------------------------------- reading


class _Raw:
    """A text as the file gave it, converted once the item's format is known."""

    __slots__ = ("fmt", "text")

    def __init__(self, text: str, fmt: str) -> None:
        self.text, self.fmt = text.strip(), fmt


def _md_escape(text: str) -> str:
    """Plain text as Markdown that shows the same characters (line breaks kept)."""
    text = re.sub(r"([\\`*_\[\]<>~&|])", r"\\\1", text)
    text = re.sub(r"(?m)^(\s*)([#+\-=]|\d+[.)])", r"\1\\\2", text)
    return re.sub(r"\s*\n\s*", "\\\n", text) if "\n" in text else text


def _plain_html(text: str) -> str:
    return html.escape(text, quote=False).replace("\n", "<br>")


class _Question:
    """One question being read: its texts (converted at the end) and its warnings."""

    def __init__(self, element: ET.Element) -> None:
        self.element = element
        self.raws: list[_Raw] = []
        self.warnings: list[str] = []
        self.files = 0

    def text(self, element: ET.Element | None, default_fmt: str = "moodle_auto_format") -> _Raw:
        if element is None:
            return self._keep(_Raw("", default_fmt))
        self.files += len(element.findall("file"))
        fmt = element.get("format", default_fmt)
        return self._keep(_Raw(element.findtext("text") or "", fmt))

    def field(self, tag: str, default_fmt: str = "moodle_auto_format") -> _Raw:
        return self.text(self.element.find(tag), default_fmt)

    def _keep(self, raw: _Raw) -> _Raw:
        self.raws.append(raw)
        return raw

    def flag(self, tag: str) -> str:
        return (self.element.findtext(tag) or "").strip().lower()

    def answers(self) -> list[ET.Element]:
        found = self.element.findall("answer")
        if len(found) > MOST_ANSWERS:
            raise Invalid(f"a question holds at most {MOST_ANSWERS} answers; this one has {len(found)}")
        return found

    def resolve(self, item: dict[str, Any]) -> dict[str, Any]:
        """The item with every text converted to one format: HTML when any text of the file is HTML."""
        as_html = any(raw.fmt == "html" and raw.text for raw in self.raws)
        ours = any(raw.fmt == "markdown" for raw in self.raws)
        dropped: set[str] = set()

        def convert(raw: _Raw) -> str:
            if len(raw.text) > limits.LONGEST_FIELD:
                return raw.text  # refused for its length by the limits, before any other work
            if raw.fmt == "html":
                dropped.update(dropped_tags(raw.text))
                return raw.text
            if raw.fmt == "right":  # a matching option: plain text in Moodle, Markdown in our own exports
                return _plain_html(raw.text) if as_html else raw.text if ours else _md_escape(raw.text)
            if raw.fmt == "markdown":
                return str(render_markdown(raw.text)).strip() if as_html else raw.text
            return _plain_html(raw.text) if as_html else _md_escape(raw.text)

        def walk(value: Any) -> Any:
            if isinstance(value, _Raw):
                return convert(value)
            if isinstance(value, dict):
                return {k: walk(v) for k, v in value.items()}
            if isinstance(value, list):
                return [walk(v) for v in value]
            return value

        item = walk(item)
        if as_html:
            item["format"] = "html"
        if self.files:
            self.warnings.append(f"{self.files} embedded file(s) (images, attachments) were dropped")
        if "img" in dropped:
            self.warnings.append("images are not shown by the app and were dropped")
        if dropped - {"img"}:
            self.warnings.append(f"HTML the app does not show was dropped: {', '.join(sorted(dropped - {'img'}))}")
        return item


def _percent(text: str | None, where: str) -> Decimal:
    """A Moodle fraction attribute (a percentage such as 100, 50, -33.33333) as a Decimal."""
    text = (text or "0").strip()
    try:
        if len(text) > LONGEST_NUMBER:
            raise InvalidOperation
        value = Decimal(text)
    except InvalidOperation:
        raise Invalid(f"{where}: the fraction {text[:LONGEST_NUMBER]!r} is not a number") from None
    if not value.is_finite() or not -100 <= value <= 100:
        raise Invalid(f"{where}: the fraction {text[:LONGEST_NUMBER]} is not between -100 and 100")
    return value


def _number(text: str | None, where: str) -> int | float:
    text = (text or "").strip()
    try:
        if len(text) > LONGEST_NUMBER:
            raise InvalidOperation
        value = Decimal(text)
    except InvalidOperation:
        raise Invalid(f"{where}: {text[:LONGEST_NUMBER]!r} is not a number") from None
    if not value.is_finite():
        raise Invalid(f"{where}: {text} is not a finite number")
    return _plain_number(value)


def _plain_number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() and abs(value) < 10**15 else float(value)


def _share(percent: Decimal) -> int | float:
    """A percentage as the schema's fraction (-1..1), without float noise: 33.33333 -> 0.3333333."""
    return _plain_number(percent / 100)


def _feedback(question: _Question, answer: ET.Element) -> _Raw | None:
    raw = question.text(answer.find("feedback"))
    return raw if raw.text else None


def _with_feedback(entry: dict[str, Any], feedback: _Raw | None) -> dict[str, Any]:
    return entry | ({"feedback": feedback} if feedback is not None else {})


def _combined_feedback(question: _Question, item: dict[str, Any]) -> None:
    """Moodle's correct/partially correct/incorrect feedback: the app has no such texts, so they join the
    general feedback (with a warning), where every learner sees them."""
    parts = []
    for tag, label in (
        ("correctfeedback", "If right"),
        ("partiallycorrectfeedback", "If partly right"),
        ("incorrectfeedback", "If wrong"),
    ):
        raw = question.field(tag)
        if raw.text:
            parts.append((label, raw))
    if not parts:
        return
    general = item.get("general_feedback")
    pieces = ([general] if general is not None else []) + [_Raw(raw.text, raw.fmt) for _, raw in parts]
    fmt = _joined_format(pieces)
    labels = [None] * (len(pieces) - len(parts)) + [label for label, _ in parts]
    if fmt == "html":
        text = "\n".join(
            p.text if not label else f"<p><em>{label}:</em></p>{p.text}"
            for p, label in zip(pieces, labels, strict=True)
        )
    elif fmt == "markdown":
        text = "\n\n".join(
            p.text if not label else f"*{label}:* {p.text}" for p, label in zip(pieces, labels, strict=True)
        )
    else:
        text = "\n\n".join(
            p.text if not label else f"{label}: {p.text}" for p, label in zip(pieces, labels, strict=True)
        )
    joined = _Raw(text, fmt)
    question.raws.append(joined)
    item["general_feedback"] = joined
    question.warnings.append(
        "the feedback for right, partly right and wrong answers was added to the general feedback "
        "(every learner sees it)"
    )


def _joined_format(pieces: list[_Raw]) -> str:
    formats = {p.fmt for p in pieces if p.text}
    if formats == {"html"} or "html" not in formats:
        return formats.pop() if len(formats) == 1 else "plain_text"
    for piece in pieces:  # mixed: make each piece HTML first
        if piece.fmt != "html":
            piece.text = _plain_html(piece.text) if piece.fmt != "markdown" else str(render_markdown(piece.text))
            piece.fmt = "html"
    return "html"


def _multichoice(question: _Question, item: dict[str, Any]) -> dict[str, Any]:
    single = question.flag("single") not in ("false", "0")
    choices, shares = [], []
    for n, answer in enumerate(question.answers(), start=1):
        percent = _percent(answer.get("fraction"), f"answer {n}")
        text = question.text(answer, answer.get("format", "moodle_auto_format"))
        choices.append(_with_feedback({"id": f"c{n}", "text": text}, _feedback(question, answer)))
        shares.append(percent)
    if single:
        plain = all(p in (0, 100) for p in shares)
        for choice, percent in zip(choices, shares, strict=True):
            choice["correct"] = percent == 100
            if not plain:
                choice["fraction"] = _share(percent)
        kind = "single_choice"
    else:
        right = [p for p in shares if p > 0]
        wrong = len(shares) - len(right)
        default = bool(right) and all(
            abs(p - (Decimal(100) / len(right) if p > 0 else Decimal(-100) / max(wrong, 1))) < Decimal("0.001")
            for p in shares
        )  # the app's own rule for multiple response says the same: keep it without fractions
        for choice, percent in zip(choices, shares, strict=True):
            choice["correct"] = percent > 0
            if not default:
                choice["fraction"] = _share(percent)
        kind = "multiple_response"
    for choice in choices:
        if not choice["correct"]:
            del choice["correct"]
    item |= {"type": kind, "choices": choices}
    _combined_feedback(question, item)
    return item


def _truefalse(question: _Question, item: dict[str, Any]) -> dict[str, Any]:
    verdict = None
    for n, answer in enumerate(question.answers(), start=1):
        said = (answer.findtext("text") or "").strip().lower()
        if said not in ("true", "false"):
            raise Invalid(f"answer {n}: a true/false answer says 'true' or 'false', not {said[:40]!r}")
        if _percent(answer.get("fraction"), f"answer {n}") > 0:
            verdict = said == "true"
        if (feedback := _feedback(question, answer)) is not None:
            item[f"feedback_{said}"] = feedback
    if verdict is None:
        raise Invalid("neither true nor false is marked right (fraction 100)")
    return item | {"type": "true_false", "answer": verdict}


def _shortanswer(question: _Question, item: dict[str, Any]) -> dict[str, Any]:
    if question.flag("usecase") == "1":
        question.warnings.append("Moodle compared these answers with their case; the app ignores case")
    answers: list[Any] = []
    for n, answer in enumerate(question.answers(), start=1):
        percent = _percent(answer.get("fraction"), f"answer {n}")
        text = (answer.findtext("text") or "").strip()  # compared with what learners type: kept as written
        feedback = _feedback(question, answer)
        if percent <= 0 and text != "*":
            question.warnings.append(
                f"the answer {text[:40]!r} gives no credit"
                + (" and its feedback is not kept" if feedback else "")
                + ": the app marks every unlisted answer wrong, so it was left out"
            )
            continue
        if percent < 0:
            question.warnings.append("a negative credit for any other answer was read as 0")
        entry: dict[str, Any] = {"text": text}
        if percent != 100:
            entry["fraction"] = _share(max(percent, Decimal(0)))
        entry = _with_feedback(entry, feedback)
        answers.append(text if set(entry) == {"text"} else entry)
    return item | {"type": "short_answer", "answers": answers}


def _numerical(question: _Question, item: dict[str, Any]) -> dict[str, Any]:
    if question.element.find("units/unit") is not None:
        question.warnings.append("units were dropped: learners type the number alone")
    answers: list[dict[str, Any]] = []
    for n, answer in enumerate(question.answers(), start=1):
        percent = _percent(answer.get("fraction"), f"answer {n}")
        text = (answer.findtext("text") or "").strip()
        feedback = _feedback(question, answer)
        if text == "*":
            if percent > 0:
                question.warnings.append("credit for any other number was dropped: the app gives it none")
            if feedback is not None:
                item["other_feedback"] = feedback
            continue
        entry: dict[str, Any] = {"value": _number(text, f"answer {n}")}
        tolerance = _number(answer.findtext("tolerance") or "0", f"answer {n} tolerance")
        if tolerance < 0:
            raise Invalid(f"answer {n}: the tolerance {tolerance} is negative")
        if percent <= 0:
            question.warnings.append(
                f"the answer {text[:40]} gives no credit"
                + (" and its feedback is not kept" if feedback else "")
                + ": the app marks every unlisted number wrong, so it was left out"
            )
            continue
        if tolerance:
            entry["tolerance"] = tolerance
        if percent != 100:
            entry["fraction"] = _share(percent)
        answers.append(_with_feedback(entry, feedback))
    item["type"] = "numeric"
    if len(answers) == 1 and set(answers[0]) <= {"value", "tolerance"} and "other_feedback" not in item:
        return item | {"answer": answers[0]["value"], "tolerance": answers[0].get("tolerance", 0)}
    return item | {"answers": answers}


def _matching(question: _Question, item: dict[str, Any]) -> dict[str, Any]:
    subquestions = question.element.findall("subquestion")
    if len(subquestions) > MOST_ANSWERS:
        raise Invalid(f"a question holds at most {MOST_ANSWERS} subquestions; this one has {len(subquestions)}")
    pairs, distractors = [], []
    for n, sub in enumerate(subquestions, start=1):
        left = question.text(sub, sub.get("format", "moodle_auto_format"))
        right = question._keep(_Raw((sub.findtext("answer/text") or ""), "right"))
        if left.text:
            pairs.append({"id": f"p{len(pairs) + 1}", "left": left, "right": right})
        elif right.text:
            distractors.append(right)
        else:
            question.warnings.append(f"subquestion {n} is empty and was left out")
    item |= {"type": "matching", "pairs": pairs}
    if distractors:
        item["distractors"] = distractors
    _combined_feedback(question, item)
    return item


def _ordering(question: _Question, item: dict[str, Any]) -> dict[str, Any]:
    answers = question.answers()
    keyed = []
    for n, answer in enumerate(answers, start=1):
        try:
            position = Decimal((answer.get("fraction") or str(n)).strip()[:LONGEST_NUMBER])
        except InvalidOperation:
            position = Decimal(n)
        keyed.append((position, n, question.text(answer, answer.get("format", "moodle_auto_format"))))
    keyed.sort(key=lambda entry: (entry[0], entry[1]))
    grading = question.flag("gradingtype").upper()
    if grading and grading != APP_GRADING:
        question.warnings.append(
            f"Moodle graded this by {grading}; the app gives the share of pairs of items in the right order"
        )
    select = question.flag("selecttype").upper()
    count = question.flag("selectcount")
    if select not in ("", "ALL") and count not in ("", "0", str(len(answers))):
        question.warnings.append("Moodle showed only some of the items; the app shows them all")
    item |= {"type": "ordering", "items": [{"id": f"i{n}", "text": raw} for n, (_, _, raw) in enumerate(keyed, 1)]}
    _combined_feedback(question, item)
    return item


def _cloze_unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


def _cloze_answers(question: _Question, body: str, n: int) -> list[str]:
    accepted = []
    parts = re.split(r"(?<!\\)~", body)
    if len(parts) > limits.ANSWERS * 2:
        raise Invalid(f"blank {n} has more than {limits.ANSWERS * 2} answers")
    for part in parts:
        split = CLOZE_ANSWER.match(part)
        value, feedback = split.group(1).strip(), split.group(2) or ""
        percent = Decimal(100) if value.startswith("=") else Decimal(0)
        value = value.removeprefix("=")
        if match := re.match(r"%(-?[\d.]+)%", value):
            percent = _percent(match.group(1), f"blank {n}")
            value = value[match.end() :]
        value = _cloze_unescape(value).strip()
        if percent == 100 and value:
            accepted.append(value)
        elif percent > 0:
            question.warnings.append(f"blank {n}: the {percent.normalize():f}% answer {value[:40]!r} was left out")
        elif feedback.strip():
            question.warnings.append(f"blank {n}: the feedback for {value[:40]!r} was dropped")
    if not accepted:
        raise Invalid(f"blank {n} has no fully right answer")
    return accepted


def _multianswer(question: _Question, item: dict[str, Any]) -> dict[str, Any]:
    raw = question.field("questiontext")
    if len(raw.text) > limits.PROMPT:
        raise Invalid(f"text: is {len(raw.text):,} characters long; the limit is {limits.PROMPT:,}")
    kinds = {match.group(2).upper() for match in CLOZE.finditer(raw.text)}
    if other := sorted(kinds - CLOZE_SHORT):
        raise Skip(f"skipped: the cloze holds embedded {', '.join(other)} answers; the app's cloze has typed blanks")
    blanks, weights, position, pieces = [], set(), 0, []
    for n, match in enumerate(CLOZE.finditer(raw.text), start=1):
        if n > limits.BLANKS:
            raise Invalid(f"a cloze holds at most {limits.BLANKS} blanks")
        weights.add(match.group(1) or "1")
        if match.group(2).upper() in ("SHORTANSWER_C", "SAC", "MWC"):
            question.warnings.append(f"blank {n}: Moodle compared it with its case; the app ignores case")
        blanks.append({"id": f"b{n}", "answers": _cloze_answers(question, match.group(3), n)})
        pieces += [raw.text[position : match.start()], f"{{{{b{n}}}}}"]
        position = match.end()
    if not blanks:
        raise Invalid("the cloze has no blank such as {1:SHORTANSWER:=answer}")
    if len(weights) > 1:
        question.warnings.append("Moodle weighted the blanks differently; the app counts each blank alike")
    raw.text = "".join(pieces + [raw.text[position:]]).strip()
    item.pop("prompt")
    return item | {"type": "cloze", "prompt": CLOZE_PROMPT, "text": raw, "blanks": blanks}


READERS = {
    "multichoice": _multichoice,
    "truefalse": _truefalse,
    "shortanswer": _shortanswer,
    "numerical": _numerical,
    "matching": _matching,
    "ordering": _ordering,
    "multianswer": _multianswer,
}


def _lines(source: str):
    """The line of each <question in the file, in order (counted as they are asked for)."""
    line, position = 1, 0
    for match in QUESTION_START.finditer(source):
        line += source.count("\n", position, match.start())
        position = match.start()
        yield line


class _Chunks:
    """The file in pieces for iterparse, CHUNK characters at first. Expat 2.5 parses a token cut by a
    piece's end again from its start, so iterparse's own 16 KB pieces made one 20 MB attribute cost
    11 s: a piece that brought no event (inside a long token) is followed by one four times larger."""

    def __init__(self, source: str) -> None:
        self.source, self.position = source, 0
        self.events = self.seen = 0
        self.size = CHUNK

    def read(self, size: int = -1) -> str:
        if self.position:
            self.size = self.size * 4 if self.events == self.seen else CHUNK
        self.seen = self.events
        piece = self.source[self.position : self.position + self.size]
        self.position += len(piece)
        return piece


def _long_tag(source: str) -> int | None:
    """Where a start or end tag longer than MAX_TAG characters begins, if one does. Expat takes more than
    linear time over one long tag (a 20 MB attribute: 0.3 s; 1.5 million attributes: 2.7 s), and no
    Moodle tag is longer than a few hundred characters. An attribute never holds "<", so a tag lies
    within one of the pieces between two "<"; only a piece longer than MAX_TAG is looked into."""
    for match in LONG_PIECE.finditer(source):
        if not TAG.match(source, match.start() + 1, match.start() + 1 + MAX_TAG):
            return match.start()
    return None


def _questions(source: str, parsed: Parsed):
    """Each <question> under <quiz> with its line, read as a stream and let go once handled, so that
    no file costs more than the questions it may hold: reading stops at the first problem of size."""
    if (position := _long_tag(source)) is not None:
        line = source.count("\n", 0, position) + 1
        parsed.problems.append(f"Line {line}: an XML tag is longer than {MAX_TAG:,} characters; Moodle's never are.")
        return
    parser = safe_xml.DefusedXMLParser(target=ET.TreeBuilder(insert_comments=True))
    lines = _lines(source)
    depth = elements = questions = 0
    root = None
    try:
        chunks = _Chunks(source)
        for event, element in ET.iterparse(chunks, ("start", "end", "comment"), parser):  # noqa: S314 (defused)
            elements += 1
            chunks.events = elements
            if elements > MAX_ELEMENTS:
                parsed.problems.append(
                    f"The file holds more than {MAX_ELEMENTS:,} XML elements and comments, far more than "
                    f"{MAX_ITEMS} questions need."
                )
                return
            if event == "comment":
                continue
            if event == "end":
                depth -= 1
                if depth == 1 and element.tag == "question":
                    yield next(lines, questions), element
                    root.clear()  # handled: let it go
                continue
            depth += 1
            if root is None:
                root = element
                if element.tag != "quiz":
                    parsed.problems.append(f"A Moodle XML file starts with <quiz>, not <{str(element.tag)[:40]}>.")
                    return
            elif depth == 2 and element.tag == "question":
                questions += 1
            if depth > MAX_DEPTH:
                parsed.problems.append(f"The file is nested more than {MAX_DEPTH} levels deep; Moodle's never is.")
                return
            if questions > 2 * MAX_ITEMS:
                parsed.problems.append(f"A file holds at most {MAX_ITEMS} questions.")
                return
    except DefusedXmlException:
        parsed.problems.append(
            "The file declares XML entities or a DTD, which are refused: a few lines of them can expand "
            "into gigabytes. Moodle's own exports never use them; export the questions again."
        )
    except ET.ParseError as error:
        parsed.problems.append(f"The file is not well-formed XML: {str(error)[:200]}.")


def parse(source: str, default_topic: str) -> Parsed:
    parsed = Parsed()
    category: list[str] = []
    for line, element in _questions(source, parsed):
        kind = str(element.get("type", ""))[:40]
        if kind == "category":
            path = (element.findtext("category/text") or "").split("/", limits.TAGS + 3)
            if len(path) > limits.TAGS + 2:
                parsed.problems.append(f"Line {line}: a category has more than {limits.TAGS} levels.")
                path = []
            category = [slug(part) for part in path if part.strip() and not part.strip().startswith("$")]
            category = [part for part in category if part and part != "top"]
            continue
        if len(parsed.items) == MAX_ITEMS:
            parsed.problems.append(f"A file holds at most {MAX_ITEMS} questions.")
            break
        name = (element.findtext("name/text") or "").strip()
        label = f"Line {line} ({name[:60]})" if name else f"Line {line}"
        if kind in SKIPPED_TYPES:
            parsed.skipped.append(f"{label}: skipped: {SKIPPED_TYPES[kind]}")
            continue
        if kind not in READERS:
            parsed.skipped.append(f"{label}: skipped: the question type {kind!r} has no equivalent in the app")
            continue
        question = _Question(element)
        try:
            item = _question(question, kind, name, category, default_topic)
        except Skip as skipped:
            parsed.skipped.append(f"{label}: {skipped}")
            continue
        except Invalid as problem:
            parsed.problems.append(f"{label}: {problem}")
            continue
        if question.warnings:  # importing.validate files them under the item's line, with its name
            item["_warnings"] = list(question.warnings)
        if name:
            item["_name"] = name
        parsed.items.append((line, item))
    return parsed


def _meta(element: ET.Element) -> dict[str, Any]:
    for child in element:
        if child.tag is ET.Comment and (child.text or "").strip().startswith(META):
            try:
                meta = json.loads(child.text.strip()[len(META) :])
            except (ValueError, RecursionError):
                raise Invalid("the quizapp comment is not a JSON object") from None
            if not isinstance(meta, dict):
                raise Invalid("the quizapp comment is not a JSON object")
            return meta
    return {}


def _question(question: _Question, kind: str, name: str, category: list[str], default_topic: str) -> dict[str, Any]:
    element = question.element
    meta = _meta(element)
    tags = [slug(tag) for tag in (t.findtext("text") or "" for t in element.findall("tags/tag")[: limits.TAGS + 1])]
    item: dict[str, Any] = {
        "id": slug(element.findtext("idnumber") or "") or slug(name) or None,
        "prompt": question.field("questiontext"),
        "topic": default_topic,
        "tags": sorted({tag for tag in tags + category if tag}),
        "difficulty": 2,
    }
    general = question.field("generalfeedback", item["prompt"].fmt)
    if general.text:
        item["explanation" if meta.get("feedback_is_explanation") else "general_feedback"] = general
    item = READERS[kind](question, item)
    if category:
        item["_category"] = category  # a level that names a topic becomes the topic (importing.validate)
    item |= {key: value for key, value in meta.items() if key in META_KEYS}
    if "topic" in meta:
        item.pop("_category", None)
    entries = next((item[k] for k in ("choices", "pairs", "items", "blanks") if k in item), None)
    ids = meta.get("ids")
    if entries and isinstance(ids, list) and len(ids) == len(entries):
        renamed = {
            f"{{{{{entry['id']}}}}}": f"{{{{{entry_id}}}}}" for entry, entry_id in zip(entries, ids, strict=True)
        }
        for entry, entry_id in zip(entries, ids, strict=True):
            entry["id"] = str(entry_id)  # the ids answers refer to survive the round trip
        if item["type"] == "cloze":
            item["text"].text = CLOZE_BLANK.sub(lambda m: renamed.get(m.group(0), m.group(0)), item["text"].text)
    return question.resolve(item)


CLOZE_BLANK = re.compile(r"\{\{\s*[A-Za-z0-9_-]+\s*\}\}")


# ---------------------------------------------------------------- writing


def number_text(value: Any) -> str:
    """A number as it was written, without float noise: 3.1415, not 3.1414999999999997."""
    if isinstance(value, Decimal):
        text = format(value.normalize(), "f")
    elif isinstance(value, float) and value.is_integer():
        text = str(int(value))
    else:
        text = repr(value) if isinstance(value, float) else str(value)
    return "0" if text in ("-0", "") else text


def _percent_text(share: Any) -> str:
    """A fraction of the schema (-1..1) as Moodle's percentage: 0.3333333 -> 33.33333."""
    percent = (Decimal(repr(share)) * 100).quantize(Decimal("0.00001"))
    return number_text(percent)


def _child(parent: ET.Element, tag: str, text: str | None = None, **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attributes)
    if text is not None:
        element.text = text
    return element


def _texted(parent: ET.Element, tag: str, text: str, fmt: str | None = None, **attributes: str) -> ET.Element:
    element = _child(parent, tag, **({"format": fmt} if fmt else {}), **attributes)
    _child(element, "text", text)
    return element


def _answer(parent: ET.Element, percent: str, text: str, fmt: str, feedback: str | None) -> ET.Element:
    answer = _texted(parent, "answer", text, fmt, fraction=percent)
    if feedback:
        _texted(answer, "feedback", feedback, fmt)
    return answer


def _meta_comment(item: dict[str, Any]) -> ET.Element:
    meta = {key: item[key] for key in ("id", "topic", "difficulty", "source", "fact") if key in item}
    meta["tags"] = item.get("tags", [])
    entries = next((item[k] for k in ("choices", "pairs", "items", "blanks") if k in item), None)
    if entries:
        meta["ids"] = [entry["id"] for entry in entries]
    if item.get("explanation"):
        if item.get("general_feedback"):
            meta["explanation"] = item["explanation"]
        else:
            meta["feedback_is_explanation"] = True
    if item["type"] == "numeric" and item.get("unit"):
        meta["unit"] = item["unit"]
    if item["type"] == "cloze":
        meta["prompt"] = item["prompt"]
    text = json.dumps(meta, ensure_ascii=False)
    while "--" in text:  # not allowed in an XML comment; only JSON strings can hold it
        text = text.replace("--", "-\\u002d")
    return ET.Comment(f" {META}{text} ")


def _choices(question: ET.Element, item: dict[str, Any], fmt: str) -> None:
    choices = item["choices"]
    explicit = any("fraction" in c for c in choices)
    right = [c for c in choices if c.get("correct")]
    wrong = len(choices) - len(right)
    for choice in choices:
        if explicit:
            share: Any = choice.get("fraction", 0)
        elif item["type"] == "single_choice":
            share = 1 if choice.get("correct") else 0
        else:  # the app's own rule for multiple response, as Moodle fractions
            share = 1 / len(right) if choice.get("correct") else -1 / max(wrong, 1)
        _answer(question, _percent_text(share), choice["text"], fmt, choice.get("feedback"))


def _numeric_answers(question: ET.Element, item: dict[str, Any], fmt: str) -> None:
    answers = item.get("answers") or [{"value": item["answer"], "tolerance": item.get("tolerance", 0)}]
    for entry in answers:
        if "min" in entry:
            low, high = Decimal(number_text(entry["min"])), Decimal(number_text(entry["max"]))
            value, tolerance = (low + high) / 2, (high - low) / 2
        else:
            value, tolerance = entry["value"], entry.get("tolerance", 0)
        answer = _answer(
            question, _percent_text(entry.get("fraction", 1)), number_text(value), fmt, entry.get("feedback")
        )
        _child(answer, "tolerance", number_text(tolerance))
    if item.get("other_feedback"):
        _answer(question, "0", "*", fmt, item["other_feedback"])


def _cloze_escape(text: str) -> str:
    return re.sub(r"([\\}#~/\"])", r"\\\1", text)


def _cloze_text(item: dict[str, Any]) -> str:
    answers = {blank["id"]: blank["answers"] for blank in item["blanks"]}

    def code(match: re.Match) -> str:
        accepted = answers.get(match.group(0)[2:-2].strip(), [])
        return "{1:SHORTANSWER:" + "~".join(f"={_cloze_escape(str(a))}" for a in accepted) + "}"

    return CLOZE_BLANK.sub(code, item["text"])


def _question_element(item: dict[str, Any]) -> ET.Element:
    kind = item["type"]
    fmt = "html" if item.get("format") == "html" else "markdown"
    moodle_type = {
        "single_choice": "multichoice",
        "multiple_response": "multichoice",
        "true_false": "truefalse",
        "short_answer": "shortanswer",
        "numeric": "numerical",
        "matching": "matching",
        "ordering": "ordering",
        "cloze": "multianswer",
    }[kind]
    question = ET.Element("question", {"type": moodle_type})
    question.append(_meta_comment(item))
    _texted(question, "name", item["id"])
    _texted(question, "questiontext", _cloze_text(item) if kind == "cloze" else item["prompt"], fmt)
    general = item.get("general_feedback") or item.get("explanation") or ""
    _texted(question, "generalfeedback", general, fmt)
    _child(question, "defaultgrade", "1")
    _child(question, "penalty", "0.3333333")
    _child(question, "hidden", "0")
    if kind in ("single_choice", "multiple_response"):
        _child(question, "single", "true" if kind == "single_choice" else "false")
        _child(question, "shuffleanswers", "true")
        _child(question, "answernumbering", "abc")
        _choices(question, item, fmt)
    elif kind == "true_false":
        for verdict in ("true", "false"):
            right = item["answer"] is (verdict == "true")
            _answer(question, "100" if right else "0", verdict, "moodle_auto_format", None)
            if feedback := item.get(f"feedback_{verdict}"):
                _texted(question[-1], "feedback", feedback, fmt)
    elif kind == "short_answer":
        _child(question, "usecase", "0")
        for entry in item["answers"]:
            entry = entry if isinstance(entry, dict) else {"text": entry}
            answer = _answer(
                question, _percent_text(entry.get("fraction", 1)), str(entry["text"]), "moodle_auto_format", None
            )
            if entry.get("feedback"):
                _texted(answer, "feedback", entry["feedback"], fmt)
    elif kind == "numeric":
        _numeric_answers(question, item, fmt)
    elif kind == "matching":
        _child(question, "shuffleanswers", "true")
        plain = (lambda text: html.unescape(strip_tags(text))) if fmt == "html" else (lambda text: text)
        for pair in item["pairs"]:
            sub = _texted(question, "subquestion", pair["left"], fmt)
            _texted(sub, "answer", plain(pair["right"]))
        for distractor in item.get("distractors", []):
            sub = _texted(question, "subquestion", "", fmt)
            _texted(sub, "answer", plain(distractor))
    elif kind == "ordering":
        for tag, value in (
            ("layouttype", "VERTICAL"),
            ("selecttype", "ALL"),
            ("selectcount", "0"),
            ("gradingtype", APP_GRADING),
            ("showgrading", "SHOW"),
            ("numberingstyle", "none"),
        ):
            _child(question, tag, value)
        for position, entry in enumerate(item["items"], start=1):
            _answer(question, str(position), entry["text"], fmt, None)
    if item.get("tags"):
        tags = _child(question, "tags")
        for tag in item["tags"]:
            _texted(tags, "tag", tag)
    return question


def write(items: list[dict[str, Any]]) -> tuple[str, list[str]]:
    """Moodle XML for the items it can hold, and the ids of those it cannot (flashcards)."""
    root = ET.Element("quiz")
    skipped, topic = [], None
    for item in items:
        if item["type"] not in XML_TYPES:
            skipped.append(item["id"])
            continue
        if item.get("topic") != topic:
            topic = item.get("topic")
            category = _child(root, "question", type="category")
            _texted(category, "category", f"$course$/top/{topic}")
        root.append(_question_element(item))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n", skipped
