"""Pages of a cost model version: the list, create and edit, the detail with its workflow actions
(submit, approve, return with a note, new version, delete a draft), its history and the dashboard
panels."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from costing import selectors, services
from costing.forms import CostModelForm, ModelFilterForm, NoteForm, ReturnForm
from costing.models import CostModel
from ppp.errors import DomainError, PermissionDenied
from ppp.views import apply_domain_error, forbidden

from ._common import agencies_for, can, with_model

PAGE_SIZE = 25


@login_required
def model_list(request: HttpRequest) -> HttpResponse:
    form = ModelFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    models = selectors.cost_model_list_for(
        user=request.user,  # type: ignore[arg-type]
        status=filters.get("status", ""),
        search=filters.get("q", ""),
    )
    page = Paginator(models, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "costing/model_list.html",
        {"form": form, "page": page, "can_create": bool(agencies_for(request.user))},
    )


def _rule_help(model: CostModel | None) -> tuple[dict[str, Any], str]:
    rules = selectors.estimate_rules(model or CostModel())
    defaults = {
        "pm_norm_rate": rules.pm_norm_rate,
        "contingency_quantity_rate": rules.contingency_quantity_rate,
        "price_index": rules.price_index,
    }
    return defaults, rules.estimate_basis


@login_required
@require_http_methods(["GET", "POST"])
def model_create(request: HttpRequest) -> HttpResponse:
    agencies = agencies_for(request.user)
    if not agencies:
        return forbidden(
            request,
            PermissionDenied(
                "cost_model.forbidden", _("Only the agency's finance officers create its cost models.")
            ),
        )
    defaults, basis = _rule_help(None)
    form = CostModelForm(request.POST or None, agencies=agencies, rule_defaults=defaults, rule_basis=basis)
    if request.method == "POST" and form.is_valid():
        organisation = agencies[0]
        if "organisation" in form.cleaned_data:
            organisation = next(
                (org for org in agencies if org.pk == form.cleaned_data["organisation"]), agencies[0]
            )
        try:
            model = services.cost_model_create(
                actor=request.user,  # type: ignore[arg-type]
                organisation=organisation,
                **form.service_fields(),
            )
        except PermissionDenied as error:
            return forbidden(request, error)
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, _("Cost model created with the three delivery options."))
            return redirect("costing:model_detail", pk=model.pk)
    return render(
        request,
        "costing/model_form.html",
        {"form": form, "model": None},
        status=400 if form.errors else 200,
    )


@with_model
@require_http_methods(["GET", "POST"])
def model_edit(request: HttpRequest, model: CostModel) -> HttpResponse:
    defaults, basis = _rule_help(model)
    form = CostModelForm(
        request.POST or None,
        initial=CostModelForm.initial_for(model),
        rule_defaults=defaults,
        rule_basis=basis,
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.cost_model_update(actor=request.user, model=model, **form.service_fields())  # type: ignore[arg-type]
        except PermissionDenied:
            raise
        except DomainError as error:
            apply_domain_error(form, error)
            _placed_lines_errors(form, error)
            status = error.status_code
        else:
            messages.success(request, _("Assumptions saved."))
            return redirect("costing:model_detail", pk=model.pk)
    if form.errors and status == 200:
        status = 400
    return render(request, "costing/model_form.html", {"form": form, "model": model}, status=status)


def _placed_lines_errors(form: CostModelForm, error: DomainError) -> None:
    """A new horizon that does not fit some lines names them ("lines.HW"): say so above the form."""
    for key, message in error.fields.items():
        if key.startswith(("lines.", "risks.")) or key not in form.fields:
            form.add_error(None, f"{key.split('.', 1)[-1]}: {message}")


def detail_response(
    request: HttpRequest,
    model: CostModel,
    *,
    status: int = 200,
    return_form: ReturnForm | None = None,
    error: DomainError | None = None,
) -> HttpResponse:
    user = request.user
    options = selectors.options_with_lines(model=model)
    editor_ids = set(model.editors.values_list("pk", flat=True))
    context = {
        "model": model,
        "options": [
            {"option": option, "lines": len(option.lines.all()), "risks": len(option.risks.all())}
            for option in options
        ],
        "decisions": selectors.decision_list_for(user=user, model=model),  # type: ignore[arg-type]
        "versions": selectors.version_list_for(user=user, model=model),  # type: ignore[arg-type]
        "can": can(user, model, editor_ids),
        "made_it": user.pk in editor_ids or model.created_by_id == user.pk,
        "note_form": NoteForm(),
        "return_form": return_form or ReturnForm(),
        "error": error,
    }
    return render(request, "costing/model_detail.html", context, status=status)


@with_model
def model_detail(request: HttpRequest, model: CostModel) -> HttpResponse:
    return detail_response(request, model)


def _transition(request: HttpRequest, model: CostModel, action: Any, success: str) -> HttpResponse:
    form = NoteForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        model = action(actor=request.user, model=model, note=note)
    except PermissionDenied:
        raise
    except DomainError as error:
        return detail_response(request, model, status=error.status_code, error=error)
    messages.success(request, success)
    return redirect("costing:model_detail", pk=model.pk)


@with_model
@require_POST
def model_submit(request: HttpRequest, model: CostModel) -> HttpResponse:
    return _transition(
        request,
        model,
        services.cost_model_submit,
        _("Submitted: the reviewing body's approvers are notified."),
    )


@with_model
@require_POST
def model_approve(request: HttpRequest, model: CostModel) -> HttpResponse:
    return _transition(
        request, model, services.cost_model_approve, _("Approved: this version is now frozen.")
    )


@with_model
@require_POST
def model_return(request: HttpRequest, model: CostModel) -> HttpResponse:
    form = ReturnForm(request.POST)
    if not form.is_valid():
        return detail_response(request, model, status=400, return_form=form)
    try:
        services.cost_model_return(actor=request.user, model=model, note=form.cleaned_data["note"])  # type: ignore[arg-type]
    except PermissionDenied:
        raise
    except DomainError as error:
        apply_domain_error(form, error)
        return detail_response(request, model, status=error.status_code, return_form=form, error=error)
    messages.success(request, _("Returned with your note to the finance officer."))
    return redirect("costing:model_detail", pk=model.pk)


@with_model
@require_POST
def model_new_version(request: HttpRequest, model: CostModel) -> HttpResponse:
    try:
        copy = services.cost_model_new_version(actor=request.user, model=model)  # type: ignore[arg-type]
    except PermissionDenied:
        raise
    except DomainError as error:
        return detail_response(request, model, status=error.status_code, error=error)
    messages.success(request, _("Version %(version)s made as a draft.") % {"version": copy.version})
    return redirect("costing:model_detail", pk=copy.pk)


@with_model
@require_POST
def model_delete(request: HttpRequest, model: CostModel) -> HttpResponse:
    try:
        services.cost_model_delete(actor=request.user, model=model)  # type: ignore[arg-type]
    except PermissionDenied:
        raise
    except DomainError as error:
        return detail_response(request, model, status=error.status_code, error=error)
    messages.success(request, _("Draft deleted."))
    return redirect("costing:model_list")


@with_model
def history(request: HttpRequest, model: CostModel) -> HttpResponse:
    entries = selectors.history_for(user=request.user, model=model)  # type: ignore[arg-type]
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(request, "costing/history.html", {"model": model, "page": page})


def dashboard_panels(user: Any) -> dict[str, Any]:
    """Cost models for the dashboard: the agency's recent ones for its finance officers, the ones
    awaiting a decision for approvers."""
    from ppp.models import Role
    from ppp.permissions import has_role

    panels: dict[str, Any] = {}
    if has_role(user, Role.FINANCE_OFFICER):
        panels["recent_cost_models"] = list(selectors.cost_model_list_for(user=user)[:5])
    if has_role(user, Role.APPROVER):
        panels["cost_models_awaiting"] = list(selectors.awaiting_decision_for(user=user)[:10])
    return panels
