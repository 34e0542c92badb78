"""Field checks shared by every app's services: each problem goes to an `Errors` collector under
its field name, and the collector raises them all at once as one ValidationFailed (a 400 naming every
field). Numbers come in as Decimal, int or numeric text; floats, bools, NaN and infinities are refused.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from ppp.errors import ValidationFailed

RATE_PLACES = 6  # rates and shares are fractions with 6 decimal places


class Errors:
    """Field -> message, filled by every check of one request, raised together."""

    def __init__(self, prefix: str = "") -> None:
        self.prefix = prefix
        self.fields: dict[str, str] = {}

    def add(self, field: str, message: str) -> None:
        self.fields.setdefault(f"{self.prefix}{field}", str(message))

    def child(self, prefix: str) -> Errors:
        errors = Errors(self.prefix + prefix)
        errors.fields = self.fields
        return errors

    def __bool__(self) -> bool:
        return bool(self.fields)

    def raise_if_any(self, code: str, message: str) -> None:
        if self.fields:
            raise ValidationFailed(code, message, self.fields)


def as_decimal(
    errors: Errors,
    field: str,
    value: Any,
    *,
    minimum: Decimal | int | None = None,
    maximum: Decimal | int | None = None,
    places: int = RATE_PLACES,
    required: bool = True,
    percent_words: bool = False,
) -> Decimal | None:
    """A finite Decimal inside the bounds with at most `places` decimal places, or an error on `field`.

    Accepts Decimal, int and numeric text; refuses float (binary error), bool, NaN and infinity.
    """
    if value is None or value == "":
        if required:
            errors.add(field, _("This field is required."))
        return None
    if isinstance(value, bool | float):
        errors.add(field, _("must be a decimal number written as text or an integer"))
        return None
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        errors.add(field, _("must be a number"))
        return None
    if not number.is_finite():
        errors.add(field, _("must be a finite number"))
        return None
    if minimum is not None and number < minimum:
        errors.add(field, _bound_message(minimum, percent_words, below=True))
        return None
    if maximum is not None and number > maximum:
        errors.add(field, _bound_message(maximum, percent_words, below=False))
        return None
    exponent = number.normalize().as_tuple().exponent
    if isinstance(exponent, int) and -exponent > places:
        errors.add(field, _("at most %(places)d decimal places") % {"places": places})
        return None
    return number


def _bound_message(bound: Decimal | int, percent: bool, *, below: bool) -> str:
    shown = f"{(Decimal(bound) * 100).normalize():f}%" if percent else f"{bound}"
    if below:
        return _("must be at least %(bound)s") % {"bound": shown}
    return _("must be at most %(bound)s") % {"bound": shown}


def as_int(
    errors: Errors, field: str, value: Any, *, minimum: int, maximum: int, required: bool = True
) -> int | None:
    if value is None or value == "":
        if required:
            errors.add(field, _("This field is required."))
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        try:
            value = int(str(value).strip())
        except ValueError:
            errors.add(field, _("must be a whole number"))
            return None
    if not minimum <= value <= maximum:
        errors.add(field, _("must be between %(low)s and %(high)s") % {"low": minimum, "high": maximum})
        return None
    return value


def as_text(errors: Errors, field: str, value: Any, *, max_length: int, required: bool = False) -> str:
    text = "" if value is None else str(value).strip()
    if "\x00" in text:
        errors.add(field, _("must not contain the NUL character"))
        return ""
    if required and not text:
        errors.add(field, _("This field is required."))
    if len(text) > max_length:
        errors.add(field, _("at most %(n)d characters") % {"n": max_length})
    return text


def as_date(errors: Errors, field: str, value: Any, *, required: bool = True) -> dt.date | None:
    """A date (a date, a datetime's day, or text YYYY-MM-DD) between 2000 and 2100, or an error."""
    if value in (None, ""):
        if required:
            errors.add(field, _("This field is required."))
        return None
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        parsed = value
    else:
        try:
            parsed = dt.date.fromisoformat(str(value).strip())
        except ValueError:
            errors.add(field, _("must be a date written YYYY-MM-DD"))
            return None
    if not dt.date(2000, 1, 1) <= parsed <= dt.date(2100, 12, 31):
        errors.add(field, _("must be between 2000 and 2100"))
        return None
    return parsed
