"""Vectorised isolation and refinement of the positive real roots of many polynomials at once.

Used by `irr.py`. A cash-flow series v_0..v_{T-1} has NPV(r) = f(x) = sum_t v_t x^t with
x = 1 / (1 + r), so the rates are 1/x - 1 for the positive real roots x of f.

How roots are isolated without an eigenvalue problem per series:
- Descartes: the number of positive roots is at most V, the number of sign changes of v, and has
  the same parity.
- f is evaluated on a fixed grid of x (one matrix product for all series). Each grid cell where
  f changes sign holds an odd number of roots; so do the tails (0, c_0] and [c_last, inf) when
  the sign of f there differs from its sign at 0+ / at infinity.
- If the cells and tails with a sign change number V, each holds exactly one simple root: done.
- Otherwise Descartes' rule is applied to intervals (a, b) between grid points through the Moebius
  transform q(y) = (1 + y)^(T-1) f((a + b y) / (1 + y)), and to the right tail through the Taylor
  shift f(c_last + y): q's sign changes bound the roots inside the interval (zero when no root lies
  in the disc on diameter (a, b)). Where every bound equals the number of sign changes of f found
  in that interval, the roots found are all the positive roots (the rest are complex): done.
  Coarse intervals (every 4th grid point) are tried first, single grid cells next.
- Anything else (a double root, two roots in one cell, a root in a tail, a value too close to zero
  to trust its sign, roots crowding the axis, a badly scaled series) is reported unresolved; the
  caller falls back to the eigenvalue method of numpy_financial.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

COARSE_POINTS = 24
DENSE_POINTS = 40
DENSE_LOG_SPAN = 0.5
COARSE_STEP = 8
CERTIFY_ROWS = 256
MAX_LOG_SPAN = math.log(1e3)  # x from 1e-3 to 1e3: rates from -99.9 % to +99,900 %
RELIABLE = 1e-11  # a coefficient smaller than this share of the size of its terms has no trusted sign
MAX_UNACCOUNTED = 6  # beyond this many possible complex roots, certifying is not worth the work
MAX_ITERATIONS = 200
WELL_SCALED = 1e-6  # smallest leading coefficient (rows scaled to max |v| = 1) solved here
# Newton stops after a step smaller than NEWTON_SETTLED x (quadratic convergence leaves an error of
# order its square), or when the bracket is narrower than TOLERANCE x (rounding noise in f near a
# root makes steps of a few ulps wander). Both are far inside the 1e-9 agreement with numpy_financial.
NEWTON_SETTLED = 1e-6
TOLERANCE = 1e-13


@lru_cache(maxsize=64)
def grid_points(periods: int) -> tuple[np.ndarray, np.ndarray]:
    """The grid of x (K,) and its powers (T, K).

    Log-spaced over 1e-3..1e3, and dense over 0.61..1.65 (rates from -39 % to +65 %), where
    real-world rates and their near-double roots sit. Symmetric even counts keep x = 1 (rate 0)
    off the grid. The grid narrows for long series so that x^(T-1) cannot overflow.
    """
    span = min(MAX_LOG_SPAN, 250 * math.log(10) / max(periods - 1, 1))
    dense_span = min(DENSE_LOG_SPAN, span / 2)
    coarse = np.linspace(-span, span, COARSE_POINTS)
    dense = np.linspace(-dense_span, dense_span, DENSE_POINTS)
    logs = np.sort(np.concatenate([coarse[np.abs(coarse) > dense_span * 1.05], dense]))
    points = np.exp(logs)
    powers = points[None, :] ** np.arange(periods)[:, None]
    points.flags.writeable = False
    powers.flags.writeable = False
    return points, powers


def _expand(a: float, b: float, power: int, degree: int) -> np.ndarray:
    """Coefficients (lowest first) of (a + b y)^power (1 + y)^(degree - power)."""
    first = np.array([math.comb(power, i) * a ** (power - i) * b**i for i in range(power + 1)])
    second = np.array([math.comb(degree - power, j) for j in range(degree - power + 1)], dtype=np.float64)
    return np.convolve(first, second)


@lru_cache(maxsize=64)
def interval_table(periods: int, step: int) -> tuple[np.ndarray, np.ndarray]:
    """Transforms for the intervals (0, p_0), (p_0, p_1), ..., (p_last, inf) between every `step`-th
    grid point (the last grid point always included).

    Returns (selected grid indices, transform (T, I, T)): transform[t, i] holds the coefficients in y
    that x^t contributes to q for interval i (all >= 0).
    """
    points, _ = grid_points(periods)
    selected = np.union1d(np.arange(0, len(points), step), [len(points) - 1])
    ends = np.concatenate([[0.0], points[selected]])
    degree = periods - 1
    transform = np.zeros((periods, len(selected) + 1, periods))
    last = float(points[-1])
    for t in range(periods):
        for interval in range(len(selected)):
            transform[t, interval] = _expand(float(ends[interval]), float(ends[interval + 1]), t, degree)
        transform[t, -1, : t + 1] = [math.comb(t, k) * last ** (t - k) for k in range(t + 1)]
    for array in (selected, transform):
        array.flags.writeable = False
    return selected, transform


def sign_changes(values: np.ndarray) -> np.ndarray:
    """Sign changes along each row, zeros skipped (Descartes' count)."""
    negative = values < 0
    changes = np.count_nonzero(negative[:, 1:] != negative[:, :-1], axis=1)
    with_zeros = np.flatnonzero((values == 0).any(axis=1))
    if with_zeros.size:
        signs = np.sign(values[with_zeros])
        periods = values.shape[1]
        last_nonzero = np.where(signs != 0, np.arange(periods), 0)
        np.maximum.accumulate(last_nonzero, axis=1, out=last_nonzero)
        filled = np.take_along_axis(signs, last_nonzero, axis=1)
        changes[with_zeros] = np.count_nonzero(filled[:, 1:] * filled[:, :-1] < 0, axis=1)
    return changes


def horner(coefficients: np.ndarray, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """f(x) and f'(x) for each row (coefficients ordered by power, lowest first)."""
    value = coefficients[:, -1].copy()
    slope = np.zeros_like(x)
    for power in range(coefficients.shape[1] - 2, -1, -1):
        slope = slope * x + value
        value = value * x + coefficients[:, power]
    return value, slope


def _certified(
    coefficients: np.ndarray, found_in_cells: np.ndarray, left: np.ndarray, right: np.ndarray, step: int
) -> np.ndarray:
    """True for rows where Descartes' bound of every interval equals the roots found inside it.

    Needs a positive leading coefficient and v_0 != 0: the structural zeros of q then sit above its
    leading positive coefficient, and counting a zero as positive can only overstate a bound (which
    makes certification fail, never succeed wrongly). Works in blocks of CERTIFY_ROWS rows: the
    (rows x intervals x T) arrays are large and much faster while they fit in cache.
    """
    count, periods = coefficients.shape
    selected, transform = interval_table(periods, step)
    intervals = transform.shape[1]
    flat = transform.reshape(periods, -1)
    cumulative = np.zeros((count, found_in_cells.shape[1] + 1), dtype=np.int64)
    np.cumsum(found_in_cells, axis=1, out=cumulative[:, 1:])
    found = np.concatenate(
        [left[:, None], cumulative[:, selected[1:]] - cumulative[:, selected[:-1]], right[:, None]], axis=1
    )
    certified = np.zeros(count, dtype=bool)
    for start in range(0, count, CERTIFY_ROWS):
        block = slice(start, start + CERTIFY_ROWS)
        rows = coefficients[block]
        q = (rows @ flat).reshape(len(rows), intervals, periods)
        size = (np.abs(rows) @ flat).reshape(len(rows), intervals, periods)  # transform is >= 0
        # Structural zeros of q have size 0 and pass; a coincidental exact zero fails (conservative).
        trustworthy = ~(np.abs(q) < RELIABLE * size).any(axis=(1, 2))
        negative = q < 0
        bounds = np.count_nonzero(negative[:, :, 1:] != negative[:, :, :-1], axis=2)
        certified[block] = trustworthy & (bounds == found[block]).all(axis=1)
    return certified


@dataclass(frozen=True)
class Isolation:
    resolved: np.ndarray  # (n,) bool: every positive root of the row is bracketed below
    coefficients: np.ndarray  # (n, T) rows divided by x^m (no zero v_0) with a positive leading one
    rows: np.ndarray  # (m,) row of each bracket (rows with one root first, then the others)
    low: np.ndarray  # (m,) bracket ends in x; f changes sign between them
    high: np.ndarray
    value_low: np.ndarray
    value_high: np.ndarray


def _normalise(coefficients: np.ndarray) -> np.ndarray:
    """Divide out x^m (the zero roots) and make the leading coefficient positive: same positive roots."""
    count, periods = coefficients.shape
    result = coefficients.copy()
    shifted_rows = np.flatnonzero(coefficients[:, 0] == 0)
    if shifted_rows.size:
        rows = coefficients[shifted_rows]
        lowest = np.argmax(rows != 0, axis=1)
        index = np.arange(periods)[None, :] + lowest[:, None]
        rows = np.take_along_axis(rows, index % periods, axis=1)
        rows[index >= periods] = 0.0
        result[shifted_rows] = rows
    highest = periods - 1 - np.argmax(result[:, ::-1] != 0, axis=1)
    result *= np.sign(result[np.arange(count), highest])[:, None]
    return result


def isolate(coefficients: np.ndarray, changes: np.ndarray) -> Isolation:
    """Bracket every positive root of each row, or mark the row unresolved.

    `coefficients` (n, T) are scaled so that max |v| = 1; `changes` is Descartes' count (>= 1).
    """
    coefficients = _normalise(coefficients)
    periods = coefficients.shape[1]
    points, powers = grid_points(periods)
    values = coefficients @ powers  # (n, K)
    usable = ~(values == 0).any(axis=1)  # the grid keeps x^t finite; an exact zero needs a closer look
    negative = values < 0
    crossings = negative[:, 1:] != negative[:, :-1]
    left = (negative[:, 0] != (coefficients[:, 0] < 0)).astype(np.int64)
    right = negative[:, -1].astype(np.int64)  # f > 0 towards infinity
    crossing_count = np.count_nonzero(crossings, axis=1)
    found = crossing_count + left + right
    # A leading coefficient tiny next to the others makes numpy_financial's companion matrix badly
    # scaled and its answer unreliable; such series take its own route so that the answers agree.
    degree = periods - 1 - np.argmax(coefficients[:, ::-1] != 0, axis=1)
    usable &= coefficients[np.arange(len(coefficients)), degree] >= WELL_SCALED
    # A root beyond the grid (a rate above +99,900 % or within 0.1 % of -100 %) is left to the
    # eigenvalue route too: numpy_financial's answer there is good to a few digits only.
    usable &= (left == 0) & (right == 0)
    resolved = usable & (found == changes)
    pending = np.flatnonzero(usable & ~resolved & (changes - found <= MAX_UNACCOUNTED))
    for step in (COARSE_STEP, 2):
        if not pending.size:
            break
        certified = _certified(coefficients[pending], crossings[pending], left[pending], right[pending], step)
        resolved[pending[certified]] = True
        pending = pending[~certified]
    # Most rows have one root: argmax finds its cell faster than nonzero over the whole grid.
    single = np.flatnonzero(resolved & (crossing_count == 1))
    multiple = np.flatnonzero(resolved & (crossing_count > 1))
    multiple_rows, multiple_cells = np.nonzero(crossings[multiple])
    cell_rows = np.concatenate([single, multiple[multiple_rows]])
    cells = np.concatenate([np.argmax(crossings[single], axis=1), multiple_cells])
    return Isolation(
        resolved=resolved,
        coefficients=coefficients,
        rows=cell_rows,
        low=points[cells],
        high=points[cells + 1],
        value_low=values[cell_rows, cells],
        value_high=values[cell_rows, cells + 1],
    )


def refine(
    coefficients: np.ndarray,
    low: np.ndarray,
    high: np.ndarray,
    value_low: np.ndarray,
    value_high: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Safeguarded Newton on each bracketed root (one bracket per row of `coefficients`).

    Starts at the secant point, keeps the bracket, and bisects (geometrically while the bracket spans
    more than a factor 2) whenever Newton would leave it. Returns (x, converged).
    """
    low = low.astype(np.float64, copy=True)
    high = high.astype(np.float64, copy=True)
    sign_low = np.sign(value_low)
    with np.errstate(divide="ignore", invalid="ignore"):
        x = low - value_low * (high - low) / (value_high - value_low)
    start_bad = ~((x > low) & (x < high))
    x[start_bad] = np.sqrt(low[start_bad] * high[start_bad])
    converged = np.zeros(len(x), dtype=bool)
    active = np.arange(len(x))
    for _ in range(MAX_ITERATIONS):
        if not active.size:
            break
        current = x[active]
        value, slope = horner(coefficients[active], current)
        same_side = np.sign(value) == sign_low[active]
        bracket_low = np.where(same_side, current, low[active])
        bracket_high = np.where(same_side, high[active], current)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            step = value / slope
        newton = current - step
        inside = (newton >= bracket_low) & (newton <= bracket_high)
        wide = bracket_high > 2.0 * bracket_low
        middle = np.where(wide, np.sqrt(bracket_low * bracket_high), 0.5 * (bracket_low + bracket_high))
        following = np.where(inside & (newton != current), newton, middle)
        exact = value == 0
        small_step = np.abs(step) <= NEWTON_SETTLED * current  # False for nan
        done = exact | small_step | (bracket_high - bracket_low <= TOLERANCE * bracket_high)
        # A converged Newton step is kept even when it lands on the bracket's end.
        settled = np.where(small_step & inside, newton, np.where(exact | small_step, current, following))
        x[active] = np.where(done, settled, following)
        low[active] = bracket_low
        high[active] = bracket_high
        converged[active[done]] = True
        active = active[~done]
    return x, converged
