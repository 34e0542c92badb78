"""The contract summary: parties, value (in words), term, clauses, the price schedule per year, the
payment mechanism, the service levels, the milestones, the PPP financial plan, the approval chain with
its decisions, the frozen versions with their SHA-256 and the signatures."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from contracts import permissions, selectors
from contracts.models import PPP_CONTRACT_TYPES, Contract, MechanismKind
from contracts.services import amendments
from contracts.templatetags.tender_tags import figure, parameters
from ppp.documents import registry
from ppp.documents.pdf import Document, Meta, day, moment, money, number, parse_date, parse_moment, percent


def _load(user: Any, pk: int) -> Contract:
    return selectors.contract_get_for(user=user, pk=pk)


def collect(contract: Contract, language: str) -> dict[str, Any]:
    """Everything the summary prints, as plain values (amounts as strings)."""
    base_year = contract.tender.cost_model.base_year
    schedule = amendments._schedule(contract)
    agency = contract.agency
    vendor = contract.vendor
    english = language == "en"
    return {
        "title": _("Contract summary"),
        "reference": contract.tender.reference,
        "issuer": (agency.name_en or agency.name) if english else agency.name,
        "place": "",
        "national_heading": True,
        "contract": {
            "title": contract.title or contract.tender.title,
            "status": contract.get_status_display(),
            "version": contract.version,
            "type": contract.get_contract_type_display(),
            "ppp": contract.contract_type in PPP_CONTRACT_TYPES,
            "agency": (agency.name_en or agency.name) if english else agency.name,
            "vendor": (vendor.name_en or vendor.name) if english else vendor.name,
            "vendor_tax_code": vendor.tax_code,
            "currency": contract.currency,
            "value": contract.value,
            "start_date": contract.start_date,
            "end_date": contract.end_date,
            "security_rate": contract.performance_security_rate,
            "security": None if contract.performance_security_rate is None
            else contract.value * contract.performance_security_rate,
            "warranty_months": contract.warranty_months,
            "data_ownership": contract.data_ownership,
            "handover": contract.handover,
            "approved_hash": contract.approved_hash,
        },
        "years": [base_year + i for i in range(max((len(x["quantities"]) for x in schedule.values()), default=0))],  # noqa: E501
        "lines": [
            {"code": code, "name": line["name"], "quantities": line["quantities"], "prices": line["prices"]}
            for code, line in schedule.items()
        ],
        "mechanisms": [
            {"kind": MechanismKind(m.kind).label, "parameters": parameters(m.parameters)}
            for m in contract.mechanisms.all()
        ],
        "service_levels": [
            {"code": s.code, "name": s.name, "target": f"{number(s.target, 2)} {s.unit}",
             "period": s.get_period_display(), "rule": parameters(s.rule)}
            for s in contract.service_levels.all()
        ],
        "milestones": [
            {"name": m.name, "due": m.due_date, "amount": m.amount, "criteria": m.acceptance_criteria}
            for m in contract.milestones.all()
        ],
        "plan": [{"year": y.year, "revenue": y.projected_revenue} for y in contract.financial_plan.all()],
        "decisions": [
            {"version": d.version, "round": d.round, "decision": d.get_decision_display(),
             "reviewer": d.reviewer.get_full_name() or d.reviewer.username, "senior": d.senior,
             "at": d.decided_at, "comment": d.comment}
            for d in contract.decisions.all() if d.amendment_id is None
        ],
        "versions": [
            {"number": v.number, "hash": v.content_hash, "at": v.approved_at} for v in contract.versions.all()
        ],
        "signatures": [
            {"version": s.version, "party": s.party.name_en or s.party.name if english else s.party.name,
             "signer": s.signer.get_full_name() or s.signer.username, "at": s.signed_at}
            for s in contract.signatures.all()
        ],
    }  # fmt: skip


def render(inputs: dict[str, Any], meta: Meta) -> bytes:
    doc = Document(meta)
    c = inputs["contract"]
    currency = c["currency"]
    doc.national_heading()
    doc.title(_("Contract summary"), f"{c['title']} · {_('version')} {c['version']} · {c['status']}")
    doc.heading(_("1. Parties and terms"))
    security = (
        "—"
        if c["security_rate"] is None
        else f"{percent(c['security_rate'])} · {money(c['security'], currency)}"
    )
    doc.facts([
        (_("Contracting agency"), c["agency"]),
        (_("Vendor"), f"{c['vendor']} ({_('tax code')} {c['vendor_tax_code']})"),
        (_("Contract type"), c["type"]),
        (_("Term"), f"{day(parse_date(c['start_date']))} – {day(parse_date(c['end_date']))}"),
        (_("Performance security"), security),
        (_("Warranty"), "—" if c["warranty_months"] is None
         else _("%(n)s months") % {"n": c["warranty_months"]}),
        (_("Data ownership"), c["data_ownership"] or "—"),
        (_("Hand-over at the end"), c["handover"] or "—"),
    ])  # fmt: skip
    doc.amount(_("Contract value"), c["value"], currency)
    doc.heading(_("2. Price schedule"))
    years = inputs["years"]
    rows, total = [], Decimal(0)
    for line in inputs["lines"]:
        for year, quantity, price in zip(years, line["quantities"], line["prices"], strict=False):
            if not Decimal(quantity) and not Decimal(price):
                continue
            value = Decimal(quantity) * Decimal(price)
            total += value
            rows.append(
                [f"{line['code']} {line['name']}", str(year), figure(quantity), number(price), number(value)]
            )
    rows.append(["", "", "", _("Total before VAT and discount"), number(total)])
    doc.table(
        [_("Line"), _("Year"), _("Quantity"), _("Unit price"), _("Amount")],
        rows, widths=[4, 1, 1.2, 2, 2.2], numeric=[2, 3, 4], total_rows=1,
    )  # fmt: skip
    doc.heading(_("3. Payment mechanism"))
    if inputs["mechanisms"]:
        doc.table(
            [_("Mechanism"), _("Parameters")],
            [[m["kind"], m["parameters"]] for m in inputs["mechanisms"]],
            widths=[2, 5],
        )
    else:
        doc.paragraph(_("No payment mechanism yet."))
    doc.heading(_("4. Service levels"))
    doc.table(
        [_("Code"), _("Name"), _("Target"), _("Measured"), _("When missed")],
        [[s["code"], s["name"], s["target"], s["period"], s["rule"]] for s in inputs["service_levels"]],
        widths=[1, 3, 1.3, 1.3, 3],
        numeric=[2],
    )
    doc.heading(_("5. Milestones"))
    doc.table(
        [_("Milestone"), _("Due"), _("Payment"), _("Acceptance criteria")],
        [
            [
                m["name"],
                day(parse_date(m["due"])),
                money(m["amount"], currency) if m["amount"] else "—",
                m["criteria"],
            ]
            for m in inputs["milestones"]
        ],
        widths=[3, 1.3, 1.8, 4],
        numeric=[2],
    )
    if c["ppp"]:
        doc.heading(_("6. Financial plan"))
        doc.table(
            [_("Year"), _("Projected revenue")],
            [[str(y["year"]), money(y["revenue"], currency)] for y in inputs["plan"]],
            widths=[1, 2],
            numeric=[1],
        )
    doc.heading(_("Review, approval and signature"))
    doc.table(
        [_("Version"), _("Round"), _("Decision"), _("Reviewer"), _("When"), _("Comment")],
        [
            [
                str(d["version"]),
                str(d["round"]),
                d["decision"],
                d["reviewer"] + (f" ({_('senior')})" if d["senior"] else ""),
                moment(parse_moment(d["at"])),
                d["comment"],
            ]
            for d in inputs["decisions"]
        ],
        widths=[0.8, 0.8, 1.5, 2.2, 1.8, 3],
    )
    if inputs["versions"]:
        doc.table(
            [_("Version"), _("Approved"), "SHA-256"],
            [[str(v["number"]), moment(parse_moment(v["at"])), v["hash"]] for v in inputs["versions"]],
            widths=[0.8, 1.6, 6],
        )
    if inputs["signatures"]:
        doc.table(
            [_("Version"), _("Party"), _("Signed by"), _("When")],
            [
                [str(s["version"]), s["party"], s["signer"], moment(parse_moment(s["at"]))]
                for s in inputs["signatures"]
            ],
            widths=[0.8, 3, 2, 1.8],
        )
    doc.signatures((_("For the agency"), c["agency"]), (_("For the vendor"), c["vendor"]))
    return doc.build()


registry.register(
    registry.Kind(
        name="contracts.contract_summary",
        label=gettext_lazy("Contract summary"),
        object_type="contracts.contract",
        load=_load,
        collect=collect,
        render=render,
        organisation_of=lambda contract: contract.agency_id,
        can_generate=lambda user, contract: (
            permissions.can_prepare_contract(user, contract)
            or permissions.is_contract_reviewer(user, contract)
            or bool(permissions.signing_parties(user, contract))
        ),
        published=lambda contract: contract.status not in ("draft", "under_review"),
    )
)
