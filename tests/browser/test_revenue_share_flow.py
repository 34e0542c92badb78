"""A PPP contract's year of revenue sharing in the browser, each step by the person whose job it is,
signed in through the login page and reading Vietnamese: the finance officer uploads the year's actuals
(12 months, 2 services) and KPIs on the actuals page and computes the statements on the settlements
page (December only once the band conditions are stated); the approver, never the one who computed,
approves and locks each on its statement page; once the twelve months are locked the finance officer
uploads a correction of June with "replace", June itself is refused, and January 2027 carries the
difference; the forecast page shows the scenarios and the state's P50 / P90 exposure. The vendor reads
its statements; another vendor gets 404.

Set-up straight through the services (the contract pages are tested elsewhere):
tests/revenue_share/test_year_flow_api.py `build_year_contract` with the demo's agency, vendor A and
finance officer: BOT, VND, 1 January 2026 to 31 December 2027, value 80,000,000; KPIs AVAIL (service
credit, target 99.5 %) and RESP; SV-A at 10,000 đ + 10 % VAT, SV-B at 25,000 đ without VAT; a tiered
share of each month's net revenue, 30 % up to 10,000,000 and 20 % above; service credits (shortfall
share, cap 10 %); the revenue band 75 % / 125 % of the plan, 50 % of the gap from the threshold;
plan 180,000,000 in 2026 and 2027.

Through the pages: both uploads, January, March and December 2026 computed and approved, the
correction and January 2027's actuals, January 2027 computed and approved, the forecast, the vendors.
Through the services (finance computes, the approver approves): February and April to November 2026,
so that all twelve months are locked before the correction.

Figures (no refunds, no gateway fees):
- each month of 2026: SV-A 1,000 x 10,000 x 1.1 = 11,000,000 collected, VAT 1,000,000, net 10,000,000;
  SV-B 400 x 25,000 = 10,000,000; net revenue 20,000,000. Share 30 % x 10,000,000 = 3,000,000 +
  20 % x 10,000,000 = 2,000,000 = 5,000,000, which the state (holding the collections) pays.
- March: AVAIL 99.0, 0.5 points x 5,000,000 = 25,000 credited to the state: it pays 4,975,000.
- December: the year's net revenue 240,000,000 against the plan's 180,000,000 (133 %) is above
  125 % x 180,000,000 = 225,000,000; every condition holds, so 50 % x 15,000,000 = 7,500,000 goes to the
  state: December's net payable 5,000,000 − 7,500,000 = −2,500,000. Running balance after December:
  10 x 5,000,000 + 4,975,000 − 2,500,000 = 52,475,000.
- Correction: June's SV-B was 480 transactions (12,000,000): band 2 of June 2,400,000, +400,000 to the
  provider; the year 242,000,000, the band 8,500,000, +1,000,000 to the state. January 2027 (20,000,000
  net, 5,000,000 share) pays 5,000,000 + 400,000 − 1,000,000 = 4,400,000; running balance 56,875,000.
- Forecast at 8 %: 48,000,000 a year to the provider, NPV −80,000,000 + 48,000,000 / 1.08 +
  48,000,000 / 1.08² = 5,596,708; P50 / P90 of the downside band from the seeded Monte Carlo (10,000
  simulations, seed 2026), shown as the service computes them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest

pytestmark = pytest.mark.browser

SETTLEMENT_URL = re.compile(r"/revenue-share/settlements/(\d+)/$")
CONDITIONS = (
    "revenue_audited",
    "cause_planning_policy_or_law_change",
    "price_and_term_adjustments_exhausted",
)


@pytest.fixture
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path


def _year_contract() -> Any:
    from ppp.models import Organisation, User
    from tests.revenue_share.test_year_flow_api import build_year_contract

    finance = User.objects.get(username="finance")
    return build_year_contract(
        agency=finance.memberships.get().organisation,
        vendor=Organisation.objects.get(memberships__user__username="vendor_a"),
        finance=finance,
    )


def _upload(
    page: Any, url: str, name: str, text: str, kind: str, *, rows: int, replace: bool = False
) -> None:
    from playwright.sync_api import expect

    page.goto(url)
    form = page.get_by_test_id("actuals-form")
    form.locator("#id_file").set_input_files({"name": name, "mimeType": "text/csv", "buffer": text.encode()})
    form.locator("#id_kind").select_option(kind)
    if replace:
        form.locator("#id_replace").check()
    with page.expect_navigation():
        page.get_by_test_id("actuals-submit").click()
    expect(page).to_have_url(url)
    expect(page.locator(".messages")).to_have_text(f"Đã nhập {rows} dòng từ {name}.")


def _compute(page: Any, url: str, period: str, *, conditions: bool = False) -> int:
    """Computes the month on the settlements page and returns the statement's pk (from its page)."""
    from playwright.sync_api import expect

    page.goto(url)
    form = page.get_by_test_id("settlement-form")
    form.locator("#id_period").fill(period)
    if conditions:
        for name in CONDITIONS:
            form.locator(f"#id_{name}").select_option(label="Đáp ứng")
    with page.expect_navigation():
        page.get_by_test_id("settlement-submit").click()
    expect(page).to_have_url(SETTLEMENT_URL)
    year, month = period.split("-")
    expect(page.locator(".messages")).to_have_text(
        f"Đã tính bảng quyết toán tháng {month}/{year} (phiên bản 1)."
    )
    expect(page.get_by_test_id("statement-status")).to_have_text("Bản nháp")
    expect(page.get_by_test_id("approve")).to_have_count(0)  # the one who computed never approves
    found = SETTLEMENT_URL.search(page.url)
    assert found is not None, page.url
    return int(found.group(1))


def _approve(page: Any, pk: int) -> None:
    from playwright.sync_api import expect

    page.goto(f"/revenue-share/settlements/{pk}/")
    with page.expect_navigation():
        page.get_by_test_id("approve").click()
    expect(page.locator(".messages")).to_have_text("Bảng quyết toán đã được phê duyệt và khóa.")
    expect(page.get_by_test_id("statement-status")).to_have_text("Đã phê duyệt")
    expect(page.get_by_test_id("approve")).to_have_count(0)


def _line(page: Any, key: str, reference: str) -> Any:
    return page.get_by_test_id(f"line-{key}").filter(has=page.get_by_role("cell", name=reference, exact=True))


def test_a_ppp_contracts_year_is_imported_settled_locked_corrected_and_forecast_in_the_browser(
    people: Callable[[str], Any], _media: None
) -> None:
    from playwright.sync_api import expect

    from ppp.models import User
    from ppp.money import format_amount
    from revenue_share.services.forecasts import contract_forecast
    from revenue_share.services.settlements import settlement_approve, settlement_compute
    from tests.revenue_share import test_year_flow_api as figures

    contract = _year_contract()
    actuals = f"/revenue-share/contracts/{contract.pk}/actuals/"
    settlements = f"/revenue-share/contracts/{contract.pk}/settlements/"

    # The finance officer imports the year's actuals and KPIs.
    finance = people("finance")
    _upload(finance, actuals, "actuals-2026.csv", figures.year_csv(), "volumes", rows=24)
    june = finance.get_by_test_id("month-2026-06")
    expect(june).to_contain_text("1.000")  # SV-A's volume
    expect(june).to_contain_text("10.000.000 ₫")  # SV-B's collections
    expect(june).to_contain_text("21.000.000 ₫")  # all services
    expect(finance.get_by_test_id("period-pivot").locator("tfoot")).to_contain_text("252.000.000 ₫")
    _upload(finance, actuals, "kpi-2026.csv", figures.kpi_csv(), "kpis", rows=24)
    expect(finance.get_by_test_id("kpi-2026-03")).to_contain_text("99")
    expect(finance.get_by_test_id("kpi-2026-04")).to_contain_text("99,9")

    # January (an ordinary month) and March (a service credit) through the pages.
    approver = people("approver")
    january = _compute(finance, settlements, "2026-01")
    expect(finance.get_by_test_id("net-payable")).to_have_text("5.000.000 ₫")
    expect(_line(finance, "tiered_share.band", "1")).to_contain_text("3.000.000 ₫")
    expect(_line(finance, "tiered_share.band", "2")).to_contain_text("2.000.000 ₫")
    _approve(approver, january)
    march = _compute(finance, settlements, "2026-03")
    expect(finance.get_by_test_id("line-service_credits.credit")).to_contain_text("25.000 ₫")
    expect(finance.get_by_test_id("line-service_credits.credit")).to_contain_text("nhà nước")
    expect(finance.get_by_test_id("net-payable")).to_have_text("4.975.000 ₫")
    _approve(approver, march)

    # February and April to November through the services, by the same people.
    users = {user.username: user for user in User.objects.filter(username__in=["finance", "approver"])}
    for month in (2, *range(4, 12)):
        statement = settlement_compute(actor=users["finance"], contract=contract, period=f"2026-{month:02d}")
        assert statement.net_payable_by_state == 5_000_000
        settlement_approve(actor=users["approver"], statement=statement)

    # December closes the plan year: the band conditions must be stated first.
    finance.goto(settlements)
    finance.locator("#id_period").fill("2026-12")
    with finance.expect_navigation():
        finance.get_by_test_id("settlement-submit").click()
    expect(finance).to_have_url(settlements)
    expect(finance.locator("#id_revenue_audited_error")).to_contain_text(
        "Tháng này khép lại năm của phương án tài chính"
    )
    december = _compute(finance, settlements, "2026-12", conditions=True)
    upside = finance.get_by_test_id("line-revenue_band.upside")
    expect(upside).to_contain_text("7.500.000 ₫")
    expect(upside).to_contain_text("nhà nước")
    expect(upside).to_contain_text("2026")
    expect(finance.get_by_test_id("net-payable")).to_have_text("-2.500.000 ₫")
    band = finance.get_by_test_id("band-test")
    expect(band).to_contain_text("Kiểm tra chia sẻ doanh thu năm 2026")
    expect(band).to_contain_text("trên ngưỡng chia sẻ")
    expect(band).to_contain_text("Được chia sẻ trong bảng quyết toán này.")
    for name in ("revenue_audited", "outside_upside_exempt_years", *CONDITIONS[1:]):
        expect(band.get_by_test_id(f"condition-{name}")).to_contain_text("đáp ứng")
    _approve(approver, december)

    # All twelve months are approved and locked; the running balance after December.
    finance.goto(settlements)
    ledger = finance.get_by_test_id("settlement-ledger")
    expect(ledger.get_by_test_id("statement-status")).to_have_count(12)
    expect(ledger.get_by_test_id("statement-status")).to_have_text(["Đã phê duyệt"] * 12)
    expect(ledger.get_by_test_id("running-balance").last).to_have_text("52.475.000 ₫")

    # The correction of June, replacing what was imported; June itself stays locked.
    _upload(finance, actuals, "june-fix.csv", figures.correction_csv(), "volumes", rows=1, replace=True)
    expect(finance.get_by_test_id("uploads").locator("tbody tr").first).to_contain_text("0 mới, 1 thay thế")
    expect(finance.get_by_test_id("month-2026-06")).to_contain_text("23.000.000 ₫")
    finance.goto(settlements)
    finance.locator("#id_period").fill("2026-06")
    with finance.expect_navigation():
        finance.get_by_test_id("settlement-submit").click()
    expect(finance.get_by_test_id("form-errors")).to_contain_text(
        "Bảng quyết toán tháng 06/2026 đã được phê duyệt và khóa"
    )
    expect(finance.get_by_test_id("settlement-ledger").get_by_test_id("net-payable").nth(5)).to_have_text(
        "5.000.000 ₫"
    )

    # January 2027 carries the difference for June and for the 2026 band it changed.
    _upload(finance, actuals, "actuals-2027-01.csv", figures.january_2027_csv(), "volumes", rows=2)
    january_2027 = _compute(finance, settlements, "2027-01")
    expect(finance.get_by_role("table").filter(has_text="Điều chỉnh các tháng đã khóa")).to_be_visible()
    june_band = _line(finance, "adjustment.tiered_share.band", "2026-06/2")
    expect(june_band).to_contain_text("Điều chỉnh kỳ đã khóa")
    expect(june_band).to_contain_text("400.000 ₫")
    expect(june_band).to_contain_text("nhà cung cấp")
    year_band = _line(finance, "adjustment.revenue_band.upside", "2026-12/2026")
    expect(year_band).to_contain_text("1.000.000 ₫")
    expect(year_band).to_contain_text("nhà nước")
    expect(finance.get_by_test_id("net-payable")).to_have_text("4.400.000 ₫")
    _approve(approver, january_2027)
    finance.goto(settlements)
    expect(finance.get_by_test_id("running-balance").last).to_have_text("56.875.000 ₫")

    # The forecast: four scenarios and the state's contingent liability.
    finance.goto(f"/revenue-share/contracts/{contract.pk}/forecast/")
    for name in ("base", "demand_down", "demand_up", "tariff_down"):
        expect(finance.get_by_test_id(f"scenario-{name}")).to_be_visible()
    # The plan's years by position: the page writes them as numbers, "2.026" and data-testid="year-2.026".
    years = finance.get_by_test_id("scenario-base").locator("tbody tr")
    expect(years).to_have_count(2)
    expect(years.nth(0).get_by_test_id("provider-share")).to_have_text("48.000.000 ₫")
    expect(years.nth(1).get_by_test_id("state-share")).to_have_text("132.000.000 ₫")
    base = finance.get_by_test_id("scenario-base")
    expect(base.get_by_test_id("provider-npv")).to_have_text("5.596.708 ₫")
    liability = contract_forecast(contract=contract).liability
    assert liability.p90 > liability.p50 == 0  # a tail risk, not an expected payment
    expect(finance.get_by_test_id("liability-p50")).to_have_text(format_amount(liability.p50, "VND", "vi"))
    expect(finance.get_by_test_id("liability-p90")).to_have_text(format_amount(liability.p90, "VND", "vi"))

    # Vendor A reads its statements; vendor B gets 404.
    vendor = people("vendor_a")
    vendor.goto(settlements)
    expect(vendor.get_by_test_id("settlement-form")).to_have_count(0)
    expect(vendor.get_by_test_id("settlement-ledger").get_by_test_id("statement-status")).to_have_count(13)
    vendor.goto(f"/revenue-share/settlements/{december}/")
    expect(vendor.get_by_test_id("line-revenue_band.upside")).to_contain_text("7.500.000 ₫")
    expect(vendor.get_by_test_id("approve")).to_have_count(0)
    other = people("vendor_b")
    for url in (settlements, f"/revenue-share/settlements/{december}/"):
        assert other.goto(url).status == 404
