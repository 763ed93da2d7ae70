"""The architecture's contract, checked on the source: areas import downward only, without loops.

The units of `store/`:

* an **area** is a first-level subpackage (`store/catalog/`, `store/guides/`, `store/search/`, ...);
* a **shared module** is a first-level module (`store/money.py`, `store/templating.py`, ...): a helper
  every area may use, which itself imports no area;
* a **composition root** wires the areas together (`store/__init__.py`: create_app; `store/models.py`: every
  model on the metadata; `store/cli.py`, `store/demo.py`): it may import anything, and nothing imports it.

The rules:

1. the graph of imports between units (imports inside functions included) has no cycle;
2. a shared module imports no area (only other shared modules);
3. no area or shared module imports a composition root (being inside the `store` package is not an import
   of `store/__init__.py`; `from store import create_app` would be).

When a rule fails the message names the modules and lines to change.
"""
from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

STORE = Path(__file__).resolve().parents[2] / "store"

COMPOSITION_ROOTS = {"store", "store.models", "store.cli", "store.demo"}

SHARED = {
    "store.extensions", "store.db", "store.util", "store.money", "store.markup", "store.mail", "store.forms",
    "store.errors", "store.templating", "store.claims", "store.seo", "store.countries", "store.health",
    "store.logs", "store.carriers", "store.pagecache",
}


# ---------------------------------------------------------------- reading the source

def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def is_module(name: str, root: Path) -> bool:
    """Whether ``store.x.y`` names a module or package under ``root`` (``store/``)."""
    path = root.parent.joinpath(*name.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def imported_modules(path: Path, root: Path) -> list[tuple[str, int]]:
    """Every ``store`` module a file imports, anywhere in it (top level, functions, conditionals), with
    the line. ``from store import x`` imports ``store.x`` when x is a module, ``store`` itself otherwise."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = module_name(path, root)
    if path.name != "__init__.py":
        package = package.rpartition(".")[0]
    found: list[tuple[str, int]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative import: resolve against this file's package
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            for alias in node.names:
                candidate = f"{source}.{alias.name}"
                found.append((candidate if is_module(candidate, root) else source, node.lineno))
    return [(name, line) for name, line in found if name == "store" or name.startswith("store.")]


def unit_of(module: str) -> str:
    """``store.catalog.views`` -> ``store.catalog``; ``store.money`` -> ``store.money``; ``store`` -> ``store``."""
    return ".".join(module.split(".")[:2])


def collect(root: Path = STORE) -> dict[str, list[tuple[str, str, int]]]:
    """unit -> [(imported unit, importing file, line)] for imports that cross units."""
    edges: dict[str, list[tuple[str, str, int]]] = defaultdict(list)
    for path in sorted(root.rglob("*.py")):
        source_unit = unit_of(module_name(path, root))
        for target, line in imported_modules(path, root):
            target_unit = unit_of(target)
            if target_unit != source_unit:
                edges[source_unit].append((target_unit, str(path.relative_to(root.parent)), line))
    return edges


def find_cycle(edges: dict[str, list[tuple[str, str, int]]]) -> list[str] | None:
    """One cycle of the unit graph (as [a, b, ..., a]), or None."""
    graph = {unit: sorted({target for target, _, _ in targets}) for unit, targets in edges.items()}
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(unit: str) -> list[str] | None:
        state[unit] = 1
        path.append(unit)
        for target in graph.get(unit, []):
            if state.get(target) == 1:
                return path[path.index(target):] + [target]
            if target not in state:
                cycle = visit(target)
                if cycle:
                    return cycle
        path.pop()
        state[unit] = 2
        return None

    for unit in sorted(graph):
        if unit not in state:
            cycle = visit(unit)
            if cycle:
                return cycle
    return None


def describe(cycle: list[str], edges) -> str:
    lines = [" -> ".join(cycle)]
    for a, b in zip(cycle, cycle[1:]):
        where = sorted({f"{file}:{line}" for target, file, line in edges[a] if target == b})
        lines.append(f"  {a} imports {b} at " + ", ".join(where))
    return "\n".join(lines)


# ---------------------------------------------------------------- the rules

def test_units_import_each_other_without_a_loop():
    edges = collect()
    cycle = find_cycle(edges)
    assert cycle is None, "Import loop between units of store/:\n" + describe(cycle, edges)


def test_every_first_level_module_is_shared_or_a_composition_root():
    """A new first-level module must be added to SHARED (or COMPOSITION_ROOTS), so the rules cover it."""
    modules = {module_name(p, STORE) for p in STORE.glob("*.py")}
    assert modules - SHARED - COMPOSITION_ROOTS == set()
    assert SHARED <= modules


def test_shared_modules_import_no_area():
    edges = collect()
    offending = sorted({f"{file}:{line} imports {target}"
                       for unit in SHARED for target, file, line in edges.get(unit, [])
                       if target not in SHARED})
    assert offending == [], "Shared modules may import only other shared modules:\n" + "\n".join(offending)


def test_nothing_imports_a_composition_root():
    edges = collect()
    offending = sorted({f"{file}:{line} imports {target}"
                       for unit, targets in edges.items() if unit not in COMPOSITION_ROOTS
                       for target, file, line in targets if target in COMPOSITION_ROOTS})
    assert offending == [], "Only the composition roots may import one another:\n" + "\n".join(offending)


# ---------------------------------------------------------------- the checker itself

def _write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / "store" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root / "store"


def test_the_checker_finds_a_loop_through_an_import_inside_a_function(tmp_path):
    root = _write(tmp_path, {
        "__init__.py": "",
        "money.py": "",
        "catalog/__init__.py": "",
        "catalog/views.py": "from store.money import x\n\ndef f():\n    from store.guides import services\n",
        "guides/__init__.py": "",
        "guides/services.py": "import store.catalog.models\n",
        "catalog/models.py": "",
    })
    edges = collect(root)
    cycle = find_cycle(edges)
    assert cycle == ["store.catalog", "store.guides", "store.catalog"]
    assert "store/catalog/views.py:4" in describe(cycle, edges)
    assert "store/guides/services.py:1" in describe(cycle, edges)


def test_the_checker_resolves_from_store_import_module(tmp_path):
    root = _write(tmp_path, {
        "__init__.py": "",
        "search/__init__.py": "",
        "search/services.py": "from store import catalog\n",
        "catalog/__init__.py": "",
        "catalog/views.py": "from store import search as search_index\nfrom .. import search\n",
    })
    assert find_cycle(collect(root)) == ["store.catalog", "store.search", "store.catalog"]


def test_the_checker_accepts_a_layered_graph(tmp_path):
    root = _write(tmp_path, {
        "__init__.py": "from store.catalog import bp\nfrom store.guides import bp\n",
        "money.py": "",
        "catalog/__init__.py": "from store.catalog import views\n",
        "catalog/views.py": "from store.money import format_money\n",
        "guides/__init__.py": "",
        "guides/views.py": "from store.catalog.models import Product\nfrom store.money import x\n",
    })
    assert find_cycle(collect(root)) is None
