"""Bid opening and what the agency reads after it: the opening record (published to every
participant), the bids and one bid's content (every read audited through `selectors.bid_read`),
and the bids side by side with the estimate.

Sealing: before the opening record exists, every page here is the 404 page for everyone, the same
page as for a tender that does not exist; nothing here counts or names bids before that.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from contracts import selectors, services
from contracts.models import Bid, Tender
from ppp.errors import DomainError, NotFound, PermissionDenied

from ._common import not_found, require_agency_side, require_opened, tender_page, with_tender
from .workspace import detail_response, years_of


@with_tender
@require_POST
def tender_open(request: HttpRequest, tender: Tender) -> HttpResponse:
    try:
        services.tender_open(actor=request.user, tender=tender)  # type: ignore[arg-type]
    except PermissionDenied:
        raise
    except DomainError as error:
        return detail_response(request, tender, status=error.status_code, error=error)
    messages.success(request, _("Bids opened: the opening record is published to every participant."))
    return redirect("contracts:opening", pk=tender.pk)


def _moment(value: Any) -> dt.datetime | None:
    if not value:
        return None
    try:
        return dt.datetime.fromisoformat(str(value))
    except ValueError:
        return None


@with_tender
def opening(request: HttpRequest, tender: Tender) -> HttpResponse:
    record = require_opened(request.user, tender)
    data = record.record
    entries = [{**entry, "submitted": _moment(entry.get("submitted_at"))} for entry in data.get("bids", [])]
    return tender_page(
        request,
        "contracts/opening.html",
        tender,
        {
            "record": record,
            "data": data,
            "entries": entries,
            "closing": _moment(data.get("closing_at")),
            "opened_moment": _moment(data.get("opened_at")),
            "mismatches": [entry for entry in entries if not entry.get("hash_matches")],
        },
        section="opening",
    )


def _opened_bids(request: HttpRequest, tender: Tender) -> list[Bid]:
    """The opened bids for the agency's side (each read recorded in the audit log)."""
    require_agency_side(request.user, tender)
    require_opened(request.user, tender)
    bids = list(selectors.bid_list_for(user=request.user, tender=tender).order_by("submitted_at", "pk"))  # type: ignore[arg-type]
    for bid in bids:
        selectors.bid_read(user=request.user, bid=bid)  # type: ignore[arg-type]
    return bids


@with_tender
def bid_list(request: HttpRequest, tender: Tender) -> HttpResponse:
    bids = _opened_bids(request, tender)
    figures = {entry["bid"]: entry for entry in require_opened(request.user, tender).record.get("bids", [])}
    rows = [{"bid": bid, "figures": figures.get(bid.pk, {})} for bid in bids]
    return tender_page(request, "contracts/bid_list.html", tender, {"rows": rows}, section="bids")


@with_tender
def bid_history(request: HttpRequest, tender: Tender, bid_id: int) -> HttpResponse:
    """An opened bid's changes, from its creation to its correction: the agency reads them only after
    the opening, like the bid itself."""
    require_agency_side(request.user, tender)
    require_opened(request.user, tender)
    bid = selectors.bid_get_for(user=request.user, pk=bid_id)  # type: ignore[arg-type]
    if bid.tender_id != tender.pk:
        return not_found(request)
    entries = selectors.bid_history_for(user=request.user, bid=bid)  # type: ignore[arg-type]
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return tender_page(
        request, "contracts/bid_history.html", tender, {"bid": bid, "page": page}, section="bids"
    )


@with_tender
def bid_detail(request: HttpRequest, tender: Tender, bid_id: int) -> HttpResponse:
    require_agency_side(request.user, tender)
    require_opened(request.user, tender)
    bid = selectors.bid_get_for(user=request.user, pk=bid_id)  # type: ignore[arg-type]
    if bid.tender_id != tender.pk:
        return not_found(request)
    selectors.bid_read(user=request.user, bid=bid)  # type: ignore[arg-type]
    items = list(tender.items.all())
    years = years_of(tender, items)
    prices = {price.item_id: price for price in bid.prices.all()}
    vat = Decimal(tender.vat_rate)
    rows = []
    total = Decimal(0)
    for item in items:
        price = prices.get(item.pk)
        unit_prices = price.unit_prices if price is not None else [None] * len(item.quantities)
        stated = (price.stated_amounts if price is not None else None) or [None] * len(item.quantities)
        cells = []
        for year, quantity, unit_price, written in zip(
            years, item.quantities, unit_prices, stated, strict=True
        ):
            if not Decimal(str(quantity)) and unit_price is None and written is None:
                continue  # a year without a quantity that the bidder left blank: nothing to read
            amount = None if unit_price is None else Decimal(unit_price) * Decimal(str(quantity))
            total += amount or 0
            cells.append(
                {
                    "year": year,
                    "quantity": Decimal(str(quantity)),
                    "unit_price": None if unit_price is None else Decimal(unit_price),
                    "amount": amount,
                    "written": None if written is None else Decimal(str(written)),
                }
            )
        if cells:
            rows.append({"item": item, "cells": cells})
    answers = {answer.criterion_id: answer for answer in bid.answers.all()}
    correction = getattr(bid, "correction", None)  # none until the evaluation starts
    return tender_page(
        request,
        "contracts/bid_detail.html",
        tender,
        {
            "bid": bid,
            "years": years,
            "rows": rows,
            "written": any(cell["written"] is not None for row in rows for cell in row["cells"]),  # type: ignore[attr-defined]
            "total_ex_vat": total,
            "vat_rate": vat,
            "criteria": [
                {"criterion": criterion, "answer": answers.get(criterion.pk)}
                for criterion in tender.criteria.all()
            ],
            "attachments": list(bid.attachments.all()),
            "correction": correction,
        },
        section="bids",
    )


@with_tender
def comparison(request: HttpRequest, tender: Tender) -> HttpResponse:
    require_agency_side(request.user, tender)
    require_opened(request.user, tender)
    try:
        data = selectors.bid_comparison_for(user=request.user, tender=tender)  # type: ignore[arg-type]
    except NotFound:
        data = None  # opened without any bid: the opening record says so
    context: dict[str, Any] = {"data": data}
    if data is not None:
        keys = [str(entry["bid"]) for entry in data["bids"]]
        items = []
        for item in data["items"]:
            years = []
            for index, year in enumerate(data["years"]):
                cells = [item["bids"][key][index] for key in keys]
                if not item["quantities"][index] and not item["estimate"][index] and not any(cells):
                    continue  # nothing to compare in a year without a quantity
                years.append(
                    {
                        "year": year,
                        "quantity": item["quantities"][index],
                        "estimate": item["estimate"][index],
                        "bids": cells,
                    }
                )
            if not years:
                continue
            items.append(
                {
                    "code": item["code"],
                    "name": item["name"],
                    "unit": item["unit"],
                    "years": years,
                    "estimate_total": sum(item["estimate"], Decimal(0)),
                    "bid_totals": [sum(item["bids"][key], Decimal(0)) for key in keys],
                }
            )
        estimate = data["totals"]["estimate"]
        differences = []
        for key in keys:
            difference = data["totals"][key] - estimate
            differences.append(
                {
                    "amount": difference,
                    "share": (difference / estimate) if estimate else None,
                }
            )
        context.update(
            items=items,
            bids=data["bids"],
            totals=[data["totals"][key] for key in keys],
            estimate_total=estimate,
            differences=differences,
            columns=len(keys) + 4,
        )
    return tender_page(request, "contracts/comparison.html", tender, context, section="comparison")
