"""Pages that edit a draft contract's payment mechanism, service levels (KPIs), milestones and PPP
financial plan, under /contracts/contracts/<pk>/ (namespace "contracts").

Each page shows its form, pre-filled with the current rows, to the agency's finance officers while the
contract is a draft; everyone else who may see the contract (its reviewers, the vendor's people) and
everyone once it is under review reads the rows. A POST parses with a form and writes through one
service call, all or nothing: someone who may not prepare the contract gets the service's 403, a
contract that is no longer a draft the service's 409 on the read-only page, bad input a 400 with each
message next to its field (the form's own, or the service's placed by `place`).

Percentages are typed as percent (5 -> 0.05) and amounts in the reader's number format; blank rows of
a table are ignored.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from contracts import permissions
from contracts.models import PPP_CONTRACT_TYPES, Contract
from contracts.services import contracting
from contracts.services.contracting import require_editable
from ppp.errors import Conflict, DomainError, PermissionDenied
from ppp.models import User

from ._common import page, with_contract
from .editor_forms import EditorForm, MilestonesForm, PlanForm, ServiceLevelsForm
from .mechanism_form import MechanismsForm, mechanism_rows

# --- pages --------------------------------------------------------------------------------------------


def _read_only_reason(user: Any, contract: Contract) -> str:
    if not permissions.can_prepare_contract(user, contract):
        return _("You are reading the terms: only the agency's finance officers change a draft contract.")
    return _("The contract is %(status)s: its terms change only by an amendment.") % {
        "status": contract.get_status_display().lower()
    }


def _editor(
    request: HttpRequest,
    contract: Contract,
    form_class: type[EditorForm],
    template: str,
    save: Callable[[User, Any], Any],
    done: Any,
    **extra: Any,
) -> HttpResponse:
    """GET: the form when the person may edit this draft, else the rows read-only. POST: the service's
    own access and state check first (403, or 409 on the read-only page), then parse and save."""
    user = request.user
    form: Any = None
    problem, status = "", 200
    if request.method == "POST":
        try:
            require_editable(user, contract)  # type: ignore[arg-type]
            form = form_class(request.POST, contract=contract)
            if not form.is_valid():
                status = 400
            else:
                save(user, form.values())  # type: ignore[arg-type]
                messages.success(request, str(done))
                return redirect("contracts:contract_detail", pk=contract.pk)
        except Conflict as failure:
            form, problem, status = None, failure.message, failure.status_code
        except PermissionDenied:
            raise
        except DomainError as failure:
            form.place(failure)
            status = failure.status_code
    elif permissions.can_prepare_contract(user, contract) and contract.status in contracting.EDITABLE:
        form = form_class(contract=contract)
    context = {
        "form": form,
        "problem": problem,
        "read_only_reason": "" if form is not None else _read_only_reason(user, contract),
        "is_ppp": contract.contract_type in PPP_CONTRACT_TYPES,
        **extra,
    }
    return page(request, template, contract, context, status=status)


@require_http_methods(["GET", "POST"])
@with_contract
def contract_mechanisms(request: HttpRequest, contract: Contract) -> HttpResponse:
    return _editor(
        request,
        contract,
        MechanismsForm,
        "contracts/contract_mechanisms.html",
        lambda actor, values: contracting.mechanisms_save(actor=actor, contract=contract, mechanisms=values),
        gettext_lazy("Payment mechanism saved."),
        saved=[
            (m.get_kind_display(), mechanism_rows(m.kind, m.parameters)) for m in contract.mechanisms.all()
        ],
    )


@require_http_methods(["GET", "POST"])
@with_contract
def contract_service_levels(request: HttpRequest, contract: Contract) -> HttpResponse:
    return _editor(
        request,
        contract,
        ServiceLevelsForm,
        "contracts/contract_service_levels.html",
        lambda actor, values: contracting.service_levels_save(actor=actor, contract=contract, levels=values),
        gettext_lazy("Service levels saved."),
    )


@require_http_methods(["GET", "POST"])
@with_contract
def contract_milestones(request: HttpRequest, contract: Contract) -> HttpResponse:
    return _editor(
        request,
        contract,
        MilestonesForm,
        "contracts/contract_milestones.html",
        lambda actor, values: contracting.milestones_save(actor=actor, contract=contract, milestones=values),
        gettext_lazy("Milestones saved."),
    )


@require_http_methods(["GET", "POST"])
@with_contract
def contract_plan(request: HttpRequest, contract: Contract) -> HttpResponse:
    return _editor(
        request,
        contract,
        PlanForm,
        "contracts/contract_plan.html",
        lambda actor, values: contracting.financial_plan_save(actor=actor, contract=contract, revenue=values),
        gettext_lazy("Financial plan saved."),
    )
