"""The evaluation report laid out from its stored inputs only (records_evaluation.collect): the panel,
the consensus, the corrections, the figures and ranking, value for money and the rules applied."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from ppp.documents.pdf import Document, Meta, moment, money, number, parse_moment, percent


def _score(value: Any) -> str:
    return "—" if value is None else number(value, 2)


def _declaration(member: dict[str, Any]) -> str:
    if not member["declared"]:
        return _("not declared yet")
    return (
        _("conflict of interest: does not score") if member["has_conflict"] else _("no conflict of interest")
    )


def _verdict(vfm: Any) -> str:
    if vfm is None:
        return "—"
    value = Decimal(str(vfm))
    if value > 0:
        return _("cheaper than the PSC")
    return _("dearer than the PSC") if value < 0 else _("same as the PSC")


def _panel(doc: Document, inputs: dict[str, Any]) -> None:
    doc.heading(_("Evaluation panel"))
    doc.table(
        [_("Member"), _("Role"), _("Declaration"), _("Statement"), _("Declared")],
        [
            [m["name"], _("Chair") if m["chair"] else _("Evaluator"), _declaration(m),
             m["statement"] or "—", moment(parse_moment(m["at"]))]
            for m in inputs["panel"]
        ],
        widths=[1.7, 1.0, 3.0, 2.2, 1.4],
    )  # fmt: skip


def _consensus(doc: Document, inputs: dict[str, Any]) -> None:
    if inputs["requirements"]:
        doc.heading(_("Pass/fail requirements"))
        if inputs["compliance"]:
            doc.table(
                [_("Bidder"), _("Requirement"), _("Result"), _("Note")],
                [
                    [r["vendor"], f"{r['code']} {r['name']}", _("pass") if r["passed"] else _("fail"),
                     r["note"] or "—"]
                    for r in inputs["compliance"]
                ],
                widths=[2, 3, 1, 3],
            )  # fmt: skip
        else:
            doc.paragraph(_("The panel recorded no consensus on the requirements."))
    if inputs["technical_criteria"]:
        doc.heading(_("Technical scores"))
        if inputs["scores"]:
            doc.table(
                [_("Bidder"), _("Criterion"), _("Points"), _("Note")],
                [
                    [s["vendor"], f"{s['code']} {s['name']}",
                     f"{_score(s['points'])} / {_score(s['max_points'])}", s["note"] or "—"]
                    for s in inputs["scores"]
                ],
                widths=[2, 3, 1.3, 2.7],
                numeric=[2],
            )  # fmt: skip
        else:
            doc.paragraph(_("The panel recorded no consensus scores."))


def _corrections(doc: Document, inputs: dict[str, Any], currency: str) -> None:
    doc.heading(_("Arithmetic corrections"))
    corrections = inputs["corrections"]
    if not corrections:
        doc.paragraph(_("No bid was submitted by the closing."))
        return
    stated = any(c["stated_total"] is not None for c in corrections)
    header = [_("Bidder"), _("Correction"), _("Corrected total")] + ([_("Stated total")] if stated else [])
    doc.table(
        header,
        [
            [c["vendor"], c["status"], money(c["corrected_total"], currency)]
            + ([money(c["stated_total"], currency)] if stated else [])
            for c in corrections
        ],
        widths=[2.5, 2.2, 1.8] + ([1.8] if stated else []),
        numeric=[2, 3] if stated else [2],
    )
    changes = [(c["vendor"], change) for c in corrections for change in c["changes"]]
    if not changes:
        doc.paragraph(_("Nothing needed correcting."))
        return
    doc.table(
        [_("Bidder"), _("Item"), _("Rule"), _("As written"), _("Corrected"), _("Effect on the total")],
        [
            [vendor, ch["code"], ch["rule"], money(ch["before"], currency), money(ch["after"], currency),
             money(ch["difference"], currency)]
            for vendor, ch in changes
        ],
        widths=[1.5, 0.9, 3.2, 1.5, 1.5, 1.4],
        numeric=[3, 4, 5],
    )  # fmt: skip


def _figures(doc: Document, inputs: dict[str, Any], currency: str) -> None:
    tender, rows = inputs["tender"], inputs["results"]
    method = tender["method_code"]
    scored = any(row["technical_score"] is not None for row in rows)
    combined = any(row["combined_score"] is not None for row in rows)
    doc.heading(_("Evaluation results"))
    if method == "evaluated_price":
        explained = _(
            "Evaluated price = the bid's lifecycle cost (net present value of its schedule at %(rate)s, "
            "after its discount) plus any preference loading."
        ) % {"rate": percent(tender["discount_rate"])}
    else:
        explained = _(
            "Evaluated price = the bid's price after its discount (incl. VAT) plus any preference loading."
        )
    explained += " " + _("Price score = lowest evaluated price × %(scale)s ÷ this bid's evaluated price.") % {
        "scale": tender["scale"]
    }
    if combined:
        explained += " " + _(
            "Combined score = %(technical)s × technical score + %(price)s × price score."
        ) % {"technical": percent(tender["technical_weight"]), "price": percent(tender["price_weight"])}
    doc.paragraph(explained)
    header = [_("Rank"), _("Bidder"), _("Price after discount")]
    widths: list[float] = [0.6, 2.4, 1.8]
    if method == "evaluated_price":
        header.append(_("Lifecycle cost (NPV)"))
        widths.append(1.8)
    header.append(_("Evaluated price"))
    widths.append(1.8)
    if scored:
        header.append(_("Technical score"))
        widths.append(1.1)
    header.append(_("Price score"))
    widths.append(1.1)
    if combined:
        header.append(_("Combined score"))
        widths.append(1.1)
    table = []
    for row in rows:
        cells = [str(row["rank"]) if row["rank"] else "—", row["vendor"], money(row["price"], currency)]
        if method == "evaluated_price":
            cells.append(money(row["lifecycle_npv"], currency))
        cells.append(money(row["evaluated_price"], currency))
        if scored:
            cells.append(_score(row["technical_score"]))
        cells.append(_score(row["price_score"]))
        if combined:
            cells.append(_score(row["combined_score"]))
        table.append(cells)
    doc.table(header, table, widths=widths, numeric=[0, *range(2, len(header))])
    loaded = [row["vendor"] for row in rows if not row["preference"]]
    if loaded:
        doc.paragraph(_("incl. the preference loading") + ": " + ", ".join(loaded), "muted")
    notes = []
    for row in rows:
        notes += [f"{row['vendor']}: {_('abnormally low')}: {flag}" for flag in row["flags"]]
        notes += [f"{row['vendor']}: {reason}" for reason in row["reasons"]]
    doc.heading(_("Flags and reasons"), 2)
    if notes:
        doc.bullets(notes)
    else:
        doc.paragraph(_("Every bid is responsive and none is abnormally low."))
    if any(row["flags"] for row in rows):
        doc.paragraph(
            _(
                "An abnormally low bid must be explained by its bidder before an award; its performance "
                "security may then be raised."
            )
        )


def _value_for_money(doc: Document, inputs: dict[str, Any], currency: str) -> None:
    psc = inputs["psc"]
    doc.heading(_("Value for money"))
    doc.paragraph(
        _(
            "Value for money = PSC − (the bid's cost to the public, as a present value at %(rate)s, + the "
            "risks the public keeps)."
        )
        % {"rate": percent(psc["discount_rate"])}
        + " "
        + _(
            "Positive: the bid costs the public less than doing it in-house. Negative: the in-house option "
            "(the PSC) is cheaper."
        )
        + " "
        + _("It is one input to the decision, not a verdict.")
    )
    doc.facts([
        (_("PSC"), money(psc["total"], currency)),
        (_("Risks the public keeps under the option"), money(psc["retained_risk"], currency)),
    ])  # fmt: skip
    doc.table(
        [_("Bidder"), _("Value for money"), ""],
        [[row["vendor"], money(row["vfm"], currency), _verdict(row["vfm"])] for row in inputs["results"]],
        widths=[3, 2, 2],
        numeric=[1],
    )


def render(inputs: dict[str, Any], meta: Meta) -> bytes:
    doc = Document(meta)
    tender, evaluation = inputs["tender"], inputs["evaluation"]
    currency = tender["currency"]
    doc.national_heading()
    doc.title(inputs["title"], f"{tender['reference']} · {tender['title']}")
    facts = [
        (_("Agency"), tender["agency"]),
        (_("Evaluation method"), tender["method"]),
        (_("Package price"), money(tender["package_price"], currency)),
        (_("Number of bids"), str(len(inputs["results"]))),
        (_("Panel chair"), evaluation["chair"]),
        (_("Evaluation started"),
         f"{evaluation['started_by']} · {moment(parse_moment(evaluation['started_at']))}"),
        (_("Computed"), moment(parse_moment(evaluation["computed_at"]))),
    ]  # fmt: skip
    doc.facts(facts)
    _panel(doc, inputs)
    _consensus(doc, inputs)
    _corrections(doc, inputs, currency)
    _figures(doc, inputs, currency)
    _value_for_money(doc, inputs, currency)
    if inputs["rules"]:
        doc.paragraph(_("Rules applied") + ": " + "; ".join(inputs["rules"]), "small")
    doc.paragraph(_("Input hash") + ": " + evaluation["input_hash"], "small")
    doc.signatures((_("Panel chair"), evaluation["chair"]), (_("For the agency"), tender["agency"]))
    return doc.build()
