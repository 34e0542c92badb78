"""What every contract page shares: the contract loaded through the selector (another organisation's
contract is the same 404 as a missing one), a service's PermissionDenied as the 403 page with its
reason, and the page render with the contract in the context (the header and tabs in
templates/contracts/_contract_header.html)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from contracts import permissions, selectors
from contracts.models import Contract
from costing.views._common import not_found
from ppp.errors import NotFound, PermissionDenied
from ppp.views import forbidden


def with_contract(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Sign-in required; the view receives the contract the person may see, or the 404 page; a
    service's PermissionDenied is the 403 page with its reason."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, pk: int, **kwargs: Any) -> HttpResponse:
        try:
            contract = selectors.contract_get_for(user=request.user, pk=pk)  # type: ignore[arg-type]
            return view(request, contract, **kwargs)
        except NotFound:
            return not_found(request)
        except PermissionDenied as error:
            return forbidden(request, error)

    return wrapper


def agency_side(user: Any, contract: Contract) -> bool:
    """The agency's people and its reviewers; the vendor sees the contract, not the agency's workings
    (its history, the drafts of amendments)."""
    return not permissions.belongs_to_vendor(user, contract) or permissions.can_prepare_contract(
        user, contract
    )


def page(
    request: HttpRequest, template: str, contract: Contract, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    shared = {"contract": contract, "contract_vendor_only": not agency_side(request.user, contract)}
    return render(request, template, {**shared, **context}, status=status)
