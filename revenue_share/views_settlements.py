"""Pages of the settlements, under /revenue-share/ (namespace "revenue_share"): the contracts the person
may see with their statements, a contract's settlements (compute form, statements with the ledger's
running balance) and one statement (its lines with rule and inputs, the approve button)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from contracts.models import Contract
from contracts.permissions import belongs_to_vendor, can_prepare_contract
from costing.forms import typed_number
from ppp.errors import DomainError, NotFound, PermissionDenied
from ppp.views import apply_domain_error, forbidden
from revenue_share import settlement_selectors as selectors
from revenue_share.charts import shares_chart
from revenue_share.models import SettlementStatement
from revenue_share.rules import condition_text, rule_text, side_text
from revenue_share.services import payments as payment_services
from revenue_share.services import settlements as services

CONDITION_CHOICES = [
    ("", gettext_lazy("Not stated")),
    ("yes", gettext_lazy("Holds")),
    ("no", gettext_lazy("Does not hold")),
]


class SettlementComputeForm(forms.Form):
    period = forms.CharField(
        label=gettext_lazy("Month"),
        max_length=7,
        widget=forms.TextInput(attrs={"type": "month", "placeholder": "YYYY-MM"}),
        help_text=gettext_lazy("A month of the contract's term, YYYY-MM. A draft of that month is replaced."),
    )
    revenue_audited = forms.ChoiceField(
        label=gettext_lazy("The year's revenue is audited"), choices=CONDITION_CHOICES, required=False
    )
    cause_planning_policy_or_law_change = forms.ChoiceField(
        label=gettext_lazy("A shortfall comes from changes in planning, policy or law"),
        choices=CONDITION_CHOICES,
        required=False,
    )
    price_and_term_adjustments_exhausted = forms.ChoiceField(
        label=gettext_lazy("Price and term adjustments are exhausted"),
        choices=CONDITION_CHOICES,
        required=False,
    )

    def band_conditions(self) -> dict[str, bool] | None:
        """None when no condition is stated (a month that does not close a plan year)."""
        stated = {name: self.cleaned_data.get(name, "") for name in services.BAND_CONDITION_NAMES}
        if not any(stated.values()):
            return None
        return {name: value == "yes" if value else None for name, value in stated.items()}  # type: ignore[misc]


class PaymentForm(forms.Form):
    amount = forms.CharField(
        label=gettext_lazy("Amount paid"),
        max_length=30,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        help_text=gettext_lazy("A positive amount in the contract's currency, at most what is outstanding."),
    )
    paid_on = forms.CharField(
        label=gettext_lazy("Paid on"),
        max_length=10,
        initial=lambda: timezone.localdate().isoformat(),
        widget=forms.TextInput(attrs={"type": "date"}),
    )
    reference = forms.CharField(
        label=gettext_lazy("Bank reference"),
        max_length=100,
        help_text=gettext_lazy("The transfer's reference; the same reference is not recorded twice."),
    )


def _user(request: HttpRequest) -> Any:
    return request.user


def _contract_for(request: HttpRequest, pk: int) -> Contract | None:
    try:
        return selectors.settlement_contract_get_for(user=_user(request), pk=pk)
    except NotFound:
        return None


def _statement_for(request: HttpRequest, pk: int) -> SettlementStatement | None:
    try:
        return selectors.settlement_get_for(user=_user(request), pk=pk)
    except NotFound:
        return None


@require_GET
@login_required
def settlement_list(request: HttpRequest) -> HttpResponse:
    contracts = list(selectors.settlement_contract_list_for(user=_user(request))[:200])
    return render(request, "revenue_share/settlement_list.html", {"contracts": contracts})


@login_required
@require_http_methods(["GET", "POST"])
def settlement_contract(request: HttpRequest, pk: int) -> HttpResponse:
    contract = _contract_for(request, pk)
    if contract is None:
        return render(request, "404.html", status=404)
    user = _user(request)
    may_compute = services.can_compute_settlement(user, contract)
    form = SettlementComputeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if not may_compute:
            return forbidden(
                request, PermissionDenied("settlement.forbidden", _("You may not compute statements."))
            )
        if form.is_valid():
            try:
                statement = services.settlement_compute(
                    actor=user, contract=contract, period=form.cleaned_data["period"],
                    band_conditions=form.band_conditions(),
                )  # fmt: skip
            except DomainError as error:
                _place_error(form, error)
                status = error.status_code
            else:
                messages.success(
                    request,
                    _("Computed the statement of %(month)s (version %(version)d).")
                    % {"month": f"{statement.period:%m/%Y}", "version": statement.version},
                )
                return redirect("revenue_share:settlement_detail", pk=statement.pk)
        else:
            status = 400
    ledger = selectors.settlement_ledger_for(user=user, contract=contract)
    context = {
        "contract": contract,
        "contract_vendor_only": belongs_to_vendor(user, contract)
        and not can_prepare_contract(user, contract),
        "form": form if may_compute else None,
        "ledger": ledger,
        "chart": shares_chart([row.statement for row in ledger], contract.currency),
    }
    return render(request, "revenue_share/settlement_contract.html", context, status=status)


def _place_error(form: forms.Form, error: DomainError) -> None:
    """Field paths such as band_conditions.revenue_audited go next to that field."""
    fields = {key.removeprefix("band_conditions."): value for key, value in error.fields.items()}
    if "band_conditions" in fields:
        fields["revenue_audited"] = fields.pop("band_conditions")
    apply_domain_error(form, DomainError(error.code, error.message, fields))


@require_GET
@login_required
def settlement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    statement = _statement_for(request, pk)
    if statement is None:
        return render(request, "404.html", status=404)
    return render(request, "revenue_share/settlement_detail.html", _detail_context(request, statement))


def _detail_context(
    request: HttpRequest, statement: SettlementStatement, payment_form: PaymentForm | None = None
) -> dict[str, Any]:
    user = _user(request)
    contract = statement.contract
    return {
        "statement": statement,
        "contract": contract,
        "contract_vendor_only": belongs_to_vendor(user, contract)
        and not can_prepare_contract(user, contract),
        "sections": [
            (_("This month's sharing"), _lines(statement, "share")),
            (_("Adjustments of locked months"), _lines(statement, "adjustment")),
            (_("Balance"), _lines(statement, "balance")),
        ],
        "band_conditions": [
            {
                **condition,
                "label": condition_text(condition["name"]),
                "side": side_text(condition["applies_to"]),
            }
            for condition in (statement.band or {}).get("conditions", [])
        ],
        "may_approve": services.can_approve_settlement(user, statement),
        **_payment_context(user, statement, payment_form),
    }


def _payment_context(user: Any, statement: SettlementStatement, form: PaymentForm | None) -> dict[str, Any]:
    payments = selectors.payment_list_for(user=user, statement=statement)
    owed = selectors.outstanding_after(statement, payments)
    may_record = owed not in (None, 0) and payment_services.can_record_payment(user, statement)
    return {
        "payments": payments,
        "outstanding": owed,
        "payment_form": (form or PaymentForm()) if may_record else None,
    }


def _lines(statement: SettlementStatement, section: str) -> list[dict[str, Any]]:
    """The section's lines, each rule in the reader's language."""
    return [
        {**line, "rule": rule_text(line.get("rule", ""))}
        for line in statement.lines
        if line["section"] == section
    ]


@require_POST
@login_required
def settlement_approve(request: HttpRequest, pk: int) -> HttpResponse:
    statement = _statement_for(request, pk)
    if statement is None:
        return render(request, "404.html", status=404)
    try:
        services.settlement_approve(actor=_user(request), statement=statement)
    except PermissionDenied as error:
        return forbidden(request, error)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("revenue_share:settlement_detail", pk=statement.pk)
    messages.success(request, _("The statement is approved and locked."))
    return redirect("revenue_share:settlement_detail", pk=statement.pk)


@require_POST
@login_required
def settlement_payment(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a payment of an approved statement (the agency's finance officers)."""
    statement = _statement_for(request, pk)
    if statement is None:
        return render(request, "404.html", status=404)
    user = _user(request)
    if not payment_services.can_record_payment(user, statement):
        return forbidden(
            request, PermissionDenied("settlement.payment_forbidden", _("You may not record payments."))
        )
    form = PaymentForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            payment_services.payment_record(
                actor=user,
                statement=statement,
                amount=typed_number(form.cleaned_data["amount"]),  # "3.000.000" in Vietnamese
                paid_on=form.cleaned_data["paid_on"],
                reference=form.cleaned_data["reference"],
            )
        except DomainError as error:
            apply_domain_error(form, error)
            status = error.status_code
        else:
            messages.success(request, _("The payment is recorded."))
            return redirect("revenue_share:settlement_detail", pk=statement.pk)
    context = _detail_context(request, statement, payment_form=form)
    return render(request, "revenue_share/settlement_detail.html", context, status=status)
