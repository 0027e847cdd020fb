"""Teachers' questions: from the editor to a validated item, saved as a new version; copy,
retire and restore, history with differences, regrade after a corrected key."""

import difflib
import re
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from quizapp.auth.models import User
from quizapp.authoring.forms import CHOICE_ROWS, QuestionForm
from quizapp.bank import evidence
from quizapp.bank.content import ItemSpec, validate_item
from quizapp.bank.models import Question, QuestionStatus, QuestionVersion
from quizapp.bank.services import add_version
from quizapp.bank.types import BLANK, get_type
from quizapp.extensions import db

SLUGGISH = re.compile(r"[^a-z0-9]+")


def slugify(text: str) -> str:
    return SLUGGISH.sub("-", text.strip().lower()).strip("-")


# --- who may do what ---------------------------------------------------------------------


def can_view(user: User, question: Question) -> bool:
    """Curated items are open to every teacher; a teacher's own items only to them (and admins)."""
    return user.is_admin or question.owner_id is None or question.owner_id == user.id


def can_edit(user: User, question: Question) -> bool:
    """Teachers edit their own items; only admins edit curated ones."""
    return user.is_admin or (question.owner_id is not None and question.owner_id == user.id)


def visible_question(user: User, question_id: int) -> Question | None:
    question = db.session.get(
        Question,
        question_id,
        options=[joinedload(Question.current_version), joinedload(Question.topic), selectinload(Question.tags)],
    )
    return question if question is not None and can_view(user, question) else None


# --- the editor ----------------------------------------------------------------------------


def _unique_id(used: set[str], prefix: str) -> str:
    n = 1
    while f"{prefix}{n}" in used:
        n += 1
    used.add(f"{prefix}{n}")
    return f"{prefix}{n}"


def _rows(rows, keys: tuple[str, ...], prefix: str) -> list[dict[str, Any]]:
    """The filled rows of a list of subforms, each keeping its id (a new one when it has none)."""
    filled = [row.data for row in rows if any(str(row.data.get(k) or "").strip() for k in keys)]
    used = {str(r["id"]) for r in filled if r.get("id")}
    return [{**r, "id": r.get("id") or _unique_id(used, prefix)} for r in filled]


def item_from_form(form: QuestionForm) -> dict[str, Any]:
    """The content-format item the editor describes (validated afterwards by the registry)."""
    kind = form.type.data
    item: dict[str, Any] = {
        "id": "draft",
        "type": kind,
        "topic": form.topic.data,
        "difficulty": int(form.difficulty.data or 2),
        "tags": [slugify(t) for t in (form.tags.data or "").split(",") if slugify(t)],
        "explanation": form.explanation.data or "",
    }
    if (form.fact.data or "").strip():
        item["fact"] = slugify(form.fact.data)
    if form.source_page.data or (form.source_evidence.data or "").strip():
        item["source"] = {"page": form.source_page.data, "evidence": (form.source_evidence.data or "").strip()}
    item[get_type(kind).prompt_field] = form.prompt.data or ""
    if (form.general_feedback.data or "").strip():
        item["general_feedback"] = form.general_feedback.data
    if form.format.data == "html":
        item["format"] = "html"
    if kind in ("single_choice", "multiple_response"):
        item["choices"] = _choices_from_rows(_rows(form.choices, ("text",), "c"))
    elif kind == "true_false":
        item["answer"] = {"true": True, "false": False}.get(form.verdict.data)
        item |= _feedback(form.feedback_true.data, "feedback_true") | _feedback(
            form.feedback_false.data, "feedback_false"
        )
    elif kind == "short_answer":
        item["answers"] = [_short_answer(line) for line in (form.answers.data or "").splitlines() if line.strip()]
    elif kind == "numeric":
        lines = [line for line in (form.numeric_answers.data or "").splitlines() if line.strip()]
        if lines:
            item["answers"] = [_numeric_answer(line) for line in lines]
            if (form.number.data or "").strip():
                item["answer"] = _number(form.number.data)  # the registry says: one way or the other
        else:
            item |= {"answer": _number(form.number.data), "tolerance": _number(form.tolerance.data or "0")}
        item |= {"unit": (form.unit.data or "").strip()} | _feedback(form.other_feedback.data, "other_feedback")
    elif kind == "ordering":
        item["items"] = [{"id": r["id"], "text": r["text"].strip()} for r in _rows(form.items, ("text",), "i")]
    elif kind == "matching":
        item["pairs"] = [
            {"id": r["id"], "left": r["left"].strip(), "right": r["right"].strip()}
            for r in _rows(form.pairs, ("left", "right"), "p")
        ]
        if distractors := [line.strip() for line in (form.distractors.data or "").splitlines() if line.strip()]:
            item["distractors"] = distractors
    elif kind == "cloze":
        named = set(BLANK.findall(form.passage.data or ""))
        rows = [r for r in form.blanks if (r.data.get("answers") or "").strip() or r.data.get("id") in named]
        item["text"] = form.passage.data or ""
        item["blanks"] = [
            {
                "id": r.data["id"] or f"b{n}",
                "answers": [a.strip() for a in (r.data["answers"] or "").split("|") if a.strip()],
            }
            for n, r in enumerate(rows, start=1)
        ]
    elif kind == "flashcard":
        item["back"] = form.back.data or ""
    return item


def _feedback(text: str | None, key: str = "feedback") -> dict[str, str]:
    return {key: text.strip()} if (text or "").strip() else {}


def _choices_from_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Choices with credit when any row gives one (then every row scores by its credit, empty meaning 0)."""
    weighted = any((r.get("credit") or "").strip() for r in rows)
    choices = []
    for r in rows:
        choice: dict[str, Any] = {"id": r["id"], "text": r["text"].strip()}
        if weighted:
            choice["fraction"] = _fraction(r.get("credit") or "0")
        else:
            choice["correct"] = bool(r["correct"])
        choices.append(choice | _feedback(r.get("feedback")))
    return choices


def _fraction(text: str) -> Any:
    """A credit typed as a percentage ("50", "-33.333%") as Moodle's fraction; other text goes on to be named."""
    try:
        return round(float(text.strip().rstrip("%").strip()) / 100, 7)
    except ValueError:
        return text


def _percent(fraction: float) -> str:
    return f"{fraction * 100:.5f}".rstrip("0").rstrip(".") + "%"  # 33.33333%, 50%, -100%


def _short_answer(line: str) -> Any:
    """`Grant` (full credit) or `Grant | 50% | His full name, please.`"""
    text, *rest = (part.strip() for part in line.split("|", 2))
    if not rest:
        return text
    credit, feedback = rest[0], rest[1] if len(rest) > 1 else ""
    return {"text": text, "fraction": _fraction(credit) if credit else 1} | _feedback(feedback)


NUMERIC_LINE = re.compile(r"^(?P<value>[^±]+?)\s*(?:(?:±|\+-|\+/-)\s*(?P<tolerance>.+))?$")


def _numeric_answer(line: str) -> dict[str, Any]:
    """`3.1416 ± 0.0001 | 100% | Well done.`, `3.1..3.2 | 50%` or just `1953`."""
    number, *rest = (part.strip() for part in line.split("|", 2))
    entry: dict[str, Any]
    if ".." in number:
        low, high = number.split("..", 1)
        entry = {"min": _number(low), "max": _number(high)}
    else:
        match = NUMERIC_LINE.match(number)
        value, tolerance = (match["value"], match["tolerance"] or "0") if match else (number, "0")
        entry = {"value": _number(value), "tolerance": _number(tolerance)}
    credit, feedback = (rest + ["", ""])[:2]
    return entry | {"fraction": _fraction(credit) if credit else 1} | _feedback(feedback)


def _numeric_line(entry: dict[str, Any]) -> str:
    if "min" in entry:
        number = f"{_shown(entry['min'])}..{_shown(entry['max'])}"
    else:
        tolerance = entry.get("tolerance", 0)
        number = _shown(entry["value"]) + (f" ± {_shown(tolerance)}" if tolerance else "")
    return " | ".join([number, _percent(entry.get("fraction", 1)), *_feedback(entry.get("feedback")).values()])


def _shown(number: float) -> str:
    """A number as it was written: 3.1415 stays 3.1415, 1953 stays 1953 (repr never adds float noise)."""
    return repr(number) if isinstance(number, float) and not number.is_integer() else str(int(number))


def _number(text: str | None) -> Any:
    try:
        value = float((text or "").replace(",", "").strip())
    except ValueError:
        return text  # the registry names the field
    return int(value) if value.is_integer() else value


LINE_FIELD = re.compile(r"\w+\[(\d+)\]")
FIELD_OF = {
    "front": "prompt",
    "text": "passage",
    "answer": "number",
    "source.page": "source_page",
    "source.evidence": "source_evidence",
}


def attach_problems(form: QuestionForm, problems: list[tuple[str, str]]) -> None:
    """Show each registry problem next to the field it names ("choices[1].text" -> that row)."""
    kind = form.type.data
    for field, message in problems:
        if kind == "true_false" and field == "answer":
            field = "verdict"
        match = re.fullmatch(r"(choices|items|pairs|blanks)\[(\d+)\]\.?(\w*)", field)
        if field.startswith(("answers", "distractors")):
            name = "numeric_answers" if kind == "numeric" and field.startswith("answers") else field.split("[")[0]
            target = getattr(form, name)
            if line := LINE_FIELD.match(field):  # answers[2].fraction: the third line of the box
                message = f"Line {int(line[1]) + 1}: {message}"
        elif match:
            rows, index, sub = getattr(form, match[1]), int(match[2]), match[3] or None
            sub = "credit" if sub == "fraction" else sub
            target = rows[index] if index < len(rows) else rows
            target = getattr(target.form, sub) if sub and hasattr(target, "form") else target
        else:
            target = getattr(form, FIELD_OF.get(field, field), None)
        if target is None:
            form.form_errors.append(message)
        else:
            target.errors = [*target.errors, message] if isinstance(target.errors, list) else [message]


def validated_spec(form: QuestionForm, topics: set[str], strict: bool, article: str | None = None) -> ItemSpec | None:
    """The item the editor describes, or None with each problem at its field; an evidence phrase
    is checked against the article at `article` (config ARTICLE) when there is one."""
    spec, problems = validate_item(item_from_form(form), topics, strict=strict)
    if (
        spec is not None
        and spec.source_evidence
        and evidence.check(article, spec.source_page, spec.source_evidence) == evidence.Evidence.NOT_FOUND
    ):
        elsewhere = evidence.where_else(article, spec.source_evidence)
        problems.append(
            (
                "source.evidence",
                f"This phrase is not on page {spec.source_page} of the article"
                + (f" (it stands on page {elsewhere})" if elsewhere else "")
                + ". Copy it as printed there; capitals, quote marks, dashes and spacing do not matter.",
            )
        )
        spec = None
    attach_problems(form, problems)
    return spec


def fill_form(form: QuestionForm, question: Question, version: QuestionVersion) -> None:
    """Put a version's content into the editor (rows keep their ids)."""
    kind = version.type
    form.type.data, form.topic.data = kind, question.topic.slug
    form.tags.data = ", ".join(t.slug for t in question.tags)
    form.difficulty.data, form.fact.data = str(version.difficulty), question.fact or ""
    form.prompt.data, form.explanation.data = version.prompt, version.explanation
    form.source_page.data, form.source_evidence.data = version.source_page, version.source_evidence or ""
    data = version.data
    rows = {"choices": data.get("choices"), "items": data.get("items"), "pairs": data.get("pairs")}
    for name, values in rows.items():
        for row, value in zip(getattr(form, name), (values or []) + [{}] * CHOICE_ROWS, strict=False):
            for key, sub in row.form._fields.items():
                sub.data = value.get(key, False if key == "correct" else "")
            if "fraction" in value:
                row.form.credit.data = _percent(value["fraction"])
    form.general_feedback.data = data.get("general_feedback", "")
    form.format.data = data.get("format", "markdown")
    if kind == "true_false":
        form.verdict.data = "true" if data["answer"] else "false"
        form.feedback_true.data, form.feedback_false.data = data.get("feedback_true"), data.get("feedback_false")
    elif kind == "short_answer":
        form.answers.data = "\n".join(_answer_line(a) for a in data["answers"])
    elif kind == "numeric" and "answers" in data:
        form.numeric_answers.data = "\n".join(_numeric_line(entry) for entry in data["answers"])
        form.unit.data, form.other_feedback.data, form.tolerance.data = (
            data.get("unit", ""),
            data.get("other_feedback"),
            "",
        )
    elif kind == "numeric":
        form.number.data, form.tolerance.data, form.unit.data = (
            f"{data['answer']:g}",
            f"{data['tolerance']:g}",
            data.get("unit", ""),
        )
    elif kind == "matching":
        form.distractors.data = "\n".join(data.get("distractors", []))
    elif kind == "cloze":
        form.passage.data = data["text"]
        for row, blank in zip(form.blanks, data["blanks"], strict=False):
            row.form.id.data, row.form.answers.data = blank["id"], " | ".join(blank["answers"])
    elif kind == "flashcard":
        form.back.data = data["back"]


def _answer_line(answer: Any) -> str:
    if isinstance(answer, str):
        return answer
    return " | ".join([answer["text"], _percent(answer["fraction"]), *_feedback(answer.get("feedback")).values()])


def copy_question(question: Question, owner_id: int, now: datetime) -> Question:
    """An editable copy of a question (its current version) owned by this teacher."""
    copy = Question(
        owner_id=owner_id,
        type=question.type,
        topic_id=question.topic_id,
        fact=question.fact,
        copied_from_id=question.id,
        created_at=now,
    )
    copy.tags = list(question.tags)
    db.session.add(copy)
    add_version(copy, question.current_version, 1, owner_id, now)
    db.session.flush()
    return copy


def set_status(question: Question, status: QuestionStatus) -> None:
    question.status = status.value


# --- history -------------------------------------------------------------------------------


def versions_of(question: Question) -> list[QuestionVersion]:
    return list(
        db.session.scalars(
            sa.select(QuestionVersion)
            .where(QuestionVersion.question_id == question.id)
            .order_by(QuestionVersion.number.desc())
        )
    )


def version_lines(version: QuestionVersion) -> list[str]:
    """A version as lines of text, for showing what changed between two versions."""
    question_type = get_type(version.type)
    answer = question_type.describe(version.data, question_type.correct_answer(version.data))
    lines = [f"Prompt: {version.prompt}", f"Answer: {answer}"]
    for key in ("choices", "items", "pairs", "blanks"):
        for entry in version.data.get(key, []):
            lines.append(
                f"{key[:-1].capitalize()} {entry['id']}: " + " | ".join(str(v) for k, v in entry.items() if k != "id")
            )
    for key, value in sorted(version.data.items()):  # accepted answers, feedback, distractors, format...
        if key not in ("choices", "items", "pairs", "blanks", "text", "back") and value not in ("", None, []):
            entries = value if isinstance(value, list) else [value]
            lines += [f"{key.replace('_', ' ').capitalize()}: " + _entry_text(entry) for entry in entries]
    lines += [
        f"Explanation: {version.explanation}",
        f"Difficulty: {version.difficulty}",
        f"Source: p. {version.source_page} {version.source_evidence or ''}".rstrip(),
    ]
    return lines


def _entry_text(entry: Any) -> str:
    return " | ".join(str(v) for v in entry.values()) if isinstance(entry, dict) else str(entry)


def changes(older: QuestionVersion, newer: QuestionVersion) -> list[tuple[str, str]]:
    """(+ or -, line) for each line that differs between two versions."""
    diff = difflib.ndiff(version_lines(older), version_lines(newer))
    return [(line[0], line[2:]) for line in diff if line[:1] in "+-"]
