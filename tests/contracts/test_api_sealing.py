"""Sealing through the API: a role matrix over every bid-related operation before and after the
opening, and proof that before the opening nothing the agency, its reviewers or an administrator can
call tells them that a bid exists or how many there are.

The roles: anonymous (401); the other vendor (404 on this vendor's bid); the agency's finance officer
and evaluator, the reviewing body's approver and an administrator of another organisation (404
before opening, the same 404 as for a bid that does not exist; after it, 200 for the reads, each read
audited, and 403 for the vendor's writes); the bidding vendor (200 before opening; after it, its
reads 200 and its writes 409, the tender having closed). Every denied request writes nothing.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from contracts import services
from contracts.models import Bid, BidPrice, Tender
from contracts.spreadsheets import price_form
from ppp.models import AuditEntry, Role
from tests.contracts.api_support import BASE, JSON, bearer, close, ok, post
from tests.contracts.conftest import FULL_PRICES, published_tender, submitted_bid
from tests.factories import member
from tests.roles import assert_nothing_written

pytestmark = pytest.mark.django_db

PRICES_B = {"HOST": ["45000000", "45000000", "45000000"], "SUPPORT": ["240000000", "240000000", "240000000"]}
AGENCY_SIDE = ("finance", "evaluator", "approver", "administrator")
NO_SUCH_BID = 10**6


@dataclass(frozen=True)
class Op:
    name: str
    method: str
    path: str  # "{bid}" and "{tender}" are filled in
    body: Callable[[Bid], Any] | None = None
    multipart: bool = False
    signs: bool = False  # the vendor's signatory does it (else its bid preparer)

    def send(self, client: Client, bid: Bid, *, bid_id: int | None = None) -> Any:
        url = BASE + self.path.format(bid=bid.pk if bid_id is None else bid_id, tender=bid.tender_id)
        payload = self.body(bid) if self.body is not None else {}
        if self.method == "get":
            return client.get(url)
        if self.multipart:
            return client.post(url, payload)
        return getattr(client, self.method)(url, json.dumps(payload), content_type=JSON)


def pdf(_bid: Bid) -> dict[str, Any]:
    return {"file": SimpleUploadedFile("de-xuat.pdf", b"%PDF-1.4 de xuat", "application/pdf")}


def filled_form(bid: Bid) -> dict[str, Any]:
    """The bid's own price form, pre-filled with its saved prices: a valid upload."""
    content = price_form(tender=bid.tender, bid=Bid.objects.get(pk=bid.pk), language="en")
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return {"file": SimpleUploadedFile("bao-gia.xlsx", content, xlsx)}


READS = [
    Op("read the bid", "get", "/bids/{bid}"),
    Op("read its receipt", "get", "/bids/{bid}/receipt"),
    Op("download its price form", "get", "/bids/{bid}/price-form.xlsx"),
]
WRITES = [
    Op("change its terms", "patch", "/bids/{bid}", lambda bid: {"discount_rate": "0.02"}),
    Op("save its prices", "put", "/bids/{bid}/prices", lambda bid: {"prices": FULL_PRICES}),
    Op("save its answers", "put", "/bids/{bid}/answers", lambda bid: {"answers": {}}),
    Op("attach a file", "post", "/bids/{bid}/attachments", pdf, multipart=True),
    Op("import its price form", "post", "/bids/{bid}/prices/import", filled_form, multipart=True),
    Op("submit it", "post", "/bids/{bid}/submit", signs=True),
    Op("withdraw it", "post", "/bids/{bid}/withdraw", signs=True),
]
BID_LIST = Op("list the tender's bids", "get", "/tenders/{tender}/bids")
COMPARISON = Op("compare the bids", "get", "/tenders/{tender}/comparison")
START = Op("start a bid", "post", "/tenders/{tender}/bids")


@pytest.fixture
def scene(world) -> dict[str, Any]:
    """A published tender with submitted bids from A and B, another published tender with none,
    and a token client for every role (made first: making one writes its own audit entry)."""
    tender = published_tender(world)
    bid_a = submitted_bid(world, tender)
    bid_b = submitted_bid(world, tender, vendor="b", prices=PRICES_B)
    people = {who: world[who] for who in ("finance", "evaluator", "approver", "preparer_a", "signatory_a",
                                          "preparer_b", "signatory_b")}  # fmt: skip
    people["administrator"] = member(Role.ADMINISTRATOR)
    clients: dict[str, Client | None] = {who: bearer(person) for who, person in people.items()}
    clients["anonymous"] = None
    return {
        "tender": tender,
        "a": bid_a,
        "b": bid_b,
        "empty": published_tender(world),
        "people": people,
        "clients": clients,
    }


def client(scene: dict[str, Any], who: str) -> Client:
    return scene["clients"][who] or Client()


def denied(scene: dict[str, Any], op: Op, who: str, status: int) -> Any:
    """`who` gets `status` and the database is exactly as it was; a 404 is the very body a bid that
    does not exist gets."""
    bid, tender = scene["a"], scene["tender"]
    caller = client(scene, who)
    with assert_nothing_written(bid, tender):
        response = op.send(caller, bid)
    assert response.status_code == status, (op.name, who, response.status_code, response.content[:300])
    body = response.json()
    assert set(body) == {"code", "message", "fields"}, (op.name, who, body)
    if status == 404 and "{bid}" in op.path:
        with assert_nothing_written(bid, tender):
            missing = op.send(caller, bid, bid_id=NO_SUCH_BID)
        assert (missing.status_code, missing.json()) == (404, body), (op.name, who)
    return body


def reads_of(bid: Bid, who: Any) -> int:
    return AuditEntry.objects.filter(action="bid.read", object_id=str(bid.pk), actor=who).count()


def test_before_opening_only_the_bidding_vendor_reaches_its_bid(world, scene, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    bid = scene["a"]
    for op in [*READS, *WRITES]:
        denied(scene, op, "anonymous", 401)
        for who in ("preparer_b", "signatory_b", *AGENCY_SIDE):
            body = denied(scene, op, who, 404)
            assert body["code"] == "bid.not_found"
        vendor = "signatory_a" if op.signs else "preparer_a"
        response = op.send(client(scene, vendor), bid)
        expected = 201 if op.name == "attach a file" else 200
        assert response.status_code == expected, (op.name, response.content[:300])
    assert Bid.objects.get(pk=bid.pk).status == "withdrawn"
    # The vendor starts it again and submits: the agency side still cannot start one for itself.
    denied(scene, START, "anonymous", 401)
    for who in AGENCY_SIDE:
        assert denied(scene, START, who, 403)["code"] == "bid.forbidden"
    assert ok(post(client(scene, "preparer_a"), f"/tenders/{bid.tender_id}/bids"), 201)["id"] == bid.pk
    ok(post(client(scene, "signatory_a"), f"/bids/{bid.pk}/submit"))
    # The list: the agency side is told nothing (the same 404 as for a tender without bids); each
    # vendor sees only its own.
    for who in AGENCY_SIDE:
        body = denied(scene, BID_LIST, who, 404)
        empty = client(scene, who).get(f"{BASE}/tenders/{scene['empty'].pk}/bids")
        assert (empty.status_code, empty.json()) == (404, body)
        assert (
            denied(scene, COMPARISON, who, 404)
            == client(scene, who).get(f"{BASE}/tenders/{scene['empty'].pk}/comparison").json()
        )
    denied(scene, BID_LIST, "anonymous", 401)
    assert [row["id"] for row in ok(BID_LIST.send(client(scene, "preparer_a"), bid))["items"]] == [bid.pk]
    assert [row["id"] for row in ok(BID_LIST.send(client(scene, "preparer_b"), bid))["items"]] == [
        scene["b"].pk
    ]
    for who in ("preparer_a", "preparer_b"):
        denied(scene, COMPARISON, who, 404)  # the estimate line by line is the agency's
    assert not AuditEntry.objects.filter(action="bid.read").exists()


def test_after_opening_the_agency_reads_every_bid_audited_and_nobody_else_writes(
    world, scene, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    bid, tender = scene["a"], scene["tender"]
    close(tender)
    ok(post(client(scene, "evaluator"), f"/tenders/{tender.pk}/open"), 201)
    for op in [*READS, BID_LIST, COMPARISON]:
        denied(scene, op, "anonymous", 401)
        for who in ("preparer_b", "signatory_b"):
            if op is BID_LIST:  # B's own bid, never A's
                assert [row["id"] for row in ok(op.send(client(scene, who), bid))["items"]] == [scene["b"].pk]
            else:
                denied(scene, op, who, 404)
        for who in AGENCY_SIDE:
            person = scene["people"][who]
            before = reads_of(bid, person)
            response = op.send(client(scene, who), bid)
            assert response.status_code == 200, (op.name, who, response.content[:300])
            assert reads_of(bid, person) == before + 1, (op.name, who)
        if op is COMPARISON:
            denied(scene, op, "preparer_a", 404)
        else:
            response = op.send(client(scene, "preparer_a"), bid)
            assert response.status_code == 200, (op.name, response.content[:300])
    assert reads_of(bid, world["preparer_a"]) == 0  # its own people's reads are not "outside" reads
    for op in WRITES:
        denied(scene, op, "anonymous", 401)
        for who in ("preparer_b", "signatory_b"):
            denied(scene, op, who, 404)
        for who in AGENCY_SIDE:
            assert denied(scene, op, who, 403)["code"] == "bid.forbidden", op.name
        vendor = "signatory_a" if op.signs else "preparer_a"
        code = denied(scene, op, vendor, 409)["code"]
        assert code == ("bid.already_submitted" if op.name == "submit it" else "bid.tender_closed"), op.name
    for who in ("preparer_a", "preparer_b"):
        assert denied(scene, START, who, 409)["code"] == "bid.tender_closed"
    assert Bid.objects.get(pk=bid.pk).status == "submitted"


def test_the_correction_is_its_bidders_and_the_figures_the_agencys(world, scene):
    bid, tender = scene["a"], scene["tender"]
    # A's uploaded form wrote 470,000,000 for HOST in 2026 (12 x 40,000,000 = 480,000,000).
    BidPrice.objects.filter(bid=bid, item__code="HOST").update(stated_amounts=["470000000", None, None])
    close(tender)
    services.tender_open(actor=world["finance"], tender=tender)
    tender.refresh_from_db()
    services.evaluation_start(
        actor=world["finance"], tender=tender, chair=world["evaluator"], evaluators=[world["evaluator"]]
    )
    read = Op("read its correction", "get", "/bids/{bid}/correction")
    answer = Op(
        "accept its correction", "post", "/bids/{bid}/correction", lambda b: {"accept": True}, signs=True
    )
    denied(scene, read, "anonymous", 401)
    denied(scene, answer, "anonymous", 401)
    for who in ("preparer_b", "signatory_b"):
        denied(scene, read, who, 404)
        denied(scene, answer, who, 404)
    for who in AGENCY_SIDE:
        assert ok(read.send(client(scene, who), bid))["status"] == "proposed"
        assert denied(scene, answer, who, 403)["code"] == "correction.forbidden"
    assert denied(scene, answer, "preparer_a", 403)["code"] == "correction.forbidden"  # a signatory answers
    proposed = ok(read.send(client(scene, "preparer_a"), bid))
    assert [
        (c["code"], c["rule"], c["before"], c["after"], c["difference"]) for c in proposed["corrections"]
    ] == [("HOST[0]", "unit_price_prevails", "470000000", "480000000", "10000000")]
    assert ok(answer.send(client(scene, "signatory_a"), bid))["status"] == "accepted"
    ok(post(client(scene, "evaluator"), f"/tenders/{tender.pk}/evaluation/compute"))
    results = Op("read the figures", "get", "/tenders/{tender}/evaluation/results")
    for who in ("anonymous",):
        denied(scene, results, who, 401)
    for who in ("preparer_a", "signatory_a", "preparer_b"):
        assert denied(scene, results, who, 404)["code"] == "evaluation.not_found"
    before = reads_of(bid, world["finance"])
    figures = ok(results.send(client(scene, "finance"), bid))
    assert {row["bid"] for row in figures["bids"]} == {bid.pk, scene["b"].pk}
    assert reads_of(bid, world["finance"]) == before + 1


# Nothing tells the agency side that bids exist before the opening.


def _agency_side_views(scene: dict[str, Any], tender: Tender) -> dict[tuple[str, str], tuple[int, Any]]:
    """Everything the agency side can read about the tender and the platform, and the errors it gets
    when it tries to move the tender on."""
    paths = [
        "/tenders",
        f"/tenders/{tender.pk}",
        f"/tenders/{tender.pk}/history",
        f"/tenders/{tender.pk}/amendments",
        f"/tenders/{tender.pk}/clarifications",
        f"/tenders/{tender.pk}/awards",
        f"/tenders/{tender.pk}/opening",
        f"/tenders/{tender.pk}/bids",
        f"/tenders/{tender.pk}/comparison",
        f"/tenders/{tender.pk}/evaluation",
        f"/tenders/{tender.pk}/evaluation/results",
        "/awaiting-decision",
        *(f"/bids/{pk}" for pk in range(1, 6)),
    ]
    seen: dict[tuple[str, str], tuple[int, Any]] = {}
    for who in AGENCY_SIDE:
        caller = client(scene, who)
        for path in paths:
            response = caller.get(BASE + path, {"limit": 500})
            seen[(who, path)] = (response.status_code, response.json())
        for path in ("/api/v1/audit", "/api/v1/audit?object_type=contracts.bid", "/api/v1/notifications"):
            response = caller.get(path)
            seen[(who, path)] = (response.status_code, response.json())
        for path, payload in (
            (f"/tenders/{tender.pk}/open", {}),
            (f"/tenders/{tender.pk}/evaluation", {"chair_id": 1, "evaluator_ids": [1]}),
            (f"/tenders/{tender.pk}/awards", {"bid_id": 1, "reasons": "?"}),
        ):
            with assert_nothing_written(tender):
                response = caller.post(BASE + path, payload, content_type=JSON)
            seen[(who, "POST " + path)] = (response.status_code, response.json())
    return seen


def test_before_opening_no_response_tells_that_a_bid_exists_or_how_many(world):
    tender = published_tender(world)
    people = {who: world[who] for who in ("finance", "evaluator", "approver")}
    people["administrator"] = member(Role.ADMINISTRATOR)
    scene: dict[str, Any] = {"clients": {who: bearer(person) for who, person in people.items()}}
    vendors = {who: bearer(world[who]) for who in ("preparer_a", "signatory_a", "preparer_b", "signatory_b")}
    without_bids = _agency_side_views(scene, tender)
    # Two vendors bid through the API (and B withdraws and bids again).
    receipts = []
    for vendor, prices in (("a", FULL_PRICES), ("b", PRICES_B)):
        preparer, signatory = vendors[f"preparer_{vendor}"], vendors[f"signatory_{vendor}"]
        pk = ok(post(preparer, f"/tenders/{tender.pk}/bids"), 201)["id"]
        ok(preparer.put(f"{BASE}/bids/{pk}/prices", {"prices": prices}, content_type=JSON))
        ok(preparer.patch(f"{BASE}/bids/{pk}", {"bid_security_amount": "37800000"}, content_type=JSON))
        receipts.append(ok(post(signatory, f"/bids/{pk}/submit")))
    ok(post(vendors["signatory_b"], f"/bids/{receipts[1]['bid_id']}/withdraw"))
    ok(post(vendors["preparer_b"], f"/tenders/{tender.pk}/bids"), 201)
    receipts[1] = ok(post(vendors["signatory_b"], f"/bids/{receipts[1]['bid_id']}/submit"))
    assert Bid.objects.filter(tender=tender, status="submitted").count() == 2
    with_bids = _agency_side_views(scene, tender)
    # Every response, body and status, is the same as before there was any bid...
    for key, before in without_bids.items():
        assert with_bids[key] == before, key
    # ...and none names a bid, its receipt or its hash.
    text = json.dumps(list(with_bids.values()), ensure_ascii=False)
    for receipt in receipts:
        assert receipt["receipt_number"] not in text and receipt["content_hash"] not in text
    assert '"contracts.bid"' not in text and '"action": "bid.' not in text
    for who in ("approver", "administrator"):
        status, body = with_bids[(who, "/api/v1/audit?object_type=contracts.bid")]
        assert (status, body["count"], body["items"]) == (200, 0, [])
    assert with_bids[("finance", f"/tenders/{tender.pk}/bids")][0] == 404
    assert with_bids[("finance", f"POST /tenders/{tender.pk}/open")][1]["code"] == "opening.not_closed"


def test_the_audit_log_does_not_show_a_gap_where_sealed_bid_entries_are(world):
    """Entries carry no sequence number or chain hash: hidden bid entries leave nothing to count."""
    tender = published_tender(world)
    approver = bearer(world["approver"])
    question = services.clarification_ask(
        actor=world["preparer_b"], tender=tender, vendor=world["vendor_b"], question="Có cần ISO?"
    )
    bid = submitted_bid(world, tender)
    services.clarification_answer(actor=world["finance"], clarification=question, answer="Có.")
    entries = ok(approver.get("/api/v1/audit", {"limit": 500}))["items"]
    assert entries and all(
        not {"sequence", "previous_hash", "entry_hash", "id"} & set(entry) for entry in entries
    )
    assert not [entry for entry in entries if entry["object_type"] == "contracts.bid"]
    assert bid.receipt_number not in str(entries) and bid.content_hash not in str(entries)


def test_a_sealed_bid_is_not_found_in_the_xlsx_exports_either(world, scene):
    """The tender's blank price form is the same whatever bids exist (nothing of any bid in it)."""
    from openpyxl import load_workbook

    form = client(scene, "finance").get(f"{BASE}/tenders/{scene['tender'].pk}/price-form.xlsx?language=en")
    assert form.status_code == 200
    sheet = load_workbook(io.BytesIO(form.content))["Prices"]
    values = {cell.value for row in sheet.iter_rows() for cell in row if cell.value is not None}
    assert 40_000_000 not in values and 45_000_000 not in values
