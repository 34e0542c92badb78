"""Availability failures: imported like the KPI measurements (CSV or XLSX, all or nothing, every
problem named by row and column, never twice unless replaced), read back through the API and on the
actuals page, and deducted from the availability payment in the month's settlement statement.

The contract (tests/revenue_share/test_actuals_services.py `world`) runs from 15 January to 31
December 2026 in VND. Its availability payment: 120,000,000 đ a year, measured by the hour on a
360-day year (720 hours a month x 12 = 8,640 measurement periods a year), 4 areas' weightings in
all, and the mechanism's default still-used factor of 50 %.
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook

from contracts.models import Contract, ContractStatus, PaymentMechanism
from contracts.services import contracting
from contracts.views.contract.mechanism_form import MechanismsForm
from ppp.errors import ValidationFailed
from ppp.models import AuditEntry
from revenue_share.calculations import SettlementInputError, parse_payment_terms
from revenue_share.imports import ImportRejected
from revenue_share.models import ActualsUpload, AvailabilityFailure
from revenue_share.services.settlements import _statement_of, settlement_compute
from tests.revenue_share import test_actuals_services as base
from tests.revenue_share.test_actuals_services import csv_file, upload
from tests.roles import assert_nothing_written, client_for

world, _media = base.world, base._media  # the fixtures (uploads go to a temporary MEDIA_ROOT)

pytestmark = pytest.mark.django_db

D = Decimal
MARCH = dt.date(2026, 3, 1)
HEADER = "period,area,weighting,missed_periods,still_used,ratchet,reference"
AVAILABILITY = {
    "annual_payment": "120000000",
    "periods_per_year": 8640,
    "still_used_factor": "0.5",
    "total_weighting": "4",
}
# Two failures in March: the payment gateway (weighting 2) down 3 hours while people still used the
# portal, a first failure; search (weighting 1) down 5 hours, unused, its second failure (ratchet 2).
MARCH_FAILURES = (
    HEADER,
    "2026-03,Payment gateway,2,3,yes,,SC-031",
    "2026-03,Search,1,5,FALSE,2,SC-032",
)


@pytest.fixture
def available(world: dict[str, Any]) -> dict[str, Any]:
    PaymentMechanism.objects.create(
        contract=world["contract"], position=0, kind="availability", parameters=AVAILABILITY
    )
    return world


def failures_file(*rows: str, header: str = HEADER) -> SimpleUploadedFile:
    return csv_file(header, *rows, name="failures.csv")


def stored(contract: Contract) -> list[tuple[str, str, Decimal, Decimal, bool, Decimal, str]]:
    return [
        (f"{f.period:%Y-%m}", f.area, f.weighting, f.missed_periods, f.still_used, f.ratchet, f.reference)
        for f in AvailabilityFailure.objects.filter(contract=contract)
    ]


def api_url(world: dict[str, Any], suffix: str = "") -> str:
    return f"/api/v1/revenue-share/contracts/{world['contract'].pk}/actuals{suffix}"


# --- the import -------------------------------------------------------------------------------------


def test_a_failures_file_imports_exactly_what_it_states(available):
    saved, created = upload(available, failures_file(*MARCH_FAILURES[1:]), kind="failures")
    assert created and (saved.kind, saved.status, saved.rows, saved.summary) == (
        "failures",
        "imported",
        2,
        {"created": 2, "replaced": 0},
    )
    assert stored(available["contract"]) == [
        ("2026-03", "Payment gateway", D(2), D(3), True, D(1), "SC-031"),
        ("2026-03", "Search", D(1), D(5), False, D(2), "SC-032"),
    ]
    entry = AuditEntry.objects.get(action="actuals.imported")
    assert entry.object_id == str(saved.pk) and entry.before is None and entry.after["created"] == 2
    assert entry.after["kind"] == "failures"
    assert entry.after["rows"][0] == {
        "period": "2026-03",
        "area": "Payment gateway",
        "reference": "SC-031",
        "weighting": "2",
        "missed_periods": "3",
        "still_used": True,
        "ratchet": "1",
    }


def test_still_used_takes_every_spelling_blank_is_false_and_the_reference_column_is_optional(available):
    words = {
        "true": True,
        "TRUE": True,
        "Yes": True,
        "1": True,
        "false": False,
        "No": False,
        "0": False,
        "": False,
    }
    rows = [f"2026-04,Area {word or 'blank'},1,1,{word}," for word in words]
    header = "PERIOD,Area,weighting,missed_periods,Still_Used,ratchet"  # any case, any order, no reference
    saved, _created = upload(available, failures_file(*rows, header=header), kind="failures")
    assert saved.rows == 8
    assert {f[1]: (f[4], f[5], f[6]) for f in stored(available["contract"])} == {
        f"Area {word or 'blank'}": (used, D(1), "") for word, used in words.items()
    }


def test_a_workbook_is_read_from_its_first_sheet_with_date_and_boolean_cells(available):
    book = Workbook()
    sheet = book.active
    sheet.append(["period", "area", "weighting", "missed_periods", "still_used", "ratchet", "reference"])
    sheet.append([dt.datetime(2026, 5, 1), "Portal", 1.5, 0.25, True, None, None])
    sheet.append(["2026-05", "Portal", 1, 2, False, 3, "SC-050"])
    data = io.BytesIO()
    book.save(data)
    file = SimpleUploadedFile("failures.xlsx", data.getvalue())
    upload(available, file, kind="failures")
    assert stored(available["contract"]) == [
        ("2026-05", "Portal", D("1.5"), D("0.25"), True, D(1), ""),
        ("2026-05", "Portal", D(1), D(2), False, D(3), "SC-050"),
    ]


BAD_FAILURES = [
    ("malformed period", ["2026-3,Portal,1,1,no,,"],
     {"rows[2].period": "'2026-3' is not a month written YYYY-MM"}),
    ("outside the term", ["2027-01,Portal,1,1,no,,"],
     {"rows[2].period": "2027-01 is outside the contract's term (2026-01 to 2026-12)"}),
    ("area blank", ["2026-03,,1,1,no,,"], {"rows[2].area": "This field is required."}),
    ("weighting zero", ["2026-03,Portal,0,1,no,,"], {"rows[2].weighting": "must be greater than 0"}),
    ("weighting negative", ["2026-03,Portal,-1,1,no,,"], {"rows[2].weighting": "must not be negative"}),
    ("missed periods negative", ["2026-03,Portal,1,-2,no,,"],
     {"rows[2].missed_periods": "must not be negative"}),
    ("ratchet below 1", ["2026-03,Portal,1,1,no,0.5,"], {"rows[2].ratchet": "must be at least 1"}),
    ("not numbers", ["2026-03,Portal,abc,NaN,no,x,"],
     {"rows[2].weighting": "'abc' is not a number (write digits with an optional decimal point: 1234567.5)",
      "rows[2].missed_periods": "must be a finite number",
      "rows[2].ratchet": "'x' is not a number (write digits with an optional decimal point: 1234567.5)"}),
    ("still used neither", ["2026-03,Portal,1,1,maybe,,"],
     {"rows[2].still_used": "'maybe' is not true or false (write true/false, yes/no or 1/0)"}),
    ("twice in the file", ["2026-03,Portal,1,1,no,,F-1", "2026-03,Portal,2,1,no,,F-2",
                           "2026-03,Portal,3,1,no,,F-1"],
     {"rows[4].area": "2026-03 Portal / F-1 repeats row 2"}),
    ("too many decimals", ["2026-03,Portal,1.00001,1,no,,"],
     {"rows[2].weighting": "at most 12 digits before the decimal point and 4 after it"}),
]  # fmt: skip


@pytest.mark.parametrize(("case", "rows", "expected"), BAD_FAILURES, ids=[case[0] for case in BAD_FAILURES])
def test_each_bad_failures_file_names_its_problem_by_row_and_column_and_writes_nothing(
    available, case, rows, expected
):
    with translation.override("en"), assert_nothing_written(), pytest.raises(ImportRejected) as refused:
        upload(available, failures_file(*rows), kind="failures")
    assert refused.value.fields == expected, case


def test_every_problem_of_a_file_is_listed_at_once(available):
    rows = [
        "2026-03,Portal,1,1,no,,",  # row 2: good, but the file is refused as a whole
        "2026-13,,0,-1,sometimes,0,",  # row 3: five problems
        "2026-03,Portal,1,1,no,,",  # row 4: repeats row 2
    ]
    with translation.override("en"), assert_nothing_written(), pytest.raises(ImportRejected) as refused:
        upload(available, failures_file(*rows), kind="failures")
    assert refused.value.fields == {
        "rows[3].period": "'2026-13' is not a month written YYYY-MM",
        "rows[3].area": "This field is required.",
        "rows[3].weighting": "must be greater than 0",
        "rows[3].missed_periods": "must not be negative",
        "rows[3].still_used": "'sometimes' is not true or false (write true/false, yes/no or 1/0)",
        "rows[3].ratchet": "must be at least 1",
        "rows[4].area": "2026-03 Portal repeats row 2",
    }
    assert refused.value.total == 7


def test_unknown_and_missing_columns_are_named(available):
    header = "period,area,weighting,missed_periods,still_used,referance,notes"
    with translation.override("en"), assert_nothing_written(), pytest.raises(ImportRejected) as refused:
        upload(available, failures_file("2026-03,Portal,1,1,no,F-1,x", header=header), kind="failures")
    assert refused.value.fields == {
        "columns.referance": "unknown column",
        "columns.notes": "unknown column",
        "columns.ratchet": "missing column",
    }


def test_a_failure_already_imported_is_refused_unless_replaced(available):
    first, _created = upload(available, failures_file(*MARCH_FAILURES[1:]), kind="failures")
    again = ("2026-03,Search,1,6,no,2,SC-032", "2026-03,Search,1,1,no,,SC-033")
    with translation.override("en"), assert_nothing_written(), pytest.raises(ImportRejected) as refused:
        upload(available, failures_file(*again), kind="failures")
    assert refused.value.fields == {
        "rows[2].period": (
            "2026-03 Search / SC-032 is already imported; upload again with “replace” to replace it"
        )
    }
    replaced, _created = upload(available, failures_file(*again), kind="failures", replace=True)
    assert replaced.summary == {"created": 1, "replaced": 1}
    assert stored(available["contract"]) == [
        ("2026-03", "Payment gateway", D(2), D(3), True, D(1), "SC-031"),
        ("2026-03", "Search", D(1), D(6), False, D(2), "SC-032"),
        ("2026-03", "Search", D(1), D(1), False, D(1), "SC-033"),
    ]
    entry = AuditEntry.objects.filter(action="actuals.imported").order_by("-pk").first()
    assert entry is not None and entry.before == [
        {
            "period": "2026-03",
            "area": "Search",
            "reference": "SC-032",
            "weighting": "1.0000",  # as stored, 4 decimal places
            "missed_periods": "5.0000",
            "still_used": False,
            "ratchet": "2.0000",
            "upload": first.pk,
        }
    ]


def test_a_contract_without_an_availability_payment_refuses_failures_naming_kind(world):
    PaymentMechanism.objects.create(
        contract=world["contract"], position=0, kind="fixed_fee",
        parameters={"fee_per_period": "1000000", "period": "monthly", "indexation_rate": "0"},
    )  # fmt: skip
    client = client_for(world["finance"])
    with assert_nothing_written():
        response = client.post(
            api_url(world),
            {"file": failures_file(*MARCH_FAILURES[1:]), "kind": "failures"},
            HTTP_ACCEPT_LANGUAGE="en",
        )
        with pytest.raises(ValidationFailed) as refused:
            upload(world, failures_file(*MARCH_FAILURES[1:]), kind="failures")
    assert response.status_code == 400
    assert response.json()["code"] == "actuals.no_availability_payment"
    assert response.json()["fields"] == {"kind": "failures only for a contract with an availability payment"}
    assert set(refused.value.fields) == {"kind"}


# --- reading them back ------------------------------------------------------------------------------


def test_the_api_lists_the_failures_for_both_parties_and_the_reviewers(available):
    response = client_for(available["preparer"]).post(
        api_url(available), {"file": failures_file(*MARCH_FAILURES[1:]), "kind": "failures"}
    )
    assert response.status_code == 201, response.content
    upload_id = response.json()["id"]
    listed = client_for(available["approver"]).get(api_url(available, "/failures"))
    assert listed.status_code == 200
    assert listed.json() == [
        {
            "period": "2026-03",
            "area": "Payment gateway",
            "weighting": "2",
            "missed_periods": "3",
            "still_used": True,
            "ratchet": "1",
            "reference": "SC-031",
            "upload_id": upload_id,
        },
        {
            "period": "2026-03",
            "area": "Search",
            "weighting": "1",
            "missed_periods": "5",
            "still_used": False,
            "ratchet": "2",
            "reference": "SC-032",
            "upload_id": upload_id,
        },
    ]
    for who in ("finance", "evaluator", "signatory"):
        assert client_for(available[who]).get(api_url(available, "/failures")).status_code == 200, who
    for who, status in ((None, 401), ("other_preparer", 404), ("outsider", 404)):
        denied = client_for(available[who] if who else None).get(api_url(available, "/failures"))
        assert denied.status_code == status and set(denied.json()) == {"code", "message", "fields"}


def test_the_page_offers_the_kind_and_shows_the_failures_in_a_table(available):
    upload(available, failures_file(*MARCH_FAILURES[1:]), kind="failures")
    client = client_for(available["finance"])
    client.cookies["django_language"] = "en"
    page = client.get(reverse("revenue_share:actuals", args=[available["contract"].pk]))
    html = page.content.decode()
    assert page.status_code == 200 and '<option value="failures">' in html
    table = html.split('data-testid="failure-table"')[1].split("</table>")[0]
    rows = table.split("<tbody>")[1].split("</tr>")[:-1]
    assert len(rows) == 2
    gateway, search = rows
    for text in ("03/2026", "Payment gateway", ">2<", ">3<", ">1<", "SC-031"):
        assert text in gateway, text
    for text in ("03/2026", "Search", ">1<", ">5<", ">2<", "SC-032"):
        assert text in search, text


def test_the_page_posts_a_failures_file_and_shows_a_refusal_next_to_kind(world):
    client = client_for(world["finance"])
    address = reverse("revenue_share:actuals", args=[world["contract"].pk])
    with assert_nothing_written():
        refused = client.post(
            address,
            {"file": failures_file(*MARCH_FAILURES[1:]), "kind": "failures"},
            HTTP_ACCEPT_LANGUAGE="en",
        )
    assert refused.status_code == 400
    assert "failures only for a contract with an availability payment" in refused.content.decode()
    PaymentMechanism.objects.create(
        contract=world["contract"], position=0, kind="availability", parameters=AVAILABILITY
    )
    done = client.post(address, {"file": failures_file(*MARCH_FAILURES[1:]), "kind": "failures"})
    assert done.status_code == 302 and AvailabilityFailure.objects.count() == 2


def test_the_page_and_the_list_take_the_same_queries_for_two_failures_as_for_twelve(available):
    client = client_for(available["finance"])
    paths = (
        api_url(available, "/failures"),
        reverse("revenue_share:actuals", args=[available["contract"].pk]),
    )

    def counted() -> list[int]:
        result = []
        for path in paths:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(path).status_code == 200
            result.append(len(queries))
        return result

    upload(available, failures_file(*MARCH_FAILURES[1:]), kind="failures")
    two = counted()
    rows = [f"2026-{month:02d},Portal,1,{month},no,,F-{month}" for month in range(4, 9)]
    upload(available, failures_file(*rows), kind="failures")
    upload(available, failures_file(*[row.replace("Portal", "Search") for row in rows]), kind="failures")
    assert AvailabilityFailure.objects.count() == 12 and ActualsUpload.objects.count() == 3
    assert counted() == two


# --- the settlement ---------------------------------------------------------------------------------


def test_a_months_statement_deducts_its_failures_computed_by_hand(available):
    """Payment for one month: 120,000,000 x 1 / 12 = 10,000,000 đ to the provider.
    Area rate = annual payment / (periods a year x total weighting) = 120,000,000 / (8,640 x 4)
    = 120,000,000 / 34,560 = 3,472.2222... đ per weighted hour.
    Payment gateway: weighting 2 x 3 hours x 0.5 (still used) x ratchet 1
      = 120,000,000 x 2 x 3 x 0.5 x 1 / 34,560 = 360,000,000 / 34,560 = 10,416.666... -> 10,417 đ.
    Search: weighting 1 x 5 hours x 1 (not used) x ratchet 2
      = 120,000,000 x 1 x 5 x 1 x 2 / 34,560 = 1,200,000,000 / 34,560 = 34,722.222... -> 34,722 đ.
    Deductions 10,417 + 34,722 = 45,139 (below the payment, so nothing is given back).
    No collections: net revenue 0; provider's share 10,000,000 − 45,139 = 9,954,861, which the state
    (holding the collections) pays the provider; the state's share is 0 − 9,954,861 = −9,954,861."""
    upload(available, failures_file(*MARCH_FAILURES[1:]), kind="failures")
    upload(available, failures_file("2026-04,Search,1,100,no,,SC-040"), kind="failures")  # not March's
    statement = settlement_compute(
        actor=available["finance"], contract=available["contract"], period="2026-03"
    )
    lines = [(line["key"], line["reference"], line["payee"], line["amount"]) for line in statement.lines]
    assert lines == [
        ("availability.payment", "", "provider", "10000000"),
        ("availability.deduction", "SC-031", "state", "10417"),
        ("availability.deduction", "SC-032", "state", "34722"),
    ]
    gateway, search = statement.lines[1], statement.lines[2]
    assert gateway["label"] == "Availability deduction"
    assert (gateway["inputs"]["still_used_factor"], gateway["inputs"]["ratchet"]) == ("0.5", "1")
    assert (search["inputs"]["still_used_factor"], search["inputs"]["ratchet"]) == ("1", "2")
    assert gateway["inputs"]["total_weighting"] == "4" and gateway["inputs"]["periods_per_year"] == "8640"
    assert (statement.net_revenue, statement.provider_share, statement.state_share) == (
        D(0),
        D(9_954_861),
        D(-9_954_861),
    )
    assert statement.net_payable_by_state == D(9_954_861)
    assert statement.inputs["failures"] == [
        {"area": "Payment gateway", "reference": "SC-031", "weighting": "2", "missed_periods": "3",
         "still_used": True, "ratchet": "1"},
        {"area": "Search", "reference": "SC-032", "weighting": "1", "missed_periods": "5",
         "still_used": False, "ratchet": "2"},
    ]  # fmt: skip
    recomputed, _band = _statement_of(statement.inputs)
    assert recomputed.net_payable_by_state == statement.net_payable_by_state


def test_a_snapshot_stored_before_failures_were_recorded_still_recomputes(available):
    """Without `failures` (and a mechanism without total_weighting) the month is the bare payment."""
    upload(available, failures_file(*MARCH_FAILURES[1:]), kind="failures")
    statement = settlement_compute(
        actor=available["finance"], contract=available["contract"], period="2026-03"
    )
    old = {name: value for name, value in statement.inputs.items() if name != "failures"}
    old["mechanisms"] = [["availability", {k: v for k, v in AVAILABILITY.items() if k != "total_weighting"}]]
    recomputed, _band = _statement_of(old)
    assert [(line.key, line.amount) for line in recomputed.lines] == [("availability.payment", D(10_000_000))]
    assert recomputed.net_payable_by_state == D(10_000_000)


# --- total_weighting, a parameter of the availability mechanism --------------------------------------


def test_the_terms_read_total_weighting_and_default_it_to_1():
    base_terms = {k: v for k, v in AVAILABILITY.items() if k != "total_weighting"}
    terms = parse_payment_terms([("availability", AVAILABILITY)]).availability
    default = parse_payment_terms([("availability", base_terms)]).availability
    assert terms is not None and default is not None
    assert (terms.total_weighting, default.total_weighting) == (D(4), D(1))
    for bad in ("0", "-1", "abc"):
        with pytest.raises(SettlementInputError) as refused:
            parse_payment_terms([("availability", {**base_terms, "total_weighting": bad})])
        assert refused.value.field == "availability.total_weighting", bad


@pytest.fixture
def draft(world: dict[str, Any]) -> Contract:
    """A draft contract of the same parties: mechanisms are edited before it is signed."""
    return base.build_contract(
        world["agency"], world["vendor"], world["finance"], status=ContractStatus.DRAFT
    )


def mechanism(total_weighting: Any) -> dict[str, Any]:
    parameters: dict[str, Any] = {"annual_payment": "120000000", "periods_per_year": 8640}
    if total_weighting is not None:
        parameters["total_weighting"] = total_weighting
    return {"kind": "availability", "parameters": parameters}


def test_the_service_saves_total_weighting_only_when_given(world, draft):
    contracting.mechanisms_save(actor=world["finance"], contract=draft, mechanisms=[mechanism("4")])
    assert PaymentMechanism.objects.get(contract=draft).parameters == {
        "annual_payment": "120000000",
        "periods_per_year": 8640,
        "still_used_factor": "0.5",
        "total_weighting": "4",
    }
    contracting.mechanisms_save(actor=world["finance"], contract=draft, mechanisms=[mechanism(None)])
    assert "total_weighting" not in PaymentMechanism.objects.get(contract=draft).parameters


@pytest.mark.parametrize(
    ("value", "message"),
    [("0", "must be greater than 0"), ("abc", "must be a number"), ("-2", "must be at least 0")],
)
def test_the_service_refuses_a_total_weighting_not_above_0_naming_it(world, draft, value, message):
    contracting.mechanisms_save(actor=world["finance"], contract=draft, mechanisms=[mechanism("4")])
    kept = PaymentMechanism.objects.get(contract=draft)
    with translation.override("en"), assert_nothing_written(kept), pytest.raises(ValidationFailed) as refused:
        contracting.mechanisms_save(actor=world["finance"], contract=draft, mechanisms=[mechanism(value)])
    assert refused.value.fields == {"mechanisms[0].parameters.total_weighting": message}


def test_the_editor_shows_the_field_and_refuses_0_and_abc_next_to_it(world, draft):
    client = client_for(world["finance"])
    address = reverse("contracts:contract_mechanisms", args=[draft.pk])
    page = client.get(address, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'name="availability__total_weighting"' in page and "Sum of the areas" in page
    typed = {
        "availability__include": "on",
        "availability__annual_payment": "120000000",
        "availability__periods_per_year": "8640",
        "availability__still_used_factor": "50",
    }
    for value in ("0", "abc"):
        with assert_nothing_written():
            response = client.post(address, {**typed, "availability__total_weighting": value})
        assert response.status_code == 400, value
        assert 'data-testid="error-availability__total_weighting"' in response.content.decode(), value
    saved = client.post(address, {**typed, "availability__total_weighting": "4"})
    assert saved.status_code == 302
    assert PaymentMechanism.objects.get(contract=draft).parameters["total_weighting"] == "4"
    form = MechanismsForm(contract=draft)
    assert form.initial["availability__total_weighting"] == D(4)
