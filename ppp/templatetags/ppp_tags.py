"""Template helpers: money and numbers in the reader's language, local names, role checks."""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation
from typing import Any

from django import template
from django.utils import formats
from django.utils.translation import get_language, gettext, gettext_noop

from ppp import money, permissions

register = template.Library()


@register.filter
def amount(value: Any, currency: str = "VND") -> str:
    """{{ value|amount:"VND" }} -> 1.234.567 ₫ (vi) or 1,234,567 VND (en)."""
    if value is None or value == "":
        return "—"
    try:
        decimal_value = money.to_decimal(value if not isinstance(value, float) else repr(value))
    except money.MoneyError:
        return str(value)
    return money.format_amount(Decimal(decimal_value), currency, get_language() or "vi")


@register.filter
def has_role(user: Any, role: str) -> bool:
    return permissions.has_role(user, role)


@register.filter
def local_name(organisation: Any) -> str:
    """An organisation's name in the reader's language: the English name when reading English."""
    if organisation is None:
        return ""
    name_en = getattr(organisation, "name_en", "")
    if name_en and (get_language() or "vi").startswith("en"):
        return str(name_en)
    return str(organisation.name)


def _number(value: Any) -> str | None:
    """A number (or a number written as a string, as rule parameters are) in the reader's format."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | Decimal):
        return formats.number_format(value, use_l10n=True, force_grouping=True)
    if isinstance(value, str):
        try:
            number = Decimal(value)
        except InvalidOperation:
            return None
        if not number.is_finite():
            return None
        return formats.number_format(number, use_l10n=True, force_grouping=True)
    return None


def _display(value: Any) -> str:
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if value is None:
        return "—"
    if isinstance(value, list | tuple):
        return ", ".join(_display(item) for item in value)
    number = _number(value)
    return number if number is not None else str(value)


@register.filter
def parameter_rows(parameters: Any, prefix: str = "") -> list[tuple[str, str]]:
    """A rule set's parameters as (dotted key, value in the reader's format) rows, nested dicts flattened.

    Values stay exact: "0.015" shows as 0,015 in Vietnamese and 0.015 in English, never as a float.
    """
    if not isinstance(parameters, dict):
        return [(prefix or "", _display(parameters))]
    rows: list[tuple[str, str]] = []
    for key, value in parameters.items():
        name = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(value, dict):
            rows.extend(parameter_rows(value, name))
        else:
            rows.append((name, _display(value)))
    return rows


# Rule-book titles and legal bases are data written in English (ppp/rulebook_seed.py). They are
# listed here so that makemessages finds them; `data_text` looks them up and falls back to the
# stored text for anything not in the catalogue. Once the seed marks them with gettext_noop itself,
# this list can go.
RULE_BOOK_TEXTS = (
    gettext_noop("Bid security as a share of the package price"),
    gettext_noop("Technical and price weights by procurement category"),
    gettext_noop("Minimum technical pass mark as a share of the maximum score"),
    gettext_noop("Minimum bid preparation time and amendment notice"),
    gettext_noop("Performance security as a share of the contract price"),
    gettext_noop("Preference loading for bids not entitled to preference"),
    gettext_noop("Abnormally low bid screening (must be explained by the bidder)"),
    gettext_noop("Revenue increase and decrease sharing (PPP Law Art. 82)"),
    gettext_noop("Revenue increase and decrease sharing (PPP Law Art. 82, amended)"),
    gettext_noop("Project management norm (share of pre-tax installation plus equipment)"),
    gettext_noop("Contingency: quantity share and average price index"),
    gettext_noop("Optimism bias upper bounds by category"),
    gettext_noop("Discount rate bases"),
    gettext_noop("Contract approval chain by contract value"),
    gettext_noop("Law on Bidding 22/2023/QH15; Decree 24/2024/NĐ-CP"),
    gettext_noop("Law on Bidding 22/2023/QH15 (amended); Decree 214/2025/NĐ-CP"),
    gettext_noop("Law 64/2020/QH14 on PPP investment, Art. 82"),
    gettext_noop("Law 64/2020/QH14 Art. 82 as amended in 2025"),
    gettext_noop("Circular 04/2020/TT-BTTTT; Decree 73/2019/NĐ-CP as amended by Decree 82/2024/NĐ-CP"),
    gettext_noop("HM Treasury Green Book supplementary guidance on optimism bias"),
    gettext_noop("HM Treasury Green Book; CAPM; Vietnam PPP financial plan practice"),
    gettext_noop("Agency delegation of authority (internal policy)"),
)


@register.filter
def data_text(value: Any) -> str:
    """Stored English text (a rule title, a legal basis) in the reader's language when catalogued."""
    if not value:
        return ""
    return gettext(str(value))


@register.filter
def pretty_json(value: Any) -> str:
    """A JSON value (an audit entry's before/after) as indented JSON, Vietnamese letters kept as written."""
    if value is None or value == "":
        return ""
    return json.dumps(value, ensure_ascii=False, indent=1, sort_keys=True, default=str)
