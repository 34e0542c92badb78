"""The .xlsx exports of the bid comparison, the evaluation (results and score sheets) and the agency's
pricing schedule with its estimate: opened with openpyxl, every figure checked against the hand
calculation below and stored as a number, labels in Vietnamese and English, the same access as the
page each comes from (sealed before the opening, never a vendor's, never another agency's) with
nothing written by a denied request, and a number of queries that does not grow with the tender.

The world is tests/contracts/conftest.py: the service-hire option over 2026-2028, VAT 10 %, package
price 3,780,000,000; HOST 12 months a year at an estimated 50,000,000 (VAT), SUPPORT 2 people a year at
300,000,000 (no VAT).
Estimate incl. VAT: HOST 12 x 50,000,000 x 1.1 = 660,000,000 a year (1,980,000,000 in all), SUPPORT
2 x 300,000,000 = 600,000,000 a year (1,800,000,000); 1,260,000,000 a year, 3,780,000,000 in all.
Bid A (Công ty A): HOST 12 x 40,000,000 x 1.1 = 528,000,000 a year (1,584,000,000); SUPPORT
  2 x 250 m, 2 x 250 m, 2 x 260 m = 500, 500, 520 million (1,520,000,000); 3,104,000,000 in all,
  676,000,000 below the estimate (676 / 3,780 = 0.1788359... -> 0.178836, shown as 17.9 %); after
  its 2 % discount 3,041,920,000; evaluated (+ 7.5 % preference loading) 3,270,064,000.
Bid B (Công ty B): HOST 12 x 45,000,000 x 1.1 = 594,000,000 a year (1,782,000,000); SUPPORT
  2 x 240 m = 480,000,000 a year (1,440,000,000); 3,222,000,000 in all, 558,000,000 below (0.147619);
  after 2 % 3,157,560,000; evaluated 3,394,377,000.
Price scores: A 100, B 3,270,064,000 x 100 / 3,394,377,000 = 96.3377. Lifecycle cost at the tender's
5 % (= the PSC's rate): A (1,028 m + 1,028 m / 1.05 + 1,048 m / 1.05^2) x 0.98 = 2,898,462,222,
B 1,074 m x (1 + 1 / 1.05 + 1 / 1.05^2) x 0.98 = 3,009,586,667; value for money against the PSC
2,950,616,259: A +52,154,037, B -58,970,408.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from openpyxl.workbook.workbook import Workbook

from contracts import services
from contracts.models import Criterion, Evaluation, ScheduleItem, Tender
from ppp.models import AuditEntry, OrganisationKind, Role
from tests.contracts.api_support import BASE, XLSX, bearer, close
from tests.contracts.conftest import FULL_PRICES, new_tender, published_tender, submitted_bid
from tests.factories import OrganisationFactory, member
from tests.roles import assert_nothing_written

pytestmark = pytest.mark.django_db

LANGUAGES = ("vi", "en")
PRICES_B = {"HOST": ["45000000", "45000000", "45000000"], "SUPPORT": ["240000000", "240000000", "240000000"]}
EXPORTS = {  # page name: API path after /tenders/{id}
    "comparison_export": "comparison.xlsx",
    "evaluation_export": "evaluation/results.xlsx",
    "schedule_export": "schedule.xlsx",
}
WORDS = {
    "vi": {"Code": "Mã", "Item": "Hạng mục", "Unit": "Đơn vị tính", "Year": "Năm", "Quantity": "Khối lượng",
           "Estimate": "Dự toán", "Total": "Tổng cộng", "Yes": "Có", "No": "Không", "pass": "đạt",
           "fail": "không đạt", "Unit cost": "Đơn giá", "VAT": "GTGT", "Rank": "Hạng", "Bidder": "Nhà thầu",
           "Difference from the estimate": "Chênh lệch so với dự toán", "Chair": "Tổ trưởng",
           "Responsive": "Đáp ứng"},
    "en": {},
}  # fmt: skip


def word(text: str, language: str) -> str:
    return WORDS[language].get(text, text)


def opened(world: dict[str, Any], prices_a: dict | None = None) -> tuple[Tender, Any, Any]:
    tender = published_tender(world)
    bid_a = submitted_bid(world, tender, prices=prices_a)
    bid_b = submitted_bid(world, tender, vendor="b", prices=PRICES_B)
    close(tender)
    services.tender_open(actor=world["finance"], tender=tender)
    tender.refresh_from_db()
    return tender, bid_a, bid_b


def evaluated(world: dict[str, Any]) -> tuple[Tender, Any, Any]:
    tender, bid_a, bid_b = opened(world)
    evaluation = services.evaluation_start(
        actor=world["finance"], tender=tender, chair=world["evaluator"], evaluators=[world["evaluator"]]
    )
    services.evaluation_compute(actor=world["evaluator"], evaluation=evaluation)
    tender.refresh_from_db()
    return tender, bid_a, bid_b


def client_for(user: Any, language: str = "vi") -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    client.cookies["ppp_language"] = language
    return client


def page_url(name: str, tender: Tender) -> str:
    return reverse(f"contracts:{name}", args=[tender.pk])


def opened_workbook(response: Any) -> Workbook:
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == XLSX
    assert response["Content-Disposition"].startswith('attachment; filename="')
    return load_workbook(io.BytesIO(response.content))


def values(sheet: Any, row: int) -> list[Any]:
    return [cell.value for cell in sheet[row]]


# The bid comparison.


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_comparison_has_a_row_per_item_and_year_a_column_per_bid_and_the_totals(world, language):
    tender, _bid_a, _bid_b = opened(world)
    response = client_for(world["finance"], language).get(page_url("comparison_export", tender))
    book = opened_workbook(response)
    assert response["Content-Disposition"].endswith(f'-comparison-{language}.xlsx"')
    assert book.sheetnames == {"vi": ["So sánh", "Tổng cộng"], "en": ["Comparison", "Totals"]}[language]
    sheet = book.worksheets[0]
    assert (
        sheet["A1"].value
        == {
            "vi": "So sánh các hồ sơ dự thầu với dự toán",
            "en": "Bids side by side with the estimate",
        }[language]
    )
    assert sheet["A2"].value == f"{tender.reference} · Thuê dịch vụ cổng dịch vụ công"
    assert (
        sheet["A3"].value == {"vi": "Số tiền gồm thuế GTGT (VND)", "en": "Amounts incl. VAT (VND)"}[language]
    )
    labels = ["Code", "Item", "Unit", "Year", "Quantity", "Estimate"]
    assert values(sheet, 6) == [*(word(label, language) for label in labels), "Công ty A", "Công ty B"]
    assert [values(sheet, row) for row in range(7, 13)] == [
        ["HOST", "Thuê hạ tầng", "tháng", 2026, 12, 660_000_000, 528_000_000, 594_000_000],
        ["HOST", "Thuê hạ tầng", "tháng", 2027, 12, 660_000_000, 528_000_000, 594_000_000],
        ["HOST", "Thuê hạ tầng", "tháng", 2028, 12, 660_000_000, 528_000_000, 594_000_000],
        ["SUPPORT", "Hỗ trợ", "người-năm", 2026, 2, 600_000_000, 500_000_000, 480_000_000],
        ["SUPPORT", "Hỗ trợ", "người-năm", 2027, 2, 600_000_000, 500_000_000, 480_000_000],
        ["SUPPORT", "Hỗ trợ", "người-năm", 2028, 2, 600_000_000, 520_000_000, 480_000_000],
    ]
    difference = word("Difference from the estimate", language)
    assert values(sheet, 13) == [word("Total", language), None, None, None, None,
                                 3_780_000_000, 3_104_000_000, 3_222_000_000]  # fmt: skip
    assert values(sheet, 14) == [difference, None, None, None, None, None, -676_000_000, -558_000_000]
    assert values(sheet, 15) == [f"{difference} (%)", None, None, None, None, None,
                                 -0.178836, -0.147619]  # fmt: skip
    assert sheet.max_row == 15
    # Numbers, with number formats; the header row and the item columns stay in view.
    assert all(isinstance(cell.value, int) for cell in sheet[7][3:])
    assert {sheet.cell(7, column).number_format for column in range(6, 9)} == {"#,##0"}
    assert sheet["E7"].number_format == "#,##0" and sheet["G15"].number_format == "0.0%"
    assert sheet.freeze_panes == "C7"
    assert sheet.column_dimensions["B"].width == 32 and sheet.column_dimensions["G"].width == 18

    totals = book.worksheets[1]
    assert values(totals, 4) == [*(word(label, language) for label in ("Code", "Item", "Estimate")),
                                 "Công ty A", "Công ty B"]  # fmt: skip
    assert [values(totals, row) for row in range(5, 10)] == [
        ["HOST", "Thuê hạ tầng", 1_980_000_000, 1_584_000_000, 1_782_000_000],
        ["SUPPORT", "Hỗ trợ", 1_800_000_000, 1_520_000_000, 1_440_000_000],
        [word("Total", language), None, 3_780_000_000, 3_104_000_000, 3_222_000_000],
        [difference, None, None, -676_000_000, -558_000_000],
        [f"{difference} (%)", None, None, -0.178836, -0.147619],
    ]  # fmt: skip


def test_the_comparison_through_the_api_is_the_same_workbook_and_each_bid_compared_is_audited(world):
    tender, bid_a, bid_b = opened(world)
    client = bearer(world["evaluator"])
    reads = AuditEntry.objects.filter(action="bid.read", actor=world["evaluator"])
    response = client.get(f"{BASE}/tenders/{tender.pk}/comparison.xlsx", {"language": "en"})
    sheet = opened_workbook(response).worksheets[0]
    assert response["Content-Disposition"] == f'attachment; filename="comparison-{tender.reference}.xlsx"'
    assert values(sheet, 6)[5:] == ["Estimate", "Công ty A", "Công ty B"]
    assert values(sheet, 13)[5:] == [3_780_000_000, 3_104_000_000, 3_222_000_000]
    assert sorted(reads.values_list("object_id", flat=True)) == sorted([str(bid_a.pk), str(bid_b.pk)])
    vietnamese = opened_workbook(
        client.get(f"{BASE}/tenders/{tender.pk}/comparison.xlsx", {"language": "vi"})
    )
    assert vietnamese.worksheets[0]["A6"].value == "Mã"


def test_a_year_without_a_quantity_that_nobody_priced_is_left_out(world):
    tender = published_tender(world)
    ScheduleItem.objects.filter(tender=tender, code="HOST").update(quantities=["12", "0", "12"])
    submitted_bid(
        world, tender, prices={"HOST": ["40000000", None, "40000000"], "SUPPORT": FULL_PRICES["SUPPORT"]}
    )
    close(tender)
    services.tender_open(actor=world["finance"], tender=tender)
    sheet = opened_workbook(client_for(world["finance"], "en").get(page_url("comparison_export", tender)))[
        "Comparison"
    ]
    assert [values(sheet, row)[:4] for row in (7, 8)] == [
        ["HOST", "Thuê hạ tầng", "tháng", 2026],
        ["HOST", "Thuê hạ tầng", "tháng", 2028],
    ]
    # 2 x 660,000,000 + 1,800,000,000; 2 x 528,000,000 + 1,520,000,000.
    assert values(sheet, 12)[5:] == [3_120_000_000, 2_576_000_000]


# The evaluation.


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_evaluation_gives_each_bid_its_figures_rank_flag_and_value_for_money(world, language):
    tender, _bid_a, _bid_b = evaluated(world)
    evaluation = Evaluation.objects.get(tender=tender)
    response = client_for(world["finance"], language).get(page_url("evaluation_export", tender))
    book = opened_workbook(response)
    assert response["Content-Disposition"].endswith(f'-evaluation-{language}.xlsx"')
    # No criteria: no compliance and no technical score sheet.
    assert book.sheetnames == [{"vi": "Kết quả đánh giá", "en": "Evaluation results"}[language]]
    sheet = book.worksheets[0]
    assert sheet["A2"].value == f"{tender.reference} · Thuê dịch vụ cổng dịch vụ công"
    facts = {sheet.cell(row, 1).value: sheet.cell(row, 2).value for row in range(3, 9)}
    method, computed, psc = {
        "vi": ("Phương pháp đánh giá", "Thời điểm tính", "PSC"),
        "en": ("Evaluation method", "Computed", "PSC"),
    }[language]
    assert facts[method] == {"vi": "Giá thấp nhất", "en": "Lowest price"}[language]
    expected_moment = timezone.localtime(evaluation.computed_at).replace(tzinfo=None)
    assert abs(facts[computed] - expected_moment) < dt.timedelta(seconds=1)
    assert sheet["B5"].value == evaluation.input_hash and len(evaluation.input_hash) == 64
    assert facts[psc] == 2_950_616_259 and sheet["B6"].number_format == "#,##0"
    assert (sheet["B7"].value, sheet["B8"].value) == (0, 3_780_000_000)
    labels = {
        "vi": ["Hạng", "Nhà thầu", "Đáp ứng", "Giá sau giảm giá", "Chi phí vòng đời (NPV)", "Giá đánh giá",
               "Số điểm kỹ thuật", "Điểm kỹ thuật", "Điểm giá", "Điểm tổng hợp", "giá thấp bất thường",
               "Hiệu quả chi tiêu (VfM)", "Cảnh báo và lý do"],
        "en": ["Rank", "Bidder", "Responsive", "Price after discount", "Lifecycle cost (NPV)",
               "Evaluated price", "Technical points", "Technical score", "Price score", "Combined score",
               "abnormally low", "Value for money", "Flags and reasons"],
    }[language]  # fmt: skip
    assert values(sheet, 12) == labels
    yes, no = word("Yes", language), word("No", language)
    assert values(sheet, 13) == [1, "Công ty A", yes, 3_041_920_000, 2_898_462_222, 3_270_064_000,
                                 None, None, 100, None, no, 52_154_037, None]  # fmt: skip
    assert values(sheet, 14) == [2, "Công ty B", yes, 3_157_560_000, 3_009_586_667, 3_394_377_000,
                                 None, None, 96.3377, None, no, -58_970_408, None]  # fmt: skip
    assert sheet.max_row == 14
    assert sheet["D13"].number_format == "#,##0" and sheet["I14"].number_format == "0.00"
    assert isinstance(sheet["L14"].value, int) and sheet.freeze_panes == "C13"


def _scored(
    world: dict[str, Any],
    *,
    vendors: tuple[str, ...] = ("a", "b"),
    panel: int = 2,
    extra_items: int = 0,
    extra_criteria: int = 0,
) -> tuple[Tender, list[Any], list[Any]]:
    """A combined tender (technical 20 %, price 80 %, pass mark 70 %) with YC1 (pass/fail), KT1 (60
    points) and KT2 (40 points), opened, with a panel that declared no conflict: the chair (the
    world's evaluator) and panel - 1 more evaluators. The second evaluator records on A KT1 47.5,
    KT2 30, YC1 pass and on B KT1 50 only; the chair records nothing alone. The consensus: A KT1 50
    ("Giải pháp tốt"), KT2 30, B KT1 55, KT2 35, YC1 passed by both. Then computed."""
    tender = new_tender(world, method="combined", envelopes=2, technical_weight="0.2", price_weight="0.8",
                        pass_mark="0.7")  # fmt: skip
    criteria = [("pass_fail", "YC1", "ISO 27001", None), ("technical", "KT1", "Giải pháp", "60"),
                ("technical", "KT2", "Nhân sự", "40")]  # fmt: skip
    criteria += [("pass_fail", f"YC{n + 2}", f"Yêu cầu {n + 2}", None) for n in range(extra_criteria)]
    for kind, code, name, points in criteria:
        services.criterion_add(
            actor=world["finance"], tender=tender, kind=kind, code=code, name=name, max_points=points
        )
    extra = {f"X{n}": ["1000000"] * 3 for n in range(extra_items)}
    for position, code in enumerate(extra, start=10):
        ScheduleItem.objects.create(tender=tender, position=position, code=code, name=code, category="other",
                                    unit="gói", quantities=["1", "1", "1"])  # fmt: skip
    services.tender_submit(actor=world["finance"], tender=tender)
    services.tender_approve(actor=world["approver"], tender=tender)
    services.tender_publish(actor=world["finance"], tender=tender)
    requirements = [code for kind, code, _name, _points in criteria if kind == "pass_fail"]
    bids = []
    for vendor in vendors:
        preparer = world[f"preparer_{vendor}"]
        bid = services.bid_create(actor=preparer, tender=tender, vendor=world[f"vendor_{vendor}"])
        prices = {**(PRICES_B if vendor == "b" else FULL_PRICES), **extra}
        services.bid_prices_save(actor=preparer, bid=bid, prices=prices)
        services.bid_update(actor=preparer, bid=bid, bid_security_amount="37800000", discount_rate="0.02")
        answers = {code: {"complies": True, "response": "Có"} for code in requirements}
        services.bid_answers_save(actor=preparer, bid=bid, answers=answers)
        bids.append(services.bid_submit(actor=world[f"signatory_{vendor}"], bid=bid))
    close(tender)
    services.tender_open(actor=world["finance"], tender=tender)
    tender.refresh_from_db()
    people = [world["evaluator"], *(member(Role.EVALUATOR, world["agency"]) for _ in range(panel - 1))]
    evaluation = services.evaluation_start(
        actor=world["finance"], tender=tender, chair=people[0], evaluators=people
    )
    for person in people:
        services.conflict_declare(actor=person, evaluation=evaluation, has_conflict=False)
    by_code = {c.code: c for c in tender.criteria.all()}

    def score(person: Any, bid: Any, code: str, points: str, consensus: bool = False, note: str = "") -> None:
        services.score_record(actor=person, evaluation=evaluation, bid=bid, criterion=by_code[code],
                              points=points, consensus=consensus, note=note)  # fmt: skip

    def passes(person: Any, bid: Any, code: str, consensus: bool = False) -> None:
        services.compliance_record(actor=person, evaluation=evaluation, bid=bid, criterion=by_code[code],
                                   passed=True, consensus=consensus)  # fmt: skip

    if panel > 1:
        score(people[1], bids[0], "KT1", "47.5")
        score(people[1], bids[0], "KT2", "30")
        passes(people[1], bids[0], "YC1")
        score(people[1], bids[1], "KT1", "50")
    for index, bid in enumerate(bids):
        points = ("50", "30") if index == 0 else ("55", "35")
        score(people[0], bid, "KT1", points[0], consensus=True, note="Giải pháp tốt" if index == 0 else "")
        score(people[0], bid, "KT2", points[1], consensus=True)
        for code in by_code:
            if code.startswith("YC"):
                passes(people[0], bid, code, consensus=True)
    services.evaluation_compute(actor=people[0], evaluation=evaluation)
    tender.refresh_from_db()
    return tender, bids, people


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_score_sheets_give_each_evaluators_and_the_consensus_points_and_pass_fail(world, language):
    tender, _bids, people = _scored(world)
    book = opened_workbook(client_for(world["approver"], language).get(page_url("evaluation_export", tender)))
    assert (
        book.sheetnames
        == {
            "vi": ["Kết quả đánh giá", "Mức độ đáp ứng", "Điểm kỹ thuật"],
            "en": ["Evaluation results", "Compliance", "Technical scores"],
        }[language]
    )
    results, compliance, scores = book.worksheets
    assert values(results, 12)[:4] == [
        word("Rank", language),
        word("Bidder", language),
        word("Responsive", language),
        "YC1",
    ]
    yes, no, passed = word("Yes", language), word("No", language), word("pass", language)
    # Technical: A 80 of 100 points -> 80; B 90 -> 90. Combined: A 0.2 x 80 + 0.8 x 100 = 96;
    # B 0.2 x 90 + 0.8 x 96.3377 = 95.07016 -> 95.0702.
    first, second_row = values(results, 13), values(results, 14)
    assert first[:4] + first[7:12] == [1, "Công ty A", yes, passed, 80, 80, 100, 96, no]
    assert second_row[:4] + second_row[7:12] == [2, "Công ty B", yes, passed, 90, 90, 96.3377, 95.0702, no]
    chair, second = f"{people[0]} ({word('Chair', language)})", str(people[1])
    consensus, note = {"vi": ("Kết quả thống nhất", "Ghi chú"), "en": ("Consensus", "Note")}[language]
    criterion = {"vi": "Tiêu chí", "en": "Criterion"}[language]
    bidder, code = word("Bidder", language), word("Code", language)
    assert values(compliance, 4) == [bidder, code, criterion, chair, second, consensus, note]
    assert [values(compliance, row) for row in (5, 6)] == [
        ["Công ty A", "YC1", "ISO 27001", None, passed, passed, None],
        ["Công ty B", "YC1", "ISO 27001", None, None, passed, None],
    ]
    maximum = {"vi": "Điểm tối đa", "en": "Maximum points"}[language]
    assert values(scores, 4) == [bidder, code, criterion, maximum, chair, second, consensus, note]
    total = word("Total", language)
    assert [values(scores, row) for row in range(5, 11)] == [
        ["Công ty A", "KT1", "Giải pháp", 60, None, 47.5, 50, "Giải pháp tốt"],
        ["Công ty A", "KT2", "Nhân sự", 40, None, 30, 30, None],
        ["Công ty A", None, total, 100, None, 77.5, 80, None],
        ["Công ty B", "KT1", "Giải pháp", 60, None, 50, 55, None],
        ["Công ty B", "KT2", "Nhân sự", 40, None, None, 35, None],
        ["Công ty B", None, total, 100, None, None, 90, None],  # the second evaluator left KT2 blank
    ]
    assert scores["F5"].number_format == "#,##0.######" and scores["G5"].number_format == "#,##0"
    assert scores.freeze_panes == "C5"


def test_a_bid_out_of_the_ranking_says_why_and_an_abnormally_low_one_its_flags(world):
    # A: 3 x (12 x 10,000,000 x 1.1 + 2 x 100,000,000) = 996,000,000, after 2 % 976,080,000, evaluated
    # x 1.075 = 1,049,286,000: below 60 % of the package price (2,268,000,000). B fails YC1, so A is
    # the only responsive bid (no other bid to compare it with).
    tender, bid_a, bid_b = opened(world, prices_a={"HOST": ["10000000"] * 3, "SUPPORT": ["100000000"] * 3})
    criterion = Criterion.objects.create(tender=tender, kind="pass_fail", code="YC1", name="ISO 27001")
    evaluation = services.evaluation_start(
        actor=world["finance"], tender=tender, chair=world["evaluator"], evaluators=[world["evaluator"]]
    )
    services.conflict_declare(actor=world["evaluator"], evaluation=evaluation, has_conflict=False)
    for bid, passed in ((bid_a, True), (bid_b, False)):
        services.compliance_record(
            actor=world["evaluator"], evaluation=evaluation, bid=bid, criterion=criterion, passed=passed,
            consensus=True, note="" if passed else "Không có chứng chỉ",
        )  # fmt: skip
    services.evaluation_compute(actor=world["evaluator"], evaluation=evaluation)
    response = bearer(world["finance"]).get(f"{BASE}/tenders/{tender.pk}/evaluation/results.xlsx",
                                            {"language": "en"})  # fmt: skip
    book = opened_workbook(response)
    assert response["Content-Disposition"] == f'attachment; filename="evaluation-{tender.reference}.xlsx"'
    assert book.sheetnames == ["Evaluation results", "Compliance"]
    results = book["Evaluation results"]
    a, b = values(results, 13), values(results, 14)
    # Value for money, for every bid: A costs 332,000,000 a year, (1 + 1/1.05 + 1/1.05^2) x 0.98 =
    # 930,337,777.78 -> 930,337,778 as a present value: 2,950,616,259 - 930,337,778 = 2,020,278,481.
    assert a[:5] + a[6:7] + a[9:] == [1, "Công ty A", "Yes", "pass", 976_080_000, 1_049_286_000, 100, None,
                                       "Yes", 2_020_278_481, "far below the package price"]  # fmt: skip
    assert b[:5] + b[9:] == [None, "Công ty B", "No", "fail", 3_157_560_000, None, None, None,
                             -58_970_408, "Fails the requirement YC1."]  # fmt: skip
    assert values(book["Compliance"], 6) == [
        "Công ty B",
        "YC1",
        "ISO 27001",
        None,
        "fail",
        "Không có chứng chỉ",
    ]


def test_before_it_is_computed_the_evaluation_has_nothing_to_export(world):
    tender, _bid_a, _bid_b = opened(world)
    services.evaluation_start(
        actor=world["finance"], tender=tender, chair=world["evaluator"], evaluators=[world["evaluator"]]
    )
    api, page = bearer(world["finance"]), client_for(world["finance"], "en")
    with assert_nothing_written(tender):
        response = api.get(f"{BASE}/tenders/{tender.pk}/evaluation/results.xlsx")
    assert response.status_code == 409 and response.json()["code"] == "evaluation.not_computed"
    response = page.get(page_url("evaluation_export", tender), follow=True)
    assert response.redirect_chain == [(page_url("results", tender), 302)]
    assert "The evaluation has not been computed yet." in response.content.decode()


# The pricing schedule with the estimate.


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_schedule_gives_units_vat_unit_costs_quantities_and_the_estimate_of_each_year(world, language):
    tender = published_tender(world)  # before any bid: the schedule is not sealed
    response = client_for(world["finance"], language).get(page_url("schedule_export", tender))
    book = opened_workbook(response)
    assert response["Content-Disposition"].endswith(f'-schedule-{language}.xlsx"')
    sheet = book.worksheets[0]
    assert sheet.title == {"vi": "Biểu giá", "en": "Pricing schedule"}[language] == sheet["A1"].value
    option = tender.option.name
    assert [values(sheet, row)[:2] for row in range(3, 8)] == {
        "vi": [["Cơ quan", world["agency"].name], ["Mô hình chi phí", f"Cổng dịch vụ công · {option}"],
               ["Tiền tệ", "VND"], ["Thuế suất GTGT", 0.1], ["Giá gói thầu", 3_780_000_000]],
        "en": [["Agency", world["agency"].name], ["Cost model", f"Cổng dịch vụ công · {option}"],
               ["Currency", "VND"], ["VAT rate", 0.1], ["Package price", 3_780_000_000]],
    }[language]  # fmt: skip
    assert sheet["B6"].number_format == "0.##%" and sheet["B7"].number_format == "#,##0"
    quantity, estimate, total = (
        word("Quantity", language),
        word("Estimate", language),
        word("Total", language),
    )
    assert values(sheet, 10) == [
        *(word(label, language) for label in ("Code", "Item", "Unit", "VAT", "Unit cost")),
        *(f"{quantity} {year}" for year in (2026, 2027, 2028)),
        *(f"{estimate} {year}" for year in (2026, 2027, 2028)),
        f"{estimate} · {total}",
    ]
    assert [values(sheet, row) for row in (11, 12, 13)] == [
        ["HOST", "Thuê hạ tầng", "tháng", word("Yes", language), 50_000_000, 12, 12, 12,
         660_000_000, 660_000_000, 660_000_000, 1_980_000_000],
        ["SUPPORT", "Hỗ trợ", "người-năm", word("No", language), 300_000_000, 2, 2, 2,
         600_000_000, 600_000_000, 600_000_000, 1_800_000_000],
        [total, None, None, None, None, None, None, None,
         1_260_000_000, 1_260_000_000, 1_260_000_000, 3_780_000_000],
    ]  # fmt: skip
    assert sheet.max_row == 13 and sheet.freeze_panes == "C11"
    assert all(isinstance(cell.value, int) for cell in sheet[11][4:])
    assert sheet["E11"].number_format == sheet["L13"].number_format == "#,##0"


def test_the_schedule_through_the_api_for_the_agency_and_its_reviewers(world):
    tender = new_tender(world)
    draft = bearer(world["finance"]).get(f"{BASE}/tenders/{tender.pk}/schedule.xlsx", {"language": "en"})
    assert values(opened_workbook(draft).worksheets[0], 12)[4] == 300_000_000
    assert draft["Content-Disposition"] == f'attachment; filename="schedule-{tender.reference}.xlsx"'
    # The reviewing body sees a tender once it is submitted.
    assert bearer(world["approver"]).get(f"{BASE}/tenders/{tender.pk}/schedule.xlsx").status_code == 404
    services.tender_submit(actor=world["finance"], tender=tender)
    reviewed = bearer(world["approver"]).get(f"{BASE}/tenders/{tender.pk}/schedule.xlsx", {"language": "vi"})
    assert opened_workbook(reviewed).worksheets[0]["A10"].value == "Mã"


# Access: the page's, and nothing written by a denied request.


@pytest.mark.parametrize("name", ["comparison_export", "evaluation_export"])
def test_before_opening_the_comparison_and_the_evaluation_are_404_for_everyone(world, name):
    tender = published_tender(world)
    bid_a = submitted_bid(world, tender)
    submitted_bid(world, tender, vendor="b", prices=PRICES_B)
    close(tender)
    people = ("finance", "evaluator", "approver", "preparer_a", "signatory_b", "outsider")
    pages = {who: client_for(world[who], "en") for who in people}
    apis = {who: bearer(world[who]) for who in people}
    anonymous_page, anonymous_api = Client(), Client()
    address, api = page_url(name, tender), f"{BASE}/tenders/{tender.pk}/{EXPORTS[name]}"
    with assert_nothing_written(tender, bid_a):
        for who in people:
            assert pages[who].get(address).status_code == 404, who
            response = apis[who].get(api)
            assert response.status_code == 404, who
            assert set(response.json()) == {"code", "message", "fields"}
        anonymous = anonymous_page.get(address)
        assert anonymous.status_code == 302 and anonymous["Location"].startswith(reverse("login"))
        assert anonymous_api.get(api).status_code == 401
    assert world["vendor_a"].name not in pages["finance"].get(address).content.decode()


@pytest.mark.parametrize("name", list(EXPORTS))
def test_vendors_and_other_agencies_never_get_an_export(world, name):
    tender, bid_a, _bid_b = evaluated(world)
    people = ("preparer_a", "signatory_a", "preparer_b", "outsider")
    pages = {who: client_for(world[who], "en") for who in people}
    apis = {who: bearer(world[who]) for who in people}
    address, api = page_url(name, tender), f"{BASE}/tenders/{tender.pk}/{EXPORTS[name]}"
    with assert_nothing_written(tender, bid_a):
        for who in people:
            assert pages[who].get(address).status_code == 404, who
            assert apis[who].get(api).status_code == 404, who
        assert Client().get(address).status_code == 302
        assert Client().get(api).status_code == 401
    for who in ("finance", "evaluator", "approver"):
        assert client_for(world[who], "en").get(address)["Content-Type"] == XLSX, who
        assert bearer(world[who]).get(api)["Content-Type"] == XLSX, who


def test_a_vendor_reading_a_published_tender_gets_no_schedule_with_the_estimate(world):
    tender = published_tender(world)
    vendor_page, vendor_api = client_for(world["preparer_a"], "en"), bearer(world["preparer_a"])
    assert vendor_page.get(page_url("tender_detail", tender)).status_code == 200  # the tender itself, yes
    with assert_nothing_written(tender):
        assert vendor_page.get(page_url("schedule_export", tender)).status_code == 404
        assert vendor_api.get(f"{BASE}/tenders/{tender.pk}/schedule.xlsx").status_code == 404
    assert (
        'data-testid="schedule-export"'
        not in vendor_page.get(page_url("tender_detail", tender)).content.decode()
    )


# The links on the pages.


def test_each_page_links_its_export(world):
    tender, _bid_a, _bid_b = opened(world)
    finance = client_for(world["finance"], "en")
    detail = finance.get(page_url("tender_detail", tender)).content.decode()
    assert f'href="{page_url("schedule_export", tender)}"' in detail
    comparison = finance.get(page_url("comparison", tender)).content.decode()
    assert f'href="{page_url("comparison_export", tender)}"' in comparison
    evaluation = services.evaluation_start(
        actor=world["finance"], tender=tender, chair=world["evaluator"], evaluators=[world["evaluator"]]
    )
    link = f'href="{page_url("evaluation_export", tender)}"'
    assert link not in finance.get(page_url("evaluation", tender)).content.decode()  # nothing computed yet
    services.evaluation_compute(actor=world["evaluator"], evaluation=evaluation)
    assert link in finance.get(page_url("evaluation", tender)).content.decode()
    assert (
        'data-testid="schedule-export"'
        in client_for(world["approver"]).get(page_url("tender_detail", tender)).content.decode()
    )


# Queries.


def _counted(client: Client, address: str) -> int:
    """Queries of one download, leaving out the audit log's (one bid.read entry per bid compared is
    the point of the audit, and so grows with the bids)."""
    client.get(address)  # warm up: the token's last use, anything cached per process
    with CaptureQueriesContext(connection) as captured:
        response = client.get(address)
    assert response.status_code == 200, response.content[:300]
    return sum(1 for query in captured.captured_queries if "audit" not in query["sql"].lower())


def _third_vendor(world: dict[str, Any]) -> None:
    world["vendor_d"] = OrganisationFactory(kind=OrganisationKind.VENDOR, name="Công ty D")
    world["preparer_d"] = member(Role.BID_PREPARER, world["vendor_d"])
    world["signatory_d"] = member(Role.SIGNATORY, world["vendor_d"])


@pytest.mark.parametrize("name", list(EXPORTS))
def test_each_export_does_the_same_number_of_queries_whatever_the_size_of_the_tender(world, name):
    """2 bids, 2 items, 3 criteria and a panel of 2 against 3 bids, 7 items, 6 criteria and a panel of
    3. The comparison's selector (selectors.bid_comparison_for) looks up the agency once per bid for
    that bid's audit entry: one query per bid, which is the selector's and not the export's."""
    _third_vendor(world)
    small, _bids, _people = _scored(world)
    large, _bids, _people = _scored(world, vendors=("a", "b", "d"), panel=3, extra_items=5, extra_criteria=3)
    per_extra_bid = 1 if name == "comparison_export" else 0
    client = bearer(world["finance"])
    few = _counted(client, f"{BASE}/tenders/{small.pk}/{EXPORTS[name]}")
    assert _counted(client, f"{BASE}/tenders/{large.pk}/{EXPORTS[name]}") == few + per_extra_bid
    page = client_for(world["finance"], "en")
    few = _counted(page, page_url(name, small))
    assert _counted(page, page_url(name, large)) == few + per_extra_bid
