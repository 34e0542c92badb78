"""Benchmark of the revenue-share forecast.

    revenue_share.forecast_20y_10k_s  <= 2  the state's contingent liability of the downside band
                                             sharing over a 20-year plan: 10,000 seeded demand
                                             simulations x 240 months, P50 and P90 (median of 5)

Pure numpy (revenue_share.calculations): no database, no Django.
"""

from __future__ import annotations

import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if __package__ in (None, ""):
    sys.path.insert(0, str(ROOT))

RUNS = 5
BAND = ("revenue_band", {"upper_threshold": "1.25", "lower_threshold": "0.75", "share": "0.5",
                         "share_basis": "threshold", "downside": True,
                         "rule": "Law 64/2020/QH14 Art. 82"})  # fmt: skip
SHARE = ("tiered_share", {"basis": "revenue", "tiers": [{"from": "0", "to": None, "share": "0.4"}]})


def run() -> dict[str, float]:
    from revenue_share.calculations import (
        DemandSimulation,
        ForecastInput,
        downside_liability,
        parse_payment_terms,
    )

    inputs = ForecastInput(
        plan=tuple((2026 + year, Decimal(12_000_000_000) * Decimal("1.05") ** year) for year in range(20)),
        terms=parse_payment_terms([SHARE, BAND]),
        discount_rate=Decimal("0.08"),
        investment=Decimal(50_000_000_000),
    )
    simulation = DemandSimulation(seed=2026, annual_volatility=Decimal("0.25"), simulations=10_000)
    timings, results = [], set()
    for _ in range(RUNS):
        start = time.perf_counter()
        liability = downside_liability(inputs, simulation)
        timings.append(time.perf_counter() - start)
        results.add((liability.p50, liability.p90))
    if len(results) != 1:
        raise AssertionError("the same seed gave different liabilities")
    ((p50, p90),) = results
    if not p90 >= p50 >= 0:
        raise AssertionError(f"P90 {p90} below P50 {p50}")
    return {"revenue_share.forecast_20y_10k_s": statistics.median(timings)}


if __name__ == "__main__":
    print(run())
