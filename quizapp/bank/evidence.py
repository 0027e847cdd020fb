"""Evidence checked against the source article, as ../shared/tools/check-evidence checks the curated
bank: a cited phrase, folded (quotes, dashes, accents, footnote numbers, case, white space), must
stand on the cited page or run across one of its edges. Pages end at "[End Page N]".

The article's path comes from config (QUIZAPP_ARTICLE); without it nothing can be checked, and a
teacher's phrase is shown as unchecked rather than passed as verified.
"""

import re
from enum import StrEnum
from functools import lru_cache
from pathlib import Path

from quizapp.bank.content import FIRST_PAGE
from quizapp.bank.folding import fold_prose

_PAGE_END = re.compile(r"\[End Page (\d+)\]")


class Evidence(StrEnum):
    VERIFIED = "verified"  # found on the cited page
    NOT_FOUND = "not found"
    UNCHECKED = "unchecked"  # no article configured, or no phrase


@lru_cache(maxsize=4)
def _pages(path: str, modified: float) -> dict[int, str]:
    """The article's pages, folded; read once per file version (the modification time is the key)."""
    parts = _PAGE_END.split(Path(path).read_text(encoding="utf-8"))
    pages, page = {}, FIRST_PAGE
    for i in range(0, len(parts), 2):
        pages[page] = fold_prose(parts[i])
        if i + 1 < len(parts):
            page = int(parts[i + 1]) + 1
    return pages


def article_pages(path: str | None) -> dict[int, str] | None:
    """The folded pages of the configured article, or None when there is none to read."""
    if not path or not Path(path).is_file():
        return None
    return _pages(path, Path(path).stat().st_mtime)


def check(article: str | None, page: int | None, phrase: str | None) -> Evidence:
    """Whether `phrase` stands on `page` of the article at `article` (a path from config)."""
    pages = article_pages(article)
    if pages is None or not (phrase or "").strip() or page is None:
        return Evidence.UNCHECKED
    needle, here = fold_prose(phrase), pages.get(page, "")
    if needle in here:
        return Evidence.VERIFIED
    before, after = pages.get(page - 1, ""), pages.get(page + 1, "")
    across_edge = (needle in f"{before} {here}" and needle not in before) or (
        needle in f"{here} {after}" and needle not in after
    )
    return Evidence.VERIFIED if here and across_edge else Evidence.NOT_FOUND


def where_else(article: str | None, phrase: str) -> int | None:
    """The first page the phrase does stand on, to point a writer who cited the wrong one."""
    pages = article_pages(article) or {}
    needle = fold_prose(phrase)
    return next((page for page, text in sorted(pages.items()) if needle in text), None)
