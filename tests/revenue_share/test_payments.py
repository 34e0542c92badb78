"""Payments of approved statements (services/payments.py, the ledger, the statement page and the API):
what is outstanding after each payment, who may record one, and bad input.

The statement: tests/revenue_share/test_settlements.py's March, approved: the state pays the provider
3,946,170 đ. A first transfer of 3,000,000 leaves 946,170 outstanding, which is the running balance
too (the only approved month); a second of 946,170 settles it.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from ninja import NinjaAPI
from ninja.testing import TestClient

from ppp.api import on_domain_error
from ppp.errors import Conflict, DomainError, PermissionDenied, ValidationFailed
from ppp.models import AuditEntry
from revenue_share import settlement_selectors as selectors
from revenue_share.api_settlements import router
from revenue_share.models import SettlementPayment, SettlementStatement
from revenue_share.services.payments import outstanding, payment_record
from revenue_share.services.settlements import settlement_approve
from tests.revenue_share import test_settlements as base
from tests.revenue_share.test_settlements import compute
from tests.roles import assert_nothing_written, client_for

world, _media, settled = base.world, base._media, base.settled  # the fixtures

pytestmark = pytest.mark.django_db

D = Decimal
_api = NinjaAPI(urls_namespace="payments-test")
_api.add_router("", router)
_api.add_exception_handler(DomainError, on_domain_error)
API = TestClient(_api)


@pytest.fixture
def approved(settled: dict[str, Any]) -> dict[str, Any]:
    settled["statement"] = settlement_approve(actor=settled["approver"], statement=compute(settled))
    return settled


def today() -> str:
    return timezone.localdate().isoformat()


def pay(
    people: dict[str, Any], amount: str, reference: str, actor: str = "finance", **options: Any
) -> SettlementPayment:
    values = {"amount": amount, "paid_on": today(), "reference": reference, **options}
    return payment_record(actor=people[actor], statement=people["statement"], **values)


def test_payments_settle_the_statement_and_the_ledger_shows_what_is_outstanding(approved):
    statement = approved["statement"]
    assert statement.net_payable_by_state == D(3_946_170)
    first = pay(approved, "3000000", "UNC-0001")
    assert (first.amount, first.reference, first.recorded_by) == (
        D(3_000_000),
        "UNC-0001",
        approved["finance"],
    )
    assert outstanding(statement) == D(946_170)
    (row,) = selectors.settlement_ledger_for(user=approved["preparer"], contract=approved["contract"])
    assert (row.amount, row.paid, row.outstanding, row.running_balance) == (
        D(3_946_170),
        D(3_000_000),
        D(946_170),
        D(946_170),
    )
    pay(approved, "946170", "UNC-0002")
    (row,) = selectors.settlement_ledger_for(user=approved["finance"], contract=approved["contract"])
    assert (row.paid, row.outstanding, row.running_balance) == (D(3_946_170), D(0), D(0))
    with pytest.raises(Conflict) as paid:
        pay(approved, "1", "UNC-0003")
    assert paid.value.code == "settlement.paid"
    entry = AuditEntry.objects.filter(action="settlement.payment_recorded").order_by("pk").first()
    assert (
        entry is not None
        and entry.after["outstanding"] == "946170"
        and entry.before["outstanding"] == "3946170"
    )


def test_what_the_provider_owes_is_stored_negative(approved):
    """A statement on which the provider owes the state 500,000 (its stored net amount set so)."""
    SettlementStatement.objects.filter(pk=approved["statement"].pk).update(net_payable_by_state=D(-500_000))
    approved["statement"].refresh_from_db()
    payment = pay(approved, "200000", "GBC-77")
    assert payment.amount == D(-200_000) and outstanding(approved["statement"]) == D(-300_000)
    with pytest.raises(ValidationFailed) as error:
        pay(approved, "300001", "GBC-78")
    assert "amount" in error.value.fields


@pytest.mark.parametrize(
    ("options", "field"),
    [
        ({"amount": "-5"}, "amount"),
        ({"amount": "0"}, "amount"),
        ({"amount": "abc"}, "amount"),
        ({"amount": "NaN"}, "amount"),
        ({"amount": "1.5"}, "amount"),  # VND has no minor unit
        ({"amount": "3946171"}, "amount"),  # one đồng above what is outstanding
        ({"paid_on": "2026-02-30"}, "paid_on"),
        ({"paid_on": "hôm qua"}, "paid_on"),
        ({"paid_on": ""}, "paid_on"),
        ({"reference": ""}, "reference"),
        ({"reference": "x" * 101}, "reference"),
    ],
)
def test_bad_payments_name_the_field_and_write_nothing(approved, options, field):
    with assert_nothing_written(), pytest.raises(ValidationFailed) as error:
        pay(approved, **{"amount": "1000", "reference": "UNC-9", **options})
    assert field in error.value.fields


def test_a_payment_dated_before_the_approval_or_in_the_future_is_refused(approved):
    approved_on = timezone.localtime(approved["statement"].approved_at).date()
    for day in (approved_on - dt.timedelta(days=1), timezone.localdate() + dt.timedelta(days=1)):
        with assert_nothing_written(), pytest.raises(ValidationFailed) as error:
            pay(approved, "1000", "UNC-9", paid_on=day.isoformat())
        assert "paid_on" in error.value.fields


def test_the_same_reference_is_not_recorded_twice(approved):
    pay(approved, "1000", "UNC-1")
    with assert_nothing_written(), pytest.raises(ValidationFailed) as error:
        pay(approved, "2000", "UNC-1")
    assert error.value.fields == {"reference": "đã được ghi nhận"}
    assert outstanding(approved["statement"]) == D(3_945_170)


def test_a_draft_is_not_paid(settled):
    settled["statement"] = compute(settled)
    with assert_nothing_written(), pytest.raises(Conflict) as error:
        pay(settled, "1000", "UNC-1")
    assert error.value.code == "settlement.not_approved"


@pytest.mark.parametrize("person", ["preparer", "signatory", "approver", "other_preparer", "outsider"])
def test_only_the_agencys_finance_officers_record_payments(approved, person):
    with assert_nothing_written(), pytest.raises(PermissionDenied):
        pay(approved, "1000", "UNC-1", actor=person)


# --- the page -----------------------------------------------------------------------------------------


def _detail(statement: SettlementStatement) -> str:
    return reverse("revenue_share:settlement_detail", args=[statement.pk])


def _payments_url(statement: SettlementStatement) -> str:
    return reverse("revenue_share:settlement_payment", args=[statement.pk])


def test_the_finance_officer_records_a_payment_on_the_statement_page(approved):
    statement, finance = approved["statement"], client_for(approved["finance"])
    page = finance.get(_detail(statement))
    assert 'data-testid="payment-form"' in page.text and "3.946.170" in page.text
    response = finance.post(
        _payments_url(statement), {"amount": "3.000.000", "paid_on": today(), "reference": "UNC-1"}
    )
    assert response.status_code == 302 and response["Location"] == _detail(statement)
    page = finance.get(_detail(statement))
    assert 'data-testid="payment-list"' in page.text and "UNC-1" in page.text
    assert '<strong data-testid="outstanding">946.170 ₫</strong>' in page.text
    ledger = finance.get(reverse("revenue_share:settlement_contract", args=[approved["contract"].pk]))
    assert '<td class="num" data-testid="paid">3.000.000 ₫</td>' in ledger.text
    assert '<td class="num" data-testid="running-balance">946.170 ₫</td>' in ledger.text


def test_a_bad_payment_on_the_page_is_a_400_next_to_its_field(approved):
    statement, finance = approved["statement"], client_for(approved["finance"])
    with assert_nothing_written():
        response = finance.post(
            _payments_url(statement), {"amount": "-1", "paid_on": today(), "reference": "X"}
        )
    assert (
        response.status_code == 400 and 'id="id_amount"' in response.text and "aria-invalid" in response.text
    )


def test_the_vendor_sees_the_payments_but_no_form_and_may_not_post(approved):
    statement = approved["statement"]
    pay(approved, "1000", "UNC-1")
    vendor, other = client_for(approved["preparer"]), client_for(approved["other_preparer"])
    page = vendor.get(_detail(statement))
    assert "UNC-1" in page.text and 'data-testid="payment-form"' not in page.text
    with assert_nothing_written():
        assert (
            vendor.post(
                _payments_url(statement), {"amount": "1", "paid_on": today(), "reference": "V"}
            ).status_code
            == 403
        )
        assert (
            other.post(
                _payments_url(statement), {"amount": "1", "paid_on": today(), "reference": "V"}
            ).status_code
            == 404
        )


# --- the API ------------------------------------------------------------------------------------------


def test_the_api_records_and_lists_payments_and_the_ledger_shows_them(approved):
    statement, finance = approved["statement"], approved["finance"]
    created = API.post(
        f"/settlements/{statement.pk}/payments",
        json={"amount": "3000000", "paid_on": today(), "reference": "UNC-1"},
        user=finance,
    )
    assert created.status_code == 201
    assert {k: created.json()[k] for k in ("amount", "reference", "recorded_by")} == {
        "amount": "3000000",
        "reference": "UNC-1",
        "recorded_by": finance.username,
    }
    listed = API.get(f"/settlements/{statement.pk}/payments", user=approved["preparer"])
    assert [p["reference"] for p in listed.json()] == ["UNC-1"]
    ledger = API.get(f"/contracts/{approved['contract'].pk}/settlements", user=finance).json()
    assert [(r["paid"], r["outstanding"], r["running_balance"]) for r in ledger] == [
        ("3000000", "946170", "946170")
    ]
    with assert_nothing_written():
        refused = API.post(
            f"/settlements/{statement.pk}/payments",
            json={"amount": "1", "paid_on": today(), "reference": "V"},
            user=approved["preparer"],
        )
        hidden = API.get(f"/settlements/{statement.pk}/payments", user=approved["other_preparer"])
        bad = API.post(
            f"/settlements/{statement.pk}/payments",
            json={"amount": "abc", "paid_on": today(), "reference": "UNC-2"},
            user=finance,
        )
    assert (refused.status_code, hidden.status_code, bad.status_code) == (403, 404, 400)
    assert "amount" in bad.json()["fields"]
