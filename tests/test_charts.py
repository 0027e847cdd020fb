"""The mastery scale reads at a glance: five bins of one hue, lightness evenly spaced, numbers readable
on every fill, a neutral grey for what was not studied, and chart text that is never scaled down."""

import math
import re
from pathlib import Path

import pytest

from quizapp.progress import charts

CSS = Path(charts.__file__).parents[1] / "static" / "css" / "app.css"


def _linear(channel: float) -> float:
    return channel / 12.92 if channel <= 0.04045 else ((channel + 0.055) / 1.055) ** 2.4


def _rgb(colour: str) -> tuple[float, float, float]:
    return tuple(_linear(int(colour[i : i + 2], 16) / 255) for i in (1, 3, 5))


def luminance(colour: str) -> float:
    r, g, b = _rgb(colour)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def lab(colour: str) -> tuple[float, float, float]:
    r, g, b = _rgb(colour)
    x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047
    y = 0.2126 * r + 0.7152 * g + 0.0722 * b
    z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883

    def f(t):
        return t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116

    return 116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))


def test_five_bins_of_one_hue_with_lightness_evenly_spaced_from_95_to_30():
    fills = [fill for _, fill, _, _ in charts.BINS]
    lightness = [lab(c)[0] for c in fills]
    assert len(fills) == 5
    assert lightness[0] == pytest.approx(95, abs=1.5) and lightness[-1] == pytest.approx(30, abs=1.5)
    steps = [a - b for a, b in zip(lightness, lightness[1:], strict=False)]
    assert max(steps) - min(steps) < 2.5, steps
    hues = [math.degrees(math.atan2(b, a)) % 360 for _, a, b in map(lab, fills)]
    assert max(hues) - min(hues) < 12, hues


def test_numbers_read_at_four_and_a_half_to_one_on_every_fill_and_unstudied_is_neutral():
    for _, fill, text, label in (*charts.BINS, (None, *charts.UNSTUDIED)):
        assert contrast(fill, text) >= 4.5, label
    _, a, b = lab(charts.UNSTUDIED[0])
    assert math.hypot(a, b) < 4  # grey, not red: not studied is not "bad"


def test_the_stylesheet_uses_the_same_scale():
    css = CSS.read_text()
    for n, (_, fill, text, _) in enumerate(charts.BINS):
        rule = re.search(rf"\.bin-{n}, \.page-cell\.bin-{n} \{{ background: (#\w+); color: (#\w+); \}}", css)
        assert rule and rule.groups() == (fill, text)


@pytest.mark.parametrize(
    ("share", "expected"), [(None, None), (0.0, 0), (0.19, 0), (0.2, 1), (0.55, 2), (0.6, 3), (1.0, 4)]
)
def test_bins_split_the_share_in_fifths(share, expected):
    assert charts.bin_of(share) == expected


def test_the_dashboard_charts_keep_their_text_at_eleven_pixels_or_more(app, client, auth):
    """Text in an SVG shrinks with it; these charts are drawn at their natural size (width = viewBox
    width) and scroll in their own box on a phone, so 11 units stay 11 pixels."""
    auth.login()
    page = client.get("/progress").get_data(as_text=True)
    svgs = re.findall(r"<svg class=\"chart-fixed\" width=\"(\d+)\" height=\"(\d+)\" viewBox=\"0 0 (\d+) (\d+)\"", page)
    assert len(svgs) == 2 and all(w == vw and h == vh for w, h, vw, vh in svgs)
    sizes = [int(s) for s in re.findall(r'font-size="(\d+)"', page)]
    assert sizes and min(sizes) >= 11
    assert 'class="legend"' in page and "not studied yet" in page
