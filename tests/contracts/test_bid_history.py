"""A bid's history page: its vendor reads every change of its own bid at any time (who, when, before
and after); nobody else sees that it exists before the opening; after it the agency reads the same
entries from the opened bid's page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from contracts import services
from tests.contracts.conftest import published_tender, submitted_bid
from tests.contracts.test_agency_pages import client_for, close, text_of

pytestmark = pytest.mark.django_db

ACTIONS = ("bid.created", "bid.priced", "bid.updated", "bid.submitted")


def test_the_vendor_reads_its_bids_history_and_the_agency_only_after_the_opening(world):
    tender = published_tender(world)
    bid = submitted_bid(world, tender)
    own = reverse("contracts:bid_history", args=[bid.pk])
    agency = reverse("contracts:agency_bid_history", args=[tender.pk, bid.pk])
    page = text_of(client_for(world["preparer_a"], "en").get(own))
    for action in ACTIONS:
        assert f"<code>{action}</code>" in page, action
    # The terms the preparer set, as the audit log holds them: no discount before, 2 % after.
    updated = page[page.index("<code>bid.updated</code>") :].split("</tr>")[0]
    before, after = updated.split("</pre>")[:2]
    assert "&quot;discount_rate&quot;: &quot;0.000000&quot;" in before
    assert "&quot;discount_rate&quot;: &quot;0.02&quot;" in after
    assert "&quot;bid_security_amount&quot;: &quot;37800000&quot;" in after
    assert page.index("<code>bid.created</code>") < page.index("<code>bid.submitted</code>")
    # Before the opening: the same 404 for another vendor, the agency and its approver.
    for who in ("preparer_b", "finance", "approver", "outsider"):
        assert client_for(world[who], "en").get(own).status_code == 404, who
        assert client_for(world[who], "en").get(agency).status_code == 404, who
    close(tender)
    services.tender_open(actor=world["finance"], tender=tender)
    page = text_of(client_for(world["finance"], "en").get(agency))
    for action in ACTIONS:
        assert f"<code>{action}</code>" in page, action
    assert client_for(world["preparer_b"], "en").get(own).status_code == 404
    assert client_for(world["preparer_b"], "en").get(agency).status_code == 404


def test_the_api_gives_a_bids_history_to_its_vendor_and_to_the_agency_only_after_the_opening(world):
    from tests.contracts.api_support import get, ok, session

    tender = published_tender(world)
    bid = submitted_bid(world, tender)
    url = f"/bids/{bid.pk}/history"
    body = ok(get(session(world["preparer_a"]), url))
    assert [entry["action"] for entry in body["items"]] == list(ACTIONS)
    for who in ("preparer_b", "finance", "approver"):
        response = get(session(world[who]), url)
        assert (response.status_code, response.json()["code"]) == (404, "bid.not_found"), who
    close(tender)
    services.tender_open(actor=world["finance"], tender=tender)
    agency = [entry["action"] for entry in ok(get(session(world["finance"]), url))["items"]]
    assert agency == list(ACTIONS)
