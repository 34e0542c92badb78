"""What the three imports share: the bounded error report, the contract facts a file is checked
against, the file-type and size checks, the header check, and the parsers of one value.

A problem is named by the file's row (the header is row 1, so the first data row is row 2: the row
number a spreadsheet shows) and by its column's name; the API shows it as `rows[3].service_code`.
Problems that belong to no row name the "file", a missing column (`columns.amount`) or an aggregated
month and service (`periods[2026-03].HT-KS`). No module here touches the database: the service
loads the contract's facts into an `ImportContext` and persists what comes back.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ppp import workbooks
from ppp.errors import ValidationFailed

ERROR_CODE = "actuals.invalid"
MAX_REPORTED = 1000  # problems listed in a report; the rest are counted
MB = 1024 * 1024
TRANSACTIONS_MAX_BYTES = 200 * MB
OTHER_MAX_BYTES = 5 * MB
LARGEST_AMOUNT = Decimal(10) ** 15  # larger than any month's collections of one service
LARGEST_VOLUME = 10**15

_PERIOD_TEXT = re.compile(r"(\d{4})-(\d{2})", re.ASCII)
_DECIMAL_TEXT = re.compile(r"[0-9]+(?:\.[0-9]*)?|\.[0-9]+", re.ASCII)
_WHOLE_TEXT = re.compile(r"[0-9]+(?:\.0*)?", re.ASCII)


@dataclass(frozen=True)
class Problem:
    row: int | None
    column: str
    message: str

    @property
    def key(self) -> str:
        return f"rows[{self.row}].{self.column}" if self.row is not None else self.column

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message}


class ImportRejected(ValidationFailed):
    """A refused file: 400 with every problem in `fields` (at most MAX_REPORTED of them, then a
    `more_errors` entry counting the rest); `problems` and `total` keep them for the upload's report."""

    def __init__(self, problems: Sequence[Problem], total: int) -> None:
        self.problems = list(problems)
        self.total = total
        fields: dict[str, str] = {}
        for problem in self.problems:
            fields.setdefault(problem.key, problem.message)
        left = total - len(self.problems)
        if left > 0:
            fields["more_errors"] = ngettext(
                "%(count)d more error not listed", "%(count)d more errors not listed", left
            ) % {"count": left}
        message = ngettext(
            "The file has %(count)d error; nothing was imported.",
            "The file has %(count)d errors; nothing was imported.",
            total,
        ) % {"count": total}
        super().__init__(ERROR_CODE, message, fields)


class Report:
    """Problems found in one file, in the order found; only the first `limit` keep their message."""

    def __init__(self, limit: int = MAX_REPORTED) -> None:
        self.limit = limit
        self.problems: list[Problem] = []
        self.total = 0

    def add(self, row: int | None, column: str, message: str) -> None:
        self.total += 1
        if len(self.problems) < self.limit:
            self.problems.append(Problem(row, column, str(message)))

    def count_more(self, count: int) -> None:
        """Problems beyond the limit, counted without building their messages."""
        self.total += count

    @property
    def room(self) -> int:
        return self.limit - len(self.problems)

    def __bool__(self) -> bool:
        return self.total > 0

    def raise_if_any(self) -> None:
        if self.total:
            ordered = sorted(self.problems, key=lambda p: (p.row is not None, p.row or 0))
            raise ImportRejected(ordered, self.total)


def reject(column: str, message: str) -> ImportRejected:
    """A file refused as a whole (its type, size, header or encoding)."""
    return ImportRejected([Problem(None, column, message)], 1)


@dataclass(frozen=True)
class TariffTerm:
    valid_from: dt.date
    valid_to: dt.date | None
    vat_rate: Decimal


@dataclass(frozen=True)
class ImportContext:
    """The facts of the contract a file is checked against.

    `first_period` and `last_period` are the first days of the first and last months of the term;
    `places` the currency's minor unit (0 for VND); `taken` the (period, service or KPI code) pairs
    already imported that the upload may not overwrite (empty when replacing); `tariffs` each service's
    dated VAT rates (the transaction log separates VAT with them); naive timestamps are in `time_zone`.
    """

    currency: str
    places: int
    first_period: dt.date
    last_period: dt.date
    services: frozenset[str]
    kpi_codes: frozenset[str] = frozenset()
    taken: frozenset[tuple[dt.date, str]] = frozenset()
    tariffs: Mapping[str, tuple[TariffTerm, ...]] = field(default_factory=dict)
    time_zone: str = "Asia/Ho_Chi_Minh"

    def vat_rate(self, code: str, period: dt.date) -> Decimal | None:
        """The VAT rate of the tariff in force on the first day of `period`, or None without one."""
        for term in self.tariffs.get(code, ()):
            if term.valid_from <= period and (term.valid_to is None or term.valid_to >= period):
                return term.vat_rate
        return None


def month_text(period: dt.date) -> str:
    return f"{period:%Y-%m}"


def taken_message(period: dt.date, code: str) -> str:
    return _("%(period)s %(code)s is already imported; upload again with “replace” to replace it") % {
        "period": month_text(period),
        "code": code,
    }


# --- the file ------------------------------------------------------------------------------------


def size_limit(kind: str) -> int:
    return TRANSACTIONS_MAX_BYTES if kind == "transactions" else OTHER_MAX_BYTES


def check_size(kind: str, size: int) -> None:
    limit = size_limit(kind)
    if size > limit:
        raise reject("file", _("larger than the %(limit)s limit") % {"limit": workbooks.size_text(limit)})
    if size == 0:
        raise reject("file", _("the file is empty"))


def file_format(kind: str, name: str, head: bytes) -> str:
    """ "csv" or "xlsx", from the name and the first bytes; a transaction log is always CSV."""
    lowered = name.lower()
    is_zip = head.startswith(b"PK\x03\x04")
    if lowered.endswith(".xlsx") and is_zip and kind != "transactions":
        return "xlsx"
    if lowered.endswith((".csv", ".txt")) and not is_zip and b"\x00" not in head:
        return "csv"
    if kind == "transactions":
        raise reject("file", _("a transaction log must be a CSV file (.csv)"))
    raise reject("file", _("not a CSV file (.csv) or an Excel workbook (.xlsx)"))


def decode_head(head: bytes) -> str:
    try:
        return head.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        if error.start < len(head) - 4:  # not merely a character cut at the end of the sample
            raise reject("file", _("the file is not UTF-8 text")) from None
        return head[: error.start].decode("utf-8-sig")


def read_header(head: bytes) -> tuple[list[str], str]:
    """The column names of a CSV file (trimmed, lower case) and its delimiter (, ; or tab)."""
    text = decode_head(head)
    first = text.splitlines()[0] if text else ""
    if not first.strip():
        raise reject("file", _("the first row must name the columns"))
    delimiter = max([",", ";", "\t"], key=first.count)
    names = next(csv.reader([first], delimiter=delimiter))
    return [name.strip().lower() for name in names], delimiter


def check_columns(report: Report, names: Sequence[str], required: Sequence[str]) -> dict[str, int]:
    """The position of each required column; a missing or repeated one is a problem."""
    positions: dict[str, int] = {}
    for index, name in enumerate(names):
        if name in required:
            if name in positions:
                report.add(None, f"columns.{name}", _("the column appears twice"))
            positions.setdefault(name, index)
    for name in required:
        if name not in positions:
            report.add(None, f"columns.{name}", _("missing column"))
    report.raise_if_any()
    return positions


# --- one value -----------------------------------------------------------------------------------


def shown(text: str) -> str:
    return repr(text if len(text) <= 30 else text[:27] + "...")


def parse_period(report: Report, row: int, column: str, text: str, context: ImportContext) -> dt.date | None:
    """YYYY-MM, a month within the contract's term."""
    if not text:
        report.add(row, column, _("This field is required."))
        return None
    match = _PERIOD_TEXT.fullmatch(text)
    if not match or not 1 <= int(match.group(2)) <= 12:
        report.add(row, column, _("%(text)s is not a month written YYYY-MM") % {"text": shown(text)})
        return None
    period = dt.date(int(match.group(1)), int(match.group(2)), 1)
    if not context.first_period <= period <= context.last_period:
        report.add(row, column, outside_term(period, context))
        return None
    return period


def outside_term(period: dt.date, context: ImportContext) -> str:
    return _("%(period)s is outside the contract's term (%(first)s to %(last)s)") % {
        "period": month_text(period),
        "first": month_text(context.first_period),
        "last": month_text(context.last_period),
    }


def parse_amount(report: Report, row: int, column: str, text: str, places: int) -> Decimal | None:
    """A non-negative amount written with digits and an optional decimal point, at most `places`
    decimals (none for VND)."""
    number = _number(report, row, column, text)
    if number is None:
        return None
    if number > LARGEST_AMOUNT:
        report.add(row, column, _("number too large"))
        return None
    exponent = number.normalize().as_tuple().exponent
    if isinstance(exponent, int) and -exponent > places:
        report.add(
            row,
            column,
            ngettext("at most %(places)d decimal place", "at most %(places)d decimal places", places)
            % {"places": places},
        )
        return None
    return number


def parse_volume(report: Report, row: int, column: str, text: str) -> int | None:
    number = _number(report, row, column, text)
    if number is None:
        return None
    if not _WHOLE_TEXT.fullmatch(text):
        report.add(row, column, _("must be a whole number"))
        return None
    if number > LARGEST_VOLUME:
        report.add(row, column, _("number too large"))
        return None
    return int(number)


def parse_measurement(report: Report, row: int, column: str, text: str) -> Decimal | None:
    """A non-negative KPI value with at most 4 decimal places."""
    number = _number(report, row, column, text)
    if number is None:
        return None
    exponent = number.normalize().as_tuple().exponent
    if number >= Decimal(10) ** 12 or (isinstance(exponent, int) and exponent < -4):
        report.add(row, column, _("at most 12 digits before the decimal point and 4 after it"))
        return None
    return number


def _number(report: Report, row: int, column: str, text: str) -> Decimal | None:
    if not text:
        report.add(row, column, _("This field is required."))
        return None
    if text.startswith("-") and _DECIMAL_TEXT.fullmatch(text[1:]):
        report.add(row, column, _("must not be negative"))
        return None
    if not _DECIMAL_TEXT.fullmatch(text):
        report.add(row, column, not_a_number(text))
        return None
    try:
        return Decimal(text)
    except InvalidOperation:  # pragma: no cover - the pattern admits only decimals
        report.add(row, column, not_a_number(text))
        return None


def not_a_number(text: str) -> str:
    if text.lower() in {"nan", "inf", "-inf", "infinity", "+inf"}:
        return _("must be a finite number")
    return _("%(text)s is not a number (write digits with an optional decimal point: 1234567.5)") % {
        "text": shown(text)
    }
