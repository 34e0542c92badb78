"""The charts of the revenue share pages, drawn by costing.charts (SVG, every text escaped): each
month's provider's and state's shares on the contract's statements page, and each scenario's state
net cash per year on the forecast page."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from costing import charts
from ppp.money import CURRENCY_SYMBOLS


def _language() -> str:
    return get_language() or "vi"


def _amount_title(currency: str) -> str:
    language = _language()
    unit = currency if language.startswith("en") else CURRENCY_SYMBOLS.get(currency, currency)
    return _("Amount (%(unit)s)") % {"unit": unit}


def shares_chart(statements: Sequence[Any], currency: str) -> SafeString | str:
    """Stacked bars per month: the provider's share and the state's share (= net revenue)."""
    if not statements:
        return ""
    svg = charts.stacked_bars_svg(
        [f"{s.period:%m/%y}" for s in statements],
        {
            _("Provider's share"): [float(s.provider_share) for s in statements],
            _("State's share"): [float(s.state_share) for s in statements],
        },
        _("Net revenue per month: the provider's and the state's shares"),
        currency=currency,
        language=_language(),
        x_title=_("Month"),
        y_title=_amount_title(currency),
    )
    return mark_safe(svg)  # noqa: S308 - built by costing.charts, which escapes every text


def state_cash_chart(scenarios: Sequence[tuple[str, Any]], currency: str) -> SafeString | str:
    """One line per scenario: the state's net cash of each year."""
    if not scenarios or not scenarios[0][1].years:
        return ""
    years = [year.year for year in scenarios[0][1].years]
    svg = charts.lines_svg(
        years,
        {label: [float(year.state_share) for year in item.years] for label, item in scenarios},
        _("The state's net cash per year, by scenario"),
        currency=currency,
        language=_language(),
        y_title=_amount_title(currency),
    )
    return mark_safe(svg)  # noqa: S308 - built by costing.charts, which escapes every text
