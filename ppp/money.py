"""Money is Decimal. Quantize only at defined boundaries, with an explicit rounding mode.

Every amount carries its currency (ISO 4217). VND has no minor unit.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from fractions import Fraction

# ISO 4217 minor units for the currencies the system accepts.
MINOR_UNITS: dict[str, int] = {"VND": 0, "USD": 2, "EUR": 2, "JPY": 0, "GBP": 2, "AUD": 2, "SGD": 2}
DEFAULT_ROUNDING = ROUND_HALF_UP
CURRENCY_SYMBOLS: dict[str, str] = {"VND": "₫", "USD": "$", "EUR": "€", "JPY": "¥", "GBP": "£"}

# What an amount may look like as text: ASCII digits, one optional sign, point and exponent. Decimal()
# alone would also take "1_000", non-ASCII digits ("١٢٣") and "NaN".
_AMOUNT_TEXT = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]{1,4})?", re.ASCII)


class MoneyError(ValueError):
    """A value that cannot be money (float, NaN, infinite, text, unknown currency)."""


def plain_text(value: Decimal) -> str:
    """A Decimal as the API writes it: plain digits, no exponent, no trailing zeros ("1E+3" -> "1000",
    "2.5000" -> "2.5")."""
    return format(value.normalize(), "f")


def minor_units(currency: str) -> int:
    try:
        return MINOR_UNITS[currency]
    except KeyError:
        raise MoneyError(f"unknown currency {currency!r}") from None


def to_decimal(value: object) -> Decimal:
    """Parse an amount from str, int or Decimal. Floats are refused: they carry binary error.

    Text is ASCII digits with an optional sign, decimal point and exponent ("1234.50", "-7", "1E+3");
    bools, NaN and infinities are refused too.
    """
    if isinstance(value, (bool, float)):
        raise MoneyError("amounts must be given as strings or integers, not floats")
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, str):
        text = value.strip()
        if not _AMOUNT_TEXT.fullmatch(text):
            raise MoneyError(f"not a number: {value[:40]!r}")
        result = Decimal(text)
    else:
        raise MoneyError(f"not a number: {type(value).__name__}")
    if not result.is_finite():
        raise MoneyError("amount must be a finite number")
    return result


def from_float(value: float, currency: str, rounding: str = DEFAULT_ROUNDING) -> Decimal:
    """Cross back from a numpy/pandas float64 result to money (the one float adapter)."""
    if not math.isfinite(value):
        raise MoneyError("calculation produced a non-finite amount")
    return quantize(Decimal(repr(float(value))), currency, rounding)


def quantize(amount: Decimal | int | str, currency: str, rounding: str = DEFAULT_ROUNDING) -> Decimal:
    """Round to the currency's minor unit: VND to whole đồng, USD to cents; ROUND_HALF_UP by default.

    Half-up rounds ties away from zero (1234.5 -> 1235, -1234.5 -> -1235). A zero result is never
    negative ("-0" would show in JSON and PDFs).
    """
    value = to_decimal(amount)
    try:
        result = value.quantize(Decimal(1).scaleb(-minor_units(currency)), rounding=rounding)
    except InvalidOperation:
        raise MoneyError(f"amount too large: {value:.6E} {currency}") from None
    return result.copy_abs() if result.is_zero() else result


def allocate(
    total: Decimal | int | str, weights: Sequence[Decimal | int | str], currency: str
) -> list[Decimal]:
    """Split `total` in proportion to `weights`; the parts always sum to the quantized total exactly.

    The total is first quantized to the currency (ROUND_HALF_UP). Largest-remainder method in exact
    rational arithmetic: each part is its share rounded down to the minor unit, then the units left
    over go one each to the parts with the largest remainders (earliest first on ties), so every part
    is within one minor unit of its exact share. Negative totals are split as the negation of the
    positive split, so allocate(-x) == [-p for p in allocate(x)].
    """
    weight_values = [Fraction(to_decimal(weight)) for weight in weights]
    if not weight_values:
        raise MoneyError("allocate needs at least one weight")
    if any(weight < 0 for weight in weight_values):
        raise MoneyError("weights must not be negative")
    weight_sum = sum(weight_values, Fraction(0))
    if weight_sum == 0:
        raise MoneyError("weights must not all be zero")
    total = quantize(total, currency)
    if total < 0:
        return [part.copy_negate() if part else part for part in allocate(-total, weights, currency)]
    places = minor_units(currency)
    units_total = int(total.scaleb(places))
    exact = [units_total * weight / weight_sum for weight in weight_values]
    floors = [math.floor(share) for share in exact]
    left = units_total - sum(floors)
    order = sorted(range(len(exact)), key=lambda i: (-(exact[i] - floors[i]), i))
    for i in order[:left]:
        floors[i] += 1
    return [Decimal(units).scaleb(-places) for units in floors]


def format_amount(amount: Decimal, currency: str, language: str = "vi") -> str:
    """1.234.567 ₫ in Vietnamese, 1,234,567 VND in English; minor units by currency."""
    places = minor_units(currency)
    value = quantize(amount, currency)
    text = f"{abs(value):,.{places}f}"
    if language.startswith("vi"):
        text = text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    sign = "-" if value < 0 else ""
    if language.startswith("vi"):
        return f"{sign}{text} {CURRENCY_SYMBOLS.get(currency, currency)}"
    return f"{sign}{text} {currency}"
