"""The agency's tender workspace: the list, a tender made from an approved cost model option, its
detail with the workflow actions (submit, approve, return with a note, publish), its terms, its
criteria and its history."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from contracts import permissions, selectors, services
from contracts.models import Criterion, Tender, TenderStatus
from costing import selectors as costing_selectors
from costing.forms import NoteForm
from costing.models import DERIVED_CATEGORIES, CostModel, CostModelStatus
from costing.templatetags.costing_tags import number
from ppp import rules
from ppp import selectors as ppp_selectors
from ppp.errors import Conflict, DomainError, NotFound, PermissionDenied
from ppp.money import quantize
from ppp.permissions import _memberships
from ppp.templatetags.ppp_tags import amount
from ppp.views import forbidden

from ._common import (
    agency_side,
    decision_label,
    error_status,
    not_found,
    place_errors,
    require_agency_side,
    role_label,
    status_label,
    tender_page,
    with_tender,
)
from .forms import CriterionForm, ReturnForm, TenderFilterForm, TenderForm

PAGE_SIZE = 25


def years_of(tender: Tender, items: list[Any]) -> list[int]:
    """The calendar years of the schedule's columns (period 0 is the cost model's base year)."""
    horizon = len(items[0].quantities) if items else 0
    return [tender.cost_model.base_year + period for period in range(horizon)]


@login_required
def tender_list(request: HttpRequest) -> HttpResponse:
    form = TenderFilterForm(request.GET or None, statuses=TenderStatus.choices)
    filters = form.cleaned_data if form.is_valid() else {}
    tenders = selectors.tender_list_for(user=request.user, status=filters.get("status", ""))  # type: ignore[arg-type]
    now = timezone.now()
    if filters.get("phase") == "open":
        tenders = tenders.filter(status=TenderStatus.PUBLISHED, closing_at__gt=now)
    elif filters.get("phase") == "closed":
        tenders = tenders.filter(published_at__isnull=False).exclude(
            status=TenderStatus.PUBLISHED, closing_at__gt=now
        )
    if filters.get("q"):
        tenders = tenders.filter(Q(reference__icontains=filters["q"]) | Q(title__icontains=filters["q"]))
    page = Paginator(tenders, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "contracts/tender_list.html",
        {
            "form": form,
            "page": page,
            "now": now,
            "is_vendor": bool(permissions.vendor_ids(request.user)),
            "can_create": bool(_agencies_for(request.user)),
        },
    )


def _agencies_for(user: Any) -> list[Any]:
    """Agencies in which the person may create tenders."""
    seen = {}
    for membership in _memberships(user):
        if permissions.can_create_tender(user, membership.organisation):
            seen[membership.organisation_id] = membership.organisation
    return list(seen.values())


def _forbidden_create() -> PermissionDenied:
    return PermissionDenied("tender.forbidden", _("Only the agency's finance officers create its tenders."))


def _source(request: HttpRequest) -> tuple[CostModel | None, Any]:
    """The cost model and option named by ?model=&option=, as the person may see them (None where
    not named); a named one that is missing or not theirs is NotFound."""
    try:
        model_id = int(request.GET["model"]) if request.GET.get("model") else None
        option_id = int(request.GET["option"]) if request.GET.get("option") else None
    except ValueError:
        raise NotFound("cost_model.not_found", _("Cost model not found.")) from None
    if model_id is None:
        return None, None
    model = costing_selectors.cost_model_get_for(user=request.user, pk=model_id)  # type: ignore[arg-type]
    if option_id is None:
        return model, None
    option = model.options.filter(pk=option_id).first()
    if option is None:
        raise NotFound("option.not_found", _("Option not found."))
    return model, option


@login_required
@require_http_methods(["GET", "POST"])
def tender_create(request: HttpRequest) -> HttpResponse:
    """Without ?model=&option=: choose an approved cost model option. With them: the tender's terms,
    the package price defaulting to the option's estimate (and never above it)."""
    if not _agencies_for(request.user):
        return forbidden(request, _forbidden_create())
    try:
        model, option = _source(request)
    except NotFound:
        return not_found(request)
    if option is None:
        models = (
            costing_selectors.cost_model_list_for(user=request.user, status=CostModelStatus.APPROVED)  # type: ignore[arg-type]
            .prefetch_related("options")
            .order_by("name", "-version")
        )
        if model is not None:
            models = models.filter(pk=model.pk)
        creatable = [m for m in models if permissions.can_create_tender(request.user, m.organisation)]
        return render(request, "contracts/tender_source.html", {"models": creatable, "chosen": model})
    assert model is not None
    if not permissions.can_create_tender(request.user, model.organisation):
        return forbidden(request, _forbidden_create())
    if model.status != CostModelStatus.APPROVED:
        refusal = Conflict(
            "tender.model_not_approved", _("A tender is built from an approved cost model version.")
        )
        return render(request, "contracts/tender_source.html", {"models": [], "error": refusal}, status=409)
    appraisal = costing_selectors.appraisal_for(user=request.user, model=model, tornado_percent=None)  # type: ignore[arg-type]
    figures = next(item for item in appraisal.options if item.option.key == str(option.pk))
    estimate = figures.tco_nominal
    estimate_help = _(
        "At most the option's estimate of %(estimate)s (nominal lifecycle cost incl. VAT); "
        "blank: the estimate."
    ) % {"estimate": amount(estimate, model.currency)}
    form = TenderForm(
        request.POST or None,
        initial=TenderForm.initial_new(
            title=model.name,
            estimate=estimate,
            discount_rate=model.discount_rate,
            bid_security_rate=_lowest_bid_security(estimate, model.currency),
        ),
        currency=model.currency,
        estimate_help=estimate_help,
    )
    error: DomainError | None = None
    if request.method == "POST" and form.is_valid():
        try:
            tender = services.tender_create(
                actor=request.user,  # type: ignore[arg-type]
                model=model,
                option=option,
                **form.service_fields(),
            )
        except PermissionDenied as denied:
            return forbidden(request, denied)
        except DomainError as failure:
            error = failure
            place_errors(form, failure)
        else:
            messages.success(
                request,
                _("Tender %(reference)s created as a draft with %(items)s schedule items.")
                % {"reference": tender.reference, "items": number(tender.items.count())},
            )
            return redirect("contracts:tender_detail", pk=tender.pk)
    return render(
        request,
        "contracts/tender_form.html",
        {
            "form": form,
            "tender": None,
            "model": model,
            "option": option,
            "estimate": estimate,
            "lines": [
                line
                for line in option.lines.order_by("position", "pk")
                if line.category not in DERIVED_CATEGORIES
            ],
        },
        status=error_status(form, error),
    )


def _lowest_bid_security(package_price: Decimal, currency: str) -> Decimal:
    """The rule book's lowest bid security for a non-consulting package of this price (its band by
    the threshold, in the threshold's currency), as a starting value the person may change."""
    security = rules.get("bidding.bid_security", timezone.localdate())
    small = currency == security["threshold_currency"] and package_price <= security.decimal(
        "threshold_amount"
    )
    return security.decimal(f"non_consulting_{'up_to_threshold' if small else 'above_threshold'}_min")


def detail_response(
    request: HttpRequest,
    tender: Tender,
    *,
    status: int = 200,
    error: DomainError | None = None,
    return_form: ReturnForm | None = None,
) -> HttpResponse:
    user = request.user
    items = list(tender.items.all())
    decisions = []
    if agency_side(user, tender):
        decisions = [
            {
                "when": decision.created_at,
                "who": decision.actor,
                "role": role_label(decision.role),
                "decision": decision_label(decision.decision),
                "from": status_label(decision.from_status) if decision.from_status else "—",
                "to": status_label(decision.to_status),
                "note": decision.note,
            }
            for decision in tender.decisions.select_related("actor")
        ]
    awards = [a for a in selectors.award_list_for(user=user, tender=tender) if a.status == "approved"]  # type: ignore[arg-type]
    return tender_page(
        request,
        "contracts/tender_detail.html",
        tender,
        {
            "items": items,
            "years": years_of(tender, items),
            "criteria": list(tender.criteria.all()),
            "decisions": decisions,
            "approved_awards": awards,
            "bid_security_amount": quantize(tender.package_price * tender.bid_security_rate, tender.currency),
            "note_form": NoteForm(),
            "return_form": return_form or ReturnForm(),
            "error": error,
        },
        section="detail",
        status=status,
    )


@with_tender
def tender_detail(request: HttpRequest, tender: Tender) -> HttpResponse:
    return detail_response(request, tender)


def _frozen(tender: Tender) -> Conflict:
    return Conflict(
        "tender.frozen",
        _("A %(status)s tender cannot be edited; published tenders change by amendment.")
        % {"status": tender.get_status_display()},
    )


def _require_editor(request: HttpRequest, tender: Tender) -> HttpResponse | None:
    """The edit pages (GET) for the agency's finance officers on a draft or returned tender."""
    if not permissions.can_manage_tender(request.user, tender):
        raise PermissionDenied("tender.forbidden", _("Only the agency's finance officers edit its tenders."))
    if not tender.is_editable:
        return detail_response(request, tender, status=409, error=_frozen(tender))
    return None


@with_tender
@require_http_methods(["GET", "POST"])
def tender_edit(request: HttpRequest, tender: Tender) -> HttpResponse:
    if request.method == "GET":
        refusal = _require_editor(request, tender)
        if refusal is not None:
            return refusal
    form = TenderForm(
        request.POST or None,
        initial=TenderForm.initial_for(tender),
        currency=tender.currency,
        estimate_help=_("At most the cost model's estimate of %(estimate)s.")
        % {"estimate": amount(tender.estimate, tender.currency)},
    )
    error: DomainError | None = None
    if request.method == "POST" and form.is_valid():
        try:
            services.tender_update(actor=request.user, tender=tender, **form.service_fields())  # type: ignore[arg-type]
        except PermissionDenied:
            raise
        except Conflict as failure:
            return detail_response(request, tender, status=failure.status_code, error=failure)
        except DomainError as failure:
            error = failure
            place_errors(form, failure)
        else:
            messages.success(request, _("Terms saved."))
            return redirect("contracts:tender_detail", pk=tender.pk)
    return tender_page(
        request,
        "contracts/tender_form.html",
        tender,
        {"form": form, "model": tender.cost_model, "option": tender.option, "estimate": tender.estimate},
        section="detail",
        status=error_status(form, error),
    )


@with_tender
@require_http_methods(["GET", "POST"])
def criterion_create(request: HttpRequest, tender: Tender) -> HttpResponse:
    if request.method == "GET":
        refusal = _require_editor(request, tender)
        if refusal is not None:
            return refusal
    form = CriterionForm(request.POST or None)
    error: DomainError | None = None
    if request.method == "POST" and form.is_valid():
        try:
            criterion = services.criterion_add(actor=request.user, tender=tender, **form.service_fields())  # type: ignore[arg-type]
        except PermissionDenied:
            raise
        except Conflict as failure:
            return detail_response(request, tender, status=failure.status_code, error=failure)
        except DomainError as failure:
            error = failure
            place_errors(form, failure)
        else:
            messages.success(request, _("Criterion %(code)s added.") % {"code": criterion.code})
            return redirect(f"{tender_url(tender)}#criteria-title")
    return tender_page(
        request,
        "contracts/criterion_form.html",
        tender,
        {"form": form},
        section="detail",
        status=error_status(form, error),
    )


def tender_url(tender: Tender) -> str:
    from django.urls import reverse

    return reverse("contracts:tender_detail", args=[tender.pk])


@with_tender
@require_http_methods(["GET", "POST"])
def criterion_delete(request: HttpRequest, tender: Tender, criterion_id: int) -> HttpResponse:
    criterion = Criterion.objects.filter(tender=tender, pk=criterion_id).first()
    if criterion is None:
        return not_found(request)
    error: DomainError | None = None
    if request.method == "POST":
        try:
            services.criterion_delete(actor=request.user, criterion=criterion)  # type: ignore[arg-type]
        except PermissionDenied:
            raise
        except DomainError as failure:
            error = failure
        else:
            messages.success(request, _("Criterion %(code)s deleted.") % {"code": criterion.code})
            return redirect(f"{tender_url(tender)}#criteria-title")
    else:
        refusal = _require_editor(request, tender)
        if refusal is not None:
            return refusal
    return tender_page(
        request,
        "contracts/confirm_delete.html",
        tender,
        {
            "title": _("Delete criterion %(code)s") % {"code": criterion.code},
            "what": _("Delete the criterion %(code)s %(name)s from this draft?")
            % {"code": criterion.code, "name": criterion.name},
            "cancel": tender_url(tender),
            "error": error,
        },
        section="detail",
        status=error.status_code if error else 200,
    )


def _transition(
    request: HttpRequest, tender: Tender, action: Callable[..., Tender], success: str, **values: Any
) -> HttpResponse:
    try:
        action(actor=request.user, tender=tender, **values)
    except PermissionDenied:
        raise
    except DomainError as error:
        return detail_response(request, tender, status=error.status_code, error=error)
    messages.success(request, success)
    return redirect("contracts:tender_detail", pk=tender.pk)


def _note(request: HttpRequest) -> str:
    form = NoteForm(request.POST)
    return form.cleaned_data["note"] if form.is_valid() else ""


@with_tender
@require_POST
def tender_submit(request: HttpRequest, tender: Tender) -> HttpResponse:
    return _transition(
        request,
        tender,
        services.tender_submit,
        _("Submitted: the reviewing body's approvers are notified."),
        note=_note(request),
    )


@with_tender
@require_POST
def tender_approve(request: HttpRequest, tender: Tender) -> HttpResponse:
    return _transition(
        request,
        tender,
        services.tender_approve,
        _("Approved for publication: the finance officer can publish it."),
        note=_note(request),
    )


@with_tender
@require_POST
def tender_return(request: HttpRequest, tender: Tender) -> HttpResponse:
    # The service decides who may return and that a note is needed (a blank note by someone who may
    # not return the tender is their 403, not a 400).
    try:
        services.tender_return(actor=request.user, tender=tender, note=request.POST.get("note", "")[:5000])  # type: ignore[arg-type]
    except PermissionDenied:
        raise
    except DomainError as error:
        form = ReturnForm(request.POST)
        form.is_valid()
        place_errors(form, error)
        return detail_response(request, tender, status=error.status_code, return_form=form, error=error)
    messages.success(request, _("Returned with your note to the finance officer."))
    return redirect("contracts:tender_detail", pk=tender.pk)


@with_tender
@require_POST
def tender_publish(request: HttpRequest, tender: Tender) -> HttpResponse:
    return _transition(
        request,
        tender,
        services.tender_publish,
        _("Published: vendors can read the tender and prepare their bids."),
    )


@with_tender
def history(request: HttpRequest, tender: Tender) -> HttpResponse:
    """The tender's audit entries (bid entries stay sealed in the audit log until opening)."""
    require_agency_side(request.user, tender)
    entries = ppp_selectors.object_history_for(object_type="contracts.tender", object_id=str(tender.pk))
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return tender_page(request, "contracts/history.html", tender, {"page": page}, section="history")
