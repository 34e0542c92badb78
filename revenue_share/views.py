"""Pages of the revenue share app, under /revenue-share/ (namespace "revenue_share"): the catalogue
of digital public services with the tariff in force on a chosen day, and a contract's actuals."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from contracts.models import Contract
from contracts.permissions import belongs_to_vendor, can_prepare_contract
from ppp.errors import DomainError, NotFound, PermissionDenied
from ppp.views import apply_domain_error, forbidden
from revenue_share import selectors, services
from revenue_share.imports import ImportRejected
from revenue_share.models import ActualsKind, ActualsUpload, UploadStatus


@require_GET
@login_required
def service_list(request: HttpRequest) -> HttpResponse:
    try:
        day = dt.date.fromisoformat(request.GET.get("on", ""))
    except ValueError:
        day = dt.date.today()
    if not dt.date(2000, 1, 1) <= day <= dt.date(2100, 12, 31):
        day = dt.date.today()
    services = list(selectors.service_list(on=day))
    return render(request, "revenue_share/service_list.html", {"services": services, "on": day})


# --- actuals ---------------------------------------------------------------------------------------


class ActualsUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("File"),
        help_text=gettext_lazy(
            "CSV (UTF-8, first row the column names) or .xlsx; a transaction log is CSV, at most 200 MB."
        ),
    )
    kind = forms.ChoiceField(label=gettext_lazy("What the file holds"), choices=ActualsKind.choices)
    idempotency_key = forms.CharField(
        label=gettext_lazy("Idempotency key"),
        required=False,
        max_length=100,
        help_text=gettext_lazy("Optional. Sending the same key again never imports the file twice."),
    )
    replace = forms.BooleanField(
        label=gettext_lazy("Replace months already imported"),
        required=False,
        help_text=gettext_lazy(
            "Without it, a month and service (or a KPI, or a failure) already imported is refused."
        ),
    )


def _contract_for(request: HttpRequest, pk: int) -> Contract | None:
    try:
        return selectors.actuals_contract_get_for(user=request.user, pk=pk)  # type: ignore[arg-type]
    except NotFound:
        return None


@login_required
@require_http_methods(["GET", "POST"])
def actuals(request: HttpRequest, pk: int) -> HttpResponse:
    """The contract's actuals: the upload form, the uploads with their reports, the months per
    service, the KPI measurements and the availability failures."""
    contract = _contract_for(request, pk)
    if contract is None:
        return render(request, "404.html", status=404)
    user = request.user
    may_upload = services.can_upload_actuals(user, contract)
    form = ActualsUploadForm(request.POST or None, request.FILES or None)
    rejected: ImportRejected | None = None
    status = 200
    if request.method == "POST":
        if not may_upload:
            return forbidden(request, PermissionDenied("actuals.forbidden", _("You may not upload actuals.")))
        if form.is_valid():
            try:
                upload, created = services.actuals_upload(
                    actor=user,  # type: ignore[arg-type]
                    contract=contract,
                    file=form.cleaned_data["file"],
                    kind=form.cleaned_data["kind"],
                    idempotency_key=form.cleaned_data["idempotency_key"],
                    replace=form.cleaned_data["replace"],
                )
            except ImportRejected as error:
                rejected, status = error, 400
            except DomainError as error:
                apply_domain_error(form, error)
                status = error.status_code
            else:
                messages.success(request, _upload_message(upload, created))
                return redirect("revenue_share:actuals", pk=contract.pk)
        else:
            status = 400
    context = {
        "contract": contract,
        "contract_vendor_only": belongs_to_vendor(user, contract)
        and not can_prepare_contract(user, contract),
        "form": form if may_upload else None,
        "rejected": rejected,
        "uploads": list(selectors.actuals_upload_list_for(user=user, contract=contract)[:50]),  # type: ignore[arg-type]
        "pivot": selectors.period_actual_pivot_for(user=user, contract=contract),  # type: ignore[arg-type]
        "kpis": _kpi_table(contract, list(selectors.kpi_measurement_list_for(user=user, contract=contract))),  # type: ignore[arg-type]
        "failures": list(selectors.availability_failure_list_for(user=user, contract=contract)),  # type: ignore[arg-type]
        "has_availability": selectors.has_availability_payment(contract=contract),
    }
    return render(request, "revenue_share/actuals.html", context, status=status)


def _upload_message(upload: ActualsUpload, created: bool) -> str:
    if not created:
        return _(
            "This file (or idempotency key) was uploaded before, on %(when)s: nothing was imported again."
        ) % {"when": formats.date_format(timezone.localtime(upload.uploaded_at), "SHORT_DATETIME_FORMAT")}
    if upload.status == UploadStatus.PENDING:
        return _("The file is being imported in the background; its progress is shown below.")
    return _("Imported %(rows)d rows from %(name)s.") % {"rows": upload.rows, "name": upload.file_name}


def _kpi_table(contract: Contract, measurements: list[Any]) -> dict[str, Any]:
    """Months down, the contract's KPIs across (with any code measured that is no longer one)."""
    levels = {level.code: level for level in contract.service_levels.all()}
    codes = list(levels) + sorted({m.code for m in measurements} - set(levels))
    values: dict[dt.date, dict[str, Any]] = {}
    for measurement in measurements:
        values.setdefault(measurement.period, {})[measurement.code] = measurement.value
    rows = [(period, [values[period].get(code) for code in codes]) for period in sorted(values)]
    return {"columns": [(code, levels.get(code)) for code in codes], "rows": rows}
