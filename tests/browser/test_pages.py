"""Each role signs in through the form, sees its dashboard in Vietnamese, then in English."""

from __future__ import annotations

from typing import Any

import pytest

from ppp.demo import USERS

pytestmark = pytest.mark.browser

# The panel headings a person must see: the role names as the Vietnamese and the English reader read them.
ROLE_HEADINGS = {
    "administrator": ("Quản trị viên", "Administrator"),
    "finance_officer": ("Cán bộ tài chính cơ quan", "Agency finance officer"),
    "evaluator": ("Thành viên tổ chuyên gia", "Evaluator"),
    "approver": ("Người phê duyệt (thẩm định)", "Approver (reviewer)"),
    "bid_preparer": ("Người lập hồ sơ dự thầu (nhà thầu)", "Vendor bid preparer"),
    "signatory": ("Người đại diện ký", "Signatory"),
}
ORGANISATIONS = {
    "agency": (
        "Sở Thông tin và Truyền thông tỉnh Quảng Ninh",
        "Quang Ninh Department of Information and Communications",
    ),
    "finance": ("Sở Tài chính tỉnh Quảng Ninh", "Quang Ninh Department of Finance"),
    "vendor_a": ("Công ty Cổ phần Giải pháp Số Việt", "Viet Digital Solutions JSC"),
}
SPEC = {spec.username: spec for spec in USERS}
SIGNED_IN = ["admin", "finance", "evaluator", "approver", "vendor_a", "vendor_a_sign"]


def sign_in(page: Any, username: str, password: str | None = None) -> None:
    """Types into the login form with the keyboard: the username field has focus, Tab reaches the
    password, Enter submits."""
    from playwright.sync_api import expect

    page.goto("/login/")
    expect(page.locator("#id_username")).to_be_focused()
    page.keyboard.type(username)
    page.keyboard.press("Tab")
    expect(page.locator("#id_password")).to_be_focused()
    page.keyboard.type(password if password is not None else SPEC[username].password)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def panel_headings(page: Any) -> dict[str, str]:
    panels = page.locator("[data-testid^='panel-']")
    return {
        panels.nth(i).get_attribute("data-testid").removeprefix("panel-"): panels.nth(i)
        .locator("h2")
        .inner_text()
        .strip()
        for i in range(panels.count())
    }


def switch_language(page: Any, code: str) -> None:
    with page.expect_navigation():
        page.locator(f"[data-testid='language-switch'] button[value='{code}']").click()


@pytest.mark.parametrize("username", SIGNED_IN)
def test_each_role_sees_its_dashboard_in_vietnamese_then_english(demo, browser_page, live_server, username):
    from playwright.sync_api import expect

    page = browser_page
    spec = SPEC[username]
    sign_in(page, username)

    assert page.url == f"{live_server.url}/"
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(page.locator("h1")).to_have_text("Tổng quan")
    assert panel_headings(page) == {role: ROLE_HEADINGS[role][0] for role in spec.roles}
    organisation_vi, organisation_en = ORGANISATIONS[spec.organisation]
    expect(page.get_by_test_id("who")).to_contain_text(spec.full_name)
    expect(page.get_by_test_id("who")).to_contain_text(organisation_vi)
    expect(page.get_by_test_id("who")).to_contain_text(ROLE_HEADINGS[spec.roles[0]][0])

    switch_language(page, "en")

    assert page.url == f"{live_server.url}/"
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_have_text("Dashboard")
    assert panel_headings(page) == {role: ROLE_HEADINGS[role][1] for role in spec.roles}
    expect(page.get_by_test_id("who")).to_contain_text(organisation_en)

    switch_language(page, "vi")
    expect(page.locator("h1")).to_have_text("Tổng quan")


def test_wrong_password_shows_the_vietnamese_error_in_the_form(demo, browser_page, live_server):
    from playwright.sync_api import expect

    page = browser_page
    sign_in(page, "finance", "not-the-password")

    assert page.url.startswith(f"{live_server.url}/login/")
    error = page.locator("form").filter(has=page.locator("#id_password")).get_by_test_id("login-error")
    expect(error).to_have_text(
        "Tên đăng nhập hoặc mật khẩu không đúng. Lưu ý: cả hai đều phân biệt chữ hoa và chữ thường."
    )
    expect(error).to_have_attribute("role", "alert")
    expect(page.locator("#id_username")).to_have_value("finance")


def test_skip_link_is_the_first_tab_stop_and_moves_focus_to_main(demo, browser_page):
    from playwright.sync_api import expect

    page = browser_page
    sign_in(page, "finance")
    page.locator("body").focus()  # start from the top of the page, as after a load

    page.keyboard.press("Tab")
    skip = page.get_by_test_id("skip-link")
    expect(skip).to_be_focused()
    expect(skip).to_have_text("Chuyển đến nội dung chính")
    expect(skip).to_be_in_viewport()  # hidden until focused, then on screen

    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()


def test_a_vendor_has_no_audit_log_link_and_an_approver_has_one(demo, browser, live_server):
    from playwright.sync_api import expect

    from tests.browser.conftest import new_page

    for username, sees_audit_log in (("vendor_a", False), ("vendor_a_sign", False), ("approver", True)):
        page = new_page(browser, live_server)
        sign_in(page, username)
        navigation = page.get_by_test_id("main-nav")
        expect(navigation.get_by_role("link", name="Tổng quan", exact=True)).to_have_count(1)
        expect(navigation.get_by_role("link", name="Nhật ký kiểm toán", exact=True)).to_have_count(
            1 if sees_audit_log else 0
        )
        if not sees_audit_log:
            expect(page.locator("a[href='/audit/']")).to_have_count(0)  # nor anywhere else on the page
        page.context.close()


def test_rule_book_writes_dates_and_numbers_the_readers_way(demo, browser_page):
    from playwright.sync_api import expect

    page = browser_page
    sign_in(page, "approver")
    page.goto("/rules/")
    # Decree 214/2025 took effect on 4 August 2025; its bid-security threshold is VND 10 bn.
    rule = page.locator("[data-rule='bidding.bid_security'][data-version='decree-214-2025']")

    def parameter(name: str) -> Any:
        return rule.locator("tr", has=page.locator(f"code:text-is('{name}')")).locator("td")

    expect(rule.get_by_test_id("valid-from")).to_have_text("04/08/2025")
    expect(parameter("threshold_amount")).to_have_text("10.000.000.000")
    expect(parameter("non_consulting_up_to_threshold_max")).to_have_text("0,015")
    expect(rule).to_contain_text("Nghị định số 214/2025/NĐ-CP")

    switch_language(page, "en")
    expect(rule.get_by_test_id("valid-from")).to_have_text("4 Aug 2025")
    expect(parameter("threshold_amount")).to_have_text("10,000,000,000")
    expect(parameter("non_consulting_up_to_threshold_max")).to_have_text("0.015")
    expect(rule).to_contain_text("Decree 214/2025/NĐ-CP")


def test_language_switch_works_without_javascript(browser, live_server, transactional_db):
    from playwright.sync_api import expect

    from tests.browser.conftest import new_page

    page = new_page(browser, live_server, java_script_enabled=False)
    page.goto("/login/")
    expect(page.locator("h1")).to_have_text("Đăng nhập")
    switch_language(page, "en")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_have_text("Sign in")
    expect(page.get_by_test_id("language-switch").locator("[aria-current='true']")).to_have_text("English")
    page.context.close()


def test_dashboard_fits_a_phone_screen(demo, phone_page):
    from playwright.sync_api import expect

    page = phone_page
    sign_in(page, "approver")
    expect(page.locator("h1")).to_have_text("Tổng quan")
    # Nothing sticks out sideways: the navigation wraps instead of scrolling the page.
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    for link in page.get_by_test_id("main-nav").locator("a").all():
        box = link.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 375
        assert box["height"] >= 24  # a target a thumb can hit (WCAG 2.2 target size minimum)
