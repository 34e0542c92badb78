"""Line-by-line, year-by-year comparison of two computed models."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest

from costing.calculations import (
    CalculationInputError,
    LineInput,
    ModelInput,
    compute,
    diff_results,
    diff_totals,
    to_money,
)

D = Decimal


def model_a() -> ModelInput:
    return ModelInput(
        base_year=2025,
        horizon=2,
        basis="nominal",
        discount_rate=D(0),
        vat_rate=D(0),
        general_escalation=D(0),
        lines=(
            LineInput("HW", "Servers", "equipment_hardware", "capex", D(1000), (D(1), D(0))),
            LineInput("HOST", "Hosting", "hosting_cloud", "opex", D(100), (D(1), D(1))),
            LineInput("OLD", "Legacy licence", "licences_subscriptions", "opex", D(50), (D(1), D(1))),
        ),
    )


def model_b() -> ModelInput:
    a = model_a()
    host = dataclasses.replace(a.lines[1], quantities=(D(1), D(2)))  # 2026 doubles
    new = LineInput("FEE", "Portal fees", "revenue", "revenue", D(30), (D(0), D(10)))
    return dataclasses.replace(a, lines=(a.lines[0], host, new))


def test_statuses_and_differences():
    frame = diff_results(compute(model_a()), compute(model_b()))
    assert list(frame.columns) == ["code", "year", "a", "b", "difference", "status"]
    rows = [
        (r.code, r.year, to_money(r.a), to_money(r.b), to_money(r.difference), r.status)
        for r in frame.itertuples()
    ]
    assert rows == [
        ("HW", 2025, D(1000), D(1000), D(0), "unchanged"),
        ("HW", 2026, D(0), D(0), D(0), "unchanged"),
        ("HOST", 2025, D(100), D(100), D(0), "unchanged"),
        # 100 x 2 = 200 in b
        ("HOST", 2026, D(100), D(200), D(100), "changed"),
        ("OLD", 2025, D(50), D(0), D(-50), "removed"),
        ("OLD", 2026, D(50), D(0), D(-50), "removed"),
        # revenue is cost-signed: 30 x 10 = -300
        ("FEE", 2025, D(0), D(0), D(0), "added"),
        ("FEE", 2026, D(0), D(-300), D(-300), "added"),
    ]


def test_totals():
    totals = diff_totals(compute(model_a()), compute(model_b()))
    # a: 1,000 + 200 + 100 = 1,300;  b: 1,000 + 300 - 300 = 1,000
    assert {name: to_money(values["difference"]) for name, values in totals.items()} == {
        "npv": D(-300),
        "npv_ex_vat": D(-300),
        "tco_nominal": D(-300),
        "tco_real": D(-300),
        "eac": D(-150),  # r = 0: NPV / 2 periods
    }
    assert (to_money(totals["npv"]["a"]), to_money(totals["npv"]["b"])) == (D(1300), D(1000))


def test_different_horizons_show_added_and_removed_years():
    longer = dataclasses.replace(
        model_a(),
        horizon=3,
        lines=tuple(
            dataclasses.replace(line, quantities=(*line.quantities, D(0))) for line in model_a().lines
        ),
    )
    frame = diff_results(compute(model_a()), compute(longer))
    assert set(frame.loc[frame.year == 2027, "status"]) == {"added"}
    assert set(frame.loc[frame.year < 2027, "status"]) == {"unchanged"}


def test_identical_results_are_unchanged_and_measure_is_checked():
    results = compute(model_a())
    assert set(diff_results(results, results, measure="real_ex_vat")["status"]) == {"unchanged"}
    with pytest.raises(CalculationInputError) as error:
        diff_results(results, results, measure="pv")
    assert error.value.field == "measure"
