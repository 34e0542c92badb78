"""Contracts after the award: terms checked against the rule book, the payment mechanism's parameters,
the approval chain by value with maker-checker, the frozen approved version and its hash, signature
by both parties, activity and the end of the contract.

The world is tests/contracts/conftest.py's: bid A wins at 3,041,920,000 VND (below the rule book's
VND 10 bn single-approver threshold).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal

import pytest
from django.utils import translation

from contracts import services
from contracts.models import Contract, ContractDecision, ContractStatus, PaymentMechanism
from contracts.services import contracting
from costing.calculations.receipts import canonical_json
from ppp.errors import Conflict, PermissionDenied, ValidationFailed
from ppp.models import Membership, Notification, Role, RuleSet
from tests.contracts.conftest import published_tender, submitted_bid
from tests.contracts.test_evaluation import PRICES_B, close
from tests.factories import member
from tests.roles import assert_nothing_written

pytestmark = pytest.mark.django_db

D = Decimal


def awarded(world, prices_a=None) -> Contract:  # type: ignore[no-untyped-def]
    tender = published_tender(world)
    bid_a = submitted_bid(world, tender, prices=prices_a)
    submitted_bid(world, tender, vendor="b", prices=PRICES_B)
    close(tender)
    services.tender_open(actor=world["finance"], tender=tender)
    tender.refresh_from_db()
    evaluation = services.evaluation_start(
        actor=world["finance"], tender=tender, chair=world["evaluator"], evaluators=[world["evaluator"]]
    )
    services.evaluation_compute(actor=world["evaluator"], evaluation=evaluation)
    tender.refresh_from_db()
    award = services.award_propose(actor=world["finance"], tender=tender, bid=bid_a, reasons="Giá thấp nhất")
    services.award_approve(actor=world["approver"], award=award)
    return Contract.objects.get(award=award)


TERMS = {
    "title": "Hợp đồng thuê dịch vụ cổng dịch vụ công",
    "contract_type": "service_hire",
    "start_date": "2026-01-01",
    "end_date": "2028-12-31",
    "performance_security_rate": "0.05",
    "warranty_months": 12,
    "data_ownership": "Dữ liệu thuộc sở hữu của cơ quan nhà nước.",
    "handover": "Bàn giao toàn bộ dữ liệu khi kết thúc hợp đồng.",
}
FIXED_FEE = {"kind": "fixed_fee", "parameters": {"fee_per_period": "1000000000", "period": "annual",
                                                  "indexation_rate": "0.04"}}  # fmt: skip


def ready(world, contract: Contract) -> Contract:  # type: ignore[no-untyped-def]
    contracting.contract_update(actor=world["finance"], contract=contract, **TERMS)
    return contracting.mechanisms_save(actor=world["finance"], contract=contract, mechanisms=[FIXED_FEE])


@pytest.fixture
def contract(world) -> Contract:
    return awarded(world)


def test_the_terms_are_saved_and_the_editor_becomes_an_author(world, contract):
    saved = contracting.contract_update(actor=world["finance"], contract=contract, **TERMS)
    assert (saved.start_date, saved.end_date, saved.performance_security_rate, saved.warranty_months) == (
        dt.date(2026, 1, 1),
        dt.date(2028, 12, 31),
        D("0.05"),
        12,
    )
    assert list(saved.authors.all()) == [world["finance"]]


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"start_date": "2027-01-01", "end_date": "2026-12-31"}, "end_date", "must be after the start date"),
        ({"end_date": "31/12/2028"}, "end_date", "must be a date written YYYY-MM-DD"),
        ({"start_date": "1999-12-31"}, "start_date", "must be between 2000 and 2100"),
        ({"performance_security_rate": "0.01"}, "performance_security_rate",
         "must be between 2% and 10% of the contract price (Performance security as a share of the contract "
         "price (Law on Bidding 22/2023/QH15 (amended); Decree 214/2025/NĐ-CP))"),
        ({"performance_security_rate": "0.15"}, "performance_security_rate", "must be between 2% and 10%"),
        ({"performance_security_rate": "abc"}, "performance_security_rate", "must be a number"),
        ({"performance_security_rate": "NaN"}, "performance_security_rate", "must be a finite number"),
        ({"warranty_months": -1}, "warranty_months", "must be between 0 and 240"),
        ({"contract_type": "XYZ"}, "contract_type", "not a contract type"),
        ({"price": "1"}, "price", "not a contract term"),
    ],
)  # fmt: skip
def test_bad_terms_name_the_field_and_the_rule_and_change_nothing(world, contract, changes, field, message):
    with (
        translation.override("en"),
        assert_nothing_written(contract),
        pytest.raises(ValidationFailed) as error,
    ):
        contracting.contract_update(actor=world["finance"], contract=contract, **changes)
    assert error.value.fields[field].startswith(message)
    assert not contract.authors.exists()


def test_an_abnormally_low_winning_bid_allows_performance_security_up_to_30_percent(world):
    # Bid A: 3 x (12 x 10,000,000 x 1.1 + 2 x 100,000,000) = 996,000,000 less 2 % discount; bid B:
    # 3 x (12 x 45,000,000 x 1.1 + 2 x 240,000,000) = 3,222,000,000: A is far more than 30 % below it.
    contract = awarded(world, prices_a={"HOST": ["10000000"] * 3, "SUPPORT": ["100000000"] * 3})
    low, high, _ = contracting.performance_security_range(contract)
    assert (low, high) == (D("0.02"), D("0.30"))
    saved = contracting.contract_update(
        actor=world["finance"], contract=contract, performance_security_rate="0.25"
    )
    assert saved.performance_security_rate == D("0.25")
    with pytest.raises(ValidationFailed) as error:
        contracting.contract_update(
            actor=world["finance"], contract=contract, performance_security_rate="0.31"
        )
    assert "performance_security_rate" in error.value.fields


def test_every_mechanism_is_saved_with_clean_parameters(world, contract):
    contracting.contract_update(actor=world["finance"], contract=contract, contract_type="BOT")
    mechanisms = [
        FIXED_FEE,
        {"kind": "per_transaction",
         "parameters": {"fees": {"birth_registration": "5000", "business_licence": "12000"}}},
        {"kind": "tiered_share", "parameters": {"basis": "revenue", "tiers": [
            {"from": "0", "to": "1000000000", "share": "0.10"},
            {"from": "1000000000", "to": None, "share": "0.15"}]}},
        {"kind": "availability", "parameters": {"annual_payment": "7000000000", "periods_per_year": 365}},
        {"kind": "service_credits", "parameters": {"method": "shortfall_share", "cap_share": "0.10"}},
        {"kind": "minimum_guarantee", "parameters": {"floor": "500000000", "cap": "3000000000"}},
        {"kind": "revenue_cap", "parameters": {"cap": "3000000000"}},
        {"kind": "revenue_band", "parameters": {"upper_threshold": "1.20", "lower_threshold": "0.80"}},
    ]  # fmt: skip
    contracting.mechanisms_save(actor=world["finance"], contract=contract, mechanisms=mechanisms)
    saved = {m.kind: m.parameters for m in PaymentMechanism.objects.filter(contract=contract)}
    assert saved["tiered_share"]["tiers"] == [
        {"from": "0", "to": "1000000000", "share": "0.10"},
        {"from": "1000000000", "to": None, "share": "0.15"},
    ]
    assert saved["availability"] == {
        "annual_payment": "7000000000",
        "periods_per_year": 365,
        "still_used_factor": "0.5",
    }
    band = saved["revenue_band"]
    assert (band["upper_threshold"], band["lower_threshold"], band["share"], band["downside"]) == (
        "1.20",
        "0.80",
        "0.50",
        True,  # a BOT contract: the state shares a shortfall
    )


@pytest.mark.parametrize(
    ("mechanism", "field", "message"),
    [
        ({"kind": "tiered_share", "parameters": {"tiers": [{"from": "0", "to": "100", "share": "0.1"},
                                                            {"from": "50", "to": None, "share": "0.2"}]}},
         "mechanisms[0].parameters.tiers[1].from", "overlaps the band before it (which ends at 100)"),
        ({"kind": "tiered_share", "parameters": {"tiers": [{"from": "0", "to": "100", "share": "0.1"},
                                                            {"from": "150", "to": None, "share": "0.2"}]}},
         "mechanisms[0].parameters.tiers[1].from", "leaves a gap after the band before it"),
        ({"kind": "tiered_share", "parameters": {"tiers": [{"from": "0", "to": "100", "share": "1.5"}]}},
         "mechanisms[0].parameters.tiers[0].share", "must be at most 100%"),
        ({"kind": "tiered_share", "parameters": {"tiers": [{"from": "0", "to": "100", "share": "-0.1"}]}},
         "mechanisms[0].parameters.tiers[0].share", "must be at least 0%"),
        ({"kind": "minimum_guarantee", "parameters": {"floor": "300", "cap": "200"}},
         "mechanisms[0].parameters.floor", "must be below the cap"),
        ({"kind": "revenue_band", "parameters": {"upper_threshold": "1.30"}},
         "mechanisms[0].parameters.upper_threshold", "must be between 110% and 125%"),
        ({"kind": "revenue_band", "parameters": {"downside": True}},
         "mechanisms[0].parameters.downside", "the state shares a shortfall only in BOT, BTO, BOO contracts"),
        ({"kind": "fixed_fee", "parameters": {"fee_per_period": "abc", "period": "annual"}},
         "mechanisms[0].parameters.fee_per_period", "must be a number"),
        ({"kind": "bonus", "parameters": {}}, "mechanisms[0].kind", "not a payment mechanism"),
        ({"kind": "revenue_band", "parameters": {}},  # on this IT service hire contract
         "mechanisms[0].kind", "revenue band sharing applies to PPP contracts only"),
    ],
)  # fmt: skip
def test_bad_mechanism_parameters_are_named_and_nothing_is_saved(world, contract, mechanism, field, message):
    contracting.mechanisms_save(actor=world["finance"], contract=contract, mechanisms=[FIXED_FEE])
    kept = PaymentMechanism.objects.get(contract=contract)
    with translation.override("en"), assert_nothing_written(kept), pytest.raises(ValidationFailed) as error:
        contracting.mechanisms_save(actor=world["finance"], contract=contract, mechanisms=[mechanism])
    assert error.value.fields[field].startswith(message), error.value.fields


def test_an_incomplete_contract_cannot_be_submitted(world, contract):
    with (
        translation.override("en"),
        assert_nothing_written(contract),
        pytest.raises(ValidationFailed) as error,
    ):
        contracting.contract_submit(actor=world["finance"], contract=contract)
    assert set(error.value.fields) == {
        "title",
        "start_date",
        "end_date",
        "performance_security_rate",
        "mechanisms",
    }


def test_one_approver_approves_a_contract_up_to_10_bn_and_the_version_is_frozen_with_its_hash(
    world, contract
):
    ready(world, contract)
    submitted = contracting.contract_submit(actor=world["finance"], contract=contract, note="Kính trình")
    assert (submitted.status, submitted.required_approvals, submitted.senior_required) == (
        "under_review",
        1,
        False,
    )
    assert "Contract approval chain by contract value" in submitted.approval_rule
    assert Notification.objects.filter(recipient=world["approver"], verb="contract.submitted").exists()

    approved = contracting.contract_decide(actor=world["approver"], contract=contract, decision="approve")

    assert approved.status == ContractStatus.APPROVED
    version = approved.versions.get()
    assert version.number == 1 and version.content["value"] == "3041920000.0000"
    assert version.content["performance_security_rate"] == "0.050000"
    assert version.content_hash == hashlib.sha256(canonical_json(version.content).encode()).hexdigest()
    assert approved.approved_hash == version.content_hash == contracting.content_hash(approved)


def test_nobody_approves_their_own_work_nor_the_vendor_and_denials_write_nothing(world, contract):
    ready(world, contract)
    contracting.contract_submit(actor=world["finance"], contract=contract)
    # The author also holds an approver's seat in the reviewing body (a second membership).
    Membership.objects.create(user=world["finance"], organisation=world["reviewing_body"], role=Role.APPROVER)
    # Someone of the vendor who also sits in the reviewing body.
    vendor_reviewer = world["signatory_a"]
    Membership.objects.create(user=vendor_reviewer, organisation=world["reviewing_body"], role=Role.APPROVER)
    for who, code in (
        (world["finance"], "contract.own_work"),
        (vendor_reviewer, "contract.vendor"),
        (world["evaluator"], "contract.forbidden"),
        (world["preparer_b"], "contract.forbidden"),
    ):
        who = type(who).objects.get(pk=who.pk)  # memberships as they are now
        with assert_nothing_written(contract), pytest.raises(PermissionDenied) as error:
            contracting.contract_decide(actor=who, contract=contract, decision="approve")
        assert error.value.code == code
    assert not ContractDecision.objects.exists()


def test_above_the_threshold_two_approvers_one_of_them_senior(world, contract):
    rule = RuleSet.objects.get(name="contracts.approval_chain")
    rule.parameters = {**rule.parameters, "single_approver_up_to": "1000000000"}
    rule.save()
    ready(world, contract)
    submitted = contracting.contract_submit(actor=world["finance"], contract=contract)
    assert (submitted.required_approvals, submitted.senior_required) == (2, True)
    second = member(Role.APPROVER, world["reviewing_body"])
    senior = member(Role.APPROVER, world["reviewing_body"])
    Membership.objects.filter(user=senior).update(is_senior=True)

    contracting.contract_decide(actor=world["approver"], contract=contract, decision="approve")
    with pytest.raises(Conflict) as twice:
        contracting.contract_decide(actor=world["approver"], contract=contract, decision="approve")
    assert twice.value.code == "contract.already_approved"
    with pytest.raises(Conflict) as no_senior:
        contracting.contract_decide(actor=second, contract=contract, decision="approve")
    assert no_senior.value.code == "contract.senior_required"
    assert Contract.objects.get(pk=contract.pk).status == ContractStatus.UNDER_REVIEW

    approved = contracting.contract_decide(actor=senior, contract=contract, decision="approve")
    assert approved.status == ContractStatus.APPROVED
    assert list(approved.decisions.values_list("reviewer", "senior")) == [
        (world["approver"].pk, False),
        (senior.pk, True),
    ]


def test_changes_requested_return_the_draft_and_a_new_round_needs_every_approval_again(world, contract):
    rule = RuleSet.objects.get(name="contracts.approval_chain")
    rule.parameters = {
        **rule.parameters,
        "single_approver_up_to": "1000000000",
        "senior_required_above": False,
    }
    rule.save()
    ready(world, contract)
    contracting.contract_submit(actor=world["finance"], contract=contract)
    second = member(Role.APPROVER, world["reviewing_body"])
    contracting.contract_decide(actor=world["approver"], contract=contract, decision="approve")
    with pytest.raises(ValidationFailed) as error:
        contracting.contract_decide(actor=second, contract=contract, decision="request_changes")
    assert "comment" in error.value.fields
    returned = contracting.contract_decide(
        actor=second, contract=contract, decision="request_changes", comment="Bổ sung KPI"
    )
    assert returned.status == ContractStatus.DRAFT
    assert Notification.objects.filter(recipient=world["finance"], verb="contract.request_changes").exists()
    contracting.contract_update(actor=world["finance"], contract=contract, warranty_months=24)
    contracting.contract_submit(actor=world["finance"], contract=contract)
    # The first approval was of the earlier round: one approval now is not enough.
    still = contracting.contract_decide(actor=second, contract=contract, decision="approve")
    assert still.status == ContractStatus.UNDER_REVIEW
    done = contracting.contract_decide(actor=world["approver"], contract=contract, decision="approve")
    assert done.status == ContractStatus.APPROVED and done.versions.get().content["warranty_months"] == 24


def test_an_approved_contract_is_frozen_signed_by_both_parties_and_becomes_active(world, contract):
    ready(world, contract)
    contracting.contract_submit(actor=world["finance"], contract=contract)
    contracting.contract_decide(actor=world["approver"], contract=contract, decision="approve")
    with assert_nothing_written(contract), pytest.raises(Conflict) as frozen:
        contracting.contract_update(actor=world["finance"], contract=contract, warranty_months=36)
    assert frozen.value.code == "contract.frozen"
    agency_signatory = member(Role.SIGNATORY, world["agency"])
    for who in (world["finance"], world["approver"], world["preparer_a"], world["signatory_b"]):
        with assert_nothing_written(contract), pytest.raises(PermissionDenied):
            contracting.contract_sign(actor=who, contract=contract)
    signed = contracting.contract_sign(actor=world["signatory_a"], contract=contract)
    assert signed.status == ContractStatus.APPROVED
    with pytest.raises(Conflict):
        contracting.contract_sign(actor=world["signatory_a"], contract=contract)
    active = contracting.contract_sign(actor=agency_signatory, contract=contract)
    assert active.status == ContractStatus.ACTIVE and active.activated_at is not None
    assert set(active.signatures.values_list("party", "content_hash")) == {
        (world["vendor_a"].pk, active.approved_hash),
        (world["agency"].pk, active.approved_hash),
    }
    with pytest.raises(ValidationFailed) as no_reason:
        contracting.contract_end(actor=world["finance"], contract=contract, outcome="terminated")
    assert "reason" in no_reason.value.fields
    ended = contracting.contract_end(
        actor=world["finance"], contract=contract, outcome="terminated", reason="Nhà cung cấp vi phạm SLA"
    )
    assert (ended.status, ended.termination_reason) == ("terminated", "Nhà cung cấp vi phạm SLA")


def test_what_is_signed_is_what_was_approved(world, contract):
    ready(world, contract)
    contracting.contract_submit(actor=world["finance"], contract=contract)
    contracting.contract_decide(actor=world["approver"], contract=contract, decision="approve")
    # A change behind the services' back after approval (the database edited directly).
    PaymentMechanism.objects.filter(contract=contract).update(parameters={"fee_per_period": "9000000000"})
    with assert_nothing_written(contract), pytest.raises(Conflict) as error:
        contracting.contract_sign(actor=world["signatory_a"], contract=contract)
    assert error.value.code == "contract.changed"


def test_signing_before_approval_and_deciding_out_of_review_are_refused(world, contract):
    ready(world, contract)
    with pytest.raises(Conflict):
        contracting.contract_sign(actor=world["signatory_a"], contract=contract)
    with assert_nothing_written(contract), pytest.raises(Conflict):
        contracting.contract_decide(actor=world["approver"], contract=contract, decision="approve")


def test_an_award_whose_contract_is_under_review_can_no_longer_be_cancelled(world, contract):
    ready(world, contract)
    contracting.contract_submit(actor=world["finance"], contract=contract)
    with assert_nothing_written(contract), pytest.raises(Conflict) as error:
        services.award_cancel(actor=world["finance"], award=contract.award, reason="Nhầm lẫn")
    assert error.value.code == "award.contract_in_progress"


def test_a_ppp_financial_plan_is_saved_per_year_and_a_year_given_twice_is_refused(world, contract):
    contracting.contract_update(actor=world["finance"], contract=contract, contract_type="BOT")
    contracting.financial_plan_save(
        actor=world["finance"], contract=contract, revenue={"2027": "12000000000", "2028": "12500000000"}
    )
    assert list(contract.financial_plan.values_list("year", "projected_revenue")) == [
        (2027, D("12000000000")),
        (2028, D("12500000000")),
    ]
    kept = contract.financial_plan.get(year=2027)
    with translation.override("en"), assert_nothing_written(kept), pytest.raises(ValidationFailed) as error:
        # " 2027" is the year 2027 once stripped: the same year twice.
        contracting.financial_plan_save(
            actor=world["finance"], contract=contract, revenue={"2027": "1", " 2027": "2"}
        )
    assert error.value.fields == {"revenue. 2027": "appears twice"}
