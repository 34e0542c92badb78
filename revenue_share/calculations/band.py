"""Annual revenue band sharing against the financial plan (PPP Law 64/2020 Art. 82, as the contract's
parameters set it).

Above upper_threshold x plan the investor pays the state `share` of the excess; below
lower_threshold x plan the state pays the investor `share` of the shortfall. The gap is measured from
the threshold (share_basis "threshold") or from the plan itself ("plan"). Exactly at a threshold
nothing is shared.

Conditions, each recorded with whether it held:
- both sides: the year's revenue is audited;
- upside: the year is not one of the contract's upside-exempt first operating years (science and
  technology projects; 0 exempt years unless the contract says otherwise);
- downside: the contract allows downside sharing (BOT, BTO, BOO), the fall comes from changes in
  planning, policy or law, and price and term adjustments are exhausted.
Sharing happens only when every condition of the side the revenue falls on holds.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from decimal import Decimal

from .common import PROVIDER, STATE, ZERO, Line, SettlementInputError, make_line
from .mechanisms import RevenueBandTerms

ABOVE = "above"
BELOW = "below"
WITHIN = "within"
UPSIDE = "upside"
DOWNSIDE = "downside"
BOTH = "both"


@dataclass(frozen=True)
class BandConditions:
    """The facts the law makes conditions of sharing, established outside the calculation."""

    cause_planning_policy_or_law_change: bool
    price_and_term_adjustments_exhausted: bool
    revenue_audited: bool


@dataclass(frozen=True)
class ConditionCheck:
    name: str
    applies_to: str  # "upside" | "downside" | "both"
    held: bool


@dataclass(frozen=True)
class BandResult:
    """One year's band sharing. `amount` (rounded half up) is what is shared; 0 when nothing is.

    `side` is where the revenue fell (above, below, within); `applied` says whether it was shared;
    `conditions` records every condition and whether it held; `line` is the statement line (None when
    nothing is shared). `gap` is the exact base the share applies to.
    """

    year: int
    actual_revenue: Decimal
    plan_revenue: Decimal
    upper_amount: Decimal
    lower_amount: Decimal
    side: str
    gap: Decimal
    amount: Decimal
    payee: str
    applied: bool
    conditions: tuple[ConditionCheck, ...]
    line: Line | None

    @property
    def failed_conditions(self) -> tuple[str, ...]:
        """The names of the conditions of this side that did not hold."""
        relevant = {ABOVE: (UPSIDE, BOTH), BELOW: (DOWNSIDE, BOTH)}.get(self.side, ())
        return tuple(c.name for c in self.conditions if c.applies_to in relevant and not c.held)


def revenue_band_sharing(
    terms: RevenueBandTerms,
    *,
    year: int,
    actual_revenue: Decimal,
    plan_revenue: Decimal,
    conditions: BandConditions,
    operating_year: int = 1,
    upside_exempt_years: int = 0,
    places: int = 0,
) -> BandResult:
    """The band sharing of one year: `actual_revenue` is the year's (audited) net revenue excluding
    VAT, `plan_revenue` the financial plan's for the same year; `operating_year` counts from 1."""
    if plan_revenue <= 0:
        raise SettlementInputError(f"financial_plan.{year}", "the plan's revenue must be greater than 0")
    if operating_year < 1:
        raise SettlementInputError("operating_year", "counts from 1")
    upper = terms.upper_threshold * plan_revenue
    lower = terms.lower_threshold * plan_revenue
    checks = (
        ConditionCheck("revenue_audited", BOTH, conditions.revenue_audited),
        ConditionCheck("outside_upside_exempt_years", UPSIDE, operating_year > upside_exempt_years),
        ConditionCheck("downside_allowed", DOWNSIDE, terms.downside),
        ConditionCheck(
            "cause_planning_policy_or_law_change", DOWNSIDE, conditions.cause_planning_policy_or_law_change
        ),
        ConditionCheck(
            "price_and_term_adjustments_exhausted", DOWNSIDE, conditions.price_and_term_adjustments_exhausted
        ),
    )
    from_plan = terms.share_basis == "plan"
    if actual_revenue > upper:
        side, gap, payee, key = ABOVE, actual_revenue - (plan_revenue if from_plan else upper), STATE, UPSIDE
    elif actual_revenue < lower:
        side, gap, payee = BELOW, (plan_revenue if from_plan else lower) - actual_revenue, PROVIDER
        key = DOWNSIDE
    else:
        side, gap, payee, key = WITHIN, ZERO, "", ""
    result = BandResult(
        year=year,
        actual_revenue=actual_revenue,
        plan_revenue=plan_revenue,
        upper_amount=upper,
        lower_amount=lower,
        side=side,
        gap=gap,
        amount=ZERO,
        payee=payee,
        applied=False,
        conditions=checks,
        line=None,
    )
    if side == WITHIN or result.failed_conditions:
        return result
    line = make_line(
        f"revenue_band.{key}",
        payee,
        terms.share * gap,
        rule=(
            f"share × (revenue − {'plan' if from_plan else 'upper threshold × plan'})"
            if side == ABOVE
            else f"share × ({'plan' if from_plan else 'lower threshold × plan'} − revenue)"
        ),
        inputs={
            "year": year,
            "actual_revenue": actual_revenue,
            "plan_revenue": plan_revenue,
            "upper_threshold": terms.upper_threshold,
            "lower_threshold": terms.lower_threshold,
            "share": terms.share,
            "share_basis": terms.share_basis,
            "gap": gap,
            "legal_basis": terms.rule,
        },
        places=places,
        reference=str(year),
    )
    return dataclasses.replace(result, amount=line.amount, applied=True, line=line)
