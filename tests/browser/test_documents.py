"""A document from its page in the browser: the finance officer generates the contract summary in
Vietnamese from the contract's documents panel, the panel lists it with its SHA-256, and the file
behind the download link is that PDF, with the Vietnamese text in it (3,041,920,000 VND: see
tests/contracts/test_contracting.py)."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable
from typing import Any

import pytest

from tests.browser.test_contract_flow import _awarded_contract

pytestmark = pytest.mark.browser


def test_the_contract_summary_is_generated_listed_and_downloaded_from_the_contract_page(
    people: Callable[[str], Any],
) -> None:
    from playwright.sync_api import expect
    from pypdf import PdfReader

    from ppp.models import Document

    contract = _awarded_contract()
    finance = people("finance")
    finance.goto(f"/contracts/contracts/{contract.pk}/")
    panel = finance.get_by_test_id("documents-panel")
    expect(panel).to_contain_text("Chưa tạo tài liệu nào.")
    panel.locator("#document-kind").select_option("contracts.contract_summary")
    expect(panel.locator("#document-language")).to_have_value("vi")
    with finance.expect_navigation():
        finance.get_by_test_id("generate-document").click()
    document = Document.objects.get(kind="contracts.contract_summary", object_id=str(contract.pk))
    expect(finance.locator("ul.messages")).to_contain_text(document.file_hash)
    row = finance.get_by_test_id("document-contracts.contract_summary-vi-1")
    expect(row).to_contain_text("Tóm tắt hợp đồng")
    expect(row).to_contain_text(document.file_hash[:16])
    href = row.get_by_role("link").get_attribute("href")
    response = finance.request.get(href)
    assert response.headers["content-type"] == "application/pdf"
    body = response.body()
    assert hashlib.sha256(body).hexdigest() == document.file_hash == response.headers["x-content-sha256"]
    text = PdfReader(io.BytesIO(body)).pages[0].extract_text()
    assert (
        "TÓM TẮT HỢP ĐỒNG" in text
        and "Bằng chữ: Ba tỷ bốn mươi mốt triệu chín trăm hai mươi nghìn đồng." in text
    )
