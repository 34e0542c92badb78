"""Input validation and generated quantities: every CalculationInputError names its field."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from costing.calculations import (
    CAPEX_CATEGORIES,
    EQUIPMENT_CATEGORIES,
    OPEX_CATEGORIES,
    CalculationInputError,
    LineInput,
    ModelInput,
    compute,
    generate_quantities,
    validate_model,
)

D = Decimal


def base_model() -> ModelInput:
    return ModelInput(
        base_year=2025,
        horizon=3,
        basis="nominal",
        discount_rate=D("0.05"),
        vat_rate=D("0.10"),
        general_escalation=D("0.03"),
        lines=(
            LineInput("HW", "Servers", "equipment_hardware", "capex", D(1000), (D(1), D(0), D(0)), None, 2),
            LineInput("OPS", "Operations", "operations_staff", "opex", D(500), (D(1), D(1), D(1))),
            LineInput(
                "FEE", "Fees", "revenue", "revenue", D(2), (D(0), D(100), D(200)), vat_applicable=False
            ),
        ),
    )


def with_line(index: int, **changes) -> ModelInput:
    model = base_model()
    lines = list(model.lines)
    lines[index] = dataclasses.replace(lines[index], **changes)
    return dataclasses.replace(model, lines=tuple(lines))


def with_quantity(index: int, period: int, value) -> ModelInput:
    quantities = list(base_model().lines[index].quantities)
    quantities[period] = value
    return with_line(index, quantities=tuple(quantities))


MODEL_ERRORS = [
    ("horizon below 1", lambda: dataclasses.replace(base_model(), horizon=0), "horizon"),
    ("horizon above 30", lambda: dataclasses.replace(base_model(), horizon=31), "horizon"),
    ("horizon not an int", lambda: dataclasses.replace(base_model(), horizon=D(3)), "horizon"),
    ("base year", lambda: dataclasses.replace(base_model(), base_year="2025"), "base_year"),
    ("basis", lambda: dataclasses.replace(base_model(), basis="mixed"), "basis"),
    (
        "discount rate as float",
        lambda: dataclasses.replace(base_model(), discount_rate=0.05),
        "discount_rate",
    ),
    ("discount rate NaN", lambda: dataclasses.replace(base_model(), discount_rate=D("NaN")), "discount_rate"),
    (
        "discount rate negative",
        lambda: dataclasses.replace(base_model(), discount_rate=D("-0.01")),
        "discount_rate",
    ),
    ("VAT above 100 %", lambda: dataclasses.replace(base_model(), vat_rate=D("1.5")), "vat_rate"),
    (
        "escalation above 100 %",
        lambda: dataclasses.replace(base_model(), general_escalation=D("1.01")),
        "general_escalation",
    ),
    (
        "general escalation -100 %",
        lambda: dataclasses.replace(base_model(), general_escalation=D(-1)),
        "general_escalation",
    ),
    (
        "escalation infinite",
        lambda: dataclasses.replace(base_model(), general_escalation=D("Infinity")),
        "general_escalation",
    ),
    ("currency", lambda: dataclasses.replace(base_model(), currency="vnd"), "currency"),
    ("lines as list", lambda: dataclasses.replace(base_model(), lines=list(base_model().lines)), "lines"),
    ("not a line", lambda: dataclasses.replace(base_model(), lines=("HW",)), "lines[0]"),
    ("empty code", lambda: with_line(1, code=" "), "lines[1].code"),
    ("duplicate code", lambda: with_line(2, code="HW"), "lines[2].code"),
    ("name", lambda: with_line(0, name=None), "lines[0].name"),
    ("kind", lambda: with_line(0, kind="investment"), "lines[0].kind"),
    ("category of another kind", lambda: with_line(1, category="equipment_hardware"), "lines[1].category"),
    ("unknown category", lambda: with_line(0, category="furniture"), "lines[0].category"),
    ("negative unit cost", lambda: with_line(1, unit_cost=D(-1)), "lines[1].unit_cost"),
    ("unit cost as float", lambda: with_line(2, unit_cost=2.0), "lines[2].unit_cost"),
    ("unit cost too large for float64", lambda: with_line(0, unit_cost=D("1e400")), "lines[0].unit_cost"),
    (
        "line escalation above 100 %",
        lambda: with_line(1, escalation_rate=D("1.5")),
        "lines[1].escalation_rate",
    ),
    (
        "line escalation below -100 %",
        lambda: with_line(1, escalation_rate=D("-1.5")),
        "lines[1].escalation_rate",
    ),
    ("refresh on opex", lambda: with_line(1, refresh_cycle_years=2), "lines[1].refresh_cycle_years"),
    ("refresh of 0 years", lambda: with_line(0, refresh_cycle_years=0), "lines[0].refresh_cycle_years"),
    (
        "refresh longer than horizon",
        lambda: with_line(0, refresh_cycle_years=4),
        "lines[0].refresh_cycle_years",
    ),
    ("VAT flag", lambda: with_line(0, vat_applicable="yes"), "lines[0].vat_applicable"),
    ("too few quantities", lambda: with_line(0, quantities=(D(1), D(0))), "lines[0].quantities"),
    ("quantities as list", lambda: with_line(0, quantities=[D(1), D(0), D(0)]), "lines[0].quantities"),
    ("negative quantity", lambda: with_quantity(2, 1, D(-5)), "lines[2].quantities[1]"),
    ("NaN quantity", lambda: with_quantity(1, 2, D("NaN")), "lines[1].quantities[2]"),
    ("signalling NaN quantity", lambda: with_quantity(1, 0, D("sNaN")), "lines[1].quantities[0]"),
    ("infinite quantity", lambda: with_quantity(0, 0, D("-Infinity")), "lines[0].quantities[0]"),
    ("float quantity", lambda: with_quantity(2, 2, 1.5), "lines[2].quantities[2]"),
    ("text quantity", lambda: with_quantity(0, 1, "1"), "lines[0].quantities[1]"),
]


@pytest.mark.parametrize(("label", "build", "field"), MODEL_ERRORS)
def test_invalid_models_name_the_field(label, build, field):
    model = build()
    with pytest.raises(CalculationInputError) as error:
        validate_model(model)
    assert error.value.field == field, label
    assert str(error.value).startswith(f"{field}: ")
    with pytest.raises(CalculationInputError):
        compute(model)


def test_valid_model_passes_and_int_amounts_are_accepted():
    validate_model(base_model())
    validate_model(with_line(0, unit_cost=1000, quantities=(1, 0, 0)))


def test_error_is_a_value_error():
    assert issubclass(CalculationInputError, ValueError)


def test_category_catalogues():
    assert EQUIPMENT_CATEGORIES == (
        "equipment_hardware",
        "equipment_software",
        "equipment_data",
        "equipment_installation_testing",
        "equipment_training",
        "equipment_support",
    )
    assert {"installation", "project_management", "contingency", "consulting", "other_investment"} <= set(
        CAPEX_CATEGORIES
    )
    assert len(OPEX_CATEGORIES) == 9
    assert not set(CAPEX_CATEGORIES) & set(OPEX_CATEGORIES)


Q = D("0.000001")


@pytest.mark.parametrize(
    ("label", "arguments", "expected"),
    [
        # active 2026..2028 of a 2025-2029 horizon: 100, 100 x 1.1 = 110, 100 x 1.21 = 121
        ("growth 10 %", (5, 2025, 2026, 2028, D(100), D("0.1")), ["0", "100", "110", "121", "0"]),
        ("flat, whole horizon", (3, 2025, 2025, 2027, D(7), D(0)), ["7", "7", "7"]),
        # 10 x 1.0333333^2 = 10.677777111... -> 10.677777
        ("six places", (3, 2030, 2030, 2032, D(10), D("0.0333333")), ["10", "10.333333", "10.677777"]),
        # 0.0000005 rounds half up to 0.000001 (banker's rounding would give 0)
        ("half up", (2, 2025, 2026, 2026, D("0.0000005"), D(0)), ["0", "0.000001"]),
        # -100 %: 8 in the first active year, nothing after (0^0 = 1 for the first year)
        ("decline to zero", (4, 2025, 2025, 2027, D(8), D(-1)), ["8", "0", "0", "0"]),
        ("decline 50 %", (4, 2025, 2025, 2028, D(8), D("-0.5")), ["8", "4", "2", "1"]),
        ("one year", (1, 2040, 2040, 2040, D(3), D("0.5")), ["3"]),
    ],
)
def test_generate_quantities(label, arguments, expected):
    quantities = generate_quantities(*arguments)
    assert quantities == tuple(D(value).quantize(Q) for value in expected), label
    assert all(quantity.as_tuple().exponent == -6 for quantity in quantities)


@pytest.mark.parametrize(
    ("label", "arguments", "field"),
    [
        ("horizon", (31, 2025, 2025, 2026, D(1), D(0)), "horizon"),
        ("start before base year", (5, 2025, 2024, 2026, D(1), D(0)), "start_year"),
        ("start after horizon", (5, 2025, 2030, 2030, D(1), D(0)), "start_year"),
        ("end before start", (5, 2025, 2027, 2026, D(1), D(0)), "end_year"),
        ("end after horizon", (5, 2025, 2025, 2030, D(1), D(0)), "end_year"),
        ("negative quantity", (5, 2025, 2025, 2026, D(-1), D(0)), "starting_quantity"),
        ("NaN quantity", (5, 2025, 2025, 2026, D("NaN"), D(0)), "starting_quantity"),
        ("float quantity", (5, 2025, 2025, 2026, 1.0, D(0)), "starting_quantity"),
        ("growth above 100 %", (5, 2025, 2025, 2026, D(1), D("1.01")), "growth_rate"),
        ("growth below -100 %", (5, 2025, 2025, 2026, D(1), D("-1.01")), "growth_rate"),
        ("infinite growth", (5, 2025, 2025, 2026, D(1), D("Infinity")), "growth_rate"),
        ("base year text", (5, "2025", 2025, 2026, D(1), D(0)), "base_year"),
    ],
)
def test_generate_quantities_errors_name_the_field(label, arguments, field):
    with pytest.raises(CalculationInputError) as error:
        generate_quantities(*arguments)
    assert error.value.field == field, label


@settings(max_examples=100, deadline=None)
@given(
    horizon=st.integers(1, 30),
    data=st.data(),
    start=st.decimals(min_value=0, max_value=10**6, places=3),
    growth=st.decimals(min_value=-1, max_value=1, places=4),
)
def test_generated_quantities_are_zero_outside_the_active_years(horizon, data, start, growth):
    first = data.draw(st.integers(2025, 2025 + horizon - 1))
    last = data.draw(st.integers(first, 2025 + horizon - 1))
    quantities = generate_quantities(horizon, 2025, first, last, start, growth)
    assert len(quantities) == horizon
    for offset, quantity in enumerate(quantities):
        year = 2025 + offset
        if first <= year <= last:
            assert quantity >= 0
        else:
            assert quantity == 0
    assert quantities[first - 2025] == start.quantize(Q)
