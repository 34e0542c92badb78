"""The settlement statement: a worked example, who pays whom, rounding, and adjustment lines."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from revenue_share.calculations import (
    ADJUSTMENT,
    BALANCE,
    PROVIDER,
    SHARE,
    STATE,
    AvailabilityFailure,
    PaymentTerms,
    ServiceActual,
    SettlementInput,
    SettlementInputError,
    adjustment_lines,
    parse_payment_terms,
    parse_service_level,
    round_money,
    settle,
    total,
)

D = Decimal

TERMS = parse_payment_terms(
    [
        ("per_transaction", {"fees": {"BR": "2000", "TX": "1500"}}),
        (
            "tiered_share",
            {
                "basis": "revenue",
                "tiers": [
                    {"from": "0", "to": "1000000", "share": "0.3"},
                    {"from": "1000000", "to": None, "share": "0.2"},
                ],
            },
        ),
        ("service_credits", {"method": "shortfall_share", "cap_share": "0.1"}),
        ("minimum_guarantee", {"floor": "500000", "cap": None}),
    ]
)
AV = parse_service_level("AV", "99.5", "%", {"kind": "service_credit", "rate": "0"})
MARCH = SettlementInput(
    "2026-03",
    (
        ServiceActual("BR", 100, D(10_000), D("0.1"), refunds=D(11_000), gateway_fees=D(5_000)),
        ServiceActual("TX", 50, D(8_000)),
    ),
    service_levels=(AV,),
    kpi_results=(("AV", D(98)),),
)


def test_a_worked_statement():
    """Net revenue: BR 100 x 10,000 x 1.1 = 1,100,000 − 11,000 refunds − 5,000 gateway − VAT
    1,089,000 x 0.1 / 1.1 = 99,000 -> 985,000; TX 50 x 8,000 = 400,000; total 1,385,000.
    Fees: BR 100 x 2,000 = 200,000, TX 50 x 1,500 = 75,000. Tiered: 1,000,000 x 0.3 = 300,000,
    385,000 x 0.2 = 77,000. Entitlement 652,000, above the floor 500,000. AV 98 % against 99.5 %:
    1.5 % of 652,000 = 9,780 (cap 65,200). Provider 642,220; state 1,385,000 − 642,220 = 742,780;
    the state collected, so it pays the provider 642,220."""
    statement = settle(MARCH, TERMS)
    assert statement.revenue.net_revenue == D(1_385_000)
    assert [(line.key, line.reference, line.amount, line.payee) for line in statement.lines] == [
        ("per_transaction.fee", "BR", D(200_000), PROVIDER),
        ("per_transaction.fee", "TX", D(75_000), PROVIDER),
        ("tiered_share.band", "1", D(300_000), PROVIDER),
        ("tiered_share.band", "2", D(77_000), PROVIDER),
        ("service_credits.credit", "AV", D(9_780), STATE),
    ]
    assert (statement.entitlement, statement.period_charge) == (D(652_000), D(652_000))
    assert (statement.provider_share, statement.state_share) == (D(642_220), D(742_780))
    assert (statement.net_payable_by_state, statement.payer) == (D(642_220), STATE)
    assert statement.lines[4].rule == "(target − actual) percentage points of the period charge"


def test_when_the_provider_collects_it_pays_the_state_its_share_and_the_balance():
    """The provider holds the 1,385,000 and owes 1,000 brought forward: 642,220 − 1,385,000 − 1,000
    = −743,780, payable by the provider."""
    statement = settle(dataclasses.replace(MARCH, collected_by=PROVIDER, brought_forward=D(-1000)), TERMS)
    assert statement.collections_held_by_provider == D(1_385_000)
    assert statement.lines[-1].key == "balance.brought_forward"
    assert (statement.lines[-1].section, statement.lines[-1].amount, statement.lines[-1].payee) == (
        BALANCE,
        D(1000),
        STATE,
    )
    assert (statement.net_payable_by_state, statement.payer) == (D(-743_780), PROVIDER)
    assert statement.state_share == D(742_780)


def test_the_rounding_remainder_stays_with_the_state():
    """Fees of 0.5 on one transaction each of two services: each line 0.5 -> 1 (half up), so the
    provider gets 2 against an exact 1.0; net revenue 10 + 10 = 20; the state's share is the rest, 18."""
    terms = parse_payment_terms([("per_transaction", {"fees": {"BR": "0.5", "TX": "0.5"}})])
    statement = settle(
        SettlementInput("2026-03", (ServiceActual("BR", 1, D(10)), ServiceActual("TX", 1, D(10)))), terms
    )
    assert [line.amount for line in statement.lines] == [D(1), D(1)]
    assert (statement.provider_share, statement.state_share, statement.revenue.net_revenue) == (
        D(2),
        D(18),
        D(20),
    )
    assert "remainders stay with the state" in statement.rounding


@pytest.mark.parametrize(
    "case, changes, field",
    [
        ("a settlement period of 2 months", {"months": 2}, "months"),
        ("collected by a third party", {"collected_by": "bank"}, "collected_by"),
    ],
)
def test_malformed_settlement_inputs_name_the_field(case, changes, field):
    with pytest.raises(SettlementInputError) as raised:
        settle(dataclasses.replace(MARCH, **changes), TERMS)
    assert raised.value.field == field


# --- adjustments ----------------------------------------------------------------------------------

SIMPLE = parse_payment_terms(
    [
        ("per_transaction", {"fees": {"BR": "2000"}}),
        ("tiered_share", {"basis": "revenue", "tiers": [{"from": "0", "to": None, "share": "0.3"}]}),
        ("service_credits", {"method": "shortfall_share", "cap_share": "0.1"}),
    ]
)


def statement_of(volume: int, **changes):
    inputs = SettlementInput(
        "2026-03", (ServiceActual("BR", volume, D(10_000)),), service_levels=(AV,), **changes
    )
    return settle(inputs, SIMPLE)


def test_a_correction_of_a_locked_period_becomes_adjustment_lines():
    """Locked: 100 transactions, net 1,000,000, fees 200,000, share 300,000: provider 500,000.
    Recomputed with 110 valid: fees 220,000, share 330,000: the adjustment lines are +20,000 and
    +30,000 to the provider, 50,000 in all, the change in the net payable."""
    locked, recomputed = statement_of(100), statement_of(110)
    lines = adjustment_lines(locked, recomputed)
    assert [(line.key, line.reference, line.amount, line.payee, line.section) for line in lines] == [
        ("adjustment.per_transaction.fee", "2026-03/BR", D(20_000), PROVIDER, ADJUSTMENT),
        ("adjustment.tiered_share.band", "2026-03/1", D(30_000), PROVIDER, ADJUSTMENT),
    ]
    assert (lines[0].input("locked_to_provider"), lines[0].input("recomputed_to_provider")) == (
        "200000",
        "220000",
    )
    assert total(lines) == recomputed.net_payable_by_state - locked.net_payable_by_state == D(50_000)


def test_a_line_that_disappears_on_recomputation_is_reversed():
    """The locked month credited 1.5 % of 500,000 = 7,500 for AV at 98 %; the audited result is
    99.5 %: the credit is reversed, 7,500 back to the provider."""
    locked = statement_of(100, kpi_results=(("AV", D(98)),))
    recomputed = statement_of(100, kpi_results=(("AV", D("99.5")),))
    lines = adjustment_lines(locked, recomputed)
    assert [(line.key, line.amount, line.payee) for line in lines] == [
        ("adjustment.service_credits.credit", D(7_500), PROVIDER)
    ]


def test_a_correction_where_the_provider_collects_includes_what_it_holds():
    """Provider-collected: locked 500,000 − 1,000,000 = −500,000; recomputed 550,000 − 1,100,000
    = −550,000: +50,000 of lines and −100,000 for the collections it holds, −50,000 in all."""
    locked, recomputed = statement_of(100, collected_by=PROVIDER), statement_of(110, collected_by=PROVIDER)
    lines = adjustment_lines(locked, recomputed)
    assert (lines[-1].key, lines[-1].amount, lines[-1].payee) == (
        "adjustment.collections.held_by_provider",
        D(100_000),
        STATE,
    )
    assert total(lines) == D(-50_000)


def test_adjustment_lines_settle_in_a_later_period():
    """May on its own: 100 transactions, provider 500,000. With March's +50,000 it pays 550,000; May's
    own split of its own net revenue is unchanged."""
    lines = adjustment_lines(statement_of(100), statement_of(110))
    may = SettlementInput("2026-05", (ServiceActual("BR", 100, D(10_000)),), service_levels=(AV,))
    alone, adjusted = settle(may, SIMPLE), settle(dataclasses.replace(may, adjustments=lines), SIMPLE)
    assert (adjusted.adjustments, adjusted.net_payable_by_state) == (D(50_000), D(550_000))
    assert (adjusted.provider_share, adjusted.state_share) == (alone.provider_share, alone.state_share)


def test_adjustments_are_refused_across_periods_and_as_share_lines():
    with pytest.raises(SettlementInputError, match="recomputed"):
        adjustment_lines(statement_of(100), dataclasses.replace(statement_of(110), period="2026-04"))
    share_line = statement_of(100).lines[0]
    with pytest.raises(SettlementInputError, match=r"adjustments\[0\]"):
        settle(dataclasses.replace(MARCH, adjustments=(share_line,)), TERMS)


# --- properties -----------------------------------------------------------------------------------

SERVICES = ("BR", "TX", "BL")
money = st.decimals(min_value=0, max_value=10**7, places=2)
fractions = st.decimals(min_value=0, max_value=1, places=4)
actuals = st.lists(
    st.builds(
        ServiceActual,
        service=st.sampled_from(SERVICES),
        valid_volume=st.integers(0, 100_000),
        tariff=st.decimals(min_value=0, max_value=10**6, places=2),
        vat_rate=st.sampled_from([D(0), D("0.05"), D("0.08"), D("0.1")]),
        refunds=money,
        gateway_fees=money,
    ),
    max_size=6,
)


@st.composite
def payment_terms(draw) -> PaymentTerms:
    mechanisms = []
    if draw(st.booleans()):
        fees = {
            service: str(draw(st.decimals(min_value=0, max_value=10**5, places=2))) for service in SERVICES
        }
        mechanisms.append(("per_transaction", {"fees": fees}))
    if draw(st.booleans()):
        edges = sorted(draw(st.sets(st.integers(1, 10**9), max_size=3)))
        bounds = [0, *edges]
        tiers = [
            {"from": str(low), "to": str(high) if high is not None else None, "share": str(draw(fractions))}
            for low, high in zip(bounds, [*edges, None], strict=True)
        ]
        basis = draw(st.sampled_from(["revenue", "volume"]))
        mechanisms.append(("tiered_share", {"basis": basis, "tiers": tiers}))
    if draw(st.booleans()):
        fee = {
            "fee_per_period": str(draw(money)),
            "period": draw(st.sampled_from(["monthly", "quarterly", "annual"])),
        }
        mechanisms.append(("fixed_fee", {**fee, "indexation_rate": str(draw(fractions))}))
    if draw(st.booleans()):
        mechanisms.append(("minimum_guarantee", {"floor": str(draw(money)), "cap": None}))
    if draw(st.booleans()):
        mechanisms.append(
            ("service_credits", {"method": "shortfall_share", "cap_share": str(draw(fractions))})
        )
    return parse_payment_terms(mechanisms)


settlement_inputs = st.builds(
    SettlementInput,
    period=st.just("2026-03"),
    actuals=actuals.map(tuple),
    months=st.sampled_from([1, 3, 12]),
    years_since_start=st.integers(0, 25),
    service_levels=st.just((AV,)),
    kpi_results=st.decimals(min_value=0, max_value=100, places=2).map(lambda actual: (("AV", actual),)),
    brought_forward=st.decimals(min_value=-(10**6), max_value=10**6, places=2),
    collected_by=st.sampled_from([STATE, PROVIDER]),
    places=st.sampled_from([0, 2]),
)


@given(settlement_inputs, payment_terms())
def test_provider_share_plus_state_share_is_net_revenue_exactly(inputs, terms):
    statement = settle(inputs, terms)
    assert statement.provider_share + statement.state_share == statement.revenue.net_revenue
    assert statement.provider_share == sum(line.signed for line in statement.lines if line.section == SHARE)
    assert statement.revenue.net_revenue == sum(row.net_revenue for row in statement.revenue.services)
    for line in statement.lines:
        assert line.amount >= 0
        assert line.amount == round_money(line.amount, inputs.places)
    assert statement.net_payable_by_state == (
        statement.provider_share
        - statement.collections_held_by_provider
        + statement.adjustments
        + statement.brought_forward
    )


@given(settlement_inputs, payment_terms())
def test_the_same_statement_computed_twice_is_identical(inputs, terms):
    first, second = settle(inputs, terms), settle(inputs, terms)
    assert first == second
    assert repr(first) == repr(second)


@given(settlement_inputs, st.lists(st.integers(0, 100_000), min_size=1, max_size=3), payment_terms())
def test_adjustment_lines_sum_to_the_difference(inputs, volumes, terms):
    locked = settle(inputs, terms)
    corrected = tuple(
        dataclasses.replace(actual, valid_volume=volumes[index % len(volumes)])
        for index, actual in enumerate(inputs.actuals)
    )
    recomputed = settle(dataclasses.replace(inputs, actuals=corrected), terms)
    lines = adjustment_lines(locked, recomputed)
    assert total(lines) == recomputed.net_payable_by_state - locked.net_payable_by_state
    assert all(line.section == ADJUSTMENT and line.amount > 0 for line in lines)


def test_a_kpi_result_given_twice_is_refused():
    with pytest.raises(SettlementInputError, match="kpi_results"):
        settle(dataclasses.replace(MARCH, kpi_results=(("AV", D(98)), ("AV", D(99)))), TERMS)


failures = st.lists(
    st.builds(
        AvailabilityFailure,
        area=st.sampled_from(["PORTAL", "PAYMENT", "SEARCH"]),
        weighting=st.decimals(min_value=D("0.5"), max_value=4, places=1),
        missed_periods=st.decimals(min_value=0, max_value=800, places=1),
        still_used=st.booleans(),
        ratchet=st.sampled_from([D(1), D("1.5"), D(2)]),
    ),
    max_size=5,
)


@given(settlement_inputs, failures, st.decimals(min_value=0, max_value=10**9, places=0))
def test_availability_deductions_keep_the_shares_exact_and_never_exceed_the_payment(inputs, failed, annual):
    """Whatever the failures, the shares still add up to net revenue to the minor unit, and the month's
    availability payment net of its deductions is never below zero (the cap line gives the excess back)."""
    terms = parse_payment_terms(
        [("availability", {"annual_payment": str(annual), "periods_per_year": 720, "total_weighting": "6"})]
    )
    statement = settle(dataclasses.replace(inputs, failures=tuple(failed), months=1), terms)
    assert statement.provider_share + statement.state_share == statement.revenue.net_revenue
    availability = [line for line in statement.lines if line.key.startswith("availability.")]
    assert len(statement.lines_of("availability.deduction")) == len(failed)
    assert sum((line.signed for line in availability), D(0)) >= 0
    assert settle(dataclasses.replace(inputs, failures=tuple(failed), months=1), terms) == statement
