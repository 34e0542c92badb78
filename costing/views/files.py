"""Spreadsheets: the XLSX template, the all-or-nothing import of a filled workbook, and the export
of a version with its results as live formulas."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from costing import selectors, services
from costing.forms import ImportForm
from costing.models import CostModel
from costing.spreadsheets import build_template
from ppp.errors import DomainError, PermissionDenied
from ppp.views import forbidden

from ._common import agencies_for, language, with_model

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _xlsx(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def template_download(request: HttpRequest) -> HttpResponse:
    wanted = request.GET.get("language", "")
    chosen = wanted if wanted in ("vi", "en") else language()
    return _xlsx(build_template(chosen), f"cost-model-template-{chosen}.xlsx")


@with_model
def export(request: HttpRequest, model: CostModel) -> HttpResponse:
    wanted = request.GET.get("language", "")
    chosen = wanted if wanted in ("vi", "en") else language()
    data = selectors.cost_model_workbook(user=request.user, model=model, language=chosen)  # type: ignore[arg-type]
    name = slugify(model.name) or "cost-model"
    return _xlsx(data, f"{name}-v{model.version}.xlsx")


@login_required
@require_http_methods(["GET", "POST"])
def model_import(request: HttpRequest) -> HttpResponse:
    agencies = agencies_for(request.user)
    if not agencies:
        return forbidden(
            request,
            PermissionDenied(
                "cost_model.forbidden", _("Only the agency's finance officers create its cost models.")
            ),
        )
    form = ImportForm(request.POST or None, request.FILES or None, agencies=agencies)
    problems: list[tuple[str, str]] = []
    error: DomainError | None = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        organisation = agencies[0]
        if "organisation" in form.cleaned_data:
            organisation = next(
                (org for org in agencies if org.pk == form.cleaned_data["organisation"]), agencies[0]
            )
        try:
            # Name, size and type are checked before a byte of the file is read.
            services.check_upload(name=upload.name, size=upload.size, content_type=upload.content_type or "")
            model, report = services.cost_model_import(
                actor=request.user,  # type: ignore[arg-type]
                organisation=organisation,
                data=upload.read(),
                name=form.cleaned_data["name"],
            )
        except PermissionDenied as denied:
            return forbidden(request, denied)
        except DomainError as caught:
            error = caught
            problems = sorted(caught.fields.items())
        else:
            messages.success(
                request,
                _("Imported %(options)s options, %(lines)s lines and %(risks)s risks as a new draft.")
                % {"options": report["options"], "lines": report["lines"], "risks": report["risks"]},
            )
            return redirect("costing:model_detail", pk=model.pk)
    status = error.status_code if error else (400 if form.errors else 200)
    return render(
        request,
        "costing/import.html",
        {"form": form, "error": error, "problems": problems},
        status=status,
    )
