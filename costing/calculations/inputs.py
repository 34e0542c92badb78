"""Inputs of the costing engine: cost lines, cost models, categories and their validation.

Pure: no Django, no ORM. Amounts and rates come in as Decimal (int is accepted, float is refused,
because a float already carries binary error). Rates are fractions: 0.10 means 10 %.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import numpy as np

HORIZON_MIN = 1
HORIZON_MAX = 30
QUANTITY_PLACES = 6

CAPEX_CATEGORIES: tuple[str, ...] = (
    "installation",
    "equipment_hardware",
    "equipment_software",
    "equipment_data",
    "equipment_installation_testing",
    "equipment_training",
    "equipment_support",
    "project_management",
    "consulting",
    "other_investment",
    "contingency",
)
OPEX_CATEGORIES: tuple[str, ...] = (
    "hosting_cloud",
    "licences_subscriptions",
    "maintenance_support",
    "operations_staff",
    "telecoms",
    "security_audits",
    "training",
    "data_services",
    "other_operating",
)
REVENUE_CATEGORIES: tuple[str, ...] = ("revenue",)
# G_TB of Circular 04/2020/TT-BTTTT: hardware, software, databases and data entry, installation and
# testing, training, pre-acceptance support.
EQUIPMENT_CATEGORIES: tuple[str, ...] = tuple(c for c in CAPEX_CATEGORIES if c.startswith("equipment_"))
DERIVED_CATEGORIES: tuple[str, ...] = ("project_management", "contingency")
KINDS: tuple[str, ...] = ("capex", "opex", "revenue")
CATEGORIES_BY_KIND: dict[str, tuple[str, ...]] = {
    "capex": CAPEX_CATEGORIES,
    "opex": OPEX_CATEGORIES,
    "revenue": REVENUE_CATEGORIES,
}
ALL_CATEGORIES: tuple[str, ...] = CAPEX_CATEGORIES + OPEX_CATEGORIES + REVENUE_CATEGORIES
BASES: tuple[str, ...] = ("real", "nominal")


class CalculationInputError(ValueError):
    """Bad input to a calculation. `field` names the offending input, e.g. "lines[3].unit_cost"."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


@dataclass(frozen=True)
class LineInput:
    """One cost line. `quantities[t]` is the quantity bought or used in period t (length == horizon).

    `escalation_rate` None means "escalates with the model's general escalation". A capex line with
    `refresh_cycle_years = N` repeats the quantities of its first N periods in every later block of N
    periods; the quantities given after the first block are replaced by that repeat.
    Revenue lines (kind "revenue") earn money: they count negative in cost totals.

    `quantities` is a tuple of Decimal (or int), or, as the selectors build it from storage, a
    read-only float64 array of the horizon's length (`quantity_array`): quantities are counts, not
    money, and an array crosses into the engine without one Decimal -> float conversion per cell.
    Two lines holding arrays do not compare with ==; compare their canonical JSON instead.
    """

    code: str
    name: str
    category: str
    kind: str
    unit_cost: Decimal
    quantities: tuple[Decimal, ...] | np.ndarray
    escalation_rate: Decimal | None = None
    refresh_cycle_years: int | None = None
    vat_applicable: bool = True


@dataclass(frozen=True)
class ModelInput:
    """A cost model: period t = 0..horizon-1 is calendar year base_year + t; basis "real" or "nominal"."""

    base_year: int
    horizon: int
    basis: str
    discount_rate: Decimal
    vat_rate: Decimal
    general_escalation: Decimal
    lines: tuple[LineInput, ...]
    currency: str = "VND"


@dataclass(frozen=True)
class PreparedModel:
    """A validated model as float64 arrays (the one Decimal -> float crossing of the engine)."""

    unit_cost: np.ndarray  # (L,)
    quantities: np.ndarray  # (L, T), refresh cycles applied
    escalation: np.ndarray  # (L,), None already replaced by the general escalation
    vat_applicable: np.ndarray  # (L,) bool
    is_revenue: np.ndarray  # (L,) bool
    discount_rate: float
    vat_rate: float
    general_escalation: float


def decimal_value(
    value: Any,
    field: str,
    *,
    minimum: Decimal | int | None = None,
    maximum: Decimal | int | None = None,
    minimum_exclusive: bool = False,
) -> Decimal:
    """Check that `value` is a finite Decimal (or int) inside the bounds; return it as Decimal."""
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise CalculationInputError(field, f"must be a Decimal, got {type(value).__name__}")
    number = Decimal(value)
    if not number.is_finite():
        raise CalculationInputError(field, "must be a finite number")
    if minimum is not None:
        if minimum_exclusive and number <= minimum:
            raise CalculationInputError(field, f"must be greater than {minimum}")
        if not minimum_exclusive and number < minimum:
            raise CalculationInputError(field, f"must be at least {minimum}")
    if maximum is not None and number > maximum:
        raise CalculationInputError(field, f"must be at most {maximum}")
    return number


def integer_value(value: Any, field: str, *, minimum: int | None = None, maximum: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise CalculationInputError(field, f"must be an integer, got {type(value).__name__}")
    if minimum is not None and value < minimum:
        raise CalculationInputError(field, f"must be at least {minimum}")
    if maximum is not None and value > maximum:
        raise CalculationInputError(field, f"must be at most {maximum}")
    return value


def check_horizon(horizon: Any, field: str = "horizon") -> int:
    return integer_value(horizon, field, minimum=HORIZON_MIN, maximum=HORIZON_MAX)


def check_escalation(value: Any, field: str, *, allow_minus_one: bool = True) -> Decimal:
    """Escalation and growth rates lie in [-1, 1] (-100 % .. +100 % a year)."""
    return decimal_value(value, field, minimum=-1, maximum=1, minimum_exclusive=not allow_minus_one)


def power(base: Decimal, exponent: int) -> Decimal:
    """base ** exponent in Decimal, with 0 ** 0 = 1 as in numpy (Decimal raises on 0 ** 0)."""
    return Decimal(1) if exponent == 0 else base**exponent


def generate_quantities(
    horizon: int,
    base_year: int,
    start_year: int,
    end_year: int,
    starting_quantity: Decimal,
    growth_rate: Decimal,
) -> tuple[Decimal, ...]:
    """Quantities per period: zero outside [start_year, end_year], q_k = q0 x (1 + growth)^k inside.

    k counts the active years from 0 (start_year). Each quantity is quantized to 6 decimal places,
    ROUND_HALF_UP. Years are calendar years and must fall inside the horizon.
    """
    check_horizon(horizon)
    integer_value(base_year, "base_year")
    last_year = base_year + horizon - 1
    integer_value(start_year, "start_year", minimum=base_year, maximum=last_year)
    integer_value(end_year, "end_year", minimum=start_year, maximum=last_year)
    first = decimal_value(starting_quantity, "starting_quantity", minimum=0)
    growth = check_escalation(growth_rate, "growth_rate")
    step = Decimal(1).scaleb(-QUANTITY_PLACES)
    factor = 1 + growth
    quantities = []
    for year in range(base_year, last_year + 1):
        if start_year <= year <= end_year:
            quantity = first * power(factor, year - start_year)
            quantities.append(quantity.quantize(step, rounding=ROUND_HALF_UP))
        else:
            quantities.append(Decimal(0).quantize(step))
    return tuple(quantities)


def _check_model_scalars(model: ModelInput) -> None:
    if not isinstance(model, ModelInput):
        raise CalculationInputError("model", "must be a ModelInput")
    integer_value(model.base_year, "base_year", minimum=1900, maximum=2200)
    check_horizon(model.horizon)
    if model.basis not in BASES:
        raise CalculationInputError("basis", f"must be one of {', '.join(BASES)}")
    decimal_value(model.discount_rate, "discount_rate", minimum=0, maximum=1)
    decimal_value(model.vat_rate, "vat_rate", minimum=0, maximum=1)
    # (1 + g) divides the nominal series, so g = -1 is refused.
    check_escalation(model.general_escalation, "general_escalation", allow_minus_one=False)
    if not isinstance(model.currency, str) or len(model.currency) != 3 or not model.currency.isupper():
        raise CalculationInputError("currency", "must be a three-letter ISO 4217 code")
    if not isinstance(model.lines, tuple):
        raise CalculationInputError("lines", "must be a tuple of LineInput")


def _check_line(index: int, line: Any, horizon: int, seen: set[str]) -> None:
    prefix = f"lines[{index}]"
    if not isinstance(line, LineInput):
        raise CalculationInputError(prefix, "must be a LineInput")
    if not isinstance(line.code, str) or not line.code.strip():
        raise CalculationInputError(f"{prefix}.code", "must be a non-empty string")
    if line.code in seen:
        raise CalculationInputError(f"{prefix}.code", f"duplicate line code {line.code!r}")
    seen.add(line.code)
    if not isinstance(line.name, str):
        raise CalculationInputError(f"{prefix}.name", "must be a string")
    if line.kind not in KINDS:
        raise CalculationInputError(f"{prefix}.kind", f"must be one of {', '.join(KINDS)}")
    if line.category not in CATEGORIES_BY_KIND[line.kind]:
        raise CalculationInputError(f"{prefix}.category", f"{line.category!r} is not a {line.kind} category")
    decimal_value(line.unit_cost, f"{prefix}.unit_cost", minimum=0)
    if line.escalation_rate is not None:
        check_escalation(line.escalation_rate, f"{prefix}.escalation_rate")
    if line.refresh_cycle_years is not None:
        if line.kind != "capex":
            raise CalculationInputError(f"{prefix}.refresh_cycle_years", "only capex lines are refreshed")
        integer_value(line.refresh_cycle_years, f"{prefix}.refresh_cycle_years", minimum=1, maximum=horizon)
    if not isinstance(line.vat_applicable, bool):
        raise CalculationInputError(f"{prefix}.vat_applicable", "must be a boolean")
    if isinstance(line.quantities, np.ndarray):
        if line.quantities.dtype != np.float64 or line.quantities.shape != (horizon,):
            raise CalculationInputError(
                f"{prefix}.quantities", f"must be a float64 array of {horizon} quantities"
            )
    elif not isinstance(line.quantities, tuple) or len(line.quantities) != horizon:
        raise CalculationInputError(f"{prefix}.quantities", f"must be a tuple of {horizon} quantities")


def quantity_array(values: Any) -> np.ndarray:
    """A read-only float64 array of quantities (from Decimal, int or numeric text), for LineInput."""
    array = np.array(values, dtype=np.float64)
    array.flags.writeable = False
    return array


def quantity_decimal(value: Any) -> Decimal:
    """One quantity as Decimal: as given, or the shortest decimal of a float (exact for the at most
    15 significant digits a stored quantity has)."""
    if isinstance(value, Decimal | int) and not isinstance(value, bool):
        return Decimal(value)
    return Decimal(repr(float(value)))


def _check_matrix(matrix: np.ndarray) -> np.ndarray:
    bad = ~np.isfinite(matrix) | (matrix < 0)
    if bad.any():
        index, period = (int(i) for i in np.argwhere(bad)[0])
        raise CalculationInputError(
            f"lines[{index}].quantities[{period}]", "must be a finite number, zero or more"
        )
    return matrix


def _decimal_rows(lines: list[tuple[int, LineInput]], horizon: int) -> np.ndarray:
    """Quantities given as Decimal tuples, converted at once; on failure name the first bad one."""
    flat = [quantity for _index, line in lines for quantity in line.quantities]
    if not {type(quantity) for quantity in flat} <= {Decimal, int}:
        for position, quantity in enumerate(flat):
            if isinstance(quantity, bool) or not isinstance(quantity, Decimal | int):
                row, period = divmod(position, horizon)
                index = lines[row][0]
                raise CalculationInputError(f"lines[{index}].quantities[{period}]", "must be a Decimal")
    # Decimal -> float goes through text and costs ~0.3 us; zeros (most capex years) skip it.
    try:
        values = [float(q) if q else 0.0 for q in flat]
    except (TypeError, ValueError):  # a signalling NaN cannot be converted
        for position, quantity in enumerate(flat):
            row, period = divmod(position, horizon)
            decimal_value(quantity, f"lines[{lines[row][0]}].quantities[{period}]", minimum=0)
        raise
    return np.array(values, dtype=np.float64).reshape(len(lines), horizon)


def _quantity_matrix(lines: tuple[LineInput, ...], horizon: int) -> np.ndarray:
    """Every quantity as one (lines x periods) float64 matrix; on failure name the first bad one."""
    if not lines:
        return np.zeros((0, horizon))
    arrays = [line.quantities for line in lines if isinstance(line.quantities, np.ndarray)]
    if len(arrays) == len(lines) and all(array.ndim == 1 for array in arrays):
        stacked = np.vstack(arrays)
        if stacked.dtype == np.float64 and stacked.shape == (len(lines), horizon):
            return _check_matrix(stacked)
    for index, line in enumerate(lines):
        _check_line(index, line, horizon, set())
    matrix = np.empty((len(lines), horizon))
    typed = [(index, line) for index, line in enumerate(lines) if not isinstance(line.quantities, np.ndarray)]
    matrix[[index for index, _line in typed]] = _decimal_rows(typed, horizon)
    for index, line in enumerate(lines):
        if isinstance(line.quantities, np.ndarray):
            matrix[index] = line.quantities
    return _check_matrix(matrix)


_NUMBER_TYPES = frozenset({Decimal, int})


def _lines_look_valid(lines: tuple[LineInput, ...], horizon: int) -> bool:
    """A cheap pass over the structure of every line (types, codes, kinds, categories, lengths).

    True means each line passes `_check_line` except possibly for the values of its unit cost and
    escalation, which `prepare` checks as arrays. False sends `prepare` to the per-line checks,
    which name the first bad field.
    """
    seen: set[str] = set()
    for line in lines:
        if type(line) is not LineInput:
            return False
        code = line.code
        if type(code) is not str or not code.strip() or code in seen:
            return False
        seen.add(code)
        categories = CATEGORIES_BY_KIND.get(line.kind)
        if categories is None or line.category not in categories or type(line.name) is not str:
            return False
        if type(line.vat_applicable) is not bool:
            return False
        quantities = line.quantities
        # An array's dtype and shape are checked on the stacked matrix (_quantity_matrix).
        kind_of_sequence = type(quantities)
        if (kind_of_sequence is not tuple and kind_of_sequence is not np.ndarray) or len(
            quantities
        ) != horizon:
            return False
        cycle = line.refresh_cycle_years
        if cycle is not None and (
            type(cycle) is not int or line.kind != "capex" or not 1 <= cycle <= horizon
        ):
            return False
        if type(line.unit_cost) not in _NUMBER_TYPES:
            return False
        escalation = line.escalation_rate
        if escalation is not None and type(escalation) not in _NUMBER_TYPES:
            return False
    return True


def _amount_arrays(lines: tuple[LineInput, ...], general: float) -> tuple[np.ndarray, np.ndarray]:
    unit_cost = np.array([float(line.unit_cost) for line in lines], dtype=np.float64)
    escalation = np.array(
        [general if line.escalation_rate is None else float(line.escalation_rate) for line in lines],
        dtype=np.float64,
    )
    return unit_cost.reshape(len(lines)), escalation.reshape(len(lines))


def prepare(model: ModelInput) -> PreparedModel:
    """Validate `model` and convert it to arrays. Raises CalculationInputError naming the field.

    The common case, a valid model, is checked in bulk: one structural pass over the lines and
    array checks of the amounts. Anything odd is checked again line by line, field by field, so
    that the error names the first bad field exactly as `_check_line` would.
    """
    _check_model_scalars(model)
    horizon = model.horizon
    lines = model.lines
    general = float(model.general_escalation)
    bulk_ok = False
    if _lines_look_valid(lines, horizon):
        try:
            unit_cost, escalation = _amount_arrays(lines, general)
        except ValueError:  # a signalling NaN cannot become a float: the line checks name it
            pass
        else:
            bulk_ok = (
                bool(np.isfinite(unit_cost).all())
                and bool((unit_cost >= 0).all())
                and bool(np.isfinite(escalation).all())
                and bool(((escalation >= -1) & (escalation <= 1)).all())
            )
    if not bulk_ok:
        seen: set[str] = set()
        for index, line in enumerate(lines):
            _check_line(index, line, horizon, seen)
        unit_cost, escalation = _amount_arrays(lines, general)
    quantities = _quantity_matrix(lines, horizon)
    cycles = np.array([line.refresh_cycle_years or horizon for line in lines], dtype=np.int64)
    if (cycles < horizon).any():
        # Period t of a refreshed line buys what period t mod N bought.
        source = np.arange(horizon)[None, :] % cycles[:, None]
        quantities = np.take_along_axis(quantities, source, axis=1)
    if not np.isfinite(unit_cost).all():  # a Decimal too large for float64
        index = int(np.flatnonzero(~np.isfinite(unit_cost))[0])
        raise CalculationInputError(f"lines[{index}].unit_cost", "is too large")
    products = unit_cost[:, None] * quantities
    if not np.isfinite(products).all():
        index = int(np.argwhere(~np.isfinite(products))[0][0])
        raise CalculationInputError(f"lines[{index}].unit_cost", "unit cost x quantity is too large")
    return PreparedModel(
        unit_cost=unit_cost,
        quantities=quantities,
        escalation=escalation,
        vat_applicable=np.array([line.vat_applicable for line in lines], dtype=bool),
        is_revenue=np.array([line.kind == "revenue" for line in lines], dtype=bool),
        discount_rate=float(model.discount_rate),
        vat_rate=float(model.vat_rate),
        general_escalation=general,
    )


def validate_model(model: ModelInput) -> None:
    """Raise CalculationInputError (with `.field`, e.g. "lines[3].unit_cost") if `model` is unusable."""
    prepare(model)
