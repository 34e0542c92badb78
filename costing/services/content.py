"""The content of a draft version: delivery options, cost lines (one by one or as a grid), risks and
named scenarios. Every write locks the version, checks it is editable by the actor, validates every
field at once (naming each), and records an audit entry on the version."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from costing import calculations, selectors
from costing.calculations.appraisal import appraise, validate_overrides
from costing.models import (
    DERIVED_CATEGORIES,
    Category,
    CostLine,
    CostModel,
    Distribution,
    LineKind,
    Option,
    OptionKind,
    Risk,
    Scenario,
)
from ppp import audit
from ppp.errors import Conflict, ValidationFailed
from ppp.models import User

from ._common import (
    LARGEST_AMOUNT,
    LARGEST_QUANTITY,
    MONEY_PLACES,
    QUANTITY_PLACES,
    Errors,
    as_decimal,
    as_int,
    as_text,
    editing,
    engine_error,
    record,
)

RESERVED_CODES = frozenset({calculations.PM_CODE, calculations.CONTINGENCY_CODE})
KIND_OF_CATEGORY: dict[str, str] = {
    **{c: LineKind.CAPEX for c in calculations.CAPEX_CATEGORIES},
    **{c: LineKind.OPEX for c in calculations.OPEX_CATEGORIES},
    **{c: LineKind.REVENUE for c in calculations.REVENUE_CATEGORIES},
}


# Options.


def _clean_option(errors: Errors, values: dict[str, Any], *, kind: str) -> dict[str, Any]:
    cleaned: dict[str, Any] = {}
    if "name" in values:
        cleaned["name"] = as_text(errors, "name", values["name"], max_length=255, required=True)
    if "description" in values:
        cleaned["description"] = as_text(errors, "description", values["description"], max_length=5000)
    if "competitive_neutrality" in values:
        amount = as_decimal(
            errors,
            "competitive_neutrality",
            values["competitive_neutrality"] if values["competitive_neutrality"] is not None else 0,
            minimum=-LARGEST_AMOUNT,
            maximum=LARGEST_AMOUNT,
            places=MONEY_PLACES,
        )
        if amount and kind != OptionKind.IN_HOUSE:
            errors.add("competitive_neutrality", _("only the in-house option (the PSC) carries it"))
        cleaned["competitive_neutrality"] = amount or Decimal(0)
    if "competitive_neutrality_note" in values:
        cleaned["competitive_neutrality_note"] = as_text(
            errors, "competitive_neutrality_note", values["competitive_neutrality_note"], max_length=5000
        )
    if "optimism_bias_mitigation" in values:
        raw = values["optimism_bias_mitigation"]
        cleaned["optimism_bias_mitigation"] = as_decimal(
            errors,
            "optimism_bias_mitigation",
            0 if raw is None else raw,
            minimum=0,
            maximum=1,
            percent_words=True,
        )
    return cleaned


@transaction.atomic
def option_create(*, actor: User, model: CostModel, kind: str, name: str, **values: Any) -> Option:
    with editing(actor, model) as row:
        errors = Errors()
        if kind not in OptionKind.values:
            errors.add("kind", _("must be in_house, service_hire or ppp"))
        elif kind == OptionKind.IN_HOUSE and Option.objects.filter(model=row, kind=kind).exists():
            errors.add("kind", _("the model already has an in-house option (its PSC)"))
        cleaned = _clean_option(errors, {"name": name, **values}, kind=kind)
        if cleaned.get("name") and Option.objects.filter(model=row, name=cleaned["name"]).exists():
            errors.add("name", _("another option has this name"))
        errors.raise_if_any("option.invalid", _("The option cannot be saved."))
        option = Option.objects.create(model=row, kind=kind, **cleaned)
        record(actor, row, "cost_model.option_created", after=audit.snapshot(option))
    return option


@transaction.atomic
def option_update(*, actor: User, option: Option, **values: Any) -> Option:
    with editing(actor, option.model) as row:
        current = Option.objects.select_for_update().get(pk=option.pk, model=row)
        errors = Errors()
        cleaned = _clean_option(errors, values, kind=current.kind)
        if (
            cleaned.get("name")
            and Option.objects.filter(model=row, name=cleaned["name"]).exclude(pk=current.pk).exists()
        ):
            errors.add("name", _("another option has this name"))
        errors.raise_if_any("option.invalid", _("The option cannot be saved."))
        before = audit.snapshot(current)
        for key, value in cleaned.items():
            setattr(current, key, value)
        current.save()
        record(actor, row, "cost_model.option_updated", before=before, after=audit.snapshot(current))
    return current


@transaction.atomic
def option_delete(*, actor: User, option: Option) -> None:
    with editing(actor, option.model) as row:
        current = Option.objects.select_for_update().get(pk=option.pk, model=row)
        before = {**audit.snapshot(current), "lines": current.lines.count(), "risks": current.risks.count()}
        current.delete()
        record(actor, row, "cost_model.option_deleted", before=before)


# Cost lines.


@dataclass
class LineData:
    """One cost line as a page or the API sends it. Either `quantities` (one per year of the horizon)
    or the generator (start_year, end_year, starting_quantity, growth_rate) gives the quantities."""

    code: Any = None
    name: Any = None
    category: Any = None
    kind: Any = None
    unit: Any = None
    unit_cost: Any = None
    quantities: Any = None
    start_year: Any = None
    end_year: Any = None
    starting_quantity: Any = None
    growth_rate: Any = None
    escalation_rate: Any = None
    refresh_cycle_years: Any = None
    vat_applicable: Any = True
    assumption: Any = ""
    source: Any = ""
    currency: Any = None
    id: Any = None  # grid rows: the line being changed (None for a new line)
    delete: bool = False  # grid rows: remove this line
    extra: dict[str, Any] = field(default_factory=dict)


LINE_FIELDS = (
    "code", "name", "category", "kind", "unit", "unit_cost", "quantities", "start_year", "end_year",
    "starting_quantity", "growth_rate", "escalation_rate", "refresh_cycle_years", "vat_applicable",
    "assumption", "source",
)  # fmt: skip


def clean_line(errors: Errors, model: CostModel, data: LineData) -> dict[str, Any]:
    """A line's fields as the table stores them; problems go to `errors` under the field's name."""
    cleaned: dict[str, Any] = {}
    code = as_text(errors, "code", data.code, max_length=30, required=True)
    if code.upper() in RESERVED_CODES:
        errors.add("code", _("%(code)s is kept for a derived line") % {"code": code})
    cleaned["code"] = code
    cleaned["name"] = as_text(errors, "name", data.name, max_length=255, required=True)
    category = data.category
    if category not in Category.values:
        errors.add("category", _("unknown category"))
    elif category in DERIVED_CATEGORIES:
        errors.add(
            "category", _("project management and contingency are computed from the rule book, not typed")
        )
    kind = KIND_OF_CATEGORY.get(category or "")
    if data.kind not in (None, "") and kind is not None and data.kind != kind:
        errors.add("kind", _("%(category)s is a %(kind)s category") % {"category": category, "kind": kind})
    if data.kind not in (None, "") and data.kind not in LineKind.values:
        errors.add("kind", _("must be capex, opex or revenue"))
    cleaned["category"] = category
    cleaned["kind"] = kind or data.kind
    cleaned["unit"] = as_text(errors, "unit", data.unit, max_length=40, required=True)
    if data.currency not in (None, "") and str(data.currency).upper() != model.currency:
        errors.add("currency", _("the model's amounts are in %(currency)s") % {"currency": model.currency})
    cleaned["unit_cost"] = as_decimal(
        errors, "unit_cost", data.unit_cost, minimum=0, maximum=LARGEST_AMOUNT, places=MONEY_PLACES
    )
    cleaned["escalation_rate"] = as_decimal(
        errors,
        "escalation_rate",
        data.escalation_rate,
        minimum=-1,
        maximum=1,
        required=False,
        percent_words=True,
    )
    cleaned["refresh_cycle_years"] = as_int(
        errors,
        "refresh_cycle_years",
        data.refresh_cycle_years,
        minimum=1,
        maximum=model.horizon,
        required=False,
    )
    if cleaned["refresh_cycle_years"] is not None and kind not in (None, LineKind.CAPEX):
        errors.add("refresh_cycle_years", _("only investment (capex) lines are replaced in cycles"))
    vat = data.vat_applicable
    if not isinstance(vat, bool):
        errors.add("vat_applicable", _("must be true or false"))
    cleaned["vat_applicable"] = bool(vat)
    cleaned["assumption"] = as_text(errors, "assumption", data.assumption, max_length=5000)
    cleaned["source"] = as_text(errors, "source", data.source, max_length=5000)
    cleaned.update(_clean_quantities(errors, model, data))
    return cleaned


def _clean_quantities(errors: Errors, model: CostModel, data: LineData) -> dict[str, Any]:
    generated = any(
        value not in (None, "")
        for value in (data.start_year, data.end_year, data.starting_quantity, data.growth_rate)
    )
    first, last = model.base_year, model.last_year
    if generated:
        if data.quantities not in (None, [], ()):
            errors.add("quantities", _("give either the quantities per year or the generator, not both"))
        start = as_int(errors, "start_year", data.start_year, minimum=first, maximum=last)
        end = as_int(errors, "end_year", data.end_year, minimum=first, maximum=last)
        if start is not None and end is not None and end < start:
            errors.add("end_year", _("must not be before the start year"))
            end = None
        starting = as_decimal(
            errors, "starting_quantity", data.starting_quantity, minimum=0, maximum=LARGEST_QUANTITY,
            places=QUANTITY_PLACES,
        )  # fmt: skip
        growth = as_decimal(
            errors, "growth_rate", data.growth_rate if data.growth_rate not in (None, "") else 0,
            minimum=-1, maximum=1, percent_words=True,
        )  # fmt: skip
        if None in (start, end, starting, growth):
            return {}
        quantities = calculations.generate_quantities(model.horizon, first, start, end, starting, growth)  # type: ignore[arg-type]
        if max(quantities) > LARGEST_QUANTITY:
            errors.add("growth_rate", _("grows the quantity beyond %(n)s") % {"n": LARGEST_QUANTITY})
            return {}
        return {
            "quantities": [str(q) for q in quantities],
            "start_year": start,
            "end_year": end,
            "starting_quantity": starting,
            "growth_rate": growth,
        }
    values = data.quantities
    if values is None:
        values = []
    if not isinstance(values, list | tuple):
        errors.add("quantities", _("must be a list of numbers, one per year"))
        return {}
    if len(values) != model.horizon:
        errors.add(
            "quantities",
            _("needs %(n)d values, one per year %(first)s-%(last)s (got %(got)d)")
            % {"n": model.horizon, "first": first, "last": last, "got": len(values)},
        )
        return {}
    texts: list[str] = []
    for period, value in enumerate(values):
        quantity = as_decimal(
            errors,
            f"quantities[{period}]",
            value,
            minimum=0,
            maximum=LARGEST_QUANTITY,
            places=QUANTITY_PLACES,
        )
        texts.append(str(quantity) if quantity is not None else "0")
    return {
        "quantities": texts,
        "start_year": None,
        "end_year": None,
        "starting_quantity": None,
        "growth_rate": None,
    }


def _line_after(line: CostLine) -> dict[str, Any]:
    return audit.snapshot(line)


def _check_engine(model: CostModel) -> None:
    """The engine must accept the version as it now stands (e.g. a product too large for float64)."""
    try:
        appraise(selectors.cost_model_snapshot(model=model), tornado_percent=None)
    except calculations.CalculationInputError as error:
        raise engine_error(error) from None


@transaction.atomic
def line_create(*, actor: User, option: Option, data: LineData) -> CostLine:
    with editing(actor, option.model) as row:
        errors = Errors()
        cleaned = clean_line(errors, row, data)
        if cleaned.get("code") and CostLine.objects.filter(option=option, code=cleaned["code"]).exists():
            errors.add("code", _("another line of this option has this code"))
        errors.raise_if_any("cost_line.invalid", _("The cost line cannot be saved."))
        position = (
            CostLine.objects.filter(option=option)
            .order_by("-position")
            .values_list("position", flat=True)
            .first()
            or 0
        ) + 1
        line = CostLine.objects.create(option=option, position=position, **cleaned)
        _check_engine(row)
        record(actor, row, "cost_model.line_created", after=_line_after(line))
    return line


@transaction.atomic
def line_update(*, actor: User, line: CostLine, data: LineData) -> CostLine:
    with editing(actor, line.option.model) as row:
        current = CostLine.objects.select_for_update().get(pk=line.pk, option__model=row)
        errors = Errors()
        cleaned = clean_line(errors, row, data)
        if (
            cleaned.get("code")
            and CostLine.objects.filter(option_id=current.option_id, code=cleaned["code"])
            .exclude(pk=current.pk)
            .exists()
        ):
            errors.add("code", _("another line of this option has this code"))
        errors.raise_if_any("cost_line.invalid", _("The cost line cannot be saved."))
        before = _line_after(current)
        for key, value in cleaned.items():
            setattr(current, key, value)
        current.save()
        _check_engine(row)
        record(actor, row, "cost_model.line_updated", before=before, after=_line_after(current))
    return current


@transaction.atomic
def line_delete(*, actor: User, line: CostLine) -> None:
    with editing(actor, line.option.model) as row:
        current = CostLine.objects.select_for_update().get(pk=line.pk, option__model=row)
        before = _line_after(current)
        current.delete()
        record(actor, row, "cost_model.line_deleted", before=before)


def _free_code(code: str, taken: set[str]) -> str:
    for number in range(1, 10_000):
        suffix = f"-{number}"
        candidate = code[: 30 - len(suffix)] + suffix
        if candidate not in taken:
            return candidate
    raise Conflict("cost_line.no_free_code", _("No free code for the copy."))


@transaction.atomic
def line_copy(*, actor: User, line: CostLine, to_option: Option | None = None) -> CostLine:
    """A copy of the line after it (or at the end of another option of the same version)."""
    with editing(actor, line.option.model) as row:
        current = CostLine.objects.get(pk=line.pk, option__model=row)
        target = to_option or current.option
        if target.model_id != row.pk:
            raise ValidationFailed(
                "cost_line.invalid",
                _("Copy lines only within one version."),
                {"to_option_id": _("not found")},
            )
        taken = set(CostLine.objects.filter(option=target).values_list("code", flat=True))
        copy = CostLine.objects.get(pk=current.pk)
        copy.pk = None
        copy.option = target
        copy.code = current.code if current.code not in taken else _free_code(current.code, taken)
        if target.pk == current.option_id:
            CostLine.objects.filter(option=target, position__gt=current.position).update(
                position=F("position") + 1
            )
            copy.position = current.position + 1
        else:
            copy.position = (
                CostLine.objects.filter(option=target)
                .order_by("-position")
                .values_list("position", flat=True)
                .first()
                or 0
            ) + 1
        copy.save()
        record(actor, row, "cost_model.line_copied", after={**_line_after(copy), "copied_from": current.pk})
    return copy


@transaction.atomic
def lines_save(*, actor: User, option: Option, rows: list[LineData]) -> list[CostLine]:
    """The grid: the option's lines exactly as `rows` list them, in that order, all or nothing.

    A row with an id changes that line (or deletes it with delete=True); a row without creates one;
    lines of the option that no row names are left as they are. Errors are named "lines[i].field".
    """
    with editing(actor, option.model) as model:
        current = {line.pk: line for line in CostLine.objects.select_for_update().filter(option=option)}
        errors = Errors()
        plans: list[tuple[int, LineData, dict[str, Any]]] = []
        deleted: set[int] = set()
        for index, data in enumerate(rows):
            row_errors = errors.child(f"lines[{index}].")
            if data.id not in (None, ""):
                line_id = as_int(row_errors, "id", data.id, minimum=1, maximum=2**62)
                if line_id is not None and line_id not in current:
                    row_errors.add("id", _("no such line in this option"))
                    continue
                if data.delete:
                    deleted.add(line_id)  # type: ignore[arg-type]
                    continue
            elif data.delete:
                continue
            plans.append((index, data, clean_line(row_errors, model, data)))
        changing = {line_id for _i, data, _c in plans if (line_id := _id(data)) is not None}
        untouched = [line for pk, line in current.items() if pk not in deleted and pk not in changing]
        seen = {line.code for line in untouched}
        for index, _data, cleaned in plans:
            code = cleaned.get("code")
            if not code:
                continue
            if code in seen:
                errors.add(f"lines[{index}].code", _("another line of this option has this code"))
            seen.add(code)
        errors.raise_if_any("cost_line.invalid", _("The lines cannot be saved; nothing was changed."))
        before = {"lines": [_line_after(line) for line in current.values()]}
        if deleted:
            CostLine.objects.filter(pk__in=deleted).delete()
        # Two lines swapping codes must not trip the unique constraint halfway through.
        for pk in changing:
            CostLine.objects.filter(pk=pk).update(code=f"~{pk}")
        position = max((line.position for line in untouched), default=0)
        saved = []
        for _index, data, cleaned in plans:
            position += 1
            line_id = _id(data)
            if line_id is None:
                line = CostLine(option=option, position=position, **cleaned)
            else:
                line = current[line_id]
                for key, value in cleaned.items():
                    setattr(line, key, value)
                line.position = position
            line.save()
            saved.append(line)
        _check_engine(model)
        record(
            actor,
            model,
            "cost_model.lines_saved",
            before=before,
            after={
                "option": option.pk,
                "saved": [_line_after(line) for line in saved],
                "deleted": sorted(deleted),
            },
        )
    return saved


def _id(data: LineData) -> int | None:
    if data.id in (None, "") or data.delete:
        return None
    try:
        return int(data.id)
    except (TypeError, ValueError):
        return None


# Risks.


@dataclass
class RiskData:
    code: Any = None
    name: Any = None
    description: Any = ""
    probability: Any = None
    minimum: Any = None
    most_likely: Any = None
    maximum: Any = None
    distribution: Any = Distribution.TRIANGULAR
    first_year: Any = None
    last_year: Any = None
    public_share: Any = None


def clean_risk(errors: Errors, model: CostModel, data: RiskData) -> dict[str, Any]:
    cleaned: dict[str, Any] = {
        "code": as_text(errors, "code", data.code, max_length=30, required=True),
        "name": as_text(errors, "name", data.name, max_length=255, required=True),
        "description": as_text(errors, "description", data.description, max_length=5000),
        "probability": as_decimal(
            errors, "probability", data.probability, minimum=0, maximum=1, percent_words=True
        ),
        "public_share": as_decimal(
            errors, "public_share", data.public_share, minimum=0, maximum=1, percent_words=True
        ),
    }
    points = {}
    for key in ("minimum", "most_likely", "maximum"):
        points[key] = as_decimal(
            errors, key, getattr(data, key), minimum=0, maximum=LARGEST_AMOUNT, places=MONEY_PLACES
        )
    if (
        points["minimum"] is not None
        and points["most_likely"] is not None
        and points["most_likely"] < points["minimum"]
    ):
        errors.add("most_likely", _("must not be below the minimum"))
    if (
        points["most_likely"] is not None
        and points["maximum"] is not None
        and points["maximum"] < points["most_likely"]
    ):
        errors.add("maximum", _("must not be below the most likely impact"))
    cleaned.update(points)
    if data.distribution not in Distribution.values:
        errors.add("distribution", _("must be triangular or pert"))
    cleaned["distribution"] = data.distribution
    first = as_int(errors, "first_year", data.first_year, minimum=model.base_year, maximum=model.last_year)
    last = as_int(errors, "last_year", data.last_year, minimum=model.base_year, maximum=model.last_year)
    if first is not None and last is not None and last < first:
        errors.add("last_year", _("must not be before the first year"))
    cleaned["first_year"], cleaned["last_year"] = first, last
    return cleaned


@transaction.atomic
def risk_create(*, actor: User, option: Option, data: RiskData) -> Risk:
    with editing(actor, option.model) as row:
        errors = Errors()
        cleaned = clean_risk(errors, row, data)
        if cleaned["code"] and Risk.objects.filter(option=option, code=cleaned["code"]).exists():
            errors.add("code", _("another risk of this option has this code"))
        errors.raise_if_any("risk.invalid", _("The risk cannot be saved."))
        position = Risk.objects.filter(option=option).count() + 1
        risk = Risk.objects.create(option=option, position=position, **cleaned)
        record(actor, row, "cost_model.risk_created", after=audit.snapshot(risk))
    return risk


@transaction.atomic
def risk_update(*, actor: User, risk: Risk, data: RiskData) -> Risk:
    with editing(actor, risk.option.model) as row:
        current = Risk.objects.select_for_update().get(pk=risk.pk, option__model=row)
        errors = Errors()
        cleaned = clean_risk(errors, row, data)
        if (
            cleaned["code"]
            and Risk.objects.filter(option_id=current.option_id, code=cleaned["code"])
            .exclude(pk=current.pk)
            .exists()
        ):
            errors.add("code", _("another risk of this option has this code"))
        errors.raise_if_any("risk.invalid", _("The risk cannot be saved."))
        before = audit.snapshot(current)
        for key, value in cleaned.items():
            setattr(current, key, value)
        current.save()
        record(actor, row, "cost_model.risk_updated", before=before, after=audit.snapshot(current))
    return current


@transaction.atomic
def risk_delete(*, actor: User, risk: Risk) -> None:
    with editing(actor, risk.option.model) as row:
        current = Risk.objects.select_for_update().get(pk=risk.pk, option__model=row)
        before = audit.snapshot(current)
        current.delete()
        record(actor, row, "cost_model.risk_deleted", before=before)


# Scenarios.


# Each assumption a scenario may override, with the bounds of the field it replaces.
OVERRIDE_BOUNDS: dict[str, dict[str, Any]] = {
    "discount_rate": {"minimum": 0, "maximum": 1, "percent_words": True},
    "vat_rate": {"minimum": 0, "maximum": 1, "percent_words": True},
    "general_escalation": {"minimum": Decimal("-0.99"), "maximum": 1, "percent_words": True},
    "quantity_factor": {"minimum": 0, "maximum": 1000},
    "unit_cost_factor": {"minimum": 0, "maximum": 1000},
    "unit_cost": {"minimum": 0, "maximum": LARGEST_AMOUNT, "places": MONEY_PLACES},
    "escalation_rate": {"minimum": -1, "maximum": 1, "percent_words": True, "required": False},
}


def _override_bounds(key: str) -> dict[str, Any] | None:
    if key.startswith("lines.") and key.count(".") >= 2:
        attribute = key.rsplit(".", 1)[1]
        return OVERRIDE_BOUNDS.get(attribute) if attribute in ("unit_cost", "escalation_rate") else None
    return OVERRIDE_BOUNDS.get(key)


def _clean_overrides(errors: Errors, model: CostModel, overrides: Any) -> dict[str, Any]:
    """Every override checked like the field it replaces (named "overrides.<key>", in the reader's
    language); then the engine checks that each line named exists."""
    if not isinstance(overrides, dict):
        errors.add("overrides", _("must be an object of assumption overrides"))
        return {}
    cleaned: dict[str, Any] = {}
    for raw_key, value in overrides.items():
        key = str(raw_key)
        bounds = _override_bounds(key)
        if bounds is None:
            errors.add(f"overrides.{key}", _("not an assumption a scenario can change"))
            continue
        if value is None and bounds.get("required", True):
            errors.add(f"overrides.{key}", _("needs a value"))
            continue
        number = as_decimal(errors, f"overrides.{key}", value, **bounds)
        cleaned[key] = None if number is None else str(number)
    if errors:
        return cleaned
    try:
        validate_overrides(selectors.cost_model_snapshot(model=model), cleaned)
    except calculations.CalculationInputError as error:
        errors.add(f"overrides.{error.field}", error.message)
    return cleaned


def _clean_scenario(errors: Errors, model: CostModel, values: dict[str, Any]) -> dict[str, Any]:
    cleaned: dict[str, Any] = {}
    if "name" in values:
        cleaned["name"] = as_text(errors, "name", values["name"], max_length=100, required=True)
    if "description" in values:
        cleaned["description"] = as_text(errors, "description", values["description"], max_length=5000)
    if "overrides" in values:
        cleaned["overrides"] = _clean_overrides(errors, model, values["overrides"])
    return cleaned


@transaction.atomic
def scenario_create(
    *, actor: User, model: CostModel, name: str, overrides: dict[str, Any], description: str = ""
) -> Scenario:
    with editing(actor, model) as row:
        errors = Errors()
        cleaned = _clean_scenario(
            errors, row, {"name": name, "description": description, "overrides": overrides}
        )
        if cleaned.get("name") and Scenario.objects.filter(model=row, name=cleaned["name"]).exists():
            errors.add("name", _("another scenario has this name"))
        errors.raise_if_any("scenario.invalid", _("The scenario cannot be saved."))
        scenario = Scenario.objects.create(model=row, created_by=actor, **cleaned)
        record(actor, row, "cost_model.scenario_created", after=audit.snapshot(scenario))
    return scenario


@transaction.atomic
def scenario_update(*, actor: User, scenario: Scenario, **values: Any) -> Scenario:
    with editing(actor, scenario.model) as row:
        current = Scenario.objects.select_for_update().get(pk=scenario.pk, model=row)
        errors = Errors()
        cleaned = _clean_scenario(errors, row, values)
        if (
            cleaned.get("name")
            and Scenario.objects.filter(model=row, name=cleaned["name"]).exclude(pk=current.pk).exists()
        ):
            errors.add("name", _("another scenario has this name"))
        errors.raise_if_any("scenario.invalid", _("The scenario cannot be saved."))
        before = audit.snapshot(current)
        for key, value in cleaned.items():
            setattr(current, key, value)
        current.save()
        record(actor, row, "cost_model.scenario_updated", before=before, after=audit.snapshot(current))
    return current


@transaction.atomic
def scenario_delete(*, actor: User, scenario: Scenario) -> None:
    with editing(actor, scenario.model) as row:
        current = Scenario.objects.select_for_update().get(pk=scenario.pk, model=row)
        before = audit.snapshot(current)
        current.delete()
        record(actor, row, "cost_model.scenario_deleted", before=before)
