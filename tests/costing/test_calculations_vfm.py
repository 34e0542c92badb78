"""Public sector comparator and value for money against hand calculations."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from costing.calculations import (
    CalculationInputError,
    PscInput,
    VfmSensitivityRow,
    psc_total,
    vfm,
    vfm_sensitivity,
)

D = Decimal


@pytest.mark.parametrize(
    ("label", "psc", "expected"),
    [
        # 1,000 + 50 + 200 + 100 = 1,350
        ("four parts", PscInput(D(1000), D(50), D(200), D(100)), D(1350)),
        ("decimals kept exact", PscInput(D("0.1"), D("0.2"), D(0), D(0)), D("0.3")),
    ],
)
def test_psc_total(label, psc, expected):
    assert psc.psc_total == expected, label
    assert psc_total(psc) == expected


@pytest.mark.parametrize(
    ("label", "psc", "cost", "retained", "expected"),
    [
        # 1,350 - (1,100 + 150) = 100: favours the option
        ("option cheaper", D(1350), D(1100), D(150), D(100)),
        # 1,350 - (1,300 + 100) = -50: favours the PSC
        ("PSC cheaper", D(1350), D(1300), D(100), D(-50)),
        ("break-even", D(1000), D(900), D(100), D(0)),
    ],
)
def test_vfm(label, psc, cost, retained, expected):
    assert vfm(psc, cost, retained) == expected, label


def test_vfm_sensitivity_hand_example():
    rows = vfm_sensitivity(
        [D(1000), D(500), D(500)],
        [D(0), D(100), D(100)],
        [D(1200), D(300), D(300)],
        [D(0), D(50), D(50)],
        [D(0), D("0.25"), D(1)],
    )
    assert rows == [
        # r = 0: PSC 1,000 + 600 + 600 = 2,200; option 1,200 + 350 + 350 = 1,900; VfM 300
        VfmSensitivityRow(D(0), D(2200), D(1900), D(300)),
        # r = 25 %: PSC 1,000 + 600 x 0.8 + 600 x 0.64 = 1,864; option 1,200 + 280 + 224 = 1,704; VfM 160
        VfmSensitivityRow(D("0.25"), D(1864), D(1704), D(160)),
        # r = 100 %: PSC 1,000 + 300 + 150 = 1,450; option 1,200 + 175 + 87.5 = 1,462.5 -> 1,463; VfM -13
        VfmSensitivityRow(D(1), D(1450), D(1463), D(-13)),
    ]


def test_vfm_sensitivity_places():
    # r = 10 %: 100 / 1.1 = 90.909090... -> 90.91
    (row,) = vfm_sensitivity([D(0), D(100)], [D(0), D(0)], [D(0), D(0)], [D(0), D(0)], [D("0.1")], places=2)
    assert row == VfmSensitivityRow(D("0.1"), D("90.91"), D("0.00"), D("90.91"))


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.decimals(0, 10**9, places=0), min_size=1, max_size=10),
    st.lists(st.decimals(0, 1, places=3), min_size=1, max_size=5),
)
def test_identical_options_have_zero_vfm(series, rates):
    zeros = [D(0)] * len(series)
    for row in vfm_sensitivity(series, zeros, series, zeros, rates):
        assert row.vfm == 0
        assert row.psc_pv == row.option_pv


@pytest.mark.parametrize(
    ("label", "call", "field"),
    [
        ("float PSC", lambda: vfm(1350.0, D(1), D(1)), "psc_total"),
        ("NaN cost", lambda: vfm(D(1), D("NaN"), D(1)), "option_cost_pv"),
        ("PSC part", lambda: PscInput(D(1), D(1), "x", D(1)).psc_total, "transferable_risk_pv"),
        (
            "length mismatch",
            lambda: vfm_sensitivity([D(1), D(2)], [D(0)], [D(1), D(2)], [D(0), D(0)], [D(0)]),
            "psc_risk_adjustments_by_year",
        ),
        (
            "bad amount",
            lambda: vfm_sensitivity([D(1), 2.0], [D(0)] * 2, [D(0)] * 2, [D(0)] * 2, [D(0)]),
            "psc_cost_by_year[1]",
        ),
        ("negative rate", lambda: vfm_sensitivity([D(1)], [D(0)], [D(0)], [D(0)], [D("-0.1")]), "rates[0]"),
    ],
)
def test_errors_name_the_field(label, call, field):
    with pytest.raises(CalculationInputError) as error:
        call()
    assert error.value.field == field, label
