"""XLSX exports of the tendering tables a user takes into a spreadsheet (openpyxl): the bid comparison,
the evaluation's results and score sheets, and the agency's pricing schedule with its estimate.

Each takes what a selector already narrowed to the reader (the tender, the comparison's figures, the
evaluation) and returns the workbook's bytes, labelled in the language asked for (Vietnamese unless
English). Access, sealing and the audit of bid reads stay with the callers: the pages in
contracts/views/agency/exports.py and the API operations. The vendor's price form to fill in and
upload is contracts.spreadsheets.
"""

from .comparison import comparison_workbook
from .evaluation import evaluation_workbook
from .schedule import schedule_workbook

__all__ = ["comparison_workbook", "evaluation_workbook", "schedule_workbook"]
