"""The value types of the costing API: numbers in (text or integer, never a JSON float) and stored
Decimals out as plain text."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from pydantic import PlainSerializer, PlainValidator, WithJsonSchema

NUMBER_TEXT_LENGTH = 60


def _number(value: Any) -> str | int:
    """A number as text or an integer, passed on unchanged for the services to check."""
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise ValueError('must be a decimal number written as text ("0.05") or an integer')
    if isinstance(value, str):
        value = value.strip()
        if len(value) > NUMBER_TEXT_LENGTH:
            raise ValueError(f"at most {NUMBER_TEXT_LENGTH} characters")
    return value


# A decimal number sent as text or an integer; JSON floats, booleans, lists are refused here.
Number = Annotated[
    str | int,
    PlainValidator(_number),
    WithJsonSchema(
        {
            "anyOf": [{"type": "string", "maxLength": NUMBER_TEXT_LENGTH}, {"type": "integer"}],
            "description": 'A decimal number as text ("0.05", "200000000") or an integer; never a float.',
        }
    ),
]


def plain_decimal(value: Decimal | None) -> str | None:
    """A stored Decimal as plain text without padding zeros or exponent: 0.050000 -> "0.05"."""
    if value is None:
        return None
    number = Decimal(value)
    if number == number.to_integral_value():
        return str(number.quantize(Decimal(1)))
    return format(number.normalize(), "f")


DecimalText = Annotated[
    Decimal, PlainSerializer(plain_decimal, return_type=str), WithJsonSchema({"type": "string"})
]
OptionalDecimalText = Annotated[
    Decimal | None,
    PlainSerializer(plain_decimal, return_type=str | None),
    WithJsonSchema({"anyOf": [{"type": "string"}, {"type": "null"}]}),
]
