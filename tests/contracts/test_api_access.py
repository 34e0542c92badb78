"""Who may do what to a tender through the API: anonymous 401, another organisation 404 (missing and
not-yours look alike), the wrong role 403, the right role succeeds; every denied request writes
nothing. Also the paths the flow does not take: a returned tender, a deleted criterion, the history,
unanswered questions, and an award rejected, cancelled and given to the next bid."""

from __future__ import annotations

from typing import Any

import pytest

from contracts import services
from contracts.models import Contract, Tender
from tests.contracts.api_support import BASE, JSON, close, session, tender_payload
from tests.contracts.conftest import new_tender, published_tender, submitted_bid
from tests.roles import RoleMatrix, assert_nothing_written, client_for

pytestmark = pytest.mark.django_db
PRICES_B = {"HOST": ["45000000", "45000000", "45000000"], "SUPPORT": ["240000000", "240000000", "240000000"]}


def matrix(world: dict[str, Any], *, wrong_role: str, right: str = "finance", **extra: str) -> RoleMatrix:
    return RoleMatrix(
        anonymous=None,
        other_organisation=world["outsider"],
        wrong_role=world[wrong_role],
        right_role=world[right],
        extra={name: world[who] for name, who in extra.items()},
    )


def post(url: str, payload: Any = None):  # type: ignore[no-untyped-def]
    return lambda client: client.post(BASE + url, payload or {}, content_type=JSON)


def test_create(world):
    response = matrix(world, wrong_role="evaluator", vendor="preparer_a").check(
        post("/tenders", tender_payload(world)),
        denied={"anonymous": 401, "other_organisation": 404, "vendor": 404, "wrong_role": 403},
        allowed=201,
    )
    assert (response.json()["status"], response.json()["package_price"]) == ("draft", "3780000000")
    assert Tender.objects.get().created_by == world["finance"]


def test_change_and_submit_a_draft(world):
    tender = new_tender(world)
    denied = {"anonymous": 401, "other_organisation": 404, "vendor": 404, "approver": 404, "wrong_role": 403}
    response = matrix(world, wrong_role="evaluator", vendor="preparer_a", approver="approver").check(
        lambda client: client.patch(f"{BASE}/tenders/{tender.pk}", {"title": "Tên mới"}, content_type=JSON),
        denied=denied,
        allowed=200,
        watched=(tender,),
    )
    assert response.json()["title"] == "Tên mới"
    response = matrix(world, wrong_role="evaluator", vendor="preparer_a", approver="approver").check(
        post(f"/tenders/{tender.pk}/submit", {"note": "Xin duyệt"}),
        denied=denied,
        allowed=200,
        watched=(tender,),
    )
    assert response.json()["status"] == "submitted"


def test_criteria_are_added_and_deleted_on_a_draft_only(world):
    tender = new_tender(world)
    finance = client_for(world["finance"])
    created = finance.post(
        f"{BASE}/tenders/{tender.pk}/criteria",
        {"kind": "technical", "code": "KT1", "name": "Giải pháp", "max_points": "100"},
        content_type=JSON,
    ).json()
    assert (created["code"], created["max_points"]) == ("KT1", "100")
    url = f"{BASE}/tenders/{tender.pk}/criteria/{created['id']}"
    matrix(world, wrong_role="evaluator", vendor="preparer_a", approver="approver").check(
        lambda client: client.delete(url),
        denied={
            "anonymous": 401,
            "other_organisation": 404,
            "vendor": 404,
            "approver": 404,
            "wrong_role": 403,
        },
        allowed=204,
        watched=(tender,),
    )
    assert not tender.criteria.exists()
    assert finance.delete(url).status_code == 404


def test_a_return_needs_the_reviewing_bodys_approver_and_a_note(world):
    tender = new_tender(world)
    services.tender_submit(actor=world["finance"], tender=tender)
    approver = session(world["approver"])  # signing in is audited: before the check
    with assert_nothing_written(tender):
        response = approver.post(f"{BASE}/tenders/{tender.pk}/return", {"note": " "}, content_type=JSON)
    assert (response.status_code, response.json()["fields"]) == (400, {"note": "This field is required."})
    response = matrix(
        world, wrong_role="evaluator", right="approver", vendor="preparer_a", finance="finance"
    ).check(
        post(f"/tenders/{tender.pk}/return", {"note": "Bổ sung tiêu chí"}),
        denied={
            "anonymous": 401,
            "other_organisation": 404,
            "vendor": 404,
            "finance": 403,
            "wrong_role": 403,
        },
        allowed=200,
        watched=(tender,),
    )
    assert response.json()["status"] == "returned" and response.json()["can_edit"] is False
    assert client_for(world["finance"]).get(f"{BASE}/tenders/{tender.pk}").json()["can_edit"] is True


def test_approve_publish_and_amend(world):
    tender = new_tender(world)
    services.tender_submit(actor=world["finance"], tender=tender)
    matrix(world, wrong_role="evaluator", right="approver", vendor="preparer_a", finance="finance").check(
        post(f"/tenders/{tender.pk}/approve"),
        denied={
            "anonymous": 401,
            "other_organisation": 404,
            "vendor": 404,
            "finance": 403,
            "wrong_role": 403,
        },
        allowed=200,
        watched=(tender,),
    )
    matrix(world, wrong_role="evaluator", vendor="preparer_a", approver="approver").check(
        post(f"/tenders/{tender.pk}/publish"),
        denied={
            "anonymous": 401,
            "other_organisation": 404,
            "vendor": 404,
            "approver": 403,
            "wrong_role": 403,
        },
        allowed=200,
        watched=(tender,),
    )
    response = matrix(world, wrong_role="evaluator", vendor="preparer_a", approver="approver").check(
        post(f"/tenders/{tender.pk}/amendments", {"reason": "Làm rõ", "bid_validity_days": 120}),
        denied={
            "anonymous": 401,
            "other_organisation": 404,
            "vendor": 403,
            "approver": 403,
            "wrong_role": 403,
        },
        allowed=201,
        watched=(tender,),
    )
    assert response.json()["changes"] == [
        {"field": "bid_validity_days", "before": 90, "after": 120, "moved_by": None}
    ]


def test_an_approver_who_edited_the_tender_may_not_approve_it(world):
    from tests.factories import MembershipFactory

    MembershipFactory(user=world["approver"], organisation=world["agency"], role="finance_officer")
    tender = new_tender(world)
    both = client_for(world["approver"])
    assert both.patch(f"{BASE}/tenders/{tender.pk}", {"title": "Sửa"}, content_type=JSON).status_code == 200
    services.tender_submit(actor=world["finance"], tender=tender)
    assert both.get(f"{BASE}/tenders/{tender.pk}").json()["can_decide"] is False
    with assert_nothing_written(tender):
        response = both.post(f"{BASE}/tenders/{tender.pk}/approve", {}, content_type=JSON)
    assert (response.status_code, response.json()["code"]) == (403, "tender.own_work")


def test_the_history_is_the_agencys_and_its_reviewers(world):
    tender = published_tender(world)
    url = f"{BASE}/tenders/{tender.pk}/history"
    response = matrix(world, wrong_role="preparer_a", right="evaluator", approver="approver").check(
        lambda client: client.get(url),
        denied={"anonymous": 401, "other_organisation": 404, "wrong_role": 403},
        allowed=200,
    )
    assert [entry["action"] for entry in response.json()["items"]] == [
        "tender.created",
        "tender.submitted",
        "tender.approved",
        "tender.published",
    ]
    assert client_for(world["approver"]).get(url).status_code == 200


def test_questions_the_agency_sees_all_a_vendor_its_own_and_the_answered_ones(world):
    tender = published_tender(world)
    asked = services.clarification_ask(
        actor=world["preparer_a"], tender=tender, vendor=world["vendor_a"], question="Có cần ISO?"
    )
    url = f"{BASE}/tenders/{tender.pk}/clarifications"

    def questions(who: str) -> list[dict[str, Any]]:
        return client_for(world[who]).get(url).json()["items"]

    assert [q["id"] for q in questions("finance")] == [asked.pk]
    assert [q["id"] for q in questions("preparer_a")] == [asked.pk]
    assert questions("preparer_b") == []
    answer_url = f"{url}/{asked.pk}/answer"
    matrix(world, wrong_role="evaluator", vendor="preparer_a", other_vendor="preparer_b").check(
        post(f"/tenders/{tender.pk}/clarifications/{asked.pk}/answer", {"answer": "Có."}),
        denied={
            "anonymous": 401,
            "other_organisation": 404,
            "other_vendor": 404,
            "vendor": 403,
            "wrong_role": 403,
        },
        allowed=200,
        watched=(asked,),
    )
    for who in ("preparer_b", "approver", "preparer_a", "finance"):
        (shown,) = questions(who)
        assert set(shown) == {"id", "question", "answer", "asked_at", "answered_at", "is_answered"}, who
        assert (shown["question"], shown["answer"], shown["is_answered"]) == ("Có cần ISO?", "Có.", True)
    unverified, finance = client_for(world["preparer_c"]), client_for(world["finance"])
    with assert_nothing_written():
        response = unverified.post(url, {"question": "?"}, content_type=JSON)
    assert (response.status_code, response.json()["code"]) == (404, "tender.not_found")  # unverified
    with assert_nothing_written():
        response = finance.post(url, {"question": "?"}, content_type=JSON)
    assert (response.status_code, response.json()["code"]) == (403, "clarification.forbidden")
    assert finance.post(answer_url, {"answer": "x"}, content_type=JSON).status_code == 409


def test_opening_is_for_the_agencys_finance_officers_and_evaluators(world):
    tender = published_tender(world)
    submitted_bid(world, tender)
    close(tender)
    response = matrix(world, wrong_role="approver", right="evaluator", vendor="preparer_a").check(
        post(f"/tenders/{tender.pk}/open"),
        denied={"anonymous": 401, "other_organisation": 404, "vendor": 403, "wrong_role": 403},
        allowed=201,
        watched=(tender,),
    )
    assert [row["vendor"] for row in response.json()["bids"]] == ["Công ty A"]
    for who in ("preparer_a", "preparer_b", "approver"):  # published to every participant
        assert client_for(world[who]).get(f"{BASE}/tenders/{tender.pk}/opening").json() == response.json()


def _evaluated(world):  # type: ignore[no-untyped-def]
    tender = published_tender(world)
    bid_a = submitted_bid(world, tender)
    bid_b = submitted_bid(world, tender, vendor="b", prices=PRICES_B)
    close(tender)
    services.tender_open(actor=world["finance"], tender=tender)
    evaluation = services.evaluation_start(
        actor=world["finance"], tender=Tender.objects.get(pk=tender.pk), chair=world["evaluator"],
        evaluators=[world["evaluator"]],
    )  # fmt: skip
    services.evaluation_compute(actor=world["evaluator"], evaluation=evaluation)
    return Tender.objects.get(pk=tender.pk), bid_a, bid_b


def test_the_evaluation_is_the_agencys_and_its_reviewers(world):
    tender = published_tender(world)
    submitted_bid(world, tender)
    close(tender)
    services.tender_open(actor=world["finance"], tender=tender)
    payload = {"chair_id": world["evaluator"].pk, "evaluator_ids": [world["evaluator"].pk]}
    response = matrix(world, wrong_role="evaluator", vendor="preparer_a", approver="approver").check(
        post(f"/tenders/{tender.pk}/evaluation", payload),
        denied={
            "anonymous": 401,
            "other_organisation": 404,
            "vendor": 403,
            "approver": 403,
            "wrong_role": 403,
        },
        allowed=201,
        watched=(tender,),
    )
    assert [person["id"] for person in response.json()["evaluators"]] == [world["evaluator"].pk]
    url = f"{BASE}/tenders/{tender.pk}/evaluation"
    for who, status in (("preparer_a", 404), ("outsider", 404), ("approver", 200), ("evaluator", 200)):
        assert client_for(world[who]).get(url).status_code == status, who
    declare = f"{url}/declarations"
    finance = client_for(world["finance"])
    with assert_nothing_written():
        response = finance.post(declare, {"has_conflict": False}, content_type=JSON)
    assert (response.status_code, response.json()["code"]) == (
        403,
        "evaluation.forbidden",
    )  # not on the panel
    evaluator = client_for(world["evaluator"])
    assert evaluator.post(declare, {"has_conflict": False}, content_type=JSON).status_code == 201
    assert evaluator.post(declare, {"has_conflict": False}, content_type=JSON).status_code == 409


def test_an_award_rejected_then_approved_then_cancelled_goes_to_the_next_bid(world):
    tender, bid_a, bid_b = _evaluated(world)
    url = f"/tenders/{tender.pk}/awards"
    finance = session(world["finance"])
    with assert_nothing_written(tender):
        response = finance.post(BASE + url, {"bid_id": bid_b.pk, "reasons": "Giá tốt"}, content_type=JSON)
    assert response.json()["fields"] == {
        "bid_id": f"the award goes to the best-ranked bid not yet cancelled (bid {bid_a.pk})"
    }
    proposed = matrix(world, wrong_role="evaluator", vendor="signatory_a", other_vendor="signatory_b",
                      approver="approver").check(
        post(url, {"bid_id": bid_a.pk, "reasons": "Giá thấp nhất"}),
        denied={"anonymous": 401, "other_organisation": 404, "vendor": 403, "other_vendor": 404,
                "approver": 403, "wrong_role": 403},
        allowed=201,
        watched=(tender,),
    ).json()  # fmt: skip
    award_url = f"/awards/{proposed['id']}"
    assert client_for(world["signatory_b"]).get(BASE + award_url).status_code == 404  # not yet published
    rejected = (
        matrix(world, wrong_role="evaluator", right="approver", finance="finance", vendor="signatory_a")
        .check(
            post(f"{award_url}/reject", {"note": "Thiếu thẩm định giá"}),
            denied={
                "anonymous": 401,
                "other_organisation": 404,
                "vendor": 404,
                "finance": 403,
                "wrong_role": 403,
            },
            allowed=200,
        )
        .json()
    )
    assert (rejected["status"], rejected["decision_note"]) == ("rejected", "Thiếu thẩm định giá")
    again = (
        client_for(world["finance"])
        .post(BASE + url, {"bid_id": bid_a.pk, "reasons": "Đã bổ sung"}, content_type=JSON)
        .json()
    )
    approved = client_for(world["approver"]).post(
        f"{BASE}/awards/{again['id']}/approve", {}, content_type=JSON
    )
    assert approved.json()["contract"]["value"] == "3041920000"
    assert client_for(world["signatory_b"]).get(f"{BASE}/awards/{again['id']}").json()["status"] == "approved"
    assert client_for(world["outsider"]).get(f"{BASE}/awards/{again['id']}").status_code == 404
    cancelled = (
        matrix(world, wrong_role="evaluator", approver="approver", vendor="signatory_a")
        .check(
            post(f"/awards/{again['id']}/cancel", {"reason": "Không ký hợp đồng"}),
            denied={
                "anonymous": 401,
                "other_organisation": 404,
                "vendor": 403,
                "approver": 403,
                "wrong_role": 403,
            },
            allowed=200,
        )
        .json()
    )
    assert (cancelled["status"], cancelled["contract"]) == ("cancelled", None)
    assert not Contract.objects.exists()
    assert client_for(world["finance"]).get(f"{BASE}/tenders/{tender.pk}").json()["status"] == "evaluated"
    listed = client_for(world["finance"]).get(BASE + url).json()["items"]
    assert [item["status"] for item in listed] == ["rejected", "cancelled"]
    assert client_for(world["signatory_b"]).get(BASE + url).json()["items"] == []
    nxt = client_for(world["finance"]).post(
        BASE + url, {"bid_id": bid_b.pk, "reasons": "Xếp hạng 2"}, content_type=JSON
    )
    assert (nxt.status_code, nxt.json()["contract_price"]) == (201, "3157560000")
