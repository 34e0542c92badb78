"""Editing a draft through the costing API: the model's assumptions, options, lines (one by one, copied,
switched between typed and generated quantities), risks and scenarios."""

from __future__ import annotations

import pytest

from costing import services
from costing.models import CostLine, CostModel, Option, Risk, Scenario
from costing.services import LineData
from ppp.models import AuditEntry
from tests.costing.api_support import (
    BASE,
    delete,
    get,
    hardware,
    make_world,
    ok,
    operations_staff,
    option_ids,
    patch,
    post,
    put,
    session,
)
from tests.roles import assert_nothing_written

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return make_world()


@pytest.fixture
def model(world) -> CostModel:
    return services.cost_model_create(
        actor=world["finance"],
        organisation=world["agency"],
        name="Hệ thống một cửa điện tử",
        base_year=2026,
        horizon=3,
        discount_rate="0.05",
        vat_rate="0.10",
    )


@pytest.fixture
def client(world):
    return session(world["finance"])


def test_model_get_and_patch_only_change_the_fields_sent(client, model):
    detail = ok(get(client, f"/models/{model.pk}"))
    assert (
        detail["discount_rate"],
        detail["vat_rate"],
        detail["general_escalation"],
        detail["pm_norm_rate"],
    ) == (
        "0.05",
        "0.1",
        "0",
        None,
    )
    assert (detail["horizon"], detail["last_year"], detail["can_edit"], detail["can_make_new_version"]) == (
        3,
        2028,
        True,
        False,
    )
    changed = ok(patch(client, f"/models/{model.pk}", {"discount_rate": "0.035", "pm_norm_rate": 0}))
    assert (changed["discount_rate"], changed["pm_norm_rate"], changed["name"], changed["vat_rate"]) == (
        "0.035",
        "0",
        "Hệ thống một cửa điện tử",
        "0.1",
    )
    cleared = ok(patch(client, f"/models/{model.pk}", {"pm_norm_rate": None}))
    assert cleared["pm_norm_rate"] is None


def test_a_longer_horizon_pads_typed_lines_and_regenerates_generated_ones(client, model):
    in_house = model.options.get(kind="in_house").pk
    ok(post(client, f"/models/{model.pk}/options/{in_house}/lines", hardware()), 201)
    ok(
        post(
            client,
            f"/models/{model.pk}/options/{in_house}/lines",
            operations_staff(end_year=2027, growth_rate="0.5"),
        ),
        201,
    )
    ok(patch(client, f"/models/{model.pk}", {"horizon": 5}))
    lines = ok(get(client, f"/models/{model.pk}/options/{in_house}/lines"))
    # Typed: zeros added; generated 2026-2027 from 2 growing 50 %: 2, 3, then nothing.
    assert [line["quantities"] for line in lines] == [["10", "0", "0", "0", "0"], ["2", "3", "0", "0", "0"]]
    with assert_nothing_written(model):
        response = patch(client, f"/models/{model.pk}", {"horizon": 1})
    assert (response.status_code, sorted(response.json()["fields"])) == (400, ["lines.OPS"])


def test_options_are_created_changed_and_deleted(client, model):
    ids = option_ids(client, model.pk)
    second = ok(
        post(
            client,
            f"/models/{model.pk}/options",
            {"kind": "ppp", "name": "PPP BOO", "optimism_bias_mitigation": "0.5"},
        ),
        201,
    )
    assert (second["kind"], second["is_psc"], second["optimism_bias_mitigation"], second["line_count"]) == (
        "ppp",
        False,
        "0.5",
        0,
    )
    duplicate = post(client, f"/models/{model.pk}/options", {"kind": "in_house", "name": "Thứ hai"})
    assert (duplicate.status_code, list(duplicate.json()["fields"])) == (400, ["kind"])
    renamed = ok(patch(client, f"/models/{model.pk}/options/{ids['ppp']}", {"description": "Đối tác đầu tư"}))
    assert renamed["description"] == "Đối tác đầu tư" and renamed["kind"] == "ppp"
    not_psc = patch(client, f"/models/{model.pk}/options/{ids['ppp']}", {"competitive_neutrality": "1000"})
    assert (not_psc.status_code, list(not_psc.json()["fields"])) == (400, ["competitive_neutrality"])
    ok(delete(client, f"/models/{model.pk}/options/{second['id']}"), 204)
    assert not Option.objects.filter(pk=second["id"]).exists()
    missing = delete(client, f"/models/{model.pk}/options/{second['id']}")
    assert (missing.status_code, missing.json()["code"]) == (404, "option.not_found")


def test_line_patch_switches_between_typed_and_generated_quantities(client, model):
    in_house = model.options.get(kind="in_house").pk
    line = ok(post(client, f"/models/{model.pk}/options/{in_house}/lines", operations_staff()), 201)
    url = f"/models/{model.pk}/lines/{line['id']}"
    typed = ok(patch(client, url, {"quantities": ["1", "2", "3"]}))
    assert (typed["is_generated"], typed["quantities"], typed["start_year"], typed["starting_quantity"]) == (
        False,
        ["1", "2", "3"],
        None,
        None,
    )
    generated = ok(
        patch(
            client,
            url,
            {"start_year": 2027, "end_year": 2028, "starting_quantity": "4", "growth_rate": "0.25"},
        )
    )
    assert (generated["is_generated"], generated["quantities"]) == (True, ["0", "4", "5"])
    renamed = ok(patch(client, url, {"name": "Kỹ sư vận hành", "vat_applicable": False}))
    assert (renamed["name"], renamed["quantities"], renamed["vat_applicable"]) == (
        "Kỹ sư vận hành",
        ["0", "4", "5"],
        False,
    )
    assert CostLine.objects.get(pk=line["id"]).unit_cost == 200_000_000


def test_a_line_is_copied_after_itself_or_to_another_option(world, client, model):
    ids = option_ids(client, model.pk)
    first = ok(post(client, f"/models/{model.pk}/options/{ids['in_house']}/lines", hardware()), 201)
    ok(
        post(
            client,
            f"/models/{model.pk}/options/{ids['in_house']}/lines",
            hardware(code="SW", category="equipment_software"),
        ),
        201,
    )
    copy = ok(post(client, f"/models/{model.pk}/lines/{first['id']}/copy"), 201)
    assert copy["code"] == "HW-1"
    order = [line["code"] for line in ok(get(client, f"/models/{model.pk}/options/{ids['in_house']}/lines"))]
    assert order == ["HW", "HW-1", "SW"]
    moved = ok(
        post(client, f"/models/{model.pk}/lines/{first['id']}/copy", {"to_option_id": ids["ppp"]}), 201
    )
    assert (moved["code"], moved["option_id"]) == ("HW", ids["ppp"])
    elsewhere = services.cost_model_create(
        actor=world["finance"],
        organisation=model.organisation,
        name="Khác",
        base_year=2026,
        horizon=3,
        discount_rate="0.05",
        vat_rate="0.1",
    )
    foreign = elsewhere.options.get(kind="ppp").pk
    with assert_nothing_written(model):
        response = post(client, f"/models/{model.pk}/lines/{first['id']}/copy", {"to_option_id": foreign})
    assert (response.status_code, response.json()["fields"]) == (404, {"to_option_id": "not found"})


def test_the_grid_creates_changes_and_deletes_in_one_request(world, client, model):
    option = model.options.get(kind="in_house")
    keep = services.line_create(actor=world["finance"], option=option, data=LineData(**hardware()))
    gone = services.line_create(actor=world["finance"], option=option, data=LineData(**hardware(code="OLD")))
    saved = ok(
        put(
            client,
            f"/models/{model.pk}/options/{option.pk}/lines",
            {
                "lines": [
                    {"id": keep.pk, **hardware(code="HW", unit_cost="90000000")},
                    {"id": gone.pk, "delete": True},
                    operations_staff(),
                ]
            },
        )
    )
    assert [(line["code"], line["unit_cost"]) for line in saved] == [("HW", "90000000"), ("OPS", "200000000")]
    assert list(option.lines.values_list("code", flat=True)) == ["HW", "OPS"]
    assert AuditEntry.objects.filter(action="cost_model.lines_saved", object_id=str(model.pk)).count() == 1


def test_risks_are_created_changed_and_deleted(client, model):
    in_house = model.options.get(kind="in_house").pk
    risk = ok(
        post(
            client,
            f"/models/{model.pk}/options/{in_house}/risks",
            {
                "code": "R1",
                "name": "Tăng giá thiết bị",
                "probability": "0.25",
                "minimum": 10,
                "most_likely": 20,
                "maximum": 60,
                "distribution": "pert",
                "first_year": 2026,
                "last_year": 2028,
                "public_share": "1",
            },
        ),
        201,
    )
    assert (risk["allocation"], risk["probability"], risk["maximum"]) == ("public", "0.25", "60")
    shared = ok(patch(client, f"/models/{model.pk}/risks/{risk['id']}", {"public_share": "0.3"}))
    assert (shared["allocation"], shared["name"], shared["distribution"]) == (
        "shared",
        "Tăng giá thiết bị",
        "pert",
    )
    listed = ok(get(client, f"/models/{model.pk}/options/{in_house}/risks"))
    assert [item["code"] for item in listed] == ["R1"]
    ok(delete(client, f"/models/{model.pk}/risks/{risk['id']}"), 204)
    assert not Risk.objects.exists()


def test_scenarios_are_created_changed_compared_and_deleted(client, model):
    in_house = model.options.get(kind="in_house").pk
    staff = {**hardware(code="OPS", category="operations_staff", unit="person-year", unit_cost="200000000")}
    staff.update(quantities=["1", "1", "1"], vat_applicable=False)
    line = ok(post(client, f"/models/{model.pk}/options/{in_house}/lines", staff), 201)
    scenario = ok(
        post(
            client,
            f"/models/{model.pk}/scenarios",
            {"name": "Lương tăng", "overrides": {"lines.OPS.unit_cost": "300000000"}},
        ),
        201,
    )
    renamed = ok(patch(client, f"/models/{model.pk}/scenarios/{scenario['id']}", {"description": "+50 %"}))
    assert (renamed["description"], renamed["overrides"]) == ("+50 %", {"lines.OPS.unit_cost": "300000000"})
    assert [item["name"] for item in ok(get(client, f"/models/{model.pk}/scenarios"))] == ["Lương tăng"]
    # 200,000,000 x (1 + 1/1.05 + 1/1.05^2) = 571,882,086.17; at 300,000,000: 857,823,129.25.
    cases = ok(get(client, f"/models/{model.pk}/scenarios/compare"))["cases"]
    assert [(case["name"], case["options"][0]["npv"], case["error"]) for case in cases] == [
        ("Base case", "571882086", None),
        ("Lương tăng", "857823129", None),
    ]
    # A line the scenario names is deleted: its override no longer applies, the case equals the base.
    ok(delete(client, f"/models/{model.pk}/lines/{line['id']}"), 204)
    cases = ok(get(client, f"/models/{model.pk}/scenarios/compare"))["cases"]
    assert [case["options"][0]["npv"] for case in cases] == ["0", "0"]
    # A scenario stored under older rules that the engine now refuses is reported, not a 500.
    Scenario.objects.filter(pk=scenario["id"]).update(overrides={"colour": "red"})
    cases = ok(get(client, f"/models/{model.pk}/scenarios/compare"))["cases"]
    assert (cases[0]["error"], cases[1]["options"], cases[1]["error"]["fields"]) == (
        None,
        [],
        {"overrides.colour": "unknown override"},
    )
    broken = get(client, f"/models/{model.pk}/results", scenario=scenario["id"])
    assert (broken.status_code, broken.json()["code"], broken.json()["fields"]) == (
        400,
        "costing.invalid_input",
        {"overrides.colour": "unknown override"},
    )
    ok(delete(client, f"/models/{model.pk}/scenarios/{scenario['id']}"), 204)
    assert not Scenario.objects.exists()


def test_workflow_operations_accept_an_empty_body(client, world, model):
    in_house = model.options.get(kind="in_house").pk
    ok(post(client, f"/models/{model.pk}/options/{in_house}/lines", hardware()), 201)
    response = client.generic("POST", f"{BASE}/models/{model.pk}/submit", b"", content_type="")
    assert response.status_code == 200 and response.json()["status"] == "submitted"
    response = session(world["approver"]).generic(
        "POST", f"{BASE}/models/{model.pk}/approve", b"", content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["status"] == "approved"
