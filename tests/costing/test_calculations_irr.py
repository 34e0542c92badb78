"""irr_many against numpy_financial.irr: same rate where it has one, no rate where it returns nan."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import numpy_financial as npf
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from costing.calculations import CalculationInputError, irr_many, irr_one
from costing.calculations.irr import npf_rates

D = Decimal


def reference(rows) -> np.ndarray:
    return np.array([npf.irr(np.asarray(row, dtype=float)) for row in rows], dtype=float)


def assert_agrees(rows) -> None:
    """Same has_rate as numpy_financial; rates within 1e-9 x max(1, |rate|)."""
    values = np.asarray(rows, dtype=float)
    result = irr_many(values)
    expected = reference(values)
    np.testing.assert_array_equal(result.has_rate, ~np.isnan(expected))
    both = result.has_rate
    tolerance = 1e-9 * np.maximum(1.0, np.abs(expected[both]))
    assert np.all(np.abs(result.rates[both] - expected[both]) <= tolerance)


@pytest.mark.parametrize(
    ("label", "values", "rounded"),
    [
        # numpy_financial's docstring examples, rounded to 5 places as there
        ("investment then returns", [-100, 39, 59, 55, 20], 0.28095),
        ("lump sum at the end", [-100, 0, 0, 74], -0.0955),
        ("two sign changes, closest to zero", [-100, 100, 0, -7], -0.0833),
        ("small bonus", [-100, 100, 0, 7], 0.06206),
        ("three sign changes", [-5, 10.5, 1, -8, 1], 0.0886),
    ],
)
def test_docstring_examples(label, values, rounded):
    result = irr_many(np.array([values], dtype=float))
    assert result.has_rate[0], label
    assert round(float(result.rates[0]), 5) == rounded
    assert abs(result.rates[0] - npf.irr(values)) <= 1e-12


@pytest.mark.parametrize(
    ("label", "values"),
    [
        ("all costs", [-100, -10, -5]),
        ("all income", [100, 50, 25]),
        ("all zero", [0, 0, 0]),
        ("single value", [-100]),
        ("zeros around one value", [0, -5, 0]),
        # -100 + 250x - 200x^2 has a negative discriminant: no real root at all
        ("complex roots only", [-100, 250, -200]),
        ("complex roots, padded", [0, -100, 250, -200, 0, 0]),
    ],
)
def test_series_without_a_rate(label, values):
    result = irr_many(np.array([values], dtype=float))
    assert not result.has_rate[0], label
    assert np.isnan(result.rates[0])
    assert np.isnan(npf.irr(np.array(values, dtype=float)))
    assert irr_one(values) is None


@pytest.mark.parametrize(
    ("label", "values", "expected"),
    [
        # -1 + 2x = 0 -> x = 1/2 -> rate = 1/x - 1 = 1 exactly
        ("doubles in a year", [D(-1), D(2)], D("1.0")),
        # -1 + 4x^2 = 0 -> x = 1/2 -> rate 1
        ("quadruples in two years", [D(-1), D(0), D(4)], D("1.0")),
        # -1 + x = 0 -> rate 0
        ("money back", [-1, 1], D("0.0")),
    ],
)
def test_irr_one_returns_decimal(label, values, expected):
    rate = irr_one(values)
    assert isinstance(rate, Decimal), label
    # An iterative root: exact to the last few bits of a float, not to the last one.
    assert abs(rate - expected) <= D("1e-14"), label


def test_irr_one_is_close_to_a_textbook_rate():
    # -100 + 110 / (1 + r) = 0 -> r = 10 %
    assert abs(irr_one([D(-100), D(110)]) - D("0.1")) < D("1e-15")


@pytest.mark.parametrize(
    ("label", "values"),
    [
        ("double root at rate 0", [1, -2, 1]),
        ("triple root at rate 0", [1, -3, 3, -1]),
        ("double root elsewhere", [4, -12, 9]),
        ("two roots in one grid cell", [-1, 2.0001, -1.0001]),
        ("leading zeros", [0, 0, -100, 60, 60]),
        ("trailing zeros", [-100, 60, 60, 0, 0]),
        ("root beyond +99,900 %", [-1, 5000]),
        ("root near -100 %", [-5000, 1]),
        ("rate exactly on a sign change of two", [-100, 230, -132]),
        ("many sign changes", [3, -7, 2, 9, -4, -6, 8, 1, -9, 5]),
        # roots x = (100 +/- sqrt(8,600)) / 14 give rates +0.92736... and -0.92736...: a tie in |rate|
        ("two rates equally close to zero", [50, -100, 7]),
    ],
)
def test_awkward_series_agree_with_numpy_financial(label, values):
    assert_agrees([values])


def test_rows_are_independent_of_their_neighbours():
    rows = [[-100, 39, 59, 55, 20], [1, -2, 1, 0, 0], [-100, -1, -1, -1, -1], [-5, 10.5, 1, -8, 1]]
    together = irr_many(np.array(rows, dtype=float)).rates
    alone = np.array([irr_many(np.array([row], dtype=float)).rates[0] for row in rows])
    np.testing.assert_array_equal(together, alone)


def test_batched_eigenvalue_fallback_is_numpy_financial_bit_for_bit():
    rng = np.random.default_rng(20251123)
    rows = rng.integers(-9, 10, size=(400, 12)).astype(float)
    rows[::7, :3] = 0.0  # leading zeros: smaller companion matrices
    rows[::5, -2:] = 0.0  # trailing zeros
    np.testing.assert_array_equal(npf_rates(rows), reference(rows))


def test_realistic_mix_matches_numpy_financial():
    rng = np.random.default_rng(7)
    count, periods = 2000, 21
    invest = rng.uniform(500, 2000, count)
    rows = rng.uniform(0.05, 0.25, (count, 1)) * invest[:, None] * rng.normal(1, 0.15, (count, periods))
    rows[:, 0] = -invest
    rows[count // 2 :: 4, 10] = -invest[count // 2 :: 4] * 0.6  # mid-life refresh
    rows[1::6, -1] = -invest[1::6] * 1.2  # hand-back cost
    rows[2::10, 1:] = -np.abs(rows[2::10, 1:])  # never pays back
    assert_agrees(rows)


finite = st.floats(
    min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False, allow_subnormal=False
)
amount = st.one_of(st.just(0.0), st.integers(-1000, 1000).map(float), finite.filter(lambda x: abs(x) > 1e-3))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(amount, min_size=5, max_size=5), min_size=1, max_size=8))
def test_random_series_agree_with_numpy_financial(rows):
    assert_agrees(rows)


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 25).flatmap(lambda n: st.lists(amount, min_size=n, max_size=n)))
def test_random_lengths_agree_with_numpy_financial(values):
    assert_agrees([values])


@settings(max_examples=200, deadline=None)
@given(
    investment=st.floats(min_value=100, max_value=1e6),
    flows=st.lists(st.just(0.0) | st.floats(min_value=1, max_value=1e6), min_size=1, max_size=30),
)
def test_conventional_investments_have_a_rate_when_anything_comes_back(investment, flows):
    values = [-investment, *flows]
    result = irr_many(np.array([values]))
    assert result.has_rate[0] == (sum(flows) > 0)
    assert_agrees([values])


def test_badly_scaled_series_follow_numpy_financial():
    # The true root is x = 1 (rate 0), but a last value of 7.6e-88 next to 1 makes numpy_financial's
    # companion matrix useless and it reports no rate; irr_many gives the same answer.
    values = [-1.0, 0.0, 1.0, 7.646002592451696e-88]
    assert np.isnan(npf.irr(np.array(values)))
    assert_agrees([values])


@pytest.mark.parametrize(
    ("label", "cashflows"),
    [
        ("one dimension", np.array([-1.0, 2.0])),
        ("three dimensions", np.zeros((2, 2, 2))),
        ("NaN", np.array([[-1.0, np.nan]])),
        ("infinity", np.array([[-np.inf, 2.0]])),
    ],
)
def test_bad_cashflows_name_the_field(label, cashflows):
    with pytest.raises(CalculationInputError) as error:
        irr_many(cashflows)
    assert error.value.field == "cashflows", label


def test_empty_inputs():
    assert irr_many(np.zeros((0, 5))).rates.shape == (0,)
    assert not irr_many(np.zeros((3, 1))).has_rate.any()
