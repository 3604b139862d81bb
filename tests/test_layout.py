"""The tests stand alone: what they share lives in tests/fixtures, so no test module imports
another and nobody imports from a conftest.py."""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent
FIXTURES = "tests.fixtures"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(TESTS.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_modules(path: Path) -> list[tuple[str, int]]:
    """Every module under tests that the file imports, with its line (also inside functions)."""
    package = module_name(path).rsplit(".", 1)[0] if path.name != "__init__.py" else None
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = (package or module_name(path)).split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            found.append((base, node.lineno))
            # `from tests.live import test_server` names a module too.
            found += [(f"{base}.{alias.name}", node.lineno) for alias in node.names]
    return [(name, line) for name, line in found if name == "tests" or name.startswith("tests.")]


def test_only_fixtures_are_imported_by_tests():
    modules = {module_name(p) for p in TESTS.rglob("*.py")}
    violations = []
    for path in sorted(TESTS.rglob("*.py")):
        for name, line in imported_modules(path):
            if name not in modules:
                continue  # a name imported from a module, not a module
            shared = name == FIXTURES or name.startswith(FIXTURES + ".")
            if not shared or name.endswith(".conftest"):
                violations.append(f"{path.relative_to(TESTS.parent)}:{line} imports {name}")
    assert violations == [], "shared helpers belong in tests/fixtures:\n" + "\n".join(violations)


def test_helpers_live_in_the_fixtures_package():
    stray = [
        str(path.relative_to(TESTS.parent))
        for path in sorted(TESTS.rglob("*.py"))
        if "fixtures" not in path.relative_to(TESTS).parts
        and not (path.name.startswith("test_") or path.name in ("conftest.py", "__init__.py"))
    ]
    assert stray == [], f"move these into tests/fixtures: {stray}"
