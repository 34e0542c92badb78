"""The reviewer's queue with contracts and their amendments: what waits for this approver's decision,
never their own work, never a vendor's they belong to, nor what they have already approved in the
current round; on the page (/review/) and in the API (/awaiting-decision)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from contracts.models import Contract, ContractAmendment
from contracts.services import amendments, contracting
from ppp.models import Membership, Role, RuleSet
from tests.contracts.api_support import get, ok, session
from tests.contracts.test_agency_pages import client_for, text_of
from tests.contracts.test_amendments import MOBILE, active, amend, in_force
from tests.contracts.test_contracting import awarded, ready
from tests.factories import member

pytestmark = pytest.mark.django_db


def rows_of(user, query: str = "") -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    page = text_of(client_for(user, "en").get(reverse("reviewer_queue") + query))
    return re.findall(r'<tr data-testid="queue-row-\d+" data-kind="(\w+)">(.*?)</tr>', page, re.S)


def test_a_contract_under_review_waits_for_approvers_but_not_for_its_author_or_the_vendor(world):
    rule = RuleSet.objects.get(name="contracts.approval_chain")
    rule.parameters = {
        **rule.parameters,
        "single_approver_up_to": "1000000000",
        "senior_required_above": False,
    }
    rule.save()
    contract = ready(world, awarded(world))
    contracting.contract_submit(actor=world["finance"], contract=contract)
    Contract.objects.filter(pk=contract.pk).update(
        submitted_at=timezone.now() - dt.timedelta(days=2, hours=3)
    )
    Membership.objects.create(user=world["finance"], organisation=world["reviewing_body"], role=Role.APPROVER)
    Membership.objects.create(
        user=world["signatory_a"], organisation=world["reviewing_body"], role=Role.APPROVER
    )
    second = member(Role.APPROVER, world["reviewing_body"])

    rows = rows_of(world["approver"])
    assert [kind for kind, _row in rows] == ["contract"]
    assert "2 days, 3 hours" in rows[0][1] and contract.tender.reference in rows[0][1]
    assert reverse("contracts:contract_detail", args=[contract.pk]) in rows[0][1]
    assert rows_of(world["finance"]) == [] and rows_of(world["signatory_a"]) == []
    api = ok(get(session(world["approver"]), "/awaiting-decision"))
    assert [(c["id"], c["status"]) for c in api["contracts"]] == [(contract.pk, "under_review")]
    assert ok(get(session(world["finance"]), "/awaiting-decision"))["contracts"] == []

    # Two approvals needed: once I have approved, it waits only for the others.
    contracting.contract_decide(actor=world["approver"], contract=contract, decision="approve")
    assert rows_of(world["approver"]) == []
    assert [kind for kind, _row in rows_of(second)] == ["contract"]
    assert [kind for kind, _row in rows_of(second, "?kind=amendment")] == []


def test_an_amendment_waits_for_approvers_with_its_flag_and_the_filter_finds_it(world):
    contract = active(world)
    in_force(world, contract, amend(world, contract))
    second = amend(world, contract, rationale="scope_change", description="Thêm ứng dụng di động",
                   prices=None, new_lines=[MOBILE])  # fmt: skip
    amendments.amendment_submit(actor=world["finance"], amendment=second)
    rows = rows_of(world["approver"], "?kind=amendment")
    assert [kind for kind, _row in rows] == ["amendment"]
    assert f"{contract.tender.reference}, amendment 2" in rows[0][1]
    assert 'data-testid="flagged"' in rows[0][1]  # 13.2088 % cumulative, above the 10 % flag
    api = ok(get(session(world["approver"]), "/awaiting-decision"))["amendments"]
    assert [(a["contract_id"], a["number"], a["cumulative_share"], a["flagged"]) for a in api] == [
        (contract.pk, 2, "0.132088", True)
    ]
    assert rows_of(world["signatory_a"]) == []
    amendments.amendment_decide(actor=world["approver"], amendment=second, decision="approve")
    assert rows_of(world["approver"]) == []
    assert ContractAmendment.objects.get(pk=second.pk).status == "approved"
