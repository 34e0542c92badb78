"""Sign-in and sign-out (pages and API), lock-out after repeated failures, password reset by email,
Argon2 hashing, and the audit entries that logins leave."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.core import mail
from django.test import Client

from ppp.models import AuditEntry, User
from tests.factories import PASSWORD, UserFactory
from tests.roles import assert_nothing_written, database_fingerprint

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Brand-New-Lantern-77"


def english(**kwargs: object) -> Client:
    return Client(HTTP_ACCEPT_LANGUAGE="en", **kwargs)


def audit_actions() -> list[str]:
    return list(AuditEntry.objects.order_by("sequence").values_list("action", flat=True))


def changed_tables(before: dict, after: dict) -> set[str]:
    return {table for table in set(before) | set(after) if before.get(table) != after.get(table)}


def signed_in_user_id(client: Client) -> str | None:
    return client.session.get("_auth_user_id")


@pytest.fixture
def person(db) -> User:
    return UserFactory(username="hoa", email="hoa@example.test")


@pytest.fixture
def five_failures(settings):
    settings.AXES_FAILURE_LIMIT = 5
    return 5


# Argon2 ------------------------------------------------------------------------------------------


def test_passwords_are_hashed_with_argon2(person):
    person.refresh_from_db()
    assert person.password.startswith("argon2$argon2id$")
    assert person.check_password(PASSWORD) is True
    assert PASSWORD not in person.password


# Login page --------------------------------------------------------------------------------------


def test_login_page_renders_the_form():
    response = english().get("/login/")
    assert response.status_code == 200
    assert list(response.context["form"].fields) == ["username", "password"]


def test_login_page_signs_in_and_redirects_to_the_dashboard(person):
    client = english()
    response = client.post("/login/", {"username": "hoa", "password": PASSWORD})
    assert (response.status_code, response["Location"]) == (302, "/")
    assert signed_in_user_id(client) == str(person.pk)
    entry = AuditEntry.objects.get(action="auth.login")
    assert (entry.actor_id, entry.actor_label, entry.object_type, entry.object_id, entry.after) == (
        person.pk,
        "hoa",
        "ppp.user",
        str(person.pk),
        {"address": "127.0.0.1"},
    )
    assert client.get("/").status_code == 200


def test_login_page_follows_a_safe_next_and_refuses_a_foreign_one(person):
    response = english().post(
        "/login/?next=/rules/", {"username": "hoa", "password": PASSWORD, "next": "/rules/"}
    )
    assert response["Location"] == "/rules/"
    response = english().post(
        "/login/", {"username": "hoa", "password": PASSWORD, "next": "https://evil.test/"}
    )
    assert response["Location"] == "/"


def test_login_page_wrong_password_shows_an_error_and_audits_the_failure(person):
    client = english()
    before = database_fingerprint()
    response = client.post("/login/", {"username": "hoa", "password": "wrong-password"})
    assert response.status_code == 200
    assert [error.code for error in response.context["form"].non_field_errors().as_data()] == [
        "invalid_login"
    ]
    assert b'data-testid="login-error"' in response.content
    assert b"The username or password is not correct." in response.content
    assert signed_in_user_id(client) is None
    # The failure is audited and nothing else is written (the lock-out counter is volatile).
    assert changed_tables(before, database_fingerprint()) == {"ppp_auditentry"}
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.actor_id, entry.actor_label, entry.object_type, entry.after) == (
        "auth.login_failed",
        None,
        "hoa",
        "ppp.user",
        {"username": "hoa", "address": "127.0.0.1"},
    )
    assert "wrong-password" not in str(entry.after)


def test_login_page_unknown_username_is_refused_like_a_wrong_password(person):
    response = english().post("/login/", {"username": "nobody", "password": PASSWORD})
    assert response.status_code == 200
    assert [error.code for error in response.context["form"].non_field_errors().as_data()] == [
        "invalid_login"
    ]
    assert audit_actions() == ["auth.login_failed"]


def test_login_page_locks_out_after_the_failure_limit(person, five_failures):
    client = english()
    for _attempt in range(five_failures - 1):
        assert client.post("/login/", {"username": "hoa", "password": "wrong"}).status_code == 200
    response = client.post("/login/", {"username": "hoa", "password": "wrong"})
    assert response.status_code == 429
    assert "registration/locked_out.html" in [template.name for template in response.templates]

    # The right password is refused while locked out, and nobody is signed in.
    response = client.post("/login/", {"username": "hoa", "password": PASSWORD})
    assert response.status_code == 429
    assert b"Too many failed sign-in attempts" in response.content
    assert signed_in_user_id(client) is None
    assert audit_actions() == ["auth.login_failed"] * 6

    # The lock-out is per username and address: another person from the same address still gets in.
    UserFactory(username="lan")
    response = client.post("/login/", {"username": "lan", "password": PASSWORD})
    assert response.status_code == 302


def test_a_successful_login_resets_the_failure_count(person, five_failures):
    client = english()
    for _attempt in range(five_failures - 1):
        client.post("/login/", {"username": "hoa", "password": "wrong"})
    assert client.post("/login/", {"username": "hoa", "password": PASSWORD}).status_code == 302
    client.post("/logout/")
    for _attempt in range(five_failures - 1):
        assert client.post("/login/", {"username": "hoa", "password": "wrong"}).status_code == 200
    assert client.post("/login/", {"username": "hoa", "password": PASSWORD}).status_code == 302


def test_logout_page_needs_post_and_signs_out(person):
    client = english()
    client.force_login(person)
    assert client.get("/logout/").status_code == 405
    assert signed_in_user_id(client) == str(person.pk)
    response = client.post("/logout/")
    assert (response.status_code, response["Location"]) == (302, "/login/")
    assert signed_in_user_id(client) is None
    assert audit_actions() == ["auth.login", "auth.logout"]
    assert client.get("/")["Location"] == "/login/?next=/"


def test_logout_page_refuses_a_post_without_the_csrf_token(person):
    client = english(enforce_csrf_checks=True)
    client.force_login(person)
    assert client.post("/logout/").status_code == 403
    assert signed_in_user_id(client) == str(person.pk)


# Login API ---------------------------------------------------------------------------------------


def me_body(user: User) -> dict:
    return {
        "id": user.pk,
        "username": user.username,
        "email": user.email,
        "full_name": user.full_name,
        "memberships": [],
    }


def test_api_login_opens_a_session(person):
    client = english()
    response = client.post(
        "/api/v1/auth/login", {"username": "hoa", "password": PASSWORD}, content_type="application/json"
    )
    assert response.status_code == 200
    assert response.json() == me_body(person)
    assert signed_in_user_id(client) == str(person.pk)
    assert client.get("/api/v1/me").json() == me_body(person)
    assert audit_actions() == ["auth.login"]


def test_api_login_wrong_password_is_401_and_audited(person):
    client = english()
    before = database_fingerprint()
    response = client.post(
        "/api/v1/auth/login", {"username": "hoa", "password": "wrong"}, content_type="application/json"
    )
    assert response.status_code == 401
    assert response.json() == {
        "code": "auth.invalid_credentials",
        "message": "The username or password is not correct.",
        "fields": {},
    }
    assert response["WWW-Authenticate"] == "Bearer"
    assert signed_in_user_id(client) is None
    assert list(AccessAttempt.objects.values_list("username", "failures_since_start")) == [("hoa", 1)]
    assert changed_tables(before, database_fingerprint()) == {"ppp_auditentry"}
    assert AuditEntry.objects.get().after == {"username": "hoa", "address": "127.0.0.1"}


def test_api_login_locks_out_after_the_failure_limit(person, five_failures):
    client = english()
    url = "/api/v1/auth/login"
    for _attempt in range(five_failures - 1):
        response = client.post(url, {"username": "hoa", "password": "wrong"}, content_type="application/json")
        assert response.status_code == 401
    locked = {
        "code": "auth.locked_out",
        "message": "Too many failed sign-in attempts. Try again later or reset your password.",
        "fields": {},
    }
    response = client.post(url, {"username": "hoa", "password": "wrong"}, content_type="application/json")
    assert (response.status_code, response.json()) == (429, locked)
    response = client.post(url, {"username": "hoa", "password": PASSWORD}, content_type="application/json")
    assert (response.status_code, response.json()) == (429, locked)
    assert signed_in_user_id(client) is None
    assert "auth.login" not in audit_actions()


def test_api_and_page_failures_count_together(person, five_failures):
    client = english()
    for _attempt in range(five_failures):
        client.post("/login/", {"username": "hoa", "password": "wrong"})
    response = client.post(
        "/api/v1/auth/login", {"username": "hoa", "password": PASSWORD}, content_type="application/json"
    )
    assert (response.status_code, response.json()["code"]) == (429, "auth.locked_out")


@pytest.mark.parametrize(
    ("payload", "fields"),
    [
        ({"username": "hoa"}, {"password": "Field required"}),
        ({"username": "", "password": "x"}, {"username": "String should have at least 1 character"}),
        ({"username": "h" * 151, "password": "x"}, {"username": "String should have at most 150 characters"}),
        ({"username": "hoa", "password": "x", "remember": True}, {"remember": "unknown field"}),
    ],
    ids=["missing password", "empty username", "long username", "unknown field"],
)
def test_api_login_bad_input_is_400_and_counts_no_failure(person, payload, fields):
    with assert_nothing_written(person):
        response = english().post("/api/v1/auth/login", payload, content_type="application/json")
    assert AccessAttempt.objects.count() == 0
    assert response.status_code == 400
    assert response.json() == {
        "code": "request.invalid",
        "message": "The request is not valid.",
        "fields": fields,
    }


def test_api_login_needs_the_csrf_token_and_gets_it_from_the_csrf_operation(person):
    client = english(enforce_csrf_checks=True)
    payload = {"username": "hoa", "password": PASSWORD}
    response = client.post("/api/v1/auth/login", payload, content_type="application/json")
    assert response.status_code == 403
    assert response.json()["code"] == "auth.csrf_failed"
    assert signed_in_user_id(client) is None

    token = client.get("/api/v1/auth/csrf").json()["csrf_token"]
    response = client.post(
        "/api/v1/auth/login", payload, content_type="application/json", HTTP_X_CSRFTOKEN=token
    )
    assert response.status_code == 200
    assert signed_in_user_id(client) == str(person.pk)


def test_api_logout_ends_the_session(person):
    client = english()
    client.force_login(person)
    response = client.post("/api/v1/auth/logout")
    assert (response.status_code, response.content) == (204, b"")
    assert signed_in_user_id(client) is None
    assert client.get("/api/v1/me").status_code == 401
    assert audit_actions() == ["auth.login", "auth.logout"]


def test_api_logout_anonymous_is_401():
    with assert_nothing_written():
        response = english().post("/api/v1/auth/logout")
    assert response.status_code == 401
    assert response.json()["code"] == "auth.unauthenticated"


def test_api_logout_without_the_csrf_token_is_refused(person):
    client = english(enforce_csrf_checks=True)
    client.force_login(person)
    response = client.post("/api/v1/auth/logout")
    assert response.status_code == 403
    assert response.json() == {
        "code": "auth.csrf_failed",
        "message": "CSRF check failed: send the X-CSRFToken header.",
        "fields": {},
    }
    assert signed_in_user_id(client) == str(person.pk)


# Password reset ----------------------------------------------------------------------------------


def reset_path(message: mail.EmailMessage) -> str:
    match = re.search(r"http://testserver(/password-reset/[^/\s]+/[^/\s]+/)", message.body)
    assert match, message.body
    return match.group(1)


def test_password_reset_page_mails_a_link_that_sets_a_new_password(person):
    client = english()
    response = client.post("/password-reset/", {"email": "hoa@example.test"})
    assert (response.status_code, response["Location"]) == (302, "/password-reset/sent/")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["hoa@example.test"]
    path = reset_path(mail.outbox[0])

    response = client.get(path)
    assert response.status_code == 302
    set_password_url = response["Location"]
    assert set_password_url.endswith("/set-password/")
    response = client.post(set_password_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert (response.status_code, response["Location"]) == (302, "/password-reset/complete/")

    person.refresh_from_db()
    assert person.check_password(NEW_PASSWORD) is True
    assert person.password.startswith("argon2$")
    assert audit_actions() == ["auth.password_reset"]
    # The new password signs in, the old one no longer does, and the link cannot be used again.
    assert english().post("/login/", {"username": "hoa", "password": PASSWORD}).status_code == 200
    assert english().post("/login/", {"username": "hoa", "password": NEW_PASSWORD}).status_code == 302
    response = english().get(path, follow=True)
    assert response.context["validlink"] is False


def test_password_reset_page_refuses_a_weak_password_and_writes_nothing(person):
    client = english()
    client.post("/password-reset/", {"email": "hoa@example.test"})
    set_password_url = client.get(reset_path(mail.outbox[0]))["Location"]
    with assert_nothing_written(person):
        response = client.post(set_password_url, {"new_password1": "123", "new_password2": "123"})
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"new_password2"}


def test_password_reset_page_sends_nothing_for_an_unknown_address(person):
    response = english().post("/password-reset/", {"email": "nobody@example.test"})
    assert (response.status_code, response["Location"]) == (302, "/password-reset/sent/")
    assert mail.outbox == []


def uid_and_token(message: mail.EmailMessage) -> tuple[str, str]:
    _empty, _reset, uid, token, _end = reset_path(message).split("/")
    return uid, token


def test_api_password_reset_mails_a_link_and_confirm_sets_the_password(person):
    client = english()
    response = client.post(
        "/api/v1/auth/password-reset", {"email": "hoa@example.test"}, content_type="application/json"
    )
    assert (response.status_code, response.json()) == (
        202,
        {"message": "If an account has this address, a reset link is on its way."},
    )
    assert len(mail.outbox) == 1
    uid, token = uid_and_token(mail.outbox[0])

    payload = {"uid": uid, "token": token, "new_password": NEW_PASSWORD}
    response = client.post("/api/v1/auth/password-reset/confirm", payload, content_type="application/json")
    assert (response.status_code, response.json()) == (
        200,
        {"message": "Your password is changed. Sign in with the new one."},
    )
    login = {"username": "hoa", "password": NEW_PASSWORD}
    assert client.post("/api/v1/auth/login", login, content_type="application/json").status_code == 200
    assert audit_actions() == ["auth.password_reset", "auth.login"]

    # The token was bound to the old password: a second use is refused and writes nothing.
    payload["new_password"] = "Another-Lantern-88"
    with assert_nothing_written(person):
        response = english().post(
            "/api/v1/auth/password-reset/confirm", payload, content_type="application/json"
        )
    assert (response.status_code, response.json()) == (
        400,
        {
            "code": "auth.invalid_reset_link",
            "message": "This reset link is invalid or has been used. Ask for a new one.",
            "fields": {"token": "invalid or used"},
        },
    )


def test_api_password_reset_answers_the_same_for_an_unknown_address(person):
    with assert_nothing_written(person):
        response = english().post(
            "/api/v1/auth/password-reset", {"email": "nobody@example.test"}, content_type="application/json"
        )
    assert (response.status_code, response.json()) == (
        202,
        {"message": "If an account has this address, a reset link is on its way."},
    )
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("change", "fields"),
    [
        ({"new_password": "123"}, {"new_password"}),
        ({"uid": "bm9ib2R5"}, {"token"}),
        ({"uid": "!!!"}, {"token"}),
        ({"token": "abc-def"}, {"token"}),
    ],
    ids=["weak password", "unknown uid", "garbage uid", "wrong token"],
)
def test_api_password_reset_confirm_bad_input_writes_nothing(person, change, fields):
    english().post(
        "/api/v1/auth/password-reset", {"email": "hoa@example.test"}, content_type="application/json"
    )
    uid, token = uid_and_token(mail.outbox[0])
    payload = {"uid": uid, "token": token, "new_password": NEW_PASSWORD, **change}
    with assert_nothing_written(person):
        response = english().post(
            "/api/v1/auth/password-reset/confirm", payload, content_type="application/json"
        )
    assert response.status_code == 400
    assert set(response.json()["fields"]) == fields
    person.refresh_from_db()
    assert person.check_password(PASSWORD) is True


def test_a_password_reset_lifts_the_lock_out(person, five_failures):
    client = english()
    for _attempt in range(five_failures):
        client.post("/login/", {"username": "hoa", "password": "wrong"})
    assert client.post("/login/", {"username": "hoa", "password": PASSWORD}).status_code == 429
    client.post("/password-reset/", {"email": "hoa@example.test"})
    set_password_url = client.get(reset_path(mail.outbox[0]))["Location"]
    client.post(set_password_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    response = client.post("/login/", {"username": "hoa", "password": NEW_PASSWORD})
    assert (response.status_code, response["Location"]) == (302, "/")


# Behind the TLS proxy ----------------------------------------------------------------------------

PROXY = "10.0.0.2"


def behind_proxy(client_address: str, sent: str = "") -> dict[str, str]:
    """What Django sees when the proxy forwards a client: the proxy's own address, and the client's
    appended to whatever X-Forwarded-For the client itself sent."""
    forwarded = f"{sent}, {client_address}" if sent else client_address
    return {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": forwarded}


@pytest.mark.parametrize(
    ("value", "expected"),
    [(None, "0 ppp.auth.client_ip"), ("2", "2 ppp.auth.client_ip"), ("", "0 ppp.auth.client_ip")],
    ids=["unset", "two proxies", "empty"],
)
def test_the_proxy_count_comes_from_the_environment(value, expected):
    result = read_settings("print(s.TRUSTED_PROXY_COUNT, s.AXES_CLIENT_IP_CALLABLE)", value)
    assert (result.returncode, result.stdout.strip()) == (0, expected), result.stderr


@pytest.mark.parametrize("value", ["-1", "two", "1.5"])
def test_a_proxy_count_that_is_not_a_whole_number_is_refused(value):
    result = read_settings("print(s.TRUSTED_PROXY_COUNT)", value)
    assert result.returncode == 1
    assert "ImproperlyConfigured: TRUSTED_PROXY_COUNT must be a whole number, 0 or more" in result.stderr


def read_settings(code: str, proxy_count: str | None) -> subprocess.CompletedProcess[str]:
    """Import the settings in a fresh process, as a deployment reads its environment."""
    env = {key: value for key, value in os.environ.items() if key != "TRUSTED_PROXY_COUNT"}
    if proxy_count is not None:
        env["TRUSTED_PROXY_COUNT"] = proxy_count
    return subprocess.run(
        [sys.executable, "-c", f"import ppp.settings as s; {code}"],
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_behind_one_trusted_proxy_two_clients_are_counted_separately(person, five_failures, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    first, second = english(), english()
    for _attempt in range(five_failures):
        first.post("/login/", {"username": "hoa", "password": "wrong"}, **behind_proxy("203.0.113.5"))
    locked = first.post("/login/", {"username": "hoa", "password": PASSWORD}, **behind_proxy("203.0.113.5"))
    assert locked.status_code == 429
    # The same username from another client behind the same proxy is not locked out.
    response = second.post(
        "/login/", {"username": "hoa", "password": PASSWORD}, **behind_proxy("198.51.100.7")
    )
    assert (response.status_code, response["Location"]) == (302, "/")
    assert list(AccessAttempt.objects.values_list("ip_address", "username", "failures_since_start")) == [
        ("203.0.113.5", "hoa", 6)
    ]
    # The audit log records the client's address too, not the proxy's.
    addresses = [(entry.action, entry.after["address"]) for entry in AuditEntry.objects.order_by("sequence")]
    assert addresses == [("auth.login_failed", "203.0.113.5")] * 6 + [("auth.login", "198.51.100.7")]


def test_behind_a_trusted_proxy_a_forged_forwarded_for_does_not_escape_the_lock_out(
    person, five_failures, settings
):
    settings.TRUSTED_PROXY_COUNT = 1
    client = english()
    for attempt in range(five_failures):
        # The client makes up an address each time; the proxy appends the real one, which decides.
        client.post(
            "/login/",
            {"username": "hoa", "password": "wrong"},
            **behind_proxy("203.0.113.5", sent=f"192.0.2.{attempt}"),
        )
    response = client.post(
        "/login/", {"username": "hoa", "password": PASSWORD}, **behind_proxy("203.0.113.5", sent="192.0.2.99")
    )
    assert response.status_code == 429


def test_without_a_trusted_proxy_forwarded_for_is_ignored(person, five_failures, settings):
    assert settings.TRUSTED_PROXY_COUNT == 0
    client = english()
    for attempt in range(five_failures):
        client.post(
            "/login/", {"username": "hoa", "password": "wrong"}, HTTP_X_FORWARDED_FOR=f"192.0.2.{attempt}"
        )
    response = client.post(
        "/login/", {"username": "hoa", "password": PASSWORD}, HTTP_X_FORWARDED_FOR="192.0.2.99"
    )
    assert response.status_code == 429
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["127.0.0.1"]


@pytest.mark.parametrize(
    ("count", "meta", "expected"),
    [
        ("no proxy", {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "203.0.113.5"}, "10.0.0.2"),
        (1, {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "203.0.113.5"}, "203.0.113.5"),
        (1, {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "1.1.1.1, 203.0.113.5"}, "203.0.113.5"),
        (
            2,
            {"REMOTE_ADDR": "10.0.0.3", "HTTP_X_FORWARDED_FOR": "1.1.1.1, 203.0.113.5, 10.0.0.2"},
            "203.0.113.5",
        ),
        (1, {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": " 2001:db8::1 "}, "2001:db8::1"),
        (2, {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "203.0.113.5"}, "10.0.0.2"),
        (1, {"REMOTE_ADDR": "10.0.0.2"}, "10.0.0.2"),
        (1, {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "not-an-address"}, "10.0.0.2"),
        (1, {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "203.0.113.5:4711"}, "10.0.0.2"),
    ],
    ids=[
        "no trusted proxy: the peer",
        "one proxy",
        "one proxy, client-sent entry ignored",
        "two proxies",
        "IPv6, spaces trimmed",
        "fewer entries than proxies: the peer",
        "no header: the peer",
        "garbage entry: the peer",
        "entry with a port: the peer",
    ],
)
def test_client_ip_takes_the_entry_the_trusted_proxies_wrote(settings, rf, count, meta, expected):
    from ppp.auth import client_ip

    settings.TRUSTED_PROXY_COUNT = 0 if count == "no proxy" else count
    request = rf.get("/login/")
    request.META.update(meta)
    if "HTTP_X_FORWARDED_FOR" not in meta:
        request.META.pop("HTTP_X_FORWARDED_FOR", None)
    assert client_ip(request) == expected
