"""Writes of the payments that settle approved statements.

Who: the agency's finance officers of the contract record what was paid (the state's transfer to the
provider, or the provider's to the state), never the vendor's people.

A payment settles one approved statement: its amount is given as a positive sum and stored signed the
way the statement's net amount is (+ paid by the state to the provider, − paid by the provider to the
state), so the ledger's running balance is Σ approved net amounts − Σ payments. It may not exceed what
is still outstanding on the statement, nor be dated before the statement's approval or after today.
Its bank reference is unique in the contract, so recording the same transfer twice is refused.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from ppp import audit, money
from ppp.errors import Conflict, PermissionDenied, ValidationFailed
from ppp.fields import Errors, as_date, as_decimal, as_text
from ppp.models import User
from revenue_share.models import SettlementPayment, SettlementStatement, SettlementStatus
from revenue_share.services.settlements import can_compute_settlement

ZERO = Decimal(0)


def can_record_payment(user: Any, statement: SettlementStatement) -> bool:
    """The agency's finance officers of the contract, once the statement is approved."""
    return statement.status == SettlementStatus.APPROVED and can_compute_settlement(user, statement.contract)


def outstanding(statement: SettlementStatement) -> Decimal:
    """What is still to be paid on the statement (signed like its net amount)."""
    paid = statement.payments.aggregate(total=Sum("amount"))["total"] or ZERO
    return statement.net_payable_by_state - paid


def _paid_on(errors: Errors, value: Any, approved: dt.date) -> dt.date | None:
    day = as_date(errors, "paid_on", value)
    if day is None:
        return None
    if day < approved:
        errors.add("paid_on", _("must not be before the statement's approval (%(day)s)") % {"day": approved})
        return None
    if day > timezone.localdate():
        errors.add("paid_on", _("must not be in the future"))
        return None
    return day


@transaction.atomic
def payment_record(
    *, actor: User, statement: SettlementStatement, amount: Any, paid_on: Any, reference: Any
) -> SettlementPayment:
    """Record a payment against an approved statement; all or nothing."""
    row = SettlementStatement.objects.select_for_update().select_related("contract").get(pk=statement.pk)
    if not can_compute_settlement(actor, row.contract):
        raise PermissionDenied(
            "settlement.payment_forbidden", _("Only the agency's finance officers record payments.")
        )
    if row.status != SettlementStatus.APPROVED:
        raise Conflict("settlement.not_approved", _("Only an approved statement is paid."))
    due = outstanding(row)
    if due == 0:
        raise Conflict("settlement.paid", _("Nothing is outstanding on this statement."))
    errors = Errors()
    places = money.minor_units(row.currency)
    value = as_decimal(errors, "amount", amount, minimum=Decimal(1).scaleb(-places), places=places)
    if value is not None and value > abs(due):
        errors.add(
            "amount",
            _("must be at most what is outstanding, %(due)s")
            % {"due": money.format_amount(abs(due), row.currency, get_language() or "vi")},
        )
    assert row.approved_at is not None  # an approved statement has its approval time
    day = _paid_on(errors, paid_on, timezone.localtime(row.approved_at).date())
    bank_reference = as_text(errors, "reference", reference, max_length=100, required=True)
    errors.raise_if_any("settlement.invalid_payment", _("The payment cannot be recorded; nothing was saved."))
    assert value is not None and day is not None
    signed = value if due > 0 else -value
    try:
        with transaction.atomic():
            payment = SettlementPayment.objects.create(
                contract=row.contract,
                statement=row,
                amount=signed,
                paid_on=day,
                reference=bank_reference,
                recorded_by=actor,
            )
    except IntegrityError:
        raise ValidationFailed(
            "settlement.duplicate_payment",
            _("A payment with this reference is already recorded for the contract."),
            {"reference": _("already recorded")},
        ) from None
    audit.record(
        actor=actor,
        action="settlement.payment_recorded",
        obj=row,
        organisation_id=row.contract.agency_id,
        before={"outstanding": str(money.quantize(due, row.currency))},
        after={
            "amount": str(money.quantize(signed, row.currency)),
            "paid_on": day.isoformat(),
            "reference": bank_reference,
            "outstanding": str(money.quantize(due - signed, row.currency)),
        },
    )
    return payment
