"""The bid opening record (biên bản mở thầu): who opened the bids and when, and for each bid in the
order it arrived its vendor, receipt number, price as written (before any arithmetic correction),
discount, bid security, validity and whether its content still matched the hash stored at submission.

The figures are the stored opening record's (the one published to every participant, whose SHA-256
the document prints), never recomputed. Before the opening there is no record: loading it is the same
404 for everyone, and the documents panel offers nothing."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from contracts import selectors
from contracts.models import Opening, Tender
from ppp.documents import registry
from ppp.documents.pdf import Document, Meta, moment, money, parse_moment, percent, text

from .records_common import TITLES, agency_side, local_name, person, title_of, validity


def load(user: Any, pk: int) -> Tender:
    """The tender, once its bids are opened, for whoever may read its opening page."""
    tender = selectors.tender_get_for(user=user, pk=pk)
    selectors.opening_get_for(user=user, tender=tender)
    return tender


def can_generate(user: Any, tender: Tender) -> bool:
    return agency_side(user, tender) and selectors.is_opened(tender)


def collect(tender: Tender, language: str) -> dict[str, Any]:
    opening = Opening.objects.select_related("opened_by").get(tender=tender)
    data = opening.record
    return {
        "title": title_of("opening_record", language),
        "reference": tender.reference,
        "issuer": local_name(tender.organisation),
        "place": "",
        "national_heading": True,
        "tender": {"reference": tender.reference, "title": tender.title,
                   "agency": local_name(tender.organisation)},
        "opened_by": person(opening.opened_by),
        "record": data,
        "record_hash": opening.record_hash,
    }  # fmt: skip


def _bidder(entry: dict[str, Any]) -> str:
    if entry.get("tax_code"):
        return f"{entry['vendor']} · {_('tax code')} {entry['tax_code']}"
    return str(entry["vendor"])


def render(inputs: dict[str, Any], meta: Meta) -> bytes:
    doc = Document(meta)
    tender, data = inputs["tender"], inputs["record"]
    currency = data.get("currency", "VND")
    entries = data.get("bids", [])
    doc.national_heading()
    doc.title(inputs["title"], f"{tender['reference']} · {tender['title']}")
    doc.paragraph(
        _(
            "Published to every participant. Prices are as the bidders wrote them, summed over every item "
            "and year, before any arithmetic correction."
        )
    )
    doc.facts(
        [
            (_("Agency"), tender["agency"]),
            (_("Tender version"), str(data.get("tender_version", ""))),
            (_("Closing"), moment(parse_moment(data.get("closing_at")))),
            (_("Opened"), moment(parse_moment(data.get("opened_at")))),
            (_("Opened by"), inputs["opened_by"] or data.get("opened_by", "")),
            (_("Package price"), money(data.get("package_price"), currency)),
            (_("Number of bids"), str(len(entries))),
        ]
    )
    mismatches = [entry for entry in entries if not entry.get("hash_matches")]
    if mismatches:
        warning = ngettext(
            "%(n)s bid does not match the hash stored at submission: its content changed after it was "
            "sealed.",
            "%(n)s bids do not match the hash stored at submission: their content changed after they "
            "were sealed.",
            len(mismatches),
        ) % {"n": len(mismatches)}
        doc.markup(f"<b>{text(warning)}</b>")
    doc.heading(_("Bids in the order they were submitted (%(currency)s)") % {"currency": currency})
    if not entries:
        doc.paragraph(_("No bid was submitted by the closing."))
    else:
        doc.table(
            ["#", _("Bidder"), _("Price excl. VAT"), _("Price incl. VAT"), _("Discount"),
             _("Price after discount")],
            [
                [str(n), _bidder(e),
                 money(e["price_ex_vat"], currency), money(e["price"], currency), percent(e["discount_rate"]),
                 money(e["price_after_discount"], currency)]
                for n, e in enumerate(entries, start=1)
            ],
            widths=[0.4, 2.6, 1.7, 1.7, 0.9, 1.7],
            numeric=[0, 2, 3, 4, 5],
        )  # fmt: skip
        doc.table(
            ["#", _("Bidder"), _("Receipt"), _("Submitted at"), _("Bid security"), _("Validity")],
            [
                [str(n), e["vendor"], e.get("receipt", ""), moment(parse_moment(e.get("submitted_at"))),
                 money(e["bid_security_amount"], currency), validity(e.get("validity_days"))]
                for n, e in enumerate(entries, start=1)
            ],
            widths=[0.4, 2.2, 2.6, 1.5, 1.6, 0.9],
            numeric=[0, 4, 5],
        )  # fmt: skip
        doc.heading(_("Hash check"), 2)
        doc.table(
            ["#", _("Bidder"), _("SHA-256 of the bid content"), _("Hash check")],
            [
                [str(n), e["vendor"], e.get("content_hash", ""),
                 _("matches") if e.get("hash_matches") else _("does not match")]
                for n, e in enumerate(entries, start=1)
            ],
            widths=[0.35, 1.55, 5.7, 1.0],
            numeric=[0],
        )  # fmt: skip
    doc.paragraph(_("Hash of this record") + ": " + inputs["record_hash"], "small")
    doc.signatures((_("Opened by"), inputs["opened_by"]), (_("For the agency"), tender["agency"]))
    return doc.build()


KIND = registry.register(
    registry.Kind(
        name="contracts.opening_record",
        label=TITLES["opening_record"][1],
        object_type="contracts.tender",
        load=load,
        collect=collect,
        render=render,
        organisation_of=lambda tender: tender.organisation_id,
        can_generate=can_generate,
        published=lambda tender: True,
        order=30,
    )
)
