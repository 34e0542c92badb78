"""Operations on the figures (computed on demand, or stored as receipts): results, the scenario
comparison, the Monte Carlo simulation, calculation receipts and the diff of two versions."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router
from ninja.pagination import paginate

from costing import calculations, selectors, services
from costing.calculations.appraisal import DEFAULT_TORNADO_PERCENT, Appraisal, appraisal_summary
from costing.schemas import (
    DiffOut,
    ReceiptCheckOut,
    ReceiptDetailOut,
    ReceiptIn,
    ReceiptOut,
    ResultsOut,
    ScenarioComparisonOut,
    SimulationIn,
    SimulationOut,
    plain_decimal,
)
from ppp.errors import NotFound
from ppp.pagination import Pagination

from ._common import ERRORS, calculating, model_of, user_of

router = Router(tags=["costing"])


@router.get(
    "/models/{model_id}/scenarios/compare",
    response={200: ScenarioComparisonOut, **ERRORS},
    summary="The base case and every scenario side by side: NPV and value for money per option",
    description="A scenario the engine now refuses (its overrides were stored under older rules) carries "
    "an `error` instead of figures; an override of a line that was since deleted no longer applies.",
)
def scenario_compare(request: HttpRequest, model_id: int) -> dict[str, Any]:
    user = user_of(request)
    model = model_of(request, model_id)
    options = selectors.options_with_lines(model=model)
    cases = []
    with calculating():
        base = selectors.appraisal_for(user=user, model=model, tornado_percent=None, options=options)
    cases.append(_case(None, _("Base case"), {}, base))
    for scenario in selectors.scenario_list_for(user=user, model=model):
        try:
            appraisal = selectors.appraisal_for(
                user=user, model=model, scenario=scenario, tornado_percent=None, options=options
            )
        except calculations.CalculationInputError as error:
            cases.append(
                {
                    "scenario_id": scenario.pk,
                    "name": scenario.name,
                    "overrides": scenario.overrides,
                    "psc_total": None,
                    "options": [],
                    "error": {
                        "code": "costing.invalid_input",
                        "message": error.message,
                        "fields": {f"overrides.{error.field}": error.message},
                    },
                }
            )
            continue
        cases.append(_case(scenario.pk, scenario.name, scenario.overrides, appraisal))
    return {"model_id": model.pk, "currency": model.currency, "cases": cases}


def _case(scenario_id: int | None, name: str, overrides: dict[str, Any], appraisal: Appraisal) -> dict:
    return {
        "scenario_id": scenario_id,
        "name": name,
        "overrides": overrides,
        "psc_total": None if appraisal.psc_total is None else str(appraisal.psc_total),
        "options": [
            {
                "key": option.option.key,
                "kind": option.option.kind,
                "name": option.option.name,
                "npv": str(option.npv),
                "risk_adjusted_pv": str(option.risk_adjusted_pv),
                "vfm": None if option.vfm is None else str(option.vfm),
            }
            for option in appraisal.options
        ],
        "error": None,
    }


# Results, simulation, receipts.


@router.get(
    "/models/{model_id}/results",
    response={200: ResultsOut, **ERRORS},
    summary="Lifecycle cost, NPV, PSC and value for money of every option (computed, not stored)",
    description="Money as strings at the currency's places (ROUND_HALF_UP). `scenario` applies a "
    "scenario's overrides; `tornado_percent` (a fraction, default 0.10) sets the tornado's swing. "
    "`rules` gives the rule-book parameters used and their legal basis.",
)
def results(
    request: HttpRequest,
    model_id: int,
    scenario: int | None = None,
    tornado_percent: Decimal = Query(DEFAULT_TORNADO_PERCENT, gt=0, le=1, max_digits=8),  # noqa: B008
) -> dict[str, Any]:
    user = user_of(request)
    model = model_of(request, model_id)
    chosen = None if scenario is None else selectors.scenario_get_for(user=user, model=model, pk=scenario)
    with calculating("overrides." if chosen is not None else ""):
        appraisal = selectors.appraisal_for(
            user=user, model=model, scenario=chosen, tornado_percent=tornado_percent
        )
    rules = appraisal.snapshot.rules
    return {
        **appraisal_summary(appraisal),
        "model_id": model.pk,
        "version": model.version,
        "scenario_id": None if chosen is None else chosen.pk,
        "tornado_percent": plain_decimal(tornado_percent),
        "rules": {
            "pm_norm_rate": plain_decimal(rules.pm_norm_rate),
            "contingency_quantity_rate": plain_decimal(rules.contingency_quantity_rate),
            "price_index": plain_decimal(rules.price_index),
            "estimate_basis": rules.estimate_basis,
            "capex_uplift": plain_decimal(rules.capex_uplift),
            "opex_uplift": plain_decimal(rules.opex_uplift),
            "optimism_basis": rules.optimism_basis,
        },
    }


def _simulation_out(receipt: Any) -> dict[str, Any]:
    return {
        "receipt_id": receipt.pk,
        "input_hash": receipt.input_hash,
        "engine_version": receipt.engine_version,
        "created_at": receipt.created_at,
        "parameters": receipt.results.get("parameters", receipt.inputs.get("simulation")),
        "optimism_basis": receipt.results.get("optimism_basis", ""),
        "options": receipt.results["options"],
    }


@router.post(
    "/models/{model_id}/simulations",
    response={200: SimulationOut, **ERRORS},
    summary="Run the seeded Monte Carlo of every option's lifecycle cost: P50, P70, P90, histogram, S-curve",
    description="Stored as a receipt; the same inputs and seed find the receipt already stored.",
)
def simulation_run(request: HttpRequest, model_id: int, payload: SimulationIn) -> dict[str, Any]:
    model = model_of(request, model_id)
    receipt = services.simulation_run(
        actor=user_of(request),
        model=model,
        iterations=payload.iterations,
        seed=payload.seed,
        include_optimism_bias=payload.include_optimism_bias,
    )
    return _simulation_out(receipt)


@router.get(
    "/models/{model_id}/simulations/latest",
    response={200: SimulationOut, **ERRORS},
    summary="The latest stored simulation of this version (404 when none was run)",
)
def simulation_latest(request: HttpRequest, model_id: int) -> dict[str, Any]:
    model = model_of(request, model_id)
    receipt = selectors.latest_simulation_for(user=user_of(request), model=model)
    if receipt is None:
        raise NotFound("simulation.not_found", _("No simulation has been run for this version."))
    return _simulation_out(receipt)


@router.get(
    "/models/{model_id}/receipts",
    response={200: list[ReceiptOut], **ERRORS},
    summary="Stored calculations of this version, newest first",
)
@paginate(Pagination)
def receipt_list(request: HttpRequest, model_id: int, kind: str = Query("", max_length=20)):  # type: ignore[no-untyped-def]
    model = model_of(request, model_id)
    return selectors.receipt_list_for(user=user_of(request), model=model, kind=kind)


@router.post(
    "/models/{model_id}/receipts",
    response={200: ReceiptDetailOut, **ERRORS},
    summary="Store the results of the current inputs (or of a scenario) with their input hash",
    description="Returns the receipt already stored when exactly these inputs were stored before.",
)
def receipt_store(request: HttpRequest, model_id: int, payload: ReceiptIn | None = None) -> Any:
    user = user_of(request)
    model = model_of(request, model_id)
    scenario = None
    if payload is not None and payload.scenario_id is not None:
        try:
            scenario = selectors.scenario_get_for(user=user, model=model, pk=payload.scenario_id)
        except NotFound:
            raise NotFound(
                "scenario.not_found", _("Scenario not found."), {"scenario_id": _("not found")}
            ) from None
    return services.receipt_store(actor=user, model=model, scenario=scenario)


@router.get(
    "/models/{model_id}/receipts/{receipt_id}",
    response={200: ReceiptDetailOut, **ERRORS},
    summary="A stored calculation: its input snapshot, hash, engine version and results",
)
def receipt_get(request: HttpRequest, model_id: int, receipt_id: int) -> Any:
    model = model_of(request, model_id)
    return selectors.receipt_get_for(user=user_of(request), model=model, pk=receipt_id)


@router.get(
    "/models/{model_id}/receipts/{receipt_id}/verify",
    response={200: ReceiptCheckOut, **ERRORS},
    summary="Recompute a receipt from its stored inputs: does the hash match, do the figures match",
)
def receipt_verify(request: HttpRequest, model_id: int, receipt_id: int) -> dict[str, Any]:
    model = model_of(request, model_id)
    receipt = selectors.receipt_get_for(user=user_of(request), model=model, pk=receipt_id)
    with calculating():
        check = selectors.receipt_check(receipt=receipt)
    return {
        **check,
        "receipt_id": receipt.pk,
        "input_hash": receipt.input_hash,
        "engine_version": receipt.engine_version,
    }


# Version diff.


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, Decimal):
        return plain_decimal(value)
    return str(value)


@router.get(
    "/models/{model_id}/diff",
    response={200: DiffOut, **ERRORS},
    summary="Two versions of a model side by side, line by line and year by year",
    description="`a` is the earlier of the two versions and `b` the later, whichever is in the path; "
    "difference = b - a. Amounts are the model-basis cost incl. VAT, at the currency's places.",
)
def model_diff(request: HttpRequest, model_id: int, other: int) -> dict[str, Any]:
    user = user_of(request)
    model = model_of(request, model_id)
    try:
        second = selectors.cost_model_get_for(user=user, pk=other)
    except NotFound:
        raise NotFound(
            "cost_model.not_found", _("Cost model not found."), {"other": _("not found")}
        ) from None
    a, b = sorted((model, second), key=lambda version: (version.version, version.pk))
    with calculating():
        diff = selectors.version_diff_for(user=user, a=a, b=b)
    places = diff["places"]

    def money(value: float) -> str:
        return str(calculations.to_money(float(value), places))

    options = []
    for option in diff["options"]:
        options.append(
            {
                "kind": option["kind"],
                "name_a": option["name_a"],
                "name_b": option["name_b"],
                "totals": {
                    name: {key: str(value) for key, value in figures.items()}
                    for name, figures in option["totals"].items()
                },
                "lines": [
                    {
                        "code": row.code,
                        "a": money(row.a),
                        "b": money(row.b),
                        "difference": money(row.difference),
                        "status": row.status,
                    }
                    for row in option["lines"].itertuples(index=False)
                ],
                "rows": [
                    {
                        "code": row.code,
                        "year": int(row.year),
                        "a": money(row.a),
                        "b": money(row.b),
                        "difference": money(row.difference),
                        "status": row.status,
                    }
                    for row in option["rows"].itertuples(index=False)
                ],
            }
        )
    return {
        "a_id": a.pk,
        "a_version": a.version,
        "b_id": b.pk,
        "b_version": b.version,
        "currency": a.currency,
        "changed_fields": [
            {"field": field, "a": _text(left), "b": _text(right)}
            for field, left, right in diff["changed_fields"]
        ],
        "options": options,
    }
