"""Operations on a draft version's content: delivery options, cost lines (one by one, copied, or the
whole grid of an option), risks and scenarios."""

from __future__ import annotations

import dataclasses
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Status

from costing import selectors, services
from costing.models import CostLine, CostModel, Risk
from costing.schemas import (
    GridIn,
    LineCopyIn,
    LineIn,
    LineOut,
    LinePatch,
    OptionIn,
    OptionOut,
    OptionPatch,
    RiskIn,
    RiskOut,
    RiskPatch,
    ScenarioIn,
    ScenarioOut,
    ScenarioPatch,
)
from costing.services import LineData, RiskData
from ppp.errors import NotFound

from ._common import ERRORS, model_of, user_of

router = Router(tags=["costing"])
GENERATOR_FIELDS = ("start_year", "end_year", "starting_quantity", "growth_rate")
LINE_FIELDS = tuple(f.name for f in dataclasses.fields(LineData) if f.name not in {"id", "delete", "extra"})
RISK_FIELDS = tuple(f.name for f in dataclasses.fields(RiskData))


# Options.


@router.get(
    "/models/{model_id}/options",
    response={200: list[OptionOut], **ERRORS},
    summary="The delivery options of a version with their line and risk counts",
)
def option_list(request: HttpRequest, model_id: int) -> list[Any]:
    model = model_of(request, model_id)
    return selectors.options_with_lines(model=model)


@router.post(
    "/models/{model_id}/options",
    response={201: OptionOut, **ERRORS},
    summary="Add a delivery option (one in-house option, the PSC, per model)",
)
def option_create(request: HttpRequest, model_id: int, payload: OptionIn) -> Status[Any]:
    model = model_of(request, model_id)
    values = payload.dict(exclude_unset=True, exclude={"kind", "name"})
    option = services.option_create(
        actor=user_of(request), model=model, kind=payload.kind, name=payload.name, **values
    )
    return Status(201, option)


@router.patch(
    "/models/{model_id}/options/{option_id}",
    response={200: OptionOut, **ERRORS},
    summary="Change an option (only the fields sent; the kind cannot change)",
)
def option_update(request: HttpRequest, model_id: int, option_id: int, payload: OptionPatch) -> Any:
    model = model_of(request, model_id)
    option = selectors.option_get_for(user=user_of(request), model=model, pk=option_id)
    return services.option_update(actor=user_of(request), option=option, **payload.dict(exclude_unset=True))


@router.delete(
    "/models/{model_id}/options/{option_id}",
    response={204: None, **ERRORS},
    summary="Delete an option with its lines and risks",
)
def option_delete(request: HttpRequest, model_id: int, option_id: int) -> Status[None]:
    model = model_of(request, model_id)
    option = selectors.option_get_for(user=user_of(request), model=model, pk=option_id)
    services.option_delete(actor=user_of(request), option=option)
    return Status(204, None)


# Cost lines.


def _option_lines(model: CostModel, option_id: int) -> list[CostLine]:
    for option in selectors.options_with_lines(model=model):
        if option.pk == option_id:
            return list(option.lines.all())
    return []


def _option_risks(model: CostModel, option_id: int) -> list[Risk]:
    for option in selectors.options_with_lines(model=model):
        if option.pk == option_id:
            return list(option.risks.all())
    return []


@router.get(
    "/models/{model_id}/options/{option_id}/lines",
    response={200: list[LineOut], **ERRORS},
    summary="The cost lines of an option, in grid order",
)
def line_list(request: HttpRequest, model_id: int, option_id: int) -> list[CostLine]:
    model = model_of(request, model_id)
    option = selectors.option_get_for(user=user_of(request), model=model, pk=option_id)
    return _option_lines(model, option.pk)


@router.post(
    "/models/{model_id}/options/{option_id}/lines",
    response={201: LineOut, **ERRORS},
    summary="Add a cost line (typed quantities per year, or generated from start/end year and growth)",
    description="Project management and contingency are derived from the rule book, never typed. "
    "Errors name the field (`quantities[2]`, `start_year`, `currency`).",
)
def line_create(request: HttpRequest, model_id: int, option_id: int, payload: LineIn) -> Status[CostLine]:
    model = model_of(request, model_id)
    option = selectors.option_get_for(user=user_of(request), model=model, pk=option_id)
    line = services.line_create(actor=user_of(request), option=option, data=LineData(**payload.dict()))
    return Status(201, line)


@router.put(
    "/models/{model_id}/options/{option_id}/lines",
    response={200: list[LineOut], **ERRORS},
    summary="Save the grid of an option: all rows or nothing",
    description="A row with an `id` changes that line (or deletes it with `delete: true`); a row "
    "without creates one; lines no row names stay as they are. Errors are named `lines[i].field`. "
    "Returns the saved (created and changed) lines in row order.",
)
def lines_save(request: HttpRequest, model_id: int, option_id: int, payload: GridIn) -> list[CostLine]:
    model = model_of(request, model_id)
    option = selectors.option_get_for(user=user_of(request), model=model, pk=option_id)
    rows = [LineData(**row.dict(exclude_unset=True)) for row in payload.lines]
    return services.lines_save(actor=user_of(request), option=option, rows=rows)


def _merged_line(line: CostLine, patch: dict[str, Any]) -> LineData:
    """The line as it would be with the patch applied. Typed quantities and the generator exclude
    each other: sending one replaces the other."""
    values: dict[str, Any] = {field: getattr(line, field, None) for field in LINE_FIELDS}
    values["currency"] = None
    sends_generator = any(field in patch for field in GENERATOR_FIELDS)
    if "quantities" in patch and not sends_generator:
        values.update(dict.fromkeys(GENERATOR_FIELDS))
    values.update(patch)
    if "quantities" not in patch and any(values[field] not in (None, "") for field in GENERATOR_FIELDS):
        values["quantities"] = None
    return LineData(**values)


@router.patch(
    "/models/{model_id}/lines/{line_id}",
    response={200: LineOut, **ERRORS},
    summary="Change a cost line (only the fields sent)",
)
def line_update(request: HttpRequest, model_id: int, line_id: int, payload: LinePatch) -> CostLine:
    model = model_of(request, model_id)
    line = selectors.line_get_for(user=user_of(request), model=model, pk=line_id)
    data = _merged_line(line, payload.dict(exclude_unset=True))
    return services.line_update(actor=user_of(request), line=line, data=data)


@router.delete(
    "/models/{model_id}/lines/{line_id}", response={204: None, **ERRORS}, summary="Delete a cost line"
)
def line_delete(request: HttpRequest, model_id: int, line_id: int) -> Status[None]:
    model = model_of(request, model_id)
    line = selectors.line_get_for(user=user_of(request), model=model, pk=line_id)
    services.line_delete(actor=user_of(request), line=line)
    return Status(204, None)


@router.post(
    "/models/{model_id}/lines/{line_id}/copy",
    response={201: LineOut, **ERRORS},
    summary="Copy a cost line after itself, or to the end of another option of the version",
    description="A copy in the same option gets a free code (`HW-1`).",
)
def line_copy(
    request: HttpRequest, model_id: int, line_id: int, payload: LineCopyIn | None = None
) -> Status[CostLine]:
    user = user_of(request)
    model = model_of(request, model_id)
    line = selectors.line_get_for(user=user, model=model, pk=line_id)
    target = None
    if payload is not None and payload.to_option_id is not None:
        try:
            target = selectors.option_get_for(user=user, model=model, pk=payload.to_option_id)
        except NotFound:
            raise NotFound(
                "option.not_found", _("Option not found."), {"to_option_id": _("not found")}
            ) from None
    return Status(201, services.line_copy(actor=user, line=line, to_option=target))


# Risks.


@router.get(
    "/models/{model_id}/options/{option_id}/risks",
    response={200: list[RiskOut], **ERRORS},
    summary="The risk register of an option",
)
def risk_list(request: HttpRequest, model_id: int, option_id: int) -> list[Risk]:
    model = model_of(request, model_id)
    option = selectors.option_get_for(user=user_of(request), model=model, pk=option_id)
    return _option_risks(model, option.pk)


@router.post(
    "/models/{model_id}/options/{option_id}/risks",
    response={201: RiskOut, **ERRORS},
    summary="Add a risk: probability, three-point impact, years it may fall in, public share",
)
def risk_create(request: HttpRequest, model_id: int, option_id: int, payload: RiskIn) -> Status[Risk]:
    model = model_of(request, model_id)
    option = selectors.option_get_for(user=user_of(request), model=model, pk=option_id)
    risk = services.risk_create(actor=user_of(request), option=option, data=RiskData(**payload.dict()))
    return Status(201, risk)


@router.patch(
    "/models/{model_id}/risks/{risk_id}",
    response={200: RiskOut, **ERRORS},
    summary="Change a risk (only the fields sent)",
)
def risk_update(request: HttpRequest, model_id: int, risk_id: int, payload: RiskPatch) -> Risk:
    model = model_of(request, model_id)
    risk = selectors.risk_get_for(user=user_of(request), model=model, pk=risk_id)
    values = {field: getattr(risk, field) for field in RISK_FIELDS}
    values.update(payload.dict(exclude_unset=True))
    return services.risk_update(actor=user_of(request), risk=risk, data=RiskData(**values))


@router.delete("/models/{model_id}/risks/{risk_id}", response={204: None, **ERRORS}, summary="Delete a risk")
def risk_delete(request: HttpRequest, model_id: int, risk_id: int) -> Status[None]:
    model = model_of(request, model_id)
    risk = selectors.risk_get_for(user=user_of(request), model=model, pk=risk_id)
    services.risk_delete(actor=user_of(request), risk=risk)
    return Status(204, None)


# Scenarios.


@router.get(
    "/models/{model_id}/scenarios",
    response={200: list[ScenarioOut], **ERRORS},
    summary="The named scenarios of a version",
)
def scenario_list(request: HttpRequest, model_id: int) -> list[Any]:
    model = model_of(request, model_id)
    return selectors.scenario_list_for(user=user_of(request), model=model)


@router.post(
    "/models/{model_id}/scenarios",
    response={201: ScenarioOut, **ERRORS},
    summary="Add a named scenario of assumption overrides",
)
def scenario_create(request: HttpRequest, model_id: int, payload: ScenarioIn) -> Status[Any]:
    model = model_of(request, model_id)
    scenario = services.scenario_create(
        actor=user_of(request),
        model=model,
        name=payload.name,
        description=payload.description,
        overrides=payload.overrides,
    )
    return Status(201, scenario)


@router.patch(
    "/models/{model_id}/scenarios/{scenario_id}",
    response={200: ScenarioOut, **ERRORS},
    summary="Change a scenario (only the fields sent; overrides are replaced as a whole)",
)
def scenario_update(request: HttpRequest, model_id: int, scenario_id: int, payload: ScenarioPatch) -> Any:
    model = model_of(request, model_id)
    scenario = selectors.scenario_get_for(user=user_of(request), model=model, pk=scenario_id)
    return services.scenario_update(
        actor=user_of(request), scenario=scenario, **payload.dict(exclude_unset=True)
    )


@router.delete(
    "/models/{model_id}/scenarios/{scenario_id}",
    response={204: None, **ERRORS},
    summary="Delete a scenario",
)
def scenario_delete(request: HttpRequest, model_id: int, scenario_id: int) -> Status[None]:
    model = model_of(request, model_id)
    scenario = selectors.scenario_get_for(user=user_of(request), model=model, pk=scenario_id)
    services.scenario_delete(actor=user_of(request), scenario=scenario)
    return Status(204, None)
