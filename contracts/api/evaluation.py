"""The evaluation of opened bids: name the panel, declare conflicts of interest, record compliance
and technical scores (each evaluator alone, the chair the consensus), the bidder's answer to its
arithmetic correction, the computation, and the figures.

The evaluation is the agency's and its reviewers' (vendors get 404); a bidder sees only its own
bid's correction.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from contracts import exports, permissions, selectors, services
from contracts.models import (
    BidCorrection,
    ComplianceResult,
    ConflictDeclaration,
    Evaluation,
    TechnicalScore,
    Tender,
)
from contracts.schemas import (
    ComplianceIn,
    ComplianceOut,
    CorrectionAnswerIn,
    CorrectionOut,
    DeclarationIn,
    DeclarationOut,
    EvaluationOut,
    EvaluationStartIn,
    ResultsOut,
    ScoreIn,
    ScoreOut,
)
from ppp.errors import Conflict, NotFound, PermissionDenied
from ppp.fields import Errors
from ppp.models import User

from ._common import (
    ERRORS,
    XLSX,
    bid_of,
    criterion_of,
    language_or_default,
    referenced_bid,
    tender_of,
    user_of,
    xlsx_response,
)

router = Router(tags=["contracts"])


def _evaluation(request: HttpRequest, tender_id: int) -> tuple[Tender, Evaluation]:
    tender = tender_of(request, tender_id)
    return tender, selectors.evaluation_get_for(user=user_of(request), tender=tender)


def _panel(user: User, tender: Tender, payload: EvaluationStartIn) -> tuple[User, list[User]]:
    """The people named, among those who may sit on the panel; each unknown one names its field."""
    candidates = {person.pk: person for person in selectors.panel_candidates_for(user=user, tender=tender)}
    errors = Errors()
    message = _("not an evaluator or finance officer of the agency")
    chair = candidates.get(payload.chair_id)
    if chair is None:
        errors.add("chair_id", message)
    evaluators = []
    for index, pk in enumerate(payload.evaluator_ids):
        person = candidates.get(pk)
        if person is None:
            errors.add(f"evaluator_ids[{index}]", message)
        else:
            evaluators.append(person)
    errors.raise_if_any("evaluation.invalid", _("The panel cannot be named."))
    assert chair is not None
    return chair, evaluators


@router.post(
    "/tenders/{tender_id}/evaluation",
    response={201: EvaluationOut, **ERRORS},
    summary="Start the evaluation of an opened tender: name the panel (a finance officer)",
    description="Each bid's arithmetic correction is proposed to its bidder, who has the rule's "
    "working days to accept or reject it; a bid with nothing to correct is accepted as it is.",
)
def evaluation_start(request: HttpRequest, tender_id: int, payload: EvaluationStartIn) -> Status[Evaluation]:
    user = user_of(request)
    tender = tender_of(request, tender_id)
    if not permissions.can_manage_tender(user, tender):
        # Before naming anyone: the people of the agency are not a vendor's to look up.
        raise PermissionDenied(
            "evaluation.forbidden", _("Only the agency's finance officers start an evaluation.")
        )
    chair, evaluators = _panel(user, tender, payload)
    services.evaluation_start(actor=user, tender=tender, chair=chair, evaluators=evaluators)
    return Status(201, selectors.evaluation_get_for(user=user, tender=tender))


@router.get(
    "/tenders/{tender_id}/evaluation",
    response={200: EvaluationOut, **ERRORS},
    summary="The evaluation's panel, declarations and state (the agency and its reviewers)",
)
def evaluation_get(request: HttpRequest, tender_id: int) -> Evaluation:
    return _evaluation(request, tender_id)[1]


@router.post(
    "/tenders/{tender_id}/evaluation/declarations",
    response={201: DeclarationOut, **ERRORS},
    summary="Declare, before scoring, whether I have a conflict of interest (a panel member)",
)
def conflict_declare(
    request: HttpRequest, tender_id: int, payload: DeclarationIn
) -> Status[ConflictDeclaration]:
    _tender, evaluation = _evaluation(request, tender_id)
    declaration = services.conflict_declare(
        actor=user_of(request),
        evaluation=evaluation,
        has_conflict=payload.has_conflict,
        statement=payload.statement,
    )
    return Status(201, declaration)


@router.post(
    "/tenders/{tender_id}/evaluation/compliance",
    response={200: ComplianceOut, **ERRORS},
    summary="Record whether a bid meets a pass/fail requirement (mine, or the chair's consensus)",
    description="With `consensus: true` the chair records the panel's view, which is what counts.",
)
def compliance_record(request: HttpRequest, tender_id: int, payload: ComplianceIn) -> ComplianceResult:
    user = user_of(request)
    tender, evaluation = _evaluation(request, tender_id)
    bid = referenced_bid(user, payload.bid_id)
    return services.compliance_record(
        actor=user,
        evaluation=evaluation,
        bid=bid,
        criterion=criterion_of(tender, payload.criterion_id, "criterion_id"),
        passed=payload.passed,
        note=payload.note,
        consensus=payload.consensus,
    )


@router.post(
    "/tenders/{tender_id}/evaluation/scores",
    response={200: ScoreOut, **ERRORS},
    summary="Score a bid on a technical criterion (each evaluator alone, or the chair's consensus)",
    description="Only consensus scores count; a member who declared a conflict may not score (403), "
    "one who has not declared yet gets 409 `evaluation.undeclared`.",
)
def score_record(request: HttpRequest, tender_id: int, payload: ScoreIn) -> TechnicalScore:
    user = user_of(request)
    tender, evaluation = _evaluation(request, tender_id)
    bid = referenced_bid(user, payload.bid_id)
    return services.score_record(
        actor=user,
        evaluation=evaluation,
        bid=bid,
        criterion=criterion_of(tender, payload.criterion_id, "criterion_id"),
        points=payload.points,
        note=payload.note,
        consensus=payload.consensus,
    )


@router.post(
    "/tenders/{tender_id}/evaluation/compute",
    response={200: EvaluationOut, **ERRORS},
    summary="Compute every bid's evaluated price, scores, flags, value for money and rank",
    description="The chair or a finance officer; refused (409) while a bidder still has time to answer "
    "its correction. The figures are stored with the hash of their inputs.",
)
def evaluation_compute(request: HttpRequest, tender_id: int) -> Evaluation:
    user = user_of(request)
    tender, evaluation = _evaluation(request, tender_id)
    services.evaluation_compute(actor=user, evaluation=evaluation)
    return selectors.evaluation_get_for(user=user, tender=tender)


@router.get(
    "/tenders/{tender_id}/evaluation/results",
    response={200: ResultsOut, **ERRORS},
    summary="The computed figures of every bid and the ranking (reads of bid content are audited)",
)
def evaluation_results(request: HttpRequest, tender_id: int) -> dict[str, Any]:
    user = user_of(request)
    _tender, evaluation = _evaluation(request, tender_id)
    if evaluation.results is None:
        raise Conflict("evaluation.not_computed", _("The evaluation has not been computed yet."))
    for bid in selectors.bid_list_for(user=user, tender=evaluation.tender):
        selectors.bid_read(user=user, bid=bid)
    return {
        **evaluation.results,
        "computed_at": evaluation.computed_at,
        "input_hash": evaluation.input_hash,
        "rules": evaluation.results.get("rules", []),
    }


@router.get(
    "/tenders/{tender_id}/evaluation/results.xlsx",
    response={200: None, **ERRORS},
    summary="Download the computed evaluation as a workbook: results, compliance and technical scores",
    description="The agency and its reviewers (404 for everyone before opening, and for vendors); 409 "
    "`evaluation.not_computed` until computed. Per bid: the consensus compliance, prices, technical "
    "and price scores, rank, abnormally low flag and value for money; then each evaluator's and the "
    "consensus pass/fail and points per criterion. Reads of bid content are audited.",
    openapi_extra=xlsx_response("An .xlsx workbook"),
)
def evaluation_export(
    request: HttpRequest, tender_id: int, language: str = Query("", pattern="^(vi|en)?$")
) -> HttpResponse:
    user = user_of(request)
    tender, evaluation = _evaluation(request, tender_id)
    if evaluation.results is None:
        raise Conflict("evaluation.not_computed", _("The evaluation has not been computed yet."))
    # Every bid on the sheets is read; its audit entry names the agency (one query for all bids).
    for bid in selectors.bid_list_for(user=user, tender=tender).select_related("tender__organisation"):
        selectors.bid_read(user=user, bid=bid)
    content = exports.evaluation_workbook(
        tender=tender, evaluation=evaluation, language=language_or_default(language)
    )
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="evaluation-{tender.reference}.xlsx"'
    return response


# The bidder's side: its own bid's arithmetic correction.


def _correction(request: HttpRequest, bid_id: int) -> BidCorrection:
    bid = bid_of(request, bid_id)
    correction: BidCorrection | None = getattr(bid, "correction", None)
    if correction is None:
        raise NotFound("correction.not_found", _("The bid has no arithmetic correction (yet)."))
    return correction


@router.get(
    "/bids/{bid_id}/correction",
    response={200: CorrectionOut, **ERRORS},
    summary="The arithmetic correction proposed for a bid, with the time left to answer it",
)
def correction_get(request: HttpRequest, bid_id: int) -> BidCorrection:
    correction = _correction(request, bid_id)
    selectors.bid_read(user=user_of(request), bid=correction.bid)
    return correction


@router.post(
    "/bids/{bid_id}/correction",
    response={200: CorrectionOut, **ERRORS},
    summary="Accept or reject the arithmetic correction of my bid (a signatory, within the working days)",
    description="A rejected correction makes the bid non-responsive.",
)
def correction_respond(request: HttpRequest, bid_id: int, payload: CorrectionAnswerIn) -> BidCorrection:
    correction = _correction(request, bid_id)
    return services.correction_respond(actor=user_of(request), bid=correction.bid, accept=payload.accept)
