"""Operations on cost model versions: list, create, read, change, delete, and the workflow (submit,
approve, return, new version) with its decisions, versions and audit trail."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.pagination import paginate

from costing import selectors, services
from costing.models import CostModel, CostModelStatus
from costing.schemas import (
    CostModelDetailOut,
    CostModelIn,
    CostModelListOut,
    CostModelPatch,
    DecisionOut,
    NoteIn,
    ReturnIn,
)
from ppp.errors import ValidationFailed
from ppp.pagination import Pagination
from ppp.schemas import AuditEntryOut

from ._common import ERRORS, agency_for, model_of, user_of

router = Router(tags=["costing"])


# Cost models.


@router.get(
    "/models",
    response={200: list[CostModelListOut], **ERRORS},
    summary="Cost model versions I may see, newest change first",
    description="Filter by `status` (draft, submitted, approved, returned) and a `search` in name and "
    "purpose. Paginated with limit and offset; the number of queries does not grow with the page.",
)
@paginate(Pagination)
def model_list(  # type: ignore[no-untyped-def]
    request: HttpRequest,
    status: str = Query("", max_length=20),
    search: str = Query("", max_length=100),
):
    # Plain str: the paginate wrapper resolves annotations in its own module.
    if status and status not in CostModelStatus.values:
        raise ValidationFailed(
            "request.invalid",
            _("The request is not valid."),
            {"status": _("must be one of: %(values)s") % {"values": ", ".join(CostModelStatus.values)}},
        )
    return selectors.cost_model_list_for(user=user_of(request), status=status, search=search)


@router.post(
    "/models",
    response={201: CostModelDetailOut, **ERRORS},
    summary="Create a draft cost model (version 1), by default with the three delivery options",
    description="`organisation_id` may be left out when the caller is a finance officer of exactly one "
    "agency; otherwise 400 naming it. Only the agency's finance officers create its models (403).",
)
def model_create(request: HttpRequest, payload: CostModelIn) -> Status[CostModel]:
    user = user_of(request)
    organisation = agency_for(user, payload.organisation_id)
    fields = payload.dict(exclude={"organisation_id", "with_default_options"})
    model = services.cost_model_create(
        actor=user,
        organisation=organisation,
        with_default_options=payload.with_default_options,
        **fields,
    )
    return Status(201, selectors.cost_model_get_for(user=user, pk=model.pk))


@router.get(
    "/models/{model_id}",
    response={200: CostModelDetailOut, **ERRORS},
    summary="One cost model version with its options and what the caller may do with it",
)
def model_get(request: HttpRequest, model_id: int) -> CostModel:
    return model_of(request, model_id)


@router.patch(
    "/models/{model_id}",
    response={200: CostModelDetailOut, **ERRORS},
    summary="Change a draft's assumptions (only the fields sent)",
    description="A new horizon or base year re-shapes the lines (generated ones are regenerated); the "
    "currency cannot change once the model has lines. Approved and submitted versions are frozen (409).",
)
def model_update(request: HttpRequest, model_id: int, payload: CostModelPatch) -> CostModel:
    model = model_of(request, model_id)
    return services.cost_model_update(actor=user_of(request), model=model, **payload.dict(exclude_unset=True))


@router.delete(
    "/models/{model_id}",
    response={204: None, **ERRORS},
    summary="Delete a draft that was never submitted",
)
def model_delete(request: HttpRequest, model_id: int) -> Status[None]:
    model = model_of(request, model_id)
    services.cost_model_delete(actor=user_of(request), model=model)
    return Status(204, None)


@router.post(
    "/models/{model_id}/submit",
    response={200: CostModelDetailOut, **ERRORS},
    summary="Submit a draft (or returned) version to the reviewing body",
)
def model_submit(request: HttpRequest, model_id: int, payload: NoteIn | None = None) -> CostModel:
    model = model_of(request, model_id)
    note = payload.note if payload is not None else ""
    return services.cost_model_submit(actor=user_of(request), model=model, note=note)


@router.post(
    "/models/{model_id}/approve",
    response={200: CostModelDetailOut, **ERRORS},
    summary="Approve and freeze a submitted version (an approver of the reviewing body)",
    description="Maker-checker: an approver who created or edited the version gets 403 "
    "`cost_model.own_work`. The approved figures are stored as a receipt whose hash is the content hash.",
)
def model_approve(request: HttpRequest, model_id: int, payload: NoteIn | None = None) -> CostModel:
    model = model_of(request, model_id)
    note = payload.note if payload is not None else ""
    return services.cost_model_approve(actor=user_of(request), model=model, note=note)


@router.post(
    "/models/{model_id}/return",
    response={200: CostModelDetailOut, **ERRORS},
    summary="Return a submitted version with comments (the note is required)",
)
def model_return(request: HttpRequest, model_id: int, payload: ReturnIn) -> CostModel:
    model = model_of(request, model_id)
    return services.cost_model_return(actor=user_of(request), model=model, note=payload.note)


@router.post(
    "/models/{model_id}/new-version",
    response={201: CostModelDetailOut, **ERRORS},
    summary="Make a new draft version from an approved one",
)
def model_new_version(request: HttpRequest, model_id: int) -> Status[CostModel]:
    user = user_of(request)
    model = model_of(request, model_id)
    copy = services.cost_model_new_version(actor=user, model=model)
    return Status(201, selectors.cost_model_get_for(user=user, pk=copy.pk))


@router.get(
    "/models/{model_id}/decisions",
    response={200: list[DecisionOut], **ERRORS},
    summary="The workflow decisions of this version (who, role, what, when, note), oldest first",
)
def model_decisions(request: HttpRequest, model_id: int) -> list[Any]:
    model = model_of(request, model_id)
    return selectors.decision_list_for(user=user_of(request), model=model)


@router.get(
    "/models/{model_id}/versions",
    response={200: list[CostModelListOut], **ERRORS},
    summary="Every version of this model that I may see, oldest first",
)
def model_versions(request: HttpRequest, model_id: int) -> list[Any]:
    model = model_of(request, model_id)
    return selectors.version_list_for(user=user_of(request), model=model)


@router.get(
    "/models/{model_id}/history",
    response={200: list[AuditEntryOut], **ERRORS},
    summary="The audit trail of this version (its lines, options, risks, decisions), oldest first",
)
@paginate(Pagination)
def model_history(request: HttpRequest, model_id: int):  # type: ignore[no-untyped-def]
    model = model_of(request, model_id)
    return selectors.history_for(user=user_of(request), model=model)


@router.get(
    "/awaiting-decision",
    response={200: list[CostModelListOut], **ERRORS},
    summary="Submitted versions waiting for my decision (the reviewer's queue), oldest first",
    description="Versions I created or edited are left out: someone else must decide on them.",
)
@paginate(Pagination)
def awaiting_decision(request: HttpRequest):  # type: ignore[no-untyped-def]
    return selectors.awaiting_decision_for(user=user_of(request))
