"""Payments sits below the apps that keep contributions: it imports none of them. The app
that applies webhook events registers its handler (``registry.event_handler_register``)."""

import ast
from pathlib import Path

import masthead.payments

ABOVE = ("masthead.supporters", "masthead.appeals", "masthead.newsletters", "masthead.publishing")


def test_payments_imports_no_app_above_it():
    root = Path(masthead.payments.__file__).parent
    found = []
    for path in root.rglob("*.py"):
        if "tests" in path.relative_to(root).parts or path.name == "conftest.py":
            continue  # tests may set up records of the apps above
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            found += [f"{path.name}: {n}" for n in names if n.startswith(ABOVE)]
    assert found == []


def test_the_supporters_app_registered_its_handler():
    from masthead.payments.registry import event_handler
    from masthead.supporters.services import payment_event_apply

    assert event_handler() is payment_event_apply
