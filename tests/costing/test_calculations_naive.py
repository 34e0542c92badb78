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


def test_quantities_as_arrays_give_the_same_results_and_the_same_hash_as_decimals():
    import dataclasses
    from decimal import Decimal

    from bench.bench_costing import as_stored
    from costing.calculations import input_hash

    model = synthetic_model(40, 10, seed=3)
    stored = as_stored(model)
    assert compute(stored).npv == compute(model).npv
    assert np.array_equal(compute(stored).basis_inc_vat, compute(model).basis_inc_vat)
    assert input_hash(stored) == input_hash(model)
    changed = dataclasses.replace(
        stored,
        lines=(
            dataclasses.replace(stored.lines[0], quantities=stored.lines[0].quantities + 1),
            *stored.lines[1:],
        ),
    )
    assert input_hash(changed) != input_hash(model)
    assert Decimal(repr(float(stored.lines[0].quantities[0]))) == model.lines[0].quantities[0]


@pytest.mark.parametrize(
    ("label", "values", "field"),
    [
        ("NaN", [1.0, float("nan"), 0.0], "lines[0].quantities[1]"),
        ("negative", [1.0, 0.0, -2.0], "lines[0].quantities[2]"),
        ("infinite", [float("inf"), 0.0, 0.0], "lines[0].quantities[0]"),
        ("too short", [1.0, 2.0], "lines[0].quantities"),
        ("not float", np.array([1, 2, 3], dtype=np.int64), "lines[0].quantities"),
        ("two-dimensional", [[1.0], [2.0], [3.0]], "lines[0].quantities"),
    ],
)
def test_a_bad_quantity_array_is_named(label, values, field):
    from decimal import Decimal

    from costing.calculations import CalculationInputError, LineInput, ModelInput

    quantities = values if isinstance(values, np.ndarray) else np.array(values, dtype=np.float64)
    line = LineInput("A", "A", "hosting_cloud", "opex", Decimal(1), quantities)
    model = ModelInput(2026, 3, "real", Decimal("0.05"), Decimal("0.1"), Decimal(0), (line,))
    with pytest.raises(CalculationInputError) as error:
        compute(model)
    assert error.value.field == field, label
