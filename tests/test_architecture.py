"""The layers of app/ stay as docs/architecture.md draws them: imports flow one way, no core
module knows an area, nobody reaches into another area's views, and importing a module
registers nothing."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

APP = Path(__file__).resolve().parents[1] / "app"

# Lower layers first; a module may import from its own layer and the layers below it.
CORE = 0
LAYER_OF_PACKAGE = {
    "accounts": 1,
    "sms": 1,
    "jobs": 2,
    "fairs": 2,
    "live": 3,
    "onsite": 4,
    "reports": 4,
    "contracts": 4,
    "people": 4,
    "matching": 4,
    "notifications": 4,
}
WEB = 5  # the REST API, every area's pages, and what only pages use
COMPOSITION = 6  # wires everything together: the factory, the command line, the demo
WEB_MODULES = {"api", "i18n", "labels", "vendor", "web"}
COMPOSITION_MODULES = {"factory", "cli", "commands", "demo", "models", "migrate", "migrations"}
CORE_MODULES = {
    "announce",
    "config",
    "db",
    "errors",
    "extensions",
    "realtime",
    "schemas",
    "urls",
    "validators",
}


def layer(module: str) -> int:
    """The layer of a dotted module name under app."""
    parts = module.split(".")[1:]
    if not parts:
        return COMPOSITION  # app/__init__.py exposes create_app
    head = parts[0]
    if head in COMPOSITION_MODULES:
        return COMPOSITION
    if head in WEB_MODULES or parts[-1] == "views":
        return WEB
    if head in LAYER_OF_PACKAGE:
        return LAYER_OF_PACKAGE[head]
    assert head in CORE_MODULES, f"app.{head} is in no layer: add it to tests/test_architecture.py"
    return CORE


def area(module: str) -> str | None:
    """The package a module belongs to (an area, or the API), if any."""
    parts = module.split(".")
    return (
        parts[1] if len(parts) > 1 and (parts[1] in LAYER_OF_PACKAGE or parts[1] == "api") else None
    )


def modules() -> dict[str, Path]:
    found = {}
    for path in sorted(APP.rglob("*.py")):
        relative = path.relative_to(APP.parent).with_suffix("")
        parts = list(relative.parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def imports_of(path: Path, module: str) -> list[tuple[str, int]]:
    """Every app module imported by the file, with its line (also inside functions)."""
    found = []
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1])
                base = f"{base}.{node.module}" if node.module else base
            names = [base] + [f"{base}.{alias.name}" for alias in node.names]
        else:
            continue
        known = modules_by_name()
        for name in names:
            if name in known and name != module:
                found.append((name, node.lineno))
    return found


_MODULES: dict[str, Path] = {}


def modules_by_name() -> dict[str, Path]:
    if not _MODULES:
        _MODULES.update(modules())
    return _MODULES


def violations() -> list[str]:
    problems = []
    for module, path in modules_by_name().items():
        if ".migrations." in module or module.endswith(".migrations"):
            continue
        for target, line in imports_of(path, module):
            where = f"{path.relative_to(APP.parent)}:{line} imports {target}"
            if layer(target) > layer(module):
                problems.append(f"{where} (a higher layer)")
            if target.endswith(".views") and area(target) != area(module) and layer(module) < 6:
                problems.append(f"{where} (another area's views)")
    return sorted(set(problems))


def test_imports_flow_one_way():
    assert violations() == []


def test_the_rule_catches_a_violation(tmp_path):
    """The walk itself works: a core module importing an area is reported."""
    assert layer("app.urls") == CORE and layer("app.live.operations") == 3
    bad = tmp_path / "urls.py"
    bad.write_text("def f():\n    from app.live.cards import card_json\n")
    found = imports_of(bad, "app.urls")
    assert ("app.live.cards", 2) in found
    assert layer("app.live.cards") > layer("app.urls")


def test_importing_a_module_registers_nothing():
    """Every module imported in a fresh interpreter: no Socket.IO handlers, no listeners."""
    script = """
import importlib, pkgutil, sys
import app
from app.announce import Announcement
from app.extensions import socketio
for info in pkgutil.walk_packages(app.__path__, "app."):
    if ".migrations" not in info.name:
        importlib.import_module(info.name)
listening = [
    value.name
    for module in list(sys.modules.values())
    if getattr(module, "__name__", "").startswith("app.")
    for value in vars(module).values()
    if isinstance(value, Announcement) and value.listeners
]
print(len(socketio.namespace_handlers), socketio.handlers, listening)
"""
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=APP.parent, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[-2] == "0 [] []"
