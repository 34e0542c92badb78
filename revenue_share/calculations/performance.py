"""Payment for performance in one settlement period: the availability payment with its deductions,
and service credits from KPI results.

Availability (DOMAIN.md): for each failure, deduction = area rate x weighting x missed periods
x (1, or the still-used factor when the failed area was still used) x repetition ratchet, where
area rate = annual payment / total weighted periods = annual payment / (measurement periods a year
x the sum of all areas' weightings).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from .common import HUNDRED, PROVIDER, STATE, ZERO, Line, SettlementInputError, make_line, round_money, total
from .mechanisms import SERVICE_CREDIT, AvailabilityTerms, ServiceCreditTerms, ServiceLevelTerms


@dataclass(frozen=True)
class AvailabilityFailure:
    """One failure of an area in the period: how many measurement periods it was unavailable, whether
    it was still used meanwhile, and the repetition ratchet (1 for a first failure; the contract's
    schedule sets the multiplier for repeats)."""

    area: str
    weighting: Decimal
    missed_periods: Decimal
    still_used: bool = False
    ratchet: Decimal = Decimal(1)
    reference: str = ""


def area_rate(terms: AvailabilityTerms, total_weighting: Decimal) -> Decimal:
    """annual payment / (measurement periods a year x total weighting), unrounded."""
    return terms.annual_payment / (terms.periods_per_year * total_weighting)


def availability_deduction(
    terms: AvailabilityTerms, failure: AvailabilityFailure, total_weighting: Decimal
) -> Decimal:
    """The exact (unrounded) deduction for one failure; the division comes last, so it loses nothing."""
    used = terms.still_used_factor if failure.still_used else Decimal(1)
    return (
        terms.annual_payment
        * failure.weighting
        * failure.missed_periods
        * used
        * failure.ratchet
        / (terms.periods_per_year * total_weighting)
    )


def _check_failure(index: int, failure: AvailabilityFailure) -> None:
    where = f"failures[{index}]"
    for name in ("weighting", "missed_periods"):
        if getattr(failure, name) < 0:
            raise SettlementInputError(f"{where}.{name}", "must not be negative")
    if failure.ratchet < 1:
        raise SettlementInputError(f"{where}.ratchet", "must be at least 1")


def availability_lines(
    terms: AvailabilityTerms,
    failures: Sequence[AvailabilityFailure],
    *,
    total_weighting: Decimal,
    months: int,
    places: int = 0,
) -> tuple[Line, ...]:
    """The period's payment (annual payment x months / 12, to the provider), one deduction line per
    failure (to the state), and, when the deductions exceed the payment, a line giving the excess back
    (deductions never take more than the period's availability payment)."""
    if total_weighting <= 0:
        raise SettlementInputError("total_weighting", "must be greater than 0")
    payment = make_line(
        "availability.payment",
        PROVIDER,
        terms.annual_payment * months / 12,
        rule="annual payment × months ÷ 12",
        inputs={"annual_payment": terms.annual_payment, "months": months},
        places=places,
    )
    rate = area_rate(terms, total_weighting)
    lines = [payment]
    for index, failure in enumerate(failures):
        _check_failure(index, failure)
        lines.append(
            make_line(
                "availability.deduction",
                STATE,
                availability_deduction(terms, failure, total_weighting),
                rule="area rate × weighting × missed periods × (1 or still-used factor) × ratchet",
                inputs={
                    "area": failure.area,
                    "area_rate": rate,
                    "annual_payment": terms.annual_payment,
                    "periods_per_year": terms.periods_per_year,
                    "total_weighting": total_weighting,
                    "weighting": failure.weighting,
                    "missed_periods": failure.missed_periods,
                    "still_used": failure.still_used,
                    "still_used_factor": terms.still_used_factor if failure.still_used else Decimal(1),
                    "ratchet": failure.ratchet,
                },
                places=places,
                reference=failure.reference or f"{failure.area}#{index + 1}",
            )
        )
    deducted = -total(lines[1:])
    if deducted > payment.amount:
        lines.append(
            make_line(
                "availability.deduction_cap",
                PROVIDER,
                deducted - payment.amount,
                rule="deductions above the period's availability payment are not taken",
                inputs={"deductions": deducted, "payment": payment.amount},
                places=places,
            )
        )
    return tuple(lines)


def service_credit_lines(
    terms: ServiceCreditTerms,
    levels: Sequence[ServiceLevelTerms],
    results: Mapping[str, Decimal],
    *,
    period_charge: Decimal,
    places: int = 0,
) -> tuple[Line, ...]:
    """A credit (to the state) for each service-credit KPI measured below its target, then, when the
    credits add up to more than cap_share x the period charge, a line giving the excess back.

    method "shortfall_share": (target − actual) percentage points of the period charge (KPIs in %).
    method "rate_per_point": (target − actual) x rate x the period charge, the rate being the KPI
    rule's own rate when it gives one (above 0), else the mechanism's rate_per_point.
    Deduction-kind KPIs are availability failures, not credits; a KPI without a result this period
    earns no credit; a result for a code the contract does not have is an error.
    """
    by_code = {level.code: level for level in levels}
    for code in results:
        if code not in by_code:
            raise SettlementInputError(f"kpi_results.{code}", "is not a service level of the contract")
    charge = max(period_charge, ZERO)
    lines = []
    for level in levels:
        if level.rule_kind != SERVICE_CREDIT or level.code not in results:
            continue
        actual = results[level.code]
        points = level.target - actual
        if points <= 0:
            continue
        if terms.method == "shortfall_share":
            if level.unit != "%":
                raise SettlementInputError(
                    f"service_levels.{level.code}.unit", "a shortfall share needs a KPI measured in %"
                )
            rate = 1 / HUNDRED
            rule = "(target − actual) percentage points of the period charge"
        else:
            rate = level.rule_rate if level.rule_rate > 0 else terms.rate_per_point or ZERO
            rule = "(target − actual) × rate per point × the period charge"
        lines.append(
            make_line(
                "service_credits.credit",
                STATE,
                points * rate * charge,
                rule=rule,
                inputs={
                    "kpi": level.code,
                    "target": level.target,
                    "actual": actual,
                    "unit": level.unit,
                    "points_below_target": points,
                    "rate_per_point": rate,
                    "period_charge": charge,
                },
                places=places,
                reference=level.code,
            )
        )
    credited = -total(lines)
    cap = round_money(terms.cap_share * charge, places)
    if credited > cap:
        lines.append(
            make_line(
                "service_credits.cap",
                PROVIDER,
                credited - cap,
                rule="credits above cap share × the period charge are not taken",
                inputs={
                    "credits": credited,
                    "cap_share": terms.cap_share,
                    "period_charge": charge,
                    "cap": cap,
                },
                places=places,
            )
        )
    return tuple(lines)
