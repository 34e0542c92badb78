"""Evaluation and award against hand calculations: corrections with the bidder's answer, conflicts of
interest before scoring, consensus scores, evaluated prices with the preference loading, value for
money against the PSC, ranking, maker-checker award and the draft contract."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import pytest
from django.utils import timezone

from contracts import services
from contracts.models import AwardStatus, BidCorrection, BidPrice, Contract, Tender, TenderStatus
from contracts.services.evaluation import add_working_days
from ppp.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from ppp.models import Notification
from tests.contracts.conftest import D, published_tender, submitted_bid
from tests.roles import assert_nothing_written

pytestmark = pytest.mark.django_db
PRICES_B = {"HOST": ["45000000", "45000000", "45000000"], "SUPPORT": ["240000000", "240000000", "240000000"]}


def close(tender: Tender) -> None:
    past = timezone.now() - dt.timedelta(minutes=5)
    Tender.objects.filter(pk=tender.pk).update(
        publication_at=past - dt.timedelta(days=20),
        clarification_deadline=past - dt.timedelta(days=1),
        closing_at=past,
        opening_at=past + dt.timedelta(hours=1),
    )
    tender.refresh_from_db()


def opened(world, **tender_terms):  # type: ignore[no-untyped-def]
    tender = published_tender(world, **tender_terms)
    if tender.criteria.exists() is False and tender_terms.get("method") == "combined":
        raise AssertionError("add criteria before publishing a combined tender")
    bid_a = submitted_bid(world, tender)
    bid_b = submitted_bid(world, tender, vendor="b", prices=PRICES_B)
    close(tender)
    services.tender_open(actor=world["finance"], tender=tender)
    tender.refresh_from_db()
    return tender, bid_a, bid_b


def money(value: Fraction) -> Decimal:
    return Decimal(value.numerator) / Decimal(value.denominator)


def whole(value: Fraction) -> Decimal:
    return money(value).quantize(Decimal(1), rounding=ROUND_HALF_UP)


def test_three_working_days_skip_the_weekend():
    friday = dt.datetime(2026, 12, 4, 10, tzinfo=dt.UTC)
    assert add_working_days(friday, 3) == dt.datetime(2026, 12, 9, 10, tzinfo=dt.UTC)  # Wednesday


def test_lowest_price_evaluation_with_preference_loading_vfm_and_ranking(world):
    tender, bid_a, bid_b = opened(world)
    evaluation = services.evaluation_start(
        actor=world["finance"], tender=tender, chair=world["evaluator"], evaluators=[world["evaluator"]]
    )
    # Grid bids carry no written amounts: nothing to correct, nothing for the bidders to answer.
    assert set(BidCorrection.objects.values_list("status", flat=True)) == {"accepted"}
    evaluation = services.evaluation_compute(actor=world["evaluator"], evaluation=evaluation)
    rows = {row["bid"]: row for row in evaluation.results["bids"]}
    # A: incl. VAT 3,104,000,000 less 2 % = 3,041,920,000; not entitled to preference: + 7.5 %
    assert rows[bid_a.pk]["price"] == "3041920000"
    assert rows[bid_a.pk]["evaluated_price"] == "3270064000"
    # B: 3,222,000,000 less 2 % = 3,157,560,000; x 1.075 = 3,394,377,000
    assert rows[bid_b.pk]["evaluated_price"] == "3394377000"
    assert evaluation.results["ranking"] == [bid_a.pk, bid_b.pk]
    assert (rows[bid_a.pk]["rank"], rows[bid_b.pk]["rank"]) == (1, 2)
    # Price scores: 100 and 3,270,064,000 x 100 / 3,394,377,000
    assert rows[bid_b.pk]["price_score"] == str(
        money(Fraction(3_270_064_000 * 100, 3_394_377_000)).quantize(
            Decimal("0.0001"), rounding=ROUND_HALF_UP
        )
    )
    # VfM against the PSC at the model's 5 %: PSC 2,950,616,259 minus A's cost to the public, its
    # lifecycle NPV incl. VAT less the discount (no risks are retained under service hire).
    d1, d2 = Fraction(100, 105), Fraction(10_000, 11_025)
    npv_a = (1_028_000_000 + 1_028_000_000 * d1 + 1_048_000_000 * d2) * Fraction(98, 100)
    assert rows[bid_a.pk]["vfm"] == str(D(2_950_616_259) - whole(npv_a))
    assert evaluation.results["psc"]["total"] == "2950616259"
    assert not any(rows[bid_a.pk]["abnormally_low"].values())
    assert len(evaluation.input_hash) == 64
    tender.refresh_from_db()
    assert tender.status == TenderStatus.EVALUATED


def test_evaluated_price_method_uses_the_lifecycle_npv_at_the_tenders_rate(world):
    tender, bid_a, _bid_b = opened(world, method="evaluated_price", discount_rate="0.10")
    evaluation = services.evaluation_start(
        actor=world["finance"], tender=tender, chair=world["evaluator"], evaluators=[world["evaluator"]]
    )
    evaluation = services.evaluation_compute(actor=world["finance"], evaluation=evaluation)
    rows = {row["bid"]: row for row in evaluation.results["bids"]}
    d1, d2 = Fraction(10, 11), Fraction(100, 121)
    npv_a = (1_028_000_000 + 1_028_000_000 * d1 + 1_048_000_000 * d2) * Fraction(98, 100)
    assert rows[bid_a.pk]["lifecycle_npv"] == str(whole(npv_a))
    assert rows[bid_a.pk]["evaluated_price"] == str(whole(Fraction(int(whole(npv_a))) * Fraction(1075, 1000)))


def _combined_tender(world):  # type: ignore[no-untyped-def]
    from tests.contracts.conftest import new_tender

    tender = new_tender(world, method="combined", envelopes=2, technical_weight="0.2", price_weight="0.8",
                        pass_mark="0.7")  # fmt: skip
    services.criterion_add(
        actor=world["finance"], tender=tender, kind="pass_fail", code="YC1", name="ISO 27001"
    )
    for code, name, points in (("KT1", "Giải pháp", "60"), ("KT2", "Nhân sự", "40")):
        services.criterion_add(
            actor=world["finance"], tender=tender, kind="technical", code=code, name=name, max_points=points
        )
    services.tender_submit(actor=world["finance"], tender=tender)
    services.tender_approve(actor=world["approver"], tender=tender)
    return services.tender_publish(actor=world["finance"], tender=tender)


def _bid(world, tender, vendor, prices):  # type: ignore[no-untyped-def]
    bid = services.bid_create(
        actor=world[f"preparer_{vendor}"], tender=tender, vendor=world[f"vendor_{vendor}"]
    )
    services.bid_prices_save(actor=world[f"preparer_{vendor}"], bid=bid, prices=prices)
    services.bid_update(
        actor=world[f"preparer_{vendor}"], bid=bid, bid_security_amount="37800000", discount_rate="0.02"
    )
    services.bid_answers_save(actor=world[f"preparer_{vendor}"], bid=bid, answers={"YC1": {"complies": True}})
    return services.bid_submit(actor=world[f"signatory_{vendor}"], bid=bid)


def test_combined_evaluation_with_declarations_consensus_scores_and_the_pass_mark(world):
    from tests.contracts.conftest import FULL_PRICES

    tender = _combined_tender(world)
    bid_a, bid_b = _bid(world, tender, "a", FULL_PRICES), _bid(world, tender, "b", PRICES_B)
    close(tender)
    services.tender_open(actor=world["finance"], tender=tender)
    tender.refresh_from_db()
    chair, second = world["evaluator"], world["finance"]
    evaluation = services.evaluation_start(
        actor=world["finance"], tender=tender, chair=chair, evaluators=[second]
    )
    kt1, kt2 = tender.criteria.get(code="KT1"), tender.criteria.get(code="KT2")
    yc1 = tender.criteria.get(code="YC1")
    # Nobody scores before declaring.
    with assert_nothing_written(), pytest.raises(Conflict):
        services.score_record(actor=second, evaluation=evaluation, bid=bid_a, criterion=kt1, points="50")
    services.conflict_declare(actor=chair, evaluation=evaluation, has_conflict=False)
    services.conflict_declare(actor=second, evaluation=evaluation, has_conflict=False)
    services.score_record(actor=second, evaluation=evaluation, bid=bid_a, criterion=kt1, points="48")
    with pytest.raises(PermissionDenied):
        services.score_record(
            actor=second, evaluation=evaluation, bid=bid_a, criterion=kt1, points="50", consensus=True
        )
    with pytest.raises(ValidationFailed) as error:
        services.score_record(
            actor=chair, evaluation=evaluation, bid=bid_a, criterion=kt1, points="61", consensus=True
        )
    assert "points" in error.value.fields
    for bid, points in ((bid_a, ("50", "30")), (bid_b, ("55", "35"))):
        services.score_record(
            actor=chair, evaluation=evaluation, bid=bid, criterion=kt1, points=points[0], consensus=True
        )
        services.score_record(
            actor=chair, evaluation=evaluation, bid=bid, criterion=kt2, points=points[1], consensus=True
        )
        services.compliance_record(
            actor=chair, evaluation=evaluation, bid=bid, criterion=yc1, passed=True, consensus=True
        )
    evaluation = services.evaluation_compute(actor=chair, evaluation=evaluation)
    rows = {row["bid"]: row for row in evaluation.results["bids"]}
    # Price scores on the evaluated prices 3,270,064,000 (A) and 3,394,377,000 (B); technical 80 and 90.
    price_b = Fraction(3_270_064_000 * 100, 3_394_377_000)
    four = Decimal("0.0001")
    price_score_b = money(price_b).quantize(four, rounding=ROUND_HALF_UP)
    assert (rows[bid_a.pk]["technical_score"], rows[bid_b.pk]["technical_score"]) == ("80.0000", "90.0000")
    # A: 0.2 x 80 + 0.8 x 100 = 96; B: 0.2 x 90 + 0.8 x price score
    assert rows[bid_a.pk]["combined_score"] == "96.0000"
    assert rows[bid_b.pk]["combined_score"] == str((D("18") + D("0.8") * price_score_b).quantize(four))
    assert evaluation.results["ranking"] == [bid_a.pk, bid_b.pk]


def test_a_bid_below_the_pass_mark_or_failing_a_requirement_is_not_ranked(world):
    from tests.contracts.conftest import FULL_PRICES

    tender = _combined_tender(world)
    bid_a, bid_b = _bid(world, tender, "a", FULL_PRICES), _bid(world, tender, "b", PRICES_B)
    close(tender)
    services.tender_open(actor=world["finance"], tender=tender)
    tender.refresh_from_db()
    chair = world["evaluator"]
    evaluation = services.evaluation_start(
        actor=world["finance"], tender=tender, chair=chair, evaluators=[chair]
    )
    services.conflict_declare(actor=chair, evaluation=evaluation, has_conflict=False)
    kt1, kt2, yc1 = (tender.criteria.get(code=code) for code in ("KT1", "KT2", "YC1"))
    # A: 40 + 25 = 65 < 70 % of 100; B fails the ISO requirement.
    for bid, points, passed in ((bid_a, ("40", "25"), True), (bid_b, ("55", "35"), False)):
        services.score_record(
            actor=chair, evaluation=evaluation, bid=bid, criterion=kt1, points=points[0], consensus=True
        )
        services.score_record(
            actor=chair, evaluation=evaluation, bid=bid, criterion=kt2, points=points[1], consensus=True
        )
        services.compliance_record(
            actor=chair, evaluation=evaluation, bid=bid, criterion=yc1, passed=passed, consensus=True
        )
    evaluation = services.evaluation_compute(actor=chair, evaluation=evaluation)
    rows = {row["bid"]: row for row in evaluation.results["bids"]}
    assert rows[bid_a.pk]["reasons"] == ["below_pass_mark"]
    assert rows[bid_b.pk]["reasons"] == ["failed:YC1"]
    assert evaluation.results["ranking"] == []


def test_an_evaluator_with_a_conflict_of_interest_may_not_score(world):
    tender, bid_a, _bid_b = opened(world)
    evaluation = services.evaluation_start(
        actor=world["finance"], tender=tender, chair=world["evaluator"], evaluators=[world["finance"]]
    )
    services.conflict_declare(
        actor=world["finance"], evaluation=evaluation, has_conflict=True, statement="Người nhà"
    )
    from contracts.models import Criterion

    criterion = Criterion.objects.create(tender=tender, kind="pass_fail", code="X", name="X")
    with assert_nothing_written(), pytest.raises(PermissionDenied) as error:
        services.compliance_record(
            actor=world["finance"], evaluation=evaluation, bid=bid_a, criterion=criterion, passed=True
        )
    assert error.value.code == "evaluation.conflict"


def test_a_written_amount_that_differs_is_corrected_and_a_rejected_correction_excludes_the_bid(world):
    tender = published_tender(world)
    bid_a = submitted_bid(world, tender)
    bid_b = submitted_bid(world, tender, vendor="b", prices=PRICES_B)
    # A's uploaded price form wrote 470,000,000 for HOST in the first year (12 x 40,000,000 = 480,000,000).
    BidPrice.objects.filter(bid=bid_a, item__code="HOST").update(
        stated_amounts=["470000000", "480000000", "480000000"]
    )
    close(tender)
    services.tender_open(actor=world["finance"], tender=tender)
    tender.refresh_from_db()
    evaluation = services.evaluation_start(
        actor=world["finance"], tender=tender, chair=world["evaluator"], evaluators=[world["evaluator"]]
    )
    correction = BidCorrection.objects.get(bid=bid_a)
    assert correction.status == "proposed"
    assert [
        (c["code"], c["rule"], c["before"], c["after"], c["difference"]) for c in correction.corrections
    ] == [("HOST[0]", "unit_price_prevails", "470000000", "480000000", "10000000")]
    assert Notification.objects.filter(
        recipient=world["signatory_a"], verb="bid.correction_proposed"
    ).exists()
    with pytest.raises(Conflict) as error:
        services.evaluation_compute(actor=world["evaluator"], evaluation=evaluation)
    assert error.value.code == "evaluation.corrections_pending"
    with pytest.raises(PermissionDenied):
        services.correction_respond(actor=world["signatory_b"], bid=bid_a, accept=True)
    services.correction_respond(actor=world["signatory_a"], bid=bid_a, accept=False)
    evaluation = services.evaluation_compute(actor=world["evaluator"], evaluation=evaluation)
    rows = {row["bid"]: row for row in evaluation.results["bids"]}
    assert rows[bid_a.pk]["reasons"] == ["correction_rejected"]
    assert evaluation.results["ranking"] == [bid_b.pk]


def test_the_award_is_approved_by_someone_else_creates_the_draft_contract_and_can_be_cancelled(world):
    tender, bid_a, bid_b = opened(world)
    evaluation = services.evaluation_start(
        actor=world["finance"], tender=tender, chair=world["evaluator"], evaluators=[world["evaluator"]]
    )
    services.evaluation_compute(actor=world["evaluator"], evaluation=evaluation)
    tender.refresh_from_db()
    with assert_nothing_written(), pytest.raises(ValidationFailed) as error:
        services.award_propose(actor=world["finance"], tender=tender, bid=bid_b, reasons="Giá tốt")
    assert "bid_id" in error.value.fields
    award = services.award_propose(
        actor=world["finance"], tender=tender, bid=bid_a, reasons="Giá đánh giá thấp nhất"
    )
    assert award.contract_price == D(3_041_920_000)
    for who in ("finance", "evaluator", "preparer_a"):
        with assert_nothing_written(award), pytest.raises(PermissionDenied):
            services.award_approve(actor=world[who], award=award)
    approved = services.award_approve(actor=world["approver"], award=award, note="Đồng ý")
    assert approved.status == AwardStatus.APPROVED and approved.published_at is not None
    contract = Contract.objects.get(award=approved)
    assert (contract.vendor, contract.value, contract.status) == (
        world["vendor_a"],
        D(3_041_920_000),
        "draft",
    )
    assert contract.price_schedule["HOST"] == ["40000000", "40000000", "40000000"]
    assert Notification.objects.filter(recipient=world["signatory_a"], verb="award.won").exists()
    assert Notification.objects.filter(recipient=world["signatory_b"], verb="award.lost").exists()
    tender.refresh_from_db()
    assert tender.status == TenderStatus.AWARDED
    # Cancelled with a reason: the draft contract goes, and B is the next to consider.
    services.award_cancel(actor=world["finance"], award=approved, reason="Không ký hợp đồng")
    assert not Contract.objects.exists()
    tender.refresh_from_db()
    assert tender.status == TenderStatus.EVALUATED
    second = services.award_propose(
        actor=world["finance"], tender=tender, bid=bid_b, reasons="Xếp hạng tiếp theo"
    )
    assert second.bid == bid_b


def test_bids_side_by_side_with_the_estimate_and_the_approvers_queue(world):
    from contracts import selectors

    tender, bid_a, _bid_b = opened(world)
    comparison = selectors.bid_comparison_for(user=world["finance"], tender=tender)
    assert comparison["years"] == [2026, 2027, 2028]
    host = next(item for item in comparison["items"] if item["code"] == "HOST")
    # The model expected 12 x 50,000,000 x 1.1 = 660,000,000 a year;
    # A bid 12 x 40,000,000 x 1.1 = 528,000,000.
    assert host["estimate"] == [D(660_000_000)] * 3
    assert host["bids"][str(bid_a.pk)] == [D(528_000_000)] * 3
    assert comparison["totals"]["estimate"] == D(3_780_000_000)
    assert comparison["totals"][str(bid_a.pk)] == D(3_104_000_000)
    with pytest.raises(NotFound):
        selectors.bid_comparison_for(user=world["preparer_b"], tender=published_tender(world))
    evaluation = services.evaluation_start(
        actor=world["finance"], tender=tender, chair=world["evaluator"], evaluators=[world["evaluator"]]
    )
    services.evaluation_compute(actor=world["evaluator"], evaluation=evaluation)
    tender.refresh_from_db()
    award = services.award_propose(actor=world["finance"], tender=tender, bid=bid_a, reasons="Thấp nhất")
    queue = selectors.awaiting_decision_for(user=world["approver"])
    assert queue["awards"] == [award] and queue["tenders"] == []
