"""Risk register: expected values by hand, Monte Carlo reproducibility and invariants."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from costing.calculations import (
    CalculationInputError,
    RiskInput,
    risk_expected_values,
    simulate,
)

D = Decimal
PLACES = D("0.000001")


def risk(**changes) -> RiskInput:
    base = RiskInput(
        code="R1",
        name="Data migration overrun",
        probability=D("0.5"),
        minimum=D(100),
        most_likely=D(200),
        maximum=D(600),
        distribution="triangular",
        first_period=0,
        last_period=1,
        public_share=D("0.4"),
    )
    return dataclasses.replace(base, **changes)


@pytest.mark.parametrize(
    ("label", "the_risk", "expected"),
    [
        # triangular mean (100 + 200 + 600) / 3 = 300; EV 0.5 x 300 = 150
        # periods 0..1 at 25 %: mean factor (1 + 0.8) / 2 = 0.9; PV 135; public 40 % = 54, private 81
        ("triangular", risk(), ("300", "150", "0.9", "135", "54", "81")),
        # PERT mean (100 + 4 x 200 + 600) / 6 = 250; EV 0.2 x 250 = 50; period 2 only: 0.64 -> 32
        (
            "PERT, fully retained",
            risk(distribution="pert", probability=D("0.2"), first_period=2, last_period=2, public_share=D(1)),
            ("250", "50", "0.64", "32", "32", "0"),
        ),
        # degenerate 1,000 / 1,000 / 1,000, certain, periods 1..2: (0.8 + 0.64) / 2 = 0.72 -> 720, transferred
        (
            "certain and fixed",
            risk(
                probability=D(1),
                minimum=D(1000),
                most_likely=D(1000),
                maximum=D(1000),
                first_period=1,
                last_period=2,
                public_share=D(0),
            ),
            ("1000", "1000", "0.72", "720", "0", "720"),
        ),
        # (0 + 10 + 20) / 3 = 10; never happens -> 0
        (
            "impossible",
            risk(probability=D(0), minimum=D(0), most_likely=D(10), maximum=D(20)),
            ("10", "0", "0.9", "0", "0", "0"),
        ),
    ],
)
def test_expected_values(label, the_risk, expected):
    (result,) = risk_expected_values([the_risk], D("0.25"))
    got = (
        result.mean_impact,
        result.expected_value,
        result.mean_discount_factor,
        result.pv,
        result.public_pv,
        result.private_pv,
    )
    assert tuple(value.quantize(PLACES) for value in got) == tuple(
        D(text).quantize(PLACES) for text in expected
    ), label
    assert result.code == the_risk.code


def test_expected_value_of_a_third():
    # (100 + 100 + 101) / 3 = 100.333...; unrounded Decimal, 34 significant digits
    (result,) = risk_expected_values([risk(most_likely=D(100), maximum=D(101), probability=D(1))], D(0))
    assert result.mean_impact.quantize(D("0.0001")) == D("100.3333")
    assert result.pv == result.expected_value  # rate 0: every factor is 1


BASE = np.array([100.0, 100.0, 100.0])  # NPV at 25 %: 100 + 80 + 64 = 244


@pytest.mark.parametrize("distribution", ["triangular", "pert"])
@pytest.mark.parametrize(
    ("label", "bias", "expected"),
    [
        # a = m = b = 1,000, certain, in period 2: 244 + 1,000 x 0.64 = 884 in every iteration
        ("no optimism bias", 0.0, 884.0),
        # 244 x 1.5 + 640 = 366 + 640 = 1,006
        ("optimism bias 50 %", 0.5, 1006.0),
    ],
)
def test_degenerate_risk_is_exact(label, bias, expected, distribution):
    certain = risk(
        probability=D(1), minimum=D(1000), most_likely=D(1000), maximum=D(1000),
        distribution=distribution, first_period=2, last_period=2,
    )  # fmt: skip
    simulation = simulate(BASE, [certain], D("0.25"), 1000, seed=1, optimism_bias=bias)
    assert np.all(simulation.npv_samples == expected), label
    assert (simulation.p50, simulation.p70, simulation.p90, simulation.mean) == (expected,) * 4
    assert simulation.base_npv == 244.0


def test_risk_that_never_happens_leaves_the_base():
    simulation = simulate(BASE, [risk(probability=D(0))], D("0.25"), 500, seed=3)
    assert np.all(simulation.npv_samples == 244.0)


def test_no_risks():
    simulation = simulate(BASE, [], D("0.25"), 10, seed=0, optimism_bias=0.1)
    assert np.allclose(simulation.npv_samples, 244.0 * 1.1)


def test_same_seed_same_samples_other_seed_other_samples():
    risks = [
        risk(),
        risk(code="R2", distribution="pert", first_period=1, last_period=2, probability=D("0.3")),
    ]
    first = simulate(BASE, risks, D("0.05"), 2000, seed=42)
    again = simulate(BASE, risks, D("0.05"), 2000, seed=42)
    other = simulate(BASE, risks, D("0.05"), 2000, seed=43)
    np.testing.assert_array_equal(first.npv_samples, again.npv_samples)
    assert (first.p50, first.p70, first.p90) == (again.p50, again.p70, again.p90)
    assert not np.array_equal(first.npv_samples, other.npv_samples)


def test_simulated_mean_approaches_the_expected_value():
    # Uniform timing makes E[discount factor] the mean factor, so E[risk PV] = the expected-value PV.
    risks = [
        risk(),
        risk(code="R2", distribution="pert", probability=D("0.3"), first_period=0, last_period=2),
        risk(
            code="R3",
            minimum=D(0),
            most_likely=D(0),
            maximum=D(900),
            probability=D("0.9"),
            first_period=2,
            last_period=2,
        ),
    ]
    expected = sum(float(value.pv) for value in risk_expected_values(risks, D("0.25")))
    simulation = simulate(BASE, risks, D("0.25"), 200_000, seed=7)
    assert simulation.mean - simulation.base_npv == pytest.approx(expected, rel=0.01)


def test_retained_only_scales_by_public_share():
    certain = risk(
        probability=D(1), minimum=D(500), most_likely=D(500), maximum=D(500), first_period=0, last_period=0
    )
    simulation = simulate(BASE, [certain], D("0.25"), 10, seed=0, retained_only=True)
    # 244 + 40 % x 500 = 444
    assert np.all(simulation.npv_samples == 444.0)


def test_histogram_and_s_curve():
    simulation = simulate(BASE, [risk(), risk(code="R2", probability=D("0.7"))], D("0.1"), 5000, seed=11)
    edges, counts = simulation.histogram(bins=20)
    assert len(edges) == 21 and len(counts) == 20
    assert counts.sum() == 5000
    values, probabilities = simulation.s_curve(points=11)
    assert probabilities[0] == 0.0 and probabilities[-1] == 1.0
    assert values[0] == simulation.npv_samples.min() and values[-1] == simulation.npv_samples.max()
    assert np.all(np.diff(values) >= 0)
    assert values[5] == simulation.p50


risk_strategy = st.builds(
    lambda p, a, spread, mode_share, pert, first, length, share: risk(
        probability=p,
        minimum=a,
        most_likely=a + spread * mode_share,
        maximum=a + spread,
        distribution="pert" if pert else "triangular",
        first_period=first,
        last_period=min(first + length, 4),
        public_share=share,
    ),
    st.decimals(0, 1, places=2),
    st.decimals(0, 10**6, places=0),
    st.decimals(0, 10**6, places=0),
    st.decimals(0, 1, places=2),
    st.booleans(),
    st.integers(0, 4),
    st.integers(0, 4),
    st.decimals(0, 1, places=2),
)


@settings(max_examples=60, deadline=None)
@given(st.lists(risk_strategy, max_size=6), st.integers(0, 2**32), st.floats(0, 2))
def test_percentiles_are_ordered_and_samples_stay_in_bounds(risks, seed, bias):
    risks = [dataclasses.replace(r, code=f"R{index}") for index, r in enumerate(risks)]
    base = np.array([10.0, 20.0, 30.0, 40.0, 50.0])
    simulation = simulate(base, risks, D("0.05"), 400, seed=seed, optimism_bias=bias)
    assert simulation.p50 <= simulation.p70 <= simulation.p90
    assert np.isfinite(simulation.npv_samples).all()
    floor = simulation.base_npv * (1 + bias)
    ceiling = floor + sum(float(r.maximum) for r in risks)
    assert np.all(simulation.npv_samples >= floor - 1e-6)
    assert np.all(simulation.npv_samples <= ceiling + 1e-6)


@pytest.mark.parametrize(
    ("label", "call", "field"),
    [
        (
            "probability above 1",
            lambda: risk_expected_values([risk(probability=D("1.1"))], D(0)),
            "risks[0].probability",
        ),
        (
            "mode below minimum",
            lambda: risk_expected_values([risk(most_likely=D(50))], D(0)),
            "risks[0].most_likely",
        ),
        (
            "maximum below mode",
            lambda: risk_expected_values([risk(maximum=D(150))], D(0)),
            "risks[0].maximum",
        ),
        ("negative minimum", lambda: risk_expected_values([risk(minimum=D(-1))], D(0)), "risks[0].minimum"),
        (
            "distribution",
            lambda: risk_expected_values([risk(distribution="normal")], D(0)),
            "risks[0].distribution",
        ),
        (
            "last before first",
            lambda: risk_expected_values([risk(first_period=2, last_period=1)], D(0)),
            "risks[0].last_period",
        ),
        (
            "public share",
            lambda: risk_expected_values([risk(public_share=D(2))], D(0)),
            "risks[0].public_share",
        ),
        ("duplicate code", lambda: risk_expected_values([risk(), risk()], D(0)), "risks[1].code"),
        ("discount rate", lambda: risk_expected_values([risk()], D(-1)), "discount_rate"),
        (
            "beyond the horizon",
            lambda: simulate(BASE, [risk(last_period=3)], D(0), 10, 0),
            "risks[0].last_period",
        ),
        ("no iterations", lambda: simulate(BASE, [risk()], D(0), 0, 0), "iterations"),
        ("negative seed", lambda: simulate(BASE, [risk()], D(0), 10, -1), "seed"),
        ("negative bias", lambda: simulate(BASE, [risk()], D(0), 10, 0, optimism_bias=-0.1), "optimism_bias"),
        ("rate as text", lambda: simulate(BASE, [risk()], "0.1", 10, 0), "discount_rate"),
        ("empty base", lambda: simulate(np.array([]), [], D(0), 10, 0), "base_cost_by_year"),
        ("NaN in base", lambda: simulate(np.array([1.0, np.nan]), [], D(0), 10, 0), "base_cost_by_year"),
    ],
)
def test_errors_name_the_field(label, call, field):
    with pytest.raises(CalculationInputError) as error:
        call()
    assert error.value.field == field, label
