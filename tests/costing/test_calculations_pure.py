"""The calculation engine stays pure: no Django, nothing from the apps but its own sibling modules."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "costing" / "calculations"
FILES = sorted(PACKAGE.rglob("*.py"))
FORBIDDEN_ROOTS = {"django", "ninja", "ppp", "costing", "contracts", "revenue_share"}


def imported_roots(path: Path) -> set[str]:
    roots = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
    return roots


def test_the_package_has_modules():
    assert PACKAGE.is_dir()
    assert {"__init__.py", "engine.py", "irr.py", "risk.py"} <= {path.name for path in FILES}


@pytest.mark.parametrize("path", FILES, ids=lambda path: path.name)
def test_module_imports_no_framework(path):
    assert not imported_roots(path) & FORBIDDEN_ROOTS, (
        f"{path.name} imports {imported_roots(path) & FORBIDDEN_ROOTS}"
    )


def test_the_check_would_catch_django(tmp_path):
    offender = tmp_path / "bad.py"
    offender.write_text("from django.db import models\nimport costing.models\n", encoding="utf-8")
    assert imported_roots(offender) == {"django", "costing"}
