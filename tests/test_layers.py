"""The features stand in layers (README, "Architecture"): every import between feature packages,
at module level or inside a function, points down; there is no cycle; the bank imports no feature
but auth; auth and the core modules import none. `make lint` checks the same with import-linter;
this test reads the source itself, so the suite fails on a new cycle too."""

import ast
from pathlib import Path

import quizapp

PACKAGE = Path(quizapp.__file__).parent
LAYERS = [("auth",), ("bank",), ("authoring",), ("classes",), ("review",), ("quiz",), ("progress", "admin", "main")]
FEATURES = {name for layer in LAYERS for name in layer}
LEVEL = {name: n for n, layer in enumerate(LAYERS) for name in layer}
CORE = {"extensions", "models", "database", "markdown", "errors", "signals", "params", "csvsafe"}


def imported_modules(tree: ast.AST) -> list[tuple[str, int]]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found += [(node.module, node.lineno)] + [(f"{node.module}.{a.name}", node.lineno) for a in node.names]
        elif isinstance(node, ast.Import):
            found += [(a.name, node.lineno) for a in node.names]
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) in (
            "import_module",
            "__import__",
        ):
            found.append(("<dynamic>", node.lineno))
    return found


def feature_edges() -> dict[tuple[str, str], list[str]]:
    """(importer, imported) feature pairs, each with where it happens."""
    edges: dict[tuple[str, str], list[str]] = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE).parts
        if len(parts) == 1:
            continue  # quizapp/__init__.py (create_app) imports every feature; core modules are checked below
        source = parts[0]
        for module, line in imported_modules(ast.parse(path.read_text(encoding="utf-8"))):
            where = f"{path.relative_to(PACKAGE.parent)}:{line} imports {module}"
            if module == "<dynamic>":
                edges.setdefault((source, "<dynamic>"), []).append(where)
                continue
            names = module.split(".")
            if names[0] == "quizapp" and len(names) > 1 and names[1] in FEATURES and names[1] != source:
                edges.setdefault((source, names[1]), []).append(where)
    return edges


def test_every_import_between_features_points_down():
    upward = [
        w
        for (a, b), where in feature_edges().items()
        if b == "<dynamic>" or (a in LEVEL and LEVEL[b] >= LEVEL[a])
        for w in where
    ]
    assert upward == [], "imports that point up or sideways:\n" + "\n".join(upward)


def test_no_cycle_among_features():
    graph: dict[str, set[str]] = {}
    for a, b in feature_edges():
        graph.setdefault(a, set()).add(b)
    seen, stack = set(), []

    def visit(node):
        if node in stack:
            raise AssertionError("cycle: " + " -> ".join(stack[stack.index(node) :] + [node]))
        if node in seen:
            return
        stack.append(node)
        for nxt in graph.get(node, ()):
            visit(nxt)
        stack.pop()
        seen.add(node)

    for feature in FEATURES:
        visit(feature)


def test_bank_imports_only_auth_and_auth_imports_no_feature():
    edges = feature_edges()
    assert {b for a, b in edges if a == "bank"} <= {"auth"}
    assert {b for a, b in edges if a == "auth"} == set()


def test_core_modules_import_no_feature():
    for name in CORE:
        path = PACKAGE / f"{name}.py"
        if not path.exists():
            continue
        modules = [m for m, _ in imported_modules(ast.parse(path.read_text(encoding="utf-8")))]
        assert not [m for m in modules if m.split(".")[:2][-1] in FEATURES and m.startswith("quizapp.")], name


def test_a_planted_upward_import_is_caught(tmp_path):
    """The checker itself: an import inside a function, from the bank up to authoring, is seen."""
    source = "def f():\n    from quizapp.authoring.services import copy_question\n"
    assert ("quizapp.authoring.services", 2) in imported_modules(ast.parse(source))
