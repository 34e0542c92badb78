"""House rules that a reader should never have to check by hand (shared/STYLE.md)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = ("ppp", "costing", "contracts", "revenue_share")


def calculation_files() -> list[Path]:
    files: list[Path] = []
    for app in APPS:
        single = ROOT / app / "calculations.py"
        if single.exists():
            files.append(single)
        package = ROOT / app / "calculations"
        if package.is_dir():
            files.extend(sorted(package.rglob("*.py")))
    return files


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_there_are_calculation_modules_to_check():
    assert calculation_files(), "no calculations module found: the purity test would check nothing"


@pytest.mark.parametrize("path", calculation_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_calculations_never_import_django_or_models(path: Path):
    forbidden = {
        name
        for name in imported_modules(path)
        if name == "django"
        or name.startswith("django.")
        or name.split(".")[-1] in {"models", "services", "selectors"}
        or name.startswith("ppp.")
    }
    assert not forbidden, f"{path.relative_to(ROOT)} imports {sorted(forbidden)}"


def test_purity_check_catches_a_django_import(tmp_path: Path):
    sample = tmp_path / "calculations.py"
    sample.write_text("from django.db import models\nimport numpy\n")
    assert "django.db" in imported_modules(sample)
