"""The outbox is a low package (shared modules only); the job queue is a high one (no area imports it)."""
from __future__ import annotations

import ast
from pathlib import Path

STORE = Path(__file__).resolve().parents[2] / "store"
SHARED = {"store.extensions", "store.db", "store.mail", "store.util"}
WIRING = {STORE / "__init__.py", STORE / "cli.py"}  # the app factory and the CLI registration


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            if node.level:
                continue
            if node.module == "store":
                names.update(f"store.{alias.name}" for alias in node.names)
            else:
                names.add(node.module)
    return {n for n in names if n == "store" or n.startswith("store.")}


def test_the_outbox_imports_only_shared_modules():
    for path in (STORE / "outbox").rglob("*.py"):
        for name in _imports(path):
            assert name in SHARED or name.startswith("store.outbox"), f"{path.name} imports {name}"


def test_mail_is_a_shared_module():
    assert _imports(STORE / "mail.py") == set()


def test_no_area_imports_the_job_queue():
    for path in STORE.rglob("*.py"):
        if path in WIRING or (STORE / "jobs") in path.parents:
            continue
        assert not any(n == "store.jobs" or n.startswith("store.jobs.") for n in _imports(path)), path
