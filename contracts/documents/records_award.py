"""The award decision (quyết định phê duyệt kết quả lựa chọn nhà thầu): the tender, the winning vendor,
the contract price in figures and words, the contract type and term the tender set, the reasons, who
proposed the award and who approved it, and when.

Only an approved award has a decision: the agency's people and its reviewing body's approvers
generate it, and it is published with the result (every participant who may read the approved award
through `award_get_for` may download it). The contract type and term come from the tender (its
option and the years of its pricing schedule), not from the draft contract, whose terms are written
later: the decision reads the same whatever the contract's editors do."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from contracts import selectors
from contracts.models import Award, AwardStatus, ContractType
from costing.models import OptionKind
from costing.templatetags.costing_tags import legal_text
from ppp.documents import registry
from ppp.documents.pdf import Document, Meta, moment, money, parse_moment
from ppp.errors import NotFound

from .records_common import TITLES, agency_side, local_name, person, title_of


def load(user: Any, pk: int) -> Award:
    """The agency side only: the decision states the award's reasons and who proposed it, which the
    award page shows to the agency side alone (bidders read the published result on the tender)."""
    award = selectors.award_get_for(user=user, pk=pk)
    if not agency_side(user, award.tender):
        raise NotFound("award.not_found", _("Award not found."))
    return award


def can_generate(user: Any, award: Award) -> bool:
    return award.status == AwardStatus.APPROVED and agency_side(user, award.tender)


def _contract_type(option_kind: str) -> str:
    if option_kind == OptionKind.SERVICE_HIRE:
        return str(ContractType.SERVICE_HIRE.label)
    return str(OptionKind(option_kind).label)


def collect(award: Award, language: str) -> dict[str, Any]:
    award = Award.objects.select_related(
        "tender__organisation__reviewing_body", "tender__option", "tender__cost_model", "bid__vendor",
        "proposed_by", "decided_by",
    ).get(pk=award.pk)  # fmt: skip
    tender = award.tender
    agency = tender.organisation
    first_item = tender.items.order_by("position", "pk").first()
    years = len(first_item.quantities) if first_item is not None else 0
    base_year = tender.cost_model.base_year
    vendor = award.bid.vendor
    evaluation = getattr(tender, "evaluation", None)
    rules = (evaluation.results or {}).get("rules", []) if evaluation is not None else []
    approving = agency.reviewing_body or agency
    return {
        "title": title_of("award_decision", language),
        "reference": tender.reference,
        "issuer": local_name(approving),
        "place": "",
        "national_heading": True,
        "tender": {
            "reference": tender.reference,
            "title": tender.title,
            "agency": local_name(agency),
            "method": tender.get_method_display(),
            "package_price": tender.package_price,
            "currency": tender.currency,
        },
        "vendor": {"name": local_name(vendor), "tax_code": vendor.tax_code, "address": vendor.address},
        "contract_price": award.contract_price,
        "contract_type": _contract_type(tender.option.kind),
        "term": {"years": years, "first": base_year, "last": base_year + years - 1},
        "reasons": award.reasons,
        "proposed_by": person(award.proposed_by),
        "proposed_at": award.proposed_at,
        "approver_body": local_name(approving),
        "decided_by": person(award.decided_by),
        "decided_at": award.decided_at,
        "decision_note": award.decision_note,
        "published_at": award.published_at,
        "evaluation_hash": evaluation.input_hash if evaluation is not None else "",
        "rules": [legal_text(rule) for rule in rules],
    }


def render(inputs: dict[str, Any], meta: Meta) -> bytes:
    doc = Document(meta)
    tender, vendor = inputs["tender"], inputs["vendor"]
    currency = tender["currency"]
    doc.national_heading()
    doc.title(inputs["title"], f"{tender['reference']} · {tender['title']}")
    doc.heading(_("Grounds"), 2)
    grounds = list(inputs["rules"])
    if inputs["evaluation_hash"]:
        grounds.append(_("The evaluation report (input hash %(hash)s)") % {"hash": inputs["evaluation_hash"]})
    grounds.append(
        _("The proposal of %(name)s, %(moment)s")
        % {"name": inputs["proposed_by"], "moment": moment(parse_moment(inputs["proposed_at"]))}
    )
    doc.bullets(grounds)
    doc.heading(_("Article 1. The contractor selection result is approved"), 2)
    winner = vendor["name"] + (f" · {_('tax code')} {vendor['tax_code']}" if vendor["tax_code"] else "")
    term = inputs["term"]
    doc.facts([
        (_("Tender"), f"{tender['reference']} · {tender['title']}"),
        (_("Agency"), tender["agency"]),
        (_("Evaluation method"), tender["method"]),
        (_("Package price"), money(tender["package_price"], currency)),
        (_("Winning vendor"), winner),
        (_("Address"), vendor["address"] or "—"),
        (_("Contract type"), inputs["contract_type"]),
        (_("Term"), _("%(years)s years (%(first)s–%(last)s)") % term if term["years"] else "—"),
    ])  # fmt: skip
    doc.amount(_("Contract price"), inputs["contract_price"], currency)
    doc.heading(_("Reasons"), 2)
    doc.paragraph(inputs["reasons"] or "—")
    doc.heading(_("Article 2. Proposal and approval"), 2)
    doc.facts([
        (_("Proposed"), f"{inputs['proposed_by']} · {moment(parse_moment(inputs['proposed_at']))}"),
        (_("Approved"), f"{inputs['decided_by']} · {moment(parse_moment(inputs['decided_at']))}"),
        (_("Decision note"), inputs["decision_note"] or "—"),
        (_("Published"), moment(parse_moment(inputs["published_at"]))),
    ])  # fmt: skip
    doc.signatures((_("Proposed by"), inputs["proposed_by"]), (_("Approved by"), inputs["decided_by"]))
    return doc.build()


KIND = registry.register(
    registry.Kind(
        name="contracts.award_decision",
        label=TITLES["award_decision"][1],
        object_type="contracts.award",
        load=load,
        collect=collect,
        render=render,
        organisation_of=lambda award: award.tender.organisation_id,
        can_generate=can_generate,
        published=lambda award: award.status == AwardStatus.APPROVED,
        order=50,
    )
)
