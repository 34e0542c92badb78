"""The whole tendering chain in the browser, each step by the person whose job it is, signed in through
the login page and reading Vietnamese: a published tender is amended; a vendor asks a question that
the agency answers for every vendor without naming who asked; two vendors price and seal their bids,
which nobody else can see or count before the opening; the clock passes the closing; the finance
officer opens the bids; the panel declares, assesses and computes the evaluation; the finance
officer proposes the award to the best-ranked bid, an approver approves it, and the draft contract
exists.

The tender (tests/contracts/conftest.py, built through the services up to its publication): service
hire 2026-2028, lowest price, VAT 10 % on HOST, package price 3,780,000,000, bid security 1 % =
37,800,000, one pass/fail requirement DC1. The amendment raises SUPPORT's 2028 quantity from 2 to 3,
so the schedule the vendors price is HOST 12/12/12 months (VAT) and SUPPORT 2/2/3 people (no VAT).

Vendor A (Viet Digital Solutions) prices HOST 40,000,000 a year and SUPPORT 250/250/260 million, no
discount:
  HOST 36 x 40,000,000 = 1,440,000,000 excl. VAT (VAT 144,000,000);
  SUPPORT 2 x 250 + 2 x 250 + 3 x 260 million = 1,780,000,000;
  3,220,000,000 excl. VAT, 3,364,000,000 incl. VAT, after its 0 % discount 3,364,000,000.
Vendor B (Red River Cloud) prices HOST 38,000,000 a year and SUPPORT 230,000,000 a year, 2 % discount:
  HOST 36 x 38,000,000 = 1,368,000,000 excl. VAT (VAT 136,800,000);
  SUPPORT 7 x 230,000,000 = 1,610,000,000;
  2,978,000,000 excl. VAT, 3,114,800,000 incl. VAT, less 2 % (62,296,000) = 3,052,504,000.
Neither claims preference, so the rule book's 7.5 % loading is added to both evaluated prices:
  A 3,364,000,000 x 1.075 = 3,616,300,000; B 3,052,504,000 x 1.075 = 3,281,441,800. B ranks first.
Price score = lowest x 100 / own: B 100.00; A 3,281,441,800 x 100 / 3,616,300,000 = 90.7403 -> 90,74.
Value for money = PSC - (the bid's cost to the public as a present value at the model's 5 %, + the
retained risk, 0 here). Year t (2026 = 0) incl. VAT is discounted by 1.05^t, then the bid's discount
applies, rounded half up to the dong; the PSC is the model's 2,950,616,259 (tests/contracts/conftest.py):
  A: 1,028,000,000 + 1,028,000,000 / 1.05 + 1,308,000,000 / 1.05^2 = 3,193,442,176.87 -> 3,193,442,177;
     2,950,616,259 - 3,193,442,177 = -242,825,918 (dearer than the PSC);
  B: (961,600,000 + 961,600,000 / 1.05 + 1,191,600,000 / 1.05^2) x 0.98 = 2,958,225,850.34 x 0.98
     = 2,899,061,333.33 -> 2,899,061,333; 2,950,616,259 - 2,899,061,333 = 51,554,926 (cheaper).
The award goes to B at its price after the discount, 3,052,504,000; the draft contract holds it with
B's unit prices (nothing to correct).
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

pytestmark = pytest.mark.browser

VENDOR_A = "Công ty Cổ phần Giải pháp Số Việt"
VENDOR_B = "Công ty TNHH Dịch vụ Đám mây Sông Hồng"
PREPARER_A = "Hoàng Văn Nam"
EVALUATOR = "Trần Văn Đức"
REASON = "Bổ sung một người hỗ trợ năm 2028 cho đợt nâng cấp hệ thống."
QUESTION = "Trung tâm dữ liệu dự phòng có phải đặt tại Việt Nam không?"
ANSWER = "Có: cả trung tâm chính và trung tâm dự phòng đều phải đặt tại Việt Nam."
# Unit prices as the vendors type them, per year 2026, 2027, 2028.
PRICES = {
    "a": {"HOST": ["40.000.000"] * 3, "SUPPORT": ["250.000.000", "250.000.000", "260.000.000"]},
    "b": {"HOST": ["38.000.000"] * 3, "SUPPORT": ["230.000.000"] * 3},
}
SHORT_DATETIME = "%H:%M %d/%m/%Y"  # Vietnamese SHORT_DATETIME_FORMAT


def _published_tender() -> tuple[Any, Any]:
    """The conftest's tender with one pass/fail requirement, created, approved and published
    through the services by the demo's finance officer and approver."""
    from contracts import services
    from ppp.models import User
    from tests.contracts.conftest import approved_model, new_tender

    finance = User.objects.get(username="finance")
    approver = User.objects.get(username="approver")
    world: dict[str, Any] = {
        "finance": finance,
        "approver": approver,
        "agency": finance.memberships.get().organisation,
    }
    world["model"] = approved_model(world)
    tender = new_tender(world, title="Thuê dịch vụ cổng dịch vụ công tỉnh Quảng Ninh")
    criterion = services.criterion_add(
        actor=finance,
        tender=tender,
        kind="pass_fail",
        code="DC1",
        name="Trung tâm dữ liệu đạt TCVN 9250:2012",
    )
    services.tender_submit(actor=finance, tender=tender)
    services.tender_approve(actor=approver, tender=tender)
    return services.tender_publish(actor=finance, tender=tender), criterion


def _to_tender(page: Any, tender: Any) -> None:
    """From the main navigation to the tender's page, as a person finds it."""
    page.get_by_test_id("main-nav").get_by_role("link", name="Gói thầu", exact=True).click()
    page.get_by_test_id("tender-table").get_by_role("link", name=tender.title, exact=True).click()


def _amend(page: Any, tender: Any) -> None:
    from playwright.sync_api import expect

    _to_tender(page, tender)
    expect(page.get_by_test_id("tender-status")).to_have_text("Đã đăng tải")
    page.get_by_test_id("amend-tender").click()
    expect(page.get_by_test_id("page-title")).to_have_text("Sửa đổi gói thầu")
    page.get_by_label("Lý do sửa đổi").fill(REASON)
    support_2028 = page.get_by_test_id("amend-quantities").get_by_label("SUPPORT 2028")
    expect(support_2028).to_have_value("2")
    support_2028.fill("3")
    page.get_by_test_id("save-amendment").click()
    expect(page.locator(".messages")).to_contain_text(
        "Đã công khai sửa đổi số 1; các nhà thầu tham gia đã được thông báo."
    )
    expect(page.get_by_test_id("page-title")).to_have_text("Sửa đổi")
    expect(page.locator(".model-meta")).to_contain_text("phiên bản 2")
    amendment = page.get_by_test_id("amendment-1")
    expect(amendment.locator("h2")).to_contain_text("Sửa đổi số 1")
    expect(amendment).to_contain_text(f"Lý do: {REASON}")
    changes = amendment.locator("tbody tr")
    expect(changes).to_have_count(1)
    expect(changes.locator("th")).to_have_text("Khối lượng của SUPPORT Hỗ trợ · 2028")
    expect(changes.locator("td.before")).to_have_text("2")
    expect(changes.locator("td.after")).to_have_text("3")


def _clarify(people: Callable[[str], Any], tender: Any) -> None:
    from playwright.sync_api import expect

    from contracts.models import Clarification

    asker = people("vendor_a")
    asker.get_by_test_id("main-nav").get_by_role("link", name="Gói thầu", exact=True).click()
    asker.get_by_test_id(f"my-bid-{tender.reference}").click()
    asker.get_by_label("Câu hỏi của bạn").fill(QUESTION)
    asker.get_by_test_id("question-form").get_by_test_id("ask-question").click()
    expect(asker.locator(".messages")).to_contain_text(
        "Đã gửi câu hỏi. Câu trả lời sẽ được công khai cho mọi nhà thầu, không bao giờ nêu tên người hỏi."
    )
    question = Clarification.objects.get(tender=tender)
    card = asker.get_by_test_id(f"clarification-{question.pk}")
    expect(card).to_contain_text(QUESTION)
    expect(card).to_contain_text("câu hỏi của công ty bạn")

    # The agency's own record names who asked; the answer goes to every vendor.
    finance = people("finance")
    _to_tender(finance, tender)
    finance.locator("nav.model-nav").get_by_role("link", name="Làm rõ").click()
    card = finance.get_by_test_id(f"clarification-{question.pk}")
    expect(card.get_by_test_id("asker")).to_have_text(f"{VENDOR_A} · {PREPARER_A}")
    card.get_by_label("Trả lời").fill(ANSWER)
    card.get_by_test_id(f"answer-{question.pk}").click()
    expect(finance.locator(".messages")).to_contain_text(
        "Đã công khai câu trả lời cho mọi nhà thầu, không nêu tên người hỏi."
    )
    expect(finance.get_by_test_id(f"clarification-{question.pk}").get_by_test_id("answer")).to_contain_text(
        ANSWER
    )

    # Another vendor reads the question and the answer, with nothing that says who asked.
    reader = people("vendor_b")
    _to_tender(reader, tender)
    reader.locator("nav.model-nav").get_by_role("link", name="Làm rõ").click()
    card = reader.get_by_test_id(f"clarification-{question.pk}")
    expect(card).to_contain_text(QUESTION)
    expect(card.get_by_test_id("answer")).to_contain_text(ANSWER)
    expect(card.get_by_test_id("asker")).to_have_count(0)
    main = reader.locator("main")
    for telltale in (VENDOR_A, PREPARER_A, "câu hỏi của công ty bạn"):
        expect(main).not_to_contain_text(telltale)


def _type_prices(page: Any, host: Any, support: Any, prices: dict[str, list[str]]) -> None:
    """The grid by keyboard: Tab along HOST, the arrow down to SUPPORT 2028, Shift+Tab back."""
    from playwright.sync_api import expect

    page.locator(f"#price-{host.pk}-0").focus()
    for year, price in enumerate(prices["HOST"]):
        if year:
            page.keyboard.press("Tab")
        expect(page.locator(f"#price-{host.pk}-{year}")).to_be_focused()
        page.keyboard.type(price)
    page.keyboard.press("ArrowDown")
    for year in (2, 1, 0):
        if year != 2:
            page.keyboard.press("Shift+Tab")
        expect(page.locator(f"#price-{support.pk}-{year}")).to_be_focused()
        page.keyboard.type(prices["SUPPORT"][year])


def _prepare_bid(page: Any, tender: Any, criterion: Any, vendor: str, *, discount: str) -> Any:
    """The preparer starts the bid, sets its terms (discount, bid security), prices it in the grid
    and answers the requirement; returns the bid."""
    from playwright.sync_api import expect

    from contracts.models import Bid, ScheduleItem

    host = ScheduleItem.objects.get(tender=tender, code="HOST")
    support = ScheduleItem.objects.get(tender=tender, code="SUPPORT")
    page.get_by_test_id("main-nav").get_by_role("link", name="Gói thầu", exact=True).click()
    page.get_by_test_id(f"my-bid-{tender.reference}").click()
    with page.expect_navigation():
        page.get_by_test_id("start-bid").click()
    expect(page.get_by_test_id("bid-status")).to_have_text("Bản nháp")
    bid = Bid.objects.get(tender=tender, vendor__name=VENDOR_A if vendor == "a" else VENDOR_B)

    page.locator("#id_discount_rate").fill(discount)
    page.locator("#id_bid_security_amount").fill("37.800.000")
    page.locator("#id_bid_security_reference").fill(f"BL-2026-00{1 if vendor == 'a' else 2}")
    with page.expect_navigation():
        page.get_by_test_id("save-terms").click()
    expect(page.locator(".messages")).to_contain_text("Đã lưu các điều kiện của hồ sơ dự thầu.")
    expect(page.locator("#id_validity_days")).to_have_value("90")

    page.get_by_test_id("prices-link").click()
    _type_prices(page, host, support, PRICES[vendor])
    with page.expect_navigation():
        page.keyboard.press("Enter")  # the grid's first button saves
    expect(page.locator(".messages")).to_be_visible()
    expect(page.locator(f"#price-{support.pk}-2")).to_have_value(PRICES[vendor]["SUPPORT"][2])

    page.get_by_test_id("answers-link").click()
    requirement = page.get_by_test_id(f"criterion-{criterion.code}")
    requirement.get_by_label("Có, đáp ứng").check()
    requirement.get_by_label("Giải thích (hồ sơ đáp ứng thế nào)").fill(
        "Trung tâm dữ liệu tại Hà Nội, chứng nhận TCVN 9250:2012 cấp độ 3."
    )
    with page.expect_navigation():
        page.get_by_test_id("save-answers").click()
    expect(page.locator(".messages")).to_contain_text("Đã lưu nội dung đáp ứng.")
    return bid


def _expect_prices(page: Any, bid: Any, figures: dict[str, str]) -> None:
    from playwright.sync_api import expect

    page.goto(f"/contracts/bids/{bid.pk}/prices/")
    for testid, text in figures.items():
        expect(page.get_by_test_id(testid)).to_have_text(text)


def _submit_bid(page: Any, tender: Any, bid: Any, *, sealed_total: str, after_discount: str) -> None:
    """The signatory reviews what is sealed, submits and reads the receipt with the hash."""
    from playwright.sync_api import expect

    page.get_by_test_id("main-nav").get_by_role("link", name="Gói thầu", exact=True).click()
    page.get_by_test_id(f"my-bid-{tender.reference}").click()
    page.get_by_test_id("open-bid").click()
    page.get_by_test_id("review-submit").click()
    expect(page.get_by_test_id("page-title")).to_have_text("Nộp hồ sơ dự thầu")
    expect(page.get_by_test_id("sealed-total-including-vat")).to_have_text(sealed_total)
    expect(page.get_by_test_id("sealed-after-discount")).to_have_text(after_discount)
    with page.expect_navigation():
        page.get_by_test_id("submit-bid").click()
    expect(page.get_by_test_id("page-title")).to_have_text("Biên nhận hồ sơ dự thầu")
    bid.refresh_from_db()
    assert bid.status == "submitted" and bid.tender_version == 2
    expect(page.get_by_test_id("receipt-hash")).to_have_text(bid.content_hash)
    expect(page.get_by_test_id("receipt-number")).to_have_text(bid.receipt_number)
    expect(page.get_by_test_id("bid-status")).to_have_text("Đã nộp")


def _expect_sealed(people: Callable[[str], Any], tender: Any, bid_a: Any, bid_b: Any) -> None:
    """Before the opening nobody outside vendor A sees anything of its bid, nor how many bids there
    are: vendor B's pages, and the finance officer's."""
    from playwright.sync_api import expect

    rival = people("vendor_b")
    for address in (
        f"/contracts/tenders/{tender.pk}/bid/",
        f"/contracts/tenders/{tender.pk}/",
        f"/contracts/tenders/{tender.pk}/clarifications/",
        "/contracts/tenders/",
    ):
        assert rival.goto(address).status == 200
        main = rival.locator("main")
        expect(main).to_contain_text(tender.reference)  # the page itself, not an error page
        for telltale in (VENDOR_A, bid_a.receipt_number, "3.364.000.000", "Số hồ sơ dự thầu"):
            expect(main).not_to_contain_text(telltale)
    rival.goto(f"/contracts/tenders/{tender.pk}/bid/")
    expect(rival.get_by_test_id("bid-card")).to_have_count(1)
    expect(rival.get_by_test_id("bid-card")).to_contain_text(bid_b.receipt_number)
    assert rival.goto(f"/contracts/tenders/{tender.pk}/opening/").status == 404

    finance = people("finance")
    for address in (f"/contracts/tenders/{tender.pk}/history/", f"/contracts/tenders/{tender.pk}/"):
        assert finance.goto(address).status == 200
        main = finance.locator("main")
        expect(main).to_contain_text(tender.reference)
        for telltale in (VENDOR_A, VENDOR_B, bid_a.receipt_number, bid_b.receipt_number, "Số hồ sơ dự thầu"):
            expect(main).not_to_contain_text(telltale)
    expect(finance.get_by_test_id("tender-phase")).to_have_text("Đang nhận hồ sơ dự thầu")
    expect(finance.get_by_test_id("opening-link")).to_have_count(0)
    expect(finance.get_by_test_id("bid-count")).to_have_count(0)
    expect(finance.get_by_test_id("open-bids")).to_have_count(0)
    for page in ("opening", "bids", "evaluation"):
        assert finance.goto(f"/contracts/tenders/{tender.pk}/{page}/").status == 404


def _open(page: Any, tender: Any, bid_a: Any, bid_b: Any) -> None:
    from django.utils import timezone
    from playwright.sync_api import expect

    from contracts.models import Opening

    page.goto(f"/contracts/tenders/{tender.pk}/")
    expect(page.get_by_test_id("tender-phase")).to_have_text("Đã đóng thầu: chờ mở thầu")
    with page.expect_navigation():
        page.get_by_test_id("open-bids").click()
    expect(page.locator(".messages")).to_contain_text(
        "Đã mở thầu: biên bản mở thầu được công khai cho mọi bên tham dự."
    )
    expect(page.get_by_test_id("page-title")).to_have_text("Biên bản mở thầu")
    expect(page.get_by_test_id("tender-status")).to_have_text("Đã mở thầu")
    expect(page.get_by_test_id("bid-count")).to_have_text("2")
    # In the order of submission: receipt, submitted at, price excl. and incl. VAT, discount, price
    # after it, bid security, validity, hash check (and the hash's first 12 characters).
    expected = [
        (bid_a, f"{VENDOR_A} · mã số thuế 0101234567",
         ["3.220.000.000 ₫", "3.364.000.000 ₫", "0%", "3.364.000.000 ₫"]),
        (bid_b, f"{VENDOR_B} · mã số thuế 0107654321",
         ["2.978.000.000 ₫", "3.114.800.000 ₫", "2%", "3.052.504.000 ₫"]),
    ]  # fmt: skip
    for position, (bid, bidder, prices) in enumerate(expected, start=1):
        row = page.get_by_test_id(f"opening-row-{position}")
        submitted = timezone.localtime(bid.submitted_at).strftime(SHORT_DATETIME)
        expect(row.locator("th")).to_have_text(bidder)
        expect(row.locator("td")).to_have_text(
            [
                bid.receipt_number,
                submitted,
                *prices,
                "37.800.000 ₫",
                "90 ngày",
                f"khớp{bid.content_hash[:12]}…",
            ]
        )
    expect(page.get_by_test_id("record-hash")).to_have_text(Opening.objects.get(tender=tender).record_hash)


def _start_evaluation(page: Any, tender: Any) -> None:
    from playwright.sync_api import expect

    page.goto(f"/contracts/tenders/{tender.pk}/")
    page.get_by_test_id("start-evaluation").click()
    expect(page.get_by_test_id("page-title")).to_have_text("Đánh giá")
    page.get_by_label("Tổ trưởng tổ chuyên gia").select_option(label=EVALUATOR)
    page.get_by_test_id("panel-form").get_by_role("checkbox", name=EVALUATOR).check()
    with page.expect_navigation():
        page.get_by_test_id("start-evaluation").click()
    expect(page.locator(".messages")).to_contain_text(
        "Đã bắt đầu đánh giá: trước hết từng thành viên tổ chuyên gia kê khai xung đột lợi ích."
    )
    members = page.get_by_test_id("panel-table").locator("tbody tr")
    expect(members).to_have_count(1)
    expect(members.locator("th")).to_have_text(EVALUATOR)
    expect(members.locator("td")).to_have_text(["Tổ trưởng", "chưa kê khai"])


def _evaluate(page: Any, tender: Any, criterion: Any, bid_a: Any, bid_b: Any) -> None:
    """The chair declares no conflict, assesses each bid on the requirement alone, records the
    panel's consensus and computes."""
    from playwright.sync_api import expect

    _to_tender(page, tender)
    page.locator("nav.model-nav").get_by_role("link", name="Đánh giá").click()
    expect(page.get_by_test_id("own-sheet")).to_have_count(0)  # nothing to read before declaring
    page.get_by_role("radio", name="Tôi không có xung đột lợi ích với nhà thầu nào").check()
    with page.expect_navigation():
        page.get_by_test_id("declare").click()
    expect(page.get_by_test_id("panel-table")).to_contain_text("không có xung đột lợi ích")

    own = page.get_by_test_id("own-sheet")
    for bid in (bid_a, bid_b):
        own.locator(f"#e-{bid.pk}-{criterion.pk}").select_option("pass")
    with page.expect_navigation():
        own.get_by_test_id("save-scores").click()
    expect(page.locator(".messages")).to_contain_text("Đã ghi điểm của bạn.")

    consensus = page.get_by_test_id("consensus-sheet")
    expect(consensus).to_contain_text(f"{EVALUATOR}: đạt")
    for bid in (bid_a, bid_b):
        consensus.locator(f"#k-{bid.pk}-{criterion.pk}").select_option("pass")
    with page.expect_navigation():
        consensus.get_by_test_id("save-consensus").click()
    expect(page.locator(".messages")).to_contain_text("Đã ghi kết quả thống nhất của tổ chuyên gia.")

    with page.expect_navigation():
        page.get_by_test_id("compute").click()
    expect(page.locator(".messages")).to_contain_text(
        "Đã tính kết quả đánh giá: các số liệu và mã băm dữ liệu đầu vào đã được lưu."
    )


def _expect_results(page: Any) -> None:
    from playwright.sync_api import expect

    expect(page.get_by_test_id("page-title")).to_have_text("Kết quả đánh giá")
    expect(page.get_by_test_id("tender-status")).to_have_text("Đã đánh giá")
    expect(page.get_by_test_id("psc-total")).to_have_text("2.950.616.259 ₫")
    expected = [
        (VENDOR_B, "3.052.504.000 ₫", "3.281.441.800 ₫", "100,00", "51.554.926 ₫\nrẻ hơn PSC"),
        (VENDOR_A, "3.364.000.000 ₫", "3.616.300.000 ₫", "90,74", "-242.825.918 ₫\nđắt hơn PSC"),
    ]
    for position, (vendor, price, evaluated, score, vfm) in enumerate(expected, start=1):
        row = page.get_by_test_id(f"result-{position}")
        expect(page.get_by_test_id(f"rank-{position}")).to_have_text(str(position))
        expect(row.locator("th")).to_have_text(vendor)
        expect(row.locator("td").nth(1)).to_have_text(price)
        expect(page.get_by_test_id(f"evaluated-{position}")).to_have_text(
            f"{evaluated}\nđã cộng phần ưu đãi", use_inner_text=True
        )
        expect(page.get_by_test_id(f"price-score-{position}")).to_have_text(score)
        expect(page.get_by_test_id(f"vfm-{position}")).to_have_text(vfm, use_inner_text=True)
        expect(row.locator("td").last).to_have_text("đáp ứng")


def _propose(page: Any, bid_b: Any) -> Any:
    from playwright.sync_api import expect

    from contracts.models import Award

    page.get_by_test_id("propose-link").click()
    expect(page.get_by_test_id("page-title")).to_have_text("Kết quả lựa chọn nhà thầu")
    ranking = page.get_by_test_id("ranking-table").locator("tbody tr")
    expect(ranking.locator("th")).to_have_text([VENDOR_B, VENDOR_A])
    expect(ranking.nth(0).locator("td")).to_have_text(
        ["1", "3.281.441.800 ₫", "3.052.504.000 ₫", "được xem xét kế tiếp"]
    )
    expect(ranking.nth(1).locator("td")).to_have_text(["2", "3.616.300.000 ₫", "3.364.000.000 ₫", ""])
    chosen = page.get_by_label("Hồ sơ dự thầu đề xuất trúng thầu")
    expect(chosen).to_have_value(str(bid_b.pk))
    expect(chosen.locator("option:checked")).to_have_text(f"1. {VENDOR_B} · 3.281.441.800 ₫")
    page.get_by_label("Lý do").fill("Hồ sơ đáp ứng có giá đánh giá thấp nhất: 3.281.441.800 đồng.")
    with page.expect_navigation():
        page.get_by_test_id("propose-award").click()
    expect(page.locator(".messages")).to_contain_text(
        "Đã đề xuất kết quả lựa chọn nhà thầu: người phê duyệt của cơ quan thẩm định đã được thông báo."
    )
    award = Award.objects.get(bid=bid_b)
    card = page.get_by_test_id(f"award-{award.pk}")
    expect(card.get_by_test_id("award-status")).to_have_text("Đã đề xuất")
    expect(card.get_by_test_id("contract-price")).to_have_text("3.052.504.000 ₫")
    expect(card.get_by_test_id("approve-award")).to_have_count(0)  # never one's own proposal
    return award


def _approve(page: Any, tender: Any, award: Any) -> None:
    from playwright.sync_api import expect

    page.get_by_test_id("main-nav").get_by_role("link", name="Hồ sơ chờ phê duyệt", exact=True).click()
    row = page.get_by_test_id("queue-table").locator("tbody tr").filter(has_text=tender.reference)
    expect(row.locator(".tag")).to_have_text("Kết quả lựa chọn nhà thầu")
    row.get_by_role("link", name=tender.title, exact=True).click()
    card = page.get_by_test_id(f"award-{award.pk}")
    expect(card.get_by_test_id("award-status")).to_have_text("Đã đề xuất")
    card.get_by_label("Ghi chú kèm phê duyệt (không bắt buộc)").fill("Đồng ý kết quả.")
    with page.expect_navigation():
        card.get_by_test_id("approve-award").click()
    expect(page.locator(".messages")).to_contain_text(
        "Kết quả lựa chọn nhà thầu đã được phê duyệt và công khai: "
        "các nhà thầu đã được thông báo và dự thảo hợp đồng đã được lập."
    )
    expect(page.get_by_test_id("tender-status")).to_have_text("Đã có kết quả lựa chọn nhà thầu")
    card = page.get_by_test_id(f"award-{award.pk}")
    expect(card.get_by_test_id("award-status")).to_have_text("Đã phê duyệt")
    expect(card.get_by_test_id("contract-price")).to_have_text("3.052.504.000 ₫")
    expect(card.get_by_test_id("award-contract")).to_have_text("Bản nháp · 3.052.504.000 ₫")


def test_a_published_tender_goes_through_amendment_bids_opening_evaluation_award_to_a_draft_contract(
    people,
):
    from playwright.sync_api import expect

    from contracts.models import Contract
    from tests.contracts.api_support import close

    tender, criterion = _published_tender()

    _amend(people("finance"), tender)
    tender.refresh_from_db()
    assert tender.version == 2
    assert tender.items.get(code="SUPPORT").quantities == ["2", "2", "3"]

    _clarify(people, tender)

    bid_a = _prepare_bid(people("vendor_a"), tender, criterion, "a", discount="0")
    _expect_prices(
        people("vendor_a"),
        bid_a,
        {
            "amount-HOST": "1.440.000.000 ₫",
            "amount-SUPPORT": "1.780.000.000 ₫",
            "total-excluding-vat": "3.220.000.000 ₫",
            "total-vat": "144.000.000 ₫",
            "total-including-vat": "3.364.000.000 ₫",
            "total-discount": "0 ₫",
            "total-after-discount": "3.364.000.000 ₫",
        },
    )
    _submit_bid(
        people("vendor_a_sign"),
        tender,
        bid_a,
        sealed_total="3.364.000.000 ₫",
        after_discount="3.364.000.000 ₫",
    )
    bid_b = _prepare_bid(people("vendor_b"), tender, criterion, "b", discount="2")
    _expect_prices(
        people("vendor_b"),
        bid_b,
        {
            "amount-HOST": "1.368.000.000 ₫",
            "amount-SUPPORT": "1.610.000.000 ₫",
            "total-excluding-vat": "2.978.000.000 ₫",
            "total-vat": "136.800.000 ₫",
            "total-including-vat": "3.114.800.000 ₫",
            "total-discount": "62.296.000 ₫",
            "total-after-discount": "3.052.504.000 ₫",
        },
    )
    _submit_bid(
        people("vendor_b_sign"),
        tender,
        bid_b,
        sealed_total="3.114.800.000 ₫",
        after_discount="3.052.504.000 ₫",
    )
    bid_a.refresh_from_db()
    _expect_sealed(people, tender, bid_a, bid_b)

    close(tender)  # the clock moves past the closing
    _open(people("finance"), tender, bid_a, bid_b)

    _start_evaluation(people("finance"), tender)
    _evaluate(people("evaluator"), tender, criterion, bid_a, bid_b)
    _expect_results(people("evaluator"))

    finance = people("finance")
    _to_tender(finance, tender)
    finance.locator("nav.model-nav").get_by_role("link", name="Kết quả", exact=True).click()
    award = _propose(finance, bid_b)
    _approve(people("approver"), tender, award)

    # Every bidder reads the published result on the tender's page.
    loser = people("vendor_a")
    loser.goto(f"/contracts/tenders/{tender.pk}/")
    expect(loser.get_by_test_id("published-result")).to_contain_text(
        f"Trúng thầu: {VENDOR_B}, giá 3.052.504.000 ₫."
    )

    contract = Contract.objects.get(award=award)
    assert (contract.status, contract.vendor.name, contract.value, contract.tender_id) == (
        "draft",
        VENDOR_B,
        Decimal("3052504000"),
        tender.pk,
    )
    assert contract.price_schedule == {"HOST": ["38000000"] * 3, "SUPPORT": ["230000000"] * 3}
    assert Contract.objects.count() == 1
