"""A vendor's bid in the browser: the preparer of Viet Digital Solutions prices a published tender in
the grid with the keyboard only and saves, in Vietnamese; the signatory submits it and reads the
receipt, in English. The receipt shows the hash and the receipt number stored on the bid.

The tender (tests/contracts/conftest.py): service hire 2026-2028, VAT 10 %,
  HOST 12 months x 40,000,000 a year (VAT)  -> 1,440,000,000 excl. VAT, 1,584,000,000 incl. VAT
  SUPPORT 2 people x 250/250/260 million (no VAT) -> 1,520,000,000
  total 2,960,000,000 excl. VAT, 3,104,000,000 incl. VAT; bid security 1 % of 3,780,000,000.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import new_page
from tests.browser.test_pages import sign_in, switch_language

pytestmark = pytest.mark.browser


@pytest.fixture
def tender(demo: dict[str, Any]) -> Any:
    """A published tender of the demo agency, built through the services."""
    from ppp.models import Organisation, User
    from tests.contracts.conftest import approved_model, published_tender

    world: dict[str, Any] = {
        "agency": Organisation.objects.get(tax_code="5700100002"),
        "finance": User.objects.get(username="finance"),
        "approver": User.objects.get(username="approver"),
    }
    world["model"] = approved_model(world)
    return published_tender(world)


def _type_in(page: Any, selector: str, text: str) -> None:
    """Tab has moved the focus to `selector`; type there."""
    from playwright.sync_api import expect

    expect(page.locator(selector)).to_be_focused()
    page.keyboard.type(text)


def test_a_preparer_prices_with_the_keyboard_and_a_signatory_submits(tender, browser, live_server):
    from playwright.sync_api import expect

    from contracts.models import Bid, ScheduleItem

    host = ScheduleItem.objects.get(tender=tender, code="HOST")
    support = ScheduleItem.objects.get(tender=tender, code="SUPPORT")

    page = new_page(browser, live_server)
    sign_in(page, "vendor_a")
    page.goto(f"/contracts/tenders/{tender.pk}/bid/")
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    with page.expect_navigation():
        page.get_by_test_id("start-bid").click()
    bid = Bid.objects.get(tender=tender)
    expect(page.get_by_test_id("bid-status")).to_have_text("Bản nháp")

    # The grid by keyboard only: Tab from cell to cell along the row, the arrow down to the next row.
    page.get_by_test_id("prices-link").click()
    expect(page.get_by_test_id("prices-grid")).to_be_visible()
    page.locator(f"#price-{host.pk}-0").focus()
    page.keyboard.type("40.000.000")
    page.keyboard.press("Tab")
    _type_in(page, f"#price-{host.pk}-1", "40.000.000")
    page.keyboard.press("Tab")
    _type_in(page, f"#price-{host.pk}-2", "40.000.000")
    # The script keeps the amounts up to date while typing.
    expect(page.get_by_test_id("amount-HOST")).to_have_text("1.440.000.000 ₫")
    page.keyboard.press("ArrowDown")
    _type_in(page, f"#price-{support.pk}-2", "260.000.000")
    page.keyboard.press("Shift+Tab")
    _type_in(page, f"#price-{support.pk}-1", "250.000.000")
    page.keyboard.press("Shift+Tab")
    _type_in(page, f"#price-{support.pk}-0", "250.000.000")
    expect(page.get_by_test_id("total-including-vat")).to_have_text("3.104.000.000 ₫")
    with page.expect_navigation():
        page.keyboard.press("Enter")  # the grid's first button is "save"
    expect(page.locator(".messages")).to_be_visible()
    expect(page.locator(f"#price-{support.pk}-2")).to_have_value("260.000.000")
    expect(page.get_by_test_id("total-excluding-vat")).to_have_text("2.960.000.000 ₫")
    expect(page.get_by_test_id("total-including-vat")).to_have_text("3.104.000.000 ₫")
    saved = {price.item.code: price.unit_prices for price in bid.prices.select_related("item")}
    assert saved == {"HOST": ["40000000"] * 3, "SUPPORT": ["250000000", "250000000", "260000000"]}

    # The terms: the bid security the tender asks for, typed the Vietnamese way.
    page.get_by_test_id("terms-link").click()
    page.locator("#id_bid_security_amount").fill("37.800.000")
    page.locator("#id_bid_security_reference").fill("BL-2026-001")
    with page.expect_navigation():
        page.get_by_test_id("save-terms").click()
    expect(page.locator("#id_bid_security_amount")).to_have_value("37.800.000")
    # A preparer is told who submits; there is no submit button for them.
    expect(page.get_by_test_id("signatory-help")).to_be_visible()
    expect(page.get_by_test_id("review-submit")).to_have_count(0)
    page.context.close()

    # The signatory, in English, reviews what is sealed and submits.
    signatory = new_page(browser, live_server)
    sign_in(signatory, "vendor_a_sign")
    switch_language(signatory, "en")
    signatory.goto(f"/contracts/bids/{bid.pk}/")
    signatory.get_by_test_id("review-submit").click()
    expect(signatory.get_by_test_id("page-title")).to_have_text("Submit the bid")
    expect(signatory.get_by_test_id("sealed-total-including-vat")).to_have_text("3,104,000,000 VND")
    with signatory.expect_navigation():
        signatory.get_by_test_id("submit-bid").click()
    expect(signatory.get_by_test_id("page-title")).to_have_text("Bid receipt")
    bid.refresh_from_db()
    assert bid.status == "submitted"
    expect(signatory.get_by_test_id("receipt-hash")).to_have_text(bid.content_hash)
    expect(signatory.get_by_test_id("receipt-number")).to_have_text(bid.receipt_number)
    expect(signatory.get_by_test_id("bid-status")).to_have_text("Submitted")
    switch_language(signatory, "vi")
    expect(signatory.locator("html")).to_have_attribute("lang", "vi")
    expect(signatory.get_by_test_id("receipt-hash")).to_have_text(bid.content_hash)
    expect(signatory.get_by_test_id("receipt-number")).to_have_text(bid.receipt_number)
    signatory.context.close()
