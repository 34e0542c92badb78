"""`manage.py seed_demo`: the demo organisations and one person per role, once. A rerun leaves existing
rows as they are, except that it puts back a README password someone changed (and audits that)."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from ppp import demo
from ppp.models import AuditEntry, Membership, Organisation, User
from tests.roles import database_fingerprint, row_snapshot

pytestmark = pytest.mark.django_db


def test_the_first_run_creates_every_organisation_person_and_role():
    returned = demo.seed()
    assert returned == demo.USERS
    assert sorted(Organisation.objects.values_list("tax_code", "kind", "is_verified")) == sorted(
        (spec.tax_code, str(spec.kind), spec.verified) for spec in demo.ORGANISATIONS
    )
    for spec in demo.USERS:
        user = User.objects.get(username=spec.username)
        assert user.check_password(spec.password), spec.username
        assert (user.full_name, user.is_superuser, user.is_staff) == (
            spec.full_name,
            spec.superuser,
            spec.superuser,
        )
        assert sorted(Membership.objects.filter(user=user).values_list("role", flat=True)) == sorted(
            spec.roles
        )
    agency = Organisation.objects.get(tax_code=demo.AGENCY_TAX_CODE)
    assert agency.reviewing_body == Organisation.objects.get(tax_code="5700100001")
    assert list(AuditEntry.objects.values_list("action", "after")) == [
        ("demo.seeded", {"users": len(demo.USERS)})
    ]


def test_a_rerun_changes_nothing():
    demo.seed()
    verified = timezone.now() - dt.timedelta(days=30)
    Organisation.objects.filter(is_verified=True).update(verified_at=verified)
    organisations = list(Organisation.objects.order_by("pk"))
    users = list(User.objects.order_by("pk"))
    memberships = list(Membership.objects.order_by("pk"))
    before_rows = row_snapshot(*organisations, *users, *memberships)
    before_tables = database_fingerprint()

    demo.seed()

    assert database_fingerprint() == before_tables
    assert row_snapshot(*organisations, *users, *memberships) == before_rows
    assert set(Organisation.objects.filter(is_verified=True).values_list("verified_at", flat=True)) == {
        verified
    }


def test_a_rerun_leaves_what_an_administrator_changed_on_a_demo_row():
    demo.seed()
    Organisation.objects.filter(tax_code="0101234567").update(name="Công ty Đổi Tên", is_verified=False)
    User.objects.filter(username="finance").update(full_name="Nguyễn Thị Hoa (nghỉ phép)")
    Membership.objects.filter(user__username="approver").update(is_senior=False)
    demo.seed()
    assert Organisation.objects.filter(tax_code="0101234567").values_list("name", "is_verified").get() == (
        "Công ty Đổi Tên",
        False,
    )
    assert User.objects.get(username="finance").full_name == "Nguyễn Thị Hoa (nghỉ phép)"
    assert Membership.objects.get(user__username="approver").is_senior is False


def test_a_rerun_puts_back_a_changed_readme_password_and_audits_it():
    demo.seed()
    finance = User.objects.get(username="finance")
    finance.set_password("Someone-Else-Chose-99")
    finance.save(update_fields=["password"])
    agency = Organisation.objects.get(tax_code=demo.AGENCY_TAX_CODE)
    start = AuditEntry.objects.order_by("-sequence").values_list("sequence", flat=True).first()

    demo.seed()

    finance.refresh_from_db()
    assert finance.check_password("Finance-Demo-2026")
    written = list(
        AuditEntry.objects.filter(sequence__gt=start).values_list(
            "action", "actor_id", "actor_label", "organisation_id", "object_type", "object_id", "after"
        )
    )
    assert written == [
        (
            "demo.password_reset",
            None,
            "seed_demo",
            agency.pk,
            "ppp.user",
            str(finance.pk),
            {"username": "finance", "reason": "the password differed from the one in the README"},
        )
    ]


def test_seed_demo_prints_the_sign_in_address_of_this_site(settings, monkeypatch):
    from ppp.management.commands import seed_demo

    calls = []
    monkeypatch.setattr(seed_demo.costing_demo, "seed", lambda **kwargs: calls.append(kwargs) or [])
    settings.SITE_URL = "http://127.0.0.1:8123"
    out = StringIO()
    call_command("seed_demo", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0] == "Demo data ready. Sign in at http://127.0.0.1:8123/login/ as:"
    assert lines[1].split() == ["admin", "Admin-Demo-2026", "administrator"]
    assert len(calls) == 1 and calls[0]["agency"].tax_code == demo.AGENCY_TAX_CODE

    settings.SITE_URL = "https://ppp.example.vn/"
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert out.getvalue().splitlines()[0] == "Demo data ready. Sign in at https://ppp.example.vn/login/ as:"
