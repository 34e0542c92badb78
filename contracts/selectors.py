"""Every read of tendering a user can trigger, narrowed to what that user may see.

Sealing lives here. Before a tender's bids are opened, nobody outside the bidding vendor's
organisation can learn a bid's content, its existence or the number of bids: `bid_list_for` and
`bid_get_for` show the agency nothing, and the audit log hides bid entries (`sealed_bid_entries`).
After opening, every read of a bid's content by someone outside the vendor is itself audited.
Missing and not-yours raise the same NotFound.
"""

from __future__ import annotations

from django.db.models import CharField, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Cast
from django.utils.translation import gettext as _

from contracts import permissions
from contracts.models import Bid, BidStatus, Clarification, Opening, Tender, TenderStatus
from costing.permissions import reviewing_body_ids
from ppp import audit
from ppp.errors import NotFound
from ppp.models import OrganisationKind, User
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
