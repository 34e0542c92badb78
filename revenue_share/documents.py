"""The settlement statement of a month as a PDF: the contract and its parties, the month and status,
every line (label, payee, amount, rule), the totals, what the state pays the provider (or is owed) in
figures and words, the annual revenue band test with its conditions, the inputs hash, who computed
and approved it and the signatures. Registered with ppp.documents when the app is ready."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from contracts import permissions
from ppp.documents import registry
from ppp.documents.pdf import Document, Meta, moment, money, parse_moment
from revenue_share import settlement_selectors as selectors
from revenue_share.models import SettlementStatement, SettlementStatus
from revenue_share.rules import condition_text, rule_text, side_text

SECTIONS = (
    ("share", gettext_lazy("This month's sharing")),
    ("adjustment", gettext_lazy("Adjustments of locked months")),
    ("balance", gettext_lazy("Balance")),
)


def _load(user: Any, pk: int) -> SettlementStatement:
    return selectors.settlement_get_for(user=user, pk=pk)


def _name(organisation: Any, english: bool) -> str:
    return str((organisation.name_en or organisation.name) if english else organisation.name)


def _person(user: Any) -> str:
    if user is None:
        return ""
    return str(user.get_full_name() or user.get_username())


def collect(statement: SettlementStatement, language: str) -> dict[str, Any]:
    """Everything the statement prints, as plain values (the labels translated here)."""
    contract = statement.contract
    english = language == "en"
    band = statement.band
    return {
        "title": _("Settlement statement"),
        "reference": f"{contract.tender.reference} · {statement.period:%m/%Y}",
        "issuer": _name(contract.agency, english),
        "place": "",
        "national_heading": True,
        "contract": {
            "title": contract.title or contract.tender.title,
            "reference": contract.tender.reference,
            "agency": _name(contract.agency, english),
            "vendor": _name(contract.vendor, english),
            "vendor_tax_code": contract.vendor.tax_code,
        },
        "statement": {
            "period": f"{statement.period:%m/%Y}",
            "version": statement.version,
            "status": statement.get_status_display(),
            "currency": statement.currency,
            "net_revenue": statement.net_revenue,
            "provider_share": statement.provider_share,
            "state_share": statement.state_share,
            "adjustments": statement.adjustments,
            "net_payable_by_state": statement.net_payable_by_state,
            "inputs_hash": statement.inputs_hash,
            "computed_by": _person(statement.computed_by),
            "computed_at": statement.computed_at,
            "approved_by": _person(statement.approved_by),
            "approved_at": statement.approved_at,
        },
        "lines": [
            {
                "section": line.get("section", "share"),
                "label": _(line["label"]),
                "reference": line.get("reference", ""),
                "payee": _("the provider") if line["payee"] == "provider" else _("the state"),
                "amount": line["amount"],
                "rule": rule_text(line.get("rule", "")),
            }
            for line in statement.lines
        ],
        "band": None
        if band is None
        else {
            "year": band["year"],
            "actual_revenue": band["actual_revenue"],
            "plan_revenue": band["plan_revenue"],
            "upper_amount": band.get("upper_amount", ""),
            "lower_amount": band.get("lower_amount", ""),
            "side": band["side"],
            "amount": band.get("amount", "0"),
            "applied": band["applied"],
            "conditions": [
                {"name": c["name"], "applies_to": c["applies_to"], "held": c["held"]}
                for c in band["conditions"]
            ],
        },
    }


def render(inputs: dict[str, Any], meta: Meta) -> bytes:
    doc = Document(meta)
    c, s = inputs["contract"], inputs["statement"]
    currency = s["currency"]
    doc.national_heading()
    doc.title(
        _("Settlement statement %(month)s") % {"month": s["period"]},
        f"{c['title']} · {_('version')} {s['version']} · {s['status']}",
    )
    doc.heading(_("1. Contract and parties"))
    doc.facts([
        (_("Contract"), f"{c['reference']} · {c['title']}"),
        (_("Contracting agency"), c["agency"]),
        (_("Vendor"), f"{c['vendor']} ({_('tax code')} {c['vendor_tax_code']})"),
        (_("Month"), s["period"]),
        (_("Status"), f"{s['status']} · {_('version')} {s['version']}"),
    ])  # fmt: skip
    doc.heading(_("2. Lines of the statement"))
    for section, heading in SECTIONS:
        lines = [line for line in inputs["lines"] if line["section"] == section]
        if not lines:
            continue
        doc.heading(str(heading), 2)
        doc.table(
            [_("Line"), _("Reference"), _("Payable to"), _("Amount"), _("Rule")],
            [
                [
                    line["label"],
                    line["reference"],
                    line["payee"],
                    money(line["amount"], currency),
                    line["rule"],
                ]
                for line in lines
            ],
            widths=[3, 1.2, 1.4, 1.8, 3],
            numeric=[3],
        )
    doc.heading(_("3. Totals"))
    doc.table(
        [_("Item"), _("Amount")],
        [
            [_("Net revenue"), money(s["net_revenue"], currency)],
            [_("Provider's share"), money(s["provider_share"], currency)],
            [_("State's share"), money(s["state_share"], currency)],
            [_("Adjustments"), money(s["adjustments"], currency)],
            [_("Net payable by the state"), money(s["net_payable_by_state"], currency)],
        ],
        widths=[4, 2.5],
        numeric=[1],
        total_rows=1,
    )
    payable = Decimal(s["net_payable_by_state"])
    if payable >= 0:
        doc.amount(_("The state pays the provider"), payable, currency)
    else:
        doc.amount(_("The provider pays the state"), -payable, currency)
    band = inputs["band"]
    if band is not None:
        doc.heading(_("4. Revenue band test of %(year)s") % {"year": band["year"]})
        side = {"above": _("above"), "below": _("below")}.get(band["side"], _("within"))
        doc.facts([
            (_("Net revenue of the year"), money(band["actual_revenue"], currency)),
            (_("Planned revenue"), money(band["plan_revenue"], currency)),
            (_("Band"), f"{money(band['lower_amount'], currency)} – {money(band['upper_amount'], currency)}"
             if band["lower_amount"] and band["upper_amount"] else "—"),
            (_("Position"), side),
            (_("Amount shared"), money(band["amount"], currency)),
            (_("Shared on this statement"), _("yes") if band["applied"] else _("no")),
        ])  # fmt: skip
        doc.table(
            [_("Condition"), _("Applies to"), _("Holds")],
            [
                [
                    condition_text(cond["name"]),
                    side_text(cond["applies_to"]),
                    _("holds") if cond["held"] else _("does not hold"),
                ]
                for cond in band["conditions"]
            ],
            widths=[4, 1.5, 1.5],
        )
    doc.heading(_("Record"))
    doc.facts([
        (_("Inputs hash (SHA-256)"), s["inputs_hash"]),
        (_("Computed"), f"{s['computed_by']}, {moment(parse_moment(s['computed_at']))}"),
        (_("Approved"), f"{s['approved_by']}, {moment(parse_moment(s['approved_at']))}"
         if s["approved_at"] else _("not yet approved")),
    ], label_share=0.3)  # fmt: skip
    doc.signatures((_("For the agency"), c["agency"]), (_("For the vendor"), c["vendor"]))
    return doc.build()


def can_generate(user: Any, statement: SettlementStatement) -> bool:
    """Both parties: the agency's finance officers, its reviewers, and the vendor's people."""
    contract = statement.contract
    return (
        permissions.can_prepare_contract(user, contract)
        or permissions.is_contract_reviewer(user, contract)
        or permissions.belongs_to_vendor(user, contract)
    )


registry.register(
    registry.Kind(
        name="revenue_share.settlement_statement",
        label=gettext_lazy("Settlement statement"),
        object_type="revenue_share.settlementstatement",
        load=_load,
        collect=collect,
        render=render,
        organisation_of=lambda statement: statement.contract.agency_id,
        can_generate=can_generate,
        published=lambda statement: statement.status == SettlementStatus.APPROVED,
    )
)
