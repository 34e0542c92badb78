"""`manage.py seed_demo` builds the demo tenders through the services, once: one carried through to
an approved award and its draft contract, one open for bids with an amendment and a clarification."""

from __future__ import annotations

import io
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.core.management import call_command

from contracts import demo
from contracts.models import Bid, Contract, Tender
from contracts.services.bids import content_hash

pytestmark = pytest.mark.django_db

# Số Việt prices every item at 92 % of the estimate's unit cost: DV-01 set-up 2,000,000,000 ->
# 1,840,000,000 (VAT 10 %), DV-02 per transaction 5,000 -> 4,600 (VAT 10 %), DV-03 staff 240,000,000 ->
# 220,800,000 (no VAT).
HAND_PRICES = {"DV-01": (Decimal("1840000000"), True), "DV-02": (Decimal("4600"), True),
               "DV-03": (Decimal("220800000"), False)}  # fmt: skip


def test_seed_demo_builds_the_tendering_chain_once():
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    assert f"Tender created: {demo.SERVICE_HIRE}" in out.getvalue()
    assert f"Tender created: {demo.PPP}" in out.getvalue()

    awarded = Tender.objects.get(title=demo.SERVICE_HIRE)
    assert awarded.status == "awarded"
    # Opened with both bids, each hash re-computed at opening and matching.
    assert [(row["vendor"], row["hash_matches"]) for row in awarded.opening.record["bids"]] == [
        ("Công ty Cổ phần Giải pháp Số Việt", True),
        ("Công ty TNHH Dịch vụ Đám mây Sông Hồng", True),
    ]
    bids = {bid.vendor.tax_code: bid for bid in Bid.objects.filter(tender=awarded)}
    assert {bid.status for bid in bids.values()} == {"submitted"}
    # Sealed as submitted: each stored hash is the hash of the content as it stands.
    assert all(bid.content_hash == content_hash(bid) for bid in bids.values())
    contract = Contract.objects.get()
    assert (contract.status, contract.vendor.name) == ("draft", "Công ty Cổ phần Giải pháp Số Việt")
    # The contract price: every year's quantity x the unit price, with VAT where it applies.
    expected = sum(
        Decimal(str(quantity))
        * HAND_PRICES[item.code][0]
        * (Decimal("1.1") if HAND_PRICES[item.code][1] else 1)
        for item in awarded.items.all()
        for quantity in item.quantities
    )
    assert contract.value == expected.quantize(Decimal(1), ROUND_HALF_UP) == Decimal("101220563997")

    open_tender = Tender.objects.get(title=demo.PPP)
    assert (open_tender.status, open_tender.version, open_tender.bid_validity_days) == ("published", 2, 150)
    assert open_tender.amendments.count() == 1
    clarification = open_tender.clarifications.get()
    assert clarification.answer.startswith("Có: khoản thanh toán hằng năm")
    assert sorted(Bid.objects.filter(tender=open_tender).values_list("vendor__name", "status")) == [
        ("Công ty Cổ phần Giải pháp Số Việt", "draft"),
        ("Công ty TNHH Dịch vụ Đám mây Sông Hồng", "submitted"),
    ]

    counts = (Tender.objects.count(), Bid.objects.count(), Contract.objects.count())
    again = io.StringIO()
    call_command("seed_demo", stdout=again)
    assert "Tender created" not in again.getvalue()
    assert (Tender.objects.count(), Bid.objects.count(), Contract.objects.count()) == counts == (2, 4, 1)
