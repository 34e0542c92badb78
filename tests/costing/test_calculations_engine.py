"""The vectorised engine against hand calculations, the naive Decimal loop and its invariants.

The hand model (3 lines, 3 years, base year 2025), used in both bases:
    discount rate r = 25 % -> discount factors 1, 1/1.25 = 0.8, 1/1.5625 = 0.64
    general escalation g = 25 % -> deflators 1, 0.8, 0.64;  VAT 10 %
    HW   equipment_hardware capex  1,000 x (10, 0, 0)    e = 0       VAT
    HOST hosting_cloud      opex     100 x (12, 12, 12)  e = 10 %    VAT
    REV  revenue            revenue   50 x (0, 20, 40)   e = None -> g = 25 %, no VAT
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from costing.calculations import (
    CAPEX_CATEGORIES,
    OPEX_CATEGORIES,
    LineInput,
    ModelInput,
    break_even_period,
    compute,
    compute_naive,
    to_money,
)

D = Decimal


def hand_model(basis: str) -> ModelInput:
    return ModelInput(
        base_year=2025,
        horizon=3,
        basis=basis,
        discount_rate=D("0.25"),
        vat_rate=D("0.10"),
        general_escalation=D("0.25"),
        lines=(
            LineInput("HW", "Servers", "equipment_hardware", "capex", D(1000), (D(10), D(0), D(0)), D(0)),
            LineInput("HOST", "Hosting", "hosting_cloud", "opex", D(100), (D(12), D(12), D(12)), D("0.10")),
            LineInput("REV", "Fees", "revenue", "revenue", D(50), (D(0), D(20), D(40)), vat_applicable=False),
        ),
    )


def money(values: object, places: int = 6) -> list[Decimal]:
    return [to_money(value, places) for value in np.ravel(values)]


def decimals(*texts: str) -> list[Decimal]:
    return [D(text).quantize(D("0.000001")) for text in texts]


# Nominal amounts are the same in both bases: unit cost x quantity x (1 + e)^t.
#   HW   10 x 1,000 = 10,000 in 2025
#   HOST 1,200 x 1.1^t = 1,200 / 1,320 / 1,452;  x 1.1 VAT = 1,320 / 1,452 / 1,597.2
#   REV  50 x 20 x 1.25 = 1,250;  50 x 40 x 1.5625 = 3,125 (no VAT)
# Real = nominal / 1.25^t (x 1, 0.8, 0.64):
#   HOST 1,200 / 1,056 / 929.28 (= 1,200 x 0.88^t);  incl. VAT 1,320 / 1,161.6 / 1,022.208
#   REV  0 / 1,000 / 2,000
MATRIX_CASES = [
    ("nominal ex VAT", "nominal_ex_vat", ["10000", "0", "0", "1200", "1320", "1452", "0", "1250", "3125"]),
    (
        "nominal incl VAT",
        "nominal_inc_vat",
        ["11000", "0", "0", "1320", "1452", "1597.2", "0", "1250", "3125"],
    ),
    ("real ex VAT", "real_ex_vat", ["10000", "0", "0", "1200", "1056", "929.28", "0", "1000", "2000"]),
    ("real incl VAT", "real_inc_vat", ["11000", "0", "0", "1320", "1161.6", "1022.208", "0", "1000", "2000"]),
]


@pytest.mark.parametrize("basis", ["nominal", "real"])
@pytest.mark.parametrize(("label", "attribute", "expected"), MATRIX_CASES)
def test_line_matrices_match_hand_arithmetic(label, attribute, expected, basis):
    assert money(getattr(compute(hand_model(basis)), attribute)) == decimals(*expected), label


BASIS_CASES = [
    # Nominal basis, cost-signed incl. VAT: revenue negative.
    #   cost by year: 11,000 + 1,320 = 12,320;  1,452 - 1,250 = 202;  1,597.2 - 3,125 = -1,527.8
    #   PV: HW 11,000; HOST 1,320 + 1,452 x 0.8 + 1,597.2 x 0.64 = 1,320 + 1,161.6 + 1,022.208 = 3,503.808
    #       REV -(1,250 x 0.8 + 3,125 x 0.64) = -(1,000 + 2,000) = -3,000
    #   NPV = 11,000 + 3,503.808 - 3,000 = 11,503.808
    #   NPV ex VAT = 10,000 + (1,200 + 1,320 x 0.8 + 1,452 x 0.64 = 3,185.28) - 3,000 = 10,185.28
    ("nominal", "cost_by_year", ["12320", "202", "-1527.8"]),
    ("nominal", "pv_by_line", ["11000", "3503.808", "-3000"]),
    ("nominal", "basis_inc_vat", ["11000", "0", "0", "1320", "1452", "1597.2", "0", "-1250", "-3125"]),
    ("nominal", "npv", ["11503.808"]),
    ("nominal", "npv_ex_vat", ["10185.28"]),
    # Real basis: cost by year 12,320;  1,161.6 - 1,000 = 161.6;  1,022.208 - 2,000 = -977.792
    #   PV: HOST 1,320 + 1,161.6 x 0.8 + 1,022.208 x 0.64 = 1,320 + 929.28 + 654.21312 = 2,903.49312
    #       REV -(1,000 x 0.8 + 2,000 x 0.64) = -2,080
    #   NPV = 11,000 + 2,903.49312 - 2,080 = 11,823.49312
    #   NPV ex VAT = 10,000 + (1,200 + 1,056 x 0.8 + 929.28 x 0.64 = 2,639.5392) - 2,080 = 10,559.5392
    ("real", "cost_by_year", ["12320", "161.6", "-977.792"]),
    ("real", "pv_by_line", ["11000", "2903.49312", "-2080"]),
    ("real", "basis_inc_vat", ["11000", "0", "0", "1320", "1161.6", "1022.208", "0", "-1000", "-2000"]),
    ("real", "npv", ["11823.49312"]),
    ("real", "npv_ex_vat", ["10559.5392"]),
    # TCO does not depend on the basis: nominal 11,000 + 4,369.2 - 4,375 = 10,994.2;
    # real 11,000 + 3,503.808 - 3,000 = 11,503.808 (equal to the nominal NPV because r = g here).
    ("nominal", "tco_nominal", ["10994.2"]),
    ("real", "tco_nominal", ["10994.2"]),
    ("nominal", "tco_real", ["11503.808"]),
    ("real", "tco_real", ["11503.808"]),
    ("nominal", "discount_factors", ["1", "0.8", "0.64"]),
    ("real", "years", ["2025", "2026", "2027"]),
]


@pytest.mark.parametrize(("basis", "attribute", "expected"), BASIS_CASES)
def test_model_basis_series_and_totals(basis, attribute, expected):
    assert money(getattr(compute(hand_model(basis)), attribute)) == decimals(*expected)


@pytest.mark.parametrize(
    ("label", "basis", "expected"),
    [
        # EAC = NPV / (1 + 0.8 + 0.64) = NPV / 2.44
        ("nominal: 11,503.808 / 2.44 = 4,714.6754...", "nominal", D("4714.68")),
        ("real: 11,823.49312 / 2.44 = 4,845.6939...", "real", D("4845.69")),
    ],
)
def test_equivalent_annual_cost(label, basis, expected):
    assert to_money(compute(hand_model(basis)).eac, 2) == expected, label


def test_eac_at_zero_rate_is_npv_over_periods():
    # r = 0: nominal cost by year 12,320 + 202 - 1,527.8 = 10,994.2; / 3 = 3,664.7333...
    results = compute(dataclasses.replace(hand_model("nominal"), discount_rate=D(0)))
    assert to_money(results.eac, 4) == D("3664.7333")


@pytest.mark.parametrize(
    ("label", "method", "expected_rows"),
    [
        (
            "by category, catalogue order",
            "by_category",
            {
                "equipment_hardware": ["11000", "0", "0", "11000", "11000"],
                "hosting_cloud": ["1320", "1452", "1597.2", "4369.2", "3503.808"],
                "revenue": ["0", "-1250", "-3125", "-4375", "-3000"],
            },
        ),
        (
            "by kind",
            "by_kind",
            {
                "capex": ["11000", "0", "0", "11000", "11000"],
                "opex": ["1320", "1452", "1597.2", "4369.2", "3503.808"],
                "revenue": ["0", "-1250", "-3125", "-4375", "-3000"],
            },
        ),
    ],
)
def test_grouped_frames(label, method, expected_rows):
    frame = getattr(compute(hand_model("nominal")), method)()
    assert list(frame.columns) == [2025, 2026, 2027, "total", "pv"], label
    assert list(frame.index) == list(expected_rows), label
    for group, expected in expected_rows.items():
        assert money(frame.loc[group].to_numpy()) == decimals(*expected), group


def test_to_frame_is_long_with_cost_signed_pv():
    frame = compute(hand_model("real")).to_frame()
    assert list(frame.columns) == [
        "code", "category", "kind", "year",
        "nominal_ex_vat", "nominal_inc_vat", "real_ex_vat", "real_inc_vat", "pv",
    ]  # fmt: skip
    assert len(frame) == 9
    host_2026 = frame[(frame.code == "HOST") & (frame.year == 2026)].iloc[0]
    # nominal 1,320 (ex) / 1,452 (incl); real 1,056 / 1,161.6; pv 1,161.6 x 0.8 = 929.28
    assert money(host_2026[["nominal_ex_vat", "nominal_inc_vat", "real_ex_vat", "real_inc_vat", "pv"]]) == (
        decimals("1320", "1452", "1056", "1161.6", "929.28")
    )
    revenue_2027 = frame[(frame.code == "REV") & (frame.year == 2027)].iloc[0]
    # amounts positive, pv cost-signed: -(2,000 x 0.64) = -1,280
    assert money(revenue_2027[["real_inc_vat", "pv"]]) == decimals("2000", "-1280")


def test_results_are_read_only():
    results = compute(hand_model("nominal"))
    with pytest.raises(ValueError):
        results.nominal_ex_vat[0, 0] = 1.0
    with pytest.raises(dataclasses.FrozenInstanceError):
        results.npv = 0.0  # type: ignore[misc]


def one_line_model(line: LineInput, horizon: int, rate: str = "0", escalation: str = "0") -> ModelInput:
    return ModelInput(2025, horizon, "nominal", D(rate), D(0), D(escalation), (line,))


@pytest.mark.parametrize(
    ("label", "quantities", "cycle", "escalation", "expected"),
    [
        # cycle 3 over 6 years: (5, 0, 0) repeats; the 9s given later are replaced by the repeat
        ("every 3 years", ("5", "0", "0", "9", "9", "9"), 3, "0", ["500", "0", "0", "500", "0", "0"]),
        # cycle 2 over 5 years: (1, 2) -> 1, 2, 1, 2, 1; e = 10 %: 100 x (1, 2 x 1.1, 1.21, 2 x 1.331, 1.4641)
        (
            "every 2 years, escalated",
            ("1", "2", "0", "0", "0"),
            2,
            "0.1",
            ["100", "220", "121", "266.2", "146.41"],
        ),
        # a cycle as long as the horizon changes nothing
        ("cycle = horizon", ("1", "0", "3"), 3, "0", ["100", "0", "300"]),
        # first purchase in year 2 of the cycle: (0, 4) -> 0, 4, 0, 4
        ("late first purchase", ("0", "4", "0", "0"), 2, "0", ["0", "400", "0", "400"]),
    ],
)
def test_refresh_cycle_repeats_the_first_block(label, quantities, cycle, escalation, expected):
    line = LineInput(
        "HW",
        "Laptops",
        "equipment_hardware",
        "capex",
        D(100),
        tuple(D(q) for q in quantities),
        D(escalation),
        cycle,
    )
    results = compute(one_line_model(line, len(quantities)))
    assert money(results.nominal_ex_vat) == decimals(*expected), label
    assert compute_naive(one_line_model(line, len(quantities))) == pytest.approx(
        float(results.npv), rel=1e-12
    )


@pytest.mark.parametrize(
    ("label", "cost_a", "cost_b", "rate", "expected"),
    [
        # r = 0: cumulative A 100, 110, 120, 130; B 50, 90, 130, 170 -> A <= B from period 2
        ("undiscounted", [100, 10, 10, 10], [50, 40, 40, 40], "0", 2),
        # r = 25 %: A 100, 108, 114.4, 119.52; B 50, 82, 107.6, 128.08 -> only period 3
        ("discounted", [100, 10, 10, 10], [50, 40, 40, 40], "0.25", 3),
        # A dips below B in period 0, rises above in 1 (100 > 50), below again in 2 (100 <= 110)
        ("must stay below", [0, 100, 0], [50, 0, 60], "0", 2),
        ("cheaper throughout", [10, 10], [20, 20], "0.1", 0),
        ("equal counts as at or below", [10, 20, 30], [10, 20, 30], "0.07", 0),
        ("never", [100, 10, 10], [50, 5, 5], "0", None),
        ("ends above", [0, 0, 100], [10, 10, 10], "0", None),
    ],
)
def test_break_even_period(label, cost_a, cost_b, rate, expected):
    assert break_even_period(np.array(cost_a, float), np.array(cost_b, float), D(rate)) == expected, label


def test_break_even_with_compute_output():
    # Build (A) vs hire (B): A = 12,320, 202, -1,527.8; B hires at 5,000 a year.
    a = compute(hand_model("nominal")).cost_by_year
    # r = 25 %: A cumulative 12,320, 12,481.6, 11,503.808; B 5,000, 9,000, 12,200 -> period 2
    assert break_even_period(a, np.full(3, 5000.0), D("0.25")) == 2


# --- properties -------------------------------------------------------------------------------

CATEGORY_BY_KIND = {"capex": CAPEX_CATEGORIES, "opex": OPEX_CATEGORIES, "revenue": ("revenue",)}
amounts = st.decimals(min_value=0, max_value=10**6, places=2, allow_nan=False, allow_infinity=False)
rates = st.decimals(min_value=-1, max_value=1, places=3, allow_nan=False, allow_infinity=False)


@st.composite
def models(draw):
    horizon = draw(st.integers(1, 8))
    count = draw(st.integers(1, 5))
    lines = []
    for index in range(count):
        kind = draw(st.sampled_from(("capex", "opex", "revenue")))
        lines.append(
            LineInput(
                code=f"L{index}",
                name=f"line {index}",
                category=draw(st.sampled_from(CATEGORY_BY_KIND[kind])),
                kind=kind,
                unit_cost=draw(amounts),
                quantities=tuple(draw(st.lists(amounts, min_size=horizon, max_size=horizon))),
                escalation_rate=draw(st.none() | rates),
                refresh_cycle_years=draw(st.none() | st.integers(1, horizon)) if kind == "capex" else None,
                vat_applicable=draw(st.booleans()),
            )
        )
    return ModelInput(
        base_year=2025,
        horizon=horizon,
        basis=draw(st.sampled_from(("real", "nominal"))),
        discount_rate=draw(st.decimals(min_value=0, max_value=1, places=3)),
        vat_rate=draw(st.decimals(min_value=0, max_value=1, places=2)),
        general_escalation=draw(st.decimals(min_value="-0.5", max_value=1, places=3)),
        lines=tuple(lines),
    )


def close(a: float, b: float, scale: float = 0.0) -> bool:
    """Equal to 1e-9 of the size of the figures summed (costs and revenue can cancel out)."""
    return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b), scale)


def size(results) -> float:
    return float(np.abs(results.basis_inc_vat).sum())


@settings(max_examples=150, deadline=None)
@given(models())
def test_vectorised_engine_matches_naive_decimal_loop(model):
    results = compute(model)
    assert close(results.npv, compute_naive(model), size(results))


@settings(max_examples=100, deadline=None)
@given(models())
def test_totals_add_up(model):
    results = compute(model)
    scale = size(results)

    def close(a: float, b: float) -> bool:
        return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b), scale)

    by_category = results.by_category()
    assert close(float(by_category["pv"].sum()), results.npv)
    assert close(float(results.pv_by_line.sum()), results.npv)
    assert close(float(results.cost_by_year @ results.discount_factors), results.npv)
    assert close(float(by_category["total"].sum()), float(results.cost_by_year.sum()))
    assert close(float(results.by_kind()["pv"].sum()), results.npv)
    annuity = float(results.discount_factors.sum())
    assert close(results.eac * annuity, results.npv)


@settings(max_examples=60, deadline=None)
@given(models(), st.decimals(min_value=0, max_value=10, places=2))
def test_npv_is_linear_in_unit_costs(model, factor):
    scaled = dataclasses.replace(
        model,
        lines=tuple(dataclasses.replace(line, unit_cost=line.unit_cost * factor) for line in model.lines),
    )
    results = compute(model)
    assert close(compute(scaled).npv, float(factor) * results.npv, float(factor) * size(results))


@settings(max_examples=60, deadline=None)
@given(models())
def test_vat_only_adds_to_costs(model):
    costs_only = dataclasses.replace(
        model, lines=tuple(line for line in model.lines if line.kind != "revenue")
    )
    results = compute(costs_only)
    assert results.npv >= results.npv_ex_vat - 1e-9 * max(1.0, abs(results.npv))


def test_to_money_rounds_half_up_and_never_returns_negative_zero():
    assert to_money(2.5) == D(3)
    assert to_money(-2.5) == D(-3)
    assert to_money(1234.5649, 2) == D("1234.56")
    assert str(to_money(-0.0)) == "0"
    assert str(to_money(-0.4)) == "0"
    assert to_money(np.float64(0.125), 2) == D("0.13")


def test_model_without_lines():
    results = compute(dataclasses.replace(hand_model("real"), lines=()))
    assert results.nominal_ex_vat.shape == (0, 3)
    assert (results.npv, results.tco_nominal, results.eac) == (0.0, 0.0, 0.0)
    assert money(results.cost_by_year) == decimals("0", "0", "0")
    assert results.by_category().empty
