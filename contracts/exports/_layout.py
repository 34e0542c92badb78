"""What the exported workbooks share: the header block (the title, the tender, a few facts and notes),
the row of column labels, number formats by currency, and the bytes.

Figures are written as numbers, never as text: the reader's spreadsheet shows them with its own
separators. openpyxl writes a number with 16 significant digits (any amount of the schedule is exact:
the price form refuses anything above 10^15). Nothing here rounds a figure it is given; a number
format only decides how many places are shown.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from contracts.models import Tender
from ppp.money import MINOR_UNITS

TITLE_FONT = Font(bold=True, size=13)
BOLD = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDE7F0")
WRAP = Alignment(wrap_text=True, vertical="top")
SCORE_FORMAT = "0.00"
SHARE_FORMAT = "0.0%"
RATE_FORMAT = "0.##%"
MOMENT_FORMAT = "yyyy-mm-dd hh:mm"
WHOLE_FORMAT = "#,##0"
FRACTION_FORMAT = "#,##0.######"
SHEET_TITLE_LENGTH = 31  # Excel's limit
NOT_IN_SHEET_TITLES = re.compile(r"[\[\]:*?/\\]")


def language_of(language: str) -> str:
    """ "en" for any English locale, otherwise "vi" (the default language)."""
    return "en" if (language or "").lower().startswith("en") else "vi"


def amount_format(currency: str) -> str:
    """Thousands separated, with the currency's minor unit (none for VND)."""
    places = MINOR_UNITS.get(currency, 2)
    return WHOLE_FORMAT if places == 0 else f"#,##0.{'0' * places}"


def number(value: Any) -> Decimal | None:
    """A stored figure (Decimal, int or decimal text as in the evaluation's JSON) as Decimal; None when
    blank or not a number."""
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        result = Decimal(str(value))
    except InvalidOperation:
        return None
    return result if result.is_finite() else None


def quantity_format(value: Decimal | None) -> str:
    """Whole quantities without a decimal point; fractional ones with up to six places."""
    if value is None or value == value.to_integral_value():
        return WHOLE_FORMAT
    return FRACTION_FORMAT


def moment(value: dt.datetime | None) -> dt.datetime | None:
    """A stored time in the project's time zone, without tzinfo (Excel has no time zones)."""
    if value is None:
        return None
    return timezone.localtime(value).replace(tzinfo=None)


def sheet_title(text: str) -> str:
    return NOT_IN_SHEET_TITLES.sub("-", text)[:SHEET_TITLE_LENGTH]


def new_workbook(title: str) -> tuple[Workbook, Worksheet]:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None  # a new workbook always has its first sheet
    sheet.title = sheet_title(title)
    return workbook, sheet


def put(
    sheet: Worksheet,
    row: int,
    column: int,
    value: Any,
    number_format: str | None = None,
    *,
    bold: bool = False,
) -> Cell:
    cell = sheet.cell(row, column, value)
    if number_format is not None and value is not None:
        cell.number_format = number_format
    if bold:
        cell.font = BOLD
    return cell


def header_block(
    sheet: Worksheet,
    *,
    title: str,
    tender: Tender,
    facts: Sequence[tuple[str, Any, str | None]] = (),
    notes: Sequence[str] = (),
) -> int:
    """Row 1 the title, row 2 "reference · title", then one row per fact (its label in A, its value in
    B with its number format) and one per note. Returns the row for the column labels, after one
    empty row."""
    sheet.cell(1, 1, title).font = TITLE_FONT
    sheet.cell(2, 1, f"{tender.reference} · {tender.title}").font = BOLD
    row = 3
    for label, value, number_format in facts:
        put(sheet, row, 1, label, bold=True)
        put(sheet, row, 2, value, number_format)
        row += 1
    for note in notes:
        sheet.cell(row, 1, note)
        row += 1
    return row + 1


def column_labels(sheet: Worksheet, row: int, labels: Sequence[str], widths: Sequence[int]) -> None:
    """The row of column labels (bold, shaded, wrapped) and the width of every column; the rows
    above it and the first two columns stay in view."""
    for column, (label, width) in enumerate(zip(labels, widths, strict=True), start=1):
        cell = sheet.cell(row, column, label)
        cell.font, cell.fill, cell.alignment = BOLD, HEADER_FILL, WRAP
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = sheet.cell(row + 1, 3)


def save(workbook: Workbook) -> bytes:
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
