"""Bid evaluation arithmetic against hand calculations (DOMAIN.md, Tendering and evaluation)."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from contracts.calculations import (
    EvaluationInputError,
    PricedItem,
    RankingEntry,
    abnormally_low,
    combined_scores,
    correct_many,
    correct_schedule,
    evaluated_price,
    price_scores,
    rank,
    schedule_npv,
    technical_scores,
    to_money,
)

D = Decimal


@pytest.mark.parametrize(
    ("label", "prices", "scale", "expected"),
    [
        # 800 x 100 / 800 = 100; 800 x 100 / 1000 = 80; 800 x 100 / 1200 = 66.6667
        ("scale 100", ["800", "1000", "1200"], 100, ["100.0000", "80.0000", "66.6667"]),
        ("scale 1000", ["800", "1000", "1200"], 1000, ["1000.0000", "800.0000", "666.6667"]),
        ("one bid", ["5"], 100, ["100.0000"]),
    ],
)
def test_price_score_is_lowest_times_scale_over_the_bid(label, prices, scale, expected):
    assert price_scores([D(p) for p in prices], scale) == [D(e) for e in expected], label


def test_technical_and_combined_scores():
    # 85 of 100 points on scale 100 = 85; 70 of 100 = 70. K = 0.3, G = 0.7:
    # bid A: 0.3 x 85 + 0.7 x 80 = 25.5 + 56 = 81.5; bid B: 0.3 x 70 + 0.7 x 100 = 21 + 70 = 91
    technical = technical_scores([D(85), D(70)], D(100), 100)
    assert technical == [D("85.0000"), D("70.0000")]
    price = price_scores([D(1000), D(800)], 100)
    assert combined_scores(technical, price, technical_weight=D("0.3"), price_weight=D("0.7")) == [
        D("81.5000"),
        D("91.0000"),
    ]
    with pytest.raises(EvaluationInputError) as error:
        combined_scores(technical, price, technical_weight=D("0.3"), price_weight=D("0.6"))
    assert error.value.field == "price_weight"
    with pytest.raises(EvaluationInputError):
        technical_scores([D(101)], D(100), 100)


def test_arithmetic_correction_unit_price_prevails():
    # 10 x 1,500 = 15,000 but the bidder wrote 14,000: the unit price prevails (+1,000).
    schedule = correct_schedule(
        [PricedItem("A", D(10), D(1500), D(14000)), PricedItem("B", D(2), D(500), D(1000))],
        highest_unit_prices={},
        stated_total=D(15000),
    )
    assert schedule.amounts == (D(15000), D(1000))
    assert schedule.total == D(16000)
    rules = [(c.code, c.rule, c.before, c.after, c.difference) for c in schedule.corrections]
    assert rules == [("A", "unit_price_prevails", D(14000), D(15000), D(1000))]
    assert schedule.deviation == D(1000)


def test_a_decimal_point_slip_in_the_unit_price_lets_the_amount_prevail():
    # 10 x 150 = 1,500 but the amount says 15,000 (ten times): the unit price was 1,500.
    schedule = correct_schedule([PricedItem("A", D(10), D(150), D(15000))], highest_unit_prices={})
    assert schedule.unit_prices == (D(1500),)
    assert schedule.amounts == (D(15000),)
    assert [c.rule for c in schedule.corrections] == ["amount_prevails_decimal_factor"]


def test_line_amounts_prevail_over_a_wrong_total_and_words_over_figures():
    items = [PricedItem("A", D(1), D(100), D(100)), PricedItem("B", D(1), D(200), D(200))]
    wrong_sum = correct_schedule(items, highest_unit_prices={}, stated_total=D(350))
    assert wrong_sum.total == D(300)
    assert [(c.rule, c.before, c.after) for c in wrong_sum.corrections] == [("lines_prevail", D(350), D(300))]
    words = correct_schedule(items, highest_unit_prices={}, stated_total=D(3000), total_in_words=D(300))
    assert [c.rule for c in words.corrections] == ["words_prevail"]
    assert words.stated_total == D(300) and words.deviation == D(0)


def test_an_omitted_item_is_priced_at_the_highest_unit_price_of_the_responsive_bids():
    schedule = correct_schedule(
        [PricedItem("A", D(3), D(100)), PricedItem("B", D(4), None)], highest_unit_prices={"B": D(250)}
    )
    assert schedule.amounts == (D(300), D(1000))
    assert [(c.code, c.rule, c.after) for c in schedule.corrections] == [("B", "omitted_item", D(1000))]
    with pytest.raises(EvaluationInputError) as error:
        correct_schedule([PricedItem("B", D(4), None)], highest_unit_prices={})
    assert error.value.field == "items[0].unit_price"


def test_schedule_npv_of_many_bids_at_once():
    # Two items over three years; bid 1 prices item 1 at 10/yr and item 2 at 100 in year 0 only.
    quantities = np.array([[2.0, 2.0, 2.0], [1.0, 0.0, 0.0]])
    prices = np.array(
        [
            [[10.0, 10.0, 10.0], [100.0, 0.0, 0.0]],
            [[12.0, 12.0, 12.0], [80.0, 0.0, 0.0]],
        ]
    )
    npv = schedule_npv(prices, quantities, D("0.10"))
    # bid 1: 100 + 20 + 20/1.1 + 20/1.21 = 154.710743...; bid 2: 80 + 24 (1 + 1/1.1 + 1/1.21) = 145.65289...
    assert to_money(npv[0], 2) == D("154.71")
    assert to_money(npv[1], 2) == D("145.65")
    with_vat = schedule_npv(
        prices, quantities, D("0.10"), vat_applicable=np.array([True, False]), vat_rate=D("0.1")
    )
    # only item 1 (20 + 18.18 + 16.53 = 54.71) carries 10 % VAT: 154.71 + 5.471 = 160.18
    assert to_money(with_vat[0], 2) == D("160.18")


def test_preference_loading_is_added_only_to_bids_not_entitled():
    assert evaluated_price(D(1_000_000), entitled_to_preference=True, loading=D("0.075")) == D(1_000_000)
    assert evaluated_price(D(1_000_000), entitled_to_preference=False, loading=D("0.075")) == D(1_075_000)


def test_abnormally_low_against_the_package_the_mean_of_others_and_the_next_bid():
    flags = abnormally_low(
        [D(500), D(1000), D(1100), D(1200)],
        D(1500),
        below_package_price=D("0.40"),
        below_mean_of_others=D("0.40"),
        below_next_bid=D("0.30"),
    )
    # 500 < 1500 x 0.6 = 900; mean of others 1100 x 0.6 = 660 > 500; next 1000 x 0.7 = 700 > 500
    assert (flags[0].below_package_price, flags[0].below_mean_of_others, flags[0].below_next_bid) == (
        True,
        True,
        True,
    )
    # 1000: not below 900; mean of others (500 + 1100 + 1200) / 3 = 933.33 x 0.6 = 560: no;
    # next 1100 x 0.7 = 770: no
    assert not flags[1].any
    assert not flags[3].below_next_bid  # the highest bid has no next bid


def test_ranking_ties_go_to_the_technical_score_then_the_price_then_the_earlier_bid():
    entries = [
        RankingEntry("late", D(90), D(80), D(1000), 2),
        RankingEntry("early", D(90), D(80), D(1000), 0),
        RankingEntry("better technical", D(90), D(85), D(1100), 1),
        RankingEntry("best", D(95), D(70), D(900), 3),
    ]
    assert rank(entries) == ["best", "better technical", "early", "late"]
    prices = [RankingEntry("b", None, None, D(900), 1), RankingEntry("a", None, None, D(900), 0)]
    assert rank(prices) == ["a", "b"]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.lists(
            st.tuples(
                st.one_of(st.none(), st.integers(0, 10_000).map(lambda v: str(v * 50))),  # unit price
                st.one_of(st.none(), st.integers(0, 5_000_000).map(str)),  # written amount
            ),
            min_size=6,
            max_size=6,
        ),
        min_size=1,
        max_size=4,
    ),
    st.lists(st.integers(0, 20).map(str), min_size=6, max_size=6),
)
def test_many_bids_at_once_are_corrected_exactly_as_one_by_one(bids, quantities):
    """correct_many agrees with correct_schedule bid by bid (2 items x 3 years of cells)."""
    codes = ["A", "B"]
    cells = [[(codes[k // 3], k % 3) for k in range(6)] for _ in bids]
    # Every omitted cell needs someone who priced it: give the first bid a price everywhere.
    bids[0] = [(price if price is not None else "100", amount) for price, amount in bids[0]]
    grid = lambda bid, part: [[bid[i * 3 + t][part] for t in range(3)] for i in range(2)]  # noqa: E731
    prices = [grid(bid, 0) for bid in bids]
    stated = [grid(bid, 1) for bid in bids]
    q = [[quantities[i * 3 + t] for t in range(3)] for i in range(2)]
    many = correct_many(prices, stated, q, codes)
    for b, bid in enumerate(bids):
        highest = {}
        for i in range(2):
            for t in range(3):
                priced = [D(p[i][t]) for p in prices if p[i][t] is not None]
                if priced:
                    highest[f"{codes[i]}[{t}]"] = max(priced)

        def decimal(text):  # type: ignore[no-untyped-def]
            return None if text is None else D(text)

        items = [
            PricedItem(f"{code}[{t}]", D(q[i][t]), decimal(bid[i * 3 + t][0]), decimal(bid[i * 3 + t][1]))
            for i, code in enumerate(codes)
            for t in range(3)
            if D(q[i][t]) or bid[i * 3 + t][0] is not None
        ]
        one = correct_schedule(items, highest_unit_prices=highest)
        assert many.totals[b] == one.total, cells
        by_code = lambda c: c.code  # noqa: E731
        assert sorted(many.corrections[b], key=by_code) == sorted(one.corrections, key=by_code)
