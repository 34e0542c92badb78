"""Bad input to the API: every 4xx is {code, message, fields}, names the field when there is one, and
writes nothing. Also: the OpenAPI document lists the kernel's operations and the docs page loads."""

from __future__ import annotations

import pytest
from django.test import Client

from ppp.models import ApiToken, Role, User
from tests.factories import member
from tests.roles import assert_nothing_written

pytestmark = pytest.mark.django_db

INVALID = "The request is not valid."


@pytest.fixture
def person(db) -> User:
    return member(Role.FINANCE_OFFICER)


@pytest.fixture
def client(person) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(person)
    return client


def post_raw(client: Client, url: str, body: bytes | str, content_type: str = "application/json"):
    return client.generic("POST", url, body, content_type=content_type)


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ("{", "application/json"),
        ('{"name": "a",}', "application/json"),
        ("name=x", "application/x-www-form-urlencoded"),
        (b"\xff\xfe\x00", "application/json"),
    ],
    ids=["truncated", "trailing comma", "form encoded", "not text"],
)
def test_malformed_json_is_400_request_malformed(client, body, content_type):
    with assert_nothing_written():
        response = post_raw(client, "/api/v1/tokens", body, content_type)
    assert (response.status_code, response.json()) == (
        400,
        {
            "code": "request.malformed",
            "message": "The request body is not valid JSON.",
            "fields": {"body": "malformed JSON"},
        },
    )


@pytest.mark.parametrize(
    ("payload", "fields"),
    [
        ({"name": "ci", "scope": "all"}, {"scope": "unknown field"}),
        ({"name": "x" * 101}, {"name": "String should have at most 100 characters"}),
        ({"name": ""}, {"name": "String should have at least 1 character"}),
        ({"name": "   "}, {"name": "String should have at least 1 character"}),
        ({}, {"name": "Field required"}),
        ({"name": 5}, {"name": "Input should be a valid string"}),
        ({"name": ["ci"]}, {"name": "Input should be a valid string"}),
        ({"name": None}, {"name": "Input should be a valid string"}),
        (
            {"name": "ci", "expires_in_days": "soon"},
            {"expires_in_days": "Input should be a valid integer, unable to parse string as an integer"},
        ),
        (
            {"name": "ci", "expires_in_days": 1.5},
            {"expires_in_days": "Input should be a valid integer, got a number with a fractional part"},
        ),
        (
            {"name": "ci", "expires_in_days": 0},
            {"expires_in_days": "Input should be greater than or equal to 1"},
        ),
        (
            {"name": "ci", "expires_in_days": 10**30},
            {"expires_in_days": "Input should be less than or equal to 365"},
        ),
        ({"name": "a\u0000b"}, {"name": "Value error, must not contain the NUL character"}),
        (["ci"], {"body": "Input should be a valid dictionary or object to extract fields from"}),
        ('"ci"', {"body": "Input should be a valid dictionary or object to extract fields from"}),
        ("", {"body": "Field required"}),
    ],
    ids=[
        "unknown field",
        "over-long string",
        "empty string",
        "only spaces",
        "missing field",
        "number for string",
        "list for string",
        "null for string",
        "string for integer",
        "fraction for integer",
        "below minimum",
        "huge integer",
        "NUL character",
        "array body",
        "string body",
        "empty body",
    ],
)
def test_invalid_bodies_are_400_naming_the_field(client, payload, fields):
    with assert_nothing_written():
        response = client.post("/api/v1/tokens", payload, content_type="application/json")
    assert (response.status_code, response.json()) == (
        400,
        {"code": "request.invalid", "message": INVALID, "fields": fields},
    )


def test_every_problem_of_a_body_is_named_at_once(client):
    with assert_nothing_written():
        response = client.post(
            "/api/v1/tokens",
            {"name": "x" * 101, "expires_in_days": 0, "colour": "red"},
            content_type="application/json",
        )
    assert response.status_code == 400
    assert sorted(response.json()["fields"]) == ["colour", "expires_in_days", "name"]


def test_nul_in_a_nested_registration_field_is_refused_on_every_database(db):
    payload = {
        "organisation_name": "Công ty\u0000",
        "tax_code": "0109998887",
        "full_name": "Mai",
        "username": "mai",
        "email": "mai@mayxanh.vn",
        "password": "Blue-Cloud-2026!",
    }
    with assert_nothing_written():
        response = Client(HTTP_ACCEPT_LANGUAGE="en").post(
            "/api/v1/vendors/register", payload, content_type="application/json"
        )
    assert (response.status_code, list(response.json()["fields"])) == (400, ["organisation_name"])


@pytest.mark.parametrize(
    ("method", "url", "status", "code"),
    [
        ("get", "/api/v1/organisations/abc", 400, "request.invalid"),
        ("get", "/api/v1/organisations/99999999999999999999999", 404, "organisation.not_found"),
        ("get", "/api/v1/organisations?limit=lots", 400, "request.invalid"),
        ("get", "/api/v1/audit", 403, "audit.forbidden"),
        ("get", "/api/v1/audit?action=" + "x" * 101, 400, "request.invalid"),
        ("get", "/api/v1/jobs/not-a-uuid", 400, "request.invalid"),
        ("get", "/api/v1/no-such-thing", 404, "not_found"),
        ("get", "/api/v1/", 404, "not_found"),
        ("delete", "/api/v1/me", 405, "request.method_not_allowed"),
        ("put", "/api/v1/tokens", 405, "request.method_not_allowed"),
    ],
)
def test_other_4xx_answers_have_the_error_shape(client, method, url, status, code):
    with assert_nothing_written():
        response = getattr(client, method)(url)
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"code", "message", "fields"}
    assert body["code"] == code


def test_a_wrong_method_keeps_the_allow_header(client):
    response = client.delete("/api/v1/tokens")
    assert response.status_code == 405
    assert set(response["Allow"].split(", ")) == {"GET", "POST"}


def test_query_parameters_are_validated_naming_the_parameter(db):
    administrator = member(Role.ADMINISTRATOR)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(administrator)
    response = client.get("/api/v1/audit?action=" + "x" * 101)
    assert (response.status_code, response.json()) == (
        400,
        {
            "code": "request.invalid",
            "message": INVALID,
            "fields": {"action": "String should have at most 100 characters"},
        },
    )
    response = client.get("/api/v1/organisations?is_verified=maybe")
    assert (response.status_code, list(response.json()["fields"])) == (400, ["is_verified"])


def test_a_well_formed_request_still_succeeds(client, person):
    response = client.post("/api/v1/tokens", {"name": "  ci  "}, content_type="application/json")
    assert response.status_code == 201
    assert ApiToken.objects.get(user=person).name == "ci"


# OpenAPI -----------------------------------------------------------------------------------------

KERNEL_OPERATIONS = {
    ("get", "/api/v1/auth/csrf"),
    ("post", "/api/v1/auth/login"),
    ("post", "/api/v1/auth/logout"),
    ("post", "/api/v1/auth/password-reset"),
    ("post", "/api/v1/auth/password-reset/confirm"),
    ("get", "/api/v1/me"),
    ("post", "/api/v1/vendors/register"),
    ("get", "/api/v1/organisations"),
    ("post", "/api/v1/organisations"),
    ("get", "/api/v1/organisations/{organisation_id}"),
    ("post", "/api/v1/organisations/{organisation_id}/verify"),
    ("post", "/api/v1/organisations/{organisation_id}/memberships"),
    ("get", "/api/v1/tokens"),
    ("post", "/api/v1/tokens"),
    ("post", "/api/v1/tokens/{token_id}/revoke"),
    ("get", "/api/v1/audit"),
    ("get", "/api/v1/rules"),
    ("get", "/api/v1/jobs/{job_id}"),
    ("post", "/api/v1/jobs/selftest"),
    ("get", "/api/v1/notifications"),
}


def test_openapi_lists_the_kernel_operations(db):
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    operations = {(method, path) for path, item in schema["paths"].items() for method in item}
    assert operations >= KERNEL_OPERATIONS
    login = schema["paths"]["/api/v1/auth/login"]["post"]
    assert set(login["responses"]) == {"200", "400", "401", "403", "404", "409", "429"}
    assert "security" not in login
    assert schema["paths"]["/api/v1/auth/logout"]["post"]["security"] == [{"SessionWithCsrf": []}]
    assert schema["paths"]["/api/v1/me"]["get"]["security"] == [{"TokenAuth": []}, {"SessionWithCsrf": []}]
    assert set(schema["components"]["securitySchemes"]) == {"TokenAuth", "SessionWithCsrf"}
    error = schema["components"]["schemas"]["ErrorOut"]
    assert set(error["properties"]) == {"code", "message", "fields"}


def test_api_docs_page_loads(db):
    response = Client().get("/api/v1/docs")
    assert response.status_code == 200
    assert b"/api/v1/openapi.json" in response.content


def test_api_docs_page_loads_only_local_assets(db):
    """Nothing may download at run time: Swagger UI comes from the static files ninja ships."""
    import json
    import re

    from django.contrib.staticfiles import finders

    page = Client().get("/api/v1/docs").content.decode()
    references = re.findall(r'(?:src|href)="([^"]*)"', page)
    assert sorted(references) == [
        "/static/ninja/favicon.png",
        "/static/ninja/favicon.svg",
        "/static/ninja/swagger-ui-bundle.js",
        "/static/ninja/swagger-ui-init.js",
        "/static/ninja/swagger-ui.css",
    ]
    assert "http://" not in page and "https://" not in page and "//cdn" not in page
    for reference in references:
        assert finders.find(reference.removeprefix("/static/")) is not None, reference
    settings_json = re.search(
        r'<script type="application/json" id="swagger-settings">(.*?)</script>', page, re.S
    )
    assert settings_json is not None
    swagger = json.loads(settings_json.group(1))
    # Swagger UI would otherwise send the schema to an online validator.
    assert (swagger["url"], swagger["validatorUrl"]) == ("/api/v1/openapi.json", None)


@pytest.mark.parametrize(
    ("location", "path"),
    [
        (("body", "payload", "lines", 3, "unit_cost"), "lines[3].unit_cost"),
        (("file", "file"), "file"),
        (("query", "limit"), "limit"),
        (("form", "query"), "query"),
        (("body", "payload"), "body"),
        ((), "body"),
    ],
)
def test_field_paths_drop_only_the_location_and_the_payload_wrapper(location, path):
    from ppp.api import field_path

    assert field_path(location) == path
