"""Pages that read the engine's figures: results, the options comparison (PSC and value for money),
risks and the Monte Carlo simulation, scenarios side by side, the version diff and the receipts.

Each page loads the model's options with their lines once (selectors.options_with_lines) and hands
them to every appraisal it runs, so its query count does not grow with the number of lines.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from costing import calculations, selectors, services
from costing.calculations.appraisal import snapshot_hash
from costing.forms import DiffForm, SimulationForm, TornadoForm
from costing.models import CostModel, ReceiptKind, Scenario
from ppp.errors import DomainError, NotFound, PermissionDenied

from . import figures
from ._common import can, language, with_model


def _scenario_from(request: HttpRequest, model: CostModel, scenarios: list[Scenario]) -> Scenario | None:
    wanted = request.GET.get("scenario", "")
    if not wanted:
        return None
    for scenario in scenarios:
        if str(scenario.pk) == wanted:
            return scenario
    raise NotFound("scenario.not_found", _("Scenario not found."))


def _appraise(
    request: HttpRequest,
    model: CostModel,
    options: list[Any],
    *,
    scenario: Scenario | None = None,
    tornado_percent: Decimal | None = None,
) -> tuple[Any, str]:
    """The appraisal, or None and the reason it cannot be computed (a scenario that no longer fits)."""
    try:
        appraisal = selectors.appraisal_for(
            user=request.user,  # type: ignore[arg-type]
            model=model,
            scenario=scenario,
            tornado_percent=tornado_percent,
            options=options,
        )
    except calculations.CalculationInputError as error:
        return None, f"{error.field}: {error.message}"
    return appraisal, ""


@with_model
def results(request: HttpRequest, model: CostModel) -> HttpResponse:
    options = selectors.options_with_lines(model=model)
    scenarios = selectors.scenario_list_for(user=request.user, model=model)  # type: ignore[arg-type]
    scenario = _scenario_from(request, model, scenarios)
    appraisal, problem = _appraise(request, model, options, scenario=scenario)
    lang = language()
    context: dict[str, Any] = {
        "model": model,
        "scenarios": scenarios,
        "scenario": scenario,
        "problem": problem,
        "appraisal": appraisal,
    }
    if appraisal is not None:
        context["sections"] = [
            figures.option_results(option, appraisal, lang) for option in appraisal.options
        ]
        context["cumulative_chart"] = figures.cumulative_chart(appraisal, lang)
        context["rules"] = appraisal.snapshot.rules
        context["years"] = (
            [int(year) for year in appraisal.options[0].results.years] if appraisal.options else []
        )
    return render(request, "costing/results.html", context, status=400 if problem else 200)


@with_model
def comparison(request: HttpRequest, model: CostModel) -> HttpResponse:
    form = TornadoForm(request.GET or None)
    percent = 10
    if form.is_valid() and form.cleaned_data.get("percent"):
        percent = form.cleaned_data["percent"]
    options = selectors.options_with_lines(model=model)
    appraisal, problem = _appraise(request, model, options, tornado_percent=Decimal(percent) / 100)
    context: dict[str, Any] = {"model": model, "form": form, "percent": percent, "problem": problem}
    if appraisal is not None:
        lang = language()
        others = [option for option in appraisal.options if not option.option.is_psc]
        rates = [row.rate for row in others[0].sensitivity] if others and others[0].sensitivity else []
        context.update(
            appraisal=appraisal,
            psc=appraisal.psc,
            psc_total=appraisal.psc_total,
            others=others,
            sensitivity=[
                {
                    "rate": rate,
                    "is_model_rate": rate == appraisal.snapshot.discount_rate,
                    "psc_pv": others[0].sensitivity[index].psc_pv,
                    "cells": [option.sensitivity[index] for option in others],
                }
                for index, rate in enumerate(rates)
            ],
            tornadoes=[
                {"option": option, "chart": figures.tornado_chart(option, model.currency, lang)}
                for option in appraisal.options
            ],
        )
    return render(request, "costing/comparison.html", context, status=400 if problem else 200)


def _risks_context(request: HttpRequest, model: CostModel, simulation_form: SimulationForm) -> dict[str, Any]:
    options = selectors.options_with_lines(model=model)
    appraisal, problem = _appraise(request, model, options)
    lang = language()
    registers = []
    if appraisal is not None:
        for option, figures_of in zip(options, appraisal.options, strict=True):
            rows = list(zip(option.risks.all(), figures_of.risks, strict=True))
            registers.append(
                {
                    "option": option,
                    "figures": figures_of,
                    "rows": rows,
                    "expected_total": sum((expected.expected_value for _r, expected in rows), Decimal(0)),
                }
            )
    receipt = selectors.latest_simulation_for(user=request.user, model=model)  # type: ignore[arg-type]
    simulation = None
    if receipt is not None:
        names = {str(option.pk): option.name for option in options}
        parameters = receipt.inputs.get("simulation", {})
        current = appraisal is not None and receipt.input_hash == snapshot_hash(
            appraisal.snapshot, {"simulation": parameters}
        )
        simulation = {
            "receipt": receipt,
            "parameters": parameters,
            "is_current": current,
            "optimism_basis": receipt.results.get("optimism_basis", ""),
            "options": [
                {
                    "name": names.get(result["key"], result["key"]),
                    "result": result,
                    "charts": figures.simulation_charts(result, model.currency, lang),
                }
                for result in receipt.results.get("options", [])
            ],
        }
    return {
        "model": model,
        "registers": registers,
        "problem": problem,
        "simulation": simulation,
        "simulation_form": simulation_form,
        "can": can(request.user, model),
    }


@with_model
def risks(request: HttpRequest, model: CostModel) -> HttpResponse:
    return render(request, "costing/risks.html", _risks_context(request, model, SimulationForm()))


@with_model
@require_POST
def simulate(request: HttpRequest, model: CostModel) -> HttpResponse:
    form = SimulationForm(request.POST)
    error: DomainError | None = None
    if form.is_valid():
        try:
            services.simulation_run(
                actor=request.user,  # type: ignore[arg-type]
                model=model,
                iterations=form.cleaned_data["iterations"],
                seed=form.cleaned_data["seed"],
                include_optimism_bias=form.cleaned_data["include_optimism_bias"],
            )
        except PermissionDenied:
            raise
        except DomainError as caught:
            error = caught
            for key, message in caught.fields.items():
                form.add_error(key if key in form.fields else None, message)
        else:
            messages.success(request, _("Simulation done; its receipt is stored."))
            return redirect("costing:risks", pk=model.pk)
    context = _risks_context(request, model, form)
    return render(request, "costing/risks.html", context, status=error.status_code if error else 400)


@with_model
def scenarios(request: HttpRequest, model: CostModel) -> HttpResponse:
    options = selectors.options_with_lines(model=model)
    items = selectors.scenario_list_for(user=request.user, model=model)  # type: ignore[arg-type]
    columns: list[dict[str, Any]] = []
    for scenario in [None, *items]:
        appraisal, problem = _appraise(request, model, options, scenario=scenario)
        columns.append(
            {
                "scenario": scenario,
                "problem": problem,
                "by_option": {option.option.key: option for option in appraisal.options} if appraisal else {},
            }
        )
    rows = [
        {
            "option": option,
            "cells": [column["by_option"].get(str(option.pk)) for column in columns],
        }
        for option in options
    ]
    return render(
        request,
        "costing/scenarios.html",
        {
            "model": model,
            "scenarios": items,
            "columns": columns,
            "rows": rows,
            "can": can(request.user, model),
        },
    )


RATE_FIELDS = frozenset(
    {
        "discount_rate",
        "vat_rate",
        "general_escalation",
        "pm_norm_rate",
        "contingency_quantity_rate",
        "price_index",
    }
)


@with_model
def diff(request: HttpRequest, model: CostModel) -> HttpResponse:
    versions = [
        version
        for version in selectors.version_list_for(user=request.user, model=model)  # type: ignore[arg-type]
        if version.pk != model.pk
    ]
    form = DiffForm(request.GET or None, versions=versions)
    context: dict[str, Any] = {"model": model, "form": form, "versions": versions}
    if versions and form.is_valid():
        other = selectors.cost_model_get_for(user=request.user, pk=form.cleaned_data["other"])  # type: ignore[arg-type]
        older, newer = sorted((model, other), key=lambda version: version.version)
        comparison = selectors.version_diff_for(user=request.user, a=older, b=newer)  # type: ignore[arg-type]
        everything = form.cleaned_data["everything"]
        places = comparison["places"]
        for option in comparison["options"]:
            frame = option["rows"]
            if not everything:
                frame = frame[frame["status"] != "unchanged"]
            option["year_rows"] = [
                {
                    "code": row.code,
                    "year": int(row.year),
                    "a": calculations.to_money(row.a, places),
                    "b": calculations.to_money(row.b, places),
                    "difference": calculations.to_money(row.difference, places),
                    "status": row.status,
                }
                for row in frame.itertuples(index=False)
            ]
            option["line_rows"] = [
                {
                    "code": row.code,
                    "a": calculations.to_money(row.a, places),
                    "b": calculations.to_money(row.b, places),
                    "difference": calculations.to_money(row.difference, places),
                    "status": row.status,
                }
                for row in option["lines"].itertuples(index=False)
            ]
        changed = [
            {
                "label": getattr(CostModel._meta.get_field(field), "verbose_name", field),
                "a": a,
                "b": b,
                "is_rate": field in RATE_FIELDS,
                "older_first": older.pk == model.pk,
            }
            for field, a, b in comparison["changed_fields"]
        ]
        context.update(
            older=older, newer=newer, comparison=comparison, changed=changed, everything=everything
        )
    return render(request, "costing/diff.html", context, status=400 if form.errors else 200)


RECEIPTS_PAGE_SIZE = 10


@with_model
def receipts(request: HttpRequest, model: CostModel) -> HttpResponse:
    items = selectors.receipt_list_for(user=request.user, model=model)  # type: ignore[arg-type]
    page = Paginator(items, RECEIPTS_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = []
    for receipt in page:
        try:
            check = selectors.receipt_check(receipt=receipt)
        except (calculations.CalculationInputError, KeyError, ValueError):
            check = {"hash_matches": False, "results_match": False, "recomputed_hash": ""}
        rows.append({"receipt": receipt, "check": check})
    scenarios = selectors.scenario_list_for(user=request.user, model=model)  # type: ignore[arg-type]
    return render(
        request,
        "costing/receipts.html",
        {"model": model, "page": page, "rows": rows, "scenarios": scenarios, "kinds": ReceiptKind},
    )


@with_model
@require_POST
def receipt_store(request: HttpRequest, model: CostModel) -> HttpResponse:
    scenario = None
    wanted = request.POST.get("scenario", "")
    if wanted:
        if not wanted.isdigit():
            raise NotFound("scenario.not_found", _("Scenario not found."))
        scenario = selectors.scenario_get_for(user=request.user, model=model, pk=int(wanted))  # type: ignore[arg-type]
    try:
        receipt = services.receipt_store(actor=request.user, model=model, scenario=scenario)  # type: ignore[arg-type]
    except PermissionDenied:
        raise
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("costing:receipts", pk=model.pk)
    messages.success(request, _("Receipt stored: input hash %(hash)s.") % {"hash": receipt.input_hash[:12]})
    return redirect("costing:receipts", pk=model.pk)
