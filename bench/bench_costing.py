"""Benchmarks of the costing calculation engine.

`run()` returns {figure name: value}; `python bench/bench_costing.py` prints them. Targets:
    costing.engine_1000x30_ms        <= 50    median compute() of a 1,000-line, 30-year model, quantities as
                                              the arrays the selectors build from storage
    costing.engine_vs_naive_ratio    >= 20    naive_results (the same outputs by a Decimal loop) / compute
    costing.montecarlo_10k_s         <= 1     compute (200 lines x 20 years) + simulate 10,000 x 50 risks
    costing.montecarlo_peak_mb       <= 500   tracemalloc peak of the same
    costing.irr_10k_vs_loop_ratio    >= 50    loop of numpy_financial.irr / irr_many, 10,000 x 21
    costing.irr_max_abs_diff         <= 1e-9  against numpy_financial.irr where it has a rate
Also reported, to read the ratios honestly:
    costing.engine_decimal_input_1000x30_ms  compute() of the same model given one Decimal per cell
    costing.engine_kernel_1000x30_ms     compute without validation and the Decimal -> float crossing
    costing.engine_vs_float_loop_ratio   a per-line, per-year loop in float (no Decimal) / compute
    costing.irr_has_rate_mismatches      series where irr_many and numpy_financial disagree on having a rate
"""

from __future__ import annotations

import dataclasses
import random
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the repository root importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np
import numpy_financial as npf

from costing.calculations import (
    CAPEX_CATEGORIES,
    OPEX_CATEGORIES,
    LineInput,
    ModelInput,
    RiskInput,
    compute,
    generate_quantities,
    irr_many,
    naive_results,
    quantity_array,
    simulate,
)
from costing.calculations.engine import compute_prepared
from costing.calculations.inputs import prepare

BASE_YEAR = 2026


def synthetic_model(lines: int, horizon: int, seed: int = 2026) -> ModelInput:
    """A plausible large model: capex bought early (some refreshed), opex and revenue over the life."""
    rng = random.Random(seed)
    capex_categories = [c for c in CAPEX_CATEGORIES if c not in ("project_management", "contingency")]
    result = []
    for index in range(lines):
        kind = rng.choices(("capex", "opex", "revenue"), weights=(4, 5, 1))[0]
        unit_cost = Decimal(rng.randrange(100_000, 500_000_000, 1000))
        escalation = rng.choice((None, None, Decimal("0"), Decimal("0.03"), Decimal("0.055")))
        refresh = None
        if kind == "capex":
            category = rng.choice(capex_categories)
            first = rng.randrange(0, 3)
            quantities = tuple(
                Decimal(rng.randrange(1, 50)) if period == first else Decimal(0) for period in range(horizon)
            )
            if category == "equipment_hardware" and rng.random() < 0.5:
                refresh = rng.choice((3, 4, 5))
        else:
            category = "revenue" if kind == "revenue" else rng.choice(OPEX_CATEGORIES)
            start = BASE_YEAR + rng.randrange(0, 3)
            quantities = generate_quantities(
                horizon,
                BASE_YEAR,
                start,
                BASE_YEAR + horizon - 1,
                Decimal(rng.randrange(1, 1000)),
                Decimal(rng.choice(("0", "0.02", "0.05", "0.1"))),
            )
        result.append(
            LineInput(
                code=f"L{index:04d}",
                name=f"Line {index}",
                category=category,
                kind=kind,
                unit_cost=unit_cost,
                quantities=quantities,
                escalation_rate=escalation,
                refresh_cycle_years=refresh,
                vat_applicable=kind != "revenue",
            )
        )
    return ModelInput(
        base_year=BASE_YEAR,
        horizon=horizon,
        basis="real",
        discount_rate=Decimal("0.035"),
        vat_rate=Decimal("0.10"),
        general_escalation=Decimal("0.04"),
        lines=tuple(result),
    )


def as_stored(model: ModelInput) -> ModelInput:
    """The same model with each line's quantities as the read-only float64 array that
    costing.selectors builds from the stored decimal text."""
    return dataclasses.replace(
        model,
        lines=tuple(
            dataclasses.replace(line, quantities=quantity_array([str(q) for q in line.quantities]))
            for line in model.lines
        ),
    )


def synthetic_risks(count: int, horizon: int, seed: int = 7) -> list[RiskInput]:
    rng = random.Random(seed)
    risks = []
    for index in range(count):
        low = Decimal(rng.randrange(0, 1_000_000_000, 1000))
        likely = low + Decimal(rng.randrange(0, 2_000_000_000, 1000))
        first = rng.randrange(0, horizon)
        risks.append(
            RiskInput(
                code=f"R{index:03d}",
                name=f"Risk {index}",
                probability=Decimal(rng.randrange(1, 100)) / 100,
                minimum=low,
                most_likely=likely,
                maximum=likely + Decimal(rng.randrange(0, 5_000_000_000, 1000)),
                distribution=rng.choice(("triangular", "pert")),
                first_period=first,
                last_period=rng.randrange(first, horizon),
                public_share=Decimal(rng.randrange(0, 101)) / 100,
            )
        )
    return risks


def irr_series(count: int = 10_000, periods: int = 21, seed: int = 7) -> np.ndarray:
    """Project cash flows: 70 % conventional (investment, then net income), 10 % with a mid-life
    refresh year, 10 % with a hand-back cost at the end, 5 % that never earn (no rate), 5 % with a
    large early return and a large later cost (often no real rate)."""
    rng = np.random.default_rng(seed)
    invest = rng.uniform(500, 2000, count)
    flows = rng.uniform(0.05, 0.25, (count, 1)) * invest[:, None] * rng.normal(1.0, 0.15, (count, periods))
    flows[:, 0] = -invest
    second = rng.random(count) < 0.3
    flows[second, 1] = -invest[second] * rng.uniform(0.2, 0.6, second.sum())
    kind = rng.random(count)
    refresh = (kind >= 0.70) & (kind < 0.80)
    year = rng.integers(5, periods - 3, count)
    flows[refresh, year[refresh]] = -invest[refresh] * rng.uniform(0.3, 0.8, refresh.sum())
    handback = (kind >= 0.80) & (kind < 0.90)
    flows[handback, -1] = -invest[handback] * rng.uniform(0.2, 1.5, handback.sum())
    loss = (kind >= 0.90) & (kind < 0.95)
    flows[loss, 1:] = -np.abs(flows[loss, 1:])
    odd = kind >= 0.95
    flows[odd, 1:] = 0.0
    flows[odd, 1] = invest[odd] * 2.5
    flows[odd, 2] = -invest[odd] * rng.uniform(1.2, 2.0, odd.sum())
    return flows


def float_loop_npv(model: ModelInput) -> float:
    """compute_naive's loop in float instead of Decimal: separates vectorisation from Decimal cost."""
    rate = float(model.discount_rate)
    general = float(model.general_escalation)
    vat = 1.0 + float(model.vat_rate)
    total = 0.0
    for line in model.lines:
        escalation = general if line.escalation_rate is None else float(line.escalation_rate)
        cycle = line.refresh_cycle_years
        unit_cost = float(line.unit_cost)
        for period in range(model.horizon):
            quantity = float(line.quantities[period % cycle if cycle else period])
            if model.basis == "nominal":
                amount = unit_cost * quantity * (1 + escalation) ** period
            else:
                amount = unit_cost * quantity * ((1 + escalation) / (1 + general)) ** period
            if line.vat_applicable:
                amount *= vat
            if line.kind == "revenue":
                amount = -amount
            total += amount / (1 + rate) ** period
    return total


def median_seconds(function: Callable[[], object], repeat: int) -> float:
    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        timings.append(time.perf_counter() - start)
    return statistics.median(timings)


def run() -> dict[str, float]:
    figures: dict[str, float] = {}

    model = synthetic_model(1000, 30)
    # The engine gets the model as the selectors build it from storage: quantities as arrays.
    stored = as_stored(model)
    compute(stored)  # warm caches and imports
    engine = median_seconds(lambda: compute(stored), 21)
    engine_decimal = median_seconds(lambda: compute(model), 11)
    naive = median_seconds(lambda: naive_results(model), 3)
    float_loop = median_seconds(lambda: float_loop_npv(model), 5)
    prepared = prepare(stored)
    kernel = median_seconds(lambda: compute_prepared(stored, prepared), 21)
    figures["costing.engine_1000x30_ms"] = engine * 1e3
    figures["costing.engine_decimal_input_1000x30_ms"] = engine_decimal * 1e3
    figures["costing.engine_kernel_1000x30_ms"] = kernel * 1e3
    figures["costing.engine_vs_naive_ratio"] = naive / engine
    figures["costing.engine_vs_float_loop_ratio"] = float_loop / engine

    small = synthetic_model(200, 20, seed=11)
    risks = synthetic_risks(50, 20)

    def monte_carlo() -> object:
        results = compute(small)
        return simulate(results.cost_by_year, risks, small.discount_rate, 10_000, seed=2026)

    monte_carlo()
    figures["costing.montecarlo_10k_s"] = median_seconds(monte_carlo, 5)
    tracemalloc.start()
    monte_carlo()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    figures["costing.montecarlo_peak_mb"] = peak / 2**20

    series = irr_series()
    irr_many(series[:100])
    loops, vectorised = [], []
    for _ in range(3):  # interleaved, so that both sides see the same machine load
        start = time.perf_counter()
        expected = np.array([npf.irr(row) for row in series])
        loops.append(time.perf_counter() - start)
        vectorised.append(median_seconds(lambda: irr_many(series), 5))
    loop, fast = statistics.median(loops), statistics.median(vectorised)
    result = irr_many(series)
    both = result.has_rate & ~np.isnan(expected)
    figures["costing.irr_10k_vs_loop_ratio"] = loop / fast
    figures["costing.irr_max_abs_diff"] = float(np.max(np.abs(result.rates[both] - expected[both])))
    figures["costing.irr_has_rate_mismatches"] = float(
        np.count_nonzero(result.has_rate == np.isnan(expected))
    )
    return figures


if __name__ == "__main__":
    for name, value in run().items():
        print(f"{name:40s} {value:.6g}")
