"""The XLSX bid price form: download, fill, upload; all or nothing, every error by sheet and cell."""

from __future__ import annotations

import io

import pytest
from django.utils import translation
from openpyxl import load_workbook

from contracts import services
from contracts.models import BidPrice
from contracts.spreadsheets import price_form
from ppp.errors import ValidationFailed
from tests.contracts.conftest import D, published_tender
from tests.roles import assert_nothing_written

pytestmark = pytest.mark.django_db


def filled(tender, edit=None) -> bytes:  # type: ignore[no-untyped-def]
    prices = {
        "HOST": [40_000_000, 40_000_000, 40_000_000],
        "SUPPORT": [250_000_000, 250_000_000, 260_000_000],
    }
    book = load_workbook(io.BytesIO(price_form(tender=tender, language="en")))
    sheet = book["Prices"]
    keys = {sheet.cell(4, column).value: column for column in range(1, sheet.max_column + 1)}
    rows = {sheet.cell(row, 1).value: row for row in range(5, sheet.max_row + 1)}
    prices = {
        "HOST": [40_000_000, 40_000_000, 40_000_000],
        "SUPPORT": [250_000_000, 250_000_000, 260_000_000],
    }
    for code, values in prices.items():
        for year, value in enumerate(values):
            sheet.cell(rows[code], keys[f"price:{year}"], value)
    if edit:
        edit(book, keys, rows)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture
def bid(world):  # type: ignore[no-untyped-def]
    tender = published_tender(world)
    return services.bid_create(actor=world["preparer_a"], tender=tender, vendor=world["vendor_a"])


def test_the_blank_form_lists_the_schedule_with_its_quantities(world, bid):
    book = load_workbook(io.BytesIO(price_form(tender=bid.tender, language="vi")))
    sheet = book["Prices"]
    assert sheet.cell(3, 1).value == "Mã" and sheet.cell(3, 6).value == "Đơn giá 2026"
    assert [sheet.cell(row, 1).value for row in (5, 6)] == ["HOST", "SUPPORT"]
    assert [sheet.cell(5, column).value for column in (5, 8, 11)] == [12, 12, 12]
    assert sheet.protection.sheet


def test_a_filled_form_prices_the_bid_and_keeps_what_the_bidder_wrote(world, bid):
    def write_amount_and_total(book, keys, rows):  # type: ignore[no-untyped-def]
        book["Prices"].cell(rows["HOST"], keys["amount:0"], 470_000_000)
        book["Summary"]["B3"] = 2_950_000_000

    services.bid_prices_import(
        actor=world["preparer_a"], bid=bid, data=filled(bid.tender, write_amount_and_total)
    )
    prices = {p.item.code: (p.unit_prices, p.stated_amounts) for p in BidPrice.objects.filter(bid=bid)}
    assert prices["HOST"] == (["40000000", "40000000", "40000000"], ["470000000", None, None])
    assert prices["SUPPORT"] == (["250000000", "250000000", "260000000"], None)
    bid.refresh_from_db()
    assert bid.stated_total == D(2_950_000_000)
    # A pre-filled download gives the saved prices back.
    again = load_workbook(io.BytesIO(price_form(tender=bid.tender, bid=bid, language="en")))["Prices"]
    assert again.cell(5, 6).value == 40_000_000


def test_every_error_is_named_by_its_cell_and_nothing_is_saved(world, bid):
    def spoil(book, keys, rows):  # type: ignore[no-untyped-def]
        sheet = book["Prices"]
        sheet.cell(rows["HOST"], keys["q:1"], 13)  # a quantity changed
        sheet.cell(rows["HOST"], keys["price:2"], "bốn mươi triệu")  # text in a number cell
        sheet.cell(rows["SUPPORT"], keys["price:0"]).value = None  # a missing price where there is a quantity
        sheet.cell(rows["SUPPORT"], keys["amount:1"], -5)  # a negative amount
        sheet.cell(7, 1, "EXTRA")  # an item the schedule does not have

    with translation.override("en"), assert_nothing_written(bid), pytest.raises(ValidationFailed) as error:
        services.bid_prices_import(actor=world["preparer_a"], bid=bid, data=filled(bid.tender, spoil))
    fields = error.value.fields
    assert set(fields) == {"Prices!H5", "Prices!L5", "Prices!F6", "Prices!J6", "Prices!A7"}
    assert "cannot change" in fields["Prices!H5"]
    assert "is not a number" in fields["Prices!L5"]
    assert error.value.message == "The workbook has 5 errors; nothing was imported."


def test_a_missing_item_or_sheet_and_a_file_that_is_not_a_workbook(world, bid):
    def drop_support(book, keys, rows):  # type: ignore[no-untyped-def]
        book["Prices"].delete_rows(rows["SUPPORT"])

    with translation.override("en"):
        with pytest.raises(ValidationFailed) as error:
            services.bid_prices_import(
                actor=world["preparer_a"], bid=bid, data=filled(bid.tender, drop_support)
            )
        assert error.value.fields == {"Prices!SUPPORT": "missing item SUPPORT"}
        with pytest.raises(ValidationFailed) as error:
            services.bid_prices_import(actor=world["preparer_a"], bid=bid, data=b"not a workbook")
        assert "file" in error.value.fields
        with pytest.raises(ValidationFailed) as error:
            services.check_upload(name="gia.xlsx", size=6 * 1024 * 1024)
        assert error.value.fields == {"file": "over the size limit"}
