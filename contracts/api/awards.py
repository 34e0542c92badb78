"""Awards: a finance officer proposes the best-ranked bid with reasons, an approver of the reviewing
body approves (creating the draft contract) or rejects it, and an award can be cancelled with a
reason so that the next-ranked bid is considered. Also the approver's queue of tenders and awards."""

from __future__ import annotations

from typing import Any

from django.db.models import prefetch_related_objects
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Status
from ninja.pagination import paginate

from contracts import selectors, services
from contracts.models import Award
from contracts.schemas import (
    AwaitingDecisionOut,
    AwardApproveIn,
    AwardCancelIn,
    AwardOut,
    AwardProposeIn,
    AwardRejectIn,
)
from ppp.errors import NotFound
from ppp.pagination import Pagination

from ._common import ERRORS, referenced_bid, tender_of, user_of

router = Router(tags=["contracts"])


def _award(request: HttpRequest, award_id: int) -> Award:
    """The award, when its tender is the caller's to see (award_get_for alone lets anyone read a
    published award, even of a tender they cannot see)."""
    user = user_of(request)
    award = selectors.award_get_for(user=user, pk=award_id)
    try:
        selectors.tender_get_for(user=user, pk=award.tender_id)
    except NotFound:
        raise NotFound("award.not_found", _("Award not found.")) from None
    return award


@router.get(
    "/tenders/{tender_id}/awards",
    response={200: list[AwardOut], **ERRORS},
    summary="The awards of a tender, oldest first: approved ones for every participant, all for the agency",
)
@paginate(Pagination)
def award_list(request: HttpRequest, tender_id: int):  # type: ignore[no-untyped-def]
    tender = tender_of(request, tender_id)
    return selectors.award_list_for(user=user_of(request), tender=tender).select_related("contract")


@router.post(
    "/tenders/{tender_id}/awards",
    response={201: AwardOut, **ERRORS},
    summary="Propose the award to the best-ranked bid not yet cancelled, with reasons (a finance officer)",
)
def award_propose(request: HttpRequest, tender_id: int, payload: AwardProposeIn) -> Status[Award]:
    user = user_of(request)
    tender = tender_of(request, tender_id)
    bid = referenced_bid(user, payload.bid_id)
    award = services.award_propose(actor=user, tender=tender, bid=bid, reasons=payload.reasons)
    return Status(201, award)


@router.get("/awards/{award_id}", response={200: AwardOut, **ERRORS}, summary="One award")
def award_get(request: HttpRequest, award_id: int) -> Award:
    return _award(request, award_id)


@router.post(
    "/awards/{award_id}/approve",
    response={200: AwardOut, **ERRORS},
    summary="Approve a proposed award: the result is published and the draft contract created",
    description="An approver of the agency's reviewing body; never the award's proposer (403 "
    "`award.own_work`). The losing bidders are told.",
)
def award_approve(request: HttpRequest, award_id: int, payload: AwardApproveIn | None = None) -> Award:
    award = _award(request, award_id)
    note = payload.note if payload is not None else ""
    return services.award_approve(actor=user_of(request), award=award, note=note)


@router.post(
    "/awards/{award_id}/reject",
    response={200: AwardOut, **ERRORS},
    summary="Reject a proposed award with a note (an approver of the reviewing body)",
)
def award_reject(request: HttpRequest, award_id: int, payload: AwardRejectIn) -> Award:
    award = _award(request, award_id)
    return services.award_reject(actor=user_of(request), award=award, note=payload.note)


@router.post(
    "/awards/{award_id}/cancel",
    response={200: AwardOut, **ERRORS},
    summary="Cancel a proposed or approved award with a reason; the next-ranked bid is then considered",
    description="An approved award's draft contract is withdrawn.",
)
def award_cancel(request: HttpRequest, award_id: int, payload: AwardCancelIn) -> Award:
    award = _award(request, award_id)
    return services.award_cancel(actor=user_of(request), award=award, reason=payload.reason)


@router.get(
    "/awaiting-decision",
    response={200: AwaitingDecisionOut, **ERRORS},
    summary="Tenders, awards, contracts and amendments waiting for my decision (the approver's queue)",
    description="Oldest first. Work I made, edited or proposed is left out, and so is what I have "
    "already approved in the current round and anything of a vendor I belong to: someone else must "
    "decide on it. Cost models are in the costing API's queue.",
)
def awaiting_decision(request: HttpRequest) -> dict[str, Any]:
    queue = selectors.awaiting_decision_for(user=user_of(request))
    prefetch_related_objects(queue["awards"], "bid__vendor")
    return queue
