"""What every vendor page shares: the bid loaded through the selector and shown only to the bidding
vendor's own people (another company's bid, the agency's reads and a missing bid are the same 404
page), a service's PermissionDenied as the 403 page, and what the page offers to whom."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from contracts import permissions, selectors
from contracts.models import Bid, BidStatus, Tender, TenderStatus
from costing.views._common import not_found
from ppp.errors import NotFound, PermissionDenied
from ppp.models import Organisation
from ppp.permissions import _memberships
from ppp.views import forbidden


def with_bid(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Sign-in required; the view receives a bid of the person's own verified company. Anyone else
    (another vendor, the agency even after opening: it reads bids on its own, audited pages) gets
    the 404 page, the same as for a bid that does not exist."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, bid_id: int, **kwargs: Any) -> HttpResponse:
        try:
            bid = selectors.bid_get_for(user=request.user, pk=bid_id)  # type: ignore[arg-type]
            if not permissions.is_bidder(request.user, bid):
                raise NotFound("bid.not_found", _("Bid not found."))
            return view(request, bid, **kwargs)
        except NotFound:
            return not_found(request)
        except PermissionDenied as error:
            return forbidden(request, error)

    return wrapper


def with_tender(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Sign-in required; the view receives a tender the person may see, or the 404 page is shown."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, pk: int, **kwargs: Any) -> HttpResponse:
        try:
            tender = selectors.tender_get_for(user=request.user, pk=pk)  # type: ignore[arg-type]
            return view(request, tender, **kwargs)
        except NotFound:
            return not_found(request)
        except PermissionDenied as error:
            return forbidden(request, error)

    return wrapper


def vendor_companies(user: Any) -> list[Organisation]:
    """The verified vendor companies the person works for, in name order."""
    own = permissions.vendor_ids(user)
    seen = {m.organisation_id: m.organisation for m in _memberships(user) if m.organisation_id in own}
    return sorted(seen.values(), key=lambda organisation: (organisation.name, organisation.pk))


def tender_is_open(tender: Tender) -> bool:
    """Published and before its closing. The services decide by the database clock; this only
    chooses what the page offers."""
    return tender.status == TenderStatus.PUBLISHED and tender.closing_at > timezone.now()


@dataclass(frozen=True)
class BidState:
    """What the page offers on this bid to this person (the services check it all again)."""

    prepare: bool  # a bid preparer or signatory of the vendor
    sign: bool  # a signatory of the vendor: submits and withdraws
    open: bool  # the tender takes bids
    withdrawn: bool
    submitted: bool
    amended: bool  # the tender changed since the version the bid answers
    returned_by_amendment: bool
    returned_by_edit: bool

    @property
    def edit(self) -> bool:
        return self.prepare and self.open and not self.withdrawn

    @property
    def submit(self) -> bool:
        return self.sign and self.open and not self.withdrawn and not self.submitted

    @property
    def withdraw(self) -> bool:
        return self.sign and self.open and not self.withdrawn


def bid_state(user: Any, bid: Bid) -> BidState:
    tender = bid.tender
    submitted = bid.status == BidStatus.SUBMITTED
    was_submitted = bid.status == BidStatus.DRAFT and bool(bid.receipt_number)
    amended = bid.tender_version < tender.version
    return BidState(
        prepare=permissions.can_prepare_bid(user, bid),
        sign=permissions.can_sign_bid(user, bid),
        open=tender_is_open(tender),
        withdrawn=bid.status == BidStatus.WITHDRAWN,
        submitted=submitted,
        amended=amended,
        returned_by_amendment=was_submitted and amended,
        returned_by_edit=was_submitted and not amended,
    )


def required_bid_security(tender: Tender) -> Decimal:
    """The least bid security the tender asks for: its rate of the package price, in whole units
    (as the submission check counts it)."""
    return (Decimal(tender.package_price) * Decimal(tender.bid_security_rate)).quantize(Decimal(1))


def years_of(tender: Tender) -> list[int]:
    first = tender.items.order_by("position", "pk").first()
    horizon = len(first.quantities) if first is not None else 0
    base = tender.cost_model.base_year
    return [base + t for t in range(horizon)]


def bid_context(request: HttpRequest, bid: Bid, section: str) -> dict[str, Any]:
    """What the bid header (title, status, the links between the bid's pages) needs."""
    state = bid_state(request.user, bid)
    return {
        "bid": bid,
        "tender": bid.tender,
        "state": state,
        "section": section,
        "has_correction": hasattr(bid, "correction"),
    }
