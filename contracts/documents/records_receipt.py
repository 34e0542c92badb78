"""The receipt of a submitted bid (biên nhận hồ sơ dự thầu): its number, the tender, the vendor, the
moment by the database clock, who submitted it, the totals as sealed and the SHA-256 of the content.

It is the vendor's own record: only the bidding vendor's people load it (anyone else, the agency even
after the opening, gets the same 404 as for a missing bid), and the document belongs to the vendor,
so its existence is sealed with the bid. It carries no national heading: the system stamps it when
the bid arrives, nobody signs it, and it is not an administrative document of the agency."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from contracts import permissions, selectors
from contracts.models import Bid, BidStatus
from contracts.services.opening import bid_totals
from ppp.documents import registry
from ppp.documents.pdf import Document, Meta, money, percent
from ppp.errors import Conflict, NotFound
from ppp.money import quantize

from .records_common import TITLES, local_name, person, stamp, title_of, validity


def load(user: Any, pk: int) -> Bid:
    """The bid of one of the person's own companies (as the receipt page loads it)."""
    bid = selectors.bid_get_for(user=user, pk=pk)
    if not permissions.is_bidder(user, bid):
        raise NotFound("bid.not_found", _("Bid not found."))
    return bid


def collect(bid: Bid, language: str) -> dict[str, Any]:
    """The receipt's inputs; amounts in the tender's currency, totals rounded to its minor unit."""
    if bid.status != BidStatus.SUBMITTED:
        raise Conflict("bid.not_submitted", _("This bid is not submitted, so it has no receipt."))
    tender = bid.tender
    currency = tender.currency
    ex_vat, inc_vat = bid_totals(bid, Decimal(tender.vat_rate))
    discount = inc_vat * Decimal(bid.discount_rate)
    return {
        "title": title_of("bid_receipt", language),
        "reference": bid.receipt_number,
        "issuer": local_name(tender.organisation),
        "place": "",
        "national_heading": False,
        "receipt": {
            "number": bid.receipt_number,
            "tender_reference": tender.reference,
            "tender_title": tender.title,
            "tender_version": bid.tender_version,
            "agency": local_name(tender.organisation),
            "vendor": local_name(bid.vendor),
            "vendor_tax_code": bid.vendor.tax_code,
            "submitted_at": bid.submitted_at,
            "submitted_by": person(bid.submitted_by),
            "content_hash": bid.content_hash,
        },
        "currency": currency,
        "totals": {
            "excluding_vat": quantize(ex_vat, currency),
            "vat": quantize(inc_vat - ex_vat, currency),
            "including_vat": quantize(inc_vat, currency),
            "discount_rate": Decimal(bid.discount_rate),
            "discount": quantize(discount, currency),
            "after_discount": quantize(inc_vat - discount, currency),
        },
        "bid_security": Decimal(bid.bid_security_amount),
        "bid_security_reference": bid.bid_security_reference,
        "validity_days": bid.validity_days,
        "attachments": [{"name": a.name, "sha256": a.sha256} for a in bid.attachments.order_by("pk")],
    }


def render(inputs: dict[str, Any], meta: Meta) -> bytes:
    doc = Document(meta)
    r, t, currency = inputs["receipt"], inputs["totals"], inputs["currency"]
    doc.title(inputs["title"], _("Receipt of a sealed bid"))
    vendor = r["vendor"] + (f" · {_('tax code')} {r['vendor_tax_code']}" if r["vendor_tax_code"] else "")
    doc.facts(
        [
            (_("Receipt number"), r["number"]),
            (_("Tender"), f"{r['tender_reference']} · {r['tender_title']}"),
            (_("Agency"), r["agency"]),
            (_("Vendor"), vendor),
            (_("Tender version answered"), str(r["tender_version"])),
            (_("Submitted at (database clock)"), stamp(r["submitted_at"], meta.language)),
            (_("Submitted by"), r["submitted_by"]),
            (_("SHA-256 of the bid content"), r["content_hash"]),
        ],
        label_share=0.28,
    )
    doc.heading(_("What is sealed"))
    security = money(inputs["bid_security"], currency)
    if inputs["bid_security_reference"]:
        security = f"{security} · {inputs['bid_security_reference']}"
    doc.table(
        [_("Prices"), _("Amount")],
        [
            [_("Total excluding VAT"), money(t["excluding_vat"], currency)],
            [_("VAT"), money(t["vat"], currency)],
            [_("Total including VAT"), money(t["including_vat"], currency)],
            [f"{_('Discount')} ({percent(t['discount_rate'])})", money(t["discount"], currency)],
            [_("Bid price after the discount"), money(t["after_discount"], currency)],
        ],
        widths=[3, 2],
        numeric=[1],
        total_rows=1,
    )
    doc.amount(_("Bid price after the discount"), t["after_discount"], currency)
    doc.facts(
        [
            (_("Bid security"), security),
            (_("Bid validity"), validity(inputs["validity_days"])),
        ],
        label_share=0.28,
    )
    if inputs["attachments"]:
        doc.table(
            [_("Attachments"), "SHA-256"],
            [[a["name"], a["sha256"]] for a in inputs["attachments"]],
            widths=[2.2, 4.8],
        )
    doc.paragraph(
        _(
            "The hash is of the bid's canonical content: its terms, every price, every answer and the "
            "SHA-256 of every file. At the opening it is computed again; a bid whose content changed would "
            "show a different hash."
        ),
        "muted",
    )
    return doc.build()


KIND = registry.register(
    registry.Kind(
        name="contracts.bid_receipt",
        label=TITLES["bid_receipt"][1],
        object_type="contracts.bid",
        load=load,
        collect=collect,
        render=render,
        organisation_of=lambda bid: bid.vendor_id,
        can_generate=lambda user, bid: permissions.is_bidder(user, bid),
        order=10,
    )
)
