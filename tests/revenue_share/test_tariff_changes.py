"""Recording a tariff change of a catalogue service: the service (a new dated row, the row in force
closed the day before, all or nothing, administrators only), the service page and the API router
(mounted here on a NinjaAPI of its own with the project's auth and domain error handler; ppp/api.py
mounts the same router under /api/v1/revenue-share)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from django.utils.html import escape
from ninja import NinjaAPI
from ninja.errors import AuthenticationError
from ninja.testing import TestClient

from ppp.api import on_authentication_error, on_domain_error
from ppp.auth import AUTH
from ppp.errors import Conflict, DomainError, PermissionDenied, ValidationFailed
from ppp.models import AuditEntry, Role
from revenue_share import selectors
from revenue_share.api_catalogue import router
from revenue_share.catalogue_seed import BASIS
from revenue_share.models import Service, Tariff
from revenue_share.services.catalogue import tariff_change
from tests.factories import member
from tests.roles import assert_nothing_written, client_for

pytestmark = pytest.mark.django_db

_api = NinjaAPI(urls_namespace="catalogue-test", auth=AUTH)
_api.add_router("", router)
_api.add_exception_handler(DomainError, on_domain_error)
_api.add_exception_handler(AuthenticationError, on_authentication_error)
API = TestClient(_api)

REGULATION = "Thông tư 106/2021/TT-BTC"
GOOD: dict[str, Any] = {"amount": "9000", "vat_rate": "0.1", "valid_from": "2027-01-01", "basis": REGULATION}


@pytest.fixture
def administrator():
    return member(Role.ADMINISTRATOR)


def birth() -> Service:
    return Service.objects.get(code="HT-KS")


def figures(code: str = "HT-KS") -> list[tuple[dt.date, dt.date | None, Decimal, Decimal, str]]:
    return [
        (t.valid_from, t.valid_to, t.amount, t.vat_rate, t.basis)
        for t in Tariff.objects.filter(service__code=code).order_by("valid_from")
    ]


# --- the service -----------------------------------------------------------------------------------


def test_a_change_closes_the_tariff_in_force_the_day_before_and_opens_the_new_one(administrator):
    tariff = tariff_change(actor=administrator, service=birth(), **GOOD)
    assert (tariff.amount, tariff.vat_rate, tariff.currency, tariff.valid_to) == (
        Decimal(9000), Decimal("0.1"), "VND", None,
    )  # fmt: skip
    assert figures() == [
        (dt.date(2026, 1, 1), dt.date(2026, 12, 31), Decimal(8000), Decimal(0), BASIS),
        (dt.date(2027, 1, 1), None, Decimal(9000), Decimal("0.1"), REGULATION),
    ]
    assert selectors.tariff_map(codes=["HT-KS"], on=dt.date(2026, 12, 31))["HT-KS"].amount == 8000
    assert selectors.tariff_map(codes=["HT-KS"], on=dt.date(2027, 1, 1))["HT-KS"].amount == 9000
    assert [
        t.amount for t in selectors.service_get(code="HT-KS", on=dt.date(2026, 12, 31)).current_tariffs
    ] == [8000]
    assert [
        t.amount for t in selectors.service_get(code="HT-KS", on=dt.date(2027, 1, 1)).current_tariffs
    ] == [9000]
    assert figures("HT-KT")[0][1] is None  # another service is left alone


def test_a_change_is_audited_with_the_previous_and_the_new_figures(administrator):
    previous = Tariff.objects.get(service__code="HT-KS")
    tariff = tariff_change(actor=administrator, service=birth(), **GOOD)
    entry = AuditEntry.objects.get(action="tariff.changed")
    assert (entry.object_type, entry.object_id, entry.actor_id) == (
        "revenue_share.tariff", str(tariff.pk), administrator.pk,
    )  # fmt: skip
    assert entry.organisation_id == administrator.memberships.get().organisation_id
    assert entry.before == {
        "service_id": previous.service_id, "amount": "8000.0000", "currency": "VND", "vat_rate": "0.000000",
        "valid_from": "2026-01-01", "valid_to": None, "basis": BASIS,
    }  # fmt: skip
    assert entry.after == {
        "service_id": previous.service_id, "amount": "9000.0000", "currency": "VND", "vat_rate": "0.100000",
        "valid_from": "2027-01-01", "valid_to": None, "basis": REGULATION,
        "closed": [{"id": previous.pk, "valid_to": "2026-12-31"}],
    }  # fmt: skip


def test_a_superuser_records_a_change_and_a_second_change_closes_the_first(administrator):
    superuser = member(Role.FINANCE_OFFICER, is_superuser=True)
    tariff_change(actor=administrator, service=birth(), **GOOD)
    tariff_change(
        actor=superuser,
        service=birth(),
        amount="9500.00",
        vat_rate="0.08",
        valid_from="2027-07-01",
        basis="x",
    )
    assert [(row[0], row[1], row[2]) for row in figures()] == [
        (dt.date(2026, 1, 1), dt.date(2026, 12, 31), Decimal(8000)),
        (dt.date(2027, 1, 1), dt.date(2027, 6, 30), Decimal(9000)),
        (dt.date(2027, 7, 1), None, Decimal(9500)),
    ]


@pytest.mark.parametrize(
    ("case", "change", "field"),
    [
        ("negative amount", {"amount": "-1"}, "amount"),
        ("amount not a number", {"amount": "abc"}, "amount"),
        ("amount not finite", {"amount": "NaN"}, "amount"),
        ("VND amount with decimals", {"amount": "1.5"}, "amount"),
        ("amount as a float", {"amount": 1.5}, "amount"),
        ("blank amount", {"amount": ""}, "amount"),
        ("VAT rate above 1", {"vat_rate": "1.5"}, "vat_rate"),
        ("VAT rate with 7 places", {"vat_rate": "0.1000001"}, "vat_rate"),
        ("impossible date", {"valid_from": "2026-02-30"}, "valid_from"),
        ("date after 2100", {"valid_from": "2101-01-01"}, "valid_from"),
        ("the latest start itself", {"valid_from": "2026-01-01"}, "valid_from"),
        ("before the latest start", {"valid_from": "2025-06-01"}, "valid_from"),
        ("blank basis", {"basis": "  "}, "basis"),
        ("basis too long", {"basis": "x" * 301}, "basis"),
    ],
)
def test_a_bad_input_is_a_400_naming_its_field_and_writes_nothing(administrator, case, change, field):
    service = birth()
    with assert_nothing_written(), pytest.raises(ValidationFailed) as refused:
        tariff_change(actor=administrator, service=service, **{**GOOD, **change})
    assert (refused.value.code, list(refused.value.fields)) == ("catalogue.invalid_tariff", [field]), case


def test_a_start_not_after_the_latest_names_the_latest_start(administrator):
    with pytest.raises(ValidationFailed) as refused:
        tariff_change(actor=administrator, service=birth(), **{**GOOD, "valid_from": "2025-06-01"})
    assert "2026-01-01" in refused.value.fields["valid_from"]


def test_every_problem_is_reported_together(administrator):
    with assert_nothing_written(), pytest.raises(ValidationFailed) as refused:
        tariff_change(
            actor=administrator, service=birth(), amount="-1", vat_rate="2", valid_from="", basis=""
        )
    assert sorted(refused.value.fields) == ["amount", "basis", "valid_from", "vat_rate"]


@pytest.mark.parametrize("role", [Role.FINANCE_OFFICER, Role.APPROVER, Role.BID_PREPARER])
def test_only_administrators_change_tariffs(role):
    person = member(role)
    with assert_nothing_written(), pytest.raises(PermissionDenied) as refused:
        tariff_change(actor=person, service=birth(), **GOOD)
    assert refused.value.code == "catalogue.forbidden"


def test_an_inactive_service_is_a_conflict(administrator):
    Service.objects.filter(code="HT-KS").update(active=False)
    with assert_nothing_written(), pytest.raises(Conflict):
        tariff_change(actor=administrator, service=birth(), **GOOD)


def test_a_service_without_tariffs_takes_any_start_in_vnd(administrator):
    service = Service.objects.create(
        code="NEW", name="Mới", name_en="New", unit="hồ sơ", unit_en="application", sector="S", sector_en="S"
    )
    tariff = tariff_change(actor=administrator, service=service, **{**GOOD, "valid_from": "2020-03-01"})
    assert (tariff.currency, tariff.valid_from, tariff.valid_to) == ("VND", dt.date(2020, 3, 1), None)
    assert AuditEntry.objects.get(action="tariff.changed").before is None


# --- the page --------------------------------------------------------------------------------------


def _url(code: str = "HT-KS") -> str:
    return reverse("revenue_share:service_detail", args=[code])


def _form(vat_percent: str = "10", **change: str) -> dict[str, str]:
    return {**GOOD, "vat_rate": vat_percent, **change}


def test_the_administrator_records_a_change_on_the_page_and_sees_both_rows(administrator):
    client = client_for(administrator)
    page = client.get(_url())
    assert page.status_code == 200 and 'data-testid="tariff-change-form"' in page.text
    assert 'for="id_amount"' in page.text and 'type="date"' in page.text
    # Typed as a Vietnamese reader writes nine thousand and ten and a half per cent.
    response = client.post(_url(), _form(amount="9.000", vat_percent="10,5"))
    assert response.status_code == 302 and response["Location"] == _url()
    assert figures()[1] == (dt.date(2027, 1, 1), None, Decimal(9000), Decimal("0.105"), REGULATION)
    page = client.get(_url())
    message = page.text.split('class="messages"')[1].split("</ul>")[0]
    assert "HT-KS" in message and "9.000 ₫" in message and "01/01/2027" in message
    old = page.text.split('data-testid="tariff-2026-01-01"')[1].split("</tr>")[0]
    new = page.text.split('data-testid="tariff-2027-01-01"')[1].split("</tr>")[0]
    assert "31/12/2026" in old and "8.000 ₫" in old and "0 %" in old and escape(BASIS) in old
    assert "9.000 ₫" in new and "10,5 %" in new and REGULATION in new
    old_in_force = dt.date.today() <= dt.date(2026, 12, 31)
    assert ('data-testid="in-force"' in old, 'data-testid="in-force"' in new) == (
        old_in_force,
        not old_in_force,
    )


def test_a_bad_post_is_a_400_with_the_error_next_to_the_field(administrator):
    client = client_for(administrator)
    with assert_nothing_written():
        response = client.post(_url(), _form(valid_from="2026-01-01"))
    assert response.status_code == 400 and 'id="id_valid_from_error"' in response.text
    assert "2026-01-01" in response.text.split('id="id_valid_from_error"')[1].split("</div>")[0]
    with assert_nothing_written():
        response = client.post(_url(), _form(vat_percent="150"))
    assert response.status_code == 400 and 'id="id_vat_rate_error"' in response.text
    with assert_nothing_written():
        response = client.post(_url(), _form(amount=""))  # refused by the form before the service
    assert response.status_code == 400 and 'id="id_amount_error"' in response.text


def test_a_finance_officer_sees_the_history_but_no_form_and_may_not_post():
    finance = client_for(member(Role.FINANCE_OFFICER))
    page = finance.get(_url())
    assert page.status_code == 200 and 'data-testid="tariff-2026-01-01"' in page.text
    assert 'data-testid="tariff-change-form"' not in page.text
    with assert_nothing_written():
        assert finance.post(_url(), _form()).status_code == 403


def test_an_unknown_service_is_a_404_and_the_list_links_to_each_service(administrator):
    client = client_for(administrator)
    assert client.get(_url("NOPE")).status_code == 404
    with assert_nothing_written():
        assert client.post(_url("NOPE"), _form()).status_code == 404
    listing = client.get(reverse("revenue_share:service_list"))
    assert f'href="{_url()}"' in listing.text


def test_an_inactive_service_offers_no_form_and_a_post_is_a_409(administrator):
    Service.objects.filter(code="HT-KS").update(active=False)
    client = client_for(administrator)
    page = client.get(_url())
    assert (
        'data-testid="service-inactive"' in page.text and 'data-testid="tariff-change-form"' not in page.text
    )
    with assert_nothing_written():
        response = client.post(_url(), _form())
    assert response.status_code == 409 and 'data-testid="form-errors"' in response.text


# --- the API ---------------------------------------------------------------------------------------


def test_the_api_records_a_change(administrator):
    response = API.post("/services/HT-KS/tariffs", json=GOOD, user=administrator)
    assert response.status_code == 201
    tariff = Tariff.objects.get(service__code="HT-KS", valid_from=dt.date(2027, 1, 1))
    assert response.json() == {
        "id": tariff.pk, "service": "HT-KS", "amount": "9000", "vat_rate": "0.1", "currency": "VND",
        "valid_from": "2027-01-01", "valid_to": None, "basis": REGULATION,
    }  # fmt: skip
    assert figures()[0][1] == dt.date(2026, 12, 31)


@pytest.mark.parametrize("role", [Role.FINANCE_OFFICER, Role.APPROVER, Role.BID_PREPARER])
def test_the_api_refuses_non_administrators(role):
    person = member(role)
    with assert_nothing_written():
        response = API.post("/services/HT-KS/tariffs", json=GOOD, user=person)
    assert response.status_code == 403 and response.json()["code"] == "catalogue.forbidden"


def test_the_api_refuses_anonymous_unknown_bad_and_inactive(administrator):
    with assert_nothing_written():
        assert API.post("/services/HT-KS/tariffs", json=GOOD).status_code == 401
        unknown = API.post("/services/NOPE/tariffs", json=GOOD, user=administrator)
        bad = API.post("/services/HT-KS/tariffs", json={**GOOD, "amount": "1.5"}, user=administrator)
    assert (unknown.status_code, unknown.json()["code"]) == (404, "service.not_found")
    assert (bad.status_code, list(bad.json()["fields"])) == (400, ["amount"])
    Service.objects.filter(code="HT-KS").update(active=False)
    with assert_nothing_written():
        inactive = API.post("/services/HT-KS/tariffs", json=GOOD, user=administrator)
    assert (inactive.status_code, inactive.json()["code"]) == (409, "catalogue.service_inactive")


def test_the_navigation_leads_administrators_and_finance_to_the_catalogue_but_not_vendors(administrator):
    link = f'href="{reverse("revenue_share:service_list")}"'
    for person, expected in (
        (administrator, True),
        (member(Role.FINANCE_OFFICER), True),
        (member(Role.BID_PREPARER), False),
    ):
        page = client_for(person).get("/")
        nav = page.text.split("<nav")[1].split("</nav>")[0]
        assert (link in nav) is expected, person
