"""The documents foundation: amounts in words, the same inputs giving the same bytes, the page
furniture (title, reference, page x of y, the inputs' SHA-256) and Vietnamese text that survives
into the PDF's text layer."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.utils import translation
from pypdf import PdfReader

from ppp.documents.pdf import Document, Meta, histogram, line_chart, money, tornado
from ppp.documents.words import amount_in_words

MOMENT = dt.datetime(2026, 12, 3, 2, 0, tzinfo=dt.UTC)  # 09:00 in Hà Nội


@pytest.mark.parametrize(
    ("amount", "language", "words"),
    [
        (3_041_920_000, "vi", "Ba tỷ bốn mươi mốt triệu chín trăm hai mươi nghìn đồng"),
        (3_041_920_000, "en", "Three billion, forty-one million, nine hundred and twenty thousand dong"),
        (125_564_664_804, "vi", "Một trăm hai mươi lăm tỷ năm trăm sáu mươi bốn triệu sáu trăm sáu mươi bốn "
                                "nghìn tám trăm lẻ bốn đồng"),
        (1_005, "vi", "Một nghìn lẻ năm đồng"),
        (21, "vi", "Hai mươi mốt đồng"),
        ("37800000.50", "vi", "Ba mươi bảy triệu tám trăm nghìn lẻ một đồng"),  # rounded half up
        (-15, "en", "Minus fifteen dong"),
    ],
)  # fmt: skip
def test_amounts_are_written_in_words(amount, language, words):
    assert amount_in_words(amount, "VND", language) == words


def _document(language: str, moment: dt.datetime = MOMENT, rows: int = 80) -> bytes:
    with translation.override(language):
        meta = Meta(
            title="Dự toán chi phí dịch vụ Cổng dịch vụ công",
            reference="DT-2026-0001",
            language=language,
            generated_at=moment,
            input_hash="ab" * 32,
            issuer="Sở Thông tin và Truyền thông tỉnh Quảng Ninh",
            place="Quảng Ninh",
        )
        doc = Document(meta)
        doc.national_heading()
        doc.title(meta.title)
        doc.table(
            ["Mã", "Khoản mục", "Số tiền"],
            [[f"DV-{n:02d}", f"Nhân sự hỗ trợ vận hành {n}", money(1_000_000 * n)] for n in range(rows)],
            widths=[1, 4, 2],
            numeric=[2],
        )
        doc.amount("Tổng dự toán", 3_041_920_000)
        doc.chart(histogram([1, 3, 5, 2], ["1", "2", "3", "4"], "Phân bố"))
        doc.chart(line_chart([[(0, 0), (1, 0.5), (2, 1)]], "Đường cong S"))
        doc.chart(tornado([("Đơn giá nhân công", -5.0, 6.0)], "Độ nhạy"))
        return doc.build()


def test_the_same_inputs_give_the_same_bytes_and_another_moment_does_not():
    first, second = _document("vi"), _document("vi")
    assert first == second
    assert _document("vi", MOMENT + dt.timedelta(minutes=1)) != first


def test_every_page_carries_the_title_reference_page_count_and_the_inputs_hash_in_vietnamese():
    reader = PdfReader(io.BytesIO(_document("vi")))
    pages = [page.extract_text() for page in reader.pages]
    assert len(pages) == 3  # 80 rows and the charts
    first = pages[0]
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in first and "Độc lập - Tự do - Hạnh phúc" in first
    assert "Quảng Ninh, ngày 03 tháng 12 năm 2026" in first
    assert "Số: DT-2026-0001" in first
    for number, text in enumerate(pages, start=1):
        assert f"Trang {number}/3" in text, text[-300:]
        assert "ab" * 32 in text
        assert "Tạo lúc 09:00 03/12/2026" in text
    # The repeated table header on the second page, and the figures as Vietnamese writes them.
    assert "Khoản mục" in pages[1] and "79.000.000 ₫" in pages[1]
    assert "Bằng chữ: Ba tỷ bốn mươi mốt triệu chín trăm hai mươi nghìn đồng." in "".join(pages)


def test_the_english_document_says_the_same_in_english():
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(_document("en"))).pages)
    assert "SOCIALIST REPUBLIC OF VIET NAM" in text and "Independence - Freedom - Happiness" in text
    assert "Quảng Ninh, 3 December 2026" in text and "Page 1 of 3" in text
    assert "3,041,920,000 VND" in text
    assert "In words: Three billion, forty-one million, nine hundred and twenty thousand dong." in text
