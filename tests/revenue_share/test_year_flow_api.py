"""A PPP contract's year through the JSON API only (/api/v1/revenue-share/..., a signed-in session each):
the finance officer uploads the year's actuals and KPIs, computes the twelve statements (December with
the band conditions), an approver approves and locks each, the ledger runs; a correction of a locked
month is uploaded with `replace`, the locked month itself is refused (409) and left as it was, and
January 2027 carries the difference; the forecast shows the scenarios and the state's exposure.
tests/browser/test_revenue_share_flow.py walks the same year through the pages.

The contract (`year_flow`): BOT, VND, 1 January 2026 to 31 December 2027, value 80,000,000 (the
provider's investment in the forecast), with the KPIs AVAIL (service credit, target 99.5 %) and RESP
(a deduction KPI, no credit). Services: SV-A at 10,000 đ a transaction plus 10 % VAT, SV-B at 25,000 đ
outside VAT. Payment mechanism: a tiered share of each month's net revenue, 30 % up to 10,000,000 and
20 % above; service credits (shortfall share, capped at 10 %); the revenue band 75 % / 125 % of the
plan, 50 % of the gap from the threshold, downside allowed. Financial plan: 180,000,000 in 2026 and
in 2027.

Figures (no refunds, no gateway fees):
- every month of 2026: SV-A 1,000 x 10,000 x 1.1 = 11,000,000 collected, VAT 1,000,000, net
  10,000,000; SV-B 400 x 25,000 = 10,000,000 net; net revenue 20,000,000. Tiered share
  30 % x 10,000,000 = 3,000,000 + 20 % x 10,000,000 = 2,000,000 = 5,000,000 to the provider; the
  state's share 15,000,000; the state holds the collections, so it pays the provider 5,000,000.
- March: AVAIL 99.0 against 99.5: 0.5 points x 5,000,000 = 25,000 credited to the state (cap
  500,000): the state pays 4,975,000. Every other month AVAIL is 99.9: no credit.
- December closes plan year 2026: net revenue 12 x 20,000,000 = 240,000,000 against the plan's
  180,000,000 (133 %), above 125 % x 180,000,000 = 225,000,000; every condition holds, so the
  provider pays the state 50 % x (240,000,000 − 225,000,000) = 7,500,000. December: provider's
  share 5,000,000 − 7,500,000 = −2,500,000, state's share 22,500,000, net payable −2,500,000.
- Running balance after December: 10 x 5,000,000 + 4,975,000 − 2,500,000 = 52,475,000.
- Correction, after all twelve months are locked: June's SV-B was 480 transactions, 12,000,000: June's
  net revenue 22,000,000, band 2 20 % x 12,000,000 = 2,400,000 (was 2,000,000: +400,000 to the
  provider); the year's net revenue 242,000,000, the band 50 % x 17,000,000 = 8,500,000 (was 7,500,000:
  +1,000,000 to the state). January 2027 (the same 20,000,000 of actuals, 5,000,000 share) carries
  both: adjustments 400,000 − 1,000,000 = −600,000, the state pays 4,400,000; running balance
  52,475,000 + 4,400,000 = 56,875,000. February 2027 carries nothing more.
- Forecast at 8 %: 180,000,000 a year is 15,000,000 a month, 3,000,000 + 20 % x 5,000,000 =
  4,000,000 a month, 48,000,000 a year to the provider (within the band), 132,000,000 to the state;
  NPV −80,000,000 + 48,000,000 / 1.08 + 48,000,000 / 1.08² = 5,596,707.82 -> 5,596,708. The P50 / P90
  of the downside band come from the seeded Monte Carlo: the same figures as the service's.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from contracts.models import FinancialPlanYear, PaymentMechanism
from revenue_share.models import SettlementStatement
from revenue_share.services.forecasts import contract_forecast
from tests.revenue_share import test_actuals_services as base
from tests.revenue_share.test_actuals_services import VOLUMES_HEADER, build_contract
from tests.revenue_share.test_settlements import ALL_HOLD, BAND, TIERS, _service
from tests.roles import assert_nothing_written, client_for

world, _media = base.world, base._media  # the fixtures (uploads go to a temporary MEDIA_ROOT)

pytestmark = pytest.mark.django_db

D = Decimal
API = "/api/v1/revenue-share"
MONTHS_2026 = [f"2026-{month:02d}" for month in range(1, 13)]
CREDITS = {"method": "shortfall_share", "cap_share": "0.1"}
PLAN = 180_000_000
SIMULATIONS = 2_000


def month_rows(period: str, sv_b_volume: int = 400) -> list[str]:
    """SV-A 1,000 and SV-B `sv_b_volume` transactions of `period`, collections matching the tariffs."""
    return [
        f"{period},SV-A,1000,11000000,0,0,1000000,VND",
        f"{period},SV-B,{sv_b_volume},{sv_b_volume * 25_000},0,0,0,VND",
    ]


def year_csv() -> str:
    return "\n".join([VOLUMES_HEADER, *(row for period in MONTHS_2026 for row in month_rows(period))]) + "\n"


def kpi_csv() -> str:
    rows = ["period,kpi_code,value"]
    for period in MONTHS_2026:
        rows += [f"{period},AVAIL,{'99.0' if period == '2026-03' else '99.9'}", f"{period},RESP,2"]
    return "\n".join(rows) + "\n"


def correction_csv() -> str:
    return "\n".join([VOLUMES_HEADER, month_rows("2026-06", sv_b_volume=480)[1]]) + "\n"


def january_2027_csv() -> str:
    return "\n".join([VOLUMES_HEADER, *month_rows("2027-01")]) + "\n"


def build_year_contract(*, agency: Any, vendor: Any, finance: Any) -> Any:
    """The BOT contract of the docstring with its services, mechanisms and plan, straight in the tables
    (the contract pages are tested elsewhere)."""
    _service("SV-A", "10000", "0.1")
    _service("SV-B", "25000", "0")
    contract = build_contract(
        agency,
        vendor,
        finance,
        contract_type="BOT",
        value=D(80_000_000),
        start_date=dt.date(2026, 1, 1),
        end_date=dt.date(2027, 12, 31),
    )
    for position, (kind, parameters) in enumerate(
        (("tiered_share", TIERS), ("service_credits", CREDITS), ("revenue_band", BAND))
    ):
        PaymentMechanism.objects.create(
            contract=contract, position=position, kind=kind, parameters=parameters
        )
    for year in (2026, 2027):
        FinancialPlanYear.objects.create(contract=contract, year=year, projected_revenue=D(PLAN))
    return contract


@pytest.fixture
def year_flow(world: dict[str, Any]) -> dict[str, Any]:
    world["contract"] = build_year_contract(
        agency=world["agency"], vendor=world["vendor"], finance=world["finance"]
    )
    world["clients"] = {
        name: client_for(world[name]) for name in ("finance", "approver", "preparer", "other_preparer")
    }
    return world


def _upload(client: Any, contract: Any, text: str, name: str, kind: str = "volumes", **fields: Any) -> Any:
    file = SimpleUploadedFile(name, text.encode(), content_type="text/csv")
    return client.post(f"{API}/contracts/{contract.pk}/actuals", {"file": file, "kind": kind, **fields})


def _compute(client: Any, contract: Any, period: str, **payload: Any) -> Any:
    return client.post(
        f"{API}/contracts/{contract.pk}/settlements",
        {"period": period, **payload},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )


def _lines(body: dict[str, Any], section: str) -> list[tuple[str, str, str, str]]:
    return [
        (line["key"], line["reference"], line["payee"], line["amount"])
        for line in body["lines"]
        if line["section"] == section
    ]


def _figures(body: dict[str, Any]) -> tuple[str, str, str, str, str, str]:
    return (
        body["period"],
        body["net_revenue"],
        body["provider_share"],
        body["state_share"],
        body["adjustments"],
        body["net_payable_by_state"],
    )


def _ledger(client: Any, contract: Any) -> list[tuple[str, str, str | None]]:
    response = client.get(f"{API}/contracts/{contract.pk}/settlements")
    assert response.status_code == 200, response.content
    return [(row["period"], row["status"], row["running_balance"]) for row in response.json()]


def test_a_year_is_imported_settled_locked_corrected_and_forecast_through_the_api(year_flow):
    contract, clients = year_flow["contract"], year_flow["clients"]
    finance, approver = clients["finance"], clients["approver"]

    # The year's actuals and KPIs.
    volumes = _upload(finance, contract, year_csv(), "actuals-2026.csv")
    assert volumes.status_code == 201, volumes.content
    assert (volumes.json()["status"], volumes.json()["rows"], volumes.json()["summary"]) == (
        "imported",
        24,
        {"created": 24, "replaced": 0},
    )
    kpis = _upload(finance, contract, kpi_csv(), "kpi-2026.csv", kind="kpis")
    assert (kpis.status_code, kpis.json()["rows"]) == (201, 24), kpis.content

    # December closes the plan year: without the band conditions it is refused, nothing written.
    with assert_nothing_written():
        refused = _compute(finance, contract, "2026-12")
    assert refused.status_code == 400 and "band_conditions" in refused.json()["fields"]

    # Each month computed by the finance officer, then approved by the approver (never by finance).
    bodies: dict[str, dict[str, Any]] = {}
    for period in MONTHS_2026:
        options = {"band_conditions": ALL_HOLD} if period == "2026-12" else {}
        computed = _compute(finance, contract, period, **options)
        assert computed.status_code == 201, computed.content
        assert (computed.json()["status"], computed.json()["computed_by"]) == (
            "draft",
            year_flow["finance"].username,
        )
        statement_path = f"{API}/settlements/{computed.json()['id']}"
        if period == "2026-01":
            with assert_nothing_written():
                own = finance.post(f"{statement_path}/approve")
            assert own.status_code == 403 and own.json()["code"] == "settlement.forbidden"
        approved = approver.post(f"{statement_path}/approve")
        assert approved.status_code == 200, approved.content
        assert (approved.json()["status"], approved.json()["approved_by"]) == (
            "approved",
            year_flow["approver"].username,
        )
        bodies[period] = approved.json()

    assert _figures(bodies["2026-01"]) == ("2026-01", "20000000", "5000000", "15000000", "0", "5000000")
    assert _lines(bodies["2026-01"], "share") == [
        ("tiered_share.band", "1", "provider", "3000000"),
        ("tiered_share.band", "2", "provider", "2000000"),
    ]
    assert _figures(bodies["2026-03"]) == ("2026-03", "20000000", "4975000", "15025000", "0", "4975000")
    assert _lines(bodies["2026-03"], "share")[2] == ("service_credits.credit", "AVAIL", "state", "25000")
    december = bodies["2026-12"]
    assert _figures(december) == ("2026-12", "20000000", "-2500000", "22500000", "0", "-2500000")
    assert _lines(december, "share") == [
        ("tiered_share.band", "1", "provider", "3000000"),
        ("tiered_share.band", "2", "provider", "2000000"),
        ("revenue_band.upside", "2026", "state", "7500000"),
    ]
    band = december["band"]
    assert (band["actual_revenue"], band["plan_revenue"], band["side"], band["amount"], band["applied"]) == (
        "240000000",
        "180000000",
        "above",
        "7500000",
        True,
    )
    assert band["failed_conditions"] == [] and all(condition["held"] for condition in band["conditions"])
    for period in MONTHS_2026:
        if period not in ("2026-03", "2026-12"):
            assert _figures(bodies[period])[1:] == ("20000000", "5000000", "15000000", "0", "5000000")

    # The ledger: twelve approved months and their running balance; the vendor reads it too.
    balances = [5_000_000 * month for month in range(1, 3)] + [
        5_000_000 * month - 25_000 for month in range(3, 12)
    ]
    expected = [
        (period, "approved", str(balance))
        for period, balance in zip(MONTHS_2026, [*balances, 52_475_000], strict=True)
    ]
    assert _ledger(finance, contract) == expected
    assert _ledger(clients["preparer"], contract) == expected
    assert clients["other_preparer"].get(f"{API}/contracts/{contract.pk}/settlements").status_code == 404
    assert client_for(None).get(f"{API}/contracts/{contract.pk}/settlements").status_code == 401
    assert clients["other_preparer"].get(f"{API}/settlements/{december['id']}").status_code == 404

    # The correction of June, with `replace`; June itself is locked and stays as it was.
    corrected = _upload(finance, contract, correction_csv(), "june-fix.csv", replace="true")
    assert corrected.status_code == 201, corrected.content
    assert corrected.json()["summary"] == {"created": 0, "replaced": 1}
    june = SettlementStatement.objects.get(contract=contract, period=dt.date(2026, 6, 1))
    june_before = finance.get(f"{API}/settlements/{june.pk}").json()
    with assert_nothing_written(june):
        locked = _compute(finance, contract, "2026-06")
    assert locked.status_code == 409 and locked.json()["code"] == "settlement.locked"
    assert finance.get(f"{API}/settlements/{june.pk}").json() == june_before
    assert _figures(june_before)[1:] == ("20000000", "5000000", "15000000", "0", "5000000")

    # January 2027 carries the difference for June and for the 2026 band it changed.
    assert _upload(finance, contract, january_2027_csv(), "actuals-2027-01.csv").status_code == 201
    january = _compute(finance, contract, "2027-01")
    assert january.status_code == 201, january.content
    body = january.json()
    assert _figures(body) == ("2027-01", "20000000", "5000000", "15000000", "-600000", "4400000")
    assert _lines(body, "adjustment") == [
        ("adjustment.tiered_share.band", "2026-06/2", "provider", "400000"),
        ("adjustment.revenue_band.upside", "2026-12/2026", "state", "1000000"),
    ]
    # What was locked and what it is now, signed from the provider's side (to the state is negative).
    adjustments = [line for line in body["lines"] if line["section"] == "adjustment"]
    assert [
        (line["inputs"]["locked_to_provider"], line["inputs"]["recomputed_to_provider"])
        for line in adjustments
    ] == [
        ("2000000", "2400000"),
        ("-7500000", "-8500000"),
    ]
    assert approver.post(f"{API}/settlements/{body['id']}/approve").status_code == 200
    assert _ledger(clients["preparer"], contract)[-1] == ("2027-01", "approved", "56875000")

    # Once January 2027 is approved, the correction is never carried again.
    february = _compute(finance, contract, "2027-02")
    assert february.status_code == 201, february.content
    assert _lines(february.json(), "adjustment") == [] and february.json()["adjustments"] == "0"
    assert _ledger(finance, contract)[-1] == ("2027-02", "draft", None)

    # The forecast: four scenarios and the state's contingent liability.
    path = f"{API}/contracts/{contract.pk}/forecast?simulations={SIMULATIONS}"
    forecast = finance.get(path)
    assert forecast.status_code == 200, forecast.content
    result = forecast.json()
    assert [scenario["name"] for scenario in result["scenarios"]] == [
        "base",
        "demand_down",
        "demand_up",
        "tariff_down",
    ]
    base_scenario = result["scenarios"][0]
    assert [
        (year["year"], year["net_revenue"], year["entitlement"], year["provider_share"], year["state_share"])
        for year in base_scenario["years"]
    ] == [
        (2026, "180000000", "48000000", "48000000", "132000000"),
        (2027, "180000000", "48000000", "48000000", "132000000"),
    ]
    assert base_scenario["provider_npv"] == "5596708"
    expected_liability = contract_forecast(contract=contract, simulations=SIMULATIONS).liability
    liability = result["liability"]
    assert liability["downside_allowed"] is True and liability["simulations"] == SIMULATIONS
    assert (liability["p50"], liability["p90"]) == (str(expected_liability.p50), str(expected_liability.p90))
    assert D(liability["p90"]) > D(liability["p50"]) == 0  # a tail risk, not an expected payment
    assert clients["preparer"].get(path).status_code == 200
    assert clients["other_preparer"].get(path).status_code == 404
