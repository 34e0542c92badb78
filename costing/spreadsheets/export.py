"""Export of a cost model with live formulas, so a finance officer can audit the arithmetic.

Layout of each option sheet ("Option_<kind>"):

    row 6    J..: period t = 0..horizon-1 (values)
    row 7    J..: calendar year =BaseYear+J$6
    rows 8.. one quantity row per line: A code .. E unit, F unit cost, G escalation (the line's rate,
             or =GeneralEscalation), H VAT applies (1/0), I sign (1 cost, -1 revenue), J.. the
             quantities per year as values (a refresh cycle already applied, as the engine does)
    then     one amount row per line, in the same order: J.. the model-basis amount incl. VAT,
               nominal model  =$F8*J8*POWER(1+$G8,J$6)*(1+VatRate*$H8)*$I8
               real model     =$F8*J8*POWER((1+$G8)/(1+GeneralEscalation),J$6)*(1+VatRate*$H8)*$I8
             then Total =SUM(J:..), PV =J+NPV(DiscountRate,K:..) (period 0 undiscounted, DOMAIN.md),
             and, when engine results are given, the engine's PV and the difference
    then     a totals row (=SUM per year; NPV = SUM of the line PVs), the NPV of the yearly totals
             (=CF0+NPV(DiscountRate,CF1:CFn)), a check row (their difference) and the engine's
             yearly totals.

The Summary sheet compares the options' NPVs with formulas that point at the option sheets. The
workbook also carries the Model, Options, Lines and Risks sheets in the template's shape (so it
imports again unchanged) and the defined names DiscountRate, VatRate, GeneralEscalation, BaseYear
and Horizon on the Model sheet. Only SUM, NPV and POWER are used: Excel and LibreOffice both work.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.worksheet import Worksheet

from . import layout
from .records import WorkbookLine, WorkbookModel, WorkbookOption
from .template import save, write_input_sheets

DEFINED_NAMES = {
    "DiscountRate": "discount_rate",
    "VatRate": "vat_rate",
    "GeneralEscalation": "general_escalation",
    "BaseYear": "base_year",
    "Horizon": "horizon",
}
PERIOD_ROW = 6
YEAR_ROW = 7
FIRST_QUANTITY_ROW = 8
FIRST_YEAR_COLUMN = 10  # J

LABELS: dict[str, tuple[str, str]] = {
    "code": ("Mã", "Code"),
    "name": ("Khoản mục", "Line"),
    "category": ("Nhóm", "Category"),
    "kind": ("Loại", "Kind"),
    "unit": ("Đơn vị", "Unit"),
    "unit_cost": ("Đơn giá (chưa VAT)", "Unit cost (ex VAT)"),
    "escalation": ("Trượt giá", "Escalation"),
    "vat": ("VAT (1/0)", "VAT (1/0)"),
    "sign": ("Dấu", "Sign"),
    "quantities": (
        "Số lượng theo năm (giá trị; đã áp dụng chu kỳ thay thế)",
        "Quantities per year (values; refresh cycles applied)",
    ),
    "amounts": (
        "Giá trị theo cơ sở giá của mô hình, gồm VAT (công thức)",
        "Amounts on the model's price basis, incl. VAT (formulas)",
    ),
    "total": ("Tổng", "Total"),
    "pv": ("Giá trị hiện tại", "Present value"),
    "engine": ("engine: giá trị hiện tại", "engine: present value"),
    "difference": ("Chênh lệch", "Difference"),
    "totals": ("Tổng theo năm", "Total per year"),
    "npv_of_totals": ("NPV của tổng theo năm (CF0 + NPV)", "NPV of the yearly totals (CF0 + NPV)"),
    "check": ("Kiểm tra (phải bằng 0)", "Check (must be 0)"),
    "engine_totals": ("engine: tổng theo năm", "engine: total per year"),
    "summary": ("Tổng hợp so sánh phương án", "Comparison of options"),
    "discount_rate": ("Tỷ lệ chiết khấu", "Discount rate"),
    "basis": ("Cơ sở giá", "Price basis"),
    "currency": ("Tiền tệ", "Currency"),
    "option": ("Phương án", "Option"),
    "option_name": ("Tên phương án", "Option name"),
    "npv": ("NPV chi phí (công thức)", "Cost NPV (formula)"),
    "horizon_total": ("Tổng cả vòng đời, chưa chiết khấu", "Total over the horizon, undiscounted"),
    "competitive_neutrality": ("Trung lập cạnh tranh", "Competitive neutrality"),
    "engine_npv": ("engine: NPV", "engine: NPV"),
    "versus_in_house": ("NPV tự thực hiện trừ phương án này", "In-house NPV minus this option"),
    "basis_note": (
        "Chi phí dương, doanh thu âm. Kỳ 0 là năm gốc, không chiết khấu: "
        "PV = năm 0 + NPV(DiscountRate, năm 1..n).",
        "Costs positive, revenue negative. Period 0 is the base year, not discounted: "
        "PV = year 0 + NPV(DiscountRate, years 1..n).",
    ),
    "summary_note": (
        "Chi phí thô theo cơ sở giá của mô hình, gồm VAT; chưa gồm rủi ro và trung lập cạnh tranh.",
        "Raw cost on the model's price basis, incl. VAT; risks and competitive neutrality not included.",
    ),
}


def _label(key: str, language: str) -> str:
    vietnamese, english = LABELS[key]
    return english if language == "en" else vietnamese


def option_sheet_name(kind: str) -> str:
    return f"Option_{kind}"


def _figure(result: Any, name: str) -> Any:
    if isinstance(result, Mapping):
        return result.get(name)
    return getattr(result, name, None)


@dataclass(frozen=True)
class _OptionCells:
    """Absolute references (with sheet) of an option's NPV and undiscounted total."""

    npv: str
    total: str


def export_workbook(
    model: WorkbookModel, results: Mapping[str, Any] | None = None, language: str = "vi"
) -> bytes:
    """The model and its results as .xlsx bytes, with live formulas (see the module docstring).

    `results` maps an option kind to the engine's figures for that option (a
    costing.calculations.Results, or a mapping with the same names): `codes`, `pv_by_line`, `npv`
    and `cost_by_year` are written in "engine" columns beside the formulas, for comparison.
    """
    language = layout.language_of(language)
    workbook = Workbook()
    workbook.remove(workbook.active)
    summary = workbook.create_sheet(layout.SUMMARY_SHEET)
    cells = {}
    for option in model.options:
        result = (results or {}).get(option.kind)
        cells[option.kind] = _option_sheet(workbook, model, option, result, language)
    references = write_input_sheets(workbook, model, language)
    for name, key in DEFINED_NAMES.items():
        workbook.defined_names[name] = DefinedName(name, attr_text=references[key])
    _summary_sheet(summary, model, cells, results or {}, language)
    workbook.active = 0
    return save(workbook)


def effective_quantities(line: WorkbookLine) -> tuple[Decimal, ...]:
    """The quantities the engine uses: with a refresh cycle N, period t buys what period t mod N
    bought (costing.calculations.inputs.prepare)."""
    cycle = line.refresh_cycle_years
    if not cycle or cycle >= len(line.quantities):
        return line.quantities
    return tuple(line.quantities[period % cycle] for period in range(len(line.quantities)))


def _amount_formula(basis: str, row: int, column: str) -> str:
    if basis == "real":
        growth = f"POWER((1+$G{row})/(1+GeneralEscalation),{column}${PERIOD_ROW})"
    else:
        growth = f"POWER(1+$G{row},{column}${PERIOD_ROW})"
    return f"=$F{row}*{column}{row}*{growth}*(1+VatRate*$H{row})*$I{row}"


def _present_value(row: int, first: str, second: str, last: str, horizon: int) -> str:
    if horizon == 1:
        return f"={first}{row}"
    return f"={first}{row}+NPV(DiscountRate,{second}{row}:{last}{row})"


def _option_sheet(
    workbook: Workbook, model: WorkbookModel, option: WorkbookOption, result: Any, language: str
) -> _OptionCells:
    sheet = workbook.create_sheet(option_sheet_name(option.kind))
    horizon = model.horizon
    money = layout.amount_format(model.currency)
    years = [get_column_letter(FIRST_YEAR_COLUMN + period) for period in range(horizon)]
    first, last = years[0], years[-1]
    second = years[1] if horizon > 1 else first
    total_column = FIRST_YEAR_COLUMN + horizon
    pv_column, engine_column, difference_column = total_column + 1, total_column + 2, total_column + 3
    total_letter, pv_letter = get_column_letter(total_column), get_column_letter(pv_column)
    engine_letter = get_column_letter(engine_column)

    sheet.cell(1, 1, f"{option.name} ({option.kind})").font = layout.TITLE_FONT
    sheet.cell(
        2, 1, f"{_label('basis', language)}: {model.basis}; {_label('currency', language)}: {model.currency}"
    )
    sheet.cell(3, 1, _label("basis_note", language))
    sheet.cell(5, 1, _label("quantities", language)).font = layout.HEADER_FONT
    sheet.cell(PERIOD_ROW, FIRST_YEAR_COLUMN - 1, "t").font = layout.KEY_FONT
    headers = ("code", "name", "category", "kind", "unit", "unit_cost", "escalation", "vat", "sign")
    for column, key in enumerate(headers, start=1):
        _head(sheet, YEAR_ROW, column, _label(key, language))
    for period, letter in enumerate(years):
        sheet.cell(PERIOD_ROW, FIRST_YEAR_COLUMN + period, period).font = layout.KEY_FONT
        _head(sheet, YEAR_ROW, FIRST_YEAR_COLUMN + period, f"=BaseYear+{letter}${PERIOD_ROW}")

    lines = option.lines
    for index, line in enumerate(lines):
        row = FIRST_QUANTITY_ROW + index
        _describe(sheet, row, line)
        sheet.cell(row, 6, line.unit_cost).number_format = money
        escalation = "=GeneralEscalation" if line.escalation_rate is None else line.escalation_rate
        sheet.cell(row, 7, escalation).number_format = layout.PERCENT_FORMAT
        sheet.cell(row, 8, 1 if line.vat_applicable else 0)
        sheet.cell(row, 9, -1 if line.kind == "revenue" else 1)
        for period, quantity in enumerate(effective_quantities(line)):
            sheet.cell(row, FIRST_YEAR_COLUMN + period, quantity).number_format = layout.QUANTITY_FORMAT

    section = FIRST_QUANTITY_ROW + len(lines) + 1
    sheet.cell(section, 1, _label("amounts", language)).font = layout.HEADER_FONT
    header = section + 1
    for column, key in enumerate(headers[:5], start=1):
        _head(sheet, header, column, _label(key, language))
    for period, letter in enumerate(years):
        _head(sheet, header, FIRST_YEAR_COLUMN + period, f"={letter}${YEAR_ROW}")
    _head(sheet, header, total_column, _label("total", language))
    _head(sheet, header, pv_column, _label("pv", language))
    engine_pv = _engine_pvs(result)
    if result is not None:
        _head(sheet, header, engine_column, _label("engine", language))
        _head(sheet, header, difference_column, _label("difference", language))

    first_amount = header + 1
    for index, line in enumerate(lines):
        row, quantity_row = first_amount + index, FIRST_QUANTITY_ROW + index
        _describe(sheet, row, line)
        for letter in years:
            sheet[f"{letter}{row}"] = _amount_formula(model.basis, quantity_row, letter)
            sheet[f"{letter}{row}"].number_format = money
        _money(sheet, row, total_column, f"=SUM({first}{row}:{last}{row})", money)
        _money(sheet, row, pv_column, _present_value(row, first, second, last, horizon), money)
        if line.code in engine_pv:
            _money(sheet, row, engine_column, engine_pv[line.code], money)
            _money(sheet, row, difference_column, f"={pv_letter}{row}-{engine_letter}{row}", money)

    last_amount = first_amount + len(lines) - 1
    totals = last_amount + 1
    _head(sheet, totals, 2, _label("totals", language))
    for column in [*years, total_letter, pv_letter]:
        formula = f"=SUM({column}{first_amount}:{column}{last_amount})" if lines else 0
        sheet[f"{column}{totals}"] = formula
        sheet[f"{column}{totals}"].number_format = money
        sheet[f"{column}{totals}"].font = layout.HEADER_FONT
    _head(sheet, totals + 1, 2, _label("npv_of_totals", language))
    _money(sheet, totals + 1, pv_column, _present_value(totals, first, second, last, horizon), money)
    _head(sheet, totals + 2, 2, _label("check", language))
    _money(sheet, totals + 2, pv_column, f"={pv_letter}{totals}-{pv_letter}{totals + 1}", money)
    if result is not None:
        _money(sheet, totals, engine_column, float(_figure(result, "npv")), money)
        _money(sheet, totals, difference_column, f"={pv_letter}{totals}-{engine_letter}{totals}", money)
        by_year = _figure(result, "cost_by_year")
        if by_year is not None:
            _head(sheet, totals + 3, 2, _label("engine_totals", language))
            for period, amount in enumerate(list(by_year)[:horizon]):
                _money(sheet, totals + 3, FIRST_YEAR_COLUMN + period, float(amount), money)

    for letter, width in zip("ABCDEFGHI", (10, 32, 24, 9, 10, 16, 11, 9, 6), strict=True):
        sheet.column_dimensions[letter].width = width
    for column in range(FIRST_YEAR_COLUMN, difference_column + 1):
        sheet.column_dimensions[get_column_letter(column)].width = 16
    sheet.freeze_panes = f"C{FIRST_QUANTITY_ROW}"
    name = layout.sheet_reference(sheet.title)
    return _OptionCells(npv=f"{name}!${pv_letter}${totals}", total=f"{name}!${total_letter}${totals}")


def _head(sheet: Worksheet, row: int, column: int, value: object) -> None:
    cell = sheet.cell(row, column, value)
    cell.font = layout.HEADER_FONT
    cell.fill = layout.HEADER_FILL


def _money(sheet: Worksheet, row: int, column: int, value: object, number_format: str) -> None:
    sheet.cell(row, column, value).number_format = number_format


def _describe(sheet: Worksheet, row: int, line: WorkbookLine) -> None:
    for column, value in enumerate((line.code, line.name, line.category, line.kind, line.unit), start=1):
        sheet.cell(row, column, value)


def _engine_pvs(result: Any) -> dict[str, float]:
    if result is None:
        return {}
    codes = _figure(result, "codes") or ()
    values = _figure(result, "pv_by_line")
    values = [] if values is None else list(values)
    return {code: float(value) for code, value in zip(codes, values, strict=True)}


def _summary_sheet(
    sheet: Worksheet,
    model: WorkbookModel,
    cells: Mapping[str, _OptionCells],
    results: Mapping[str, Any],
    language: str,
) -> None:
    money = layout.amount_format(model.currency)
    sheet.cell(1, 1, f"{_label('summary', language)}: {model.name}").font = layout.TITLE_FONT
    sheet.cell(2, 1, _label("summary_note", language))
    sheet.cell(4, 1, _label("discount_rate", language)).font = layout.HEADER_FONT
    sheet.cell(4, 2, "=DiscountRate").number_format = layout.PERCENT_FORMAT
    sheet.cell(5, 1, _label("basis", language)).font = layout.HEADER_FONT
    sheet.cell(5, 2, model.basis)
    sheet.cell(6, 1, _label("currency", language)).font = layout.HEADER_FONT
    sheet.cell(6, 2, model.currency)
    header = 8
    columns = ["option", "option_name", "npv", "horizon_total", "competitive_neutrality"]
    if results:
        columns += ["engine_npv", "difference"]
    in_house_row = None
    for index, option in enumerate(model.options):
        if option.kind == "in_house":
            in_house_row = header + 1 + index
    if in_house_row is not None:
        columns.append("versus_in_house")
    for column, key in enumerate(columns, start=1):
        _head(sheet, header, column, _label(key, language))
    for index, option in enumerate(model.options):
        row = header + 1 + index
        values: dict[str, object] = {
            "option": option.kind,
            "option_name": option.name,
            "npv": f"={cells[option.kind].npv}",
            "horizon_total": f"={cells[option.kind].total}",
            "competitive_neutrality": option.competitive_neutrality,
        }
        result = results.get(option.kind)
        if result is not None:
            values["engine_npv"] = float(_figure(result, "npv"))
            values["difference"] = f"=C{row}-F{row}"
        if in_house_row is not None:
            values["versus_in_house"] = f"=$C${in_house_row}-C{row}"
        for column, key in enumerate(columns, start=1):
            if key in values:
                cell = sheet.cell(row, column, values[key])
                if key not in ("option", "option_name"):
                    cell.number_format = money
    for letter, width in zip("ABCDEFGH", (16, 36, 20, 20, 20, 20, 16, 22), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = f"A{header + 1}"
