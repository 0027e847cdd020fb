"""Charts drawn in Python where a template loop would cost too much: the year's heatmap has
365 cells, and rendering them through Jinja expressions was a quarter of the dashboard's time."""

from datetime import date, timedelta

from markupsafe import Markup, escape

CELL, GAP, LEFT, TOP = 11, 13, 30, 10


def shade(fraction: float | None) -> str:
    """The same greens as the `shade` macro of progress/_charts.html."""
    if fraction is None:
        return "#e6e9ee"
    if fraction >= 0.9:
        return "#1e6b3a"
    if fraction >= 0.6:
        return "#4a9b5f"
    if fraction >= 0.3:
        return "#9ccc9f"
    return "#d8eed9" if fraction > 0 else "#f4d3d3"


def heatmap_cells(days: dict[date, int], today: date) -> Markup:
    """One <rect> (with its <title>) per day of the last year up to today, a column per week."""
    first = today - timedelta(days=364 + today.weekday())
    peak = max(max(days.values(), default=0), 1)
    cells = []
    for offset in range((today - first).days + 1):
        day = first + timedelta(days=offset)
        week, weekday = divmod(offset, 7)
        n = days.get(day, 0)
        fill = "#e6e9ee" if n == 0 else shade(0.3 + 0.7 * n / peak)
        label = escape(f"{day.isoformat()}: {n} review{'' if n == 1 else 's'}")
        cells.append(
            f'<rect x="{LEFT + week * GAP}" y="{TOP + weekday * GAP}" width="{CELL}" height="{CELL}" rx="2" '
            f'fill="{fill}"><title>{label}</title></rect>'
        )
    return Markup("\n".join(cells))  # noqa: S704 - numbers, colours and an escaped label only
