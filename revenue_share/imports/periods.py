"""Imports of per-period files (at most 5 MB, CSV or XLSX): each service's volumes and collections of
a month, and the contract's KPI measurements. Rows are checked one by one in Decimal; every problem
is reported, with its row and column, before anything is written.

Volumes: period (YYYY-MM), service_code, valid_volume, gross_collections, refunds, gateway_fees, vat,
currency. Amounts are in the contract's currency with at most its minor unit's decimals; refunds
cannot exceed gross collections. KPI measurements: period, kpi_code, value.

Columns may come in any order, named in any case; other columns are ignored. Rows left entirely
blank are skipped. In a workbook the first sheet is read; a period may be typed as text (2026-03) or
be a date cell on the first of the month; numbers are cells or text.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import load_workbook

from ppp import workbooks
from ppp.errors import ValidationFailed

from .common import (
    ERROR_CODE,
    OTHER_MAX_BYTES,
    ImportContext,
    Report,
    check_columns,
    decode_head,
    parse_amount,
    parse_measurement,
    parse_period,
    parse_volume,
    read_header,
    reject,
    shown,
    taken_message,
)

VOLUME_COLUMNS = (
    "period",
    "service_code",
    "valid_volume",
    "gross_collections",
    "refunds",
    "gateway_fees",
    "vat",
    "currency",
)
KPI_COLUMNS = ("period", "kpi_code", "value")
MONEY_COLUMNS = ("gross_collections", "refunds", "gateway_fees", "vat")


@dataclass(frozen=True)
class PeriodFigures:
    """One service in one month, as the file states it (amounts in the contract's currency)."""

    row: int
    period: dt.date
    service: str
    valid_volume: int
    gross_collections: Decimal
    refunds: Decimal
    gateway_fees: Decimal
    vat: Decimal


@dataclass(frozen=True)
class KpiFigure:
    row: int
    period: dt.date
    code: str
    value: Decimal


@dataclass(frozen=True)
class Parsed:
    rows: int  # data rows read (blank rows not counted)
    items: tuple[Any, ...]


def parse_volumes(data: bytes, file_format: str, context: ImportContext) -> Parsed:
    report = Report()
    seen: dict[tuple[dt.date, str], int] = {}
    items: list[PeriodFigures] = []
    count = 0
    for row, values in _rows(data, file_format, VOLUME_COLUMNS):
        count += 1
        period = parse_period(report, row, "period", values["period"], context)
        code = values["service_code"]
        if not code:
            report.add(row, "service_code", _("This field is required."))
        elif code not in context.services:
            report.add(row, "service_code", _("unknown service %(code)s") % {"code": shown(code)})
            code = ""
        volume = parse_volume(report, row, "valid_volume", values["valid_volume"])
        amounts = {
            name: parse_amount(report, row, name, values[name], context.places) for name in MONEY_COLUMNS
        }
        currency = values["currency"].upper()
        if not currency:
            report.add(row, "currency", _("This field is required."))
        elif currency != context.currency:
            report.add(
                row,
                "currency",
                _("%(currency)s is not the contract's currency %(expected)s")
                % {"currency": shown(values["currency"]), "expected": context.currency},
            )
        gross, refunds = amounts["gross_collections"], amounts["refunds"]
        if gross is not None and refunds is not None and refunds > gross:
            report.add(row, "refunds", _("refunds cannot exceed gross collections"))
        if period is None or not code:
            continue
        if _taken_or_repeated(report, row, (period, code), seen, context, column="service_code"):
            continue
        if volume is None or any(value is None for value in amounts.values()):
            continue
        items.append(PeriodFigures(row, period, code, volume, **amounts))  # type: ignore[arg-type]
    if not count:
        report.add(None, "file", _("the file has no data rows"))
    report.raise_if_any()
    return Parsed(count, tuple(items))


def parse_kpis(data: bytes, file_format: str, context: ImportContext) -> Parsed:
    report = Report()
    seen: dict[tuple[dt.date, str], int] = {}
    items: list[KpiFigure] = []
    count = 0
    for row, values in _rows(data, file_format, KPI_COLUMNS):
        count += 1
        period = parse_period(report, row, "period", values["period"], context)
        code = values["kpi_code"]
        if not code:
            report.add(row, "kpi_code", _("This field is required."))
        elif code not in context.kpi_codes:
            report.add(row, "kpi_code", _("%(code)s is not a KPI of this contract") % {"code": shown(code)})
            code = ""
        value = parse_measurement(report, row, "value", values["value"])
        if period is None or not code:
            continue
        if _taken_or_repeated(report, row, (period, code), seen, context, column="kpi_code"):
            continue
        if value is not None:
            items.append(KpiFigure(row, period, code, value))
    if not count:
        report.add(None, "file", _("the file has no data rows"))
    report.raise_if_any()
    return Parsed(count, tuple(items))


def _taken_or_repeated(
    report: Report,
    row: int,
    pair: tuple[dt.date, str],
    seen: dict[tuple[dt.date, str], int],
    context: ImportContext,
    *,
    column: str,
) -> bool:
    if pair in seen:
        report.add(
            row,
            column,
            _("%(period)s %(code)s repeats row %(row)d")
            % {"period": f"{pair[0]:%Y-%m}", "code": pair[1], "row": seen[pair]},
        )
        return True
    seen[pair] = row
    if pair in context.taken:
        report.add(row, "period", taken_message(*pair))
        return True
    return False


# --- reading the rows ----------------------------------------------------------------------------


def _rows(data: bytes, file_format: str, required: tuple[str, ...]) -> Iterator[tuple[int, dict[str, str]]]:
    """(row number, {column: text}) of every row that is not entirely blank; the header is row 1."""
    if file_format == "xlsx":
        yield from _xlsx_rows(data, required)
    else:
        yield from _csv_rows(data, required)


def _csv_rows(data: bytes, required: tuple[str, ...]) -> Iterator[tuple[int, dict[str, str]]]:
    names, delimiter = read_header(data[:4096])
    positions = check_columns(Report(), names, required)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        decode_head(data)  # names the problem
        raise reject("file", _("the file is not UTF-8 text")) from None
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    next(reader, None)
    row = 1
    for cells in reader:
        row += 1
        if not any(cell.strip() for cell in cells):
            continue
        yield row, {name: _cell(cells, index) for name, index in positions.items()}


def _cell(cells: list[str], index: int) -> str:
    return cells[index].strip() if index < len(cells) else ""


def _xlsx_rows(data: bytes, required: tuple[str, ...]) -> Iterator[tuple[int, dict[str, str]]]:
    try:
        workbooks.check_xlsx(data, max_bytes=OTHER_MAX_BYTES, code=ERROR_CODE)
    except ValidationFailed as refused:
        raise reject("file", refused.fields.get("file", refused.message)) from None
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds of errors on a damaged or foreign file
        raise reject("file", _("the workbook is damaged or not an .xlsx file")) from None
    try:
        sheet = book.worksheets[0] if book.worksheets else None
        lines = sheet.iter_rows(values_only=True) if sheet is not None else iter(())
        header = next(lines, None) or ()
        names = [_text(value).lower() for value in header]
        positions = check_columns(Report(), names, required)
        for row, values in enumerate(lines, start=2):
            texts = [_text(value) for value in values]
            if not any(texts):
                continue
            yield row, {name: texts[index] if index < len(texts) else "" for name, index in positions.items()}
    finally:
        book.close()


def _text(value: Any) -> str:
    """A cell as the text a CSV file would hold: 2026-03 for a date on the first of a month, the
    shortest text of a float (0.1 stays 0.1), TRUE/FALSE for booleans."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.datetime | dt.date):
        day = value.date() if isinstance(value, dt.datetime) else value
        if day.day == 1 and (not isinstance(value, dt.datetime) or value.time() == dt.time()):
            return f"{day:%Y-%m}"
        return day.isoformat()
    if isinstance(value, float):
        if not math.isfinite(value):
            return "NaN"
        return str(int(value)) if value.is_integer() and abs(value) < 2**53 else repr(value)
    return str(value).strip()
