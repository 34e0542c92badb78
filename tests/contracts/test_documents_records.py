"""The records of a tender as PDF: the vendor's bid receipt, the opening record, the evaluation report
and the award decision, each generated in Vietnamese and English with the figures worked out by hand,
deterministic (the stored inputs render to the stored hash; the same inputs give back the same record),
refused with nothing written to whoever may not have them, and offered on their pages.

The world is tests/contracts/conftest.py: the service-hire option over 2026-2028, VAT 10 %, package
price 3,780,000,000; bid security 1 % = 37,800,000; every bid takes a 2 % discount and is valid 90 days.

Bid A (Công ty A): HOST 12 x 40,000,000 a year (VAT), SUPPORT 2 x 250,000,000, 250,000,000, 260,000,000
  excl. VAT 3 x 480,000,000 + 2 x (250 + 250 + 260) million = 1,440,000,000 + 1,520,000,000 = 2,960,000,000
  VAT 10 % of 1,440,000,000 = 144,000,000; incl. VAT 3,104,000,000
  discount 2 % = 62,080,000; after it 3,041,920,000 (in words: Ba tỷ bốn mươi mốt triệu chín trăm hai
  mươi nghìn đồng); evaluated (not entitled to preference: + 7.5 %) 3,041,920,000 x 1.075 = 3,270,064,000
Bid B (Công ty B): HOST 12 x 45,000,000, SUPPORT 2 x 240,000,000 every year
  excl. VAT 3 x (540 + 480) million = 3,060,000,000; incl. VAT 3 x (594 + 480) million = 3,222,000,000
  after 2 % = 3,157,560,000; evaluated x 1.075 = 3,394,377,000
Price scores: A 100; B 3,270,064,000 x 100 / 3,394,377,000 = 96.3377 -> 96,34 (shown to 2 places).
Value for money against the PSC 2,950,616,259 (at the model's 5 %; nothing retained under hire):
  A costs (1,028,000,000 + 1,028,000,000 / 1.05 + 1,048,000,000 / 1.05^2) x 0.98 = 2,898,462,222;
    VfM = +52,154,037 (cheaper than the PSC)
  B costs 1,074,000,000 x (1 + 1/1.05 + 1/1.05^2) x 0.98 = 3,009,586,667; VfM = -58,970,408 (dearer)
Ranking (lowest price): 1. A, 2. B. The award goes to A at its price after the discount, 3,041,920,000.
Combined method (technical 20 %, price 80 %; KT1 out of 60, KT2 out of 40): A scores 50 + 30 = 80
  points -> technical 80, combined 0.2 x 80 + 0.8 x 100 = 96,00; B 55 + 35 = 90 -> 0.2 x 90 + 0.8 x
  96.3377 = 95.0702 -> 95,07; ranking 1. A, 2. B.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from contracts import services
from contracts.models import Award, Bid, BidPrice, Tender
from ppp.documents import registry
from ppp.documents.selectors import document_get_for
from ppp.documents.services import document_generate, rendered_again
from ppp.errors import Conflict, NotFound, PermissionDenied
from ppp.models import Document
from tests.contracts.conftest import FULL_PRICES, published_tender, submitted_bid
from tests.contracts.test_agency_pages import client_for, money, text_of
from tests.contracts.test_evaluation import PRICES_B, _bid, _combined_tender, close
from tests.roles import assert_nothing_written

pytestmark = pytest.mark.django_db

LANGUAGES = ("vi", "en")
WORDS = {
    "vi": "Bằng chữ: Ba tỷ bốn mươi mốt triệu chín trăm hai mươi nghìn đồng.",
    "en": "In words: Three billion, forty-one million, nine hundred and twenty thousand dong.",
}
HEADING = {"vi": "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "en": "SOCIALIST REPUBLIC OF VIET NAM"}


def pdf_text(document: Document) -> str:
    reader = PdfReader(io.BytesIO(bytes(document.content)))
    return "\n".join(page.extract_text() for page in reader.pages)


def generate(user: Any, kind: str, obj: Any, language: str) -> Document:
    return document_generate(actor=user, kind=kind, object_id=obj.pk, language=language)


def assert_deterministic(user: Any, document: Document) -> None:
    """The stored inputs render to the stored file, and asking again gives back the same record."""
    assert hashlib.sha256(rendered_again(document)).hexdigest() == document.file_hash
    again = document_generate(
        actor=user, kind=document.kind, object_id=document.object_id, language=document.language
    )
    assert (again.pk, again.version) == (document.pk, 1)


def refused(user: Any, kind: str, obj: Any, error: type[Exception], *watched: Any) -> Exception:
    """Generating is refused with `error` and nothing at all is written."""
    with assert_nothing_written(*watched), pytest.raises(error) as caught:
        generate(user, kind, obj, "vi")
    return caught.value


def minute(moment: dt.datetime, language: str) -> str:
    local = timezone.localtime(moment)
    return f"{local:%H:%M %d/%m/%Y}" if language == "vi" else f"{local:%Y-%m-%d %H:%M}"


def sealed_tender(world: dict[str, Any]) -> tuple[Tender, Bid, Bid]:
    tender = published_tender(world)
    bid_a = submitted_bid(world, tender)
    bid_b = submitted_bid(world, tender, vendor="b", prices=PRICES_B)
    return tender, bid_a, bid_b


def opened_tender(world: dict[str, Any]) -> tuple[Tender, Bid, Bid]:
    tender, bid_a, bid_b = sealed_tender(world)
    close(tender)
    services.tender_open(actor=world["finance"], tender=tender)
    tender.refresh_from_db()
    return tender, bid_a, bid_b


def evaluated_tender(world: dict[str, Any]) -> tuple[Tender, Bid, Bid]:
    tender, bid_a, bid_b = opened_tender(world)
    evaluation = services.evaluation_start(
        actor=world["finance"], tender=tender, chair=world["evaluator"], evaluators=[world["evaluator"]]
    )
    services.evaluation_compute(actor=world["evaluator"], evaluation=evaluation)
    tender.refresh_from_db()
    return tender, bid_a, bid_b


def proposed_award(world: dict[str, Any]) -> Award:
    tender, bid_a, _bid_b = evaluated_tender(world)
    reasons = "Giá đánh giá thấp nhất, đáp ứng mọi yêu cầu"
    return services.award_propose(actor=world["finance"], tender=tender, bid=bid_a, reasons=reasons)


def approved_award(world: dict[str, Any]) -> Award:
    award = proposed_award(world)
    return services.award_approve(actor=world["approver"], award=award, note="Đồng ý")


# --- the bid receipt ----------------------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_bid_receipt_states_what_was_sealed(world, language):
    tender, bid_a, _bid_b = sealed_tender(world)
    document = generate(world["signatory_a"], "contracts.bid_receipt", bid_a, language)
    text = pdf_text(document)
    local = timezone.localtime(bid_a.submitted_at)
    if language == "vi":
        assert "Biên nhận hồ sơ dự thầu" in text and "Biên nhận hồ sơ dự thầu đã niêm phong" in text
        assert "Số biên nhận" in text and "Công ty A · mã số thuế" in text
        assert f"{local:%H:%M:%S %d/%m/%Y} (UTC+07:00)" in text
        assert "Tổng chưa gồm thuế GTGT" in text and "Giảm giá (2,00%)" in text and "90 ngày" in text
    else:
        assert "Bid receipt" in text and "Receipt of a sealed bid" in text
        assert world["vendor_a"].name_en in text
        assert f"{local.day} {local:%b %Y, %H:%M:%S} (UTC+07:00)" in text
        assert "Discount (2.00%)" in text and "90 days" in text
    # No national heading: the system stamps a receipt, nobody signs it.
    assert HEADING[language] not in text
    assert bid_a.receipt_number.startswith(tender.reference + "-") and bid_a.receipt_number in text
    assert bid_a.content_hash in text and world["signatory_a"].full_name in text
    for amount in (2_960_000_000, 144_000_000, 3_104_000_000, 62_080_000, 3_041_920_000, 37_800_000):
        assert money(amount, language) in text, amount
    assert WORDS[language] in text
    assert (document.organisation, document.published, document.reference) == (
        world["vendor_a"], False, bid_a.receipt_number,
    )  # fmt: skip
    assert_deterministic(world["signatory_a"], document)
    # The bid preparer is one of the vendor's people too.
    assert generate(world["preparer_a"], "contracts.bid_receipt", bid_a, language).pk == document.pk


def test_only_the_bidding_vendors_people_get_a_receipt_and_only_of_a_submitted_bid(world):
    _tender, bid_a, _bid_b = opened_tender(world)
    receipt = generate(world["signatory_a"], "contracts.bid_receipt", bid_a, "vi")
    # Another vendor, the agency even after the opening, its reviewers, an outsider: the 404 of a
    # bid that does not exist, for the document as for the bid.
    for who in ("signatory_b", "preparer_b", "finance", "evaluator", "approver", "outsider", "preparer_c"):
        refused(world[who], "contracts.bid_receipt", bid_a, NotFound, bid_a)
        with pytest.raises(NotFound):
            document_get_for(user=world[who], pk=receipt.pk)
    assert document_get_for(user=world["preparer_a"], pk=receipt.pk) == receipt
    # A bid that is not submitted has no receipt.
    other = published_tender(world)
    draft = services.bid_create(actor=world["preparer_a"], tender=other, vendor=world["vendor_a"])
    error = refused(world["signatory_a"], "contracts.bid_receipt", draft, Conflict, draft)
    assert error.code == "bid.not_submitted"  # type: ignore[attr-defined]


# --- the opening record -------------------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_opening_record_lists_every_bid_as_it_was_opened(world, language):
    tender, bid_a, bid_b = opened_tender(world)
    document = generate(world["finance"], "contracts.opening_record", tender, language)
    text = pdf_text(document)
    opening = tender.opening
    if language == "vi":
        assert "BIÊN BẢN MỞ THẦU" in text and "Số: " + tender.reference in text
        assert "Người mở thầu" in text and "khớp" in text and "90 ngày" in text
    else:
        assert "OPENING RECORD" in text and "No.: " + tender.reference in text
        assert "Opened by" in text and "matches" in text and "90 days" in text
    assert HEADING[language] in text
    assert minute(opening.opened_at, language) in text and world["finance"].full_name in text
    assert "Công ty A" in text and "Công ty B" in text
    for bid in (bid_a, bid_b):
        assert bid.receipt_number in text and bid.content_hash in text
    for amount in (3_780_000_000, 2_960_000_000, 3_104_000_000, 3_041_920_000, 3_060_000_000,
                   3_222_000_000, 3_157_560_000, 37_800_000):  # fmt: skip
        assert money(amount, language) in text, amount
    assert ("2,00%" if language == "vi" else "2.00%") in text
    assert opening.record_hash in text
    # A before B: the order they arrived in.
    assert text.index(bid_a.receipt_number) < text.index(bid_b.receipt_number)
    assert (document.published, document.organisation_id) == (True, tender.organisation_id)
    assert_deterministic(world["finance"], document)
    # Every participant may read the published record; only the agency's side generates it.
    assert document_get_for(user=world["signatory_b"], pk=document.pk) == document
    refused(world["signatory_b"], "contracts.opening_record", tender, PermissionDenied)
    assert generate(world["approver"], "contracts.opening_record", tender, language).pk == document.pk


def test_before_the_opening_there_is_no_opening_record_for_anyone(world):
    tender, _bid_a, _bid_b = sealed_tender(world)
    close(tender)  # closed, but not opened yet
    for who in ("finance", "evaluator", "approver", "signatory_a", "signatory_b", "outsider"):
        refused(world[who], "contracts.opening_record", tender, NotFound, tender)
        refused(world[who], "contracts.evaluation_report", tender, NotFound, tender)
        for kind in ("contracts.opening_record", "contracts.evaluation_report"):
            assert registry.get(kind).can_generate(world[who], tender) is False
    services.tender_open(actor=world["finance"], tender=tender)
    tender.refresh_from_db()
    assert registry.get("contracts.opening_record").can_generate(world["finance"], tender) is True
    assert registry.get("contracts.opening_record").can_generate(world["signatory_a"], tender) is False


# --- the evaluation report ----------------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_evaluation_report_ranks_the_bids_with_their_figures(world, language):
    tender, _bid_a, _bid_b = evaluated_tender(world)
    document = generate(world["finance"], "contracts.evaluation_report", tender, language)
    text = pdf_text(document)
    evaluation = tender.evaluation
    if language == "vi":
        assert "BÁO CÁO ĐÁNH GIÁ HỒ SƠ DỰ THẦU" in text and "Tổ chuyên gia" in text
        assert "Giá thấp nhất" in text and "rẻ hơn PSC" in text and "đắt hơn PSC" in text
        scores = ("100,00", "96,34")
    else:
        assert "BID EVALUATION REPORT" in text and "Evaluation panel" in text
        assert "Lowest price" in text and "cheaper than the PSC" in text and "dearer than the PSC" in text
        scores = ("100.00", "96.34")
    assert HEADING[language] in text
    for amount in (3_041_920_000, 3_270_064_000, 3_157_560_000, 3_394_377_000, 2_950_616_259,
                   52_154_037, -58_970_408, 2_960_000_000, 3_060_000_000):  # fmt: skip
        assert money(amount, language) in text, amount
    assert all(score in text for score in scores)
    # Ranked A then B, each row from its rank to its price score.
    rank_a = text.index(f"1\nCông ty A\n {money(3_041_920_000, language)}")
    rank_b = text.index(f"2\nCông ty B\n {money(3_157_560_000, language)}")
    assert rank_a < rank_b
    assert world["evaluator"].full_name in text and evaluation.input_hash in text
    assert "22/2023/QH15" in text  # the rules applied, with their legal basis
    assert (document.published, document.organisation_id) == (False, tender.organisation_id)
    assert_deterministic(world["finance"], document)
    # The reviewing body's approvers read and generate it too.
    assert generate(world["approver"], "contracts.evaluation_report", tender, language).pk == document.pk


def test_the_evaluation_report_shows_the_declarations_consensus_scores_and_corrections(world):
    """The combined tender of tests/contracts/test_evaluation.py, with A's uploaded price form writing
    470,000,000 for HOST in 2026 where 12 x 40,000,000 = 480,000,000: the unit price prevails
    (+10,000,000 on the line as written), A accepts; the second evaluator declares a conflict."""
    tender = _combined_tender(world)
    bid_a, bid_b = _bid(world, tender, "a", FULL_PRICES), _bid(world, tender, "b", PRICES_B)
    BidPrice.objects.filter(bid=bid_a, item__code="HOST").update(
        stated_amounts=["470000000", "480000000", "480000000"]
    )
    close(tender)
    services.tender_open(actor=world["finance"], tender=tender)
    tender.refresh_from_db()
    chair, second = world["evaluator"], world["finance"]
    evaluation = services.evaluation_start(actor=second, tender=tender, chair=chair, evaluators=[second])
    services.correction_respond(actor=world["signatory_a"], bid=bid_a, accept=True)
    services.conflict_declare(actor=chair, evaluation=evaluation, has_conflict=False)
    services.conflict_declare(actor=second, evaluation=evaluation, has_conflict=True, statement="Người nhà")
    kt1, kt2, yc1 = (tender.criteria.get(code=code) for code in ("KT1", "KT2", "YC1"))
    for bid, (p1, p2) in ((bid_a, ("50", "30")), (bid_b, ("55", "35"))):
        for criterion, points in ((kt1, p1), (kt2, p2)):
            services.score_record(
                actor=chair, evaluation=evaluation, bid=bid, criterion=criterion, points=points,
                consensus=True,
            )  # fmt: skip
        services.compliance_record(
            actor=chair, evaluation=evaluation, bid=bid, criterion=yc1, passed=True, consensus=True
        )
    services.evaluation_compute(actor=chair, evaluation=evaluation)
    for language in LANGUAGES:
        text = pdf_text(generate(chair, "contracts.evaluation_report", tender, language))
        assert chair.full_name in text and second.full_name in text and "Người nhà" in text
        assert "KT1 Giải pháp" in text and "YC1 ISO 27001" in text and "HOST[0]" in text
        for amount in (470_000_000, 480_000_000, 10_000_000):
            assert money(amount, language) in text, amount
        if language == "vi":
            assert "Nhà thầu đã chấp thuận" in text  # the correction's answer
            assert "50,00 / 60,00" in text and "35,00 / 40,00" in text
            assert "96,00" in text and "95,07" in text
        else:
            assert "Accepted by the bidder" in text and "no conflict of interest" in text
            assert "conflict of interest: does not score" in text
            assert "The unit price prevails over the line amount" in " ".join(text.split())  # wrapped
            assert "50.00 / 60.00" in text and "35.00 / 40.00" in text
            assert "96.00" in text and "95.07" in text


def test_vendors_never_get_the_evaluation_report_and_nobody_before_it_is_computed(world):
    tender, _bid_a, _bid_b = opened_tender(world)
    evaluation = services.evaluation_start(
        actor=world["finance"], tender=tender, chair=world["evaluator"], evaluators=[world["evaluator"]]
    )
    for who in ("finance", "evaluator", "approver"):  # started, not computed: no report yet
        refused(world[who], "contracts.evaluation_report", tender, NotFound, evaluation)
        assert registry.get("contracts.evaluation_report").can_generate(world[who], tender) is False
    services.evaluation_compute(actor=world["evaluator"], evaluation=evaluation)
    report = generate(world["evaluator"], "contracts.evaluation_report", tender, "vi")
    for who in ("signatory_a", "preparer_a", "signatory_b", "outsider"):
        refused(world[who], "contracts.evaluation_report", tender, NotFound, evaluation)
        assert registry.get("contracts.evaluation_report").can_generate(world[who], tender) is False
        with pytest.raises(NotFound):
            document_get_for(user=world[who], pk=report.pk)


# --- the award decision -------------------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_award_decision_names_the_winner_and_the_price_in_words(world, language):
    award = approved_award(world)
    document = generate(world["finance"], "contracts.award_decision", award, language)
    text = pdf_text(document)
    if language == "vi":
        assert "QUYẾT ĐỊNH PHÊ DUYỆT KẾT QUẢ LỰA CHỌN NHÀ THẦU" in text
        assert "Giá hợp đồng: 3.041.920.000 ₫" in text and "Công ty A · mã số thuế" in text
        assert "Thuê dịch vụ CNTT" in text
    else:
        assert "AWARD DECISION" in text and "Contract price: 3,041,920,000 VND" in text
        assert world["vendor_a"].name_en in text
        assert "IT service hire" in text and "3 years (2026–2028)" in text
    assert HEADING[language] in text and WORDS[language] in text
    assert money(3_780_000_000, language) in text  # the package price
    assert "Giá đánh giá thấp nhất, đáp ứng mọi yêu cầu" in text  # the reasons
    assert "Đồng ý" in text  # the approver's note
    assert world["finance"].full_name in text and world["approver"].full_name in text
    assert award.decided_at is not None and minute(award.decided_at, language) in text
    assert award.tender.evaluation.input_hash in text
    assert (document.published, document.organisation_id) == (True, award.tender.organisation_id)
    assert_deterministic(world["finance"], document)
    assert generate(world["approver"], "contracts.award_decision", award, language).pk == document.pk


def test_only_an_approved_award_has_a_decision_and_only_the_agency_side_generates_it(world):
    award = proposed_award(world)
    for who in ("finance", "approver"):  # proposed, not approved: no decision yet
        refused(world[who], "contracts.award_decision", award, PermissionDenied, award)
    for who in ("signatory_a", "signatory_b", "outsider"):  # a proposal is not published
        refused(world[who], "contracts.award_decision", award, NotFound, award)
    services.award_approve(actor=world["approver"], award=award)
    award.refresh_from_db()
    decision = generate(world["finance"], "contracts.award_decision", award, "vi")
    # The decision carries the reasons and the proposer, the agency side's: bidders read the published
    # result on the tender's page instead.
    for who in ("signatory_a", "signatory_b"):
        with pytest.raises(NotFound):
            document_get_for(user=world[who], pk=decision.pk)
        refused(world[who], "contracts.award_decision", award, NotFound, award)
    refused(world["outsider"], "contracts.award_decision", award, NotFound, award)
    with pytest.raises(NotFound):
        document_get_for(user=world["outsider"], pk=decision.pk)


# --- the pages ----------------------------------------------------------------------------------------


def offered(page: str) -> list[str]:
    """The kinds the page's documents panel offers to generate, in order."""
    start = page.index('data-testid="documents-panel"')
    panel = page[start : page.index("</section>", start)]
    if 'name="kind"' not in panel:
        return []
    options = panel[panel.index('name="kind"') : panel.index("</select>", panel.index('name="kind"'))]
    return [part.split('"', 1)[0] for part in options.split('<option value="')[1:]]


def test_the_documents_panels_show_on_their_pages(world):
    tender, bid_a, _bid_b = opened_tender(world)
    vendor, finance = client_for(world["signatory_a"]), client_for(world["finance"])
    receipt_page = text_of(vendor.get(reverse("contracts:bid_receipt", args=[bid_a.pk])))
    assert offered(receipt_page) == ["contracts.bid_receipt"]
    opening = reverse("contracts:opening", args=[tender.pk])
    assert "contracts.opening_record" in offered(text_of(finance.get(opening)))
    assert "contracts.evaluation_report" not in offered(text_of(finance.get(opening)))
    # The opening record is published, but a vendor's page lists no tender documents: the panel would
    # list the agency's own documents of the tender (its evaluation report) beside it.
    assert 'data-testid="documents-panel"' not in text_of(vendor.get(opening))
    evaluation = services.evaluation_start(
        actor=world["finance"], tender=tender, chair=world["evaluator"], evaluators=[world["evaluator"]]
    )
    services.evaluation_compute(actor=world["evaluator"], evaluation=evaluation)
    results = text_of(finance.get(reverse("contracts:results", args=[tender.pk])))
    assert {"contracts.opening_record", "contracts.evaluation_report"} <= set(offered(results))
    tender.refresh_from_db()
    award = services.award_propose(actor=world["finance"], tender=tender, bid=bid_a, reasons="Giá thấp nhất")
    award_page = reverse("contracts:award", args=[tender.pk])
    assert 'data-testid="documents-panel"' not in text_of(finance.get(award_page))  # not approved yet
    services.award_approve(actor=world["approver"], award=award)
    assert offered(text_of(finance.get(award_page))) == ["contracts.award_decision"]
    decision = generate(world["finance"], "contracts.award_decision", award, "vi")
    winner_view = text_of(vendor.get(award_page))
    assert offered(winner_view) == [] and reverse("document_download", args=[decision.pk]) not in winner_view


def test_generating_from_a_panel_writes_the_document_and_a_refusal_writes_nothing(world):
    tender, bid_a, _bid_b = opened_tender(world)
    finance, other_vendor = client_for(world["finance"], "en"), client_for(world["signatory_b"], "en")
    url = reverse("document_generate")
    back = reverse("contracts:opening", args=[tender.pk])
    data = {"kind": "contracts.opening_record", "object_id": tender.pk, "language": "vi", "next": back}
    response = finance.post(url, data)
    assert response.status_code == 302 and response["Location"] == back
    document = Document.objects.get(kind="contracts.opening_record", object_id=str(tender.pk))
    assert document.generated_by == world["finance"] and document.language == "vi"
    with assert_nothing_written(bid_a, tender):
        stolen = other_vendor.post(url, {"kind": "contracts.bid_receipt", "object_id": bid_a.pk,
                                         "language": "en"})  # fmt: skip
        report = other_vendor.post(url, {"kind": "contracts.evaluation_report", "object_id": tender.pk,
                                         "language": "en"})  # fmt: skip
        opening = other_vendor.post(url, data)
    assert (stolen.status_code, report.status_code, opening.status_code) == (404, 404, 403)
