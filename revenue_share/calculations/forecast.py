"""A forecast over the contract's life from the financial plan, and the contingent liability of the
downside band sharing. A float64 adapter (STYLE.md rule 7): numpy works in floats, every figure
crosses back to Decimal rounded half up to the minor unit before it leaves.

The model: the plan's projected net revenue per year (VAT excluded), spread evenly over 12 monthly
settlement periods, scaled by a scenario (demand x (1 + demand change), tariffs x (1 + tariff
change); volumes follow demand only). Each month the revenue mechanisms are applied as in a
settlement (per-transaction fees on volume, the tiered share, the indexed fixed fee, the availability
payment without deductions, then the floor and cap per month); each year the band sharing compares
the year's revenue with the plan, its conditions taken to hold. The first plan year is contract year
0 for indexation and period 1 for discounting; the provider's investment is period 0
(numpy_financial.npv semantics: a flow in period t is discounted by (1 + r)^t).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal

import numpy as np
import numpy_financial as npf

from .common import ZERO, SettlementInputError, decimal_value, round_money
from .mechanisms import PaymentTerms

MONTHS = 12
MAX_SIMULATIONS = 1_000_000


@dataclass(frozen=True)
class Scenario:
    name: str
    demand_change: Decimal = ZERO  # -0.10: 10 % fewer transactions than the plan
    tariff_change: Decimal = ZERO  # +0.05: tariffs 5 % above the plan's


BASE = Scenario("base")


@dataclass(frozen=True)
class ForecastInput:
    """`plan` (year, projected net revenue) for consecutive years; `investment` the provider's outlay
    in period 0 and `operating_costs` (year, amount) its costs; `net_revenue_per_transaction` (at the
    plan's tariffs) and `average_transaction_fee` turn revenue into volumes and fees, needed only for
    per-transaction fees or volume bands; `upside_exempt_years` the first operating years without
    upside sharing."""

    plan: tuple[tuple[int, Decimal], ...]
    terms: PaymentTerms
    discount_rate: Decimal
    investment: Decimal = ZERO
    operating_costs: tuple[tuple[int, Decimal], ...] = ()
    net_revenue_per_transaction: Decimal | None = None
    average_transaction_fee: Decimal | None = None
    upside_exempt_years: int = 0
    places: int = 0


@dataclass(frozen=True)
class ForecastYear:
    """One year of a scenario. provider_share = entitlement − band_to_state + band_to_provider;
    state_share = net_revenue − provider_share (the state's net cash position of the year);
    provider_cash_flow = provider_share − operating costs."""

    year: int
    period: int
    net_revenue: Decimal
    entitlement: Decimal
    band_to_state: Decimal
    band_to_provider: Decimal
    provider_share: Decimal
    state_share: Decimal
    state_cumulative: Decimal
    provider_cash_flow: Decimal


@dataclass(frozen=True)
class ScenarioForecast:
    """provider_irr is a fraction a year, 6 decimals; None when the cash flows have no rate."""

    scenario: Scenario
    years: tuple[ForecastYear, ...]
    provider_npv: Decimal
    provider_irr: Decimal | None


@dataclass(frozen=True)
class DemandSimulation:
    """Monthly demand follows a seeded geometric random walk: log steps ~ N(−s²/2, s), s = annual
    volatility / sqrt(12), so demand keeps its mean and spreads with time."""

    seed: int
    annual_volatility: Decimal
    simulations: int = 10_000
    scenario: Scenario = BASE


@dataclass(frozen=True)
class ContingentLiability:
    """The state's downside band payments over the contract's life across the simulations: P50, P90 and
    mean of their present value at the forecast's discount rate, P50 and P90 of their nominal sum, and
    the share of simulations in which the state pays at least once (4 decimals)."""

    simulations: int
    seed: int
    annual_volatility: Decimal
    downside_allowed: bool
    p50: Decimal
    p90: Decimal
    mean: Decimal
    p50_nominal: Decimal
    p90_nominal: Decimal
    probability_of_payment: Decimal


def to_money(value: float, places: int = 0) -> Decimal:
    """A float64 result crossed back to money: Decimal(repr(value)) rounded half up."""
    number = float(value)
    if not math.isfinite(number):
        raise SettlementInputError("forecast", "produced a non-finite amount")
    return round_money(Decimal(repr(number)), places)


def irr(cash_flows: list[Decimal]) -> Decimal | None:
    """numpy_financial.irr of the series, 6 decimals; None when it has no rate (nan)."""
    rate = npf.irr(np.array([float(flow) for flow in cash_flows]))
    return None if not math.isfinite(rate) else Decimal(repr(float(rate))).quantize(Decimal("0.000001"))


def _years(inputs: ForecastInput) -> tuple[list[int], np.ndarray]:
    if not inputs.plan:
        raise SettlementInputError("plan", "give the projected revenue of at least one year")
    years = [year for year, _amount in inputs.plan]
    if years != list(range(years[0], years[0] + len(years))):
        raise SettlementInputError("plan", "must cover consecutive years in order")
    amounts = [decimal_value(amount, f"plan.{year}", minimum=0) for year, amount in inputs.plan]
    return years, np.array([float(amount) for amount in amounts])


def _per_unit(inputs: ForecastInput, name: str) -> float:
    value = getattr(inputs, name)
    if value is None or value <= 0:
        raise SettlementInputError(name, "is needed, above 0, for per-transaction fees or volume bands")
    return float(value)


def _monthly_entitlement(
    inputs: ForecastInput, revenue: np.ndarray, volume: np.ndarray, year_index: np.ndarray
) -> np.ndarray:
    """The provider's entitlement in each month (..., years, 12) after the floor and cap, in floats."""
    terms = inputs.terms
    amount = np.zeros(np.broadcast_shapes(revenue.shape, volume.shape))
    if terms.per_transaction:
        amount += volume * _per_unit(inputs, "average_transaction_fee")
    if terms.tiered_share:
        positive = np.maximum(revenue, 0.0)
        basis = positive if terms.tiered_share.basis == "revenue" else volume
        shared = np.zeros_like(amount)
        for tier in terms.tiered_share.tiers:
            width = np.inf if tier.upper is None else float(tier.upper - tier.lower)
            shared += float(tier.share) * np.clip(basis - float(tier.lower), 0.0, width)
        if terms.tiered_share.basis == "volume":
            shared = np.divide(shared * positive, volume, out=np.zeros_like(shared), where=volume > 0)
        amount += shared
    if terms.fixed_fee:
        fee = terms.fixed_fee
        factor = (1.0 + float(fee.indexation_rate)) ** year_index
        amount += (float(fee.fee_per_period) / fee.period_months * factor)[:, None]
    if terms.availability:
        amount += float(terms.availability.annual_payment) / MONTHS
    floor, cap = terms.floor, terms.cap
    if floor is not None or cap is not None:
        amount = np.clip(
            amount, -np.inf if floor is None else float(floor), np.inf if cap is None else float(cap)
        )
    return amount


def _band(inputs: ForecastInput, annual: np.ndarray, plan: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(paid to the state, paid to the provider) per year, conditions taken to hold."""
    band = inputs.terms.revenue_band
    if band is None:
        return np.zeros_like(annual), np.zeros_like(annual)
    share = float(band.share)
    upper, lower = float(band.upper_threshold) * plan, float(band.lower_threshold) * plan
    from_plan = band.share_basis == "plan"
    up_base, down_base = (plan, plan) if from_plan else (upper, lower)
    exempt = np.arange(plan.size) < inputs.upside_exempt_years
    to_state = np.where((annual > upper) & ~exempt, share * (annual - up_base), 0.0)
    to_provider = np.where(annual < lower, share * (down_base - annual), 0.0)
    return to_state, (to_provider if band.downside else np.zeros_like(annual))


def forecast_scenario(inputs: ForecastInput, scenario: Scenario = BASE) -> ScenarioForecast:
    """Revenue and shares per year under one scenario, the provider's NPV and IRR, and the state's
    net cash position per year (its share) and cumulatively."""
    years, plan = _years(inputs)
    demand, tariff = 1.0 + float(scenario.demand_change), 1.0 + float(scenario.tariff_change)
    if demand < 0 or tariff < 0:
        raise SettlementInputError("scenario", "a change cannot take demand or tariffs below zero")
    monthly_plan = np.repeat((plan / MONTHS)[:, None], MONTHS, axis=1)
    revenue = monthly_plan * demand * tariff
    needs_volume = inputs.terms.per_transaction or (
        inputs.terms.tiered_share and inputs.terms.tiered_share.basis == "volume"
    )
    volume = (
        monthly_plan * demand / _per_unit(inputs, "net_revenue_per_transaction")
        if needs_volume
        else np.zeros_like(revenue)
    )
    year_index = np.arange(len(years), dtype=np.float64)
    entitlement = _monthly_entitlement(inputs, revenue, volume, year_index).sum(axis=1)
    annual = revenue.sum(axis=1)
    to_state, to_provider = _band(inputs, annual, plan)
    costs = dict(inputs.operating_costs)
    rows: list[ForecastYear] = []
    cumulative = ZERO
    places = inputs.places
    for index, year in enumerate(years):
        net = to_money(annual[index], places)
        earned = to_money(entitlement[index], places)
        paid_to_state, paid_to_provider = (
            to_money(to_state[index], places),
            to_money(to_provider[index], places),
        )
        provider = earned - paid_to_state + paid_to_provider
        cumulative += net - provider
        rows.append(
            ForecastYear(
                year=year,
                period=index + 1,
                net_revenue=net,
                entitlement=earned,
                band_to_state=paid_to_state,
                band_to_provider=paid_to_provider,
                provider_share=provider,
                state_share=net - provider,
                state_cumulative=cumulative,
                provider_cash_flow=provider - round_money(costs.get(year, ZERO), places),
            )
        )
    flows = [-round_money(inputs.investment, places)] + [row.provider_cash_flow for row in rows]
    npv = npf.npv(float(inputs.discount_rate), np.array([float(flow) for flow in flows]))
    return ScenarioForecast(
        scenario=scenario, years=tuple(rows), provider_npv=to_money(npv, places), provider_irr=irr(flows)
    )


def forecast(
    inputs: ForecastInput, scenarios: tuple[Scenario, ...] = (BASE,)
) -> tuple[ScenarioForecast, ...]:
    return tuple(forecast_scenario(inputs, scenario) for scenario in scenarios)


def downside_liability(inputs: ForecastInput, simulation: DemandSimulation) -> ContingentLiability:
    """P50 and P90 of the state's downside band payments from a seeded Monte Carlo on monthly demand
    (numpy Generator, vectorised: simulations x years x 12 months in one array)."""
    years, plan = _years(inputs)
    if not 1 <= simulation.simulations <= MAX_SIMULATIONS:
        raise SettlementInputError("simulations", f"must be between 1 and {MAX_SIMULATIONS}")
    if simulation.seed < 0:
        raise SettlementInputError("seed", "must not be negative")
    if simulation.annual_volatility < 0:
        raise SettlementInputError("annual_volatility", "must not be negative")
    band = inputs.terms.revenue_band
    allowed = band is not None and band.downside
    zero = round_money(ZERO, inputs.places)
    if not allowed:
        return ContingentLiability(
            simulations=simulation.simulations,
            seed=simulation.seed,
            annual_volatility=simulation.annual_volatility,
            downside_allowed=False,
            p50=zero,
            p90=zero,
            mean=zero,
            p50_nominal=zero,
            p90_nominal=zero,
            probability_of_payment=Decimal("0.0000"),
        )
    scenario = simulation.scenario
    scale = (1.0 + float(scenario.demand_change)) * (1.0 + float(scenario.tariff_change))
    step = float(simulation.annual_volatility) / math.sqrt(MONTHS)
    generator = np.random.default_rng(simulation.seed)
    paths = generator.standard_normal((simulation.simulations, len(years) * MONTHS))
    paths *= step
    paths -= step * step / 2
    np.cumsum(paths, axis=1, out=paths)
    np.exp(paths, out=paths)
    demand_by_year = paths.reshape(simulation.simulations, len(years), MONTHS).sum(axis=2)
    annual = demand_by_year * (plan * scale / MONTHS)
    _to_state, to_provider = _band(inputs, annual, plan)
    discount = (1.0 + float(inputs.discount_rate)) ** -np.arange(1, len(years) + 1, dtype=np.float64)
    present = to_provider @ discount
    nominal = to_provider.sum(axis=1)
    places = inputs.places
    return ContingentLiability(
        simulations=simulation.simulations,
        seed=simulation.seed,
        annual_volatility=simulation.annual_volatility,
        downside_allowed=True,
        p50=to_money(np.percentile(present, 50), places),
        p90=to_money(np.percentile(present, 90), places),
        mean=to_money(present.mean(), places),
        p50_nominal=to_money(np.percentile(nominal, 50), places),
        p90_nominal=to_money(np.percentile(nominal, 90), places),
        probability_of_payment=Decimal(repr(float((nominal > 0).mean()))).quantize(Decimal("0.0001")),
    )
