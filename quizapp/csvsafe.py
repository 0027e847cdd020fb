"""CSV cells a spreadsheet will not run: every CSV the app writes goes through here (OWASP's advice).

A text cell beginning with =, +, -, @, a tab or a carriage return would be read as a formula by
Excel, LibreOffice or Google Sheets; such a cell is written with a leading apostrophe, which
spreadsheets show as text. So that the escaping can be undone exactly, a cell already made of
apostrophes before one of those characters gets one more. Numbers are data, not text: they are
written as they are, so a numeric column keeps its -5. The app's own CSV readers undo the
escaping with `restore`, so an export imports back unchanged.
"""

import csv
import io
import math
import re
from collections.abc import Iterable
from typing import Any

TRIGGERS = "=+-@\t\r"
_ESCAPED = re.compile(r"'*[=+\-@\t\r]")  # what gets (and, with one apostrophe more, has got) a prefix


def neutralise(value: Any) -> Any:
    """The cell as it should be written: text that could start a formula behind an apostrophe."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int | float) and math.isfinite(value):
        return value
    text = str(value)
    return "'" + text if _ESCAPED.match(text) else text


def restore(cell: str | None) -> str | None:
    """A cell read back: the apostrophe `neutralise` added is taken off again."""
    if cell and cell[0] == "'" and _ESCAPED.match(cell, 1):
        return cell[1:]
    return cell


def write_rows(rows: Iterable[Iterable[Any]]) -> str:
    """Rows as CSV text, every cell neutralised."""
    out = io.StringIO()
    csv.writer(out).writerows([neutralise(cell) for cell in row] for row in rows)
    return out.getvalue()


def neutralised(row: dict[str, Any]) -> dict[str, Any]:
    """A csv.DictWriter row, every cell neutralised."""
    return {key: neutralise(value) for key, value in row.items()}


def restored(row: dict[str, Any]) -> dict[str, Any]:
    """A csv.DictReader row, every cell restored (cells past the header come as a list)."""
    return {
        key: [restore(v) for v in value] if isinstance(value, list) else restore(value) for key, value in row.items()
    }
