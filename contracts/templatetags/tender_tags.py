"""Template helpers of the tender pages: who may create a tender from a cost model, moments stored
as ISO text (the opening record, amendments) as datetimes, plain numbers in the reader's format."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django import template
from django.core.exceptions import FieldDoesNotExist
from django.utils import formats
from django.utils.translation import gettext, gettext_lazy, ngettext

from contracts import permissions
from contracts.models import AwardStatus, CorrectionStatus, Tender, TenderStatus

register = template.Library()

# Fields a service may name that are not columns of the tender.
FIELD_LABELS = {
    "criteria": gettext_lazy("Evaluation criteria"),
    "items": gettext_lazy("Pricing schedule"),
    "option_id": gettext_lazy("Delivery option"),
    "bid_id": gettext_lazy("Bid"),
    "evaluators": gettext_lazy("Evaluators"),
    "note": gettext_lazy("Note"),
    "reason": gettext_lazy("Reason"),
    "reasons": gettext_lazy("Reasons"),
    "answer": gettext_lazy("Answer"),
    "question": gettext_lazy("Question"),
}


@register.filter
def field_label(key: str) -> str:
    """A field a service named ("closing_at") as the reader's label ("Closing")."""
    label = FIELD_LABELS.get(key)
    if label is not None:
        return str(label)
    try:
        return str(getattr(Tender._meta.get_field(key), "verbose_name", key)).capitalize()
    except FieldDoesNotExist:  # not a tender field: name it as the service did
        return key


@register.simple_tag
def can_create_tender(user: Any, model: Any) -> bool:
    """{% can_create_tender user model as allowed %}: a finance officer of the model's agency."""
    return permissions.can_create_tender(user, model.organisation)


@register.filter
def moment(value: Any) -> dt.datetime | None:
    """An ISO 8601 text (as JSON records keep moments) as a datetime, for the `date` filter."""
    if isinstance(value, dt.datetime):
        return value
    try:
        return dt.datetime.fromisoformat(str(value))
    except ValueError:
        return None


@register.filter
def figure(value: Any) -> str:
    """A quantity or a points figure as written, grouped the reader's way: 1.500.000 or 2,5 (vi)."""
    if value is None or value == "" or isinstance(value, bool):
        return "—"
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    if not number.is_finite():
        return str(value)
    number = number.normalize()
    if number == number.to_integral_value():
        number = number.quantize(Decimal(1))
    places = max(0, -int(number.as_tuple().exponent))
    return formats.number_format(number, decimal_pos=places, use_l10n=True, force_grouping=True)


@register.filter
def term_value(value: Any) -> str:
    """A contract term or a mechanism's parameters as a reader sees them: numbers grouped their way,
    a mapping as "key: value; ...", a list as "a, b", nothing as "—"."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if isinstance(value, dict):
        return "; ".join(f"{key}: {term_value(item)}" for key, item in value.items())
    if isinstance(value, list | tuple):
        return ", ".join(
            f"({term_value(item)})" if isinstance(item, dict) else term_value(item) for item in value
        )
    if isinstance(value, int | float | Decimal) or (
        isinstance(value, str) and value.strip().lstrip("-").replace(".", "", 1).isdigit()
    ):
        return figure(value)
    return str(value)


# A payment mechanism's or a KPI rule's parameters (contracts.services.contracting), as labels.
PARAMETER_LABELS = {
    "fee_per_period": gettext_lazy("Fee per period"),
    "period": gettext_lazy("Period"),
    "indexation_rate": gettext_lazy("Indexation a year"),
    "fees": gettext_lazy("Fees per service"),
    "basis": gettext_lazy("Bands of"),
    "tiers": gettext_lazy("Bands"),
    "annual_payment": gettext_lazy("Annual payment"),
    "periods_per_year": gettext_lazy("Measurement periods a year"),
    "still_used_factor": gettext_lazy("Deduction while the service is still used"),
    "method": gettext_lazy("Credit"),
    "cap_share": gettext_lazy("Cap (share of the period charge)"),
    "rate_per_point": gettext_lazy("Share per point below target"),
    "floor": gettext_lazy("Floor"),
    "cap": gettext_lazy("Cap"),
    "upper_threshold": gettext_lazy("Upper threshold"),
    "lower_threshold": gettext_lazy("Lower threshold"),
    "share": gettext_lazy("Share"),
    "share_basis": gettext_lazy("The share applies to"),
    "downside": gettext_lazy("The state shares a shortfall"),
    "rule": gettext_lazy("Rule"),
    "kind": gettext_lazy("When missed"),
    "rate": gettext_lazy("Rate"),
    "from": gettext_lazy("From"),
    "to": gettext_lazy("To"),
}
# Parameters that are fractions, shown as percentages.
FRACTIONS = {"indexation_rate", "still_used_factor", "cap_share", "rate_per_point", "upper_threshold",
             "lower_threshold", "share", "rate"}  # fmt: skip
PARAMETER_VALUES = {
    "monthly": gettext_lazy("Monthly"),
    "quarterly": gettext_lazy("Quarterly"),
    "annual": gettext_lazy("Annual"),
    "revenue": gettext_lazy("Net revenue"),
    "volume": gettext_lazy("Valid volume"),
    "shortfall_share": gettext_lazy("The shortfall (target % − actual %) of the period charge"),
    "rate_per_point": gettext_lazy("A share of the period charge per point below target"),
    "service_credit": gettext_lazy("Service credit"),
    "deduction": gettext_lazy("Deduction"),
}


@register.filter
def parameters(value: Any) -> str:
    """A mechanism's parameters for a reader: "Fee per period: 1.000.000.000; Indexation a year: 4%"."""
    from costing.templatetags.costing_tags import percent

    def shown(key: str, item: Any) -> str:
        if key in FRACTIONS and item not in (None, ""):
            return percent(item)
        if isinstance(item, list):
            return "; ".join(
                f"[{parameters(band)}]" if isinstance(band, dict) else term_value(band) for band in item
            )
        if isinstance(item, dict):
            return ", ".join(f"{name}: {term_value(fee)}" for name, fee in item.items())
        if isinstance(item, str) and item in PARAMETER_VALUES:
            return str(PARAMETER_VALUES[item])
        if key == "to" and item is None:
            return gettext("no upper end")
        return term_value(item)

    if not isinstance(value, dict):
        return term_value(value)
    return "; ".join(f"{PARAMETER_LABELS.get(key, key)}: {shown(key, item)}" for key, item in value.items())


CORRECTION_RULES = {
    "unit_price_prevails": gettext_lazy("the unit price prevails over the line amount"),
    "amount_prevails_decimal_factor": gettext_lazy(
        "the line amount prevails (the unit price is off by a decimal factor)"
    ),
    "omitted_item": gettext_lazy("an omitted item is priced at the highest unit price among the bids"),
    "lines_prevail": gettext_lazy("the line values prevail over a wrong sum"),
    "words_prevail": gettext_lazy("the total in words prevails over the figures"),
}


@register.filter
def correction_rule(value: str) -> str:
    """The rule of an arithmetic correction, as the rule book says it."""
    label = CORRECTION_RULES.get(value)
    return str(label) if label is not None else str(value)


@register.filter
def waited(value: Any) -> str:
    """A waiting time (timedelta) as a reader says it: "3 days, 2 hours", "5 hours", "12 minutes"
    (Django's own timesince has no Vietnamese)."""
    if not isinstance(value, dt.timedelta):
        return "—"
    minutes = max(0, int(value.total_seconds() // 60))
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    day_text = ngettext("%(n)d day", "%(n)d days", days) % {"n": days}
    hour_text = ngettext("%(n)d hour", "%(n)d hours", hours) % {"n": hours}
    if days and hours:
        return gettext("%(days)s, %(hours)s") % {"days": day_text, "hours": hour_text}
    if days:
        return day_text
    if hours:
        return hour_text
    return ngettext("%(n)d minute", "%(n)d minutes", minutes) % {"n": minutes}


@register.filter
def tender_status(value: str) -> str:
    try:
        return str(TenderStatus(value).label)
    except ValueError:
        return str(value)


@register.filter
def award_status(value: str) -> str:
    try:
        return str(AwardStatus(value).label)
    except ValueError:
        return str(value)


@register.filter
def correction_status(value: str) -> str:
    try:
        return str(CorrectionStatus(value).label)
    except ValueError:
        return str(value)
