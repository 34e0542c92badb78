"""The settlement statement as a PDF (revenue_share.settlement_statement, both languages) and as an
XLSX download, on the March statement of tests/revenue_share/test_settlements.py `settled`:

Net revenue 9,850,000 (SV-A) + 4,980,000 (SV-B) = 14,830,000. Tiered share 30 % x 10,000,000 =
3,000,000 (band 1) + 20 % x 4,830,000 = 966,000 (band 2); AVAIL credit 0.5 x 3,966,000 / 100 = 19,830
to the state. Provider's share 3,966,000 − 19,830 = 3,946,170; state's share 14,830,000 − 3,946,170 =
10,883,830; no adjustments; the state pays the provider 3,946,170 ("ba triệu chín trăm bốn mươi sáu
nghìn một trăm bảy mươi đồng").
"""

from __future__ import annotations

import hashlib
import io
from decimal import Decimal
from typing import Any

import openpyxl
import pytest
from pypdf import PdfReader

from ppp.documents.services import document_generate, rendered_again
from ppp.errors import NotFound
from ppp.models import Document
from revenue_share.services.settlements import settlement_approve
from tests.contracts.test_agency_pages import client_for
from tests.revenue_share import test_settlements as settlements
from tests.roles import assert_nothing_written

world, _media, settled = settlements.world, settlements._media, settlements.settled

pytestmark = pytest.mark.django_db

KIND = "revenue_share.settlement_statement"


def pdf_text(document: Document) -> str:
    reader = PdfReader(io.BytesIO(bytes(document.content)))
    return "\n".join(page.extract_text() for page in reader.pages)


def flat(value: str) -> str:
    return " ".join(value.split())


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "vi",
            [
                "BẢNG QUYẾT TOÁN THÁNG 03/2026",
                "Doanh thu thuần 14.830.000 ₫",
                "Phần của nhà cung cấp 3.946.170 ₫",
                "Phần của nhà nước 10.883.830 ₫",
                "Giảm trừ chất lượng dịch vụ AVAIL nhà nước 19.830 ₫",
                "Bằng chữ: Ba triệu chín trăm bốn mươi sáu nghìn một trăm bảy mươi đồng.",
                "14.830.000 ₫",
                "3.946.170 ₫",
                "10.883.830 ₫",
                "3.000.000 ₫",
                "966.000 ₫",
                "19.830 ₫",
            ],
        ),
        (
            "en",
            [
                "SETTLEMENT STATEMENT 03/2026",
                "Share of net revenue in a band 2 the provider 966,000 VND",
                "Service credit AVAIL the state 19,830 VND",
                "Net revenue 14,830,000 VND",
                "Provider's share 3,946,170 VND",
                "State's share 10,883,830 VND",
                "Net payable by the state 3,946,170 VND",
                "The state pays the provider: 3,946,170 VND",
                "Vendor Organisation",
                "14,830,000",
                "3,946,170",
                "10,883,830",
                "19,830",
            ],
        ),
    ],
)
def test_the_statement_pdf_prints_the_hand_computed_figures(settled: dict[str, Any], language, expected):
    statement = settlements.compute(settled)
    document = document_generate(
        actor=settled["finance"], kind=KIND, object_id=statement.pk, language=language
    )
    text = flat(pdf_text(document))
    for value in expected:
        assert flat(value) in text, value
    assert statement.inputs_hash in text.replace(" ", "")
    assert hashlib.sha256(rendered_again(document)).hexdigest() == document.file_hash
    again = document_generate(actor=settled["finance"], kind=KIND, object_id=statement.pk, language=language)
    assert again.pk == document.pk


def test_the_net_payable_is_in_words_in_both_languages(settled: dict[str, Any]):
    statement = settlements.compute(settled)
    vi = flat(
        pdf_text(
            document_generate(actor=settled["finance"], kind=KIND, object_id=statement.pk, language="vi")
        )
    )
    en = flat(
        pdf_text(
            document_generate(actor=settled["preparer"], kind=KIND, object_id=statement.pk, language="en")
        )
    )
    assert "Bằng chữ: Ba triệu chín trăm bốn mươi sáu nghìn một trăm bảy mươi đồng." in vi
    assert "In words: Three million, nine hundred and forty-six thousand, one hundred and seventy dong." in en


def test_an_approved_statement_prints_who_approved_it(settled: dict[str, Any]):
    statement = settlements.compute(settled)
    statement = settlement_approve(actor=settled["approver"], statement=statement)
    document = document_generate(actor=settled["approver"], kind=KIND, object_id=statement.pk, language="en")
    text = flat(pdf_text(document))
    # People are named by their full names, not their user names.
    for person in (settled["approver"], settled["finance"]):
        assert person.full_name and flat(person.full_name) in text and person.username not in text


def test_another_vendor_gets_not_found_and_nothing_is_written(settled: dict[str, Any]):
    statement = settlements.compute(settled)
    for person in ("other_preparer", "outsider"):
        with assert_nothing_written(), pytest.raises(NotFound):
            document_generate(actor=settled[person], kind=KIND, object_id=statement.pk, language="vi")
    assert not Document.objects.exists()


def test_the_statement_xlsx_holds_numbers_with_formats(settled: dict[str, Any]):
    statement = settlements.compute(settled)
    client = client_for(settled["preparer"], "en")
    response = client.get(f"/revenue-share/settlements/{statement.pk}/statement.xlsx")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet.title == "2026-03"
    assert sheet["A1"].value == "Settlement statement"
    assert [(sheet.cell(r, 1).value, sheet.cell(r, 2).value) for r in range(2, 10)] == [
        ("Contract", statement.contract.tender.reference),
        ("Contracting agency", statement.contract.agency.name_en or statement.contract.agency.name),
        ("Vendor", statement.contract.vendor.name_en or statement.contract.vendor.name),
        ("Month", "03/2026"),
        ("Status", "Draft"),
        ("Version", 1),
        ("Currency", "VND"),
        ("Inputs hash (SHA-256)", statement.inputs_hash),
    ]
    assert [sheet.cell(11, c).value for c in range(1, 6)] == [
        "Line",
        "Reference",
        "Payable to",
        "Amount",
        "Rule",
    ]
    lines = [[sheet.cell(r, c).value for c in range(1, 5)] for r in range(12, 15)]
    assert lines == [
        ["Share of net revenue in a band", "1", "the provider", 3_000_000],
        ["Share of net revenue in a band", "2", "the provider", 966_000],
        ["Service credit", "AVAIL", "the state", 19_830],
    ]
    assert [sheet.cell(r, 5).value for r in range(12, 15)] == [line["rule"] for line in statement.lines]
    assert {sheet.cell(r, 4).number_format for r in (12, 13, 14, 16, 17, 18, 19, 20)} == {"#,##0"}
    totals = [(sheet.cell(r, 1).value, sheet.cell(r, 4).value) for r in range(16, 21)]
    assert totals == [
        ("Net revenue", 14_830_000),
        ("Provider's share", 3_946_170),
        ("State's share", 10_883_830),
        ("Adjustments", 0),
        ("Net payable by the state", 3_946_170),
    ]
    assert all(isinstance(value, int) for _label, value in totals)
    assert sum(Decimal(line[3]) for line in lines[:2]) - lines[2][3] == 3_946_170


def test_the_xlsx_is_a_404_for_another_vendor(settled: dict[str, Any]):
    statement = settlements.compute(settled)
    client = client_for(settled["other_preparer"], "en")
    with assert_nothing_written(statement):
        response = client.get(f"/revenue-share/settlements/{statement.pk}/statement.xlsx")
    assert response.status_code == 404


def test_the_detail_page_links_the_xlsx_and_lists_the_documents(settled: dict[str, Any]):
    statement = settlements.compute(settled)
    response = client_for(settled["finance"], "en").get(f"/revenue-share/settlements/{statement.pk}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert f"/revenue-share/settlements/{statement.pk}/statement.xlsx" in page
    assert 'data-testid="documents-panel"' in page
    assert '<option value="revenue_share.settlement_statement">Settlement statement</option>' in page


def test_the_detail_page_links_the_workbook_and_the_workbook_downloads(settled: dict[str, Any]):
    """The project's own routes: the statement page links its workbook, which the finance officer
    downloads as an .xlsx with the provider's share 3,946,170 in the totals."""
    statement = settlements.compute(settled)
    finance = client_for(settled["finance"], "en")
    response = finance.get(f"/revenue-share/settlements/{statement.pk}/")
    link = f"/revenue-share/settlements/{statement.pk}/statement.xlsx"
    assert response.status_code == 200 and link in response.content.decode()
    workbook = openpyxl.load_workbook(io.BytesIO(finance.get(link).content))
    cells = [cell for row in workbook.active.iter_rows(values_only=True) for cell in row]
    assert 3_946_170 in cells


banded = settlements.banded


def test_the_band_test_is_printed_with_its_conditions(banded: dict[str, Any]):
    """Plan 28,000,000: band 0.75 x 28,000,000 = 21,000,000 to 1.25 x 28,000,000 = 35,000,000; the
    year's net revenue 39,830,000 is above it, but the revenue is not audited, so nothing is shared and
    December's provider's share stays 6,000,000 (the state pays 6,000,000)."""
    settlements.save_plan(banded, 28_000_000)
    conditions = {**settlements.ALL_HOLD, "revenue_audited": False}
    december = settlements.compute(banded, "2026-12", band_conditions=conditions)
    for language in ("vi", "en"):
        document = document_generate(
            actor=banded["finance"], kind=KIND, object_id=december.pk, language=language
        )
        text = flat(pdf_text(document))
        assert hashlib.sha256(rendered_again(document)).hexdigest() == document.file_hash
    for value in (
        "Revenue band test of 2026",
        "Net revenue of the year 39,830,000 VND",
        "Planned revenue 28,000,000 VND",
        "Band 21,000,000 VND – 35,000,000 VND",
        "Position above",
        "Shared on this statement no",
        "The year's revenue is audited both sides does not hold",
        "The state pays the provider: 6,000,000 VND",
    ):
        assert value in text, (value, text)
