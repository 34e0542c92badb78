"""The options appraisal and value-for-money report drawn from its inputs (appraisal.py collects them):
the options compared, their lifecycle cost, the PSC build-up, value for money and the risk registers
here, the simulation, sensitivity and recommendation in appraisal_sections.py. Nothing here reads the
database or computes a figure: it formats."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from ppp.documents.pdf import Document, Meta, number

from . import _common as common
from .appraisal_sections import recommendation_section, sensitivity_section, simulation_section


def _reading(vfm: Any) -> str:
    if vfm is None:
        return "—"
    value = Decimal(vfm)
    if value > 0:
        return _("favours this option")
    if value < 0:
        return _("favours the PSC")
    return _("no difference")


def _vfm_cell(option: dict[str, Any], places: int) -> str:
    if option["vfm"] is None:
        return "—"
    if not option["line_count"]:
        return _("no cost lines yet")
    return f"{number(option['vfm'], places)}\n{_reading(option['vfm'])}"


def _allocation(risk: dict[str, Any]) -> str:
    if risk["allocation"] == "public":
        return _("public")
    if risk["allocation"] == "private":
        return _("private")
    return _("shared (%(share)s public)") % {"share": common.rate(risk["public_share"])}


def _options_section(doc: Document, inputs: dict[str, Any], currency: str) -> None:
    p = inputs["model"]["places"]
    m = inputs["model"]
    doc.heading(_("1. The options compared"))
    doc.facts(
        [
            (_("Agency"), m["agency"]),
            (
                _("Cost model"),
                f"{m['name']} · {_('version %(version)s') % {'version': m['version']}} · {m['status']}",
            ),
            (_("Purpose"), m["purpose"] or "—"),
            (_("Content hash"), m["content_hash"] or "—"),
            (_("Input hash"), inputs["input_hash"]),
        ]
    )
    doc.table(
        [_("Option"), _("Kind"), _("Description"), _("Cost lines"), _("Risks")],
        [
            [
                o["name"] + (" (PSC)" if o["is_psc"] else ""),
                o["kind"],
                o["description"] or "—",
                str(o["line_count"]),
                str(o["risk_count"]),
            ]
            for o in inputs["options"]
        ],
        widths=[2.2, 2.4, 3.4, 1, 1],
        numeric=[3, 4],
    )
    doc.heading(_("2. Assumptions"))
    common.assumptions_table(doc, inputs["assumptions"])
    doc.heading(_("3. Lifecycle cost per option"))
    doc.paragraph(_("Lifecycle cost per option (%(currency)s, incl. VAT)") % {"currency": currency}, "muted")

    def irr(o: dict[str, Any]) -> str:
        if not o["has_revenue"]:
            return _("no revenue line")
        return _("no rate exists") if o["irr"] is None else common.rate(o["irr"])

    doc.table(
        [
            _("Option"),
            _("Net present value"),
            _("Total cost of ownership (nominal)"),
            _("Total cost of ownership (real)"),
            _("Equivalent annual cost"),
            _("Internal rate of return"),
        ],
        [
            [
                o["name"],
                number(o["npv"], p),
                number(o["tco_nominal"], p),
                number(o["tco_real"], p),
                number(o["eac"], p),
                irr(o),
            ]
            for o in inputs["options"]
        ],
        widths=[2.3, 1.7, 1.7, 1.7, 1.7, 1.9],
        numeric=[1, 2, 3, 4, 5],
    )


def _value_for_money_section(doc: Document, inputs: dict[str, Any], currency: str) -> None:
    p = inputs["model"]["places"]
    psc = inputs["psc"]
    doc.heading(_("4. Public sector comparator"))
    doc.paragraph(
        _(
            "PSC (public sector comparator) = raw cost of the in-house option + competitive neutrality + "
            "transferable risk + retained risk, all as present values."
        )
    )
    if psc is None:
        doc.paragraph(_("The model has no in-house option, so there is no PSC and no value for money."))
    else:
        doc.table(
            [
                _("PSC build-up, present values at %(rate)s")
                % {"rate": common.rate(inputs["discount_rate"])},
                currency,
            ],
            [
                [_("Raw cost (present value of the in-house option)"), number(psc["raw_cost_pv"], p)],
                ["+ " + _("Competitive neutrality"), number(psc["competitive_neutrality_pv"], p)],
                [
                    "+ " + _("Transferable risk (private share of the in-house risks)"),
                    number(psc["transferable_risk_pv"], p),
                ],
                [
                    "+ " + _("Retained risk (public share of the in-house risks)"),
                    number(psc["retained_risk_pv"], p),
                ],
                ["= " + _("PSC"), number(psc["total"], p)],
            ],
            widths=[5, 2],
            numeric=[1],
            total_rows=1,
        )
        if psc["competitive_neutrality_note"]:
            doc.paragraph(f"{_('Competitive neutrality')}: {psc['competitive_neutrality_note']}", "muted")
        doc.amount(_("PSC"), psc["total"], currency)
    doc.heading(_("5. Value for money per option"))
    doc.paragraph(
        _(
            "Value for money of an option = PSC − (the option's present value + the risks the public keeps "
            "under it)."
        )
        + " "
        + _(
            "Positive: the option costs the public less than doing it in-house. Negative: the in-house "
            "option (the PSC) is cheaper."
        )
    )

    def break_even(o: dict[str, Any]) -> str:
        if o["is_psc"] or psc is None or not o["line_count"]:
            return "—"
        if o["break_even_year"]:
            return _("cheaper than the PSC from %(year)s") % {"year": o["break_even_year"]}
        return _("never within the horizon")

    doc.table(
        [
            _("Option"),
            _("Present value"),
            _("Retained risk"),
            _("Risk-adjusted cost"),
            _("Value for money"),
            _("Break-even year"),
        ],
        [
            [
                o["name"] + (" (PSC)" if o["is_psc"] else ""),
                number(o["npv"], p),
                number(o["retained_risk_pv"], p),
                number(o["risk_adjusted"], p),
                _vfm_cell(o, p),
                break_even(o),
            ]
            for o in inputs["options"]
        ],
        widths=[2.3, 1.8, 1.6, 1.8, 1.9, 1.8],
        numeric=[1, 2, 3, 4],
    )
    doc.paragraph(
        _("Risk-adjusted cost to the public (%(currency)s, present values)") % {"currency": currency}
        + ". "
        + _(
            "Risk-adjusted cost of the PSC is the PSC itself; of another option, its present value plus the "
            "risks the public keeps. Break-even: the first year from which the option's cumulative "
            "discounted cost stays at or below the PSC's raw cost."
        ),
        "muted",
    )


def _risks_section(doc: Document, inputs: dict[str, Any], currency: str) -> None:
    p = inputs["model"]["places"]
    doc.heading(_("6. Risks"))
    doc.paragraph(
        _(
            "Expected value = probability × mean impact (triangular: (min + most likely + max) / 3; PERT: "
            "(min + 4 × most likely + max) / 6), spread evenly over the years the risk may occur and "
            "discounted. The public keeps its share; the rest is transferred to the private partner."
        ),
        "muted",
    )
    for o in inputs["options"]:
        doc.heading(o["name"], 3)
        if not o["risks"]:
            doc.paragraph(_("No risks recorded for this option."))
            continue
        doc.table(
            [
                _("Risk"),
                _("Probability"),
                f"{_('Minimum')} / {_('Most likely')} / {_('Maximum')}",
                _("Years"),
                _("Allocation"),
                _("Expected value"),
                _("Present value"),
                _("Retained (public)"),
            ],
            [
                [
                    f"{r['code']} {r['name']}",
                    common.rate(r["probability"]),
                    "\n".join(
                        [
                            *(number(r[key], p) for key in ("minimum", "most_likely", "maximum")),
                            r["distribution"],
                        ]
                    ),
                    r["years"],
                    _allocation(r),
                    number(r["expected_value"], p),
                    number(r["pv"], p),
                    number(r["retained"], p),
                ]
                for r in o["risks"]
            ],
            widths=[2.3, 1.2, 1.8, 0.9, 1.4, 1.5, 1.5, 1.5],
            numeric=[1, 2, 5, 6, 7],
        )


def render(inputs: dict[str, Any], meta: Meta) -> bytes:
    doc = Document(meta)
    m = inputs["model"]
    currency = m["currency"]
    doc.national_heading()
    doc.title(
        _("Options comparison"),
        f"{m['name']} · {_('version %(version)s') % {'version': m['version']}} · {m['status']}",
    )
    _options_section(doc, inputs, currency)
    _value_for_money_section(doc, inputs, currency)
    _risks_section(doc, inputs, currency)
    simulation_section(doc, inputs, currency)
    sensitivity_section(doc, inputs, currency)
    recommendation_section(doc, inputs, currency)
    doc.heading(_("Decisions"))
    common.decisions_table(doc, inputs["decisions"])
    doc.signatures((_("Prepared by"), m["prepared_by"]), (_("Approved by"), inputs["approved_by"] or "—"))
    return doc.build()
