"""The plain Decimal loop and the vectorised engine agree on every output, for models of every kind."""

from __future__ import annotations

import numpy as np
import pytest

from bench.bench_costing import synthetic_model
from costing.calculations import compute, naive_results

MATRICES = ("nominal_ex_vat", "nominal_inc_vat", "real_ex_vat", "real_inc_vat", "basis_inc_vat")
TOTALS = ("npv", "npv_ex_vat", "tco_nominal", "tco_real", "eac")


@pytest.mark.parametrize("basis", ["real", "nominal"])
def test_naive_loop_and_engine_agree_on_every_series_and_total(basis):
    import dataclasses

    model = dataclasses.replace(synthetic_model(60, 12, seed=5), basis=basis)
    engine = compute(model)
    naive = naive_results(model)
    for name in MATRICES:
        expected = np.array([[float(x) for x in row] for row in getattr(naive, name)])
        assert np.allclose(getattr(engine, name), expected, rtol=1e-12, atol=1e-6), name
    assert np.allclose(engine.pv_by_line, [float(x) for x in naive.pv_by_line], rtol=1e-12, atol=1e-6)
    assert np.allclose(engine.cost_by_year, [float(x) for x in naive.cost_by_year], rtol=1e-12, atol=1e-6)
    for name in TOTALS:
        assert getattr(engine, name) == pytest.approx(float(getattr(naive, name)), rel=1e-12), name
