"""The settlement pages and the API router (mounted here on a NinjaAPI of its own with the project's
domain error handler; ppp/api.py mounts the same router): who sees what, compute, approve, and the
lists' constant number of queries."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from ninja import NinjaAPI
from ninja.testing import TestClient

from ppp.api import on_domain_error
from ppp.errors import DomainError
from revenue_share.api_settlements import router
from revenue_share.models import SettlementStatement
from tests.revenue_share import test_settlements as base
from tests.revenue_share.test_settlements import ALL_HOLD, compute, save_plan
from tests.roles import assert_nothing_written, client_for

world, _media, settled, banded = base.world, base._media, base.settled, base.banded  # the fixtures

pytestmark = pytest.mark.django_db

_api = NinjaAPI(urls_namespace="settlements-test")
_api.add_router("", router)
_api.add_exception_handler(DomainError, on_domain_error)
API = TestClient(_api)


def test_the_settlement_list_shows_the_contracts_a_person_may_see(settled):
    statement = compute(settled)
    url = reverse("revenue_share:settlement_list")
    page = client_for(settled["preparer"]).get(url)
    assert (
        page.status_code == 200 and f'data-testid="settlement-contract-{settled["contract"].pk}"' in page.text
    )
    assert reverse("revenue_share:settlement_detail", args=[statement.pk]) in page.text
    other = client_for(settled["other_preparer"]).get(url)
    assert other.status_code == 200 and "settlement-contract-" not in other.text


def test_the_contracts_settlements_page_computes_a_month(settled):
    url = reverse("revenue_share:settlement_contract", args=[settled["contract"].pk])
    finance = client_for(settled["finance"])
    assert 'data-testid="settlement-form"' in finance.get(url).text
    response = finance.post(url, {"period": "2026-03"})
    statement = SettlementStatement.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "revenue_share:settlement_detail", args=[statement.pk]
    )
    page = finance.get(url)
    assert f'data-testid="statement-{statement.pk}"' in page.text and "chưa phê duyệt" in page.text
    refused = finance.post(url, {"period": "2027-05"})
    assert refused.status_code == 400 and "nằm ngoài thời hạn hợp đồng" in refused.text


def test_the_vendor_sees_no_compute_form_and_may_not_post(settled):
    url = reverse("revenue_share:settlement_contract", args=[settled["contract"].pk])
    vendor = client_for(settled["preparer"])
    assert 'data-testid="settlement-form"' not in vendor.get(url).text
    with assert_nothing_written():
        assert vendor.post(url, {"period": "2026-03"}).status_code == 403
    other = client_for(settled["other_preparer"])  # signing in is audited: outside the check
    with assert_nothing_written():
        assert other.post(url, {"period": "2026-03"}).status_code == 404


def test_the_statement_page_shows_lines_and_the_approve_button_to_reviewers_only(settled):
    statement = compute(settled)
    url = reverse("revenue_share:settlement_detail", args=[statement.pk])
    approver_page = client_for(settled["approver"]).get(url)
    assert approver_page.status_code == 200 and 'data-testid="approve"' in approver_page.text
    assert 'data-testid="line-service_credits.credit"' in approver_page.text
    vendor_page = client_for(settled["preparer"]).get(url)
    assert vendor_page.status_code == 200 and 'data-testid="approve"' not in vendor_page.text
    assert client_for(settled["other_preparer"]).get(url).status_code == 404
    approve = reverse("revenue_share:settlement_approve", args=[statement.pk])
    vendor, other = client_for(settled["preparer"]), client_for(settled["other_preparer"])
    with assert_nothing_written(statement):
        assert vendor.post(approve).status_code == 403
    with assert_nothing_written(statement):
        assert other.post(approve).status_code == 404
    assert client_for(settled["approver"]).post(approve).status_code == 302
    statement.refresh_from_db()
    assert statement.status == "approved"


def test_the_statement_page_records_a_failing_band_condition(banded):
    save_plan(banded, 60_000_000)
    statement = compute(
        banded, "2026-12", band_conditions={**ALL_HOLD, "price_and_term_adjustments_exhausted": False}
    )
    page = client_for(banded["approver"]).get(reverse("revenue_share:settlement_detail", args=[statement.pk]))
    assert 'data-testid="band-not-shared"' in page.text and ": dưới ngưỡng chia sẻ." in page.text
    assert 'data-testid="condition-price_and_term_adjustments_exhausted"' in page.text
    # The year's 39,830,000 against the plan's 60,000,000, as amounts; each condition by its name.
    assert "Doanh thu thuần của năm 39.830.000 ₫ so với 60.000.000 ₫" in page.text
    assert (
        "Đã áp dụng hết các biện pháp điều chỉnh giá và thời hạn (áp dụng cho phần giảm): "
        "<strong>không đáp ứng</strong>" in page.text
    )
    assert "đã khóa" not in page.text  # a draft


# --- API ---------------------------------------------------------------------------------------------


def _statuses(people: dict[str, Any], method: str, path: str, **options: Any) -> dict[str, int]:
    call = API.post if method == "post" else API.get
    return {
        name: call(path, user=people[name], **options).status_code for name in ("other_preparer", "preparer")
    }


def test_the_api_computes_lists_reads_and_approves(settled):
    contract = settled["contract"]
    path = f"/contracts/{contract.pk}/settlements"
    with assert_nothing_written():
        assert _statuses(settled, "post", path, json={"period": "2026-03"}) == {
            "other_preparer": 404,
            "preparer": 403,
        }
    created = API.post(path, json={"period": "2026-03"}, user=settled["finance"])
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["period"], body["status"], body["net_revenue"], body["net_payable_by_state"]) == (
        "2026-03",
        "draft",
        "14830000",
        "3946170",
    )
    assert body["lines"][0] == {
        "key": "tiered_share.band",
        "label": "Share of net revenue in a band",
        "amount": "3000000",
        "payee": "provider",
        "rule": body["lines"][0]["rule"],
        "inputs": body["lines"][0]["inputs"],
        "reference": "1",
        "section": "share",
    }
    statement_path = f"/settlements/{body['id']}"
    assert API.get(statement_path, user=settled["preparer"]).json()["id"] == body["id"]
    assert API.get(statement_path, user=settled["other_preparer"]).status_code == 404
    with assert_nothing_written():
        refused = API.post(f"{statement_path}/approve", user=settled["finance"])
    assert refused.status_code == 403 and set(refused.json()) == {"code", "message", "fields"}
    approved = API.post(f"{statement_path}/approve", user=settled["approver"])
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    listed = API.get(path, user=settled["preparer"]).json()
    assert [(row["period"], row["running_balance"]) for row in listed] == [("2026-03", "3946170")]
    locked = API.post(path, json={"period": "2026-03"}, user=settled["finance"])
    assert locked.status_code == 409 and locked.json()["code"] == "settlement.locked"
    bad = API.post(path, json={"period": "2026-13"}, user=settled["finance"])
    assert bad.status_code == 400 and "period" in bad.json()["fields"]


def _queries(call: Any) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert call().status_code == 200
    return len(captured)


def test_the_lists_make_the_same_queries_however_many_statements(settled):
    """The settlement list, the contract's statements page and the API's list: one month approved, then
    three more months (one approved) and the same number of queries."""
    contract, finance = settled["contract"], client_for(settled["finance"])
    first = compute(settled)
    base.settlement_approve(actor=settled["approver"], statement=first)
    calls = (
        lambda: finance.get(reverse("revenue_share:settlement_list")),
        lambda: finance.get(reverse("revenue_share:settlement_contract", args=[contract.pk])),
        lambda: API.get(f"/contracts/{contract.pk}/settlements", user=settled["finance"]),
    )
    few = [_queries(call) for call in calls]
    for month in ("2026-04", "2026-05", "2026-06"):
        compute(settled, month)
    base.settlement_approve(
        actor=settled["approver"], statement=SettlementStatement.objects.get(period="2026-04-01")
    )
    assert SettlementStatement.objects.count() == 4
    assert [_queries(call) for call in calls] == few
