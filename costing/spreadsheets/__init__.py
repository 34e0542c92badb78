"""Spreadsheet adapter of costing (openpyxl): the XLSX template, the all-or-nothing import of a
filled workbook, and the export of a model with its results as live formulas.

Bytes in, bytes out, frozen dataclasses; never Django models. See `layout` for the shape of the
workbook, `reader` for how cells become Decimal, `export` for how the formulas are laid out.
"""

from .export import effective_quantities, export_workbook, option_sheet_name
from .reader import DEFAULT_MAX_BYTES, ERROR_CODE, parse_workbook
from .records import OPTION_KINDS, WorkbookLine, WorkbookModel, WorkbookOption, WorkbookRisk
from .template import build_template

__all__ = [
    "DEFAULT_MAX_BYTES",
    "ERROR_CODE",
    "OPTION_KINDS",
    "WorkbookLine",
    "WorkbookModel",
    "WorkbookOption",
    "WorkbookRisk",
    "build_template",
    "effective_quantities",
    "export_workbook",
    "option_sheet_name",
    "parse_workbook",
]
