"""Contracts after the award: the agency's finance officers complete the terms, the payment
mechanism, the KPIs, milestones and the PPP financial plan; approvers of the reviewing body decide
(never on a version they prepared, never anyone of the vendor); each party's signatory signs the
approved version; the contract ends completed or terminated. Reads go through the contract selector:
another organisation's contract is the same 404 as a missing one."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router
from ninja.pagination import paginate

from contracts import selectors
from contracts.models import Contract
from contracts.schemas.contracting import (
    ContractDetailOut,
    ContractListOut,
    ContractTermsIn,
    DecisionIn,
    EndIn,
    FinancialPlanIn,
    MechanismsIn,
    MilestonesIn,
    ServiceLevelsIn,
    SubmitIn,
)
from contracts.services import contracting
from ppp.pagination import Pagination

from ._common import ERRORS, user_of

router = Router(tags=["contracts"])


def _contract(request: HttpRequest, contract_id: int) -> Contract:
    return selectors.contract_get_for(user=user_of(request), pk=contract_id)


def _detail(request: HttpRequest, contract: Contract) -> Contract:
    return selectors.contract_get_for(user=user_of(request), pk=contract.pk)


@router.get(
    "/contracts", response={200: list[ContractListOut], **ERRORS}, summary="My organisations' contracts"
)
@paginate(Pagination)
def contract_list(request: HttpRequest):  # type: ignore[no-untyped-def]
    return selectors.contract_list_for(user=user_of(request))


@router.get(
    "/contracts/{contract_id}", response={200: ContractDetailOut, **ERRORS}, summary="One contract, whole"
)
def contract_get(request: HttpRequest, contract_id: int) -> Contract:
    return _contract(request, contract_id)


@router.patch(
    "/contracts/{contract_id}",
    response={200: ContractDetailOut, **ERRORS},
    summary="Change a draft's terms (a finance officer of the agency); the rule book's ranges apply",
)
def contract_update(request: HttpRequest, contract_id: int, payload: ContractTermsIn) -> Contract:
    contract = _contract(request, contract_id)
    values = payload.model_dump(exclude_unset=True)
    contracting.contract_update(actor=user_of(request), contract=contract, **values)
    return _detail(request, contract)


@router.put(
    "/contracts/{contract_id}/mechanisms",
    response={200: ContractDetailOut, **ERRORS},
    summary="Replace the payment mechanism, all or nothing",
)
def mechanisms_save(request: HttpRequest, contract_id: int, payload: MechanismsIn) -> Contract:
    contract = _contract(request, contract_id)
    contracting.mechanisms_save(actor=user_of(request), contract=contract, mechanisms=payload.mechanisms)
    return _detail(request, contract)


@router.put(
    "/contracts/{contract_id}/service-levels",
    response={200: ContractDetailOut, **ERRORS},
    summary="Replace the KPIs, all or nothing",
)
def service_levels_save(request: HttpRequest, contract_id: int, payload: ServiceLevelsIn) -> Contract:
    contract = _contract(request, contract_id)
    contracting.service_levels_save(actor=user_of(request), contract=contract, levels=payload.levels)
    return _detail(request, contract)


@router.put(
    "/contracts/{contract_id}/milestones",
    response={200: ContractDetailOut, **ERRORS},
    summary="Replace the milestones, all or nothing",
)
def milestones_save(request: HttpRequest, contract_id: int, payload: MilestonesIn) -> Contract:
    contract = _contract(request, contract_id)
    contracting.milestones_save(actor=user_of(request), contract=contract, milestones=payload.milestones)
    return _detail(request, contract)


@router.put(
    "/contracts/{contract_id}/financial-plan",
    response={200: ContractDetailOut, **ERRORS},
    summary="Replace a PPP contract's projected revenue per year, all or nothing",
)
def financial_plan_save(request: HttpRequest, contract_id: int, payload: FinancialPlanIn) -> Contract:
    contract = _contract(request, contract_id)
    contracting.financial_plan_save(actor=user_of(request), contract=contract, revenue=payload.revenue)
    return _detail(request, contract)


@router.post(
    "/contracts/{contract_id}/submit",
    response={200: ContractDetailOut, **ERRORS},
    summary="Submit the draft for review by the chain the rule book sets by value",
)
def contract_submit(request: HttpRequest, contract_id: int, payload: SubmitIn | None = None) -> Contract:
    contract = _contract(request, contract_id)
    contracting.contract_submit(
        actor=user_of(request), contract=contract, note=payload.note if payload is not None else ""
    )
    return _detail(request, contract)


@router.post(
    "/contracts/{contract_id}/decisions",
    response={200: ContractDetailOut, **ERRORS},
    summary="Approve, request changes or reject the version under review (an approver)",
    description="Never an author of the version (403 `contract.own_work`) nor anyone of the vendor "
    "(403 `contract.vendor`); the chain's last approval freezes the version with its hash.",
)
def contract_decide(request: HttpRequest, contract_id: int, payload: DecisionIn) -> Contract:
    contract = _contract(request, contract_id)
    contracting.contract_decide(
        actor=user_of(request), contract=contract, decision=payload.decision, comment=payload.comment
    )
    return _detail(request, contract)


@router.post(
    "/contracts/{contract_id}/sign",
    response={200: ContractDetailOut, **ERRORS},
    summary="Sign the approved version for my party; with both parties signed it is active",
)
def contract_sign(request: HttpRequest, contract_id: int) -> Contract:
    contract = _contract(request, contract_id)
    contracting.contract_sign(actor=user_of(request), contract=contract)
    return _detail(request, contract)


@router.post(
    "/contracts/{contract_id}/end",
    response={200: ContractDetailOut, **ERRORS},
    summary="Close an active contract: completed, or terminated with a reason",
)
def contract_end(request: HttpRequest, contract_id: int, payload: EndIn) -> Contract:
    contract = _contract(request, contract_id)
    contracting.contract_end(
        actor=user_of(request), contract=contract, outcome=payload.outcome, reason=payload.reason
    )
    return _detail(request, contract)
