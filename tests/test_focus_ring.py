"""The keyboard focus ring stands out (WCAG 2.2 1.4.11, 2.4.13): its colour has at least 3:1
contrast against white and against the page background, read from the stylesheet itself."""

import re
from pathlib import Path

CSS = (Path(__file__).resolve().parents[1] / "quizapp" / "static" / "css" / "app.css").read_text()


def variable(name: str) -> str:
    found = re.search(rf"--{name}:\s*(#[0-9a-fA-F]{{6}})\s*;", CSS)
    assert found, f"--{name} is not a six-digit colour in app.css"
    return found.group(1)


def luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(one: str, other: str) -> float:
    light, dark = sorted((luminance(one), luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_contrast_formula_matches_wcag_examples():
    assert round(contrast("#000000", "#ffffff"), 1) == 21.0
    assert round(contrast("#767676", "#ffffff"), 2) == 4.54


def test_focus_ring_has_3_to_1_against_white_and_the_page_background():
    ring = re.search(r"^:focus-visible\s*{\s*outline:\s*(\d+)px solid var\(--focus\)", CSS, re.M)
    assert ring and int(ring.group(1)) >= 2, "the focus ring is a solid outline of at least 2 px in --focus"
    focus = variable("focus")
    for background in ("#ffffff", variable("wash"), variable("paper")):
        assert contrast(focus, background) >= 3, (focus, background, contrast(focus, background))


def test_focus_ring_on_the_header_stands_out_against_its_blue():
    assert ".site-header :focus-visible { outline-color: var(--focus-on-brand); }" in CSS
    assert contrast(variable("focus-on-brand"), variable("brand")) >= 3
