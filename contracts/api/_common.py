"""What every tendering operation shares: the error responses, the caller, the tender or bid a path
names (through its selector, so missing and not-yours are the same 404 and sealed bids stay
unknown), the company a vendor acts for, and the paginator that audits each opened bid it returns."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _

from contracts import permissions, selectors
from contracts.models import Bid, Criterion, Tender
from costing.api._common import ERRORS, XLSX, language_or_default, user_of, xlsx_response
from ppp import selectors as kernel_selectors
from ppp.errors import NotFound, PermissionDenied, ValidationFailed
from ppp.models import Organisation, OrganisationKind, User
from ppp.pagination import Pagination
from ppp.permissions import is_administrator

__all__ = [
    "ERRORS",
    "XLSX",
    "AuditedBidPagination",
    "bid_of",
    "criterion_of",
    "language_or_default",
    "referenced_bid",
    "require_agency_side",
    "tender_of",
    "user_of",
    "vendor_for",
    "xlsx_response",
]


def tender_of(request: HttpRequest, pk: int) -> Tender:
    return selectors.tender_get_for(user=user_of(request), pk=pk)


def bid_of(request: HttpRequest, pk: int) -> Bid:
    """The bid a path names. Before opening only its vendor's people get it; everyone else gets the
    same 404 as for a bid that does not exist, whatever they then meant to do with it."""
    return selectors.bid_get_for(user=user_of(request), pk=pk)


def referenced_bid(user: User, pk: int, field: str = "bid_id") -> Bid:
    """A bid named in a request body: unknown or sealed is a 404 naming the field."""
    try:
        return selectors.bid_get_for(user=user, pk=pk)
    except NotFound:
        raise NotFound("bid.not_found", _("Bid not found."), {field: _("not found")}) from None


def criterion_of(tender: Tender, pk: int, field: str | None = None) -> Criterion:
    """A criterion of a tender the caller may already see."""
    criterion = tender.criteria.filter(pk=pk).first()
    if criterion is None:
        raise NotFound(
            "criterion.not_found", _("Criterion not found."), {field: _("not found")} if field else None
        )
    return criterion


def vendor_for(user: User, vendor_id: int | None, *, code: str) -> Organisation:
    """The verified vendor the caller acts for: the one named, or their only one."""
    vendors = {
        membership.organisation_id: membership.organisation
        for membership in kernel_selectors.user_memberships(user=user)
        if membership.organisation.kind == OrganisationKind.VENDOR and membership.organisation.is_verified
    }
    if vendor_id is not None:
        if vendor_id not in vendors:
            raise NotFound(
                "organisation.not_found", _("Organisation not found."), {"vendor_id": _("not found")}
            )
        return vendors[vendor_id]
    if not vendors:
        raise PermissionDenied(
            f"{code}.forbidden", _("Only the people of a verified vendor may do this, for their company.")
        )
    if len(vendors) > 1:
        raise ValidationFailed(
            f"{code}.vendor_required",
            _("You belong to several vendors: say which one this is for."),
            {"vendor_id": _("name the company")},
        )
    return next(iter(vendors.values()))


def require_agency_side(user: User, tender: Tender, code: str) -> None:
    """The agency, its reviewers and administrators; vendors get a 404 (it is not theirs to see)."""
    if not (
        permissions.is_agency_member(user, tender)
        or permissions.is_reviewer_of(user, tender)
        or is_administrator(user)
    ):
        raise NotFound(f"{code}.not_found", _("Not found."))


class AuditedBidPagination(Pagination):
    """The list page of bids, with every bid on the page whose content someone outside its vendor
    reads written to the audit log (selectors.bid_read): the page, not the whole list, is what was
    read."""

    def paginate_queryset(self, queryset: Any, pagination: Any, request: HttpRequest, **params: Any) -> Any:
        page = super().paginate_queryset(queryset, pagination, request, **params)
        items = list(page["items"])
        for bid in items:
            selectors.bid_read(user=user_of(request), bid=bid)
        page["items"] = items
        return page
