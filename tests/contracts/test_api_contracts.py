"""Contracts through the API: the agency completes a draft contract, the reviewing body's approver
approves it (never its author, never the vendor), both parties sign, and it is active. Other
organisations get the same 404 as for a missing contract, and a denied request writes nothing."""

from __future__ import annotations

import pytest

from contracts.models import ContractStatus
from ppp.models import Membership, Role
from tests.contracts.api_support import get, ok, patch, post, put, session
from tests.contracts.test_contracting import FIXED_FEE, TERMS, awarded
from tests.factories import member
from tests.roles import assert_nothing_written

pytestmark = pytest.mark.django_db


def test_a_contract_goes_from_award_to_approval_signature_and_activity_through_the_api(world):
    contract = awarded(world)
    finance, approver = session(world["finance"]), session(world["approver"])
    url = f"/contracts/{contract.pk}"

    listed = ok(get(finance, "/contracts"))
    assert [(row["id"], row["status"], row["value"]) for row in listed["items"]] == [
        (contract.pk, "draft", "3041920000")
    ]
    body = ok(patch(finance, url, TERMS))
    assert (body["start_date"], body["end_date"], body["performance_security_rate"]) == (
        "2026-01-01",
        "2028-12-31",
        "0.05",
    )
    bad = patch(finance, url, {"performance_security_rate": "0.5"})
    assert bad.status_code == 400 and "performance_security_rate" in bad.json()["fields"]
    floats = put(
        finance, f"{url}/mechanisms", {"mechanisms": [{"kind": "revenue_cap", "parameters": {"cap": 1.5}}]}
    )
    assert floats.status_code == 400
    assert floats.json()["fields"] == {
        "mechanisms[0].parameters.cap": "must be a decimal number written as text or an integer"
    }
    ok(put(finance, f"{url}/mechanisms", {"mechanisms": [FIXED_FEE]}))
    body = ok(post(finance, f"{url}/submit", {"note": "Kính trình"}))
    assert (body["status"], body["required_approvals"], body["senior_required"]) == ("under_review", 1, False)

    # The author cannot approve, not even with an approver's seat; the vendor neither.
    Membership.objects.create(user=world["finance"], organisation=world["reviewing_body"], role=Role.APPROVER)
    author = session(world["finance"])  # signing in is itself audited: before the check
    with assert_nothing_written(contract):
        denied = post(author, f"{url}/decisions", {"decision": "approve"})
    assert (denied.status_code, denied.json()["code"]) == (403, "contract.own_work")

    body = ok(post(approver, f"{url}/decisions", {"decision": "approve", "comment": "Đồng ý"}))
    assert body["status"] == "approved" and len(body["versions"]) == 1
    assert body["versions"][0]["content_hash"] == body["approved_hash"]
    frozen = patch(finance, url, {"warranty_months": 36})
    assert (frozen.status_code, frozen.json()["code"]) == (409, "contract.frozen")

    agency_signatory = member(Role.SIGNATORY, world["agency"])
    ok(post(session(world["signatory_a"]), f"{url}/sign"))
    body = ok(post(session(agency_signatory), f"{url}/sign"))
    assert body["status"] == ContractStatus.ACTIVE
    assert {s["party_id"] for s in body["signatures"]} == {world["agency"].pk, world["vendor_a"].pk}


def test_other_organisations_cannot_see_or_touch_a_contract(world):
    contract = awarded(world)
    url = f"/contracts/{contract.pk}"
    for who in ("preparer_b", "signatory_b", "outsider"):
        client = session(world[who])
        assert ok(get(client, "/contracts"))["items"] == []
        with assert_nothing_written(contract):
            assert get(client, url).status_code == 404
            assert patch(client, url, {"title": "x"}).status_code == 404
            assert post(client, f"{url}/submit").status_code == 404
    # The winning vendor reads its contract but cannot prepare it.
    vendor = session(world["preparer_a"])
    assert ok(get(vendor, url))["vendor_id"] == world["vendor_a"].pk
    with assert_nothing_written(contract):
        denied = patch(vendor, url, {"title": "x"})
    assert (denied.status_code, denied.json()["code"]) == (403, "contract.forbidden")


def test_the_contract_list_and_a_contract_do_a_constant_number_of_queries(world):
    from tests.contracts.api_support import BASE
    from tests.contracts.test_api_queries_and_schema import queries

    first = awarded(world)
    client = session(world["finance"])
    ok(put(client, f"/contracts/{first.pk}/mechanisms", {"mechanisms": [FIXED_FEE]}))
    one, _ = queries(client, f"{BASE}/contracts")
    detail_one, _ = queries(client, f"{BASE}/contracts/{first.pk}")
    second = awarded(world)
    ok(
        put(
            client,
            f"/contracts/{second.pk}/mechanisms",
            {"mechanisms": [FIXED_FEE, FIXED_FEE | {"kind": "revenue_cap", "parameters": {"cap": "9"}}]},
        )
    )
    two, body = queries(client, f"{BASE}/contracts")
    detail_two, _ = queries(client, f"{BASE}/contracts/{second.pk}")
    assert body["count"] == 2
    assert (one, detail_one) == (two, detail_two)
