"""The tables a user takes into a spreadsheet, as .xlsx downloads of the pages they come from: the bid
comparison, the evaluation's results and score sheets, and the pricing schedule with the estimate.

Each has the access of its page: the comparison and the evaluation are the agency side's and only
after the opening (before it they are the 404 page for everyone, like the pages); the schedule with
the estimate's unit costs is the agency side's at any time. Vendors get the 404 page. The workbook
is in the language asked for (`?language=vi|en`), else the reader's.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from contracts import exports, selectors
from contracts.models import Tender
from costing.views._common import language
from costing.views.files import _xlsx

from ._common import require_agency_side, require_opened, with_tender


def _language(request: HttpRequest) -> str:
    wanted = request.GET.get("language", "")
    return wanted if wanted in ("vi", "en") else language()


def _download(tender: Tender, data: bytes, kind: str, chosen: str) -> HttpResponse:
    name = slugify(tender.reference) or "tender"
    return _xlsx(data, f"{name}-{kind}-{chosen}.xlsx")


@with_tender
@require_GET
def comparison_export(request: HttpRequest, tender: Tender) -> HttpResponse:
    require_agency_side(request.user, tender)
    require_opened(request.user, tender)
    # Opened without any bid: nothing to compare, the same 404 as the selector's.
    data = selectors.bid_comparison_for(user=request.user, tender=tender)  # type: ignore[arg-type]
    chosen = _language(request)
    workbook = exports.comparison_workbook(tender=tender, data=data, language=chosen)
    return _download(tender, workbook, "comparison", chosen)


@with_tender
@require_GET
def evaluation_export(request: HttpRequest, tender: Tender) -> HttpResponse:
    require_agency_side(request.user, tender)
    require_opened(request.user, tender)
    evaluation = selectors.evaluation_get_for(user=request.user, tender=tender)  # type: ignore[arg-type]
    if evaluation.results is None:
        messages.warning(request, _("The evaluation has not been computed yet."))
        return redirect("contracts:results", pk=tender.pk)
    # Every bid on the sheets is read; its audit entry names the agency (one query for all bids).
    readers = selectors.bid_list_for(user=request.user, tender=tender)  # type: ignore[arg-type]
    for bid in readers.select_related("tender__organisation"):
        selectors.bid_read(user=request.user, bid=bid)  # type: ignore[arg-type]
    chosen = _language(request)
    workbook = exports.evaluation_workbook(tender=tender, evaluation=evaluation, language=chosen)
    return _download(tender, workbook, "evaluation", chosen)


@with_tender
@require_GET
def schedule_export(request: HttpRequest, tender: Tender) -> HttpResponse:
    # The unit costs are the agency's estimate, line by line: never a vendor's to read.
    require_agency_side(request.user, tender)
    chosen = _language(request)
    return _download(tender, exports.schedule_workbook(tender=tender, language=chosen), "schedule", chosen)
