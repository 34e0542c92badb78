"""Every read of tendering a user can trigger, narrowed to what that user may see.

Sealing lives here. Before a tender's bids are opened, nobody outside the bidding vendor's
organisation can learn a bid's content, its existence or the number of bids: `bid_list_for` and
`bid_get_for` show the agency nothing, and the audit log hides bid entries (`sealed_bid_entries`).
After opening, every read of a bid's content by someone outside the vendor is itself audited.
Missing and not-yours raise the same NotFound.
"""

from __future__ import annotations

from typing import Any

from django.db.models import CharField, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Cast
from django.utils.translation import gettext as _

from contracts import permissions
from contracts.calculations import content_diff
from contracts.models import (
    Award,
    AwardStatus,
    Bid,
    BidPrice,
    BidStatus,
    Clarification,
    Contract,
    ContractAmendment,
    ContractAmendmentStatus,
    ContractDecision,
    ContractDecisionKind,
    ContractStatus,
    Evaluation,
    Opening,
    Tender,
    TenderStatus,
)
from costing.permissions import reviewing_body_ids
from ppp import audit
from ppp.errors import NotFound
from ppp.models import AuditEntry, OrganisationKind, Role, User
from ppp.permissions import is_administrator, organisation_ids


def sealed_bid_entries() -> Q:
    """Audit entries about bids whose tender has not been opened yet."""
    opened = (
        Bid.objects.filter(Exists(Opening.objects.filter(tender_id=OuterRef("tender_id"))))
        .annotate(key=Cast("pk", CharField()))
        .values("key")
    )
    return Q(object_type="contracts.bid") & ~Q(object_id__in=opened)


def tender_list_for(*, user: User, status: str = "") -> QuerySet[Tender]:
    """The agency's own tenders; its reviewers' once submitted; published ones for verified vendors."""
    queryset = Tender.objects.select_related("organisation", "cost_model")
    if not is_administrator(user):
        visible = Q(organisation_id__in=organisation_ids(user, OrganisationKind.AGENCY))
        reviewing = reviewing_body_ids(user)
        if reviewing:
            visible |= Q(organisation__reviewing_body_id__in=reviewing) & ~Q(status=TenderStatus.DRAFT)
        if permissions.vendor_ids(user):
            visible |= Q(published_at__isnull=False)
        queryset = queryset.filter(visible)
    if status:
        queryset = queryset.filter(status=status)
    return queryset.order_by("-updated_at", "-pk")


def tender_get_for(*, user: User, pk: int) -> Tender:
    tender = tender_list_for(user=user).filter(pk=pk).first()
    if tender is None:
        raise NotFound("tender.not_found", _("Tender not found."))
    return tender


def is_opened(tender: Tender) -> bool:
    return Opening.objects.filter(tender=tender).exists()


def bid_list_for(*, user: User, tender: Tender) -> QuerySet[Bid]:
    """A vendor's own bids on the tender; after opening, the agency and its reviewers see the
    submitted bids (and those reads are audited by `bid_read`). Before opening: nothing, not a count."""
    own = permissions.vendor_ids(user)
    queryset = Bid.objects.select_related("vendor", "tender").filter(tender=tender)
    if own:
        return queryset.filter(vendor_id__in=own)
    agency_side = permissions.is_agency_member(user, tender) or permissions.is_reviewer_of(user, tender)
    if (agency_side or is_administrator(user)) and is_opened(tender):
        return queryset.filter(status=BidStatus.SUBMITTED)
    return queryset.none()


def bid_get_for(*, user: User, pk: int) -> Bid:
    bid = Bid.objects.select_related("tender", "tender__organisation", "vendor").filter(pk=pk).first()
    if bid is None or not bid_list_for(user=user, tender=bid.tender).filter(pk=pk).exists():
        raise NotFound("bid.not_found", _("Bid not found."))
    return bid


def bid_read(*, user: User, bid: Bid) -> Bid:
    """Record that someone outside the vendor read the content of an opened bid."""
    if bid.vendor_id not in permissions.vendor_ids(user):
        audit.record(actor=user, action="bid.read", obj=bid, organisation=bid.tender.organisation)
    return bid


def bid_history_for(*, user: User, bid: Bid) -> QuerySet[AuditEntry]:
    """The bid's audit entries, oldest first: every status change, price save, submission and read.
    Its vendor sees them all (its own record, sealed from everyone else); after the opening the agency
    side sees what the seal no longer hides. `bid` comes from bid_get_for, so the person may see it."""
    entries = AuditEntry.objects.select_related("actor").filter(
        object_type="contracts.bid", object_id=str(bid.pk)
    )
    if bid.vendor_id not in permissions.vendor_ids(user):
        entries = audit.unsealed(entries)
    return entries.order_by("sequence")


def clarification_list_for(*, user: User, tender: Tender) -> QuerySet[Clarification]:
    """Answered questions are published to every participant without naming who asked; the agency
    also sees the unanswered ones, and a vendor its own."""
    queryset = Clarification.objects.filter(tender=tender).order_by("asked_at", "pk")
    if permissions.is_agency_member(user, tender):
        return queryset
    own = permissions.vendor_ids(user)
    return queryset.filter(Q(answered_at__isnull=False) | Q(vendor_id__in=own))


def opening_get_for(*, user: User, tender: Tender) -> Opening:
    opening = Opening.objects.filter(tender=tender).first()
    if opening is None:
        raise NotFound("opening.not_found", _("The bids of this tender have not been opened."))
    return opening


def evaluation_get_for(*, user: User, tender: Tender) -> Evaluation:
    """The evaluation (panel, declarations, scores, figures): the agency and its reviewers only."""
    if not (permissions.is_agency_member(user, tender) or permissions.is_reviewer_of(user, tender)):
        raise NotFound("evaluation.not_found", _("Evaluation not found."))
    evaluation = Evaluation.objects.filter(tender=tender).select_related("chair").first()
    if evaluation is None:
        raise NotFound("evaluation.not_found", _("Evaluation not found."))
    return evaluation


def panel_candidates_for(*, user: User, tender: Tender) -> list[User]:
    """People who may sit on the tender's evaluation panel (the agency's evaluators and finance
    officers), for the agency's own people only."""
    if not permissions.is_agency_member(user, tender):
        return []
    return list(
        User.objects.filter(
            memberships__organisation_id=tender.organisation_id,
            memberships__role__in=[Role.EVALUATOR, Role.FINANCE_OFFICER],
            is_active=True,
        )
        .distinct()
        .order_by("full_name", "username")
    )


def award_list_for(*, user: User, tender: Tender) -> QuerySet[Award]:
    """Approved (published) awards for every participant; all awards for the agency and reviewers."""
    queryset = (
        Award.objects.filter(tender=tender).select_related("bid", "bid__vendor").order_by("proposed_at", "pk")
    )
    if permissions.is_agency_member(user, tender) or permissions.is_reviewer_of(user, tender):
        return queryset
    return queryset.filter(status=AwardStatus.APPROVED)


def award_get_for(*, user: User, pk: int) -> Award:
    award = Award.objects.select_related("tender", "tender__organisation", "bid").filter(pk=pk).first()
    visible = award is not None and tender_list_for(user=user).filter(pk=award.tender_id).exists()
    if (
        award is None
        or not visible
        or not award_list_for(user=user, tender=award.tender).filter(pk=pk).exists()
    ):
        raise NotFound("award.not_found", _("Award not found."))
    return award


def awaiting_decision_for(*, user: User) -> dict[str, list[Any]]:
    """What waits for this approver: tenders to approve for publication and proposed awards,
    excluding the person's own work."""
    reviewing = reviewing_body_ids(user)
    if not reviewing:
        return {"tenders": [], "awards": [], "contracts": [], "amendments": []}
    tenders = (
        Tender.objects.select_related("organisation")
        .filter(status=TenderStatus.SUBMITTED, organisation__reviewing_body_id__in=reviewing)
        .exclude(created_by=user)
        .exclude(editors=user)
        .order_by("updated_at")
    )
    awards = (
        Award.objects.select_related("tender", "tender__organisation")
        .filter(status=AwardStatus.PROPOSED, tender__organisation__reviewing_body_id__in=reviewing)
        .exclude(proposed_by=user)
        .order_by("proposed_at")
    )
    mine = organisation_ids(user)
    approved_by_me = ContractDecision.objects.filter(reviewer=user, decision=ContractDecisionKind.APPROVE)
    contracts = (
        Contract.objects.select_related("tender", "agency", "vendor")
        .filter(status=ContractStatus.UNDER_REVIEW, agency__reviewing_body_id__in=reviewing)
        .exclude(authors=user)
        .exclude(vendor_id__in=mine)
        .exclude(
            Exists(
                approved_by_me.filter(
                    contract_id=OuterRef("pk"), version=OuterRef("version"), round=OuterRef("review_round")
                )
            )
        )
        .order_by("submitted_at", "pk")
    )
    amendments = (
        ContractAmendment.objects.select_related("contract", "contract__tender", "contract__agency")
        .filter(
            status=ContractAmendmentStatus.UNDER_REVIEW, contract__agency__reviewing_body_id__in=reviewing
        )
        .exclude(authors=user)
        .exclude(contract__vendor_id__in=mine)
        .exclude(
            Exists(
                approved_by_me.filter(
                    contract_id=OuterRef("contract_id"),
                    version=OuterRef("version"),
                    round=OuterRef("review_round"),
                )
            )
        )
        .order_by("submitted_at", "pk")
    )
    return {
        "tenders": list(tenders),
        "awards": list(awards),
        "contracts": list(contracts),
        "amendments": list(amendments),
    }


def bid_comparison_for(*, user: User, tender: Tender) -> dict[str, Any]:
    """The opened bids side by side with the PSC estimate, item by item and year by year (amounts
    incl. VAT, before discounts): {"years", "items": [{code, name, quantities, estimate: [..],
    bids: {bid id: [..]}}], "bids": [{bid, vendor}], "totals": {...}}. The estimate is the cost
    model option's own unit costs (what the agency expected to pay). Reads are audited."""
    agency_side = (
        permissions.is_agency_member(user, tender)
        or permissions.is_reviewer_of(user, tender)
        or is_administrator(user)
    )
    # The estimate is the agency's own; a vendor never sees it beside its bid.
    bids = list(bid_list_for(user=user, tender=tender).select_related("vendor")) if agency_side else []
    if not bids:
        raise NotFound("bid.not_found", _("No opened bids to compare."))
    from decimal import Decimal

    from costing.models import CostLine

    items = list(tender.items.order_by("position", "pk"))
    expected = {line.code: line for line in CostLine.objects.filter(option_id=tender.option_id)}
    vat = Decimal(tender.vat_rate)
    prices = {(p.bid_id, p.item_id): p.unit_prices for p in BidPrice.objects.filter(bid__in=bids)}
    rows = []
    totals: dict[str, Decimal] = {"estimate": Decimal(0), **{str(b.pk): Decimal(0) for b in bids}}
    for item in items:
        factor = 1 + vat if item.vat_applicable else Decimal(1)
        quantities = [Decimal(str(q)) for q in item.quantities]
        line = expected.get(item.code)
        estimate = [
            (Decimal(line.unit_cost) * q * factor) if line is not None else Decimal(0) for q in quantities
        ]
        per_bid = {}
        for bid in bids:
            unit_prices = prices.get((bid.pk, item.pk)) or [None] * len(quantities)
            per_bid[str(bid.pk)] = [
                Decimal(price) * q * factor if price is not None else Decimal(0)
                for price, q in zip(unit_prices, quantities, strict=True)
            ]
            totals[str(bid.pk)] += sum(per_bid[str(bid.pk)], Decimal(0))
        totals["estimate"] += sum(estimate, Decimal(0))
        rows.append(
            {
                "code": item.code,
                "name": item.name,
                "unit": item.unit,
                "quantities": quantities,
                "estimate": estimate,
                "bids": per_bid,
            }
        )
    for bid in bids:
        bid_read(user=user, bid=bid)
    base_year = tender.cost_model.base_year
    return {
        "years": [base_year + t for t in range(len(items[0].quantities) if items else 0)],
        "items": rows,
        "bids": [{"bid": bid.pk, "vendor": bid.vendor.name} for bid in bids],
        "totals": totals,
    }


def contract_list_for(*, user: User) -> QuerySet[Contract]:
    """The agency's people and its reviewing body's approvers see its contracts; a vendor's people see
    the contracts it is party to; nobody else sees any."""
    memberships = organisation_ids(user)
    reviewing = reviewing_body_ids(user)
    return (
        Contract.objects.select_related("tender", "agency", "vendor", "award")
        .filter(
            Q(agency_id__in=memberships)
            | Q(vendor_id__in=memberships)
            | Q(agency__reviewing_body_id__in=reviewing)
        )
        .order_by("-updated_at", "-pk")
    )


def contract_get_for(*, user: User, pk: int) -> Contract:
    contract = (
        contract_list_for(user=user)
        .prefetch_related("mechanisms", "service_levels", "milestones", "financial_plan", "versions",
                          "decisions__reviewer", "signatures__signer", "signatures__party", "authors")
        .filter(pk=pk)
        .first()
    )  # fmt: skip
    if contract is None:
        raise NotFound("contract.not_found", _("Contract not found."))
    return contract


def contract_history_for(*, user: User, contract: Contract) -> QuerySet[AuditEntry]:
    """Every change of the contract and its amendments, oldest first: the agency's and its reviewers'
    record (it holds the reviewers' comments and the drafts of amendments), not the vendor's."""
    if permissions.belongs_to_vendor(user, contract) and not permissions.can_prepare_contract(user, contract):
        raise NotFound("contract.not_found", _("Contract not found."))
    return (
        AuditEntry.objects.select_related("actor")
        .filter(object_type="contracts.contract", object_id=str(contract.pk))
        .order_by("sequence")
    )


def amendment_list_for(*, user: User, contract: Contract) -> QuerySet[ContractAmendment]:
    """The amendments of a contract the person may see (`contract` came from contract_get_for): the
    agency side sees every one; the vendor's people see those the agency has submitted for review."""
    amendments = contract.amendments.select_related("created_by").order_by("number")
    agency_side = contract.agency_id in organisation_ids(user) or permissions.is_contract_reviewer(
        user, contract
    )
    if not agency_side:
        amendments = amendments.filter(submitted_at__isnull=False)
    return amendments


def amendment_get_for(*, user: User, contract: Contract, number: int) -> ContractAmendment:
    amendment = amendment_list_for(user=user, contract=contract).filter(number=number).first()
    if amendment is None:
        raise NotFound("amendment.not_found", _("Amendment not found."))
    return amendment


def version_diff_for(*, user: User, contract: Contract, a: int, b: int) -> list[dict[str, Any]]:
    """What changed between two frozen versions of a contract the person may see."""
    versions = {v.number: v for v in contract.versions.filter(number__in=[a, b])}
    for number in (a, b):
        if number not in versions:
            raise NotFound("version.not_found", _("Version %(n)d not found.") % {"n": number})
    return content_diff(versions[a].content, versions[b].content)
