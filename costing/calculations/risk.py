"""Risk register: expected values (Decimal) and a vectorised Monte Carlo simulation (float64 adapter).

A risk has a probability of occurring, a three-point impact in money (minimum, most likely,
maximum) read as a triangular or a PERT distribution, a timing window of periods
[first_period, last_period], and an allocation: public_share is the part the public sector retains,
the rest is transferred to the private partner. Impacts are in the model's basis (real or nominal).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, localcontext
from typing import Any

import numpy as np

from .engine import discount_factors
from .inputs import CalculationInputError, decimal_value, integer_value

DISTRIBUTIONS = ("triangular", "pert")
MAX_ITERATIONS = 1_000_000


@dataclass(frozen=True)
class RiskInput:
    code: str
    name: str
    probability: Decimal  # 0..1
    minimum: Decimal  # impact in money
    most_likely: Decimal
    maximum: Decimal
    distribution: str  # "triangular" | "pert"
    first_period: int
    last_period: int
    public_share: Decimal  # 0..1, the retained part


@dataclass(frozen=True)
class RiskExpectedValue:
    """Expected value of one risk, unrounded Decimal (quantize when persisting).

    expected_value = probability x mean impact; pv = expected_value x the mean discount factor over
    [first_period, last_period]; public_pv (retained) = pv x public_share; private_pv (transferred)
    = pv - public_pv.
    """

    code: str
    mean_impact: Decimal
    expected_value: Decimal
    mean_discount_factor: Decimal
    pv: Decimal
    public_pv: Decimal
    private_pv: Decimal


def validate_risks(risks: Sequence[RiskInput], horizon: int | None = None) -> None:
    """Raise CalculationInputError naming the field, e.g. "risks[2].most_likely"."""
    seen: set[str] = set()
    for index, risk in enumerate(risks):
        prefix = f"risks[{index}]"
        if not isinstance(risk, RiskInput):
            raise CalculationInputError(prefix, "must be a RiskInput")
        if not isinstance(risk.code, str) or not risk.code.strip():
            raise CalculationInputError(f"{prefix}.code", "must be a non-empty string")
        if risk.code in seen:
            raise CalculationInputError(f"{prefix}.code", f"duplicate risk code {risk.code!r}")
        seen.add(risk.code)
        decimal_value(risk.probability, f"{prefix}.probability", minimum=0, maximum=1)
        low = decimal_value(risk.minimum, f"{prefix}.minimum", minimum=0)
        likely = decimal_value(risk.most_likely, f"{prefix}.most_likely", minimum=low)
        decimal_value(risk.maximum, f"{prefix}.maximum", minimum=likely)
        if risk.distribution not in DISTRIBUTIONS:
            raise CalculationInputError(
                f"{prefix}.distribution", f"must be one of {', '.join(DISTRIBUTIONS)}"
            )
        last_allowed = None if horizon is None else horizon - 1
        first = integer_value(risk.first_period, f"{prefix}.first_period", minimum=0, maximum=last_allowed)
        integer_value(risk.last_period, f"{prefix}.last_period", minimum=first, maximum=last_allowed)
        decimal_value(risk.public_share, f"{prefix}.public_share", minimum=0, maximum=1)


def mean_impact(risk: RiskInput) -> Decimal:
    """Triangular mean (a + m + b) / 3; PERT mean (a + 4m + b) / 6."""
    if risk.distribution == "pert":
        return (risk.minimum + 4 * risk.most_likely + risk.maximum) / 6
    return (risk.minimum + risk.most_likely + risk.maximum) / 3


def risk_expected_values(risks: Sequence[RiskInput], discount_rate: Decimal) -> list[RiskExpectedValue]:
    """Expected value and its present value per risk, in register order (see RiskExpectedValue)."""
    validate_risks(risks)
    rate = decimal_value(discount_rate, "discount_rate", minimum=0, maximum=1)
    results = []
    with localcontext() as context:
        context.prec = 34
        for risk in risks:
            impact = mean_impact(risk)
            expected = risk.probability * impact
            periods = range(risk.first_period, risk.last_period + 1)
            factor = sum((1 / (1 + rate) ** period for period in periods), Decimal(0)) / len(periods)
            pv = expected * factor
            public = pv * risk.public_share
            results.append(
                RiskExpectedValue(
                    code=risk.code,
                    mean_impact=impact,
                    expected_value=expected,
                    mean_discount_factor=factor,
                    pv=pv,
                    public_pv=public,
                    private_pv=pv - public,
                )
            )
    return results


@dataclass(frozen=True, eq=False)
class Simulation:
    """Monte Carlo result: discounted total cost per iteration (model basis, float64).

    Percentiles use numpy's linear interpolation. P70 is the figure US FHWA reviews use.
    """

    npv_samples: np.ndarray
    base_npv: float
    mean: float
    p50: float
    p70: float
    p90: float

    def histogram(self, bins: int = 30) -> tuple[np.ndarray, np.ndarray]:
        """(edges (bins + 1), counts (bins)) of the NPV samples."""
        counts, edges = np.histogram(self.npv_samples, bins=bins)
        return edges, counts

    def s_curve(self, points: int = 101) -> tuple[np.ndarray, np.ndarray]:
        """(values, cumulative probabilities): P(NPV <= value) at probabilities 0, 1/(n-1), ..., 1."""
        probabilities = np.linspace(0.0, 1.0, points)
        return np.quantile(self.npv_samples, probabilities), probabilities


def _as_float(value: Any, field: str) -> float:
    if isinstance(value, bool) or not isinstance(value, Decimal | int | float):
        raise CalculationInputError(field, "must be a number")
    number = float(value)
    if not np.isfinite(number):
        raise CalculationInputError(field, "must be a finite number")
    return number


def _triangular(uniform: np.ndarray, low: np.ndarray, mode: np.ndarray, high: np.ndarray) -> np.ndarray:
    """Inverse CDF of the triangular distribution. Never divides, so low == mode == high is fine."""
    width = high - low
    rising = uniform * width < mode - low  # u < (m - a) / (b - a) without the division
    return np.where(
        rising,
        low + np.sqrt(uniform * width * (mode - low)),
        high - np.sqrt((1.0 - uniform) * width * (high - mode)),
    )


def simulate(
    base_cost_by_year: Any,
    risks: Sequence[RiskInput],
    discount_rate: Decimal | float,
    iterations: int,
    seed: int,
    optimism_bias: float = 0.0,
    *,
    retained_only: bool = False,
) -> Simulation:
    """Simulate NPV = base NPV x (1 + optimism_bias) + the discounted cost of the risks that occur.

    Per iteration and risk: occurrence ~ Bernoulli(probability); impact ~ triangular(a, m, b) or
    PERT (a + (b - a) x Beta(1 + 4(m - a)/(b - a), 1 + 4(b - m)/(b - a))); the period ~ uniform over
    the integers first..last; the cost is discounted by (1 + r)^period. With retained_only the
    impacts are multiplied by public_share. numpy Generator(PCG64(seed)): same seed, same samples.
    """
    base = np.asarray(base_cost_by_year, dtype=np.float64)
    if base.ndim != 1 or base.size == 0 or not np.isfinite(base).all():
        raise CalculationInputError("base_cost_by_year", "must be a non-empty 1-D series of finite amounts")
    horizon = base.size
    validate_risks(risks, horizon)
    rate = _as_float(discount_rate, "discount_rate")
    if not 0 <= rate <= 1:
        raise CalculationInputError("discount_rate", "must be between 0 and 1")
    integer_value(iterations, "iterations", minimum=1, maximum=MAX_ITERATIONS)
    integer_value(seed, "seed", minimum=0)
    bias = _as_float(optimism_bias, "optimism_bias")
    if bias < 0:
        raise CalculationInputError("optimism_bias", "must be zero or more")
    factors = discount_factors(rate, horizon)
    base_npv = float(base @ factors)
    rng = np.random.Generator(np.random.PCG64(seed))
    risk_pv = np.zeros(iterations)
    if risks:
        probability = np.array([float(r.probability) for r in risks])
        low = np.array([float(r.minimum) for r in risks])
        mode = np.array([float(r.most_likely) for r in risks])
        high = np.array([float(r.maximum) for r in risks])
        share = np.array([float(r.public_share) if retained_only else 1.0 for r in risks])
        first = np.array([r.first_period for r in risks])
        last = np.array([r.last_period for r in risks])
        pert = np.array([r.distribution == "pert" for r in risks])
        occurred = rng.random((iterations, len(risks))) < probability
        period = rng.integers(first, last + 1, size=(iterations, len(risks)))
        impact = np.empty((iterations, len(risks)))
        triangular = np.flatnonzero(~pert)
        if triangular.size:
            uniform = rng.random((iterations, triangular.size))
            impact[:, triangular] = _triangular(uniform, low[triangular], mode[triangular], high[triangular])
        pert_columns = np.flatnonzero(pert)
        if pert_columns.size:
            a, m, b = low[pert_columns], mode[pert_columns], high[pert_columns]
            width = b - a
            safe = np.where(width > 0, width, 1.0)  # a == m == b: Beta(1, 1) x 0 width = a
            alpha = 1.0 + 4.0 * (m - a) / safe
            beta = 1.0 + 4.0 * (b - m) / safe
            impact[:, pert_columns] = a + width * rng.beta(alpha, beta, size=(iterations, pert_columns.size))
        risk_pv = np.einsum("ij,ij->i", np.where(occurred, impact * share, 0.0), factors[period])
    samples = base_npv * (1.0 + bias) + risk_pv
    samples.flags.writeable = False
    p50, p70, p90 = np.percentile(samples, [50, 70, 90])
    return Simulation(
        npv_samples=samples,
        base_npv=base_npv,
        mean=float(samples.mean()),
        p50=float(p50),
        p70=float(p70),
        p90=float(p90),
    )
