"""The document pages: generate one (a POST from an object's documents panel) and download one."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from costing.templatetags.costing_tags import legal_text
from costing.views._common import not_found
from ppp.errors import DomainError, NotFound, PermissionDenied
from ppp.views import forbidden

from . import selectors, services


def _back(request: HttpRequest) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return "/"


@require_POST
@login_required
def document_generate(request: HttpRequest) -> HttpResponse:
    try:
        document = services.document_generate(
            actor=request.user,  # type: ignore[arg-type]
            kind=request.POST.get("kind", ""),
            object_id=request.POST.get("object_id", ""),
            language=request.POST.get("language", ""),
        )
    except NotFound:
        return not_found(request)
    except PermissionDenied as error:
        return forbidden(request, error)
    except DomainError as error:
        details = "; ".join(f"{key}: {legal_text(value)}" for key, value in error.fields.items())
        messages.error(request, f"{error.message} {details}".strip())
        return redirect(_back(request))
    messages.success(
        request,
        _("%(title)s, version %(version)d (%(language)s), is ready: SHA-256 %(hash)s.")
        % {"title": document.title, "version": document.version, "language": document.get_language_display(),
           "hash": document.file_hash},
    )  # fmt: skip
    return redirect(_back(request))


@require_GET
@login_required
def document_download(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        document = selectors.document_get_for(user=request.user, pk=pk)  # type: ignore[arg-type]
    except NotFound:
        return not_found(request)
    return file_response(document)


def file_response(document: object) -> HttpResponse:
    response = HttpResponse(bytes(document.content), content_type=document.content_type)  # type: ignore[attr-defined]
    disposition = "inline" if document.content_type == "application/pdf" else "attachment"  # type: ignore[attr-defined]
    response["Content-Disposition"] = f'{disposition}; filename="{document.filename}"'  # type: ignore[attr-defined]
    response["X-Content-SHA256"] = document.file_hash  # type: ignore[attr-defined]
    return response
