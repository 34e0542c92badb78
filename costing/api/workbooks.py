"""Spreadsheet operations: the empty template, the all-or-nothing import of a filled workbook, and the
export of a version with its results as live formulas."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Status
from ninja.files import UploadedFile

from costing import selectors, services
from costing.schemas import ImportOut
from costing.spreadsheets import build_template
from ppp.errors import ValidationFailed

from ._common import (
    ERRORS,
    XLSX,
    agency_for,
    calculating,
    language_or_default,
    model_of,
    user_of,
    xlsx_response,
)

router = Router(tags=["costing"])


@router.post(
    "/models/import",
    response={201: ImportOut, **ERRORS},
    summary="Import a filled workbook as a new draft model: all or nothing",
    description="Multipart upload `file` (.xlsx, at most 5 MB), with optional `organisation_id` and "
    "`name`. Every error is named by sheet and cell (`Lines!F7`), a missing sheet by its name.",
)
def model_import(
    request: HttpRequest,
    file: UploadedFile | None = File(None),  # noqa: B008
    organisation_id: Form[int | None] = None,
    name: str = Form("", max_length=255),
) -> Status[dict[str, Any]]:
    user = user_of(request)
    organisation = agency_for(user, organisation_id)
    if file is None:
        # Checked here rather than by ninja, whose error would name the "body", not the file.
        raise ValidationFailed(
            "costing.workbook_invalid", _("Upload an Excel workbook (.xlsx)."), {"file": _("Field required")}
        )
    # Refuse by name, size and type before the upload is read into memory.
    services.check_upload(name=file.name or "", size=file.size or 0, content_type=file.content_type or "")
    model, report = services.cost_model_import(
        actor=user, organisation=organisation, data=file.read(), name=name.strip()
    )
    return Status(201, {"model": selectors.cost_model_get_for(user=user, pk=model.pk), "report": report})


# Spreadsheets.


@router.get(
    "/template.xlsx",
    response={200: None, **ERRORS},
    summary="Download the empty cost-model workbook to fill in and import",
    openapi_extra=xlsx_response("An .xlsx workbook"),
)
def template_download(request: HttpRequest, language: str = Query("", pattern="^(vi|en)?$")) -> HttpResponse:
    response = HttpResponse(build_template(language_or_default(language)), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="cost-model-template.xlsx"'
    return response


@router.get(
    "/models/{model_id}/export.xlsx",
    response={200: None, **ERRORS},
    summary="Download a version and its results as a workbook with live formulas",
    description="Totals, present values and NPV are spreadsheet formulas (`=CF0 + NPV(r, CF1:CFn)`), "
    "with the engine's figures beside them; the workbook imports back as a new draft.",
    openapi_extra=xlsx_response("An .xlsx workbook"),
)
def model_export(
    request: HttpRequest, model_id: int, language: str = Query("", pattern="^(vi|en)?$")
) -> HttpResponse:
    user = user_of(request)
    model = model_of(request, model_id)
    with calculating():
        content = selectors.cost_model_workbook(
            user=user, model=model, language=language_or_default(language)
        )
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="cost-model-{model.pk}-v{model.version}.xlsx"'
    return response
