"""In the browser: the finance officer turns the approved cost model's service-hire option into a
tender and submits it (in Vietnamese); an approver finds it in the review queue and approves it (in
English); the finance officer publishes it; a vendor then sees it open for bids.

The approved model is the one of tests/contracts/conftest.py, built with the demo's people: service
hire over 2026-2028, HOST 12 x 50,000,000 a year (VAT 10 %) and SUPPORT 2 x 300,000,000 (no VAT), so
the package price defaults to 3 x (660,000,000 + 600,000,000) = 3,780,000,000 and the bid security to
the rule book's 1 % for a package up to VND 10 bn = 37,800,000.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import new_page
from tests.browser.test_pages import sign_in, switch_language

pytestmark = pytest.mark.browser


def _approved_model(demo: dict[str, Any]):  # type: ignore[no-untyped-def]
    from ppp.models import User
    from tests.contracts.conftest import approved_model

    finance = User.objects.get(username="finance")
    world = {
        "finance": finance,
        "approver": User.objects.get(username="approver"),
        "agency": finance.memberships.get().organisation,
    }
    return approved_model(world)


def test_a_tender_is_created_from_the_approved_model_submitted_approved_and_published(
    demo, browser, live_server
):
    from playwright.sync_api import expect

    from contracts.models import Tender

    model = _approved_model(demo)
    page = new_page(browser, live_server)
    sign_in(page, "finance")
    page.goto(f"/costing/{model.pk}/")
    page.get_by_test_id("create-tender-service_hire").click()
    expect(page.get_by_test_id("page-title")).to_have_text("Tạo gói thầu")
    expect(page.get_by_test_id("estimate")).to_have_text("3.780.000.000 ₫")
    expect(page.locator("#id_package_price")).to_have_value("3.780.000.000")
    expect(page.locator("#id_bid_security_rate")).to_have_value("1")
    page.locator("#id_title").fill("Thuê dịch vụ cổng dịch vụ công tỉnh")
    page.get_by_test_id("save-tender").click()
    expect(page.get_by_test_id("tender-status")).to_have_text("Bản nháp")
    expect(page.get_by_test_id("package-price")).to_have_text("3.780.000.000 ₫")
    expect(page.get_by_test_id("bid-security")).to_contain_text("37.800.000 ₫")
    expect(page.get_by_test_id("schedule-table")).to_contain_text("Thuê hạ tầng")
    tender = Tender.objects.get(title="Thuê dịch vụ cổng dịch vụ công tỉnh")
    page.get_by_label("Ghi chú gửi người thẩm định (không bắt buộc)").fill("Kính trình Sở Tài chính.")
    page.get_by_test_id("submit-tender").click()
    expect(page.get_by_test_id("tender-status")).to_have_text("Đã trình phê duyệt")
    expect(page.get_by_test_id("submit-tender")).to_have_count(0)
    expect(page.get_by_test_id("approve-tender")).to_have_count(0)  # never one's own work

    # The approver reads it in English from the review queue and approves it.
    reviewer = new_page(browser, live_server)
    sign_in(reviewer, "approver")
    switch_language(reviewer, "en")
    reviewer.get_by_test_id("main-nav").get_by_role("link", name="Review queue").click()
    expect(reviewer.get_by_test_id("page-title")).to_have_text("Review queue")
    reviewer.get_by_test_id("queue-table").get_by_role(
        "link", name="Thuê dịch vụ cổng dịch vụ công tỉnh"
    ).click()
    expect(reviewer.get_by_test_id("tender-status")).to_have_text("Submitted for approval")
    expect(reviewer.get_by_test_id("decisions-table")).to_contain_text("Kính trình Sở Tài chính.")
    reviewer.get_by_label("Note with the approval (optional)").fill("Agreed.")
    reviewer.get_by_test_id("approve-tender").click()
    expect(reviewer.locator(".messages")).to_contain_text(
        "Approved for publication: the finance officer can publish it."
    )
    expect(reviewer.get_by_test_id("tender-status")).to_have_text("Approved for publication")
    reviewer.context.close()

    # The finance officer publishes it, in English this time; then reads it in Vietnamese.
    page.reload()
    switch_language(page, "en")
    expect(page.get_by_test_id("tender-status")).to_have_text("Approved for publication")
    page.get_by_test_id("publish-tender").click()
    expect(page.get_by_test_id("tender-status")).to_have_text("Published")
    expect(page.get_by_test_id("tender-phase")).to_have_text("Open for bids")
    switch_language(page, "vi")
    expect(page.get_by_test_id("tender-status")).to_have_text("Đã đăng tải")
    expect(page.get_by_test_id("tender-phase")).to_have_text("Đang nhận hồ sơ dự thầu")
    page.context.close()
    tender.refresh_from_db()
    assert tender.status == "published" and tender.published_at is not None

    # A vendor finds it among the published tenders, with the way to its bid.
    vendor = new_page(browser, live_server)
    sign_in(vendor, "vendor_a")
    vendor.get_by_test_id("main-nav").get_by_role("link", name="Gói thầu").click()
    row = vendor.get_by_test_id(f"tender-row-{tender.reference}")
    expect(row).to_contain_text("đang nhận hồ sơ")
    expect(row.get_by_test_id(f"my-bid-{tender.reference}")).to_be_visible()
    vendor.context.close()


def test_a_rule_book_error_is_shown_next_to_its_field_and_the_tender_page_works_on_a_phone(
    demo, browser, live_server
):
    from playwright.sync_api import expect

    from contracts.models import Tender

    model = _approved_model(demo)
    option = model.options.get(kind="service_hire")
    page = new_page(browser, live_server)
    sign_in(page, "finance")
    switch_language(page, "en")
    page.goto(f"/contracts/tenders/new/?model={model.pk}&option={option.pk}")
    page.locator("#id_bid_security_rate").fill("5")
    page.get_by_test_id("save-tender").click()
    expect(page.locator("#id_bid_security_rate_error")).to_contain_text("must be between 1% and 1.5%")
    expect(page.locator("#id_bid_security_rate")).to_have_attribute("aria-invalid", "true")
    assert not Tender.objects.exists()
    page.locator("#id_bid_security_rate").fill("1.5")
    page.get_by_test_id("save-tender").click()
    expect(page.get_by_test_id("tender-status")).to_have_text("Draft")
    address = page.url
    page.context.close()

    phone = new_page(
        browser, live_server, viewport={"width": 375, "height": 800}, is_mobile=True, has_touch=True
    )
    sign_in(phone, "finance")
    phone.goto(address)
    schedule = phone.get_by_test_id("schedule-table")
    expect(schedule).to_be_visible()
    # The page itself does not scroll sideways; the wide table scrolls inside its region.
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    phone.context.close()
