"""Writes of the catalogue of digital public services: recording a change of a service's tariff.

Who: the platform's administrators, who maintain the shared catalogue (tariffs are set by regulation,
not by either party of a contract).

A tariff change is a new dated row, never an edit: history is never rewritten, so the new row starts
after every existing row of the service (a later start than the latest `valid_from`). The row in force
on that date is closed the day before and the new row is open (`valid_to` None). The amount is per
transaction, excluding VAT, in the currency of the service's latest row (VND when it has none), with
at most that currency's minor-unit decimals; the VAT rate is a fraction (0.1 for 10 %).

Settlements price each month at the tariff in force on its first day (services/settlements.py
`_actuals_snapshot`), so a change dated into a month whose statement is already approved (locked) is
not applied to it in place: the next statement computed carries the difference as adjustment lines.
Nothing here handles that specially.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from ppp import audit, money, permissions
from ppp.errors import Conflict, PermissionDenied
from ppp.fields import Errors, as_date, as_decimal, as_text
from ppp.models import User
from revenue_share.models import Service, Tariff

DEFAULT_CURRENCY = "VND"
LARGEST_AMOUNT = Decimal("1e15")  # far below the column's 16 integer digits
AUDITED_FIELDS = ["service", "amount", "currency", "vat_rate", "valid_from", "valid_to", "basis"]


def can_change_tariffs(user: Any) -> bool:
    """Platform administrators maintain the shared catalogue."""
    return permissions.is_administrator(user)


@transaction.atomic
def tariff_change(
    *, actor: User, service: Service, amount: Any, vat_rate: Any, valid_from: Any, basis: Any
) -> Tariff:
    """Record a new tariff of `service` from `valid_from` (a date after the start of its latest row),
    closing the row in force on that date the day before; all or nothing, audited as "tariff.changed".
    Nothing is rounded: a figure with more decimals than allowed is refused."""
    if not can_change_tariffs(actor):
        raise PermissionDenied(
            "catalogue.forbidden", _("Only platform administrators record tariff changes.")
        )
    row = Service.objects.select_for_update().get(pk=service.pk)
    if not row.active:
        raise Conflict(
            "catalogue.service_inactive", _("The service is no longer offered; its tariff cannot change.")
        )
    tariffs = list(Tariff.objects.filter(service=row).order_by("valid_from"))
    latest = tariffs[-1] if tariffs else None
    currency = latest.currency if latest is not None else DEFAULT_CURRENCY
    errors = Errors()
    places = money.minor_units(currency)
    value = as_decimal(errors, "amount", amount, minimum=0, maximum=LARGEST_AMOUNT, places=places)
    rate = as_decimal(errors, "vat_rate", vat_rate, minimum=0, maximum=1, percent_words=True)
    day = as_date(errors, "valid_from", valid_from)
    if day is not None and latest is not None and day <= latest.valid_from:
        errors.add(
            "valid_from",
            _("must be after %(day)s, the start of the latest tariff (history is never rewritten)")
            % {"day": latest.valid_from.isoformat()},
        )
    text = as_text(errors, "basis", basis, max_length=300, required=True)
    errors.raise_if_any(
        "catalogue.invalid_tariff", _("The tariff change cannot be recorded; nothing was saved.")
    )
    assert value is not None and rate is not None and day is not None
    # Normally only the latest row is still open on the new start; closing every such row keeps the
    # dated rows from overlapping whatever the history holds.
    open_rows = [t for t in tariffs if t.valid_to is None or t.valid_to >= day]
    previous = open_rows[-1] if open_rows else latest
    before = audit.snapshot(previous, AUDITED_FIELDS) if previous is not None else None
    closed_on = day - dt.timedelta(days=1)
    if open_rows:
        Tariff.objects.filter(pk__in=[t.pk for t in open_rows]).update(valid_to=closed_on)
    tariff = Tariff.objects.create(
        service=row,
        amount=value,
        currency=currency,
        vat_rate=rate,
        valid_from=day,
        valid_to=None,
        basis=text,
    )
    tariff.refresh_from_db()  # the figures as stored, in the same form as the previous row's
    tariff.service = row
    after = audit.snapshot(tariff, AUDITED_FIELDS)
    if open_rows:
        after["closed"] = [{"id": t.pk, "valid_to": closed_on.isoformat()} for t in open_rows]
    audit.record(
        actor=actor,
        action="tariff.changed",
        obj=tariff,
        organisation=audit.actor_organisation(actor),
        before=before,
        after=after,
    )
    return tariff
