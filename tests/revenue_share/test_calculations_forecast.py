"""The forecast over the contract's life: scenarios by hand, NPV and IRR, and the seeded Monte Carlo
of the downside band's contingent liability."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest

from revenue_share.calculations import (
    DemandSimulation,
    ForecastInput,
    Scenario,
    SettlementInputError,
    downside_liability,
    forecast,
    forecast_scenario,
    parse_payment_terms,
)

D = Decimal

BAND = (
    "revenue_band",
    {
        "upper_threshold": "1.25",
        "lower_threshold": "0.75",
        "share": "0.5",
        "share_basis": "threshold",
        "downside": True,
        "rule": "Law 64/2020/QH14 Art. 82",
    },
)
SHARE_40 = ("tiered_share", {"basis": "revenue", "tiers": [{"from": "0", "to": None, "share": "0.4"}]})
# Three years of 1,200,000,000 (100,000,000 a month); band at 1,500,000,000 and 900,000,000.
INPUTS = ForecastInput(
    plan=((2026, D(1_200_000_000)), (2027, D(1_200_000_000)), (2028, D(1_200_000_000))),
    terms=parse_payment_terms([SHARE_40, BAND]),
    discount_rate=D("0.10"),
    investment=D(1_000_000_000),
)


def test_the_base_scenario():
    """40 % of 1,200,000,000 = 480,000,000 a year, within the band; the state keeps 720,000,000 a year.
    NPV at 10 %: −1,000,000,000 + 480,000,000 x (1/1.1 + 1/1.21 + 1/1.331) = 193,688,955.67 -> 193,688,956.
    IRR: 480,000,000 x (v + v^2 + v^3) = 1,000,000,000, v = 1/(1 + r): r = 20.7084 % (rounded to 6
    decimals; the annuity factor at it is 2.0833348, within 0.000002 of 1,000 / 480 = 2.0833333)."""
    result = forecast_scenario(INPUTS)
    assert [(y.year, y.period, y.net_revenue, y.provider_share, y.state_share) for y in result.years] == [
        (2026, 1, D(1_200_000_000), D(480_000_000), D(720_000_000)),
        (2027, 2, D(1_200_000_000), D(480_000_000), D(720_000_000)),
        (2028, 3, D(1_200_000_000), D(480_000_000), D(720_000_000)),
    ]
    assert [y.state_cumulative for y in result.years] == [D(720_000_000), D(1_440_000_000), D(2_160_000_000)]
    assert result.provider_npv == D(193_688_956)
    assert result.provider_irr == D("0.207084")
    discount = 1 / (1 + result.provider_irr)
    assert abs(discount + discount**2 + discount**3 - D(1000) / D(480)) < D("0.000002")


@pytest.mark.parametrize(
    "case, scenario, revenue, entitlement, to_state, to_provider, provider, state",
    [
        (
            "demand −30 %: 840,000,000 < 900,000,000; the state pays 0.5 x 60,000,000",
            Scenario("low demand", demand_change=D("-0.30")),
            D(840_000_000),
            D(336_000_000),
            D(0),
            D(30_000_000),
            D(366_000_000),
            D(474_000_000),
        ),
        (
            "tariffs +50 %: 1,800,000,000 > 1,500,000,000; the investor pays 0.5 x 300,000,000",
            Scenario("dearer", tariff_change=D("0.50")),
            D(1_800_000_000),
            D(720_000_000),
            D(150_000_000),
            D(0),
            D(570_000_000),
            D(1_230_000_000),
        ),
        (
            "demand +10 %, tariffs −10 %: 1,188,000,000, within the band",
            Scenario("mixed", demand_change=D("0.10"), tariff_change=D("-0.10")),
            D(1_188_000_000),
            D(475_200_000),
            D(0),
            D(0),
            D(475_200_000),
            D(712_800_000),
        ),
    ],
)
def test_scenarios_move_revenue_shares_and_the_band(
    case, scenario, revenue, entitlement, to_state, to_provider, provider, state
):
    year = forecast_scenario(INPUTS, scenario).years[0]
    assert (year.net_revenue, year.entitlement, year.band_to_state, year.band_to_provider) == (
        revenue,
        entitlement,
        to_state,
        to_provider,
    )
    assert (year.provider_share, year.state_share) == (provider, state)
    assert year.provider_share + year.state_share == year.net_revenue


def test_irr_of_one_year_is_exact():
    """Plan 2,750,000,000 x 40 % = 1,100,000,000 against an investment of 1,000,000,000: IRR 10 %, and
    so NPV at 10 % is 0."""
    inputs = dataclasses.replace(
        INPUTS, plan=((2026, D(2_750_000_000)),), terms=parse_payment_terms([SHARE_40])
    )
    result = forecast_scenario(inputs)
    assert (result.provider_irr, result.provider_npv) == (D("0.100000"), D(0))


def test_no_investment_has_no_rate():
    assert forecast_scenario(dataclasses.replace(INPUTS, investment=D(0))).provider_irr is None


def test_operating_costs_reduce_the_provider_cash_flow():
    inputs = dataclasses.replace(INPUTS, operating_costs=((2027, D(80_000_000)),))
    assert [y.provider_cash_flow for y in forecast_scenario(inputs).years] == [
        D(480_000_000),
        D(400_000_000),
        D(480_000_000),
    ]


def test_fees_fixed_fee_availability_and_floor_in_the_forecast():
    """120,000 transactions a year (1,200,000,000 / 10,000), fee 2,000: 240,000,000, and with demand
    +10 % 264,000,000 (tariffs do not change volumes). Fixed fee 10,000,000 a month indexed 5 %:
    120,000,000, 126,000,000, 132,300,000. Availability 60,000,000 a year."""
    terms = parse_payment_terms(
        [
            ("per_transaction", {"fees": {"BR": "2000"}}),
            ("fixed_fee", {"fee_per_period": "10000000", "period": "monthly", "indexation_rate": "0.05"}),
            (
                "availability",
                {"annual_payment": "60000000", "periods_per_year": 365, "still_used_factor": "0.5"},
            ),
        ]
    )
    inputs = dataclasses.replace(
        INPUTS, terms=terms, net_revenue_per_transaction=D(10_000), average_transaction_fee=D(2_000)
    )
    assert [y.entitlement for y in forecast_scenario(inputs).years] == [
        D(420_000_000),
        D(426_000_000),
        D(432_300_000),
    ]
    both = forecast(
        inputs, (Scenario("more", demand_change=D("0.1")), Scenario("dearer", tariff_change=D("0.5")))
    )
    assert [result.years[0].entitlement for result in both] == [D(444_000_000), D(420_000_000)]


def test_a_monthly_floor_in_the_forecast():
    """40 % of 100,000,000 a month is 40,000,000, topped up to the floor 50,000,000: 600,000,000 a year."""
    terms = parse_payment_terms([SHARE_40, ("minimum_guarantee", {"floor": "50000000", "cap": None})])
    assert forecast_scenario(dataclasses.replace(INPUTS, terms=terms)).years[0].entitlement == D(600_000_000)


@pytest.mark.parametrize(
    "case, changes, field",
    [
        ("years with a gap", {"plan": ((2026, D(1)), (2028, D(1)))}, "plan"),
        ("no plan", {"plan": ()}, "plan"),
        (
            "fees without a revenue per transaction",
            {"terms": parse_payment_terms([("per_transaction", {"fees": {"BR": "1"}})])},
            "net_revenue_per_transaction",
        ),
    ],
)
def test_malformed_forecast_inputs_name_the_field(case, changes, field):
    with pytest.raises(SettlementInputError) as raised:
        forecast_scenario(dataclasses.replace(INPUTS, **changes))
    assert raised.value.field == field


# --- Monte Carlo ----------------------------------------------------------------------------------

SIMULATION = DemandSimulation(seed=20260301, annual_volatility=D("0.25"), simulations=2_000)


def test_the_same_seed_gives_the_same_liability():
    assert downside_liability(INPUTS, SIMULATION) == downside_liability(INPUTS, SIMULATION)


def test_another_seed_gives_another_draw():
    other = dataclasses.replace(SIMULATION, seed=SIMULATION.seed + 1)
    assert downside_liability(INPUTS, other).mean != downside_liability(INPUTS, SIMULATION).mean


def test_p90_is_at_least_p50():
    result = downside_liability(INPUTS, SIMULATION)
    assert result.p90 >= result.p50 >= 0
    assert result.p90_nominal >= result.p50_nominal
    assert result.p90 > 0 and D(0) < result.probability_of_payment < D(1)


def test_without_volatility_the_simulation_is_the_scenario():
    """Demand −30 % every month of every simulation: the state pays 30,000,000 each year, 90,000,000
    nominal, present value 30,000,000 x (1/1.1 + 1/1.21 + 1/1.331) = 74,605,559.73 -> 74,605,560."""
    flat = DemandSimulation(
        seed=1, annual_volatility=D(0), simulations=50, scenario=Scenario("low", D("-0.30"))
    )
    result = downside_liability(INPUTS, flat)
    assert (result.p50, result.p90, result.mean) == (D(74_605_560), D(74_605_560), D(74_605_560))
    assert (result.p50_nominal, result.probability_of_payment) == (D(90_000_000), D("1.0000"))


def test_no_downside_no_liability():
    terms = parse_payment_terms([SHARE_40, (BAND[0], {**BAND[1], "downside": False})])
    result = downside_liability(dataclasses.replace(INPUTS, terms=terms), SIMULATION)
    assert (result.downside_allowed, result.p90, result.probability_of_payment) == (False, D(0), D(0))


def test_the_number_of_simulations_is_bounded():
    with pytest.raises(SettlementInputError, match="simulations"):
        downside_liability(INPUTS, dataclasses.replace(SIMULATION, simulations=0))


def test_the_upside_exempt_first_years_share_nothing_upwards():
    """Tariffs +50 %: 150,000,000 a year to the state, except in the first 2 exempt years."""
    inputs = dataclasses.replace(INPUTS, upside_exempt_years=2)
    years = forecast_scenario(inputs, Scenario("dearer", tariff_change=D("0.50"))).years
    assert [y.band_to_state for y in years] == [D(0), D(0), D(150_000_000)]
