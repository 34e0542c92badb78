"""Evaluation of opened bids and the award.

The panel (a chair and evaluators from the agency) declares conflicts of interest before anything is
scored; each evaluator scores alone and the chair records the consensus, which is what counts.
Arithmetic corrections are proposed to each bidder, who accepts or rejects them within the rule's
working days. `evaluation_compute` then gives every bid its evaluated price, scores, flags, value for
money against the PSC and rank, from one snapshot whose hash is stored with the figures. The award is
proposed by a finance officer and approved by the reviewing body (never by its proposer); an approved
award creates the draft contract.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from decimal import Decimal
from typing import Any

import numpy as np
from django.db import transaction
from django.db.models import TextField
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _

from contracts import calculations, permissions
from contracts.models import (
    Award,
    AwardStatus,
    Bid,
    BidCorrection,
    BidPrice,
    BidStatus,
    ComplianceResult,
    ConflictDeclaration,
    Contract,
    ContractStatus,
    CorrectionStatus,
    Criterion,
    CriterionKind,
    Evaluation,
    EvaluationMethod,
    EvaluationStatus,
    TechnicalScore,
    Tender,
    TenderDecision,
    TenderStatus,
)
from costing import selectors as costing_selectors
from costing.calculations.receipts import canonical_json
from ppp import audit, rules
from ppp.errors import Conflict, PermissionDenied, ValidationFailed
from ppp.fields import Errors, as_decimal, as_text
from ppp.models import Membership, Role, User
from ppp.money import minor_units, quantize
from ppp.permissions import has_role
from ppp.services import notify

from .tenders import _link, locked, record

ENGINE_VERSION = "tender-evaluation/1"


def add_working_days(start: dt.datetime, days: int) -> dt.datetime:
    """`days` working days (Monday to Friday) after `start`, at the same time of day. Public holidays
    are not known to the system: the agency extends a deadline that falls across one."""
    moment = start
    added = 0
    while added < days:
        moment += dt.timedelta(days=1)
        if moment.weekday() < 5:
            added += 1
    return moment


def _panel_member(user: User, tender: Tender) -> bool:
    return has_role(user, Role.EVALUATOR, tender.organisation) or has_role(
        user, Role.FINANCE_OFFICER, tender.organisation
    )


def _submitted_bids(tender: Tender) -> list[Bid]:
    return list(
        Bid.objects.select_related("vendor")
        .filter(tender=tender, status=BidStatus.SUBMITTED)
        .order_by("submitted_at", "pk")
    )


def _schedule(tender: Tender) -> tuple[list[Any], list[str], list[list[str]]]:
    items = list(tender.items.order_by("position", "pk"))
    return items, [item.code for item in items], [[str(q) for q in item.quantities] for item in items]


def _numbers(texts: list[str], years: int) -> np.ndarray:
    """JSON arrays of decimal text (["1200", null, ...]) as one (rows x years) float64 array, parsed
    by numpy in one call; null becomes nan."""
    if not texts:
        return np.zeros((0, years))
    flat = ",".join(text.replace('"', "").strip()[1:-1] for text in texts).replace("null", "nan")
    values = np.array(flat.split(","), dtype=np.float64) if flat else np.zeros(0)
    return values.reshape(len(texts), years)


def _corrections(tender: Tender, bids: list[Bid]) -> tuple[list[Any], calculations.ManyCorrections]:
    """Every bid's arithmetic correction at once, from one read of all their prices: the JSON of the
    100,000 cells of 200 bids x 500 lines comes back as text and is parsed by numpy in one call; the
    exact text of a cell is read again only for the few cells a correction concerns."""
    items, codes, quantities = _schedule(tender)
    position = {item.pk: index for index, item in enumerate(items)}
    order = {bid.pk: index for index, bid in enumerate(bids)}
    years = len(quantities[0]) if quantities else 0
    rows = list(
        BidPrice.objects.filter(bid__in=bids)
        .annotate(
            prices_text=Cast("unit_prices", TextField()), stated_text=Cast("stated_amounts", TextField())
        )
        .values_list("bid_id", "item_id", "prices_text", "stated_text")
    )
    price = np.full((len(bids), len(items), years), np.nan)
    written = np.full((len(bids), len(items), years), np.nan)
    where = {(order[bid_id], position[item_id]): row for row, (bid_id, item_id, _p, _a) in enumerate(rows)}
    if rows:
        b_index = np.array([order[bid_id] for bid_id, *_rest in rows])
        i_index = np.array([position[item_id] for _b, item_id, *_rest in rows])
        price[b_index, i_index, :] = _numbers([text for _b, _i, text, _a in rows], years)
        stated_rows = [row for row, (*_x, text) in enumerate(rows) if text not in (None, "null")]
        if stated_rows:
            chosen = np.array(stated_rows)
            written[b_index[chosen], i_index[chosen], :] = _numbers([rows[r][3] for r in stated_rows], years)

    def text_of(kind: str, b: int, i: int, t: int) -> str | None:
        row = where.get((b, i))
        if row is None:
            return None
        text = rows[row][2] if kind == "price" else rows[row][3]
        if text in (None, "null"):
            return None
        value = json.loads(text)[t]
        return None if value is None else str(value)

    corrections = calculations.correct_arrays(
        price,
        written,
        quantities,
        codes,
        text_of=text_of,
        stated_totals=[None if bid.stated_total is None else Decimal(bid.stated_total) for bid in bids],
        places=minor_units(tender.currency),
    )
    return items, corrections


@transaction.atomic
def evaluation_start(*, actor: User, tender: Tender, chair: User, evaluators: list[User]) -> Evaluation:
    """Name the panel and propose each bid's arithmetic correction to its bidder."""
    row = locked(tender)
    if not permissions.can_manage_tender(actor, row):
        raise PermissionDenied(
            "evaluation.forbidden", _("Only the agency's finance officers start an evaluation.")
        )
    if row.status != TenderStatus.OPENED:
        raise Conflict("evaluation.invalid_transition", _("Bids are evaluated once they are opened."))
    if Evaluation.objects.filter(tender=row).exists():
        raise Conflict("evaluation.exists", _("The evaluation has already started."))
    errors = Errors()
    panel = {person.pk: person for person in [chair, *evaluators]}
    for person in panel.values():
        if not _panel_member(person, row):
            errors.add("evaluators", _("%(name)s is not an evaluator of the agency") % {"name": person})
    if not evaluators:
        errors.add("evaluators", _("name at least one evaluator"))
    errors.raise_if_any("evaluation.invalid", _("The panel cannot be named."))
    evaluation = Evaluation.objects.create(tender=row, chair=chair, started_by=actor)
    evaluation.evaluators.set(list(panel.values()))
    bids = _submitted_bids(row)
    _items, corrected = _corrections(row, bids)
    timing = rules.get("bidding.preparation_time", row.published_at or row.publication_at)
    respond_by = add_working_days(timezone.now(), int(timing["correction_acceptance_working_days"]))
    BidCorrection.objects.bulk_create(
        [
            BidCorrection(
                bid=bid,
                corrections=audit.normalise([vars(c) for c in changes]),
                stated_total=bid.stated_total,
                corrected_total=total,
                status=CorrectionStatus.PROPOSED if changes else CorrectionStatus.ACCEPTED,
                respond_by=respond_by,
            )
            for bid, changes, total in zip(bids, corrected.corrections, corrected.totals, strict=True)
        ]
    )
    corrected_vendors = [
        bid.vendor_id for bid, changes in zip(bids, corrected.corrections, strict=True) if changes
    ]
    if corrected_vendors:
        people = Membership.objects.select_related("user").filter(organisation_id__in=corrected_vendors)
        notify(
            recipients=[m.user for m in people],
            verb="bid.correction_proposed",
            title=_("Arithmetic correction of your bid on %(reference)s") % {"reference": row.reference},
            body=_("Accept or reject it by %(date)s.") % {"date": respond_by.date().isoformat()},
            link=_link(row),
            obj=row,
        )
    record(actor, row, "tender.evaluation_started", after={"chair": chair.pk, "panel": sorted(panel)})
    return evaluation


@transaction.atomic
def conflict_declare(
    *, actor: User, evaluation: Evaluation, has_conflict: bool, statement: str = ""
) -> ConflictDeclaration:
    if not evaluation.evaluators.filter(pk=actor.pk).exists():
        raise PermissionDenied("evaluation.forbidden", _("Only the panel declares conflicts of interest."))
    if ConflictDeclaration.objects.filter(evaluation=evaluation, evaluator=actor).exists():
        raise Conflict("evaluation.declared", _("You have already declared."))
    if not isinstance(has_conflict, bool):
        raise ValidationFailed(
            "evaluation.invalid",
            _("Say whether you have a conflict."),
            {"has_conflict": _("must be true or false")},
        )
    declaration = ConflictDeclaration.objects.create(
        evaluation=evaluation, evaluator=actor, has_conflict=has_conflict, statement=(statement or "")[:5000]
    )
    record(
        actor,
        evaluation.tender,
        "tender.conflict_declared",
        after={"evaluator": actor.pk, "has_conflict": has_conflict},
    )
    return declaration


def _require_scorer(actor: User, evaluation: Evaluation, *, consensus: bool) -> None:
    if evaluation.status != EvaluationStatus.IN_PROGRESS:
        raise Conflict("evaluation.completed", _("The evaluation is completed."))
    if consensus:
        if evaluation.chair_id != actor.pk:
            raise PermissionDenied("evaluation.forbidden", _("Only the panel chair records the consensus."))
    elif not evaluation.evaluators.filter(pk=actor.pk).exists():
        raise PermissionDenied("evaluation.forbidden", _("Only the panel's evaluators score."))
    declaration = ConflictDeclaration.objects.filter(evaluation=evaluation, evaluator=actor).first()
    if declaration is None:
        raise Conflict("evaluation.undeclared", _("Declare any conflict of interest before scoring."))
    if declaration.has_conflict:
        raise PermissionDenied(
            "evaluation.conflict", _("You declared a conflict of interest: you may not score.")
        )


def _bid_of(evaluation: Evaluation, bid: Bid) -> Bid:
    if bid.tender_id != evaluation.tender_id or bid.status != BidStatus.SUBMITTED:
        raise ValidationFailed(
            "evaluation.invalid", _("Not a bid of this tender."), {"bid_id": _("not found")}
        )
    return bid


@transaction.atomic
def compliance_record(
    *,
    actor: User,
    evaluation: Evaluation,
    bid: Bid,
    criterion: Criterion,
    passed: bool,
    note: str = "",
    consensus: bool = False,
) -> ComplianceResult:
    _require_scorer(actor, evaluation, consensus=consensus)
    _bid_of(evaluation, bid)
    if criterion.tender_id != evaluation.tender_id or criterion.kind != CriterionKind.PASS_FAIL:
        raise ValidationFailed(
            "evaluation.invalid",
            _("Not a pass/fail requirement of this tender."),
            {"criterion_id": _("not found")},
        )
    if not isinstance(passed, bool):
        raise ValidationFailed(
            "evaluation.invalid", _("Say whether the bid passes."), {"passed": _("must be true or false")}
        )
    result, _created = ComplianceResult.objects.update_or_create(
        evaluation=evaluation,
        bid=bid,
        criterion=criterion,
        evaluator=None if consensus else actor,
        defaults={"passed": passed, "note": (note or "")[:5000]},
    )
    record(
        actor,
        evaluation.tender,
        "tender.compliance_recorded",
        after={"bid": bid.pk, "criterion": criterion.code, "passed": passed, "consensus": consensus},
    )
    return result


@transaction.atomic
def score_record(
    *,
    actor: User,
    evaluation: Evaluation,
    bid: Bid,
    criterion: Criterion,
    points: Any,
    note: str = "",
    consensus: bool = False,
) -> TechnicalScore:
    _require_scorer(actor, evaluation, consensus=consensus)
    _bid_of(evaluation, bid)
    if criterion.tender_id != evaluation.tender_id or criterion.kind != CriterionKind.TECHNICAL:
        raise ValidationFailed(
            "evaluation.invalid",
            _("Not a technical criterion of this tender."),
            {"criterion_id": _("not found")},
        )
    errors = Errors()
    value = as_decimal(
        errors, "points", points, minimum=0, maximum=Decimal(criterion.max_points or 0), places=2
    )
    errors.raise_if_any("evaluation.invalid", _("The score cannot be recorded."))
    score, _created = TechnicalScore.objects.update_or_create(
        evaluation=evaluation,
        bid=bid,
        criterion=criterion,
        evaluator=None if consensus else actor,
        defaults={"points": value, "note": (note or "")[:5000]},
    )
    record(
        actor,
        evaluation.tender,
        "tender.score_recorded",
        after={"bid": bid.pk, "criterion": criterion.code, "points": value, "consensus": consensus},
    )
    return score


@transaction.atomic
def correction_respond(*, actor: User, bid: Bid, accept: bool) -> BidCorrection:
    correction = (
        BidCorrection.objects.select_for_update(of=("self", "bid"))
        .select_related("bid", "bid__tender")
        .get(bid=bid)
    )
    if not permissions.can_sign_bid(actor, correction.bid):
        raise PermissionDenied(
            "correction.forbidden", _("Only your company's signatories answer the correction.")
        )
    if correction.status != CorrectionStatus.PROPOSED:
        raise Conflict("correction.answered", _("The correction is already answered."))
    if timezone.now() > correction.respond_by:
        raise Conflict("correction.late", _("The time to answer the correction has passed."))
    if not isinstance(accept, bool):
        raise ValidationFailed(
            "correction.invalid", _("Accept or reject."), {"accept": _("must be true or false")}
        )
    correction.status = CorrectionStatus.ACCEPTED if accept else CorrectionStatus.REJECTED
    correction.responded_at, correction.responded_by = timezone.now(), actor
    correction.save()
    audit.record(
        actor=actor,
        action="bid.correction_answered",
        obj=correction.bid,
        organisation=correction.bid.vendor,
        after={"accepted": accept},
    )
    return correction


def evaluation_snapshot(evaluation: Evaluation) -> tuple[dict[str, Any], np.ndarray]:
    """Everything the figures depend on: plain data (hashed and stored with the results) and the
    corrected unit prices (bids x items x years), whose SHA-256 the plain data carries. A fixed
    number of queries, whatever the number of bids and lines."""
    tender = evaluation.tender
    bids = _submitted_bids(tender)
    items, corrected = _corrections(tender, bids)
    criteria = list(tender.criteria.order_by("position", "pk"))
    statuses = dict(BidCorrection.objects.filter(bid__in=bids).values_list("bid_id", "status"))
    deadlines = dict(BidCorrection.objects.filter(bid__in=bids).values_list("bid_id", "respond_by"))
    compliance: dict[int, dict[str, bool]] = {bid.pk: {} for bid in bids}
    for bid_id, code, passed in ComplianceResult.objects.filter(
        evaluation=evaluation, evaluator__isnull=True
    ).values_list("bid_id", "criterion__code", "passed"):
        compliance[bid_id][code] = passed
    scores: dict[int, dict[str, Decimal]] = {bid.pk: {} for bid in bids}
    for bid_id, code, points in TechnicalScore.objects.filter(
        evaluation=evaluation, evaluator__isnull=True
    ).values_list("bid_id", "criterion__code", "points"):
        scores[bid_id][code] = Decimal(points)
    now = timezone.now()
    rows = []
    for order, bid in enumerate(bids):
        status = statuses.get(bid.pk, CorrectionStatus.PROPOSED)
        if status == CorrectionStatus.PROPOSED and now > deadlines[bid.pk]:
            status = CorrectionStatus.REJECTED  # no answer in time: the correction is not accepted
        rows.append(
            {
                "bid": bid.pk,
                "vendor": bid.vendor.name,
                "submitted_order": order,
                "discount_rate": Decimal(bid.discount_rate),
                "entitled_to_preference": bid.entitled_to_preference,
                "correction": status,
                "compliance": compliance[bid.pk],
                "scores": scores[bid.pk],
            }
        )
    matrix = np.ascontiguousarray(corrected.unit_prices, dtype=np.float64)
    return (
        {
            "engine": ENGINE_VERSION,
            "tender": tender.reference,
            "tender_version": tender.version,
            "method": tender.method,
            "currency": tender.currency,
            "package_price": Decimal(tender.package_price),
            "discount_rate": Decimal(tender.discount_rate),
            "vat_rate": Decimal(tender.vat_rate),
            "technical_weight": tender.technical_weight,
            "price_weight": tender.price_weight,
            "scale": tender.price_score_scale,
            "pass_mark": tender.pass_mark,
            "items": [{"code": i.code, "quantities": i.quantities, "vat": i.vat_applicable} for i in items],
            "criteria": [{"code": c.code, "kind": c.kind, "max_points": c.max_points} for c in criteria],
            "prices_sha256": hashlib.sha256(matrix.tobytes()).hexdigest(),
            "bids": rows,
        },
        matrix,
    )


def _results(
    snapshot: dict[str, Any], unit_prices: np.ndarray, rule_set: dict[str, Any], psc: dict[str, Any]
) -> dict[str, Any]:
    """The figures of every bid (pure given the snapshot and the rule parameters)."""
    places = minor_units(snapshot["currency"])
    quantities = np.array(
        [[float(Decimal(str(q))) for q in item["quantities"]] for item in snapshot["items"]]
    )
    vat_flags = np.array([item["vat"] for item in snapshot["items"]], dtype=bool)
    vat = Decimal(snapshot["vat_rate"])
    rows = []
    for bid in snapshot["bids"]:
        reasons = []
        if bid["correction"] == CorrectionStatus.REJECTED:
            reasons.append("correction_rejected")
        for criterion in snapshot["criteria"]:
            if criterion["kind"] == CriterionKind.PASS_FAIL:
                passed = bid["compliance"].get(criterion["code"])
                if passed is None:
                    reasons.append(f"not_assessed:{criterion['code']}")
                elif not passed:
                    reasons.append(f"failed:{criterion['code']}")
        rows.append({**bid, "reasons": reasons})
    if not rows:
        return {"bids": [], "ranking": []}
    prices = unit_prices.reshape(len(rows), *quantities.shape)
    vat_factor = np.where(vat_flags, 1.0 + float(vat), 1.0)
    totals = np.einsum("bit,it,i->b", prices, quantities, vat_factor)
    npvs = calculations.schedule_npv(
        prices, quantities, Decimal(snapshot["discount_rate"]), vat_applicable=vat_flags, vat_rate=vat
    )
    psc_rate_npvs = calculations.schedule_npv(
        prices, quantities, Decimal(psc["discount_rate"]), vat_applicable=vat_flags, vat_rate=vat
    )
    loading = Decimal(rule_set["loading"])
    scored = snapshot["method"] in (EvaluationMethod.COMBINED, EvaluationMethod.TECHNICAL_BASED)
    max_points = sum(
        (Decimal(str(c["max_points"])) for c in snapshot["criteria"] if c["kind"] == CriterionKind.TECHNICAL),
        Decimal(0),
    )
    for index, row in enumerate(rows):
        keep = 1 - Decimal(row["discount_rate"])
        total = quantize(calculations.to_money(totals[index], places + 4) * keep, snapshot["currency"])
        npv = quantize(calculations.to_money(npvs[index], places + 4) * keep, snapshot["currency"])
        basis = npv if snapshot["method"] == EvaluationMethod.EVALUATED_PRICE else total
        row["price"] = total
        row["lifecycle_npv"] = npv
        row["evaluated_price"] = calculations.evaluated_price(
            basis, entitled_to_preference=row["entitled_to_preference"], loading=loading, places=places
        )
        row["technical_points"] = sum(row["scores"].values(), Decimal(0)) if scored else None
        if scored:
            missing = [
                c["code"]
                for c in snapshot["criteria"]
                if c["kind"] == CriterionKind.TECHNICAL and c["code"] not in row["scores"]
            ]
            row["reasons"] += [f"not_scored:{code}" for code in missing]
            if not missing and row["technical_points"] < Decimal(str(snapshot["pass_mark"])) * max_points:
                row["reasons"].append("below_pass_mark")
        row["responsive"] = not row["reasons"]
        bid_cost = quantize(
            calculations.to_money(psc_rate_npvs[index], places + 4) * keep, snapshot["currency"]
        )
        row["vfm"] = (
            None
            if psc["total"] is None
            else Decimal(psc["total"]) - (bid_cost + Decimal(psc["retained_risk"]))
        )
    responsive = [row for row in rows if row["responsive"]]
    scale = int(snapshot["scale"])
    if responsive:
        price_scores = calculations.price_scores([row["evaluated_price"] for row in responsive], scale)
        technical: list[Decimal | None] = (
            list(
                calculations.technical_scores(
                    [row["technical_points"] for row in responsive], max_points, scale
                )
            )
            if scored and max_points
            else [None] * len(responsive)
        )
        combined: list[Decimal | None] = (
            list(
                calculations.combined_scores(
                    [t or Decimal(0) for t in technical],
                    price_scores,
                    technical_weight=Decimal(str(snapshot["technical_weight"])),
                    price_weight=Decimal(str(snapshot["price_weight"])),
                )
            )
            if snapshot["method"] == EvaluationMethod.COMBINED
            else [None] * len(responsive)
        )
        flags = calculations.abnormally_low(
            [row["evaluated_price"] for row in responsive],
            Decimal(snapshot["package_price"]),
            below_package_price=Decimal(rule_set["below_package_price"]),
            below_mean_of_others=Decimal(rule_set["below_mean_of_others"]),
            below_next_bid=Decimal(rule_set["below_next_bid"]),
        )
        for row, p, t, c, f in zip(responsive, price_scores, technical, combined, flags, strict=True):
            row["price_score"], row["technical_score"], row["combined_score"] = p, t, c
            row["abnormally_low"] = {
                "below_package_price": f.below_package_price,
                "below_mean_of_others": f.below_mean_of_others,
                "below_next_bid": f.below_next_bid,
            }
    ranking = calculations.rank(
        [
            calculations.RankingEntry(
                key=str(row["bid"]),
                combined_score=row.get("combined_score"),
                technical_score=row.get("technical_score"),
                evaluated_price=row["evaluated_price"],
                submitted_order=row["submitted_order"],
            )
            for row in responsive
        ]
    )
    for position, key in enumerate(ranking, start=1):
        next(row for row in rows if str(row["bid"]) == key)["rank"] = position
    return {"bids": rows, "ranking": [int(key) for key in ranking], "psc": psc}


@transaction.atomic
def evaluation_compute(*, actor: User, evaluation: Evaluation) -> Evaluation:
    """Compute and store every bid's figures; the tender is then evaluated and an award can be proposed."""
    row = (
        Evaluation.objects.select_for_update()
        .select_related("tender", "tender__organisation")
        .get(pk=evaluation.pk)
    )
    tender = locked(row.tender)
    if row.chair_id != actor.pk and not permissions.can_manage_tender(actor, tender):
        raise PermissionDenied(
            "evaluation.forbidden", _("The panel chair or a finance officer computes the evaluation.")
        )
    if row.status != EvaluationStatus.IN_PROGRESS:
        raise Conflict("evaluation.completed", _("The evaluation is completed."))
    pending = BidCorrection.objects.filter(
        bid__tender=tender, status=CorrectionStatus.PROPOSED, respond_by__gt=timezone.now()
    ).count()
    if pending:
        raise Conflict(
            "evaluation.corrections_pending",
            _("%(n)d bidders have not yet answered their correction and still have time.") % {"n": pending},
        )
    snapshot, unit_prices = evaluation_snapshot(row)
    on = tender.published_at or tender.publication_at
    preference = rules.get("bidding.preference", on)
    abnormal = rules.get("bidding.abnormally_low", on)
    appraisal = costing_selectors.appraisal_for(user=actor, model=tender.cost_model, tornado_percent=None)
    option = next(item for item in appraisal.options if item.option.key == str(tender.option_id))
    psc = {
        "total": appraisal.psc_total,
        "retained_risk": option.retained_risk_pv,
        "discount_rate": appraisal.snapshot.discount_rate,
    }
    parameters = {**preference.parameters, **abnormal.parameters}
    results = _results(snapshot, unit_prices, parameters, psc)
    results["rules"] = [preference.cite(), abnormal.cite()]
    plain = audit.normalise({"snapshot": snapshot, "rules": parameters, "psc": psc})
    row.input_hash = hashlib.sha256(canonical_json(plain).encode("utf-8")).hexdigest()
    row.results = audit.normalise(results)
    row.status = EvaluationStatus.COMPLETED
    row.computed_at = timezone.now()
    row.save()
    before = tender.status
    tender.status = TenderStatus.EVALUATED
    tender.save(update_fields=["status", "updated_at"])
    TenderDecision.objects.create(
        tender=tender,
        actor=actor,
        role="panel",
        decision="evaluated",
        from_status=before,
        to_status=tender.status,
    )
    record(
        actor, tender, "tender.evaluated", after={"input_hash": row.input_hash, "ranking": results["ranking"]}
    )
    return row


# Award.


def _next_candidate(tender: Tender) -> int | None:
    cancelled = set(
        Award.objects.filter(tender=tender, status=AwardStatus.CANCELLED).values_list("bid_id", flat=True)
    )
    results = tender.evaluation.results or {}
    for bid_id in results.get("ranking", []):
        if bid_id not in cancelled:
            return int(bid_id)
    return None


@transaction.atomic
def award_propose(*, actor: User, tender: Tender, bid: Bid, reasons: str) -> Award:
    row = locked(tender)
    if not permissions.can_manage_tender(actor, row):
        raise PermissionDenied("award.forbidden", _("Only the agency's finance officers propose an award."))
    if row.status != TenderStatus.EVALUATED:
        raise Conflict("award.invalid_transition", _("An award is proposed once the bids are evaluated."))
    errors = Errors()
    reasons = as_text(errors, "reasons", reasons, max_length=20_000, required=True)
    candidate = _next_candidate(row)
    if candidate is None:
        errors.add("bid_id", _("no responsive bid is left to award"))
    elif bid.pk != candidate:
        errors.add(
            "bid_id",
            _("the award goes to the best-ranked bid not yet cancelled (bid %(bid)s)") % {"bid": candidate},
        )
    errors.raise_if_any("award.invalid", _("The award cannot be proposed."))
    figures = next(item for item in (row.evaluation.results or {})["bids"] if item["bid"] == bid.pk)
    award = Award.objects.create(
        tender=row, bid=bid, contract_price=Decimal(figures["price"]), reasons=reasons, proposed_by=actor
    )
    record(
        actor,
        row,
        "tender.award_proposed",
        after={"award": award.pk, "bid": bid.pk, "price": award.contract_price},
    )
    reviewing = row.organisation.reviewing_body_id or 0
    notify(
        recipients=[
            m.user
            for m in Membership.objects.select_related("user").filter(
                organisation_id=reviewing, role=Role.APPROVER
            )
        ],
        verb="award.proposed",
        title=_("Award awaiting your approval: %(reference)s") % {"reference": row.reference},
        body=reasons,
        link=_link(row),
        obj=row,
    )
    return award


def _award_locked(award: Award) -> Award:
    return (
        Award.objects.select_for_update()
        .select_related("tender", "tender__organisation", "bid", "bid__vendor")
        .get(pk=award.pk)
    )


@transaction.atomic
def award_approve(*, actor: User, award: Award, note: str = "") -> Award:
    """Approve, publish the result, tell the bidders, and create the draft contract."""
    row = _award_locked(award)
    tender = locked(row.tender)
    if not permissions.is_reviewer_of(actor, tender):
        raise PermissionDenied(
            "award.forbidden", _("Only approvers of the agency's reviewing body approve awards.")
        )
    if row.proposed_by_id == actor.pk:
        raise PermissionDenied("award.own_work", _("You proposed this award: someone else must approve it."))
    if row.status != AwardStatus.PROPOSED:
        raise Conflict("award.invalid_transition", _("Only a proposed award can be approved."))
    now = timezone.now()
    row.status, row.decided_by, row.decided_at, row.decision_note, row.published_at = (
        AwardStatus.APPROVED,
        actor,
        now,
        (note or "").strip(),
        now,
    )
    row.save()
    tender.status = TenderStatus.AWARDED
    tender.save(update_fields=["status", "updated_at"])
    TenderDecision.objects.create(
        tender=tender,
        actor=actor,
        role=Role.APPROVER,
        decision="awarded",
        from_status=TenderStatus.EVALUATED,
        to_status=tender.status,
        note=row.decision_note,
    )
    bids = _submitted_bids(tender)
    items, corrected = _corrections(tender, bids)
    prices = corrected.unit_prices[[bid.pk for bid in bids].index(row.bid_id)]
    contract = Contract.objects.create(
        award=row,
        tender=tender,
        agency=tender.organisation,
        vendor=row.bid.vendor,
        currency=tender.currency,
        value=row.contract_price,
        price_schedule={
            item.code: [format(Decimal(repr(float(v))).normalize(), "f") for v in prices[i]]
            for i, item in enumerate(items)
        },
    )
    record(
        actor, tender, "tender.awarded", after={"award": row.pk, "bid": row.bid_id, "contract": contract.pk}
    )
    audit.record(
        actor=actor,
        action="contract.created",
        obj=contract,
        organisation=tender.organisation,
        after={"award": row.pk, "vendor": contract.vendor_id, "value": contract.value,
               "price_schedule": contract.price_schedule},
    )  # fmt: skip
    bidders = set(
        Bid.objects.filter(tender=tender, status=BidStatus.SUBMITTED).values_list("vendor_id", flat=True)
    )
    for membership in Membership.objects.select_related("user").filter(organisation_id__in=bidders):
        won = membership.organisation_id == row.bid.vendor_id
        notify(
            recipients=[membership.user],
            verb="award.won" if won else "award.lost",
            title=(
                _("Your bid on %(reference)s was selected")
                if won
                else _("The result of %(reference)s is published")
            )
            % {"reference": tender.reference},
            link=_link(tender),
            obj=tender,
        )
    return row


@transaction.atomic
def award_reject(*, actor: User, award: Award, note: str) -> Award:
    row = _award_locked(award)
    if not permissions.is_reviewer_of(actor, row.tender):
        raise PermissionDenied(
            "award.forbidden", _("Only approvers of the agency's reviewing body decide on awards.")
        )
    if row.proposed_by_id == actor.pk:
        raise PermissionDenied(
            "award.own_work", _("You proposed this award: someone else must decide on it.")
        )
    if row.status != AwardStatus.PROPOSED:
        raise Conflict("award.invalid_transition", _("Only a proposed award can be rejected."))
    if not (note or "").strip():
        raise ValidationFailed("award.invalid", _("Say why."), {"note": _("This field is required.")})
    row.status, row.decided_by, row.decided_at, row.decision_note = (
        AwardStatus.REJECTED,
        actor,
        timezone.now(),
        note.strip(),
    )
    row.save()
    record(actor, row.tender, "tender.award_rejected", after={"award": row.pk, "note": row.decision_note})
    return row


@transaction.atomic
def award_cancel(*, actor: User, award: Award, reason: str) -> Award:
    """Cancel a proposed or approved award (its contract still a draft) so the next bid is considered."""
    row = _award_locked(award)
    tender = locked(row.tender)
    if not permissions.can_manage_tender(actor, tender):
        raise PermissionDenied("award.forbidden", _("Only the agency's finance officers cancel an award."))
    if row.status not in (AwardStatus.PROPOSED, AwardStatus.APPROVED):
        raise Conflict("award.invalid_transition", _("Only a proposed or approved award can be cancelled."))
    errors = Errors()
    reason = as_text(errors, "reason", reason, max_length=20_000, required=True)
    errors.raise_if_any("award.invalid", _("The award cannot be cancelled."))
    contract = Contract.objects.filter(award=row).first()
    if contract is not None and contract.status != ContractStatus.DRAFT:
        raise Conflict(
            "award.contract_in_progress",
            _("The award's contract is %(status)s: the award can no longer be cancelled.")
            % {"status": contract.get_status_display().lower()},
        )
    if contract is not None:
        before = audit.snapshot(contract)
        contract.delete()
        audit.record(
            actor=actor,
            action="contract.withdrawn",
            object_type="contracts.contract",
            object_id=before["id"],
            organisation=tender.organisation,
            before=before,
        )
    previous = row.status
    row.status, row.cancelled_reason = AwardStatus.CANCELLED, reason
    row.save()
    if previous == AwardStatus.APPROVED:
        tender.status = TenderStatus.EVALUATED
        tender.save(update_fields=["status", "updated_at"])
    record(
        actor,
        tender,
        "tender.award_cancelled",
        after={"award": row.pk, "reason": reason, "next": _next_candidate(tender)},
    )
    return row
