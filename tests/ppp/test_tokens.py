"""Personal API tokens: created on a page or by the API, shown once, stored as SHA-256 only,
listed and revoked by their owner; bearer tokens authenticate the API and bypass CSRF, sessions do not."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from django.apps import apps
from django.test import Client
from django.utils import timezone

from ppp.models import ApiToken, AuditEntry, User
from tests.factories import UserFactory
from tests.roles import assert_nothing_written

pytestmark = pytest.mark.django_db


def english(user: User | None = None, **kwargs: object) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en", **kwargs)
    if user is not None:
        client.force_login(user)
    return client


def bearer(secret: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def signed_in_user_id(client: Client) -> str | None:
    return client.session.get("_auth_user_id")


def every_stored_text() -> str:
    """Every value of every row of every table, as one string, to search for a leaked secret."""
    parts: list[str] = []
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        for row in model._base_manager.values_list():
            parts.append(repr(row))
    return "\n".join(parts)


def create_token(user: User, name: str = "ci", **fields: object) -> tuple[ApiToken, str]:
    from ppp import services

    token, secret = services.api_token_create(actor=user, name=name)
    if fields:
        ApiToken.objects.filter(pk=token.pk).update(**fields)
        token.refresh_from_db()
    return token, secret


@pytest.fixture
def owner(db) -> User:
    return UserFactory(username="owner", email="owner@example.test", full_name="Owner")


UNAUTHENTICATED = {
    "code": "auth.unauthenticated",
    "message": "Sign in, or send a valid API token (Authorization: Bearer ...).",
    "fields": {},
}
INVALID_TOKEN = {
    "code": "auth.invalid_token",
    "message": "The API token is unknown, revoked or expired.",
    "fields": {},
}


# The page ----------------------------------------------------------------------------------------


def test_tokens_page_needs_sign_in():
    assert english().get("/account/tokens/")["Location"] == "/login/?next=/account/tokens/"


def test_tokens_page_creates_a_token_shown_once_and_stored_hashed(owner):
    client = english(owner)
    response = client.post("/account/tokens/", {"name": "Nightly export", "expires_in_days": "30"})
    assert response.status_code == 200
    secret = response.context["new_secret"]
    assert secret.startswith("ppp_") and len(secret) == 4 + 43
    assert f'<code data-testid="new-token">{secret}</code>'.encode() in response.content

    token = ApiToken.objects.get()
    assert (token.user, token.name, token.prefix) == (owner, "Nightly export", secret[:10])
    assert token.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert token.expires_at is not None
    assert dt.timedelta(days=29, hours=23) < token.expires_at - timezone.now() <= dt.timedelta(days=30)
    assert secret not in every_stored_text()
    entry = AuditEntry.objects.get(action="api_token.created")
    assert (entry.actor_id, entry.object_id) == (owner.pk, str(token.pk))
    assert "token_hash" not in entry.after

    # Shown once: the next visit lists the token by its prefix only.
    response = client.get("/account/tokens/")
    assert response.context["new_secret"] is None
    assert secret.encode() not in response.content
    assert f"<code>{token.prefix}…</code>".encode() in response.content


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "x" * 101}, "name"),
        ({"name": "ok", "expires_in_days": "0"}, "expires_in_days"),
        ({"name": "ok", "expires_in_days": "366"}, "expires_in_days"),
        ({"name": "ok", "expires_in_days": "soon"}, "expires_in_days"),
    ],
    ids=["empty name", "long name", "zero days", "too many days", "not a number"],
)
def test_tokens_page_refuses_bad_input_and_writes_nothing(owner, data, field):
    client = english(owner)
    with assert_nothing_written():
        response = client.post("/account/tokens/", data)
    assert response.status_code == 400
    assert list(response.context["form"].errors) == [field]
    assert response.context["new_secret"] is None


def test_tokens_page_revokes_own_token(owner):
    token, secret = create_token(owner)
    client = english(owner)
    response = client.post(f"/account/tokens/{token.pk}/revoke/")
    assert (response.status_code, response["Location"]) == (302, "/account/tokens/")
    assert [str(m) for m in client.get("/account/tokens/").context["messages"]] == ["Token revoked."]
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert english().get("/api/v1/me", **bearer(secret)).status_code == 401

    # Revoking again changes nothing and says so.
    with assert_nothing_written(token):
        response = client.post(f"/account/tokens/{token.pk}/revoke/", follow=True)
    assert [str(m) for m in response.context["messages"]] == ["The token is already revoked."]


def test_tokens_page_cannot_revoke_someone_elses_token(owner):
    token, _secret = create_token(UserFactory())
    client = english(owner)
    with assert_nothing_written(token):
        response = client.post(f"/account/tokens/{token.pk}/revoke/")
    assert response.status_code == 404


def test_tokens_page_revoke_needs_post(owner):
    token, _secret = create_token(owner)
    client = english(owner)
    with assert_nothing_written(token):
        assert client.get(f"/account/tokens/{token.pk}/revoke/").status_code == 405


# The API -----------------------------------------------------------------------------------------


def test_api_creates_a_token_and_returns_the_secret_once(owner):
    response = english(owner).post(
        "/api/v1/tokens", {"name": "CI", "expires_in_days": 7}, content_type="application/json"
    )
    assert response.status_code == 201
    body = response.json()
    token = ApiToken.objects.get()
    assert set(body) == {
        "id",
        "name",
        "prefix",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
        "secret",
    }
    assert (body["id"], body["name"], body["prefix"], body["last_used_at"], body["revoked_at"]) == (
        token.pk,
        "CI",
        token.prefix,
        None,
        None,
    )
    assert token.token_hash == hashlib.sha256(body["secret"].encode()).hexdigest()
    assert body["secret"] not in every_stored_text()

    listed = english(owner).get("/api/v1/tokens").json()
    assert [item["id"] for item in listed] == [token.pk]
    assert "secret" not in listed[0]


def test_api_lists_only_my_tokens_newest_first(owner):
    first, _ = create_token(owner, name="first")
    second, _ = create_token(owner, name="second")
    create_token(UserFactory(), name="someone else's")
    response = english(owner).get("/api/v1/tokens")
    assert [(item["id"], item["name"]) for item in response.json()] == [
        (second.pk, "second"),
        (first.pk, "first"),
    ]


def test_bearer_token_authenticates_and_records_last_use(owner):
    token, secret = create_token(owner)
    response = english().get("/api/v1/me", **bearer(secret))
    assert response.status_code == 200
    assert response.json() == {
        "id": owner.pk,
        "username": "owner",
        "email": "owner@example.test",
        "full_name": "Owner",
        "memberships": [],
    }
    token.refresh_from_db()
    assert token.last_used_at is not None


@pytest.mark.parametrize(
    "state",
    ["revoked", "expired", "garbage", "wrong prefix", "inactive user"],
)
def test_dead_tokens_are_401(owner, state):
    token, secret = create_token(owner)
    if state == "revoked":
        ApiToken.objects.filter(pk=token.pk).update(revoked_at=timezone.now())
    elif state == "expired":
        ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    elif state == "garbage":
        secret = "ppp_" + "x" * 43
    elif state == "wrong prefix":
        secret = "tok_" + secret[4:]
    elif state == "inactive user":
        User.objects.filter(pk=owner.pk).update(is_active=False)
    for method, url in [("get", "/api/v1/me"), ("post", "/api/v1/tokens")]:
        with assert_nothing_written(token):
            response = getattr(english(), method)(
                url,
                {"name": "x"} if method == "post" else None,
                content_type="application/json",
                **bearer(secret),
            )
        assert (response.status_code, response.json()) == (401, INVALID_TOKEN)
        assert response["WWW-Authenticate"] == "Bearer"


def test_a_token_that_has_not_expired_yet_works(owner):
    _token, secret = create_token(owner, expires_at=timezone.now() + dt.timedelta(minutes=1))
    assert english().get("/api/v1/me", **bearer(secret)).status_code == 200


def test_no_credentials_is_401():
    response = english().get("/api/v1/me")
    assert (response.status_code, response.json()) == (401, UNAUTHENTICATED)
    assert response["WWW-Authenticate"] == "Bearer"


def test_api_revokes_own_token(owner):
    token, secret = create_token(owner)
    client = english(owner)
    response = client.post(f"/api/v1/tokens/{token.pk}/revoke")
    assert response.status_code == 200
    body = response.json()
    token.refresh_from_db()
    assert (body["id"], body["revoked_at"] is not None, token.revoked_at is not None) == (
        token.pk,
        True,
        True,
    )
    assert "secret" not in body
    assert english().get("/api/v1/me", **bearer(secret)).status_code == 401
    entry = AuditEntry.objects.get(action="api_token.revoked")
    assert (entry.actor_id, entry.object_id, entry.before["revoked_at"]) == (owner.pk, str(token.pk), None)

    with assert_nothing_written(token):
        response = client.post(f"/api/v1/tokens/{token.pk}/revoke")
    assert (response.status_code, response.json()) == (
        409,
        {"code": "token.already_revoked", "message": "The token is already revoked.", "fields": {}},
    )


def test_a_token_can_revoke_itself(owner):
    token, secret = create_token(owner)
    response = english().post(f"/api/v1/tokens/{token.pk}/revoke", **bearer(secret))
    assert response.status_code == 200
    assert english().get("/api/v1/me", **bearer(secret)).status_code == 401


def test_api_revoking_someone_elses_token_is_404_like_a_missing_one(owner):
    token, _secret = create_token(UserFactory())
    client = english(owner)
    with assert_nothing_written(token):
        response = client.post(f"/api/v1/tokens/{token.pk}/revoke")
    missing = client.post(f"/api/v1/tokens/{token.pk + 1000}/revoke")
    assert (response.status_code, response.json()) == (
        404,
        {"code": "token.not_found", "message": "Token not found.", "fields": {}},
    )
    assert (missing.status_code, missing.json()) == (response.status_code, response.json())


def test_api_token_operations_need_authentication(owner):
    token, _secret = create_token(owner)
    for method, url in [
        ("get", "/api/v1/tokens"),
        ("post", "/api/v1/tokens"),
        ("post", f"/api/v1/tokens/{token.pk}/revoke"),
    ]:
        with assert_nothing_written(token):
            response = getattr(english(), method)(url, {"name": "x"}, content_type="application/json")
        assert (response.status_code, response.json()) == (401, UNAUTHENTICATED)


# CSRF: tokens bypass it, sessions need it --------------------------------------------------------


def test_bearer_token_posts_need_no_csrf_token(owner):
    _token, secret = create_token(owner)
    client = english(enforce_csrf_checks=True)
    response = client.post(
        "/api/v1/tokens", {"name": "from a script"}, content_type="application/json", **bearer(secret)
    )
    assert response.status_code == 201
    assert ApiToken.objects.filter(name="from a script", user=owner).count() == 1


def test_session_posts_without_the_csrf_token_are_403_and_write_nothing(owner):
    client = english(owner, enforce_csrf_checks=True)
    with assert_nothing_written():
        response = client.post("/api/v1/tokens", {"name": "x"}, content_type="application/json")
    assert (response.status_code, response.json()) == (
        403,
        {
            "code": "auth.csrf_failed",
            "message": "CSRF check failed: send the X-CSRFToken header.",
            "fields": {},
        },
    )


def test_session_posts_with_the_csrf_token_succeed(owner):
    client = english(owner, enforce_csrf_checks=True)
    csrf = client.get("/api/v1/auth/csrf").json()["csrf_token"]
    response = client.post(
        "/api/v1/tokens", {"name": "x"}, content_type="application/json", HTTP_X_CSRFTOKEN=csrf
    )
    assert response.status_code == 201


def test_session_gets_need_no_csrf_token(owner):
    response = english(owner, enforce_csrf_checks=True).get("/api/v1/tokens")
    assert (response.status_code, response.json()) == (200, [])


def test_a_refused_token_does_not_fall_back_to_csrf_failure_for_anonymous_posts(owner):
    client = english(enforce_csrf_checks=True)
    response = client.post(
        "/api/v1/tokens", {"name": "x"}, content_type="application/json", **bearer("ppp_nope")
    )
    assert (response.status_code, response.json()["code"]) == (401, "auth.invalid_token")


# A refused token is refused even beside a session ------------------------------------------------


@pytest.mark.parametrize("state", ["revoked", "expired", "garbage", "wrong prefix", "empty"])
def test_a_refused_token_beside_a_valid_session_is_401_not_the_session_user(owner, state):
    token, secret = create_token(owner)
    if state == "revoked":
        ApiToken.objects.filter(pk=token.pk).update(revoked_at=timezone.now())
    elif state == "expired":
        ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    elif state == "garbage":
        secret = "ppp_" + "x" * 43
    elif state == "wrong prefix":
        secret = "tok_" + secret[4:]
    elif state == "empty":
        secret = ""
    client = english(owner)
    assert client.get("/api/v1/me").status_code == 200  # the session alone is good
    for method, url in [("get", "/api/v1/me"), ("post", "/api/v1/tokens"), ("post", "/api/v1/auth/logout")]:
        with assert_nothing_written(token):
            response = getattr(client, method)(
                url,
                {"name": "x"} if url == "/api/v1/tokens" else None,
                content_type="application/json",
                **bearer(secret),
            )
        assert (method, url, response.status_code, response.json()) == (method, url, 401, INVALID_TOKEN)
        assert response["WWW-Authenticate"] == "Bearer"
    assert signed_in_user_id(client) == str(owner.pk)  # the refused logout did not end the session


def test_a_live_token_beside_someone_elses_session_answers_as_the_token_owner(owner):
    _token, secret = create_token(owner)
    other = UserFactory(username="other")
    response = english(other).get("/api/v1/me", **bearer(secret))
    assert (response.status_code, response.json()["username"]) == (200, "owner")


def test_another_authorization_scheme_beside_a_session_is_not_a_bearer_credential(owner):
    # A staging site behind HTTP basic authentication sends "Basic ..." with every browser request.
    response = english(owner).get("/api/v1/me", HTTP_AUTHORIZATION="Basic c3RhZ2luZzpzZWNyZXQ=")
    assert (response.status_code, response.json()["username"]) == (200, "owner")
