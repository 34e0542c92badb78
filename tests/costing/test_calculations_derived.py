"""Project management and contingency (Circular 04/2020/TT-BTTTT) against hand calculations."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from costing.calculations import (
    CalculationInputError,
    ContingencyResult,
    LineInput,
    ModelInput,
    compute,
    contingency,
    derived_lines,
    project_management_amount,
    to_money,
)
from costing.calculations.derived import allocate

D = Decimal
BILLION = D(1_000_000_000)


@pytest.mark.parametrize(
    ("label", "installation", "equipment", "rate", "places", "expected"),
    [
        # 3 % x (1,000,000,000 + 4,000,000,000) = 150,000,000
        ("norm 3 %", BILLION, 4 * BILLION, D("0.03"), 0, D(150_000_000)),
        # 2.524 % x 1,234,567 = 31,160.47108 -> 31,160 (VND) / 31,160.47 (2 places)
        ("rounded to the dong", D(1_234_567), D(0), D("0.02524"), 0, D(31_160)),
        ("rounded to cents", D(1_234_567), D(0), D("0.02524"), 2, D("31160.47")),
        # 10 % x 5 = 0.5 -> 1 (ROUND_HALF_UP, banker's rounding would give 0)
        ("half up", D(5), D(0), D("0.1"), 0, D(1)),
        ("nothing to manage", D(0), D(0), D("0.03"), 0, D(0)),
    ],
)
def test_project_management_amount(label, installation, equipment, rate, places, expected):
    assert project_management_amount(installation, equipment, rate, places=places) == expected, label


@pytest.mark.parametrize(
    ("label", "total", "rate", "amounts", "index", "expected"),
    [
        # quantity 5 % x 5,150,000,000 = 257,500,000
        # price: 2,000,000,000 x (1.04 - 1) = 80,000,000; 3,150,000,000 x (1.04^2 - 1 = 0.0816) = 257,040,000
        #        -> 337,040,000; total 594,540,000
        (
            "hand example",
            D(5_150_000_000),
            D("0.05"),
            (2 * BILLION, D(3_150_000_000)),
            D("0.04"),
            ContingencyResult(D(257_500_000), D(337_040_000), D(594_540_000)),
        ),
        # one year: 1,000 x 0.05 = 50; 1,000 x 0.05 = 50
        ("one year", D(1000), D("0.05"), (D(1000),), D("0.05"), ContingencyResult(D(50), D(50), D(100))),
        # three years at 10 %: 100 x 0.1 + 100 x 0.21 + 100 x 0.331 = 10 + 21 + 33.1 = 64.1 -> 64
        (
            "three years",
            D(300),
            D(0),
            (D(100), D(100), D(100)),
            D("0.1"),
            ContingencyResult(D(0), D(64), D(64)),
        ),
        # parts are rounded separately (12.5 -> 13, 0.5 -> 1) and total is their sum: 14
        ("rounding", D(250), D("0.05"), (D(10),), D("0.05"), ContingencyResult(D(13), D(1), D(14))),
        ("no escalation", D(1000), D("0.1"), (D(600), D(400)), D(0), ContingencyResult(D(100), D(0), D(100))),
    ],
)
def test_contingency(label, total, rate, amounts, index, expected):
    assert contingency(total, rate, amounts, index) == expected, label


def test_contingency_places():
    # 3 % x 1,234.567 = 37.03701 -> 37.04; 1,234.567 x 0.02 = 24.69134 -> 24.69
    result = contingency(D("1234.567"), D("0.03"), (D("1234.567"),), D("0.02"), places=2)
    assert result == ContingencyResult(D("37.04"), D("24.69"), D("61.73"))


@pytest.mark.parametrize(
    ("label", "call", "field"),
    [
        (
            "negative installation",
            lambda: project_management_amount(D(-1), D(0), D("0.03")),
            "installation_pre_tax",
        ),
        ("float equipment", lambda: project_management_amount(D(1), 2.0, D("0.03")), "equipment_pre_tax"),
        ("rate above 100 %", lambda: project_management_amount(D(1), D(1), D("1.5")), "norm_rate"),
        ("places", lambda: project_management_amount(D(1), D(1), D("0.1"), places=-1), "places"),
        ("negative total", lambda: contingency(D(-1), D("0.05"), (D(1),), D(0)), "components_total"),
        ("quantity rate", lambda: contingency(D(1), D("-0.05"), (D(1),), D(0)), "quantity_rate"),
        ("price index", lambda: contingency(D(1), D("0.05"), (D(1),), D("NaN")), "price_index"),
        ("no years", lambda: contingency(D(1), D("0.05"), (), D(0)), "implementation_amounts"),
        (
            "negative year",
            lambda: contingency(D(1), D("0.05"), (D(1), D(-1)), D(0)),
            "implementation_amounts[1]",
        ),
    ],
)
def test_errors_name_the_field(label, call, field):
    with pytest.raises(CalculationInputError) as error:
        call()
    assert error.value.field == field, label


@pytest.mark.parametrize(
    ("label", "total", "weights", "expected"),
    [
        ("thirds", D(100), [D(1), D(1), D(1)], [D(34), D(33), D(33)]),
        ("largest remainder wins", D(10), [D(1), D(2), D(4)], [D(1), D(3), D(6)]),
        ("zero weight gets nothing", D(7), [D(0), D(1)], [D(0), D(7)]),
        ("all zero", D(0), [D(0), D(0)], [D(0), D(0)]),
    ],
)
def test_allocate(label, total, weights, expected):
    assert allocate(total, weights, 0) == expected, label


@settings(max_examples=200, deadline=None)
@given(
    total=st.integers(0, 10**12).map(D),
    weights=st.lists(st.integers(0, 10**9).map(D), min_size=1, max_size=10).filter(lambda w: sum(w) > 0),
)
def test_allocate_parts_add_up_to_the_total(total, weights):
    parts = allocate(total, weights, 0)
    assert sum(parts) == total
    assert all(part >= 0 for part in parts)


def estimate_model() -> ModelInput:
    return ModelInput(
        base_year=2025,
        horizon=3,
        basis="nominal",
        discount_rate=D(0),
        vat_rate=D("0.10"),
        general_escalation=D("0.04"),
        lines=(
            LineInput("INST", "Cabling", "installation", "capex", BILLION, (D(1), D(0), D(0)), D(0)),
            LineInput("HW", "Servers", "equipment_hardware", "capex", BILLION, (D(1), D(3), D(0)), D(0)),
            LineInput("TV", "Design", "consulting", "capex", D(100_000_000), (D(1), D(1), D(0)), D(0)),
            LineInput("HOST", "Hosting", "hosting_cloud", "opex", D(10_000_000), (D(0), D(0), D(12)), D(0)),
        ),
    )


def test_derived_lines_hand_example():
    pm, cont = derived_lines(estimate_model(), D("0.03"), D("0.05"), D("0.04"), (0, 1))
    # installation + equipment: 2,000,000,000 in 2025, 3,000,000,000 in 2026
    # PM 3 % x 5,000,000,000 = 150,000,000 spread 2:3 -> 60,000,000 and 90,000,000
    assert (pm.code, pm.category, pm.kind, pm.unit_cost, pm.escalation_rate) == (
        "PM", "project_management", "capex", D(1), D(0),
    )  # fmt: skip
    assert pm.quantities == (D(60_000_000), D(90_000_000), D(0))
    # V1 = 2,000,000,000 + 100,000,000 + 60,000,000 = 2,160,000,000
    # V2 = 3,000,000,000 + 100,000,000 + 90,000,000 = 3,190,000,000; total 5,350,000,000 (opex excluded)
    # quantity 5 % -> 108,000,000 + 159,500,000 = 267,500,000
    # price: 2,160,000,000 x 0.04 = 86,400,000; 3,190,000,000 x 0.0816 = 260,304,000
    assert (cont.code, cont.category) == ("CONT", "contingency")
    assert cont.quantities == (D(108_000_000 + 86_400_000), D(159_500_000 + 260_304_000), D(0))


def test_compute_includes_derived_lines():
    model = estimate_model()
    derived = derived_lines(model, D("0.03"), D("0.05"), D("0.04"), (0, 1))
    full = dataclasses.replace(model, lines=model.lines + derived)
    frame = compute(full).by_category()
    # PM 150,000,000 + 10 % VAT = 165,000,000; contingency 194,400,000 + 419,804,000 = 614,204,000 x 1.1
    assert to_money(frame.loc["project_management", "total"]) == D(165_000_000)
    assert to_money(frame.loc["contingency", "total"]) == D("675624400")
    assert to_money(frame.loc["contingency", 2026]) == D("461784400")


def test_derived_lines_follow_refresh_and_escalation():
    laptops = LineInput(
        "HW",
        "Laptops",
        "equipment_hardware",
        "capex",
        D(1000),
        (D(2), D(0), D(5), D(5)),
        refresh_cycle_years=2,
    )
    model = ModelInput(2025, 4, "real", D("0.05"), D("0.1"), D("0.1"), (laptops,))
    # refresh every 2 years: 2, 0, 2, 0; escalation g = 10 %: 2,000 in 2025, 2,000 x 1.21 = 2,420 in 2027
    pm, cont = derived_lines(model, D("0.1"), D(0), D(0), (0, 2))
    assert pm.quantities == (D(200), D(0), D(242), D(0))
    assert cont.quantities == (D(0), D(0), D(0), D(0))


@pytest.mark.parametrize(
    ("label", "arguments", "field"),
    [
        ("no periods", ((),), "implementation_periods"),
        ("period beyond horizon", ((0, 3),), "implementation_periods[1]"),
        ("periods not increasing", ((1, 1),), "implementation_periods[1]"),
        ("negative period", ((-1,),), "implementation_periods[0]"),
    ],
)
def test_derived_lines_errors(label, arguments, field):
    with pytest.raises(CalculationInputError) as error:
        derived_lines(estimate_model(), D("0.03"), D("0.05"), D("0.04"), *arguments)
    assert error.value.field == field, label


@pytest.mark.parametrize(
    ("label", "rates", "field"),
    [
        ("norm rate", (D("1.2"), D("0.05"), D("0.04")), "pm_norm_rate"),
        ("quantity rate", (D("0.03"), 0.05, D("0.04")), "contingency_quantity_rate"),
        ("price index", (D("0.03"), D("0.05"), D("-0.01")), "price_index"),
    ],
)
def test_derived_lines_rate_errors(label, rates, field):
    with pytest.raises(CalculationInputError) as error:
        derived_lines(estimate_model(), *rates, (0, 1))
    assert error.value.field == field, label


def test_derived_lines_refuse_a_model_that_has_them_already():
    model = estimate_model()
    pm, _ = derived_lines(model, D("0.03"), D("0.05"), D("0.04"), (0,))
    with_pm = dataclasses.replace(model, lines=(*model.lines, pm))
    with pytest.raises(CalculationInputError) as error:
        derived_lines(with_pm, D("0.03"), D("0.05"), D(0), (0,))
    assert error.value.field == "lines[4].category"
