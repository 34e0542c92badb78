"""Reading a large CSV log: in chunks of text columns (pandas' C parser), with the checks pandas leaves
out, an estimate of the rows to come for the progress report, and the month of each timestamp.

A transaction belongs to the month of its timestamp in the contract's time zone: a timestamp with
an offset (+07:00, Z) is converted, one without is read as local time.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from typing import IO

import numpy as np
import pandas as pd
from django.utils.translation import gettext as _

from .common import decode_head, reject

NO_MONTH = np.iinfo(np.int64).min
_AWARE = r"(?:Z|z|[+-]\d\d(?::?\d\d)?)$"


def chunks(  # type: ignore[no-untyped-def]
    source: IO[bytes],
    delimiter: str,
    names: list[str],
    positions: dict[str, int],
    columns: tuple[str, ...],
    rows: int,
):
    """Chunks of the five columns as text. With other columns beside them, only the five are read
    (pandas then ignores a row's surplus fields rather than refusing it)."""
    order = sorted(columns, key=positions.__getitem__) if positions else names
    reader = pd.read_csv(
        source,
        sep=delimiter,
        header=0,
        usecols=[positions[name] for name in order] if positions else None,
        dtype=str,
        keep_default_na=False,
        na_filter=False,
        skip_blank_lines=False,
        chunksize=rows,
        encoding="utf-8-sig",
        engine="c",
        index_col=False,
    )
    with reader:
        for chunk in reader:
            chunk.columns = order
            yield chunk


def id_chunks(source: IO[bytes], delimiter: str, position: int, rows: int):  # type: ignore[no-untyped-def]
    reader = pd.read_csv(
        source,
        sep=delimiter,
        header=0,
        usecols=[position],
        dtype=str,
        keep_default_na=False,
        na_filter=False,
        skip_blank_lines=False,
        chunksize=rows,
        encoding="utf-8-sig",
        engine="c",
    )
    with reader:
        for chunk in reader:
            yield chunk.iloc[:, 0]


def check_first_record(head: bytes, delimiter: str, fields: int) -> None:
    """pandas would take a surplus field on the first data row for an index column, not an error."""
    lines = decode_head(head).splitlines()
    if len(lines) < 3:  # the record may be cut at the end of the sample; later rows pandas checks itself
        return
    record = next(csv.reader([lines[1]], delimiter=delimiter), [])
    if len(record) > fields:
        raise reject(
            "file",
            _("line %(line)s has %(seen)s fields where the header has %(expected)s")
            % {"line": 2, "seen": len(record), "expected": fields},
        )


def estimate(source: IO[bytes], rows: int, size: int) -> int:
    try:
        position = source.tell()
    except (OSError, ValueError):
        return rows
    return max(rows, round(rows * size / position)) if position > 0 else rows


def parser_problem(text: str) -> str:
    match = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", text)
    if match:
        expected, line, seen = match.groups()
        return _("line %(line)s has %(seen)s fields where the header has %(expected)s") % {
            "line": line,
            "seen": seen,
            "expected": expected,
        }
    return _("the file is not a well-formed CSV file")


def month_index(day: dt.date) -> int:
    return (day.year - 1970) * 12 + day.month - 1


def month_of(index: int) -> dt.date:
    return dt.date(1970 + index // 12, index % 12 + 1, 1)


def months_of(stamps: pd.Series, zone: str) -> np.ndarray:
    """Months since 1970-01 of each timestamp in `zone`; NO_MONTH where it is not ISO 8601."""
    try:
        parsed = pd.to_datetime(stamps, format="ISO8601", errors="coerce")
        if isinstance(parsed.dtype, pd.DatetimeTZDtype):
            parsed = parsed.dt.tz_convert(zone).dt.tz_localize(None)
    except ValueError:  # offsets that differ, or naive times beside aware ones
        aware = stamps.str.contains(_AWARE, regex=True).to_numpy(dtype=bool, na_value=False)
        with_offset = pd.to_datetime(stamps.where(aware, ""), format="ISO8601", errors="coerce", utc=True)
        local = with_offset.dt.tz_convert(zone).dt.tz_localize(None)
        naive = pd.to_datetime(stamps.where(~aware, ""), format="ISO8601", errors="coerce")
        parsed = naive.where(~aware, local)
    values = parsed.to_numpy(dtype="datetime64[us]")
    months = values.astype("datetime64[M]").astype(np.int64)
    months[np.isnat(values)] = NO_MONTH
    return months
