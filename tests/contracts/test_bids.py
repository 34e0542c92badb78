"""Bids: drafted by preparers, submitted by signatories with a content hash and the database clock,
refused after closing, sealed from everyone outside the vendor until opening; the opening record."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from django.utils import timezone, translation

from contracts import selectors, services
from contracts.models import Bid, BidPrice, Opening, Tender, TenderStatus
from ppp import selectors as ppp_selectors
from ppp.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from ppp.models import AuditEntry, Notification, Role
from tests.contracts.conftest import FULL_PRICES, D, published_tender, submitted_bid
from tests.factories import member
from tests.roles import assert_nothing_written

pytestmark = pytest.mark.django_db


def close(tender: Tender) -> None:
    """Move the tender's closing into the past (the clock has moved on)."""
    past = timezone.now() - dt.timedelta(minutes=5)
    Tender.objects.filter(pk=tender.pk).update(
        publication_at=past - dt.timedelta(days=20),
        clarification_deadline=past - dt.timedelta(days=1),
        closing_at=past,
        opening_at=past + dt.timedelta(hours=1),
    )
    tender.refresh_from_db()


def test_a_submitted_bid_carries_its_hash_the_database_time_and_a_receipt(world):
    tender = published_tender(world)
    bid = submitted_bid(world, tender)
    assert bid.status == "submitted" and bid.submitted_by == world["signatory_a"]
    assert len(bid.content_hash) == 64 and bid.receipt_number.startswith(tender.reference)
    assert abs(bid.submitted_at - timezone.now()) < dt.timedelta(seconds=30)
    assert bid.content_hash == services.bids.content_hash(bid)
    entry = AuditEntry.objects.get(action="bid.submitted", object_id=str(bid.pk))
    assert entry.after["content_hash"] == bid.content_hash and entry.organisation == world["vendor_a"]


def test_only_the_vendors_preparers_prepare_and_only_its_signatories_submit(world):
    tender = published_tender(world)
    with assert_nothing_written(), pytest.raises(PermissionDenied):
        services.bid_create(actor=world["preparer_c"], tender=tender, vendor=world["unverified"])
    with assert_nothing_written(), pytest.raises(PermissionDenied):
        services.bid_create(actor=world["preparer_b"], tender=tender, vendor=world["vendor_a"])
    bid = services.bid_create(actor=world["preparer_a"], tender=tender, vendor=world["vendor_a"])
    services.bid_prices_save(actor=world["preparer_a"], bid=bid, prices=FULL_PRICES)
    services.bid_update(actor=world["preparer_a"], bid=bid, bid_security_amount="37800000")
    for who in ("preparer_a", "signatory_b", "finance"):
        with assert_nothing_written(bid), pytest.raises(PermissionDenied):
            services.bid_submit(actor=world[who], bid=bid)
    with pytest.raises(Conflict):
        services.bid_create(actor=world["preparer_a"], tender=tender, vendor=world["vendor_a"])


BAD_PRICES = [
    ("unknown item", {"NOPE": ["1", "1", "1"]}, "prices.NOPE"),
    ("wrong number of years", {"HOST": ["1", "1"]}, "prices.HOST"),
    ("negative price", {"HOST": ["1", "-1", "1"]}, "prices.HOST[1]"),
    ("text price", {"HOST": ["1", "một", "1"]}, "prices.HOST[1]"),
    ("NaN price", {"HOST": ["NaN", "1", "1"]}, "prices.HOST[0]"),
    ("float price", {"HOST": [1.5, "1", "1"]}, "prices.HOST[0]"),
    ("missing price for a quantity", {"HOST": [None, "1", "1"]}, "prices.HOST[0]"),
]


@pytest.mark.parametrize(("label", "prices", "field"), BAD_PRICES, ids=[c[0] for c in BAD_PRICES])
def test_bad_prices_are_named_and_nothing_is_written(world, label, prices, field):
    tender = published_tender(world)
    bid = services.bid_create(actor=world["preparer_a"], tender=tender, vendor=world["vendor_a"])
    with assert_nothing_written(bid), pytest.raises(ValidationFailed) as error:
        services.bid_prices_save(actor=world["preparer_a"], bid=bid, prices={**FULL_PRICES, **prices})
    assert field in error.value.fields, error.value.fields


def test_a_bid_in_another_currency_is_refused(world):
    tender = published_tender(world)
    bid = services.bid_create(actor=world["preparer_a"], tender=tender, vendor=world["vendor_a"])
    with assert_nothing_written(bid), pytest.raises(ValidationFailed) as error:
        services.bid_prices_save(actor=world["preparer_a"], bid=bid, prices=FULL_PRICES, currency="USD")
    assert "currency" in error.value.fields


def test_an_incomplete_bid_lists_everything_missing(world):
    tender = published_tender(world)
    bid = services.bid_create(actor=world["preparer_a"], tender=tender, vendor=world["vendor_a"])
    services.bid_prices_save(actor=world["preparer_a"], bid=bid, prices={"HOST": FULL_PRICES["HOST"]})
    with assert_nothing_written(bid), pytest.raises(ValidationFailed) as error:
        services.bid_submit(actor=world["signatory_a"], bid=bid)
    # 1 % of 3,780,000,000 = 37,800,000 of bid security is required.
    assert set(error.value.fields) == {"prices.SUPPORT", "bid_security_amount"}
    assert "37800000" in error.value.fields["bid_security_amount"]


def test_an_edit_after_submission_returns_the_bid_to_draft_and_withdrawal_works_until_closing(world):
    tender = published_tender(world)
    bid = submitted_bid(world, tender)
    services.bid_update(actor=world["preparer_a"], bid=bid, discount_rate="0.03")
    bid.refresh_from_db()
    assert (bid.status, bid.content_hash, bid.submitted_at) == ("draft", "", None)
    again = services.bid_submit(actor=world["signatory_a"], bid=bid)
    assert again.status == "submitted"
    withdrawn = services.bid_withdraw(actor=world["signatory_a"], bid=bid)
    assert withdrawn.status == "withdrawn"
    reopened = services.bid_create(actor=world["preparer_a"], tender=tender, vendor=world["vendor_a"])
    assert reopened.pk == bid.pk and reopened.status == "draft"


def test_nothing_is_accepted_after_closing_by_the_database_clock(world):
    tender = published_tender(world)
    bid = services.bid_create(actor=world["preparer_a"], tender=tender, vendor=world["vendor_a"])
    services.bid_prices_save(actor=world["preparer_a"], bid=bid, prices=FULL_PRICES)
    services.bid_update(actor=world["preparer_a"], bid=bid, bid_security_amount="37800000")
    close(tender)
    with assert_nothing_written(bid), pytest.raises(Conflict) as error:
        services.bid_submit(actor=world["signatory_a"], bid=bid)
    assert error.value.code == "bid.tender_closed"
    for action in (
        lambda: services.bid_update(actor=world["preparer_a"], bid=bid, discount_rate="0.1"),
        lambda: services.bid_withdraw(actor=world["signatory_a"], bid=bid),
        lambda: services.bid_create(actor=world["preparer_b"], tender=tender, vendor=world["vendor_b"]),
    ):
        with assert_nothing_written(bid), pytest.raises(Conflict):
            action()


def test_attachments_are_limited_in_size_and_type_and_hashed(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    tender = published_tender(world)
    bid = services.bid_create(actor=world["preparer_a"], tender=tender, vendor=world["vendor_a"])
    content = b"%PDF-1.4 ho so ky thuat"
    attachment = services.bid_attach(
        actor=world["preparer_a"], bid=bid, name="Hồ sơ kỹ thuật.pdf", content=content
    )
    assert attachment.sha256 == hashlib.sha256(content).hexdigest() and attachment.size == len(content)
    with translation.override("en"):
        with assert_nothing_written(bid), pytest.raises(ValidationFailed) as error:
            services.bid_attach(actor=world["preparer_a"], bid=bid, name="virus.exe", content=b"MZ")
        assert error.value.fields == {"file": "file type not allowed"}
        with pytest.raises(ValidationFailed) as error:
            services.check_attachment(name="big.pdf", size=21 * 1024 * 1024, content_type="application/pdf")
        assert error.value.fields == {"file": "over the size limit"}


# Sealing.


def test_before_opening_nobody_outside_the_vendor_learns_that_a_bid_exists(world):
    tender = published_tender(world)
    bid = submitted_bid(world, tender)
    admin = member(Role.ADMINISTRATOR, world["agency"])
    for who in ("finance", "evaluator", "approver", "preparer_b", "outsider"):
        person = world[who]
        assert list(selectors.bid_list_for(user=person, tender=tender)) == [], who
        with pytest.raises(NotFound):
            selectors.bid_get_for(user=person, pk=bid.pk)
    assert list(selectors.bid_list_for(user=admin, tender=tender)) == []
    assert selectors.bid_get_for(user=world["preparer_a"], pk=bid.pk) == bid
    assert selectors.bid_get_for(user=world["signatory_a"], pk=bid.pk) == bid
    # Nor through the audit log, nor notifications.
    for reader in (world["approver"], admin):
        entries = ppp_selectors.audit_entries_for(user=reader)
        assert not entries.filter(object_type="contracts.bid").exists()
        assert not entries.filter(action__startswith="bid.").exists()
    assert not Notification.objects.filter(
        recipient__in=[world["finance"], world["approver"]], verb__startswith="bid"
    ).exists()


def test_opening_publishes_the_record_and_unseals_the_bids(world):
    tender = published_tender(world)
    bid_a = submitted_bid(world, tender)
    prices_b = {
        "HOST": ["45000000", "45000000", "45000000"],
        "SUPPORT": ["240000000", "240000000", "240000000"],
    }
    bid_b = submitted_bid(world, tender, vendor="b", prices=prices_b)
    with assert_nothing_written(tender), pytest.raises(Conflict) as error:
        services.tender_open(actor=world["finance"], tender=tender)
    assert error.value.code == "opening.not_closed"
    close(tender)
    with assert_nothing_written(tender), pytest.raises(PermissionDenied):
        services.tender_open(actor=world["approver"], tender=tender)
    opening = services.tender_open(actor=world["evaluator"], tender=tender)
    tender.refresh_from_db()
    assert tender.status == TenderStatus.OPENED
    rows = {entry["vendor"]: entry for entry in opening.record["bids"]}
    # A: 12 x 40 m x 3 = 1,440 m (VAT 10 % -> 1,584 m) + 2 x (250 m + 250 m + 260 m) = 1,520 m (no VAT):
    # 2,960,000,000 ex VAT, 3,104,000,000 incl. VAT, less 2 % = 3,041,920,000
    a = rows["Công ty A"]
    assert (a["price_ex_vat"], a["price"], a["price_after_discount"]) == (
        "2960000000",
        "3104000000",
        "3041920000",
    )
    # B: 12 x 45 m x 3 = 1,620 m (-> 1,782 m) + 2 x 240 m x 3 = 1,440 m: 3,060 m ex VAT, 3,222 m incl.,
    # less 2 % = 3,157,560,000
    b = rows["Công ty B"]
    assert (b["price_ex_vat"], b["price"], b["price_after_discount"]) == (
        "3060000000",
        "3222000000",
        "3157560000",
    )
    assert all(entry["hash_matches"] for entry in opening.record["bids"])
    assert len(opening.record_hash) == 64
    assert sorted(b.pk for b in selectors.bid_list_for(user=world["finance"], tender=tender)) == sorted(
        [bid_a.pk, bid_b.pk]
    )
    assert selectors.bid_get_for(user=world["approver"], pk=bid_a.pk) == bid_a
    assert (
        ppp_selectors.audit_entries_for(user=world["approver"]).filter(object_type="contracts.bid").exists()
    )
    assert Notification.objects.filter(recipient=world["signatory_b"], verb="tender.opened").exists()
    selectors.bid_read(user=world["finance"], bid=bid_a)
    assert AuditEntry.objects.filter(
        action="bid.read", object_id=str(bid_a.pk), actor=world["finance"]
    ).exists()
    with pytest.raises(Conflict):
        services.tender_open(actor=world["finance"], tender=tender)
    assert Opening.objects.count() == 1


def test_opening_marks_a_bid_whose_content_changed_after_submission(world):
    tender = published_tender(world)
    bid = submitted_bid(world, tender)
    # Someone alters a stored price behind the services' back.
    BidPrice.objects.filter(bid=bid, item__code="HOST").update(unit_prices=["1", "1", "1"])
    close(tender)
    opening = services.tender_open(actor=world["finance"], tender=tender)
    assert [entry["hash_matches"] for entry in opening.record["bids"]] == [False]
    entry = AuditEntry.objects.get(action="tender.opened", object_id=str(tender.pk))
    assert entry.after["mismatches"] == [bid.pk]
    assert Bid.objects.get(pk=bid.pk).content_hash != services.bids.content_hash(bid)
    assert D(opening.record["package_price"]) == D(3_780_000_000)


def test_a_bids_content_is_read_exactly_as_entered(world, settings, tmp_path):
    """The one-statement read the submission hashes gives back every price, answer and attachment as
    it was entered: prices as their decimal text, a pass/fail answer of each kind, text as written."""
    from contracts.services.bids import read_content

    settings.MEDIA_ROOT = tmp_path
    tender = new_tender_with_requirements(world)
    bid = services.bid_create(actor=world["preparer_a"], tender=tender, vendor=world["vendor_a"])
    services.bid_prices_save(
        actor=world["preparer_a"], bid=bid, prices={"HOST": ["40000000", "40000000", "41000000.5"]}
    )
    services.bid_answers_save(
        actor=world["preparer_a"],
        bid=bid,
        answers={
            "YC2": {"complies": False, "response": "Chưa có"},
            "YC1": {"complies": True, "response": 'ISO 27001:2022 — "còn hạn"'},
            "KT1": {"response": "Kiến trúc vi dịch vụ"},
        },
    )
    services.bid_attach(actor=world["preparer_a"], bid=bid, name="Hồ sơ.pdf", content=b"%PDF-1.4 a")
    services.bid_attach(actor=world["preparer_a"], bid=bid, name="Bảng giá.pdf", content=b"%PDF-1.4 b")

    content = read_content(Bid.objects.get(pk=bid.pk))

    assert content.prices == {"HOST": ["40000000", "40000000", "41000000.5"]}
    assert content.items == [("HOST", ["12", "12", "12"]), ("SUPPORT", ["2", "2", "2"])]
    assert content.answers == {
        "YC1": {"complies": True, "response": 'ISO 27001:2022 — "còn hạn"'},
        "YC2": {"complies": False, "response": "Chưa có"},
        "KT1": {"complies": None, "response": "Kiến trúc vi dịch vụ"},
    }
    assert content.pass_fail == ["YC1", "YC2"]
    assert content.attachments == sorted(
        [(hashlib.sha256(b"%PDF-1.4 a").hexdigest(), "Hồ sơ.pdf"),
         (hashlib.sha256(b"%PDF-1.4 b").hexdigest(), "Bảng giá.pdf")]
    )  # fmt: skip


def new_tender_with_requirements(world):  # type: ignore[no-untyped-def]
    from tests.contracts.conftest import new_tender

    tender = new_tender(
        world, method="combined", envelopes=2, technical_weight="0.2", price_weight="0.8", pass_mark="0.7"
    )
    services.criterion_add(actor=world["finance"], tender=tender, kind="pass_fail", code="YC1", name="ISO")
    services.criterion_add(
        actor=world["finance"], tender=tender, kind="pass_fail", code="YC2", name="Bảo hành"
    )
    services.criterion_add(
        actor=world["finance"],
        tender=tender,
        kind="technical",
        code="KT1",
        name="Kiến trúc",
        max_points="100",
    )
    services.tender_submit(actor=world["finance"], tender=tender)
    services.tender_approve(actor=world["approver"], tender=tender)
    return services.tender_publish(actor=world["finance"], tender=tender)
