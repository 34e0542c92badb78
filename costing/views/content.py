"""Forms for the content of a draft: delivery options, single cost lines (with generated quantities),
copies and deletions, risks and scenarios. Each page parses with a form, calls one service and shows
the service's field errors next to the fields."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from costing import selectors, services
from costing.forms import LineForm, OptionForm, RiskForm, ScenarioForm
from costing.models import CostLine, CostModel
from ppp.errors import DomainError, PermissionDenied
from ppp.views import apply_domain_error

from ._common import with_model


def _status(form: Any, error: DomainError | None = None) -> int:
    if error is not None:
        return error.status_code
    return 400 if form.errors else 200


def _place(form: Any, error: DomainError) -> None:
    placer = getattr(form, "add_service_errors", None)
    if placer is not None:
        if not placer(error.fields) or any(key not in form.fields for key in error.fields):
            form.add_error(None, error.message)
        return
    apply_domain_error(form, error)


def _form_page(
    request: HttpRequest, template: str, context: dict[str, Any], form: Any, error: DomainError | None
) -> HttpResponse:
    return render(request, template, {**context, "form": form}, status=_status(form, error))


def _confirm_page(
    request: HttpRequest,
    model: CostModel,
    *,
    title: str,
    what: str,
    cancel: str,
    error: DomainError | None = None,
) -> HttpResponse:
    return render(
        request,
        "costing/confirm_delete.html",
        {"model": model, "title": title, "what": what, "cancel": cancel, "error": error},
        status=error.status_code if error else 200,
    )


def _confirm_and_delete(
    request: HttpRequest,
    model: CostModel,
    *,
    title: str,
    what: str,
    cancel: str,
    delete: Callable[[], None],
    done: str,
) -> HttpResponse:
    """GET: the confirmation page. POST: one delete service; its refusal is shown on the same page
    (a PermissionDenied goes on to the 403 page)."""
    if request.method == "POST":
        try:
            delete()
        except PermissionDenied:
            raise
        except DomainError as error:
            return _confirm_page(request, model, title=title, what=what, cancel=cancel, error=error)
        messages.success(request, done)
        return redirect(cancel)
    return _confirm_page(request, model, title=title, what=what, cancel=cancel)


# Options.


@with_model
@require_http_methods(["GET", "POST"])
def option_create(request: HttpRequest, model: CostModel) -> HttpResponse:
    form = OptionForm(request.POST or None)
    error = None
    if request.method == "POST" and form.is_valid():
        values = form.service_fields()
        try:
            option = services.option_create(
                actor=request.user,  # type: ignore[arg-type]
                model=model,
                kind=form.cleaned_data["kind"],
                **values,
            )
        except PermissionDenied:
            raise
        except DomainError as caught:
            error = caught
            _place(form, caught)
        else:
            messages.success(request, _("Option added."))
            return redirect("costing:lines_grid", pk=model.pk, option_id=option.pk)
    return _form_page(request, "costing/option_form.html", {"model": model, "option": None}, form, error)


@with_model
@require_http_methods(["GET", "POST"])
def option_edit(request: HttpRequest, model: CostModel, option_id: int) -> HttpResponse:
    option = selectors.option_get_for(user=request.user, model=model, pk=option_id)  # type: ignore[arg-type]
    initial = {
        "name": option.name,
        "description": option.description,
        "competitive_neutrality": option.competitive_neutrality,
        "competitive_neutrality_note": option.competitive_neutrality_note,
        "optimism_bias_mitigation": option.optimism_bias_mitigation,
    }
    form = OptionForm(request.POST or None, initial=initial, kind=option.kind)
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            services.option_update(actor=request.user, option=option, **form.service_fields())  # type: ignore[arg-type]
        except PermissionDenied:
            raise
        except DomainError as caught:
            error = caught
            _place(form, caught)
        else:
            messages.success(request, _("Option saved."))
            return redirect("costing:model_detail", pk=model.pk)
    return _form_page(request, "costing/option_form.html", {"model": model, "option": option}, form, error)


@with_model
@require_http_methods(["GET", "POST"])
def option_delete(request: HttpRequest, model: CostModel, option_id: int) -> HttpResponse:
    option = selectors.option_get_for(user=request.user, model=model, pk=option_id)  # type: ignore[arg-type]
    cancel = reverse("costing:model_detail", args=[model.pk])
    title = _("Delete the option %(name)s?") % {"name": option.name}
    what = _("Its cost lines and risks are deleted with it.")
    return _confirm_and_delete(
        request,
        model,
        title=title,
        what=what,
        cancel=cancel,
        delete=lambda: services.option_delete(actor=request.user, option=option),  # type: ignore[arg-type]
        done=_("Option deleted."),
    )


# Single lines.


@with_model
@require_http_methods(["GET", "POST"])
def line_create(request: HttpRequest, model: CostModel, option_id: int) -> HttpResponse:
    option = selectors.option_get_for(user=request.user, model=model, pk=option_id)  # type: ignore[arg-type]
    form = LineForm(request.POST or None, years=model.years, initial={"vat_applicable": True})
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            services.line_create(actor=request.user, option=option, data=form.line_data())  # type: ignore[arg-type]
        except PermissionDenied:
            raise
        except DomainError as caught:
            error = caught
            _place(form, caught)
        else:
            messages.success(request, _("Line added."))
            return redirect("costing:lines_grid", pk=model.pk, option_id=option.pk)
    context = {"model": model, "option": option, "line": None}
    return _form_page(request, "costing/line_form.html", context, form, error)


@with_model
@require_http_methods(["GET", "POST"])
def line_edit(request: HttpRequest, model: CostModel, line_id: int) -> HttpResponse:
    line: CostLine = selectors.line_get_for(user=request.user, model=model, pk=line_id)  # type: ignore[arg-type]
    line.option.model = model
    form = LineForm(request.POST or None, years=model.years, initial=LineForm.initial_for(line))
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            services.line_update(actor=request.user, line=line, data=form.line_data())  # type: ignore[arg-type]
        except PermissionDenied:
            raise
        except DomainError as caught:
            error = caught
            _place(form, caught)
        else:
            messages.success(request, _("Line saved."))
            return redirect("costing:lines_grid", pk=model.pk, option_id=line.option_id)
    context = {"model": model, "option": line.option, "line": line}
    return _form_page(request, "costing/line_form.html", context, form, error)


@with_model
@require_POST
def line_copy(request: HttpRequest, model: CostModel, line_id: int) -> HttpResponse:
    line = selectors.line_get_for(user=request.user, model=model, pk=line_id)  # type: ignore[arg-type]
    try:
        copy = services.line_copy(actor=request.user, line=line)  # type: ignore[arg-type]
    except PermissionDenied:
        raise
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("costing:lines_grid", pk=model.pk, option_id=line.option_id)
    messages.success(request, _("Line %(code)s copied as %(copy)s.") % {"code": line.code, "copy": copy.code})
    return redirect("costing:lines_grid", pk=model.pk, option_id=line.option_id)


@with_model
@require_http_methods(["GET", "POST"])
def line_delete(request: HttpRequest, model: CostModel, line_id: int) -> HttpResponse:
    line = selectors.line_get_for(user=request.user, model=model, pk=line_id)  # type: ignore[arg-type]
    cancel = reverse("costing:lines_grid", args=[model.pk, line.option_id])
    title = _("Delete the line %(code)s %(name)s?") % {"code": line.code, "name": line.name}
    what = _("The line leaves this draft; earlier versions keep theirs.")
    return _confirm_and_delete(
        request,
        model,
        title=title,
        what=what,
        cancel=cancel,
        delete=lambda: services.line_delete(actor=request.user, line=line),  # type: ignore[arg-type]
        done=_("Line deleted."),
    )


# Risks.


@with_model
@require_http_methods(["GET", "POST"])
def risk_create(request: HttpRequest, model: CostModel, option_id: int) -> HttpResponse:
    option = selectors.option_get_for(user=request.user, model=model, pk=option_id)  # type: ignore[arg-type]
    form = RiskForm(request.POST or None, years=model.years)
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            services.risk_create(actor=request.user, option=option, data=form.risk_data())  # type: ignore[arg-type]
        except PermissionDenied:
            raise
        except DomainError as caught:
            error = caught
            _place(form, caught)
        else:
            messages.success(request, _("Risk added."))
            return redirect("costing:risks", pk=model.pk)
    context = {"model": model, "option": option, "risk": None}
    return _form_page(request, "costing/risk_form.html", context, form, error)


@with_model
@require_http_methods(["GET", "POST"])
def risk_edit(request: HttpRequest, model: CostModel, risk_id: int) -> HttpResponse:
    risk = selectors.risk_get_for(user=request.user, model=model, pk=risk_id)  # type: ignore[arg-type]
    risk.option.model = model
    form = RiskForm(request.POST or None, years=model.years, initial=RiskForm.initial_for(risk))
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            services.risk_update(actor=request.user, risk=risk, data=form.risk_data())  # type: ignore[arg-type]
        except PermissionDenied:
            raise
        except DomainError as caught:
            error = caught
            _place(form, caught)
        else:
            messages.success(request, _("Risk saved."))
            return redirect("costing:risks", pk=model.pk)
    context = {"model": model, "option": risk.option, "risk": risk}
    return _form_page(request, "costing/risk_form.html", context, form, error)


@with_model
@require_http_methods(["GET", "POST"])
def risk_delete(request: HttpRequest, model: CostModel, risk_id: int) -> HttpResponse:
    risk = selectors.risk_get_for(user=request.user, model=model, pk=risk_id)  # type: ignore[arg-type]
    risk.option.model = model
    cancel = reverse("costing:risks", args=[model.pk])
    title = _("Delete the risk %(code)s %(name)s?") % {"code": risk.code, "name": risk.name}
    what = _("Its expected value leaves the option's risk-adjusted cost.")
    return _confirm_and_delete(
        request,
        model,
        title=title,
        what=what,
        cancel=cancel,
        delete=lambda: services.risk_delete(actor=request.user, risk=risk),  # type: ignore[arg-type]
        done=_("Risk deleted."),
    )


# Scenarios.


def _line_codes(model: CostModel) -> list[str]:
    codes: dict[str, None] = {}
    for option in selectors.options_with_lines(model=model):
        for line in option.lines.all():
            codes[line.code] = None
    return list(codes)


@with_model
@require_http_methods(["GET", "POST"])
def scenario_create(request: HttpRequest, model: CostModel) -> HttpResponse:
    form = ScenarioForm(request.POST or None, codes=_line_codes(model))
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            services.scenario_create(
                actor=request.user,  # type: ignore[arg-type]
                model=model,
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
                overrides=form.overrides(),
            )
        except PermissionDenied:
            raise
        except DomainError as caught:
            error = caught
            _place(form, caught)
        else:
            messages.success(request, _("Scenario saved."))
            return redirect("costing:scenarios", pk=model.pk)
    return _form_page(request, "costing/scenario_form.html", {"model": model, "scenario": None}, form, error)


@with_model
@require_http_methods(["GET", "POST"])
def scenario_edit(request: HttpRequest, model: CostModel, scenario_id: int) -> HttpResponse:
    scenario = selectors.scenario_get_for(user=request.user, model=model, pk=scenario_id)  # type: ignore[arg-type]
    scenario.model = model
    form = ScenarioForm(
        request.POST or None,
        codes=_line_codes(model),
        existing=scenario.overrides,
        initial=ScenarioForm.initial_for(scenario),
    )
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            services.scenario_update(
                actor=request.user,  # type: ignore[arg-type]
                scenario=scenario,
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
                overrides=form.overrides(),
            )
        except PermissionDenied:
            raise
        except DomainError as caught:
            error = caught
            _place(form, caught)
        else:
            messages.success(request, _("Scenario saved."))
            return redirect("costing:scenarios", pk=model.pk)
    context = {"model": model, "scenario": scenario}
    return _form_page(request, "costing/scenario_form.html", context, form, error)


@with_model
@require_http_methods(["GET", "POST"])
def scenario_delete(request: HttpRequest, model: CostModel, scenario_id: int) -> HttpResponse:
    scenario = selectors.scenario_get_for(user=request.user, model=model, pk=scenario_id)  # type: ignore[arg-type]
    scenario.model = model
    cancel = reverse("costing:scenarios", args=[model.pk])
    title = _("Delete the scenario %(name)s?") % {"name": scenario.name}
    what = _("Receipts stored under it keep their figures.")
    return _confirm_and_delete(
        request,
        model,
        title=title,
        what=what,
        cancel=cancel,
        delete=lambda: services.scenario_delete(actor=request.user, scenario=scenario),  # type: ignore[arg-type]
        done=_("Scenario deleted."),
    )
