"""Imports point one way: the Celery tasks call the services, the services never import the tasks (they
publish a task by its name, docs/adr/0152). A scan of the source, so that no import order, lazy import or
mock can hide a cycle."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SERVICES = ROOT / "feedback" / "services"
TASKS = "feedback.tasks"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imported(tree: ast.AST, *, module: str, is_package: bool) -> list[tuple[int, str]]:
    """(line, module) for every module the source imports, top-level or inside a function, relative ones
    resolved against ``module``; ``from X import Y`` counts both X and X.Y (Y may be a submodule)."""
    package = module if is_package else module.rpartition(".")[0]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1])
                base = f"{base}.{node.module}" if node.module else base
            else:
                base = node.module or ""
            found.append((node.lineno, base))
            found += [(node.lineno, f"{base}.{alias.name}") for alias in node.names]
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value == TASKS:
            found.append((node.lineno, node.value))  # importlib.import_module("feedback.tasks")
    return found


def _imports_of_tasks(source: str, *, module: str, is_package: bool = False) -> list[int]:
    """The lines that import ``feedback.tasks`` or anything in it."""
    return sorted(
        {
            line
            for line, name in _imported(ast.parse(source), module=module, is_package=is_package)
            if name == TASKS or name.startswith(TASKS + ".")
        }
    )


@pytest.mark.parametrize(
    ("source", "module", "is_package", "lines"),
    [
        ("from feedback import tasks", "feedback.services.x", False, [1]),
        ("import feedback.tasks", "feedback.services.x", False, [1]),
        ("from feedback.tasks import notification_deliver", "feedback.services.x", False, [1]),
        ("from .. import tasks", "feedback.services.x", False, [1]),
        ("from ..tasks import notification_deliver", "feedback.services.x", False, [1]),
        ("from ... import tasks", "feedback.services.notifications.queueing", False, [1]),
        # in a package's __init__, "." is the package itself: ".." is feedback.services, "..." is feedback
        ("from .. import tasks", "feedback.services.notifications", True, []),
        ("from ... import tasks", "feedback.services.notifications", True, [1]),
        ("def f():\n    from .. import tasks", "feedback.services.x", False, [2]),
        ("import importlib\nimportlib.import_module('feedback.tasks')", "feedback.services.x", False, [2]),
        ("from . import claims", "feedback.services.x", False, []),
        ("from .. import tracking", "feedback.services.x", False, []),
        ("from targets import tasks", "feedback.services.x", False, []),
        ("from feedback.services import tasks_helpers", "feedback.services.x", False, []),
        ("NAME = 'feedback.notification_deliver'", "feedback.services.x", False, []),
    ],
)
def test_the_scan_sees_every_way_of_importing_the_tasks(source, module, is_package, lines):
    assert _imports_of_tasks(source, module=module, is_package=is_package) == lines


def test_no_feedback_service_imports_the_tasks():
    offenders = []
    for path in sorted(SERVICES.rglob("*.py")):
        lines = _imports_of_tasks(
            path.read_text(encoding="utf-8"), module=_module_name(path), is_package=path.name == "__init__.py"
        )
        offenders += [f"{path.relative_to(ROOT)}:{line}" for line in lines]

    assert len(list(SERVICES.rglob("*.py"))) > 10  # the scan reads the services, not an empty folder
    assert offenders == []
