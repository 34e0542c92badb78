"""Settlement statements computed from imported actuals: a month's statement by hand, approval and who
may not approve, locked months and their corrections carried into a later month, who reads them, and
the annual revenue band in December.

The contract (tests/revenue_share/test_actuals_services.py `world`) runs from 15 January to 31
December 2026 in VND with the KPIs AVAIL (service credit, target 99.5 %) and RESP (deduction). Two
services of our own: SV-A at 10,000 đ a transaction plus 10 % VAT, SV-B at 25,000 đ outside VAT.
Payment mechanism: a tiered share of net revenue, 30 % up to 10,000,000 and 20 % above, and service
credits (shortfall_share, capped at 10 % of the period charge).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from contracts.models import FinancialPlanYear, PaymentMechanism
from ppp.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from ppp.models import AuditEntry, Role, User
from revenue_share import settlement_selectors as selectors
from revenue_share.models import Service, SettlementStatement, Tariff
from revenue_share.services.settlements import settlement_approve, settlement_compute
from tests.factories import MembershipFactory, member
from tests.revenue_share import test_actuals_services as base
from tests.revenue_share.test_actuals_services import VOLUMES_HEADER, csv_file, upload
from tests.roles import assert_nothing_written

world, _media = base.world, base._media  # the fixtures (uploads go to a temporary MEDIA_ROOT)

pytestmark = pytest.mark.django_db

D = Decimal
MARCH = dt.date(2026, 3, 1)
TIERS = {
    "basis": "revenue",
    "tiers": [
        {"from": "0", "to": "10000000", "share": "0.3"},
        {"from": "10000000", "to": None, "share": "0.2"},
    ],
}
MARCH_ROWS = (
    VOLUMES_HEADER,
    "2026-03,SV-A,1000,11000000,110000,50000,990000,VND",
    "2026-03,SV-B,200,5000000,0,20000,0,VND",
)


def _service(code: str, tariff: str, vat_rate: str) -> None:
    service = Service.objects.create(
        code=code, name=code, name_en=code, unit="hồ sơ", unit_en="file", sector="Thử", sector_en="Test"
    )
    Tariff.objects.create(
        service=service, amount=D(tariff), vat_rate=D(vat_rate), valid_from=dt.date(2026, 1, 1), basis="QĐ 1"
    )


@pytest.fixture
def settled(world: dict[str, Any]) -> dict[str, Any]:
    _service("SV-A", "10000", "0.1")
    _service("SV-B", "25000", "0")
    contract = world["contract"]
    PaymentMechanism.objects.create(contract=contract, position=0, kind="tiered_share", parameters=TIERS)
    PaymentMechanism.objects.create(
        contract=contract, position=1, kind="service_credits",
        parameters={"method": "shortfall_share", "cap_share": "0.1"},
    )  # fmt: skip
    upload(world, csv_file(*MARCH_ROWS))
    upload(world, csv_file("period,kpi_code,value", "2026-03,AVAIL,99.0", name="kpis.csv"), kind="kpis")
    return world


def compute(people: dict[str, Any], period: str = "2026-03", **options: Any) -> SettlementStatement:
    return settlement_compute(actor=people["finance"], contract=people["contract"], period=period, **options)


def amounts(statement: SettlementStatement, section: str = "share") -> list[tuple[str, str, str, str]]:
    return [
        (line["key"], line["reference"], line["payee"], line["amount"])
        for line in statement.lines
        if line["section"] == section
    ]


def test_a_month_is_settled_from_its_imported_actuals(settled):
    """SV-A: 1,000 x 10,000 x 1.1 = 11,000,000 collected, 110,000 refunded, 50,000 fees, VAT
    (11,000,000 − 110,000) x 0.1 / 1.1 = 990,000: net 9,850,000. SV-B: 200 x 25,000 = 5,000,000,
    fees 20,000, no VAT: net 4,980,000. Net revenue 14,830,000.
    Tiered share: 30 % x 10,000,000 = 3,000,000 + 20 % x 4,830,000 = 966,000 -> 3,966,000.
    AVAIL 99.0 against 99.5: 0.5 points x 3,966,000 = 19,830 credited to the state (cap 396,600).
    Provider's share 3,966,000 − 19,830 = 3,946,170; state's share 14,830,000 − 3,946,170 =
    10,883,830; the state holds the collections, so it pays the provider 3,946,170."""
    statement = compute(settled)
    assert (statement.status, statement.version, statement.period) == ("draft", 1, MARCH)
    assert amounts(statement) == [
        ("tiered_share.band", "1", "provider", "3000000"),
        ("tiered_share.band", "2", "provider", "966000"),
        ("service_credits.credit", "AVAIL", "state", "19830"),
    ]
    assert (statement.net_revenue, statement.provider_share, statement.state_share) == (
        D(14_830_000),
        D(3_946_170),
        D(10_883_830),
    )
    assert statement.provider_share + statement.state_share == statement.net_revenue
    assert statement.net_payable_by_state == D(3_946_170) and statement.adjustments == 0
    band_line = statement.lines[1]
    assert band_line["label"] == "Share of net revenue in a band" and band_line["rule"]
    assert band_line["inputs"]["share"] == "0.2"
    assert [row["service"] for row in statement.inputs["actuals"]] == ["SV-A", "SV-B"]
    assert statement.inputs["kpi_results"] == [["AVAIL", "99"]] and len(statement.inputs_hash) == 64
    entry = AuditEntry.objects.get(action="settlement.computed")
    assert entry.object_id == str(statement.pk) and entry.after["net_payable_by_state"] == "3946170"


def test_recomputing_a_draft_replaces_it_with_the_next_version(settled):
    first = compute(settled)
    second = compute(settled)
    assert second.pk == first.pk and second.version == 2
    assert SettlementStatement.objects.count() == 1


def test_a_month_outside_the_term_or_malformed_is_refused_and_writes_nothing(settled):
    for period in ("2025-12", "2027-01", "March", "2026-03-15"):
        with assert_nothing_written(), pytest.raises(ValidationFailed) as caught:
            compute(settled, period)
        assert "period" in caught.value.fields


def test_a_reviewer_approves_and_locks_the_statement(settled):
    statement = compute(settled)
    approved = settlement_approve(actor=settled["approver"], statement=statement)
    assert (approved.status, approved.approved_by, approved.is_locked) == (
        "approved",
        settled["approver"],
        True,
    )
    entry = AuditEntry.objects.get(action="settlement.approved")
    assert (entry.before["status"], entry.after["status"]) == ("draft", "approved")
    with pytest.raises(Conflict):
        settlement_approve(actor=settled["approver"], statement=approved)


def test_the_computer_the_vendor_and_another_agency_may_not_approve(settled):
    """Each is refused with nothing written: a finance officer who is also an approver computed it; an
    approver who belongs to the vendor; an approver of another reviewing body; the finance officer."""
    reviewing_body = settled["agency"].reviewing_body
    MembershipFactory(user=settled["finance"], organisation=reviewing_body, role=Role.APPROVER)
    MembershipFactory(user=settled["preparer"], organisation=reviewing_body, role=Role.APPROVER)
    computer = User.objects.get(pk=settled["finance"].pk)  # fresh: memberships are cached per object
    vendor_approver = User.objects.get(pk=settled["preparer"].pk)
    statement = settlement_compute(actor=computer, contract=settled["contract"], period="2026-03")
    other_approver = member(Role.APPROVER)
    for actor, code in (
        (computer, "settlement.own_work"),
        (vendor_approver, "settlement.forbidden"),
        (other_approver, "settlement.forbidden"),
        (settled["evaluator"], "settlement.forbidden"),
    ):
        with assert_nothing_written(statement), pytest.raises(PermissionDenied) as caught:
            settlement_approve(actor=actor, statement=statement)
        assert caught.value.code == code
    with pytest.raises(NotFound):
        selectors.settlement_get_for(user=other_approver, pk=statement.pk)


def test_only_the_agencys_finance_officers_compute(settled):
    for actor in ("approver", "preparer", "signatory", "evaluator"):
        with assert_nothing_written(), pytest.raises(PermissionDenied):
            settlement_compute(actor=settled[actor], contract=settled["contract"], period="2026-03")


def test_a_locked_month_cannot_be_recomputed(settled):
    statement = compute(settled)
    settlement_approve(actor=settled["approver"], statement=statement)
    with assert_nothing_written(statement), pytest.raises(Conflict) as caught:
        compute(settled)
    assert caught.value.code == "settlement.locked"


def test_a_correction_of_a_locked_month_is_carried_into_the_next_month_once(settled):
    """March is approved at 3,946,170. The provider then corrects March's SV-B to 240 transactions:
    6,000,000 collected, 24,000 fees, net 5,976,000; net revenue 9,850,000 + 5,976,000 = 15,826,000;
    band 2: 20 % x 5,826,000 = 1,165,200 (was 966,000: +199,200); AVAIL credit 0.5 % x 4,165,200 =
    20,826 (was 19,830: −996). March recomputed: 4,165,200 − 20,826 = 4,144,374; the difference
    4,144,374 − 3,946,170 = 198,204 = 199,200 − 996.
    April: SV-A 500 x 11,000 = 5,500,000 collected, VAT 500,000, net 5,000,000; 30 % = 1,500,000;
    with the adjustment the state pays 1,500,000 + 198,204 = 1,698,204. Once April is approved, May
    carries nothing more. Ledger: 3,946,170, then 3,946,170 + 1,698,204 = 5,644,374."""
    march = compute(settled)
    settlement_approve(actor=settled["approver"], statement=march)
    upload(
        settled,
        csv_file(VOLUMES_HEADER, "2026-03,SV-B,240,6000000,0,24000,0,VND", name="fix.csv"),
        replace=True,
    )
    upload(settled, csv_file(VOLUMES_HEADER, "2026-04,SV-A,500,5500000,0,0,500000,VND", name="april.csv"))
    april = compute(settled, "2026-04")
    assert amounts(april) == [
        ("tiered_share.band", "1", "provider", "1500000"),
        ("tiered_share.band", "2", "provider", "0"),  # the calculation lists every band
    ]
    assert amounts(april, "adjustment") == [
        ("adjustment.tiered_share.band", "2026-03/2", "provider", "199200"),
        ("adjustment.service_credits.credit", "2026-03/AVAIL", "state", "996"),
    ]
    assert (april.provider_share, april.adjustments, april.net_payable_by_state) == (
        D(1_500_000),
        D(198_204),
        D(1_698_204),
    )
    assert april.lines[2]["inputs"] == {
        "period": "2026-03",
        "section": "share",
        "locked_to_provider": "966000",
        "recomputed_to_provider": "1165200",
    }
    march.refresh_from_db()
    assert (march.status, march.net_payable_by_state) == ("approved", D(3_946_170))  # never edited
    settlement_approve(actor=settled["approver"], statement=april)
    may = compute(settled, "2026-05")
    assert amounts(may, "adjustment") == [] and may.adjustments == 0
    ledger = selectors.settlement_ledger_for(user=settled["preparer"], contract=settled["contract"])
    assert [(row.statement.period.month, row.running_balance) for row in ledger] == [
        (3, D(3_946_170)),
        (4, D(5_644_374)),
        (5, None),
    ]


def test_a_draft_whose_actuals_changed_must_be_recomputed_before_approval(settled):
    statement = compute(settled)
    upload(
        settled,
        csv_file(VOLUMES_HEADER, "2026-03,SV-B,240,6000000,0,24000,0,VND", name="fix.csv"),
        replace=True,
    )
    with assert_nothing_written(statement), pytest.raises(Conflict) as caught:
        settlement_approve(actor=settled["approver"], statement=statement)
    assert caught.value.code == "settlement.stale"


def test_the_vendor_reads_its_own_statements_and_another_vendor_gets_404(settled):
    statement = compute(settled)
    for person in ("preparer", "signatory", "approver", "finance"):
        assert selectors.settlement_get_for(user=settled[person], pk=statement.pk) == statement
    for person in ("other_preparer", "outsider"):
        with pytest.raises(NotFound):
            selectors.settlement_get_for(user=settled[person], pk=statement.pk)
        assert list(selectors.settlement_contract_list_for(user=settled[person])) == []
        with pytest.raises(NotFound):
            selectors.settlement_contract_get_for(user=settled[person], pk=settled["contract"].pk)


# --- the annual revenue band -----------------------------------------------------------------------

BAND = {
    "upper_threshold": "1.25",
    "lower_threshold": "0.75",
    "share": "0.5",
    "share_basis": "threshold",
    "downside": True,
    "rule": "Luật PPP 64/2020 Điều 82",
}
ALL_HOLD = {
    "revenue_audited": True,
    "cause_planning_policy_or_law_change": True,
    "price_and_term_adjustments_exhausted": True,
}


@pytest.fixture
def banded(settled: dict[str, Any]) -> dict[str, Any]:
    """Only December is imported besides March: SV-B 1,000 x 25,000 = 25,000,000 net. The year's net
    revenue is 14,830,000 (March) + 25,000,000 = 39,830,000. December's own tiered share: 3,000,000
    + 20 % x 15,000,000 = 6,000,000 (no KPI measured in December: no credit)."""
    PaymentMechanism.objects.create(
        contract=settled["contract"], position=2, kind="revenue_band", parameters=BAND
    )
    upload(settled, csv_file(VOLUMES_HEADER, "2026-12,SV-B,1000,25000000,0,0,0,VND", name="dec.csv"))
    return settled


def save_plan(people: dict[str, Any], revenue: int) -> None:
    FinancialPlanYear.objects.create(contract=people["contract"], year=2026, projected_revenue=D(revenue))


@pytest.mark.parametrize(
    ("case", "plan", "conditions", "band_lines", "provider_share", "failed"),
    [
        # upper 1.25 x 28,000,000 = 35,000,000; (39,830,000 − 35,000,000) x 0.5 = 2,415,000 to the state
        (
            "above, shared",
            28_000_000,
            ALL_HOLD,
            [("revenue_band.upside", "2026", "state", "2415000")],
            3_585_000,
            [],
        ),
        # lower 0.75 x 60,000,000 = 45,000,000; (45,000,000 − 39,830,000) x 0.5 = 2,585,000 to the provider
        (
            "below, shared",
            60_000_000,
            ALL_HOLD,
            [("revenue_band.downside", "2026", "provider", "2585000")],
            8_585_000,
            [],
        ),
        (
            "below, the cause is not a change of planning, policy or law",
            60_000_000,
            {**ALL_HOLD, "cause_planning_policy_or_law_change": False},
            [],
            6_000_000,
            ["cause_planning_policy_or_law_change"],
        ),
        (
            "above, not audited",
            28_000_000,
            {**ALL_HOLD, "revenue_audited": False},
            [],
            6_000_000,
            ["revenue_audited"],
        ),
        ("within the band", 40_000_000, ALL_HOLD, [], 6_000_000, []),
    ],
)
def test_the_revenue_band_is_tested_in_december(
    banded, case, plan, conditions, band_lines, provider_share, failed
):
    save_plan(banded, plan)
    december = compute(banded, "2026-12", band_conditions=conditions)
    assert [line for line in amounts(december) if line[0].startswith("revenue_band")] == band_lines, case
    assert december.provider_share == D(provider_share), case
    assert december.provider_share + december.state_share == december.net_revenue == D(25_000_000)
    assert (december.band["actual_revenue"], december.band["plan_revenue"]) == ("39830000", str(plan))
    assert december.band["failed_conditions"] == failed and december.band["applied"] == bool(band_lines)
    held = {c["name"]: c["held"] for c in december.band["conditions"]}
    assert held["revenue_audited"] is conditions["revenue_audited"]
    assert december.inputs["band"]["conditions"] == conditions
    if band_lines:
        line = next(line for line in december.lines if line["key"].startswith("revenue_band"))
        assert line["inputs"]["condition.revenue_audited"] == "true"


def test_december_needs_the_band_conditions_and_other_months_do_not(banded):
    save_plan(banded, 28_000_000)
    with assert_nothing_written(), pytest.raises(ValidationFailed) as caught:
        compute(banded, "2026-12")
    assert "band_conditions" in caught.value.fields
    assert compute(banded, "2026-03").band is None
