"""The bid evaluation report (báo cáo đánh giá hồ sơ dự thầu): the panel and each member's declaration
of any conflict of interest, the consensus on each pass/fail requirement and technical criterion, the
arithmetic corrections with the bidders' answers, and the stored figures of `evaluation_compute`
(evaluated prices, scores, abnormally low flags, value for money against the PSC, the ranking and why
a bid is out), with the rules applied and the SHA-256 of the inputs the figures were computed from.

The agency's record: its people and its reviewing body's approvers load it (everyone else gets the
404 of `evaluation_get_for`); before the evaluation is computed there is no report (404, and the
documents panel offers nothing). The figures are the stored results, never recomputed here."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from contracts import selectors
from contracts.models import (
    BidCorrection,
    ComplianceResult,
    CorrectionStatus,
    CriterionKind,
    Evaluation,
    EvaluationMethod,
    EvaluationStatus,
    TechnicalScore,
    Tender,
)
from costing.templatetags.costing_tags import legal_text
from ppp.documents import registry
from ppp.errors import NotFound

from .records_common import TITLES, agency_side, local_name, person, title_of
from .records_evaluation_render import render

# The same sentences as the results page and the correction page, so that they read the same.
REASONS = {
    "correction_rejected": gettext_lazy("The bidder rejected the arithmetic correction."),
    "below_pass_mark": gettext_lazy("The technical score is below the pass mark."),
    "failed": gettext_lazy("Fails the requirement %(code)s."),
    "not_assessed": gettext_lazy("The requirement %(code)s has no consensus assessment."),
    "not_scored": gettext_lazy("The criterion %(code)s has no consensus score."),
}
FLAGS = {
    "below_package_price": gettext_lazy("far below the package price"),
    "below_mean_of_others": gettext_lazy("far below the mean of the other bids"),
    "below_next_bid": gettext_lazy("far below the next bid"),
}
RULES = {
    "unit_price_prevails": gettext_lazy("The unit price prevails over the line amount"),
    "amount_prevails_decimal_factor": gettext_lazy("The line amount prevails (misplaced decimal point)"),
    "omitted_item": gettext_lazy("Omitted item"),
    "lines_prevail": gettext_lazy("The line amounts prevail over the total"),
    "words_prevail": gettext_lazy("Words prevail over figures"),
}


def _computed(user: Any, tender: Tender) -> Evaluation:
    evaluation = selectors.evaluation_get_for(user=user, tender=tender)
    if evaluation.status != EvaluationStatus.COMPLETED or evaluation.results is None:
        raise NotFound("evaluation.not_found", _("Evaluation not found."))
    return evaluation


def load(user: Any, pk: int) -> Tender:
    """The tender, once its evaluation is computed, for the agency's side only."""
    tender = selectors.tender_get_for(user=user, pk=pk)
    _computed(user, tender)
    return tender


def can_generate(user: Any, tender: Tender) -> bool:
    return (
        agency_side(user, tender)
        and Evaluation.objects.filter(tender=tender, status=EvaluationStatus.COMPLETED).exists()
    )


def reason_text(reason: str) -> str:
    kind, _colon, code = reason.partition(":")
    label = REASONS.get(kind)
    if label is None:
        return reason
    return str(label) % {"code": code} if "%(code)s" in str(label) else str(label)


def _panel(evaluation: Evaluation) -> list[dict[str, Any]]:
    declarations = {d.evaluator_id: d for d in evaluation.declarations.all()}
    members = sorted(
        evaluation.evaluators.all(), key=lambda p: (p.pk != evaluation.chair_id, person(p), p.pk)
    )
    rows = []
    for member in members:
        declaration = declarations.get(member.pk)
        rows.append({
            "name": person(member),
            "chair": member.pk == evaluation.chair_id,
            "declared": declaration is not None,
            "has_conflict": declaration.has_conflict if declaration else None,
            "statement": declaration.statement if declaration else "",
            "at": declaration.declared_at if declaration else None,
        })  # fmt: skip
    return rows


def _consensus(evaluation: Evaluation, names: dict[int, str], order: dict[int, int]) -> dict[str, Any]:
    """The chair's consensus rows: pass/fail results and technical points, in bid then criterion order."""
    consensus = {"evaluation": evaluation, "evaluator__isnull": True}

    def position(row: ComplianceResult | TechnicalScore) -> tuple[int, int, int]:
        return order.get(row.bid_id, 0), row.criterion.position, row.criterion_id

    results = sorted(ComplianceResult.objects.filter(**consensus).select_related("criterion"), key=position)
    points = sorted(TechnicalScore.objects.filter(**consensus).select_related("criterion"), key=position)
    return {
        "compliance": [
            {"bid": r.bid_id, "vendor": names.get(r.bid_id, ""), "code": r.criterion.code,
             "name": r.criterion.name, "passed": r.passed, "note": r.note}
            for r in results
        ],
        "scores": [
            {"bid": s.bid_id, "vendor": names.get(s.bid_id, ""), "code": s.criterion.code,
             "name": s.criterion.name, "points": s.points, "max_points": s.criterion.max_points,
             "note": s.note}
            for s in points
        ],
    }  # fmt: skip


def _corrections(tender: Tender, rows: list[dict[str, Any]], order: dict[int, int]) -> list[dict[str, Any]]:
    """Each bid's arithmetic correction, with the answer that counted at the computation (a correction
    left unanswered past its deadline counts as rejected)."""
    effective = {row["bid"]: row.get("correction") for row in rows}
    names = {row["bid"]: row["vendor"] for row in rows}
    found = []
    for correction in BidCorrection.objects.filter(bid_id__in=list(names)):
        status = effective.get(correction.bid_id) or correction.status
        found.append({
            "bid": correction.bid_id,
            "vendor": names[correction.bid_id],
            "status": CorrectionStatus(status).label if correction.corrections else _("nothing to correct"),
            "stated_total": correction.stated_total,
            "corrected_total": correction.corrected_total,
            "respond_by": correction.respond_by,
            "responded_at": correction.responded_at,
            "changes": [
                {"code": c.get("code") or _("Total"), "rule": RULES.get(c.get("rule", ""), c.get("rule", "")),
                 "before": c.get("before"), "after": c.get("after"), "difference": c.get("difference")}
                for c in correction.corrections or []
            ],
        })  # fmt: skip
    found.sort(key=lambda row: order.get(row["bid"], 0))
    return found


def _results(results: dict[str, Any]) -> list[dict[str, Any]]:
    """The stored figures of every bid: ranked bids by rank, then the bids that are out."""
    rows = []
    for row in results.get("bids", []):
        flags = row.get("abnormally_low") or {}
        rows.append({
            "bid": row["bid"],
            "vendor": row["vendor"],
            "rank": row.get("rank"),
            "order": row.get("submitted_order", 0),
            "price": row.get("price"),
            "lifecycle_npv": row.get("lifecycle_npv"),
            "evaluated_price": row.get("evaluated_price"),
            "preference": bool(row.get("entitled_to_preference")),
            "technical_points": row.get("technical_points"),
            "technical_score": row.get("technical_score"),
            "price_score": row.get("price_score"),
            "combined_score": row.get("combined_score"),
            "vfm": row.get("vfm"),
            "flags": [FLAGS[key] for key in FLAGS if flags.get(key)],
            "reasons": [reason_text(reason) for reason in row.get("reasons", [])],
        })  # fmt: skip
    rows.sort(key=lambda row: (row["rank"] is None, row["rank"] or 0, row["order"]))
    return rows


def collect(tender: Tender, language: str) -> dict[str, Any]:
    evaluation = Evaluation.objects.select_related("chair", "started_by").get(tender=tender)
    results = evaluation.results or {}
    stored = results.get("bids", [])
    names = {row["bid"]: row["vendor"] for row in stored}
    order = {row["bid"]: row.get("submitted_order", 0) for row in stored}
    psc = results.get("psc") or {}
    criteria = list(tender.criteria.order_by("position", "pk"))
    return {
        "title": title_of("evaluation_report", language),
        "reference": tender.reference,
        "issuer": local_name(tender.organisation),
        "place": "",
        "national_heading": True,
        "tender": {
            "reference": tender.reference,
            "title": tender.title,
            "agency": local_name(tender.organisation),
            "currency": tender.currency,
            "method": EvaluationMethod(tender.method).label,
            "method_code": tender.method,
            "package_price": tender.package_price,
            "discount_rate": tender.discount_rate,
            "technical_weight": tender.technical_weight,
            "price_weight": tender.price_weight,
            "scale": tender.price_score_scale,
        },
        "evaluation": {
            "chair": person(evaluation.chair),
            "started_by": person(evaluation.started_by),
            "started_at": evaluation.started_at,
            "computed_at": evaluation.computed_at,
            "input_hash": evaluation.input_hash,
        },
        "panel": _panel(evaluation),
        "requirements": sum(1 for c in criteria if c.kind == CriterionKind.PASS_FAIL),
        "technical_criteria": sum(1 for c in criteria if c.kind == CriterionKind.TECHNICAL),
        **_consensus(evaluation, names, order),
        "corrections": _corrections(tender, stored, order),
        "results": _results(results),
        "psc": {"total": psc.get("total"), "retained_risk": psc.get("retained_risk"),
                "discount_rate": psc.get("discount_rate")},
        "rules": [legal_text(rule) for rule in results.get("rules", [])],
    }  # fmt: skip


KIND = registry.register(
    registry.Kind(
        name="contracts.evaluation_report",
        label=TITLES["evaluation_report"][1],
        object_type="contracts.tender",
        load=load,
        collect=collect,
        render=render,
        organisation_of=lambda tender: tender.organisation_id,
        can_generate=can_generate,
        order=40,
    )
)
