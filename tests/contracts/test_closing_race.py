"""50 vendors submit at the closing instant from parallel connections (PostgreSQL): every on-time bid
is stored exactly once, every late one is refused, judged by the database clock."""

from __future__ import annotations

import datetime as dt
import random
import threading
import time

import pytest
from django.db import connection, connections, transaction
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


@pytest.mark.postgres
@pytest.mark.skipif(not ON_POSTGRESQL, reason="needs PostgreSQL: SQLite has one writer and no row locks")
@pytest.mark.django_db(transaction=True)
def test_a_submission_waits_for_an_amendment_in_progress_and_seals_the_amended_terms(world):
    """Submissions only share-lock the tender (so fifty of them run at once), but an amendment locks
    it for update: a submission arriving meanwhile waits, then answers the new version."""
    tender = published_tender(world)
    bid = services.bid_create(actor=world["preparer_a"], tender=tender, vendor=world["vendor_a"])
    services.bid_prices_save(actor=world["preparer_a"], bid=bid, prices=FULL_PRICES)
    services.bid_update(actor=world["preparer_a"], bid=bid, bid_security_amount="37800000")
    locked, release = threading.Event(), threading.Event()
    failures: list[BaseException] = []

    def amend() -> None:  # what tender_amend does to the row, held open
        try:
            with transaction.atomic():
                row = Tender.objects.select_for_update().get(pk=tender.pk)
                locked.set()
                release.wait(timeout=30)
                Tender.objects.filter(pk=row.pk).update(version=row.version + 1)
        except BaseException as error:
            failures.append(error)
        finally:
            connections.close_all()

    def submit() -> None:
        try:
            services.bid_submit(actor=world["signatory_a"], bid=bid)
        except BaseException as error:
            failures.append(error)
        finally:
            connections.close_all()

    amending = threading.Thread(target=amend)
    amending.start()
    assert locked.wait(timeout=30)
    submitting = threading.Thread(target=submit)
    submitting.start()
    submitting.join(timeout=1.0)
    waited = submitting.is_alive()
    still_draft = Bid.objects.get(pk=bid.pk).status == BidStatus.DRAFT
    release.set()
    amending.join(timeout=30)
    submitting.join(timeout=30)
    assert not failures, failures
    assert (waited, still_draft) == (True, True)
    stored = Bid.objects.get(pk=bid.pk)
    assert (stored.status, stored.tender_version) == (BidStatus.SUBMITTED, 2)


@pytest.mark.postgres
@pytest.mark.skipif(not ON_POSTGRESQL, reason="needs PostgreSQL: SQLite has one writer and no row locks")
@pytest.mark.django_db(transaction=True)
def test_two_vendors_bids_on_one_tender_lock_side_by_side(world):
    """The lock a submission takes on its bid and tender does not hold up another vendor's (only the
    audit chain's head, taken last and held for one statement and the commit, lines them up)."""
    from contracts.services import bids as bid_services

    tender = published_tender(world)
    bids = {
        vendor: services.bid_create(
            actor=world[f"preparer_{vendor}"], tender=tender, vendor=world[f"vendor_{vendor}"]
        )
        for vendor in ("a", "b")
    }
    inside, release = threading.Event(), threading.Event()
    failures: list[BaseException] = []
    seen: dict[str, int] = {}

    def lock(vendor: str, hold: bool) -> None:
        try:
            with transaction.atomic():
                seen[vendor] = bid_services._locked(bids[vendor]).tender.version
                if hold:
                    inside.set()
                    release.wait(timeout=30)
        except BaseException as error:
            failures.append(error)
        finally:
            connections.close_all()

    holding = threading.Thread(target=lock, args=("a", True))
    holding.start()
    assert inside.wait(timeout=30)
    other = threading.Thread(target=lock, args=("b", False))
    other.start()
    other.join(timeout=10)
    finished_while_a_held = not other.is_alive()
    release.set()
    holding.join(timeout=30)
    other.join(timeout=30)
    assert not failures, failures
    assert finished_while_a_held and seen == {"a": 1, "b": 1}
