"""The bid opening and what it unseals: open the bids after closing, the opening record published
to every participant, and the bids side by side with the agency's estimate (audited)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Status

from contracts import exports, selectors, services
from contracts.models import Opening
from contracts.schemas import ComparisonOut, OpeningOut

from ._common import ERRORS, XLSX, language_or_default, require_agency_side, tender_of, user_of, xlsx_response

router = Router(tags=["contracts"])


def _record(opening: Opening) -> dict[str, Any]:
    record = opening.record
    return {
        **record,
        "tender_id": opening.tender_id,
        "tender_reference": record["tender"],
        "record_hash": opening.record_hash,
    }


@router.post(
    "/tenders/{tender_id}/open",
    response={201: OpeningOut, **ERRORS},
    summary="Open the bids after closing (the agency's finance officers and evaluators)",
    description="Each submitted bid's hash is recomputed and a mismatch marked; the record (bidders, "
    "prices, discounts, bid security, validity) is published to every participant. Before the closing "
    "by the database clock: 409 `opening.not_closed`.",
)
def tender_open(request: HttpRequest, tender_id: int) -> Status[dict[str, Any]]:
    tender = tender_of(request, tender_id)
    opening = services.tender_open(actor=user_of(request), tender=tender)
    return Status(201, _record(opening))


@router.get(
    "/tenders/{tender_id}/opening",
    response={200: OpeningOut, **ERRORS},
    summary="The opening record of a tender, as published to every participant",
    description="404 until the bids are opened.",
)
def opening_get(request: HttpRequest, tender_id: int) -> dict[str, Any]:
    tender = tender_of(request, tender_id)
    # The record is the published minutes (what the law makes public to every participant), not a
    # bid's content: reading it is not a bid read, so it is not audited per bid.
    return _record(selectors.opening_get_for(user=user_of(request), tender=tender))


@router.get(
    "/tenders/{tender_id}/comparison",
    response={200: ComparisonOut, **ERRORS},
    summary="The opened bids side by side with the estimate, item by item and year by year",
    description="The agency, its reviewers and administrators, after opening (404 before); amounts "
    "incl. VAT, before discounts. Every bid compared is a read of its content and is audited.",
)
def comparison(request: HttpRequest, tender_id: int) -> dict[str, Any]:
    user = user_of(request)
    tender = tender_of(request, tender_id)
    # The estimate is the agency's own figure, line by line: never a vendor's to read.
    require_agency_side(user, tender, "bid")
    return selectors.bid_comparison_for(user=user, tender=tender)


@router.get(
    "/tenders/{tender_id}/comparison.xlsx",
    response={200: None, **ERRORS},
    summary="Download the comparison of the opened bids with the estimate as a workbook",
    description="The comparison's access (the agency, its reviewers and administrators, after opening; "
    "404 before and for vendors): one row per item and year, a column per bid, the totals and the "
    "difference from the estimate, figures as numbers. Every bid compared is a read and is audited.",
    openapi_extra=xlsx_response("An .xlsx workbook"),
)
def comparison_export(
    request: HttpRequest, tender_id: int, language: str = Query("", pattern="^(vi|en)?$")
) -> HttpResponse:
    user = user_of(request)
    tender = tender_of(request, tender_id)
    require_agency_side(user, tender, "bid")
    data = selectors.bid_comparison_for(user=user, tender=tender)
    content = exports.comparison_workbook(tender=tender, data=data, language=language_or_default(language))
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="comparison-{tender.reference}.xlsx"'
    return response
