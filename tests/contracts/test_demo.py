"""`manage.py seed_demo` builds the demo tenders through the services, once: the portal's service hire
carried through sealed bids, opening and evaluation to an approved award and its draft contract; its
PPP option open for bids with an amendment, an answered clarification, one submitted and one draft bid.

The expected figures are worked out by hand from the demo's cost model (costing/demo.py, real prices,
general escalation 4 %, VAT 10 %) and the vendors' shares of the estimate (contracts/demo.py)."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from contracts import demo as contracts_demo
from contracts.models import (
    Award,
    Bid,
    ComplianceResult,
    ConflictDeclaration,
    Contract,
    Evaluation,
    Tender,
)
from contracts.services.bids import content_hash
from ppp import demo
from ppp.models import Notification, Organisation, User
from tests.roles import database_fingerprint

pytestmark = pytest.mark.django_db

VENDOR_A = "0101234567"  # Công ty Cổ phần Giải pháp Số Việt
VENDOR_B = "0107654321"  # Công ty TNHH Dịch vụ Đám mây Sông Hồng
VAT = {"DV-01": True, "DV-02": True, "DV-03": False, "PPP-01": True, "PPP-02": False}

# Year t's unit price = unit cost x 1.04^t x the vendor's share, rounded half up to the step.
# Vendor A: set-up 2,000,000,000 x 0.85 (step 1,000,000); per transaction 5,000 x 0.92 (step 1), from
# 2027 (5,000 x 1.04 x 0.92 = 4,784); contract staff 240,000,000 x 0.95 (step 100,000).
A_PRICES = {
    "DV-01": ["1700000000", *[None] * 9],
    "DV-02": [None, "4784", "4975", "5174", "5381", "5597", "5820", "6053", "6295", "6547"],
    "DV-03": ["228000000", "237100000", "246600000", "256500000", "266700000", "277400000", "288500000",
              "300000000", "312000000", "324500000"],
}  # fmt: skip
# Vendor B: 0.80, 0.96, 0.90 (cheaper set-up and staff, dearer per transaction), 2 % discount.
B_PRICES = {
    "DV-01": ["1600000000", *[None] * 9],
    "DV-02": [None, "4992", "5192", "5399", "5615", "5840", "6074", "6316", "6569", "6832"],
    "DV-03": ["216000000", "224600000", "233600000", "243000000", "252700000", "262800000", "273300000",
              "284200000", "295600000", "307400000"],
}  # fmt: skip


def _total(tender: Tender, prices: dict[str, list[str | None]], *, with_vat: bool = True) -> Decimal:
    """Sum over items and years of quantity x unit price (x 1.1 on VAT lines), unrounded."""
    total = Decimal(0)
    for item in tender.items.all():
        for quantity, price in zip(item.quantities, prices[item.code], strict=True):
            if price is not None:
                vat = Decimal("1.1") if with_vat and VAT[item.code] else Decimal(1)
                total += Decimal(str(quantity)) * Decimal(price) * vat
    return total


def _whole(amount: Decimal) -> Decimal:
    return amount.quantize(Decimal(1), rounding=ROUND_HALF_UP)


@pytest.fixture
def seeded() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def test_the_service_hire_tender_is_awarded_to_the_lower_bid_with_a_draft_contract(seeded):
    tender = Tender.objects.get(title=contracts_demo.SERVICE_HIRE_TENDER)
    assert f"Tender created: {tender.reference} {contracts_demo.SERVICE_HIRE_TENDER}" in seeded
    assert tender.status == "awarded"
    # The package price is the service hire option's nominal lifecycle cost incl. VAT.
    assert tender.package_price == tender.estimate == Decimal("136468411874")
    assert tender.closing_at < timezone.now()

    bids = {bid.vendor.tax_code: bid for bid in Bid.objects.filter(tender=tender).select_related("vendor")}
    assert sorted(bids) == [VENDOR_A, VENDOR_B]
    assert {bid.status for bid in bids.values()} == {"submitted"}
    for tax_code, prices in ((VENDOR_A, A_PRICES), (VENDOR_B, B_PRICES)):
        assert {p.item.code: p.unit_prices for p in bids[tax_code].prices.select_related("item")} == prices
    # 1.5 % of 136,468,411,874 = 2,047,026,178.11, rounded up to the next million.
    for bid in bids.values():
        assert bid.bid_security_amount == Decimal("2048000000") >= tender.package_price * Decimal("0.015")
        assert bid.validity_days >= tender.bid_validity_days == 120
    assert (bids[VENDOR_A].discount_rate, bids[VENDOR_B].discount_rate) == (0, Decimal("0.02"))

    # Opened: both bids, each stored hash re-computed at opening and now, and matching.
    entries = {entry["tax_code"]: entry for entry in tender.opening.record["bids"]}
    assert sorted(entries) == [VENDOR_A, VENDOR_B]
    a_price, b_price = _whole(_total(tender, A_PRICES)), _whole(_total(tender, B_PRICES))
    assert (a_price, b_price) == (Decimal("125564664804"), Decimal("130310887048"))
    b_after_discount = _whole(_total(tender, B_PRICES) * Decimal("0.98"))
    assert b_after_discount == Decimal("127704669307")
    for tax_code, price, after_discount in (
        (VENDOR_A, a_price, a_price),
        (VENDOR_B, b_price, b_after_discount),
    ):
        entry, bid = entries[tax_code], bids[tax_code]
        assert entry["hash_matches"] is True
        assert entry["content_hash"] == bid.content_hash == content_hash(bid)
        assert Decimal(entry["price"]) == price
        assert Decimal(entry["price_ex_vat"]) == _whole(_total(tender, {
            VENDOR_A: A_PRICES, VENDOR_B: B_PRICES}[tax_code], with_vat=False))  # fmt: skip
        assert Decimal(entry["price_after_discount"]) == after_discount
    assert a_price < b_after_discount < tender.package_price

    # The panel: the agency's evaluator in the chair and its finance officer, both without conflict;
    # every bid passes both requirements, each evaluator's view and the chair's consensus.
    evaluation = Evaluation.objects.get(tender=tender)
    evaluator, finance = User.objects.get(username="evaluator"), User.objects.get(username="finance")
    assert (evaluation.status, evaluation.chair) == ("completed", evaluator)
    assert set(evaluation.evaluators.all()) == {evaluator, finance}
    assert sorted(ConflictDeclaration.objects.filter(evaluation=evaluation).values_list(
        "evaluator__username", "has_conflict")) == [("evaluator", False), ("finance", False)]  # fmt: skip
    results = ComplianceResult.objects.filter(evaluation=evaluation)
    assert results.filter(evaluator__isnull=True).count() == 4  # 2 bids x 2 requirements
    assert results.filter(evaluator__isnull=False).count() == 8
    assert set(results.values_list("passed", flat=True)) == {True}
    assert evaluation.results["ranking"] == [bids[VENDOR_A].pk, bids[VENDOR_B].pk]

    award = Award.objects.get(tender=tender)
    assert (award.status, award.bid, award.contract_price) == ("approved", bids[VENDOR_A], a_price)
    assert (award.proposed_by, award.decided_by.username) == (finance, "approver")
    assert "134.982.014.664 đồng" in award.reasons  # the evaluated price: 7.5 % loading, no preference
    contract = Contract.objects.get(tender=tender)
    assert (contract.status, contract.vendor.tax_code, contract.value) == ("under_review", VENDOR_A, a_price)
    # Above VND 10 bn: two approvals, one senior; the second approver has approved, the senior waits.
    assert (contract.required_approvals, contract.senior_required) == (2, True)
    assert [(d.reviewer.username, d.decision) for d in contract.decisions.all()] == [("approver2", "approve")]
    assert (contract.start_date, contract.end_date) == (dt.date(2026, 1, 1), dt.date(2035, 12, 31))
    # The availability payment is a tenth of the value a year: a_price / 10 rounded half up.
    availability = contract.mechanisms.get(kind="availability")
    assert availability.parameters["annual_payment"] == str(_whole(a_price / 10))
    assert list(contract.service_levels.values_list("code", flat=True)) == ["AV", "SC1"]
    assert contract.price_schedule == {
        code: [price or "0" for price in prices] for code, prices in A_PRICES.items()
    }


def test_the_ppp_tender_is_open_with_an_amendment_a_clarification_and_two_bids(seeded):
    tender = Tender.objects.get(title=contracts_demo.PPP_TENDER)
    assert f"Tender created: {tender.reference} {contracts_demo.PPP_TENDER}" in seeded
    assert (tender.status, tender.version, tender.method) == ("published", 2, "evaluated_price")
    assert not hasattr(tender, "opening")
    # Published 20 days before closing; the amendment moved the closing five days on.
    left = tender.closing_at - timezone.now()
    assert dt.timedelta(days=24, hours=23) < left <= dt.timedelta(days=25)
    amendment = tender.amendments.get()
    assert amendment.number == 1 and amendment.reason.startswith("Gia hạn thời điểm đóng thầu thêm 5 ngày")
    assert sorted(amendment.changes) == ["closing_at", "opening_at"]
    assert amendment.closing_after - amendment.closing_before == dt.timedelta(days=5)
    assert amendment.closing_after == tender.closing_at

    clarification = tender.clarifications.get()
    assert (clarification.asked_by.username, clarification.vendor.tax_code) == ("vendor_a", VENDOR_A)
    assert clarification.answered_by.username == "finance" and clarification.answered_at is not None
    assert clarification.answer.startswith("Nhà đầu tư bố trí 02 nhân sự")

    bids = {bid.vendor.tax_code: bid for bid in Bid.objects.filter(tender=tender).select_related("vendor")}
    assert {code: bid.status for code, bid in bids.items()} == {VENDOR_A: "draft", VENDOR_B: "submitted"}
    submitted = bids[VENDOR_B]
    assert submitted.tender_version == 2  # submitted after the amendment, so it still stands
    assert submitted.content_hash == content_hash(submitted)
    # 1.5 % of 90,509,956,266 = 1,357,649,343.99, rounded up to the next million.
    assert submitted.bid_security_amount == Decimal("1358000000")
    # Vendor A's draft: the availability payment priced (0.90 of the estimate), the staff line not yet.
    assert [p.item.code for p in bids[VENDOR_A].prices.select_related("item")] == ["PPP-01"]
    assert bids[VENDOR_A].prices.get().unit_prices[:3] == [None, "6552000000", "6814000000"]


def test_the_demo_is_named_in_vietnamese_whatever_language_the_command_runs_in(seeded):
    approver = User.objects.get(username="approver")
    tender = Tender.objects.get(title=contracts_demo.SERVICE_HIRE_TENDER)
    titles = Notification.objects.filter(recipient=approver, verb="tender.submitted").values_list(
        "title", flat=True
    )
    assert f"Gói thầu chờ bạn phê duyệt: {tender.reference} {tender.title}" in titles


def test_a_second_run_creates_nothing(seeded):
    counts = (Tender.objects.count(), Bid.objects.count(), Contract.objects.count())
    assert counts == (3, 6, 2)
    before = database_fingerprint()
    again = StringIO()
    call_command("seed_demo", stdout=again)
    assert "Tender created" not in again.getvalue()
    assert (Tender.objects.count(), Bid.objects.count(), Contract.objects.count()) == counts
    assert database_fingerprint() == before


def test_without_the_approved_portal_model_there_is_nothing_to_tender():
    demo.seed()
    agency = Organisation.objects.get(tax_code=demo.AGENCY_TAX_CODE)
    assert contracts_demo.seed(agency=agency) == []
    assert not Tender.objects.exists()
