"""Paged lists (organisations, audit log, notifications) take a bounded limit and offset: out of range
is a 400 naming the parameter, never a 500 from a number the database cannot hold. Oversized bodies
and too many parameters get the error shape too (413 and 400)."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from ppp.models import Role
from ppp.pagination import MAX_LIMIT, MAX_OFFSET, Pagination
from tests.factories import OrganisationFactory, member
from tests.roles import assert_nothing_written

pytestmark = pytest.mark.django_db

PAGED = ["/api/v1/organisations", "/api/v1/audit", "/api/v1/notifications"]
HUGE = "99999999999999999999999"


@pytest.fixture
def client(db) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(member(Role.ADMINISTRATOR))
    return client


def test_the_bounds():
    assert (MAX_LIMIT, MAX_OFFSET) == (500, 10**9)


@pytest.mark.parametrize("url", PAGED)
@pytest.mark.parametrize(
    ("query", "fields"),
    [
        (f"limit={HUGE}", {"limit": "Input should be less than or equal to 500"}),
        ("limit=501", {"limit": "Input should be less than or equal to 500"}),
        ("limit=0", {"limit": "Input should be greater than or equal to 1"}),
        ("limit=-1", {"limit": "Input should be greater than or equal to 1"}),
        ("limit=ten", {"limit": "Input should be a valid integer, unable to parse string as an integer"}),
        (f"offset={HUGE}", {"offset": "Input should be less than or equal to 1000000000"}),
        ("offset=1000000001", {"offset": "Input should be less than or equal to 1000000000"}),
        ("offset=-1", {"offset": "Input should be greater than or equal to 0"}),
        (
            f"limit={HUGE}&offset={HUGE}",
            {
                "limit": "Input should be less than or equal to 500",
                "offset": "Input should be less than or equal to 1000000000",
            },
        ),
    ],
    ids=[
        "huge limit",
        "limit over the bound",
        "zero limit",
        "negative limit",
        "limit not a number",
        "huge offset",
        "offset over the bound",
        "negative offset",
        "both huge",
    ],
)
def test_out_of_range_paging_is_400_naming_the_parameter(client, url, query, fields):
    with assert_nothing_written():
        response = client.get(f"{url}?{query}")
    assert (response.status_code, response.json()) == (
        400,
        {"code": "request.invalid", "message": "The request is not valid.", "fields": fields},
    )


@pytest.mark.parametrize("url", PAGED)
def test_the_bounds_themselves_are_accepted(client, url):
    response = client.get(f"{url}?limit={MAX_LIMIT}&offset={MAX_OFFSET}")
    assert response.status_code == 200
    assert response.json()["items"] == []


def test_limit_and_offset_page_through_a_list(client):
    names = sorted(OrganisationFactory(name=f"Tổ chức {index:02}").name for index in range(5))
    everything = [item["name"] for item in client.get("/api/v1/organisations?limit=500").json()["items"]]
    body = client.get("/api/v1/organisations?limit=2&offset=1").json()
    assert body["count"] == len(everything)
    assert [item["name"] for item in body["items"]] == everything[1:3]
    assert set(names) <= set(everything)


def test_the_default_page_size_is_the_settings_per_page(client, settings):
    assert client.get("/api/v1/notifications").status_code == 200
    assert Pagination.Input.model_fields["limit"].default == settings.NINJA_PAGINATION_PER_PAGE


def test_openapi_states_the_bounds(db):
    schema = Client().get("/api/v1/openapi.json").json()
    for url in PAGED:
        parameters = {p["name"]: p["schema"] for p in schema["paths"][url]["get"]["parameters"]}
        assert (parameters["limit"]["minimum"], parameters["limit"]["maximum"]) == (1, MAX_LIMIT)
        assert (parameters["offset"]["minimum"], parameters["offset"]["maximum"]) == (0, MAX_OFFSET)


# Request size ------------------------------------------------------------------------------------


def test_a_body_over_the_upload_limit_is_413_in_the_error_shape(settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = json.dumps({"username": "x" * 2000})
    with assert_nothing_written():
        response = Client(HTTP_ACCEPT_LANGUAGE="en").post(
            "/api/v1/vendors/register", body, content_type="application/json"
        )
    assert response["Content-Type"].startswith("application/json")
    assert (response.status_code, response.json()) == (
        413,
        {
            "code": "request.too_large",
            "message": "The request body is too large.",
            "fields": {"body": "larger than 1000 bytes"},
        },
    )


def test_a_body_over_the_default_limit_is_413(client, settings):
    body = json.dumps({"name": "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)})
    with assert_nothing_written():
        response = client.post("/api/v1/tokens", body, content_type="application/json")
    assert (response.status_code, response.json()["code"]) == (413, "request.too_large")


def test_too_many_query_parameters_is_400_in_the_error_shape(client, settings):
    query = "&".join(f"p{index}=1" for index in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1))
    with assert_nothing_written():
        response = client.get(f"/api/v1/organisations?{query}")
    assert (response.status_code, response.json()) == (
        400,
        {
            "code": "request.too_many_fields",
            "message": "The request has too many parameters.",
            "fields": {},
        },
    )


def test_too_many_form_fields_is_400_in_the_error_shape(settings):
    # The session's CSRF check reads the form fields of an unsafe request, before the body is parsed.
    client = Client(HTTP_ACCEPT_LANGUAGE="en", enforce_csrf_checks=True)
    client.force_login(member(Role.FINANCE_OFFICER))
    client.get("/api/v1/auth/csrf")
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    body = "&".join(f"p{index}=1" for index in range(11))
    with assert_nothing_written():
        response = client.post("/api/v1/tokens", body, content_type="application/x-www-form-urlencoded")
    assert (response.status_code, response.json()["code"]) == (400, "request.too_many_fields")
