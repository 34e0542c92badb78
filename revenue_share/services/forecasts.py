"""The forecast of a PPP contract over its financial plan and the state's fiscal exposure (issue 7,
item 4): four scenarios (the plan, demand −20 %, demand +20 %, tariffs −10 %) with the provider's NPV
and IRR and the state's net cash per year, and the contingent liability of the downside revenue band
(P50 / P90 from a seeded Monte Carlo on demand).

A read: nothing is stored, so nothing is audited. The contract comes from
contracts.selectors.contract_get_for (which prefetches its mechanisms and financial plan); the
figures come from revenue_share.calculations.forecast, in the contract's currency rounded half up to
its minor unit. Bad parameters raise ValidationFailed naming the parameter; a contract that cannot be
forecast (not a PPP contract, no financial plan, no payment mechanism, terms the model cannot read)
raises Conflict.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from contracts.models import PPP_CONTRACT_TYPES, Contract
from ppp.errors import Conflict, ValidationFailed
from ppp.money import minor_units, quantize
from revenue_share.calculations import (
    ContingentLiability,
    DemandSimulation,
    ForecastInput,
    Scenario,
    ScenarioForecast,
    SettlementInputError,
    downside_liability,
    forecast,
    parse_payment_terms,
)

DEFAULT_DISCOUNT_RATE = Decimal("0.08")
DEFAULT_VOLATILITY = Decimal("0.20")
DEFAULT_SEED = 2026
DEFAULT_SIMULATIONS = 10_000
# A request's simulations are bounded well below the calculation's own limit: 100,000 paths of a
# 30-year plan are 36 million floats, the most a page should wait for.
MAX_SIMULATIONS = 100_000

SCENARIOS = (
    Scenario("base"),
    Scenario("demand_down", demand_change=Decimal("-0.20")),
    Scenario("demand_up", demand_change=Decimal("0.20")),
    Scenario("tariff_down", tariff_change=Decimal("-0.10")),
)
SCENARIO_LABELS = {
    "base": gettext_lazy("Financial plan"),
    "demand_down": gettext_lazy("Demand −20 %"),
    "demand_up": gettext_lazy("Demand +20 %"),
    "tariff_down": gettext_lazy("Tariffs −10 %"),
}


@dataclass(frozen=True)
class ForecastParameters:
    """discount_rate and annual_volatility are fractions a year; investment is the provider's outlay in
    period 0 in the contract's currency (the contract's value unless given), rounded half up to the
    currency's minor unit."""

    discount_rate: Decimal
    investment: Decimal
    annual_volatility: Decimal
    seed: int
    simulations: int


@dataclass(frozen=True)
class ContractForecast:
    contract_id: int
    currency: str
    parameters: ForecastParameters
    scenarios: tuple[ScenarioForecast, ...]
    liability: ContingentLiability


def _decimal(value: Decimal | str | int, field: str) -> Decimal:
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        number = Decimal("NaN")
    if not number.is_finite():
        raise ValidationFailed(
            "forecast.invalid_parameter", _("Enter a number."), {field: _("Enter a number.")}
        )
    return number


def _invalid(field: str, message: str) -> ValidationFailed:
    return ValidationFailed("forecast.invalid_parameter", message, {field: message})


def forecast_parameters(
    *,
    contract: Contract,
    discount_rate: Decimal | str | int = DEFAULT_DISCOUNT_RATE,
    investment: Decimal | str | int | None = None,
    annual_volatility: Decimal | str | int = DEFAULT_VOLATILITY,
    seed: int = DEFAULT_SEED,
    simulations: int = DEFAULT_SIMULATIONS,
) -> ForecastParameters:
    """The parameters checked, each error naming its field."""
    rate = _decimal(discount_rate, "discount_rate")
    if not Decimal(0) <= rate <= Decimal(1):
        raise _invalid("discount_rate", _("The discount rate must be between 0 and 1 (a fraction a year)."))
    outlay = contract.value if investment is None else _decimal(investment, "investment")
    if outlay < 0:
        raise _invalid("investment", _("The investment must not be negative."))
    volatility = _decimal(annual_volatility, "annual_volatility")
    if not Decimal(0) <= volatility <= Decimal(2):
        raise _invalid("annual_volatility", _("The volatility must be between 0 and 2 (a fraction a year)."))
    if not 0 <= seed <= 2**32 - 1:
        raise _invalid("seed", _("The seed must be between 0 and 4294967295."))
    if not 1 <= simulations <= MAX_SIMULATIONS:
        raise _invalid(
            "simulations",
            _("The number of simulations must be between 1 and %(maximum)d.") % {"maximum": MAX_SIMULATIONS},
        )
    return ForecastParameters(
        discount_rate=rate,
        investment=quantize(outlay, contract.currency),
        annual_volatility=volatility,
        seed=seed,
        simulations=simulations,
    )


def forecast_input(*, contract: Contract, parameters: ForecastParameters) -> ForecastInput:
    """The calculation's input from the contract's financial plan and payment mechanisms."""
    if contract.contract_type not in PPP_CONTRACT_TYPES:
        raise Conflict(
            "forecast.not_ppp",
            _(
                "Only a PPP contract (BOT, BTO, BOO, O&M, BTL, BLT) has a forecast; "
                "this is an IT service hire."
            ),
        )
    plan = tuple((row.year, row.projected_revenue) for row in contract.financial_plan.all())
    if not plan:
        raise Conflict("forecast.no_plan", _("The contract has no financial plan to forecast from."))
    mechanisms = [(row.kind, row.parameters) for row in contract.mechanisms.all()]
    if not mechanisms:
        raise Conflict("forecast.no_mechanisms", _("The contract has no payment mechanism to forecast."))
    try:
        terms = parse_payment_terms(mechanisms)
    except SettlementInputError as error:
        raise _unreadable(error) from None
    band = dict(mechanisms).get("revenue_band") or {}
    return ForecastInput(
        plan=plan,
        terms=terms,
        discount_rate=parameters.discount_rate,
        investment=parameters.investment,
        upside_exempt_years=int(band.get("upside_exempt_years") or 0),
        places=minor_units(contract.currency),
    )


def _unreadable(error: SettlementInputError) -> Conflict:
    return Conflict(
        "forecast.invalid_terms",
        _("The contract's plan or terms cannot be forecast: %(error)s") % {"error": str(error)},
        {error.field: error.message},
    )


def contract_forecast(
    *,
    contract: Contract,
    discount_rate: Decimal | str | int = DEFAULT_DISCOUNT_RATE,
    investment: Decimal | str | int | None = None,
    annual_volatility: Decimal | str | int = DEFAULT_VOLATILITY,
    seed: int = DEFAULT_SEED,
    simulations: int = DEFAULT_SIMULATIONS,
) -> ContractForecast:
    """The four scenarios of SCENARIOS and the downside band's contingent liability (on the plan's
    demand) of a PPP contract loaded by contracts.selectors.contract_get_for."""
    parameters = forecast_parameters(
        contract=contract,
        discount_rate=discount_rate,
        investment=investment,
        annual_volatility=annual_volatility,
        seed=seed,
        simulations=simulations,
    )
    inputs = forecast_input(contract=contract, parameters=parameters)
    simulation = DemandSimulation(
        seed=parameters.seed,
        annual_volatility=parameters.annual_volatility,
        simulations=parameters.simulations,
    )
    try:
        scenarios = forecast(inputs, SCENARIOS)
        liability = downside_liability(inputs, simulation)
    except SettlementInputError as error:
        raise _unreadable(error) from None
    return ContractForecast(
        contract_id=contract.pk,
        currency=contract.currency,
        parameters=parameters,
        scenarios=scenarios,
        liability=liability,
    )
