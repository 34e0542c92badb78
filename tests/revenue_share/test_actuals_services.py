"""Importing a contract's actuals through the service: exact figures from small hand-made files (CSV
and XLSX), KPI measurements, never twice for the same file or idempotency key, a month already
imported refused unless replaced (the audit entry keeps the figures before and after).

The contract (built straight in the tables: the tendering that precedes it is tested elsewhere) runs
from 15 January 2026 to 31 December 2026 in VND, with KPIs AVAIL (target 99.5 %) and RESP (4 h).
Other test_actuals modules import `world`, `upload` and `csv_file` from here.
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation
from openpyxl import Workbook

from contracts.models import Award, Bid, Contract, ContractStatus, ServiceLevel, Tender
from costing import services as costing_services
from ppp.errors import Conflict, PermissionDenied
from ppp.models import AuditEntry, OrganisationKind, Role
from revenue_share import services
from revenue_share.imports import ImportRejected
from revenue_share.models import ActualsUpload, KpiMeasurement, PeriodActual, UploadStatus
from tests.factories import OrganisationFactory, member
from tests.roles import assert_nothing_written

pytestmark = pytest.mark.django_db

D = Decimal
VOLUMES_HEADER = "period,service_code,valid_volume,gross_collections,refunds,gateway_fees,vat,currency"


def build_contract(agency: Any, vendor: Any, finance: Any, **changes: Any) -> Contract:
    """An active contract of `vendor` with `agency`, straight in the tables."""
    model = costing_services.cost_model_create(
        actor=finance,
        organisation=agency,
        name="Cổng dịch vụ công",
        base_year=2026,
        horizon=3,
        discount_rate="0.05",
        vat_rate="0.10",
    )
    now = timezone.now()
    tender = Tender.objects.create(
        organisation=agency,
        cost_model=model,
        option=model.options.get(kind="service_hire"),
        reference=f"GT-{model.pk}",
        title="Thuê dịch vụ cổng dịch vụ công",
        currency="VND",
        procurement_category="non_consulting",
        scope="domestic",
        method="lowest_price",
        package_price=D(1_000_000_000),
        estimate=D(1_000_000_000),
        estimate_hash="0" * 64,
        discount_rate=D("0.05"),
        vat_rate=D("0.10"),
        bid_security_rate=D("0.01"),
        bid_validity_days=90,
        publication_at=now - dt.timedelta(days=60),
        clarification_deadline=now - dt.timedelta(days=40),
        closing_at=now - dt.timedelta(days=30),
        opening_at=now - dt.timedelta(days=30),
        status="awarded",
        created_by=finance,
    )
    bid = Bid.objects.create(tender=tender, vendor=vendor, created_by=finance)
    award = Award.objects.create(
        tender=tender,
        bid=bid,
        status="approved",
        contract_price=D(900_000_000),
        reasons="Giá thấp nhất",
        proposed_by=finance,
    )
    values = {
        "currency": "VND",
        "value": D(900_000_000),
        "price_schedule": {},
        "status": ContractStatus.ACTIVE,
        "start_date": dt.date(2026, 1, 15),
        "end_date": dt.date(2026, 12, 31),
        **changes,
    }
    contract = Contract.objects.create(award=award, tender=tender, agency=agency, vendor=vendor, **values)
    ServiceLevel.objects.create(
        contract=contract,
        code="AVAIL",
        name="Sẵn sàng",
        target=D("99.5"),
        unit="%",
        period="monthly",
        rule={"kind": "service_credit"},
    )
    ServiceLevel.objects.create(
        contract=contract,
        code="RESP",
        name="Thời gian phản hồi",
        target=D(4),
        unit="h",
        position=1,
        period="monthly",
        rule={"kind": "deduction"},
    )
    return contract


@pytest.fixture
def world(db) -> dict[str, Any]:
    reviewing_body = OrganisationFactory(kind=OrganisationKind.REVIEWING_BODY)
    agency = OrganisationFactory(kind=OrganisationKind.AGENCY, reviewing_body=reviewing_body)
    vendor = OrganisationFactory(kind=OrganisationKind.VENDOR)
    other_vendor = OrganisationFactory(kind=OrganisationKind.VENDOR)
    people = {
        "agency": agency,
        "vendor": vendor,
        "finance": member(Role.FINANCE_OFFICER, agency),
        "evaluator": member(Role.EVALUATOR, agency),
        "approver": member(Role.APPROVER, reviewing_body),
        "preparer": member(Role.BID_PREPARER, vendor),
        "signatory": member(Role.SIGNATORY, vendor),
        "other_preparer": member(Role.BID_PREPARER, other_vendor),
        "outsider": member(Role.FINANCE_OFFICER),  # another agency's finance officer
    }
    people["contract"] = build_contract(agency, vendor, people["finance"])
    return people


@pytest.fixture(autouse=True)
def _media(settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path


def csv_file(*lines: str, name: str = "actuals.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, ("\n".join(lines) + "\n").encode(), content_type="text/csv")


def upload(world: dict[str, Any], file: Any, kind: str = "volumes", actor: str = "finance", **options: Any):  # type: ignore[no-untyped-def]
    return services.actuals_upload(
        actor=world[actor], contract=world["contract"], file=file, kind=kind, **options
    )


def figures(contract: Contract) -> list[tuple[str, str, int, Decimal, Decimal, Decimal, Decimal]]:
    return [
        (
            f"{a.period:%Y-%m}",
            a.service.code,
            a.valid_volume,
            a.gross_collections,
            a.refunds,
            a.gateway_fees,
            a.vat,
        )
        for a in PeriodActual.objects.filter(contract=contract).select_related("service")
    ]


MARCH_AND_APRIL = (
    VOLUMES_HEADER,
    "2026-03,HT-KS,1200,10560000,88000,105600,950400,VND",
    "2026-03,DN-DKDN,40,1000000,0,10000,0,VND",
    "2026-04,HT-KS,1300,11440000,0,114400,1040000,VND",
)


def test_a_volumes_file_imports_exactly_the_figures_it_states(world):
    """Every figure is kept as the file states it (the settlement, not the import, recomputes).
    March: HT-KS 1,200 valid, 1,200 x 8,800 (8,000 + 10 % VAT) = 10,560,000 collected, 88,000
    refunded, 105,600 gateway fees, VAT 950,400; DN-DKDN 40 x 25,000 = 1,000,000 collected, 10,000
    fees. April: HT-KS 1,300 x 8,800 = 11,440,000, fees 114,400, VAT 1,040,000.
    Totals: volume 1,200 + 40 + 1,300 = 2,540; collections 10,560,000 + 1,000,000 + 11,440,000 =
    23,000,000."""
    saved, created = upload(world, csv_file(*MARCH_AND_APRIL))
    assert created and (saved.status, saved.rows, saved.summary) == (
        "imported",
        3,
        {"created": 3, "replaced": 0},
    )
    assert figures(world["contract"]) == [
        ("2026-03", "DN-DKDN", 40, D(1_000_000), D(0), D(10_000), D(0)),
        ("2026-03", "HT-KS", 1200, D(10_560_000), D(88_000), D(105_600), D(950_400)),
        ("2026-04", "HT-KS", 1300, D(11_440_000), D(0), D(114_400), D(1_040_000)),
    ]
    assert sum(row[2] for row in figures(world["contract"])) == 2540
    assert sum(row[3] for row in figures(world["contract"])) == D(23_000_000)
    assert len(saved.sha256) == 64 and saved.file.name.endswith(".csv") and saved.file_name == "actuals.csv"
    entry = AuditEntry.objects.get(action="actuals.imported")
    assert entry.object_id == str(saved.pk) and entry.after["created"] == 3 and entry.before is None
    assert entry.after["rows"][1] == {
        "period": "2026-03",
        "service": "DN-DKDN",
        "valid_volume": 40,
        "gross_collections": "1000000",
        "refunds": "0",
        "gateway_fees": "10000",
        "vat": "0",
    }


def test_a_workbook_with_date_cells_and_float_cells_imports_the_same_figures(world):
    """The same March row typed in Excel: the month as a date cell, the amounts as numbers, columns in
    another order and capitalised, an extra column ignored, a blank row skipped."""
    book = Workbook()
    sheet = book.active
    sheet.append(
        [
            "Service_Code",
            "Period",
            "valid_volume",
            "gross_collections",
            "refunds",
            "gateway_fees",
            "vat",
            "currency",
            "note",
        ]
    )
    sheet.append(["HT-KS", dt.datetime(2026, 3, 1), 1200, 10560000.0, 88000, 105600, 950400, "VND", "x"])
    sheet.append([None] * 9)
    sheet.append(["DN-DKDN", "2026-03", "40", 1000000, 0, 10000, 0, "vnd"])
    data = io.BytesIO()
    book.save(data)
    saved, _ = upload(world, SimpleUploadedFile("march.xlsx", data.getvalue()))
    assert saved.rows == 2 and saved.file.name.endswith(".xlsx")
    assert figures(world["contract"]) == [
        ("2026-03", "DN-DKDN", 40, D(1_000_000), D(0), D(10_000), D(0)),
        ("2026-03", "HT-KS", 1200, D(10_560_000), D(88_000), D(105_600), D(950_400)),
    ]


def test_usd_amounts_keep_their_cents_and_refuse_a_third_decimal(world):
    """A USD contract: 12.50 + 0.05 are cents; 1.005 has a third decimal (a file error, nothing saved)."""
    contract = world["contract"]
    Contract.objects.filter(pk=contract.pk).update(currency="USD")
    contract.refresh_from_db()
    header = VOLUMES_HEADER
    upload(world, csv_file(header, "2026-05,HT-KS,3,12.50,0.05,0,1.1,USD"))
    assert figures(contract) == [("2026-05", "HT-KS", 3, D("12.50"), D("0.05"), D(0), D("1.10"))]
    with translation.override("en"), pytest.raises(ImportRejected) as refused, assert_nothing_written():
        upload(world, csv_file(header, "2026-06,HT-KS,3,1.005,0,0,0,USD"))
    assert refused.value.fields == {"rows[2].gross_collections": "at most 2 decimal places"}


def test_kpi_measurements_import_per_month_and_code(world):
    """AVAIL 99.72 % and RESP 3.5 h in March; AVAIL 98.1 % in April."""
    file = csv_file("period,kpi_code,value", "2026-03,AVAIL,99.72", "2026-03,RESP,3.5", "2026-04,AVAIL,98.1")
    saved, _ = upload(world, file, kind="kpis")
    assert saved.rows == 3
    assert list(KpiMeasurement.objects.values_list("period", "code", "value")) == [
        (dt.date(2026, 3, 1), "AVAIL", D("99.72")),
        (dt.date(2026, 3, 1), "RESP", D("3.5")),
        (dt.date(2026, 4, 1), "AVAIL", D("98.1")),
    ]
    with translation.override("en"), pytest.raises(ImportRejected) as refused:
        upload(
            world, csv_file("period,kpi_code,value", "2026-05,UPTIME,99", "2026-03,AVAIL,99.9"), kind="kpis"
        )
    assert refused.value.fields == {
        "rows[2].kpi_code": "'UPTIME' is not a KPI of this contract",
        "rows[3].period": "2026-03 AVAIL is already imported; upload again with “replace” to replace it",
    }


def test_the_same_file_twice_imports_once_and_returns_the_first_upload(world):
    first, created = upload(world, csv_file(*MARCH_AND_APRIL))
    again, created_again = upload(world, csv_file(*MARCH_AND_APRIL, name="renamed.csv"), replace=True)
    assert (created, created_again, again.pk) == (True, False, first.pk)
    assert ActualsUpload.objects.count() == 1 and PeriodActual.objects.count() == 3
    assert AuditEntry.objects.filter(action="actuals.imported").count() == 1


def test_the_same_idempotency_key_twice_imports_once_and_another_file_under_it_is_a_conflict(world):
    first, _ = upload(world, csv_file(*MARCH_AND_APRIL), idempotency_key="vnpt-2026-04")
    again, created = upload(world, csv_file(*MARCH_AND_APRIL), idempotency_key="vnpt-2026-04")
    assert (created, again.pk) == (False, first.pk)
    with pytest.raises(Conflict) as conflict, assert_nothing_written():
        upload(
            world,
            csv_file(VOLUMES_HEADER, "2026-05,HT-KS,1,8800,0,0,800,VND"),
            idempotency_key="vnpt-2026-04",
        )
    assert conflict.value.code == "actuals.idempotency_key_reused"
    assert PeriodActual.objects.count() == 3


def test_a_month_already_imported_is_refused_unless_replaced_and_the_audit_keeps_the_old_figures(world):
    """April's HT-KS is sent again with 1,350 valid (11,880,000 collected, VAT 1,080,000); May is new."""
    first, _ = upload(world, csv_file(*MARCH_AND_APRIL))
    correction = (
        VOLUMES_HEADER,
        "2026-04,HT-KS,1350,11880000,0,118800,1080000,VND",
        "2026-05,HT-KS,10,88000,0,880,8000,VND",
    )
    with translation.override("en"), pytest.raises(ImportRejected) as refused, assert_nothing_written():
        upload(world, csv_file(*correction))
    assert refused.value.fields == {
        "rows[2].period": "2026-04 HT-KS is already imported; upload again with “replace” to replace it"
    }
    saved, _ = upload(world, csv_file(*correction), replace=True)
    assert saved.summary == {"created": 1, "replaced": 1}
    assert figures(world["contract"])[2:] == [
        ("2026-04", "HT-KS", 1350, D(11_880_000), D(0), D(118_800), D(1_080_000)),
        ("2026-05", "HT-KS", 10, D(88_000), D(0), D(880), D(8_000)),
    ]
    entry = AuditEntry.objects.get(action="actuals.imported", object_id=str(saved.pk))
    assert entry.before == [
        {
            "period": "2026-04",
            "service": "HT-KS",
            "upload": first.pk,
            "valid_volume": 1300,
            "gross_collections": "11440000.0000",
            "refunds": "0.0000",
            "gateway_fees": "114400.0000",
            "vat": "1040000.0000",
        }
    ]


def test_only_the_agency_finance_officers_and_the_vendors_people_upload(world):
    file = csv_file(VOLUMES_HEADER, "2026-05,HT-KS,10,88000,0,880,8000,VND")
    for who in ("evaluator", "approver", "other_preparer", "outsider"):
        with pytest.raises(PermissionDenied), assert_nothing_written():
            upload(world, file, actor=who)
    saved, _ = upload(world, file, actor="signatory")
    assert saved.uploaded_by == world["signatory"] and PeriodActual.objects.count() == 1


def test_a_contract_not_yet_operating_or_without_a_term_takes_no_actuals(world):
    contract = world["contract"]
    Contract.objects.filter(pk=contract.pk).update(status=ContractStatus.APPROVED)
    contract.refresh_from_db()
    with pytest.raises(Conflict) as conflict, assert_nothing_written():
        upload(world, csv_file(*MARCH_AND_APRIL))
    assert conflict.value.code == "actuals.contract_not_operating"
    Contract.objects.filter(pk=contract.pk).update(status=ContractStatus.ACTIVE, end_date=None)
    contract.refresh_from_db()
    with pytest.raises(Conflict) as conflict:
        upload(world, csv_file(*MARCH_AND_APRIL))
    assert conflict.value.code == "actuals.contract_without_term"
    assert UploadStatus.IMPORTED not in ActualsUpload.objects.values_list("status", flat=True)
