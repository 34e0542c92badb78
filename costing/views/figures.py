"""The engine's figures shaped for the pages: floats from the engine's frames cross back to money
(Decimal at the currency's places, ROUND_HALF_UP) here, and the SVG charts are drawn on the server.

Nothing here computes a figure the engine did not: it picks, rounds, adds up for a total row, and
accumulates present values per year for the chart.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from itertools import accumulate
from typing import Any

from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from costing import charts
from costing.calculations import to_money
from costing.calculations.appraisal import Appraisal, OptionAppraisal
from costing.models import Category, LineKind

ESTIMATE_LABELS = {
    "G_XL": gettext_lazy("Installation"),
    "G_TB": gettext_lazy("Equipment"),
    "G_QLDA": gettext_lazy("Project management"),
    "G_TV": gettext_lazy("Investment consulting"),
    "G_K": gettext_lazy("Other costs"),
    "G_DP": gettext_lazy("Contingency"),
}
DRIVER_LABELS = {
    "discount_rate": gettext_lazy("Discount rate"),
    "escalation": gettext_lazy("Escalation"),
    "quantities": gettext_lazy("Quantities"),
    "unit_costs": gettext_lazy("Unit costs"),
}


def _total(quantities: Any) -> Decimal:
    """A derived line's amounts added up (its quantities are the amounts: unit cost 1)."""
    return sum((Decimal(str(amount)) for amount in quantities), Decimal(0))


def _label(choices: Any, value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def _grouped_rows(frame: Any, years: list[int], places: int, labels: Any) -> list[dict[str, Any]]:
    rows = []
    for key in frame.index:
        rows.append(
            {
                "key": key,
                "label": _label(labels, key),
                "cells": [to_money(frame.at[key, year], places) for year in years],
                "total": to_money(frame.at[key, "total"], places),
                "pv": to_money(frame.at[key, "pv"], places),
            }
        )
    return rows


CHART_SERIES = 7  # the palette has 8 colours: the 8th series is "other categories"


def chart_series(by_category: Any, years: list[int]) -> dict[str, list[float]]:
    """Per-year amounts of the largest categories (by absolute total), the rest added up as one
    series, so that no two series of a chart share a colour."""
    keys = list(by_category.index)
    if len(keys) > CHART_SERIES + 1:
        ranked = sorted(keys, key=lambda key: -abs(float(by_category.at[key, "total"])))
        kept = set(ranked[:CHART_SERIES])
    else:
        kept = set(keys)
    series: dict[str, list[float]] = {}
    rest = [0.0] * len(years)
    for key in keys:
        values = [float(by_category.at[key, year]) for year in years]
        if key in kept:
            series[_label(Category, key)] = values
        else:
            rest = [a + b for a, b in zip(rest, values, strict=True)]
    if len(kept) < len(keys):
        series[_("Other categories")] = rest
    return series


def cumulative_discounted(option: OptionAppraisal) -> list[float]:
    results = option.results
    return list(
        accumulate(
            float(c) * float(d) for c, d in zip(results.cost_by_year, results.discount_factors, strict=True)
        )
    )


def contingency_parts(option: OptionAppraisal, quantity_rate: Decimal) -> dict[str, Decimal] | None:
    """The two parts of the derived contingency: the quantity part is the rule's rate x the other
    capex of the implementation years (project management included), rounded as the engine rounds it;
    the price-escalation part is the rest of the derived line."""
    results = option.results
    if not option.derived:
        return None
    periods = [year - results.base_year for year in option.implementation_years]
    components = 0.0
    for row, (code, kind) in enumerate(zip(results.codes, results.kinds, strict=True)):
        if kind != "capex" or code == option.derived[-1].code:
            continue
        components += float(sum(results.nominal_ex_vat[row][period] for period in periods))
    base = to_money(components, option.places)
    unit = Decimal(1).scaleb(-option.places)
    quantity = to_money(components * float(quantity_rate), option.places)
    total = _total(option.derived[-1].quantities).quantize(unit, rounding=ROUND_HALF_UP)
    return {"base": base, "quantity": quantity, "price": total - quantity, "total": total}


def option_results(option: OptionAppraisal, appraisal: Appraisal, language: str) -> dict[str, Any]:
    """One option's results page section."""
    results = option.results
    places = option.places
    snapshot = appraisal.snapshot
    years = [int(year) for year in results.years]
    by_category = results.by_category()
    category_rows = _grouped_rows(by_category, years, places, Category)
    kind_rows = _grouped_rows(results.by_kind(), years, places, LineKind)
    totals = {
        "cells": [to_money(value, places) for value in results.cost_by_year],
        "total": to_money(float(results.cost_by_year.sum()), places),
        "pv": option.npv,
    }
    estimate: list[dict[str, Any]] = [
        {"group": group, "label": ESTIMATE_LABELS[group], "ex_vat": ex, "inc_vat": inc}
        for group, ex, inc in option.estimate_structure()
    ]
    estimate_total = {
        "ex_vat": sum((row["ex_vat"] for row in estimate), Decimal(0)),
        "inc_vat": sum((row["inc_vat"] for row in estimate), Decimal(0)),
    }
    unit = Decimal(1).scaleb(-places)
    derived = [
        {
            "code": line.code,
            "label": _label(Category, line.category),
            "by_year": [
                (snapshot.base_year + period, Decimal(str(amount)).quantize(unit, rounding=ROUND_HALF_UP))
                for period, amount in enumerate(line.quantities)
                if amount
            ],
            "total": _total(line.quantities).quantize(unit, rounding=ROUND_HALF_UP),
        }
        for line in option.derived
    ]
    series = chart_series(by_category, years)
    chart = charts.stacked_bars_svg(
        years,
        series,
        _("Cost per year by category"),
        currency=snapshot.currency,
        language=language,
    )
    return {
        "appraisal": option,
        "key": option.option.key,
        "name": option.option.name,
        "kind": option.option.kind,
        "category_rows": category_rows,
        "kind_rows": kind_rows,
        "totals": totals,
        "estimate": estimate,
        "estimate_total": estimate_total,
        "has_capex": any(row["inc_vat"] for row in estimate),
        "derived": derived,
        "contingency": contingency_parts(option, snapshot.rules.contingency_quantity_rate),
        "chart": mark_safe(chart),  # noqa: S308 - built by costing.charts, which escapes every text
    }


def cumulative_chart(appraisal: Appraisal, language: str) -> str:
    if not appraisal.options:
        return ""
    years = [int(year) for year in appraisal.options[0].results.years]
    series = {option.option.name: cumulative_discounted(option) for option in appraisal.options}
    svg = charts.lines_svg(
        years,
        series,
        _("Cumulative discounted cost per option"),
        currency=appraisal.snapshot.currency,
        language=language,
    )
    return mark_safe(svg)  # noqa: S308 - built by costing.charts, which escapes every text


def tornado_chart(option: OptionAppraisal, currency: str, language: str) -> str:
    bars = [
        (str(DRIVER_LABELS.get(bar.driver, bar.driver)), bar.low_npv, bar.high_npv) for bar in option.tornado
    ]
    svg = charts.tornado_svg(
        bars,
        float(option.results.npv),
        option.option.name,
        currency=currency,
        language=language,
    )
    return mark_safe(svg)  # noqa: S308 - built by costing.charts, which escapes every text


def simulation_charts(result: dict[str, Any], currency: str, language: str) -> dict[str, str]:
    markers = {label: float(result[key]) for label, key in (("P50", "p50"), ("P70", "p70"), ("P90", "p90"))}
    histogram = charts.histogram_svg(
        result["histogram"]["edges"],
        result["histogram"]["counts"],
        markers,
        _("Distribution of the lifecycle cost (PV)"),
        currency=currency,
        language=language,
    )
    curve = charts.s_curve_svg(
        result["s_curve"]["values"],
        result["s_curve"]["probabilities"],
        markers,
        _("S-curve of the lifecycle cost (PV)"),
        currency=currency,
        language=language,
    )
    return {
        "histogram": mark_safe(histogram),  # noqa: S308 - built by costing.charts
        "s_curve": mark_safe(curve),  # noqa: S308 - built by costing.charts
    }
