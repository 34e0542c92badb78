"""Parsing and checking of uploaded actuals (CSV and XLSX files of volumes, KPI measurements and
availability failures, raw transaction logs), without the database: the service hands in the
contract's facts (`ImportContext`) and persists what comes back."""

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
from .periods import (
    FailureFigure,
    KpiFigure,
    Parsed,
    PeriodFigures,
    failure_key,
    failure_label,
    parse_failures,
    parse_kpis,
    parse_volumes,
)
from .transactions import MonthTotals, TransactionsResult, aggregate_transactions

__all__ = [
    "MAX_REPORTED",
    "FailureFigure",
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
    "failure_key",
    "failure_label",
    "file_format",
    "parse_failures",
    "parse_kpis",
    "parse_volumes",
    "reject",
    "size_limit",
    "taken_message",
]
