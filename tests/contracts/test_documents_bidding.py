"""The bidding document (contracts.bidding_document) and the blank bid and price forms
(contracts.bid_forms) of a tender: what they say in Vietnamese and English, that they are
deterministic, who may generate and read them, and the documents panel on the tender page.

The world is tests/contracts/conftest.py's published tender: the service-hire option over 2026-2028,
VAT 10 %, package price = 3 x (600,000,000 x 1.1 + 600,000,000) = 3,780,000,000 VND; bid security
1 % x 3,780,000,000 = 37,800,000 VND ("Ba mươi bảy triệu tám trăm nghìn đồng"; "Thirty-seven million,
eight hundred thousand dong"); bid validity 90 days, so the security must cover 90 + 30 = 120 days
from the closing. Items: HOST "Thuê hạ tầng", 12 tháng a year, VAT; SUPPORT "Hỗ trợ", 2 người-năm a
year, no VAT.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from contracts import services
from costing import services as costing_services
from costing.services import LineData
from ppp.documents.services import document_generate, rendered_again
from ppp.errors import NotFound, PermissionDenied
from ppp.models import Document
from tests.contracts.conftest import new_tender, published_tender, terms
from tests.contracts.test_agency_pages import client_for
from tests.roles import assert_nothing_written

pytestmark = pytest.mark.django_db

DOCUMENT, FORMS = "contracts.bidding_document", "contracts.bid_forms"
CHAPTERS_VI = (
    "Phần 1. THỦ TỤC ĐẤU THẦU",
    "Chương I. CHỈ DẪN NHÀ THẦU",
    "Chương II. BẢNG DỮ LIỆU ĐẤU THẦU",
    "Chương III. TIÊU CHUẨN ĐÁNH GIÁ HỒ SƠ DỰ THẦU",
    "Chương IV. BIỂU MẪU DỰ THẦU",
    "Phần 2. YÊU CẦU VỀ KỸ THUẬT",
    "Chương V. PHẠM VI CÔNG VIỆC VÀ YÊU CẦU VỀ KỸ THUẬT",
    "Phần 3. ĐIỀU KIỆN HỢP ĐỒNG VÀ BIỂU MẪU HỢP ĐỒNG",
    "Chương VI. ĐIỀU KIỆN CHUNG CỦA HỢP ĐỒNG",
    "Chương VII. ĐIỀU KIỆN CỤ THỂ CỦA HỢP ĐỒNG",
    "Chương VIII. BIỂU MẪU HỢP ĐỒNG",
)
CHAPTERS_EN = (
    "Part 1. Bidding procedures",
    "Chapter I. Instructions to bidders",
    "Chapter II. Bid data sheet",
    "Chapter III. Evaluation and qualification criteria",
    "Chapter IV. Bidding forms",
    "Part 2. Requirements",
    "Chapter V. Scope of work and technical requirements",
    "Part 3. Conditions of contract and contract forms",
    "Chapter VI. General conditions of contract",
    "Chapter VII. Particular conditions of contract",
    "Chapter VIII. Contract forms",
)


def pages_of(document: Document) -> list[str]:
    """Each page's text with its whitespace collapsed (table cells come out one per line)."""
    reader = PdfReader(io.BytesIO(bytes(document.content)))
    return [" ".join(page.extract_text().split()) for page in reader.pages]


def text_of(document: Document) -> str:
    return " ".join(pages_of(document))


def generate(world, tender, kind: str = DOCUMENT, language: str = "vi") -> Document:  # type: ignore[no-untyped-def]
    return document_generate(actor=world["finance"], kind=kind, object_id=tender.pk, language=language)


def expiry(tender, language: str) -> str:  # type: ignore[no-untyped-def]
    """The last day of the bid security: the closing's date (Hanoi time) + 90 + 30 days."""
    last = timezone.localtime(tender.closing_at).date() + dt.timedelta(days=120)
    return last.strftime("%d/%m/%Y") if language == "vi" else last.isoformat()


def test_vietnamese_bidding_document_has_the_template_chapters_and_the_tenders_figures(world):
    """Figures by hand: 1 % x 3,780,000,000 = 37,800,000; HOST 12 a year for 2026, 2027, 2028."""
    tender = published_tender(world)
    document = generate(world, tender)
    pages = pages_of(document)
    text = " ".join(pages)
    for title in CHAPTERS_VI:
        assert title in text
    assert "HỒ SƠ MỜI THẦU" in pages[0]
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in pages[0]
    assert f"Số: {tender.reference}" in pages[0]
    assert all(tender.reference in page for page in pages)  # in every page's heading
    assert "Giá gói thầu: 3.780.000.000 ₫ Bằng chữ: Ba tỷ bảy trăm tám mươi triệu đồng." in text
    assert "Giá trị bảo đảm dự thầu: 37.800.000 ₫ Bằng chữ: Ba mươi bảy triệu tám trăm nghìn đồng." in text
    assert "3.780.000.000 ₫ × 1% = 37.800.000 ₫" in text
    assert f"120 ngày kể từ thời điểm đóng thầu, đến ngày {expiry(tender, 'vi')}" in text
    assert "Hiệu lực hồ sơ dự thầu 90 ngày" in text
    assert "Phương pháp đánh giá Giá thấp nhất" in text
    assert "Số túi hồ sơ Một túi hồ sơ" in text
    assert "Thuế suất GTGT 10%" in text
    # Part 2: the quantities per year; Chapter IV: the price form of 2026 with its empty price cells.
    assert "HOST Thuê hạ tầng tháng 12 12 12" in text
    assert "SUPPORT Hỗ trợ người-năm 2 2 2" in text
    form_2026 = next(page for page in pages if "Mẫu số 07. BẢNG GIÁ DỰ THẦU CHI TIẾT · 2026" in page)
    assert "1 HOST Thuê hạ tầng tháng 12 10% 2 SUPPORT Hỗ trợ người-năm 2 —" in form_2026
    assert "Mẫu số 08. BẢNG TỔNG HỢP GIÁ DỰ THẦU" in text
    # The rule sets valid on the publication date, with their legal basis.
    assert "Luật Đấu thầu số 22/2023/QH15 (sửa đổi, bổ sung); Nghị định" in text
    assert "Bảo đảm dự thầu theo tỷ lệ giá gói thầu" in text
    assert "Tỷ trọng điểm kỹ thuật và điểm giá theo lĩnh vực mua sắm" not in text  # not the combined method
    assert document.published is True
    assert document.version == 1


def test_english_bidding_document(world):
    """The same figures the English way: 37,800,000 VND, in words "Thirty-seven million, eight
    hundred thousand dong"; the template's Vietnamese titles stand under the English ones."""
    tender = published_tender(world)
    document = generate(world, tender, language="en")
    pages = pages_of(document)
    text = " ".join(pages)
    for title in CHAPTERS_EN:
        assert title in text
    assert "Chapter I. Instructions to bidders Chương I. CHỈ DẪN NHÀ THẦU" in text
    assert "BIDDING DOCUMENT" in pages[0]
    assert world["agency"].name_en.upper() in pages[0]
    assert (
        "Bid security amount: 37,800,000 VND In words: Thirty-seven million, eight hundred thousand dong."
        in text
    )
    assert (
        "Package price: 3,780,000,000 VND In words: Three billion, seven hundred and eighty million dong."
        in text
    )
    assert f"120 days from the closing, until {expiry(tender, 'en')}" in text
    assert "14.1. Each bid carries a bid security of 37,800,000 VND (1% of the package price)" in text
    assert "HOST Thuê hạ tầng tháng 12 12 12" in text
    assert "Form 07. Detailed price form · 2028" in text


def test_bid_forms_in_both_languages(world):
    """The blank forms: the bid letter, the bid security of 37,800,000 with its words and its expiry
    (closing + 120 days), a price form per year (2026-2028) with every item's quantity, the summary
    and the link to the bidder's price page (the XLSX of the same forms)."""
    tender = published_tender(world)
    link = reverse("contracts:my_bid", args=[tender.pk])
    vi = generate(world, tender, FORMS, "vi")
    text = text_of(vi)
    titles = (
        "BIỂU MẪU DỰ THẦU",
        "Mẫu số 01. ĐƠN DỰ THẦU",
        "Mẫu số 04. BẢO LÃNH DỰ THẦU",
        "Mẫu số 05. BẢNG ĐÁP ỨNG TIÊU CHUẨN ĐÁNH GIÁ",
        "Mẫu số 08. BẢNG TỔNG HỢP GIÁ DỰ THẦU",
    )
    for title in titles:
        assert title in text
    for year in (2026, 2027, 2028):
        assert f"Mẫu số 07. BẢNG GIÁ DỰ THẦU CHI TIẾT · {year}" in text
    assert "Bảo đảm dự thầu: 37.800.000 ₫ Bằng chữ: Ba mươi bảy triệu tám trăm nghìn đồng." in text
    assert f"đến hết ngày {expiry(tender, 'vi')}" in text
    assert "1 HOST Thuê hạ tầng tháng 12 10%" in text
    assert link in text.replace(" ", "")
    assert "Chương I. CHỈ DẪN NHÀ THẦU" not in text  # the forms only, not the whole document
    en = generate(world, tender, FORMS, "en")
    text = text_of(en)
    assert "Form 01. Bid letter" in text
    assert "Form 08. Price summary" in text
    assert "Bid security: 37,800,000 VND In words: Thirty-seven million, eight hundred thousand dong." in text
    assert f"until {expiry(tender, 'en')} inclusive" in text
    assert "2 SUPPORT Hỗ trợ người-năm 2 —" in text
    assert vi.file_hash != en.file_hash
    assert vi.published and en.published


@pytest.mark.parametrize("kind", [DOCUMENT, FORMS])
def test_deterministic(world, kind):
    """Regenerating from the stored inputs gives the stored bytes; the same inputs give back the same
    record; each language is its own record."""
    tender = published_tender(world)
    for language in ("vi", "en"):
        document = generate(world, tender, kind, language)
        assert hashlib.sha256(rendered_again(document)).hexdigest() == document.file_hash
        again = generate(world, tender, kind, language)
        assert (again.pk, again.version, again.file_hash) == (document.pk, 1, document.file_hash)
    assert Document.objects.filter(kind=kind, object_id=str(tender.pk)).count() == 2


def test_an_amendment_makes_the_next_version(world):
    """Raising the bid validity from 90 to 120 days: the security must then cover 120 + 30 = 150 days,
    and the data sheet lists amendment 1 with its reason."""
    tender = published_tender(world)
    first = generate(world, tender)
    services.tender_amend(
        actor=world["finance"], tender=tender, reason="Kéo dài hiệu lực", bid_validity_days=120
    )
    tender.refresh_from_db()
    second = generate(world, tender)
    assert (first.version, second.version) == (1, 2)
    text = text_of(second)
    assert "Hiệu lực hồ sơ dự thầu 120 ngày" in text
    assert "150 ngày kể từ thời điểm đóng thầu" in text
    assert "Kéo dài hiệu lực" in text
    assert "Phiên bản gói thầu 2" in text
    assert "kể cả các văn bản sửa đổi số 1," in text  # the bid letter names it


def test_combined_method_draft_with_criteria(world):
    """A draft of the combined method, two envelopes, technical 20 % / price 80 %, pass mark 70 %:
    criteria KT-01 (60 points), KT-02 (40 points) and the pass/fail NL-01. Maximum 60 + 40 = 100
    points, so the pass mark is 0.70 x 100 = 70 points. A draft's documents are not published."""
    tender = new_tender(world, method="combined", envelopes=2, technical_weight="0.20", price_weight="0.80",
                        pass_mark="0.70")  # fmt: skip
    for code, kind, points in (("NL-01", "pass_fail", None), ("KT-01", "technical", "60"),
                               ("KT-02", "technical", "40")):  # fmt: skip
        services.criterion_add(actor=world["finance"], tender=tender, kind=kind, code=code,
                               name=f"Tiêu chí {code}", description="Chứng minh bằng hợp đồng tương tự",
                               max_points=points)  # fmt: skip
    document = generate(world, tender, language="en")
    text = text_of(document)
    assert "Combined score = 20% × technical score + 80% × price score." in text
    assert "at least 70% of the maximum, that is 70 of 100 points" in text
    assert "KT-01 Tiêu chí KT-01 Chứng minh bằng hợp đồng tương tự 60" in text
    assert "Total 100" in text
    assert "NL-01 Tiêu chí NL-01 Chứng minh bằng hợp đồng tương tự" in text
    assert "Envelopes Two envelopes" in text
    assert "Only the technical envelopes are opened then." in text
    assert "Technical and price weights by procurement category" in text  # a rule this method applies
    assert "Minimum technical pass mark as a share of the maximum score" in text
    assert document.published is False
    forms = generate(world, tender, FORMS, "vi")
    assert "KT-02 Tiêu chí KT-02 40 điểm" in text_of(forms)


def _model_with(world, lines: int):  # type: ignore[no-untyped-def]
    """An approved model whose service-hire option has `lines` lines of 12 months x 1,000,000 a year
    (120 lines: 120 x 12,000,000 x 1.1 x 3 = 4,752,000,000, under the VND 10 bn where 1 % security is
    allowed)."""
    model = costing_services.cost_model_create(
        actor=world["finance"], organisation=world["agency"], name=f"Mô hình {lines}", base_year=2026,
        horizon=3, discount_rate="0.05", vat_rate="0.10",
    )  # fmt: skip
    costing_services.lines_save(
        actor=world["finance"], option=model.options.get(kind="in_house"),
        rows=[LineData(code="OPS", name="Vận hành", category="operations_staff", unit="người-năm",
                       unit_cost="900000000", quantities=["2", "2", "2"], vat_applicable=False)],
    )  # fmt: skip
    costing_services.lines_save(
        actor=world["finance"], option=model.options.get(kind="service_hire"),
        rows=[LineData(code=f"DV{i:03d}", name=f"Dịch vụ {i}", category="hosting_cloud", unit="tháng",
                       unit_cost="1000000", quantities=["12", "12", "12"]) for i in range(lines)],
    )  # fmt: skip
    costing_services.cost_model_submit(actor=world["finance"], model=model)
    return costing_services.cost_model_approve(actor=world["approver"], model=model)


def test_page_count_grows_with_the_items(world):
    """120 items instead of 2: the price forms of each year (3) and the schedule's tables run over more
    pages (about 40 rows a page)."""
    small = published_tender(world)
    model = _model_with(world, 120)
    option = model.options.get(kind="service_hire")
    large = services.tender_create(actor=world["finance"], model=model, option=option, **terms())
    small_pages = len(pages_of(generate(world, small)))
    large_pages = pages_of(generate(world, large))
    assert len(large_pages) >= small_pages + 10
    assert "DV119 Dịch vụ 119 tháng 12 12 12" in " ".join(large_pages)


def test_who_may_generate(world):
    """The agency's finance officers generate; a vendor, the agency's evaluator and the reviewing body
    may read the tender but not generate (PermissionDenied); another agency cannot see it (NotFound).
    Nothing is written on a refusal."""
    tender = published_tender(world)
    for person in ("preparer_a", "signatory_b", "evaluator", "approver"):
        with assert_nothing_written(tender), pytest.raises(PermissionDenied):
            document_generate(actor=world[person], kind=DOCUMENT, object_id=tender.pk, language="vi")
    for kind in (DOCUMENT, FORMS):
        with assert_nothing_written(tender), pytest.raises(NotFound):
            document_generate(actor=world["outsider"], kind=kind, object_id=tender.pk, language="vi")
    draft = new_tender(world)
    with assert_nothing_written(draft), pytest.raises(NotFound):  # a vendor cannot see a draft
        document_generate(actor=world["preparer_a"], kind=FORMS, object_id=draft.pk, language="vi")


@pytest.mark.parametrize("kind", [DOCUMENT, FORMS])
def test_generate_page_refusals(world, kind):
    """POST /documents/generate/: 403 for a vendor, 404 for another agency, nothing written; 302 and
    one record for the finance officer."""
    tender = published_tender(world)
    payload = {"kind": kind, "object_id": tender.pk, "language": "vi", "next": "/"}
    address = reverse("document_generate")
    vendor, outsider = client_for(world["signatory_a"], "en"), client_for(world["outsider"], "en")
    with assert_nothing_written(tender):
        assert vendor.post(address, payload).status_code == 403
        assert outsider.post(address, payload).status_code == 404
    response = client_for(world["finance"]).post(address, payload)
    assert response.status_code == 302
    assert Document.objects.filter(kind=kind, object_id=str(tender.pk)).count() == 1


def test_the_panel_on_the_tender_page_and_downloads(world):
    """The finance officer sees both kinds in the panel's form; a vendor sees the generated
    documents and downloads them, but has no form; another agency gets 404 for the file."""
    tender = published_tender(world)
    page = reverse("contracts:tender_detail", args=[tender.pk])
    html = client_for(world["finance"]).get(page).content.decode()
    assert 'data-testid="documents-panel"' in html
    assert 'data-testid="generate-document-form"' in html
    assert f'value="{DOCUMENT}"' in html and f'value="{FORMS}"' in html
    document = generate(world, tender, FORMS)
    vendor = client_for(world["preparer_b"])
    html = vendor.get(page).content.decode()
    assert 'data-testid="documents-panel"' in html
    assert 'data-testid="generate-document-form"' not in html
    assert f'data-testid="document-{FORMS}-vi-1"' in html
    download = vendor.get(reverse("document_download", args=[document.pk]))
    assert download.status_code == 200
    assert download["X-Content-SHA256"] == document.file_hash
    assert hashlib.sha256(download.content).hexdigest() == document.file_hash
    outsider = client_for(world["outsider"])
    with assert_nothing_written():
        assert outsider.get(reverse("document_download", args=[document.pk])).status_code == 404


def test_a_vendor_never_sees_a_bidding_document_rendered_from_the_draft(world):
    """Generated while the tender was a draft, a document shows draft terms: once the tender is
    published vendors read only the documents generated after it, the agency reads both."""
    from ppp.documents.selectors import document_get_for, document_list_for

    tender = new_tender(world)
    draft = generate(world, tender)
    services.tender_submit(actor=world["finance"], tender=tender)
    services.tender_approve(actor=world["approver"], tender=tender)
    tender = services.tender_publish(actor=world["finance"], tender=tender)
    published = generate(world, tender)
    assert (draft.published, published.published, published.version) == (False, True, 2)
    listed = document_list_for(user=world["preparer_a"], object_type="contracts.tender", object_id=tender.pk)
    assert [d.pk for d in listed] == [published.pk]
    assert document_get_for(user=world["preparer_a"], pk=published.pk) == published
    with pytest.raises(NotFound):
        document_get_for(user=world["preparer_a"], pk=draft.pk)
    agency = document_list_for(user=world["finance"], object_type="contracts.tender", object_id=tender.pk)
    assert {d.pk for d in agency} == {draft.pk, published.pk}
