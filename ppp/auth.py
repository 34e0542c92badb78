"""Authentication: personal bearer tokens first, then the browser session (with CSRF); password
sign-in through django.contrib.auth so that django-axes counts failures and locks out.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from django.conf import settings
from django.contrib import auth as django_auth
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from ninja.errors import HttpError
from ninja.security import HttpBearer, SessionAuth
from ninja.utils import check_csrf

from ppp import selectors, services
from ppp.errors import DomainError
from ppp.models import User

# Set on the request when an Authorization: Bearer header was sent but named no live token, so the
# 401 can say "your token is bad" rather than "sign in".
TOKEN_REJECTED = "_ppp_token_rejected"


class Unauthenticated(DomainError):
    """Wrong or missing credentials. 401."""

    status_code = 401


class LockedOut(DomainError):
    """Too many failed sign-ins for this username from this address (django-axes). 429."""

    status_code = 429


def locked_out_error() -> LockedOut:
    return LockedOut(
        "auth.locked_out",
        _("Too many failed sign-in attempts. Try again later or reset your password."),
    )


def client_ip(request: HttpRequest) -> str | None:
    """The client's address (AXES_CLIENT_IP_CALLABLE; the audit log uses it too).

    With TRUSTED_PROXY_COUNT = N proxies in front of the app, each appends the address it was reached
    from to X-Forwarded-For, so the client is the N-th entry from the right; whatever the client itself
    put to the left is ignored (it could be forged). With N = 0, or a header that does not hold N valid
    entries, the peer's REMOTE_ADDR is the address.
    """
    peer = request.META.get("REMOTE_ADDR") or None
    count = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0) or 0)
    if count <= 0:
        return peer
    entries = [entry.strip() for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    if len(entries) < count or not entries[-count]:
        return peer
    try:
        return str(ipaddress.ip_address(entries[-count]))
    except ValueError:
        return peer


def bearer_secret(request: HttpRequest) -> str | None:
    """The secret of an `Authorization: Bearer ...` header ("" when it is empty), None without one."""
    scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
    return secret.strip() if scheme.lower() == "bearer" else None


class TokenAuth(HttpBearer):
    """`Authorization: Bearer ppp_...`. Stored hashed; revoked and expired tokens are refused."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = services.api_token_authenticate(token)
        if user is None:
            setattr(request, TOKEN_REJECTED, True)
            return None
        request.user = user
        return user


class SessionWithCsrf(SessionAuth):
    """The Django session cookie; unsafe methods need the CSRF token as for any form. A request that
    sends a bearer token is judged by the token alone.

    The CSRF check runs only when there is a signed-in session to protect: an anonymous request (or one
    whose bearer token was refused) gets a 401 that says so, not a confusing CSRF failure.
    """

    def __call__(self, request: HttpRequest) -> Any:
        secret = bearer_secret(request)
        if secret is not None:
            # An explicit credential decides alone: the session cookie that a browser or a script
            # happens to send beside a refused token must not stand in for it.
            if not getattr(request, TOKEN_REJECTED, False) and selectors.api_token_user(secret) is None:
                setattr(request, TOKEN_REJECTED, True)
            return None
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        return super().__call__(request)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return user
        return None


token_auth = TokenAuth()
session_auth = SessionWithCsrf(csrf=True)
AUTH = [token_auth, session_auth]


def require_csrf(request: HttpRequest) -> None:
    """Django's CSRF check for API operations that open a session (ninja exempts its views)."""
    if check_csrf(request) is not None:
        raise HttpError(403, "CSRF check Failed")


def password_login(request: HttpRequest, *, username: str, password: str) -> User:
    """Sign in with the session. authenticate() runs the axes backend first, so a locked-out pair is
    refused before the password is checked, and each failure is counted (and audited by ppp.signals)."""
    user = django_auth.authenticate(request, username=username, password=password)
    if user is None:
        if getattr(request, "axes_locked_out", False):
            raise locked_out_error()
        raise Unauthenticated("auth.invalid_credentials", _("The username or password is not correct."))
    django_auth.login(request, user)
    return user  # type: ignore[return-value]


def password_logout(request: HttpRequest) -> None:
    django_auth.logout(request)


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: Any = None
) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: the API gets the one error shape, pages get the locked-out page."""
    if request.path_info.startswith("/api/"):
        error = locked_out_error()
        return JsonResponse(error.as_dict(), status=error.status_code)
    return render(request, "registration/locked_out.html", status=LockedOut.status_code)
