"""Tenders: built from an approved model, checked against the rule book valid on their dates,
approved by the reviewing body (never by their maker), published, amended and clarified."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone, translation

from contracts import selectors, services
from contracts.models import Amendment, Bid, ScheduleItem, Tender, TenderDecision, TenderStatus
from ppp.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from ppp.models import AuditEntry, Notification
from tests.contracts.conftest import D, new_tender, published_tender, submitted_bid, terms
from tests.roles import assert_nothing_written


@pytest.fixture(autouse=True)
def _english():  # type: ignore[no-untyped-def]
    """These tests read the services' messages in English; the catalogue has them in Vietnamese too."""
    with translation.override("en"):
        yield


pytestmark = pytest.mark.django_db


def test_a_tender_from_an_approved_option_takes_its_estimate_and_schedule(world):
    tender = new_tender(world)
    assert tender.status == TenderStatus.DRAFT and tender.reference.startswith("TB-")
    # 3 x (12 x 50,000,000 x 1.1 + 2 x 300,000,000) = 3,780,000,000
    assert tender.estimate == tender.package_price == D(3_780_000_000)
    assert tender.estimate_hash == world["model"].content_hash
    items = list(
        ScheduleItem.objects.filter(tender=tender).values_list("code", "unit", "quantities", "vat_applicable")
    )
    assert items == [
        ("HOST", "tháng", ["12", "12", "12"], True),
        ("SUPPORT", "người-năm", ["2", "2", "2"], False),
    ]
    assert AuditEntry.objects.filter(action="tender.created", object_id=str(tender.pk)).exists()


def test_the_package_price_may_not_exceed_the_estimate(world):
    with assert_nothing_written(), pytest.raises(ValidationFailed) as error:
        new_tender(world, package_price="3780000001")
    assert "package_price" in error.value.fields
    assert new_tender(world, package_price="3500000000").package_price == D(3_500_000_000)


def test_a_tender_needs_an_approved_model_and_a_finance_officer(world):
    model = world["model"]
    option = model.options.get(kind="service_hire")
    for who in ("evaluator", "approver", "preparer_a", "outsider"):
        with assert_nothing_written(), pytest.raises(PermissionDenied):
            services.tender_create(actor=world[who], model=model, option=option, **terms())
    from costing import services as costing_services

    draft = costing_services.cost_model_new_version(actor=world["finance"], model=model)
    with assert_nothing_written(), pytest.raises(Conflict):
        services.tender_create(actor=world["finance"], model=draft, option=draft.options.first(), **terms())


BROKEN_RULES = [
    ("technical weight above 30 %", {"method": "combined", "envelopes": 2, "technical_weight": "0.35",
                                     "price_weight": "0.65", "pass_mark": "0.7"},
     "technical_weight", "between 10% and 30%"),
    ("weights not adding up", {"method": "combined", "envelopes": 2, "technical_weight": "0.2",
                               "price_weight": "0.7", "pass_mark": "0.7"}, "price_weight", "100%"),
    ("pass mark below 70 %", {"method": "combined", "envelopes": 2, "technical_weight": "0.2",
                              "price_weight": "0.8", "pass_mark": "0.6"},
     "pass_mark", "between 70% and 100%"),
    ("combined in one envelope", {"method": "combined", "envelopes": 1, "technical_weight": "0.2",
                                  "price_weight": "0.8", "pass_mark": "0.7"}, "envelopes", "two envelopes"),
    ("bid security below 1 %", {"bid_security_rate": "0.005"}, "bid_security_rate", "between 1% and 1.5%"),
    ("bid security above 1.5 %", {"bid_security_rate": "0.02"}, "bid_security_rate", "between 1% and 1.5%"),
    ("fixed price for non-consulting", {"method": "fixed_price"}, "method", "consulting"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("label", "change", "field", "words"), BROKEN_RULES, ids=[c[0] for c in BROKEN_RULES]
)
def test_broken_rules_are_named_with_their_legal_basis_and_nothing_is_written(
    world, label, change, field, words
):
    with assert_nothing_written(), pytest.raises(ValidationFailed) as error:
        new_tender(world, **change)
    assert words in error.value.fields[field], error.value.fields
    if field not in ("envelopes", "method", "price_weight"):
        assert "Decree 214/2025/NĐ-CP" in error.value.fields[field]


def test_preparation_time_follows_the_package_size_and_the_decree_in_force_on_publication(world):
    now = timezone.now()
    # A small non-consulting package (<= VND 10 bn) needs 9 days domestic under Decree 214/2025.
    with pytest.raises(ValidationFailed) as error:
        new_tender(
            world, closing_at=now + dt.timedelta(days=8), opening_at=now + dt.timedelta(days=8, hours=1)
        )
    assert "at least 9 days" in error.value.fields["closing_at"]
    assert "Decree 214/2025/NĐ-CP" in error.value.fields["closing_at"]
    new_tender(
        world, closing_at=now + dt.timedelta(days=9, hours=1), opening_at=now + dt.timedelta(days=9, hours=2)
    )
    # International: 18 days for a small package.
    with pytest.raises(ValidationFailed) as error:
        new_tender(
            world,
            scope="international",
            closing_at=now + dt.timedelta(days=15),
            opening_at=now + dt.timedelta(days=15, hours=1),
        )
    assert "at least 18 days" in error.value.fields["closing_at"]
    # A tender dated under Decree 24/2024 (until 3 August 2025) is checked against that decree.
    published = dt.datetime(2025, 6, 2, 9, tzinfo=dt.UTC)
    with pytest.raises(ValidationFailed) as error:
        new_tender(
            world,
            publication_at=published,
            clarification_deadline=published + dt.timedelta(days=1),
            closing_at=published + dt.timedelta(days=3),
            opening_at=published + dt.timedelta(days=3, hours=1),
        )
    assert "Decree 24/2024/NĐ-CP" in error.value.fields["closing_at"]


def test_opening_must_follow_the_closing_within_two_hours(world):
    tender_terms = terms()
    with pytest.raises(ValidationFailed) as error:
        new_tender(world, opening_at=tender_terms["closing_at"] + dt.timedelta(hours=3))
    assert "within 2 hours" in error.value.fields["opening_at"]


def test_bad_dates_and_numbers_are_named(world):
    with assert_nothing_written(), pytest.raises(ValidationFailed) as error:
        new_tender(world, closing_at="tomorrow", bid_security_rate="NaN", envelopes=3, colour="red")
    assert {"closing_at", "bid_security_rate", "envelopes", "colour"} <= set(error.value.fields)


def test_approval_is_by_the_reviewing_body_never_by_the_maker_and_is_recorded(world):
    tender = new_tender(world)
    services.tender_submit(actor=world["finance"], tender=tender)
    assert Notification.objects.filter(recipient=world["approver"], verb="tender.submitted").exists()
    for who in ("finance", "evaluator", "preparer_a"):
        with assert_nothing_written(tender), pytest.raises(PermissionDenied):
            services.tender_approve(actor=world[who], tender=tender)
    approved = services.tender_approve(actor=world["approver"], tender=tender, note="Đồng ý")
    assert approved.status == TenderStatus.APPROVED and len(approved.content_hash) == 64
    published = services.tender_publish(actor=world["finance"], tender=approved)
    assert published.status == TenderStatus.PUBLISHED and published.published_at is not None
    assert list(TenderDecision.objects.filter(tender=tender).values_list("decision", flat=True)) == [
        "submitted",
        "approved",
        "published",
    ]
    with pytest.raises(Conflict):
        services.tender_update(actor=world["finance"], tender=published, title="Khác")


def test_an_approver_who_edited_the_tender_may_not_approve_it(world):
    from tests.factories import MembershipFactory

    MembershipFactory(user=world["approver"], organisation=world["agency"], role="finance_officer")
    both = type(world["approver"]).objects.get(pk=world["approver"].pk)  # memberships are read per request
    tender = new_tender(world)
    services.tender_update(actor=both, tender=tender, title="Sửa bởi người phê duyệt")
    services.tender_submit(actor=world["finance"], tender=tender)
    tender.refresh_from_db()
    with assert_nothing_written(tender), pytest.raises(PermissionDenied) as error:
        services.tender_approve(actor=both, tender=tender)
    assert error.value.code == "tender.own_work"


def test_a_combined_tender_needs_scored_criteria_before_submission(world):
    tender = new_tender(world, method="combined", envelopes=2, technical_weight="0.2", price_weight="0.8",
                        pass_mark="0.7")  # fmt: skip
    with pytest.raises(ValidationFailed) as error:
        services.tender_submit(actor=world["finance"], tender=tender)
    assert "criteria" in error.value.fields
    services.criterion_add(actor=world["finance"], tender=tender, kind="technical", code="KT1",
                           name="Giải pháp kỹ thuật", max_points="100")  # fmt: skip
    assert services.tender_submit(actor=world["finance"], tender=tender).status == TenderStatus.SUBMITTED


def test_an_amendment_close_to_the_closing_moves_it_and_returns_submitted_bids_to_draft(world):
    now = timezone.now()
    tender = published_tender(
        world, closing_at=now + dt.timedelta(days=12), opening_at=now + dt.timedelta(days=12, hours=1)
    )
    bid = submitted_bid(world, tender)
    services.bid_create(actor=world["preparer_b"], tender=tender, vendor=world["vendor_b"])
    # 12 days before closing: no move needed for the first amendment.
    first = services.tender_amend(
        actor=world["finance"], tender=tender, reason="Sửa phạm vi", scope_of_work="Mới"
    )
    assert first.closing_after == first.closing_before
    bid.refresh_from_db()
    assert bid.status == "draft" and bid.content_hash == ""
    # Now pretend the closing is 4 days away: an amendment moves it to 10 days from now.
    Tender.objects.filter(pk=tender.pk).update(
        clarification_deadline=now + dt.timedelta(days=1),
        closing_at=now + dt.timedelta(days=4),
        opening_at=now + dt.timedelta(days=4, hours=1),
    )
    tender.refresh_from_db()
    second = services.tender_amend(
        actor=world["finance"],
        tender=tender,
        reason="Đổi khối lượng",
        item_quantities={"HOST": ["12", "12", "24"]},
    )
    tender.refresh_from_db()
    assert tender.version == 3
    assert dt.timedelta(days=9, hours=23) < tender.closing_at - now <= dt.timedelta(days=10, minutes=1)
    assert tender.opening_at - tender.closing_at == dt.timedelta(hours=1)
    assert second.changes["items.HOST.quantities"] == {
        "before": ["12", "12", "12"],
        "after": ["12", "12", "24"],
    }
    assert "Decree 214/2025" in second.changes["closing_at"]["moved_by"]
    assert Amendment.objects.filter(tender=tender).count() == 2
    # Both vendors taking part are told; the tender's history does not count the bids.
    assert Notification.objects.filter(recipient=world["signatory_b"], verb="tender.amended").count() == 2
    tender_entry = AuditEntry.objects.filter(action="tender.amended", object_id=str(tender.pk)).last()
    assert set(tender_entry.after) == {"amendment", "changes"}


def test_amendments_refuse_fields_they_cannot_change_and_empty_changes(world):
    tender = published_tender(world)
    with assert_nothing_written(tender), pytest.raises(ValidationFailed) as error:
        services.tender_amend(actor=world["finance"], tender=tender, reason="x", package_price="1")
    assert "package_price" in error.value.fields
    with pytest.raises(ValidationFailed) as error:
        services.tender_amend(actor=world["finance"], tender=tender, reason="x", title=tender.title)
    assert error.value.code == "amendment.empty"


def test_questions_are_answered_and_published_to_all_without_the_askers_name(world):
    tender = published_tender(world)
    question = services.clarification_ask(actor=world["preparer_a"], tender=tender, vendor=world["vendor_a"],
                                          question="Có cần chứng chỉ ISO 27001?")  # fmt: skip
    assert list(selectors.clarification_list_for(user=world["preparer_b"], tender=tender)) == []
    services.clarification_answer(actor=world["finance"], clarification=question, answer="Có.")
    seen_by_b = list(selectors.clarification_list_for(user=world["preparer_b"], tender=tender))
    assert [(c.question, c.answer) for c in seen_by_b] == [("Có cần chứng chỉ ISO 27001?", "Có.")]
    with pytest.raises(PermissionDenied):
        services.clarification_ask(
            actor=world["preparer_c"], tender=tender, vendor=world["unverified"], question="?"
        )
    Tender.objects.filter(pk=tender.pk).update(
        clarification_deadline=timezone.now() - dt.timedelta(minutes=1)
    )
    with assert_nothing_written(), pytest.raises(Conflict):
        services.clarification_ask(
            actor=world["preparer_a"], tender=tender, vendor=world["vendor_a"], question="?"
        )


def test_visibility_of_tenders(world):
    draft = new_tender(world)
    for who in ("approver", "preparer_a", "outsider"):
        with pytest.raises(NotFound):
            selectors.tender_get_for(user=world[who], pk=draft.pk)
    services.tender_submit(actor=world["finance"], tender=draft)
    assert selectors.tender_get_for(user=world["approver"], pk=draft.pk) == draft
    with pytest.raises(NotFound):
        selectors.tender_get_for(user=world["preparer_a"], pk=draft.pk)
    published = published_tender(world)
    assert selectors.tender_get_for(user=world["preparer_a"], pk=published.pk) == published
    with pytest.raises(NotFound):
        selectors.tender_get_for(user=world["preparer_c"], pk=published.pk)  # unverified vendor
    assert not Bid.objects.exists()
