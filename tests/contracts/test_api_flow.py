"""The tendering API end to end: a tender built from the approved model, approved and published,
amended and clarified; sealed bids from two vendors (one with personal tokens, one with the browser
session and its CSRF token); opening, evaluation and an approved award that creates the draft
contract, all through /api/v1/contracts, with figures computed by hand.

The tender (tests/contracts/conftest.py): service hire over 2026-2028, VAT 10 %, package price =
the option's nominal lifecycle cost incl. VAT = 3 x (12 x 50,000,000 x 1.1 + 2 x 300,000,000)
= 3,780,000,000; bid security 1 % = 37,800,000; lowest-price method.

Bid A: HOST 12 x 40,000,000 a year = 1,440,000,000 ex VAT (1,584,000,000 incl. 10 %),
       SUPPORT 2 x (250 + 250 + 260) million = 1,520,000,000 (no VAT)
       = 2,960,000,000 ex VAT, 3,104,000,000 incl. VAT, less its 2 % discount = 3,041,920,000;
       not entitled to preference: + 7.5 % = 3,270,064,000 evaluated.
Bid B: HOST 12 x 45,000,000 = 1,620,000,000 (1,782,000,000 incl.), SUPPORT 2 x 240 m x 3 =
       1,440,000,000 = 3,060,000,000 ex VAT, 3,222,000,000 incl., less 2 % = 3,157,560,000;
       x 1.075 = 3,394,377,000 evaluated.
Price scores (scale 100): A 100, B = 3,270,064,000 x 100 / 3,394,377,000 = 96.3377 (4 places).
"""

from __future__ import annotations

import hashlib
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import pytest

from contracts.models import Bid, Contract, Tender
from ppp.models import AuditEntry
from tests.contracts.api_support import (
    bearer,
    close,
    csrf_session,
    get,
    ok,
    patch,
    post,
    put,
    tender_payload,
    upload,
)
from tests.contracts.conftest import FULL_PRICES

pytestmark = pytest.mark.django_db

PRICES_B = {"HOST": ["45000000", "45000000", "45000000"], "SUPPORT": ["240000000", "240000000", "240000000"]}
TERMS = {"bid_security_amount": "37800000", "discount_rate": "0.02"}


def test_a_tender_goes_from_the_approved_model_to_a_draft_contract_through_the_api(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    finance, approver, evaluator = (
        bearer(world["finance"]),
        bearer(world["approver"]),
        bearer(world["evaluator"]),
    )
    preparer_a, signatory_a = bearer(world["preparer_a"]), bearer(world["signatory_a"])
    vendor_b, csrf = csrf_session(world["preparer_b"])
    signatory_b, csrf_b = csrf_session(world["signatory_b"])

    # The draft: schedule and package price from the approved option.
    created = ok(post(finance, "/tenders", tender_payload(world)), 201)
    tender_id = created["id"]
    assert created["status"] == "draft" and created["reference"].startswith("TB-2026-")
    assert (created["package_price"], created["estimate"]) == ("3780000000", "3780000000")
    assert [(i["code"], i["quantities"], i["vat_applicable"]) for i in created["items"]] == [
        ("HOST", ["12", "12", "12"], True),
        ("SUPPORT", ["2", "2", "2"], False),
    ]
    assert created["can_edit"] is True and created["can_decide"] is False
    changed = ok(patch(finance, f"/tenders/{tender_id}", {"scope_of_work": "Hạ tầng và hỗ trợ 3 năm"}))
    assert changed["scope_of_work"] == "Hạ tầng và hỗ trợ 3 năm"
    criterion = ok(
        post(
            finance,
            f"/tenders/{tender_id}/criteria",
            {"kind": "pass_fail", "code": "YC1", "name": "ISO 27001"},
        ),
        201,
    )
    assert (criterion["kind"], criterion["max_points"]) == ("pass_fail", None)

    # Maker-checker approval, then publication.
    assert (
        ok(post(finance, f"/tenders/{tender_id}/submit", {"note": "Xin phê duyệt"}))["status"] == "submitted"
    )
    queue = ok(get(approver, "/awaiting-decision"))
    assert [t["id"] for t in queue["tenders"]] == [tender_id] and queue["awards"] == []
    detail = ok(get(approver, f"/tenders/{tender_id}"))
    assert detail["can_decide"] is True
    approved = ok(post(approver, f"/tenders/{tender_id}/approve", {"note": "Đồng ý"}))
    assert approved["status"] == "approved" and len(approved["content_hash"]) == 64
    published = ok(post(finance, f"/tenders/{tender_id}/publish"))
    assert published["status"] == "published" and published["published_at"] is not None
    assert ok(get(approver, "/awaiting-decision"))["tenders"] == []

    # Vendor A prices, answers, attaches and submits with its tokens.
    bid_a = ok(post(preparer_a, f"/tenders/{tender_id}/bids"), 201)
    a = bid_a["id"]
    assert (bid_a["status"], bid_a["vendor_id"], bid_a["currency"]) == ("draft", world["vendor_a"].pk, "VND")
    priced = ok(put(preparer_a, f"/bids/{a}/prices", {"prices": FULL_PRICES, "currency": "VND"}))
    assert {p["code"]: p["unit_prices"] for p in priced["prices"]} == FULL_PRICES
    ok(patch(preparer_a, f"/bids/{a}", TERMS))
    ok(put(preparer_a, f"/bids/{a}/answers", {"answers": {"YC1": {"complies": True, "response": "Có"}}}))
    content = b"%PDF-1.4 ho so ky thuat"
    attachment = ok(
        upload(preparer_a, f"/bids/{a}/attachments", "Hồ sơ kỹ thuật.pdf", content, "application/pdf"), 201
    )
    assert attachment["sha256"] == hashlib.sha256(content).hexdigest() and attachment["size"] == len(content)
    first = ok(post(signatory_a, f"/bids/{a}/submit"))
    assert first["receipt_number"].startswith(created["reference"]) and len(first["content_hash"]) == 64
    assert first["content_hash"] == Bid.objects.get(pk=a).content_hash
    assert ok(get(preparer_a, f"/bids/{a}/receipt")) == first

    # An amendment: a new version with its diff; A's submitted bid returns to draft.
    amendment = ok(
        post(
            finance,
            f"/tenders/{tender_id}/amendments",
            {"reason": "Làm rõ phạm vi", "scope_of_work": "Phạm vi mới"},
        ),
        201,
    )
    assert amendment["number"] == 1
    assert amendment["changes"] == [
        {
            "field": "scope_of_work",
            "before": "Hạ tầng và hỗ trợ 3 năm",
            "after": "Phạm vi mới",
            "moved_by": None,
        }
    ]
    assert amendment["closing_after"] == amendment["closing_before"]  # 20 days left: no move
    assert ok(get(preparer_a, f"/tenders/{tender_id}/amendments"))["items"] == [amendment]
    assert ok(get(preparer_a, f"/tenders/{tender_id}"))["version"] == 2
    reopened = ok(get(preparer_a, f"/bids/{a}"))
    assert (reopened["status"], reopened["content_hash"]) == ("draft", "")

    # A clarification asked by B, answered, published to A without naming who asked.
    question = ok(
        post(vendor_b, f"/tenders/{tender_id}/clarifications", {"question": "Có cần ISO 27001?"}, **csrf), 201
    )
    ok(post(finance, f"/tenders/{tender_id}/clarifications/{question['id']}/answer", {"answer": "Có."}))
    seen_by_a = ok(get(preparer_a, f"/tenders/{tender_id}/clarifications"))["items"]
    assert seen_by_a == [
        {
            "id": question["id"],
            "question": "Có cần ISO 27001?",
            "answer": "Có.",
            "asked_at": question["asked_at"],
            "answered_at": seen_by_a[0]["answered_at"],
            "is_answered": True,
        }
    ]

    # Vendor B bids through its browser session; without the CSRF token nothing happens.
    assert post(vendor_b, f"/tenders/{tender_id}/bids").status_code == 403
    b = ok(post(vendor_b, f"/tenders/{tender_id}/bids", **csrf), 201)["id"]
    ok(put(vendor_b, f"/bids/{b}/prices", {"prices": PRICES_B}, **csrf))
    ok(patch(vendor_b, f"/bids/{b}", TERMS, **csrf))
    ok(put(vendor_b, f"/bids/{b}/answers", {"answers": {"YC1": {"complies": True}}}, **csrf))
    receipt_b = ok(post(signatory_b, f"/bids/{b}/submit", **csrf_b))
    assert receipt_b["tender_version"] == 2
    # A confirms again for the amended version: a new hash.
    again = ok(post(signatory_a, f"/bids/{a}/submit"))
    assert again["tender_version"] == 2 and again["content_hash"] != first["content_hash"]

    # Closing passes; an evaluator opens; the record is published to every participant.
    close(tender_id)
    opening = ok(post(evaluator, f"/tenders/{tender_id}/open"), 201)
    rows = {row["bid"]: row for row in opening["bids"]}
    assert (rows[a]["price_ex_vat"], rows[a]["price"], rows[a]["price_after_discount"]) == (
        "2960000000",
        "3104000000",
        "3041920000",
    )
    assert (rows[b]["price_ex_vat"], rows[b]["price"], rows[b]["price_after_discount"]) == (
        "3060000000",
        "3222000000",
        "3157560000",
    )
    assert all(row["hash_matches"] for row in opening["bids"]) and len(opening["record_hash"]) == 64
    assert ok(get(signatory_b, f"/tenders/{tender_id}/opening")) == opening

    # The agency now reads the bids, and each read is audited.
    listed = ok(get(finance, f"/tenders/{tender_id}/bids"))
    assert listed["count"] == 2 and {row["id"] for row in listed["items"]} == {a, b}
    assert ok(get(finance, f"/bids/{a}"))["bid_security_amount"] == "37800000"
    assert AuditEntry.objects.filter(action="bid.read", object_id=str(a), actor=world["finance"]).count() == 2
    comparison = ok(get(finance, f"/tenders/{tender_id}/comparison"))
    host = next(item for item in comparison["items"] if item["code"] == "HOST")
    # The model expected 12 x 50,000,000 x 1.1 = 660,000,000 a year; A bid 12 x 40,000,000 x 1.1.
    assert host["estimate"] == ["660000000"] * 3 and host["bids"][str(a)] == ["528000000"] * 3
    assert (comparison["totals"]["estimate"], comparison["totals"][str(a)]) == ("3780000000", "3104000000")

    # Evaluation: the panel, a declaration, the requirement assessed, the figures.
    evaluation = ok(
        post(
            finance,
            f"/tenders/{tender_id}/evaluation",
            {"chair_id": world["evaluator"].pk, "evaluator_ids": [world["evaluator"].pk]},
        ),
        201,
    )
    assert evaluation["status"] == "in_progress" and evaluation["chair"]["id"] == world["evaluator"].pk
    correction = ok(get(signatory_a, f"/bids/{a}/correction"))
    assert (correction["status"], correction["corrections"]) == (
        "accepted",
        [],
    )  # grid prices: nothing to fix
    declared = ok(
        post(evaluator, f"/tenders/{tender_id}/evaluation/declarations", {"has_conflict": False}), 201
    )
    assert declared["evaluator_id"] == world["evaluator"].pk
    for bid in (a, b):
        recorded = ok(
            post(
                evaluator,
                f"/tenders/{tender_id}/evaluation/compliance",
                {"bid_id": bid, "criterion_id": criterion["id"], "passed": True, "consensus": True},
            )
        )
        assert (recorded["consensus"], recorded["evaluator_id"]) == (True, None)
    computed = ok(post(evaluator, f"/tenders/{tender_id}/evaluation/compute"))
    assert computed["status"] == "completed" and len(computed["input_hash"]) == 64
    results = ok(get(finance, f"/tenders/{tender_id}/evaluation/results"))
    figures = {row["bid"]: row for row in results["bids"]}
    assert (figures[a]["price"], figures[a]["evaluated_price"], figures[a]["rank"]) == (
        "3041920000",
        "3270064000",
        1,
    )
    assert (figures[b]["price"], figures[b]["evaluated_price"], figures[b]["rank"]) == (
        "3157560000",
        "3394377000",
        2,
    )
    score_b = Fraction(3_270_064_000 * 100, 3_394_377_000)
    expected = (Decimal(score_b.numerator) / Decimal(score_b.denominator)).quantize(
        Decimal("0.0001"), rounding=ROUND_HALF_UP
    )
    assert (figures[a]["price_score"], figures[b]["price_score"]) == ("100.0000", str(expected))
    assert str(expected) == "96.3377"
    assert results["ranking"] == [a, b] and figures[a]["reasons"] == [] and figures[a]["responsive"]
    assert results["input_hash"] == computed["input_hash"]
    assert ok(get(finance, f"/tenders/{tender_id}"))["status"] == "evaluated"

    # The award: proposed with reasons, approved by the reviewing body, the draft contract made.
    award = ok(
        post(finance, f"/tenders/{tender_id}/awards", {"bid_id": a, "reasons": "Giá đánh giá thấp nhất"}), 201
    )
    assert (award["status"], award["contract_price"], award["contract"]) == ("proposed", "3041920000", None)
    assert [item["id"] for item in ok(get(approver, "/awaiting-decision"))["awards"]] == [award["id"]]
    assert ok(get(signatory_b, f"/tenders/{tender_id}/awards"))["items"] == []  # not published yet
    decided = ok(post(approver, f"/awards/{award['id']}/approve", {"note": "Đồng ý"}))
    assert decided["status"] == "approved" and decided["published_at"] is not None
    contract = decided["contract"]
    assert (contract["status"], contract["value"], contract["vendor_id"], contract["currency"]) == (
        "draft",
        "3041920000",
        world["vendor_a"].pk,
        "VND",
    )
    assert contract["price_schedule"] == FULL_PRICES
    assert Contract.objects.get().award_id == award["id"]
    published_awards = ok(get(signatory_b, f"/tenders/{tender_id}/awards"))["items"]
    assert [(item["id"], item["vendor_name"]) for item in published_awards] == [(award["id"], "Công ty A")]
    assert Tender.objects.get(pk=tender_id).status == "awarded"
    assert ok(get(approver, "/awaiting-decision")) == {
        "tenders": [],
        "awards": [],
        "contracts": [],
        "amendments": [],
    }
    # A took part before the amendment (B only afterwards): each is told what concerns it.
    notices_a = {n["verb"] for n in ok(signatory_a.get("/api/v1/notifications"))["items"]}
    notices_b = {n["verb"] for n in ok(bearer(world["signatory_b"]).get("/api/v1/notifications"))["items"]}
    assert {"tender.amended", "tender.clarified", "tender.opened", "award.won"} <= notices_a
    assert {"tender.opened", "award.lost"} <= notices_b and "tender.amended" not in notices_b
