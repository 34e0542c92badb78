"""The contract summary as a document record: generated in both languages from the contract's data,
the same inputs giving back the same record and the same bytes when rendered again, a new version
once an amendment is in force, and refused to whoever may not generate or see it, writing nothing.

Figures: the award's contract price is 3,041,920,000 VND (tests/contracts/test_contracting.py), 5 %
performance security = 152,096,000; the fixed fee is 1,000,000,000 a year indexed by 4 %. After the
price adjustment of tests/contracts/test_amendments.py the value is 3,120,320,000.
"""

from __future__ import annotations

import hashlib
import io

import pytest
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from contracts.models import Contract
from ppp.documents import services
from ppp.errors import NotFound, PermissionDenied, ValidationFailed
from ppp.models import Document
from tests.contracts.test_agency_pages import client_for, text_of
from tests.contracts.test_amendments import active, amend, in_force
from tests.roles import assert_nothing_written

pytestmark = pytest.mark.django_db
KIND = "contracts.contract_summary"


def text_of_pdf(document: Document) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(bytes(document.content))).pages)


def generate(world, contract: Contract, language: str, who: str = "finance") -> Document:  # type: ignore[no-untyped-def]
    return services.document_generate(actor=world[who], kind=KIND, object_id=contract.pk, language=language)


def test_the_summary_reads_the_contract_in_vietnamese_and_in_english(world):
    contract = active(world)
    vi, en = generate(world, contract, "vi"), generate(world, contract, "en")
    text = text_of_pdf(vi)
    for expected in (
        "TÓM TẮT HỢP ĐỒNG", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", f"Số: {contract.tender.reference}",
        "Hợp đồng thuê dịch vụ cổng dịch vụ công", "Giá trị hợp đồng: 3.041.920.000 ₫",
        "Bằng chữ: Ba tỷ bốn mươi mốt triệu chín trăm hai mươi nghìn đồng.", "5,00% · 152.096.000 ₫",
        "01/01/2026 – 31/12/2028", "Phí mỗi kỳ: 1.000.000.000", "Điều chỉnh giá mỗi năm: 4%",
        "ĐẠI DIỆN NHÀ CUNG CẤP",
    ):  # fmt: skip
        assert expected in text, expected
    english = text_of_pdf(en)
    assert "CONTRACT SUMMARY" in english and "Contract value: 3,041,920,000 VND" in english
    assert "In words: Three billion, forty-one million, nine hundred and twenty thousand dong." in english
    assert (vi.version, en.version, vi.language, en.language, vi.published) == (1, 1, "vi", "en", True)
    assert vi.input_hash != en.input_hash


def test_the_same_inputs_give_the_same_record_and_the_same_bytes_and_an_amendment_a_new_version(world):
    contract = active(world)
    first = generate(world, contract, "vi")
    assert generate(world, contract, "vi").pk == first.pk
    assert hashlib.sha256(services.rendered_again(first)).hexdigest() == first.file_hash
    assert hashlib.sha256(bytes(first.content)).hexdigest() == first.file_hash
    in_force(world, contract, amend(world, contract))
    second = generate(world, Contract.objects.get(pk=contract.pk), "vi")
    assert (second.version, second.input_hash != first.input_hash) == (2, True)
    assert "Giá trị hợp đồng: 3.120.320.000 ₫" in text_of_pdf(second)
    with pytest.raises(ValueError, match="immutable"):
        first.save()


def test_who_may_not_generate_or_see_it_is_refused_and_nothing_is_written(world):
    contract = active(world)
    for who, error in (("evaluator", PermissionDenied), ("preparer_b", NotFound), ("outsider", NotFound)):
        with assert_nothing_written(contract), pytest.raises(error):
            generate(world, contract, "vi", who)
    with assert_nothing_written(contract), pytest.raises(ValidationFailed) as bad:
        services.document_generate(actor=world["finance"], kind=KIND, object_id=contract.pk, language="fr")
    assert set(bad.value.fields) == {"language"}
    with assert_nothing_written(contract), pytest.raises(ValidationFailed) as bad:
        services.document_generate(actor=world["finance"], kind="memo", object_id=contract.pk, language="vi")
    assert set(bad.value.fields) == {"kind"}
    # The vendor's signatory may: the contract is theirs too.
    assert generate(world, contract, "vi", "signatory_a").kind == KIND


def test_the_api_generates_lists_and_serves_the_file(world):
    contract = active(world)
    finance = Client(HTTP_ACCEPT_LANGUAGE="en")
    finance.force_login(world["finance"])
    created = finance.post("/api/v1/documents", {"kind": KIND, "object_id": contract.pk, "language": "vi"},
                           content_type="application/json")  # fmt: skip
    assert created.status_code == 201, created.content
    body = created.json()
    again = finance.post("/api/v1/documents", {"kind": KIND, "object_id": contract.pk, "language": "vi"},
                         content_type="application/json")  # fmt: skip
    assert (again.status_code, again.json()["id"]) == (200, body["id"])
    listed = finance.get("/api/v1/documents", {"kind": KIND, "object_id": contract.pk}).json()
    assert [row["id"] for row in listed["items"]] == [body["id"]]
    file = finance.get(f"/api/v1/documents/{body['id']}/file")
    assert file["Content-Type"] == "application/pdf" and file["X-Content-SHA256"] == body["file_hash"]
    assert hashlib.sha256(file.content).hexdigest() == body["file_hash"]
    other = Client(HTTP_ACCEPT_LANGUAGE="en")
    other.force_login(world["preparer_b"])
    with assert_nothing_written(contract):
        assert other.get(f"/api/v1/documents/{body['id']}").status_code == 404
        assert other.get(f"/api/v1/documents/{body['id']}/file").status_code == 404
        refused = other.post("/api/v1/documents", {"kind": KIND, "object_id": contract.pk, "language": "vi"},
                             content_type="application/json")  # fmt: skip
    assert (refused.status_code, refused.json()["code"]) == (404, "contract.not_found")


def test_the_contract_page_lists_its_documents_and_generates_one(world):
    contract = active(world)
    finance = client_for(world["finance"], "vi")
    page = reverse("contracts:contract_detail", args=[contract.pk])
    assert 'data-testid="generate-document-form"' in text_of(finance.get(page))
    form = {"kind": KIND, "object_id": contract.pk, "language": "en", "next": page}
    response = finance.post(reverse("document_generate"), form)
    assert response.status_code == 302 and response["Location"] == page
    document = Document.objects.get(kind=KIND)
    listing = text_of(finance.get(page))
    assert f'data-testid="document-{KIND}-en-1"' in listing and document.file_hash[:16] in listing
    download = finance.get(reverse("document_download", args=[document.pk]))
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    stranger = client_for(world["preparer_b"], "vi")
    with assert_nothing_written(contract):
        assert stranger.get(reverse("document_download", args=[document.pk])).status_code == 404
        assert stranger.post(reverse("document_generate"), form).status_code == 404
