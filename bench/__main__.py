"""Run every benchmark module and write bench/results.json and docs/benchmarks.md.

Each `bench/bench_*.py` exposes `run() -> dict[str, float]`. Modules that need Django set it up
themselves. A figure that misses its target is reported and makes the command exit 1.
"""

from __future__ import annotations

import datetime as dt
import importlib
import json
import os
import platform
import sys
from pathlib import Path

from bench.targets import INFORMATION, NOTES, TARGETS, meets

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str]) -> int:
    only = set(argv)
    results: dict[str, float] = {}
    for path in sorted((ROOT / "bench").glob("bench_*.py")):
        name = path.stem
        if only and name not in only and name.removeprefix("bench_") not in only:
            continue
        module = importlib.import_module(f"bench.{name}")
        print(f"running {name} ...", flush=True)
        figures = module.run()
        for key, value in figures.items():
            print(f"  {key} = {value:.6g}", flush=True)
        results.update(figures)
    results_path = ROOT / "bench" / "results.json"
    previous = json.loads(results_path.read_text()) if results_path.exists() else {}
    previous.update(results)
    results_path.write_text(json.dumps(dict(sorted(previous.items())), indent=2) + "\n")
    write_table(previous)
    missed = [k for k, v in results.items() if meets(k, v) is False]
    if missed:
        print("missed targets: " + ", ".join(missed), file=sys.stderr)
        return 1
    return 0


def write_table(results: dict[str, float]) -> None:
    lines = [
        "# Benchmarks",
        "",
        "Written by `make bench` (figures also in `bench/results.json`). Machine: "
        f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
        f"updated {dt.date.today().isoformat()}.",
        "",
        "| figure | value | target | met | what |",
        "|---|---:|---:|:---:|---|",
    ]
    for key in sorted(set(results) | set(TARGETS)):
        comparison, target, what = TARGETS.get(key, ("", float("nan"), INFORMATION.get(key, "")))
        value = results.get(key)
        shown = "not yet measured" if value is None else f"{value:.4g}"
        verdict = None if value is None else meets(key, value)
        met = "" if verdict is None else ("yes" if verdict else "NO")
        target_text = f"{comparison} {target:g}" if comparison else ""
        lines.append(f"| `{key}` | {shown} | {target_text} | {met} | {what} |")
    notes = [(key, text) for key, text in NOTES.items() if key in results]
    if notes:
        lines += ["", "## Notes", ""]
        lines += [f"- `{key}`: {text}" for key, text in notes]
    (ROOT / "docs" / "benchmarks.md").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
