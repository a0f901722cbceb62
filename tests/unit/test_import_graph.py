"""No import circle anywhere in the product, and every arrow between rooms runs one way (issue 15).

The graph is read from the sources (ast), with imports inside functions counted too: a late
import hides a circle from Python, not from a reader. A module importing a package is an arrow
to the package's facade (its __init__); `from pkg import mod` is an arrow to the module.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRODUCT = ("db", "screens", "tui")

# The rooms of the app, top to bottom: a room imports only rooms below it.
LAYERS = ("tui", "screens", "tui.toolkit", "db")
# db/'s bounded contexts, bottom first: a context imports only contexts before it.
CONTEXTS = (
    "core",
    "files",
    "accounts",
    "documents",
    "companies",
    "quotes",
    "orders",
    "exchange",
    "demo",
)


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def product_modules() -> dict[str, Path]:
    found = {}
    for top in PRODUCT:
        for path in (ROOT / top).rglob("*.py"):
            found[module_name(path)] = path
    return found


def imports_of(name: str, path: Path, known: set[str]) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            targets = [f"{base}.{alias.name}" for alias in node.names] + [base]
            # `from pkg import mod` is an arrow to mod, `from pkg import name` one to pkg.
            targets = [t for t in targets if t in known] or [base]
            if len(targets) > 1 and base in targets and base.startswith(PRODUCT):
                targets.remove(base)
        else:
            continue
        for target in targets:
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target != name:
                out.add(target)
    return out


def graph() -> dict[str, set[str]]:
    modules = product_modules()
    known = set(modules)
    return {name: imports_of(name, path, known) for name, path in modules.items()}


def circles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(edges.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def test_the_graph_is_read():
    edges = graph()
    assert "db.core.models" in edges["db.companies.prospects"]
    assert "screens.prospects" in edges and "tui.app" in edges


def test_no_import_circle_in_the_product():
    assert circles(graph()) == []


def test_the_circle_finder_finds_one():
    assert circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def context_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if parts[0] == "db" and len(parts) > 1 else None


def test_db_contexts_import_only_the_contexts_below_them():
    wrong = []
    for name, targets in graph().items():
        here = context_of(name)
        if here is None:
            continue
        for target in targets:
            there = context_of(target)
            if there and there != here and CONTEXTS.index(there) > CONTEXTS.index(here):
                wrong.append(f"{name} -> {target}")
    assert wrong == []


def test_db_top_level_holds_only_subpackages():
    loose = [p.name for p in (ROOT / "db").glob("*.py") if p.name != "__init__.py"]
    assert loose == []


def room_of(module: str) -> str:
    if module.startswith("tui.toolkit"):
        return "tui.toolkit"
    return module.split(".")[0]


def test_every_arrow_between_rooms_runs_down():
    """The app shell (tui/) above screens/, above the toolkit (tui/toolkit/), above db/."""
    wrong = []
    for name, targets in graph().items():
        here = LAYERS.index(room_of(name))
        for target in targets:
            if LAYERS.index(room_of(target)) < here:
                wrong.append(f"{name} -> {target}")
    assert wrong == []


def test_screens_and_the_shell_see_no_orm():
    """Screens and the shell get dataclasses and constants, never Peewee models or peewee."""
    wrong = []
    for name, path in product_modules().items():
        if name.startswith("db"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module in ("db.core.models", "peewee"):
                wrong.append(f"{name}: from {node.module}")
            if isinstance(node, ast.Import) and any(a.name == "peewee" for a in node.names):
                wrong.append(f"{name}: import peewee")
    assert wrong == []


def test_screens_and_the_shell_use_db_through_its_facades():
    """Each db/ context names what the rest may use in its facade (db/<context>/__init__.py)."""
    wrong = []
    for name, path in product_modules().items():
        if name.startswith("db"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            module = node.module or "" if isinstance(node, ast.ImportFrom) else ""
            if module.startswith("db.") and module.count(".") > 1:
                wrong.append(f"{name}: from {module}")
    assert wrong == []


def test_each_facade_names_only_what_its_modules_define():
    import importlib

    for context in CONTEXTS:
        facade = importlib.import_module(f"db.{context}")
        for exported in facade.__all__:
            assert getattr(facade, exported) is not None, f"db.{context}.{exported}"
