"""Chapter II (the bid data sheet: this tender's terms, dates, amounts, amendments and the rule sets
applied, with their legal basis) and Chapter III (the evaluation criteria: completeness and validity,
the tender's pass/fail requirements, its scored technical criteria with the pass mark in points, and
the price evaluation of its method with the formulas the evaluation computes)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from ppp.documents.pdf import Document, day, money, parse_moment, percent, text

from .bidding_common import cite, days, grid, param, part, quantity, rate, when
from .bidding_forms import extra_days, security_expiry


def _envelopes(count: int) -> str:
    return _("Two envelopes") if count == 2 else _("One envelope")


def chapter_two(doc: Document, inputs: dict[str, Any]) -> None:
    t = inputs["tender"]
    currency = t["currency"]
    part(doc, "chapter2")
    publication, closing = parse_moment(t["publication_at"]), parse_moment(t["closing_at"])
    preparation = (closing - publication).days if publication and closing else None
    expiry = security_expiry(t, extra_days(inputs))
    category = t["category"] + (f" · {_('High-technology package')}" if t["high_technology"] else "")
    rows: list[tuple[str, Any]] = [
        (_("Agency"), t["agency"] + (f", {t['agency_address']}" if t["agency_address"] else "")),
        (_("Tender"), f"{inputs['reference']} · {t['title']}"),
        (_("Procurement category"), category),
        (_("Domestic or international"), t["scope"]),
        (_("Evaluation method"), t["method_label"]),
        (_("Envelopes"), _envelopes(t["envelopes"])),
        (_("Tender version"), str(t["version"])),
        (_("Status"), t["status"]),
        (_("Publication"), when(t["publication_at"])),
        (_("Clarification deadline"), when(t["clarification_deadline"])),
        (_("Closing"), when(t["closing_at"])),
        (_("Opening"), when(t["opening_at"])),
        (_("Where bids are submitted and opened"), inputs["links"]["tender"]),
        (_("Bid preparation time"), "—" if preparation is None else days(preparation)),
        (_("Currency"), currency),
        (_("VAT rate"), rate(t["vat_rate"])),
        (_("Bid validity"), days(t["bid_validity_days"])),
        (_("Bid security (percentage of the package price)"), rate(t["bid_security_rate"])),
        (_("Validity of the bid security"),
         _("%(days)s from the closing, until %(date)s")
         % {"days": days(int(t["bid_validity_days"]) + extra_days(inputs)),
            "date": "—" if expiry is None else day(expiry)}),
    ]  # fmt: skip
    if t["method"] == "evaluated_price":
        rows.append((_("Discount rate for the evaluated price"), rate(t["discount_rate"])))
    if t["technical_weight"] is not None and t["price_weight"] is not None:
        weights = {"technical": rate(t["technical_weight"]), "price": rate(t["price_weight"])}
        rows.append((_("Weights"), _("technical %(technical)s, price %(price)s") % weights))
    if t["pass_mark"] is not None:
        rows.append((_("Technical pass mark"), rate(t["pass_mark"])))
    rows.append((_("Score scale"), str(t["price_score_scale"])))
    rows.append((_("Preference loading"), rate(param(inputs, "bidding.preference", "loading", "0.075"))))
    if t["content_hash"]:
        rows.append((_("Approved content hash"), t["content_hash"]))
    doc.facts(rows)
    doc.amount(_("Package price"), t["package_price"], currency)
    doc.amount(_("Bid security amount"), t["bid_security"], currency)
    doc.paragraph(
        _("The bid security is %(rate)s of the package price: %(price)s × %(rate)s = %(amount)s.")
        % {"rate": rate(t["bid_security_rate"]), "price": money(t["package_price"], currency),
           "amount": money(t["bid_security"], currency)},
        "muted",
    )  # fmt: skip
    if inputs["lots"]:
        doc.heading(_("Lots"), 2)
        grid(
            doc,
            [_("Lot"), _("Name"), _("Package price")],
            [
                [str(lot["number"]), lot["name"], money(lot["package_price"], currency)]
                for lot in inputs["lots"]
            ],
            widths=[0.8, 5, 2.2],
            numeric=[2],
        )
    doc.heading(_("Amendments"), 2)
    if inputs["amendments"]:
        grid(
            doc,
            [_("Amendment"), _("Published"), _("Reason for the amendment"), _("Terms changed")],
            [[str(a["number"]), when(a["published_at"]), a["reason"], ", ".join(a["fields"])]
             for a in inputs["amendments"]],
            widths=[1.1, 1.8, 4.5, 2.6],
        )  # fmt: skip
    else:
        doc.paragraph(_("No amendments: the tender stands as published."))
    doc.heading(_("Rules applied"), 2)
    doc.paragraph(_("The rule sets valid on the publication date, which the figures of this document apply."))
    grid(
        doc,
        [_("Rule"), _("Legal basis")],
        [[rule["title"], rule["legal_basis"]] for rule in inputs["rules"].values()],
        widths=[4.5, 5],
    )


def _technical(doc: Document, inputs: dict[str, Any]) -> None:
    t = inputs["tender"]
    scored = [c for c in inputs["criteria"] if c["scored"]]
    doc.heading(_("3. Technical criteria"), 2)
    if not scored:
        doc.paragraph(
            _("No criterion is scored: the technical requirements are the pass/fail requirements above.")
        )
        return
    total = sum((Decimal(str(c["max_points"])) for c in scored), Decimal(0))
    rows = [[c["code"], c["name"], c["description"], quantity(c["max_points"])] for c in scored]
    rows.append(["", _("Total"), "", quantity(total)])
    grid(
        doc,
        [_("Code"), _("Criterion"), _("Description"), _("Maximum points")],
        rows,
        widths=[16, 50, 82, 22],  # mm
        numeric=[3],
        total_rows=1,
    )
    doc.paragraph(
        _("Technical score = points × %(scale)s / the maximum of %(total)s points.")
        % {"scale": t["price_score_scale"], "total": quantity(total)}
    )
    if t["pass_mark"] is not None:
        points = Decimal(str(t["pass_mark"])) * total
        doc.paragraph(
            _("A bid passes when it scores at least %(mark)s of the maximum, that is %(points)s of %(total)s "
              "points; a bid below the pass mark is not evaluated on price%(rule)s.")
            % {"mark": rate(t["pass_mark"]), "points": quantity(points), "total": quantity(total),
               "rule": f" ({cite(inputs, 'bidding.technical_pass_mark')})"
               if cite(inputs, "bidding.technical_pass_mark") else ""}
        )  # fmt: skip


def _price_method(inputs: dict[str, Any]) -> list[str]:
    t = inputs["tender"]
    loading = rate(param(inputs, "bidding.preference", "loading", "0.075"))
    price = _(
        "Bid price = the sum over items and years of quantity × unit price, with VAT on the items subject "
        "to it, after the correction of errors, less the discount."
    )
    preference = _("Evaluated price = the basis below, plus %(loading)s of it for a bid not entitled to "
                   "preference.") % {"loading": loading}  # fmt: skip
    method = t["method"]
    if method == "evaluated_price":
        years = inputs["years"]
        return [
            price,
            preference,
            _(
                "Basis: the lifecycle present value of the bid's yearly amounts at %(rate)s a year, %(base)s "
                "being year 0 (the amount of year t is divided by (1 + %(rate)s)^t), less the discount. The "
                "lowest evaluated price ranks first; on equal prices the earlier submission."
            )
            % {"rate": rate(t["discount_rate"]), "base": years[0] if years else t["base_year"]},
        ]
    if method == "combined":
        return [price, preference, _("Basis: the bid price."), _(
            "Price score = the lowest evaluated price × %(scale)s / this bid's evaluated price. Combined "
            "score = %(technical)s × technical score + %(weight)s × price score. The highest combined "
            "score ranks first; on equal scores the higher technical score, then the lower evaluated "
            "price, then the earlier submission."
        ) % {"scale": t["price_score_scale"], "technical": rate(t["technical_weight"]),
             "weight": rate(t["price_weight"])}]  # fmt: skip
    if method == "fixed_price":
        return [_("The price is fixed at the package price of %(price)s; a bid above it is rejected. Among "
                  "the bids that pass, the highest technical score ranks first.")
                % {"price": money(t["package_price"], t["currency"])}]  # fmt: skip
    if method == "technical_based":
        return [_("The bid with the highest technical score ranks first; its financial proposal is then "
                  "opened and negotiated, within the package price.")]  # fmt: skip
    return [
        price,
        preference,
        _(
            "Basis: the bid price. The lowest evaluated price ranks first; on equal prices the earlier "
            "submission."
        ),
    ]


def chapter_three(doc: Document, inputs: dict[str, Any]) -> None:
    t = inputs["tender"]
    part(doc, "chapter3")
    doc.heading(_("1. Completeness and validity"), 2)
    doc.bullets([
        _("the bid letter is signed by the legal representative or the person the power of attorney names;"),
        _("the bid is valid for at least %(days)s from the closing;")
        % {"days": days(t["bid_validity_days"])},
        _("the bid security is at least %(amount)s and valid for at least %(days)s from the closing;")
        % {"amount": money(t["bid_security"], t["currency"]),
           "days": days(int(t["bid_validity_days"]) + extra_days(inputs))},
        _("the bidder is eligible (Chapter I) and takes part in no other bid for this package;"),
        _("the price forms price every item that has a quantity, in %(currency)s.")
        % {"currency": t["currency"]},
    ])  # fmt: skip
    doc.paragraph(_("A bid that fails any of these is rejected and not evaluated further."))
    doc.heading(_("2. Pass/fail requirements"), 2)
    required = [c for c in inputs["criteria"] if not c["scored"]]
    if required:
        grid(
            doc,
            [_("Code"), _("Requirement"), _("What passes")],
            [[c["code"], c["name"], c["description"] or "—"] for c in required],
            widths=[16, 62, 92],  # mm
        )
        doc.paragraph(_("Every requirement must be met; one failure rejects the bid."))
    else:
        doc.paragraph(_("The tender sets no pass/fail requirement besides completeness and validity."))
    _technical(doc, inputs)
    doc.heading(_("4. Evaluation of prices"), 2)
    doc.markup(f"<b>{text(t['method_label'])}</b>")
    for line in _price_method(inputs):
        doc.paragraph(line)
    doc.heading(_("5. Ranking and award"), 2)
    doc.paragraph(
        _("The responsive bids are ranked as above. The first-ranked bid is recommended for award if its "
          "price after correction and discount, including VAT, is not above the package price of %(price)s.")
        % {"price": money(t["package_price"], t["currency"])}
    )  # fmt: skip
    doc.paragraph(
        _("Abnormally low: more than %(package)s below the package price must be explained (Chapter I).")
        % {"package": percent(param(inputs, "bidding.abnormally_low", "below_package_price", "0.40"), 0)},
        "muted",
    )
