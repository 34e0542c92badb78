"""Bid opening: after closing, an agency user opens the bids; each bid's hash is recomputed and any
mismatch marked; the opening record (bidders, prices, discounts, bid security, validity) is
published to every participant."""

from __future__ import annotations

import hashlib
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models.functions import Now
from django.utils import timezone
from django.utils.translation import gettext as _

from contracts import permissions
from contracts.models import Bid, BidStatus, Opening, Tender, TenderStatus
from costing.calculations.receipts import canonical_json
from ppp import audit
from ppp.errors import Conflict, PermissionDenied
from ppp.models import Membership, User
from ppp.money import quantize
from ppp.services import notify

from . import bids as bid_services
from .tenders import TenderDecision, _link, locked, record


def bid_totals(bid: Bid, vat_rate: Decimal) -> tuple[Decimal, Decimal]:
    """The bid's price as written, before its discount: (excluding VAT, including VAT), summed over
    items and years of quantity x unit price, in the tender's currency (unrounded)."""
    ex_vat = inc_vat = Decimal(0)
    for price in bid.prices.select_related("item"):
        factor = 1 + vat_rate if price.item.vat_applicable else Decimal(1)
        for unit_price, quantity in zip(price.unit_prices, price.item.quantities, strict=True):
            if unit_price is not None:
                amount = Decimal(unit_price) * Decimal(str(quantity))
                ex_vat += amount
                inc_vat += amount * factor
    return ex_vat, inc_vat


@transaction.atomic
def tender_open(*, actor: User, tender: Tender) -> Opening:
    row = locked(tender)
    if not permissions.can_open_bids(actor, row):
        raise PermissionDenied(
            "opening.forbidden", _("Only the agency's finance officers and evaluators open bids.")
        )
    if row.status != TenderStatus.PUBLISHED:
        raise Conflict("opening.invalid_transition", _("Only a published tender's bids can be opened."))
    if not Tender.objects.filter(pk=row.pk, closing_at__lte=Now()).exists():
        raise Conflict("opening.not_closed", _("The tender has not closed yet."))
    entries: list[dict[str, Any]] = []
    for bid in (
        Bid.objects.select_related("vendor")
        .filter(tender=row, status=BidStatus.SUBMITTED)
        .order_by("submitted_at", "pk")
    ):
        recomputed = bid_services.content_hash(bid)
        ex_vat, total = bid_totals(bid, Decimal(row.vat_rate))
        discounted = total * (1 - Decimal(bid.discount_rate))
        entries.append(
            {
                "bid": bid.pk,
                "vendor": bid.vendor.name,
                "tax_code": bid.vendor.tax_code,
                "receipt": bid.receipt_number,
                "submitted_at": bid.submitted_at,
                "price_ex_vat": quantize(ex_vat, row.currency),
                "price": quantize(total, row.currency),
                "discount_rate": Decimal(bid.discount_rate),
                "price_after_discount": quantize(discounted, row.currency),
                "bid_security_amount": Decimal(bid.bid_security_amount),
                "validity_days": bid.validity_days,
                "content_hash": bid.content_hash,
                "hash_matches": recomputed == bid.content_hash,
            }
        )
    opened_at = timezone.now()
    record_data = audit.normalise(
        {
            "tender": row.reference,
            "tender_version": row.version,
            "closing_at": row.closing_at,
            "opened_at": opened_at,
            "opened_by": actor.get_username(),
            "currency": row.currency,
            "package_price": Decimal(row.package_price),
            "bids": entries,
        }
    )
    digest = hashlib.sha256(canonical_json(record_data).encode("utf-8")).hexdigest()
    opening = Opening.objects.create(
        tender=row, opened_at=opened_at, opened_by=actor, record=record_data, record_hash=digest
    )
    before = row.status
    row.status = TenderStatus.OPENED
    row.save(update_fields=["status", "updated_at"])
    TenderDecision.objects.create(
        tender=row, actor=actor, role="agency", decision="opened", from_status=before, to_status=row.status
    )
    mismatches = [entry["bid"] for entry in entries if not entry["hash_matches"]]
    record(
        actor,
        row,
        "tender.opened",
        after={"bids": len(entries), "record_hash": digest, "mismatches": mismatches},
    )
    vendors = {entry["bid"] for entry in entries}
    people = Membership.objects.select_related("user").filter(
        organisation__bids__pk__in=vendors, user__is_active=True
    )
    notify(
        recipients=[m.user for m in people],
        verb="tender.opened",
        title=_("Bids opened: %(reference)s") % {"reference": row.reference},
        body=_("The opening record is published."),
        link=_link(row),
        obj=row,
    )
    return opening
