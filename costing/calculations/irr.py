"""Internal rate of return for many cash-flow series at once, agreeing with numpy_financial.irr.

numpy_financial.irr(values) takes np.roots of the reversed series (the eigenvalues of its companion
matrix), keeps the real (imag == 0) positive roots x, turns each into rate = 1/x - 1 and returns the
rate of smallest |rate|, or nan when there is none. `irr_many` gives the same answer without one
eigenvalue problem per series:

1. a series with no sign change has no positive root: no rate;
2. otherwise `roots.isolate` brackets every positive root from one grid evaluation of all series,
   Descartes' rule of signs (on the series, and on each grid interval through a Moebius transform)
   proving that no root was missed, and `roots.refine` polishes each root by safeguarded Newton;
3. the few series it cannot settle (double or crowded roots, roots outside 1e-3 < x < 1e3, badly
   scaled series, two rates equally close to zero) go through numpy_financial's own method,
   batched: the companion matrices of all such series of one size are stacked and solved by one
   np.linalg.eigvals call, then polished.

Each row is solved on its own: batching shares the numpy calls, not the answers.
Floats only: this is an adapter; `irr_one` crosses back to Decimal.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np

from .inputs import CalculationInputError
from .roots import horner, isolate, refine, sign_changes

BLOCK_ROWS = 4096
POLISH_STEPS = 3
TIE = 1e-9  # rates closer to zero than each other by less than this count as equally close
POLISH_LIMIT = 1e-10  # a polish may move a rate by at most this much (relative to max(1, |rate|))


@dataclass(frozen=True, eq=False)
class IrrResult:
    """rates (S,) per period as fractions, nan where the series has no rate; has_rate (S,) bool."""

    rates: np.ndarray
    has_rate: np.ndarray


def _as_matrix(cashflows: Any) -> np.ndarray:
    values = np.array(cashflows, dtype=np.float64)
    if values.ndim != 2:
        raise CalculationInputError("cashflows", "must be a 2-D array: one series per row")
    if not np.isfinite(values).all():
        raise CalculationInputError("cashflows", "must contain finite numbers only")
    return values


def npf_rates(values: np.ndarray) -> np.ndarray:
    """numpy_financial.irr on each row, batched by companion-matrix size (same float operations)."""
    count, periods = values.shape
    rates = np.full(count, np.nan)
    nonzero = values != 0
    any_nonzero = nonzero.any(axis=1)
    first = np.argmax(nonzero, axis=1)
    last = periods - 1 - np.argmax(nonzero[:, ::-1], axis=1)
    size = np.where(any_nonzero, last - first + 1, 0)
    # np.roots drops the zeros at both ends; the leading zeros of the series become roots x = 0, which
    # are never positive, so only the stripped polynomial matters.
    for coefficient_count in np.unique(size[size >= 2]):
        rows = np.flatnonzero(size == coefficient_count)
        order = int(coefficient_count) - 1
        reversed_index = last[rows][:, None] - np.arange(coefficient_count)[None, :]
        polynomial = values[rows[:, None], reversed_index]
        companion = np.zeros((rows.size, order, order))
        companion[:, np.arange(1, order), np.arange(order - 1)] = 1.0
        companion[:, 0, :] = -polynomial[:, 1:] / polynomial[:, :1]
        roots = np.linalg.eigvals(companion)
        real = roots.real
        imaginary = roots.imag if np.iscomplexobj(roots) else np.zeros_like(real)
        usable = (imaginary == 0) & (real > 0)
        with np.errstate(divide="ignore"):
            candidate = 1.0 / np.where(usable, real, 1.0) - 1.0
        distance = np.where(usable, np.abs(candidate), np.inf)
        best = np.argmin(distance, axis=1)
        found = usable.any(axis=1)
        rates[rows[found]] = candidate[np.arange(rows.size), best][found]
    return rates


def _polish(coefficients: np.ndarray, rates: np.ndarray) -> np.ndarray:
    """A few guarded Newton steps on roots from the eigenvalue method.

    A step is kept only if it shrinks |f| and moves the rate by at most POLISH_LIMIT, so an
    ill-conditioned (near double) root keeps the eigenvalue answer numpy_financial gives.
    """
    result = rates.copy()
    rows = np.flatnonzero(np.isfinite(rates))
    if not rows.size:
        return result
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        x = 1.0 / (1.0 + rates[rows])
        value, slope = horner(coefficients[rows], x)
        for _ in range(POLISH_STEPS):
            stepped = x - value / slope
            stepped_value, stepped_slope = horner(coefficients[rows], stepped)
            better = np.isfinite(stepped) & (stepped > 0) & (np.abs(stepped_value) < np.abs(value))
            x = np.where(better, stepped, x)
            value = np.where(better, stepped_value, value)
            slope = np.where(better, stepped_slope, slope)
        polished = 1.0 / x - 1.0
    original = rates[rows]
    close = np.abs(polished - original) <= POLISH_LIMIT * np.maximum(1.0, np.abs(original))
    result[rows] = np.where(close, polished, original)
    return result


def _solve(values: np.ndarray) -> np.ndarray:
    """Rates of one block of series (see the module docstring)."""
    rates = np.full(len(values), np.nan)
    changes = sign_changes(values)
    candidates = np.flatnonzero(changes > 0)
    if not candidates.size:
        return rates
    scale = np.abs(values[candidates]).max(axis=1)
    coefficients = values[candidates] / scale[:, None]
    isolation = isolate(coefficients, changes[candidates])
    x, converged = refine(
        isolation.coefficients[isolation.rows],
        isolation.low,
        isolation.high,
        isolation.value_low,
        isolation.value_high,
    )
    resolved = isolation.resolved.copy()
    resolved[isolation.rows[~converged]] = False
    keep = resolved[isolation.rows]
    bracket_rows = isolation.rows[keep]
    bracket_rates = 1.0 / x[keep] - 1.0
    alone = np.bincount(bracket_rows, minlength=len(candidates))[bracket_rows] == 1
    rates[candidates[bracket_rows[alone]]] = bracket_rates[alone]
    if not alone.all():
        # Several roots: numpy_financial keeps the rate closest to zero.
        rows, row_rates = bracket_rows[~alone], bracket_rates[~alone]
        order = np.lexsort((np.abs(row_rates), rows))
        sorted_rows, closeness = rows[order], np.abs(row_rates[order])
        first_of_row = np.ones(order.size, dtype=bool)
        first_of_row[1:] = sorted_rows[1:] != sorted_rows[:-1]
        chosen = order[first_of_row]
        rates[candidates[rows[chosen]]] = row_rates[chosen]
        # Two rates equally close to zero (r and -r): which one numpy_financial keeps depends on
        # its rounding, so such rows take its route.
        runner_up = np.flatnonzero(first_of_row) + 1
        runner_up = runner_up[runner_up < order.size]
        runner_up = runner_up[sorted_rows[runner_up] == sorted_rows[runner_up - 1]]
        tied = closeness[runner_up] - closeness[runner_up - 1] <= TIE * np.maximum(1.0, closeness[runner_up])
        resolved[sorted_rows[runner_up[tied]]] = False
    fallback = np.flatnonzero(~resolved)
    if fallback.size:
        rows = candidates[fallback]
        rates[rows] = _polish(coefficients[fallback], npf_rates(values[rows]))
    return rates


def irr_many(cashflows: Any) -> IrrResult:
    """IRR of each row of `cashflows` (S x T float array, period 0 first), vectorised.

    Agrees with numpy_financial.irr row by row: the same rate where it returns one (to about 1e-12
    for well-conditioned roots), has_rate False where it returns nan. Rows are solved in blocks of
    BLOCK_ROWS so that the work arrays stay in cache.
    """
    values = _as_matrix(cashflows)
    count, periods = values.shape
    rates = np.full(count, np.nan)
    if periods >= 2:
        for start in range(0, count, BLOCK_ROWS):
            rates[start : start + BLOCK_ROWS] = _solve(values[start : start + BLOCK_ROWS])
    return IrrResult(rates=rates, has_rate=~np.isnan(rates))


def irr_one(values: Any) -> Decimal | None:
    """IRR of one series as a Decimal fraction per period (Decimal(repr(float)), unrounded).

    None when the series has no rate; never nan. Accepts Decimal, int or float amounts.
    """
    series = np.array([float(value) for value in values], dtype=np.float64)[None, :]
    result = irr_many(series)
    if not result.has_rate[0]:
        return None
    return Decimal(repr(float(result.rates[0])))
