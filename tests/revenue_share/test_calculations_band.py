"""Annual revenue band sharing (PPP Law 64/2020 Art. 82): both sides of each threshold, each condition
failing in turn, and the band line on the statement."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest

from revenue_share.calculations import (
    PROVIDER,
    STATE,
    BandConditions,
    RevenueBandTerms,
    ServiceActual,
    SettlementInput,
    SettlementInputError,
    parse_payment_terms,
    revenue_band_sharing,
    settle,
)

D = Decimal

# Plan 1,000,000,000: upper threshold 1,250,000,000, lower threshold 750,000,000.
TERMS = RevenueBandTerms(D("1.25"), D("0.75"), D("0.50"), "threshold", True, "Law 64/2020/QH14 Art. 82")
PLAN = D(1_000_000_000)
HELD = BandConditions(
    cause_planning_policy_or_law_change=True, price_and_term_adjustments_exhausted=True, revenue_audited=True
)
NAMES = (
    "revenue_audited",
    "outside_upside_exempt_years",
    "downside_allowed",
    "cause_planning_policy_or_law_change",
    "price_and_term_adjustments_exhausted",
)


def share(actual: Decimal, terms: RevenueBandTerms = TERMS, conditions: BandConditions = HELD, **options):
    return revenue_band_sharing(
        terms, year=2027, actual_revenue=actual, plan_revenue=PLAN, conditions=conditions, **options
    )


@pytest.mark.parametrize(
    "case, basis, actual, side, amount, payee",
    [
        (
            "well above upper: 0.5 x 200,000,000",
            "threshold",
            D(1_450_000_000),
            "above",
            D(100_000_000),
            STATE,
        ),
        ("just above upper: 0.5 x 1 = 0.5 -> 1", "threshold", D(1_250_000_001), "above", D(1), STATE),
        ("exactly at upper", "threshold", D(1_250_000_000), "within", D(0), ""),
        ("just below upper", "threshold", D(1_249_999_999), "within", D(0), ""),
        ("on plan", "threshold", PLAN, "within", D(0), ""),
        ("just above lower", "threshold", D(750_000_001), "within", D(0), ""),
        ("exactly at lower", "threshold", D(750_000_000), "within", D(0), ""),
        ("just below lower: 0.5 x 1 -> 1", "threshold", D(749_999_999), "below", D(1), PROVIDER),
        (
            "well below lower: 0.5 x 150,000,000",
            "threshold",
            D(600_000_000),
            "below",
            D(75_000_000),
            PROVIDER,
        ),
        ("above, from the plan: 0.5 x 450,000,000", "plan", D(1_450_000_000), "above", D(225_000_000), STATE),
        (
            "below, from the plan: 0.5 x 400,000,000",
            "plan",
            D(600_000_000),
            "below",
            D(200_000_000),
            PROVIDER,
        ),
        (
            "just above upper, from the plan: 0.5 x 250,000,001",
            "plan",
            D(1_250_000_001),
            "above",
            D(125_000_001),
            STATE,
        ),
    ],
)
def test_band_sharing_on_both_sides_of_each_threshold(case, basis, actual, side, amount, payee):
    result = share(actual, dataclasses.replace(TERMS, share_basis=basis))
    assert (result.side, result.amount, result.payee, result.applied) == (
        side,
        amount,
        payee,
        side != "within",
    )
    assert tuple(check.name for check in result.conditions) == NAMES
    if side == "within":
        assert result.line is None
    else:
        assert result.line is not None and (result.line.amount, result.line.payee) == (amount, payee)


@pytest.mark.parametrize(
    "case, terms, conditions, options, failed",
    [
        (
            "the contract allows no downside",
            dataclasses.replace(TERMS, downside=False),
            HELD,
            {},
            "downside_allowed",
        ),
        (
            "the fall has another cause",
            TERMS,
            dataclasses.replace(HELD, cause_planning_policy_or_law_change=False),
            {},
            "cause_planning_policy_or_law_change",
        ),
        (
            "price and term adjustments not exhausted",
            TERMS,
            dataclasses.replace(HELD, price_and_term_adjustments_exhausted=False),
            {},
            "price_and_term_adjustments_exhausted",
        ),
        (
            "revenue not audited",
            TERMS,
            dataclasses.replace(HELD, revenue_audited=False),
            {},
            "revenue_audited",
        ),
    ],
)
def test_below_the_lower_threshold_each_failing_condition_stops_the_sharing(
    case, terms, conditions, options, failed
):
    result = share(D(600_000_000), terms, conditions, **options)
    assert (result.side, result.applied, result.amount, result.line) == ("below", False, D(0), None)
    assert result.failed_conditions == (failed,)
    assert {check.name: check.held for check in result.conditions}[failed] is False
    assert sum(not check.held for check in result.conditions) == 1


@pytest.mark.parametrize(
    "case, conditions, options, failed",
    [
        ("revenue not audited", dataclasses.replace(HELD, revenue_audited=False), {}, "revenue_audited"),
        (
            "an upside-exempt operating year (2 of 3)",
            HELD,
            {"operating_year": 2, "upside_exempt_years": 3},
            "outside_upside_exempt_years",
        ),
    ],
)
def test_above_the_upper_threshold_each_failing_condition_stops_the_sharing(
    case, conditions, options, failed
):
    result = share(D(1_450_000_000), TERMS, conditions, **options)
    assert (result.side, result.applied, result.amount) == ("above", False, D(0))
    assert result.failed_conditions == (failed,)


def test_downside_conditions_do_not_stop_upside_sharing():
    """Above the band the state is paid even though the contract has no downside and the fall's
    conditions do not hold: they are the downside's."""
    no_downside = BandConditions(
        cause_planning_policy_or_law_change=False,
        price_and_term_adjustments_exhausted=False,
        revenue_audited=True,
    )
    result = share(D(1_450_000_000), dataclasses.replace(TERMS, downside=False), no_downside)
    assert (result.applied, result.amount, result.failed_conditions) == (True, D(100_000_000), ())


def test_the_first_year_after_the_exemption_shares_again():
    result = share(D(1_450_000_000), operating_year=4, upside_exempt_years=3)
    assert (result.applied, result.amount) == (True, D(100_000_000))


def test_a_plan_without_revenue_is_refused():
    with pytest.raises(SettlementInputError, match=r"financial_plan\.2027"):
        revenue_band_sharing(TERMS, year=2027, actual_revenue=D(1), plan_revenue=D(0), conditions=HELD)


def test_the_band_line_is_on_the_statement_that_settles_the_year():
    """December: net revenue 100,000,000, tiered share 40 % = 40,000,000; the year's band sends
    100,000,000 to the state: provider 40,000,000 − 100,000,000 = −60,000,000; state 160,000,000."""
    terms = parse_payment_terms(
        [
            ("tiered_share", {"basis": "revenue", "tiers": [{"from": "0", "to": None, "share": "0.4"}]}),
            (
                "revenue_band",
                {
                    "upper_threshold": "1.25",
                    "lower_threshold": "0.75",
                    "share": "0.50",
                    "share_basis": "threshold",
                    "downside": True,
                    "rule": "Law 64/2020/QH14 Art. 82",
                },
            ),
        ]
    )
    band = share(D(1_450_000_000))
    inputs = SettlementInput("2027-12", (ServiceActual("BR", 10_000, D(10_000)),), band=band)
    statement = settle(inputs, terms)
    assert [(line.key, line.amount, line.payee) for line in statement.lines] == [
        ("tiered_share.band", D(40_000_000), PROVIDER),
        ("revenue_band.upside", D(100_000_000), STATE),
    ]
    assert (statement.provider_share, statement.state_share) == (D(-60_000_000), D(160_000_000))
    assert statement.lines[1].input("legal_basis") == "Law 64/2020/QH14 Art. 82"


def test_a_band_result_without_band_terms_is_refused():
    terms = parse_payment_terms([("per_transaction", {"fees": {"BR": "1"}})])
    with pytest.raises(SettlementInputError, match="band"):
        settle(SettlementInput("2027-12", (), band=share(D(1_450_000_000))), terms)
