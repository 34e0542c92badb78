"""Availability payments with deductions and service credits from KPI results, by hand."""

from __future__ import annotations

from decimal import Decimal

import pytest

from revenue_share.calculations import (
    PROVIDER,
    STATE,
    AvailabilityFailure,
    AvailabilityTerms,
    ServiceActual,
    ServiceCreditTerms,
    SettlementInput,
    SettlementInputError,
    area_rate,
    availability_deduction,
    availability_lines,
    parse_payment_terms,
    parse_service_level,
    service_credit_lines,
    settle,
    total,
)

D = Decimal

# 3,650,000,000 a year over 365 days and two areas (portal 1.5, reporting 0.5): total weighted periods
# 365 x 2 = 730, area rate 3,650,000,000 / 730 = 5,000,000 a weighted day.
AVAILABILITY = AvailabilityTerms(
    annual_payment=D(3_650_000_000), periods_per_year=365, still_used_factor=D("0.5")
)
WEIGHTING = D(2)


def test_area_rate_is_annual_payment_over_total_weighted_periods():
    assert area_rate(AVAILABILITY, WEIGHTING) == D(5_000_000)


@pytest.mark.parametrize(
    "case, failure, expected",
    [
        (
            "portal down 2 days: 5,000,000 x 1.5 x 2",
            AvailabilityFailure("portal", D("1.5"), D(2)),
            D(15_000_000),
        ),
        (
            "reporting 3 days, still used: 5,000,000 x 0.5 x 3 x 0.5",
            AvailabilityFailure("reporting", D("0.5"), D(3), still_used=True),
            D(3_750_000),
        ),
        (
            "the same, not still used: twice as much",
            AvailabilityFailure("reporting", D("0.5"), D(3), still_used=False),
            D(7_500_000),
        ),
        (
            "a repeat, still used, ratchet 2: 5,000,000 x 1.5 x 1 x 0.5 x 2",
            AvailabilityFailure("portal", D("1.5"), D(1), still_used=True, ratchet=D(2)),
            D(7_500_000),
        ),
        (
            "hours in days: 5,000,000 x 1.5 x 0.125",
            AvailabilityFailure("portal", D("1.5"), D("0.125")),
            D(937_500),
        ),
    ],
)
def test_an_availability_deduction(case, failure, expected):
    assert availability_deduction(AVAILABILITY, failure, WEIGHTING) == expected


def test_a_month_of_availability_with_three_deductions():
    """Payment 3,650,000,000 / 12 = 304,166,666.67 -> 304,166,667; deductions 15,000,000 + 3,750,000
    + 7,500,000 = 26,250,000; net 277,916,667."""
    failures = [
        AvailabilityFailure("portal", D("1.5"), D(2)),
        AvailabilityFailure("reporting", D("0.5"), D(3), still_used=True),
        AvailabilityFailure("portal", D("1.5"), D(1), still_used=True, ratchet=D(2), reference="INC-7"),
    ]
    lines = availability_lines(AVAILABILITY, failures, total_weighting=WEIGHTING, months=1)
    assert [(line.key, line.reference, line.amount, line.payee) for line in lines] == [
        ("availability.payment", "", D(304_166_667), PROVIDER),
        ("availability.deduction", "portal#1", D(15_000_000), STATE),
        ("availability.deduction", "reporting#2", D(3_750_000), STATE),
        ("availability.deduction", "INC-7", D(7_500_000), STATE),
    ]
    assert total(lines) == D(277_916_667)
    assert lines[2].input("still_used_factor") == "0.5" and lines[1].input("still_used_factor") == "1"


def test_deductions_never_take_more_than_the_period_payment():
    """Portal 40 days: 5,000,000 x 1.5 x 40 = 300,000,000; reporting 20 days: 5,000,000 x 0.5 x 20
    = 50,000,000; 350,000,000 > 304,166,667, so 45,833,333 is given back and the month pays 0."""
    failures = [
        AvailabilityFailure("portal", D("1.5"), D(40)),
        AvailabilityFailure("reporting", D("0.5"), D(20)),
    ]
    lines = availability_lines(AVAILABILITY, failures, total_weighting=WEIGHTING, months=1)
    assert (lines[-1].key, lines[-1].amount, lines[-1].payee) == (
        "availability.deduction_cap",
        D(45_833_333),
        PROVIDER,
    )
    assert total(lines) == 0


@pytest.mark.parametrize(
    "case, failure, weighting, field",
    [
        (
            "a ratchet below 1",
            AvailabilityFailure("portal", D(1), D(1), ratchet=D("0.5")),
            D(1),
            "failures[0].ratchet",
        ),
        (
            "negative missed periods",
            AvailabilityFailure("portal", D(1), D(-1)),
            D(1),
            "failures[0].missed_periods",
        ),
        ("no weighting at all", AvailabilityFailure("portal", D(1), D(1)), D(0), "total_weighting"),
    ],
)
def test_malformed_failures_name_the_field(case, failure, weighting, field):
    with pytest.raises(SettlementInputError) as raised:
        availability_lines(AVAILABILITY, [failure], total_weighting=weighting, months=1)
    assert raised.value.field == field


def test_failures_without_an_availability_payment_are_refused():
    terms = parse_payment_terms([("per_transaction", {"fees": {"BR": "1"}})])
    inputs = SettlementInput("2026-03", (), failures=(AvailabilityFailure("portal", D(1), D(1)),))
    with pytest.raises(SettlementInputError, match="failures"):
        settle(inputs, terms)


# --- service credits ------------------------------------------------------------------------------

AV = parse_service_level("AV", "99.5", "%", {"kind": "service_credit", "rate": "0"})
RT = parse_service_level("RT", "95", "%", {"kind": "service_credit", "rate": "0.01"})
DOWN = parse_service_level("DOWN", "99", "%", {"kind": "deduction", "rate": "1"})
LEVELS = (AV, RT, DOWN)
CHARGE = D(10_000_000)


@pytest.mark.parametrize(
    "case, terms, results, expected",
    [
        (
            "shortfall share, under the cap: 2.5 % and 5 % of 10,000,000",
            ServiceCreditTerms("shortfall_share", D("0.10"), None),
            {"AV": D("97.0"), "RT": D(90)},
            [
                ("service_credits.credit", "AV", D(250_000), STATE),
                ("service_credits.credit", "RT", D(500_000), STATE),
            ],
        ),
        (
            "shortfall share, capped at 5 %: 750,000 − 500,000 given back",
            ServiceCreditTerms("shortfall_share", D("0.05"), None),
            {"AV": D("97.0"), "RT": D(90)},
            [
                ("service_credits.credit", "AV", D(250_000), STATE),
                ("service_credits.credit", "RT", D(500_000), STATE),
                ("service_credits.cap", "", D(250_000), PROVIDER),
            ],
        ),
        (
            "rate per point, capped at 8 %: AV 2.5 x 0.02 (the mechanism's), RT 5 x 0.01 (its own)",
            ServiceCreditTerms("rate_per_point", D("0.08"), D("0.02")),
            {"AV": D("97.0"), "RT": D(90)},
            [
                ("service_credits.credit", "AV", D(500_000), STATE),
                ("service_credits.credit", "RT", D(500_000), STATE),
                ("service_credits.cap", "", D(200_000), PROVIDER),
            ],
        ),
        (
            "targets met or exactly met earn nothing",
            ServiceCreditTerms("shortfall_share", D("0.10"), None),
            {"AV": D("99.5"), "RT": D("99.9")},
            [],
        ),
        (
            "a deduction KPI is not a credit",
            ServiceCreditTerms("shortfall_share", D("0.10"), None),
            {"DOWN": D(50)},
            [],
        ),
        (
            "a fraction of a point: 0.01 % of 10,000,000",
            ServiceCreditTerms("shortfall_share", D("0.10"), None),
            {"AV": D("99.49")},
            [("service_credits.credit", "AV", D(1_000), STATE)],
        ),
    ],
)
def test_service_credits(case, terms, results, expected):
    lines = service_credit_lines(terms, LEVELS, results, period_charge=CHARGE)
    assert [(line.key, line.reference, line.amount, line.payee) for line in lines] == expected


def test_credits_are_never_more_than_the_cap_share_of_the_charge():
    terms = ServiceCreditTerms("shortfall_share", D("0.05"), None)
    lines = service_credit_lines(terms, LEVELS, {"AV": D(0), "RT": D(0)}, period_charge=CHARGE)
    assert -total(lines) == D(500_000)


def test_a_result_for_an_unknown_kpi_is_refused():
    terms = ServiceCreditTerms("shortfall_share", D("0.05"), None)
    with pytest.raises(SettlementInputError) as raised:
        service_credit_lines(terms, LEVELS, {"XX": D(1)}, period_charge=CHARGE)
    assert raised.value.field == "kpi_results.XX"


def test_a_shortfall_share_needs_a_kpi_in_percent():
    hours = parse_service_level("FIX", "4", "hours", {"kind": "service_credit", "rate": "0"})
    with pytest.raises(SettlementInputError) as raised:
        service_credit_lines(
            ServiceCreditTerms("shortfall_share", D("0.05"), None),
            (hours,),
            {"FIX": D(2)},
            period_charge=CHARGE,
        )
    assert raised.value.field == "service_levels.FIX.unit"


def test_service_credits_apply_to_the_period_charge_after_the_guarantee():
    """Fixed fee 8,000,000 topped up to the floor 10,000,000: charge 10,000,000; AV 97 % is 2.5 points:
    credit 250,000; provider 9,750,000; no revenue, so the state's share is −9,750,000 and it pays that."""
    terms = parse_payment_terms(
        [
            ("fixed_fee", {"fee_per_period": "8000000", "period": "monthly", "indexation_rate": "0"}),
            ("minimum_guarantee", {"floor": "10000000", "cap": None}),
            ("service_credits", {"method": "shortfall_share", "cap_share": "0.1"}),
        ]
    )
    inputs = SettlementInput(
        "2026-03", (ServiceActual("BR", 0, D(1000)),), service_levels=LEVELS, kpi_results=(("AV", D(97)),)
    )
    statement = settle(inputs, terms)
    assert (statement.entitlement, statement.period_charge) == (D(8_000_000), D(10_000_000))
    assert statement.lines_of("service_credits.credit")[0].amount == D(250_000)
    assert (statement.provider_share, statement.state_share, statement.net_payable_by_state) == (
        D(9_750_000),
        D(-9_750_000),
        D(9_750_000),
    )
