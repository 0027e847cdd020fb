"""Charts drawn in Python where a template loop would cost too much: the year's heatmap has
365 cells, and rendering them through Jinja expressions was a quarter of the dashboard's time."""

from datetime import date, timedelta

from markupsafe import Markup

CELL, GAP, LEFT, TOP = 11, 13, 30, 10

# One scale for every mastery chart (knowledge map, class matrix) and the heatmap: five bins of one
# green (hue 150 in CIELCh) whose lightness is evenly spaced from L* 95 to 30, each with the text
# colour that reads on it at 4.5:1 or more; and a neutral grey for what has not been studied.
BINS = (
    # (lowest share, fill, text, legend label)
    (0.0, "#e3f5e7", "#1b1f24", "0-19%"),
    (0.2, "#abcbb2", "#1b1f24", "20-39%"),
    (0.4, "#74a27f", "#1b1f24", "40-59%"),
    (0.6, "#3e7a50", "#ffffff", "60-79%"),
    (0.8, "#0b5229", "#ffffff", "80-100%"),
)
UNSTUDIED = ("#eceef1", "#1b1f24", "not studied yet")


LOWEST = tuple(enumerate(low - 1e-9 for low, *_ in BINS))[::-1]  # (bin, its lowest share), the top bin first


def bin_of(fraction: float | None) -> int | None:
    """The scale's bin (0-4) of a share, or None for nothing studied."""
    if fraction is None:
        return None
    return next(n for n, low in LOWEST if fraction >= low)


def bin_class(fraction: float | None) -> str:
    """The CSS class of a share's bin on the scale ("bin-none" for nothing studied): a function, not a
    template macro, because the class view calls it for every cell of its tables."""
    n = bin_of(fraction)
    return "bin-none" if n is None else f"bin-{n}"


def shade(fraction: float | None) -> str:
    """The fill of a share on the scale (grey for nothing studied)."""
    n = bin_of(fraction)
    return UNSTUDIED[0] if n is None else BINS[n][1]


def _cell(first: date, offset: int, n: int, fill: str) -> str:
    day, (week, weekday) = first + timedelta(days=offset), divmod(offset, 7)
    return (
        f'<rect x="{LEFT + week * GAP}" y="{TOP + weekday * GAP}" width="{CELL}" height="{CELL}" rx="2" '
        f'fill="{fill}"><title>{day.isoformat()}: {n} review{"" if n == 1 else "s"}</title></rect>'
    )


_EMPTY_YEAR: dict[date, tuple[date, tuple[str, ...]]] = {}


def _empty_year(today: date) -> tuple[date, tuple[str, ...]]:
    """The first day shown and every cell of the year up to `today` with no review: the same for
    every learner that day, so each process writes them once a day."""
    if today not in _EMPTY_YEAR:
        first = today - timedelta(days=364 + today.weekday())
        _EMPTY_YEAR.clear()
        _EMPTY_YEAR[today] = first, tuple(_cell(first, n, 0, UNSTUDIED[0]) for n in range((today - first).days + 1))
    return _EMPTY_YEAR[today]


def heatmap_cells(days: dict[date, int], today: date) -> Markup:
    """One <rect> (with its <title>) per day of the last year up to today, a column per week: the
    day's empty cells, with the learner's days of reviews written over them.
    Labels hold only a date and a number, so nothing needs escaping."""
    first, empty = _empty_year(today)
    peak = max(max(days.values(), default=0), 1)
    cells = list(empty)
    for day, n in days.items():
        offset = (day - first).days
        if n and 0 <= offset < len(cells):
            cells[offset] = _cell(first, offset, n, shade(n / peak))
    return Markup("\n".join(cells))  # noqa: S704 - numbers, colours and dates only


def day_rows(days: dict[date, int]) -> Markup:
    """The table under the heatmap: a row per day with reviews, the latest first (a long history has a
    row for most days of the year, too many for a template loop). Dates and numbers only."""
    rows = (f"<tr><td>{day.isoformat()}</td><td>{n}</td></tr>" for day, n in sorted(days.items(), reverse=True))
    return Markup("".join(rows))  # noqa: S704 - dates and numbers only
