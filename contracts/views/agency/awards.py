"""The award: proposed by a finance officer with reasons for the best-ranked bid not yet cancelled,
approved or rejected by an approver of the reviewing body who did not propose it, cancelled with a
reason so that the next bid is considered. Every participant sees the approved (published) result."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from contracts import permissions, selectors, services
from contracts.models import Award, AwardStatus, Tender, TenderStatus
from ppp.errors import DomainError, PermissionDenied
from ppp.templatetags.ppp_tags import amount

from ._common import (
    acting,
    agency_side,
    error_status,
    not_found,
    place_errors,
    require_opened,
    tender_page,
    with_tender,
)
from .evaluation import result_rows
from .forms import AwardCancelForm, AwardNoteForm, AwardProposalForm, AwardRejectForm


def award_response(
    request: HttpRequest,
    tender: Tender,
    *,
    status: int = 200,
    error: DomainError | None = None,
    proposal: AwardProposalForm | None = None,
    forms: dict[str, Any] | None = None,
) -> HttpResponse:
    user = acting(request)
    awards = list(
        selectors.award_list_for(user=user, tender=tender).select_related(
            "proposed_by", "decided_by", "contract"
        )
    )
    side = agency_side(user, tender)
    ranked: list[dict[str, Any]] = []
    evaluation = None
    if side:
        try:
            evaluation = selectors.evaluation_get_for(user=user, tender=tender)  # type: ignore[arg-type]
        except DomainError:
            evaluation = None
    if evaluation is not None and evaluation.results is not None:
        ranked = [row for row in result_rows(evaluation) if row["rank"] is not None]
    cancelled = {award.bid_id for award in awards if award.status == AwardStatus.CANCELLED}
    live = any(award.status in (AwardStatus.PROPOSED, AwardStatus.APPROVED) for award in awards)
    candidates = [row for row in ranked if row["bid"] not in cancelled]
    may_propose = (
        permissions.can_manage_tender(user, tender) and tender.status == TenderStatus.EVALUATED and not live
    )
    forms = forms or {}
    rows = []
    for award in awards:
        rows.append(
            {
                "award": award,
                # The draft contract an approved award created: for the agency and the winning vendor.
                "contract": getattr(award, "contract", None)
                if side or award.bid.vendor_id in permissions.vendor_ids(user)
                else None,
                "may_decide": award.status == AwardStatus.PROPOSED
                and permissions.is_reviewer_of(user, tender)
                and award.proposed_by_id != user.pk,
                "own_proposal": award.status == AwardStatus.PROPOSED and award.proposed_by_id == user.pk,
                "may_cancel": award.status in (AwardStatus.PROPOSED, AwardStatus.APPROVED)
                and permissions.can_manage_tender(user, tender),
                "approve_form": forms.get(f"approve-{award.pk}")
                or AwardNoteForm(prefix=f"approve-{award.pk}"),
                "reject_form": forms.get(f"reject-{award.pk}")
                or AwardRejectForm(prefix=f"reject-{award.pk}"),
                "cancel_form": forms.get(f"cancel-{award.pk}")
                or AwardCancelForm(prefix=f"cancel-{award.pk}"),
            }
        )
    choices = [
        (row["bid"], f"{row['rank']}. {row['vendor']} · {amount(row['evaluated_price'], tender.currency)}")
        for row in candidates
    ]
    if proposal is None:
        proposal = AwardProposalForm(
            bids=choices, initial={"bid": candidates[0]["bid"] if candidates else None}
        )
    return tender_page(
        request,
        "contracts/award.html",
        tender,
        {
            "awards": rows,
            "ranked": ranked,
            "cancelled": cancelled,
            # While an award is proposed or approved there is no "next" bid to consider.
            "next_candidate": candidates[0] if candidates and not live else None,
            "may_propose": may_propose and bool(candidates),
            "nothing_left": may_propose and not candidates,
            "proposal": proposal,
            "error": error,
        },
        section="award",
        status=status,
    )


@with_tender
@require_http_methods(["GET", "POST"])
def award(request: HttpRequest, tender: Tender) -> HttpResponse:
    require_opened(request.user, tender)
    if request.method == "GET":
        return award_response(request, tender)
    if not permissions.can_manage_tender(request.user, tender):
        raise PermissionDenied("award.forbidden", _("Only the agency's finance officers propose an award."))
    bids = {bid.pk: bid for bid in selectors.bid_list_for(user=request.user, tender=tender)}  # type: ignore[arg-type]
    form = AwardProposalForm(request.POST, bids=[(pk, str(pk)) for pk in bids])
    error: DomainError | None = None
    if form.is_valid():
        try:
            services.award_propose(
                actor=request.user,  # type: ignore[arg-type]
                tender=tender,
                bid=bids[form.cleaned_data["bid"]],
                reasons=form.cleaned_data["reasons"],
            )
        except PermissionDenied:
            raise
        except DomainError as failure:
            error = failure
            place_errors(form, failure)
        else:
            messages.success(request, _("Award proposed: the reviewing body's approvers are notified."))
            return redirect("contracts:award", pk=tender.pk)
    return award_response(request, tender, status=error_status(form, error), proposal=form)


def _award_of(request: HttpRequest, tender: Tender, award_id: int) -> Award | None:
    award = selectors.award_get_for(user=request.user, pk=award_id)  # type: ignore[arg-type]
    return award if award.tender_id == tender.pk else None


def _decide(
    request: HttpRequest,
    tender: Tender,
    award_id: int,
    *,
    prefix: str,
    form_class: type[forms.Form],
    act: Any,
    done: str,
) -> HttpResponse:
    award = _award_of(request, tender, award_id)
    if award is None:
        return not_found(request)
    form = form_class(request.POST, prefix=f"{prefix}-{award.pk}")
    field = next(iter(form_class.base_fields))
    text = request.POST.get(f"{prefix}-{award.pk}-{field}", "")
    try:
        act(award, text)
    except PermissionDenied:
        raise
    except DomainError as error:
        form.is_valid()
        place_errors(form, error)
        return award_response(request, tender, status=error.status_code, forms={f"{prefix}-{award.pk}": form})
    messages.success(request, done)
    return redirect("contracts:award", pk=tender.pk)


@with_tender
@require_POST
def award_approve(request: HttpRequest, tender: Tender, award_id: int) -> HttpResponse:
    return _decide(
        request, tender, award_id, prefix="approve", form_class=AwardNoteForm,
        act=lambda award, note: services.award_approve(actor=acting(request), award=award, note=note),
        done=_("Award approved and published: the bidders are told and the draft contract is made."),
    )  # fmt: skip


@with_tender
@require_POST
def award_reject(request: HttpRequest, tender: Tender, award_id: int) -> HttpResponse:
    return _decide(
        request, tender, award_id, prefix="reject", form_class=AwardRejectForm,
        act=lambda award, note: services.award_reject(actor=acting(request), award=award, note=note),
        done=_("Award rejected with your note to the finance officer."),
    )  # fmt: skip


@with_tender
@require_POST
def award_cancel(request: HttpRequest, tender: Tender, award_id: int) -> HttpResponse:
    return _decide(
        request, tender, award_id, prefix="cancel", form_class=AwardCancelForm,
        act=lambda award, reason: services.award_cancel(actor=acting(request), award=award, reason=reason),
        done=_("Award cancelled: the next-ranked bid can now be proposed."),
    )  # fmt: skip
