"""The actuals through the API and the page: every bad input is a 400 naming each problem by row and
column with nothing written; 201 / 200 on a repeat; who may upload and read (another vendor and
another agency get the contract's 404, anonymous a 401); constant queries on the lists."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook

from revenue_share.imports import ImportRejected, common
from revenue_share.models import ActualsUpload, PeriodActual
from tests.revenue_share import test_actuals_services as base
from tests.revenue_share.test_actuals_services import MARCH_AND_APRIL, VOLUMES_HEADER, csv_file, upload
from tests.roles import RoleMatrix, assert_nothing_written, client_for

pytestmark = pytest.mark.django_db
world, _media = base.world, base._media  # the fixtures

TRANSACTIONS_HEADER = "transaction_id,timestamp,service_code,amount,status"
GOOD = "2026-03,HT-KS,1200,10560000,88000,105600,950400,VND"
NOT_A_NUMBER = "is not a number (write digits with an optional decimal point: 1234567.5)"


def url(world: dict[str, Any], suffix: str = "") -> str:
    return f"/api/v1/revenue-share/contracts/{world['contract'].pk}/actuals{suffix}"


def post(client: Client, world: dict[str, Any], file: Any, kind: str = "volumes", **fields: Any) -> Any:
    return client.post(url(world), {"file": file, "kind": kind, **fields}, HTTP_ACCEPT_LANGUAGE="en")


def xlsx(*rows: list[Any]) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    data = io.BytesIO()
    book.save(data)
    return data.getvalue()


BAD_VOLUMES = [
    (
        "unknown service",
        ["2026-03,HT-XX,1,8800,0,0,800,VND"],
        {"rows[2].service_code": "unknown service 'HT-XX'"},
    ),
    (
        "negative",
        ["2026-03,HT-KS,-1,8800,-5,0,800,VND"],
        {"rows[2].valid_volume": "must not be negative", "rows[2].refunds": "must not be negative"},
    ),
    (
        "not a number",
        ["2026-03,HT-KS,abc,8.800,0,0,1.234.567,VND"],
        {
            "rows[2].valid_volume": f"'abc' {NOT_A_NUMBER}",
            "rows[2].gross_collections": "at most 0 decimal places",
            "rows[2].vat": f"'1.234.567' {NOT_A_NUMBER}",
        },
    ),
    (
        "NaN and blanks",
        ["2026-03,HT-KS,NaN,,0,inf,0,"],
        {
            "rows[2].valid_volume": "must be a finite number",
            "rows[2].gross_collections": "This field is required.",
            "rows[2].gateway_fees": "must be a finite number",
            "rows[2].currency": "This field is required.",
        },
    ),
    (
        "a fraction of a transaction",
        ["2026-03,HT-KS,1.5,8800,0,0,800,VND"],
        {"rows[2].valid_volume": "must be a whole number"},
    ),
    (
        "duplicated rows",
        [
            "2026-03,HT-KS,1,8800,0,0,800,VND",
            "2026-04,HT-KS,1,8800,0,0,800,VND",
            "2026-03,HT-KS,2,17600,0,0,1600,VND",
        ],
        {"rows[4].service_code": "2026-03 HT-KS repeats row 2"},
    ),
    (
        "outside the term",
        ["2025-12,HT-KS,1,8800,0,0,800,VND", "2027-01,HT-KS,1,8800,0,0,800,VND"],
        {
            "rows[2].period": "2025-12 is outside the contract's term (2026-01 to 2026-12)",
            "rows[3].period": "2027-01 is outside the contract's term (2026-01 to 2026-12)",
        },
    ),
    (
        "wrong currency",
        ["2026-03,HT-KS,1,8800,0,0,800,USD"],
        {"rows[2].currency": "'USD' is not the contract's currency VND"},
    ),
    (
        "malformed months",
        [
            "2026-3,HT-KS,1,8800,0,0,800,VND",
            "03/2026,DN-DKDN,1,25000,0,0,0,VND",
            "2026-13,DN-DKDN,1,25000,0,0,0,VND",
            ",DN-DKDN,1,25000,0,0,0,VND",
        ],
        {
            "rows[2].period": "'2026-3' is not a month written YYYY-MM",
            "rows[3].period": "'03/2026' is not a month written YYYY-MM",
            "rows[4].period": "'2026-13' is not a month written YYYY-MM",
            "rows[5].period": "This field is required.",
        },
    ),
    (
        "refunds above collections",
        ["2026-03,HT-KS,1,8800,9000,0,0,VND"],
        {"rows[2].refunds": "refunds cannot exceed gross collections"},
    ),
    ("a missing column", None, {"columns.vat": "missing column"}),
    ("no rows", [], {"file": "the file has no data rows"}),
]


@pytest.mark.parametrize(("case", "rows", "expected"), BAD_VOLUMES, ids=[case[0] for case in BAD_VOLUMES])
def test_each_bad_volumes_file_is_a_400_naming_every_problem_and_writes_nothing(world, case, rows, expected):
    header = VOLUMES_HEADER if rows is not None else VOLUMES_HEADER.replace(",vat", "")
    file = csv_file(header, *(rows if rows is not None else ["2026-03,HT-KS,1,8800,0,0,VND"]))
    client = client_for(world["finance"])  # signing in is audited: before the watch starts
    with assert_nothing_written(world["contract"]):
        response = post(client, world, file)
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "actuals.invalid" and body["fields"] == expected
    assert body["message"].endswith("nothing was imported.")


def test_a_file_with_problems_of_every_kind_lists_them_all(world):
    file = csv_file(
        VOLUMES_HEADER, GOOD, "2026-03,HT-XX,1,8800,0,0,800,VND", "2025-01,DN-DKDN,-3,x,0,0,0,EUR", GOOD
    )
    client = client_for(world["finance"])
    with assert_nothing_written():
        response = post(client, world, file)
    assert response.json()["fields"] == {
        "rows[3].service_code": "unknown service 'HT-XX'",
        "rows[4].period": "2025-01 is outside the contract's term (2026-01 to 2026-12)",
        "rows[4].valid_volume": "must not be negative",
        "rows[4].gross_collections": f"'x' {NOT_A_NUMBER}",
        "rows[4].currency": "'EUR' is not the contract's currency VND",
        "rows[5].service_code": "2026-03 HT-KS repeats row 2",
    }
    assert response.json()["message"] == "The file has 6 errors; nothing was imported."


def test_the_report_lists_a_thousand_problems_and_counts_the_rest(world):
    lines = [f"2026-03,BAD-{i},1,8800,0,0,800,VND" for i in range(1500)]
    client = client_for(world["finance"])
    with assert_nothing_written():
        response = post(client, world, csv_file(VOLUMES_HEADER, *lines))
    fields = response.json()["fields"]
    assert len(fields) == 1001 and fields["more_errors"] == "500 more errors not listed"
    assert (
        fields["rows[1001].service_code"] == "unknown service 'BAD-999'"
        and "rows[1002].service_code" not in fields
    )


BAD_FILES = [
    (
        "a PDF",
        "volumes",
        SimpleUploadedFile("report.pdf", b"%PDF-1.7 ..."),
        {"file": "not a CSV file (.csv) or an Excel workbook (.xlsx)"},
    ),
    (
        "binary named .csv",
        "volumes",
        SimpleUploadedFile("x.csv", b"\x00\x01\x02"),
        {"file": "not a CSV file (.csv) or an Excel workbook (.xlsx)"},
    ),
    (
        "a workbook as a log",
        "transactions",
        SimpleUploadedFile("log.xlsx", xlsx(["transaction_id"])),
        {"file": "a transaction log must be a CSV file (.csv)"},
    ),
    (
        "a damaged workbook",
        "volumes",
        SimpleUploadedFile("x.xlsx", b"PK\x03\x04garbage"),
        {"file": "not an .xlsx workbook (save it from Excel or LibreOffice as .xlsx)"},
    ),
    (
        "not UTF-8",
        "volumes",
        SimpleUploadedFile(
            "x.csv", (VOLUMES_HEADER + "\n2026-03,HT-KS,1,8800,0,0,800,Đ\n").encode("utf-16-le")
        ),
        {"file": "not a CSV file (.csv) or an Excel workbook (.xlsx)"},
    ),
    (
        "latin-1",
        "volumes",
        SimpleUploadedFile(
            "x.csv",
            (VOLUMES_HEADER + "\n2026-03,HT-KS,1,8800,0,0,800,VNĐ\n")
            .encode("utf-8")
            .replace("Đ".encode(), b"\xd0"),
        ),
        {"file": "the file is not UTF-8 text"},
    ),
    (
        "over 5 MB",
        "volumes",
        SimpleUploadedFile("big.csv", b"a" * (5 * 1024 * 1024 + 1)),
        {"file": "larger than the 5 MB limit"},
    ),
    ("empty", "kpis", SimpleUploadedFile("empty.csv", b""), {"file": "the file is empty"}),
    (
        "unknown KPI",
        "kpis",
        SimpleUploadedFile("k.csv", b"period,kpi_code,value\n2026-03,UPTIME,99.9\n"),
        {"rows[2].kpi_code": "'UPTIME' is not a KPI of this contract"},
    ),
    (
        "a bad KPI value",
        "kpis",
        SimpleUploadedFile("k.csv", b"period,kpi_code,value\n2026-03,AVAIL,99.12345\n"),
        {"rows[2].value": "at most 12 digits before the decimal point and 4 after it"},
    ),
]


@pytest.mark.parametrize(("case", "kind", "file", "expected"), BAD_FILES, ids=[case[0] for case in BAD_FILES])
def test_a_file_of_the_wrong_type_or_size_is_a_400_on_the_file(world, case, kind, file, expected):
    client = client_for(world["finance"])
    with assert_nothing_written():
        response = post(client, world, file, kind=kind)
    assert response.status_code == 400 and response.json()["fields"] == expected


def test_a_log_over_200_mb_is_refused_before_it_is_read(world):
    class Huge(io.BytesIO):
        name, size = "log.csv", 200 * 1024 * 1024 + 1

    with (
        translation.override("en"),
        pytest.raises(ImportRejected) as refused,
        assert_nothing_written(),
    ):
        upload(world, Huge(b"never read"), kind="transactions")
    assert refused.value.fields == {"file": "larger than the 200 MB limit"}
    assert common.size_limit("transactions") == 200 * 1024 * 1024


def test_the_request_itself_is_checked(world):
    client = client_for(world["finance"])
    with assert_nothing_written():
        missing = client.post(url(world), {"kind": "volumes"}, HTTP_ACCEPT_LANGUAGE="en")
        unknown = post(client, world, csv_file(VOLUMES_HEADER, GOOD), kind="sales")
        long_key = post(client, world, csv_file(VOLUMES_HEADER, GOOD), idempotency_key="k" * 101)
    assert (missing.status_code, missing.json()["fields"]) == (400, {"file": "Field required"})
    assert (unknown.status_code, unknown.json()["fields"]) == (
        400,
        {"kind": "choose volumes, transactions, kpis or failures"},
    )
    assert long_key.status_code == 400 and "idempotency_key" in long_key.json()["fields"]


def test_201_then_200_for_the_same_file_or_key_and_the_upload_reads_back(world):
    client = client_for(world["preparer"])
    first = post(client, world, csv_file(*MARCH_AND_APRIL), idempotency_key="run-1")
    assert first.status_code == 201, first.content
    body = first.json()
    assert (body["status"], body["rows"], body["errors"], body["job"], body["uploaded_by"]) == (
        "imported",
        3,
        [],
        None,
        world["preparer"].get_username(),
    )
    with assert_nothing_written():
        by_file = post(client, world, csv_file(*MARCH_AND_APRIL, name="again.csv"))
        by_key = client.post(
            url(world), {"file": csv_file(*MARCH_AND_APRIL), "kind": "volumes"}, HTTP_IDEMPOTENCY_KEY="run-1"
        )
        other_file = post(client, world, csv_file(VOLUMES_HEADER, GOOD), idempotency_key="run-1")
    assert (by_file.status_code, by_file.json()["id"]) == (200, body["id"])
    assert (by_key.status_code, by_key.json()["id"]) == (200, body["id"])
    assert other_file.status_code == 409 and other_file.json()["code"] == "actuals.idempotency_key_reused"
    periods = client.get(url(world, "/periods")).json()
    assert periods[0] == {
        "period": "2026-03",
        "service_code": "DN-DKDN",
        "valid_volume": 40,
        "gross_collections": "1000000",
        "refunds": "0",
        "gateway_fees": "10000",
        "vat": "0",
        "currency": "VND",
        "upload_id": body["id"],
    }
    assert [(p["period"], p["service_code"]) for p in periods] == [
        ("2026-03", "DN-DKDN"),
        ("2026-03", "HT-KS"),
        ("2026-04", "HT-KS"),
    ]
    listed = client.get(url(world)).json()
    assert (
        listed["count"] == 1 and listed["items"][0]["id"] == body["id"] and "errors" not in listed["items"][0]
    )
    detail = client.get(f"/api/v1/revenue-share/uploads/{body['id']}")
    assert detail.status_code == 200 and detail.json()["sha256"] == body["sha256"]


def test_replace_is_refused_without_asking_and_done_when_asked(world):
    client = client_for(world["finance"])
    assert post(client, world, csv_file(*MARCH_AND_APRIL)).status_code == 201
    again = csv_file(VOLUMES_HEADER, "2026-04,HT-KS,1350,11880000,0,118800,1080000,VND")
    with assert_nothing_written():
        refused = post(client, world, again)
    assert refused.json()["fields"] == {
        "rows[2].period": "2026-04 HT-KS is already imported; upload again with “replace” to replace it"
    }
    replaced = post(
        client,
        world,
        csv_file(VOLUMES_HEADER, "2026-04,HT-KS,1350,11880000,0,118800,1080000,VND"),
        replace="true",
    )
    assert replaced.status_code == 201 and replaced.json()["summary"] == {"created": 0, "replaced": 1}
    assert PeriodActual.objects.get(period__month=4).valid_volume == 1350


def test_uploads_are_for_both_parties_only_and_denials_write_nothing(world):
    matrix = RoleMatrix(
        anonymous=None,
        other_organisation=world["other_preparer"],
        wrong_role=world["evaluator"],
        right_role=world["finance"],
        extra={
            "other_agency": world["outsider"],
            "reviewer": world["approver"],
            "vendor": world["signatory"],
        },
    )
    matrix.check(
        lambda client: post(client, world, csv_file(VOLUMES_HEADER, GOOD)),
        denied={
            "anonymous": 401,
            "other_organisation": 404,
            "other_agency": 404,
            "wrong_role": 403,
            "reviewer": 403,
        },
        allowed=201,
    )
    vendor = post(client_for(world["signatory"]), world, csv_file(VOLUMES_HEADER, GOOD.replace("03", "05")))
    assert vendor.status_code == 201


def test_reads_are_for_both_parties_and_the_reviewers(world):
    saved, _ = upload(world, csv_file(*MARCH_AND_APRIL))
    paths = [
        url(world),
        url(world, "/periods"),
        url(world, "/kpis"),
        f"/api/v1/revenue-share/uploads/{saved.pk}",
    ]
    for who in ("finance", "evaluator", "approver", "preparer", "signatory"):
        for path in paths:
            assert client_for(world[who]).get(path).status_code == 200, (who, path)
    for who, status in ((None, 401), ("other_preparer", 404), ("outsider", 404)):
        for path in paths:
            response = client_for(world[who] if who else None).get(path)
            assert response.status_code == status and set(response.json()) == {"code", "message", "fields"}


def test_the_lists_take_the_same_queries_for_one_upload_as_for_five(world, django_assert_num_queries):
    client = client_for(world["finance"])

    def counted() -> list[int]:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        result = []
        for path in (
            url(world),
            url(world, "/periods"),
            url(world, "/kpis"),
            reverse("revenue_share:actuals", args=[world["contract"].pk]),
        ):
            with CaptureQueriesContext(connection) as queries:
                assert client.get(path).status_code == 200
            result.append(len(queries))
        return result

    upload(world, csv_file(VOLUMES_HEADER, GOOD))
    upload(world, csv_file("period,kpi_code,value", "2026-03,AVAIL,99.9"), kind="kpis")
    one = counted()
    for month in range(4, 8):
        upload(
            world,
            csv_file(
                VOLUMES_HEADER,
                GOOD.replace("2026-03", f"2026-0{month}"),
                GOOD.replace("2026-03", f"2026-0{month}").replace("HT-KS", "DN-DKDN"),
            ),
        )
        upload(
            world,
            csv_file("period,kpi_code,value", f"2026-0{month},AVAIL,99.9", f"2026-0{month},RESP,3"),
            kind="kpis",
        )
    assert ActualsUpload.objects.count() == 10
    assert counted() == one
