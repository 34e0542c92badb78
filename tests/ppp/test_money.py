"""Money: quantize per currency with explicit rounding, strict parsing, allocate() that adds up."""

from __future__ import annotations

from decimal import ROUND_DOWN, ROUND_HALF_EVEN, Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ppp.money import MoneyError, allocate, format_amount, from_float, plain_text, quantize, to_decimal

# --- quantize -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("case", "amount", "currency", "expected"),
    [
        ("VND half rounds up", "1234.5", "VND", "1235"),
        ("VND negative half rounds away from zero", "-1234.5", "VND", "-1235"),
        ("VND just below half", "1234.4999", "VND", "1234"),
        ("VND -0.4 is zero, not minus zero", "-0.4", "VND", "0"),
        ("VND large amount", "123456789012345678.5", "VND", "123456789012345679"),
        ("USD half cent rounds up", "10.005", "USD", "10.01"),
        ("USD negative half cent", "-10.005", "USD", "-10.01"),
        ("USD just below half cent", "10.00499", "USD", "10.00"),
        ("USD whole dollars get cents", "7", "USD", "7.00"),
        ("USD -0.004 is zero cents", "-0.004", "USD", "0.00"),
    ],
)
def test_quantize_rounds_half_up_to_the_minor_unit(case, amount, currency, expected):
    assert str(quantize(Decimal(amount), currency)) == expected


@pytest.mark.parametrize(
    ("case", "amount", "currency", "rounding", "expected"),
    [
        ("half even keeps the even cent", "10.005", "USD", ROUND_HALF_EVEN, "10.00"),
        ("half even goes to the even dong", "1235.5", "VND", ROUND_HALF_EVEN, "1236"),
        ("down truncates towards zero", "-1234.9", "VND", ROUND_DOWN, "-1234"),
    ],
)
def test_quantize_takes_an_explicit_rounding_mode(case, amount, currency, rounding, expected):
    assert str(quantize(Decimal(amount), currency, rounding)) == expected


@pytest.mark.parametrize(
    ("case", "amount", "currency", "message"),
    [
        ("unknown currency", Decimal("1"), "XYZ", "unknown currency 'XYZ'"),
        ("beyond 28 digits", Decimal("1E+40"), "VND", "amount too large: 1.000000E+40 VND"),
        ("float", 1.5, "VND", "amounts must be given as strings or integers, not floats"),
    ],
)
def test_quantize_refuses_what_is_not_money(case, amount, currency, message):
    with pytest.raises(MoneyError) as caught:
        quantize(amount, currency)
    assert str(caught.value) == message


# --- to_decimal ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("case", "value", "expected"),
    [
        ("text keeps its places", "1234.50", "1234.50"),
        ("surrounding spaces", " 7 ", "7"),
        ("signed", "-0.5", "-0.5"),
        ("int", 42, "42"),
        ("Decimal", Decimal("1.005"), "1.005"),
        ("exponent as Decimal prints it", "1E+3", "1E+3"),
    ],
)
def test_to_decimal_accepts_text_int_and_decimal(case, value, expected):
    assert str(to_decimal(value)) == expected


@pytest.mark.parametrize(
    ("case", "value", "message"),
    [
        ("float", 0.1, "amounts must be given as strings or integers, not floats"),
        ("float nan", float("nan"), "amounts must be given as strings or integers, not floats"),
        ("bool True", True, "amounts must be given as strings or integers, not floats"),
        ("bool False", False, "amounts must be given as strings or integers, not floats"),
        ("text NaN", "NaN", "not a number: 'NaN'"),
        ("text Infinity", "Infinity", "not a number: 'Infinity'"),
        ("text -inf", "-inf", "not a number: '-inf'"),
        ("Decimal NaN", Decimal("NaN"), "amount must be a finite number"),
        ("Decimal Infinity", Decimal("Infinity"), "amount must be a finite number"),
        ("letters", "abc", "not a number: 'abc'"),
        ("empty", "", "not a number: ''"),
        ("underscores", "1_000", "not a number: '1_000'"),
        ("non-ASCII digits", "١٢٣", "not a number: '١٢٣'"),
        ("thousands separators", "1,234", "not a number: '1,234'"),
        ("None", None, "not a number: NoneType"),
        ("list", [1], "not a number: list"),
    ],
)
def test_to_decimal_refuses_what_is_not_an_amount(case, value, message):
    with pytest.raises(MoneyError) as caught:
        to_decimal(value)
    assert str(caught.value) == message


def test_from_float_is_the_one_float_adapter():
    assert str(from_float(0.1 + 0.2, "USD")) == "0.30"
    assert str(from_float(1234.5, "VND")) == "1235"
    with pytest.raises(MoneyError, match="non-finite"):
        from_float(float("inf"), "VND")


# --- allocate -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("case", "total", "weights", "currency", "expected"),
    [
        ("three equal parts of 100 dong", Decimal("100"), [1, 1, 1], "VND", ["34", "33", "33"]),
        ("two equal parts of 5 cents", Decimal("0.05"), [1, 1], "USD", ["0.03", "0.02"]),
        ("negative mirrors positive", Decimal("-100"), [1, 1, 1], "VND", ["-34", "-33", "-33"]),
        ("largest remainder wins, not the first", Decimal("10"), [1, 2], "VND", ["3", "7"]),
        ("zero weight gets zero", Decimal("100"), [0, 1, 1], "VND", ["0", "50", "50"]),
        ("total is quantized first", Decimal("100.5"), [1, 1], "VND", ["51", "50"]),
        ("decimal weights", Decimal("1000"), ["0.2", "0.3", "0.5"], "VND", ["200", "300", "500"]),
        ("no minus zero", Decimal("-1"), [1, 1], "VND", ["-1", "0"]),
        ("cents keep two places", Decimal("1"), [1, 1, 1], "USD", ["0.34", "0.33", "0.33"]),
        ("zero total", Decimal("0"), [2, 3], "USD", ["0.00", "0.00"]),
    ],
)
def test_allocate(case, total, weights, currency, expected):
    assert [str(part) for part in allocate(total, weights, currency)] == expected


@pytest.mark.parametrize(
    ("case", "weights", "message"),
    [
        ("all zero", [0, 0], "weights must not all be zero"),
        ("none", [], "allocate needs at least one weight"),
        ("negative", [1, -1, 2], "weights must not be negative"),
        ("float", [0.5, 0.5], "amounts must be given as strings or integers, not floats"),
        ("NaN", [Decimal("NaN")], "amount must be a finite number"),
    ],
)
def test_allocate_refuses_bad_weights(case, weights, message):
    with pytest.raises(MoneyError) as caught:
        allocate(Decimal("100"), weights, "VND")
    assert str(caught.value) == message


UNIT = {"VND": Decimal("1"), "USD": Decimal("0.01")}
currencies = st.sampled_from(["VND", "USD"])
totals = st.decimals(
    min_value=Decimal("-1E15"), max_value=Decimal("1E15"), places=3, allow_nan=False, allow_infinity=False
)
weight = st.one_of(
    st.integers(min_value=0, max_value=10**6),
    st.decimals(min_value=Decimal("0"), max_value=Decimal("1000"), places=4),
)
weight_lists = st.lists(weight, min_size=1, max_size=12).filter(lambda weights: any(w > 0 for w in weights))


@given(total=totals, weights=weight_lists, currency=currencies)
def test_parts_sum_to_the_quantized_total_exactly(total, weights, currency):
    parts = allocate(total, weights, currency)
    assert len(parts) == len(weights)
    assert sum(parts, Decimal(0)) == quantize(total, currency)
    assert all(part == quantize(part, currency) for part in parts)


@given(total=totals, weights=weight_lists, currency=currencies)
def test_every_part_is_within_one_minor_unit_of_its_exact_share(total, weights, currency):
    parts = allocate(total, weights, currency)
    quantized = Fraction(quantize(total, currency))
    weight_sum = sum(Fraction(w) for w in weights)
    for part, w in zip(parts, weights, strict=True):
        exact_share = quantized * Fraction(w) / weight_sum
        assert abs(Fraction(part) - exact_share) < Fraction(UNIT[currency])


@given(total=totals, weights=weight_lists, currency=currencies)
def test_allocating_the_negation_negates_the_parts(total, weights, currency):
    assert allocate(-total, weights, currency) == [-part for part in allocate(total, weights, currency)]


@given(total=totals.map(abs), weights=weight_lists, currency=currencies)
def test_non_negative_totals_give_non_negative_parts(total, weights, currency):
    assert all(part >= 0 and not part.is_signed() for part in allocate(total, weights, currency))


# --- format_amount ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("case", "amount", "currency", "language", "expected"),
    [
        ("VND in Vietnamese", "1234567", "VND", "vi", "1.234.567 ₫"),
        ("VND in English", "1234567", "VND", "en", "1,234,567 VND"),
        ("USD in English", "1234.5", "USD", "en", "1,234.50 USD"),
        ("USD in Vietnamese", "1234.5", "USD", "vi", "1.234,50 $"),
        ("negative VND in Vietnamese", "-1234567", "VND", "vi", "-1.234.567 ₫"),
        ("rounds half up before showing", "999.5", "VND", "en", "1,000 VND"),
        ("small negative shows as zero", "-0.4", "VND", "vi", "0 ₫"),
        ("regional English", "1234567", "VND", "en-gb", "1,234,567 VND"),
    ],
)
def test_format_amount(case, amount, currency, language, expected):
    assert format_amount(Decimal(amount), currency, language) == expected


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ("1E+3", "1000"),
        ("2.5000", "2.5"),
        ("946170.0000", "946170"),
        ("-7000000.0000", "-7000000"),
        ("0.0000", "0"),
    ],
)
def test_plain_text_has_no_exponent_and_no_trailing_zeros(value, text):
    assert plain_text(Decimal(value)) == text
