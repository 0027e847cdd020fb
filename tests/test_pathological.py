"""Inputs built to be slow: every importer and the Markdown renderer stay fast and linear.

Times are CPU seconds of this process (the best of a few runs), so that other work on a
shared machine does not decide the outcome. Each case also checks what the parser or
renderer answered, so a file refused unread could not pass. No database is touched: the
PostgreSQL pass skips these (see `sqlite_only` in tests/conftest.py).
"""

import random
import re
import time

import pytest

from quizapp.bank import importing, limits
from quizapp.bank.content import validate_item
from quizapp.bank.formats.gift import _blocks as gift_blocks
from quizapp.bank.formats.gift import strip_tags
from quizapp.markdown import render_markdown
from tests import security_summary
from tests.html_checks import live_markup

pytestmark = pytest.mark.sqlite_only

UPLOAD = limits.UPLOAD_BYTES - 200  # room for the question around the pathological part
FIELD = limits.LONGEST_FIELD
# A file of 20 MiB read in quadratic time would take minutes; read linearly, the slowest shape here
# (backslashes: every one a placeholder, restored again) takes 1.2 s of CPU on this machine, whose
# speed drifts by up to 60% from one hour to the next. The growth tests below catch a blow-up.
IMPORT_SECONDS, RENDER_SECONDS = 3.0, 0.2
# Four times the input may cost at most this many times the time: linear work costs 4x, n log n a
# little more (Markdown's nested link labels took 5.2x once in CI), quadratic work 16x. Halfway
# between, on a log scale, so only a blow-up fails, not the machine's noise.
GROWTH = 8.0
TOO_SHORT_TO_JUDGE = 0.01  # seconds: below this, a pause of the collector could decide the ratio


def cpu_seconds(work, runs: int = 3) -> tuple[float, object]:
    """The best CPU time of a few runs of `work`, and what it returned."""
    best, result = float("inf"), None
    for _ in range(runs):
        start = time.process_time()
        result = work()
        best = min(best, time.process_time() - start)
    return best, result


def run(source: str, fmt: str) -> list[str]:
    """Parse a file and check its items as an import does (without the topic lookup): every problem."""
    parsed = importing.parse(source.encode(), fmt, "war")
    warnings = []
    for line, raw in parsed.items:
        item = {k: v for k, v in raw.items() if not k.startswith("_")} if isinstance(raw, dict) else raw
        warnings += [f"Line {line}: {w}" for w in (raw.get("_warnings", []) if isinstance(raw, dict) else [])]
        _, problems = validate_item(item, {"war"}, strict=False)
        parsed.problems += [f"Line {line}: {field}: {message}" for field, message in problems]
    return parsed.problems + parsed.skipped + warnings


def _repeat(unit: str, size: int) -> str:
    return unit * (size // len(unit))


# (format, name, file, a problem the importer must report)
FILES = [
    ("gift", "html <", "::t::[html]" + _repeat("<", UPLOAD) + "{=a ~b}", "prompt: is 20,9"),
    ("gift", "html <a", "::t::[html]" + _repeat("<a", UPLOAD) + ">{=a ~b}", "the limit is 10,000"),
    ("gift", "html <>", "::t::[html]" + _repeat("<>", UPLOAD) + "{=a ~b}", "the limit is 10,000"),
    ("gift", "[ in the quizapp comment", "// quizapp: " + _repeat("[", UPLOAD) + "\nQ {=a ~b}", "not a JSON object"),
    ("gift", "{ in the quizapp comment", "// quizapp: " + _repeat('{"a":', UPLOAD) + "\nQ {=a}", "not a JSON object"),
    ("gift", "a list as the quizapp comment", "// quizapp: [1, 2]\nQ {=a ~b}", "not a JSON object"),
    ("gift", "= and ~", "Q {" + _repeat("=~", UPLOAD) + "}", "at most 20 answers"),
    ("gift", "matching pairs", "Q {" + _repeat("=a->b ", UPLOAD) + "}", "at most 20 answers"),
    ("gift", "weights", "Q {" + _repeat("~%", UPLOAD) + "}", "at most 20 answers"),
    ("gift", "weight digits", "Q {~" + _repeat("%1", UPLOAD) + "}", "choices"),
    ("gift", "escapes", "Q " + _repeat("\\{", UPLOAD) + "{=a}", "prompt: is 10,4"),
    ("gift", "backslashes", "Q " + _repeat("\\", UPLOAD) + " {=a}", "prompt: is 10,4"),
    ("gift", "one line per character", _repeat("Q\n", UPLOAD) + "{=a}", "the limit is 10,000"),
    ("gift", "category levels", "$CATEGORY: " + _repeat("a/", UPLOAD) + "\n\nQ {=a}", "more than 20 levels"),
    ("gift", "title colons", "::" + _repeat(":", UPLOAD) + "{=a}", "prompt"),
    ("gift", "open braces", "Q {" + _repeat("{", UPLOAD), "no closing }"),
    ("gift", "numeric ranges", "Q {#" + _repeat("1..", UPLOAD) + "}", "Line 1"),
    ("gift", "many questions", _repeat("Q {=a ~b}\n\n", UPLOAD), "at most 1000 questions"),
    ("csv", "one long cell", "type,prompt,answer\nshort_answer," + _repeat("a", UPLOAD) + ",x\n", "Line 2: not valid"),
    ("csv", "quotes", 'type,prompt,answer\nshort_answer,"' + _repeat('""', UPLOAD) + '",x\n', "Line 2: not valid"),
    ("csv", "commas", _repeat(",", UPLOAD), "the header lacks"),
    ("csv", "many rows", "type,prompt,answer\n" + _repeat("short_answer,Q,a\n", UPLOAD), "at most 1000 questions"),
    ("csv", "bars", "type,prompt,answer\nshort_answer,Q," + _repeat("|a", limits.LONGEST_FIELD) + "\n", "answers: has"),
    ("json", "nested lists", _repeat("[", UPLOAD), "not valid JSON"),
    ("json", "nested objects", _repeat('{"a":', UPLOAD), "not valid JSON"),
    ("json", "long prompt", '[{"type": "short_answer", "prompt": "' + _repeat("[", UPLOAD) + '"}]', "prompt: is 20,9"),
    (
        "json",
        "many choices",
        '[{"type": "single_choice", "choices": [' + _repeat('{"id": "a"},', UPLOAD) + "1]}]",
        "choices: has 1,747,6",
    ),
    ("json", "many items", "[" + _repeat("{},", UPLOAD) + "{}]", "at most 1000 questions"),
    ("json", "deep prompt", '[{"type": "short_answer", "prompt": ' + "[" * 900 + "]" * 900 + "}]", "prompt: must be"),
]


@pytest.mark.parametrize(("fmt", "name", "source", "problem"), FILES, ids=[f"{f}-{n}" for f, n, _, _ in FILES])
def test_every_importer_reads_the_largest_pathological_file_fast(fmt, name, source, problem):
    assert len(source.encode()) <= limits.UPLOAD_BYTES
    seconds, problems = cpu_seconds(lambda: run(source, fmt), runs=1)
    security_summary.timed("pathological", seconds)
    assert any(problem in p for p in problems), problems[:3]
    assert all(len(p) < 300 for p in problems)  # a message names the field, it does not repeat the input
    assert seconds < IMPORT_SECONDS, f"{name}: {seconds:.2f} s"


def test_tag_stripping_gives_what_the_quadratic_regex_gave():
    rng = random.Random(12)
    samples = ["", "<>", "<<a>", "a<b>c<>d>", "<p>Kim &amp; Mao</p>", "1 < 2 > 0", "<a<b>>"]
    samples += ["".join(rng.choice("<>a/ ") for _ in range(rng.randint(1, 16))) for _ in range(20_000)]
    assert [strip_tags(s) for s in samples] == [re.sub(r"<[^>]+>", "", s) for s in samples]


def test_gift_questions_split_where_the_line_by_line_reader_split_them():
    """The one-pass split (tests above: a line per character) against the reader it replaced: every
    line break str.splitlines knows, lines of white space, and the line number each question starts on."""

    def line_by_line(source):
        block, start = [], 0
        for number, line in enumerate(source.splitlines(), start=1):
            if not line or line.isspace():
                if block:
                    yield start, "\n".join(block)
                block = []
                continue
            start = start if block else number
            block.append(line)
        if block:
            yield start, "\n".join(block)

    rng = random.Random(7)
    pieces = ["Q", "{=a ~b}", "// c", " $CATEGORY: a", " ", "\t", "", "\u00a0", "x\u3000y"]
    breaks = ["\n", "\r\n", "\r", "\v", "\f", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029", "\n\n", "\n \n"]
    for _ in range(20_000):
        source = "".join(rng.choice(pieces) + rng.choice(breaks) for _ in range(rng.randint(0, 10)))
        assert list(gift_blocks(source)) == list(line_by_line(source)), repr(source)


# Markdown shapes that cost the most per character, each as a function of the length.
SHAPES = {
    "[": lambda n: "[" * n,
    "![": lambda n: "![" * (n // 2),
    "[![": lambda n: "[![" * (n // 3),
    "<": lambda n: "<" * n,
    "*": lambda n: "*" * n,
    "`": lambda n: "`" * n,
    "> nesting": lambda n: ">" * n,
    "> lines": lambda n: "".join(">" * (i % 100) + " a\n" for i in range(n))[:n],
    "[a](": lambda n: "[a](" * (n // 4),
    "emphasis runs": lambda n: "*a **b _c __d" * (n // 13),
    "*_": lambda n: "*_" * (n // 2),
    "~~": lambda n: "~~a" * (n // 3),
    "list nesting": lambda n: "".join("  " * (i % 100) + "- a\n" for i in range(n))[:n],
    "link labels": lambda n: "[" * (n // 2) + "]" * (n // 2),
    "references": lambda n: "[a]\n" * (n // 12) + "[a]: /u\n" * (n // 12),
    "entities": lambda n: "&#" * (n // 2),
    "escapes": lambda n: "\\[" * (n // 2),
}


@pytest.mark.parametrize("shape", SHAPES)
def test_markdown_renders_the_longest_field_fast(shape):
    text = SHAPES[shape](FIELD)
    assert FIELD * 0.9 <= len(text) <= FIELD
    seconds, html = cpu_seconds(lambda: render_markdown(text))
    security_summary.timed("pathological", seconds)
    assert html and live_markup(html) == []
    assert seconds < RENDER_SECONDS, f"{shape}: {seconds:.3f} s"


@pytest.mark.parametrize("shape", SHAPES)
def test_markdown_time_grows_linearly(shape):
    n = FIELD // 4
    short, long = SHAPES[shape](n), SHAPES[shape](4 * n)
    small, _ = cpu_seconds(lambda: render_markdown(short))
    large, _ = cpu_seconds(lambda: render_markdown(long))
    security_summary.timed("pathological", large)
    assert large <= GROWTH * max(small, TOO_SHORT_TO_JUDGE), f"{shape}: {small:.4f} s at {n}, {large:.4f} s at {4 * n}"


# Moodle XML: each shape as a function of the file's length, built only when its test runs (20 MiB each).
XML_HEAD = '<?xml version="1.0" encoding="UTF-8"?><quiz>'
XML_SHAPES = {
    "deep nesting": (
        lambda n: XML_HEAD + '<question type="truefalse">' + _repeat("<a>", n // 2) + _repeat("</a>", n // 2),
        "nested more than 20 levels deep",
    ),
    "deep nesting in a text": (
        lambda n: XML_HEAD + '<question type="shortanswer"><questiontext><text>' + _repeat("<b>", n),
        "nested more than 20 levels deep",
    ),
    "huge attribute": (
        lambda n: (
            XML_HEAD + '<question type="multichoice"><answer fraction="' + _repeat("1", n) + '"/></question></quiz>'
        ),
        "Line 1: an XML tag is longer than 10,000 characters",
    ),
    "huge type": (
        lambda n: XML_HEAD + '<question type="' + _repeat("x", n) + '"/></quiz>',
        "Line 1: an XML tag is longer than 10,000 characters",
    ),
    "many attributes": (
        lambda n: XML_HEAD + "<question " + " ".join(f"a{i}='1'" for i in range(n // 12))[: n - 100] + "/></quiz>",
        "an XML tag is longer than 10,000 characters",
    ),
    "many questions": (
        lambda n: (
            XML_HEAD
            + _repeat('<question type="truefalse"><answer fraction="100"><text>true</text></answer></question>', n)
        ),
        "at most 1000 questions",
    ),
    "many categories": (
        lambda n: XML_HEAD + _repeat('<question type="category"><category><text>a/b</text></category></question>', n),
        "at most 1000 questions",
    ),
    "many answers": (
        lambda n: (
            XML_HEAD + '<question type="multichoice">' + _repeat('<answer fraction="0"><text>a</text></answer>', n)
        ),
        "more than 100,000 XML elements",
    ),
    "many comments": (
        lambda n: XML_HEAD + '<question type="truefalse">' + _repeat("<!-- quizapp: [ -->", n),
        "more than 100,000 XML elements",
    ),
    "entities in a long text": (
        lambda n: (
            XML_HEAD
            + '<question type="shortanswer"><questiontext><text>'
            + _repeat("&lt;", n)
            + '</text></questiontext><answer fraction="100"><text>a</text></answer></question></quiz>'
        ),
        "prompt: is",
    ),
    "unclosed cloze answers": (
        lambda n: (
            XML_HEAD
            + '<question type="multianswer"><questiontext><text>'
            + _repeat("{1:SA:=a~", n)
            + "</text></questiontext></question></quiz>"
        ),
        "text: is",
    ),
    "category levels": (
        lambda n: (
            XML_HEAD
            + '<question type="category"><category><text>'
            + _repeat("a/", n)
            + '</text></category></question><question type="truefalse"/></quiz>'
        ),
        "a category has more than 20 levels",
    ),
    "open CDATA": (lambda n: XML_HEAD + "<question><![CDATA[" + _repeat("]]", n), "not well-formed XML"),
    "an embedded image": (  # not pathological: a Moodle export with a large picture imports, without it
        lambda n: (
            XML_HEAD
            + '<question type="truefalse"><questiontext format="html"><text>Seoul fell twice.</text>'
            + '<file name="map.png" encoding="base64">'
            + _repeat("iVBORw0KGgoAAAANSUhEUgAA\n", n - 400)
            + '</file></questiontext><answer fraction="100"><text>true</text></answer>'
            + '<answer fraction="0"><text>false</text></answer></question></quiz>'
        ),
        "Line 1: 1 embedded file(s) (images, attachments) were dropped",
    ),
}


@pytest.mark.parametrize("shape", XML_SHAPES)
def test_moodle_xml_reads_the_largest_pathological_file_fast(shape):
    build, problem = XML_SHAPES[shape]
    source = build(UPLOAD)
    assert UPLOAD * 0.9 <= len(source.encode()) <= limits.UPLOAD_BYTES
    seconds, problems = cpu_seconds(lambda: run(source, "moodle_xml"), runs=1)
    security_summary.timed("pathological", seconds)
    assert any(problem in p for p in problems), problems[:3]
    assert all(len(p) < 300 for p in problems)
    assert seconds < IMPORT_SECONDS, f"{shape}: {seconds:.2f} s"


@pytest.mark.parametrize("shape", XML_SHAPES)
def test_moodle_xml_time_grows_linearly(shape):
    build, _ = XML_SHAPES[shape]
    n = UPLOAD // 4
    short, long = build(n), build(4 * n)
    small, _ = cpu_seconds(lambda: run(short, "moodle_xml"), runs=2)
    large, _ = cpu_seconds(lambda: run(long, "moodle_xml"), runs=2)
    security_summary.timed("pathological", large)
    assert large <= GROWTH * max(small, TOO_SHORT_TO_JUDGE), f"{shape}: {small:.4f} s at {n}, {large:.4f} s at {4 * n}"


def test_billion_laughs_is_refused_unread_with_a_clear_message():
    entities = '<!ENTITY a0 "lol">' + "".join(f'<!ENTITY a{i} "{f"&a{i - 1};" * 10}">' for i in range(1, 10))
    source = f'<?xml version="1.0"?><!DOCTYPE quiz [{entities}]><quiz><question type="truefalse">'
    source += "<questiontext><text>&a9;</text></questiontext></question></quiz>"
    seconds, problems = cpu_seconds(lambda: run(source, "moodle_xml"), runs=1)
    security_summary.count("import", tried=1, refused=problems[0].startswith("The file declares XML entities"))
    assert problems == [
        "The file declares XML entities or a DTD, which are refused: a few lines of them can expand into "
        "gigabytes. Moodle's own exports never use them; export the questions again."
    ]
    assert seconds < 0.1
