"""Bad input to the costing API: a 400 that names the field (or the sheet and cell), and nothing written."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from costing import services
from costing.models import CostModel
from costing.services import LineData
from tests.costing.api_support import (
    BASE,
    JSON,
    hardware,
    make_world,
    model_payload,
    operations_staff,
    session,
)
from tests.roles import assert_nothing_written

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return make_world()


@pytest.fixture
def model(world) -> CostModel:
    created = services.cost_model_create(
        actor=world["finance"],
        organisation=world["agency"],
        name="Dịch vụ lưu trữ đám mây",
        base_year=2026,
        horizon=3,
        discount_rate="0.05",
        vat_rate="0.10",
    )
    services.line_create(
        actor=world["finance"], option=created.options.get(kind="in_house"), data=LineData(**hardware())
    )
    return CostModel.objects.get(pk=created.pk)


@pytest.fixture
def client(world):
    return session(world["finance"])


def refused(response, fields: dict[str, str] | list[str]) -> dict:
    """A 400 in the one error shape naming exactly these fields (with these messages, if given)."""
    body = response.json()
    assert response.status_code == 400, body
    assert set(body) == {"code", "message", "fields"}
    if isinstance(fields, dict):
        assert body["fields"] == fields
    else:
        assert sorted(body["fields"]) == sorted(fields)
    return body


NUMBER_TEXT = 'Value error, must be a decimal number written as text ("0.05") or an integer'


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        ({"horizon": 0}, {"horizon": "must be between 1 and 30"}),
        ({"horizon": 31}, {"horizon": "must be between 1 and 30"}),
        ({"horizon": "three"}, ["horizon"]),
        ({"general_escalation": "1.5"}, {"general_escalation": "must be at most 100%"}),
        ({"discount_rate": "NaN"}, {"discount_rate": "must be a finite number"}),
        ({"discount_rate": "Infinity"}, {"discount_rate": "must be a finite number"}),
        ({"discount_rate": "-Infinity"}, {"discount_rate": "must be a finite number"}),
        ({"vat_rate": "ten percent"}, {"vat_rate": "must be a number"}),
        ({"discount_rate": 0.05}, {"discount_rate": NUMBER_TEXT}),
        ({"discount_rate": True}, {"discount_rate": NUMBER_TEXT}),
        ({"discount_rate": "-0.01"}, {"discount_rate": "must be at least 0%"}),
        ({"currency": "XXX"}, ["currency"]),
        ({"basis": "mixed"}, {"basis": "must be real or nominal"}),
        ({"name": "x" * 256}, {"name": "String should have at most 255 characters"}),
        ({"name": ""}, {"name": "This field is required."}),
        ({"colour": "red"}, {"colour": "unknown field"}),
        ({"name": "a\u0000b"}, {"name": "Value error, must not contain the NUL character"}),
    ],
    ids=[
        "horizon 0",
        "horizon 31",
        "text horizon",
        "escalation 150%",
        "NaN",
        "Infinity",
        "-Infinity",
        "text in a number",
        "JSON float",
        "boolean",
        "negative rate",
        "unknown currency",
        "unknown basis",
        "over-long name",
        "empty name",
        "unknown field",
        "NUL",
    ],
)
def test_model_create_refuses_bad_fields(world, client, changes, fields):
    with assert_nothing_written():
        response = client.post(f"{BASE}/models", model_payload(**changes), content_type=JSON)
    refused(response, fields)


def test_model_patch_refuses_a_horizon_out_of_range_and_keeps_the_model(client, model):
    with assert_nothing_written(model):
        response = client.patch(f"{BASE}/models/{model.pk}", {"horizon": 31}, content_type=JSON)
    refused(response, {"horizon": "must be between 1 and 30"})
    with assert_nothing_written(model):
        response = client.patch(f"{BASE}/models/{model.pk}", {"currency": "USD"}, content_type=JSON)
    refused(response, ["currency"])


@pytest.mark.parametrize(
    ("line", "fields"),
    [
        (hardware(unit_cost="-1"), {"unit_cost": "must be at least 0"}),
        (hardware(unit_cost="NaN"), {"unit_cost": "must be a finite number"}),
        (hardware(unit_cost="Infinity"), {"unit_cost": "must be a finite number"}),
        (hardware(unit_cost="một trăm"), {"unit_cost": "must be a number"}),
        (hardware(unit_cost=1.5), {"unit_cost": NUMBER_TEXT}),
        (hardware(quantities=["1", "1"]), {"quantities": "needs 3 values, one per year 2026-2028 (got 2)"}),
        (hardware(quantities=["1", "1", "1", "1"]), ["quantities"]),
        (hardware(quantities=["1", "x", "1"]), {"quantities[1]": "must be a number"}),
        (hardware(quantities=["1", "-2", "1"]), {"quantities[1]": "must be at least 0"}),
        (hardware(quantities=["1", 0.5, "1"]), {"quantities[1]": NUMBER_TEXT}),
        (operations_staff(code="G1", start_year=2025), ["start_year"]),
        (operations_staff(code="G2", end_year=2029), ["end_year"]),
        (operations_staff(code="G3", start_year=2028, end_year=2027), ["end_year"]),
        (operations_staff(code="G4", quantities=["1", "1", "1"]), ["quantities"]),
        (hardware(currency="USD"), {"currency": "the model's amounts are in VND"}),
        (hardware(escalation_rate="1.5"), {"escalation_rate": "must be at most 100%"}),
        (hardware(category="project_management"), ["category"]),
        (hardware(category="coffee"), {"category": "unknown category"}),
        (hardware(code="PM"), ["code"]),
        (hardware(name="x" * 256), {"name": "String should have at most 255 characters"}),
        (hardware(vat_applicable="yes"), ["vat_applicable"]),
        (hardware(discount="10%"), {"discount": "unknown field"}),
    ],
    ids=[
        "negative unit cost",
        "NaN",
        "Infinity",
        "text in a number",
        "JSON float",
        "too few quantities",
        "too many quantities",
        "text quantity",
        "negative quantity",
        "float quantity",
        "generated before the horizon",
        "generated after the horizon",
        "end before start",
        "both quantities and generator",
        "currency mismatch",
        "escalation 150%",
        "derived category",
        "unknown category",
        "reserved code",
        "over-long name",
        "text boolean",
        "unknown field",
    ],
)
def test_line_create_refuses_bad_fields(client, model, line, fields):
    option = model.options.get(kind="service_hire")
    with assert_nothing_written(model):
        response = client.post(f"{BASE}/models/{model.pk}/options/{option.pk}/lines", line, content_type=JSON)
    refused(response, fields)


def test_line_create_refuses_a_code_the_option_already_has(client, model):
    option = model.options.get(kind="in_house")
    with assert_nothing_written(model):
        response = client.post(
            f"{BASE}/models/{model.pk}/options/{option.pk}/lines", hardware(), content_type=JSON
        )
    refused(response, {"code": "another line of this option has this code"})


def test_line_patch_refuses_bad_fields_and_keeps_the_line(client, model):
    line = model.options.get(kind="in_house").lines.get()
    url = f"{BASE}/models/{model.pk}/lines/{line.pk}"
    for payload, fields in (
        ({"unit_cost": "-5"}, ["unit_cost"]),
        ({"quantities": ["1"]}, ["quantities"]),
        ({"start_year": 2031, "end_year": 2031, "starting_quantity": "1"}, ["start_year", "end_year"]),
    ):
        with assert_nothing_written(line, model):
            response = client.patch(url, payload, content_type=JSON)
        refused(response, fields)


def test_the_grid_is_all_or_nothing_and_names_the_row(client, model):
    option = model.options.get(kind="in_house")
    existing = option.lines.get()
    rows = [
        {"id": existing.pk, **hardware(unit_cost="120000000")},
        {**operations_staff()},
        {**hardware(code="BAD", unit_cost="-5", quantities=["1", "1"])},
        {"id": 999_999, "delete": True},
    ]
    with assert_nothing_written(existing, model):
        response = client.put(
            f"{BASE}/models/{model.pk}/options/{option.pk}/lines", {"lines": rows}, content_type=JSON
        )
    refused(
        response,
        {
            "lines[2].unit_cost": "must be at least 0",
            "lines[2].quantities": "needs 3 values, one per year 2026-2028 (got 2)",
            "lines[3].id": "no such line in this option",
        },
    )
    with assert_nothing_written(existing, model):
        response = client.put(
            f"{BASE}/models/{model.pk}/options/{option.pk}/lines",
            {"lines": [{"code": "F", "unit_cost": 2.5}]},
            content_type=JSON,
        )
    refused(response, {"lines[0].unit_cost": NUMBER_TEXT})


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        ({"probability": "1.2"}, {"probability": "must be at most 100%"}),
        ({"probability": "NaN"}, {"probability": "must be a finite number"}),
        ({"minimum": "-1"}, ["minimum"]),
        ({"most_likely": "50"}, {"most_likely": "must not be below the minimum"}),
        ({"first_year": 2030, "last_year": 2030}, ["first_year", "last_year"]),
        ({"distribution": "normal"}, {"distribution": "must be triangular or pert"}),
        ({"public_share": 0.5}, {"public_share": NUMBER_TEXT}),
    ],
)
def test_risk_create_refuses_bad_fields(client, model, changes, fields):
    option = model.options.get(kind="in_house")
    risk = {
        "code": "R1",
        "name": "Rủi ro",
        "probability": "0.3",
        "minimum": "100",
        "most_likely": "200",
        "maximum": "300",
        "first_year": 2026,
        "last_year": 2027,
        "public_share": "1",
    }
    risk.update(changes)
    with assert_nothing_written(model):
        response = client.post(f"{BASE}/models/{model.pk}/options/{option.pk}/risks", risk, content_type=JSON)
    refused(response, fields)


@pytest.mark.parametrize(
    ("overrides", "fields"),
    [
        (
            {"discount_rate": 0.1},
            {"overrides.discount_rate": "must be a decimal number written as text or an integer"},
        ),
        ({"colour": "red"}, ["overrides.colour"]),
        ({"lines.NOPE.unit_cost": "1"}, ["overrides.lines.NOPE.unit_cost"]),
        ({"discount_rate": "NaN"}, ["overrides.discount_rate"]),
    ],
)
def test_scenario_create_refuses_bad_overrides(client, model, overrides, fields):
    with assert_nothing_written(model):
        response = client.post(
            f"{BASE}/models/{model.pk}/scenarios", {"name": "S", "overrides": overrides}, content_type=JSON
        )
    refused(response, fields)


def test_simulation_and_results_refuse_bad_parameters(client, model):
    url = f"{BASE}/models/{model.pk}"
    with assert_nothing_written(model):
        refused(client.post(f"{url}/simulations", {"iterations": 5}, content_type=JSON), ["iterations"])
        refused(client.post(f"{url}/simulations", {"seed": -1}, content_type=JSON), ["seed"])
        refused(client.post(f"{url}/simulations", {"iterations": "many"}, content_type=JSON), ["iterations"])
        refused(
            client.post(f"{url}/simulations", {"include_optimism_bias": "yes"}, content_type=JSON),
            ["include_optimism_bias"],
        )
        refused(client.get(f"{url}/results", {"tornado_percent": "0"}), ["tornado_percent"])
        refused(client.get(f"{url}/results", {"tornado_percent": "NaN"}), ["tornado_percent"])
        refused(client.get(f"{url}/results", {"tornado_percent": "2"}), ["tornado_percent"])
        refused(client.get(f"{url}/results", {"scenario": "abc"}), ["scenario"])
        refused(client.get(f"{url}/diff", {"other": "abc"}), ["other"])
        refused(client.get(f"{url}/export.xlsx", {"language": "fr"}), ["language"])
    missing = client.get(f"{url}/results", {"scenario": 999_999})
    assert (missing.status_code, missing.json()["code"]) == (404, "scenario.not_found")


# Uploads.


def upload(client, name: str, content: bytes):
    """A multipart upload; the test client sends the content type its name suggests."""
    file = io.BytesIO(content)
    file.name = name
    return client.post(f"{BASE}/models/import", {"file": file})


def exported(client, model: CostModel) -> bytes:
    response = client.get(f"{BASE}/models/{model.pk}/export.xlsx", {"language": "en"})
    assert response.status_code == 200
    return response.content


def test_a_file_that_is_not_a_workbook_is_refused(client):
    with assert_nothing_written():
        refused(upload(client, "notes.txt", b"just text"), {"file": "not an .xlsx workbook"})
        refused(upload(client, "fake.xlsx", b"PK not really a zip"), ["file"])
        refused(upload(client, "empty.xlsx", b""), ["file"])


def test_an_oversized_workbook_is_refused_before_it_is_read(client, monkeypatch):
    from django.core.files.uploadedfile import InMemoryUploadedFile, TemporaryUploadedFile

    def never(self, *args, **kwargs):
        raise AssertionError("the upload was read before its size was checked")

    monkeypatch.setattr(InMemoryUploadedFile, "read", never)
    monkeypatch.setattr(TemporaryUploadedFile, "read", never)
    big = b"\0" * (5 * 1024 * 1024 + 1)
    with assert_nothing_written():
        body = refused(upload(client, "big.xlsx", big), {"file": "over the size limit"})
    assert body["code"] == "costing.workbook_invalid"


def test_a_workbook_with_a_missing_sheet_is_refused_naming_it(client, model):
    workbook = load_workbook(io.BytesIO(exported(client, model)))
    del workbook["Risks"]
    buffer = io.BytesIO()
    workbook.save(buffer)
    with assert_nothing_written():
        body = refused(upload(client, "no-risks.xlsx", buffer.getvalue()), {"Risks": "missing sheet"})
    assert body["code"] == "costing.workbook_invalid"


def test_a_workbook_with_text_in_a_number_cell_names_the_cell(client, model):
    workbook = load_workbook(io.BytesIO(exported(client, model)))
    sheet = workbook["Lines"]
    keys = {cell.value: cell.column_letter for cell in sheet[2] if cell.value}
    row = next(row for row in range(3, sheet.max_row + 1) if sheet.cell(row, 1).value)
    sheet[f"{keys['unit_cost']}{row}"] = "một trăm triệu"
    buffer = io.BytesIO()
    workbook.save(buffer)
    with assert_nothing_written():
        body = refused(upload(client, "text.xlsx", buffer.getvalue()), [f"Lines!{keys['unit_cost']}{row}"])
    assert body["code"] == "costing.workbook_invalid"


def test_an_import_needs_a_file(client):
    with assert_nothing_written():
        refused(client.post(f"{BASE}/models/import", {}), ["file"])
