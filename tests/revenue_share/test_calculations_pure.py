"""The settlement calculations stay pure: no Django, no models, nothing from the apps; only their own
sibling modules, the standard library, numpy, numpy-financial and pandas."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "revenue_share" / "calculations"
FILES = sorted(PACKAGE.rglob("*.py"))
FORBIDDEN_ROOTS = {"django", "ninja", "ppp", "costing", "contracts", "revenue_share"}


def imported_roots(path: Path) -> set[str]:
    """Top-level names imported; a relative import that leaves the package counts as "revenue_share"."""
    roots = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0 and node.module:
                roots.add(node.module.split(".")[0])
            elif node.level > 1:
                roots.add("revenue_share")
    return roots


def test_the_package_has_modules():
    assert {"__init__.py", "settlement.py", "band.py", "forecast.py"} <= {path.name for path in FILES}


@pytest.mark.parametrize("path", FILES, ids=lambda path: path.name)
def test_module_imports_no_framework_and_no_models(path):
    assert not imported_roots(path) & FORBIDDEN_ROOTS, (
        f"{path.name} imports {imported_roots(path) & FORBIDDEN_ROOTS}"
    )


def test_the_check_would_catch_django_and_the_models(tmp_path):
    offender = tmp_path / "bad.py"
    offender.write_text(
        "from django.db import models\nfrom ..models import Settlement\nfrom .band import x\n"
    )
    assert imported_roots(offender) == {"django", "revenue_share"}
