"""A tendering world: an agency with an approved cost model, its reviewing body, and three vendors
(two verified, one not), each with a bid preparer and a signatory."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from contracts import services
from contracts.models import Tender
from costing import services as costing_services
from costing.services import LineData
from ppp.models import OrganisationKind, Role
from tests.factories import OrganisationFactory, member


@pytest.fixture
def world(db) -> dict[str, Any]:
    reviewing_body = OrganisationFactory(kind=OrganisationKind.REVIEWING_BODY)
    agency = OrganisationFactory(kind=OrganisationKind.AGENCY, reviewing_body=reviewing_body)
    vendor_a = OrganisationFactory(kind=OrganisationKind.VENDOR, name="Công ty A")
    vendor_b = OrganisationFactory(kind=OrganisationKind.VENDOR, name="Công ty B")
    unverified = OrganisationFactory(kind=OrganisationKind.VENDOR, is_verified=False)
    people = {
        "agency": agency,
        "reviewing_body": reviewing_body,
        "vendor_a": vendor_a,
        "vendor_b": vendor_b,
        "unverified": unverified,
        "finance": member(Role.FINANCE_OFFICER, agency),
        "evaluator": member(Role.EVALUATOR, agency),
        "approver": member(Role.APPROVER, reviewing_body),
        "preparer_a": member(Role.BID_PREPARER, vendor_a),
        "signatory_a": member(Role.SIGNATORY, vendor_a),
        "preparer_b": member(Role.BID_PREPARER, vendor_b),
        "signatory_b": member(Role.SIGNATORY, vendor_b),
        "preparer_c": member(Role.BID_PREPARER, unverified),
        "outsider": member(Role.FINANCE_OFFICER),
    }
    people["model"] = approved_model(people)
    return people


def approved_model(world: dict[str, Any]):  # type: ignore[no-untyped-def]
    """In-house (the PSC): 1 server set at 1,000,000,000 in 2026 and 2 staff x 300,000,000 a year (no
    VAT); PSC = 1,234,970,000 (with PM 3 % and contingency 5 % + 4 %, incl. VAT) + 600 m x 2.8594104
    = 2,950,616,259.
    Service hire over 3 years (2026-2028), VAT 10 %, real, rate 5 %:
    HOST 12 months x 50,000,000 a year (VAT), SUPPORT 2 people x 300,000,000 a year (no VAT).
    Nominal lifecycle cost incl. VAT = 3 x (600,000,000 x 1.1 + 600,000,000) = 3,780,000,000."""
    model = costing_services.cost_model_create(
        actor=world["finance"], organisation=world["agency"], name="Cổng dịch vụ công", base_year=2026,
        horizon=3, discount_rate="0.05", vat_rate="0.10",
    )  # fmt: skip
    costing_services.lines_save(
        actor=world["finance"],
        option=model.options.get(kind="in_house"),
        rows=[
            LineData(code="HW", name="Máy chủ", category="equipment_hardware", unit="bộ",
                     unit_cost="1000000000", quantities=["1", "0", "0"]),
            LineData(code="OPS", name="Vận hành", category="operations_staff", unit="người-năm",
                     unit_cost="300000000", quantities=["2", "2", "2"], vat_applicable=False),
        ],
    )  # fmt: skip
    option = model.options.get(kind="service_hire")
    costing_services.lines_save(
        actor=world["finance"],
        option=option,
        rows=[
            LineData(code="HOST", name="Thuê hạ tầng", category="hosting_cloud", unit="tháng",
                     unit_cost="50000000", quantities=["12", "12", "12"]),
            LineData(code="SUPPORT", name="Hỗ trợ", category="operations_staff", unit="người-năm",
                     unit_cost="300000000", quantities=["2", "2", "2"], vat_applicable=False),
        ],
    )  # fmt: skip
    costing_services.cost_model_submit(actor=world["finance"], model=model)
    return costing_services.cost_model_approve(actor=world["approver"], model=model)


def terms(**changes: Any) -> dict[str, Any]:
    now = timezone.now()
    values = {
        "title": "Thuê dịch vụ cổng dịch vụ công",
        "procurement_category": "non_consulting",
        "scope": "domestic",
        "method": "lowest_price",
        "envelopes": 1,
        "bid_security_rate": "0.01",
        "bid_validity_days": 90,
        "publication_at": now,
        "clarification_deadline": now + dt.timedelta(days=5),
        "closing_at": now + dt.timedelta(days=20),
        "opening_at": now + dt.timedelta(days=20, hours=1),
    }
    values.update(changes)
    return values


def new_tender(world: dict[str, Any], **changes: Any) -> Tender:
    model = world["model"]
    return services.tender_create(
        actor=world["finance"], model=model, option=model.options.get(kind="service_hire"), **terms(**changes)
    )


def published_tender(world: dict[str, Any], **changes: Any) -> Tender:
    tender = new_tender(world, **changes)
    services.tender_submit(actor=world["finance"], tender=tender)
    services.tender_approve(actor=world["approver"], tender=tender)
    return services.tender_publish(actor=world["finance"], tender=tender)


FULL_PRICES = {
    "HOST": ["40000000", "40000000", "40000000"],
    "SUPPORT": ["250000000", "250000000", "260000000"],
}


def submitted_bid(world: dict[str, Any], tender: Tender, vendor: str = "a", prices: dict | None = None):  # type: ignore[no-untyped-def]
    """A complete bid: bid security 1 % of the package price 3,780,000,000 = 37,800,000."""
    bid = services.bid_create(
        actor=world[f"preparer_{vendor}"], tender=tender, vendor=world[f"vendor_{vendor}"]
    )
    services.bid_prices_save(actor=world[f"preparer_{vendor}"], bid=bid, prices=prices or FULL_PRICES)
    services.bid_update(actor=world[f"preparer_{vendor}"], bid=bid, bid_security_amount="37800000",
                        discount_rate="0.02")  # fmt: skip
    return services.bid_submit(actor=world[f"signatory_{vendor}"], bid=bid)


D = Decimal
