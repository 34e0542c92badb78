"""Tornado bars and scenario overrides on the hand model of test_calculations_engine."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest

from costing.calculations import (
    CalculationInputError,
    LineInput,
    ModelInput,
    TornadoBar,
    apply_overrides,
    compute,
    to_money,
    tornado,
)

D = Decimal


def hand_model() -> ModelInput:
    # NPV 11,503.808; cost by year 12,320 / 202 / -1,527.8 (see test_calculations_engine)
    return ModelInput(
        base_year=2025,
        horizon=3,
        basis="nominal",
        discount_rate=D("0.25"),
        vat_rate=D("0.10"),
        general_escalation=D("0.25"),
        lines=(
            LineInput("HW", "Servers", "equipment_hardware", "capex", D(1000), (D(10), D(0), D(0)), D(0)),
            LineInput("HOST", "Hosting", "hosting_cloud", "opex", D(100), (D(12), D(12), D(12)), D("0.10")),
            LineInput("REV", "Fees", "revenue", "revenue", D(50), (D(0), D(20), D(40)), vat_applicable=False),
        ),
    )


def rounded(bar: TornadoBar) -> tuple[str, Decimal, Decimal, Decimal]:
    return bar.driver, to_money(bar.low_npv, 6), to_money(bar.high_npv, 6), to_money(bar.swing, 6)


def test_tornado_hand_example():
    bars = [rounded(bar) for bar in tornado(hand_model(), D("0.10"))]
    assert bars == [
        # every amount scales: 0.9 / 1.1 x 11,503.808 = 10,353.4272 / 12,654.1888
        ("quantities", D("10353.4272"), D("12654.1888"), D("2300.7616")),
        ("unit_costs", D("10353.4272"), D("12654.1888"), D("2300.7616")),
        # g 22.5 % and HOST e 9 %: HOST 1,320 / 1,438.8 / 1,568.292, REV 1,225 / 3,001.25
        #   12,320 + (1,438.8 - 1,225) x 0.8 + (1,568.292 - 3,001.25) x 0.64 = 11,573.94688
        # g 27.5 % and e 11 %: HOST 1,320 / 1,465.2 / 1,626.372, REV 1,275 / 3,251.25
        #   12,320 + 190.2 x 0.8 - 1,624.878 x 0.64 = 11,432.23808
        ("escalation", D("11573.94688"), D("11432.23808"), D("141.7088")),
        # r 22.5 %: 12,320 + 202 / 1.225 - 1,527.8 / 1.225^2 = 11,466.788837984...
        # r 27.5 %: 12,320 + 202 / 1.275 - 1,527.8 / 1.275^2 = 11,538.608227604...
        ("discount_rate", D("11466.788838"), D("11538.608228"), D("71.819390")),
    ]


def test_tornado_is_sorted_by_swing():
    swings = [bar.swing for bar in tornado(hand_model(), D("0.25"))]
    assert swings == sorted(swings, reverse=True)


@pytest.mark.parametrize(("label", "percent"), [("zero", D(0)), ("above 100 %", D("1.5")), ("float", 0.1)])
def test_tornado_percent_is_checked(label, percent):
    with pytest.raises(CalculationInputError) as error:
        tornado(hand_model(), percent)
    assert error.value.field == "percent", label


@pytest.mark.parametrize(
    ("label", "overrides", "expected_npv"),
    [
        ("no overrides", {}, "11503.808"),
        # r = 0: 12,320 + 202 - 1,527.8 = 10,994.2
        ("discount rate", {"discount_rate": D(0)}, "10994.2"),
        ("discount rate as text", {"discount_rate": "0"}, "10994.2"),
        # VAT 0: 10,185.28 (the NPV ex VAT)
        ("VAT", {"vat_rate": 0}, "10185.28"),
        # quantities x 2 -> NPV x 2
        ("quantity factor", {"quantity_factor": D(2)}, "23007.616"),
        ("unit cost factor", {"unit_cost_factor": "0.5"}, "5751.904"),
        # HW 1,000 -> 2,000: + 10 x 1,000 x 1.1 = + 11,000
        ("line unit cost", {"lines.HW.unit_cost": D(2000)}, "22503.808"),
        # the replaced line cost takes the scenario factor too: half of 22,503.808
        ("line cost and factor", {"lines.HW.unit_cost": D(2000), "unit_cost_factor": D("0.5")}, "11251.904"),
        # HOST escalation None -> g = 25 %: 1,320 + 1,650 x 0.8 + 2,062.5 x 0.64 = 3,960
        # NPV 11,000 + 3,960 - 3,000 = 11,960
        ("line escalation to general", {"lines.HOST.escalation_rate": None}, "11960"),
        # general escalation 0: REV 1,000 x 0.8 + 2,000 x 0.64 = 2,080 -> 11,000 + 3,503.808 - 2,080
        ("general escalation", {"general_escalation": D(0)}, "12423.808"),
    ],
)
def test_apply_overrides(label, overrides, expected_npv):
    model = apply_overrides(hand_model(), overrides)
    assert to_money(compute(model).npv, 6) == D(expected_npv).quantize(D("0.000001")), label


def test_apply_overrides_leaves_the_original_alone():
    model = hand_model()
    apply_overrides(model, {"discount_rate": D(0), "lines.HW.unit_cost": D(1)})
    assert model == hand_model()


def test_line_codes_with_dots():
    model = dataclasses.replace(
        hand_model(), lines=(dataclasses.replace(hand_model().lines[0], code="HW.2025"),)
    )
    changed = apply_overrides(model, {"lines.HW.2025.unit_cost": D(7)})
    assert changed.lines[0].unit_cost == D(7)


@pytest.mark.parametrize(
    ("label", "overrides", "field"),
    [
        ("unknown key", {"discount": D(0)}, "discount"),
        ("unknown line", {"lines.XX.unit_cost": D(1)}, "lines.XX.unit_cost"),
        ("unknown line attribute", {"lines.HW.quantity": D(1)}, "lines.HW.quantity"),
        ("float value", {"discount_rate": 0.05}, "discount_rate"),
        ("text that is no number", {"vat_rate": "ten"}, "vat_rate"),
        ("negative factor", {"quantity_factor": D(-1)}, "quantity_factor"),
        ("None unit cost", {"lines.HW.unit_cost": None}, "lines.HW.unit_cost"),
        ("result validated", {"discount_rate": D(2)}, "discount_rate"),
        ("line result validated", {"lines.HOST.escalation_rate": D(3)}, "lines[1].escalation_rate"),
    ],
)
def test_override_errors_name_the_field(label, overrides, field):
    with pytest.raises(CalculationInputError) as error:
        apply_overrides(hand_model(), overrides)
    assert error.value.field == field, label
