"""Template helpers of costing: numbers and rates in the reader's language, labels of stored codes,
legal bases in the reader's language."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django import template
from django.utils import formats
from django.utils.translation import gettext

from costing.models import Category, CostModelStatus, LineKind, OptionKind
from ppp.templatetags.ppp_tags import RULE_BOOK_TEXTS

register = template.Library()


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(str(value))
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


@register.filter
def number(value: Any, places: Any = 0) -> str:
    """{{ value|number }} -> 1.234.567 (vi) or 1,234,567 (en), rounded half up to `places`."""
    amount = _decimal(value)
    if amount is None:
        return "—"
    # number_format cuts extra decimals off; round them half up first, as the docstring says.
    amount = amount.quantize(Decimal(1).scaleb(-int(places)), rounding=ROUND_HALF_UP)
    return formats.number_format(amount, decimal_pos=int(places), use_l10n=True, force_grouping=True)


@register.filter
def percent(value: Any, places: Any = None) -> str:
    """A fraction as a percentage: 0.035 -> 3,5% (vi) or 3.5% (en); trailing zeros dropped."""
    rate = _decimal(value)
    if rate is None:
        return "—"
    shown = rate * 100
    if places is None:
        shown = shown.quantize(Decimal("0.0001")).normalize()
        if shown == shown.to_integral_value():
            shown = shown.quantize(Decimal(1))
        decimals = max(0, -shown.as_tuple().exponent)  # type: ignore[operator]
    else:
        decimals = int(places)
        shown = shown.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    return f"{formats.number_format(shown, decimal_pos=decimals, use_l10n=True, force_grouping=True)}%"


@register.filter
def category_label(value: str) -> str:
    try:
        return str(Category(value).label)
    except ValueError:
        return str(value)


@register.filter
def kind_label(value: str) -> str:
    try:
        return str(LineKind(value).label)
    except ValueError:
        return str(value)


@register.filter
def option_kind_label(value: str) -> str:
    try:
        return str(OptionKind(value).label)
    except ValueError:
        return str(value)


@register.filter
def status_label(value: str) -> str:
    try:
        return str(CostModelStatus(value).label)
    except ValueError:
        return str(value)


@register.filter
def legal_text(value: Any) -> str:
    """Stored English rule titles and legal bases (one or several joined) in the reader's language."""
    text = str(value or "")
    for original in sorted(RULE_BOOK_TEXTS, key=len, reverse=True):
        if original in text:
            text = text.replace(original, gettext(original))
    return text


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    try:
        return mapping[key]
    except (KeyError, IndexError, TypeError):
        return None
