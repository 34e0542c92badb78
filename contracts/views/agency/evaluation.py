"""The evaluation of opened bids: the panel named by a finance officer; each evaluator's declaration
of any conflict of interest before anything else; the scoring sheet on which an evaluator records
pass/fail and points alone and the chair records the panel's consensus; the computation; and the
results (evaluated prices, scores, abnormally low flags, value for money against the PSC, rank and
the reasons a bid is out)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from contracts import permissions, selectors, services
from contracts.models import Bid, CriterionKind, Evaluation, EvaluationStatus, Tender
from costing.forms import shown_number, typed_number
from ppp.errors import Conflict, DomainError, NotFound, PermissionDenied, ValidationFailed

from ._common import error_status, place_errors, require_agency_side, require_opened, tender_page, with_tender
from .forms import DeclarationForm, PanelForm


def _evaluation_or_none(request: HttpRequest, tender: Tender) -> Evaluation | None:
    try:
        return selectors.evaluation_get_for(user=request.user, tender=tender)  # type: ignore[arg-type]
    except NotFound:
        return None


def _bids(request: HttpRequest, tender: Tender) -> list[Bid]:
    """The opened bids with their answers; the sheet shows their content, so each read is audited."""
    bids = list(
        selectors.bid_list_for(user=request.user, tender=tender)  # type: ignore[arg-type]
        .prefetch_related("answers")
        .order_by("submitted_at", "pk")
    )
    for bid in bids:
        selectors.bid_read(user=request.user, bid=bid)  # type: ignore[arg-type]
    return bids


def _entries(evaluation: Evaluation, *, evaluator: Any) -> dict[tuple[int, int], Any]:
    """Recorded pass/fail results and points of one evaluator (None: the consensus), by (bid, criterion)."""
    found: dict[tuple[int, int], Any] = {}
    for result in evaluation.compliance.filter(evaluator=evaluator):
        found[(result.bid_id, result.criterion_id)] = result
    for score in evaluation.scores.filter(evaluator=evaluator):
        found[(score.bid_id, score.criterion_id)] = score
    return found


def _shown(entry: Any) -> str:
    if entry is None:
        return ""
    if hasattr(entry, "passed"):
        return "pass" if entry.passed else "fail"
    return shown_number(entry.points)


def _sheet(
    tender: Tender,
    evaluation: Evaluation,
    bids: list[Bid],
    *,
    consensus: bool,
    evaluator: Any,
    posted: Any = None,
    errors: dict[str, str] | None = None,
) -> list[dict[str, Any]]:
    """One score sheet: per bid, per criterion, the field names, the recorded (or just typed) value,
    the vendor's answer and, on the chair's consensus sheet, what each evaluator recorded."""
    errors = errors or {}
    criteria = list(tender.criteria.all())
    recorded = _entries(evaluation, evaluator=None if consensus else evaluator)
    individual: dict[tuple[int, int], list[tuple[Any, str]]] = {}
    if consensus:
        for result in evaluation.compliance.filter(evaluator__isnull=False).select_related("evaluator"):
            individual.setdefault((result.bid_id, result.criterion_id), []).append(
                (result.evaluator, _("pass") if result.passed else _("fail"))
            )
        for score in evaluation.scores.filter(evaluator__isnull=False).select_related("evaluator"):
            individual.setdefault((score.bid_id, score.criterion_id), []).append(
                (score.evaluator, shown_number(score.points))
            )
    prefix = "k" if consensus else "e"
    sheet = []
    for bid in bids:
        answers = {answer.criterion_id: answer for answer in bid.answers.all()}
        cells = []
        for criterion in criteria:
            name = f"{prefix}-{bid.pk}-{criterion.pk}"
            entry = recorded.get((bid.pk, criterion.pk))
            value = posted.get(name, "") if posted is not None else _shown(entry)
            note = posted.get(f"{name}-note", "") if posted is not None else (entry.note if entry else "")
            cells.append(
                {
                    "criterion": criterion,
                    "name": name,
                    "value": value,
                    "note": note,
                    "answer": answers.get(criterion.pk),
                    "error": errors.get(name, ""),
                    "others": individual.get((bid.pk, criterion.pk), []),
                }
            )
        sheet.append({"bid": bid, "cells": cells})
    return sheet


def sheet_response(
    request: HttpRequest,
    tender: Tender,
    evaluation: Evaluation,
    *,
    status: int = 200,
    error: DomainError | None = None,
    posted: Any = None,
    consensus_posted: bool = False,
    cell_errors: dict[str, str] | None = None,
    declaration_form: DeclarationForm | None = None,
) -> HttpResponse:
    user = request.user
    members = list(evaluation.evaluators.all().order_by("full_name", "username"))
    declarations = {d.evaluator_id: d for d in evaluation.declarations.all()}
    mine = declarations.get(user.pk or 0)
    member = any(person.pk == user.pk for person in members)
    may_score = member and mine is not None and not mine.has_conflict
    in_progress = evaluation.status == EvaluationStatus.IN_PROGRESS
    # Nobody reads a bid on the sheet before declaring no conflict of interest.
    bids = _bids(request, tender) if may_score and in_progress else []
    context: dict[str, Any] = {
        "evaluation": evaluation,
        "panel": [
            {
                "person": person,
                "chair": person.pk == evaluation.chair_id,
                "declaration": declarations.get(person.pk),
            }
            for person in members
        ],
        "member": member,
        "declaration": mine,
        "declaration_form": declaration_form or DeclarationForm(),
        "may_score": may_score and in_progress,
        "is_chair": evaluation.chair_id == user.pk,
        "in_progress": in_progress,
        "may_compute": in_progress
        and (evaluation.chair_id == user.pk or permissions.can_manage_tender(user, tender)),
        "corrections": [
            {"bid": bid, "correction": getattr(bid, "correction", None)}
            for bid in selectors.bid_list_for(user=user, tender=tender).select_related("correction")  # type: ignore[arg-type]
        ],
        "error": error,
    }
    if may_score and in_progress:
        context["own_sheet"] = _sheet(
            tender,
            evaluation,
            bids,
            consensus=False,
            evaluator=user,
            posted=posted if not consensus_posted else None,
            errors=cell_errors if not consensus_posted else None,
        )
        if evaluation.chair_id == user.pk:
            context["consensus_sheet"] = _sheet(
                tender,
                evaluation,
                bids,
                consensus=True,
                evaluator=None,
                posted=posted if consensus_posted else None,
                errors=cell_errors if consensus_posted else None,
            )
    return tender_page(
        request, "contracts/evaluation.html", tender, context, section="evaluation", status=status
    )


def _start_denied() -> PermissionDenied:
    return PermissionDenied(
        "evaluation.forbidden", _("Only the agency's finance officers start an evaluation.")
    )


@with_tender
@require_http_methods(["GET", "POST"])
def evaluation(request: HttpRequest, tender: Tender) -> HttpResponse:
    """The panel and the sheets; before the evaluation starts, the form that names the panel."""
    require_agency_side(request.user, tender)
    require_opened(request.user, tender)
    current = _evaluation_or_none(request, tender)
    if current is not None:
        if request.method == "POST":
            started = Conflict("evaluation.exists", _("The evaluation has already started."))
            return sheet_response(request, tender, current, status=409, error=started)
        return sheet_response(request, tender, current)
    if request.method == "POST" and not permissions.can_manage_tender(request.user, tender):
        raise _start_denied()
    candidates = selectors.panel_candidates_for(user=request.user, tender=tender)  # type: ignore[arg-type]
    form = PanelForm(request.POST or None, candidates=candidates)
    error: DomainError | None = None
    if request.method == "POST" and form.is_valid():
        chair = form.people[form.cleaned_data["chair"]]
        evaluators = [form.people[pk] for pk in form.cleaned_data["evaluators"]]
        try:
            services.evaluation_start(actor=request.user, tender=tender, chair=chair, evaluators=evaluators)  # type: ignore[arg-type]
        except PermissionDenied:
            raise
        except DomainError as failure:
            error = failure
            place_errors(form, failure)
        else:
            messages.success(
                request,
                _("Evaluation started: each member of the panel declares any conflict of interest first."),
            )
            return redirect("contracts:evaluation", pk=tender.pk)
    return tender_page(
        request,
        "contracts/evaluation.html",
        tender,
        {
            "evaluation": None,
            "panel_form": form,
            "may_start": permissions.can_manage_tender(request.user, tender),
        },
        section="evaluation",
        status=error_status(form, error),
    )


def _current(request: HttpRequest, tender: Tender) -> Evaluation:
    require_agency_side(request.user, tender)
    require_opened(request.user, tender)
    return selectors.evaluation_get_for(user=request.user, tender=tender)  # type: ignore[arg-type]


@with_tender
@require_POST
def evaluation_declare(request: HttpRequest, tender: Tender) -> HttpResponse:
    current = _current(request, tender)
    if not current.evaluators.filter(pk=request.user.pk or 0).exists():
        raise PermissionDenied("evaluation.forbidden", _("Only the panel declares conflicts of interest."))
    form = DeclarationForm(request.POST)
    if not form.is_valid():
        return sheet_response(request, tender, current, status=400, declaration_form=form)
    try:
        services.conflict_declare(
            actor=request.user,  # type: ignore[arg-type]
            evaluation=current,
            has_conflict=form.cleaned_data["has_conflict"] == "yes",
            statement=form.cleaned_data["statement"],
        )
    except PermissionDenied:
        raise
    except DomainError as error:
        return sheet_response(request, tender, current, status=error.status_code, error=error)
    if form.cleaned_data["has_conflict"] == "yes":
        messages.warning(request, _("Declaration recorded: you will not score this tender."))
    else:
        messages.success(request, _("Declaration recorded: you can now score the bids."))
    return redirect("contracts:evaluation", pk=tender.pk)


def _record_cell(
    request: HttpRequest,
    evaluation: Evaluation,
    bid: Bid,
    criterion: Any,
    raw: str,
    note: str,
    entry: Any,
    *,
    consensus: bool,
) -> None:
    """Record one cell through its service, unless it says what is already recorded."""
    if criterion.kind == CriterionKind.PASS_FAIL:
        if raw not in ("pass", "fail"):
            raise ValidationFailed(
                "evaluation.invalid", _("Say whether the bid passes."), {"passed": _("choose pass or fail")}
            )
        passed = raw == "pass"
        if entry is not None and entry.passed == passed and entry.note == note:
            return
        services.compliance_record(
            actor=request.user,  # type: ignore[arg-type]
            evaluation=evaluation,
            bid=bid,
            criterion=criterion,
            passed=passed,
            note=note,
            consensus=consensus,
        )
        return
    points = typed_number(raw)
    if entry is not None and entry.note == note:
        try:
            if Decimal(points) == Decimal(entry.points):
                return
        except InvalidOperation:
            pass
    services.score_record(
        actor=request.user,  # type: ignore[arg-type]
        evaluation=evaluation,
        bid=bid,
        criterion=criterion,
        points=points,
        note=note,
        consensus=consensus,
    )


@with_tender
@require_POST
def evaluation_scores(request: HttpRequest, tender: Tender) -> HttpResponse:
    """Save one sheet, all or nothing: a wrong cell is named next to it and nothing is recorded."""
    current = _current(request, tender)
    consensus = request.POST.get("consensus") == "1"
    if consensus and current.chair_id != request.user.pk:
        raise PermissionDenied("evaluation.forbidden", _("Only the panel chair records the consensus."))
    if not consensus and not current.evaluators.filter(pk=request.user.pk or 0).exists():
        raise PermissionDenied("evaluation.forbidden", _("Only the panel's evaluators score."))
    bids = list(selectors.bid_list_for(user=request.user, tender=tender).order_by("submitted_at", "pk"))  # type: ignore[arg-type]
    criteria = list(tender.criteria.all())
    recorded = _entries(current, evaluator=None if consensus else request.user)
    prefix = "k" if consensus else "e"
    cell_errors: dict[str, str] = {}
    try:
        with transaction.atomic():
            for bid in bids:
                for criterion in criteria:
                    name = f"{prefix}-{bid.pk}-{criterion.pk}"
                    raw = request.POST.get(name, "").strip()
                    if not raw:
                        continue
                    note = request.POST.get(f"{name}-note", "").replace("\r\n", "\n").strip()
                    try:
                        _record_cell(
                            request, current, bid, criterion, raw, note,
                            recorded.get((bid.pk, criterion.pk)), consensus=consensus,
                        )  # fmt: skip
                    except ValidationFailed as failure:
                        cell_errors[name] = next(iter(failure.fields.values()), failure.message)
            if cell_errors:
                transaction.set_rollback(True)
    except PermissionDenied:
        raise
    except DomainError as error:
        return sheet_response(
            request, tender, current, status=error.status_code, error=error, posted=request.POST,
            consensus_posted=consensus,
        )  # fmt: skip
    if cell_errors:
        refusal = ValidationFailed(
            "evaluation.invalid", _("Nothing was recorded: correct the cells marked below.")
        )
        return sheet_response(
            request, tender, current, status=400, error=refusal, posted=request.POST,
            consensus_posted=consensus, cell_errors=cell_errors,
        )  # fmt: skip
    messages.success(
        request, _("The panel's consensus is recorded.") if consensus else _("Your scores are recorded.")
    )
    return redirect("contracts:evaluation", pk=tender.pk)


@with_tender
@require_POST
def evaluation_compute(request: HttpRequest, tender: Tender) -> HttpResponse:
    current = _current(request, tender)
    try:
        services.evaluation_compute(actor=request.user, evaluation=current)  # type: ignore[arg-type]
    except PermissionDenied:
        raise
    except DomainError as error:
        return sheet_response(request, tender, current, status=error.status_code, error=error)
    messages.success(request, _("Evaluation computed: the figures and their input hash are stored."))
    return redirect("contracts:results", pk=tender.pk)


def reason_label(reason: str) -> str:
    """Why a bid is out, as a sentence: the codes of contracts.services.evaluation."""
    kind, _colon, code = reason.partition(":")
    labels = {
        "correction_rejected": _("The bidder rejected the arithmetic correction."),
        "below_pass_mark": _("The technical score is below the pass mark."),
        "failed": _("Fails the requirement %(code)s."),
        "not_assessed": _("The requirement %(code)s has no consensus assessment."),
        "not_scored": _("The criterion %(code)s has no consensus score."),
    }
    label = labels.get(kind)
    if label is None:
        return reason
    return label % {"code": code} if "%(code)s" in label else label


def _number(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def result_rows(evaluation: Evaluation) -> list[dict[str, Any]]:
    """The stored figures of every bid, ranked bids first (by rank), then the bids that are out."""
    flag_labels = {
        "below_package_price": _("far below the package price"),
        "below_mean_of_others": _("far below the mean of the other bids"),
        "below_next_bid": _("far below the next bid"),
    }
    rows = []
    for row in (evaluation.results or {}).get("bids", []):
        flags = row.get("abnormally_low") or {}
        vfm = _number(row.get("vfm"))
        rows.append(
            {
                "bid": row["bid"],
                "vendor": row["vendor"],
                "rank": row.get("rank"),
                "price": _number(row.get("price")),
                "lifecycle_npv": _number(row.get("lifecycle_npv")),
                "evaluated_price": _number(row.get("evaluated_price")),
                "preference": row.get("entitled_to_preference"),
                "discount_rate": _number(row.get("discount_rate")),
                "technical_points": _number(row.get("technical_points")),
                "technical_score": _number(row.get("technical_score")),
                "price_score": _number(row.get("price_score")),
                "combined_score": _number(row.get("combined_score")),
                "flags": [flag_labels[key] for key in flag_labels if flags.get(key)],
                "vfm": vfm,
                "vfm_sign": None if vfm is None else (vfm > 0) - (vfm < 0),
                "responsive": row.get("responsive"),
                "reasons": [reason_label(reason) for reason in row.get("reasons", [])],
                "order": row.get("submitted_order", 0),
            }
        )
    rows.sort(key=lambda row: (row["rank"] is None, row["rank"] or 0, row["order"]))
    return rows


@with_tender
def results(request: HttpRequest, tender: Tender) -> HttpResponse:
    current = _current(request, tender)
    rows = result_rows(current) if current.results is not None else []
    if rows:
        for bid in selectors.bid_list_for(user=request.user, tender=tender):  # type: ignore[arg-type]
            selectors.bid_read(user=request.user, bid=bid)  # type: ignore[arg-type]
    figures = current.results or {}
    psc = figures.get("psc") or {}
    scored = any(row["technical_score"] is not None for row in rows)
    return tender_page(
        request,
        "contracts/results.html",
        tender,
        {
            "rows": rows,
            "psc_total": _number(psc.get("total")),
            "psc_rate": _number(psc.get("discount_rate")),
            "retained_risk": _number(psc.get("retained_risk")),
            "rules": figures.get("rules", []),
            "scored": scored,
            "combined": any(row["combined_score"] is not None for row in rows),
        },
        section="results",
    )
