"""Production settings: `manage.py check --deploy` is clean with DEBUG=0, and the settings refuse to
load without a SECRET_KEY. Each case runs manage.py in a fresh process, as a deployment would."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NO_ISSUES = "System check identified no issues (0 silenced).\n"


def manage(*args: str, **environment: str) -> subprocess.CompletedProcess[str]:
    env = {
        key: value
        for key, value in os.environ.items()
        # Start from the shell's environment, minus whatever could make the check pass by accident.
        if key not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_SETTINGS_MODULE", "PYTEST_VERSION"}
        and not key.startswith(("SECURE_", "SESSION_", "CSRF_"))
    }
    env.update(environment)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


PRODUCTION = {"DEBUG": "0", "ALLOWED_HOSTS": "example.gov.vn"}


@pytest.fixture(scope="module")
def long_secret_key() -> str:
    return secrets.token_urlsafe(64)


def test_check_deploy_is_clean_with_production_settings(long_secret_key):
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION, SECRET_KEY=long_secret_key)
    assert (result.returncode, result.stdout, result.stderr) == (0, NO_ISSUES, "")


def test_check_deploy_does_report_a_weak_key():
    # The check above has teeth: the same command fails on a short key.
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION, SECRET_KEY="too-short")
    assert result.returncode == 1
    assert "security.W009" in result.stderr


def test_check_deploy_reports_debug_on(long_secret_key):
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="1",
        ALLOWED_HOSTS="example.gov.vn",
        SECRET_KEY=long_secret_key,
    )
    assert result.returncode == 1
    assert "security.W018" in result.stderr


def test_settings_refuse_to_load_without_a_secret_key():
    result = manage("check", **PRODUCTION)
    assert result.returncode != 0
    assert "ImproperlyConfigured: SECRET_KEY must be set when DEBUG is off" in result.stderr
    assert result.stdout == ""
