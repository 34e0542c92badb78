"""What every tender page shares: the tender loaded through the selector (missing and not-yours are the
same 404 page), a service's PermissionDenied as the 403 page, the derived phase, the pages the
person may reach from the tender and the actions the page offers (the services check them again).

Sealing: nothing here counts or looks up bids. Which pages a person may reach depends on whether
the bids have been opened (the opening record exists), never on whether any bid exists.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, cast

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from contracts import permissions, selectors
from contracts.models import Evaluation, Opening, Tender, TenderStatus
from contracts.templatetags.tender_tags import field_label
from costing.templatetags.costing_tags import legal_text
from costing.views._common import not_found
from ppp.errors import DomainError, NotFound, PermissionDenied
from ppp.models import Role, User
from ppp.permissions import is_administrator
from ppp.views import forbidden

__all__ = ["DomainError", "field_label", "forbidden", "not_found"]

# Labels of the workflow events in TenderDecision.decision and of the roles they were taken in.
DECISIONS = {
    "submitted": gettext_lazy("Submitted for approval"),
    "approved": gettext_lazy("Approved for publication"),
    "returned": gettext_lazy("Returned with comments"),
    "published": gettext_lazy("Published"),
    "opened": gettext_lazy("Bids opened"),
    "evaluated": gettext_lazy("Evaluated"),
    "awarded": gettext_lazy("Awarded"),
}
DECISION_ROLES = {"agency": gettext_lazy("Agency"), "panel": gettext_lazy("Evaluation panel")}


def decision_label(value: str) -> str:
    return str(DECISIONS.get(value, value))


def role_label(value: str) -> str:
    if value in DECISION_ROLES:
        return str(DECISION_ROLES[value])
    try:
        return str(Role(value).label)
    except ValueError:
        return value


def status_label(value: str) -> str:
    try:
        return str(TenderStatus(value).label)
    except ValueError:
        return value


def with_tender(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Sign-in required; the view receives the tender the person may see, or the 404 page is shown.
    A NotFound of anything inside it (a bid, an award, the opening) is the same 404; a service's
    PermissionDenied is the 403 page with the service's reason."""

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


def acting(request: HttpRequest) -> User:
    """The signed-in person (every tender page requires signing in)."""
    return cast(User, request.user)


def agency_side(user: Any, tender: Tender) -> bool:
    """The agency's people, its reviewing body's approvers and administrators."""
    return (
        is_administrator(user)
        or permissions.is_agency_member(user, tender)
        or permissions.is_reviewer_of(user, tender)
    )


def require_agency_side(user: Any, tender: Tender) -> None:
    """Pages of the agency's own records: anyone else gets the same 404 as for a missing tender."""
    if not agency_side(user, tender):
        raise NotFound("tender.not_found", _("Tender not found."))


def require_opened(user: Any, tender: Tender) -> Opening:
    """Bid pages exist only once the bids are opened: before that they are the 404 page for everyone."""
    return selectors.opening_get_for(user=user, tender=tender)


def is_open_for_bids(tender: Tender) -> bool:
    return tender.status == TenderStatus.PUBLISHED and timezone.now() < tender.closing_at


def phase(tender: Tender) -> dict[str, str]:
    """The phase derived from the timestamps: {"key", "label"}; a published tender is closed once
    its closing has passed, whatever any process did."""
    if tender.status == TenderStatus.CANCELLED:
        return {"key": "cancelled", "label": _("Cancelled")}
    if tender.published_at is None:
        return {"key": "unpublished", "label": _("Not published yet")}
    if tender.status == TenderStatus.PUBLISHED:
        if timezone.now() < tender.closing_at:
            return {"key": "open", "label": _("Open for bids")}
        return {"key": "closed", "label": _("Closed: waiting for the opening")}
    return {"key": "opened", "label": _("Closed: bids opened")}


def actions_for(user: Any, tender: Tender, *, opened: bool, evaluation: Evaluation | None) -> dict[str, bool]:
    """What the pages offer this person on this tender; every service checks again."""
    manager = permissions.can_manage_tender(user, tender)
    reviewer = permissions.is_reviewer_of(user, tender)
    now = timezone.now()
    published = tender.status == TenderStatus.PUBLISHED
    return {
        "edit": manager and tender.is_editable,
        "submit": manager and tender.is_editable,
        "decide": reviewer
        and tender.status == TenderStatus.SUBMITTED
        and not permissions.made_by(user, tender),
        "made_it": tender.status == TenderStatus.SUBMITTED and reviewer and permissions.made_by(user, tender),
        "publish": manager and tender.status == TenderStatus.APPROVED,
        "amend": manager and published and now < tender.closing_at,
        "open": permissions.can_open_bids(user, tender) and published and now >= tender.closing_at,
        "start_evaluation": manager and opened and evaluation is None,
        "answer": manager,
        "ask": bool(permissions.vendor_ids(user)) and published and now <= tender.clarification_deadline,
        "bid": bool(permissions.vendor_ids(user)) and tender.published_at is not None,
    }


def tender_page(
    request: HttpRequest,
    template: str,
    tender: Tender,
    context: dict[str, Any] | None = None,
    *,
    section: str = "",
    status: int = 200,
) -> HttpResponse:
    """Render a tender page with its header: the phase and the links to its other pages."""
    user = request.user
    opened = selectors.is_opened(tender)
    side = agency_side(user, tender)
    evaluation = None
    if side and opened:
        try:
            evaluation = selectors.evaluation_get_for(user=user, tender=tender)  # type: ignore[arg-type]
        except NotFound:
            evaluation = None
    base = {
        "tender": tender,
        "section": section,
        "phase": phase(tender),
        "opened": opened,
        "agency_side": side,
        "agency_member": permissions.is_agency_member(user, tender),
        "evaluation": evaluation,
        "computed": evaluation is not None and evaluation.results is not None,
        "can": actions_for(user, tender, opened=opened, evaluation=evaluation),
    }
    base.update(context or {})
    return render(request, template, base, status=status)


def error_status(form: Any, error: DomainError | None = None) -> int:
    if error is not None:
        return error.status_code
    return 400 if form is not None and form.errors else 200


def place_errors(form: Any, error: DomainError) -> None:
    """A service's field errors next to the fields of the form; errors on anything the form has no
    field for (the criteria, the schedule) above it, with the service's message first."""
    form.add_error(None, error.message)
    for key, message in error.fields.items():
        if key in form.fields and key in form.errors:
            continue  # the form has already said it
        if key in form.fields:
            form.add_error(key, legal_text(message))
        else:
            form.add_error(None, f"{field_label(key)}: {legal_text(message)}")
