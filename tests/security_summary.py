"""Figures the security tests count while they run, printed as a "Security summary" at the end.

Tests call count() and note() as they check things; pytest_terminal_summary (tests/conftest.py)
calls write_summary(). A part that did not run in this session recorded nothing and prints nothing.
"""

from collections import Counter, defaultdict

COUNTS: dict[str, Counter] = defaultdict(Counter)
SEEN: dict[str, dict[str, set]] = defaultdict(lambda: defaultdict(set))
SLOWEST: dict[str, float] = defaultdict(float)


def count(part: str, **figures: int | bool) -> None:
    """Add to a part's figures, e.g. count("csrf", tried=1, refused=status == 400)."""
    COUNTS[part].update({name: int(value) for name, value in figures.items()})


def note(part: str, **items) -> None:
    """Remember distinct things a part saw, e.g. note("matrix", endpoint=..., visitor=...)."""
    for name, item in items.items():
        SEEN[part][name].add(item)


def timed(part: str, seconds: float) -> None:
    """Count one input tried and keep the slowest time, e.g. timed("pathological", 0.12)."""
    COUNTS[part].update(tried=1)
    SLOWEST[part] = max(SLOWEST[part], seconds)


def _distinct(part: str, name: str) -> int:
    return len(SEEN[part][name])


def _lines() -> list[str]:
    lines = []
    if xss := COUNTS.get("xss"):
        stored = f"{xss['payloads']} payloads x {xss['fields']} authored fields stored; " if xss["payloads"] else ""
        posted = f" ({xss['form_posts']} payloads posted through forms)" if xss["form_posts"] else ""
        lines.append(f"XSS, parsed HTML: {stored}{xss['pages']} pages parsed{posted}; live markup found: {xss['live']}")
    if browser := COUNTS.get("xss_browser"):
        lines.append(
            f"XSS, Chromium: {browser['payloads']} payloads over {browser['pages']} page loads; "
            f"dialogs, page errors or CSP violations: {browser['problems']}"
        )
    if e2e := COUNTS.get("browser"):
        lines.append(
            f"Browser tests: {e2e['contexts']} Chromium pages watched; "
            f"dialogs, page errors or CSP violations: {e2e['problems']}"
        )
    if matrix := COUNTS.get("matrix"):
        endpoints, visitors = _distinct("matrix", "endpoint"), _distinct("matrix", "visitor")
        lines.append(
            f"Access matrix: {endpoints} endpoints x {visitors} visitors = {matrix['cells']} cells checked "
            f"({matrix['id_cells']} with another user's ids); wrong answers: {matrix['wrong']}; "
            f"known leaks (strict xfail): {matrix['known_leaks']}"
        )
    if cross := COUNTS.get("cross_ids"):
        lines.append(f"Foreign ids in forms: {cross['tried']} probes, {cross['refused']} refused")
    if csrf := COUNTS.get("csrf"):
        routes, cases = _distinct("csrf", "route"), _distinct("csrf", "case")
        lines.append(
            f"CSRF: {routes} POST routes x {cases} token cases = {csrf['tried']} forged posts, "
            f"{csrf['refused']} refused"
        )
    if throttle := COUNTS.get("throttle"):
        line = f"Throttling: {throttle['tried']} sign-in attempts, {throttle['refused']} refused with 429"
        if throttle["workers"]:
            line += (
                f"; failures spread over {throttle['workers']} app workers: {throttle['worker_refusals']} of "
                f"{throttle['workers']} then refused the right password"
            )
        lines.append(line)
    if budget := COUNTS.get("hash budget"):
        lines.append(
            f"Hash budget: {budget['pupils']} pupils behind one address all signed in within {budget['seconds']} s "
            f"with the production hash slots, {budget['refusals']} times told to wait"
        )
    if imports := COUNTS.get("import"):
        lines.append(
            f"Import: {imports['tried']} bad or tampered inputs, {imports['refused']} refused "
            f"({imports['saved_nothing']} checked to save nothing)"
        )
    if params := COUNTS.get("params"):
        routes, names, values = (_distinct("params", part) for part in ("route", "parameter", "value"))
        lines.append(
            f"Parameters: routes and fields fuzzed: {routes} routes, {names} parameters, {values} values "
            f"({params['requests']} requests), 500s: {params['errors']}"
        )
    if slow := COUNTS.get("pathological"):
        lines.append(f"Pathological inputs tried: {slow['tried']}, slowest {SLOWEST['pathological']:.3f} s")
    if scores := SEEN.get("blind_bot", {}).get("score"):
        mean, chance, where = max(scores)
        lines.append(
            f"Blind bot best mean score: {mean}% ({where}; chance {chance}%) over {len(scores)} strategies "
            "that never read a question"
        )
    if sessions := COUNTS.get("sessions"):
        lines.append(f"Session replay: {sessions['replayed']} copied cookies replayed, {sessions['refused']} refused")
    return lines


def write_summary(terminalreporter) -> None:
    lines = _lines()
    if not lines:
        return
    terminalreporter.write_sep("=", "Security summary")
    for line in lines:
        terminalreporter.write_line(line)
