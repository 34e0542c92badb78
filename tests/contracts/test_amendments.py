"""Amendments of an active contract: the value effect as an amount and a share of the original, the
net cumulative thresholds of the rule book, the approval chain again (maker-checker included), the
frozen version the approval makes, signature by both parties, and the diff between versions.

The contract is test_contracting's: bid A wins at 3,041,920,000 VND = (12 x 40,000,000 x 1.1 x 3 +
2 x (250 + 250 + 260) x 1,000,000) x (1 - 2 % discount). Hand calculations (VAT 10 %, discount 2 %):
- amendment 1, SUPPORT's third-year price 260,000,000 -> 300,000,000 (2 people, no VAT):
  2 x 40,000,000 x 0.98 = 78,400,000; 78,400,000 / 3,041,920,000 = 2.5773 %.
- a new line MOBILE, 1 package a year for 2 years at 150,000,000 with VAT:
  2 x 150,000,000 x 1.1 x 0.98 = 323,400,000; cumulative (78.4 + 323.4) m / 3,041.92 m = 13.2088 %,
  above the 10 % flag, below the 20 % review share.
- HOST 40,000,000 -> 60,000,000 a month for 3 years (12 months, VAT): 3 x 12 x 20,000,000 x 1.1 x 0.98
  = 776,160,000; cumulative 1,177,960,000 / 3,041,920,000 = 38.7242 % > 20 %: the full chain.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import translation

from contracts import selectors
from contracts.models import (
    Contract,
    ContractAmendment,
    ContractDecision,
    ContractStatus,
    ContractVersion,
)
from contracts.services import amendments, contracting
from ppp.errors import Conflict, PermissionDenied, ValidationFailed
from ppp.models import AuditEntry, Membership, Notification, Role
from tests.contracts.test_contracting import awarded, ready
from tests.factories import member
from tests.roles import assert_nothing_written

pytestmark = pytest.mark.django_db

D = Decimal
SUPPORT_RAISE = {"SUPPORT": ["250000000", "250000000", "300000000"]}
MOBILE = {"code": "MOBILE", "name": "Ứng dụng di động", "unit": "gói", "vat_applicable": True,
          "quantities": ["1", "1"], "unit_prices": ["150000000", "150000000"]}  # fmt: skip


def active(world) -> Contract:  # type: ignore[no-untyped-def]
    contract = ready(world, awarded(world))
    contracting.contract_submit(actor=world["finance"], contract=contract)
    contracting.contract_decide(actor=world["approver"], contract=contract, decision="approve")
    contracting.contract_sign(actor=world["signatory_a"], contract=contract)
    world["agency_signatory"] = member(Role.SIGNATORY, world["agency"])
    return contracting.contract_sign(actor=world["agency_signatory"], contract=contract)


@pytest.fixture
def contract(world) -> Contract:
    return active(world)


def amend(world, contract, **changes):  # type: ignore[no-untyped-def]
    values = {"rationale": "price_adjustment", "description": "Điều chỉnh giá nhân công năm thứ ba",
              "prices": SUPPORT_RAISE, **changes}  # fmt: skip
    return amendments.amendment_save(actor=world["finance"], contract=contract, **values)


def in_force(world, contract, amendment, *approvers):  # type: ignore[no-untyped-def]
    amendments.amendment_submit(actor=world["finance"], amendment=amendment)
    for who in approvers or (world["approver"],):
        amendments.amendment_decide(actor=who, amendment=amendment, decision="approve")
    amendments.amendment_sign(actor=world["signatory_a"], amendment=amendment)
    return amendments.amendment_sign(actor=world["agency_signatory"], amendment=amendment)


def test_a_price_adjustment_states_its_effect_as_an_amount_and_a_share_of_the_original(world, contract):
    amendment = amend(world, contract)
    assert (amendment.number, amendment.version, amendment.status) == (1, 2, "draft")
    assert (amendment.value_before, amendment.value_effect, amendment.value_after) == (
        D("3041920000"),
        D("78400000"),
        D("3120320000"),
    )
    assert (amendment.effect_share, amendment.cumulative_share) == (D("0.025773"), D("0.025773"))
    assert (amendment.flagged, amendment.escalated) == (False, False)
    assert amendment.prices == {"SUPPORT": ["250000000", "250000000", "300000000"]}
    # Nothing of the contract changes while the amendment is prepared.
    contract.refresh_from_db()
    assert (contract.value, contract.version, contract.price_schedule["SUPPORT"][2]) == (
        D("3041920000"),
        1,
        "260000000",
    )


def test_the_approved_amendment_is_frozen_signed_and_then_in_force_with_a_diff_from_version_1(
    world, contract
):
    amendment = amend(world, contract)
    submitted = amendments.amendment_submit(actor=world["finance"], amendment=amendment)
    assert (submitted.status, submitted.required_approvals, submitted.senior_required) == (
        "under_review",
        1,
        False,
    )
    assert Notification.objects.filter(recipient=world["approver"], verb="amendment.submitted").exists()
    approved = amendments.amendment_decide(actor=world["approver"], amendment=amendment, decision="approve")
    assert approved.status == "approved"
    frozen = ContractVersion.objects.get(contract=contract, number=2)
    assert frozen.content_hash == approved.approved_hash
    assert (frozen.content["value"], frozen.content["price_schedule"]["SUPPORT"][2]) == (
        "3120320000.0000",
        "300000000",
    )
    # Approved but not yet signed: the contract in force is still version 1.
    assert Contract.objects.get(pk=contract.pk).value == D("3041920000")
    assert Notification.objects.filter(recipient=world["signatory_a"], verb="amendment.approved").exists()
    assert (
        not Notification.objects.filter(recipient=world["signatory_b"])
        .filter(verb__startswith="amendment")
        .exists()
    )

    amendments.amendment_sign(actor=world["signatory_a"], amendment=amendment)
    assert Contract.objects.get(pk=contract.pk).version == 1
    done = amendments.amendment_sign(actor=world["agency_signatory"], amendment=amendment)

    assert done.status == "in_force" and done.in_force_at is not None
    contract = Contract.objects.get(pk=contract.pk)
    assert (contract.status, contract.version, contract.value) == (ContractStatus.ACTIVE, 2, D("3120320000"))
    assert contract.approved_hash == frozen.content_hash == contracting.content_hash(contract)
    assert set(contract.signatures.filter(version=2).values_list("party", "content_hash")) == {
        (world["vendor_a"].pk, frozen.content_hash),
        (world["agency"].pk, frozen.content_hash),
    }
    diff = selectors.version_diff_for(user=world["approver"], contract=contract, a=1, b=2)
    assert diff == [
        {
            "path": "price_schedule.SUPPORT[2]",
            "before": "260000000",
            "after": "300000000",
            "change": "changed",
        },
        {"path": "value", "before": "3041920000.0000", "after": "3120320000.0000", "change": "changed"},
        {"path": "version", "before": 1, "after": 2, "change": "changed"},
    ]


def test_a_term_extension_needs_a_later_end_date_and_shows_in_the_diff(world, contract):
    with assert_nothing_written(contract), pytest.raises(ValidationFailed) as error:
        amend(world, contract, rationale="term_extension", prices=None, terms={"warranty_months": 18})
    assert set(error.value.fields) == {"terms.end_date"}
    amendment = amend(
        world, contract, rationale="term_extension", prices=None, terms={"end_date": "2029-12-31"}
    )
    assert (amendment.terms, amendment.value_effect) == ({"end_date": "2029-12-31"}, D("0"))
    in_force(world, contract, amendment)
    contract = Contract.objects.get(pk=contract.pk)
    assert contract.end_date == dt.date(2029, 12, 31)
    assert selectors.version_diff_for(user=world["finance"], contract=contract, a=1, b=2) == [
        {"path": "end_date", "before": "2028-12-31", "after": "2029-12-31", "change": "changed"},
        {"path": "version", "before": 1, "after": 2, "change": "changed"},
    ]


def test_cumulative_changes_are_flagged_above_10_percent_and_take_the_full_chain_above_20(world, contract):
    in_force(world, contract, amend(world, contract))
    second = amend(world, contract, rationale="scope_change", description="Thêm ứng dụng di động",
                   prices=None, new_lines=[MOBILE])  # fmt: skip
    assert (second.number, second.version, second.value_effect) == (2, 3, D("323400000"))
    assert (second.effect_share, second.cumulative_share) == (D("0.106314"), D("0.132088"))
    assert (second.flagged, second.escalated) == (True, False)
    in_force(world, contract, second)
    contract = Contract.objects.get(pk=contract.pk)
    assert contract.value == D("3443720000")  # 3,041,920,000 + 78,400,000 + 323,400,000
    assert contract.extra_lines == [MOBILE]

    third = amend(world, contract, description="Tăng giá hạ tầng", prices={"HOST": ["60000000"] * 3})
    assert (third.value_effect, third.cumulative_share, third.escalated) == (
        D("776160000"),
        D("0.387242"),
        True,
    )
    submitted = amendments.amendment_submit(actor=world["finance"], amendment=third)
    # Below VND 10 bn one approver would do; the cumulative change takes the chain above the threshold.
    assert (submitted.required_approvals, submitted.senior_required) == (2, True)
    assert "38.7242%" in submitted.approval_rule and "20%" in submitted.approval_rule
    second_approver = member(Role.APPROVER, world["reviewing_body"])
    amendments.amendment_decide(actor=world["approver"], amendment=third, decision="approve")
    with pytest.raises(Conflict) as no_senior:
        amendments.amendment_decide(actor=second_approver, amendment=third, decision="approve")
    assert no_senior.value.code == "contract.senior_required"
    senior = member(Role.APPROVER, world["reviewing_body"])
    Membership.objects.filter(user=senior).update(is_senior=True)
    assert amendments.amendment_decide(actor=senior, amendment=third, decision="approve").status == "approved"
    # The lines of an earlier amendment are priced like the tendered ones in the content.
    assert ContractVersion.objects.get(contract=contract, number=4).content["extra_lines"] == [MOBILE]


def test_nobody_approves_their_own_amendment_nor_the_vendor_and_denials_write_nothing(world, contract):
    amendment = amend(world, contract)
    amendments.amendment_submit(actor=world["finance"], amendment=amendment)
    # The author also holds an approver's seat in the reviewing body; a vendor signatory too.
    Membership.objects.create(user=world["finance"], organisation=world["reviewing_body"], role=Role.APPROVER)
    Membership.objects.create(
        user=world["signatory_a"], organisation=world["reviewing_body"], role=Role.APPROVER
    )
    other_finance = member(Role.FINANCE_OFFICER, world["agency"])
    for who, code in (
        (world["finance"], "contract.own_work"),
        (world["signatory_a"], "contract.vendor"),
        (other_finance, "contract.forbidden"),
        (world["signatory_b"], "contract.forbidden"),
    ):
        who = type(who).objects.get(pk=who.pk)
        with assert_nothing_written(contract, amendment), pytest.raises(PermissionDenied) as error:
            amendments.amendment_decide(actor=who, amendment=amendment, decision="approve")
        assert error.value.code == code
    # The approver of the original contract is no author of the amendment: they may decide on it.
    amendments.amendment_decide(actor=world["approver"], amendment=amendment, decision="approve")
    with assert_nothing_written(contract), pytest.raises(Conflict) as twice:
        amendments.amendment_decide(actor=world["approver"], amendment=amendment, decision="approve")
    assert twice.value.code == "contract.invalid_transition"
    assert ContractDecision.objects.filter(amendment=amendment).count() == 1


def test_an_editor_of_the_draft_becomes_an_author_and_cannot_approve(world, contract):
    amendment = amend(world, contract)
    colleague = member(Role.FINANCE_OFFICER, world["agency"])
    Membership.objects.create(user=colleague, organisation=world["reviewing_body"], role=Role.APPROVER)
    colleague = type(colleague).objects.get(pk=colleague.pk)
    amendments.amendment_save(
        actor=colleague,
        contract=contract,
        amendment=amendment,
        rationale="indexation",
        description="Chỉ số giá 2028",
        prices=SUPPORT_RAISE,
    )
    amendments.amendment_submit(actor=world["finance"], amendment=amendment)
    with assert_nothing_written(contract, amendment), pytest.raises(PermissionDenied) as error:
        amendments.amendment_decide(actor=colleague, amendment=amendment, decision="approve")
    assert error.value.code == "contract.own_work"


def test_changes_requested_return_the_draft_and_the_next_round_needs_every_approval_again(world, contract):
    from ppp.models import RuleSet

    rule = RuleSet.objects.get(name="contracts.approval_chain")
    rule.parameters = {
        **rule.parameters,
        "single_approver_up_to": "1000000000",
        "senior_required_above": False,
    }
    rule.save()
    amendment = amend(world, contract)
    assert amendments.amendment_submit(actor=world["finance"], amendment=amendment).required_approvals == 2
    second = member(Role.APPROVER, world["reviewing_body"])
    amendments.amendment_decide(actor=world["approver"], amendment=amendment, decision="approve")
    returned = amendments.amendment_decide(
        actor=second, amendment=amendment, decision="request_changes", comment="Thiếu căn cứ chỉ số giá"
    )
    assert returned.status == "draft"
    assert Notification.objects.filter(recipient=world["finance"], verb="amendment.request_changes").exists()
    amendments.amendment_submit(actor=world["finance"], amendment=amendment)
    assert (
        amendments.amendment_decide(actor=second, amendment=amendment, decision="approve").status
        == "under_review"
    )
    final = amendments.amendment_decide(actor=world["approver"], amendment=amendment, decision="approve")
    assert final.status == "approved" and final.review_round == 2


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"rationale": "whim"}, "rationale", "choose one of: scope_change"),
        ({"description": "  "}, "description", "This field is required."),
        ({"prices": {"NOPE": ["1", "1", "1"]}}, "prices.NOPE", "no such line in the contract's schedule"),
        ({"prices": {"SUPPORT": ["1", "1"]}}, "prices.SUPPORT", "needs 3 values, one per year"),
        ({"prices": {"SUPPORT": ["1", "-5", "1"]}}, "prices.SUPPORT[1]", "must be at least 0"),
        ({"prices": {"SUPPORT": ["1", "NaN", "1"]}}, "prices.SUPPORT[1]", "must be a finite number"),
        ({"prices": {"SUPPORT": ["1", "abc", "1"]}}, "prices.SUPPORT[1]", "must be a number"),
        ({"terms": {"contract_type": "BOT"}}, "terms.contract_type", "not a contract term"),
        ({"terms": {"end_date": "2025-06-30"}}, "terms.end_date", "must be after the start date"),
        ({"terms": {"performance_security_rate": "0.12"}}, "terms.performance_security_rate",
         "must be between 2% and 10%"),
        ({"new_lines": [{**MOBILE, "code": "HOST"}]}, "new_lines[0].code",
         "the schedule already has a line HOST"),
        ({"new_lines": [{**MOBILE, "unit_prices": ["1"]}]}, "new_lines[0].unit_prices", "needs 2 values"),
        ({"prices": None}, "terms", "change a term, a price or add a line"),
        ({"prices": {"SUPPORT": ["250000000", "250000000", "260000000"]}}, "terms",
         "change a term, a price or add a line"),
    ],
)  # fmt: skip
def test_bad_amendments_name_the_field_and_write_nothing(world, contract, changes, field, message):
    with (
        translation.override("en"),
        assert_nothing_written(contract),
        pytest.raises(ValidationFailed) as error,
    ):
        amend(world, contract, **changes)
    assert error.value.fields[field].startswith(message), error.value.fields


def test_only_an_active_contract_is_amended(world):
    draft = awarded(world)
    with assert_nothing_written(draft), pytest.raises(Conflict) as not_active:
        amend(world, draft)
    assert not_active.value.code == "amendment.invalid_transition"


def test_a_second_open_amendment_is_refused_and_a_frozen_contract_changes_only_by_amendment(world, contract):
    first = amend(world, contract)
    with assert_nothing_written(contract), pytest.raises(Conflict) as twice:
        amend(world, contract, prices=None, terms={"warranty_months": 24})
    assert twice.value.code == "amendment.open"
    with assert_nothing_written(contract), pytest.raises(Conflict) as frozen:
        contracting.contract_update(actor=world["finance"], contract=contract, warranty_months=24)
    assert frozen.value.code == "contract.frozen"
    amendments.amendment_withdraw(actor=world["finance"], amendment=first, reason="Chưa cần")
    assert amend(world, contract, prices=None, terms={"warranty_months": 24}).number == 2


def test_deciding_on_a_draft_and_signing_before_approval_are_refused(world, contract):
    amendment = amend(world, contract)
    with assert_nothing_written(contract, amendment), pytest.raises(Conflict) as early:
        amendments.amendment_decide(actor=world["approver"], amendment=amendment, decision="approve")
    assert early.value.code == "contract.invalid_transition"
    with assert_nothing_written(contract, amendment), pytest.raises(Conflict) as unsigned:
        amendments.amendment_sign(actor=world["signatory_a"], amendment=amendment)
    assert unsigned.value.code == "amendment.invalid_transition"
    for who in (world["approver"], world["signatory_b"], world["preparer_a"]):
        with assert_nothing_written(contract, amendment), pytest.raises(PermissionDenied):
            amendments.amendment_save(
                actor=who, contract=contract, amendment=amendment, rationale="indexation", description="x"
            )


def test_what_is_signed_is_what_was_approved(world, contract):
    amendment = amend(world, contract)
    amendments.amendment_submit(actor=world["finance"], amendment=amendment)
    amendments.amendment_decide(actor=world["approver"], amendment=amendment, decision="approve")
    ContractAmendment.objects.filter(pk=amendment.pk).update(prices={"SUPPORT": ["1", "1", "1"]})
    with pytest.raises(Conflict) as changed:
        amendments.amendment_sign(actor=world["signatory_a"], amendment=amendment)
    assert changed.value.code == "amendment.changed"


def test_the_vendor_sees_an_amendment_once_submitted_and_the_history_keeps_before_and_after(world, contract):
    amendment = amend(world, contract)
    assert list(selectors.amendment_list_for(user=world["signatory_a"], contract=contract)) == []
    assert list(selectors.amendment_list_for(user=world["approver"], contract=contract)) == [amendment]
    in_force(world, contract, amendment)
    assert list(selectors.amendment_list_for(user=world["signatory_a"], contract=contract)) == [amendment]
    actions = list(
        AuditEntry.objects.filter(object_type="contracts.contract", object_id=str(contract.pk))
        .filter(action__startswith="contract.amendment")
        .values_list("action", flat=True)
    )
    assert actions == [
        "contract.amendment_started",
        "contract.amendment_submitted",
        "contract.amendment_approve",
        "contract.amendment_signed",
        "contract.amendment_signed",
    ]
    submitted = AuditEntry.objects.get(object_id=str(contract.pk), action="contract.amendment_submitted")
    assert (submitted.before["status"], submitted.after["status"]) == ("draft", "under_review")
    signed = AuditEntry.objects.filter(object_id=str(contract.pk), action="contract.amendment_signed").last()
    assert (signed.before["version"], signed.after["version"], signed.after["status"]) == (1, 2, "in_force")
