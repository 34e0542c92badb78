"""Demo settlements for `manage.py seed_demo`, on the BOT contract in force (contracts.demo
PPP_IN_FORCE_TENDER), made through the services by the people whose work it is:

- the provider (vendor A's `vendor_a`) uploads the actuals of January to November 2026 (five catalogue
  services, volumes growing about 1.5 % a month) and the monthly availability measured (AV, target
  99.5 %: July's 99.1 % earns the state a service credit);
- the finance officer computes each month's statement; the approver approves and locks January to
  October; November is computed and waits for the approver; the state's transfers for January to
  September are recorded (October is outstanding);
- after March was locked the provider found 400 refunds of business registrations it had not
  reported and uploads March again (replacing it): November's statement carries the correction of
  March as adjustment lines.

Idempotent: a contract that already has actuals is left as it is; without the contract (a test that
seeds the people only) nothing is created.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from contracts.demo import PPP_IN_FORCE_TENDER
from contracts.models import Contract
from ppp.models import Organisation, User
from revenue_share.models import PeriodActual, SettlementStatement, Tariff
from revenue_share.services.actuals import actuals_upload
from revenue_share.services.payments import payment_record
from revenue_share.services.settlements import settlement_approve, settlement_compute

VOLUMES_HEADER = "period,service_code,valid_volume,gross_collections,refunds,gateway_fees,vat,currency"
# January's valid transactions per service; each later month grows by GROWTH.
JANUARY = {"THUE-NT": 58_000, "DN-DKDN": 2_900, "GPLX-CD": 3_800, "HT-KS": 4_900, "DV-DIEN": 29_000}
GROWTH = Decimal("1.015")
GATEWAY_FEE_SHARE = Decimal("0.008")  # the payment gateway's fee on collections
MONTHS = [dt.date(2026, month, 1) for month in range(1, 12)]
LOCKED_THROUGH = dt.date(2026, 10, 1)
AVAILABILITY = {7: "99.1"}  # July's incident; other months 99.7 to 99.9 %
CORRECTED_MONTH = dt.date(2026, 3, 1)
CORRECTION_REFUNDS = {"DN-DKDN": 400}  # unreported refunds found after March was locked


def _whole(value: Decimal) -> Decimal:
    return value.quantize(Decimal(1), rounding=ROUND_HALF_UP)


def _rows(month: dt.date, tariffs: dict[str, Decimal], refunds: dict[str, int] | None = None) -> list[str]:
    rows = []
    for code, january in JANUARY.items():
        volume = int(_whole(january * GROWTH ** (month.month - 1)))
        gross = volume * tariffs[code]
        refunded = (refunds or {}).get(code, 0) * tariffs[code]
        fees = _whole(gross * GATEWAY_FEE_SHARE)
        rows.append(f"{month:%Y-%m},{code},{volume},{gross},{refunded},{fees},0,VND")
    return rows


def _csv(name: str, *lines: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, ("\n".join(lines) + "\n").encode(), content_type="text/csv")


@transaction.atomic
def seed(*, agency: Organisation) -> bool:
    """Upload, settle and approve the demo months; True when something was created."""
    contract = Contract.objects.filter(agency=agency, tender__title=PPP_IN_FORCE_TENDER).first()
    if contract is None or PeriodActual.objects.filter(contract=contract).exists():
        return False
    provider = User.objects.get(username="vendor_a")
    finance = User.objects.get(username="finance")
    approver = User.objects.get(username="approver")
    tariffs = {
        tariff.service.code: tariff.amount
        for tariff in Tariff.objects.filter(service__code__in=JANUARY).select_related("service")
    }
    lines = [row for month in MONTHS for row in _rows(month, tariffs)]
    actuals_upload(
        actor=provider, contract=contract, kind="volumes",
        file=_csv("thu-phi-2026-01-11.csv", VOLUMES_HEADER, *lines),
        idempotency_key="demo-actuals-2026-01-11",
    )  # fmt: skip
    kpis = [f"{m:%Y-%m},AV,{AVAILABILITY.get(m.month, f'99.{7 + m.month % 3}')}" for m in MONTHS]
    actuals_upload(
        actor=provider,
        contract=contract,
        kind="kpis",
        file=_csv("kpi-2026.csv", "period,kpi_code,value", *kpis),
    )
    today = timezone.localdate()
    for month in MONTHS:
        statement = settlement_compute(actor=finance, contract=contract, period=month)
        if month <= LOCKED_THROUGH:
            settlement_approve(actor=approver, statement=statement)
        if month < LOCKED_THROUGH:
            payment_record(
                actor=finance, statement=statement, amount=statement.net_payable_by_state, paid_on=today,
                reference=f"UNC-KBNN-{month:%Y%m}",
            )  # fmt: skip
    # The correction of March, found after it was locked, goes into November's statement.
    actuals_upload(
        actor=provider, contract=contract, kind="volumes", replace=True,
        file=_csv("thu-phi-2026-03-dieu-chinh.csv", VOLUMES_HEADER,
                  *_rows(CORRECTED_MONTH, tariffs, CORRECTION_REFUNDS)),
    )  # fmt: skip
    november = SettlementStatement.objects.get(contract=contract, period=MONTHS[-1])
    settlement_compute(actor=finance, contract=contract, period=november.period)
    return True
