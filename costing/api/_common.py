"""What every costing operation shares: the error responses, the caller, the version it names (through
its selector), and the engine's refusals turned into 400s naming the field."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.http import HttpRequest
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from costing import calculations, selectors
from costing.models import CostModel
from ppp import selectors as kernel_selectors
from ppp.errors import NotFound, ValidationFailed
from ppp.models import Organisation, OrganisationKind, Role, User
from ppp.schemas import ErrorOut

ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_response(description: str) -> dict[str, Any]:
    return {
        "responses": {
            200: {
                "description": description,
                "content": {XLSX: {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    }


def user_of(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def model_of(request: HttpRequest, pk: int) -> CostModel:
    return selectors.cost_model_get_for(user=user_of(request), pk=pk)


@contextmanager
def calculating(prefix: str = "") -> Iterator[None]:
    """A figure the engine refuses (a scenario that no longer applies, a tornado variant out of
    range) is bad input on the named field, not a server error."""
    try:
        yield
    except calculations.CalculationInputError as error:
        raise ValidationFailed(
            "costing.invalid_input",
            _("The cost model cannot be calculated: %(why)s") % {"why": f"{error.field}: {error.message}"},
            {f"{prefix}{error.field}": error.message},
        ) from None


def agency_for(user: User, organisation_id: int | None) -> Organisation:
    """The agency a new model belongs to: the one named, or the caller's only agency in which they
    are a finance officer."""
    if organisation_id is not None:
        try:
            return kernel_selectors.organisation_get_for(user=user, pk=organisation_id)
        except NotFound:
            raise NotFound(
                "organisation.not_found", _("Organisation not found."), {"organisation_id": _("not found")}
            ) from None
    agencies = {
        membership.organisation_id: membership.organisation
        for membership in kernel_selectors.user_memberships(user=user)
        if membership.role == Role.FINANCE_OFFICER and membership.organisation.kind == OrganisationKind.AGENCY
    }
    if len(agencies) != 1:
        message = (
            _("You are a finance officer of several agencies: say which one owns the model.")
            if agencies
            else _("You are not a finance officer of any agency.")
        )
        raise ValidationFailed(
            "cost_model.organisation_required", message, {"organisation_id": _("name the agency")}
        )
    return next(iter(agencies.values()))


def language_or_default(language: str | None) -> str:
    """The workbook language asked for, else the request's (Vietnamese unless it is English)."""
    if language:
        return language
    return "en" if (get_language() or "vi").startswith("en") else "vi"
