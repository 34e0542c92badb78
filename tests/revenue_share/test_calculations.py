"""Settlement calculations: parameters, net revenue and the revenue mechanisms, by hand."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from revenue_share.calculations import (
    PROVIDER,
    STATE,
    FixedFeeTerms,
    PerTransactionTerms,
    ServiceActual,
    SettlementInput,
    SettlementInputError,
    Tier,
    TieredShareTerms,
    fixed_fee_line,
    floor_and_cap_lines,
    indexation_factor,
    marginal_parts,
    net_revenue,
    parse_mechanism,
    parse_payment_terms,
    per_transaction_lines,
    settle,
    tiered_share_lines,
)

D = Decimal

BAND = {
    "upper_threshold": "1.25",
    "lower_threshold": "0.75",
    "share": "0.50",
    "share_basis": "threshold",
    "downside": True,
    "rule": "Law 64/2020/QH14 on PPP investment, Art. 82",
}


# --- parameters -----------------------------------------------------------------------------------


def test_the_shapes_the_contracts_app_saves_are_read():
    """Each kind as contracts.services.contracting._clean_mechanism stores it (amounts as strings,
    an absent optional cap as null)."""
    terms = parse_payment_terms(
        [
            ("fixed_fee", {"fee_per_period": "1000000.0000", "period": "monthly", "indexation_rate": "0.04"}),
            ("per_transaction", {"fees": {"TX": "1500", "BR": "2000"}}),
            (
                "tiered_share",
                {
                    "basis": "revenue",
                    "tiers": [
                        {"from": "0", "to": "100", "share": "0.3"},
                        {"from": "100", "to": None, "share": "0.2"},
                    ],
                },
            ),
            ("availability", {"annual_payment": "3650", "periods_per_year": 365, "still_used_factor": "0.5"}),
            ("service_credits", {"method": "shortfall_share", "cap_share": "0.1"}),
            ("minimum_guarantee", {"floor": "500", "cap": None}),
            ("revenue_band", BAND),
        ]
    )
    assert terms.fixed_fee == FixedFeeTerms(D("1000000.0000"), "monthly", D("0.04"))
    assert terms.per_transaction == PerTransactionTerms((("BR", D(2000)), ("TX", D(1500))))
    assert terms.tiered_share == TieredShareTerms(
        "revenue", (Tier(D(0), D(100), D("0.3")), Tier(D(100), None, D("0.2")))
    )
    assert terms.availability is not None and terms.availability.periods_per_year == 365
    assert terms.service_credits is not None and terms.service_credits.rate_per_point is None
    assert (terms.floor, terms.cap) == (D(500), None)
    assert terms.revenue_band is not None and terms.revenue_band.downside is True
    assert terms.revenue_band.rule.endswith("Art. 82")


@pytest.mark.parametrize(
    "case, kind, parameters, field",
    [
        ("a service's fee missing", "per_transaction", {"fees": {"BR": None}}, "per_transaction.fees.BR"),
        ("fees not an object", "per_transaction", {"fees": ["BR", "2000"]}, "per_transaction.fees"),
        ("no fees at all", "per_transaction", {}, "per_transaction.fees"),
        ("tiers not a list", "tiered_share", {"tiers": {"from": "0", "share": "0.1"}}, "tiered_share.tiers"),
        (
            "a band without a share",
            "tiered_share",
            {"tiers": [{"from": "0", "to": None}]},
            "tiered_share.tiers[0].share",
        ),
        (
            "bands with a gap",
            "tiered_share",
            {
                "tiers": [
                    {"from": "0", "to": "100", "share": "0.1"},
                    {"from": "150", "to": None, "share": "0.2"},
                ]
            },
            "tiered_share.tiers[1].from",
        ),
        (
            "a band after an open-ended one",
            "tiered_share",
            {
                "tiers": [
                    {"from": "0", "to": None, "share": "0.1"},
                    {"from": "100", "to": None, "share": "0.2"},
                ]
            },
            "tiered_share.tiers[1].from",
        ),
        (
            "a share above 100 %",
            "tiered_share",
            {"tiers": [{"from": "0", "to": None, "share": "1.5"}]},
            "tiered_share.tiers[0].share",
        ),
        ("bands of something else", "tiered_share", {"basis": "days", "tiers": []}, "tiered_share.basis"),
        ("no fixed fee", "fixed_fee", {"period": "monthly"}, "fixed_fee.fee_per_period"),
        (
            "a fee as a float",
            "fixed_fee",
            {"fee_per_period": 1000.5, "period": "monthly"},
            "fixed_fee.fee_per_period",
        ),
        ("a weekly fee", "fixed_fee", {"fee_per_period": "1000", "period": "weekly"}, "fixed_fee.period"),
        (
            "a fee that is text",
            "fixed_fee",
            {"fee_per_period": "lots", "period": "monthly"},
            "fixed_fee.fee_per_period",
        ),
        (
            "periods not whole",
            "availability",
            {"annual_payment": "1", "periods_per_year": "8760.5"},
            "availability.periods_per_year",
        ),
        ("no annual payment", "availability", {"periods_per_year": 365}, "availability.annual_payment"),
        (
            "rate per point missing",
            "service_credits",
            {"method": "rate_per_point", "cap_share": "0.1"},
            "service_credits.rate_per_point",
        ),
        ("no credit cap", "service_credits", {"method": "shortfall_share"}, "service_credits.cap_share"),
        ("a guarantee without a floor", "minimum_guarantee", {"cap": "10"}, "minimum_guarantee.floor"),
        ("a cap below its floor", "revenue_cap", {"cap": "100", "floor": "200"}, "revenue_cap.floor"),
        ("a band share above 100 %", "revenue_band", {**BAND, "share": "1.2"}, "revenue_band.share"),
        (
            "a band basis unknown",
            "revenue_band",
            {**BAND, "share_basis": "average"},
            "revenue_band.share_basis",
        ),
        ("downside not a flag", "revenue_band", {**BAND, "downside": "yes"}, "revenue_band.downside"),
        ("parameters not an object", "fixed_fee", ["1000", "monthly"], "fixed_fee.parameters"),
        ("not a mechanism", "bonus", {}, "kind"),
    ],
)
def test_a_malformed_parameter_is_a_value_error_naming_it(case, kind, parameters, field):
    with pytest.raises(ValueError, match=re.escape(field)) as raised:
        parse_mechanism(kind, parameters)
    assert isinstance(raised.value, SettlementInputError)
    assert raised.value.field == field


def test_a_mechanism_given_twice_is_refused():
    fees = ("per_transaction", {"fees": {"BR": "1"}})
    with pytest.raises(SettlementInputError, match="appears twice"):
        parse_payment_terms([fees, fees])


def test_a_guarantee_floor_above_the_revenue_cap_is_refused():
    with pytest.raises(SettlementInputError, match=r"minimum_guarantee\.floor"):
        parse_payment_terms([("minimum_guarantee", {"floor": "500"}), ("revenue_cap", {"cap": "400"})])


# --- net revenue ----------------------------------------------------------------------------------


def test_net_revenue_by_service():
    """BR: 120 x 15,000 x 1.10 = 1,980,000 collected; VAT = (1,980,000 − 33,000 refunds) x 0.1 / 1.1
    = 177,000; net = 1,980,000 − 33,000 − 4,500 − 177,000 = 1,765,500.
    TX (two rows): (30 + 20) x 8,000 = 400,000, no VAT; gateway 1,000 + 600; net 398,400.
    Total net 2,163,900; gross 2,380,000; VAT 177,000."""
    revenue = net_revenue(
        [
            ServiceActual("TX", 30, D(8000), gateway_fees=D(1000)),
            ServiceActual("BR", 120, D(15000), D("0.10"), refunds=D(33000), gateway_fees=D(4500)),
            ServiceActual("TX", 20, D(8000), gateway_fees=D(600)),
        ]
    )
    by_service = {row.service: row for row in revenue.services}
    assert [row.service for row in revenue.services] == ["BR", "TX"]
    assert (by_service["BR"].gross_collections, by_service["BR"].vat, by_service["BR"].net_revenue) == (
        D(1980000),
        D(177000),
        D(1765500),
    )
    assert (by_service["TX"].valid_volume, by_service["TX"].gateway_fees, by_service["TX"].net_revenue) == (
        50,
        D(1600),
        D(398400),
    )
    assert (revenue.gross_collections, revenue.vat, revenue.net_revenue, revenue.valid_volume) == (
        D(2380000),
        D(177000),
        D(2163900),
        170,
    )


def test_a_tariff_change_within_the_period_keeps_both_tariffs():
    """10 at 1,000 and 5 at 1,200: two rows, 10,000 + 6,000 = 16,000; 15 transactions of one service."""
    revenue = net_revenue([ServiceActual("BR", 10, D(1000)), ServiceActual("BR", 5, D(1200))])
    assert [(row.tariff, row.net_revenue) for row in revenue.services] == [
        (D(1000), D(10000)),
        (D(1200), D(6000)),
    ]
    assert revenue.volume_by_service() == {"BR": 15}
    assert revenue.net_revenue == D(16000)


@pytest.mark.parametrize(
    "case, volume, tariff, gross",
    [
        ("half a đồng rounds up", 3, D("0.5"), D(2)),
        ("less than half rounds down", 1, D("1000.4999"), D(1000)),
        ("exactly half rounds up", 1, D("1000.5"), D(1001)),
    ],
)
def test_gross_collections_round_half_up_per_service(case, volume, tariff, gross):
    assert net_revenue([ServiceActual("BR", volume, tariff)]).gross_collections == gross


@pytest.mark.parametrize(
    "case, actual, field",
    [
        ("a negative tariff", ServiceActual("BR", 1, D(-1)), "actuals[0].tariff"),
        ("a part of a transaction", ServiceActual("BR", D("2.5"), D(1)), "actuals[0].valid_volume"),
        ("a VAT rate above 100 %", ServiceActual("BR", 1, D(1), D(2)), "actuals[0].vat_rate"),
        ("negative refunds", ServiceActual("BR", 1, D(1), refunds=D(-5)), "actuals[0].refunds"),
        ("no service", ServiceActual("", 1, D(1)), "actuals[0].service"),
    ],
)
def test_malformed_actuals_name_the_field(case, actual, field):
    with pytest.raises(SettlementInputError) as raised:
        net_revenue([actual])
    assert raised.value.field == field


# --- per-transaction fees -------------------------------------------------------------------------


def test_per_transaction_fees_per_service():
    """BR 120 x 2,500 = 300,000; TX 3 x 1,200.5 = 3,601.5 -> 3,602 (half up)."""
    terms = PerTransactionTerms((("BR", D(2500)), ("TX", D("1200.5"))))
    lines = per_transaction_lines(terms, {"TX": 3, "BR": 120})
    assert [(line.reference, line.amount, line.payee) for line in lines] == [
        ("BR", D(300000), PROVIDER),
        ("TX", D(3602), PROVIDER),
    ]
    assert lines[1].input("fee") == "1200.5" and lines[1].input("valid_volume") == "3"


def test_a_service_with_volume_but_no_fee_is_refused():
    terms = PerTransactionTerms((("BR", D(2500)),))
    with pytest.raises(SettlementInputError) as raised:
        per_transaction_lines(terms, {"BR": 1, "TX": 4})
    assert raised.value.field == "per_transaction.fees.TX"


# --- tiered share ---------------------------------------------------------------------------------

TIERS = TieredShareTerms(
    "revenue",
    (
        Tier(D(0), D(1_000_000), D("0.30")),
        Tier(D(1_000_000), D(5_000_000), D("0.20")),
        Tier(D(5_000_000), None, D("0.10")),
    ),
)


@pytest.mark.parametrize(
    "case, revenue, expected",
    [
        ("below the first edge: 999,999 x 0.3 = 299,999.7", D(999_999), [D(300_000), D(0), D(0)]),
        ("exactly at the first edge", D(1_000_000), [D(300_000), D(0), D(0)]),
        ("5 above the first edge: 5 x 0.2 = 1", D(1_000_005), [D(300_000), D(1), D(0)]),
        ("exactly at the second edge: 4,000,000 x 0.2", D(5_000_000), [D(300_000), D(800_000), D(0)]),
        ("into the open band: 2,500,000 x 0.1", D(7_500_000), [D(300_000), D(800_000), D(250_000)]),
        ("negative net revenue shares nothing", D(-10), [D(0), D(0), D(0)]),
    ],
)
def test_tiered_share_by_marginal_revenue_bands(case, revenue, expected):
    lines = tiered_share_lines(TIERS, net_revenue=revenue, valid_volume=0)
    assert [line.amount for line in lines] == expected
    assert {line.payee for line in lines} == {PROVIDER}
    assert [line.reference for line in lines] == ["1", "2", "3"]


def test_a_base_exactly_at_a_band_edge_fills_that_band_only():
    assert marginal_parts(TIERS.tiers, D(1_000_000)) == (D(1_000_000), D(0), D(0))
    assert marginal_parts(TIERS.tiers, D(5_000_000)) == (D(1_000_000), D(4_000_000), D(0))


@pytest.mark.parametrize(
    "case, volume, revenue, expected",
    [
        (
            "1,500 transactions: 3,000,000 x 0.1 x 1000/1500 and x 0.2 x 500/1500",
            1500,
            D(3_000_000),
            [D(200_000), D(200_000)],
        ),
        ("exactly 1,000 transactions fill the first band", 1000, D(2_000_000), [D(200_000), D(0)]),
        ("no transactions share nothing", 0, D(0), [D(0), D(0)]),
    ],
)
def test_tiered_share_by_volume_bands(case, volume, revenue, expected):
    terms = TieredShareTerms("volume", (Tier(D(0), D(1000), D("0.1")), Tier(D(1000), None, D("0.2"))))
    assert [
        line.amount for line in tiered_share_lines(terms, net_revenue=revenue, valid_volume=volume)
    ] == expected


# --- fixed fee ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "case, fee, period, rate, months, years, expected",
    [
        ("first year, not indexed yet", D(100_000_000), "monthly", D("0.04"), 1, 0, D(100_000_000)),
        ("after 2 years: 100,000,000 x 1.04^2", D(100_000_000), "monthly", D("0.04"), 1, 2, D(108_160_000)),
        (
            "a quarterly fee settled monthly: 30,000,000 x 1.05 / 3",
            D(30_000_000),
            "quarterly",
            D("0.05"),
            1,
            1,
            D(10_500_000),
        ),
        (
            "an annual fee settled monthly: 1,000,000 / 12 = 83,333.33",
            D(1_000_000),
            "annual",
            D(0),
            1,
            0,
            D(83_333),
        ),
        ("indexed to a half đồng: 100 x 1.025 = 102.5", D(100), "monthly", D("0.025"), 1, 1, D(103)),
        ("a quarterly settlement of a monthly fee", D(1000), "monthly", D(0), 3, 0, D(3000)),
    ],
)
def test_fixed_fee_with_annual_indexation(case, fee, period, rate, months, years, expected):
    line = fixed_fee_line(FixedFeeTerms(fee, period, rate), months=months, years_since_start=years)
    assert (line.amount, line.payee) == (expected, PROVIDER)


def test_indexation_factor_after_two_years_is_exact():
    assert indexation_factor(D("0.04"), 2) == D("1.0816")
    with pytest.raises(SettlementInputError, match="years_since_start"):
        indexation_factor(D("0.04"), -1)


# --- floor and cap --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "case, entitlement, floor, cap, expected",
    [
        (
            "below the floor: topped up by 100,000",
            D(400_000),
            D(500_000),
            None,
            [("minimum_guarantee.top_up", D(100_000), PROVIDER)],
        ),
        ("exactly at the floor", D(500_000), D(500_000), None, []),
        (
            "a floor with a half đồng: 100,000.5 -> 100,001",
            D(400_000),
            D("500000.5"),
            None,
            [("minimum_guarantee.top_up", D(100_001), PROVIDER)],
        ),
        (
            "above the cap: 200,000 clawed back",
            D(1_200_000),
            None,
            D(1_000_000),
            [("revenue_cap.claw_back", D(200_000), STATE)],
        ),
        ("exactly at the cap", D(1_000_000), D(1), D(1_000_000), []),
        ("between floor and cap", D(700_000), D(500_000), D(1_000_000), []),
    ],
)
def test_floor_top_up_and_cap_claw_back(case, entitlement, floor, cap, expected):
    lines = floor_and_cap_lines(entitlement, floor=floor, cap=cap)
    assert [(line.key, line.amount, line.payee) for line in lines] == expected


def test_a_guarantee_tops_the_provider_up_in_the_statement():
    """Per-transaction 100 x 2,000 = 200,000 < floor 500,000: top-up 300,000; provider 500,000, state
    1,000,000 − 500,000 = 500,000; the state collected, so it pays the provider 500,000."""
    terms = parse_payment_terms(
        [
            ("per_transaction", {"fees": {"BR": "2000"}}),
            ("minimum_guarantee", {"floor": "500000", "cap": None}),
        ]
    )
    statement = settle(SettlementInput("2026-03", (ServiceActual("BR", 100, D(10000)),)), terms)
    assert [(line.key, line.amount) for line in statement.lines] == [
        ("per_transaction.fee", D(200_000)),
        ("minimum_guarantee.top_up", D(300_000)),
    ]
    assert (statement.provider_share, statement.state_share, statement.net_payable_by_state) == (
        D(500_000),
        D(500_000),
        D(500_000),
    )
    assert statement.payer == STATE
