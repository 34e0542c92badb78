"""Public sector comparator and value for money, in Decimal.

PSC = raw cost + competitive neutrality + transferable risk + retained risk (all present values).
VfM of an option (a bid, a PPP) = PSC - (its cost to the public + the risks the public retains
under it), at the same discount rate. Positive favours the option. It is one input, not a verdict.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, localcontext
from typing import NamedTuple

from .inputs import CalculationInputError, decimal_value, integer_value


@dataclass(frozen=True)
class PscInput:
    """The four present values of a public sector comparator, in money."""

    raw_cost_pv: Decimal
    competitive_neutrality_pv: Decimal
    transferable_risk_pv: Decimal
    retained_risk_pv: Decimal

    @property
    def psc_total(self) -> Decimal:
        return psc_total(self)


def psc_total(psc: PscInput) -> Decimal:
    """raw cost + competitive neutrality + transferable risk + retained risk (exact)."""
    return (
        decimal_value(psc.raw_cost_pv, "raw_cost_pv")
        + decimal_value(psc.competitive_neutrality_pv, "competitive_neutrality_pv")
        + decimal_value(psc.transferable_risk_pv, "transferable_risk_pv")
        + decimal_value(psc.retained_risk_pv, "retained_risk_pv")
    )


def vfm(psc_total: Decimal, option_cost_pv: Decimal, option_retained_risk_pv: Decimal) -> Decimal:
    """PSC - (option cost + risk retained under the option), exact. Positive favours the option."""
    return decimal_value(psc_total, "psc_total") - (
        decimal_value(option_cost_pv, "option_cost_pv")
        + decimal_value(option_retained_risk_pv, "option_retained_risk_pv")
    )


class VfmSensitivityRow(NamedTuple):
    rate: Decimal
    psc_pv: Decimal
    option_pv: Decimal
    vfm: Decimal


def _series(values: Sequence[Decimal], field: str) -> list[Decimal]:
    return [decimal_value(value, f"{field}[{period}]") for period, value in enumerate(values)]


def present_value(series: Sequence[Decimal], rate: Decimal) -> Decimal:
    """sum_t CF_t / (1 + r)^t from t = 0, unrounded (34 significant digits)."""
    with localcontext() as context:
        context.prec = 34
        return sum((amount / (1 + rate) ** period for period, amount in enumerate(series)), Decimal(0))


def vfm_sensitivity(
    psc_cost_by_year: Sequence[Decimal],
    psc_risk_adjustments_by_year: Sequence[Decimal],
    option_cost_by_year: Sequence[Decimal],
    option_retained_by_year: Sequence[Decimal],
    rates: Sequence[Decimal],
    *,
    places: int = 0,
) -> list[VfmSensitivityRow]:
    """Recompute PSC and option present values at each discount rate.

    psc_pv = PV(PSC cost + PSC risk adjustments), option_pv = PV(option cost + retained risk),
    each quantized to `places` (ROUND_HALF_UP); vfm = psc_pv - option_pv. Rows follow `rates`.
    """
    integer_value(places, "places", minimum=0, maximum=6)
    unit = Decimal(1).scaleb(-places)
    psc_cost = _series(psc_cost_by_year, "psc_cost_by_year")
    psc_risk = _series(psc_risk_adjustments_by_year, "psc_risk_adjustments_by_year")
    option_cost = _series(option_cost_by_year, "option_cost_by_year")
    option_retained = _series(option_retained_by_year, "option_retained_by_year")
    horizon = len(psc_cost)
    for field, series in (
        ("psc_risk_adjustments_by_year", psc_risk),
        ("option_cost_by_year", option_cost),
        ("option_retained_by_year", option_retained),
    ):
        if len(series) != horizon:
            raise CalculationInputError(field, f"must have {horizon} periods like psc_cost_by_year")
    psc = [cost + risk for cost, risk in zip(psc_cost, psc_risk, strict=True)]
    option = [cost + risk for cost, risk in zip(option_cost, option_retained, strict=True)]
    rows = []
    for position, value in enumerate(rates):
        rate = decimal_value(value, f"rates[{position}]", minimum=0, maximum=1)
        psc_pv = present_value(psc, rate).quantize(unit, rounding=ROUND_HALF_UP)
        option_pv = present_value(option, rate).quantize(unit, rounding=ROUND_HALF_UP)
        rows.append(VfmSensitivityRow(rate=rate, psc_pv=psc_pv, option_pv=option_pv, vfm=psc_pv - option_pv))
    return rows
