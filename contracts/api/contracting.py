"""Contracts after the award: the agency's finance officers complete the terms, the payment
mechanism, the KPIs, milestones and the PPP financial plan; approvers of the reviewing body decide
(never on a version they prepared, never anyone of the vendor); each party's signatory signs the
approved version; the contract ends completed or terminated. Reads go through the contract selector:
another organisation's contract is the same 404 as a missing one."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Status
from ninja.pagination import paginate

from contracts import selectors
from contracts.models import Contract, ContractAmendment
from contracts.schemas.contracting import (
    AmendmentIn,
    AmendmentOut,
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
    VersionDiffOut,
    WithdrawIn,
)
from contracts.services import amendments, contracting
from ppp.pagination import Pagination
from ppp.schemas import AuditEntryOut

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


# --- amendments and versions ------------------------------------------------------------------------


def _amendment(request: HttpRequest, contract_id: int, number: int) -> ContractAmendment:
    contract = _contract(request, contract_id)
    return selectors.amendment_get_for(user=user_of(request), contract=contract, number=number)


@router.get(
    "/contracts/{contract_id}/amendments",
    response={200: list[AmendmentOut], **ERRORS},
    summary="A contract's amendments (its vendor sees those submitted for review)",
)
def amendment_list(request: HttpRequest, contract_id: int) -> list[ContractAmendment]:
    contract = _contract(request, contract_id)
    return list(selectors.amendment_list_for(user=user_of(request), contract=contract))


@router.post(
    "/contracts/{contract_id}/amendments",
    response={201: AmendmentOut, **ERRORS},
    summary="Start an amendment of an active contract (a finance officer of the agency)",
    description="The effect on the value, its share of the original and the net cumulative flags are "
    "computed; one amendment at a time (409 `amendment.open`).",
)
def amendment_create(request: HttpRequest, contract_id: int, payload: AmendmentIn):  # type: ignore[no-untyped-def]
    contract = _contract(request, contract_id)
    return Status(
        201, amendments.amendment_save(actor=user_of(request), contract=contract, **payload.model_dump())
    )


@router.get(
    "/contracts/{contract_id}/amendments/{number}",
    response={200: AmendmentOut, **ERRORS},
    summary="One amendment",
)
def amendment_get(request: HttpRequest, contract_id: int, number: int) -> ContractAmendment:
    return _amendment(request, contract_id, number)


@router.put(
    "/contracts/{contract_id}/amendments/{number}",
    response={200: AmendmentOut, **ERRORS},
    summary="Change a draft amendment, every field given again",
)
def amendment_update(
    request: HttpRequest, contract_id: int, number: int, payload: AmendmentIn
) -> ContractAmendment:
    amendment = _amendment(request, contract_id, number)
    return amendments.amendment_save(
        actor=user_of(request), contract=amendment.contract, amendment=amendment, **payload.model_dump()
    )


@router.post(
    "/contracts/{contract_id}/amendments/{number}/submit",
    response={200: AmendmentOut, **ERRORS},
    summary="Submit a draft amendment to the approval chain again",
)
def amendment_submit(
    request: HttpRequest, contract_id: int, number: int, payload: SubmitIn | None = None
) -> ContractAmendment:
    amendment = _amendment(request, contract_id, number)
    return amendments.amendment_submit(
        actor=user_of(request), amendment=amendment, note=payload.note if payload is not None else ""
    )


@router.post(
    "/contracts/{contract_id}/amendments/{number}/decisions",
    response={200: AmendmentOut, **ERRORS},
    summary="Approve, request changes or reject an amendment under review (an approver)",
    description="Never an author of the amendment (403 `contract.own_work`) nor anyone of the vendor "
    "(403 `contract.vendor`); the chain's last approval freezes the version it makes.",
)
def amendment_decide(
    request: HttpRequest, contract_id: int, number: int, payload: DecisionIn
) -> ContractAmendment:
    amendment = _amendment(request, contract_id, number)
    return amendments.amendment_decide(
        actor=user_of(request), amendment=amendment, decision=payload.decision, comment=payload.comment
    )


@router.post(
    "/contracts/{contract_id}/amendments/{number}/sign",
    response={200: AmendmentOut, **ERRORS},
    summary="Sign the approved amendment for my party; with both parties signed it is in force",
)
def amendment_sign(request: HttpRequest, contract_id: int, number: int) -> ContractAmendment:
    amendment = _amendment(request, contract_id, number)
    return amendments.amendment_sign(actor=user_of(request), amendment=amendment)


@router.post(
    "/contracts/{contract_id}/amendments/{number}/withdraw",
    response={200: AmendmentOut, **ERRORS},
    summary="Withdraw a draft amendment or one under review",
)
def amendment_withdraw(
    request: HttpRequest, contract_id: int, number: int, payload: WithdrawIn | None = None
) -> ContractAmendment:
    amendment = _amendment(request, contract_id, number)
    return amendments.amendment_withdraw(
        actor=user_of(request), amendment=amendment, reason=payload.reason if payload is not None else ""
    )


@router.get(
    "/contracts/{contract_id}/history",
    response={200: list[AuditEntryOut], **ERRORS},
    summary="The audit trail of a contract and its amendments, oldest first: who, when, before, after",
    description="The agency's and its reviewers' record; the vendor's people get 404.",
)
@paginate(Pagination)
def contract_history(request: HttpRequest, contract_id: int):  # type: ignore[no-untyped-def]
    return selectors.contract_history_for(user=user_of(request), contract=_contract(request, contract_id))


@router.get(
    "/contracts/{contract_id}/versions/diff",
    response={200: VersionDiffOut, **ERRORS},
    summary="What changed between two frozen versions",
)
def version_diff(request: HttpRequest, contract_id: int, a: int, b: int) -> dict[str, object]:
    contract = _contract(request, contract_id)
    return {
        "a": a,
        "b": b,
        "changes": selectors.version_diff_for(user=user_of(request), contract=contract, a=a, b=b),
    }
