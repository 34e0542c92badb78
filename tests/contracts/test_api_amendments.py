"""Amendments through the API: an active contract's price adjustment (78,400,000 VND, 2.5773 % of
3,041,920,000: see test_amendments' hand calculation) goes through the chain again, is signed by
both parties and shows in the diff between versions 1 and 2. Its authors and the vendor never
approve it; other organisations get the same 404 as for a missing contract; nothing is written on
a refusal."""

from __future__ import annotations

import pytest

from ppp.models import Membership, Role
from tests.contracts.api_support import get, ok, post, put, session
from tests.contracts.test_amendments import SUPPORT_RAISE, active
from tests.contracts.test_contracting import TERMS
from tests.roles import assert_nothing_written

pytestmark = pytest.mark.django_db

BODY = {"rationale": "price_adjustment", "description": "Điều chỉnh giá nhân công", "prices": SUPPORT_RAISE}


def test_an_amendment_goes_through_the_chain_again_and_the_diff_shows_it(world):
    contract = active(world)
    url = f"/contracts/{contract.pk}/amendments"
    finance, approver = session(world["finance"]), session(world["approver"])
    vendor = session(world["signatory_a"])

    bad = post(finance, url, {**BODY, "prices": {"SUPPORT": ["1", "x", "1"]}})
    assert (bad.status_code, bad.json()["fields"]) == (400, {"prices.SUPPORT[1]": "must be a number"})
    created = post(finance, url, BODY)
    assert created.status_code == 201
    body = created.json()
    assert (body["number"], body["value_effect"], body["effect_share"], body["value_after"]) == (
        1,
        "78400000",
        "0.025773",
        "3120320000",
    )
    assert ok(get(vendor, url)) == []  # a draft is the agency's own
    ok(put(finance, f"{url}/1", {**BODY, "description": "Điều chỉnh giá nhân công năm 2028"}))
    assert ok(post(finance, f"{url}/1/submit", {"note": "Kính trình"}))["status"] == "under_review"

    Membership.objects.create(user=world["finance"], organisation=world["reviewing_body"], role=Role.APPROVER)
    Membership.objects.create(
        user=world["signatory_a"], organisation=world["reviewing_body"], role=Role.APPROVER
    )
    author, vendor = session(world["finance"]), session(world["signatory_a"])  # sign-ins are audited
    with assert_nothing_written(contract):
        own = post(author, f"{url}/1/decisions", {"decision": "approve"})
        theirs = post(vendor, f"{url}/1/decisions", {"decision": "approve"})
    assert (own.status_code, own.json()["code"]) == (403, "contract.own_work")
    assert (theirs.status_code, theirs.json()["code"]) == (403, "contract.vendor")

    assert ok(post(approver, f"{url}/1/decisions", {"decision": "approve"}))["status"] == "approved"
    assert [row["number"] for row in ok(get(vendor, url))] == [1]
    ok(post(vendor, f"{url}/1/sign"))
    body = ok(post(session(world["agency_signatory"]), f"{url}/1/sign"))
    assert body["status"] == "in_force"

    detail = ok(get(finance, f"/contracts/{contract.pk}"))
    assert (detail["version"], detail["value"]) == (2, "3120320000")
    diff = ok(get(approver, f"/contracts/{contract.pk}/versions/diff?a=1&b=2"))
    assert [(row["path"], row["before"], row["after"]) for row in diff["changes"]] == [
        ("price_schedule.SUPPORT[2]", "260000000", "300000000"),
        ("value", "3041920000.0000", "3120320000.0000"),
        ("version", 1, 2),
    ]
    missing = get(approver, f"/contracts/{contract.pk}/versions/diff?a=1&b=3")
    assert (missing.status_code, missing.json()["code"]) == (404, "version.not_found")

    # The full history, oldest first, with who did what and the values before and after.
    history = ok(get(approver, f"/contracts/{contract.pk}/history?limit=100"))
    actions = [(entry["action"], entry["actor_label"]) for entry in history["items"]]
    assert [a for a, _who in actions] == [
        "contract.created", "contract.updated", "contract.mechanism_saved", "contract.submitted",
        "contract.approve", "contract.signed", "contract.signed", "contract.amendment_started",
        "contract.amendment_changed", "contract.amendment_submitted", "contract.amendment_approve",
        "contract.amendment_signed", "contract.amendment_signed",
    ]  # fmt: skip
    updated = history["items"][1]
    assert (updated["before"]["title"], updated["after"]["title"]) == ("", TERMS["title"])
    assert actions[4] == ("contract.approve", world["approver"].username)
    assert history["items"][0]["after"]["value"] == "3041920000.0000"
    hidden = get(vendor, f"/contracts/{contract.pk}/history")
    assert (hidden.status_code, hidden.json()["code"]) == (404, "contract.not_found")


def test_other_organisations_cannot_see_or_amend_a_contract(world):
    contract = active(world)
    url = f"/contracts/{contract.pk}/amendments"
    ok(post(session(world["finance"]), url, BODY), 201)
    for who in ("preparer_b", "signatory_b", "outsider"):
        client = session(world[who])
        with assert_nothing_written(contract):
            assert get(client, url).status_code == 404
            assert get(client, f"{url}/1").status_code == 404
            assert post(client, url, BODY).status_code == 404
            assert post(client, f"{url}/1/submit").status_code == 404
            assert get(client, f"/contracts/{contract.pk}/versions/diff?a=1&b=1").status_code == 404
    # The vendor reads its contract but neither starts nor submits an amendment.
    vendor = session(world["preparer_a"])
    with assert_nothing_written(contract):
        assert post(vendor, url, BODY).status_code in (403, 409)
        assert get(vendor, f"{url}/1").status_code == 404  # a draft: not yet the vendor's to see
