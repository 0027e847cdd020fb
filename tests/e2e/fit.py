"""Does a page fit its viewport? No sideways scrolling of the page, and every box that scrolls
sideways on its own is a focusable, labelled region (tabindex=0, role=region, aria-label), so a
keyboard can scroll it and a screen reader can name it (WCAG 1.4.10 reflow, 2.1.1 keyboard)."""

# For the failure message: the outermost elements that reach past the viewport's right edge, and
# the elements whose own text runs out of their box (a long word in a heading).
WIDE_ELEMENTS = """
[...document.querySelectorAll("body *")]
  .filter(e => (e.getBoundingClientRect().right > window.innerWidth + 0.5
                && e.parentElement.getBoundingClientRect().right <= window.innerWidth + 0.5)
               || (getComputedStyle(e).overflowX === "visible" && e.scrollWidth > e.clientWidth + 1
                   && e.getBoundingClientRect().left + e.scrollWidth > window.innerWidth + 0.5))
  .slice(0, 4)
  .map(e => e.tagName.toLowerCase() + (e.className ? "." + String(e.className).split(" ").join(".") : ""))
  .join(", ")
"""
UNNAMED_SCROLL_BOXES = """
[...document.querySelectorAll("body *")]
  .filter(e => !["INPUT", "SELECT", "TEXTAREA"].includes(e.tagName))
  .filter(e => ["auto", "scroll"].includes(getComputedStyle(e).overflowX) && e.scrollWidth > e.clientWidth + 1)
  .filter(e => !(e.getAttribute("tabindex") === "0" && e.getAttribute("role") === "region"
                 && (e.getAttribute("aria-label") || "").trim()))
  .map(e => e.tagName.toLowerCase() + (e.className ? "." + String(e.className).split(" ").join(".") : ""))
"""


def sideways_problems(page) -> list[str]:
    """What keeps the page on screen from fitting its viewport's width, in words (measured once the
    page is laid out at the viewport's current width: a resize reaches the page asynchronously)."""
    width = page.viewport_size["width"]
    page.wait_for_function("w => window.innerWidth === w", arg=width)
    page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")
    problems = []
    if unnamed := page.evaluate(UNNAMED_SCROLL_BOXES):
        problems.append(f"scrolls inside a box no keyboard or screen reader can use: {unnamed}")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    if overflow > 0:
        problems.append(f"scrolls sideways by {overflow}px ({page.evaluate(WIDE_ELEMENTS)})")
    return problems
