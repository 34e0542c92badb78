"""A vendor's own bid: start it, change its terms, price the schedule (as a grid or by uploading the
price form), answer the criteria, attach files, submit it for a receipt, withdraw it. After opening
the agency, its reviewers and administrators read the submitted bids, and every such read is
audited.

Every operation on a bid first finds it through `bid_get_for`: before opening, anyone outside the
bidding vendor gets the same 404 as for a bid that does not exist, whatever the operation.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import File, Query, Router, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from contracts import permissions, selectors, services
from contracts.models import Bid, BidAttachment, BidStatus
from contracts.schemas import (
    AnswersIn,
    AttachmentOut,
    BidCreateIn,
    BidListOut,
    BidOut,
    BidPatch,
    PricesIn,
    ReceiptOut,
)
from contracts.spreadsheets import price_form
from ppp.errors import Conflict, NotFound, ValidationFailed
from ppp.pagination import Pagination
from ppp.schemas import AuditEntryOut

from ._common import (
    ERRORS,
    XLSX,
    AuditedBidPagination,
    bid_of,
    language_or_default,
    tender_of,
    user_of,
    vendor_for,
    xlsx_response,
)

router = Router(tags=["contracts"])


def _file_required(file: UploadedFile | None, code: str, message: str) -> UploadedFile:
    if file is None:
        # Checked here rather than by ninja, whose error would name the "body", not the file.
        raise ValidationFailed(code, message, {"file": _("Field required")})
    return file


@router.post(
    "/tenders/{tender_id}/bids",
    response={201: BidOut, **ERRORS},
    summary="Start my company's draft bid on a published tender (or reopen a withdrawn one)",
    description="`vendor_id` may be left out when the caller belongs to exactly one verified vendor.",
)
def bid_create(request: HttpRequest, tender_id: int, payload: BidCreateIn | None = None) -> Status[Bid]:
    user = user_of(request)
    tender = tender_of(request, tender_id)
    vendor = vendor_for(user, payload.vendor_id if payload is not None else None, code="bid")
    bid = services.bid_create(actor=user, tender=tender, vendor=vendor)
    return Status(201, selectors.bid_get_for(user=user, pk=bid.pk))


@router.get(
    "/tenders/{tender_id}/bids",
    response={200: list[BidListOut], **ERRORS},
    summary="The bids of a tender I may see: a vendor its own; after opening, the agency all submitted",
    description="Before the opening anyone but a vendor gets 404: the bids are sealed, and not even "
    "their number is told. After it, each bid on the page read by someone outside its vendor is "
    "written to the audit log.",
)
@paginate(AuditedBidPagination)
def bid_list(request: HttpRequest, tender_id: int):  # type: ignore[no-untyped-def]
    user = user_of(request)
    tender = tender_of(request, tender_id)
    if not permissions.vendor_ids(user) and not selectors.is_opened(tender):
        raise NotFound("bid.not_found", _("Bids are sealed until the opening."))
    return selectors.bid_list_for(user=user, tender=tender)


@router.get(
    "/bids/{bid_id}",
    response={200: BidOut, **ERRORS},
    summary="One bid with its prices, answers and attachments (audited when read outside its vendor)",
)
def bid_get(request: HttpRequest, bid_id: int) -> Bid:
    bid = bid_of(request, bid_id)
    return selectors.bid_read(user=user_of(request), bid=bid)


@router.patch(
    "/bids/{bid_id}",
    response={200: BidOut, **ERRORS},
    summary="Change my bid's terms: discount, bid security, validity, preference (only the fields sent)",
    description="A submitted bid returns to draft and must be submitted again. `currency`, when sent, "
    "must be the tender's.",
)
def bid_update(request: HttpRequest, bid_id: int, payload: BidPatch) -> Bid:
    bid = bid_of(request, bid_id)
    return services.bid_update(actor=user_of(request), bid=bid, **payload.dict(exclude_unset=True))


@router.put(
    "/bids/{bid_id}/prices",
    response={200: BidOut, **ERRORS},
    summary="Save unit prices per item and year: all or nothing",
    description="Errors are named `prices.<code>[year]` (negative, not a number, a float, missing where "
    "the year has a quantity), `prices.<code>` (not an item, wrong number of years) and `currency`.",
)
def bid_prices_save(request: HttpRequest, bid_id: int, payload: PricesIn) -> Bid:
    bid = bid_of(request, bid_id)
    return services.bid_prices_save(
        actor=user_of(request), bid=bid, prices=payload.prices, currency=payload.currency
    )


@router.put(
    "/bids/{bid_id}/answers",
    response={200: BidOut, **ERRORS},
    summary="Answer the tender's requirements and technical criteria, by criterion code",
)
def bid_answers_save(request: HttpRequest, bid_id: int, payload: AnswersIn) -> Bid:
    bid = bid_of(request, bid_id)
    answers = {code: answer.dict() for code, answer in payload.answers.items()}
    return services.bid_answers_save(actor=user_of(request), bid=bid, answers=answers)


@router.post(
    "/bids/{bid_id}/attachments",
    response={201: AttachmentOut, **ERRORS},
    summary="Attach a file to my bid (multipart `file`); its SHA-256 is stored and returned",
    description="Refused by name, size and type before it is read: at most 20 MB of .pdf, .docx, "
    ".xlsx, .png, .jpg or .zip.",
)
def bid_attach(
    request: HttpRequest,
    bid_id: int,
    file: UploadedFile | None = File(None),  # noqa: B008
) -> Status[BidAttachment]:
    bid = bid_of(request, bid_id)
    upload = _file_required(file, "bid.attachment_missing", _("Attach a file."))
    name = upload.name or ""
    content_type = upload.content_type or ""
    services.check_attachment(name=name, size=upload.size or 0, content_type=content_type)
    attachment = services.bid_attach(
        actor=user_of(request), bid=bid, name=name, content=upload.read(), content_type=content_type
    )
    return Status(201, attachment)


@router.post(
    "/bids/{bid_id}/submit",
    response={200: ReceiptOut, **ERRORS},
    summary="Submit my bid (a signatory): returns the receipt with the SHA-256 of its content",
    description="Refused once the tender has closed by the database clock (409 `bid.tender_closed`); an "
    "incomplete bid is a 400 naming every missing price, answer and amount.",
)
def bid_submit(request: HttpRequest, bid_id: int) -> Bid:
    bid = bid_of(request, bid_id)
    return services.bid_submit(actor=user_of(request), bid=bid)


@router.get(
    "/bids/{bid_id}/history",
    response={200: list[AuditEntryOut], **ERRORS},
    summary="The audit trail of a bid, oldest first: its vendor at any time, the agency after opening",
)
@paginate(Pagination)
def bid_history(request: HttpRequest, bid_id: int):  # type: ignore[no-untyped-def]
    return selectors.bid_history_for(user=user_of(request), bid=bid_of(request, bid_id))


@router.get(
    "/bids/{bid_id}/receipt",
    response={200: ReceiptOut, **ERRORS},
    summary="The receipt of a submitted bid",
)
def bid_receipt(request: HttpRequest, bid_id: int) -> Bid:
    bid = bid_of(request, bid_id)
    if bid.status != BidStatus.SUBMITTED:
        raise Conflict("bid.not_submitted", _("The bid is not submitted: it has no current receipt."))
    return selectors.bid_read(user=user_of(request), bid=bid)


@router.post(
    "/bids/{bid_id}/withdraw",
    response={200: BidOut, **ERRORS},
    summary="Withdraw my bid before closing (a signatory)",
)
def bid_withdraw(request: HttpRequest, bid_id: int) -> Bid:
    bid = bid_of(request, bid_id)
    return services.bid_withdraw(actor=user_of(request), bid=bid)


@router.get(
    "/tenders/{tender_id}/price-form.xlsx",
    response={200: None, **ERRORS},
    summary="Download the tender's blank price form (the pricing schedule to fill in and upload)",
    openapi_extra=xlsx_response("An .xlsx workbook"),
)
def tender_price_form(
    request: HttpRequest, tender_id: int, language: str = Query("", pattern="^(vi|en)?$")
) -> HttpResponse:
    tender = tender_of(request, tender_id)
    response = HttpResponse(
        price_form(tender=tender, language=language_or_default(language)), content_type=XLSX
    )
    response["Content-Disposition"] = f'attachment; filename="price-form-{tender.reference}.xlsx"'
    return response


@router.get(
    "/bids/{bid_id}/price-form.xlsx",
    response={200: None, **ERRORS},
    summary="Download my bid's price form, filled with its saved prices",
    openapi_extra=xlsx_response("An .xlsx workbook"),
)
def bid_price_form(
    request: HttpRequest, bid_id: int, language: str = Query("", pattern="^(vi|en)?$")
) -> HttpResponse:
    bid = bid_of(request, bid_id)
    selectors.bid_read(user=user_of(request), bid=bid)
    response = HttpResponse(
        price_form(tender=bid.tender, bid=bid, language=language_or_default(language)), content_type=XLSX
    )
    response["Content-Disposition"] = f'attachment; filename="price-form-{bid.tender.reference}.xlsx"'
    return response


@router.post(
    "/bids/{bid_id}/prices/import",
    response={200: BidOut, **ERRORS},
    summary="Price my bid from a filled price form (multipart `file`, .xlsx): all or nothing",
    description="Every item must be priced; each error is named by sheet and cell (`Prices!F5`), a "
    "missing item by its code (`Prices!SUPPORT`). Written line amounts and the stated total are kept "
    "for the arithmetic correction.",
)
def bid_prices_import(
    request: HttpRequest,
    bid_id: int,
    file: UploadedFile | None = File(None),  # noqa: B008
) -> Bid:
    bid = bid_of(request, bid_id)
    upload = _file_required(file, "bid.workbook_invalid", _("Upload the price form (.xlsx)."))
    # Refuse by name, size and type before the upload is read into memory.
    services.check_upload(
        name=upload.name or "", size=upload.size or 0, content_type=upload.content_type or ""
    )
    return services.bid_prices_import(actor=user_of(request), bid=bid, data=upload.read())
