"""The cost estimate (pricing document) of a cost model version: for each delivery option the
estimate structure V = G_XL + G_TB + G_QLDA + G_TV + G_K + G_DP with its derived lines, every cost
line with its quantity and unit cost per year, the totals per year and over the life (nominal, real
and present value, as the results page gives them), the assumptions with their sources, and the
cost model estimate (the nominal lifecycle cost incl. VAT that caps a tender made from the option)
in figures and in words.

Amounts per year are on the model's basis (constant prices for a real model) before VAT, each cell
unit cost x quantity rounded half up to the currency's places; the unit cost of a year is the
engine's amount divided by the quantity, so escalation relative to the general index shows in it.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import numpy as np
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from costing.calculations.appraisal import ESTIMATE_GROUPS, Appraisal, OptionAppraisal
from costing.calculations.inputs import DERIVED_CATEGORIES, prepare
from costing.models import CostModel, LineKind, Option, OptionKind
from costing.views.figures import ESTIMATE_LABELS, contingency_parts
from ppp.documents import registry
from ppp.documents.pdf import Document, Meta, money, number, text

from . import _common as common

GROUP_OF = {category: group for group, members in ESTIMATE_GROUPS for category in members}
GROUP_ORDER = [group for group, _members in ESTIMATE_GROUPS]
YEARS_PER_TABLE = 4


def _years_of_line(figures: OptionAppraisal, row: int, basis_ex: np.ndarray, quantities: np.ndarray) -> list:
    results, places = figures.results, figures.places
    sign = -1.0 if results.kinds[row] == "revenue" else 1.0
    derived = results.categories[row] in DERIVED_CATEGORIES
    cells = []
    for period in range(results.horizon):
        amount = float(basis_ex[row, period])
        count = float(quantities[row, period])
        cells.append(
            {
                "quantity": None if derived else repr(count),
                "unit_cost": None if derived or count == 0 else common.money_text(amount / count, places),
                "amount": common.money_text(sign * amount, places),
            }
        )
    return cells


def _line_order(entry: dict[str, Any]) -> tuple[int, int, int]:
    kinds = list(LineKind.values)
    group = GROUP_ORDER.index(entry["group"]) if entry["group"] in GROUP_ORDER else len(GROUP_ORDER)
    return kinds.index(entry["kind"]), group, entry["row"]


def _option(option: Option, figures: OptionAppraisal, appraisal: Appraisal) -> dict[str, Any]:
    results, places = figures.results, figures.places
    basis_ex = results.real_ex_vat if results.basis == "real" else results.nominal_ex_vat
    quantities = prepare(figures.model_input).quantities  # refresh cycles applied, as the engine uses them
    signs = np.where(np.array(results.kinds) == "revenue", -1.0, 1.0)[:, None]
    typed = {line.code: line for line in option.lines.all()}
    lines = []
    for row, code in enumerate(results.codes):
        line = typed.get(code)
        category = results.categories[row]
        lines.append(
            {
                "row": row,
                "code": code,
                "name": line.name if line else common.category_label(category),
                "category": common.category_label(category),
                "kind": results.kinds[row],
                "group": GROUP_OF.get(category) if results.kinds[row] == "capex" else None,
                "derived": category in DERIVED_CATEGORIES,
                "unit": line.unit if line else "",
                "unit_cost": line.unit_cost if line else None,
                "escalation": None if line is None else line.escalation_rate,
                "vat": line.vat_applicable if line else True,
                "refresh": line.refresh_cycle_years if line else None,
                "assumption": line.assumption if line else "",
                "source": line.source if line else "",
                "years": _years_of_line(figures, row, basis_ex, quantities),
                "total_ex_vat": common.money_text((basis_ex[row] * signs[row]).sum(), places),
                "total_inc_vat": common.money_text(results.basis_inc_vat[row].sum(), places),
                "pv": common.money_text(results.pv_by_line[row], places),
            }
        )
    lines.sort(key=_line_order)
    ex_by_year = (basis_ex * signs).sum(axis=0) if len(results.codes) else np.zeros(results.horizon)
    structure = figures.estimate_structure()
    estimate = [
        {"group": group, "label": ESTIMATE_LABELS[group], "ex_vat": ex, "inc_vat": inc}
        for group, ex, inc in structure
    ]
    rules = appraisal.snapshot.rules
    parts = contingency_parts(figures, rules.contingency_quantity_rate)
    project_management = next((line for line in lines if line["code"] == "PM"), None)
    return {
        "name": option.name,
        "kind": OptionKind(option.kind).label,
        "description": option.description,
        "years": [int(year) for year in results.years],
        "lines": lines,
        "estimate": estimate,
        "estimate_total": {
            "ex_vat": sum((ex for _group, ex, _inc in structure), Decimal(0)),
            "inc_vat": sum((inc for _group, _ex, inc in structure), Decimal(0)),
        },
        "has_capex": any(inc for _group, _ex, inc in structure),
        "implementation_years": list(figures.implementation_years),
        "project_management": None if project_management is None else project_management["total_ex_vat"],
        "contingency": parts,
        "per_year": [
            {
                "ex_vat": common.money_text(ex, places),
                "inc_vat": common.money_text(inc, places),
                "vat": common.money_text(inc - ex, places),
            }
            for ex, inc in zip(ex_by_year, results.cost_by_year, strict=True)
        ],
        "totals": {
            "ex_vat": common.money_text(ex_by_year.sum(), places),
            "inc_vat": common.money_text(results.cost_by_year.sum(), places),
            "tco_nominal": figures.tco_nominal,
            "tco_real": figures.tco_real,
            "npv": figures.npv,
            "npv_ex_vat": common.money_text(results.npv_ex_vat, places),
            "eac": figures.eac,
        },
    }


def collect(model: CostModel, language: str) -> dict[str, Any]:
    """Everything the estimate prints, from the engine's figures for the version's current inputs."""
    from costing.calculations import ENGINE_VERSION

    options, appraisal = common.appraisal_of(model)
    rules = appraisal.snapshot.rules
    return {
        **common.furniture(model, language, _("Cost model estimate")),
        "model": common.model_facts(model, language),
        "assumptions": common.assumptions(model, appraisal),
        "rules": {
            "pm_norm_rate": rules.pm_norm_rate,
            "contingency_quantity_rate": rules.contingency_quantity_rate,
            "price_index": rules.price_index if model.basis == "real" else 0,
        },
        "input_hash": appraisal.input_hash,
        "engine_version": ENGINE_VERSION,
        "options": [
            _option(option, figures, appraisal)
            for option, figures in zip(options, appraisal.options, strict=True)
        ],
        "decisions": common.decisions(model),
        "approved_by": common.approver(model),
    }


# Rendering: from the inputs only.


def _cell(cell: dict[str, Any], places: int) -> str:
    if cell["quantity"] is None:  # a derived line: its amount is a lump sum
        return "" if Decimal(cell["amount"]) == 0 else number(cell["amount"], places)
    if float(cell["quantity"]) == 0:
        return ""
    return (
        f"{common.quantity(cell['quantity'])} × {number(cell['unit_cost'], places)}\n"
        f"= {number(cell['amount'], places)}"
    )


def _line_text(line: dict[str, Any], currency: str) -> str:
    notes = [line["category"]] if line["category"] != line["name"] else []
    if line["derived"]:
        notes.append(_("computed from the rule book, not typed"))
    else:
        if line["escalation"] is not None:
            notes.append(_("escalation %(rate)s a year") % {"rate": common.rate(line["escalation"])})
        if not line["vat"]:
            notes.append(_("no VAT"))
        if line["refresh"]:
            notes.append(_("bought again every %(n)s years") % {"n": line["refresh"]})
    text = f"{line['name']}\n{'; '.join(notes)}"
    if line["assumption"]:
        text += f"\n{_('Assumption')}: {line['assumption']}"
    if line["source"]:
        text += f"\n{_('Source')}: {line['source']}"
    return text


def _lines_tables(doc: Document, option: dict[str, Any], currency: str, places: int) -> None:
    header = [
        _("Code"),
        _("Line"),
        _("Unit"),
        _("Unit cost"),
        _("Before VAT"),
        _("Incl. VAT"),
        _("Present value"),
    ]
    for kind in LineKind:
        rows = [line for line in option["lines"] if line["kind"] == kind.value]
        if not rows:
            continue
        doc.heading(str(kind.label), 3)
        table = [
            [
                f"{line['group']}\n{line['code']}" if line["group"] else line["code"],
                _line_text(line, currency),
                line["unit"] or "—",
                "—" if line["unit_cost"] is None else number(line["unit_cost"], places),
                number(line["total_ex_vat"], places),
                number(line["total_inc_vat"], places),
                number(line["pv"], places),
            ]
            for line in rows
        ]
        doc.table(header, table, widths=[1.1, 2.9, 1.3, 1.9, 1.9, 1.9, 1.9], numeric=[3, 4, 5, 6])


def _years_tables(doc: Document, option: dict[str, Any], places: int) -> None:
    years = option["years"]
    for start in range(0, len(years), YEARS_PER_TABLE):
        chunk = range(start, min(start + YEARS_PER_TABLE, len(years)))
        rows = [
            [f"{line['code']} {line['name']}", *[_cell(line["years"][i], places) for i in chunk]]
            for line in option["lines"]
        ]
        totals = option["per_year"]
        rows += [
            [_("Total before VAT"), *[number(totals[i]["ex_vat"], places) for i in chunk]],
            [_("VAT"), *[number(totals[i]["vat"], places) for i in chunk]],
            [_("Total incl. VAT"), *[number(totals[i]["inc_vat"], places) for i in chunk]],
        ]
        doc.table(
            [_("Line"), *[str(years[i]) for i in chunk]],
            rows,
            widths=[2.2, *([1.6] * YEARS_PER_TABLE)][: len(chunk) + 1],
            numeric=range(1, len(chunk) + 1),
            total_rows=3,
        )


def _estimate_structure(doc: Document, option: dict[str, Any], inputs: dict[str, Any]) -> None:
    currency, places = inputs["model"]["currency"], inputs["model"]["places"]
    doc.heading(_("Investment estimate V = G_XL + G_TB + G_QLDA + G_TV + G_K + G_DP"), 2)
    doc.table(
        [_("Component"), _("Before VAT"), _("Incl. VAT")],
        [
            [f"{row['group']} {row['label']}", number(row["ex_vat"], places), number(row["inc_vat"], places)]
            for row in option["estimate"]
        ]
        + [
            [
                "V",
                number(option["estimate_total"]["ex_vat"], places),
                number(option["estimate_total"]["inc_vat"], places),
            ]
        ],
        widths=[4, 2, 2],
        numeric=[1, 2],
        total_rows=1,
    )
    rules = inputs["rules"]
    years = ", ".join(str(year) for year in option["implementation_years"])
    doc.paragraph(
        _("Estimate structure, nominal and undiscounted (%(currency)s)") % {"currency": currency}
        + " · "
        + _("Implementation years: %(years)s.") % {"years": years},
        "muted",
    )
    if option["project_management"] is not None:
        doc.paragraph(
            _("Project management = %(rate)s × pre-tax installation and equipment.")
            % {"rate": common.rate(rules["pm_norm_rate"])}
        )
    parts = option["contingency"]
    if parts:
        quantity = _("Quantity contingency = %(rate)s × %(base)s (the other components) = %(part)s.") % {
            "rate": common.rate(rules["contingency_quantity_rate"]),
            "base": money(parts["base"], currency),
            "part": money(parts["quantity"], currency),
        }
        if inputs["model"]["basis"] == "real":
            # The catalogue's sentence carries its own sub- and superscript markup.
            price = _(
                "Price-escalation contingency = Σ V<sub>t</sub> × ((1 + %(index)s)<sup>t</sup> − 1) over the "
                "implementation years = %(part)s."
            ) % {
                "index": text(common.rate(rules["price_index"])),
                "part": text(money(parts["price"], currency)),
            }
        else:
            price = text(
                _(
                    "Price-escalation contingency = %(part)s: the lines of a nominal model already escalate, "
                    "so the price index counts as 0."
                )
                % {"part": money(parts["price"], currency)}
            )
        doc.markup(f"{text(quantity)} {price}")


def render(inputs: dict[str, Any], meta: Meta) -> bytes:
    doc = Document(meta)
    m = inputs["model"]
    currency = m["currency"]
    doc.national_heading()
    doc.title(
        _("Cost model estimate"),
        f"{m['name']} · {_('version %(version)s') % {'version': m['version']}} · {m['status']}",
    )
    doc.heading(_("1. The cost model"))
    doc.facts(
        [
            (_("Agency"), m["agency"]),
            (_("Cost model"), m["name"]),
            (_("Purpose"), m["purpose"] or "—"),
            (_("Version"), f"{m['version']} · {m['status']}"),
            (_("Basis"), m["basis_label"]),
            (_("Content hash"), m["content_hash"] or "—"),
            (
                _("Input hash of the figures"),
                f"{inputs['input_hash']} ({_('engine')} {inputs['engine_version']})",
            ),
        ]
    )
    doc.heading(_("2. Assumptions"))
    common.assumptions_table(doc, inputs["assumptions"])
    for number_of, option in enumerate(inputs["options"], start=3):
        doc.heading(f"{number_of}. {option['name']}")
        about = [part for part in (option["kind"], option["description"]) if part and part != option["name"]]
        if about:
            doc.paragraph(" · ".join(about), "muted")
        if not option["lines"]:
            doc.paragraph(_("This option has no cost lines yet."))
            continue
        if option["has_capex"]:
            _estimate_structure(doc, option, inputs)
        doc.heading(_("Cost lines"), 2)
        doc.paragraph(
            _(
                "Totals over the years on the model's basis (%(basis)s); present values incl. VAT at the "
                "discount rate; revenue counts negative."
            )
            % {"basis": m["basis_label"]},
            "muted",
        )
        _lines_tables(doc, option, currency, m["places"])
        doc.heading(_("Quantities and unit costs per year"), 2)
        doc.paragraph(
            _("Each cell: quantity × unit cost = amount before VAT (%(currency)s, %(basis)s).")
            % {"currency": currency, "basis": m["basis_label"]},
            "muted",
        )
        _years_tables(doc, option, m["places"])
        totals = option["totals"]
        doc.heading(_("Totals"), 2)
        doc.facts(
            [
                (_("Total over the years before VAT (model's basis)"), money(totals["ex_vat"], currency)),
                (_("Total over the years incl. VAT (model's basis)"), money(totals["inc_vat"], currency)),
                (_("Total cost of ownership (nominal)"), money(totals["tco_nominal"], currency)),
                (_("Total cost of ownership (real)"), money(totals["tco_real"], currency)),
                (_("Net present value"), money(totals["npv"], currency)),
                (_("Net present value before VAT"), money(totals["npv_ex_vat"], currency)),
                (_("Equivalent annual cost"), money(totals["eac"], currency)),
            ]
        )
        doc.amount(_("Cost model estimate"), totals["tco_nominal"], currency)
        doc.paragraph(
            _(
                "The cost model estimate is the option's nominal lifecycle cost incl. VAT, derived lines "
                "included: a tender made from this option may not exceed it."
            ),
            "muted",
        )
    doc.heading(_("Decisions"))
    common.decisions_table(doc, inputs["decisions"])
    doc.signatures((_("Prepared by"), m["prepared_by"]), (_("Approved by"), inputs["approved_by"] or "—"))
    return doc.build()


registry.register(
    registry.Kind(
        name="costing.estimate",
        label=gettext_lazy("Cost model estimate"),
        object_type=common.OBJECT_TYPE,
        load=common.load,
        collect=collect,  # type: ignore[arg-type]
        render=render,
        organisation_of=common.organisation_of,  # type: ignore[arg-type]
        can_generate=common.can_generate,  # type: ignore[arg-type]
        order=10,
    )
)
