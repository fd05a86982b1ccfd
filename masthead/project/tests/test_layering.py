"""Each app depends only on apps below it. ``LAYERS`` is the order, lowest first; an app's
code (not its tests, which may set up records of any app) imports only apps earlier in it.
An app above that needs to hear from one below registers a handler with it (as supporters
does with ``payments.registry``)."""

import ast
from pathlib import Path

import masthead

LAYERS = [
    "core",  # the shared kernel: memo, throttle, page cache, scheduler, public-form guard
    "audit",
    "accounts",
    "payments",
    "publishing",
    "distribution",
    "channels",
    "newsletters",
    "supporters",
    "appeals",
    "figures",  # readership and conversion figures: reads newsletters, supporters, appeals
    "imports",
    "project",  # settings, addresses, command line, worker, demo
]


def _imports(app: str) -> set[str]:
    root = Path(masthead.__file__).parent / app
    found = set()
    for path in root.rglob("*.py"):
        parts = path.relative_to(root).parts
        if "tests" in parts or path.name in ("conftest.py", "testing.py"):
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            found |= {f"{path.relative_to(root)}: {n}" for n in names if n.startswith("masthead.")}
    return found


def test_every_app_has_its_place():
    root = Path(masthead.__file__).parent
    apps = {p.name for p in root.iterdir() if (p / "__init__.py").exists()}
    assert apps == set(LAYERS)


def test_each_app_imports_only_apps_below_it():
    wrong = []
    for position, app in enumerate(LAYERS):
        allowed = {app, *LAYERS[:position]}
        for line in _imports(app):
            imported = line.split(": ")[1].split(".")[1]
            if imported not in allowed:
                wrong.append(f"{app}/{line}")
    assert wrong == []
