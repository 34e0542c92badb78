"""Sensitivity: a tornado of NPV swings per driver, and named-scenario overrides of a cost model."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

import numpy as np

from .engine import compute
from .inputs import (
    CalculationInputError,
    LineInput,
    ModelInput,
    decimal_value,
    quantity_array,
    validate_model,
)

DRIVERS = ("discount_rate", "escalation", "quantities", "unit_costs")
MODEL_KEYS = ("discount_rate", "general_escalation", "vat_rate")
FACTOR_KEYS = ("quantity_factor", "unit_cost_factor")
LINE_KEYS = ("unit_cost", "escalation_rate")


@dataclass(frozen=True)
class TornadoBar:
    """NPV (float, model basis, incl. VAT) with the driver at -percent (low) and +percent (high)."""

    driver: str
    low_npv: float
    high_npv: float
    swing: float


def _override_value(value: Any, key: str, *, allow_none: bool = False) -> Decimal | None:
    """Scenario values arrive as Decimal, int or str (from JSON); floats are refused."""
    if value is None and allow_none:
        return None
    if isinstance(value, str):
        try:
            value = Decimal(value.strip())
        except InvalidOperation:
            raise CalculationInputError(key, f"not a number: {value!r}") from None
    return decimal_value(value, key)


def _scaled(quantities: Any, factor: Decimal) -> Any:
    if factor == 1:
        return quantities
    if isinstance(quantities, np.ndarray):
        return quantity_array(quantities * float(factor))
    return tuple(q * factor for q in quantities)


def _scale_lines(
    model: ModelInput, *, quantity: Decimal = Decimal(1), unit_cost: Decimal = Decimal(1)
) -> ModelInput:
    lines = tuple(
        dataclasses.replace(
            line,
            unit_cost=line.unit_cost * unit_cost,
            quantities=_scaled(line.quantities, quantity),
        )
        for line in model.lines
    )
    return dataclasses.replace(model, lines=lines)


def apply_overrides(model: ModelInput, overrides: dict[str, Any]) -> ModelInput:
    """A copy of `model` with a named scenario's overrides applied, then validated.

    Keys: discount_rate, general_escalation, vat_rate (replace the value); quantity_factor,
    unit_cost_factor (multiply every line's quantities / unit cost); lines.<code>.unit_cost and
    lines.<code>.escalation_rate (replace on one line; escalation_rate None means "use the general
    escalation"). Any other key, or an unknown line code, raises CalculationInputError naming the key.
    """
    changes: dict[str, Any] = {}
    quantity = unit_cost = Decimal(1)
    line_changes: dict[str, dict[str, Any]] = {}
    codes = {line.code for line in model.lines}
    for key, value in overrides.items():
        if not isinstance(key, str):
            raise CalculationInputError(str(key), "override keys must be strings")
        if key in MODEL_KEYS:
            changes[key] = _override_value(value, key)
        elif key == "quantity_factor":
            quantity = decimal_value(_override_value(value, key), key, minimum=0)
        elif key == "unit_cost_factor":
            unit_cost = decimal_value(_override_value(value, key), key, minimum=0)
        elif key.startswith("lines.") and key.count(".") >= 2:
            code, attribute = key[len("lines.") :].rsplit(".", 1)
            if attribute not in LINE_KEYS:
                raise CalculationInputError(key, f"unknown line override {attribute!r}")
            if code not in codes:
                raise CalculationInputError(key, f"no line with code {code!r}")
            allow_none = attribute == "escalation_rate"
            line_changes.setdefault(code, {})[attribute] = _override_value(value, key, allow_none=allow_none)
        else:
            raise CalculationInputError(key, "unknown override")
    result = _scale_lines(dataclasses.replace(model, **changes), quantity=quantity, unit_cost=unit_cost)
    if line_changes:
        lines: list[LineInput] = []
        for line in result.lines:
            replacements = line_changes.get(line.code, {})
            if "unit_cost" in replacements:
                # A replaced unit cost still takes the scenario's unit cost factor.
                replacements = {**replacements, "unit_cost": replacements["unit_cost"] * unit_cost}
            lines.append(dataclasses.replace(line, **replacements))
        result = dataclasses.replace(result, lines=tuple(lines))
    validate_model(result)
    return result


def _escalation_scaled(model: ModelInput, factor: Decimal) -> ModelInput:
    lines = tuple(
        line
        if line.escalation_rate is None
        else dataclasses.replace(line, escalation_rate=line.escalation_rate * factor)
        for line in model.lines
    )
    return dataclasses.replace(model, general_escalation=model.general_escalation * factor, lines=lines)


def _variant(model: ModelInput, driver: str, factor: Decimal) -> ModelInput:
    if driver == "discount_rate":
        return dataclasses.replace(model, discount_rate=model.discount_rate * factor)
    if driver == "escalation":
        return _escalation_scaled(model, factor)
    if driver == "quantities":
        return _scale_lines(model, quantity=factor)
    return _scale_lines(model, unit_cost=factor)


def tornado(model: ModelInput, percent: Decimal) -> list[TornadoBar]:
    """Vary each driver by -/+percent (relative; percent is a fraction, 0.10 = 10 %) on its own.

    Drivers: discount_rate; escalation (the general escalation and every line's own rate);
    quantities; unit_costs. Sorted by swing = |high_npv - low_npv|, largest first; ties keep the
    order of DRIVERS. A variant that leaves the valid range (e.g. escalation above 100 %) raises.
    """
    validate_model(model)
    share = decimal_value(percent, "percent", minimum=0, maximum=1, minimum_exclusive=True)
    bars = []
    for driver in DRIVERS:
        low = compute(_variant(model, driver, 1 - share)).npv
        high = compute(_variant(model, driver, 1 + share)).npv
        bars.append(TornadoBar(driver=driver, low_npv=low, high_npv=high, swing=abs(high - low)))
    return sorted(bars, key=lambda bar: -bar.swing)
