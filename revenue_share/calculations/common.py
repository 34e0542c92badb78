"""What every settlement calculation shares: the input error, reading amounts and fractions, rounding,
and the statement line.

Money is Decimal from str, int or Decimal, never float. Amounts are rounded ROUND_HALF_UP to the
currency's minor unit (`places`: 0 for VND, whole đồng) once, where a line total is formed; sums of
rounded lines are exact and never rounded again.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

PROVIDER = "provider"
STATE = "state"
PAYEES = (PROVIDER, STATE)

# A statement's sections: this period's sharing of its own net revenue, corrections of earlier
# (locked) periods, and the balance brought forward from the statement before.
SHARE = "share"
ADJUSTMENT = "adjustment"
BALANCE = "balance"
SECTIONS = (SHARE, ADJUSTMENT, BALANCE)

ZERO = Decimal(0)
ONE = Decimal(1)
HUNDRED = Decimal(100)


class SettlementInputError(ValueError):
    """A malformed parameter or input; `field` names it, e.g. "tiered_share.tiers" or
    "actuals[2].tariff"."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def decimal_value(
    value: Any,
    field: str,
    *,
    minimum: Decimal | int | None = None,
    maximum: Decimal | int | None = None,
) -> Decimal:
    """A finite Decimal from str, int or Decimal (floats and bools refused), within the bounds given."""
    if value is None or value == "":
        raise SettlementInputError(field, "is missing")
    if isinstance(value, (bool, float)):
        raise SettlementInputError(
            field, f"must be a decimal string or an integer, not {type(value).__name__}"
        )
    if not isinstance(value, (str, int, Decimal)):
        raise SettlementInputError(
            field, f"must be a decimal string or an integer, not {type(value).__name__}"
        )
    try:
        number = Decimal(value.strip()) if isinstance(value, str) else Decimal(value)
    except InvalidOperation:
        raise SettlementInputError(field, f"is not a number: {str(value)[:40]!r}") from None
    if not number.is_finite():
        raise SettlementInputError(field, "must be a finite number")
    if minimum is not None and number < minimum:
        raise SettlementInputError(field, f"must be at least {minimum}")
    if maximum is not None and number > maximum:
        raise SettlementInputError(field, f"must be at most {maximum}")
    return number


def fraction_value(value: Any, field: str) -> Decimal:
    """A share written as a fraction, 0 to 1."""
    return decimal_value(value, field, minimum=0, maximum=1)


def whole_value(value: Any, field: str, *, minimum: int = 0) -> int:
    """A whole number (a count of transactions or periods); "12" and 12 are accepted, 12.5 is not."""
    number = decimal_value(value, field, minimum=minimum)
    if number != number.to_integral_value():
        raise SettlementInputError(field, "must be a whole number")
    return int(number)


def round_money(amount: Decimal, places: int = 0) -> Decimal:
    """ROUND_HALF_UP to `places` decimals (ties away from zero: 2.5 -> 3, -2.5 -> -3); never "-0"."""
    result = amount.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return result.copy_abs() if result.is_zero() else result


def text(value: Any) -> str:
    """An input as it is written on a line: Decimals and numbers as their text, None as ""."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


@dataclass(frozen=True)
class Line:
    """One line of a settlement statement.

    `amount` is rounded to the minor unit and never negative; `payee` says who receives it ("provider"
    or "state"), so `signed` is +amount when payable to the provider and -amount when payable to the
    state. `key` is the label key the pages translate ("per_transaction.fee"); `reference` tells lines
    of one key apart (a service code, a band number, a KPI code); `rule` is the formula it came from and
    `inputs` the figures that went into it, as text.
    """

    key: str
    amount: Decimal
    payee: str
    rule: str
    inputs: tuple[tuple[str, str], ...] = ()
    reference: str = ""
    section: str = SHARE

    @property
    def signed(self) -> Decimal:
        return self.amount if self.payee == PROVIDER else -self.amount

    @property
    def identity(self) -> tuple[str, str, str]:
        return (self.section, self.key, self.reference)

    def input(self, name: str) -> str:
        return dict(self.inputs)[name]


def make_line(
    key: str,
    payee: str,
    exact_amount: Decimal,
    *,
    rule: str,
    inputs: Mapping[str, Any],
    places: int,
    reference: str = "",
    section: str = SHARE,
) -> Line:
    """A line for a non-negative exact amount, rounded half up to the minor unit here (the one rounding
    point of every line)."""
    if exact_amount < 0:
        raise SettlementInputError(key, f"a line amount cannot be negative ({exact_amount})")
    return Line(
        key=key,
        amount=round_money(exact_amount, places),
        payee=payee,
        rule=rule,
        inputs=tuple((name, text(value)) for name, value in inputs.items()),
        reference=reference,
        section=section,
    )


def signed_line(
    key: str,
    signed_amount: Decimal,
    *,
    rule: str,
    inputs: Mapping[str, Any],
    places: int,
    reference: str = "",
    section: str = SHARE,
) -> Line:
    """A line for an already rounded signed amount: + payable to the provider, - payable to the state."""
    return make_line(
        key,
        PROVIDER if signed_amount >= 0 else STATE,
        abs(signed_amount),
        rule=rule,
        inputs=inputs,
        places=places,
        reference=reference,
        section=section,
    )


def total(lines: tuple[Line, ...] | list[Line], section: str | None = None) -> Decimal:
    """The sum of the lines' signed amounts (of one section when given): + is owed to the provider."""
    return sum((line.signed for line in lines if section is None or line.section == section), ZERO)
