"""Demo tenders for `manage.py seed_demo`, built through the services like any user's work, from the
approved demo cost model (costing/demo.py's PORTAL, version 1):

- "Thuê dịch vụ cổng dịch vụ công trực tuyến tỉnh Quảng Ninh" (the service-hire option): published,
  priced and submitted by both demo vendors, closed, opened, evaluated, its award approved by the
  reviewing body: a draft contract with Công ty Cổ phần Giải pháp Số Việt, the lower bid;
- "Dự án PPP cổng dịch vụ công trực tuyến tỉnh Quảng Ninh" (the PPP option): published and open for
  bids, with one amendment, one answered clarification, Sông Hồng's submitted bid and Số Việt's draft.

Closing is judged by the database clock, so the first tender is closed the way time would close it:
its dates move into the past (as tests/contracts/api_support.close does).

Idempotent: a tender that already exists (by title, in the demo agency) is left as it is; without the
approved PORTAL model there is nothing to build on and nothing is created.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_CEILING, Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from contracts import services
from contracts.models import Bid, Tender
from costing.demo import PORTAL
from costing.models import CostModel, CostModelStatus
from ppp.models import Organisation, User

SERVICE_HIRE = "Thuê dịch vụ cổng dịch vụ công trực tuyến tỉnh Quảng Ninh"
PPP = "Dự án PPP cổng dịch vụ công trực tuyến tỉnh Quảng Ninh"

# Unit prices per schedule item: each vendor's share of the estimate's unit cost.
SHARE = {"vendor_a": Decimal("0.92"), "vendor_b": Decimal("0.97")}


def _prices(tender: Tender, share: Decimal) -> dict[str, list[str | None]]:
    """Every year with a quantity priced at `share` of the estimate's unit cost, rounded up to the đồng."""
    option_lines = {line.code: line for line in tender.option.lines.all()}
    prices: dict[str, list[str | None]] = {}
    for item in tender.items.order_by("position", "pk"):
        unit = (Decimal(option_lines[item.code].unit_cost) * share).quantize(
            Decimal(1), rounding=ROUND_CEILING
        )
        prices[item.code] = [None if Decimal(str(q)) == 0 else str(unit) for q in item.quantities]
    return prices


def _security(tender: Tender) -> str:
    return str(
        (Decimal(tender.package_price) * Decimal(tender.bid_security_rate)).quantize(
            Decimal(1), ROUND_CEILING
        )
    )


def _terms(title: str, now: dt.datetime, **changes: Any) -> dict[str, Any]:
    terms = {
        "title": title,
        "procurement_category": "non_consulting",
        "scope": "domestic",
        "method": "lowest_price",
        "envelopes": 1,
        "bid_security_rate": "0.015",  # packages above VND 10 bn: 1.5-3 %
        "bid_validity_days": 120,
        "publication_at": now,
        "clarification_deadline": now + dt.timedelta(days=10),
        "closing_at": now + dt.timedelta(days=25),
        "opening_at": now + dt.timedelta(days=25, hours=1),
    }
    terms.update(changes)
    return terms


def _published(people: dict[str, User], model: CostModel, kind: str, title: str, now: dt.datetime) -> Tender:
    tender = services.tender_create(
        actor=people["finance"], model=model, option=model.options.get(kind=kind), **_terms(title, now)
    )
    services.tender_submit(actor=people["finance"], tender=tender, note="Kính trình Sở Tài chính phê duyệt.")
    services.tender_approve(actor=people["approver"], tender=tender, note="Đồng ý đăng tải.")
    return services.tender_publish(actor=people["finance"], tender=tender)


def _bid(people: dict[str, User], vendors: dict[str, Organisation], tender: Tender, vendor: str) -> Bid:
    preparer = people[vendor]
    bid = services.bid_create(actor=preparer, tender=tender, vendor=vendors[vendor])
    services.bid_prices_save(actor=preparer, bid=bid, prices=_prices(tender, SHARE[vendor]))
    services.bid_update(
        actor=preparer, bid=bid, bid_security_amount=_security(tender),
        validity_days=tender.bid_validity_days,
        bid_security_reference=f"BL-{vendor.upper()}-{tender.reference}",
    )  # fmt: skip
    return bid


def _close(tender: Tender) -> None:
    """The clock moves past the closing: the dates move back, closing five minutes ago."""
    past = timezone.now() - dt.timedelta(minutes=5)
    Tender.objects.filter(pk=tender.pk).update(
        publication_at=past - dt.timedelta(days=25),
        clarification_deadline=past - dt.timedelta(days=15),
        closing_at=past,
        opening_at=past + dt.timedelta(hours=1),
    )
    tender.refresh_from_db()


@transaction.atomic
def seed(*, agency: Organisation, people: dict[str, User], vendors: dict[str, Organisation]) -> list[str]:
    """Create the demo tenders that are missing; return the titles of those created.

    `people`: finance, evaluator, approver, vendor_a, vendor_a_sign, vendor_b, vendor_b_sign;
    `vendors`: vendor_a, vendor_b.
    """
    model = (
        CostModel.objects.filter(organisation=agency, name=PORTAL, status=CostModelStatus.APPROVED)
        .order_by("version")
        .first()
    )
    if model is None:
        return []
    created = []
    now = timezone.now()
    existing = set(Tender.objects.filter(organisation=agency).values_list("title", flat=True))

    if SERVICE_HIRE not in existing:
        tender = _published(people, model, "service_hire", SERVICE_HIRE, now)
        for vendor in ("vendor_a", "vendor_b"):
            bid = _bid(people, vendors, tender, vendor)
            services.bid_submit(actor=people[f"{vendor}_sign"], bid=bid)
        _close(tender)
        services.tender_open(actor=people["finance"], tender=tender)
        tender.refresh_from_db()
        evaluation = services.evaluation_start(
            actor=people["finance"],
            tender=tender,
            chair=people["evaluator"],
            evaluators=[people["evaluator"]],
        )
        services.conflict_declare(
            actor=people["evaluator"], evaluation=evaluation, has_conflict=False,
            statement="Tôi không có xung đột lợi ích với các nhà thầu tham dự.",
        )  # fmt: skip
        services.evaluation_compute(actor=people["evaluator"], evaluation=evaluation)
        tender.refresh_from_db()
        winner = Bid.objects.get(tender=tender, vendor=vendors["vendor_a"])
        award = services.award_propose(
            actor=people["finance"], tender=tender, bid=winner,
            reasons="Hồ sơ dự thầu đáp ứng, có giá đánh giá thấp nhất.",
        )  # fmt: skip
        services.award_approve(
            actor=people["approver"], award=award, note="Thống nhất kết quả lựa chọn nhà thầu."
        )
        created.append(SERVICE_HIRE)

    if PPP not in existing:
        tender = _published(people, model, "ppp", PPP, now)
        services.tender_amend(
            actor=people["finance"], tender=tender, bid_validity_days=150,
            reason="Kéo dài hiệu lực hồ sơ dự thầu theo đề nghị của nhà thầu.",
        )  # fmt: skip
        tender.refresh_from_db()
        question = services.clarification_ask(
            actor=people["vendor_a"], tender=tender, vendor=vendors["vendor_a"],
            question="Thanh toán theo mức độ sẵn sàng có được điều chỉnh theo chỉ số giá hằng năm không?",
        )  # fmt: skip
        services.clarification_answer(
            actor=people["finance"], clarification=question,
            answer="Có: khoản thanh toán hằng năm được điều chỉnh theo chỉ số giá tiêu dùng do Tổng cục "
            "Thống kê công bố.",
        )  # fmt: skip
        services.bid_submit(actor=people["vendor_b_sign"], bid=_bid(people, vendors, tender, "vendor_b"))
        _bid(people, vendors, tender, "vendor_a")  # a draft still being prepared
        created.append(PPP)
    return created
