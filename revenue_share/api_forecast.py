"""API operation of the forecast (a Router mounted beside revenue_share.api): a PPP contract's four
scenarios and the downside band's contingent liability. Amounts travel as strings, rates as decimal
strings (fractions a year). Bad parameters are a 400 naming the field; a contract that cannot be
forecast a 409."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema

from contracts import selectors as contract_selectors
from ppp.models import User
from ppp.schemas import ErrorOut
from revenue_share.services import forecasts as services

router = Router(tags=["revenue_share"])
ERRORS: dict[int, Any] = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}


class ForecastQuery(Schema):
    discount_rate: Decimal = services.DEFAULT_DISCOUNT_RATE
    investment: Decimal | None = None  # the contract's value when not given
    annual_volatility: Decimal = services.DEFAULT_VOLATILITY
    seed: int = services.DEFAULT_SEED
    simulations: int = services.DEFAULT_SIMULATIONS


class ForecastYearOut(Schema):
    year: int
    period: int
    net_revenue: str
    entitlement: str
    band_to_state: str
    band_to_provider: str
    provider_share: str
    state_share: str  # the state's net cash of the year
    state_cumulative: str
    provider_cash_flow: str


class ScenarioOut(Schema):
    name: str
    label: str
    demand_change: str
    tariff_change: str
    years: list[ForecastYearOut]
    provider_npv: str
    provider_irr: str | None


class LiabilityOut(Schema):
    downside_allowed: bool
    simulations: int
    seed: int
    annual_volatility: str
    p50: str
    p90: str
    mean: str
    p50_nominal: str
    p90_nominal: str
    probability_of_payment: str


class ParametersOut(Schema):
    discount_rate: str
    investment: str
    annual_volatility: str
    seed: int
    simulations: int


class ForecastOut(Schema):
    contract_id: int
    currency: str
    parameters: ParametersOut
    scenarios: list[ScenarioOut]
    liability: LiabilityOut


def _text(value: Decimal) -> str:
    return format(value, "f")


def _out(result: services.ContractForecast) -> dict[str, Any]:
    parameters, liability = result.parameters, result.liability
    return {
        "contract_id": result.contract_id,
        "currency": result.currency,
        "parameters": {
            "discount_rate": _text(parameters.discount_rate),
            "investment": _text(parameters.investment),
            "annual_volatility": _text(parameters.annual_volatility),
            "seed": parameters.seed,
            "simulations": parameters.simulations,
        },
        "scenarios": [
            {
                "name": item.scenario.name,
                "label": str(services.SCENARIO_LABELS[item.scenario.name]),
                "demand_change": _text(item.scenario.demand_change),
                "tariff_change": _text(item.scenario.tariff_change),
                "years": [
                    {
                        "year": year.year,
                        "period": year.period,
                        **{
                            name: _text(getattr(year, name))
                            for name in ForecastYearOut.model_fields
                            if name not in ("year", "period")
                        },
                    }
                    for year in item.years
                ],
                "provider_npv": _text(item.provider_npv),
                "provider_irr": None if item.provider_irr is None else _text(item.provider_irr),
            }
            for item in result.scenarios
        ],
        "liability": {
            "downside_allowed": liability.downside_allowed,
            "simulations": liability.simulations,
            "seed": liability.seed,
            "annual_volatility": _text(liability.annual_volatility),
            **{
                name: _text(getattr(liability, name))
                for name in ("p50", "p90", "mean", "p50_nominal", "p90_nominal", "probability_of_payment")
            },
        },
    }


@router.get(
    "/contracts/{contract_id}/forecast",
    response={200: ForecastOut, **ERRORS},
    summary="A PPP contract's forecast: four scenarios and the state's contingent liability",
    description="The financial plan applied to the payment mechanism per year under the plan, demand "
    "−20 %, demand +20 % and tariffs −10 %, with the provider's NPV and IRR (its investment in year 0, "
    "the contract's value unless given), and the P50 / P90 of the state's downside band payments from "
    "a seeded Monte Carlo on demand. A contract that is not PPP, or has no financial plan or payment "
    "mechanism, is a 409.",
)
def forecast_get(request: HttpRequest, contract_id: int, query: Query[ForecastQuery]) -> dict[str, Any]:
    user: User = request.user  # type: ignore[assignment]
    contract = contract_selectors.contract_get_for(user=user, pk=contract_id)
    return _out(services.contract_forecast(contract=contract, **query.dict()))
