"""What every costing page shares: the model loaded through the selector (missing and not-yours are the
same 404 page), a service's PermissionDenied as the 403 page, and the permissions a page shows."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language

from costing import permissions, selectors
from costing.models import CostModel, CostModelStatus
from ppp.errors import NotFound, PermissionDenied
from ppp.models import Role
from ppp.permissions import has_role
from ppp.views import forbidden


def not_found(request: HttpRequest) -> HttpResponse:
    return render(request, "404.html", status=404)


def language() -> str:
    return (get_language() or "vi")[:2]


def with_model(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Sign-in required; the view receives the model the person may see, or the 404 page is shown.
    A NotFound of anything inside it (an option, a line) is the same 404; a service's
    PermissionDenied is the 403 page with the service's reason."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, pk: int, **kwargs: Any) -> HttpResponse:
        try:
            model = selectors.cost_model_get_for(user=request.user, pk=pk)  # type: ignore[arg-type]
            return view(request, model, **kwargs)
        except NotFound:
            return not_found(request)
        except PermissionDenied as error:
            return forbidden(request, error)

    return wrapper


def agencies_for(user: Any) -> list[Any]:
    """Agencies in which the person may create cost models."""
    from ppp.permissions import _memberships

    seen = {}
    for membership in _memberships(user):
        if permissions.can_create_cost_model(user, membership.organisation):
            seen[membership.organisation_id] = membership.organisation
    return list(seen.values())


def can(user: Any, model: CostModel, editor_ids: set[int] | None = None) -> dict[str, bool]:
    """What the page offers; the services enforce it again."""
    finance = has_role(user, Role.FINANCE_OFFICER, model.organisation)
    return {
        "edit": permissions.can_edit_cost_model(user, model),
        "submit": permissions.can_submit_cost_model(user, model),
        "decide": permissions.can_decide_cost_model(user, model, editor_ids),
        "new_version": permissions.can_make_new_version(user, model),
        "delete": finance and model.status == CostModelStatus.DRAFT and model.first_submitted_at is None,
    }
