"""Pages of the service catalogue, to be included in revenue_share/urls.py (namespace "revenue_share"):
one service with every tariff it has had and, for platform administrators, the form that records a
tariff change (a new dated row)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import formats
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from costing.forms import typed_number, typed_percent
from ppp import money
from ppp.errors import DomainError, NotFound, PermissionDenied
from ppp.views import apply_domain_error, forbidden
from revenue_share import selectors
from revenue_share.models import Service, Tariff
from revenue_share.services import catalogue as services


class TariffChangeForm(forms.Form):
    """Plain text fields: the service checks every value, so the page and the API refuse alike."""

    amount = forms.CharField(
        label=gettext_lazy("Amount per transaction (excluding VAT)"),
        max_length=30,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        help_text=gettext_lazy("In the currency of the service's tariffs; VND has no decimals."),
    )
    vat_rate = forms.CharField(
        label=gettext_lazy("VAT rate (%)"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        help_text=gettext_lazy("A percentage from 0 to 100, for example 10."),
    )
    valid_from = forms.CharField(
        label=gettext_lazy("Valid from"),
        max_length=10,
        widget=forms.TextInput(attrs={"type": "date"}),
        help_text=gettext_lazy(
            "After the start of the latest tariff; the tariff in force then ends the day before."
        ),
    )
    basis = forms.CharField(
        label=gettext_lazy("Basis"),
        max_length=300,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        help_text=gettext_lazy("The regulation that sets the tariff, e.g. Thông tư 106/2021/TT-BTC."),
    )

    def amount_typed(self) -> str:
        """The amount with the reader's separators taken out ("9.000" is nine thousand in Vietnamese,
        "9,000" in English); text that is not a number goes through as typed, for the service to name."""
        return typed_number(self.cleaned_data["amount"])

    def vat_fraction(self) -> Any:
        """The percentage as the fraction the service takes (10 -> 0.1, exactly; "10,5" in Vietnamese);
        text that is not a finite number goes through as typed, so the service names the problem."""
        return typed_percent(self.cleaned_data["vat_rate"])


def _service_for(code: str) -> Service | None:
    try:
        return selectors.service_get(code=code)
    except NotFound:
        return None


def _percent(rate: Decimal) -> str:
    return f"{formats.number_format((rate * 100).normalize(), use_l10n=True)} %"


def _history(service: Service) -> list[dict[str, Any]]:
    """Every tariff of the service, oldest first, each with whether it is in force today."""
    in_force = {tariff.pk for tariff in getattr(service, "current_tariffs", [])}
    rows: list[Tariff] = sorted(service.tariffs.all(), key=lambda tariff: tariff.valid_from)
    return [{"tariff": t, "vat": _percent(t.vat_rate), "in_force": t.pk in in_force} for t in rows]


@login_required
@require_http_methods(["GET", "POST"])
def service_detail(request: HttpRequest, code: str) -> HttpResponse:
    service = _service_for(code)
    if service is None:
        return render(request, "404.html", status=404)
    user: Any = request.user
    may_change = services.can_change_tariffs(user)
    form = TariffChangeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if not may_change:
            return forbidden(
                request,
                PermissionDenied(
                    "catalogue.forbidden", _("Only platform administrators record tariff changes.")
                ),
            )
        if form.is_valid():
            try:
                tariff = services.tariff_change(
                    actor=user,
                    service=service,
                    amount=form.amount_typed(),
                    vat_rate=form.vat_fraction(),
                    valid_from=form.cleaned_data["valid_from"],
                    basis=form.cleaned_data["basis"],
                )
            except DomainError as error:
                apply_domain_error(form, error)
                status = error.status_code
            else:
                # The amount is repeated so a misread figure shows at once.
                messages.success(
                    request,
                    _("Recorded the new tariff of %(code)s: %(amount)s per transaction from %(day)s.")
                    % {
                        "code": service.code,
                        "amount": money.format_amount(tariff.amount, tariff.currency, get_language() or "vi"),
                        "day": formats.date_format(tariff.valid_from, "SHORT_DATE_FORMAT"),
                    },
                )
                return redirect("revenue_share:service_detail", code=service.code)
        else:
            status = 400
    context = {
        "service": service,
        "history": _history(service),
        # An inactive service offers no form, but a refused post still shows why.
        "form": form if may_change and (service.active or form.errors) else None,
    }
    return render(request, "revenue_share/service_detail.html", context, status=status)
