"""The costing API end to end: a model built, appraised, simulated, approved, versioned, compared,
exported and imported through /api/v1/costing, with figures computed by hand.

The model (VND, real, base year 2026, 3 years, discount 5 %, VAT 10 %, no escalation, project
management norm overridden to 2 %; contingency 5 % and price index 4 % from the rule book):

in-house (the PSC)
  HW   equipment, 10 servers x 100,000,000 in 2026                       = 1,000,000,000 ex VAT
  OPS  operations staff, generated 2 a year 2026-2028 x 200,000,000      =   400,000,000 a year
  PM   derived: 2 % x 1,000,000,000                                      =    20,000,000 (2026)
  CONT derived: 5 % x 1,020,000,000 + 1,020,000,000 x ((1.04)^1 - 1)
              = 51,000,000 + 40,800,000                                  =    91,800,000 (2026)
  with VAT: 2026 = (1,111,800,000 + 400,000,000) x 1.1 = 1,662,980,000; 2027, 2028 = 440,000,000
  NPV = 1,662,980,000 + 440,000,000 / 1.05 + 440,000,000 / 1.05^2 = 2,481,120,589.57 -> 2,481,120,590
  risk R1: p 0.5, triangular 100/200/300 M in 2026, public share 40 %: EV 100,000,000 (PV the
  same, 2026 is period 0): retained 40,000,000, transferable 60,000,000
  competitive neutrality 50,000,000
  PSC = 2,481,120,590 + 50,000,000 + 60,000,000 + 40,000,000 = 2,631,120,590
service hire
  FEE  hosting, 1 a year x 700,000,000, with VAT 770,000,000 a year
  NPV = 770,000,000 x (1 + 1/1.05 + 1/1.05^2) = 2,201,746,031.75 -> 2,201,746,032; EAC 770,000,000
  VfM = 2,631,120,590 - 2,201,746,032 = 429,374,558
"""

from __future__ import annotations

import io

import pytest
from django.test import Client
from openpyxl import load_workbook

from costing.models import CostModel, CostModelStatus
from ppp.models import AuditEntry
from tests.costing.api_support import (
    BASE,
    bearer,
    delete,
    get,
    hardware,
    make_world,
    model_payload,
    ok,
    operations_staff,
    option_ids,
    patch,
    post,
    put,
)

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def world():
    return make_world()


def csrf_session(user) -> tuple[Client, dict[str, str]]:
    """A browser-like session that must send the CSRF token with unsafe requests."""
    client = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    token = client.get("/api/v1/auth/csrf").json()["csrf_token"]
    return client, {"HTTP_X_CSRFTOKEN": token}


def by_kind(results: dict) -> dict[str, dict]:
    return {option["kind"]: option for option in results["options"]}


def build_model(client: Client) -> dict:
    """The model of the module docstring, built through the API; returns ids."""
    created = ok(post(client, "/models", model_payload(pm_norm_rate="0.02")), 201)
    model_id = created["id"]
    options = {option["kind"]: option["id"] for option in created["options"]}
    ok(post(client, f"/models/{model_id}/options/{options['in_house']}/lines", hardware()), 201)
    ok(post(client, f"/models/{model_id}/options/{options['in_house']}/lines", operations_staff()), 201)
    grid = ok(
        put(
            client,
            f"/models/{model_id}/options/{options['service_hire']}/lines",
            {
                "lines": [
                    {
                        "code": "FEE",
                        "name": "Phí thuê dịch vụ",
                        "category": "hosting_cloud",
                        "unit": "year",
                        "unit_cost": 800000000,
                        "quantities": [1, 1, 1],
                    }
                ]
            },
        )
    )
    fee_id = grid[0]["id"]
    ok(patch(client, f"/models/{model_id}/lines/{fee_id}", {"unit_cost": "700000000"}))
    ok(
        patch(
            client,
            f"/models/{model_id}/options/{options['in_house']}",
            {"competitive_neutrality": "50000000"},
        )
    )
    ok(delete(client, f"/models/{model_id}/options/{options['ppp']}"), 204)
    ok(
        post(
            client,
            f"/models/{model_id}/options/{options['in_house']}/risks",
            {
                "code": "R1",
                "name": "Chậm tích hợp dữ liệu",
                "probability": "0.5",
                "minimum": "100000000",
                "most_likely": "200000000",
                "maximum": "300000000",
                "first_year": 2026,
                "last_year": 2026,
                "public_share": "0.4",
            },
        ),
        201,
    )
    scenario = ok(
        post(
            client,
            f"/models/{model_id}/scenarios",
            {"name": "Lãi suất 10%", "overrides": {"discount_rate": "0.10"}},
        ),
        201,
    )
    return {"model": model_id, "options": options, "fee": fee_id, "scenario": scenario["id"]}


def test_a_model_built_through_the_api_has_the_hand_computed_figures(world):
    client = bearer(world["finance"])
    ids = build_model(client)
    model_id, options = ids["model"], ids["options"]

    lines = ok(get(client, f"/models/{model_id}/options/{options['in_house']}/lines"))
    assert [(line["code"], line["quantities"], line["is_generated"]) for line in lines] == [
        ("HW", ["10", "0", "0"], False),
        ("OPS", ["2", "2", "2"], True),
    ]
    assert (lines[1]["start_year"], lines[1]["end_year"], lines[1]["starting_quantity"]) == (2026, 2028, "2")
    fee = ok(get(client, f"/models/{model_id}/options/{options['service_hire']}/lines"))
    assert [(line["code"], line["unit_cost"], line["quantities"]) for line in fee] == [
        ("FEE", "700000000", ["1", "1", "1"])
    ]
    assert [option["kind"] for option in ok(get(client, f"/models/{model_id}/options"))] == [
        "in_house",
        "service_hire",
    ]

    results = ok(get(client, f"/models/{model_id}/results"))
    assert (results["currency"], results["discount_rate"], results["basis"]) == ("VND", "0.050000", "real")
    assert results["rules"]["pm_norm_rate"] == "0.02"  # the model's override
    assert results["rules"]["contingency_quantity_rate"] == "0.05"  # the rule book's
    assert results["rules"]["price_index"] == "0.04"
    assert "Circular 04/2020/TT-BTTTT" in results["rules"]["estimate_basis"]
    assert "Green Book" in results["rules"]["optimism_basis"]
    assert results["psc"] == {
        "raw_cost_pv": "2481120590",
        "competitive_neutrality_pv": "50000000",
        "transferable_risk_pv": "60000000",
        "retained_risk_pv": "40000000",
        "total": "2631120590",
    }
    in_house, hire = by_kind(results)["in_house"], by_kind(results)["service_hire"]
    assert (in_house["npv"], in_house["npv_ex_vat"], in_house["tco_nominal"]) == (
        "2481120590",
        # 1,111,800,000 + 400,000,000 x (1 + 1/1.05 + 1/1.05^2) = 2,255,564,172.34
        "2255564172",
        # 1,662,980,000 + 2 x 440,000,000
        "2542980000",
    )
    # EAC = NPV / (1 + 1/1.05 + 1/1.05^2) = 2,481,120,589.57 / 2.8594104308 = 867,703,552.74
    assert in_house["eac"] == "867703553"
    assert in_house["vfm"] is None
    assert in_house["implementation_years"] == [2026]
    assert in_house["derived"] == [
        {"code": "PM", "category": "project_management", "total": "20000000"},
        {"code": "CONT", "category": "contingency", "total": "91800000"},
    ]
    estimate = {row["group"]: (row["ex_vat"], row["inc_vat"]) for row in in_house["estimate"]}
    assert estimate == {
        "G_XL": ("0", "0"),
        "G_TB": ("1000000000", "1100000000"),
        "G_QLDA": ("20000000", "22000000"),
        "G_TV": ("0", "0"),
        "G_K": ("0", "0"),
        "G_DP": ("91800000", "100980000"),
    }
    assert in_house["cost_by_year"] == [
        {"year": 2026, "amount": "1662980000"},
        {"year": 2027, "amount": "440000000"},
        {"year": 2028, "amount": "440000000"},
    ]
    assert (in_house["risk_pv"], in_house["retained_risk_pv"], in_house["risk_adjusted_pv"]) == (
        "100000000",
        "40000000",
        "2521120590",
    )
    assert (hire["npv"], hire["eac"], hire["tco_nominal"], hire["vfm"]) == (
        "2201746032",
        "770000000",
        "2310000000",
        "429374558",
    )
    assert {bar["driver"] for bar in hire["tornado"]} == {
        "discount_rate",
        "escalation",
        "quantities",
        "unit_costs",
    }

    # The scenario at 10 %: hire 770,000,000 x (1 + 1/1.1 + 1/1.21) = 2,106,363,636.36;
    # in-house 1,662,980,000 + 440,000,000 x (1/1.1 + 1/1.21) = 2,426,616,363.64;
    # PSC 2,426,616,364 + 50,000,000 + 100,000,000 = 2,576,616,364; VfM 470,252,728.
    scenario = ok(get(client, f"/models/{model_id}/results", scenario=ids["scenario"]))
    assert scenario["scenario_id"] == ids["scenario"]
    assert (by_kind(scenario)["in_house"]["npv"], by_kind(scenario)["service_hire"]["npv"]) == (
        "2426616364",
        "2106363636",
    )
    assert scenario["psc"]["total"] == "2576616364"
    assert by_kind(scenario)["service_hire"]["vfm"] == "470252728"

    compare = ok(get(client, f"/models/{model_id}/scenarios/compare"))
    assert [
        (case["name"], case["psc_total"], [(o["kind"], o["npv"], o["vfm"]) for o in case["options"]])
        for case in compare["cases"]
    ] == [
        (
            "Base case",
            "2631120590",
            [("in_house", "2481120590", None), ("service_hire", "2201746032", "429374558")],
        ),
        (
            "Lãi suất 10%",
            "2576616364",
            [("in_house", "2426616364", None), ("service_hire", "2106363636", "470252728")],
        ),
    ]


def test_simulation_gives_percentiles_and_the_same_seed_finds_the_same_receipt(world):
    client = bearer(world["finance"])
    ids = build_model(client)
    model_id = ids["model"]
    assert get(client, f"/models/{model_id}/simulations/latest").status_code == 404

    run = ok(post(client, f"/models/{model_id}/simulations", {"iterations": 10000, "seed": 7}))
    assert run["parameters"] == {"iterations": 10000, "seed": 7, "include_optimism_bias": False}
    options = {option["key"]: option for option in run["options"]}
    hire = options[str(ids["options"]["service_hire"])]
    # No risks: every draw is the base NPV.
    assert (hire["base_npv"], hire["p50"], hire["p70"], hire["p90"]) == ("2201746032",) * 4
    assert sum(hire["histogram"]["counts"]) == 10000
    in_house = options[str(ids["options"]["in_house"])]
    assert in_house["base_npv"] == "2481120590"
    # Expected NPV = base + probability x mean impact = 2,481,120,590 + 100,000,000.
    assert in_house["expected_npv"] == "2581120590"
    # Half the draws carry no risk; the rest a triangular(100, 200, 300) M impact in 2026. So P90 is
    # the triangular's 80 % quantile, 300 - sqrt(0.2 x 200 x 100) = 236.754 M above the base, and
    # P70 its 40 % quantile, 100 + sqrt(0.4 x 200 x 100) = 189.443 M above it (sampling error ~1 M).
    assert abs(int(in_house["p90"]) - (2481120590 + 236754447)) < 5_000_000
    assert abs(int(in_house["p70"]) - (2481120590 + 189442719)) < 5_000_000
    assert int(in_house["p50"]) <= int(in_house["p70"]) <= int(in_house["p90"])
    assert sum(in_house["histogram"]["counts"]) == 10000
    curve = in_house["s_curve"]
    assert curve["probabilities"][0] == 0.0 and curve["probabilities"][-1] == 1.0
    assert curve["values"] == sorted(curve["values"])

    again = ok(post(client, f"/models/{model_id}/simulations", {"iterations": 10000, "seed": 7}))
    assert again == run
    assert ok(get(client, f"/models/{model_id}/simulations/latest")) == run

    receipt = ok(post(client, f"/models/{model_id}/receipts"))
    assert receipt["kind"] == "results" and receipt["results"]["psc"]["total"] == "2631120590"
    check = ok(get(client, f"/models/{model_id}/receipts/{receipt['id']}/verify"))
    assert (check["hash_matches"], check["results_match"], check["recomputed_hash"]) == (
        True,
        True,
        receipt["input_hash"],
    )
    simulated = ok(get(client, f"/models/{model_id}/receipts/{run['receipt_id']}/verify"))
    assert (simulated["hash_matches"], simulated["results_match"]) == (True, True)
    listed = ok(get(client, f"/models/{model_id}/receipts"))
    assert listed["count"] == 2
    assert {item["kind"] for item in listed["items"]} == {"results", "simulation"}
    detail = ok(get(client, f"/models/{model_id}/receipts/{receipt['id']}"))
    assert detail["inputs"]["snapshot"]["currency"] == "VND"


def test_submit_approve_new_version_diff_export_and_import(world):
    finance = bearer(world["finance"])
    ids = build_model(finance)
    model_id, options = ids["model"], ids["options"]

    copy = ok(post(finance, f"/models/{model_id}/lines/{ids['fee']}/copy"), 201)
    assert copy["code"] == "FEE-1" and copy["option_id"] == options["service_hire"]
    ok(delete(finance, f"/models/{model_id}/lines/{copy['id']}"), 204)

    submitted = ok(post(finance, f"/models/{model_id}/submit", {"note": "Xin phê duyệt"}))
    assert submitted["status"] == CostModelStatus.SUBMITTED
    assert patch(finance, f"/models/{model_id}", {"name": "Sửa"}).json()["code"] == "cost_model.frozen"

    approver, csrf = csrf_session(world["approver"])
    queue = approver.get(f"{BASE}/awaiting-decision").json()
    assert [item["id"] for item in queue["items"]] == [model_id]
    without_token = approver.post(f"{BASE}/models/{model_id}/approve", {}, content_type="application/json")
    assert (without_token.status_code, without_token.json()["code"]) == (403, "auth.csrf_failed")
    approved = approver.post(
        f"{BASE}/models/{model_id}/approve", {"note": "Đồng ý"}, content_type="application/json", **csrf
    ).json()
    assert approved["status"] == CostModelStatus.APPROVED
    receipts = ok(get(finance, f"/models/{model_id}/receipts", kind="results"))["items"]
    assert approved["content_hash"] == receipts[0]["input_hash"]
    decisions = ok(get(finance, f"/models/{model_id}/decisions"))
    assert [(d["decision"], d["actor_id"], d["role"], d["note"]) for d in decisions] == [
        ("submit", world["finance"].pk, "finance_officer", "Xin phê duyệt"),
        ("approve", world["approver"].pk, "approver", "Đồng ý"),
    ]
    assert approver.get(f"{BASE}/awaiting-decision").json()["count"] == 0

    second = ok(post(finance, f"/models/{model_id}/new-version"), 201)
    assert (second["version"], second["lineage_id"], second["previous_version_id"], second["status"]) == (
        2,
        model_id,
        model_id,
        "draft",
    )
    new_options = option_ids(finance, second["id"])
    ops = next(
        line
        for line in ok(get(finance, f"/models/{second['id']}/options/{new_options['in_house']}/lines"))
        if line["code"] == "OPS"
    )
    changed = ok(patch(finance, f"/models/{second['id']}/lines/{ops['id']}", {"starting_quantity": "3"}))
    assert (changed["quantities"], changed["is_generated"]) == (["3", "3", "3"], True)

    # v2 staffs 3 instead of 2: OPS rises by 220,000,000 incl. VAT a year; NPV by
    # 220,000,000 x 2.8594104308 = 629,070,294.78 to 3,110,190,884.35.
    diff = ok(get(finance, f"/models/{second['id']}/diff", other=model_id))
    assert (diff["a_id"], diff["a_version"], diff["b_id"], diff["b_version"]) == (
        model_id,
        1,
        second["id"],
        2,
    )
    assert diff["changed_fields"] == []
    in_house = next(option for option in diff["options"] if option["kind"] == "in_house")
    lines = {line["code"]: line for line in in_house["lines"]}
    assert lines["OPS"] == {
        "code": "OPS",
        "a": "1320000000",
        "b": "1980000000",
        "difference": "660000000",
        "status": "changed",
    }
    assert (lines["HW"]["status"], lines["HW"]["difference"]) == ("unchanged", "0")
    assert [row for row in in_house["rows"] if row["code"] == "OPS"] == [
        {
            "code": "OPS",
            "year": year,
            "a": "440000000",
            "b": "660000000",
            "difference": "220000000",
            "status": "changed",
        }
        for year in (2026, 2027, 2028)
    ]
    assert in_house["totals"]["npv"] == {"a": "2481120590", "b": "3110190884", "difference": "629070295"}
    hire = next(option for option in diff["options"] if option["kind"] == "service_hire")
    assert {line["status"] for line in hire["lines"]} == {"unchanged"}

    versions = ok(get(finance, f"/models/{model_id}/versions"))
    assert [(v["id"], v["version"], v["status"]) for v in versions] == [
        (model_id, 1, "approved"),
        (second["id"], 2, "draft"),
    ]
    history = ok(get(finance, f"/models/{model_id}/history", limit=100))
    actions = [entry["action"] for entry in history["items"]]
    assert actions[0] == "cost_model.created"
    assert {
        "cost_model.line_created",
        "cost_model.lines_saved",
        "cost_model.submit",
        "cost_model.approve",
    } <= set(actions)

    exported = finance.get(f"{BASE}/models/{model_id}/export.xlsx", {"language": "en"})
    assert exported.status_code == 200 and exported["Content-Type"] == XLSX
    assert f"cost-model-{model_id}-v1.xlsx" in exported["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(exported.content))
    assert {"Model", "Options", "Lines", "Risks", "Summary"} <= set(workbook.sheetnames)

    upload = io.BytesIO(exported.content)
    upload.name = "exported.xlsx"
    imported = finance.post(f"{BASE}/models/import", {"file": upload, "name": "Imported portal"})
    body = ok(imported, 201)
    assert body["report"]["options"] == 2
    assert body["report"]["lines"] == 3  # HW, OPS, FEE; the derived PM and CONT are recomputed
    assert body["report"]["risks"] == 1
    assert sorted(body["report"]["skipped_derived_lines"]) == ["in_house:CONT", "in_house:PM"]
    new = body["model"]
    assert (new["name"], new["version"], new["status"], new["organisation_id"]) == (
        "Imported portal",
        1,
        "draft",
        world["agency"].pk,
    )
    # The import carries no norm override, so the rule book's 3 % applies: PM 30,000,000,
    # CONT 5 % x 1,030,000,000 + 4 % x 1,030,000,000 = 92,700,000; 2026 incl. VAT =
    # (1,122,700,000 + 400,000,000) x 1.1 = 1,674,970,000; NPV = 1,674,970,000 + 818,140,589.57.
    figures = by_kind(ok(get(finance, f"/models/{new['id']}/results")))
    assert figures["in_house"]["npv"] == "2493110590"
    assert figures["service_hire"]["npv"] == "2201746032"
    # PSC 2,493,110,590 + 50,000,000 + 100,000,000 = 2,643,110,590; VfM 441,364,558.
    assert figures["service_hire"]["vfm"] == "441364558"
    assert AuditEntry.objects.filter(action="cost_model.imported", object_id=str(new["id"])).exists()


def test_the_template_downloads_in_either_language(world):
    client = bearer(world["finance"])
    for language in ("vi", "en"):
        response = client.get(f"{BASE}/template.xlsx", {"language": language})
        assert response.status_code == 200 and response["Content-Type"] == XLSX
        workbook = load_workbook(io.BytesIO(response.content))
        assert {"Model", "Options", "Lines", "Risks"} <= set(workbook.sheetnames)
    bad = client.get(f"{BASE}/template.xlsx", {"language": "fr"})
    assert (bad.status_code, list(bad.json()["fields"])) == (400, ["language"])


def test_organisation_is_optional_for_a_finance_officer_of_one_agency_only(world):
    finance = world["finance"]
    created = ok(post(bearer(finance), "/models", model_payload()), 201)
    assert created["organisation_id"] == world["agency"].pk
    assert [option["kind"] for option in created["options"]] == ["in_house", "service_hire", "ppp"]
    assert (created["can_edit"], created["can_decide"]) == (True, False)

    from tests.factories import MembershipFactory

    MembershipFactory(user=finance, organisation=world["other_agency"])
    count = CostModel.objects.count()
    response = post(bearer(finance), "/models", model_payload())
    assert (response.status_code, response.json()["code"], list(response.json()["fields"])) == (
        400,
        "cost_model.organisation_required",
        ["organisation_id"],
    )
    none = post(bearer(world["evaluator"]), "/models", model_payload())
    assert (none.status_code, list(none.json()["fields"])) == (400, ["organisation_id"])
    named = post(bearer(finance), "/models", model_payload(organisation_id=world["other_agency"].pk))
    assert named.status_code == 201 and named.json()["organisation_id"] == world["other_agency"].pk
    assert CostModel.objects.count() == count + 1


def test_list_filters_by_status_and_search(world):
    client = bearer(world["finance"])
    first = ok(post(client, "/models", model_payload(name="Cổng dịch vụ công")), 201)
    ok(post(client, "/models", model_payload(name="Nền tảng chia sẻ dữ liệu")), 201)
    everything = ok(get(client, "/models"))
    assert everything["count"] == 2
    assert [item["option_count"] for item in everything["items"]] == [3, 3]
    assert [item["id"] for item in ok(get(client, "/models", search="cổng"))["items"]] == [first["id"]]
    assert ok(get(client, "/models", status="approved"))["count"] == 0
    bad = get(client, "/models", status="frozen")
    assert (bad.status_code, list(bad.json()["fields"])) == (400, ["status"])
    assert ok(get(bearer(world["outsider"]), "/models"))["count"] == 0
