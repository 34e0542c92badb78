"""Sealing a bid and what follows: the signatory's submission (a confirmation page showing what is
sealed, then the receipt), withdrawal until closing, the printable receipt, the bidder's answer to
the arithmetic correction after opening, and a vendor's question on a tender."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from contracts import selectors, services
from contracts.models import Bid, BidCorrection, CorrectionStatus, Tender
from costing.views._common import not_found
from ppp.errors import DomainError, PermissionDenied, ValidationFailed
from ppp.views import forbidden

from ._common import bid_context, vendor_companies, with_bid, with_tender, years_of
from .bid import bid_progress, render_overview
from .prices import price_rows, price_totals

PRICE_KEY = re.compile(r"^prices\.(.+?)(?:\[(\d+)\])?$")
ANSWER_KEY = re.compile(r"^answers\.(.+)$")


def _problem(bid: Bid, key: str, message: str, years: list[int]) -> dict[str, str]:
    """A submission check's error with where it is and the page that fixes it."""
    labels = {
        "bid_security_amount": _("Bid security amount"),
        "validity_days": _("Bid validity (days)"),
        "discount_rate": _("Discount"),
    }
    if key in labels:
        return {
            "where": str(labels[key]),
            "message": message,
            "url": reverse("contracts:bid_edit", args=[bid.pk]),
        }
    price = PRICE_KEY.match(key)
    if price:
        where = price.group(1)
        if price.group(2) is not None and int(price.group(2)) < len(years):
            where = f"{where} · {years[int(price.group(2))]}"
        return {"where": where, "message": message, "url": reverse("contracts:bid_prices", args=[bid.pk])}
    answer = ANSWER_KEY.match(key)
    if answer:
        return {
            "where": answer.group(1),
            "message": message,
            "url": reverse("contracts:bid_answers", args=[bid.pk]),
        }
    return {"where": key, "message": message, "url": ""}


def _sealed_content(bid: Bid) -> dict[str, Any]:
    """What submission seals, as the confirmation page shows it."""
    rows = price_rows(bid, None)
    return {
        "totals": price_totals(rows, Decimal(bid.discount_rate)),
        "price_rows": rows,
        "answers": list(
            bid.answers.select_related("criterion").order_by("criterion__position", "criterion__pk")
        ),
        "attachments": list(bid.attachments.order_by("pk")),
        "progress": bid_progress(bid),
    }


@with_bid
@require_http_methods(["GET", "POST"])
def bid_submit(request: HttpRequest, bid: Bid) -> HttpResponse:
    """A signatory seals the bid. Preparers see what would be sealed and who must submit it."""
    error: DomainError | None = None
    problems: list[dict[str, str]] = []
    if request.method == "POST":
        try:
            services.bid_submit(actor=request.user, bid=bid)  # type: ignore[arg-type]
        except PermissionDenied:
            raise
        except DomainError as caught:
            error = caught
            years = years_of(bid.tender)
            problems = [_problem(bid, key, message, years) for key, message in caught.fields.items()]
        else:
            messages.success(request, _("The bid is submitted and sealed. Keep this receipt."))
            return redirect("contracts:bid_receipt", bid_id=bid.pk)
    context = bid_context(request, bid, "submit")
    context.update(_sealed_content(bid))
    context.update({"error": error, "problems": problems})
    return render(
        request, "contracts/vendor/bid_submit.html", context, status=error.status_code if error else 200
    )


@with_bid
@require_POST
def bid_withdraw(request: HttpRequest, bid: Bid) -> HttpResponse:
    try:
        services.bid_withdraw(actor=request.user, bid=bid)  # type: ignore[arg-type]
    except PermissionDenied:
        raise
    except DomainError as error:
        return render_overview(request, bid, error=error, status=error.status_code)
    messages.success(
        request, _("The bid is withdrawn. Until the closing, your company can start it again and submit it.")
    )
    return redirect("contracts:my_bid", pk=bid.tender_id)


@with_bid
@require_GET
def bid_receipt(request: HttpRequest, bid: Bid) -> HttpResponse:
    """The receipt of a submitted bid: what was sealed, when by the database clock, and its hash."""
    context = bid_context(request, bid, "receipt")
    if bid.submitted_at is not None:
        offset = timezone.localtime(bid.submitted_at).strftime("%z")  # "+0700"
        context["utc_offset"] = f"UTC{offset[:3]}:{offset[3:]}"
    return render(request, "contracts/vendor/bid_receipt.html", context)


@with_bid
@require_GET
def bid_history(request: HttpRequest, bid: Bid) -> HttpResponse:
    """Every change of the vendor's own bid, from the audit log: who, when, before and after."""
    entries = selectors.bid_history_for(user=request.user, bid=bid)  # type: ignore[arg-type]
    context = bid_context(request, bid, "history")
    context["page"] = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(request, "contracts/vendor/bid_history.html", context)


RULES = {
    "unit_price_prevails": (
        gettext_lazy("The unit price prevails over the line amount"),
        gettext_lazy("The line amount written differs from quantity × unit price; the unit price counts."),
    ),
    "amount_prevails_decimal_factor": (
        gettext_lazy("The line amount prevails (misplaced decimal point)"),
        gettext_lazy("The unit price is off from the line amount by a power of ten; the line amount counts."),
    ),
    "omitted_item": (
        gettext_lazy("Omitted item"),
        gettext_lazy("An item left unpriced is priced at the highest unit price among the responsive bids."),
    ),
    "lines_prevail": (
        gettext_lazy("The line amounts prevail over the total"),
        gettext_lazy("The total written differs from the sum of the lines; the lines count."),
    ),
    "words_prevail": (
        gettext_lazy("Words prevail over figures"),
        gettext_lazy("The total in words differs from the total in figures; the words count."),
    ),
}


def _correction_rows(bid: Bid, correction: BidCorrection) -> list[dict[str, Any]]:
    years = years_of(bid.tender)
    names = {item.code: item.name for item in bid.tender.items.all()}
    rows = []
    for change in correction.corrections:
        code = str(change.get("code") or "")
        match = PRICE_KEY.match(f"prices.{code}") if code else None
        item, year = (match.group(1), match.group(2)) if match else ("", None)
        title, explanation = RULES.get(change.get("rule", ""), (change.get("rule", ""), ""))
        rows.append(
            {
                "code": code,
                "item": item,
                "name": names.get(item, ""),
                "year": years[int(year)] if year is not None and int(year) < len(years) else None,
                "rule": change.get("rule", ""),
                "title": title,
                "explanation": explanation,
                "before": change.get("before"),
                "after": change.get("after"),
                "difference": change.get("difference"),
            }
        )
    return rows


@with_bid
@require_http_methods(["GET", "POST"])
def bid_correction(request: HttpRequest, bid: Bid) -> HttpResponse:
    """After opening: the arithmetic corrections proposed to the bid, each with its rule; a
    signatory accepts or rejects them within the deadline."""
    try:
        correction: BidCorrection | None = bid.correction
    except ObjectDoesNotExist:
        correction = None
    error: DomainError | None = None
    if request.method == "POST":
        if correction is None:
            return not_found(request)
        decision = request.POST.get("decision", "")
        try:
            if decision not in ("accept", "reject"):
                raise ValidationFailed(
                    "correction.invalid", _("Accept or reject."), {"accept": _("must be true or false")}
                )
            services.correction_respond(actor=request.user, bid=bid, accept=decision == "accept")  # type: ignore[arg-type]
        except PermissionDenied:
            raise
        except DomainError as caught:
            error = caught
        else:
            if decision == "accept":
                messages.success(
                    request, _("You accepted the correction: the corrected price is your bid price.")
                )
            else:
                messages.warning(request, _("You rejected the correction: the bid is no longer considered."))
            return redirect("contracts:bid_correction", bid_id=bid.pk)
    context = bid_context(request, bid, "correction")
    context.update(
        {
            "correction": correction,
            "rows": _correction_rows(bid, correction) if correction is not None else [],
            "can_answer": correction is not None
            and correction.status == CorrectionStatus.PROPOSED
            and timezone.now() <= correction.respond_by,
            "error": error,
        }
    )
    return render(
        request, "contracts/vendor/bid_correction.html", context, status=error.status_code if error else 200
    )


@with_tender
@require_POST
def clarification_ask(request: HttpRequest, tender: Tender) -> HttpResponse:
    """A vendor's question, sent from the clarifications page; answers are published to every vendor
    without naming who asked."""
    companies = vendor_companies(request.user)
    wanted = request.POST.get("vendor", "")
    vendor = (
        next((c for c in companies if str(c.pk) == wanted), None) if wanted else next(iter(companies), None)
    )
    if vendor is None:
        return forbidden(
            request,
            PermissionDenied("clarification.forbidden", _("Ask on behalf of your own verified company.")),
        )
    try:
        services.clarification_ask(
            actor=request.user,  # type: ignore[arg-type]
            tender=tender,
            vendor=vendor,
            question=request.POST.get("question", ""),
        )
    except PermissionDenied:
        raise
    except DomainError as error:
        details = "; ".join(error.fields.values())
        messages.error(request, f"{error.message} {details}".strip())
    else:
        messages.success(
            request,
            _("Your question is sent. The answer will be published to every vendor, never naming who asked."),
        )
    return redirect("contracts:clarifications", pk=tender.pk)
