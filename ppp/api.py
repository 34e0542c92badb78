"""The one NinjaAPI under /api/v1/: mounts each app's router and maps every error to one shape.

Every 4xx body is {code, message, fields}. DomainError subclasses carry their status; pydantic
validation errors become 400 with the offending field paths; an oversized body is a 413 and too many
parameters a 400; nothing becomes a 500. Unknown paths under /api/v1/ and wrong methods get the same
shape (see `api_urls`).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver, re_path
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Swagger
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, ValidationError

from ppp.auth import AUTH, TOKEN_REJECTED
from ppp.errors import DomainError
from ppp.money import MoneyError

api = NinjaAPI(
    title="PPP procurement and IT-service costing API",
    version="1",
    description="Cost models, tenders, bids, contracts and revenue sharing. Authenticate with a "
    "personal token (`Authorization: Bearer ppp_...`) or the browser session with its CSRF token.",
    auth=AUTH,
    urls_namespace="api",
    docs_url="/docs",
    # Swagger UI comes from ninja's static files ("ninja" in INSTALLED_APPS), and must not send the
    # schema to the online validator either: nothing is fetched from outside at run time.
    docs=Swagger(settings={"validatorUrl": None}),
    openapi_url="/openapi.json",
)

_LOCATIONS = {"body", "query", "path", "header", "cookie", "form", "file"}


def field_path(location: list[Any] | tuple[Any, ...]) -> str:
    """('body', 'payload', 'lines', 3, 'unit_cost') -> 'lines[3].unit_cost'; ('file', 'file') -> 'file'.

    The first element says where the value came from; a body's schema is wrapped in "payload". Only
    those are dropped, so a field that happens to be called "file" or "query" keeps its name.
    """
    parts = list(location)
    if parts and isinstance(parts[0], str) and parts[0] in _LOCATIONS:
        parts.pop(0)
        if parts and parts[0] == "payload":
            parts.pop(0)
    path = ""
    for part in parts:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += ("." if path else "") + str(part)
    return path or "body"


def error_response(
    request: HttpRequest, status: int, code: str, message: str, fields: dict[str, str] | None = None
) -> HttpResponse:
    return api.create_response(
        request, {"code": code, "message": message, "fields": fields or {}}, status=status
    )


@api.exception_handler(DomainError)
def on_domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    response = error_response(request, exc.status_code, exc.code, exc.message, exc.fields)
    if exc.status_code == 401:
        response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    fields: dict[str, str] = {}
    for error in exc.errors:
        path = field_path(error.get("loc", ()))
        message = str(error.get("msg", "invalid"))
        if error.get("type") == "extra_forbidden":
            message = _("unknown field")
        fields.setdefault(path, message)
    return error_response(request, 400, "request.invalid", _("The request is not valid."), fields)


@api.exception_handler(AuthenticationError)
def on_authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    if getattr(request, TOKEN_REJECTED, False):
        response = error_response(
            request, 401, "auth.invalid_token", _("The API token is unknown, revoked or expired.")
        )
    else:
        response = error_response(
            request,
            401,
            "auth.unauthenticated",
            _("Sign in, or send a valid API token (Authorization: Bearer ...)."),
        )
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(AuthorizationError)
def on_authorization_error(request: HttpRequest, exc: AuthorizationError) -> HttpResponse:
    return error_response(request, 403, "auth.forbidden", str(exc))


@api.exception_handler(DjangoPermissionDenied)
def on_django_permission_denied(request: HttpRequest, exc: DjangoPermissionDenied) -> HttpResponse:
    return error_response(request, 403, "auth.forbidden", _("You may not do this."))


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    message = str(exc)
    if exc.status_code == 400 and message.startswith("Cannot parse request body"):
        return error_response(
            request,
            400,
            "request.malformed",
            _("The request body is not valid JSON."),
            {"body": _("malformed JSON")},
        )
    if exc.status_code == 403 and "CSRF" in message:
        return error_response(
            request, 403, "auth.csrf_failed", _("CSRF check failed: send the X-CSRFToken header.")
        )
    return error_response(request, exc.status_code, f"http.{exc.status_code}", message)


@api.exception_handler(RequestDataTooBig)
def on_request_too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    return error_response(
        request,
        413,
        "request.too_large",
        _("The request body is too large."),
        {"body": _("larger than %(limit)s bytes") % {"limit": settings.DATA_UPLOAD_MAX_MEMORY_SIZE}},
    )


@api.exception_handler(TooManyFieldsSent)
@api.exception_handler(TooManyFilesSent)
def on_too_many_fields(request: HttpRequest, exc: Exception) -> HttpResponse:
    return error_response(request, 400, "request.too_many_fields", _("The request has too many parameters."))


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return error_response(request, 404, "not_found", _("Not found."))


@api.exception_handler(MoneyError)
def on_money_error(request: HttpRequest, exc: MoneyError) -> HttpResponse:
    return error_response(request, 400, "money.invalid", str(exc))


def _shaped_method_errors(view: Callable[..., Any]) -> Callable[..., Any]:
    """ninja answers a wrong method with a bare 405, and its root path raises a bare Http404; give
    both the error shape (Allow kept)."""

    @functools.wraps(view)  # keeps csrf_exempt: ninja's operations check CSRF in their auth
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        try:
            response = view(request, *args, **kwargs)
        except Http404:
            return api_not_found(request)
        if response.status_code == 405 and not response.get("Content-Type", "").startswith(
            "application/json"
        ):
            shaped = error_response(
                request, 405, "request.method_not_allowed", _("This method is not allowed here.")
            )
            shaped["Allow"] = response.get("Allow", "")
            return shaped
        return response

    return wrapper


def api_not_found(request: HttpRequest, rest: str = "") -> HttpResponse:
    return error_response(request, 404, "not_found", _("Not found."))


def api_urls() -> tuple[list[Any], str, str]:
    """api.urls with 405s in the error shape and a JSON 404 for any other path under the API."""
    patterns, app_name, namespace = api.urls
    shaped: list[Any] = []
    for pattern in patterns:
        if isinstance(pattern, URLPattern):
            pattern = URLPattern(
                pattern.pattern, _shaped_method_errors(pattern.callback), pattern.default_args, pattern.name
            )
        elif not isinstance(pattern, URLResolver):  # pragma: no cover - ninja only makes these two
            raise TypeError(pattern)
        shaped.append(pattern)
    shaped.append(re_path(r"^(?P<rest>.*)$", api_not_found))
    return shaped, app_name, namespace


def _mount() -> None:
    from contracts.api import router as contracts_router
    from costing.api import router as costing_router
    from ppp.documents.api import router as documents_router
    from ppp.endpoints import router as platform_router
    from revenue_share.api import router as revenue_share_router
    from revenue_share.api_catalogue import router as catalogue_router
    from revenue_share.api_forecast import router as forecast_router
    from revenue_share.api_settlements import router as settlements_router

    api.add_router("/", platform_router)
    api.add_router("/", documents_router)
    api.add_router("/costing", costing_router)
    api.add_router("/contracts", contracts_router)
    api.add_router("/revenue-share", revenue_share_router)
    api.add_router("/revenue-share", settlements_router)
    api.add_router("/revenue-share", forecast_router)
    api.add_router("/revenue-share", catalogue_router)


_mount()
