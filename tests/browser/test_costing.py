"""A finance officer builds a cost model in the browser (keyboard in the lines grid), reads its results
with the server-drawn charts and submits it; an approver of the reviewing body approves it. Vietnamese
first, then English.

Figures (real prices, 2026-2027, rate 5 %, VAT 10 %; rule book: PM 3 %, contingency 5 % + 4 %):
  HW 10 servers x 100,000,000 in 2026 = 1,000,000,000; PM 30,000,000;
  contingency 51,500,000 + 41,200,000 = 92,700,000; incl. VAT 1,122,700,000 x 1.1 = 1,234,970,000,
  all in year 0, so the in-house NPV is 1,234,970,000.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import new_page
from tests.browser.test_pages import sign_in, switch_language

pytestmark = pytest.mark.browser


def _type_in(page: Any, selector: str, text: str) -> None:
    """Tab has moved the focus to `selector`; type there."""
    from playwright.sync_api import expect

    expect(page.locator(selector)).to_be_focused()
    page.keyboard.type(text)


def test_a_finance_officer_builds_and_submits_a_model_and_an_approver_approves_it(demo, browser, live_server):
    from playwright.sync_api import expect

    page = new_page(browser, live_server)
    sign_in(page, "finance")
    page.get_by_test_id("main-nav").get_by_role("link", name="Mô hình chi phí").click()
    expect(page.get_by_test_id("page-title")).to_have_text("Mô hình chi phí")
    page.get_by_test_id("new-model").click()
    expect(page.get_by_test_id("page-title")).to_have_text("Lập mô hình chi phí mới")

    page.locator("#id_name").fill("Cổng thông tin điện tử tỉnh")
    page.locator("#id_base_year").fill("2026")
    page.locator("#id_horizon").fill("2")
    page.locator("#id_discount_rate").fill("5")
    page.locator("#id_vat_rate").fill("10")
    page.get_by_test_id("save-model").click()
    expect(page.get_by_test_id("model-status")).to_have_text("Bản nháp")

    # The lines grid of the in-house option, by keyboard only.
    page.get_by_test_id("lines-link-in_house").click()
    expect(page.get_by_test_id("lines-grid")).to_be_visible()
    page.locator("#lines-0-code").focus()
    page.keyboard.type("HW")
    page.keyboard.press("Tab")
    _type_in(page, "#lines-0-name", "Máy chủ ứng dụng")
    page.keyboard.press("Tab")
    expect(page.locator("#lines-0-category")).to_be_focused()
    page.keyboard.press("ArrowDown")  # "—" -> installation
    page.keyboard.press("ArrowDown")  # -> equipment: hardware
    expect(page.locator("#lines-0-category")).to_have_value("equipment_hardware")
    page.keyboard.press("Tab")
    _type_in(page, "#lines-0-unit", "máy chủ")
    page.keyboard.press("Tab")
    _type_in(page, "#lines-0-unit_cost", "100.000.000")
    page.keyboard.press("Tab")
    _type_in(page, "#lines-0-q0", "10")
    page.keyboard.press("Tab")
    _type_in(page, "#lines-0-q1", "0")
    with page.expect_navigation():
        page.keyboard.press("Enter")  # the grid's first button is "save"
    expect(page.locator(".messages")).to_contain_text("Đã lưu các khoản mục.")
    expect(page.locator("#lines-0-unit_cost")).to_have_value("100.000.000")

    # "Add a row" (the script) appends a fresh row and puts the focus in it.
    rows = page.locator("#grid-body tr").count()
    page.get_by_test_id("add-row").click()
    expect(page.locator("#grid-body tr")).to_have_count(rows + 1)
    expect(page.locator(f"#lines-{rows}-code")).to_be_focused()

    # Results: the figure worked out by hand, and the charts drawn on the server.
    page.get_by_role("link", name="Kết quả", exact=True).first.click()
    expect(page.get_by_test_id("npv-in_house")).to_have_text("1.234.970.000 ₫")
    expect(page.get_by_test_id("cumulative-chart").locator("svg[role='img']")).to_be_visible()
    expect(page.get_by_test_id("results-in_house").locator("svg[role='img']")).to_be_visible()
    expect(page.get_by_test_id("derived-in_house")).to_contain_text("51.500.000 ₫")
    expect(page.get_by_test_id("derived-in_house")).to_contain_text("41.200.000 ₫")
    switch_language(page, "en")
    expect(page.get_by_test_id("npv-in_house")).to_have_text("1,234,970,000 VND")
    expect(page.get_by_test_id("page-title")).to_have_text("Results")
    switch_language(page, "vi")

    page.get_by_role("link", name="Tổng quan", exact=True).last.click()
    page.get_by_label("Ghi chú gửi người thẩm định (không bắt buộc)").fill("Kính trình Sở Tài chính.")
    page.get_by_test_id("submit-model").click()
    expect(page.get_by_test_id("model-status")).to_have_text("Đã trình phê duyệt")
    expect(page.get_by_test_id("submit-model")).to_have_count(0)
    page.context.close()

    # The approver reads it in English from the dashboard and approves it.
    reviewer = new_page(browser, live_server)
    sign_in(reviewer, "approver")
    switch_language(reviewer, "en")
    reviewer.get_by_test_id("cost-models-awaiting").get_by_role(
        "link", name="Cổng thông tin điện tử tỉnh"
    ).click()
    expect(reviewer.get_by_test_id("model-status")).to_have_text("Submitted for approval")
    expect(reviewer.get_by_test_id("decisions-table")).to_contain_text("Kính trình Sở Tài chính.")
    reviewer.get_by_label("Note with the approval (optional)").fill("Agreed.")
    reviewer.get_by_test_id("approve-model").click()
    expect(reviewer.get_by_test_id("model-status")).to_have_text("Approved")
    expect(reviewer.locator(".messages")).to_contain_text("Approved: this version is now frozen.")
    switch_language(reviewer, "vi")
    expect(reviewer.get_by_test_id("model-status")).to_have_text("Đã phê duyệt")
    reviewer.context.close()


def test_the_grid_shows_the_failing_cell_and_saves_nothing(demo, browser_page):
    from playwright.sync_api import expect

    page = browser_page
    sign_in(page, "finance")
    page.goto("/costing/new/")
    page.locator("#id_name").fill("Mô hình thử")
    page.locator("#id_base_year").fill("2026")
    page.locator("#id_horizon").fill("1")
    page.locator("#id_discount_rate").fill("5")
    page.locator("#id_vat_rate").fill("10")
    page.get_by_test_id("save-model").click()
    page.get_by_test_id("lines-link-service_hire").click()
    page.locator("#lines-0-code").fill("FEE")
    page.locator("#lines-0-name").fill("Phí dịch vụ")
    page.locator("#lines-0-category").select_option("hosting_cloud")
    page.locator("#lines-0-unit").fill("năm")
    page.locator("#lines-0-unit_cost").fill("mười triệu")
    page.locator("#lines-0-q0").fill("1")
    page.get_by_test_id("save-lines").click()
    expect(page.get_by_test_id("grid-errors")).to_be_visible()
    cell = page.locator("#lines-0-unit_cost")
    expect(cell).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#lines-0-unit_cost-error")).to_have_text("phải là một số")
    expect(cell).to_have_value("mười triệu")  # what was typed stays, to be corrected


def test_the_results_page_fits_a_phone_and_its_tables_scroll(demo, phone_page):
    from playwright.sync_api import expect

    from costing import demo as costing_demo
    from ppp.models import Organisation, User

    agency = Organisation.objects.get(tax_code="5700100002")
    costing_demo.seed(
        agency=agency,
        finance=User.objects.get(username="finance"),
        approver=User.objects.get(username="approver"),
    )
    page = phone_page
    sign_in(page, "finance")
    page.goto("/costing/")
    page.get_by_test_id("model-table").get_by_role("link").first.click()
    page.get_by_role("link", name="Kết quả", exact=True).first.click()
    expect(page.get_by_test_id("totals-table")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
