"""A settlement statement as an XLSX workbook (GET /revenue-share/settlements/<pk>/statement.xlsx):
a header block (contract, parties, month, status, version, inputs hash), every line with its payee,
amount and rule, then the totals. Amounts are numbers with a number format in the contract's minor
unit, never text. Whoever may read the statement may download it; anybody else gets the 404."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from openpyxl import Workbook
from openpyxl.styles import Font

from ppp.errors import NotFound
from revenue_share import settlement_selectors as selectors
from revenue_share.models import SettlementStatement
from revenue_share.rules import rule_text

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FIXED = dt.datetime(2000, 1, 1)  # the workbook's own created/modified stamps: the same bytes every time


def amount_format(places: int) -> str:
    return "#,##0" if places <= 0 else "#,##0." + "0" * places


def _number(value: Any) -> int | Decimal:
    """An amount as a number: an int when it is whole, else the Decimal (openpyxl writes both as numbers)."""
    amount = Decimal(str(value))
    return int(amount) if amount == amount.to_integral_value() else amount


def _places(statement: SettlementStatement) -> int:
    return int((statement.inputs or {}).get("places", 0))


def _name(organisation: Any) -> str:
    english = (get_language() or "vi").startswith("en")
    return str((organisation.name_en or organisation.name) if english else organisation.name)


def statement_workbook(statement: SettlementStatement) -> bytes:
    contract = statement.contract
    money = amount_format(_places(statement))
    book = Workbook()
    sheet = book.active
    sheet.title = f"{statement.period:%Y-%m}"
    bold = Font(bold=True)
    sheet.cell(1, 1, _("Settlement statement")).font = Font(bold=True, size=14)
    header = [
        (_("Contract"), contract.tender.reference),
        (_("Contracting agency"), _name(contract.agency)),
        (_("Vendor"), _name(contract.vendor)),
        (_("Month"), f"{statement.period:%m/%Y}"),
        (_("Status"), str(statement.get_status_display())),
        (_("Version"), statement.version),
        (_("Currency"), statement.currency),
        (_("Inputs hash (SHA-256)"), statement.inputs_hash),
    ]
    for offset, (label, value) in enumerate(header):
        sheet.cell(2 + offset, 1, label).font = bold
        sheet.cell(2 + offset, 2, value)
    row = 3 + len(header)
    for column, label in enumerate(
        [_("Line"), _("Reference"), _("Payable to"), _("Amount"), _("Rule")], start=1
    ):
        sheet.cell(row, column, label).font = bold
    for line in statement.lines:
        row += 1
        payee = _("the provider") if line["payee"] == "provider" else _("the state")
        sheet.cell(row, 1, _(line["label"]))
        sheet.cell(row, 2, line.get("reference", ""))
        sheet.cell(row, 3, payee)
        sheet.cell(row, 4, _number(line["amount"])).number_format = money
        sheet.cell(row, 5, rule_text(line.get("rule", "")))
    row += 1
    for label, value in (
        (_("Net revenue"), statement.net_revenue),
        (_("Provider's share"), statement.provider_share),
        (_("State's share"), statement.state_share),
        (_("Adjustments"), statement.adjustments),
        (_("Net payable by the state"), statement.net_payable_by_state),
    ):
        row += 1
        sheet.cell(row, 1, label).font = bold
        cell = sheet.cell(row, 4, _number(value))
        cell.number_format = money
        cell.font = bold
    for letter, width in (("A", 36), ("B", 22), ("C", 16), ("D", 18), ("E", 40)):
        sheet.column_dimensions[letter].width = width
    book.properties.created = book.properties.modified = FIXED
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


@require_GET
@login_required
def settlement_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        statement = selectors.settlement_get_for(user=request.user, pk=pk)  # type: ignore[arg-type]
    except NotFound:
        return render(request, "404.html", status=404)
    response = HttpResponse(statement_workbook(statement), content_type=XLSX)
    name = f"settlement-{statement.contract_id}-{statement.period:%Y-%m}-v{statement.version}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
