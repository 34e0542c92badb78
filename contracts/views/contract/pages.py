"""Pages of a contract from its draft to its end, under /contracts/contracts/ (namespace "contracts").

The agency's finance officers complete the draft an approved award created (terms here, payment
mechanism, service levels, milestones and plan in contract_editors.py) and submit it; approvers of the
agency's reviewing body decide on it as the chain the rule book sets by value requires; each party's
signatory signs the frozen version; the agency closes it. Every POST goes through one service, which
checks the permission and the state again: a page never decides what a person may do.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from contracts import permissions, selectors
from contracts.models import (
    PPP_CONTRACT_TYPES,
    Contract,
    ContractDecisionKind,
    ContractStatus,
    ContractType,
)
from contracts.services import amendments, contracting
from costing.forms import PercentField
from costing.templatetags.costing_tags import legal_text
from ppp.errors import DomainError, PermissionDenied

from ._common import agency_side, page, with_contract

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ContractTermsForm(forms.Form):
    """The draft's terms; the service checks them against each other and the rule book."""

    title = forms.CharField(label=gettext_lazy("Title"), max_length=300)
    contract_type = forms.ChoiceField(label=gettext_lazy("Contract type"), choices=ContractType.choices)
    start_date = forms.DateField(label=gettext_lazy("Start date"), widget=DATE)
    end_date = forms.DateField(label=gettext_lazy("End date"), widget=DATE)
    performance_security_rate = PercentField(label=gettext_lazy("Performance security (%)"))
    warranty_months = forms.IntegerField(
        label=gettext_lazy("Warranty (months)"), min_value=0, max_value=240, required=False
    )
    data_ownership = forms.CharField(
        label=gettext_lazy("Data ownership"),
        required=False,
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    handover = forms.CharField(
        label=gettext_lazy("Hand-over at the end"),
        required=False,
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, contract: Contract, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {name: getattr(contract, name) for name in contracting.TERM_FIELDS})
        super().__init__(*args, **kwargs)
        low, high, rule = contracting.performance_security_range(contract)
        self.fields["performance_security_rate"].help_text = _(
            "Between %(low)s and %(high)s of the contract price (%(rule)s)."
        ) % {"low": f"{low * 100:g} %", "high": f"{high * 100:g} %", "rule": legal_text(rule.cite())}

    def values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        for name in ("start_date", "end_date"):
            data[name] = data[name].isoformat()
        data["performance_security_rate"] = str(data["performance_security_rate"])
        return data

    def place(self, error: DomainError) -> None:
        self.add_error(None, error.message)
        for key, message in error.fields.items():
            if key in self.fields and key not in self.errors:
                self.add_error(key, legal_text(message))
            elif key not in self.fields:
                self.add_error(None, f"{key}: {legal_text(message)}")


# --- the list ------------------------------------------------------------------------------------


@login_required
def contract_list(request: HttpRequest) -> HttpResponse:
    """The contracts the person's organisations are party to or review, newest change first."""
    status = request.GET.get("status", "")
    rows = selectors.contract_list_for(user=request.user)  # type: ignore[arg-type]
    if status in ContractStatus.values:
        rows = rows.filter(status=status)
    else:
        status = ""
    listing = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "contracts/contract_list.html",
        {"page": listing, "status": status, "statuses": ContractStatus.choices},
    )


# --- the contract --------------------------------------------------------------------------------


def _can(user: Any, contract: Contract) -> dict[str, bool]:
    """What the page offers; the services check every one of these again."""
    preparer = permissions.can_prepare_contract(user, contract)
    reviewer = permissions.is_contract_reviewer(user, contract)
    signed = {s.party_id for s in contract.signatures.all() if s.version == contract.version}
    authors = {a.pk for a in contract.authors.all()}
    approved_now = {
        d.reviewer_id
        for d in contract.decisions.all()
        if d.amendment_id is None
        and d.version == contract.version
        and d.round == contract.review_round
        and d.decision == ContractDecisionKind.APPROVE
    }
    draft = contract.status == ContractStatus.DRAFT
    return {
        "edit": preparer and draft,
        "submit": preparer and draft,
        "decide": reviewer
        and contract.status == ContractStatus.UNDER_REVIEW
        and user.pk not in authors
        and user.pk not in approved_now
        and not permissions.belongs_to_vendor(user, contract),
        "sign": contract.status == ContractStatus.APPROVED
        and any(p not in signed for p in permissions.signing_parties(user, contract)),
        "end": preparer and contract.status == ContractStatus.ACTIVE,
        "history": agency_side(user, contract),
        "plan": contract.contract_type in PPP_CONTRACT_TYPES,
    }


def detail_response(
    request: HttpRequest, contract: Contract, *, error: DomainError | None = None
) -> HttpResponse:
    schedule = amendments._schedule(contract)
    base_year = contract.tender.cost_model.base_year
    years = max((len(line["quantities"]) for line in schedule.values()), default=0)
    lines = [
        {
            "code": code,
            "line": line,
            "cells": list(zip(line["quantities"], line["prices"], strict=False)),
        }
        for code, line in schedule.items()
    ]
    decisions = [d for d in contract.decisions.all() if d.amendment_id is None]
    return page(
        request,
        "contracts/contract_detail.html",
        contract,
        {
            "can": _can(request.user, contract),
            "lines": lines,
            "years": [base_year + index for index in range(years)],
            "decisions": decisions,
            "signatures": list(contract.signatures.all()),
            "versions": list(contract.versions.all()),
            "decision_kinds": ContractDecisionKind.choices,
            "outcomes": [
                (ContractStatus.COMPLETED, ContractStatus.COMPLETED.label),
                (ContractStatus.TERMINATED, ContractStatus.TERMINATED.label),
            ],
            "error": error,
            "is_ppp": contract.contract_type in PPP_CONTRACT_TYPES,
            "security": None
            if contract.performance_security_rate is None
            else contract.value * contract.performance_security_rate,
        },
        status=error.status_code if error is not None else 200,
    )


@with_contract
def contract_detail(request: HttpRequest, contract: Contract) -> HttpResponse:
    return detail_response(request, contract)


@with_contract
def contract_edit(request: HttpRequest, contract: Contract) -> HttpResponse:
    """The draft's terms; anyone else, or a contract past its draft, is sent to the contract."""
    if not permissions.can_prepare_contract(request.user, contract):
        raise PermissionDenied(
            "contract.forbidden", _("Only the agency's finance officers prepare its contracts.")
        )
    if contract.status != ContractStatus.DRAFT and request.method != "POST":
        return redirect("contracts:contract_detail", pk=contract.pk)
    form = ContractTermsForm(request.POST or None, contract=contract)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                contracting.contract_update(
                    actor=request.user,  # type: ignore[arg-type]
                    contract=contract,
                    **form.values(),
                )
            except PermissionDenied:
                raise
            except DomainError as failure:
                form.place(failure)
                status = failure.status_code
            else:
                messages.success(request, _("The contract's terms are saved."))
                return redirect("contracts:contract_detail", pk=contract.pk)
        else:
            status = 400
    return page(request, "contracts/contract_form.html", contract, {"form": form}, status=status)


def _act(request: HttpRequest, contract: Contract, action: Any, done: str) -> HttpResponse:
    try:
        action()
    except PermissionDenied:
        raise
    except DomainError as failure:
        fresh = selectors.contract_get_for(user=request.user, pk=contract.pk)  # type: ignore[arg-type]
        return detail_response(request, fresh, error=failure)
    messages.success(request, done)
    return redirect("contracts:contract_detail", pk=contract.pk)


@require_POST
@with_contract
def contract_submit(request: HttpRequest, contract: Contract) -> HttpResponse:
    return _act(
        request,
        contract,
        lambda: contracting.contract_submit(
            actor=request.user,  # type: ignore[arg-type]
            contract=contract,
            note=request.POST.get("note", ""),
        ),
        _("Contract submitted to the approval chain; the approvers are notified."),
    )


@require_POST
@with_contract
def contract_decide(request: HttpRequest, contract: Contract) -> HttpResponse:
    return _act(
        request,
        contract,
        lambda: contracting.contract_decide(
            actor=request.user,  # type: ignore[arg-type]
            contract=contract,
            decision=request.POST.get("decision", ""),
            comment=request.POST.get("comment", ""),
        ),
        _("Your decision is recorded."),
    )


@require_POST
@with_contract
def contract_sign(request: HttpRequest, contract: Contract) -> HttpResponse:
    return _act(
        request,
        contract,
        lambda: contracting.contract_sign(actor=request.user, contract=contract),  # type: ignore[arg-type]
        _("Signed for your party."),
    )


@require_POST
@with_contract
def contract_end(request: HttpRequest, contract: Contract) -> HttpResponse:
    return _act(
        request,
        contract,
        lambda: contracting.contract_end(
            actor=request.user,  # type: ignore[arg-type]
            contract=contract,
            outcome=request.POST.get("outcome", ""),
            reason=request.POST.get("reason", ""),
        ),
        _("The contract is closed."),
    )


@with_contract
def contract_history(request: HttpRequest, contract: Contract) -> HttpResponse:
    """Every change of the contract and its amendments from the hash-chained audit log."""
    entries = selectors.contract_history_for(user=request.user, contract=contract)  # type: ignore[arg-type]
    listing = Paginator(entries, 50).get_page(request.GET.get("page"))
    return page(request, "contracts/contract_history.html", contract, {"page": listing, "section": "history"})
