"""List operations of the tendering API do a fixed number of queries whatever the number of rows
(2 and 10), and the OpenAPI document lists every tendering operation with a summary and its errors."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from contracts import services
from tests.contracts.api_support import BASE, bearer
from tests.contracts.conftest import new_tender, published_tender

pytestmark = pytest.mark.django_db


def queries(client, url: str, **params: Any) -> tuple[int, dict]:
    client.get(url, params)  # warm up: the token's last use, anything cached per process
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200, response.content[:500]
    return len(captured.captured_queries), response.json()


@pytest.mark.parametrize("reader", ["finance", "approver", "preparer_a"])
def test_the_tender_list_does_the_same_number_of_queries_for_2_and_10_tenders(world, reader):
    client = bearer(world[reader])
    url = f"{BASE}/tenders"
    for _ in range(2):
        published_tender(world)
    few, body = queries(client, url, limit=100)
    assert body["count"] == 2 and len(body["items"]) == 2
    for _ in range(8):
        published_tender(world)
    many, body = queries(client, url, limit=100)
    assert body["count"] == 10 and {item["status"] for item in body["items"]} == {"published"}
    assert many == few


def test_the_approvers_queue_does_the_same_number_of_queries_for_2_and_10_tenders(world):
    client = bearer(world["approver"])

    def submit(count: int) -> None:
        for _ in range(count):
            services.tender_submit(actor=world["finance"], tender=new_tender(world))

    submit(2)
    few, body = queries(client, f"{BASE}/awaiting-decision")
    assert len(body["tenders"]) == 2
    submit(8)
    many, body = queries(client, f"{BASE}/awaiting-decision")
    assert len(body["tenders"]) == 10 and body["awards"] == []
    assert many == few


def test_clarifications_amendments_and_history_lists_do_not_grow_in_queries(world):
    tender = published_tender(world)
    finance, vendor = bearer(world["finance"]), bearer(world["preparer_b"])

    def add(count: int, start: int) -> None:
        for number in range(start, start + count):
            question = services.clarification_ask(
                actor=world["preparer_a"], tender=tender, vendor=world["vendor_a"], question=f"Câu {number}?"
            )
            services.clarification_answer(actor=world["finance"], clarification=question, answer="Có.")
            services.tender_amend(
                actor=world["finance"],
                tender=tender,
                reason=f"Sửa {number}",
                scope_of_work=f"Phạm vi {number}",
            )

    add(2, 0)
    counts = {}
    for client, path in (
        (vendor, "clarifications"),
        (finance, "clarifications"),
        (vendor, "amendments"),
        (finance, "history"),
    ):
        counts[(client, path)] = queries(client, f"{BASE}/tenders/{tender.pk}/{path}", limit=100)
    add(8, 2)
    for (client, path), (few, body) in counts.items():
        many, grown = queries(client, f"{BASE}/tenders/{tender.pk}/{path}", limit=100)
        assert many == few, path
        assert grown["count"] > body["count"], path
    assert queries(vendor, f"{BASE}/tenders/{tender.pk}/amendments", limit=100)[1]["count"] == 10


OPERATIONS = {
    ("get", "/tenders"),
    ("post", "/tenders"),
    ("get", "/tenders/{tender_id}"),
    ("patch", "/tenders/{tender_id}"),
    ("post", "/tenders/{tender_id}/criteria"),
    ("delete", "/tenders/{tender_id}/criteria/{criterion_id}"),
    ("post", "/tenders/{tender_id}/submit"),
    ("post", "/tenders/{tender_id}/approve"),
    ("post", "/tenders/{tender_id}/return"),
    ("post", "/tenders/{tender_id}/publish"),
    ("post", "/tenders/{tender_id}/amendments"),
    ("get", "/tenders/{tender_id}/amendments"),
    ("get", "/tenders/{tender_id}/history"),
    ("get", "/tenders/{tender_id}/clarifications"),
    ("post", "/tenders/{tender_id}/clarifications"),
    ("post", "/tenders/{tender_id}/clarifications/{clarification_id}/answer"),
    ("post", "/tenders/{tender_id}/bids"),
    ("get", "/tenders/{tender_id}/bids"),
    ("get", "/bids/{bid_id}"),
    ("patch", "/bids/{bid_id}"),
    ("put", "/bids/{bid_id}/prices"),
    ("put", "/bids/{bid_id}/answers"),
    ("post", "/bids/{bid_id}/attachments"),
    ("post", "/bids/{bid_id}/submit"),
    ("get", "/bids/{bid_id}/receipt"),
    ("get", "/bids/{bid_id}/history"),
    ("post", "/bids/{bid_id}/withdraw"),
    ("get", "/tenders/{tender_id}/price-form.xlsx"),
    ("get", "/bids/{bid_id}/price-form.xlsx"),
    ("post", "/bids/{bid_id}/prices/import"),
    ("post", "/tenders/{tender_id}/open"),
    ("get", "/tenders/{tender_id}/opening"),
    ("get", "/tenders/{tender_id}/comparison"),
    ("post", "/tenders/{tender_id}/evaluation"),
    ("get", "/tenders/{tender_id}/evaluation"),
    ("post", "/tenders/{tender_id}/evaluation/declarations"),
    ("post", "/tenders/{tender_id}/evaluation/compliance"),
    ("post", "/tenders/{tender_id}/evaluation/scores"),
    ("post", "/tenders/{tender_id}/evaluation/compute"),
    ("get", "/tenders/{tender_id}/evaluation/results"),
    ("get", "/bids/{bid_id}/correction"),
    ("post", "/bids/{bid_id}/correction"),
    ("get", "/tenders/{tender_id}/awards"),
    ("post", "/tenders/{tender_id}/awards"),
    ("get", "/awards/{award_id}"),
    ("post", "/awards/{award_id}/approve"),
    ("post", "/awards/{award_id}/reject"),
    ("post", "/awards/{award_id}/cancel"),
    ("get", "/awaiting-decision"),
    ("get", "/contracts"),
    ("get", "/contracts/{contract_id}"),
    ("patch", "/contracts/{contract_id}"),
    ("put", "/contracts/{contract_id}/mechanisms"),
    ("put", "/contracts/{contract_id}/service-levels"),
    ("put", "/contracts/{contract_id}/milestones"),
    ("put", "/contracts/{contract_id}/financial-plan"),
    ("post", "/contracts/{contract_id}/submit"),
    ("post", "/contracts/{contract_id}/decisions"),
    ("post", "/contracts/{contract_id}/sign"),
    ("post", "/contracts/{contract_id}/end"),
    ("get", "/contracts/{contract_id}/amendments"),
    ("post", "/contracts/{contract_id}/amendments"),
    ("get", "/contracts/{contract_id}/amendments/{number}"),
    ("put", "/contracts/{contract_id}/amendments/{number}"),
    ("post", "/contracts/{contract_id}/amendments/{number}/submit"),
    ("post", "/contracts/{contract_id}/amendments/{number}/decisions"),
    ("post", "/contracts/{contract_id}/amendments/{number}/sign"),
    ("post", "/contracts/{contract_id}/amendments/{number}/withdraw"),
    ("get", "/contracts/{contract_id}/versions/diff"),
    ("get", "/contracts/{contract_id}/history"),
    ("get", "/tenders/{tender_id}/comparison.xlsx"),
    ("get", "/tenders/{tender_id}/evaluation/results.xlsx"),
    ("get", "/tenders/{tender_id}/schedule.xlsx"),
}


def test_openapi_lists_every_tendering_operation_with_a_summary_and_its_errors(world):
    response = bearer(world["finance"]).get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.json()
    paths = document["paths"]
    prefix = "/api/v1/contracts"
    found = {
        (method, path[len(prefix) :])
        for path, operations in paths.items()
        if path.startswith(prefix)
        for method in operations
    }
    assert found == OPERATIONS
    for method, path in OPERATIONS:
        operation = paths[prefix + path][method]
        assert operation["summary"].strip(), (method, path)
        assert operation["tags"] == ["contracts"], (method, path)
        assert {"400", "401", "403", "404", "409"} <= set(operation["responses"]), (method, path)
    schemas = document["components"]["schemas"]
    price = schemas["PricesIn"]["properties"]["prices"]["additionalProperties"]["items"]["anyOf"]
    assert {"type": "null"} in price  # a year with no quantity
    number = next(option for option in price if "anyOf" in option)["anyOf"]
    assert {"type": "string", "maxLength": 60} in number and {"type": "integer"} in number
    assert "asked_by" not in str(schemas["ClarificationOut"]) and "vendor" not in str(
        schemas["ClarificationOut"]
    )
    for path in ("/tenders/{tender_id}/price-form.xlsx", "/bids/{bid_id}/price-form.xlsx"):
        content = paths[prefix + path]["get"]["responses"]["200"]["content"]
        assert "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" in content
    for path in ("/bids/{bid_id}/attachments", "/bids/{bid_id}/prices/import"):
        assert "multipart/form-data" in paths[prefix + path]["post"]["requestBody"]["content"]
    receipt = schemas["ReceiptOut"]["properties"]
    assert {"receipt_number", "content_hash", "submitted_at"} <= set(receipt)
