"""A contract in the browser, each step by the person whose job it is, signed in through the login
page and reading Vietnamese: from the approved award's draft, the finance officer writes the terms and
the payment mechanism on their pages and submits; above the (lowered) threshold the rule book asks two
approvers, one of them senior, who decide from their review queue; each party's signatory signs the
frozen version and the contract is active; an amendment raises a unit price, states its effect, is
approved by the same chain and signed, and the versions page shows the diff while the history page
shows every step.

Figures (tests/contracts/test_amendments.py works them out): the award's contract price is
3,041,920,000 VND; raising SUPPORT's 2028 unit price from 260,000,000 to 300,000,000 (2 people) adds
(1 - 2 % discount) x 2 x 40,000,000 = 78,400,000, 2.58 % of the original, for 3,120,320,000.
The approval-chain rule is lowered to one approver up to VND 1 bn so that this contract needs two.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

pytestmark = pytest.mark.browser

TITLE = "Hợp đồng thuê dịch vụ cổng dịch vụ công tỉnh Quảng Ninh"


def _awarded_contract() -> Any:
    """The tendering tests' award, made through the services by the demo's people."""
    from ppp.models import Organisation, RuleSet, User
    from tests.contracts.conftest import approved_model
    from tests.contracts.test_contracting import awarded

    users = {u.username: u for u in User.objects.all()}
    world: dict[str, Any] = {
        "finance": users["finance"],
        "approver": users["approver"],
        "evaluator": users["evaluator"],
        "agency": users["finance"].memberships.get().organisation,
    }
    for vendor in ("a", "b"):
        world[f"preparer_{vendor}"] = users[f"vendor_{vendor}"]
        world[f"signatory_{vendor}"] = users[f"vendor_{vendor}_sign"]
        world[f"vendor_{vendor}"] = Organisation.objects.get(memberships__user=users[f"vendor_{vendor}"])
    world["model"] = approved_model(world)
    rule = RuleSet.objects.get(name="contracts.approval_chain")
    rule.parameters = {**rule.parameters, "single_approver_up_to": "1000000000"}
    rule.save()
    return awarded(world)


def _decide(page: Any, url: str, *, expect_status: str) -> None:
    from playwright.sync_api import expect

    page.goto("/review/")
    page.locator('tr[data-kind="contract"], tr[data-kind="amendment"]').first.get_by_role(
        "link"
    ).first.click()
    expect(page).to_have_url(url)
    expect(page.get_by_test_id("decide-form")).to_be_visible()
    with page.expect_navigation():
        page.get_by_test_id("decide-contract").or_(page.get_by_test_id("decide-amendment")).click()
    expect(page.get_by_test_id("decide-form")).to_have_count(0)
    expect(
        page.locator('[data-testid="contract-status"], [data-testid="amendment-status"]').last
    ).to_have_text(expect_status)


def _sign(page: Any, url: str, button: str) -> None:
    from playwright.sync_api import expect

    page.goto(url)
    with page.expect_navigation():
        page.get_by_test_id(button).click()
    expect(page.get_by_test_id(button)).to_have_count(0)


def test_a_contract_goes_from_award_through_its_chain_signature_and_an_amendment_to_its_history(
    people: Callable[[str], Any],
) -> None:
    from playwright.sync_api import expect

    from contracts.models import Contract, ContractAmendment
    from contracts.services import amendments

    contract = _awarded_contract()
    detail = f"/contracts/contracts/{contract.pk}/"

    # The finance officer finds the draft in the contract list and writes its terms.
    finance = people("finance")
    finance.goto("/contracts/contracts/")
    finance.get_by_test_id(f"contract-row-{contract.pk}").get_by_role("link").click()
    expect(finance).to_have_url(detail)
    expect(finance.get_by_test_id("contract-status")).to_have_text("Bản nháp")
    finance.get_by_test_id("edit-terms").click()
    finance.locator("#id_title").fill(TITLE)
    finance.locator("#id_start_date").fill("2026-01-01")
    finance.locator("#id_end_date").fill("2028-12-31")
    finance.locator("#id_performance_security_rate").fill("5")
    finance.locator("#id_warranty_months").fill("12")
    finance.locator("#id_data_ownership").fill("Dữ liệu thuộc sở hữu của cơ quan nhà nước.")
    with finance.expect_navigation():
        finance.get_by_test_id("save-terms").click()
    expect(finance).to_have_url(detail)
    terms = finance.get_by_test_id("contract-terms")
    expect(terms).to_contain_text("01/01/2026 – 31/12/2028")
    expect(terms).to_contain_text("5,00% · 152.096.000 ₫")  # 5 % of 3,041,920,000
    # The payment mechanism on its editor: a fixed fee of 1,000,000,000 a year indexed by 4 %.
    finance.get_by_test_id("edit-mechanisms").click()
    fee = finance.get_by_test_id("mechanism-fixed_fee")
    fee.locator('[name="fixed_fee__include"]').check()
    fee.locator('[name="fixed_fee__fee_per_period"]').fill("1.000.000.000")
    fee.locator('[name="fixed_fee__period"]').select_option("annual")
    fee.locator('[name="fixed_fee__indexation_rate"]').fill("4")
    with finance.expect_navigation():
        finance.get_by_test_id("save").click()
    expect(finance).to_have_url(detail)
    expect(finance.get_by_test_id("mechanisms")).to_contain_text("Phí mỗi kỳ: 1.000.000.000")
    expect(finance.get_by_test_id("mechanisms")).to_contain_text("Điều chỉnh giá mỗi năm: 4%")
    finance.locator("#submit-note").fill("Kính trình thẩm định hợp đồng.")
    with finance.expect_navigation():
        finance.get_by_test_id("submit-contract").click()
    expect(finance.get_by_test_id("contract-status")).to_have_text("Đang thẩm định")
    expect(finance.get_by_test_id("approval-chain")).to_contain_text("2")
    expect(finance.get_by_test_id("decide-form")).to_have_count(0)  # never one's own work

    # Two approvers from their queue, the senior one last.
    _decide(people("approver2"), detail, expect_status="Đang thẩm định")
    _decide(people("approver"), detail, expect_status="Đã phê duyệt")
    contract.refresh_from_db()
    expect(finance.get_by_test_id("approved-hash")).to_have_count(0)  # the finance page is not reloaded
    finance.reload()
    expect(finance.get_by_test_id("approved-hash")).to_have_text(contract.approved_hash)

    # Each party's signatory signs the frozen version; then it is active.
    _sign(people("vendor_a_sign"), detail, "sign-contract")
    _sign(people("agency_sign"), detail, "sign-contract")
    expect(people("agency_sign").get_by_test_id("contract-status")).to_have_text("Đang hiệu lực")
    expect(people("agency_sign").get_by_test_id("signatures")).to_contain_text("Đỗ Quang Huy")

    # An amendment: SUPPORT's 2028 unit price 260,000,000 -> 300,000,000.
    finance.goto(f"{detail}amendments/")
    finance.get_by_test_id("start-amendment").click()
    finance.locator("#id_rationale").select_option("price_adjustment")
    finance.locator("#id_description").fill("Điều chỉnh đơn giá nhân sự hỗ trợ năm 2028.")
    row = list(amendments._schedule(contract)).index("SUPPORT")
    finance.locator(f"#id_price_{row}_2").fill("300.000.000")
    with finance.expect_navigation():
        finance.get_by_test_id("save-amendment").click()
    expect(finance.get_by_test_id("value-effect")).to_contain_text("78.400.000 ₫ (2,58%")
    with finance.expect_navigation():
        finance.get_by_test_id("submit-amendment").click()
    amendment_url = f"{detail}amendments/1/"
    _decide(people("approver2"), amendment_url, expect_status="Đang thẩm định")
    _decide(people("approver"), amendment_url, expect_status="Đã phê duyệt, chờ ký")
    _sign(people("vendor_a_sign"), amendment_url, "sign-amendment")
    _sign(people("agency_sign"), amendment_url, "sign-amendment")
    assert ContractAmendment.objects.get(contract=contract).status == "in_force"
    contract = Contract.objects.get(pk=contract.pk)
    assert (contract.version, contract.value) == (2, 3_120_320_000)

    # The versions page shows what changed; the history page shows every step with who did it.
    finance.goto(f"{detail}versions/?a=1&b=2")
    diff = finance.get_by_test_id("version-diff")
    expect(diff).to_contain_text("price_schedule.SUPPORT[2]")
    expect(diff).to_contain_text("260.000.000")
    expect(diff).to_contain_text("3.120.320.000")
    finance.goto(f"{detail}history/")
    history = finance.get_by_test_id("history-table")
    for action in ("contract.updated", "contract.submitted", "contract.approve", "contract.signed",
                   "contract.amendment_submitted", "contract.amendment_signed"):  # fmt: skip
        expect(history).to_contain_text(action)
    expect(history).to_contain_text("Phạm Thu Trang")  # the second approver
    finance.screenshot(path="/tmp/contract-history.png", full_page=True)
