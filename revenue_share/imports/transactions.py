"""Aggregation of a provider's raw transaction log (CSV, up to 200 MB: millions of rows) into each
month's and service's actuals, with pandas: the file is read in chunks of CHUNK_ROWS rows, every check
is vectorised, and what is kept between chunks is small (a 64-bit hash and a row number per
transaction, for the duplicate check, and the running totals per month, service and status).

Columns: transaction_id, timestamp (ISO 8601), service_code, amount (what the payer paid, VAT
included, in the contract's currency), status (valid, refunded or failed). Per month and service:
- valid volume = the number of valid transactions; gross collections = their amounts;
- a refunded transaction is not a valid one: its money was collected and given back within the log,
  so it counts in neither the gross collections nor the refunds (refunds = 0; the upload's summary
  counts the refunded transactions). The settlement recomputes gross collections as valid volume x
  tariff and then takes refunds out: refunds of transactions outside the valid volume would come off
  twice. Failed transactions count for nothing;
- VAT = (gross collections − refunds) × r / (1 + r), r the VAT rate of the service's tariff in force
  on the first day of the month, rounded half up to the minor unit once per month and service (the
  formula of revenue_share.calculations.settlement); gateway fees are not in a log: 0.

A transaction belongs to the month of its timestamp in the contract's time zone (Asia/Ho_Chi_Minh):
a timestamp with an offset (+07:00, Z) is converted, one without is read as local time (logfile.py).

Floats stay inside this adapter: an amount's text is first checked to be plain digits with at most
the currency's decimals, then parsed to float64 and turned into integer minor units with rint, which
is exact below 10^15 minor units; sums are int64 and cross back as Decimal.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import IO

import numpy as np
import pandas as pd
from django.utils.translation import gettext as _

from . import logfile
from .common import (
    LARGEST_AMOUNT,
    ImportContext,
    Report,
    check_columns,
    month_text,
    outside_term,
    parse_amount,
    read_header,
    reject,
    shown,
    taken_message,
)

COLUMNS = ("transaction_id", "timestamp", "service_code", "amount", "status")
STATUSES = ("valid", "refunded", "failed")
STATUS_INDEX = pd.Index(STATUSES, dtype=object)
CHUNK_ROWS = 200_000
# Digits before the point of one transaction's amount: below 10^10, even 5 million transactions of a
# month (200 MB) in cents stay far inside int64 minor units.
LARGEST_AMOUNT_DIGITS = 10

Progress = Callable[[int, int], None]  # (rows read, estimated rows in the file)


@dataclass(frozen=True)
class MonthTotals:
    """One service in one month of the log; amounts in the contract's currency."""

    period: dt.date
    service: str
    valid_volume: int
    refunded: int
    failed: int
    gross_collections: Decimal
    refunds: Decimal
    vat: Decimal
    vat_rate: Decimal


@dataclass(frozen=True)
class TransactionsResult:
    rows: int
    totals: tuple[MonthTotals, ...]


def aggregate_transactions(
    source: IO[bytes], *, size: int, context: ImportContext, progress: Progress | None = None
) -> TransactionsResult:
    """Check every row and add the log up per month and service; ImportRejected lists the problems."""
    head = source.read(65536)
    source.seek(0)
    names, delimiter = read_header(head)
    positions = check_columns(Report(), names, COLUMNS)
    if len(names) == len(COLUMNS):
        positions = {}  # no other columns: read them all, so that a row with too many fields is refused
        logfile.check_first_record(head, delimiter, len(names))
    report = Report()
    state = _State(context)
    rows = 0
    try:
        for chunk in logfile.chunks(source, delimiter, names, positions, COLUMNS, CHUNK_ROWS):
            state.add_chunk(chunk, 2 + rows, report)
            rows += len(chunk)
            if progress is not None:
                progress(rows, logfile.estimate(source, rows, size))
    except UnicodeDecodeError:
        raise reject("file", _("the file is not UTF-8 text")) from None
    except pd.errors.ParserError as error:
        raise reject("file", logfile.parser_problem(str(error))) from None
    if not state.counted:
        report.add(None, "file", _("the file has no data rows"))
    if state.has_duplicates():
        source.seek(0)
        ids = logfile.id_chunks(source, delimiter, names.index("transaction_id"), CHUNK_ROWS)
        state.report_duplicates(ids, report)
    totals = state.totals(report)
    report.raise_if_any()
    return TransactionsResult(rows=state.counted, totals=totals)


class _State:
    """What is kept between chunks."""

    def __init__(self, context: ImportContext) -> None:
        self.context = context
        self.codes = sorted(context.services)
        self.code_index = pd.Index(self.codes, dtype=object)
        self.first = logfile.month_index(context.first_period)
        self.last = logfile.month_index(context.last_period)
        places = context.places
        self.amount_pattern = (
            rf"[0-9]{{1,{LARGEST_AMOUNT_DIGITS}}}(?:\.[0-9]{{0,{places}}}0*)?"
            if places
            else rf"[0-9]{{1,{LARGEST_AMOUNT_DIGITS}}}(?:\.0*)?"
        )
        self.scale = 10**places
        self.counted = 0
        self.hashes: list[np.ndarray] = []
        self.row_numbers: list[np.ndarray] = []
        self.sums: dict[int, list[int]] = {}  # key -> [transactions, minor units]

    def add_chunk(self, chunk: pd.DataFrame, start: int, report: Report) -> None:
        ids, stamps = chunk["transaction_id"], chunk["timestamp"]
        services, amounts = chunk["service_code"], chunk["amount"]
        statuses = chunk["status"].str.lower()
        blank_row = (ids == "") & (stamps == "") & (services == "") & (amounts == "") & (statuses == "")
        blank_row = blank_row.to_numpy(dtype=bool)
        self.counted += int((~blank_row).sum())
        id_blank = (ids == "").to_numpy(dtype=bool) & ~blank_row
        months = logfile.months_of(stamps, self.context.time_zone)
        stamp_bad = (months == logfile.NO_MONTH) & ~blank_row
        outside = ~stamp_bad & ~blank_row & ((months < self.first) | (months > self.last))
        service_codes = self.code_index.get_indexer(services).astype(np.int64)
        service_bad = (service_codes < 0) & ~blank_row
        amount_ok = amounts.str.fullmatch(self.amount_pattern).to_numpy(dtype=bool, na_value=False)
        amount_bad = ~amount_ok & ~blank_row
        status_codes = STATUS_INDEX.get_indexer(statuses).astype(np.int64)
        status_bad = (status_codes < 0) & ~blank_row
        masks = (id_blank, stamp_bad | outside, service_bad, amount_bad, status_bad)
        if any(mask.any() for mask in masks):
            self._report(chunk, start, report, masks, months, outside)
        present = ~id_blank & ~blank_row
        self.hashes.append(pd.util.hash_pandas_object(ids, index=False).to_numpy()[present])
        self.row_numbers.append(np.flatnonzero(present).astype(np.int64) + start)
        if report:
            return  # the file is refused: totals would never be used
        ok = ~blank_row
        minor = np.rint(amounts.to_numpy(dtype=object)[ok].astype(np.float64) * self.scale).astype(np.int64)
        keys = (months[ok] * len(self.codes) + service_codes[ok]) * len(STATUSES) + status_codes[ok]
        grouped = pd.DataFrame({"key": keys, "minor": minor}).groupby("key")["minor"].agg(["size", "sum"])
        for key, count, total in zip(grouped.index, grouped["size"], grouped["sum"], strict=True):
            running = self.sums.setdefault(int(key), [0, 0])
            running[0] += int(count)
            running[1] += int(total)

    def _report(
        self,
        chunk: pd.DataFrame,
        start: int,
        report: Report,
        masks: tuple[np.ndarray, ...],
        months: np.ndarray,
        outside: np.ndarray,
    ) -> None:
        where = [np.flatnonzero(mask) for mask in masks]
        total = sum(len(found) for found in where)
        positions = np.concatenate(where)
        columns = np.concatenate([np.full(len(found), index) for index, found in enumerate(where)])
        order = np.lexsort((columns, positions))[: max(report.room, 0)]
        for position, column in zip(positions[order], columns[order], strict=True):
            name = COLUMNS[int(column)]
            text = str(chunk[name].iat[int(position)])
            row = start + int(position)
            if name == "timestamp" and outside[position]:
                report.add(row, name, outside_term(logfile.month_of(int(months[position])), self.context))
            else:
                report.add(row, name, self._message(name, text))
        report.count_more(total - len(order))

    def _message(self, name: str, text: str) -> str:
        if not text:
            return _("This field is required.")
        if name == "timestamp":
            return _("%(text)s is not a date and time written in ISO 8601 (2026-03-05T14:30:00+07:00)") % {
                "text": shown(text)
            }
        if name == "service_code":
            return _("unknown service %(code)s") % {"code": shown(text)}
        if name == "status":
            return _("%(text)s is not a status: valid, refunded or failed") % {"text": shown(text)}
        scratch = Report()
        parse_amount(scratch, 0, name, text, self.context.places)
        if scratch.problems:
            return scratch.problems[0].message
        return _("must be written with 1 to %(digits)d digits before the decimal point") % {
            "digits": LARGEST_AMOUNT_DIGITS
        }

    def has_duplicates(self) -> bool:
        if not self.hashes:
            return False
        self.all_hashes = np.concatenate(self.hashes)
        self.all_rows = np.concatenate(self.row_numbers)
        self.hashes, self.row_numbers = [], []
        order = np.argsort(self.all_hashes, kind="stable")
        ordered = self.all_hashes[order]
        same = ordered[1:] == ordered[:-1]
        if not same.any():
            return False
        suspects = np.zeros(len(ordered), dtype=bool)
        suspects[1:] |= same
        suspects[:-1] |= same
        self.suspect_rows = np.sort(self.all_rows[order][suspects])
        return True

    def report_duplicates(self, id_chunks, report: Report) -> None:  # type: ignore[no-untyped-def]
        """Read the suspected rows' ids again: equal hashes are duplicates only if the texts are equal."""
        texts: dict[int, str] = {}
        start = 2
        for ids in id_chunks:
            rows = np.arange(start, start + len(ids))
            wanted = np.isin(rows, self.suspect_rows, assume_unique=True)
            for row, text in zip(rows[wanted], ids.to_numpy(dtype=object)[wanted], strict=True):
                texts[int(row)] = str(text)
            start += len(ids)
        first_row: dict[str, int] = {}
        for row in sorted(texts):
            text = texts[row]
            if text in first_row:
                report.add(
                    row,
                    "transaction_id",
                    _("transaction %(id)s repeats row %(row)d") % {"id": shown(text), "row": first_row[text]},
                )
            else:
                first_row[text] = row

    def totals(self, report: Report) -> tuple[MonthTotals, ...]:
        if report:
            return ()
        pairs: dict[tuple[int, int], list[int]] = {}
        for key, (count, minor) in self.sums.items():
            rest, status = divmod(key, len(STATUSES))
            month, service = divmod(rest, len(self.codes))
            figures = pairs.setdefault((month, service), [0] * 6)  # counts and sums per status
            figures[status] += count
            figures[3 + status] += minor
        result = []
        context = self.context
        for (month, service), figures in sorted(pairs.items()):
            period, code = logfile.month_of(month), self.codes[service]
            where = f"periods[{month_text(period)}].{code}"
            if (period, code) in context.taken:
                report.add(None, where, taken_message(period, code))
                continue
            rate = context.vat_rate(code, period)
            if rate is None:
                report.add(
                    None,
                    where,
                    _("no tariff of %(code)s is in force in %(period)s, so its VAT cannot be separated")
                    % {"code": code, "period": month_text(period)},
                )
                continue
            gross = Decimal(figures[3]).scaleb(-context.places)
            if gross > LARGEST_AMOUNT:
                report.add(None, where, _("the month's collections are larger than any amount stored"))
                continue
            refunds = Decimal(0)
            unit = Decimal(1).scaleb(-context.places)
            vat = ((gross - refunds) * rate / (1 + rate)).quantize(unit, rounding=ROUND_HALF_UP)
            result.append(
                MonthTotals(
                    period=period,
                    service=code,
                    valid_volume=figures[0],
                    refunded=figures[1],
                    failed=figures[2],
                    gross_collections=gross,
                    refunds=refunds,
                    vat=vat,
                    vat_rate=rate,
                )
            )
        return tuple(result)
