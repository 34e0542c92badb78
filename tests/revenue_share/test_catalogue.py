"""The catalogue of digital public services: shipped with a tariff each, named in both languages,
read on a page and through the API with the tariff in force on a chosen day; a tariff change is a new
dated row, so each day has exactly the tariff it had."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from revenue_share import selectors
from revenue_share.catalogue_seed import SERVICES
from revenue_share.models import Service, Tariff
from tests.contracts.test_agency_pages import client_for, text_of
from tests.factories import member

pytestmark = pytest.mark.django_db


def raise_tariff(code: str = "DN-DKDN") -> None:
    """Business registration: 25,000 until 30 June 2026, then 30,000."""
    first = Tariff.objects.get(service__code=code)
    Tariff.objects.filter(pk=first.pk).update(valid_to=dt.date(2026, 6, 30))
    Tariff.objects.create(service=first.service, amount=Decimal(30000), valid_from=dt.date(2026, 7, 1),
                          basis="Quyết định điều chỉnh giá dịch vụ")  # fmt: skip


def test_the_shipped_catalogue_names_each_service_in_both_languages_with_a_tariff():
    assert Service.objects.count() == len(SERVICES) == 16
    birth = Service.objects.get(code="HT-KS")
    assert (birth.name, birth.name_en, birth.sector, birth.sector_en) == (
        "Đăng ký khai sinh", "Birth registration", "Hộ tịch", "Civil status",
    )  # fmt: skip
    assert {
        s.code for s in selectors.service_list(on=dt.date(2026, 1, 1)) if len(s.current_tariffs) == 1
    } == {row[0] for row in SERVICES}
    assert not any(s.current_tariffs for s in selectors.service_list(on=dt.date(2025, 12, 31)))


def test_a_tariff_change_is_a_new_row_and_each_day_reads_the_tariff_it_had():
    raise_tariff()
    assert selectors.tariff_map(codes=["DN-DKDN"], on=dt.date(2026, 6, 30))["DN-DKDN"].amount == 25000
    assert selectors.tariff_map(codes=["DN-DKDN"], on=dt.date(2026, 7, 1))["DN-DKDN"].amount == 30000
    assert selectors.tariff_map(codes=["DN-DKDN", "NOPE"], on=dt.date(2025, 1, 1)) == {}


def test_the_page_shows_the_tariffs_of_the_chosen_day_in_the_readers_language(django_assert_max_num_queries):
    raise_tariff()
    finance = member_client("vi")
    page = text_of(finance.get(reverse("revenue_share:service_list") + "?on=2026-07-01"))
    row = page.split('data-testid="service-DN-DKDN"')[1].split("</tr>")[0]
    assert "Đăng ký thành lập doanh nghiệp" in row and "30.000 ₫" in row and "01/07/2026" in row
    english = text_of(member_client("en").get(reverse("revenue_share:service_list") + "?on=2026-06-30"))
    row = english.split('data-testid="service-DN-DKDN"')[1].split("</tr>")[0]
    assert "Business registration" in row and "25,000 VND" in row
    with django_assert_max_num_queries(12):
        finance.get(reverse("revenue_share:service_list"))


def member_client(language: str):  # type: ignore[no-untyped-def]
    from ppp.models import Role

    return client_for(member(Role.FINANCE_OFFICER), language)


def test_the_api_lists_services_with_the_tariff_of_a_day_and_one_service_with_all_its_tariffs():
    from django.test import Client

    from ppp.models import Role

    raise_tariff()
    client = Client()
    client.force_login(member(Role.FINANCE_OFFICER))
    rows = client.get("/api/v1/revenue-share/services", {"on": "2026-07-01"}).json()
    business = next(row for row in rows if row["code"] == "DN-DKDN")
    assert business["tariff"]["amount"] == "30000" and business["tariff"]["valid_from"] == "2026-07-01"
    detail = client.get("/api/v1/revenue-share/services/DN-DKDN").json()
    assert [(t["amount"], t["valid_from"], t["valid_to"]) for t in detail["tariffs"]] == [
        ("25000", "2026-01-01", "2026-06-30"),
        ("30000", "2026-07-01", None),
    ]
    missing = client.get("/api/v1/revenue-share/services/NOPE")
    assert (missing.status_code, missing.json()["code"]) == (404, "service.not_found")
    bad = client.get("/api/v1/revenue-share/services", {"on": "2026-02-30"})
    assert bad.status_code in (400, 422) and "on" in str(bad.json())
    assert Client().get("/api/v1/revenue-share/services").status_code == 401
