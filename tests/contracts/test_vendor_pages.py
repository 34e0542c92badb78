"""The vendor's bid pages: the whole journey in Vietnamese and English (start, price in the grid,
terms, answers, attachments, submission by a signatory, the receipt), the grid all or nothing with
the failing cell named, the XLSX price form, preparers who cannot submit, sealing (another vendor and
the agency get the 404 page on every bid page and write nothing), an unverified vendor, and the
closing after which every edit is refused with the service's message.

The conftest world's tender (service hire, 2026-2028, VAT 10 %, package price 3,780,000,000) priced
at FULL_PRICES:
  HOST    12 months x 40,000,000 x 3 years        = 1,440,000,000, VAT 144,000,000 -> 1,584,000,000
  SUPPORT  2 people x (250 + 250 + 260) million   = 1,520,000,000, no VAT          -> 1,520,000,000
  total excl. VAT 2,960,000,000; VAT 144,000,000; incl. VAT 3,104,000,000
  discount 2 % of 3,104,000,000 = 62,080,000 -> bid price 3,041,920,000
  bid security 1 % of 3,780,000,000 = 37,800,000
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from contracts import services
from contracts.models import (
    Bid,
    BidAnswer,
    BidAttachment,
    BidCorrection,
    BidPrice,
    Clarification,
    ScheduleItem,
    Tender,
)
from contracts.spreadsheets import price_form
from tests.contracts.conftest import FULL_PRICES, D, new_tender, published_tender, submitted_bid
from tests.roles import assert_nothing_written

pytestmark = pytest.mark.django_db

LANGUAGES = ("vi", "en")
BID_PAGES = (
    "bid_edit",
    "bid_prices",
    "bid_price_form",
    "bid_prices_upload",
    "bid_answers",
    "bid_attachments",
    "bid_submit",
    "bid_withdraw",
    "bid_receipt",
    "bid_correction",
)
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def client_for(user: Any, language: str = "vi") -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    client.cookies["ppp_language"] = language
    return client


def money(value: int, language: str) -> str:
    """A VND amount as the page writes it: "1.234 ₫" in Vietnamese, "1,234 VND" in English."""
    digits = f"{value:,}"
    return digits.replace(",", ".") + " ₫" if language == "vi" else digits + " VND"


def typed(value: int, language: str) -> str:
    """A number as a person types it in the reader's language."""
    digits = f"{value:,}"
    return digits.replace(",", ".") if language == "vi" else digits


def url(name: str, bid: Bid) -> str:
    return reverse(f"contracts:{name}", args=[bid.pk])


def text_of(response: Any) -> str:
    return response.content.decode()


def by_testid(page: str, testid: str) -> str:
    """The text inside the element carrying data-testid (first match, tags stripped)."""
    match = re.search(rf'data-testid="{re.escape(testid)}"[^>]*>(.*?)</', page, re.S)
    assert match, f"no element with data-testid={testid}"
    return re.sub(r"<[^>]+>", "", match.group(1)).strip()


def grid_post(tender: Tender, prices: dict[str, list[str]]) -> dict[str, str]:
    items = {item.code: item for item in ScheduleItem.objects.filter(tender=tender)}
    data = {}
    for code, values in prices.items():
        for year, value in enumerate(values):
            data[f"price-{items[code].pk}-{year}"] = value
    return data


def close(tender: Tender) -> None:
    """Move the tender's closing into the past (the clock has moved on)."""
    past = timezone.now() - dt.timedelta(minutes=5)
    Tender.objects.filter(pk=tender.pk).update(
        publication_at=past - dt.timedelta(days=20),
        clarification_deadline=past - dt.timedelta(days=1),
        closing_at=past,
        opening_at=past + dt.timedelta(hours=1),
    )
    tender.refresh_from_db()


def tender_with_criteria(world: dict[str, Any]) -> Tender:
    tender = new_tender(world)
    services.criterion_add(
        actor=world["finance"], tender=tender, kind="pass_fail", code="LIC",
        name="Giấy phép cung cấp dịch vụ", description="Giấy phép còn hiệu lực.",
    )  # fmt: skip
    services.criterion_add(
        actor=world["finance"], tender=tender, kind="pass_fail", code="ISO", name="Chứng chỉ ISO 27001"
    )
    services.tender_submit(actor=world["finance"], tender=tender)
    services.tender_approve(actor=world["approver"], tender=tender)
    return services.tender_publish(actor=world["finance"], tender=tender)


def draft_bid(world: dict[str, Any], tender: Tender, vendor: str = "a") -> Bid:
    return services.bid_create(
        actor=world[f"preparer_{vendor}"], tender=tender, vendor=world[f"vendor_{vendor}"]
    )


def complete_bid(world: dict[str, Any], tender: Tender) -> Bid:
    bid = draft_bid(world, tender)
    services.bid_prices_save(actor=world["preparer_a"], bid=bid, prices=FULL_PRICES)
    services.bid_update(
        actor=world["preparer_a"], bid=bid, bid_security_amount="37800000", discount_rate="0.02"
    )
    return bid


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_whole_vendor_journey_from_start_to_receipt(world, language):
    tender = tender_with_criteria(world)
    preparer = client_for(world["preparer_a"], language)

    response = preparer.get(reverse("contracts:my_bid", args=[tender.pk]))
    assert response.status_code == 200
    assert 'data-testid="start-bid"' in text_of(response)
    response = preparer.post(reverse("contracts:my_bid", args=[tender.pk]), {"vendor": world["vendor_a"].pk})
    bid = Bid.objects.get(tender=tender)
    assert response.status_code == 302 and response["Location"] == url("bid_edit", bid)
    assert (bid.vendor, bid.created_by, bid.status) == (world["vendor_a"], world["preparer_a"], "draft")

    # The grid, typed the reader's way.
    page = text_of(preparer.get(url("bid_prices", bid)))
    host, support = (
        ScheduleItem.objects.get(tender=tender, code="HOST"),
        ScheduleItem.objects.get(tender=tender, code="SUPPORT"),
    )
    for item in (host, support):
        for year in range(3):
            assert f'id="price-{item.pk}-{year}"' in page
    prices = {code: [typed(int(value), language) for value in values] for code, values in FULL_PRICES.items()}
    response = preparer.post(url("bid_prices", bid), grid_post(tender, prices))
    assert response.status_code == 302 and response["Location"] == url("bid_prices", bid)
    saved = {p.item.code: p.unit_prices for p in BidPrice.objects.filter(bid=bid).select_related("item")}
    assert saved == FULL_PRICES
    page = text_of(preparer.get(url("bid_prices", bid)))
    assert f'value="{typed(40_000_000, language)}"' in page
    assert by_testid(page, "total-excluding-vat") == money(2_960_000_000, language)
    assert by_testid(page, "total-including-vat") == money(3_104_000_000, language)

    # The terms: a discount as a percentage, the bid security in the reader's format.
    response = preparer.post(
        url("bid_edit", bid),
        {"discount_rate": "2", "bid_security_amount": typed(37_800_000, language),
         "bid_security_reference": "BL-2026-001", "validity_days": "120"},
    )  # fmt: skip
    assert response.status_code == 302
    bid.refresh_from_db()
    assert (bid.discount_rate, bid.bid_security_amount) == (D("0.02"), D("37800000"))
    assert (bid.bid_security_reference, bid.validity_days, bid.entitled_to_preference) == (
        "BL-2026-001", 120, False,
    )  # fmt: skip

    # The answers to the two pass/fail requirements.
    lic, iso = tender.criteria.get(code="LIC"), tender.criteria.get(code="ISO")
    response = preparer.post(
        url("bid_answers", bid),
        {f"answer-{lic.pk}-complies": "yes", f"answer-{lic.pk}-response": "Giấy phép số 12/GP-BTTTT.",
         f"answer-{iso.pk}-complies": "no", f"answer-{iso.pk}-response": "Đang đánh giá."},
    )  # fmt: skip
    assert response.status_code == 302
    answers = {a.criterion.code: (a.complies, a.response) for a in BidAnswer.objects.filter(bid=bid)}
    assert answers == {"LIC": (True, "Giấy phép số 12/GP-BTTTT."), "ISO": (False, "Đang đánh giá.")}

    # A file, with its SHA-256 listed.
    upload = io.BytesIO(PDF)
    upload.name = "giay-phep.pdf"
    response = preparer.post(url("bid_attachments", bid), {"file": upload})
    assert response.status_code == 302
    attachment = BidAttachment.objects.get(bid=bid)
    assert attachment.sha256 == hashlib.sha256(PDF).hexdigest() and attachment.size == len(PDF)
    assert attachment.sha256 in text_of(preparer.get(url("bid_attachments", bid)))

    # The preparer sees what would be sealed but no submit button.
    page = text_of(preparer.get(url("bid_submit", bid)))
    assert 'data-testid="submit-bid"' not in page and 'data-testid="signatory-help"' in page
    assert by_testid(page, "sealed-after-discount") == money(3_041_920_000, language)

    # The signatory submits; the receipt shows what the bid row stores.
    signatory = client_for(world["signatory_a"], language)
    assert 'data-testid="submit-bid"' in text_of(signatory.get(url("bid_submit", bid)))
    response = signatory.post(url("bid_submit", bid))
    assert response.status_code == 302 and response["Location"] == url("bid_receipt", bid)
    bid.refresh_from_db()
    assert (
        bid.status == "submitted" and len(bid.content_hash) == 64 and bid.submitted_by == world["signatory_a"]
    )
    page = text_of(signatory.get(url("bid_receipt", bid)))
    assert by_testid(page, "receipt-hash") == bid.content_hash
    assert by_testid(page, "receipt-number") == bid.receipt_number
    assert f'datetime="{timezone.localtime(bid.submitted_at).isoformat()}"' in page
    shown = timezone.localtime(bid.submitted_at)
    clock = (
        shown.strftime("%H:%M:%S %d/%m/%Y") if language == "vi" else f"{shown.day} {shown:%b %Y, %H:%M:%S}"
    )
    assert clock in by_testid(page, "receipt-submitted-at")
    vendor = world["vendor_a"]
    assert by_testid(page, "receipt-vendor") == (
        f"{vendor.name} · mã số thuế {vendor.tax_code}"
        if language == "vi"
        else f"{vendor.name_en} · tax code {vendor.tax_code}"
    )
    assert tender.reference in page


def test_the_grid_totals_match_the_hand_calculation(world):
    tender = published_tender(world)
    bid = complete_bid(world, tender)
    for language in LANGUAGES:
        page = text_of(client_for(world["preparer_a"], language).get(url("bid_prices", bid)))
        assert by_testid(page, "amount-HOST") == money(1_440_000_000, language)
        assert by_testid(page, "amount-vat-HOST") == money(1_584_000_000, language)
        assert by_testid(page, "amount-SUPPORT") == money(1_520_000_000, language)
        assert by_testid(page, "amount-vat-SUPPORT") == money(1_520_000_000, language)
        assert by_testid(page, "grid-total") == money(2_960_000_000, language)
        assert by_testid(page, "grid-total-vat") == money(3_104_000_000, language)
        assert by_testid(page, "total-excluding-vat") == money(2_960_000_000, language)
        assert by_testid(page, "total-vat") == money(144_000_000, language)
        assert by_testid(page, "total-including-vat") == money(3_104_000_000, language)
        assert by_testid(page, "total-discount") == money(62_080_000, language)
        assert by_testid(page, "total-after-discount") == money(3_041_920_000, language)
        assert re.search(r'data-testid="unpriced-note"[^>]*hidden', page)


def test_the_grid_is_all_or_nothing_and_names_the_failing_cell(world):
    tender = published_tender(world)
    bid = draft_bid(world, tender)
    host = ScheduleItem.objects.get(tender=tender, code="HOST")
    support = ScheduleItem.objects.get(tender=tender, code="SUPPORT")
    prices = {"HOST": ["40,000,000", "forty million", "40,000,000"], "SUPPORT": ["250,000,000", "-5", "1"]}
    client = client_for(world["preparer_a"], "en")
    with assert_nothing_written(bid):
        response = client.post(url("bid_prices", bid), grid_post(tender, prices))
    assert response.status_code == 400
    page = text_of(response)
    assert 'data-testid="grid-errors"' in page and "The prices cannot be saved; nothing was changed." in page
    cell = re.search(rf'<input[^>]*id="price-{host.pk}-1"[^>]*>', page).group(0)
    assert 'aria-invalid="true"' in cell and 'value="forty million"' in cell
    assert f'<p class="error cell-error" id="price-{host.pk}-1-error">must be a number</p>' in page
    assert f'<p class="error cell-error" id="price-{support.pk}-1-error">must be at least 0</p>' in page
    # The cells that are fine keep what was typed and are not marked.
    fine = re.search(rf'<input[^>]*id="price-{host.pk}-0"[^>]*>', page).group(0)
    assert 'value="40,000,000"' in fine and "aria-invalid" not in fine
    assert not BidPrice.objects.filter(bid=bid).exists()


def test_an_untouched_item_is_left_out_so_a_bid_can_be_priced_bit_by_bit(world):
    tender = published_tender(world)
    bid = draft_bid(world, tender)
    response = client_for(world["preparer_a"], "vi").post(
        url("bid_prices", bid), grid_post(tender, {"HOST": ["40.000.000"] * 3, "SUPPORT": ["", "", ""]})
    )
    assert response.status_code == 302
    assert {p.item.code for p in BidPrice.objects.filter(bid=bid).select_related("item")} == {"HOST"}
    page = text_of(client_for(world["preparer_a"], "vi").get(url("bid_prices", bid)))
    assert by_testid(page, "amount-SUPPORT") == "—"
    assert by_testid(page, "total-excluding-vat") == money(1_440_000_000, "vi")
    assert not re.search(r'data-testid="unpriced-note"[^>]*hidden', page)


def test_a_preparer_cannot_submit_and_is_told_who_does(world):
    tender = published_tender(world)
    bid = complete_bid(world, tender)
    client = client_for(world["preparer_a"], "en")
    page = text_of(client.get(url("bid_edit", bid)))
    assert 'data-testid="review-submit"' not in page and 'data-testid="signatory-help"' in page
    with assert_nothing_written(bid):
        response = client.post(url("bid_submit", bid))
    assert response.status_code == 403
    assert "Only your company&#x27;s signatories submit its bid." in text_of(response)
    with assert_nothing_written(bid):
        assert client.post(url("bid_withdraw", bid)).status_code == 403
    assert Bid.objects.get(pk=bid.pk).status == "draft"


def test_an_incomplete_bid_is_refused_with_every_field_named(world):
    tender = published_tender(world)
    bid = draft_bid(world, tender)
    services.bid_prices_save(actor=world["preparer_a"], bid=bid, prices={"HOST": FULL_PRICES["HOST"]})
    client = client_for(world["signatory_a"], "en")
    with assert_nothing_written(bid):
        response = client.post(url("bid_submit", bid))
    assert response.status_code == 400
    page = text_of(response)
    assert "The bid cannot be submitted yet; see each field." in page
    assert "<strong>SUPPORT</strong>: not priced" in page
    assert "<strong>Bid security amount</strong>: at least 37800000 VND (1% of the package price)" in page
    assert f'href="{url("bid_prices", bid)}"' in page and f'href="{url("bid_edit", bid)}"' in page


@pytest.mark.parametrize("who", ["preparer_b", "signatory_b"])
def test_another_vendor_gets_the_404_page_on_every_bid_page_and_writes_nothing(world, who):
    tender = published_tender(world)
    bid = submitted_bid(world, tender)
    client = client_for(world[who], "en")
    for name in BID_PAGES:
        with assert_nothing_written(bid):
            assert client.get(url(name, bid)).status_code == 404, name
            assert (
                client.post(url(name, bid), {"decision": "accept", "discount_rate": "5"}).status_code == 404
            ), name
    missing = Bid.objects.order_by("-pk").first().pk + 100
    assert client.get(reverse("contracts:bid_edit", args=[missing])).status_code == 404


@pytest.mark.parametrize("opened", [False, True], ids=["before opening", "after opening"])
def test_the_agency_gets_the_404_page_on_the_vendors_bid_pages(world, opened):
    tender = published_tender(world)
    bid = submitted_bid(world, tender)
    if opened:
        close(tender)
        services.tender_open(actor=world["finance"], tender=tender)
    clients = {who: client_for(world[who], "en") for who in ("finance", "evaluator", "approver", "outsider")}
    for who, client in clients.items():
        for name in BID_PAGES:
            with assert_nothing_written(bid):
                assert client.get(url(name, bid)).status_code == 404, (who, name)
                assert client.post(url(name, bid)).status_code == 404, (who, name)


def test_anonymous_people_are_sent_to_sign_in(world):
    tender = published_tender(world)
    bid = draft_bid(world, tender)
    for name in BID_PAGES:
        response = Client().get(url(name, bid))
        assert response.status_code == 302 and response["Location"].startswith(reverse("login")), name


def test_an_unverified_vendor_cannot_start_a_bid_and_the_agency_is_told_it_does_not_bid(world):
    tender = published_tender(world)
    client = client_for(world["preparer_c"], "en")
    with assert_nothing_written():
        assert client.get(reverse("contracts:my_bid", args=[tender.pk])).status_code == 404
        assert client.post(reverse("contracts:my_bid", args=[tender.pk])).status_code == 404
    agency = client_for(world["finance"], "en")
    with assert_nothing_written():
        response = agency.post(reverse("contracts:my_bid", args=[tender.pk]))
    assert response.status_code == 403
    assert "Bid on behalf of your own verified company." in text_of(response)
    # A vendor id that is not the person's own company is refused too.
    other = client_for(world["preparer_b"], "en")
    with assert_nothing_written():
        response = other.post(reverse("contracts:my_bid", args=[tender.pk]), {"vendor": world["vendor_a"].pk})
    assert response.status_code == 403
    assert not Bid.objects.exists()


def test_a_second_start_is_refused_with_the_services_message(world):
    tender = published_tender(world)
    draft_bid(world, tender)
    client = client_for(world["signatory_a"], "en")
    with assert_nothing_written():
        response = client.post(reverse("contracts:my_bid", args=[tender.pk]))
    assert response.status_code == 409
    assert "Your company already has a bid on this tender." in text_of(response)


CLOSED = "The tender has closed: the bid can no longer change."


def test_after_closing_every_edit_is_refused_with_the_services_message(world):
    tender = tender_with_criteria(world)
    bid = complete_bid(world, tender)
    lic = tender.criteria.get(code="LIC")
    services.bid_answers_save(
        actor=world["preparer_a"], bid=bid,
        answers={"LIC": {"complies": True, "response": ""}, "ISO": {"complies": True, "response": ""}},
    )  # fmt: skip
    workbook = price_form(tender=tender, bid=bid, language="en")
    close(tender)
    client = client_for(world["signatory_a"], "en")
    upload = io.BytesIO(PDF)
    upload.name = "late.pdf"
    form = io.BytesIO(workbook)
    form.name = "prices.xlsx"
    attempts = [
        ("bid_prices", grid_post(tender, {"HOST": ["1", "1", "1"]}), CLOSED),
        (
            "bid_edit",
            {"discount_rate": "5", "bid_security_amount": "37800000", "validity_days": "90"},
            CLOSED,
        ),
        ("bid_answers", {f"answer-{lic.pk}-complies": "yes"}, CLOSED),
        ("bid_attachments", {"file": upload}, CLOSED),
        ("bid_prices_upload", {"file": form}, CLOSED),
        ("bid_submit", {}, "The tender closed before the bid arrived; it was not accepted."),
        ("bid_withdraw", {}, "The tender has closed: a bid can no longer be withdrawn."),
    ]
    for name, data, message in attempts:
        with assert_nothing_written(bid):
            response = client.post(url(name, bid), data)
        assert response.status_code == 409, name
        assert message in text_of(response), name
    for name in (
        "bid_edit",
        "bid_prices",
        "bid_answers",
        "bid_attachments",
        "bid_prices_upload",
        "bid_submit",
    ):
        page = text_of(client.get(url(name, bid)))
        assert by_testid(page, "closed-notice") == CLOSED, name
        for button in (
            "save-terms",
            "save-prices",
            "save-answers",
            "attach-file",
            "upload-prices",
            "submit-bid",
        ):
            assert f'data-testid="{button}"' not in page, (name, button)
    page = text_of(client.get(reverse("contracts:my_bid", args=[tender.pk])))
    assert 'data-testid="start-bid"' not in page


def test_a_submitted_bid_edited_returns_to_draft_and_says_so(world):
    tender = published_tender(world)
    bid = submitted_bid(world, tender)
    client = client_for(world["preparer_a"], "en")
    assert 'data-testid="submitted-notice"' in text_of(client.get(url("bid_prices", bid)))
    prices = {"HOST": ["39,000,000"] * 3, "SUPPORT": ["250,000,000", "250,000,000", "260,000,000"]}
    assert client.post(url("bid_prices", bid), grid_post(tender, prices)).status_code == 302
    bid.refresh_from_db()
    assert bid.status == "draft" and bid.content_hash == "" and bid.submitted_at is None
    page = text_of(client.get(url("bid_edit", bid)))
    assert 'data-testid="returned-notice"' in page
    assert 'data-testid="no-receipt"' in text_of(client.get(url("bid_receipt", bid)))


def test_an_amendment_that_returns_the_bid_to_draft_is_shown(world):
    tender = published_tender(world)
    bid = submitted_bid(world, tender)
    services.tender_amend(
        actor=world["finance"], tender=tender, reason="Làm rõ phạm vi.", title="Tiêu đề mới"
    )
    page = text_of(client_for(world["preparer_a"], "en").get(url("bid_edit", bid)))
    assert "The tender was amended (it is now version 2), so your submitted bid returned to draft." in page
    assert "it answers version 1 of the tender" in page


def test_the_price_form_downloads_and_uploads_all_or_nothing(world):
    tender = published_tender(world)
    bid = draft_bid(world, tender)
    client = client_for(world["preparer_a"], "en")
    response = client.get(url("bid_price_form", bid) + "?language=vi")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"].endswith('-price-form-vi.xlsx"')
    book = load_workbook(io.BytesIO(response.content))
    sheet = book["Prices"]
    assert sheet.cell(3, 6).value == "Đơn giá 2026" and sheet["A5"].value == "HOST"
    # Row 5 HOST, row 6 SUPPORT; unit prices in F, I, L (years 2026-2028).
    for column, (host, support) in zip("FIL", zip(*FULL_PRICES.values(), strict=True), strict=True):
        sheet[f"{column}5"], sheet[f"{column}6"] = int(host), int(support)
    sheet["I5"] = "bốn mươi triệu"
    bad = io.BytesIO()
    book.save(bad)
    upload = io.BytesIO(bad.getvalue())
    upload.name = "bang-gia.xlsx"
    with assert_nothing_written(bid):
        response = client.post(url("bid_prices_upload", bid), {"file": upload})
    assert response.status_code == 400
    page = text_of(response)
    assert "The workbook has 1 error; nothing was imported." in page
    assert "<code>Prices!I5</code></th><td>text &#x27;bốn mươi triệu&#x27; is not a number</td>" in page

    sheet["I5"] = 40_000_000
    good = io.BytesIO()
    book.save(good)
    upload = io.BytesIO(good.getvalue())
    upload.name = "bang-gia.xlsx"
    response = client.post(url("bid_prices_upload", bid), {"file": upload})
    assert response.status_code == 302 and response["Location"] == url("bid_prices", bid)
    saved = {p.item.code: p.unit_prices for p in BidPrice.objects.filter(bid=bid).select_related("item")}
    assert saved == FULL_PRICES


def test_an_upload_that_is_not_a_workbook_is_refused_before_it_is_read(world):
    tender = published_tender(world)
    bid = draft_bid(world, tender)
    upload = io.BytesIO(b"code,price\nHOST,1\n")
    upload.name = "prices.csv"
    client = client_for(world["preparer_a"], "en")
    with assert_nothing_written(bid):
        response = client.post(url("bid_prices_upload", bid), {"file": upload})
    assert response.status_code == 400
    assert "Upload an Excel workbook (.xlsx)." in text_of(response)


def test_answers_are_all_or_nothing_and_the_error_sits_on_its_criterion(world):
    tender = tender_with_criteria(world)
    bid = draft_bid(world, tender)
    lic, iso = tender.criteria.get(code="LIC"), tender.criteria.get(code="ISO")
    data = {f"answer-{lic.pk}-complies": "yes", f"answer-{iso.pk}-response": "Sẽ bổ sung."}
    client = client_for(world["preparer_a"], "en")
    with assert_nothing_written(bid):
        response = client.post(url("bid_answers", bid), data)
    assert response.status_code == 400
    page = text_of(response)
    assert f'<p class="error" id="answer-{iso.pk}-error">say whether the bid complies</p>' in page
    assert "Sẽ bổ sung." in page  # what was typed stays, to be completed
    assert not BidAnswer.objects.filter(bid=bid).exists()


def test_a_disallowed_attachment_is_refused_and_the_limits_are_shown(world):
    tender = published_tender(world)
    bid = draft_bid(world, tender)
    client = client_for(world["preparer_a"], "en")
    page = text_of(client.get(url("bid_attachments", bid)))
    assert "at most 20.0\xa0MB" in page and ".docx, .jpeg, .jpg, .pdf, .png, .xlsx, .zip" in page
    upload = io.BytesIO(b"MZ\x90\x00")
    upload.name = "setup.exe"
    with assert_nothing_written(bid):
        response = client.post(url("bid_attachments", bid), {"file": upload})
    assert response.status_code == 400
    page = text_of(response)
    assert "file type not allowed" in page and "Allowed files: .docx, .jpeg" in page


def test_the_signatory_withdraws_until_closing(world):
    tender = published_tender(world)
    bid = submitted_bid(world, tender)
    response = client_for(world["signatory_a"], "en").post(url("bid_withdraw", bid))
    assert response.status_code == 302 and response["Location"] == reverse(
        "contracts:my_bid", args=[tender.pk]
    )
    bid.refresh_from_db()
    assert bid.status == "withdrawn" and bid.content_hash == ""
    client = client_for(world["preparer_a"], "en")
    page = text_of(client.get(reverse("contracts:my_bid", args=[tender.pk])))
    assert 'data-testid="start-bid"' in page
    assert 'data-testid="withdrawn-notice"' in text_of(client.get(url("bid_prices", bid)))
    assert client.get(url("bid_withdraw", bid)).status_code == 405


def test_the_bidder_answers_the_arithmetic_correction(world):
    tender = published_tender(world)
    bid = submitted_bid(world, tender)
    submitted_bid(world, tender, vendor="b")
    # The uploaded price form wrote 470,000,000 for HOST in 2026 (12 x 40,000,000 = 480,000,000).
    BidPrice.objects.filter(bid=bid, item__code="HOST").update(
        stated_amounts=["470000000", "480000000", "480000000"]
    )
    close(tender)
    services.tender_open(actor=world["finance"], tender=tender)
    services.evaluation_start(
        actor=world["finance"], tender=tender, chair=world["evaluator"], evaluators=[world["evaluator"]]
    )
    preparer = client_for(world["preparer_a"], "en")
    page = text_of(preparer.get(url("bid_correction", bid)))
    assert "The unit price prevails over the line amount" in page
    assert "<td>2026</td>" in page
    assert money(470_000_000, "en") in page and money(480_000_000, "en") in page
    assert money(10_000_000, "en") in page
    assert 'data-testid="accept-correction"' not in page and 'data-testid="signatory-help"' in page
    correction = BidCorrection.objects.get(bid=bid)
    with assert_nothing_written(correction):
        assert preparer.post(url("bid_correction", bid), {"decision": "accept"}).status_code == 403
    signatory = client_for(world["signatory_a"], "vi")
    assert 'data-testid="accept-correction"' in text_of(signatory.get(url("bid_correction", bid)))
    with assert_nothing_written(correction):
        assert signatory.post(url("bid_correction", bid), {"decision": "maybe"}).status_code == 400
    response = signatory.post(url("bid_correction", bid), {"decision": "accept"})
    assert response.status_code == 302
    correction.refresh_from_db()
    assert correction.status == "accepted" and correction.responded_by == world["signatory_a"]
    response = signatory.post(url("bid_correction", bid), {"decision": "reject"})
    assert response.status_code == 409


def test_a_bid_without_correction_says_so(world):
    tender = published_tender(world)
    bid = draft_bid(world, tender)
    client = client_for(world["signatory_a"], "en")
    assert 'data-testid="no-correction"' in text_of(client.get(url("bid_correction", bid)))
    assert client.post(url("bid_correction", bid), {"decision": "accept"}).status_code == 404


def test_a_vendor_asks_a_question_and_is_sent_back_to_the_clarifications(world):
    tender = published_tender(world)
    client = client_for(world["preparer_a"], "en")
    target = reverse("contracts:clarifications", args=[tender.pk])
    response = client.post(
        reverse("contracts:clarification_ask", args=[tender.pk]), {"question": "Thời hạn?"}
    )
    assert response.status_code == 302 and response["Location"] == target
    question = Clarification.objects.get(tender=tender)
    assert (question.question, question.vendor, question.asked_by) == (
        "Thời hạn?", world["vendor_a"], world["preparer_a"],
    )  # fmt: skip
    with assert_nothing_written():
        response = client.post(reverse("contracts:clarification_ask", args=[tender.pk]), {"question": " "})
    assert response.status_code == 302 and response["Location"] == target
    agency = client_for(world["finance"], "en")
    with assert_nothing_written():
        response = agency.post(reverse("contracts:clarification_ask", args=[tender.pk]), {"question": "?"})
    assert response.status_code == 403
    assert client.get(reverse("contracts:clarification_ask", args=[tender.pk])).status_code == 405
