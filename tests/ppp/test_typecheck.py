"""`make typecheck` stays clean for the kernel: mypy reports no error in ppp/."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_mypy_reports_no_error_in_ppp():
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "ppp", "--no-error-summary", "--hide-error-context"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    # Other apps are checked by their own owners; errors mypy reports in them do not count here.
    kernel_errors = [
        line for line in result.stdout.splitlines() if line.startswith("ppp/") and ": error:" in line
    ]
    assert kernel_errors == [], "\n".join(kernel_errors)
    assert "Traceback" not in result.stderr, result.stderr
