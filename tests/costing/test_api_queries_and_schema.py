"""List operations of the costing API do a fixed number of queries whatever the number of rows, and
the OpenAPI document lists every costing operation with a summary and its error responses."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from costing import services
from costing.models import CostModel
from costing.services import LineData
from tests.costing.api_support import BASE, hardware, make_world, session

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return make_world()


def new_model(world, name: str) -> CostModel:
    return services.cost_model_create(
        actor=world["finance"],
        organisation=world["agency"],
        name=name,
        base_year=2026,
        horizon=3,
        discount_rate="0.05",
        vat_rate="0.10",
    )


def queries(client, url: str, **params) -> tuple[int, dict]:
    client.get(url, params)  # warm up: session, language, anything cached per process
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200, response.content[:500]
    return len(captured.captured_queries), response.json()


@pytest.mark.parametrize("as_reviewer", [False, True], ids=["agency", "reviewer"])
def test_model_list_does_the_same_number_of_queries_for_2_and_30_models(world, as_reviewer):
    client = session(world["approver"] if as_reviewer else world["finance"])

    def make(count: int) -> None:
        for number in range(count):
            model = new_model(world, f"Mô hình {CostModel.objects.count() + number}")
            if as_reviewer:
                services.line_create(
                    actor=world["finance"],
                    option=model.options.get(kind="in_house"),
                    data=LineData(**hardware()),
                )
                services.cost_model_submit(actor=world["finance"], model=CostModel.objects.get(pk=model.pk))

    make(2)
    few, body = queries(client, f"{BASE}/models", limit=100)
    assert body["count"] == 2 and len(body["items"]) == 2
    make(28)
    many, body = queries(client, f"{BASE}/models", limit=100)
    assert body["count"] == 30 and len(body["items"]) == 30
    assert {item["option_count"] for item in body["items"]} == {3}
    assert many == few
    if as_reviewer:
        queue_few = queries(client, f"{BASE}/awaiting-decision", limit=5)[0]
        queue_many = queries(client, f"{BASE}/awaiting-decision", limit=100)[0]
        assert queue_many == queue_few


def test_line_list_does_the_same_number_of_queries_for_2_and_30_lines(world):
    model = new_model(world, "Lưới")
    option = model.options.get(kind="in_house")
    client = session(world["finance"])
    url = f"{BASE}/models/{model.pk}/options/{option.pk}/lines"

    def add(first: int, last: int) -> None:
        rows = [LineData(**hardware(code=f"L{number}")) for number in range(first, last)]
        services.lines_save(actor=world["finance"], option=option, rows=rows)

    add(0, 2)
    few, body = queries(client, url)
    assert [line["code"] for line in body] == ["L0", "L1"]
    add(2, 30)
    many, body = queries(client, url)
    assert [line["code"] for line in body] == [f"L{number}" for number in range(30)]
    assert many == few
    options_few = queries(client, f"{BASE}/models/{model.pk}/options")[0]
    services.line_create(
        actor=world["finance"], option=model.options.get(kind="ppp"), data=LineData(**hardware())
    )
    options_many, options = queries(client, f"{BASE}/models/{model.pk}/options")
    assert options_many == options_few
    assert [(option["kind"], option["line_count"]) for option in options] == [
        ("in_house", 30),
        ("service_hire", 0),
        ("ppp", 1),
    ]


OPERATIONS = {
    ("get", "/models"),
    ("post", "/models"),
    ("post", "/models/import"),
    ("get", "/models/{model_id}"),
    ("patch", "/models/{model_id}"),
    ("delete", "/models/{model_id}"),
    ("post", "/models/{model_id}/submit"),
    ("post", "/models/{model_id}/approve"),
    ("post", "/models/{model_id}/return"),
    ("post", "/models/{model_id}/new-version"),
    ("get", "/models/{model_id}/decisions"),
    ("get", "/models/{model_id}/versions"),
    ("get", "/models/{model_id}/history"),
    ("get", "/awaiting-decision"),
    ("get", "/models/{model_id}/options"),
    ("post", "/models/{model_id}/options"),
    ("patch", "/models/{model_id}/options/{option_id}"),
    ("delete", "/models/{model_id}/options/{option_id}"),
    ("get", "/models/{model_id}/options/{option_id}/lines"),
    ("post", "/models/{model_id}/options/{option_id}/lines"),
    ("put", "/models/{model_id}/options/{option_id}/lines"),
    ("patch", "/models/{model_id}/lines/{line_id}"),
    ("delete", "/models/{model_id}/lines/{line_id}"),
    ("post", "/models/{model_id}/lines/{line_id}/copy"),
    ("get", "/models/{model_id}/options/{option_id}/risks"),
    ("post", "/models/{model_id}/options/{option_id}/risks"),
    ("patch", "/models/{model_id}/risks/{risk_id}"),
    ("delete", "/models/{model_id}/risks/{risk_id}"),
    ("get", "/models/{model_id}/scenarios"),
    ("post", "/models/{model_id}/scenarios"),
    ("get", "/models/{model_id}/scenarios/compare"),
    ("patch", "/models/{model_id}/scenarios/{scenario_id}"),
    ("delete", "/models/{model_id}/scenarios/{scenario_id}"),
    ("get", "/models/{model_id}/results"),
    ("post", "/models/{model_id}/simulations"),
    ("get", "/models/{model_id}/simulations/latest"),
    ("get", "/models/{model_id}/diff"),
    ("get", "/models/{model_id}/receipts"),
    ("post", "/models/{model_id}/receipts"),
    ("get", "/models/{model_id}/receipts/{receipt_id}"),
    ("get", "/models/{model_id}/receipts/{receipt_id}/verify"),
    ("get", "/template.xlsx"),
    ("get", "/models/{model_id}/export.xlsx"),
}


def test_openapi_lists_every_costing_operation_with_a_summary_and_its_errors(world):
    response = session(None).get("/api/v1/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    prefix = "/api/v1/costing"
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
        assert operation["tags"] == ["costing"]
        assert {"400", "401", "403", "404"} <= set(operation["responses"]), (method, path)
    money = response.json()["components"]["schemas"]["LineIn"]["properties"]["unit_cost"]
    assert {"type": "string", "maxLength": 60} in money["anyOf"] and {"type": "integer"} in money["anyOf"]
    export = paths[prefix + "/models/{model_id}/export.xlsx"]["get"]["responses"]["200"]
    assert "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" in export["content"]
    upload = paths[prefix + "/models/import"]["post"]["requestBody"]["content"]
    assert "multipart/form-data" in upload


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query", ["limit=99999999999999999999999", "offset=99999999999999999999999", "limit=0"]
)
def test_list_paging_out_of_bounds_is_a_400_naming_the_parameter(query):
    from ppp.models import Role
    from tests.factories import member
    from tests.roles import client_for

    response = client_for(member(Role.FINANCE_OFFICER)).get(f"/api/v1/costing/models?{query}")
    assert response.status_code == 400
    assert set(response.json()["fields"]) == {query.split("=")[0]}
