"""Answering as a browser does: read the opaque tokens of a question's form off its page.

Forms name choices, matching entries and ordering items by per-showing tokens, so a right
answer is found by its text (as a learner finds it), never by the authored ids.
"""

import html
import re

from tests.factories import RIGHT_FORMS, SAMPLE_DATA

_CHOICE = re.compile(r'<input type="(?:radio|checkbox)" name="answer" value="([^"]+)"[^>]*>\s*([^<]*)</label>')
_ROW = re.compile(r'<label for="pos-\d+-([^"]+)"[^>]*>Position of: ([^<]*)</label>')
_MATCH_ROW = re.compile(
    r'<legend class="match-left">([^<]*)</legend>\s*<ul[^>]*>\s*<li><label class="check">'
    r'<input type="radio" name="match-([^"]+)"'
)
_MATCH_OPTION = re.compile(r'<input type="radio" name="match-[^"]+" value="([^"]+)"[^>]*>\s*([^<]*)</label>')


def _by_text(pattern: re.Pattern, page: str) -> dict[str, str]:
    return {html.unescape(text).strip(): token for token, text in pattern.findall(page)}


def choice_tokens(page: str) -> dict[str, str]:
    """Each choice's text -> the value its input posts."""
    return _by_text(_CHOICE, page)


def answer_form(page: str, type_name: str, data: dict | None = None) -> dict:
    """The right answer to the question on this page, posted as its form names it.

    `data` is the question's answer data (SAMPLE_DATA's by default); types without
    tokens (typed answers, true or false) post what RIGHT_FORMS says.
    """
    data = data or SAMPLE_DATA[type_name]
    if type_name in ("single_choice", "multiple_response"):
        tokens = choice_tokens(page)
        right = [tokens[c["text"]] for c in data["choices"] if c["correct"]]
        return {"answer": right[0] if type_name == "single_choice" else right}
    if type_name == "ordering":
        rows = _by_text(_ROW, page)
        return {f"pos-{rows[e['text']]}": str(n) for n, e in enumerate(data["items"], start=1)}
    if type_name == "matching":
        rows = {html.unescape(text).strip(): field for text, field in _MATCH_ROW.findall(page)}
        options = _by_text(_MATCH_OPTION, page)
        return {f"match-{rows[p['left']]}": options[p["right"]] for p in data["pairs"]}
    return dict(RIGHT_FORMS[type_name])


def hidden(page: str, name: str) -> str:
    """The value of a hidden input on the page."""
    return re.search(rf'name="{name}" value="([^"]*)"', page).group(1)


def issue_showing(user_id: int, question_id: int) -> str:
    """Show a card as the study page would (inside an app context) and return its token, committed.

    For tests that drive many ratings of one card without reading each study page.
    """
    import sqlalchemy as sa

    from quizapp.bank.models import Question
    from quizapp.extensions import db
    from quizapp.models import utcnow
    from quizapp.review import showings
    from quizapp.review.models import Card

    version_id = db.session.scalar(sa.select(Question.current_version_id).where(Question.id == question_id))
    reps = db.session.scalar(sa.select(Card.reps).where(Card.user_id == user_id, Card.question_id == question_id))
    token = showings.show(user_id, question_id, version_id, reps or 0, {}, utcnow())
    db.session.commit()
    return token


_MARK = re.compile(
    r'<li class="mark mark-(\w+)">.*?<span class="mark-text">(.*?)</span>\s*<strong class="mark-words">([^<]*)</strong>'
    r'(?:\s*<span class="mark-due">Right match: ([^<]*)</span>)?',
    re.S,
)


def marks(page: str) -> list[tuple[str, str, str, str]]:
    """The feedback's marked parts: (verdict class, text with the learner's match, words, the right match)."""
    return [
        (verdict, " ".join(re.sub(r"<[^>]+>", "", html.unescape(text)).split()), words, html.unescape(due))
        for verdict, text, words, due in _MARK.findall(page)
    ]
