"""The actuals page of a contract: the upload form for the people who may upload, every problem of a
refused file in a table (row, column, problem) with nothing written, the uploads, the pivot of months
and services and the KPI measurements; the contract's 404 for outsiders, the sign-in page for
anonymous visitors."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from revenue_share.models import PeriodActual
from tests.revenue_share import test_actuals_services as base
from tests.revenue_share.test_actuals_services import MARCH_AND_APRIL, VOLUMES_HEADER, csv_file, upload
from tests.roles import assert_nothing_written, client_for

pytestmark = pytest.mark.django_db
world, _media = base.world, base._media  # the fixtures
GOOD = "2026-03,HT-KS,1200,10560000,88000,105600,950400,VND"


def page_url(world: dict[str, Any]) -> str:
    return reverse("revenue_share:actuals", args=[world["contract"].pk])


def test_the_page_shows_the_form_the_uploads_the_pivot_and_the_kpis(world):
    upload(world, csv_file(*MARCH_AND_APRIL))
    upload(world, csv_file("period,kpi_code,value", "2026-03,AVAIL,99.72"), kind="kpis")
    client = client_for(world["finance"])
    client.cookies["django_language"] = "en"
    html = client.get(page_url(world), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-testid="actuals-form"' in html and 'enctype="multipart/form-data"' in html
    march = html.split('data-testid="month-2026-03"')[1].split("</tr>")[0]
    assert (
        "1,200" in march
        and "10,560,000 VND" in march
        and "1,000,000 VND" in march
        and "11,560,000 VND" in march
    )
    assert "99.72" in html.split('data-testid="kpi-2026-03"')[1].split("</tr>")[0]
    assert html.count('data-testid="upload-status"') == 2
    reader = client_for(world["approver"]).get(page_url(world)).content.decode()
    assert 'data-testid="period-pivot"' in reader and 'data-testid="actuals-form"' not in reader
    # No availability payment, so no table of availability failures.
    assert 'data-testid="failure-table"' not in html


def test_the_page_upload_shows_every_problem_in_a_table_and_imports_a_good_file(world):
    client = client_for(world["preparer"])
    bad = csv_file(VOLUMES_HEADER, "2026-03,HT-XX,1,8800,0,0,800,VND", "2026-03,HT-KS,x,8800,0,0,800,VND")
    with assert_nothing_written():
        response = client.post(page_url(world), {"file": bad, "kind": "volumes"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    table = response.content.decode().split('data-testid="problems"')[1].split("</table>")[0]
    assert (
        table.count("<tr>") == 3 and "unknown service &#x27;HT-XX&#x27;" in table and "valid_volume" in table
    )
    done = client.post(page_url(world), {"file": csv_file(*MARCH_AND_APRIL), "kind": "volumes"})
    assert done.status_code == 302 and done["Location"] == page_url(world)
    assert PeriodActual.objects.count() == 3


def test_the_page_is_the_contracts_404_for_outsiders_and_the_sign_in_page_for_anonymous(world):
    file = csv_file(VOLUMES_HEADER, GOOD)
    anonymous, other_vendor, other_agency, evaluator = (
        client_for(who) for who in (None, world["other_preparer"], world["outsider"], world["evaluator"])
    )
    with assert_nothing_written():
        assert anonymous.get(page_url(world)).status_code == 302
        assert other_vendor.get(page_url(world)).status_code == 404
        assert other_agency.post(page_url(world), {"file": file, "kind": "volumes"}).status_code == 404
        file.seek(0)
        assert evaluator.post(page_url(world), {"file": file, "kind": "volumes"}).status_code == 403
    assert reverse("revenue_share:actuals", args=[7]) == "/revenue-share/contracts/7/actuals/"
