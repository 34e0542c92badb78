"""The forecast page of a PPP contract, under /revenue-share/ (namespace "revenue_share"): a GET form
of the parameters, per scenario a table per plan year (revenue, provider's share, band payments, the
state's net cash) with the provider's NPV and IRR, and the downside band's contingent liability."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from contracts import selectors as contract_selectors
from contracts.models import Contract
from contracts.permissions import belongs_to_vendor, can_prepare_contract
from ppp.errors import Conflict, DomainError, NotFound
from ppp.views import apply_domain_error
from revenue_share.charts import state_cash_chart
from revenue_share.services import forecasts as services


class ForecastForm(forms.Form):
    discount_rate = forms.DecimalField(
        label=gettext_lazy("Discount rate"),
        min_value=0,
        max_value=1,
        decimal_places=6,
        help_text=gettext_lazy("A fraction a year: 0.08 is 8 %."),
    )
    investment = forms.DecimalField(
        label=gettext_lazy("Provider's investment"),
        min_value=0,
        decimal_places=2,
        required=False,
        help_text=gettext_lazy("In the contract's currency, in year 0. Empty: the contract's value."),
    )
    annual_volatility = forms.DecimalField(
        label=gettext_lazy("Annual volatility of demand"),
        min_value=0,
        max_value=2,
        decimal_places=6,
        help_text=gettext_lazy("A fraction a year: 0.20 is 20 %."),
    )
    seed = forms.IntegerField(label=gettext_lazy("Random seed"), min_value=0, max_value=2**32 - 1)
    simulations = forms.IntegerField(
        label=gettext_lazy("Simulations"), min_value=1, max_value=services.MAX_SIMULATIONS
    )


DEFAULTS = {
    "discount_rate": str(services.DEFAULT_DISCOUNT_RATE),
    "annual_volatility": str(services.DEFAULT_VOLATILITY),
    "seed": str(services.DEFAULT_SEED),
    "simulations": str(services.DEFAULT_SIMULATIONS),
}


def _contract_for(request: HttpRequest, pk: int) -> Contract | None:
    try:
        return contract_selectors.contract_get_for(user=request.user, pk=pk)  # type: ignore[arg-type]
    except NotFound:
        return None


def _percent(fraction: Decimal | None) -> Decimal | None:
    """A fraction shown as a percentage, 2 decimals, half up."""
    return None if fraction is None else (fraction * 100).quantize(Decimal("0.01"), ROUND_HALF_UP)


@require_GET
@login_required
def forecast(request: HttpRequest, pk: int) -> HttpResponse:
    contract = _contract_for(request, pk)
    if contract is None:
        return render(request, "404.html", status=404)
    data = {
        **DEFAULTS,
        **{key: value for key, value in request.GET.items() if key in ForecastForm.base_fields},
    }
    form = ForecastForm(data)
    context: dict[str, Any] = {
        "contract": contract,
        "contract_vendor_only": belongs_to_vendor(request.user, contract)
        and not can_prepare_contract(request.user, contract),
        "form": form,
        "result": None,
        "problem": None,
    }
    status = 200
    if not form.is_valid():
        status = 400
    else:
        try:
            result = services.contract_forecast(contract=contract, **form.cleaned_data)
        except Conflict as error:
            context["problem"], status = error, error.status_code
        except DomainError as error:
            apply_domain_error(form, error)
            status = error.status_code
        else:
            context["result"] = result
            context["scenarios"] = [
                (services.SCENARIO_LABELS[item.scenario.name], item, _percent(item.provider_irr))
                for item in result.scenarios
            ]
            context["probability_percent"] = _percent(result.liability.probability_of_payment)
            context["cash_chart"] = state_cash_chart(
                [(label, item) for label, item, _irr in context["scenarios"]], result.currency
            )
    return render(request, "revenue_share/forecast.html", context, status=status)
