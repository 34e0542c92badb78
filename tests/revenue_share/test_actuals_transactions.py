"""Raw transaction logs: 10,000 generated transactions aggregate to the hand-computed monthly counts
and amounts (read in chunks smaller than the file, with local and UTC timestamps mixed); a large log
runs as a background job that reports the rows read and ends succeeded; a refused background import
keeps its report on the upload and writes no actuals.

The log: transaction i (0 to 9,999) is HT-KS (8,800 paid: the 8,000 tariff + 10 % VAT) when i is
even, DN-DKDN (25,000, no VAT) when odd; refunded when i % 5 == 3, failed when i % 5 == 4, valid
otherwise. Rows 0-4,999 are January, written in local time from 2026-01-01T00:00 a minute apart; rows
5,000-9,999 are February, written in UTC from 2026-01-31T17:00:00Z (= 1 February 00:00 in Hanoi):
read without the offset they would fall in January.

In every block of ten, each service has 3 valid, 1 refunded and 1 failed transaction, so per month
and service (500 blocks): 1,500 valid, 500 refunded, 500 failed.
A refunded transaction is not revenue: it counts in neither the gross collections nor the refunds.
- HT-KS: gross = 1,500 x 8,800 = 13,200,000; refunds 0; VAT = 13,200,000 x 0.1 / 1.1 = 1,200,000.
- DN-DKDN: gross = 1,500 x 25,000 = 37,500,000; refunds 0; VAT = 0.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from ppp import jobs
from ppp.models import AuditEntry, Job
from revenue_share.imports import ImportRejected, transactions
from revenue_share.models import ActualsUpload, PeriodActual, Tariff
from revenue_share.services import actuals as actuals_service
from tests.revenue_share import test_actuals_services as base
from tests.revenue_share.test_actuals_services import figures, upload
from tests.roles import assert_nothing_written, client_for

pytestmark = pytest.mark.django_db
world, _media = base.world, base._media  # the fixtures

D = Decimal
HEADER = "transaction_id,timestamp,service_code,amount,status"
EXPECTED = [
    ("2026-01", "DN-DKDN", 1500, D(37_500_000), D(0), D(0), D(0)),
    ("2026-01", "HT-KS", 1500, D(13_200_000), D(0), D(0), D(1_200_000)),
    ("2026-02", "DN-DKDN", 1500, D(37_500_000), D(0), D(0), D(0)),
    ("2026-02", "HT-KS", 1500, D(13_200_000), D(0), D(0), D(1_200_000)),
]


def log_lines(count: int = 10_000) -> list[str]:
    lines = [HEADER]
    for i in range(count):
        service, amount = ("HT-KS", 8800) if i % 2 == 0 else ("DN-DKDN", 25000)
        status = {3: "refunded", 4: "failed"}.get(i % 5, "valid")
        if i < count // 2:
            stamp = (dt.datetime(2026, 1, 1) + dt.timedelta(minutes=i)).isoformat()
        else:
            stamp = (dt.datetime(2026, 1, 31, 17) + dt.timedelta(minutes=i - count // 2)).isoformat() + "Z"
        lines.append(f"TX{i:06d},{stamp},{service},{amount},{status}")
    return lines


def log_file(lines: list[str], name: str = "log.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, ("\n".join(lines) + "\n").encode(), content_type="text/csv")


@pytest.fixture(autouse=True)
def _vat_on_birth_registration(db) -> None:
    Tariff.objects.filter(service__code="HT-KS").update(vat_rate=D("0.10"))


@pytest.fixture
def small_chunks(monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(transactions, "CHUNK_ROWS", 3000)


def test_ten_thousand_transactions_add_up_to_the_hand_computed_months(world, small_chunks):
    saved, created = upload(world, log_file(log_lines()), kind="transactions")
    assert created and saved.status == "imported" and saved.job is None
    assert figures(world["contract"]) == EXPECTED
    assert saved.rows == 10_000
    assert saved.summary == {
        "created": 4,
        "replaced": 0,
        "transactions": 10_000,
        "refunded": 2000,
        "failed": 2000,
    }
    assert PeriodActual.objects.filter(currency="VND").count() == 4


def test_every_bad_transaction_is_named_by_row_and_column_and_nothing_is_written(world, small_chunks):
    """Row numbers count the header as row 1; duplicates are found across chunks."""
    lines = log_lines(6000)
    lines[11] = "TX000009,2026-01-01T00:11:00,DN-DKDN,25000,valid"  # row 12 repeats row 11's id
    lines[4500] = "TX004499,2025-12-31T23:00:00,HT-KS,8800,valid"  # before the term
    lines[5000] = "TX000009,2026-13-01T00:00:00,HT-XX,-1,lost"  # repeats TX000009 in the second chunk
    lines[5001] = ",,,8800.5,"  # blank id, timestamp, service, status; a decimal in VND
    lines[5002] = "TX005001,2026-01-05T10:00:00+07:00,HT-KS,NaN,valid"
    lines[5003] = "TX005002,2026-01-05T10:00:00,HT-KS,12345678901,valid"
    with (
        translation.override("en"),
        pytest.raises(ImportRejected) as refused,
        assert_nothing_written(),
    ):
        upload(world, log_file(lines), kind="transactions")
    assert refused.value.fields == {
        "rows[12].transaction_id": "transaction 'TX000009' repeats row 11",
        "rows[4501].timestamp": "2025-12 is outside the contract's term (2026-01 to 2026-12)",
        "rows[5001].transaction_id": "transaction 'TX000009' repeats row 11",
        "rows[5001].timestamp": "'2026-13-01T00:00:00' is not a date and time written in ISO 8601 "
        "(2026-03-05T14:30:00+07:00)",
        "rows[5001].service_code": "unknown service 'HT-XX'",
        "rows[5001].amount": "must not be negative",
        "rows[5001].status": "'lost' is not a status: valid, refunded or failed",
        "rows[5002].transaction_id": "This field is required.",
        "rows[5002].timestamp": "This field is required.",
        "rows[5002].service_code": "This field is required.",
        "rows[5002].amount": "at most 0 decimal places",
        "rows[5002].status": "This field is required.",
        "rows[5003].amount": "must be a finite number",
        "rows[5004].amount": "must be written with 1 to 10 digits before the decimal point",
    }
    assert refused.value.total == 14


def test_a_log_is_csv_with_the_five_columns(world):
    with translation.override("en"):
        with pytest.raises(ImportRejected) as refused, assert_nothing_written():
            upload(world, log_file(["transaction_id,when,service_code,amount"]), kind="transactions")
        assert refused.value.fields == {
            "columns.timestamp": "missing column",
            "columns.status": "missing column",
        }
        with pytest.raises(ImportRejected) as refused:
            upload(world, SimpleUploadedFile("log.xlsx", b"PK\x03\x04rest"), kind="transactions")
        assert refused.value.fields == {"file": "a transaction log must be a CSV file (.csv)"}
        with pytest.raises(ImportRejected) as refused:
            upload(
                world,
                log_file(
                    [HEADER, "TX1,2026-01-01,HT-KS,8800,valid,extra", "TX2,2026-01-01,HT-KS,8800,valid"]
                ),
                kind="transactions",
            )
        assert refused.value.fields == {"file": "line 2 has 6 fields where the header has 5"}
        with pytest.raises(ImportRejected) as refused:
            upload(world, log_file([HEADER]), kind="transactions")
        assert refused.value.fields == {"file": "the file has no data rows"}


def test_a_month_without_a_tariff_cannot_have_its_vat_separated(world):
    Tariff.objects.filter(service__code="DN-DKDN").update(valid_from=dt.date(2026, 2, 1))
    with translation.override("en"), pytest.raises(ImportRejected) as refused:
        upload(world, log_file(log_lines(100)), kind="transactions")
    assert refused.value.fields == {
        "periods[2026-01].DN-DKDN": "no tariff of DN-DKDN is in force in 2026-01, so its VAT cannot be "
        "separated"
    }


def test_a_large_log_runs_in_the_background_reports_rows_read_and_ends_succeeded(
    world, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(actuals_service, "BACKGROUND_BYTES", 1000)
    monkeypatch.setattr(transactions, "CHUNK_ROWS", 2000)
    reported: list[tuple[int, int | None]] = []
    real_progress = jobs.job_progress

    def spy(job: Job, *, done: int, total: int | None = None, message: str = "") -> None:
        reported.append((done, total))
        real_progress(job, done=done, total=total, message=message)

    monkeypatch.setattr(jobs, "job_progress", spy)
    client = client_for(world["finance"])
    url = f"/api/v1/revenue-share/contracts/{world['contract'].pk}/actuals"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"file": log_file(log_lines()), "kind": "transactions"})
    assert response.status_code == 202, response.content
    body = response.json()
    assert body["status"] == "pending" and body["job"]["status"] == "queued"
    assert [done for done, _total in reported] == [2000, 4000, 6000, 8000, 10_000]
    assert reported[-1][1] == 10_000 and all(total and total >= done for done, total in reported)
    job = Job.objects.get(pk=body["job"]["id"])
    assert (job.kind, job.status, job.done, job.total) == (
        "revenue_share.import",
        "succeeded",
        10_000,
        10_000,
    )
    assert job.organisation == world["agency"]
    saved = ActualsUpload.objects.get()
    assert (saved.status, saved.rows, saved.error_count) == ("imported", 10_000, 0)
    assert job.result == {
        "upload": saved.pk,
        "rows": 10_000,
        "created": 4,
        "replaced": 0,
        "transactions": 10_000,
        "refunded": 2000,
        "failed": 2000,
    }
    assert figures(world["contract"]) == EXPECTED
    detail = client.get(f"/api/v1/revenue-share/uploads/{saved.pk}").json()
    assert (detail["status"], detail["job"]["status"], detail["job"]["percent"]) == (
        "imported",
        "succeeded",
        100,
    )
    page = client.get(reverse("revenue_share:actuals", args=[world["contract"].pk])).content.decode()
    assert reverse("job_detail", args=[job.pk]) in page
    entries = AuditEntry.objects.filter(object_type="revenue_share.actualsupload", object_id=str(saved.pk))
    actions = list(entries.order_by("sequence").values_list("action", flat=True))
    assert actions == ["actuals.upload_queued", "actuals.imported"]


def test_a_refused_background_import_keeps_its_report_and_writes_no_actuals(
    world, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(actuals_service, "BACKGROUND_BYTES", 1000)
    lines = log_lines(2000)
    lines[7] = "TX000006,2026-01-01,NOPE,8800,valid"
    client = client_for(world["preparer"])
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/api/v1/revenue-share/contracts/{world['contract'].pk}/actuals",
            {"file": log_file(lines), "kind": "transactions", "idempotency_key": "run-7"},
            HTTP_ACCEPT_LANGUAGE="en",
        )
    assert response.status_code == 202
    saved = ActualsUpload.objects.get()
    assert (saved.status, saved.error_count, saved.idempotency_key) == ("rejected", 1, "run-7")
    assert saved.errors == [{"row": 8, "column": "service_code", "message": "unknown service 'NOPE'"}]
    assert saved.job.status == "failed" and saved.job.error["fields"] == {
        "rows[8].service_code": "unknown service 'NOPE'"
    }
    assert saved.job.organisation == world["vendor"]
    assert not PeriodActual.objects.exists()
    # The key names this request: sending it again returns the refused upload, not a second import.
    again = client.post(
        f"/api/v1/revenue-share/contracts/{world['contract'].pk}/actuals",
        {"file": log_file(lines), "kind": "transactions", "idempotency_key": "run-7"},
    )
    assert (
        again.status_code == 200 and again.json()["id"] == saved.pk and again.json()["errors"] == saved.errors
    )
    # Without the key the same file is tried again: a refused upload never blocks a corrected retry.
    lines[7] = "TX000006,2026-01-01,HT-KS,8800,valid"
    with django_capture_on_commit_callbacks(execute=True):
        fixed = client.post(
            f"/api/v1/revenue-share/contracts/{world['contract'].pk}/actuals",
            {"file": log_file(lines), "kind": "transactions"},
        )
    assert fixed.status_code == 202 and ActualsUpload.objects.get(pk=fixed.json()["id"]).status == "imported"


def test_a_second_log_for_months_already_imported_is_refused_unless_it_replaces_them(world):
    """A log of 100 transactions (50 in January, 50 in February) after the full one: refused per month
    and service; with replace it overwrites the four. Per month, HT-KS 15 valid (and 5 refunded, which
    count for nothing): 15 x 8,800 = 132,000 gross, VAT 132,000 / 11 = 12,000; DN-DKDN 15 x 25,000 =
    375,000 gross."""
    upload(world, log_file(log_lines()), kind="transactions")
    with translation.override("en"), pytest.raises(ImportRejected) as refused, assert_nothing_written():
        upload(world, log_file(log_lines(100)), kind="transactions")
    taken = "is already imported; upload again with “replace” to replace it"
    assert refused.value.fields == {
        f"periods[{month}].{code}": f"{month} {code} {taken}"
        for month in ("2026-01", "2026-02")
        for code in ("DN-DKDN", "HT-KS")
    }
    saved, _ = upload(world, log_file(log_lines(100)), kind="transactions", replace=True)
    assert (saved.summary["created"], saved.summary["replaced"]) == (0, 4)
    small = [
        ("DN-DKDN", 15, D(375_000), D(0), D(0), D(0)),
        ("HT-KS", 15, D(132_000), D(0), D(0), D(12_000)),
    ]
    assert figures(world["contract"]) == [(month, *row) for month in ("2026-01", "2026-02") for row in small]


def test_a_months_settlement_from_a_log_counts_each_refunded_transaction_once(world):
    """January of the log, settled with a 10 % share of net revenue: HT-KS 1,500 x 8,000 = 12,000,000
    (13,200,000 collected less 1,200,000 VAT) and DN-DKDN 1,500 x 25,000 = 37,500,000; the 500
    refunded transactions of each are not revenue and are not taken out again: net revenue
    49,500,000, the provider's share 4,950,000."""
    from contracts.models import PaymentMechanism
    from revenue_share.services.settlements import settlement_compute

    upload(world, log_file(log_lines()), kind="transactions")
    PaymentMechanism.objects.create(
        contract=world["contract"], position=0, kind="tiered_share",
        parameters={"basis": "revenue", "tiers": [{"from": "0", "to": None, "share": "0.1"}]},
    )  # fmt: skip
    statement = settlement_compute(actor=world["finance"], contract=world["contract"], period="2026-01")
    assert (statement.net_revenue, statement.provider_share) == (D(49_500_000), D(4_950_000))
