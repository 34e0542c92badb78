"""The forms a bidder fills in (Chapter IV of the bidding document, also issued on their own as the
blank bid and price forms): the bid letter, the power of attorney, the joint venture agreement, the
bid security, the response to each criterion, similar contracts and financial capacity, the detailed
price form per year (every item of the schedule with its quantity and empty price cells) and the
price summary. The same forms as a workbook to fill in are on the bidder's price page (XLSX)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from ppp.documents.pdf import Document, Meta, day, money, parse_moment
from ppp.documents.words import amount_in_words

from .bidding_common import BLANK, days, form_heading, grid, quantity, rate, signed, title_of, when


def _tender_line(t: dict[str, Any], reference: str) -> str:
    return _("package %(reference)s “%(title)s”") % {"reference": reference, "title": t["title"]}


def _amendments(inputs: dict[str, Any]) -> str:
    """The bid letter's mention of the amendments (", including its amendments No. 1, 2"), or nothing."""
    numbers = [str(a["number"]) for a in inputs["amendments"]]
    return (
        _(", including its amendments No. %(numbers)s") % {"numbers": ", ".join(numbers)} if numbers else ""
    )


def security_expiry(t: dict[str, Any], extra_days: int) -> dt.date | None:
    """The last day the bid security must cover: the closing date + the bid validity + the rule's
    extra days (30 under Decree 214/2025)."""
    closing = parse_moment(t["closing_at"])
    if closing is None:
        return None
    return timezone.localtime(closing).date() + dt.timedelta(days=int(t["bid_validity_days"]) + extra_days)


def extra_days(inputs: dict[str, Any]) -> int:
    security = inputs["rules"].get("bidding.bid_security", {})
    return int(security.get("parameters", {}).get("validity_extra_days", 30))


def _sign(doc: Document, role: str) -> None:
    doc.signatures(("", ""), (role, signed()))


def bid_letter(doc: Document, inputs: dict[str, Any]) -> None:
    t = inputs["tender"]
    form_heading(doc, "form_letter")
    doc.paragraph(_("Place and date: %(blank)s") % {"blank": BLANK}, "muted")
    doc.paragraph(_("To: %(agency)s") % {"agency": t["agency"]})
    doc.paragraph(
        _(
            "Having examined the bidding document of %(package)s%(amendments)s, we, %(blank)s (the "
            "bidder), registered at %(blank)s, tax code %(blank)s, offer to carry out the package as the "
            "bidding document requires, for the total price of "
            "%(blank)s %(currency)s (in words: %(blank)s), including VAT, as stated in the price "
            "summary, and before the discount below."
        )
        % {"package": _tender_line(t, inputs["reference"]), "amendments": _amendments(inputs), "blank": BLANK,
           "currency": t["currency"]}
    )  # fmt: skip
    doc.paragraph(
        _(
            "We offer a discount of %(blank)s%% of that price, applied in the same proportion to every "
            "unit price of the price forms. The price after the discount is %(blank)s %(currency)s "
            "(in words: %(blank)s)."
        )
        % {"blank": BLANK, "currency": t["currency"]}
    )
    doc.paragraph(
        _(
            "Our bid is valid for %(days)s from the closing (%(closing)s). We enclose a bid security of "
            "%(amount)s (%(words)s), valid for %(security_days)s from the closing."
        )
        % {"days": days(t["bid_validity_days"]), "closing": when(t["closing_at"]),
           "amount": money(t["bid_security"], t["currency"]),
           "words": amount_in_words(t["bid_security"], t["currency"], doc.meta.language),
           "security_days": days(int(t["bid_validity_days"]) + extra_days(inputs))}
    )  # fmt: skip
    doc.paragraph(_("We declare that:"))
    doc.bullets([
        _("we have the legal status the bidding document requires, are not being dissolved, are not "
          "bankrupt and owe no overdue tax or social insurance;"),
        _("we are not banned from bidding and meet the independence required from the agency, its "
          "consultants and the other bidders;"),
        _("we take part in one bid only for this package, alone or as a member of one joint venture;"),
        _("we have not committed and will not commit any act the Law on Bidding prohibits: bribery, "
          "collusion, fraud, obstruction, or using information of the package we should not have;"),
        _("everything this bid states is true, and we accept the corrections of errors the bidding "
          "document describes;"),
        _("if we are awarded the contract, we will provide the performance security and sign the "
          "contract within the time the notice of award states."),
    ])  # fmt: skip
    _sign(doc, _("Legal representative of the bidder"))


def power_of_attorney(doc: Document, inputs: dict[str, Any]) -> None:
    form_heading(doc, "form_authorisation")
    doc.paragraph(
        _(
            "I, %(blank)s, legal representative of %(blank)s, authorise %(blank)s, holding identity "
            "document No. %(blank)s, to act for the bidder in %(package)s: to sign the bid letter and the "
            "forms, to ask for clarifications, to answer the agency's requests and the corrections of "
            "errors, and to sign the bid security request. The authorised person may not delegate this "
            "authority. It is valid from %(blank)s to %(blank)s."
        )
        % {"blank": BLANK, "package": _tender_line(inputs["tender"], inputs["reference"])}
    )
    doc.signatures(
        (_("Authorised person"), _("(signature, full name)")),
        (_("Legal representative of the bidder"), signed()),
    )


def joint_venture(doc: Document, inputs: dict[str, Any]) -> None:
    form_heading(doc, "form_joint_venture")
    doc.paragraph(
        _(
            "The members below form a joint venture to bid for %(package)s. They name %(blank)s the "
            "leading member, who signs the bid for all of them, and they are jointly and severally liable "
            "for the bid and, if it is awarded, for the contract. Each member's share of the work and of "
            "the price is stated below; each member provides its share of the bid security or the "
            "leading member provides it for all. A member leaving the joint venture ends its bid."
        )
        % {"package": _tender_line(inputs["tender"], inputs["reference"]), "blank": BLANK}
    )
    grid(
        doc,
        [_("Member"), _("Work it carries out"), _("Share of the price (%)")],
        [["", "", ""] for _row in range(3)],
        widths=[3, 5, 1.6],
        numeric=[2],
    )
    _sign(doc, _("Legal representatives of the members"))


def bid_security_form(doc: Document, inputs: dict[str, Any]) -> None:
    t = inputs["tender"]
    expiry = security_expiry(t, extra_days(inputs))
    form_heading(doc, "form_security")
    doc.paragraph(_("Beneficiary: %(agency)s") % {"agency": t["agency"]})
    if t["agency_address"]:
        doc.paragraph(_("Address: %(address)s") % {"address": t["agency_address"]})
    doc.paragraph(_("Guarantee No.: %(blank)s · date: %(blank)s") % {"blank": BLANK})
    doc.paragraph(
        _(
            "We have been told that %(blank)s (the bidder) is bidding for %(package)s. At the bidder's "
            "request, we, %(blank)s (the bank), irrevocably undertake to pay the beneficiary any sum up "
            "to the amount below within 5 working days of its first written demand stating that the "
            "bidder:"
        )
        % {"blank": BLANK, "package": _tender_line(t, inputs["reference"])}
    )
    doc.bullets([
        _("withdrew or changed its bid after the closing while the bid was valid;"),
        _("committed an act the Law on Bidding prohibits, and its bid was rejected or the award "
          "cancelled for it;"),
        _("refused the correction of errors of its bid, or refused to negotiate or finalise the "
          "contract without a reason accepted by the agency;"),
        _("did not provide the performance security, or did not sign the contract, within the time the "
          "notice of award states."),
    ])  # fmt: skip
    doc.amount(_("Bid security"), t["bid_security"], t["currency"])
    doc.paragraph(
        _(
            "This guarantee is valid for %(days)s from the closing, that is until %(expiry)s inclusive, "
            "and any demand must reach us by then. It is released to an unsuccessful bidder within 14 "
            "days of the award being published, and to the successful bidder once it has provided the "
            "performance security."
        )
        % {"days": days(int(t["bid_validity_days"]) + extra_days(inputs)),
           "expiry": "—" if expiry is None else day(expiry)}
    )  # fmt: skip
    _sign(doc, _("Legal representative of the bank"))


def criteria_response(doc: Document, inputs: dict[str, Any]) -> None:
    form_heading(doc, "form_response")
    doc.paragraph(
        _(
            "For each criterion of Chapter III, say how the bid meets it and where the proof is (an "
            "attachment and its page). A pass/fail requirement left without an answer is a failure; a "
            "scored criterion is scored on what is written here and in the attachments it names."
        )
    )
    rows = []
    for c in inputs["criteria"]:
        points = quantity(c["max_points"])
        kind = _("%(points)s points") % {"points": points} if c["scored"] else _("Pass/fail requirement")
        rows.append([c["code"], c["name"], kind, "", ""])
    if not rows:
        rows = [["", "", "", "", ""]]
    grid(
        doc,
        [_("Code"), _("Criterion"), _("Kind"), _("How the bid meets it"), _("Proof (attachment, page)")],
        rows,
        widths=[16, 46, 22, 56, 30],  # mm
    )
    _sign(doc, _("Legal representative of the bidder"))


def experience_form(doc: Document, inputs: dict[str, Any]) -> None:
    form_heading(doc, "form_experience")
    doc.paragraph(
        _(
            "List the contracts of a similar kind and size the bidder completed or is carrying out in the "
            "last 5 years, with the client's confirmation or the acceptance record attached; then the "
            "audited figures of the last 3 years."
        )
    )
    grid(
        doc,
        [_("No."), _("Contract and client"), _("Value"), _("Period"), _("Role"), _("What makes it similar")],
        [[str(n), "", "", "", "", ""] for n in range(1, 6)],
        widths=[0.6, 3.6, 1.6, 1.6, 1.4, 3.2],
    )
    grid(
        doc,
        [_("Year"), _("Revenue"), _("Net assets"), _("Current ratio"), _("Profit after tax")],
        [["", "", "", "", ""] for _row in range(3)],
        widths=[1, 2, 2, 1.6, 2],
        numeric=[1, 2, 3, 4],
    )
    _sign(doc, _("Legal representative of the bidder"))


def _item_name(item: dict[str, Any]) -> str:
    if item["lot"] is None:
        return item["name"]
    return _("Lot %(number)s · %(name)s") % {"number": item["lot"], "name": item["name"]}


def price_forms(doc: Document, inputs: dict[str, Any]) -> None:
    """One detailed price form per year: every item with its quantity that year and empty cells for
    the unit price excluding VAT and the amounts; a year without a quantity needs no price ("—")."""
    t = inputs["tender"]
    vat = rate(t["vat_rate"])
    header = [_("No."), _("Code"), _("Item"), _("Unit"), _("Quantity"), _("Unit price"),
              _("Amount excl. VAT"), _("VAT"), _("Amount incl. VAT")]  # fmt: skip
    widths = [8, 16, 41, 17, 15, 20, 21, 11, 21]  # mm of the 170 mm frame
    for index, year in enumerate(inputs["years"]):
        doc.page_break()
        form_heading(doc, "form_prices", f" · {year}")
        doc.paragraph(
            _(
                "Year %(year)s, in %(currency)s. Write a unit price excluding VAT for every item with a "
                "quantity; the amount is the quantity times the unit price. VAT of %(vat)s applies to the "
                "items marked with it. The quantities are the agency's and may not be changed."
            )
            % {"year": year, "currency": t["currency"], "vat": vat}
        )
        rows = []
        for number, item in enumerate(inputs["items"], start=1):
            amount = item["quantities"][index] if index < len(item["quantities"]) else "0"
            empty = "" if amount not in ("", None) and Decimal(str(amount)) != 0 else "—"
            rows.append([str(number), item["code"], _item_name(item), item["unit"], quantity(amount), empty,
                         empty, vat if item["vat"] else "—", empty])  # fmt: skip
        rows.append(["", "", _("Total for %(year)s") % {"year": year}, "", "", "", "", "", ""])
        grid(doc, header, rows, widths=widths, numeric=[0, 4, 5, 6, 7, 8], total_rows=1)


def price_summary(doc: Document, inputs: dict[str, Any]) -> None:
    t = inputs["tender"]
    doc.page_break()
    form_heading(doc, "form_summary")
    doc.paragraph(
        _(
            "Carry each year's totals from the detailed price forms; the discount offered in the bid "
            "letter applies to the total. In %(currency)s."
        )
        % {"currency": t["currency"]}
    )
    rows = [[str(year), "", "", ""] for year in inputs["years"]]
    rows += [
        [_("Total"), "", "", ""],
        [_("Discount (%(rate)s)") % {"rate": BLANK}, "", "", ""],
        [_("Price after discount"), "", "", ""],
    ]
    grid(
        doc,
        [_("Year"), _("Amount excl. VAT"), _("VAT"), _("Amount incl. VAT")],
        rows,
        widths=[2.4, 2.5, 2, 2.5],
        numeric=[1, 2, 3],
        total_rows=3,
    )
    doc.paragraph(_("Price after discount, including VAT, in words: %(blank)s") % {"blank": BLANK})
    doc.paragraph(
        _("The same forms as a workbook to fill in (XLSX) are on your bid's price page: %(link)s")
        % {"link": inputs["links"]["bid"]},
        "muted",
    )
    _sign(doc, _("Legal representative of the bidder"))


def chapter_four(doc: Document, inputs: dict[str, Any]) -> None:
    """Every form, each on its own page (the price forms one page set per year)."""
    forms = (bid_letter, power_of_attorney, joint_venture, bid_security_form, criteria_response,
             experience_form)  # fmt: skip
    for index, form in enumerate(forms):
        if index:
            doc.page_break()
        form(doc, inputs)
    price_forms(doc, inputs)
    price_summary(doc, inputs)


def render_bid_forms(inputs: dict[str, Any], meta: Meta) -> bytes:
    t = inputs["tender"]
    doc = Document(meta)
    doc.national_heading()
    doc.title(title_of("forms"), f"{inputs['reference']} · {t['title']}")
    doc.facts([
        (_("Agency"), t["agency"]),
        (_("Tender"), f"{inputs['reference']} · {t['title']}"),
        (_("Tender version"), str(t["version"])),
        (_("Closing"), when(t["closing_at"])),
        (_("Currency"), t["currency"]),
        (_("Items and quantities per year"),
         _("%(items)s items over %(years)s years")
         % {"items": len(inputs["items"]), "years": len(inputs["years"])}),
    ])  # fmt: skip
    doc.paragraph(
        _(
            "These are the blank forms of Chapter IV of the bidding document. Fill in every form, have the "
            "bidder's legal representative (or the person named in the power of attorney) sign them, and "
            "attach them to the bid before the closing. The prices are entered in the system, or in the "
            "workbook (XLSX) of the same price forms on your bid's price page: %(link)s"
        )
        % {"link": inputs["links"]["bid"]}
    )
    doc.page_break()
    chapter_four(doc, inputs)
    return doc.build()
