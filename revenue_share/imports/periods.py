"""Imports of per-period files (at most 5 MB, CSV or XLSX): each service's volumes and collections of
a month, the contract's KPI measurements and its availability failures. Rows are checked one by one
in Decimal; every problem is reported, with its row and column, before anything is written.

Volumes: period (YYYY-MM), service_code, valid_volume, gross_collections, refunds, gateway_fees, vat,
currency. Amounts are in the contract's currency with at most its minor unit's decimals; refunds
cannot exceed gross collections. KPI measurements: period, kpi_code, value.

Availability failures: period, area, weighting (> 0), missed_periods (>= 0), still_used (true/false,
yes/no or 1/0 in any case; blank: false), ratchet (>= 1; blank: 1) and, optionally, reference; the
figures with at most 4 decimal places. A (period, area, reference) is one failure: twice in a file, or
already imported without "replace", is a problem. Because the reference column is optional, a column
this file does not know is a problem too (a misspelt "referance" would otherwise merge failures).

Columns may come in any order, named in any case; in the volumes and KPI files other columns are
ignored. Rows left entirely blank are skipped. In a workbook the first sheet is read; a period may be
typed as text (2026-03) or be a date cell on the first of the month; numbers are cells or text.
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
FAILURE_COLUMNS = ("period", "area", "weighting", "missed_periods", "still_used", "ratchet")
FAILURE_OPTIONAL_COLUMNS = ("reference",)
TRUE_WORDS = frozenset({"true", "yes", "1"})
FALSE_WORDS = frozenset({"false", "no", "0", ""})
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
class FailureFigure:
    """One availability failure as the file states it."""

    row: int
    period: dt.date
    area: str
    weighting: Decimal
    missed_periods: Decimal
    still_used: bool
    ratchet: Decimal
    reference: str


def failure_key(area: str, reference: str) -> str:
    """The second half of a failure's (period, key) in ImportContext.taken: area and reference joined
    by the unit separator, which the parser refuses in either, so two failures never share a key."""
    return f"{area}\x1f{reference}"


def failure_label(area: str, reference: str) -> str:
    """A failure as a message names it: the area, then its reference when it has one."""
    return f"{area} / {reference}" if reference else area


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


def parse_failures(data: bytes, file_format: str, context: ImportContext) -> Parsed:
    report = Report()
    seen: dict[tuple[dt.date, str], int] = {}
    items: list[FailureFigure] = []
    count = 0
    rows = _rows(data, file_format, FAILURE_COLUMNS, optional=FAILURE_OPTIONAL_COLUMNS, known_only=True)
    for row, values in rows:
        count += 1
        period = parse_period(report, row, "period", values["period"], context)
        area = _label(report, row, "area", values["area"], required=True)
        reference = _label(report, row, "reference", values.get("reference", ""), required=False)
        weighting = parse_measurement(report, row, "weighting", values["weighting"])
        if weighting is not None and weighting <= 0:
            report.add(row, "weighting", _("must be greater than 0"))
            weighting = None
        missed = parse_measurement(report, row, "missed_periods", values["missed_periods"])
        still_used = _flag(report, row, "still_used", values["still_used"])
        ratchet: Decimal | None = Decimal(1)
        if values["ratchet"]:
            ratchet = parse_measurement(report, row, "ratchet", values["ratchet"])
            if ratchet is not None and ratchet < 1:
                report.add(row, "ratchet", _("must be at least 1"))
                ratchet = None
        if period is None or area is None or reference is None:
            continue
        key = (period, failure_key(area, reference))
        if key in seen:
            report.add(
                row,
                "area",
                _("%(period)s %(code)s repeats row %(row)d")
                % {"period": f"{period:%Y-%m}", "code": failure_label(area, reference), "row": seen[key]},
            )
            continue
        seen[key] = row
        if key in context.taken:
            report.add(row, "period", taken_message(period, failure_label(area, reference)))
            continue
        if weighting is None or missed is None or still_used is None or ratchet is None:
            continue
        items.append(FailureFigure(row, period, area, weighting, missed, still_used, ratchet, reference))
    if not count:
        report.add(None, "file", _("the file has no data rows"))
    report.raise_if_any()
    return Parsed(count, tuple(items))


def _label(report: Report, row: int, column: str, text: str, *, required: bool) -> str | None:
    """An area or a reference: at most 100 printable characters."""
    if not text and required:
        report.add(row, column, _("This field is required."))
        return None
    if len(text) > 100 or not text.isprintable():
        report.add(row, column, _("at most 100 printable characters"))
        return None
    return text


def _flag(report: Report, row: int, column: str, text: str) -> bool | None:
    word = text.lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    report.add(
        row,
        column,
        _("%(text)s is not true or false (write true/false, yes/no or 1/0)") % {"text": shown(text)},
    )
    return None


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


def _rows(
    data: bytes,
    file_format: str,
    required: tuple[str, ...],
    *,
    optional: tuple[str, ...] = (),
    known_only: bool = False,
) -> Iterator[tuple[int, dict[str, str]]]:
    """(row number, {column: text}) of every row that is not entirely blank; the header is row 1. An
    optional column that is absent is left out of the dict; with `known_only`, a column that is neither
    required nor optional is a problem."""
    columns = _Columns(required, optional, known_only)
    if file_format == "xlsx":
        yield from _xlsx_rows(data, columns)
    else:
        yield from _csv_rows(data, columns)


@dataclass(frozen=True)
class _Columns:
    required: tuple[str, ...]
    optional: tuple[str, ...] = ()
    known_only: bool = False

    def positions(self, names: list[str]) -> dict[str, int]:
        """Where each required and present optional column is; every problem of the header at once."""
        report = Report()
        known = {*self.required, *self.optional}
        found: dict[str, int] = {}
        for index, name in enumerate(names):
            if name in self.optional:
                if name in found:
                    report.add(None, f"columns.{name}", _("the column appears twice"))
                found.setdefault(name, index)
            elif self.known_only and name and name not in known:
                report.add(None, f"columns.{name[:50]}", _("unknown column"))
        return {**check_columns(report, names, self.required), **found}


def _csv_rows(data: bytes, columns: _Columns) -> Iterator[tuple[int, dict[str, str]]]:
    names, delimiter = read_header(data[:4096])
    positions = columns.positions(names)
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


def _xlsx_rows(data: bytes, columns: _Columns) -> Iterator[tuple[int, dict[str, str]]]:
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
        positions = columns.positions(names)
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
