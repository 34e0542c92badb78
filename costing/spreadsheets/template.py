"""The downloadable template, and the input sheets that the export writes in the same shape.

An exported workbook therefore imports again unchanged: download, edit, upload.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from costing.calculations.inputs import HORIZON_MAX

from . import layout
from .layout import Field
from .records import OPTION_KINDS, WorkbookModel


def build_template(language: str = "vi") -> bytes:
    """An empty cost-model workbook (.xlsx bytes) with labels in `language` ("vi" or "en"),
    bilingual instructions, drop-downs and number checks. The Options sheet lists the three option
    kinds with default names; delete the rows of options you do not compare."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    write_input_sheets(workbook, None, language)
    workbook.active = workbook.sheetnames.index(layout.MODEL_SHEET)
    return save(workbook)


def save(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def write_input_sheets(workbook: Workbook, model: WorkbookModel | None, language: str) -> dict[str, str]:
    """Add Instructions, Model, Options, Lines, Risks and the hidden Lists sheet to `workbook`,
    filled from `model` when given. Returns the absolute reference of each Model value by key
    ("discount_rate" -> "Model!$C$9") for defined names."""
    language = layout.language_of(language)
    _instructions_sheet(workbook)
    references = _model_sheet(workbook, model, language)
    _options_sheet(workbook, model, language)
    _lines_sheet(workbook, model, language)
    _risks_sheet(workbook, model, language)
    _lists_sheet(workbook)
    return references


def _header(sheet: Worksheet, fields: Sequence[Field], language: str, freeze: str) -> None:
    for column, field in enumerate(fields, start=1):
        label = sheet.cell(layout.LABEL_ROW, column, field.label(language))
        label.font = layout.HEADER_FONT
        label.fill = layout.HEADER_FILL
        label.alignment = layout.WRAP
        key = sheet.cell(layout.KEY_ROW, column, field.key)
        key.font = layout.KEY_FONT
        sheet.column_dimensions[get_column_letter(column)].width = field.width
    sheet.row_dimensions[layout.LABEL_ROW].height = 30
    sheet.freeze_panes = freeze


def _fill_rows(sheet: Worksheet, rows: Sequence[Sequence[object]], formats: dict[int, str]) -> None:
    for row_number, values in enumerate(rows, start=layout.FIRST_DATA_ROW):
        for column, value in enumerate(values, start=1):
            if value is None or value == "":
                continue
            cell = sheet.cell(row_number, column, value)
            if column in formats:
                cell.number_format = formats[column]


def _column(fields: Sequence[Field], key: str) -> str:
    return get_column_letter(next(i for i, field in enumerate(fields, start=1) if field.key == key))


def _list_source(name: str) -> str:
    column = get_column_letter(list(layout.LISTS).index(name) + 1)
    last = len(layout.LISTS[name]) + 1
    return f"{layout.sheet_reference(layout.LISTS_SHEET)}!${column}$2:${column}${last}"


def _validation(
    sheet: Worksheet,
    cells: str,
    kind: str,
    error: str,
    *,
    source: str = "",
    low: object = None,
    high: object = None,
) -> None:
    """A drop-down (kind "list", from a Lists column) or a number check ("decimal", "whole")."""
    if kind == "list":
        validation = DataValidation(type="list", formula1=f"={_list_source(source)}", allow_blank=True)
    elif high is None:
        validation = DataValidation(
            type=kind, operator="greaterThanOrEqual", formula1=str(low), allow_blank=True
        )
    else:
        validation = DataValidation(
            type=kind, operator="between", formula1=str(low), formula2=str(high), allow_blank=True
        )
    validation.error = error
    validation.errorTitle = "Cost model"
    validation.showErrorMessage = True
    validation.add(cells)
    sheet.add_data_validation(validation)


def _rows_of(sheet_fields: Sequence[Field], key: str) -> str:
    column = _column(sheet_fields, key)
    return f"{column}{layout.FIRST_DATA_ROW}:{column}{layout.TEMPLATE_ROWS}"


def _model_sheet(workbook: Workbook, model: WorkbookModel | None, language: str) -> dict[str, str]:
    sheet = workbook.create_sheet(layout.MODEL_SHEET)
    _header(sheet, layout.MODEL_COLUMNS, language, "A3")
    values: dict[str, object] = {"currency": "VND"}
    if model is not None:
        values = {field.key: getattr(model, field.key) for field in layout.MODEL_FIELDS}
    references = {}
    percent_keys = {"discount_rate", "vat_rate", "general_escalation"}
    for row, field in enumerate(layout.MODEL_FIELDS, start=layout.FIRST_DATA_ROW):
        sheet.cell(row, 1, field.label(language)).font = layout.HEADER_FONT
        sheet.cell(row, layout.MODEL_KEY_COLUMN, field.key).font = layout.KEY_FONT
        value = sheet.cell(row, layout.MODEL_VALUE_COLUMN, values.get(field.key))
        value.fill = layout.INPUT_FILL
        if field.key in percent_keys:
            value.number_format = layout.PERCENT_FORMAT
        note = sheet.cell(row, 4, field.help_en if language == "en" else field.help_vi)
        note.alignment = layout.WRAP
        column = get_column_letter(layout.MODEL_VALUE_COLUMN)
        references[field.key] = f"{layout.sheet_reference(layout.MODEL_SHEET)}!${column}${row}"
        cell = f"{column}{row}"
        if field.key in ("currency", "basis"):
            _validation(sheet, cell, "list", "Choose from the list", source=field.key)
        elif field.key == "horizon":
            _validation(sheet, cell, "whole", f"1-{HORIZON_MAX}", low=1, high=HORIZON_MAX)
        elif field.key == "base_year":
            _validation(sheet, cell, "whole", "Year", low=layout.BASE_YEAR_MIN, high=layout.BASE_YEAR_MAX)
        elif field.key in ("discount_rate", "vat_rate"):
            _validation(sheet, cell, "decimal", "0-100%", low=0, high=1)
        elif field.key == "general_escalation":
            _validation(sheet, cell, "decimal", "-100%..100%", low=-1, high=1)
    return references


def _options_sheet(workbook: Workbook, model: WorkbookModel | None, language: str) -> None:
    sheet = workbook.create_sheet(layout.OPTIONS_SHEET)
    fields = layout.OPTION_FIELDS
    _header(sheet, fields, language, "A3")
    if model is None:
        index = 1 if language == "en" else 0
        rows: list[list[object]] = [[kind, layout.OPTION_NAMES[kind][index], None] for kind in OPTION_KINDS]
    else:
        rows = [[option.kind, option.name, option.competitive_neutrality] for option in model.options]
    currency = model.currency if model else "VND"
    _fill_rows(sheet, rows, {3: layout.amount_format(currency)})
    _validation(sheet, _rows_of(fields, "kind"), "list", "Choose an option kind", source="option")
    _validation(
        sheet, _rows_of(fields, "competitive_neutrality"), "decimal", "A number", low=-(10**18), high=10**18
    )


def _yes_no(value: bool, language: str) -> str:
    if language == "en":
        return "yes" if value else "no"
    return "có" if value else "không"


def _lines_sheet(workbook: Workbook, model: WorkbookModel | None, language: str) -> None:
    sheet = workbook.create_sheet(layout.LINES_SHEET)
    fields = layout.line_fields()
    _header(sheet, fields, language, "D3")
    rows: list[list[object]] = []
    if model is not None:
        for option in model.options:
            for line in option.lines:
                rows.append(
                    [
                        option.kind,
                        line.code,
                        line.name,
                        line.category,
                        line.kind,
                        line.unit,
                        line.unit_cost,
                        line.escalation_rate,
                        line.refresh_cycle_years,
                        _yes_no(line.vat_applicable, language),
                        line.assumption,
                        line.source,
                        None,
                        None,
                        None,
                        None,
                        *line.quantities,
                    ]
                )
    currency = model.currency if model else "VND"
    position = {field.key: i for i, field in enumerate(fields, start=1)}
    formats = {position["unit_cost"]: layout.amount_format(currency)}
    for key in ("escalation_rate", "growth_rate"):
        formats[position[key]] = layout.PERCENT_FORMAT
    for period in range(HORIZON_MAX):
        formats[position[layout.year_key(period)]] = layout.QUANTITY_FORMAT
    _fill_rows(sheet, rows, formats)
    for key, source in (
        ("option", "option"),
        ("category", "category"),
        ("kind", "kind"),
        ("vat_applicable", "yes_no"),
    ):
        _validation(sheet, _rows_of(fields, key), "list", "Choose from the list", source=source)
    for key in ("unit_cost", "starting_quantity"):
        _validation(sheet, _rows_of(fields, key), "decimal", "Zero or more", low=0)
    for key in ("escalation_rate", "growth_rate"):
        _validation(sheet, _rows_of(fields, key), "decimal", "-100%..100%", low=-1, high=1)
    _validation(
        sheet, _rows_of(fields, "refresh_cycle_years"), "whole", f"1-{HORIZON_MAX}", low=1, high=HORIZON_MAX
    )
    for key in ("start_year", "end_year"):
        _validation(
            sheet,
            _rows_of(fields, key),
            "whole",
            "Year",
            low=layout.BASE_YEAR_MIN,
            high=layout.BASE_YEAR_MAX + 29,
        )
    first = _column(fields, layout.year_key(0))
    last = _column(fields, layout.year_key(HORIZON_MAX - 1))
    years = f"{first}{layout.FIRST_DATA_ROW}:{last}{layout.TEMPLATE_ROWS}"
    _validation(sheet, years, "decimal", "Zero or more", low=0)


def _risks_sheet(workbook: Workbook, model: WorkbookModel | None, language: str) -> None:
    sheet = workbook.create_sheet(layout.RISKS_SHEET)
    fields = layout.RISK_FIELDS
    _header(sheet, fields, language, "D3")
    rows: list[list[object]] = []
    if model is not None:
        for option in model.options:
            for risk in option.risks:
                rows.append(
                    [
                        option.kind,
                        risk.code,
                        risk.name,
                        risk.probability,
                        risk.minimum,
                        risk.most_likely,
                        risk.maximum,
                        risk.distribution,
                        risk.first_year,
                        risk.last_year,
                        risk.public_share,
                    ]
                )
    currency = model.currency if model else "VND"
    money = layout.amount_format(currency)
    _fill_rows(
        sheet, rows, {4: layout.PERCENT_FORMAT, 5: money, 6: money, 7: money, 11: layout.PERCENT_FORMAT}
    )
    _validation(sheet, _rows_of(fields, "option"), "list", "Choose an option", source="option")
    _validation(
        sheet, _rows_of(fields, "distribution"), "list", "Choose a distribution", source="distribution"
    )
    for key in ("probability", "public_share"):
        _validation(sheet, _rows_of(fields, key), "decimal", "0-100%", low=0, high=1)
    for key in ("minimum", "most_likely", "maximum"):
        _validation(sheet, _rows_of(fields, key), "decimal", "Zero or more", low=0)
    for key in ("first_year", "last_year"):
        _validation(
            sheet,
            _rows_of(fields, key),
            "whole",
            "Year",
            low=layout.BASE_YEAR_MIN,
            high=layout.BASE_YEAR_MAX + 29,
        )


def _lists_sheet(workbook: Workbook) -> None:
    sheet = workbook.create_sheet(layout.LISTS_SHEET)
    for column, (name, values) in enumerate(layout.LISTS.items(), start=1):
        sheet.cell(1, column, name).font = layout.KEY_FONT
        for row, value in enumerate(values, start=2):
            sheet.cell(row, column, value)
    sheet.sheet_state = "hidden"


INSTRUCTIONS: tuple[tuple[str, str], ...] = (
    (
        "Điền các sheet Model, Options, Lines và Risks. Không đổi tên sheet; không sửa hàng 2 "
        "(khoá máy, dùng để nhận diện cột ở mọi ngôn ngữ). Có thể đổi thứ tự cột.",
        "Fill in the Model, Options, Lines and Risks sheets. Do not rename sheets; do not change "
        "row 2 (machine keys that identify the columns in any language). Columns may be reordered.",
    ),
    (
        "Tỷ lệ (chiết khấu, VAT, trượt giá, xác suất...) nhập dạng 0,1 hoặc 10%. "
        "Nhập 10 nghĩa là 1000% và bị từ chối.",
        "Rates (discount, VAT, escalation, probability...) are entered as 0.1 or 10%. "
        "10 means 1000% and is refused.",
    ),
    (
        "Số lượng: điền các cột Năm 0..Năm 29 (Năm 0 = năm gốc), hoặc dùng nhập nhanh: năm bắt đầu, "
        "năm kết thúc, số lượng năm đầu và tăng trưởng. Không dùng cả hai cách trên một dòng.",
        "Quantities: fill the Year 0..Year 29 columns (Year 0 = base year), or use quick entry: "
        "start year, end year, starting quantity and growth. Do not use both on one line.",
    ),
    (
        "Chu kỳ thay thế N (chỉ capex): số lượng của N năm đầu lặp lại ở mỗi khối N năm sau đó; "
        "số lượng nhập sau khối đầu bị thay thế.",
        "Refresh cycle N (capex only): the quantities of the first N years repeat in every later "
        "block of N years; quantities entered after the first block are replaced.",
    ),
    (
        "Mô hình real dùng giá cố định và tỷ lệ chiết khấu thực; nominal dùng giá danh nghĩa và "
        "tỷ lệ chiết khấu danh nghĩa. Không trộn hai cơ sở.",
        "A real model uses constant prices and a real discount rate; a nominal model uses "
        "escalated prices and a nominal rate. Never mix the two.",
    ),
    (
        "Ô nhập có thể chứa công thức nếu tệp được lưu bằng Excel hoặc LibreOffice (giá trị đã "
        "tính được lưu kèm); ô công thức chưa có giá trị đã tính bị từ chối.",
        "Input cells may hold formulas when the file was saved by Excel or LibreOffice (which "
        "store the computed value); a formula cell without a stored value is refused.",
    ),
    (
        "Khi nhập tệp, mọi lỗi được liệt kê theo sheet và ô (vd Lines!G7); nếu có bất kỳ lỗi nào "
        "thì không dữ liệu nào được lưu. Kích thước tối đa 5 MB.",
        "On import every error is listed by sheet and cell (e.g. Lines!G7); if there is any "
        "error nothing is saved. Maximum size 5 MB.",
    ),
)


def _instructions_sheet(workbook: Workbook) -> None:
    sheet = workbook.create_sheet(layout.INSTRUCTIONS_SHEET)
    for letter, width in zip("ABCD", (16, 26, 64, 64), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.cell(1, 1, "Hướng dẫn / Instructions").font = layout.TITLE_FONT
    row = 3
    for vietnamese, english in INSTRUCTIONS:
        sheet.cell(row, 3, vietnamese).alignment = layout.WRAP
        sheet.cell(row, 4, english).alignment = layout.WRAP
        row += 1
    row += 1
    for column, label in enumerate(("Sheet", "Khoá / key", "Tiếng Việt", "English"), start=1):
        cell = sheet.cell(row, column, label)
        cell.font, cell.fill = layout.HEADER_FONT, layout.HEADER_FILL
    row += 1
    tables: tuple[tuple[str, Sequence[Field]], ...] = (
        (layout.MODEL_SHEET, layout.MODEL_FIELDS),
        (layout.OPTIONS_SHEET, layout.OPTION_FIELDS),
        (layout.LINES_SHEET, layout.LINE_FIELDS),
        (layout.RISKS_SHEET, layout.RISK_FIELDS),
    )
    for sheet_name, fields in tables:
        for field in fields:
            _instruction_row(
                sheet,
                row,
                (sheet_name, field.key, f"{field.vi}: {field.help_vi}", f"{field.en}: {field.help_en}"),
            )
            row += 1
        if sheet_name == layout.LINES_SHEET:
            _instruction_row(sheet, row, (sheet_name, "y0 .. y29", *layout.YEAR_HELP))
            row += 1
    row += 1
    for column, label in enumerate(("Loại / kind", "Mã nhóm / category", "Tiếng Việt", "English"), start=1):
        cell = sheet.cell(row, column, label)
        cell.font, cell.fill = layout.HEADER_FONT, layout.HEADER_FILL
    row += 1
    for code, (vietnamese, english) in layout.CATEGORY_NAMES.items():
        _instruction_row(sheet, row, (layout.CATEGORY_KIND[code], code, vietnamese, english))
        row += 1
    sheet.freeze_panes = "A2"


def _instruction_row(sheet: Worksheet, row: int, values: Sequence[object]) -> None:
    for column, value in enumerate(values, start=1):
        sheet.cell(row, column, value).alignment = layout.WRAP
