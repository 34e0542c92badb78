"""A vendor's bid on a tender: start it, its terms (the overview), its answers to the criteria and
its attachments."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from contracts import selectors, services
from contracts.models import Bid, Criterion, CriterionKind, Tender, TenderStatus
from contracts.services.bids import ALLOWED_ATTACHMENTS, MAX_ATTACHMENT_BYTES
from costing.forms import shown_number
from ppp.errors import DomainError, PermissionDenied
from ppp.views import apply_domain_error, forbidden

from ._common import bid_context, bid_state, tender_is_open, vendor_companies, with_bid, with_tender
from .forms import AttachmentForm, BidTermsForm, allowed_attachment_types


def bid_progress(bid: Bid) -> dict[str, int]:
    """How far the bid has come: items priced, pass/fail requirements answered, files attached."""
    tender = bid.tender
    pass_fail = tender.criteria.filter(kind=CriterionKind.PASS_FAIL)
    return {
        "items": tender.items.count(),
        "priced": bid.prices.count(),
        "requirements": pass_fail.count(),
        "answered": bid.answers.filter(criterion__in=pass_fail, complies__isnull=False).count(),
        "criteria": tender.criteria.count(),
        "responses": bid.answers.count(),
        "attachments": bid.attachments.count(),
    }


@with_tender
@require_http_methods(["GET", "POST"])
def my_bid(request: HttpRequest, tender: Tender) -> HttpResponse:
    """The person's company's bid on the tender, or a button to start one."""
    companies = vendor_companies(request.user)
    if not companies:
        return forbidden(
            request, PermissionDenied("bid.forbidden", _("Bid on behalf of your own verified company."))
        )
    error: DomainError | None = None
    if request.method == "POST":
        wanted = request.POST.get("vendor", "")
        vendor = next((c for c in companies if str(c.pk) == wanted), None) if wanted else companies[0]
        if vendor is None:
            return forbidden(
                request, PermissionDenied("bid.forbidden", _("Bid on behalf of your own verified company."))
            )
        try:
            bid = services.bid_create(actor=request.user, tender=tender, vendor=vendor)  # type: ignore[arg-type]
        except PermissionDenied:
            raise
        except DomainError as caught:
            error = caught
        else:
            messages.success(
                request,
                _("The bid is started. Fill in its terms, prices and answers; a signatory then submits it."),
            )
            return redirect("contracts:bid_edit", bid_id=bid.pk)
    bids = {bid.vendor_id: bid for bid in selectors.bid_list_for(user=request.user, tender=tender)}  # type: ignore[arg-type]
    entries = []
    for company in companies:
        existing = bids.get(company.pk)
        entries.append(
            {
                "vendor": company,
                "bid": existing,
                "state": bid_state(request.user, existing) if existing is not None else None,
                "progress": bid_progress(existing) if existing is not None else None,
            }
        )
    return render(
        request,
        "contracts/vendor/my_bid.html",
        {
            "tender": tender,
            "entries": entries,
            "open": tender_is_open(tender),
            "several": len(companies) > 1,
            "error": error,
            "can_ask": tender.status == TenderStatus.PUBLISHED
            and timezone.now() <= tender.clarification_deadline,
        },
        status=error.status_code if error else 200,
    )


def render_overview(
    request: HttpRequest, bid: Bid, form: BidTermsForm | None = None, *, error: DomainError | None = None,
    status: int = 200,
) -> HttpResponse:  # fmt: skip
    """The bid's overview: status, what is left to do, its terms; `error` from a refused action."""
    form = form or BidTermsForm(initial=BidTermsForm.initial_for(bid), tender=bid.tender)
    context = bid_context(request, bid, "terms")
    context.update({"form": form, "progress": bid_progress(bid), "error": error})
    return render(request, "contracts/vendor/bid_edit.html", context, status=status)


@with_bid
@require_http_methods(["GET", "POST"])
def bid_edit(request: HttpRequest, bid: Bid) -> HttpResponse:
    if request.method != "POST":
        return render_overview(request, bid)
    form = BidTermsForm(request.POST, initial=BidTermsForm.initial_for(bid), tender=bid.tender)
    if not form.is_valid():
        return render_overview(request, bid, form, status=400)
    try:
        services.bid_update(actor=request.user, bid=bid, **form.service_fields())  # type: ignore[arg-type]
    except PermissionDenied:
        raise
    except DomainError as error:
        apply_domain_error(form, error)
        return render_overview(request, bid, form, status=error.status_code)
    messages.success(request, _("The bid's terms are saved."))
    return redirect("contracts:bid_edit", bid_id=bid.pk)


@dataclass
class AnswerRow:
    """One criterion as the page shows it, with what was answered (or typed) and its errors."""

    criterion: Criterion
    complies: str  # "yes", "no" or ""
    response: str
    errors: list[str] = field(default_factory=list)

    @property
    def is_pass_fail(self) -> bool:
        return self.criterion.kind == CriterionKind.PASS_FAIL

    @property
    def max_points(self) -> str:
        return shown_number(self.criterion.max_points)


def _answer_rows(bid: Bid, post: Any | None) -> list[AnswerRow]:
    saved = {answer.criterion_id: answer for answer in bid.answers.all()}
    rows = []
    for criterion in bid.tender.criteria.order_by("position", "pk"):
        if post is not None:
            complies = post.get(f"answer-{criterion.pk}-complies", "")
            response = post.get(f"answer-{criterion.pk}-response", "")
        else:
            answer = saved.get(criterion.pk)
            complies = (
                "" if answer is None or answer.complies is None else ("yes" if answer.complies else "no")
            )
            response = answer.response if answer is not None else ""
        rows.append(AnswerRow(criterion=criterion, complies=complies, response=response))
    return rows


def _answers_payload(rows: list[AnswerRow], saved: set[int]) -> dict[str, dict[str, Any]]:
    """What the service takes; a criterion left untouched (never answered, nothing typed) is left out,
    so that answers can be saved a few at a time."""
    payload: dict[str, dict[str, Any]] = {}
    for row in rows:
        untouched = not row.complies and not row.response.strip()
        if untouched and row.criterion.pk not in saved:
            continue
        answer: dict[str, Any] = {"response": row.response}
        if row.is_pass_fail:
            answer["complies"] = {"yes": True, "no": False}.get(row.complies)
        payload[row.criterion.code] = answer
    return payload


def _row_of(rows: list[AnswerRow], key: str) -> AnswerRow | None:
    """The row an error key names: "answers.<code>" or "answers.<code>.<part>" (codes may hold dots,
    so the longest code that fits wins)."""
    fitting = [
        row
        for row in rows
        if key == f"answers.{row.criterion.code}" or key.startswith(f"answers.{row.criterion.code}.")
    ]
    return max(fitting, key=lambda row: len(row.criterion.code), default=None)


@with_bid
@require_http_methods(["GET", "POST"])
def bid_answers(request: HttpRequest, bid: Bid) -> HttpResponse:
    """Each pass/fail requirement: complies yes or no and a response; each technical criterion: a
    description of what the bid offers (scored later by the evaluators)."""
    status = 200
    error: DomainError | None = None
    problems: list[str] = []
    if request.method == "POST":
        rows = _answer_rows(bid, request.POST)
        payload = _answers_payload(rows, set(bid.answers.values_list("criterion_id", flat=True)))
        if not payload:
            messages.info(request, _("Nothing to save: no criterion was answered."))
            return redirect("contracts:bid_answers", bid_id=bid.pk)
        try:
            services.bid_answers_save(actor=request.user, bid=bid, answers=payload)  # type: ignore[arg-type]
        except PermissionDenied:
            raise
        except DomainError as caught:
            error, status = caught, caught.status_code
            for key, message in caught.fields.items():
                row = _row_of(rows, key)
                if row is None:
                    problems.append(f"{key}: {message}")
                else:
                    row.errors.append(message)
        else:
            messages.success(request, _("The answers are saved."))
            return redirect("contracts:bid_answers", bid_id=bid.pk)
    else:
        rows = _answer_rows(bid, None)
    context = bid_context(request, bid, "answers")
    context.update({"rows": rows, "error": error, "problems": problems})
    return render(request, "contracts/vendor/bid_answers.html", context, status=status)


@with_bid
@require_http_methods(["GET", "POST"])
def bid_attachments(request: HttpRequest, bid: Bid) -> HttpResponse:
    """The bid's files with their SHA-256; an upload is refused by name, size and type before a byte
    of it is read."""
    form = AttachmentForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                services.check_attachment(
                    name=upload.name, size=upload.size, content_type=upload.content_type or ""
                )
                attachment = services.bid_attach(
                    actor=request.user,  # type: ignore[arg-type]
                    bid=bid,
                    name=upload.name,
                    content=upload.read(),
                    content_type=upload.content_type or "",
                )
            except PermissionDenied:
                raise
            except DomainError as error:
                apply_domain_error(form, error)
                if error.fields and error.message not in form.non_field_errors():
                    form.add_error(None, error.message)
                status = error.status_code
            else:
                messages.success(
                    request,
                    _("%(name)s is attached (SHA-256 %(digest)s).")
                    % {"name": attachment.name, "digest": attachment.sha256},
                )
                return redirect("contracts:bid_attachments", bid_id=bid.pk)
        else:
            status = 400
    context = bid_context(request, bid, "attachments")
    context.update(
        {
            "form": form,
            "attachments": list(bid.attachments.select_related("uploaded_by").order_by("pk")),
            "max_bytes": MAX_ATTACHMENT_BYTES,
            "allowed_types": allowed_attachment_types(),
            "allowed": sorted(ALLOWED_ATTACHMENTS.items()),
        }
    )
    return render(request, "contracts/vendor/bid_attachments.html", context, status=status)
