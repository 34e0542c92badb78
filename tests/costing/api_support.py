"""Shared pieces of the costing API tests: the people around one agency, clients, and small builders."""

from __future__ import annotations

from typing import Any

from django.test import Client

from ppp import services as kernel_services
from ppp.models import OrganisationKind, Role, User
from tests.factories import OrganisationFactory, member

BASE = "/api/v1/costing"
JSON = "application/json"


def make_world() -> dict[str, Any]:
    """An agency with its reviewing body, another agency under another body, and a vendor."""
    reviewing_body = OrganisationFactory(kind=OrganisationKind.REVIEWING_BODY)
    agency = OrganisationFactory(kind=OrganisationKind.AGENCY, reviewing_body=reviewing_body)
    other_body = OrganisationFactory(kind=OrganisationKind.REVIEWING_BODY)
    other_agency = OrganisationFactory(kind=OrganisationKind.AGENCY, reviewing_body=other_body)
    return {
        "agency": agency,
        "reviewing_body": reviewing_body,
        "other_agency": other_agency,
        "finance": member(Role.FINANCE_OFFICER, agency),
        "evaluator": member(Role.EVALUATOR, agency),
        "approver": member(Role.APPROVER, reviewing_body),
        "outsider": member(Role.FINANCE_OFFICER, other_agency),
        "other_approver": member(Role.APPROVER, other_body),
        "vendor": member(Role.BID_PREPARER),
    }


def session(user: User | None) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        client.force_login(user)
    return client


def bearer(user: User) -> Client:
    """A client that authenticates with a personal API token (no session, no CSRF)."""
    _token, secret = kernel_services.api_token_create(actor=user, name="tests")
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}", HTTP_ACCEPT_LANGUAGE="en")


def model_payload(**changes: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "name": "Cổng dịch vụ công tỉnh",
        "purpose": "Lifecycle cost of the provincial public-service portal",
        "currency": "VND",
        "base_year": 2026,
        "horizon": 3,
        "basis": "real",
        "discount_rate": "0.05",
        "discount_rate_basis": "Agency's real cost of funds",
        "vat_rate": "0.10",
    }
    payload.update(changes)
    return payload


def hardware(**changes: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "code": "HW",
        "name": "Máy chủ",
        "category": "equipment_hardware",
        "unit": "server",
        "unit_cost": "100000000",
        "quantities": ["10", "0", "0"],
    }
    payload.update(changes)
    return payload


def operations_staff(**changes: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "code": "OPS",
        "name": "Nhân sự vận hành",
        "category": "operations_staff",
        "unit": "person-year",
        "unit_cost": "200000000",
        "start_year": 2026,
        "end_year": 2028,
        "starting_quantity": "2",
        "growth_rate": "0",
    }
    payload.update(changes)
    return payload


def post(client: Client, url: str, payload: Any = None):
    return client.post(BASE + url, payload if payload is not None else {}, content_type=JSON)


def patch(client: Client, url: str, payload: Any):
    return client.patch(BASE + url, payload, content_type=JSON)


def put(client: Client, url: str, payload: Any):
    return client.put(BASE + url, payload, content_type=JSON)


def get(client: Client, url: str, **params: Any):
    return client.get(BASE + url, params)


def delete(client: Client, url: str):
    return client.delete(BASE + url)


def ok(response, status: int = 200) -> Any:
    assert response.status_code == status, (response.status_code, response.content[:2000])
    if status == 204:
        assert response.content == b""
        return None
    return response.json() if response.get("Content-Type", "").startswith(JSON) else response


def option_ids(client: Client, model_id: int) -> dict[str, int]:
    return {option["kind"]: option["id"] for option in ok(get(client, f"/models/{model_id}/options"))}
