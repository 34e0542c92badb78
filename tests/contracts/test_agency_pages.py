"""The agency's tender pages and the pages every participant shares: each renders for the right role
in Vietnamese and English with figures worked out by hand; a role matrix over every bid-related page
before and after opening; every denied POST writes nothing; maker-checker on approval; sealing (a
tender with bids and one without look the same to the agency before opening); a fixed number of
queries on the list; the reviewer's queue.

The world is tests/contracts/conftest.py: the service-hire option over 2026-2028, VAT 10 %,
package price = the option's nominal lifecycle cost incl. VAT = 3 x (600,000,000 x 1.1 + 600,000,000)
= 3,780,000,000; bid security 1 % = 37,800,000. Every bid takes a 2 % discount.

Bid A (Công ty A): HOST 12 x 40,000,000 a year (VAT), SUPPORT 2 x 250,000,000, 250,000,000, 260,000,000
  excl. VAT 3 x 480,000,000 + 2 x (250 + 250 + 260) million = 1,440,000,000 + 1,520,000,000 = 2,960,000,000
  incl. VAT 3 x 528,000,000 + 1,520,000,000 = 3,104,000,000; after 2 % = 3,041,920,000
  evaluated (not entitled to preference: + 7.5 %) 3,041,920,000 x 1.075 = 3,270,064,000
Bid B (Công ty B): HOST 12 x 45,000,000, SUPPORT 2 x 240,000,000 every year
  excl. VAT 3 x (540 + 480) million = 3,060,000,000; incl. VAT 3 x (594 + 480) million = 3,222,000,000
  after 2 % = 3,157,560,000; evaluated x 1.075 = 3,394,377,000
Price scores: A 100; B 3,270,064,000 x 100 / 3,394,377,000 = 96.3377 -> 96.34 (shown to 2 places).
Value for money against the PSC 2,950,616,259 (at the model's 5 %; nothing retained under hire):
  A costs (1,028,000,000 + 1,028,000,000 / 1.05 + 1,048,000,000 / 1.05^2) x 0.98 = 2,898,462,222.22
    -> 2,898,462,222; VfM = +52,154,037 (cheaper than the PSC)
  B costs 1,074,000,000 x (1 + 1/1.05 + 1/1.05^2) x 0.98 = 3,009,586,666.67 -> 3,009,586,667;
    VfM = -58,970,408 (dearer than the PSC)
Comparison with the estimate (incl. VAT, before discounts): HOST 12 x 50,000,000 x 1.1 = 660,000,000 a
  year expected, A 528,000,000, B 594,000,000; totals 3,780,000,000 / 3,104,000,000 / 3,222,000,000;
  A is 676,000,000 (17.9 %) below, B 558,000,000 (14.8 %) below.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from contracts import services
from contracts.models import (
    Amendment,
    Award,
    AwardStatus,
    Clarification,
    ComplianceResult,
    Criterion,
    Evaluation,
    TechnicalScore,
    Tender,
    TenderDecision,
    TenderStatus,
)
from costing import services as costing_services
from ppp.models import AuditEntry, Role
from tests.contracts.conftest import D, new_tender, published_tender, submitted_bid, terms
from tests.factories import MembershipFactory, member
from tests.roles import RoleMatrix, assert_nothing_written

pytestmark = pytest.mark.django_db

LANGUAGES = ("vi", "en")
PRICES_B = {"HOST": ["45000000", "45000000", "45000000"], "SUPPORT": ["240000000", "240000000", "240000000"]}


def money(value: int, language: str) -> str:
    """A VND amount as the page writes it: "1.234 ₫" in Vietnamese, "1,234 VND" in English."""
    digits = f"{abs(value):,}"
    sign = "-" if value < 0 else ""
    if language == "vi":
        return sign + digits.replace(",", ".") + " ₫"
    return sign + digits + " VND"


def plain(value: int, language: str) -> str:
    digits = f"{value:,}"
    return digits.replace(",", ".") if language == "vi" else digits


def client_for(user, language: str = "vi") -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    client.cookies["ppp_language"] = language
    return client


def denied_post(user, address: str, data: dict | None = None, *watched, language: str = "en"):  # type: ignore[no-untyped-def]
    """POST as `user` (signed in beforehand: signing in is audited) and prove nothing was written."""
    client = client_for(user, language)
    with assert_nothing_written(*watched):
        return client.post(address, data or {})


def text_of(response) -> str:
    return response.content.decode()


def page_url(name: str, tender: Tender, *args) -> str:
    return reverse(f"contracts:{name}", args=[tender.pk, *args])


def close(tender: Tender) -> None:
    """Move the timeline into the past: the tender closed five minutes ago."""
    past = timezone.now() - dt.timedelta(minutes=5)
    Tender.objects.filter(pk=tender.pk).update(
        publication_at=past - dt.timedelta(days=20),
        clarification_deadline=past - dt.timedelta(days=1),
        closing_at=past,
        opening_at=past + dt.timedelta(hours=1),
    )
    tender.refresh_from_db()


def with_two_bids(world):  # type: ignore[no-untyped-def]
    tender = published_tender(world)
    bid_a = submitted_bid(world, tender)
    bid_b = submitted_bid(world, tender, vendor="b", prices=PRICES_B)
    close(tender)
    return tender, bid_a, bid_b


def opened(world):  # type: ignore[no-untyped-def]
    tender, bid_a, bid_b = with_two_bids(world)
    services.tender_open(actor=world["finance"], tender=tender)
    tender.refresh_from_db()
    return tender, bid_a, bid_b


def evaluated(world):  # type: ignore[no-untyped-def]
    tender, bid_a, bid_b = opened(world)
    evaluation = services.evaluation_start(
        actor=world["finance"], tender=tender, chair=world["evaluator"], evaluators=[world["evaluator"]]
    )
    services.evaluation_compute(actor=world["evaluator"], evaluation=evaluation)
    tender.refresh_from_db()
    return tender, bid_a, bid_b


# Every page renders for the right role, in both languages, with the hand-calculated figures.


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_detail_shows_terms_schedule_timeline_and_the_finance_officers_actions(world, language):
    tender = new_tender(world)
    services.criterion_add(
        actor=world["finance"], tender=tender, kind="pass_fail", code="YC1", name="Chứng chỉ ISO 27001"
    )
    response = client_for(world["finance"], language).get(page_url("tender_detail", tender))
    assert response.status_code == 200
    page = text_of(response)
    assert f'lang="{language}"' in page
    assert tender.reference in page
    assert money(3_780_000_000, language) in page  # package price = estimate
    assert money(37_800_000, language) in page  # bid security 1 %
    assert ">2026<" in page and ">2028<" in page
    assert "Thuê hạ tầng" in page and "Chứng chỉ ISO 27001" in page
    expected = {
        "vi": ("Bản nháp", "Chưa đăng tải", "Trình phê duyệt", "Sửa các điều kiện"),
        "en": ("Draft", "Not published yet", "Submit for approval", "Edit the terms"),
    }[language]
    for text in expected:
        assert text in page, text
    assert 'data-testid="approve-tender"' not in page


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_list_shows_the_agencys_tenders_with_status_phase_and_closing(world, language):
    draft = new_tender(world, title="Gói thầu nháp")
    live = published_tender(world, title="Gói thầu đang mở")
    response = client_for(world["finance"], language).get(reverse("contracts:tender_list"))
    assert response.status_code == 200
    page = text_of(response)
    assert draft.reference in page and live.reference in page
    assert {"vi": "đang nhận hồ sơ", "en": "open for bids"}[language] in page
    closing = timezone.localtime(live.closing_at)
    assert closing.strftime({"vi": "%H:%M %d/%m/%Y", "en": "%Y-%m-%d %H:%M"}[language]) in page
    assert {"vi": "Tạo gói thầu", "en": "Create a tender"}[language] in page
    # Filters: by status and by phase.
    only_drafts = text_of(
        client_for(world["finance"], language).get(reverse("contracts:tender_list") + "?status=draft")
    )
    assert draft.reference in only_drafts and live.reference not in only_drafts
    open_ones = text_of(
        client_for(world["finance"], language).get(reverse("contracts:tender_list") + "?phase=open")
    )
    assert live.reference in open_ones and draft.reference not in open_ones


def test_vendors_see_published_tenders_with_their_closing_and_a_link_to_their_bid(world):
    draft = new_tender(world, title="Gói thầu nháp")
    live = published_tender(world, title="Gói thầu đang mở")
    page = text_of(client_for(world["preparer_a"], "en").get(reverse("contracts:tender_list")))
    assert live.reference in page and draft.reference not in page
    assert reverse("contracts:my_bid", args=[live.pk]) in page
    assert "Create a tender" not in page
    # The reviewer sees what was submitted, not drafts; nobody else sees the agency's tenders.
    assert draft.reference not in text_of(
        client_for(world["approver"], "en").get(reverse("contracts:tender_list"))
    )
    outsider = text_of(client_for(world["outsider"], "en").get(reverse("contracts:tender_list")))
    assert live.reference not in outsider and draft.reference not in outsider


def _tenders(world, count: int) -> None:
    for index in range(count):
        tender = new_tender(world, title=f"Gói thầu {index}")
        services.criterion_add(
            actor=world["finance"], tender=tender, kind="pass_fail", code="YC1", name="ISO"
        )


def _queries(client: Client, address: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(address).status_code == 200
    return len(queries)


def _as_published(world) -> None:  # type: ignore[no-untyped-def]
    """Mark every tender published (the vendors' list), without the workflow: only the list matters."""
    Tender.objects.update(published_at=timezone.now())


def test_the_list_runs_the_same_number_of_queries_for_2_and_10_tenders(world):
    address = reverse("contracts:tender_list")
    finance, vendor = client_for(world["finance"]), client_for(world["preparer_a"])
    _tenders(world, 2)
    _as_published(world)
    for client in (finance, vendor):
        client.get(address)  # warm the session and the caches
    few = {"finance": _queries(finance, address), "vendor": _queries(vendor, address)}
    _tenders(world, 8)
    _as_published(world)
    assert Tender.objects.count() == 10
    assert {"finance": _queries(finance, address), "vendor": _queries(vendor, address)} == few


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_finance_officer_creates_a_tender_from_the_approved_option_with_rates_as_percentages(
    world, language
):
    model = world["model"]
    option = model.options.get(kind="service_hire")
    client = client_for(world["finance"], language)
    chooser = client.get(reverse("contracts:tender_create"))
    assert chooser.status_code == 200
    address = reverse("contracts:tender_create") + f"?model={model.pk}&option={option.pk}"
    assert address.replace("&", "&amp;") in text_of(chooser)
    form_page = client.get(address)
    assert form_page.status_code == 200
    assert money(3_780_000_000, language) in text_of(form_page)  # the estimate, shown and the default
    now = timezone.localtime()
    moment = "%Y-%m-%dT%H:%M"
    typed = {
        "vi": {"package_price": "3.500.000.000", "bid_security_rate": "1,5"},
        "en": {"package_price": "3,500,000,000", "bid_security_rate": "1.5"},
    }[language]
    response = client.post(
        address,
        {
            "title": "Thuê dịch vụ cổng", "procurement_category": "non_consulting", "scope": "domestic",
            "method": "lowest_price", "envelopes": "1", "price_score_scale": "100",
            "bid_validity_days": "90", **typed,
            "publication_at": (now + dt.timedelta(days=1)).strftime(moment),
            "clarification_deadline": (now + dt.timedelta(days=8)).strftime(moment),
            "closing_at": (now + dt.timedelta(days=21)).strftime(moment),
            "opening_at": (now + dt.timedelta(days=21, minutes=30)).strftime(moment),
        },
    )  # fmt: skip
    assert response.status_code == 302, text_of(response)[:2000]
    tender = Tender.objects.get(title="Thuê dịch vụ cổng")
    assert response["Location"] == page_url("tender_detail", tender)
    assert (tender.package_price, tender.bid_security_rate, tender.discount_rate) == (
        D("3500000000"),
        D("0.015"),
        D("0.05"),
    )
    assert list(tender.items.values_list("code", "quantities")) == [
        ("HOST", ["12", "12", "12"]),
        ("SUPPORT", ["2", "2", "2"]),
    ]


def test_rule_book_errors_are_shown_next_to_each_field_with_the_rule_and_nothing_is_saved(world):
    model = world["model"]
    option = model.options.get(kind="service_hire")
    address = reverse("contracts:tender_create") + f"?model={model.pk}&option={option.pk}"
    now = timezone.localtime()
    moment = "%Y-%m-%dT%H:%M"
    client = client_for(world["finance"], "en")
    with assert_nothing_written():
        response = client.post(
            address,
            {
                "title": "Quá gấp", "procurement_category": "non_consulting", "scope": "domestic",
                "method": "lowest_price", "envelopes": "1", "price_score_scale": "100",
                "bid_validity_days": "90", "bid_security_rate": "5", "package_price": "4,000,000,000",
                "publication_at": now.strftime(moment),
                "clarification_deadline": (now + dt.timedelta(days=2)).strftime(moment),
                "closing_at": (now + dt.timedelta(days=3)).strftime(moment),
                "opening_at": (now + dt.timedelta(days=3, hours=1)).strftime(moment),
            },
        )  # fmt: skip
    assert response.status_code == 400
    page = text_of(response)
    errors = dict(
        re.findall(r'id="id_(\w+)_error"><p class="error"><span[^>]*>[^<]*</span>([^<]+)</p>', page)
    )
    # 5 % is outside 1-1.5 % for a non-consulting package up to VND 10 bn (the rule and its legal basis).
    assert "must be between 1% and 1.5%" in errors["bid_security_rate"]
    assert "Decree" in errors["bid_security_rate"]
    assert "must not exceed the approved estimate" in errors["package_price"]
    assert "must be at least 9 days after publication" in errors["closing_at"]
    assert "Decree" in errors["closing_at"]


def test_a_cost_model_that_is_not_approved_cannot_become_a_tender(world):
    draft = costing_services.cost_model_new_version(actor=world["finance"], model=world["model"])
    option = draft.options.get(kind="service_hire")
    address = reverse("contracts:tender_create") + f"?model={draft.pk}&option={option.pk}"
    refused_client = client_for(world["finance"], "en")
    with assert_nothing_written():
        response = refused_client.get(address)
    assert response.status_code == 409
    assert "A tender is built from an approved cost model version." in text_of(response)


def test_the_approved_models_page_offers_a_tender_to_its_finance_officers_only(world):
    address = reverse("costing:model_detail", args=[world["model"].pk])
    assert 'data-testid="create-tender"' in text_of(client_for(world["finance"], "en").get(address))
    assert 'data-testid="create-tender"' not in text_of(client_for(world["approver"], "en").get(address))
    for who in ("approver", "preparer_a", "evaluator"):
        response = client_for(world[who], "en").get(reverse("contracts:tender_create"))
        assert response.status_code == 403, who


def test_edit_criteria_and_submit_through_the_pages(world):
    tender = new_tender(world)
    client = client_for(world["finance"], "en")
    edit = client.get(page_url("tender_edit", tender))
    assert edit.status_code == 200
    assert 'value="3,780,000,000"' in text_of(edit)
    assert 'value="1"' in text_of(edit)  # bid security 0.01 shown as 1 (%)
    values = {
        "title": "Tên mới", "procurement_category": "non_consulting", "scope": "domestic",
        "method": "lowest_price", "envelopes": "1", "price_score_scale": "100", "bid_validity_days": "120",
        "bid_security_rate": "1", "package_price": "3,780,000,000", "discount_rate": "5",
    }  # fmt: skip
    for field in ("publication_at", "clarification_deadline", "closing_at", "opening_at"):
        values[field] = timezone.localtime(getattr(tender, field)).strftime("%Y-%m-%dT%H:%M")
    assert client.post(page_url("tender_edit", tender), values).status_code == 302
    tender.refresh_from_db()
    assert (tender.title, tender.bid_validity_days) == ("Tên mới", 120)
    # A criterion with points only when technical; then delete it.
    bad = client.post(
        page_url("criterion_create", tender),
        {"kind": "pass_fail", "code": "X", "name": "X", "max_points": "10"},
    )
    assert bad.status_code == 400 and "only technical criteria carry points" in text_of(bad)
    assert (
        client.post(
            page_url("criterion_create", tender),
            {"kind": "technical", "code": "KT1", "name": "Giải pháp", "max_points": "60"},
        ).status_code
        == 302
    )
    criterion = Criterion.objects.get(tender=tender, code="KT1")
    assert criterion.max_points == D(60)
    assert client.get(page_url("criterion_delete", tender, criterion.pk)).status_code == 200
    assert client.post(page_url("criterion_delete", tender, criterion.pk)).status_code == 302
    assert not Criterion.objects.filter(pk=criterion.pk).exists()
    response = client.post(page_url("tender_submit", tender), {"note": "Kính trình"})
    assert response.status_code == 302
    tender.refresh_from_db()
    assert tender.status == TenderStatus.SUBMITTED
    # Frozen now: the edit page says so (409) and changes nothing.
    with assert_nothing_written(tender):
        frozen = client.post(page_url("tender_edit", tender), values)
    assert frozen.status_code == 409
    assert "cannot be edited" in text_of(frozen)


def test_maker_checker_an_approver_who_made_the_tender_gets_403_and_nothing_is_written(world):
    both = member(Role.FINANCE_OFFICER, world["agency"])
    MembershipFactory(user=both, organisation=world["reviewing_body"], role=Role.APPROVER)
    tender = services.tender_create(
        actor=both, model=world["model"], option=world["model"].options.get(kind="service_hire"), **terms()
    )
    services.tender_submit(actor=both, tender=tender)
    page = text_of(client_for(both, "en").get(page_url("tender_detail", tender)))
    assert 'data-testid="approve-tender"' not in page
    assert "You made or edited this tender, so someone else must decide on it." in page
    refused_client = client_for(both, "en")
    with assert_nothing_written(tender):
        response = refused_client.post(page_url("tender_approve", tender), {"note": "Tự duyệt"})
    assert response.status_code == 403
    assert "You created or edited this tender: someone else must approve it." in text_of(response)
    # The finance officer may not approve either; another approver may.
    assert (
        denied_post(
            world["finance"], page_url("tender_approve", tender), None, tender, language="en"
        ).status_code
        == 403
    )
    assert (
        client_for(world["approver"], "en")
        .post(page_url("tender_approve", tender), {"note": "Đồng ý"})
        .status_code
        == 302
    )
    tender.refresh_from_db()
    assert tender.status == TenderStatus.APPROVED
    assert TenderDecision.objects.filter(tender=tender, decision="approved", note="Đồng ý").exists()


@pytest.mark.parametrize("language", LANGUAGES)
def test_return_needs_a_note_and_then_publish(world, language):
    tender = new_tender(world)
    services.tender_submit(actor=world["finance"], tender=tender)
    approver = client_for(world["approver"], language)
    page = text_of(approver.get(page_url("tender_detail", tender)))
    assert 'data-testid="approve-tender"' in page and 'data-testid="return-tender"' in page
    with assert_nothing_written(tender):
        blank = approver.post(page_url("tender_return", tender), {"note": "  "})
    assert blank.status_code == 400
    assert 'id="id_note_error"' in text_of(blank)
    assert approver.post(page_url("tender_return", tender), {"note": "Bổ sung tiêu chí"}).status_code == 302
    tender.refresh_from_db()
    assert tender.status == TenderStatus.RETURNED
    assert "Bổ sung tiêu chí" in text_of(
        client_for(world["finance"], language).get(page_url("tender_detail", tender))
    )
    services.tender_submit(actor=world["finance"], tender=tender)
    services.tender_approve(actor=world["approver"], tender=tender)
    finance = client_for(world["finance"], language)
    assert (
        denied_post(
            world["approver"], page_url("tender_publish", tender), None, tender, language=language
        ).status_code
        == 403
    )
    assert finance.post(page_url("tender_publish", tender)).status_code == 302
    tender.refresh_from_db()
    assert tender.status == TenderStatus.PUBLISHED and tender.published_at is not None
    page = text_of(finance.get(page_url("tender_detail", tender)))
    assert {"vi": "Đang nhận hồ sơ dự thầu", "en": "Open for bids"}[language] in page


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_amendment_is_shown_as_before_and_after_and_moves_a_close_closing(world, language):
    tender = published_tender(world)
    client = client_for(world["finance"], language)
    form = client.get(page_url("tender_amend", tender))
    assert form.status_code == 200
    fields = dict(re.findall(r'name="([\w-]+)"[^>]*value="([^"]*)"', text_of(form)))
    assert fields["item_0_0"] == "12"
    fields.pop("csrfmiddlewaretoken", None)
    fields.update(reason="Tăng số tháng thuê", item_0_2="14", bid_validity_days="120")
    # Closing in 5 days: less than the 10 days an amendment needs, so the closing moves.
    soon = timezone.localtime() + dt.timedelta(days=5)
    Tender.objects.filter(pk=tender.pk).update(
        closing_at=soon,
        opening_at=soon + dt.timedelta(hours=1),
        clarification_deadline=soon - dt.timedelta(days=1),
    )
    form = client.get(page_url("tender_amend", tender))
    fields.update(
        {k: v for k, v in re.findall(r'name="(\w+_(?:at|deadline))"[^>]*value="([^"]*)"', text_of(form))}
    )
    fields.update(title=tender.title, scope_of_work="")
    response = client.post(page_url("tender_amend", tender), fields)
    assert response.status_code == 302, text_of(response)[:3000]
    amendment = Amendment.objects.get(tender=tender)
    assert set(amendment.changes) == {"bid_validity_days", "items.HOST.quantities", "closing_at"}
    assert amendment.changes["items.HOST.quantities"]["after"] == ["12", "12", "14"]
    page = text_of(client_for(world["preparer_b"], language).get(page_url("amendments", tender)))
    assert "Tăng số tháng thuê" in page
    assert re.search(r">90</td>\s*<td aria-hidden=\"true\">→</td>\s*<td class=\"num after\">120<", page)
    assert re.search(r">12</td>\s*<td aria-hidden=\"true\">→</td>\s*<td class=\"num after\">14<", page)
    assert {"vi": "Thời điểm đóng thầu đã dời", "en": "The closing moved"}[language] in page


def test_an_amendment_without_a_reason_or_a_change_is_refused_and_nothing_is_written(world):
    tender = published_tender(world)
    client = client_for(world["finance"], "en")
    fields = dict(
        re.findall(
            r'name="([\w-]+)"[^>]*value="([^"]*)"', text_of(client.get(page_url("tender_amend", tender)))
        )
    )
    fields.pop("csrfmiddlewaretoken", None)
    fields.update(title=tender.title, reason="Không đổi gì")
    with assert_nothing_written(tender):
        response = client.post(page_url("tender_amend", tender), fields)
    assert response.status_code == 400
    assert "The amendment changes nothing." in text_of(response)
    fields.update(item_1_0="-1")
    with assert_nothing_written(tender):
        response = client.post(page_url("tender_amend", tender), fields)
    assert response.status_code == 400
    assert 'id="id_item_1_0_error"' in text_of(response)
    assert (
        denied_post(
            world["preparer_a"], page_url("tender_amend", tender), fields, tender, language="en"
        ).status_code
        == 403
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_clarifications_name_the_asker_to_the_agency_only(world, language):
    tender = published_tender(world)
    asked = services.clarification_ask(
        actor=world["preparer_a"], tender=tender, vendor=world["vendor_a"], question="Có cần chứng chỉ ISO?"
    )
    waiting = services.clarification_ask(
        actor=world["preparer_b"], tender=tender, vendor=world["vendor_b"], question="Câu hỏi chưa trả lời"
    )
    agency = client_for(world["finance"], language)
    page = text_of(agency.get(page_url("clarifications", tender)))
    assert "Có cần chứng chỉ ISO?" in page and "Câu hỏi chưa trả lời" in page
    asker = world["vendor_a"].name if language == "vi" else world["vendor_a"].name_en
    assert asker in page and str(world["preparer_a"]) in page  # the agency's own records name the asker
    address = page_url("clarification_answer", tender, asked.pk)
    # Another vendor cannot even see A's unanswered question; the agency's evaluator may not answer.
    assert (
        denied_post(
            world["preparer_b"], address, {f"q{asked.pk}-answer": "x"}, asked, language=language
        ).status_code
        == 404
    )
    assert (
        denied_post(
            world["evaluator"], address, {f"q{asked.pk}-answer": "x"}, asked, language=language
        ).status_code
        == 403
    )
    with assert_nothing_written(asked):
        assert agency.post(address, {f"q{asked.pk}-answer": ""}).status_code == 400
    assert agency.post(address, {f"q{asked.pk}-answer": "Có, bản còn hiệu lực."}).status_code == 302
    asked.refresh_from_db()
    assert asked.answer == "Có, bản còn hiệu lực."
    for vendor in ("preparer_b", "signatory_a"):
        seen = text_of(client_for(world[vendor], language).get(page_url("clarifications", tender)))
        assert "Có cần chứng chỉ ISO?" in seen and "Có, bản còn hiệu lực." in seen
        assert str(world["preparer_a"]) not in seen
        if vendor == "preparer_b":  # (A's own people see their company's name in the page header)
            assert world["vendor_a"].name not in seen and world["vendor_a"].name_en not in seen
        assert 'action="' + page_url("clarification_ask", tender) + '"' in seen
    # B sees its own unanswered question; A does not.
    assert "Câu hỏi chưa trả lời" in text_of(
        client_for(world["signatory_b"], language).get(page_url("clarifications", tender))
    )
    assert "Câu hỏi chưa trả lời" not in text_of(
        client_for(world["signatory_a"], language).get(page_url("clarifications", tender))
    )
    assert Clarification.objects.get(pk=waiting.pk).answered_at is None


# Sealing and the role matrix over every bid-related page.

BID_PAGES = ["opening", "bid_list", "bid_detail", "comparison", "evaluation", "results", "award"]


def _bid_page(name: str, tender: Tender, bid) -> str:  # type: ignore[no-untyped-def]
    return page_url(name, tender, bid.pk) if name == "bid_detail" else page_url(name, tender)


@pytest.mark.parametrize("name", BID_PAGES)
def test_before_opening_every_bid_page_is_the_404_page_for_everyone(world, name):
    tender, bid_a, _bid_b = with_two_bids(world)
    address = _bid_page(name, tender, bid_a)
    matrix = RoleMatrix(
        anonymous=None,
        other_organisation=world["preparer_b"],
        wrong_role=world["approver"],
        right_role=world["finance"],
        extra={
            "evaluator": world["evaluator"],
            "bidder": world["signatory_a"],
            "outsider": world["outsider"],
        },
    )
    matrix.check(
        lambda client: client.get(address),
        denied={
            "anonymous": 302, "other_organisation": 404, "wrong_role": 404, "right_role": 404,
            "evaluator": 404, "bidder": 404, "outsider": 404,
        },
        watched=(bid_a, tender),
    )  # fmt: skip
    response = client_for(world["finance"], "en").get(address)
    assert "The page or object does not exist, or you cannot see it." in text_of(response)
    assert world["vendor_a"].name not in text_of(response) and world["vendor_a"].name_en not in text_of(
        response
    )


@pytest.mark.parametrize("name", BID_PAGES)
def test_after_opening_the_agency_reads_every_bid_page_and_other_vendors_only_the_published_ones(world, name):
    tender, bid_a, _bid_b = evaluated(world)
    address = _bid_page(name, tender, bid_a)
    anonymous = Client().get(address)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith(reverse("login"))
    for who in ("finance", "evaluator", "approver"):
        assert client_for(world[who], "en").get(address).status_code == 200, who
    published = name in ("opening", "award")
    for who in ("preparer_b", "signatory_a"):
        assert client_for(world[who], "en").get(address).status_code == (200 if published else 404), who
    assert client_for(world["outsider"], "en").get(address).status_code == 404


def _normalised(html: str) -> str:
    """The page with what legitimately differs between two tenders taken out (ids, references,
    times, hashes, the CSRF token)."""
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
    html = re.sub(r"\b[0-9a-f]{12,}\b", "", html)
    return re.sub(r"\d", "", html)


@pytest.mark.parametrize("name", ["tender_detail", "history", "clarifications", "amendments"])
def test_sealing_a_tender_with_bids_looks_exactly_like_one_without_to_the_agency(world, name):
    """Before opening: no count, no heading, no empty-state text, no link differs."""
    with_bids, _bid_a, _bid_b = with_two_bids(world)
    without = published_tender(world)
    close(without)
    for who in ("finance", "evaluator", "approver"):
        client = client_for(world[who], "en")
        one = text_of(client.get(page_url(name, with_bids)))
        other = text_of(client.get(page_url(name, without)))
        assert _normalised(one) == _normalised(other), who
        for vendor in ("vendor_a", "vendor_b"):
            assert world[vendor].name not in one and world[vendor].name_en not in one
    # And the list of tenders: the same row for both.
    listing = text_of(client_for(world["finance"], "en").get(reverse("contracts:tender_list")))
    rows = re.findall(r'<tr data-testid="tender-row-[^"]+">(.*?)</tr>', listing, re.S)
    assert len(rows) == 2 and _normalised(rows[0]) == _normalised(rows[1])


def test_denied_posts_on_bid_actions_write_nothing(world):
    tender, bid_a, _bid_b = with_two_bids(world)
    matrix = RoleMatrix(
        anonymous=None,
        other_organisation=world["outsider"],
        wrong_role=world["signatory_a"],
        right_role=world["finance"],
        extra={"approver": world["approver"]},
    )
    matrix.check(
        lambda client: client.post(page_url("tender_open", tender)),
        denied={"anonymous": 302, "other_organisation": 404, "wrong_role": 403, "approver": 403},
        allowed=302,
        watched=(tender, bid_a),
    )
    tender.refresh_from_db()
    assert tender.status == TenderStatus.OPENED
    start = {"chair": str(world["evaluator"].pk), "evaluators": [str(world["evaluator"].pk)]}
    matrix = RoleMatrix(
        anonymous=None,
        other_organisation=world["preparer_b"],
        wrong_role=world["evaluator"],
        right_role=world["finance"],
        extra={"approver": world["approver"], "outsider": world["outsider"]},
    )
    matrix.check(
        lambda client: client.post(page_url("evaluation", tender), start),
        denied={
            "anonymous": 302,
            "other_organisation": 404,
            "wrong_role": 403,
            "approver": 403,
            "outsider": 404,
        },
        allowed=302,
        watched=(tender,),
    )
    evaluation = Evaluation.objects.get(tender=tender)
    assert evaluation.chair == world["evaluator"]
    criterion = Criterion.objects.create(tender=tender, kind="pass_fail", code="YC9", name="Hồ sơ pháp lý")
    cell = {"consensus": "0", f"e-{bid_a.pk}-{criterion.pk}": "pass"}
    for who, status in (("finance", 403), ("approver", 403), ("preparer_a", 404)):
        response = denied_post(world[who], page_url("evaluation_scores", tender), cell, evaluation)
        assert response.status_code == status, who
    # The evaluator has not declared yet: 409, nothing written.
    refused_client = client_for(world["evaluator"], "en")
    with assert_nothing_written(evaluation):
        response = refused_client.post(page_url("evaluation_scores", tender), cell)
    assert response.status_code == 409
    assert "Declare any conflict of interest before scoring." in text_of(response)
    for who, status in (("finance", 403), ("preparer_a", 404)):
        response = denied_post(
            world[who], page_url("evaluation_declare", tender), {"has_conflict": "no"}, evaluation
        )
        assert response.status_code == status, who
    assert (
        denied_post(
            world["approver"], page_url("evaluation_compute", tender), None, evaluation, language="en"
        ).status_code
        == 403
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_opening_record_is_published_with_prices_discounts_security_and_hash_checks(world, language):
    tender, _bid_a, _bid_b = with_two_bids(world)
    finance = client_for(world["finance"], language)
    page = text_of(finance.get(page_url("tender_detail", tender)))
    assert 'data-testid="open-bids"' in page
    response = finance.post(page_url("tender_open", tender))
    assert response.status_code == 302 and response["Location"] == page_url("opening", tender)
    for who in ("finance", "preparer_b", "signatory_a", "approver"):
        page = text_of(client_for(world[who], language).get(page_url("opening", tender)))
        assert "Công ty A" in page and "Công ty B" in page
        for figure in (
            2_960_000_000,
            3_104_000_000,
            3_041_920_000,
            3_060_000_000,
            3_222_000_000,
            3_157_560_000,
            37_800_000,
        ):
            assert money(figure, language) in page, (who, figure)
        assert {"vi": "khớp", "en": "matches"}[language] in page
        assert 'data-testid="hash-mismatch"' not in page
        assert {"vi": "2%", "en": "2%"}[language] in page


@pytest.mark.parametrize("language", LANGUAGES)
def test_bids_and_one_bid_after_opening_each_read_audited(world, language):
    tender, bid_a, _bid_b = opened(world)
    client = client_for(world["finance"], language)
    before = AuditEntry.objects.filter(action="bid.read").count()
    listing = client.get(page_url("bid_list", tender))
    assert listing.status_code == 200
    page = text_of(listing)
    assert money(3_041_920_000, language) in page and money(3_157_560_000, language) in page
    assert AuditEntry.objects.filter(action="bid.read").count() == before + 2
    detail = client.get(page_url("bid_detail", tender, bid_a.pk))
    assert detail.status_code == 200
    page = text_of(detail)
    assert money(2_960_000_000, language) in page  # A's total excl. VAT, before the discount
    assert plain(480_000_000, language) in page and plain(40_000_000, language) in page  # 12 x 40 m in 2026
    assert plain(520_000_000, language) in page  # SUPPORT in 2028: 2 x 260 m
    assert bid_a.receipt_number in page
    reads = AuditEntry.objects.filter(action="bid.read", object_id=str(bid_a.pk), actor=world["finance"])
    assert reads.count() == 2  # the list and the detail
    # A bid of another tender is the same 404 page.
    _other, other_a, _other_b = opened(world)
    assert client.get(page_url("bid_detail", tender, other_a.pk)).status_code == 404


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_comparison_puts_the_bids_next_to_the_estimate_item_by_item_and_year_by_year(world, language):
    tender, _bid_a, _bid_b = opened(world)
    response = client_for(world["finance"], language).get(page_url("comparison", tender))
    assert response.status_code == 200
    page = text_of(response)
    host = re.search(r'data-testid="comparison-item-HOST">(.*?)</tbody>', page, re.S).group(1)
    assert host.count(plain(660_000_000, language)) == 3  # the estimate, each year
    assert host.count(plain(528_000_000, language)) == 3  # A
    assert host.count(plain(594_000_000, language)) == 3  # B
    assert plain(1_980_000_000, language) in host  # the estimate's HOST total
    totals = re.search(r'data-testid="comparison-totals">(.*?)</table>', page, re.S).group(1)
    assert plain(3_780_000_000, language) in totals
    assert plain(3_104_000_000, language) in totals and plain(3_222_000_000, language) in totals
    assert "-" + plain(676_000_000, language) in totals and "-" + plain(558_000_000, language) in totals
    assert {"vi": "-17,9%", "en": "-17.9%"}[language] in totals
    assert {"vi": "-14,8%", "en": "-14.8%"}[language] in totals


@pytest.mark.parametrize("language", LANGUAGES)
def test_results_show_evaluated_prices_scores_vfm_with_its_sign_and_rank(world, language):
    tender, _bid_a, _bid_b = evaluated(world)
    response = client_for(world["finance"], language).get(page_url("results", tender))
    assert response.status_code == 200
    page = text_of(response)
    first = re.search(r'data-testid="result-1"(.*?)</tr>', page, re.S).group(1)
    second = re.search(r'data-testid="result-2"(.*?)</tr>', page, re.S).group(1)
    assert "Công ty A" in first and "Công ty B" in second
    assert money(3_270_064_000, language) in first and money(3_394_377_000, language) in second
    assert {"vi": "100,00", "en": "100.00"}[language] in first
    assert {"vi": "96,34", "en": "96.34"}[language] in second
    assert money(52_154_037, language) in first and money(-58_970_408, language) in second
    assert {"vi": "rẻ hơn PSC", "en": "cheaper than the PSC"}[language] in first
    assert {"vi": "đắt hơn PSC", "en": "dearer than the PSC"}[language] in second
    assert money(2_950_616_259, language) in page  # the PSC
    assert {"vi": "Dương: hồ sơ dự thầu", "en": "Positive: the bid costs the public less"}[language] in page


def test_a_bid_out_of_the_ranking_shows_why(world):
    tender, bid_a, bid_b = opened(world)
    criterion = Criterion.objects.create(tender=tender, kind="pass_fail", code="YC1", name="ISO 27001")
    evaluation = services.evaluation_start(
        actor=world["finance"], tender=tender, chair=world["evaluator"], evaluators=[world["evaluator"]]
    )
    services.conflict_declare(actor=world["evaluator"], evaluation=evaluation, has_conflict=False)
    services.compliance_record(
        actor=world["evaluator"],
        evaluation=evaluation,
        bid=bid_a,
        criterion=criterion,
        passed=True,
        consensus=True,
    )
    services.compliance_record(
        actor=world["evaluator"],
        evaluation=evaluation,
        bid=bid_b,
        criterion=criterion,
        passed=False,
        consensus=True,
    )
    services.evaluation_compute(actor=world["evaluator"], evaluation=evaluation)
    page = text_of(client_for(world["finance"], "en").get(page_url("results", tender)))
    out = re.search(r'data-testid="result-2"(.*?)</tr>', page, re.S).group(1)
    assert "Công ty B" in out and "Fails the requirement YC1." in out
    assert re.search(r'data-testid="rank-2">—<', page)


def _combined(world):  # type: ignore[no-untyped-def]
    """A combined technical-and-price tender (20 % / 80 %, pass mark 70 %) with YC1 pass/fail and
    KT1 (60 points), KT2 (40 points), two bids, opened, and a panel of the evaluator (chair) and a
    second evaluator."""
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
    services.tender_publish(actor=world["finance"], tender=tender)
    bids = []
    for vendor, prices in (("a", None), ("b", PRICES_B)):
        from tests.contracts.conftest import FULL_PRICES

        bid = services.bid_create(
            actor=world[f"preparer_{vendor}"], tender=tender, vendor=world[f"vendor_{vendor}"]
        )
        services.bid_prices_save(actor=world[f"preparer_{vendor}"], bid=bid, prices=prices or FULL_PRICES)
        services.bid_update(
            actor=world[f"preparer_{vendor}"], bid=bid, bid_security_amount="37800000", discount_rate="0.02"
        )
        services.bid_answers_save(
            actor=world[f"preparer_{vendor}"], bid=bid,
            answers={
                "YC1": {"complies": True, "response": "Chứng chỉ số 123"},
                "KT1": {"response": "Kiến trúc vi dịch vụ"},
            },
        )  # fmt: skip
        bids.append(services.bid_submit(actor=world[f"signatory_{vendor}"], bid=bid))
    close(tender)
    services.tender_open(actor=world["finance"], tender=tender)
    tender.refresh_from_db()
    second = member(Role.EVALUATOR, world["agency"])
    return tender, bids[0], bids[1], second


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_panel_declares_then_scores_alone_and_the_chair_records_the_consensus(world, language):
    tender, bid_a, bid_b, second = _combined(world)
    chair = world["evaluator"]
    finance = client_for(world["finance"], language)
    start = finance.get(page_url("evaluation", tender))
    assert 'data-testid="panel-form"' in text_of(start)
    assert (
        finance.post(
            page_url("evaluation", tender), {"chair": chair.pk, "evaluators": [second.pk]}
        ).status_code
        == 302
    )
    evaluation = Evaluation.objects.get(tender=tender)
    criteria = {c.code: c for c in tender.criteria.all()}
    # Before declaring, the evaluator sees the declaration form and no score sheet.
    second_client = client_for(second, language)
    page = text_of(second_client.get(page_url("evaluation", tender)))
    assert 'data-testid="declare-form"' in page and 'data-testid="own-sheet"' not in page
    assert "Kiến trúc vi dịch vụ" not in page
    assert (
        second_client.post(page_url("evaluation_declare", tender), {"has_conflict": "no"}).status_code == 302
    )
    page = text_of(second_client.get(page_url("evaluation", tender)))
    assert 'data-testid="own-sheet"' in page and 'data-testid="consensus-sheet"' not in page
    assert "Kiến trúc vi dịch vụ" in page  # the bidder's answer next to the criterion
    # A score above the maximum is named next to its cell and nothing of the sheet is recorded.
    over = {
        "consensus": "0",
        f"e-{bid_a.pk}-{criteria['KT1'].pk}": "61",
        f"e-{bid_a.pk}-{criteria['KT2'].pk}": "30",
    }
    response = second_client.post(page_url("evaluation_scores", tender), over)
    assert response.status_code == 400
    assert not TechnicalScore.objects.filter(evaluation=evaluation).exists()
    assert not AuditEntry.objects.filter(action="tender.score_recorded").exists()
    assert f'id="e-{bid_a.pk}-{criteria["KT1"].pk}-error"' in text_of(response)
    typed = {"vi": "47,5", "en": "47.5"}[language]
    own = {
        "consensus": "0",
        f"e-{bid_a.pk}-{criteria['KT1'].pk}": typed,
        f"e-{bid_a.pk}-{criteria['YC1'].pk}": "pass",
    }
    assert second_client.post(page_url("evaluation_scores", tender), own).status_code == 302
    assert TechnicalScore.objects.get(evaluator=second, bid=bid_a, criterion=criteria["KT1"]).points == D(
        "47.5"
    )
    assert ComplianceResult.objects.get(evaluator=second, bid=bid_a, criterion=criteria["YC1"]).passed is True
    # The evaluator may not record the consensus.
    with assert_nothing_written(evaluation):
        assert (
            second_client.post(page_url("evaluation_scores", tender), {**own, "consensus": "1"}).status_code
            == 403
        )
    # The chair declares, sees the evaluators' entries and records the consensus.
    chair_client = client_for(chair, language)
    assert (
        chair_client.post(page_url("evaluation_declare", tender), {"has_conflict": "no"}).status_code == 302
    )
    page = text_of(chair_client.get(page_url("evaluation", tender)))
    assert 'data-testid="consensus-sheet"' in page
    assert f"{second}: <strong>{typed}</strong>" in page
    consensus = {"consensus": "1"}
    for bid, points in ((bid_a, ("50", "30")), (bid_b, ("55", "35"))):
        consensus[f"k-{bid.pk}-{criteria['KT1'].pk}"] = points[0]
        consensus[f"k-{bid.pk}-{criteria['KT2'].pk}"] = points[1]
        consensus[f"k-{bid.pk}-{criteria['YC1'].pk}"] = "pass"
    assert chair_client.post(page_url("evaluation_scores", tender), consensus).status_code == 302
    assert TechnicalScore.objects.filter(evaluation=evaluation, evaluator__isnull=True).count() == 4
    response = chair_client.post(page_url("evaluation_compute", tender))
    assert response.status_code == 302 and response["Location"] == page_url("results", tender)
    page = text_of(chair_client.get(page_url("results", tender)))
    first = re.search(r'data-testid="result-1"(.*?)</tr>', page, re.S).group(1)
    # A: technical 80 (of 100), price 100, combined 0.2 x 80 + 0.8 x 100 = 96.
    assert "Công ty A" in first and {"vi": "96,00", "en": "96.00"}[language] in first
    assert {"vi": "80,00", "en": "80.00"}[language] in first


def test_a_declared_conflict_keeps_the_evaluator_off_the_sheet(world):
    tender, bid_a, _bid_b, second = _combined(world)
    services.evaluation_start(
        actor=world["finance"], tender=tender, chair=world["evaluator"], evaluators=[second]
    )
    client = client_for(second, "en")
    assert (
        client.post(
            page_url("evaluation_declare", tender), {"has_conflict": "yes", "statement": "Người nhà"}
        ).status_code
        == 302
    )
    page = text_of(client.get(page_url("evaluation", tender)))
    assert "You declared a conflict of interest: you do not score this tender." in page
    assert 'data-testid="own-sheet"' not in page
    criterion = tender.criteria.get(code="KT1")
    evaluation = Evaluation.objects.get(tender=tender)
    with assert_nothing_written(evaluation):
        response = client.post(
            page_url("evaluation_scores", tender), {"consensus": "0", f"e-{bid_a.pk}-{criterion.pk}": "10"}
        )
    assert response.status_code == 403
    with assert_nothing_written(evaluation):
        assert client.post(page_url("evaluation_declare", tender), {"has_conflict": "no"}).status_code == 409


@pytest.mark.parametrize("language", LANGUAGES)
def test_award_proposed_approved_by_someone_else_published_then_cancelled(world, language):
    tender, bid_a, bid_b = evaluated(world)
    finance = client_for(world["finance"], language)
    page = text_of(finance.get(page_url("award", tender)))
    assert 'data-testid="propose-form"' in page
    # Only the best-ranked bid may be proposed.
    with assert_nothing_written(tender):
        wrong = finance.post(page_url("award", tender), {"bid": bid_b.pk, "reasons": "Giá tốt"})
    assert wrong.status_code == 400
    assert (
        denied_post(
            world["approver"],
            page_url("award", tender),
            {"bid": bid_a.pk, "reasons": "x"},
            tender,
            language=language,
        ).status_code
        == 403
    )
    assert (
        finance.post(
            page_url("award", tender), {"bid": bid_a.pk, "reasons": "Giá đánh giá thấp nhất"}
        ).status_code
        == 302
    )
    award = Award.objects.get(tender=tender)
    assert award.contract_price == D(3_041_920_000)
    # Vendors see nothing of a proposed award; the proposer may not approve it.
    assert "Giá đánh giá thấp nhất" not in text_of(
        client_for(world["preparer_b"], language).get(page_url("award", tender))
    )
    with assert_nothing_written(award):
        denied = finance.post(page_url("award_approve", tender, award.pk), {f"approve-{award.pk}-note": ""})
    assert denied.status_code == 403
    approver = client_for(world["approver"], language)
    assert 'data-testid="approve-award"' in text_of(approver.get(page_url("award", tender)))
    response = approver.post(
        page_url("award_approve", tender, award.pk), {f"approve-{award.pk}-note": "Đồng ý"}
    )
    assert response.status_code == 302
    award.refresh_from_db()
    assert award.status == AwardStatus.APPROVED
    # The agency and the winner see the draft contract; no bid is "next to consider" any more.
    draft = "Bản nháp" if language == "vi" else "Draft"
    for who in ("finance", "signatory_a"):
        page = text_of(client_for(world[who], language).get(page_url("award", tender)))
        contract = award.contract
        link = reverse("contracts:contract_detail", args=[contract.pk])
        shown = f'<a href="{link}">{draft}</a> · {money(3_041_920_000, language)}</dd>'
        assert f'data-testid="award-contract">{shown}' in page
        assert "next to consider" not in page and "được xem xét kế tiếp" not in page
    # Published: the other bidder reads the result (and not the winner's contract).
    page = text_of(client_for(world["preparer_b"], language).get(page_url("award", tender)))
    assert 'data-testid="award-contract"' not in page
    winner = world["vendor_a"].name if language == "vi" else world["vendor_a"].name_en
    assert winner in page and money(3_041_920_000, language) in page
    assert "Giá đánh giá thấp nhất" not in page  # the reasons stay the agency's
    detail = text_of(client_for(world["preparer_b"], language).get(page_url("tender_detail", tender)))
    assert 'data-testid="published-result"' in detail
    # Cancelled with a reason: the next-ranked bid is then proposed.
    with assert_nothing_written(award):
        assert (
            finance.post(
                page_url("award_cancel", tender, award.pk), {f"cancel-{award.pk}-reason": ""}
            ).status_code
            == 400
        )
    assert (
        finance.post(
            page_url("award_cancel", tender, award.pk), {f"cancel-{award.pk}-reason": "Không ký hợp đồng"}
        ).status_code
        == 302
    )
    award.refresh_from_db()
    assert award.status == AwardStatus.CANCELLED
    page = text_of(finance.get(page_url("award", tender)))
    assert re.search(rf'<option value="{bid_b.pk}" selected>2\. Công ty B', page)


def test_an_approver_rejects_an_award_with_a_note(world):
    tender, bid_a, _bid_b = evaluated(world)
    award = services.award_propose(actor=world["finance"], tender=tender, bid=bid_a, reasons="Thấp nhất")
    approver = client_for(world["approver"], "en")
    with assert_nothing_written(award):
        assert (
            approver.post(
                page_url("award_reject", tender, award.pk), {f"reject-{award.pk}-note": ""}
            ).status_code
            == 400
        )
    assert (
        approver.post(
            page_url("award_reject", tender, award.pk), {f"reject-{award.pk}-note": "Thiếu giải trình"}
        ).status_code
        == 302
    )
    award.refresh_from_db()
    assert (award.status, award.decision_note) == (AwardStatus.REJECTED, "Thiếu giải trình")


@pytest.mark.parametrize("language", LANGUAGES)
def test_history_lists_the_tenders_audit_entries_for_the_agency_only(world, language):
    tender = published_tender(world)
    page = text_of(client_for(world["finance"], language).get(page_url("history", tender)))
    for action in ("tender.created", "tender.submitted", "tender.approved", "tender.published"):
        assert action in page
    assert client_for(world["preparer_a"], language).get(page_url("history", tender)).status_code == 404


# The reviewer's queue.


def test_the_reviewer_queue_lists_cost_models_tenders_and_awards_with_their_waiting_time(world):
    waiting_model = costing_services.cost_model_new_version(actor=world["finance"], model=world["model"])
    costing_services.cost_model_submit(actor=world["finance"], model=waiting_model)
    submitted = new_tender(world, title="Chờ phê duyệt")
    services.tender_submit(actor=world["finance"], tender=submitted)
    tender, bid_a, _bid_b = evaluated(world)
    award = services.award_propose(actor=world["finance"], tender=tender, bid=bid_a, reasons="Thấp nhất")
    now = timezone.now()
    type(waiting_model).objects.filter(pk=waiting_model.pk).update(
        updated_at=now - dt.timedelta(days=3, hours=2)
    )
    Tender.objects.filter(pk=submitted.pk).update(updated_at=now - dt.timedelta(days=1))
    Award.objects.filter(pk=award.pk).update(proposed_at=now - dt.timedelta(hours=5))
    address = reverse("reviewer_queue")
    response = client_for(world["approver"], "en").get(address)
    assert response.status_code == 200
    page = text_of(response)
    rows = re.findall(r'<tr data-testid="queue-row-(\d+)" data-kind="(\w+)">(.*?)</tr>', page, re.S)
    assert [kind for _n, kind, _row in rows] == ["cost_model", "tender", "award"]  # longest waiting first
    assert "3 days, 2 hours" in rows[0][2]
    assert "1 day<" in rows[1][2] and "Chờ phê duyệt" in rows[1][2]
    assert "5 hours" in rows[2][2] and reverse("contracts:award", args=[tender.pk]) in rows[2][2]
    newest = re.findall(
        r'data-kind="(\w+)"', text_of(client_for(world["approver"], "en").get(address + "?sort=newest"))
    )
    assert newest == ["award", "tender", "cost_model"]
    only = re.findall(
        r'data-kind="(\w+)"', text_of(client_for(world["approver"], "en").get(address + "?kind=tender"))
    )
    assert only == ["tender"]
    vietnamese = text_of(client_for(world["approver"], "vi").get(address))
    assert "3 ngày 2 giờ" in vietnamese
    # Not for people who approve nothing; never one's own work.
    assert client_for(world["finance"], "en").get(address).status_code == 403
    both = member(Role.FINANCE_OFFICER, world["agency"])
    MembershipFactory(user=both, organisation=world["reviewing_body"], role=Role.APPROVER)
    own = services.tender_create(
        actor=both,
        model=world["model"],
        option=world["model"].options.get(kind="service_hire"),
        **terms(title="Của tôi"),
    )
    services.tender_submit(actor=both, tender=own)
    mine = text_of(client_for(both, "en").get(address))
    assert "Của tôi" not in mine and "Chờ phê duyệt" in mine
