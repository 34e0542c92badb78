"""Who may do what through the costing API: anonymous 401, another organisation 404 (missing and not
yours look alike), the wrong role 403, the right role succeeds; every denied request writes nothing.
Maker-checker: an approver who edited the version cannot approve it."""

from __future__ import annotations

import pytest
from django.test import Client

from costing import services
from costing.models import CostModel, CostModelStatus
from costing.services import LineData
from ppp.models import Role
from tests.costing.api_support import (
    BASE,
    JSON,
    bearer,
    hardware,
    make_world,
    model_payload,
    session,
)
from tests.factories import MembershipFactory, member
from tests.roles import RoleMatrix, assert_nothing_written

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return make_world()


def draft(world, actor=None) -> CostModel:
    """A draft with one line in its in-house option, made through the services."""
    actor = actor or world["finance"]
    model = services.cost_model_create(
        actor=actor,
        organisation=world["agency"],
        name="Nền tảng trao đổi văn bản",
        base_year=2026,
        horizon=3,
        discount_rate="0.05",
        vat_rate="0.10",
    )
    services.line_create(
        actor=actor,
        option=model.options.get(kind="in_house"),
        data=LineData(**hardware()),
    )
    return CostModel.objects.get(pk=model.pk)


def submitted(world) -> CostModel:
    model = draft(world)
    return services.cost_model_submit(actor=world["finance"], model=model)


def matrix(world, *, wrong_role: str, other: str = "outsider", right: str = "finance") -> RoleMatrix:
    return RoleMatrix(
        anonymous=None,
        other_organisation=world[other],
        wrong_role=world[wrong_role],
        right_role=world[right],
        extra={"vendor": world["vendor"], "approver": world["approver"]},
    )


def test_create(world):
    payload = model_payload(organisation_id=world["agency"].pk)
    response = matrix(world, wrong_role="evaluator").check(
        lambda client: client.post(f"{BASE}/models", payload, content_type=JSON),
        denied={
            "anonymous": 401,
            "other_organisation": 404,
            "vendor": 404,
            "approver": 404,
            "wrong_role": 403,
        },
        allowed=201,
    )
    assert response.json()["organisation_id"] == world["agency"].pk
    assert CostModel.objects.get().created_by == world["finance"]


def test_line_create(world):
    model = draft(world)
    option = model.options.get(kind="service_hire")
    url = f"{BASE}/models/{model.pk}/options/{option.pk}/lines"
    line = hardware(code="NEW")
    response = matrix(world, wrong_role="evaluator").check(
        lambda client: client.post(url, line, content_type=JSON),
        denied={
            "anonymous": 401,
            "other_organisation": 404,
            "vendor": 404,
            "approver": 404,
            "wrong_role": 403,
        },
        allowed=201,
        watched=(model,),
    )
    assert response.json()["code"] == "NEW"
    assert option.lines.count() == 1


def test_wrong_role_errors_name_the_reason(world):
    model = draft(world)
    evaluator = session(world["evaluator"])
    with assert_nothing_written(model):
        response = evaluator.patch(f"{BASE}/models/{model.pk}", {"name": "Khác"}, content_type=JSON)
    assert (response.status_code, response.json()["code"]) == (403, "cost_model.forbidden")
    with assert_nothing_written(model):
        response = evaluator.delete(f"{BASE}/models/{model.pk}")
    assert (response.status_code, response.json()["code"]) == (403, "cost_model.forbidden")
    # Reading is open to the agency's people.
    assert evaluator.get(f"{BASE}/models/{model.pk}").json()["can_edit"] is False


def test_submit(world):
    model = draft(world)
    url = f"{BASE}/models/{model.pk}/submit"
    response = matrix(world, wrong_role="evaluator").check(
        lambda client: client.post(url, {}, content_type=JSON),
        denied={
            "anonymous": 401,
            "other_organisation": 404,
            "vendor": 404,
            "approver": 404,
            "wrong_role": 403,
        },
        allowed=200,
        watched=(model,),
    )
    assert response.json()["status"] == CostModelStatus.SUBMITTED
    again = session(world["finance"]).post(url, {}, content_type=JSON)
    assert (again.status_code, again.json()["code"]) == (409, "cost_model.invalid_transition")


def test_approve(world):
    model = submitted(world)
    url = f"{BASE}/models/{model.pk}/approve"
    response = RoleMatrix(
        anonymous=None,
        other_organisation=world["other_approver"],
        wrong_role=world["evaluator"],
        right_role=world["approver"],
        extra={"vendor": world["vendor"], "finance": world["finance"], "outsider": world["outsider"]},
    ).check(
        lambda client: client.post(url, {"note": "OK"}, content_type=JSON),
        denied={
            "anonymous": 401,
            "other_organisation": 404,
            "outsider": 404,
            "vendor": 404,
            "wrong_role": 403,
            "finance": 403,
        },
        allowed=200,
        watched=(model,),
    )
    assert response.json()["status"] == CostModelStatus.APPROVED
    frozen = session(world["finance"]).patch(f"{BASE}/models/{model.pk}", {"name": "x"}, content_type=JSON)
    assert (frozen.status_code, frozen.json()["code"]) == (409, "cost_model.frozen")


def test_return_needs_a_note_and_an_approver(world):
    model = submitted(world)
    url = f"{BASE}/models/{model.pk}/return"
    approver = session(world["approver"])
    with assert_nothing_written(model):
        empty = approver.post(url, {"note": "  "}, content_type=JSON)
        missing = approver.post(url, {}, content_type=JSON)
    assert (empty.status_code, empty.json()["code"], empty.json()["fields"]) == (
        400,
        "cost_model.note_required",
        {"note": "This field is required."},
    )
    assert (missing.status_code, list(missing.json()["fields"])) == (400, ["note"])
    returned = approver.post(url, {"note": "Bổ sung chi phí bảo trì"}, content_type=JSON)
    assert returned.json()["status"] == CostModelStatus.RETURNED
    # A returned version is editable again by the agency.
    assert session(world["finance"]).get(f"{BASE}/models/{model.pk}").json()["can_edit"] is True


def test_results_read(world):
    model = draft(world)
    url = f"{BASE}/models/{model.pk}/results"
    response = matrix(world, wrong_role="vendor", right="evaluator").check(
        lambda client: client.get(url),
        denied={"anonymous": 401, "other_organisation": 404, "wrong_role": 404, "approver": 404},
        allowed=200,
    )
    # 10 servers x 100,000,000 with VAT, in 2026 (period 0), plus the derived lines: the draft has no
    # overrides, so the rule book's 3 % norm and 5 % + 4 % contingency apply:
    # PM 30,000,000; CONT 5 % x 1,030,000,000 + 4 % x 1,030,000,000 = 92,700,000;
    # NPV = (1,000,000,000 + 30,000,000 + 92,700,000) x 1.1 = 1,234,970,000.
    in_house = next(option for option in response.json()["options"] if option["kind"] == "in_house")
    assert in_house["npv"] == "1234970000"
    services.cost_model_submit(actor=world["finance"], model=model)
    assert session(world["approver"]).get(url).status_code == 200
    assert session(world["other_approver"]).get(url).status_code == 404


def test_every_read_of_someone_elses_model_is_the_same_404(world):
    model = draft(world)
    option = model.options.get(kind="in_house")
    line = option.lines.get()
    outsider = session(world["outsider"])
    for url in (
        f"/models/{model.pk}",
        f"/models/{model.pk}/options",
        f"/models/{model.pk}/options/{option.pk}/lines",
        f"/models/{model.pk}/options/{option.pk}/risks",
        f"/models/{model.pk}/scenarios",
        f"/models/{model.pk}/scenarios/compare",
        f"/models/{model.pk}/decisions",
        f"/models/{model.pk}/versions",
        f"/models/{model.pk}/history",
        f"/models/{model.pk}/receipts",
        f"/models/{model.pk}/simulations/latest",
        f"/models/{model.pk}/export.xlsx",
        f"/models/{model.pk}/diff?other={model.pk}",
    ):
        response = outsider.get(BASE + url)
        assert (response.status_code, response.json()["code"]) == (404, "cost_model.not_found"), url
    missing = session(world["finance"]).get(f"{BASE}/models/{model.pk + 1000}")
    assert (missing.status_code, missing.json()["code"]) == (404, "cost_model.not_found")
    with assert_nothing_written(line):
        response = outsider.patch(
            f"{BASE}/models/{model.pk}/lines/{line.pk}", {"unit_cost": "1"}, content_type=JSON
        )
    assert response.status_code == 404
    # A line of another model, addressed through my model, is not found either.
    mine = services.cost_model_create(
        actor=world["outsider"],
        organisation=world["other_agency"],
        name="Của tôi",
        base_year=2026,
        horizon=3,
        discount_rate="0.05",
        vat_rate="0.1",
    )
    with assert_nothing_written(line):
        response = outsider.delete(f"{BASE}/models/{mine.pk}/lines/{line.pk}")
    assert (response.status_code, response.json()["code"]) == (404, "cost_line.not_found")


def test_an_approver_who_edited_the_version_may_not_approve_it(world):
    # Both a finance officer of the agency and an approver of its reviewing body.
    both = member(Role.FINANCE_OFFICER, world["agency"])
    MembershipFactory(user=both, organisation=world["reviewing_body"], role=Role.APPROVER)
    model = draft(world)
    client = session(both)
    option = model.options.get(kind="service_hire")
    created = client.post(
        f"{BASE}/models/{model.pk}/options/{option.pk}/lines", hardware(code="EDIT"), content_type=JSON
    )
    assert created.status_code == 201
    services.cost_model_submit(actor=world["finance"], model=CostModel.objects.get(pk=model.pk))
    model.refresh_from_db()
    assert client.get(f"{BASE}/awaiting-decision").json()["count"] == 0
    assert client.get(f"{BASE}/models/{model.pk}").json()["can_decide"] is False

    with assert_nothing_written(model):
        response = client.post(f"{BASE}/models/{model.pk}/approve", {"note": "Tôi duyệt"}, content_type=JSON)
    assert (response.status_code, response.json()["code"]) == (403, "cost_model.own_work")
    model.refresh_from_db()
    assert (model.status, model.content_hash) == (CostModelStatus.SUBMITTED, "")

    checker = session(world["approver"])
    assert checker.get(f"{BASE}/models/{model.pk}").json()["can_decide"] is True
    assert checker.post(f"{BASE}/models/{model.pk}/approve", {}, content_type=JSON).status_code == 200


def test_csrf_is_required_for_session_writes_and_not_for_tokens(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world["finance"])
    with assert_nothing_written():
        response = client.post(f"{BASE}/models", model_payload(), content_type=JSON)
    assert (response.status_code, response.json()["code"]) == (403, "auth.csrf_failed")
    assert (
        bearer(world["finance"]).post(f"{BASE}/models", model_payload(), content_type=JSON).status_code == 201
    )


def test_a_revoked_or_unknown_token_is_401(world):
    client = Client(HTTP_AUTHORIZATION="Bearer ppp_not-a-token")
    with assert_nothing_written():
        response = client.post(f"{BASE}/models", model_payload(), content_type=JSON)
    assert (response.status_code, response.json()["code"]) == (401, "auth.invalid_token")


def test_only_a_never_submitted_draft_is_deleted(world):
    model = draft(world)
    finance = session(world["finance"])
    services.cost_model_submit(actor=world["finance"], model=model)
    with assert_nothing_written(model):
        response = finance.delete(f"{BASE}/models/{model.pk}")
    assert (response.status_code, response.json()["code"]) == (409, "cost_model.not_deletable")
    fresh = draft(world)
    assert finance.delete(f"{BASE}/models/{fresh.pk}").status_code == 204
    assert not CostModel.objects.filter(pk=fresh.pk).exists()
