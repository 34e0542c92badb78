"""Clarifications: vendors ask before the clarification deadline, the agency answers, and every
participant reads the questions with their answers without learning who asked (the out schema has
no asker or vendor field, for anyone)."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Status
from ninja.pagination import paginate

from contracts import selectors, services
from contracts.models import Clarification
from contracts.schemas import ClarificationAnswerIn, ClarificationIn, ClarificationOut
from ppp.errors import NotFound
from ppp.pagination import Pagination

from ._common import ERRORS, tender_of, user_of, vendor_for

router = Router(tags=["contracts"])


@router.get(
    "/tenders/{tender_id}/clarifications",
    response={200: list[ClarificationOut], **ERRORS},
    summary="Questions and answers of a tender, oldest first, never naming who asked",
    description="Answered questions for every participant; the agency also sees unanswered ones, a "
    "vendor its own.",
)
@paginate(Pagination)
def clarification_list(request: HttpRequest, tender_id: int):  # type: ignore[no-untyped-def]
    tender = tender_of(request, tender_id)
    return selectors.clarification_list_for(user=user_of(request), tender=tender)


@router.post(
    "/tenders/{tender_id}/clarifications",
    response={201: ClarificationOut, **ERRORS},
    summary="Ask a question about a published tender (a verified vendor, before the deadline)",
)
def clarification_ask(
    request: HttpRequest, tender_id: int, payload: ClarificationIn
) -> Status[Clarification]:
    user = user_of(request)
    tender = tender_of(request, tender_id)
    vendor = vendor_for(user, payload.vendor_id, code="clarification")
    clarification = services.clarification_ask(
        actor=user, tender=tender, vendor=vendor, question=payload.question
    )
    return Status(201, clarification)


@router.post(
    "/tenders/{tender_id}/clarifications/{clarification_id}/answer",
    response={200: ClarificationOut, **ERRORS},
    summary="Answer a question: the answer is published to every participant (the agency's finance officers)",
)
def clarification_answer(
    request: HttpRequest, tender_id: int, clarification_id: int, payload: ClarificationAnswerIn
) -> Clarification:
    user = user_of(request)
    tender = tender_of(request, tender_id)
    clarification = (
        selectors.clarification_list_for(user=user, tender=tender).filter(pk=clarification_id).first()
    )
    if clarification is None:
        raise NotFound("clarification.not_found", _("Question not found."))
    return services.clarification_answer(actor=user, clarification=clarification, answer=payload.answer)
