"""The bid price form as XLSX (openpyxl): a blank or pre-filled workbook of the tender's pricing
schedule, and the all-or-nothing reading of a filled one, every error named by sheet and cell.

Layout of the "Prices" sheet: row 1 the title, row 2 the tender, row 3 the column labels in the
reader's language, row 4 machine keys (code, name, unit, vat, then per year t: q:t, price:t,
amount:t), items from row 5. Quantities are the tender's and may not change. A unit price is required
wherever the year has a quantity; a line amount may be written beside it (arithmetic correction
compares the two at evaluation). The "Summary" sheet holds the total the bidder states (B3).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter

from contracts.models import Bid, BidPrice, Tender
from ppp import workbooks
from ppp.errors import ValidationFailed

ERROR_CODE = "bid.workbook_invalid"
MAX_BYTES = 5 * 1024 * 1024
PRICES_SHEET = "Prices"
SUMMARY_SHEET = "Summary"
TITLE_ROW, TENDER_ROW, LABEL_ROW, KEY_ROW, FIRST_ROW = 1, 2, 3, 4, 5
FIXED = ("code", "name", "unit", "vat")
STATED_TOTAL_CELL = "B3"
LARGEST = Decimal(10) ** 15
INPUT_FILL = PatternFill("solid", fgColor="FFF8DC")
HEADER_FILL = PatternFill("solid", fgColor="DDE7F0")


@dataclass(frozen=True)
class PriceForm:
    prices: dict[str, list[str | None]]
    stated_amounts: dict[str, list[str | None]]
    stated_total: Decimal | None


def _years(tender: Tender) -> list[int]:
    first = tender.items.order_by("position", "pk").first()
    horizon = len(first.quantities) if first else 0
    base = tender.cost_model.base_year
    return [base + t for t in range(horizon)]


def price_form(*, tender: Tender, bid: Bid | None = None, language: str = "vi") -> bytes:
    """The workbook to fill in (pre-filled with the bid's saved prices when given)."""
    english = language.startswith("en")
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = PRICES_SHEET
    years = _years(tender)
    saved: dict[str, list[Any]] = {}
    stated: dict[str, list[Any]] = {}
    if bid is not None:
        for price in BidPrice.objects.filter(bid=bid).select_related("item"):
            saved[price.item.code] = price.unit_prices
            if price.stated_amounts:
                stated[price.item.code] = price.stated_amounts
    sheet.cell(TITLE_ROW, 1, "Bid price form" if english else "Biểu giá dự thầu").font = Font(
        bold=True, size=13
    )
    sheet.cell(TENDER_ROW, 1, f"{tender.reference} · {tender.title} · {tender.currency}")
    labels = ["Code", "Item", "Unit", "VAT"] if english else ["Mã", "Hạng mục", "Đơn vị", "Chịu VAT"]
    keys = list(FIXED)
    for year in years:
        labels += (
            [f"Quantity {year}", f"Unit price {year}", f"Amount {year}"]
            if english
            else [f"Khối lượng {year}", f"Đơn giá {year}", f"Thành tiền {year}"]
        )
    for t in range(len(years)):
        keys += [f"q:{t}", f"price:{t}", f"amount:{t}"]
    for column, (label, key) in enumerate(zip(labels, keys, strict=True), start=1):
        head = sheet.cell(LABEL_ROW, column, label)
        head.font, head.fill, head.alignment = Font(bold=True), HEADER_FILL, Alignment(wrap_text=True)
        sheet.cell(KEY_ROW, column, key).font = Font(italic=True, color="666666", size=9)
        sheet.column_dimensions[get_column_letter(column)].width = (
            14 if column > 4 else (28 if column == 2 else 10)
        )
    for row, item in enumerate(tender.items.order_by("position", "pk"), start=FIRST_ROW):
        yes = ("yes" if english else "có") if item.vat_applicable else ("no" if english else "không")
        for column, value in enumerate([item.code, item.name, item.unit, yes], start=1):
            sheet.cell(row, column, value)
        for t, quantity in enumerate(item.quantities):
            base = len(FIXED) + 3 * t + 1
            sheet.cell(row, base, float(Decimal(str(quantity))))
            price_cell = sheet.cell(row, base + 1)
            amount_cell = sheet.cell(row, base + 2)
            for cell in (price_cell, amount_cell):
                cell.fill = INPUT_FILL
                cell.protection = Protection(locked=False)
                cell.number_format = "#,##0.####"
            value = (saved.get(item.code) or [None] * len(item.quantities))[t]
            if value is not None:
                price_cell.value = float(Decimal(value))
            written = (stated.get(item.code) or [None] * len(item.quantities))[t]
            if written is not None:
                amount_cell.value = float(Decimal(written))
    sheet.freeze_panes = sheet.cell(FIRST_ROW, len(FIXED) + 1)
    sheet.protection.sheet = True  # quantities and codes are the tender's: only the yellow cells open
    summary = workbook.create_sheet(SUMMARY_SHEET)
    summary["A1"] = "Bid summary" if english else "Tổng hợp giá dự thầu"
    summary["A1"].font = Font(bold=True, size=13)
    summary["A3"] = "Total stated by the bidder" if english else "Tổng giá nhà thầu ghi"
    summary[STATED_TOTAL_CELL].fill = INPUT_FILL
    if bid is not None and bid.stated_total is not None:
        summary[STATED_TOTAL_CELL] = float(Decimal(bid.stated_total))
    summary.column_dimensions["A"].width = 36
    summary.column_dimensions["B"].width = 22
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _number(value: Any) -> Decimal:
    if isinstance(value, bool):
        raise ValueError(_("TRUE/FALSE is not a number"))
    if isinstance(value, int | float):
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    elif isinstance(value, str):
        text = value.strip().replace(" ", "")
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise ValueError(_("text %(text)r is not a number") % {"text": value}) from None
    else:
        raise ValueError(_("not a number"))
    if not number.is_finite():
        raise ValueError(_("not a finite number"))
    if number < 0:
        raise ValueError(_("must be at least %(bound)s") % {"bound": 0})
    if number > LARGEST:
        raise ValueError(_("number too large"))
    return number


def parse_price_form(*, tender: Tender, data: bytes) -> PriceForm:
    """Read a filled price form; raise ValidationFailed(ERROR_CODE) listing every error by cell."""
    workbooks.check_xlsx(data, max_bytes=MAX_BYTES, code=ERROR_CODE)
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds of errors on a damaged or foreign file
        raise workbooks.file_error(ERROR_CODE, _("the workbook is damaged or not an .xlsx file")) from None
    errors: dict[str, str] = {}
    try:
        if PRICES_SHEET not in book.sheetnames:
            errors[PRICES_SHEET] = _("missing sheet")
            raise ValidationFailed(
                ERROR_CODE, _("The workbook has no %(sheet)s sheet.") % {"sheet": PRICES_SHEET}, errors
            )
        rows = [list(row) for row in book[PRICES_SHEET].iter_rows(values_only=True, max_row=FIRST_ROW + 5000)]
        stated_total = None
        if SUMMARY_SHEET in book.sheetnames:
            value = book[SUMMARY_SHEET][STATED_TOTAL_CELL].value
            if value not in (None, ""):
                try:
                    stated_total = _number(value)
                except ValueError as error:
                    errors[f"{SUMMARY_SHEET}!{STATED_TOTAL_CELL}"] = str(error)
    finally:
        book.close()
    keys = [
        str(v).strip() if v is not None else "" for v in (rows[KEY_ROW - 1] if len(rows) >= KEY_ROW else [])
    ]
    columns = {key: index for index, key in enumerate(keys) if key}
    items = {item.code: item for item in tender.items.order_by("position", "pk")}
    horizon = len(next(iter(items.values())).quantities) if items else 0
    for key in [*FIXED[:1], *(f"{kind}:{t}" for t in range(horizon) for kind in ("q", "price", "amount"))]:
        if key not in columns:
            errors[f"{PRICES_SHEET}!{key}"] = _("missing column")
    if errors:
        raise ValidationFailed(ERROR_CODE, _count(errors), errors)
    prices: dict[str, list[str | None]] = {}
    amounts: dict[str, list[str | None]] = {}
    seen: dict[str, int] = {}
    for row_number, row in enumerate(rows[FIRST_ROW - 1 :], start=FIRST_ROW):
        code_value = row[columns["code"]] if columns["code"] < len(row) else None
        if code_value in (None, ""):
            continue
        code = str(code_value).strip()
        where = f"{PRICES_SHEET}!{get_column_letter(columns['code'] + 1)}{row_number}"
        item = items.get(code)
        if item is None:
            errors[where] = _("%(code)s is not an item of the pricing schedule") % {"code": code}
            continue
        if code in seen:
            errors[where] = _("%(code)s is already on row %(row)d") % {"code": code, "row": seen[code]}
            continue
        seen[code] = row_number
        item_prices: list[str | None] = []
        item_amounts: list[str | None] = []
        for t, quantity in enumerate(item.quantities):
            expected = Decimal(str(quantity))
            cells = {}
            for kind in ("q", "price", "amount"):
                index = columns[f"{kind}:{t}"]
                cells[kind] = (
                    row[index] if index < len(row) else None,
                    f"{PRICES_SHEET}!{get_column_letter(index + 1)}{row_number}",
                )
            try:
                written_quantity = _number(cells["q"][0]) if cells["q"][0] not in (None, "") else None
            except ValueError:
                written_quantity = None
            if written_quantity is None or written_quantity != expected:
                errors[cells["q"][1]] = _("the quantity is the tender's (%(quantity)s) and cannot change") % {
                    "quantity": expected
                }
            price: str | None = None
            if cells["price"][0] in (None, ""):
                if expected != 0:
                    errors[cells["price"][1]] = _("a unit price is needed: the year has a quantity")
            else:
                try:
                    price = str(_number(cells["price"][0]))
                except ValueError as error:
                    errors[cells["price"][1]] = str(error)
            amount: str | None = None
            if cells["amount"][0] not in (None, ""):
                try:
                    amount = str(_number(cells["amount"][0]))
                except ValueError as error:
                    errors[cells["amount"][1]] = str(error)
            item_prices.append(price)
            item_amounts.append(amount)
        prices[code] = item_prices
        amounts[code] = item_amounts
    for code in items:
        if code not in seen:
            errors[f"{PRICES_SHEET}!{code}"] = _("missing item %(code)s") % {"code": code}
    if errors:
        raise ValidationFailed(ERROR_CODE, _count(errors), errors)
    return PriceForm(
        prices=prices,
        stated_amounts={
            code: values for code, values in amounts.items() if any(v is not None for v in values)
        },
        stated_total=stated_total,
    )


def _count(errors: dict[str, str]) -> str:
    from django.utils.translation import ngettext

    count = len(errors)
    return ngettext(
        "The workbook has %(count)d error; nothing was imported.",
        "The workbook has %(count)d errors; nothing was imported.",
        count,
    ) % {"count": count}
