"""Operations on tenders: the list and one tender, creation from an approved cost model option,
changes to a draft and its criteria, the workflow (submit, approve, return, publish), amendments with
their diff, and the tender's history.

Nothing here says whether a tender has bids: the tender, its list, its history and its errors read
the same with no bid as with many until the opening.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.pagination import paginate

from contracts import exports, permissions, selectors, services
from contracts.models import Amendment, Criterion, Tender, TenderStatus
from contracts.schemas import (
    AmendmentIn,
    AmendmentOut,
    CriterionIn,
    CriterionOut,
    NoteIn,
    ReturnIn,
    TenderDetailOut,
    TenderIn,
    TenderListOut,
    TenderTermsPatch,
)
from costing import selectors as costing_selectors
from ppp import selectors as kernel_selectors
from ppp.errors import NotFound, PermissionDenied, ValidationFailed
from ppp.pagination import Pagination
from ppp.permissions import is_administrator
from ppp.schemas import AuditEntryOut

from ._common import (
    ERRORS,
    XLSX,
    criterion_of,
    language_or_default,
    require_agency_side,
    tender_of,
    user_of,
    xlsx_response,
)

router = Router(tags=["contracts"])


@router.get(
    "/tenders",
    response={200: list[TenderListOut], **ERRORS},
    summary="Tenders I may see, newest change first",
    description="The agency's own; its reviewing body's once submitted; published ones for verified "
    "vendors. Filter by `status`. Paginated; the number of queries does not grow with the page.",
)
@paginate(Pagination)
def tender_list(request: HttpRequest, status: str = Query("", max_length=20)):  # type: ignore[no-untyped-def]
    # Plain str: the paginate wrapper resolves annotations in its own module.
    if status and status not in TenderStatus.values:
        raise ValidationFailed(
            "request.invalid",
            _("The request is not valid."),
            {"status": _("must be one of: %(values)s") % {"values": ", ".join(TenderStatus.values)}},
        )
    return selectors.tender_list_for(user=user_of(request), status=status)


@router.post(
    "/tenders",
    response={201: TenderDetailOut, **ERRORS},
    summary="Create a draft tender from an approved cost model option",
    description="The pricing schedule is the option's typed lines; the package price defaults to the "
    "option's estimate and may not exceed it. Weights, pass mark, bid security and the preparation time "
    "are checked against the rule book valid on the publication date: each error names the field and "
    "the rule with its legal basis. Only the agency's finance officers create tenders (403).",
)
def tender_create(request: HttpRequest, payload: TenderIn) -> Status[Tender]:
    user = user_of(request)
    try:
        model = costing_selectors.cost_model_get_for(user=user, pk=payload.model_id)
    except NotFound:
        raise NotFound(
            "cost_model.not_found", _("Cost model not found."), {"model_id": _("not found")}
        ) from None
    try:
        option = costing_selectors.option_get_for(user=user, model=model, pk=payload.option_id)
    except NotFound:
        raise NotFound("option.not_found", _("Option not found."), {"option_id": _("not found")}) from None
    values = payload.dict(exclude={"model_id", "option_id"}, exclude_none=True)
    tender = services.tender_create(actor=user, model=model, option=option, **values)
    return Status(201, selectors.tender_get_for(user=user, pk=tender.pk))


@router.get(
    "/tenders/{tender_id}",
    response={200: TenderDetailOut, **ERRORS},
    summary="One tender with its pricing schedule, criteria and what the caller may do with it",
)
def tender_get(request: HttpRequest, tender_id: int) -> Tender:
    return tender_of(request, tender_id)


@router.get(
    "/tenders/{tender_id}/schedule.xlsx",
    response={200: None, **ERRORS},
    summary="Download the pricing schedule with the estimate's unit costs as a workbook (the agency side)",
    description="Items, units, VAT flag, the cost model option's unit cost, the quantity and estimate "
    "of each year and the totals. The estimate is the agency's own: vendors get 404 (their form is "
    "`price-form.xlsx`).",
    openapi_extra=xlsx_response("An .xlsx workbook"),
)
def schedule_export(
    request: HttpRequest, tender_id: int, language: str = Query("", pattern="^(vi|en)?$")
) -> HttpResponse:
    tender = tender_of(request, tender_id)
    require_agency_side(user_of(request), tender, "tender")
    content = exports.schedule_workbook(tender=tender, language=language_or_default(language))
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="schedule-{tender.reference}.xlsx"'
    return response


@router.patch(
    "/tenders/{tender_id}",
    response={200: TenderDetailOut, **ERRORS},
    summary="Change a draft (or returned) tender's terms (only the fields sent)",
    description="Submitted, approved and published tenders are frozen (409); a published one changes "
    "by amendment.",
)
def tender_update(request: HttpRequest, tender_id: int, payload: TenderTermsPatch) -> Tender:
    tender = tender_of(request, tender_id)
    return services.tender_update(actor=user_of(request), tender=tender, **payload.dict(exclude_unset=True))


@router.post(
    "/tenders/{tender_id}/criteria",
    response={201: CriterionOut, **ERRORS},
    summary="Add an evaluation criterion: a pass/fail requirement or a scored technical criterion",
)
def criterion_add(request: HttpRequest, tender_id: int, payload: CriterionIn) -> Status[Criterion]:
    tender = tender_of(request, tender_id)
    criterion = services.criterion_add(actor=user_of(request), tender=tender, **payload.dict())
    return Status(201, criterion)


@router.delete(
    "/tenders/{tender_id}/criteria/{criterion_id}",
    response={204: None, **ERRORS},
    summary="Delete a criterion of a draft tender",
)
def criterion_delete(request: HttpRequest, tender_id: int, criterion_id: int) -> Status[None]:
    tender = tender_of(request, tender_id)
    services.criterion_delete(actor=user_of(request), criterion=criterion_of(tender, criterion_id))
    return Status(204, None)


@router.post(
    "/tenders/{tender_id}/submit",
    response={200: TenderDetailOut, **ERRORS},
    summary="Submit a draft (or returned) tender to the reviewing body for approval",
    description="The rule book is checked again, with the criteria: errors name each field.",
)
def tender_submit(request: HttpRequest, tender_id: int, payload: NoteIn | None = None) -> Tender:
    tender = tender_of(request, tender_id)
    note = payload.note if payload is not None else ""
    return services.tender_submit(actor=user_of(request), tender=tender, note=note)


@router.post(
    "/tenders/{tender_id}/approve",
    response={200: TenderDetailOut, **ERRORS},
    summary="Approve a submitted tender for publication (an approver of the reviewing body)",
    description="Maker-checker: an approver who created or edited the tender gets 403 `tender.own_work`. "
    "The approved content's hash is kept; publication checks it.",
)
def tender_approve(request: HttpRequest, tender_id: int, payload: NoteIn | None = None) -> Tender:
    tender = tender_of(request, tender_id)
    note = payload.note if payload is not None else ""
    return services.tender_approve(actor=user_of(request), tender=tender, note=note)


@router.post(
    "/tenders/{tender_id}/return",
    response={200: TenderDetailOut, **ERRORS},
    summary="Return a submitted tender with comments (the note is required)",
)
def tender_return(request: HttpRequest, tender_id: int, payload: ReturnIn) -> Tender:
    tender = tender_of(request, tender_id)
    return services.tender_return(actor=user_of(request), tender=tender, note=payload.note)


@router.post(
    "/tenders/{tender_id}/publish",
    response={200: TenderDetailOut, **ERRORS},
    summary="Publish an approved tender now",
    description="The preparation time runs from this moment: the rules are checked again with it.",
)
def tender_publish(request: HttpRequest, tender_id: int) -> Tender:
    tender = tender_of(request, tender_id)
    return services.tender_publish(actor=user_of(request), tender=tender)


@router.post(
    "/tenders/{tender_id}/amendments",
    response={201: AmendmentOut, **ERRORS},
    summary="Amend a published tender before closing: a new version, with its diff, told to the vendors",
    description="Only the title, scope, bid validity, dates and schedule quantities change by "
    "amendment. One less than the rule's days before closing moves the closing (and the opening); "
    "submitted bids return to draft and must be submitted again.",
)
def tender_amend(request: HttpRequest, tender_id: int, payload: AmendmentIn) -> Status[Amendment]:
    tender = tender_of(request, tender_id)
    values = payload.dict(exclude_unset=True, exclude={"reason", "item_quantities"})
    amendment = services.tender_amend(
        actor=user_of(request),
        tender=tender,
        reason=payload.reason,
        item_quantities=payload.item_quantities,
        **values,
    )
    return Status(201, amendment)


@router.get(
    "/tenders/{tender_id}/amendments",
    response={200: list[AmendmentOut], **ERRORS},
    summary="The amendments of a tender, oldest first, each with its diff",
)
@paginate(Pagination)
def amendment_list(request: HttpRequest, tender_id: int):  # type: ignore[no-untyped-def]
    tender = tender_of(request, tender_id)
    return tender.amendments.order_by("number")


@router.get(
    "/tenders/{tender_id}/history",
    response={200: list[AuditEntryOut], **ERRORS},
    summary="The audit trail of a tender (the agency, its reviewers, administrators), oldest first",
    description="Bids are recorded on themselves, sealed: the tender's history never counts them. "
    "Vendors get 403: the trail names who asked each question.",
)
@paginate(Pagination)
def tender_history(request: HttpRequest, tender_id: int):  # type: ignore[no-untyped-def]
    user = user_of(request)
    tender = tender_of(request, tender_id)
    if not (
        permissions.is_agency_member(user, tender)
        or permissions.is_reviewer_of(user, tender)
        or is_administrator(user)
    ):
        raise PermissionDenied(
            "tender.forbidden", _("The history is the agency's and its reviewers' record.")
        )
    return kernel_selectors.object_history_for(object_type="contracts.tender", object_id=str(tender.pk))
