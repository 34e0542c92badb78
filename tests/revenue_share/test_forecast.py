"""The forecast of a PPP contract (services/forecasts.py, the page and the API): the figures are the
pure calculation's on the contract's plan and terms, who may see them, and what cannot be forecast.

The contract: BOT, 1,000,000,000 đ (the provider's investment by default), a plan of 1,200,000,000 a
year for 2026-2028, a 40 % share of revenue and the revenue band 75 % / 125 % with downside sharing.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from ninja import NinjaAPI
from ninja.errors import ValidationError
from ninja.testing import TestClient

from contracts.models import FinancialPlanYear, PaymentMechanism
from ppp.api import on_domain_error, on_validation_error
from ppp.errors import Conflict, DomainError, ValidationFailed
from revenue_share.api_forecast import router
from revenue_share.calculations import (
    DemandSimulation,
    ForecastInput,
    downside_liability,
    forecast,
    parse_payment_terms,
)
from revenue_share.services.forecasts import SCENARIOS, contract_forecast
from tests.revenue_share import test_actuals_services as base
from tests.revenue_share.test_actuals_services import build_contract
from tests.revenue_share.test_calculations_forecast import BAND, SHARE_40
from tests.roles import client_for

world, _media = base.world, base._media  # the fixtures

pytestmark = pytest.mark.django_db

D = Decimal
PLAN = ((2026, D(1_200_000_000)), (2027, D(1_200_000_000)), (2028, D(1_200_000_000)))

_api = NinjaAPI(urls_namespace="forecast-test")
_api.add_router("", router)
_api.add_exception_handler(DomainError, on_domain_error)
_api.add_exception_handler(ValidationError, on_validation_error)
API = TestClient(_api)


def _add_plan(contract: Any, years: tuple[tuple[int, Decimal], ...]) -> None:
    for year, revenue in years:
        FinancialPlanYear.objects.create(contract=contract, year=year, projected_revenue=revenue)


@pytest.fixture
def ppp(world: dict[str, Any]) -> dict[str, Any]:
    contract = build_contract(
        world["agency"], world["vendor"], world["finance"], contract_type="BOT", value=D(1_000_000_000)
    )
    for position, (kind, parameters) in enumerate((SHARE_40, BAND)):
        PaymentMechanism.objects.create(
            contract=contract, position=position, kind=kind, parameters=parameters
        )
    _add_plan(contract, PLAN)
    world["ppp"] = contract
    return world


def _inputs(discount_rate: str = "0.08") -> ForecastInput:
    return ForecastInput(
        plan=PLAN,
        terms=parse_payment_terms([SHARE_40, BAND]),
        discount_rate=D(discount_rate),
        investment=D(1_000_000_000),
    )


def test_the_service_gives_the_pure_calculations_figures(ppp):
    """At 8 %: NPV −1,000,000,000 + 480,000,000 x (1/1.08 + 1/1.1664 + 1/1.259712) = 237,006,553.86
    -> 237,006,554. Demand −20 %: 960,000,000 is above the lower threshold 900,000,000: no band."""
    result = contract_forecast(contract=ppp["ppp"], simulations=2_000)
    assert [item.scenario.name for item in result.scenarios] == [
        "base",
        "demand_down",
        "demand_up",
        "tariff_down",
    ]
    assert result.scenarios == forecast(_inputs(), SCENARIOS)
    assert result.liability == downside_liability(
        _inputs(), DemandSimulation(seed=2026, annual_volatility=D("0.20"), simulations=2_000)
    )
    assert result.scenarios[0].provider_npv == D(237_006_554)
    down = result.scenarios[1].years[0]
    assert (down.net_revenue, down.provider_share, down.state_share, down.band_to_provider) == (
        D(960_000_000),
        D(384_000_000),
        D(576_000_000),
        D(0),
    )
    assert result.liability.downside_allowed and result.liability.p90 >= result.liability.p50


def test_the_parameters_reach_the_calculation(ppp):
    result = contract_forecast(
        contract=ppp["ppp"],
        discount_rate="0.10",
        investment="0",
        annual_volatility="0",
        seed=7,
        simulations=10,
    )
    assert result.scenarios == forecast(
        ForecastInput(plan=PLAN, terms=_inputs().terms, discount_rate=D("0.10")), SCENARIOS
    )
    assert result.scenarios[0].provider_irr is None  # no investment, no rate
    assert (result.liability.p90, result.liability.probability_of_payment) == (D(0), D("0.0000"))


@pytest.mark.parametrize(
    "case, options, field",
    [
        ("a negative rate", {"discount_rate": "-0.01"}, "discount_rate"),
        ("not a number", {"discount_rate": "eight"}, "discount_rate"),
        ("a negative investment", {"investment": "-1"}, "investment"),
        ("a negative volatility", {"annual_volatility": "-0.1"}, "annual_volatility"),
        ("a negative seed", {"seed": -1}, "seed"),
        ("no simulation", {"simulations": 0}, "simulations"),
        ("too many simulations", {"simulations": 100_001}, "simulations"),
    ],
)
def test_bad_parameters_name_the_field(ppp, case, options, field):
    with pytest.raises(ValidationFailed) as raised:
        contract_forecast(contract=ppp["ppp"], **options)
    assert set(raised.value.fields) == {field}


def test_what_cannot_be_forecast_is_a_conflict(ppp):
    with pytest.raises(Conflict) as raised:
        contract_forecast(contract=ppp["contract"])  # the IT service hire
    assert raised.value.code == "forecast.not_ppp"
    ppp["ppp"].financial_plan.all().delete()
    with pytest.raises(Conflict) as raised:
        contract_forecast(contract=ppp["ppp"])
    assert raised.value.code == "forecast.no_plan"
    _add_plan(ppp["ppp"], PLAN)
    ppp["ppp"].mechanisms.all().delete()
    with pytest.raises(Conflict) as raised:
        contract_forecast(contract=ppp["ppp"])
    assert raised.value.code == "forecast.no_mechanisms"


def test_a_plan_with_a_gap_is_a_conflict_naming_the_plan(ppp):
    FinancialPlanYear.objects.create(contract=ppp["ppp"], year=2030, projected_revenue=D(1))
    with pytest.raises(Conflict) as raised:
        contract_forecast(contract=ppp["ppp"])
    assert (raised.value.code, set(raised.value.fields)) == ("forecast.invalid_terms", {"plan"})


# --- page ---------------------------------------------------------------------------------------------


def _url(contract: Any) -> str:
    return reverse("revenue_share:forecast", args=[contract.pk])


def test_the_page_shows_the_scenarios_and_the_liability(ppp):
    page = client_for(ppp["finance"]).get(_url(ppp["ppp"]), {"simulations": "500"})
    assert page.status_code == 200
    text = page.content.decode()
    assert 'data-testid="forecast-form"' in text and 'data-testid="liability-p90"' in text
    for name in ("base", "demand_down", "demand_up", "tariff_down"):
        assert f'data-testid="scenario-{name}"' in text
    assert "237.006.554" in text  # the base NPV, written the Vietnamese way
    vendor = client_for(ppp["preparer"]).get(_url(ppp["ppp"]), {"simulations": "500"})
    assert vendor.status_code == 200 and 'data-testid="scenario-base"' in vendor.content.decode()


def test_the_page_refuses_another_vendor_a_service_hire_and_bad_parameters(ppp):
    assert client_for(ppp["other_preparer"]).get(_url(ppp["ppp"])).status_code == 404
    hire = client_for(ppp["finance"]).get(_url(ppp["contract"]))
    assert hire.status_code == 409 and 'data-testid="forecast-problem"' in hire.content.decode()
    bad = client_for(ppp["finance"]).get(_url(ppp["ppp"]), {"discount_rate": "-1"})
    assert bad.status_code == 400 and 'id="id_discount_rate_error"' in bad.content.decode()
    assert 'data-testid="scenario-base"' not in bad.content.decode()


def _queries(call: Any) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert call().status_code == 200
    return len(captured)


def test_the_page_and_the_api_make_the_same_queries_whatever_the_plan(ppp):
    finance = client_for(ppp["finance"])
    contract = ppp["ppp"]

    def page() -> Any:
        return finance.get(_url(contract), {"simulations": "10"})

    def api() -> Any:
        return API.get(f"/contracts/{contract.pk}/forecast?simulations=10", user=ppp["finance"])

    short = (_queries(page), _queries(api))
    _add_plan(contract, tuple((year, D(1_200_000_000)) for year in range(2029, 2035)))
    assert (_queries(page), _queries(api)) == short


# --- API ----------------------------------------------------------------------------------------------


def test_the_api_gives_the_figures_as_strings(ppp):
    contract = ppp["ppp"]
    response = API.get(f"/contracts/{contract.pk}/forecast?simulations=2000", user=ppp["preparer"])
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["parameters"] == {
        "discount_rate": "0.08",
        "investment": "1000000000",
        "annual_volatility": "0.20",
        "seed": 2026,
        "simulations": 2000,
    }
    expected = forecast(_inputs(), SCENARIOS)
    base_out = body["scenarios"][0]
    assert (base_out["name"], base_out["provider_npv"], base_out["provider_irr"]) == (
        "base",
        "237006554",
        str(expected[0].provider_irr),
    )
    assert base_out["years"][0] == {
        "year": 2026,
        "period": 1,
        "net_revenue": "1200000000",
        "entitlement": "480000000",
        "band_to_state": "0",
        "band_to_provider": "0",
        "provider_share": "480000000",
        "state_share": "720000000",
        "state_cumulative": "720000000",
        "provider_cash_flow": "480000000",
    }
    liability = downside_liability(
        _inputs(), DemandSimulation(seed=2026, annual_volatility=D("0.20"), simulations=2_000)
    )
    assert (
        body["liability"]["p50"],
        body["liability"]["p90"],
        body["liability"]["probability_of_payment"],
    ) == (
        str(liability.p50),
        str(liability.p90),
        str(liability.probability_of_payment),
    )


def test_the_api_refuses_another_vendor_a_service_hire_and_bad_parameters(ppp):
    path = f"/contracts/{ppp['ppp'].pk}/forecast"
    assert API.get(path, user=ppp["other_preparer"]).status_code == 404
    hire = API.get(f"/contracts/{ppp['contract'].pk}/forecast", user=ppp["finance"])
    assert hire.status_code == 409 and hire.json()["code"] == "forecast.not_ppp"
    for query, field in (
        ("simulations=0", "simulations"),
        ("discount_rate=abc", "discount_rate"),
        ("seed=x", "seed"),
    ):
        bad = API.get(f"{path}?{query}", user=ppp["finance"])
        assert bad.status_code == 400 and any(field in key for key in bad.json()["fields"]), bad.json()
