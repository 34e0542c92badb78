"""Derived cost lines of a Vietnamese IT investment estimate (Circular 04/2020/TT-BTTTT).

V = G_XL + G_TB + G_QLDA + G_TV + G_K + G_DP. Project management G_QLDA is a norm rate x the
pre-tax installation (G_XL) plus equipment (G_TB); contingency G_DP is a quantity contingency (a rate
x the other components) plus a price-escalation contingency sum_t V_t x ((1 + i)^t - 1) over the
implementation years t = 1..n. The rates and the price index are parameters (a dated rule set in the
service layer), never constants here. Everything is Decimal; results are quantized to `places`
decimal places, ROUND_HALF_UP (0 for VND).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, localcontext

from .inputs import (
    DERIVED_CATEGORIES,
    EQUIPMENT_CATEGORIES,
    CalculationInputError,
    LineInput,
    ModelInput,
    decimal_value,
    integer_value,
    power,
    quantity_decimal,
    validate_model,
)

PM_CODE = "PM"
CONTINGENCY_CODE = "CONT"


@dataclass(frozen=True)
class ContingencyResult:
    """Contingency (G_DP) in money: quantity part, price-escalation part, their sum."""

    quantity: Decimal
    price_escalation: Decimal
    total: Decimal


def _unit(places: int) -> Decimal:
    integer_value(places, "places", minimum=0, maximum=6)
    return Decimal(1).scaleb(-places)


def _rate(value: object, field: str) -> Decimal:
    return decimal_value(value, field, minimum=0, maximum=1)


def project_management_amount(
    installation_pre_tax: Decimal, equipment_pre_tax: Decimal, norm_rate: Decimal, *, places: int = 0
) -> Decimal:
    """G_QLDA = norm_rate x (installation + equipment), both pre-tax; quantized ROUND_HALF_UP."""
    installation = decimal_value(installation_pre_tax, "installation_pre_tax", minimum=0)
    equipment = decimal_value(equipment_pre_tax, "equipment_pre_tax", minimum=0)
    rate = _rate(norm_rate, "norm_rate")
    return (rate * (installation + equipment)).quantize(_unit(places), rounding=ROUND_HALF_UP)


def contingency(
    components_total: Decimal,
    quantity_rate: Decimal,
    implementation_amounts: Sequence[Decimal],
    price_index: Decimal,
    *,
    places: int = 0,
) -> ContingencyResult:
    """G_DP = quantity_rate x components_total + sum_t V_t ((1 + i)^t - 1), t = 1 for the first year.

    Each part is computed exactly and quantized once (ROUND_HALF_UP); total = the two rounded parts,
    so the figures printed side by side always add up.
    """
    unit = _unit(places)
    total = decimal_value(components_total, "components_total", minimum=0)
    rate = _rate(quantity_rate, "quantity_rate")
    index = _rate(price_index, "price_index")
    amounts = [
        decimal_value(amount, f"implementation_amounts[{position}]", minimum=0)
        for position, amount in enumerate(implementation_amounts)
    ]
    if not amounts:
        raise CalculationInputError("implementation_amounts", "needs at least one implementation year")
    with localcontext() as context:
        context.prec = 40
        escalation = sum(
            (amount * ((1 + index) ** year - 1) for year, amount in enumerate(amounts, start=1)),
            Decimal(0),
        )
        quantity = (rate * total).quantize(unit, rounding=ROUND_HALF_UP)
        price = escalation.quantize(unit, rounding=ROUND_HALF_UP)
    return ContingencyResult(quantity=quantity, price_escalation=price, total=quantity + price)


def allocate(total: Decimal, weights: Sequence[Decimal], places: int) -> list[Decimal]:
    """Split `total` (>= 0, already on the `places` grid) in proportion to `weights` (>= 0).

    Largest remainder: parts are rounded down, the leftover units go to the largest remainders
    (earliest first on ties), so the parts add up to `total` exactly. All-zero weights need a zero total.
    """
    unit = _unit(places)
    weight_sum = sum(weights, Decimal(0))
    if weight_sum == 0:
        if total != 0:
            raise CalculationInputError("weights", "cannot spread a non-zero amount over zero weights")
        return [Decimal(0).quantize(unit) for _ in weights]
    with localcontext() as context:
        context.prec = 50
        exact = [total * weight / weight_sum for weight in weights]
        parts = [share.quantize(unit, rounding=ROUND_DOWN) for share in exact]
        leftover = int((total - sum(parts, Decimal(0))) / unit)
        order = sorted(range(len(parts)), key=lambda index: (-(exact[index] - parts[index]), index))
        for index in order[:leftover]:
            parts[index] += unit
    return parts


def _nominal_ex_vat(line: LineInput, period: int, general: Decimal) -> Decimal:
    """unit cost x quantity x (1 + e)^t for period t, with the refresh cycle applied."""
    cycle = line.refresh_cycle_years
    quantity = quantity_decimal(line.quantities[period % cycle if cycle else period])
    escalation = general if line.escalation_rate is None else line.escalation_rate
    return line.unit_cost * quantity * power(1 + escalation, period)


def _lump_sum(code: str, name: str, category: str, amounts: dict[int, Decimal], horizon: int) -> LineInput:
    # unit cost 1 and escalation 0: the quantities are the nominal amounts themselves.
    return LineInput(
        code=code,
        name=name,
        category=category,
        kind="capex",
        unit_cost=Decimal(1),
        quantities=tuple(amounts.get(period, Decimal(0)) for period in range(horizon)),
        escalation_rate=Decimal(0),
        refresh_cycle_years=None,
        vat_applicable=True,
    )


def derived_lines(
    model: ModelInput,
    pm_norm_rate: Decimal,
    contingency_quantity_rate: Decimal,
    price_index: Decimal,
    implementation_periods: Sequence[int],
    *,
    places: int = 0,
) -> tuple[LineInput, LineInput]:
    """Project management ("PM") and contingency ("CONT") as lump-sum capex lines for `compute`.

    Amounts are taken from the model's capex lines in the implementation periods, nominal and
    pre-tax (unit cost x quantity x (1 + e)^t, refresh cycles applied). PM = norm rate x
    (installation + equipment), spread over the periods where that base falls. V_t = all capex of
    the t-th implementation period plus its PM; the quantity contingency is spread in proportion to
    V_t and the price-escalation contingency in proportion to V_t ((1 + i)^t - 1). Each line
    carries these nominal amounts as quantities with unit cost 1 and escalation 0. When the lines
    themselves escalate, V_t already holds that escalation: pass price_index 0 to not count it twice.
    """
    validate_model(model)
    _rate(pm_norm_rate, "pm_norm_rate")
    _rate(contingency_quantity_rate, "contingency_quantity_rate")
    _rate(price_index, "price_index")
    for index, line in enumerate(model.lines):
        if line.category in DERIVED_CATEGORIES:
            raise CalculationInputError(f"lines[{index}].category", "the model already has derived lines")
        if line.code in (PM_CODE, CONTINGENCY_CODE):
            raise CalculationInputError(
                f"lines[{index}].code", f"{line.code!r} is reserved for a derived line"
            )
    periods = list(implementation_periods)
    if not periods:
        raise CalculationInputError("implementation_periods", "needs at least one implementation period")
    for position, period in enumerate(periods):
        integer_value(period, f"implementation_periods[{position}]", minimum=0, maximum=model.horizon - 1)
        if position and period <= periods[position - 1]:
            raise CalculationInputError(f"implementation_periods[{position}]", "periods must increase")
    general = model.general_escalation
    capex = [line for line in model.lines if line.kind == "capex"]
    base_lines = [
        line for line in capex if line.category == "installation" or line.category in EQUIPMENT_CATEGORIES
    ]
    with localcontext() as context:
        context.prec = 40
        base = [sum((_nominal_ex_vat(line, p, general) for line in base_lines), Decimal(0)) for p in periods]
        other = [sum((_nominal_ex_vat(line, p, general) for line in capex), Decimal(0)) for p in periods]
        installation = sum(
            (
                _nominal_ex_vat(line, p, general)
                for line in base_lines
                if line.category == "installation"
                for p in periods
            ),
            Decimal(0),
        )
        pm_total = project_management_amount(
            installation, sum(base, Decimal(0)) - installation, pm_norm_rate, places=places
        )
        pm = allocate(pm_total, base, places)
        components = [amount + part for amount, part in zip(other, pm, strict=True)]
        result = contingency(
            sum(components, Decimal(0)), contingency_quantity_rate, components, price_index, places=places
        )
        quantity_parts = allocate(result.quantity, components, places)
        price_rise = Decimal(price_index)
        growth = [amount * ((1 + price_rise) ** year - 1) for year, amount in enumerate(components, start=1)]
        price_parts = allocate(result.price_escalation, growth, places)
    contingency_amounts = [q + p for q, p in zip(quantity_parts, price_parts, strict=True)]
    horizon = model.horizon
    return (
        _lump_sum(
            PM_CODE,
            "Project management (derived)",
            "project_management",
            dict(zip(periods, pm, strict=True)),
            horizon,
        ),
        _lump_sum(
            CONTINGENCY_CODE,
            "Contingency (derived)",
            "contingency",
            dict(zip(periods, contingency_amounts, strict=True)),
            horizon,
        ),
    )
