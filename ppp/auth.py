"""Authentication: personal bearer tokens first, then the browser session (with CSRF); password
sign-in through django.contrib.auth so that django-axes counts failures and locks out.
"""

from __future__ import annotations

from typing import Any

from django.contrib import auth as django_auth
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from ninja.errors import HttpError
from ninja.security import HttpBearer, SessionAuth
from ninja.utils import check_csrf

from ppp import services
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
    """The Django session cookie; unsafe methods need the CSRF token as for any form.

    The CSRF check runs only when there is a signed-in session to protect: an anonymous request (or one
    whose bearer token was refused) gets a 401 that says so, not a confusing CSRF failure.
    """

    def __call__(self, request: HttpRequest) -> Any:
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
