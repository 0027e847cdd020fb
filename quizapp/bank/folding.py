"""Folding text so that what should not matter does not: one module for grading, search and the bank audit.

Two foldings, for two purposes:
- `fold_answer` makes typed answers and search text comparable: case, diacritics, apostrophe
  forms, hyphens and spaces, thousands separators, punctuation at either end and a leading
  article go ("The Ch'ŏllima movement" and "chollima-movement" are equal).
- `prose_words` splits prose into folded words exactly as ../shared/tools/check-evidence folds
  the article (footnote markers dropped), so the bank audit compares items with the article
  and with each other the way the content writers do.
"""

import re
import unicodedata

_APOSTROPHES = dict.fromkeys(map(ord, "'\u2019\u2018\u02bc\u02bb`\u00b4\u2032"), None)
_DASHES = dict.fromkeys(map(ord, "-\u2010\u2011\u2012\u2013\u2014\u2212"), None)
_EDGE_PUNCTUATION = '.,;:!?"\u201c\u201d()'
_LEADING_ARTICLE = re.compile(r"^(?:the|an|a)\s+(?=\S)")

# check-evidence's folding, character for character
_QUOTES = {
    "\u2018": "'",
    "\u2019": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u02bc": "'",
    "\u2013": "-",
    "\u2014": "-",
    "\u2010": "-",
    "\u2011": "-",
    "\u2026": "...",
}
_FOOTNOTE = re.compile(r"(?<=[A-Za-z])\d{1,3}(?=\s|$)|(?<=[^\d\s][.,;:\"')\]])\d{1,3}(?=\s|$)")
_PAGE_MARKER = re.compile(r"\[End Page \d+\]")


def strip_diacritics(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c))


def fold_answer(text: str) -> str:
    """The form two answers are compared in: "The P'anmunjŏm talks" -> "panmunjomtalks"."""
    text = strip_diacritics(text).casefold().translate(_APOSTROPHES)
    text = re.sub(r"(?<=\d),(?=\d{3}\b)", "", text)
    text = text.strip().strip(_EDGE_PUNCTUATION).strip()
    text = _LEADING_ARTICLE.sub("", text).translate(_DASHES)
    return re.sub(r"\s+", "", text)


def fold_prose(text: str) -> str:
    """Text folded as check-evidence folds the article: curly quotes, accents, footnote numbers, case."""
    for curly, plain in _QUOTES.items():
        text = text.replace(curly, plain)
    text = _FOOTNOTE.sub("", strip_diacritics(text))
    return re.sub(r"\s+", " ", text).casefold().strip()


def prose_words(text: str) -> list[str]:
    """The folded words of a text, page markers removed: what runs of words are counted in."""
    return re.findall(r"[a-z0-9']+", fold_prose(_PAGE_MARKER.sub(" ", text)))


def search_text(prompt: str, data: object) -> str:
    """A question's stored search column: its prompt and every text of its answer data, folded
    as answers are (so "kim il-sung" finds "Kim Il Sung", and "Panmunjom" finds "P'anmunjŏm")."""
    texts = [prompt]

    def walk(value: object) -> None:
        if isinstance(value, str):
            texts.append(value)
        elif isinstance(value, dict):
            for key, inner in value.items():
                if key != "id":
                    walk(inner)
        elif isinstance(value, list):
            for inner in value:
                walk(inner)

    walk(data)
    return " ".join(fold_answer(text) for text in texts if text)
