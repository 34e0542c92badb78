"""The vectorised lifecycle-cost engine: a (lines x periods) float64 matrix, no per-cell Python loops.

Conventions (see DOMAIN.md, "Money and time conventions"):
- period t = 0..T-1 is calendar year base_year + t; a flow in period t is discounted by (1 + r)^t,
  period 0 undiscounted (numpy_financial.npv semantics);
- nominal_t = unit_cost x quantity_t x (1 + e)^t and real_t = nominal_t / (1 + g)^t, where e is the
  line's escalation (the general escalation g when the line has none). A real model computes
  real_t = unit_cost x quantity_t x ((1 + e) / (1 + g))^t directly; both give the same figures;
- present values use the model's own basis (real series for a real model, nominal for a nominal one);
- VAT: amount_inc_vat = amount x (1 + vat_rate) on VAT-applicable lines;
- the line matrices hold amounts as positive numbers; "cost-signed" series and totals count revenue
  negative.

All outputs are float64 in the model's currency, unrounded; cross back to money with `to_money`.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import numpy as np
import pandas as pd

from .inputs import ALL_CATEGORIES, KINDS, CalculationInputError, ModelInput, PreparedModel, prepare


def to_money(value: float, places: int = 0) -> Decimal:
    """Cross a float64 result back to Decimal: Decimal(repr(value)) quantized ROUND_HALF_UP.

    `places` is the number of decimal places kept (0 for VND, 2 for USD). -0 becomes 0.
    """
    number = float(value)
    if not np.isfinite(number):
        raise CalculationInputError("value", "cannot turn a non-finite result into money")
    amount = Decimal(repr(number)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return abs(amount) if amount.is_zero() else amount


def discount_factors(rate: float | Decimal, periods: int) -> np.ndarray:
    """1 / (1 + rate)^t for t = 0..periods-1."""
    return 1.0 / (1.0 + float(rate)) ** np.arange(periods, dtype=np.float64)


def _frozen(array: np.ndarray) -> np.ndarray:
    array.flags.writeable = False
    return array


@dataclass(frozen=True, eq=False)
class Results:
    """Output of `compute`. Matrices are (lines x periods); arrays are read-only float64.

    nominal_/real_ matrices: amounts as positive numbers for every kind, revenue included.
    basis_inc_vat: the model-basis series incl. VAT, cost-signed (costs positive, revenue negative).
    pv_by_line, cost_by_year, npv, tco_*, eac: cost-signed, incl. VAT unless named ex_vat.
    """

    basis: str
    base_year: int
    currency: str
    discount_rate: float
    years: np.ndarray
    codes: tuple[str, ...]
    categories: tuple[str, ...]
    kinds: tuple[str, ...]
    nominal_ex_vat: np.ndarray
    nominal_inc_vat: np.ndarray
    real_ex_vat: np.ndarray
    real_inc_vat: np.ndarray
    basis_inc_vat: np.ndarray
    discount_factors: np.ndarray
    pv_by_line: np.ndarray
    cost_by_year: np.ndarray
    npv: float
    npv_ex_vat: float
    tco_nominal: float
    tco_real: float
    eac: float

    @property
    def horizon(self) -> int:
        return len(self.years)

    def _grouped(self, keys: tuple[str, ...], order: tuple[str, ...]) -> pd.DataFrame:
        years = [int(year) for year in self.years]
        frame = pd.DataFrame(self.basis_inc_vat, columns=years)
        frame["total"] = self.basis_inc_vat.sum(axis=1)
        frame["pv"] = self.pv_by_line
        grouped = frame.groupby(pd.Index(keys, name="group"), sort=False).sum()
        present = [key for key in order if key in grouped.index]
        grouped = grouped.loc[present]
        grouped.index.name = None
        return grouped

    def by_category(self) -> pd.DataFrame:
        """Cost-signed model-basis amounts incl. VAT: one row per category present (catalogue order),
        one column per calendar year, then "total" (undiscounted) and "pv"."""
        return self._grouped(self.categories, ALL_CATEGORIES)

    def by_kind(self) -> pd.DataFrame:
        """As `by_category`, one row per kind present: capex, opex, revenue."""
        return self._grouped(self.kinds, KINDS)

    def to_frame(self) -> pd.DataFrame:
        """Long frame, one row per (line, year). Amount columns are positive; "pv" is cost-signed."""
        lines, periods = self.basis_inc_vat.shape
        return pd.DataFrame(
            {
                "code": np.repeat(np.array(self.codes, dtype=object), periods),
                "category": np.repeat(np.array(self.categories, dtype=object), periods),
                "kind": np.repeat(np.array(self.kinds, dtype=object), periods),
                "year": np.tile(self.years, lines),
                "nominal_ex_vat": self.nominal_ex_vat.ravel(),
                "nominal_inc_vat": self.nominal_inc_vat.ravel(),
                "real_ex_vat": self.real_ex_vat.ravel(),
                "real_inc_vat": self.real_inc_vat.ravel(),
                "pv": (self.basis_inc_vat * self.discount_factors).ravel(),
            }
        )


def annuity_factor(rate: float, periods: int) -> float:
    """sum_{t=0}^{T-1} (1 + r)^-t: payments at the start of each period, matching the NPV convention."""
    return float(discount_factors(rate, periods).sum())


def compute(model: ModelInput) -> Results:
    """Validate `model` and compute every series of its lifecycle cost (see module docstring)."""
    return compute_prepared(model, prepare(model))


def compute_prepared(model: ModelInput, arrays: PreparedModel) -> Results:
    """The numeric kernel of `compute`, on arrays already validated by `prepare(model)`."""
    periods = np.arange(model.horizon, dtype=np.float64)
    general = arrays.general_escalation
    base = arrays.unit_cost[:, None] * arrays.quantities
    deflator = (1.0 + general) ** periods
    if model.basis == "nominal":
        nominal_ex = base * (1.0 + arrays.escalation[:, None]) ** periods
        real_ex = nominal_ex / deflator
    else:
        real_ex = base * ((1.0 + arrays.escalation[:, None]) / (1.0 + general)) ** periods
        nominal_ex = real_ex * deflator
    vat_factor = np.where(arrays.vat_applicable, 1.0 + arrays.vat_rate, 1.0)[:, None]
    nominal_inc = nominal_ex * vat_factor
    real_inc = real_ex * vat_factor
    sign = np.where(arrays.is_revenue, -1.0, 1.0)[:, None]
    basis_ex, basis_inc = (real_ex, real_inc) if model.basis == "real" else (nominal_ex, nominal_inc)
    basis_inc_signed = basis_inc * sign + 0.0  # + 0.0 turns the -0.0 of empty revenue cells into 0.0
    factors = discount_factors(arrays.discount_rate, model.horizon)
    pv_by_line = basis_inc_signed @ factors
    npv = float(pv_by_line.sum())
    lines = model.lines
    return Results(
        basis=model.basis,
        base_year=model.base_year,
        currency=model.currency,
        discount_rate=arrays.discount_rate,
        years=_frozen(model.base_year + np.arange(model.horizon, dtype=np.int64)),
        codes=tuple(line.code for line in lines),
        categories=tuple(line.category for line in lines),
        kinds=tuple(line.kind for line in lines),
        nominal_ex_vat=_frozen(nominal_ex),
        nominal_inc_vat=_frozen(nominal_inc),
        real_ex_vat=_frozen(real_ex),
        real_inc_vat=_frozen(real_inc),
        basis_inc_vat=_frozen(basis_inc_signed),
        discount_factors=_frozen(factors),
        pv_by_line=_frozen(pv_by_line),
        cost_by_year=_frozen(basis_inc_signed.sum(axis=0)),
        npv=npv,
        npv_ex_vat=float(((basis_ex * sign) @ factors).sum()),
        tco_nominal=float((nominal_inc * sign).sum()),
        tco_real=float((real_inc * sign).sum()),
        eac=npv / float(factors.sum()),
    )


def break_even_period(cost_a: Any, cost_b: Any, discount_rate: float | Decimal) -> int | None:
    """First period p such that A's cumulative discounted cost is at or below B's in p and every
    later period of the horizon; None if there is no such period.

    Use it to answer "from which year is option A (e.g. a service hire) cheaper than B (building it)
    for good". Both series are cost-signed per period (length T), discounted by (1 + r)^t from
    period 0. Comparisons allow a float tolerance of 1e-9 x the largest cumulative amount, so equal
    figures computed in different orders still count as "at or below".
    """
    a = np.asarray(cost_a, dtype=np.float64)
    b = np.asarray(cost_b, dtype=np.float64)
    if a.ndim != 1 or a.shape != b.shape or a.size == 0:
        raise CalculationInputError("cost_b", "both cost series must be 1-D and of the same length")
    if not (np.isfinite(a).all() and np.isfinite(b).all()):
        raise CalculationInputError("cost_a", "cost series must be finite")
    rate = float(discount_rate)
    if not np.isfinite(rate) or rate <= -1:
        raise CalculationInputError("discount_rate", "must be a finite rate above -100%")
    factors = discount_factors(rate, a.size)
    cumulative_a = np.cumsum(a * factors)
    cumulative_b = np.cumsum(b * factors)
    scale = max(1.0, float(np.abs(cumulative_a).max()), float(np.abs(cumulative_b).max()))
    at_or_below = cumulative_a <= cumulative_b + 1e-9 * scale
    # holds_from[p] is True when A stays at or below B from p to the end.
    holds_from = np.logical_and.accumulate(at_or_below[::-1])[::-1]
    if not holds_from.any():
        return None
    return int(np.argmax(holds_from))
