"""Demo tenders for `manage.py seed_demo`, built through the services like any user's work, from the
approved version 1 of the demo portal cost model (costing.demo.PORTAL):

- "Thuê dịch vụ Cổng dịch vụ công trực tuyến tỉnh Quảng Ninh giai đoạn 2026-2035" (the service hire
  option, lowest price): approved by the reviewing body, published, bid on by both demo vendors,
  closed, opened, evaluated by the panel and awarded to Viet Digital Solutions (vendor A, the lower
  price); the award is approved, and the draft contract it created is completed (terms, an
  availability payment with service credits, two KPIs, the go-live milestone), submitted, and approved
  by the first of its two approvers: it waits for the senior approver (`approver`);
- "Dự án PPP Cổng dịch vụ công trực tuyến tỉnh Quảng Ninh" (the PPP option, evaluated price): open for
  bids for about 25 more days, with one amendment (the closing moved back five days), one answered
  clarification, a submitted bid from Red River Cloud (vendor B) and a draft started by vendor A;
- "Dự án PPP Hệ thống thu phí, lệ phí dịch vụ công trực tuyến tỉnh Quảng Ninh" (the PPP option again,
  run to the end): bid on by both vendors, awarded to vendor A, and its BOT contract from 1 January
  2026 (a share of the fees collected, the revenue band of Law 64/2020 Art. 82, a financial plan for
  ten years) approved by both approvers, signed by both parties and in force: revenue_share/demo.py
  settles its months.

The vendors price each year at a share of the agency's own estimate for that year (the line's unit
cost escalated to nominal prices), so the bids sit plausibly below the package price; vendor B is a
little dearer than vendor A overall, though cheaper on some lines.

The closing of the first tender is the one step no service makes: the database clock decides when a
tender closes, so its dates are moved back, as the tests do (tests/contracts/api_support.close).

Idempotent: a tender that already exists (by title, in the demo agency) is left as it is. Without the
approved portal model (someone deleted it, or a test seeds the people only) there is nothing to tender
and nothing is created.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from contracts import services
from contracts.models import Bid, BidStatus, Contract, Criterion, CriterionKind, Tender
from contracts.services import contracting
from costing.demo import PORTAL
from costing.models import CostModel, CostModelStatus
from ppp import demo as ppp_demo
from ppp.models import Organisation, User

SERVICE_HIRE_TENDER = "Thuê dịch vụ Cổng dịch vụ công trực tuyến tỉnh Quảng Ninh giai đoạn 2026-2035"
PPP_TENDER = "Dự án PPP Cổng dịch vụ công trực tuyến tỉnh Quảng Ninh"
PPP_IN_FORCE_TENDER = "Dự án PPP Hệ thống thu phí, lệ phí dịch vụ công trực tuyến tỉnh Quảng Ninh"

# Packages above VND 10 bn: bid security 1.5-3 % of the package price, at least 18 days to prepare.
BID_SECURITY_RATE = "0.015"
PREPARATION_DAYS = 20
AMENDMENT_EXTENSION_DAYS = 5

CRITERIA = [
    ("HL-01", "Tư cách hợp lệ của nhà thầu",
     "Đăng ký doanh nghiệp hợp lệ; không trong tình trạng giải thể, phá sản; không bị cấm tham dự thầu."),
    ("KT-01", "Đáp ứng yêu cầu kỹ thuật tại Chương V",
     "Cam kết mức độ sẵn sàng dịch vụ tối thiểu 99,5%, bảo đảm an toàn thông tin cấp độ 3."),
]  # fmt: skip


@dataclass(frozen=True)
class Pricing:
    """How a demo vendor prices a tender: per schedule item, a share of the estimate's nominal unit
    cost of each year, rounded half up to `step` (in đồng); plus the bid's own terms."""

    shares: dict[str, tuple[str, int]]  # item code -> (share of the estimate, rounding step)
    discount_rate: str
    validity_days: int
    security_reference: str


SERVICE_HIRE_PRICING = {
    "vendor_a": Pricing(
        shares={"DV-01": ("0.85", 1_000_000), "DV-02": ("0.92", 1), "DV-03": ("0.95", 100_000)},
        discount_rate="0", validity_days=120, security_reference="BL-VCB-2026-01873",
    ),
    # Cheaper set-up and staff, dearer per transaction, which is most of the price.
    "vendor_b": Pricing(
        shares={"DV-01": ("0.80", 1_000_000), "DV-02": ("0.96", 1), "DV-03": ("0.90", 100_000)},
        discount_rate="0.02", validity_days=150, security_reference="BL-BIDV-2026-44120",
    ),
}  # fmt: skip
PPP_PRICING = {
    "vendor_b": Pricing(
        shares={"PPP-01": ("0.93", 1_000_000), "PPP-02": ("0.95", 100_000)},
        discount_rate="0.01", validity_days=180, security_reference="BL-BIDV-2026-45007",
    ),
    # Vendor A has started: the availability payment is priced, the rest is not yet.
    "vendor_a": Pricing(
        shares={"PPP-01": ("0.90", 1_000_000)},
        discount_rate="0", validity_days=180, security_reference="",
    ),
}  # fmt: skip


@dataclass(frozen=True)
class People:
    finance: User
    evaluator: User
    approver: User
    second_approver: User
    vendors: dict[str, Organisation]  # "vendor_a", "vendor_b"
    preparers: dict[str, User]
    signatories: dict[str, User]
    agency_signatory: User


def _people() -> People:
    users = {
        user.username: user for user in User.objects.filter(username__in=[u.username for u in ppp_demo.USERS])
    }
    tax_codes = {spec.key: spec.tax_code for spec in ppp_demo.ORGANISATIONS}
    return People(
        finance=users["finance"],
        evaluator=users["evaluator"],
        approver=users["approver"],
        second_approver=users["approver2"],
        vendors={key: Organisation.objects.get(tax_code=tax_codes[key]) for key in ("vendor_a", "vendor_b")},
        preparers={key: users[key] for key in ("vendor_a", "vendor_b")},
        signatories={key: users[f"{key}_sign"] for key in ("vendor_a", "vendor_b")},
        agency_signatory=users["agency_sign"],
    )


def estimate_unit_costs(tender: Tender) -> dict[str, list[Decimal]]:
    """The agency's own nominal unit cost of each schedule item, per year: the cost line's unit cost
    x (1 + escalation)^t, the line's escalation or the model's general one (costing engine, nominal).
    Unrounded."""
    model = tender.cost_model
    lines = {line.code: line for line in tender.option.lines.all()}
    costs = {}
    for item in tender.items.all():
        line = lines[item.code]
        rate = Decimal(line.escalation_rate if line.escalation_rate is not None else model.general_escalation)
        costs[item.code] = [Decimal(line.unit_cost) * (1 + rate) ** t for t in range(len(item.quantities))]
    return costs


def unit_prices(tender: Tender, pricing: Pricing) -> dict[str, list[str | None]]:
    """The vendor's unit prices of the items it prices, one per year; none where the year has no
    quantity."""
    estimate = estimate_unit_costs(tender)
    prices: dict[str, list[str | None]] = {}
    for item in tender.items.filter(code__in=pricing.shares):
        share, step = pricing.shares[item.code]
        prices[item.code] = [
            None
            if Decimal(str(quantity)) == 0
            else str((cost * Decimal(share) / step).quantize(Decimal(1), rounding=ROUND_HALF_UP) * step)
            for cost, quantity in zip(estimate[item.code], item.quantities, strict=True)
        ]
    return prices


def bid_security(tender: Tender) -> Decimal:
    """The tender's minimum bid security, rounded up to the next million đồng, as a bank would issue."""
    minimum = Decimal(tender.package_price) * Decimal(tender.bid_security_rate) / 1_000_000
    return minimum.quantize(Decimal(1), rounding=ROUND_CEILING) * 1_000_000


def _terms(now: dt.datetime, **changes: Any) -> dict[str, Any]:
    closing = now + dt.timedelta(days=PREPARATION_DAYS)
    values: dict[str, Any] = {
        "procurement_category": "non_consulting",
        "scope": "domestic",
        "method": "lowest_price",
        "envelopes": 1,
        "bid_security_rate": BID_SECURITY_RATE,
        "bid_validity_days": 120,
        "publication_at": now,
        "clarification_deadline": now + dt.timedelta(days=10),
        "closing_at": closing,
        "opening_at": closing + dt.timedelta(hours=1),
    }
    values.update(changes)
    return values


def _published(people: People, model: CostModel, option_kind: str, note: str, **terms: Any) -> Tender:
    finance = people.finance
    tender = services.tender_create(
        actor=finance,
        model=model,
        option=model.options.get(kind=option_kind),
        **_terms(timezone.now(), **terms),
    )
    for code, name, description in CRITERIA:
        services.criterion_add(
            actor=finance, tender=tender, kind=CriterionKind.PASS_FAIL, code=code, name=name,
            description=description,
        )  # fmt: skip
    services.tender_submit(actor=finance, tender=tender, note=note)
    services.tender_approve(actor=people.approver, tender=tender, note="Đồng ý phát hành hồ sơ mời thầu.")
    return services.tender_publish(actor=finance, tender=tender)


def _bid(people: People, tender: Tender, vendor: str, pricing: Pricing, *, submit: bool) -> Bid:
    preparer = people.preparers[vendor]
    bid = services.bid_create(actor=preparer, tender=tender, vendor=people.vendors[vendor])
    services.bid_prices_save(actor=preparer, bid=bid, prices=unit_prices(tender, pricing))
    if not submit:
        return bid
    services.bid_answers_save(
        actor=preparer,
        bid=bid,
        answers={
            "HL-01": {"complies": True, "response": "Giấy chứng nhận đăng ký doanh nghiệp đính kèm."},
            "KT-01": {"complies": True, "response": "Cam kết đáp ứng toàn bộ yêu cầu Chương V."},
        },
    )
    services.bid_update(
        actor=preparer,
        bid=bid,
        discount_rate=pricing.discount_rate,
        bid_security_amount=bid_security(tender),
        bid_security_reference=pricing.security_reference,
        validity_days=pricing.validity_days,
    )
    return services.bid_submit(actor=people.signatories[vendor], bid=bid)


def _close(tender: Tender) -> Tender:
    """The clock moves past the closing: the database's own clock decides closing, so the tender's
    dates move back instead (as tests/contracts/api_support.close does)."""
    past = timezone.now() - dt.timedelta(minutes=5)
    Tender.objects.filter(pk=tender.pk).update(
        publication_at=past - dt.timedelta(days=20),
        clarification_deadline=past - dt.timedelta(days=1),
        closing_at=past,
        opening_at=past + dt.timedelta(hours=1),
    )
    tender.refresh_from_db()
    return tender


def _evaluate_and_award(people: People, tender: Tender) -> None:
    """The panel (the agency's one evaluator in the chair, its finance officer beside) declares, checks
    each bid against the pass/fail requirements, agrees, computes; the best-ranked bid is awarded."""
    chair = people.evaluator
    services.tender_open(actor=chair, tender=tender)
    evaluation = services.evaluation_start(
        actor=people.finance, tender=tender, chair=chair, evaluators=[people.finance]
    )
    panel = [chair, people.finance]
    for member in panel:
        services.conflict_declare(
            actor=member, evaluation=evaluation, has_conflict=False,
            statement="Tôi cam kết không có xung đột lợi ích với các nhà thầu tham dự.",
        )  # fmt: skip
    bids = list(tender.bids.filter(status=BidStatus.SUBMITTED).order_by("pk"))
    criteria = list(
        Criterion.objects.filter(tender=tender, kind=CriterionKind.PASS_FAIL).order_by("position")
    )
    for bid in bids:
        for criterion in criteria:
            for member in panel:
                services.compliance_record(
                    actor=member, evaluation=evaluation, bid=bid, criterion=criterion, passed=True
                )
            services.compliance_record(
                actor=chair, evaluation=evaluation, bid=bid, criterion=criterion, passed=True, consensus=True,
                note="Tổ chuyên gia thống nhất: đạt.",
            )  # fmt: skip
    evaluation = services.evaluation_compute(actor=chair, evaluation=evaluation)
    results = evaluation.results or {}
    best = Bid.objects.select_related("vendor").get(pk=results["ranking"][0])
    figures = next(row for row in results["bids"] if row["bid"] == best.pk)
    price = f"{Decimal(figures['evaluated_price']):,.0f}".replace(
        ",", "."
    )  # 1.234.567, as Vietnamese writes it
    award = services.award_propose(
        actor=people.finance,
        tender=tender,
        bid=best,
        reasons=(
            f"Hồ sơ dự thầu của {best.vendor.name} đáp ứng toàn bộ yêu cầu về tư cách hợp lệ và kỹ thuật, "
            f"có giá đánh giá thấp nhất ({price} đồng) và giá dự thầu sau giảm giá không vượt giá gói thầu."
        ),
    )
    services.award_approve(actor=people.approver, award=award, note="Phê duyệt kết quả lựa chọn nhà thầu.")


def _service_hire_tender(people: People, model: CostModel) -> Tender:
    tender = _published(
        people, model, "service_hire", "Kính trình Sở Tài chính thẩm định hồ sơ mời thầu.",
        title=SERVICE_HIRE_TENDER,
        scope_of_work="Cung cấp dịch vụ Cổng dịch vụ công trực tuyến tỉnh theo hình thức thuê dịch vụ công "
        "nghệ thông tin trong 10 năm: khởi tạo dịch vụ, xử lý hồ sơ trực tuyến, hỗ trợ quản lý hợp đồng.",
    )  # fmt: skip
    for vendor in ("vendor_a", "vendor_b"):
        _bid(people, tender, vendor, SERVICE_HIRE_PRICING[vendor], submit=True)
    tender = _close(tender)
    _evaluate_and_award(people, tender)
    _complete_contract(people, Contract.objects.get(tender=tender))
    tender.refresh_from_db()
    return tender


def _complete_contract(people: People, contract: Contract) -> None:
    """The finance officer completes the draft and submits it; above VND 10 bn the rule book asks for
    two approvals, one of them senior: the second approver approves, the senior one is left to decide."""
    contracting.contract_update(
        actor=people.finance, contract=contract,
        title="Hợp đồng thuê dịch vụ Cổng dịch vụ công trực tuyến tỉnh Quảng Ninh giai đoạn 2026-2035",
        contract_type="service_hire", start_date="2026-01-01", end_date="2035-12-31",
        performance_security_rate="0.05", warranty_months=12,
        data_ownership="Toàn bộ dữ liệu phát sinh trong quá trình cung cấp dịch vụ thuộc sở hữu của Sở "
        "Thông tin và Truyền thông; nhà cung cấp chỉ được xử lý dữ liệu để cung cấp dịch vụ.",
        handover="Khi kết thúc hợp đồng, nhà cung cấp bàn giao toàn bộ dữ liệu ở định dạng mở trong 30 ngày "
        "và hỗ trợ chuyển đổi sang đơn vị mới trong 90 ngày.",
    )  # fmt: skip
    annual = (Decimal(contract.value) / 10).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    contracting.mechanisms_save(actor=people.finance, contract=contract, mechanisms=[
        {"kind": "availability", "parameters": {"annual_payment": str(annual), "periods_per_year": 12,
                                                "still_used_factor": "0.5"}},
        {"kind": "service_credits", "parameters": {"method": "shortfall_share", "cap_share": "0.1"}},
    ])  # fmt: skip
    contracting.service_levels_save(actor=people.finance, contract=contract, levels=[
        {"code": "AV", "name": "Mức độ sẵn sàng của Cổng dịch vụ công", "target": "99.5", "unit": "%",
         "period": "monthly", "rule": {"kind": "deduction", "rate": "0.02"}},
        {"code": "SC1", "name": "Thời gian khắc phục sự cố mức 1", "target": "4", "unit": "giờ",
         "period": "monthly", "rule": {"kind": "service_credit", "rate": "0.01"}},
    ])  # fmt: skip
    contracting.milestones_save(actor=people.finance, contract=contract, milestones=[
        {"name": "Vận hành chính thức Cổng dịch vụ công", "due_date": "2026-03-31",
         "acceptance_criteria": "Biên bản nghiệm thu vận hành thử 30 ngày đạt mức sẵn sàng 99,5%."},
    ])  # fmt: skip
    contracting.contract_submit(
        actor=people.finance, contract=contract, note="Kính trình Sở Tài chính thẩm định hợp đồng."
    )
    contracting.contract_decide(
        actor=people.second_approver, contract=contract, decision="approve", comment="Đồng ý."
    )


# The BOT contract in force: the provider keeps 70 % of the month's net fee revenue up to
# VND 400 m and 60 % above; above 125 % or below 75 % of the plan's revenue the year's excess or
# shortfall is shared half and half (the rule book's defaults).
IN_FORCE_MECHANISMS = [
    {"kind": "tiered_share", "parameters": {"basis": "revenue", "tiers": [
        {"from": "0", "to": "400000000", "share": "0.7"}, {"from": "400000000", "to": None, "share": "0.6"},
    ]}},
    {"kind": "revenue_band", "parameters": {"upper_threshold": "1.25", "lower_threshold": "0.75",
                                            "share": "0.5", "share_basis": "threshold", "downside": True}},
    {"kind": "service_credits", "parameters": {"method": "shortfall_share", "cap_share": "0.1"}},
]  # fmt: skip
IN_FORCE_PRICING_A = Pricing(
    shares={"PPP-01": ("0.90", 1_000_000), "PPP-02": ("0.94", 100_000)},
    discount_rate="0", validity_days=180, security_reference="BL-VCB-2026-02291",
)  # fmt: skip
# The plan: VND 4.2 bn of net fee revenue in 2026, growing 8 % a year.
IN_FORCE_PLAN = {
    year: str((Decimal(4_200_000_000) * Decimal("1.08") ** (year - 2026)).quantize(Decimal(1_000_000)))
    for year in range(2026, 2036)
}


def _in_force_tender(people: People, model: CostModel) -> Tender:
    tender = _published(
        people, model, "ppp", "Kính trình Sở Tài chính thẩm định hồ sơ mời thầu dự án PPP thu phí, lệ phí.",
        title=PPP_IN_FORCE_TENDER, method="evaluated_price", bid_validity_days=180,
        scope_of_work="Đầu tư, vận hành hệ thống thu phí, lệ phí các dịch vụ công trực tuyến của tỉnh theo "
        "hợp đồng BOT; nhà đầu tư được hưởng phần doanh thu phí theo tỷ lệ, chia sẻ theo Điều 82 Luật PPP.",
    )  # fmt: skip
    for vendor, pricing in (("vendor_a", IN_FORCE_PRICING_A), ("vendor_b", PPP_PRICING["vendor_b"])):
        _bid(people, tender, vendor, pricing, submit=True)
    tender = _close(tender)
    _evaluate_and_award(people, tender)
    contract = Contract.objects.select_related("vendor").get(tender=tender)
    vendor_key = next(key for key, org in people.vendors.items() if org.pk == contract.vendor_id)
    contracting.contract_update(
        actor=people.finance, contract=contract,
        title="Hợp đồng BOT Hệ thống thu phí, lệ phí dịch vụ công trực tuyến tỉnh Quảng Ninh 2026-2035",
        contract_type="BOT", start_date="2026-01-01", end_date="2035-12-31",
        performance_security_rate="0.05", warranty_months=12,
        data_ownership="Dữ liệu giao dịch thu phí thuộc sở hữu của Sở Thông tin và Truyền thông.",
        handover="Khi kết thúc hợp đồng, nhà đầu tư chuyển giao hệ thống và dữ liệu cho Nhà nước.",
    )  # fmt: skip
    contracting.mechanisms_save(actor=people.finance, contract=contract, mechanisms=IN_FORCE_MECHANISMS)
    contracting.service_levels_save(actor=people.finance, contract=contract, levels=[
        {"code": "AV", "name": "Mức độ sẵn sàng của hệ thống thu phí", "target": "99.5", "unit": "%",
         "period": "monthly", "rule": {"kind": "service_credit", "rate": "0.01"}},
    ])  # fmt: skip
    contracting.financial_plan_save(actor=people.finance, contract=contract, revenue=IN_FORCE_PLAN)
    contracting.contract_submit(
        actor=people.finance, contract=contract, note="Kính trình thẩm định hợp đồng BOT."
    )
    for approver in (people.second_approver, people.approver):
        contracting.contract_decide(actor=approver, contract=contract, decision="approve", comment="Đồng ý.")
    contracting.contract_sign(actor=people.signatories[vendor_key], contract=contract)
    contracting.contract_sign(actor=people.agency_signatory, contract=contract)
    tender.refresh_from_db()
    return tender


def _ppp_tender(people: People, model: CostModel) -> Tender:
    finance = people.finance
    tender = _published(
        people, model, "ppp", "Kính trình Sở Tài chính thẩm định hồ sơ mời thầu dự án PPP.",
        title=PPP_TENDER, method="evaluated_price", bid_validity_days=180,
        scope_of_work="Đầu tư, vận hành Cổng dịch vụ công trực tuyến tỉnh theo phương thức đối tác công tư; "
        "nhà nước thanh toán hằng năm theo mức độ sẵn sàng dịch vụ, khấu trừ theo KPI.",
    )  # fmt: skip
    question = services.clarification_ask(
        actor=people.preparers["vendor_a"],
        tender=tender,
        vendor=people.vendors["vendor_a"],
        question='Khoản mục PPP-02 "Giám sát hợp đồng PPP" do nhà đầu tư bố trí nhân sự hay do bên mời '
        "thầu tự thực hiện? Đề nghị làm rõ để chào giá.",
    )
    services.clarification_answer(
        actor=finance,
        clarification=question,
        answer="Nhà đầu tư bố trí 02 nhân sự phối hợp giám sát hợp đồng trong suốt thời gian vận hành và "
        "chào giá khoản mục PPP-02 theo người-năm.",
    )
    services.tender_amend(
        actor=finance,
        tender=tender,
        reason=f"Gia hạn thời điểm đóng thầu thêm {AMENDMENT_EXTENSION_DAYS} ngày để nhà đầu tư hoàn thiện "
        "phương án tài chính theo nội dung làm rõ số 1.",
        closing_at=tender.closing_at + dt.timedelta(days=AMENDMENT_EXTENSION_DAYS),
        opening_at=tender.opening_at + dt.timedelta(days=AMENDMENT_EXTENSION_DAYS),
    )
    tender.refresh_from_db()
    # After the amendment: a bid submitted before it would have gone back to draft.
    _bid(people, tender, "vendor_b", PPP_PRICING["vendor_b"], submit=True)
    _bid(people, tender, "vendor_a", PPP_PRICING["vendor_a"], submit=False)
    return tender


@transaction.atomic
def seed(*, agency: Organisation) -> list[Tender]:
    """Create the demo tenders that are missing; return those created (none without the approved
    portal model)."""
    model = CostModel.objects.filter(
        organisation=agency, name=PORTAL, version=1, status=CostModelStatus.APPROVED
    ).first()
    if model is None:
        return []
    people = _people()
    created = []
    builds = (
        (SERVICE_HIRE_TENDER, _service_hire_tender),
        (PPP_TENDER, _ppp_tender),
        (PPP_IN_FORCE_TENDER, _in_force_tender),
    )
    for title, build in builds:
        if not Tender.objects.filter(organisation=agency, title=title).exists():
            created.append(build(people, model))
    return created
