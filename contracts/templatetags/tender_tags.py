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
