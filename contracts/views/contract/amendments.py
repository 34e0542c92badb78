"""Pages of contract amendments and versions, under /contracts/contracts/<pk>/ (namespace "contracts").

The agency's finance officers start and change an amendment of an active contract (rationale, the
terms and unit prices that change, lines added) and submit it; approvers of the reviewing body decide
on it; each party's signatory signs the approved version; every frozen version can be compared with
any other. The contract is loaded through the selector, so another organisation's contract is the
same 404 as a missing one; the services check every permission again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from contracts import permissions, selectors
from contracts.calculations import content_diff
from contracts.models import (
    Contract,
    ContractAmendment,
    ContractAmendmentStatus,
    ContractDecisionKind,
    ContractStatus,
)
from contracts.services import amendments
from ppp.errors import Conflict, DomainError, PermissionDenied
from ppp.templatetags.ppp_tags import amount

from ._common import page, with_contract
from .amendment_form import AmendmentForm


def _amendment(request: HttpRequest, contract: Contract, number: int) -> ContractAmendment:
    return selectors.amendment_get_for(user=request.user, contract=contract, number=number)  # type: ignore[arg-type]


# --- pages ---------------------------------------------------------------------------------------


@with_contract
def amendment_list(request: HttpRequest, contract: Contract) -> HttpResponse:
    rows = list(selectors.amendment_list_for(user=request.user, contract=contract))  # type: ignore[arg-type]
    versions = list(contract.versions.all())
    can_start = (
        permissions.can_prepare_contract(request.user, contract)
        and contract.status == ContractStatus.ACTIVE
        and not any(a.status in ("draft", "under_review", "approved") for a in rows)
    )
    return page(
        request,
        "contracts/amendment_list.html",
        contract,
        {"amendments": rows, "versions": versions, "can_start": can_start},
    )


def _form_page(request: HttpRequest, contract: Contract, amendment: ContractAmendment | None) -> HttpResponse:
    if not permissions.can_prepare_contract(request.user, contract):
        raise PermissionDenied(
            "contract.forbidden", _("Only the agency's finance officers prepare its contracts.")
        )
    form = AmendmentForm(request.POST or None, contract=contract, amendment=amendment)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                saved = amendments.amendment_save(
                    actor=request.user,  # type: ignore[arg-type]
                    contract=contract,
                    amendment=amendment,
                    **form.values(),
                )
            except Conflict as failure:
                form.add_error(None, failure.message)
                status = failure.status_code
            except PermissionDenied:
                raise
            except DomainError as failure:
                form.place(failure)
                status = failure.status_code
            else:
                messages.success(
                    request,
                    _("Amendment %(number)d saved: %(effect)s on the value.")
                    % {"number": saved.number, "effect": amount(saved.value_effect, contract.currency)},
                )
                return redirect("contracts:amendment_detail", pk=contract.pk, number=saved.number)
        else:
            status = 400
    return page(
        request,
        "contracts/amendment_form.html",
        contract,
        {"form": form, "amendment": amendment},
        status=status,
    )


@with_contract
def amendment_create(request: HttpRequest, contract: Contract) -> HttpResponse:
    return _form_page(request, contract, None)


@with_contract
def amendment_edit(request: HttpRequest, contract: Contract, number: int) -> HttpResponse:
    amendment = _amendment(request, contract, number)
    if amendment.status != ContractAmendmentStatus.DRAFT:
        return redirect("contracts:amendment_detail", pk=contract.pk, number=number)
    return _form_page(request, contract, amendment)


def detail_response(
    request: HttpRequest,
    contract: Contract,
    amendment: ContractAmendment,
    *,
    error: DomainError | None = None,
) -> HttpResponse:
    user: Any = request.user
    if amendment.status == ContractAmendmentStatus.IN_FORCE:
        previous = contract.versions.filter(number=amendment.version - 1).first()
        made = contract.versions.filter(number=amendment.version).first()
        changes = content_diff(previous.content, made.content) if previous and made else []
    elif amendment.status in (ContractAmendmentStatus.REJECTED, ContractAmendmentStatus.WITHDRAWN):
        changes = []
    else:
        proposed, _digest = amendments.preview(contract, amendment)
        changes = content_diff(amendments.current_content(contract), proposed)
    decisions = list(amendment.decisions.select_related("reviewer"))
    signatures = list(contract.signatures.filter(version=amendment.version).select_related("party", "signer"))
    signed_parties = {s.party_id for s in signatures}
    reviewer = permissions.is_contract_reviewer(user, contract)
    preparer = permissions.can_prepare_contract(user, contract)
    can = {
        "edit": preparer and amendment.status == ContractAmendmentStatus.DRAFT,
        "submit": preparer and amendment.status == ContractAmendmentStatus.DRAFT,
        "withdraw": preparer
        and amendment.status in (ContractAmendmentStatus.DRAFT, ContractAmendmentStatus.UNDER_REVIEW),
        "decide": reviewer
        and amendment.status == ContractAmendmentStatus.UNDER_REVIEW
        and not amendment.authors.filter(pk=user.pk).exists()
        and not any(
            d.reviewer_id == user.pk and d.round == amendment.review_round and d.decision == "approve"
            for d in decisions
        )
        and not permissions.belongs_to_vendor(user, contract),
        "sign": amendment.status == ContractAmendmentStatus.APPROVED
        and any(p not in signed_parties for p in permissions.signing_parties(user, contract)),
    }
    return page(
        request,
        "contracts/amendment_detail.html",
        contract,
        {
            "amendment": amendment,
            "changes": [row for row in changes if row["path"] != "version"],
            "decisions": decisions,
            "signatures": signatures,
            "can": can,
            "decision_kinds": ContractDecisionKind.choices,
            "error": error,
        },
        status=error.status_code if error is not None else 200,
    )


@with_contract
def amendment_detail(request: HttpRequest, contract: Contract, number: int) -> HttpResponse:
    return detail_response(request, contract, _amendment(request, contract, number))


def _act(
    request: HttpRequest,
    contract: Contract,
    number: int,
    action: Callable[[ContractAmendment], Any],
    done: str,
) -> HttpResponse:
    amendment = _amendment(request, contract, number)
    try:
        action(amendment)
    except PermissionDenied:
        raise
    except DomainError as failure:
        amendment.refresh_from_db()
        return detail_response(request, contract, amendment, error=failure)
    messages.success(request, done)
    return redirect("contracts:amendment_detail", pk=contract.pk, number=number)


@require_POST
@with_contract
def amendment_submit(request: HttpRequest, contract: Contract, number: int) -> HttpResponse:
    return _act(
        request,
        contract,
        number,
        lambda a: amendments.amendment_submit(
            actor=request.user,  # type: ignore[arg-type]
            amendment=a,
            note=request.POST.get("note", ""),
        ),
        _("Amendment submitted to the approval chain; the approvers are notified."),
    )


@require_POST
@with_contract
def amendment_decide(request: HttpRequest, contract: Contract, number: int) -> HttpResponse:
    return _act(
        request,
        contract,
        number,
        lambda a: amendments.amendment_decide(
            actor=request.user,  # type: ignore[arg-type]
            amendment=a,
            decision=request.POST.get("decision", ""),
            comment=request.POST.get("comment", ""),
        ),
        _("Your decision is recorded."),
    )


@require_POST
@with_contract
def amendment_sign(request: HttpRequest, contract: Contract, number: int) -> HttpResponse:
    return _act(
        request,
        contract,
        number,
        lambda a: amendments.amendment_sign(actor=request.user, amendment=a),  # type: ignore[arg-type]
        _("Signed for your party."),
    )


@require_POST
@with_contract
def amendment_withdraw(request: HttpRequest, contract: Contract, number: int) -> HttpResponse:
    return _act(
        request,
        contract,
        number,
        lambda a: amendments.amendment_withdraw(
            actor=request.user,  # type: ignore[arg-type]
            amendment=a,
            reason=request.POST.get("reason", ""),
        ),
        _("Amendment withdrawn."),
    )


@with_contract
def versions(request: HttpRequest, contract: Contract) -> HttpResponse:
    """The frozen versions and what changed between any two of them (?a=1&b=2)."""
    frozen = list(contract.versions.all())
    numbers = [v.number for v in frozen]

    def chosen(name: str, default: int | None) -> int | None:
        try:
            value = int(request.GET.get(name, ""))
        except ValueError:
            return default
        return value if value in numbers else default

    a = chosen("a", numbers[-2] if len(numbers) > 1 else (numbers[0] if numbers else None))
    b = chosen("b", numbers[-1] if numbers else None)
    changes = (
        selectors.version_diff_for(user=request.user, contract=contract, a=a, b=b)  # type: ignore[arg-type]
        if a is not None and b is not None
        else []
    )
    return page(
        request,
        "contracts/versions.html",
        contract,
        {"versions": frozen, "a": a, "b": b, "changes": changes},
    )
