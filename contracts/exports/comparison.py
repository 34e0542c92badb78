"""The bid comparison as a workbook: the opened bids side by side with the estimate.

Sheet 1 (the comparison): one row per item and year (years in which an item has no quantity and
nobody priced it are left out, as on the page), a column per bid, then the total, the difference
from the estimate and that difference as a share of it. Sheet 2 (the totals): one row per item with
its totals over the years, then the same three rows. Amounts incl. VAT, before discounts and
arithmetic corrections, exactly as `selectors.bid_comparison_for` gives them (nothing is rounded).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl.worksheet.worksheet import Worksheet

from contracts.models import Tender

from ._layout import (
    SHARE_FORMAT,
    amount_format,
    column_labels,
    header_block,
    language_of,
    new_workbook,
    put,
    quantity_format,
    save,
    sheet_title,
)

AMOUNT_WIDTH = 18
SHARE_PLACES = Decimal("0.000001")  # a share to the ten-thousandth of a per cent


def comparison_workbook(*, tender: Tender, data: dict[str, Any], language: str = "vi") -> bytes:
    """`data` is what selectors.bid_comparison_for returned for the reader (who may see it)."""
    with translation.override(language_of(language)):
        workbook, sheet = new_workbook(_("Comparison"))
        keys = [str(entry["bid"]) for entry in data["bids"]]
        vendors = [str(entry["vendor"]) for entry in data["bids"]]
        money = amount_format(tender.currency)
        _lines(sheet, tender, data, keys, vendors, money)
        _totals(workbook.create_sheet(sheet_title(_("Totals"))), tender, data, keys, vendors, money)
        return save(workbook)


def _notes(tender: Tender) -> list[str]:
    return [
        _("Amounts incl. VAT (%(currency)s)") % {"currency": tender.currency},
        _(
            "Each bid item by item and year by year next to what the cost model expected to pay (the "
            "option's own unit costs). Amounts include VAT and are before discounts and arithmetic "
            "corrections. This read is written to the audit log."
        ),
    ]


def _lines(
    sheet: Worksheet, tender: Tender, data: dict[str, Any], keys: list[str], vendors: list[str], money: str
) -> None:
    header = header_block(
        sheet, title=_("Bids side by side with the estimate"), tender=tender, notes=_notes(tender)
    )
    labels = [_("Code"), _("Item"), _("Unit"), _("Year"), _("Quantity"), _("Estimate"), *vendors]
    column_labels(sheet, header, labels, [12, 32, 12, 8, 12, *[AMOUNT_WIDTH] * (len(keys) + 1)])
    row = header + 1
    for item in data["items"]:
        for index, year in enumerate(data["years"]):
            quantity = item["quantities"][index]
            cells = [item["bids"][key][index] for key in keys]
            if not quantity and not item["estimate"][index] and not any(cells):
                continue  # nothing to compare in a year without a quantity
            for column, value in enumerate((item["code"], item["name"], item["unit"], year), start=1):
                put(sheet, row, column, value)
            put(sheet, row, 5, quantity, quantity_format(quantity))
            for column, amount in enumerate([item["estimate"][index], *cells], start=6):
                put(sheet, row, column, amount, money)
            row += 1
    _summary_rows(sheet, row, data, keys, money, label_column=1, first_amount=6)


def _totals(
    sheet: Worksheet, tender: Tender, data: dict[str, Any], keys: list[str], vendors: list[str], money: str
) -> None:
    header = header_block(
        sheet,
        title=_("Whole schedule, incl. VAT (%(currency)s)") % {"currency": tender.currency},
        tender=tender,
    )
    labels = [_("Code"), _("Item"), _("Estimate"), *vendors]
    column_labels(sheet, header, labels, [12, 32, *[AMOUNT_WIDTH] * (len(keys) + 1)])
    row = header + 1
    for item in data["items"]:
        put(sheet, row, 1, item["code"])
        put(sheet, row, 2, item["name"])
        amounts = [item["estimate"], *(item["bids"][key] for key in keys)]
        for column, values in enumerate(amounts, start=3):
            put(sheet, row, column, sum(values, Decimal(0)), money)
        row += 1
    _summary_rows(sheet, row, data, keys, money, label_column=1, first_amount=3)


def _summary_rows(
    sheet: Worksheet,
    row: int,
    data: dict[str, Any],
    keys: list[str],
    money: str,
    *,
    label_column: int,
    first_amount: int,
) -> None:
    """The total, the difference of each bid from the estimate, and that difference as a share of the
    estimate (to six places, half up; none when the estimate is zero)."""
    estimate = data["totals"]["estimate"]
    put(sheet, row, label_column, _("Total"), bold=True)
    put(sheet, row, first_amount, estimate, money, bold=True)
    for offset, key in enumerate(keys, start=1):
        put(sheet, row, first_amount + offset, data["totals"][key], money, bold=True)
    difference_label = _("Difference from the estimate")
    put(sheet, row + 1, label_column, difference_label)
    put(sheet, row + 2, label_column, f"{difference_label} (%)")
    for offset, key in enumerate(keys, start=1):
        difference = data["totals"][key] - estimate
        put(sheet, row + 1, first_amount + offset, difference, money)
        share = (difference / estimate).quantize(SHARE_PLACES, rounding=ROUND_HALF_UP) if estimate else None
        put(sheet, row + 2, first_amount + offset, share, SHARE_FORMAT)
