"""A refused workbook import is explained in the reader's language, through the page and the API,
with each error still keyed by its sheet and cell ("Lines!G3", "Risks")."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import escape
from openpyxl import load_workbook

from costing.spreadsheets import build_template
from tests.costing.api_support import BASE, make_world
from tests.roles import assert_nothing_written

pytestmark = pytest.mark.django_db

# The workbook below fails in exactly two places: text in the unit cost of the one line (Lines!G3)
# and the Risks sheet deleted.
EXPECTED = {
    "vi": {
        "message": "Tệp có 2 lỗi; không có gì được nhập.",
        "fields": {
            "Lines!G3": "nội dung 'một trăm triệu' không phải là số",
            "Risks": "thiếu trang tính",
        },
    },
    "en": {
        "message": "The workbook has 2 errors; nothing was imported.",
        "fields": {
            "Lines!G3": "text 'một trăm triệu' is not a number",
            "Risks": "missing sheet",
        },
    },
}


@pytest.fixture
def world():
    return make_world()


def filled(sheet, row: int, **values: Any) -> None:
    """Write values by the machine keys of row 2, as the reader finds them."""
    columns = {cell.value: cell.column for cell in sheet[2] if cell.value}
    for key, value in values.items():
        sheet.cell(row, columns[key]).value = value


def two_mistakes() -> bytes:
    """The Vietnamese template, filled the way a finance officer would, with text in a number cell."""
    book = load_workbook(io.BytesIO(build_template("vi")))
    model = book["Model"]
    rows = {model.cell(row, 2).value: row for row in range(3, model.max_row + 1)}
    values = {"name": "Cổng dịch vụ công tỉnh", "currency": "VND", "base_year": 2026, "horizon": 3}
    values |= {"basis": "real", "discount_rate": 0.05, "vat_rate": 0.1, "general_escalation": 0.04}
    for key, value in values.items():
        model.cell(rows[key], 3).value = value
    filled(book["Options"], 3, kind="in_house", name="Tự thực hiện")
    filled(book["Lines"], 3, option="in_house", code="HW", name="Máy chủ", category="equipment_hardware")
    filled(book["Lines"], 3, kind="capex", unit="bộ", unit_cost="một trăm triệu", y0=4)
    assert book["Lines"]["G2"].value == "unit_cost"  # the cell the error must name
    del book["Risks"]
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def upload(content: bytes) -> io.BytesIO:
    file = io.BytesIO(content)
    file.name = "mo-hinh.xlsx"
    return file


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_api_explains_a_refused_workbook_in_the_requested_language(world, language):
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(world["finance"])
    with assert_nothing_written():
        response = client.post(f"{BASE}/models/import", {"file": upload(two_mistakes())})
    assert response.status_code == 400
    assert response["Content-Language"] == language
    assert response.json() == {"code": "costing.workbook_invalid", **EXPECTED[language]}


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_import_page_lists_each_cell_with_its_problem_in_the_readers_language(world, language):
    client = Client()
    client.force_login(world["finance"])
    client.cookies["ppp_language"] = language
    with assert_nothing_written():
        response = client.post(reverse("costing:model_import"), {"file": upload(two_mistakes()), "name": ""})
    assert response.status_code == 400
    page = response.content.decode()
    assert f'lang="{language}"' in page
    assert f"<p>{EXPECTED[language]['message']}</p>" in page
    for where, problem in EXPECTED[language]["fields"].items():
        assert f'<th scope="row"><code>{where}</code></th><td>{escape(problem)}</td>' in page


def test_the_language_follows_each_request_not_the_one_before(world):
    """A Vietnamese request right after an English one (same thread) still reads Vietnamese."""
    english = Client(HTTP_ACCEPT_LANGUAGE="en")
    vietnamese = Client(HTTP_ACCEPT_LANGUAGE="vi")
    for client in (english, vietnamese):
        client.force_login(world["finance"])
    data = two_mistakes()
    first = english.post(f"{BASE}/models/import", {"file": upload(data)}).json()
    second = vietnamese.post(f"{BASE}/models/import", {"file": upload(data)}).json()
    assert (first["message"], second["message"]) == (EXPECTED["en"]["message"], EXPECTED["vi"]["message"])
