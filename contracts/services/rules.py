"""Rule-book checks of a tender's terms, against the rule sets valid on its publication date.

Every refusal names the field and the rule with its legal basis (ppp.rules.Rule.cite), and all
problems are reported at once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from contracts.models import EvaluationMethod, ProcurementCategory, Scope
from ppp import rules
from ppp.fields import Errors
from ppp.rules import Rule


@dataclass(frozen=True)
class TenderTerms:
    """The terms the rule book constrains (money in the tender's currency, rates as fractions)."""

    currency: str
    procurement_category: str
    high_technology: bool
    scope: str
    method: str
    envelopes: int
    package_price: Decimal
    technical_weight: Decimal | None
    price_weight: Decimal | None
    price_score_scale: int
    pass_mark: Decimal | None
    bid_security_rate: Decimal
    publication_at: dt.datetime
    clarification_deadline: dt.datetime
    closing_at: dt.datetime
    opening_at: dt.datetime
    has_technical_criteria: bool | None  # None: not known yet (a draft being edited)


SCORED_METHODS = frozenset({EvaluationMethod.COMBINED, EvaluationMethod.TECHNICAL_BASED})
CONSULTING_ONLY_METHODS = frozenset({EvaluationMethod.FIXED_PRICE, EvaluationMethod.TECHNICAL_BASED})


def _percent(value: Decimal) -> str:
    return f"{(value * 100).normalize():f}%"


def _range_error(errors: Errors, field: str, low: Decimal, high: Decimal, rule: Rule) -> None:
    errors.add(
        field,
        _("must be between %(low)s and %(high)s (%(rule)s)")
        % {"low": _percent(low), "high": _percent(high), "rule": rule.cite()},
    )


def _is_small(terms: TenderTerms, threshold: Decimal, currency: str) -> bool:
    """Small packages (up to the threshold) have their own ranges; the threshold is in VND, so a
    package in another currency is treated as above it (the stricter ranges)."""
    return terms.currency == currency and terms.package_price <= threshold


def check_terms(terms: TenderTerms, errors: Errors) -> list[Rule]:
    """Add an error per broken rule; return the rule sets applied (for the tender's record)."""
    on = terms.publication_at
    applied: list[Rule] = []
    non_consulting = terms.procurement_category != ProcurementCategory.CONSULTING

    if terms.method in CONSULTING_ONLY_METHODS and non_consulting:
        errors.add("method", _("fixed-price and technical-based evaluation are for consulting packages only"))
    if terms.method == EvaluationMethod.COMBINED and terms.envelopes == 1:
        errors.add("envelopes", _("the combined technical and price method needs two envelopes"))
    if terms.method in SCORED_METHODS and terms.has_technical_criteria is False:
        errors.add("criteria", _("this method scores technical criteria: add at least one"))

    if terms.method == EvaluationMethod.COMBINED:
        weights = rules.get("bidding.evaluation_weights", on)
        applied.append(weights)
        key = "high_technology" if terms.high_technology and non_consulting else terms.procurement_category
        ranges = weights[key]
        technical, price = terms.technical_weight, terms.price_weight
        if technical is None:
            errors.add("technical_weight", _("required for the combined method"))
        if price is None:
            errors.add("price_weight", _("required for the combined method"))
        if technical is not None and price is not None:
            if technical + price != 1:
                errors.add("price_weight", _("technical and price weights must add up to 100%"))
            low, high = Decimal(ranges["technical_min"]), Decimal(ranges["technical_max"])
            if non_consulting:
                high = min(high, Decimal(weights["technical_absolute_max_non_consulting"]))
            if not low <= technical <= high:
                _range_error(errors, "technical_weight", low, high, weights)
            low, high = Decimal(ranges["price_min"]), Decimal(ranges["price_max"])
            if not low <= price <= high:
                _range_error(errors, "price_weight", low, high, weights)
        if terms.price_score_scale not in weights["price_score_scales"]:
            errors.add("price_score_scale", _("must be 100 or 1000 (%(rule)s)") % {"rule": weights.cite()})

    if terms.method in SCORED_METHODS or terms.has_technical_criteria is True:
        pass_rule = rules.get("bidding.technical_pass_mark", on)
        applied.append(pass_rule)
        if terms.pass_mark is None:
            errors.add("pass_mark", _("required when technical criteria are scored"))
        else:
            low = pass_rule.decimal("high_technical_minimum" if terms.high_technology else "minimum")
            high = pass_rule.decimal("high_technical_maximum") if terms.high_technology else Decimal(1)
            if not low <= terms.pass_mark <= high:
                _range_error(errors, "pass_mark", low, high, pass_rule)

    if non_consulting:
        security = rules.get("bidding.bid_security", on)
        applied.append(security)
        small = _is_small(terms, security.decimal("threshold_amount"), security["threshold_currency"])
        band = "up_to_threshold" if small else "above_threshold"
        low = security.decimal(f"non_consulting_{band}_min")
        high = security.decimal(f"non_consulting_{band}_max")
        if not low <= terms.bid_security_rate <= high:
            _range_error(errors, "bid_security_rate", low, high, security)

    timing = rules.get("bidding.preparation_time", on)
    applied.append(timing)
    small = non_consulting and _is_small(terms, timing.decimal("small_non_consulting_threshold"), "VND")
    international = terms.scope == Scope.INTERNATIONAL
    key = ("small_non_consulting_" if small else "") + (
        "international_days" if international else "domestic_days"
    )
    days = int(timing[key])
    if terms.closing_at - terms.publication_at < dt.timedelta(days=days):
        errors.add(
            "closing_at",
            _("must be at least %(days)d days after publication (%(rule)s)")
            % {"days": days, "rule": timing.cite()},
        )
    if terms.clarification_deadline > terms.closing_at:
        errors.add("clarification_deadline", _("must not be after the closing"))
    if terms.clarification_deadline < terms.publication_at:
        errors.add("clarification_deadline", _("must not be before publication"))
    hours = int(timing["opening_within_hours"])
    if terms.opening_at < terms.closing_at:
        errors.add("opening_at", _("must not be before the closing"))
    elif terms.opening_at - terms.closing_at > dt.timedelta(hours=hours):
        errors.add(
            "opening_at",
            _("must be within %(hours)d hours of the closing (%(rule)s)")
            % {"hours": hours, "rule": timing.cite()},
        )
    return applied


def amendment_notice(tender_publication: dt.datetime) -> tuple[int, Rule]:
    """Days before closing an amendment must come, or the closing moves (rule valid at publication)."""
    timing = rules.get("bidding.preparation_time", tender_publication)
    return int(timing["amendment_min_days_before_closing"]), timing
