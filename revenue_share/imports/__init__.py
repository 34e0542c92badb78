"""Parsing and checking of uploaded actuals (CSV and XLSX files, raw transaction logs), without the
database: the service hands in the contract's facts (`ImportContext`) and persists what comes back."""

from .common import (
    MAX_REPORTED,
    ImportContext,
    ImportRejected,
    Problem,
    TariffTerm,
    check_size,
    file_format,
    reject,
    size_limit,
    taken_message,
)
from .periods import KpiFigure, Parsed, PeriodFigures, parse_kpis, parse_volumes
from .transactions import MonthTotals, TransactionsResult, aggregate_transactions

__all__ = [
    "MAX_REPORTED",
    "ImportContext",
    "ImportRejected",
    "KpiFigure",
    "MonthTotals",
    "Parsed",
    "PeriodFigures",
    "Problem",
    "TariffTerm",
    "TransactionsResult",
    "aggregate_transactions",
    "check_size",
    "file_format",
    "parse_kpis",
    "parse_volumes",
    "reject",
    "size_limit",
    "taken_message",
]
