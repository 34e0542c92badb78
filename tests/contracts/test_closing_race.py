"""50 vendors submit at the closing instant from parallel connections (PostgreSQL): every on-time bid
is stored exactly once, every late one is refused, judged by the database clock."""

from __future__ import annotations

import datetime as dt
import random
import threading
import time

import pytest
from django.db import connection, connections
from django.utils import timezone

from contracts import services
from contracts.models import Bid, BidStatus, Tender
from ppp.errors import Conflict
from ppp.models import AuditEntry, OrganisationKind, Role
from tests.contracts.conftest import FULL_PRICES, published_tender
from tests.factories import OrganisationFactory, member

ON_POSTGRESQL = connection.vendor == "postgresql"
VENDORS = 50


@pytest.mark.postgres
@pytest.mark.skipif(not ON_POSTGRESQL, reason="needs PostgreSQL: SQLite has one writer and no row locks")
@pytest.mark.django_db(transaction=True)  # the rule book is put back by tests/conftest.py
def test_fifty_vendors_submitting_at_the_closing_instant(world):
    tender = published_tender(world)
    signatories = []
    bids = []
    for index in range(VENDORS):
        vendor = OrganisationFactory(kind=OrganisationKind.VENDOR, name=f"Nhà thầu {index}")
        preparer = member(Role.BID_PREPARER, vendor)
        signatories.append(member(Role.SIGNATORY, vendor))
        bid = services.bid_create(actor=preparer, tender=tender, vendor=vendor)
        services.bid_prices_save(actor=preparer, bid=bid, prices=FULL_PRICES)
        services.bid_update(actor=preparer, bid=bid, bid_security_amount="37800000")
        bids.append(bid)
    # Close about one second from now; the submissions spread over half a second either side of it.
    closing = timezone.now() + dt.timedelta(seconds=1.2)
    Tender.objects.filter(pk=tender.pk).update(
        publication_at=closing - dt.timedelta(days=20),
        clarification_deadline=closing - dt.timedelta(days=1),
        closing_at=closing,
        opening_at=closing + dt.timedelta(hours=1),
    )
    barrier = threading.Barrier(VENDORS)
    outcomes: dict[int, str] = {}
    failures: list[BaseException] = []
    rng = random.Random(2026)
    delays = [rng.uniform(0.7, 1.7) for _ in range(VENDORS)]

    def submit(index: int) -> None:
        try:
            barrier.wait(timeout=30)
            time.sleep(delays[index])
            try:
                services.bid_submit(actor=signatories[index], bid=bids[index])
            except Conflict as error:
                outcomes[bids[index].pk] = error.code
            else:
                outcomes[bids[index].pk] = "accepted"
        except BaseException as error:  # the test must see any other failure
            failures.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit, args=(i,)) for i in range(VENDORS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not failures, failures
    assert len(outcomes) == VENDORS
    accepted = {pk for pk, outcome in outcomes.items() if outcome == "accepted"}
    refused = {pk for pk, outcome in outcomes.items() if outcome != "accepted"}
    assert {outcomes[pk] for pk in refused} <= {"bid.tender_closed"}
    stored = {bid.pk: bid for bid in Bid.objects.filter(tender=tender)}
    closing_at = Tender.objects.get(pk=tender.pk).closing_at
    for pk in accepted:
        assert stored[pk].status == BidStatus.SUBMITTED
        assert stored[pk].submitted_at < closing_at  # by the database clock
    for pk in refused:
        assert stored[pk].status == BidStatus.DRAFT and stored[pk].submitted_at is None
    # Exactly once: one submission entry per accepted bid, none for the refused.
    submitted_entries = AuditEntry.objects.filter(action="bid.submitted", object_type="contracts.bid")
    assert sorted(int(e.object_id) for e in submitted_entries) == sorted(accepted)
    # The spread straddles the closing, so both outcomes happen.
    assert accepted and refused
