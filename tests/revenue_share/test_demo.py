"""`manage.py seed_demo` settles the BOT contract in force (revenue_share/demo.py): January to October
approved and locked, November a draft carrying the correction of March, the state's transfers for
January to September recorded.

By hand: the provider keeps 70 % of a month's net revenue up to 400,000,000 (every demo month is
below it). March's correction is 400 refunded business registrations at 25,000 = 10,000,000 less net
revenue, so 70 % x 10,000,000 = 7,000,000 less to the provider: November carries −7,000,000.
July's availability of 99.1 % against 99.5 % credits the state 0.4 % of July's tiered share.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from contracts.demo import PPP_IN_FORCE_TENDER
from contracts.models import Contract
from revenue_share.models import SettlementPayment, SettlementStatement

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture
def contract() -> Contract:
    call_command("seed_demo", stdout=StringIO())
    return Contract.objects.get(tender__title=PPP_IN_FORCE_TENDER)


def test_the_bot_contract_is_in_force_with_its_plan(contract):
    assert (contract.status, contract.contract_type, contract.vendor.tax_code) == (
        "active",
        "BOT",
        "0101234567",
    )
    assert contract.financial_plan.get(year=2026).projected_revenue == D(4_200_000_000)
    assert contract.financial_plan.get(year=2027).projected_revenue == D(4_536_000_000)  # x 1.08


def test_eleven_months_are_settled_ten_locked_and_nine_paid(contract):
    statements = list(SettlementStatement.objects.filter(contract=contract).order_by("period"))
    assert [f"{s.period:%m}" for s in statements] == [f"{m:02d}" for m in range(1, 12)]
    assert [s.status for s in statements] == ["approved"] * 10 + ["draft"]
    for statement in statements:
        assert statement.provider_share + statement.state_share == statement.net_revenue
    paid = {p.statement.period.month: p.amount for p in SettlementPayment.objects.select_related("statement")}
    assert paid == {s.period.month: s.net_payable_by_state for s in statements[:9]}


def test_november_carries_the_correction_of_march(contract):
    november = SettlementStatement.objects.get(contract=contract, period="2026-11-01")
    adjustments = [line for line in november.lines if line["section"] == "adjustment"]
    assert [(a["key"], a["payee"], a["amount"], a["reference"]) for a in adjustments] == [
        ("adjustment.tiered_share.band", "state", "7000000", "2026-03/1")
    ]
    assert november.adjustments == D(-7_000_000)
    assert november.net_payable_by_state == november.provider_share - 7_000_000


def test_july_earns_the_state_a_service_credit(contract):
    july = SettlementStatement.objects.get(contract=contract, period="2026-07-01")
    share = (july.net_revenue * D("0.7")).quantize(D(1), rounding=ROUND_HALF_UP)
    credit = (share * D("0.004")).quantize(D(1), rounding=ROUND_HALF_UP)
    credits = [line for line in july.lines if line["key"] == "service_credits.credit"]
    assert [(c["reference"], c["amount"]) for c in credits] == [("AV", str(credit))]
    assert july.provider_share == share - credit
