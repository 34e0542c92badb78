"""The cost-model workbook: template, all-or-nothing import, export with live formulas.

The export test recomputes every formula with `formulas` (an independent spreadsheet engine) and
compares with costing.calculations.compute.

Import errors are in the active language. Vietnamese is the default, so every test here runs in
English unless it says otherwise; the Vietnamese tests switch with translation.override("vi").
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import formulas
import pytest
from django.utils import translation
from openpyxl import Workbook, load_workbook

from costing.calculations import LineInput, ModelInput, compute
from costing.spreadsheets import (
    WorkbookLine,
    WorkbookModel,
    WorkbookOption,
    WorkbookRisk,
    build_template,
    export_workbook,
    parse_workbook,
)
from ppp.errors import ValidationFailed

D = Decimal


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


# --- helpers: fill a template the way a finance officer would, with openpyxl ----------------------


def template(language: str = "en") -> Workbook:
    return load_workbook(io.BytesIO(build_template(language)))


def keys(sheet) -> dict[str, int]:
    return {sheet.cell(2, c).value: c for c in range(1, sheet.max_column + 1) if sheet.cell(2, c).value}


def put(sheet, row: int, **values: Any) -> None:
    columns = keys(sheet)
    for key, value in values.items():
        sheet.cell(row, columns[key]).value = value


def set_model(book: Workbook, **values: Any) -> None:
    sheet = book["Model"]
    rows = {sheet.cell(r, 2).value: r for r in range(3, sheet.max_row + 1)}
    for key, value in values.items():
        sheet.cell(rows[key], 3).value = value


def to_bytes(book: Workbook) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def refusal_of(data: bytes, **kwargs: Any) -> ValidationFailed:
    with pytest.raises(ValidationFailed) as caught:
        parse_workbook(data, **kwargs)
    assert caught.value.code == "costing.workbook_invalid"
    return caught.value


def errors_of(data: bytes, **kwargs: Any) -> dict[str, str]:
    return refusal_of(data, **kwargs).fields


def patch_cell(data: bytes, sheet_title: str, ref: str, cell_xml: str) -> bytes:
    """Replace one cell's XML: for values openpyxl cannot write (1E999, #DIV/0!, a formula with its
    stored result, as Excel saves it)."""
    index = load_workbook(io.BytesIO(data), read_only=True).sheetnames.index(sheet_title) + 1
    part = f"xl/worksheets/sheet{index}.xml"
    source = zipfile.ZipFile(io.BytesIO(data))
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target:
        for name in source.namelist():
            content = source.read(name)
            if name == part:
                pattern = rf'<c r="{ref}"[^>]*?(?:/>|>.*?</c>)'.encode()
                content, count = re.subn(pattern, cell_xml.encode(), content, count=1)
                assert count == 1, f"cell {ref} not found"
            target.writestr(name, content)
    return output.getvalue()


VALID_MODEL = {
    "name": "Cổng dịch vụ công tỉnh",
    "purpose": "Provincial public-service portal",
    "currency": "VND",
    "base_year": 2026,
    "horizon": 5,
    "basis": "nominal",
    "discount_rate": 0.08,
    "discount_rate_basis": "WACC: debt 9%, equity 12%",
    "vat_rate": "10%",
    "general_escalation": 0.04,
}


def valid_book(language: str = "en") -> Workbook:
    book = template(language)
    set_model(book, **VALID_MODEL)
    return book


# --- template -------------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["vi", "en"])
def test_template_has_the_sheets_machine_keys_and_drop_downs(language):
    book = template(language)
    assert book.sheetnames == ["Instructions", "Model", "Options", "Lines", "Risks", "Lists"]
    assert book["Lists"].sheet_state == "hidden"
    lines = book["Lines"]
    line_keys = [lines.cell(2, c).value for c in range(1, lines.max_column + 1)]
    assert line_keys[:16] == [
        "option", "code", "name", "category", "kind", "unit", "unit_cost", "escalation_rate",
        "refresh_cycle_years", "vat_applicable", "assumption", "source",
        "start_year", "end_year", "starting_quantity", "growth_rate",
    ]  # fmt: skip
    assert line_keys[16:] == [f"y{t}" for t in range(30)]
    assert lines.freeze_panes == "D3"
    assert lines.column_dimensions["C"].width == 32
    assert [book["Risks"].cell(2, c).value for c in range(1, 12)] == [
        "option", "code", "name", "probability", "minimum", "most_likely", "maximum",
        "distribution", "first_year", "last_year", "public_share",
    ]  # fmt: skip
    drop_downs = {
        (sheet, str(v.sqref)): v.formula1
        for sheet in ("Lines", "Risks", "Options")
        for v in book[sheet].data_validations.dataValidation
        if v.type == "list"
    }
    assert drop_downs[("Lines", "A3:A500")] == "=Lists!$C$2:$C$4"
    assert drop_downs[("Lines", "D3:D500")] == "=Lists!$A$2:$A$22"
    assert drop_downs[("Lines", "E3:E500")] == "=Lists!$B$2:$B$4"
    assert drop_downs[("Risks", "H3:H500")] == "=Lists!$D$2:$D$3"
    assert drop_downs[("Options", "A3:A500")] == "=Lists!$C$2:$C$4"
    assert [book["Lists"].cell(r, 4).value for r in (2, 3)] == ["triangular", "pert"]


def test_template_labels_follow_the_language_and_the_keys_do_not():
    vietnamese, english = template("vi")["Lines"], template("en")["Lines"]
    assert (vietnamese["G1"].value, english["G1"].value) == ("Đơn giá (chưa VAT)", "Unit cost (ex VAT)")
    assert vietnamese["G2"].value == english["G2"].value == "unit_cost"


def test_instructions_are_bilingual_and_explain_every_column_and_category():
    sheet = template("en")["Instructions"]
    text = "\n".join(str(cell.value) for row in sheet.iter_rows() for cell in row if cell.value)
    for key in (
        "unit_cost",
        "refresh_cycle_years",
        "public_share",
        "discount_rate",
        "competitive_neutrality",
    ):
        assert key in text
    for category in ("equipment_installation_testing", "licences_subscriptions", "revenue"):
        assert category in text
    assert "Đơn giá chưa VAT" in text and "Unit cost excluding VAT" in text


def test_an_untouched_template_is_refused_with_the_required_model_values_named():
    fields = errors_of(build_template("vi"))
    assert fields == {
        "Model!C3": "required",
        "Model!C6": "required",
        "Model!C7": "required",
        "Model!C8": "required",
        "Model!C9": "required",
        "Model!C11": "required",
        "Model!C12": "required",
    }


# --- round trip -----------------------------------------------------------------------------------


EXPECTED = WorkbookModel(
    name="Cổng dịch vụ công tỉnh",
    purpose="Provincial public-service portal",
    currency="VND",
    base_year=2026,
    horizon=5,
    basis="nominal",
    discount_rate=D("0.08"),
    discount_rate_basis="WACC: debt 9%, equity 12%",
    vat_rate=D("0.1"),
    general_escalation=D("0.04"),
    options=(
        WorkbookOption(
            kind="in_house",
            name="Tự thực hiện",
            competitive_neutrality=D("1500000"),
            lines=(
                WorkbookLine(
                    code="REV",
                    name="Phí dịch vụ",
                    category="revenue",
                    kind="revenue",
                    unit="hồ sơ",
                    unit_cost=D("20000"),
                    quantities=(D(0), D(1000), D("1500.5"), D(2000), D(2500)),
                    escalation_rate=None,
                    refresh_cycle_years=None,
                    vat_applicable=True,
                    assumption="",
                    source="",
                ),
                WorkbookLine(
                    code="HO",
                    name="Cloud hosting",
                    category="hosting_cloud",
                    kind="opex",
                    unit="month",
                    unit_cost=D("0.3"),
                    quantities=(D(12), D(12), D(12), D(12), D(12)),
                    escalation_rate=None,
                    refresh_cycle_years=None,
                    vat_applicable=True,
                    assumption="",
                    source="",
                ),
            ),
            risks=(
                WorkbookRisk(
                    code="R2",
                    name="Overrun",
                    probability=D("0.1"),
                    minimum=D(0),
                    most_likely=D(0),
                    maximum=D(0),
                    distribution="pert",
                    first_year=2028,
                    last_year=2030,
                    public_share=D(1),
                ),
            ),
        ),
        WorkbookOption(
            kind="service_hire",
            name="Thuê dịch vụ",
            competitive_neutrality=D(0),
            lines=(),
            risks=(),
        ),
        WorkbookOption(
            kind="ppp",
            name="PPP",
            competitive_neutrality=D(0),
            lines=(
                WorkbookLine(
                    code="HW-01",
                    name="Máy chủ",
                    category="equipment_hardware",
                    kind="capex",
                    unit="bộ",
                    unit_cost=D("150000000"),
                    quantities=(D(4), D(0), D(1), D(0), D(0)),
                    escalation_rate=D("0.02"),
                    refresh_cycle_years=3,
                    vat_applicable=True,
                    assumption="3-year refresh",
                    source="Quote 2025",
                ),
                WorkbookLine(
                    code="OP-01",
                    name="Vận hành",
                    category="operations_staff",
                    kind="opex",
                    unit="người",
                    unit_cost=D("1234567.89"),
                    quantities=(D(0), D(2), D("2.25"), D("2.53125"), D("2.847656")),
                    escalation_rate=None,
                    refresh_cycle_years=None,
                    vat_applicable=False,
                    assumption="",
                    source="",
                ),
            ),
            risks=(
                WorkbookRisk(
                    code="R1",
                    name="Delay",
                    probability=D("0.25"),
                    minimum=D("100000000"),
                    most_likely=D("200000000"),
                    maximum=D("500000000"),
                    distribution="triangular",
                    first_year=2026,
                    last_year=2027,
                    public_share=D("0.5"),
                ),
            ),
        ),
    ),
)


def filled_book(language: str) -> Workbook:
    book = valid_book(language)
    options = book["Options"]
    put(options, 3, kind="in_house", name="Tự thực hiện", competitive_neutrality=1500000)
    put(options, 4, kind="service_hire", name="Thuê dịch vụ")
    put(options, 5, kind="ppp", name="PPP")
    lines = book["Lines"]
    put(lines, 3, option="ppp", code="HW-01", name="Máy chủ", category="equipment_hardware", kind="capex")
    put(
        lines,
        3,
        unit="bộ",
        unit_cost=150000000,
        escalation_rate="2%",
        refresh_cycle_years=3,
        vat_applicable="có",
    )
    put(lines, 3, assumption="3-year refresh", source="Quote 2025", y0=4, y1=0, y2=1)
    put(lines, 4, option="ppp", code="OP-01", name="Vận hành", category="operations_staff", kind="opex")
    put(lines, 4, unit="người", unit_cost=1234567.89, vat_applicable="không")
    put(lines, 4, start_year=2027, end_year=2030, starting_quantity=2, growth_rate="12,5%")
    # A blank row between lines is skipped.
    put(lines, 6, option="in_house", code="REV", name="Phí dịch vụ", category="revenue", kind="revenue")
    put(
        lines,
        6,
        unit="hồ sơ",
        unit_cost=20000,
        vat_applicable=True,
        y0=0,
        y1=1000,
        y2=1500.5,
        y3=2000,
        y4=2500,
    )
    put(lines, 7, option="IN_HOUSE", code="HO", name="Cloud hosting", category="hosting_cloud", kind="OPEX")
    put(lines, 7, unit="month", unit_cost=0.1 + 0.2, y0=12, y1=12, y2=12, y3=12, y4=12)
    risks = book["Risks"]
    put(risks, 3, option="ppp", code="R1", name="Delay", probability="25%", minimum=1e8, most_likely=2e8)
    put(risks, 3, maximum=5e8, distribution="triangular", first_year=2026, last_year=2027, public_share=0.5)
    put(risks, 4, option="in_house", code="R2", name="Overrun", probability=0.1, minimum=0, most_likely=0)
    put(risks, 4, maximum=0, distribution="pert", first_year=2028, last_year=2030, public_share="100%")
    return book


@pytest.mark.parametrize("language", ["vi", "en"])
def test_a_filled_template_parses_to_the_expected_model(language):
    assert parse_workbook(to_bytes(filled_book(language))) == EXPECTED


def test_numbers_become_decimals_through_their_shortest_text_never_float_arithmetic():
    model = parse_workbook(to_bytes(filled_book("en")))
    hosting = model.options[0].lines[1]
    operations = model.options[2].lines[1]
    # 0.1 + 0.2 is 0.30000000000000004 in float64: rounded to 6 places, it is the 0.3 a person typed.
    assert (str(hosting.unit_cost), str(operations.unit_cost)) == ("0.3", "1234567.89")
    assert str(model.discount_rate) == "0.08"


@pytest.mark.parametrize("language", ["vi", "en"])
def test_an_exported_workbook_imports_back_to_the_same_model(language):
    assert parse_workbook(export_workbook(EXPECTED, language=language)) == EXPECTED


def test_a_formula_with_a_stored_value_is_read_as_its_value():
    book = filled_book("en")
    book["Lines"]["G3"] = 0
    data = patch_cell(to_bytes(book), "Lines", "G3", '<c r="G3"><f>3*50000000</f><v>150000000</v></c>')
    assert parse_workbook(data) == EXPECTED


# --- bad input: every error, named by its cell -----------------------------------------------------

HINT = " (enter 10% as 0.1 or 10%)"
NO_STORED_VALUE = "formula without a stored value: type the value, or recalculate and save in Excel"


def valid_line(sheet, row: int, **overrides: Any) -> None:
    values = {"option": "ppp", "code": f"L{row}", "name": "Line", "category": "hosting_cloud", "kind": "opex"}
    values |= {"unit_cost": 100, "y0": 1}
    put(sheet, row, **(values | overrides))


def valid_risk(sheet, row: int, **overrides: Any) -> None:
    values = {"option": "ppp", "code": f"R{row}", "name": "Risk", "probability": 0.5, "minimum": 1}
    values |= {"most_likely": 2, "maximum": 3, "distribution": "triangular"}
    values |= {"first_year": 2026, "last_year": 2030, "public_share": 1}
    put(sheet, row, **(values | overrides))


def every_error_book() -> Workbook:
    """One mistake per row of Lines and Risks, each a different rule."""
    book = valid_book()
    for column in (1, 2):
        book["Options"].cell(4, column).value = None  # service_hire is no longer an option
    lines = book["Lines"]
    valid_line(lines, 3, unit_cost=-5)
    valid_line(lines, 4, y1=-1)
    valid_line(lines, 5, escalation_rate=1.5)
    valid_line(lines, 6, unit_cost="abc")
    valid_line(lines, 7, y0="NaN")
    valid_line(lines, 8, y7=3)
    valid_line(lines, 9, category="servers")
    valid_line(lines, 10, kind="capital")
    valid_line(lines, 11, option="bot")
    valid_line(lines, 12, code="L3")
    valid_line(lines, 13, option="service_hire")
    valid_line(lines, 14, kind="capex")
    valid_line(lines, 15, refresh_cycle_years=2)
    valid_line(lines, 16, y0=None, start_year=2027, end_year=2035, starting_quantity=1)
    valid_line(lines, 17, start_year=2026, end_year=2027, starting_quantity=1)
    valid_line(lines, 18, unit_cost="=1+1")
    valid_line(lines, 19, y0=None)
    valid_line(lines, 20, vat_applicable="maybe")
    valid_line(lines, 21, category="equipment_hardware", kind="capex", refresh_cycle_years=2.5)
    valid_line(lines, 22, name=None)
    valid_line(lines, 23, unit_cost=date(2026, 1, 1))
    valid_line(lines, 24, escalation_rate="150%")
    valid_line(lines, 25, y4=2, y5=0)  # a zero past the horizon is harmless
    valid_line(lines, 26, growth_rate=0.1)
    risks = book["Risks"]
    valid_risk(risks, 3, probability=1.5)
    valid_risk(risks, 4, minimum=10, most_likely=5, maximum=20)
    valid_risk(risks, 5, first_year=2020)
    valid_risk(risks, 6, first_year=2028, last_year=2027)
    valid_risk(risks, 7, distribution="normal")
    valid_risk(risks, 8, minimum=-1)
    valid_risk(risks, 9, minimum=1, most_likely=5, maximum=3)
    valid_risk(risks, 10, code="R3")
    return book


def test_every_error_in_lines_and_risks_is_reported_at_once_with_its_cell():
    assert errors_of(to_bytes(every_error_book())) == {
        "Lines!G3": "must not be negative",
        "Lines!R4": "must not be negative",
        "Lines!H5": f"must be from -100% to 100%{HINT}",
        "Lines!G6": "text 'abc' is not a number",
        "Lines!Q7": "text 'NaN' is not a number",
        "Lines!X8": "year 7 is outside the 5-year horizon (years 0-4)",
        "Lines!D9": "unknown category 'servers' (see the Instructions sheet)",
        "Lines!E10": "unknown kind 'capital' (capex, opex, revenue)",
        "Lines!A11": "unknown option 'bot' (in_house, service_hire, ppp)",
        "Lines!B12": "duplicate code 'L3' in option ppp (row 3)",
        "Lines!A13": "option service_hire is not on the Options sheet",
        "Lines!D14": "hosting_cloud belongs to kind opex, not capex",
        "Lines!I15": "only capex lines have a refresh cycle",
        "Lines!N16": "2035 is outside the horizon 2026-2030",
        "Lines!M17": "fill either the year columns or start_year..growth_rate, not both",
        "Lines!G18": NO_STORED_VALUE,
        "Lines!Q19": "no quantities: fill the year columns or start_year..growth_rate",
        "Lines!J20": "'maybe' is not yes or no",
        "Lines!I21": "must be a whole number",
        "Lines!C22": "required",
        "Lines!G23": "a date is not a number",
        "Lines!H24": f"must be from -100% to 100%{HINT}",
        "Lines!P26": "fill either the year columns or start_year..growth_rate, not both",
        "Risks!D3": f"must be from 0% to 100%{HINT}",
        "Risks!F4": "below the minimum",
        "Risks!I5": "2020 is outside the horizon 2026-2030",
        "Risks!J6": "2027 is before the first year 2028",
        "Risks!H7": "unknown distribution 'normal' (triangular, pert)",
        "Risks!E8": "must not be negative",
        "Risks!G9": "below the most likely",
        "Risks!B10": "duplicate code 'R3' in option ppp (row 3)",
    }


VI_HINT = " (nhập 10% là 0,1 hoặc 10%)"
VI_NO_STORED_VALUE = (
    "công thức chưa có giá trị được lưu: hãy nhập trực tiếp giá trị, hoặc tính lại và lưu trong Excel"
)


def test_every_error_in_lines_and_risks_reads_in_vietnamese_with_the_same_cells():
    with translation.override("vi"):
        refusal = refusal_of(to_bytes(every_error_book()))
    assert refusal.message == "Tệp có 31 lỗi; không có gì được nhập."
    assert refusal.fields == {
        "Lines!G3": "không được âm",
        "Lines!R4": "không được âm",
        "Lines!H5": f"phải từ -100% đến 100%{VI_HINT}",
        "Lines!G6": "nội dung 'abc' không phải là số",
        "Lines!Q7": "nội dung 'NaN' không phải là số",
        "Lines!X8": "năm 7 nằm ngoài thời gian phân tích 5 năm (năm 0-4)",
        "Lines!D9": "nhóm chi phí 'servers' không tồn tại (xem trang tính Instructions)",
        "Lines!E10": "loại 'capital' không tồn tại (capex, opex, revenue)",
        "Lines!A11": "phương án 'bot' không tồn tại (in_house, service_hire, ppp)",
        "Lines!B12": "mã 'L3' bị trùng trong phương án ppp (dòng 3)",
        "Lines!A13": "phương án service_hire chưa được khai báo ở trang tính Options",
        "Lines!D14": "hosting_cloud thuộc loại opex, không phải capex",
        "Lines!I15": "chỉ khoản mục đầu tư (capex) mới có chu kỳ thay mới",
        "Lines!N16": "năm 2035 nằm ngoài thời gian phân tích 2026-2030",
        "Lines!M17": "chỉ điền các cột năm hoặc các cột start_year..growth_rate, không điền cả hai",
        "Lines!G18": VI_NO_STORED_VALUE,
        "Lines!Q19": "chưa có khối lượng: hãy điền các cột năm hoặc các cột start_year..growth_rate",
        "Lines!J20": "'maybe' không phải là có/không (yes/no)",
        "Lines!I21": "phải là số nguyên",
        "Lines!C22": "bắt buộc nhập",
        "Lines!G23": "ngày tháng không phải là số",
        "Lines!H24": f"phải từ -100% đến 100%{VI_HINT}",
        "Lines!P26": "chỉ điền các cột năm hoặc các cột start_year..growth_rate, không điền cả hai",
        "Risks!D3": f"phải từ 0% đến 100%{VI_HINT}",
        "Risks!F4": "nhỏ hơn mức tối thiểu",
        "Risks!I5": "năm 2020 nằm ngoài thời gian phân tích 2026-2030",
        "Risks!J6": "năm 2027 trước năm đầu 2028",
        "Risks!H7": "phân phối 'normal' không tồn tại (triangular, pert)",
        "Risks!E8": "không được âm",
        "Risks!G9": "nhỏ hơn mức khả dĩ nhất",
        "Risks!B10": "mã 'R3' bị trùng trong phương án ppp (dòng 3)",
    }


def bad_model_book() -> Workbook:
    book = template()
    set_model(book, **VALID_MODEL)
    set_model(book, name=None, currency="XYZ", base_year=1980, horizon=31, basis="constant")
    set_model(book, discount_rate=8, vat_rate="ten", general_escalation=-1)
    return book


def test_every_error_on_the_model_sheet_is_reported_at_once():
    assert errors_of(to_bytes(bad_model_book())) == {
        "Model!C3": "required",
        "Model!C5": "unknown currency 'XYZ' (use an ISO 4217 code: AUD, EUR, GBP, JPY, SGD, USD, VND)",
        "Model!C6": "must be a whole number from 1990 to 2100",
        "Model!C7": "must be a whole number from 1 to 30",
        "Model!C8": "unknown basis 'constant' (real, nominal)",
        "Model!C9": f"must be from 0% to 100%{HINT}",
        "Model!C11": "text 'ten' is not a number",
        "Model!C12": "must be above -100% and at most 100%",
    }


def test_every_error_on_the_model_sheet_reads_in_vietnamese():
    with translation.override("vi"):
        fields = errors_of(to_bytes(bad_model_book()))
    assert fields == {
        "Model!C3": "bắt buộc nhập",
        "Model!C5": (
            "mã tiền tệ 'XYZ' không tồn tại (hãy dùng mã ISO 4217: AUD, EUR, GBP, JPY, SGD, USD, VND)"
        ),
        "Model!C6": "phải là số nguyên từ 1990 đến 2100",
        "Model!C7": "phải là số nguyên từ 1 đến 30",
        "Model!C8": "cơ sở giá 'constant' không tồn tại (real, nominal)",
        "Model!C9": f"phải từ 0% đến 100%{VI_HINT}",
        "Model!C11": "nội dung 'ten' không phải là số",
        "Model!C12": "phải lớn hơn -100% và không vượt quá 100%",
    }


@pytest.mark.parametrize(
    ("label", "errors", "message"),
    [
        ("one", 1, "The workbook has 1 error; nothing was imported."),
        ("two", 2, "The workbook has 2 errors; nothing was imported."),
    ],
)
def test_the_overall_message_counts_the_errors(label, errors, message):
    book = valid_book()
    set_model(book, horizon=0, **({"base_year": 1980} if errors == 2 else {}))
    refusal = refusal_of(to_bytes(book))
    assert (len(refusal.fields), refusal.message) == (errors, message)


@pytest.mark.parametrize(
    ("label", "key", "value", "message"),
    [
        ("horizon zero", "horizon", 0, "must be a whole number from 1 to 30"),
        ("horizon fraction", "horizon", 2.5, "must be a whole number"),
        ("horizon as text", "horizon", "five", "text 'five' is not a number"),
        ("base year too late", "base_year", 2101, "must be a whole number from 1990 to 2100"),
        ("escalation 150%", "general_escalation", "150%", f"must be above -100% and at most 100%{HINT}"),
        ("negative VAT", "vat_rate", -0.1, "must be from 0% to 100%"),
        ("TRUE as a rate", "discount_rate", True, "TRUE/FALSE is not a number"),
        ("discount rate 1000%", "discount_rate", 10, f"must be from 0% to 100%{HINT}"),
    ],
)  # fmt: skip
def test_a_bad_model_value_is_named_by_its_cell(label, key, value, message):
    book = valid_book()
    set_model(book, **{key: value})
    row = 3 + list(VALID_MODEL).index(key)
    assert errors_of(to_bytes(book)) == {f"Model!C{row}": message}


@pytest.mark.parametrize(
    ("label", "cell_xml", "message"),
    [
        ("infinity", '<c r="G3" t="n"><v>1E999</v></c>', "not a finite number"),
        ("error value", '<c r="G3" t="e"><v>#DIV/0!</v></c>', "the cell holds the error value #DIV/0!"),
        ("formula without value", '<c r="G3"><f>1/0</f></c>', NO_STORED_VALUE),
        ("huge number", '<c r="G3" t="n"><v>1E+16</v></c>', "number too large"),
    ],
)  # fmt: skip
def test_values_only_a_damaged_or_foreign_file_holds_are_named_by_their_cell(label, cell_xml, message):
    book = valid_book()
    valid_line(book["Lines"], 3, unit_cost=1)
    data = patch_cell(to_bytes(book), "Lines", "G3", cell_xml)
    assert errors_of(data) == {"Lines!G3": message}


def test_missing_sheets_columns_and_model_rows_are_named():
    book = valid_book()
    del book["Risks"]
    book["Lines"]["G2"] = None  # the unit_cost key
    book["Model"]["B11"] = None  # the vat_rate row
    assert errors_of(to_bytes(book)) == {
        "Risks": "missing sheet",
        "Model!vat_rate": "missing row",
        "Lines!unit_cost": "missing column",
    }


def test_missing_sheets_columns_and_model_rows_are_named_in_vietnamese_under_the_same_keys():
    book = valid_book()
    del book["Risks"]
    book["Lines"]["G2"] = None
    book["Model"]["B11"] = None
    book["Lines"]["B2"] = "unit"  # the code key replaced by a second unit key (column F)
    with translation.override("vi"):
        refusal = refusal_of(to_bytes(book))
    assert refusal.message == "Tệp có 5 lỗi; không có gì được nhập."
    assert refusal.fields == {
        "Risks": "thiếu trang tính",
        "Model!vat_rate": "thiếu dòng",
        "Lines!F2": "cột 'unit' bị trùng",
        "Lines!code": "thiếu cột",
        "Lines!unit_cost": "thiếu cột",
    }


def test_a_sheet_with_too_many_rows_is_refused():
    book = valid_book()
    valid_line(book["Lines"], 3 + 5000)
    data = to_bytes(book)
    refusal = refusal_of(data)
    assert (refusal.message, refusal.fields) == (
        "Sheet Lines has more than 5000 rows.",
        {"Lines": "more than 5000 rows"},
    )
    with translation.override("vi"):
        refusal = refusal_of(data)
    assert (refusal.message, refusal.fields) == (
        "Trang tính Lines có hơn 5000 dòng.",
        {"Lines": "vượt quá 5000 dòng"},
    )


def test_a_workbook_without_options_is_refused():
    book = valid_book()
    for row in (3, 4, 5):
        book["Options"].cell(row, 1).value = book["Options"].cell(row, 2).value = None
    data = to_bytes(book)
    assert errors_of(data) == {"Options": "no options: add at least one row"}
    with translation.override("vi"):
        assert errors_of(data) == {"Options": "chưa có phương án nào: hãy thêm ít nhất một dòng"}


def test_a_duplicate_option_is_named():
    book = valid_book()
    put(book["Options"], 4, kind="ppp")
    data = to_bytes(book)
    assert errors_of(data) == {"Options!A5": "option ppp is already on row 4"}
    with translation.override("vi"):
        assert errors_of(data) == {"Options!A5": "phương án ppp đã có ở dòng 4"}


def test_a_duplicate_parameter_and_an_overlong_name_are_named():
    book = valid_book()
    set_model(book, name="x" * 256)
    book["Model"]["B14"], book["Model"]["C14"] = "horizon", 5
    data = to_bytes(book)
    expected_en = {"Model!C3": "longer than 255 characters", "Model!B14": "duplicate parameter 'horizon'"}
    assert errors_of(data) == expected_en
    with translation.override("vi"):
        assert errors_of(data) == {"Model!C3": "dài hơn 255 ký tự", "Model!B14": "tham số 'horizon' bị trùng"}


@pytest.mark.parametrize(
    ("label", "cell_xml", "message"),
    [
        ("infinity", '<c r="G3" t="n"><v>1E999</v></c>', "không phải là số hữu hạn"),
        ("error value", '<c r="G3" t="e"><v>#DIV/0!</v></c>', "ô chứa giá trị lỗi #DIV/0!"),
        ("formula without value", '<c r="G3"><f>1/0</f></c>', VI_NO_STORED_VALUE),
        ("huge number", '<c r="G3" t="n"><v>1E+16</v></c>', "số quá lớn"),
        ("boolean", '<c r="G3" t="b"><v>1</v></c>', "TRUE/FALSE không phải là số"),
        ("Vietnamese text", '<c r="G3" t="inlineStr"><is><t>một trăm triệu</t></is></c>',
         "nội dung 'một trăm triệu' không phải là số"),
    ],
)  # fmt: skip
def test_values_only_a_damaged_or_foreign_file_holds_read_in_vietnamese(label, cell_xml, message):
    book = valid_book()
    valid_line(book["Lines"], 3, unit_cost=1)
    data = patch_cell(to_bytes(book), "Lines", "G3", cell_xml)
    with translation.override("vi"):
        assert errors_of(data) == {"Lines!G3": message}


# --- bad files -------------------------------------------------------------------------------------

NOT_A_WORKBOOK = "not an .xlsx workbook (save it from Excel or LibreOffice as .xlsx)"
DAMAGED = "the workbook is damaged or not an .xlsx file"


def zipped(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("label", "data", "message"),
    [
        ("plain text", b"code,name\nA,B\n", NOT_A_WORKBOOK),
        ("old .xls (OLE2)", bytes.fromhex("d0cf11e0a1b11ae1") + b"\0" * 512, NOT_A_WORKBOOK),
        ("empty", b"", NOT_A_WORKBOOK),
        ("a zip that is not a workbook", zipped({"word/document.xml": b"<w/>"}), NOT_A_WORKBOOK),
        ("a damaged workbook", zipped({"xl/workbook.xml": b"<not xml"}), DAMAGED),
    ],
)
def test_a_file_that_is_not_a_workbook_is_refused(label, data, message):
    assert errors_of(data) == {"file": message}


def test_a_file_over_the_size_limit_is_refused_before_it_is_opened():
    data = to_bytes(valid_book())
    assert errors_of(data, max_bytes=len(data) - 1) == {
        "file": f"larger than the {(len(data) - 1) / 1024:.0f} KB limit"
    }
    assert errors_of(b"x" * (5 * 1024 * 1024 + 1)) == {"file": "larger than the 5 MB limit"}


def test_a_zip_bomb_is_refused_without_unpacking_it():
    data = zipped({"xl/workbook.xml": b"<workbook/>", "xl/worksheets/sheet1.xml": b"\0" * (3 * 1024 * 1024)})
    assert len(data) < 100 * 1024
    assert errors_of(data, max_bytes=100 * 1024) == {"file": "the workbook unpacks to more than 2 MB"}


@pytest.mark.parametrize(
    ("label", "data", "max_bytes", "english", "vietnamese"),
    [
        ("plain text", b"code,name\nA,B\n", None, NOT_A_WORKBOOK,
         "không phải tệp .xlsx (hãy lưu lại từ Excel hoặc LibreOffice dưới dạng .xlsx)"),
        ("a damaged workbook", zipped({"xl/workbook.xml": b"<not xml"}), None, DAMAGED,
         "tệp bị hỏng hoặc không phải tệp .xlsx"),
        ("over 1.5 MB", b"x" * (1536 * 1024 + 1), 1536 * 1024, "larger than the 1.5 MB limit",
         "vượt quá giới hạn 1,5 MB"),
        ("a zip bomb", zipped({"xl/workbook.xml": b"<w/>", "xl/a.xml": b"\0" * (3 * 1024 * 1024)}),
         100 * 1024, "the workbook unpacks to more than 2 MB", "tệp khi giải nén lớn hơn 2 MB"),
    ],
)  # fmt: skip
def test_a_refused_file_is_explained_in_the_active_language(label, data, max_bytes, english, vietnamese):
    limit = {} if max_bytes is None else {"max_bytes": max_bytes}
    refusal = refusal_of(data, **limit)
    assert (refusal.message, refusal.fields) == (
        f"The file cannot be imported: {english}.",
        {"file": english},
    )
    with translation.override("vi"):
        refusal = refusal_of(data, **limit)
    assert (refusal.message, refusal.fields) == (f"Không nhập được tệp: {vietnamese}.", {"file": vietnamese})


# --- export: live formulas, recomputed by an independent engine -----------------------------------


def comparison_model(basis: str) -> WorkbookModel:
    """Escalation (own and general), VAT on some lines, a refresh cycle and a revenue line."""

    def line(code, category, kind, unit_cost, quantities, **extra):
        values = {"escalation_rate": None, "refresh_cycle_years": None, "vat_applicable": True}
        values |= extra
        return WorkbookLine(
            code=code,
            name=code,
            category=category,
            kind=kind,
            unit="unit",
            unit_cost=D(unit_cost),
            quantities=tuple(D(q) for q in quantities),
            assumption="",
            source="",
            **values,
        )

    in_house = (
        line("HW", "equipment_hardware", "capex", "125000000", [10, 2, 0, 9, 9, 9, 9, 9],
             refresh_cycle_years=3, escalation_rate=D("0.02")),
        line("SW", "equipment_software", "capex", "80000000.5", [1, 0, 0, 0, 0, 0, 0, 0]),
        line("STAFF", "operations_staff", "opex", "240000000", [0, 3, 3, 3, 3.5, 3.5, 4, 4],
             escalation_rate=D("0.06"), vat_applicable=False),
        line("FEES", "revenue", "revenue", "15000", [0, 1000, 4000, 8000, 9000, 9500, 9800, 10000]),
    )  # fmt: skip
    ppp = (
        line("SERVICE", "hosting_cloud", "opex", "310000000", [1] * 8, escalation_rate=D("0.035")),
        line("TELCO", "telecoms", "opex", "12500000.25", [12] * 8, vat_applicable=False),
        line("SHARE", "revenue", "revenue", "1500", [0, 2000, 5000, 9000, 10000, 10000, 10000, 10000],
             escalation_rate=D("-0.01")),
    )  # fmt: skip
    options = (
        WorkbookOption(
            kind="in_house", name="In-house", competitive_neutrality=D("0"), lines=in_house, risks=()
        ),
        WorkbookOption(kind="ppp", name="PPP", competitive_neutrality=D("0"), lines=ppp, risks=()),
    )
    return WorkbookModel(
        name="Portal",
        purpose="",
        currency="VND",
        base_year=2026,
        horizon=8,
        basis=basis,
        discount_rate=D("0.07") if basis == "nominal" else D("0.035"),
        discount_rate_basis="",
        vat_rate=D("0.1"),
        general_escalation=D("0.04"),
        options=options,
    )


def engine_input(model: WorkbookModel, option: WorkbookOption) -> ModelInput:
    lines = tuple(
        LineInput(
            code=line.code,
            name=line.name,
            category=line.category,
            kind=line.kind,
            unit_cost=line.unit_cost,
            quantities=line.quantities,
            escalation_rate=line.escalation_rate,
            refresh_cycle_years=line.refresh_cycle_years,
            vat_applicable=line.vat_applicable,
        )
        for line in option.lines
    )
    return ModelInput(
        base_year=model.base_year,
        horizon=model.horizon,
        basis=model.basis,
        discount_rate=model.discount_rate,
        vat_rate=model.vat_rate,
        general_escalation=model.general_escalation,
        lines=lines,
        currency=model.currency,
    )


def recalculate(path: Path) -> dict[str, Any]:
    """Every cell of the workbook as `formulas` computes it, keyed "SHEET!A1"."""
    solution = formulas.ExcelModel().loads(str(path)).finish().calculate()
    values = {}
    for key, value in solution.items():
        match = re.fullmatch(r"'\[[^\]]+\]([^']+)'!([A-Z]+[0-9]+)", key)
        if match:
            values[f"{match[1]}!{match[2]}"] = value.value[0][0]
    return values


def layout_of(sheet) -> dict[str, Any]:
    """Where an option sheet keeps its figures, found from the English labels."""
    header = next(row for row in sheet.iter_rows() if any(c.value == "Present value" for c in row))
    pv = next(c.column_letter for c in header if c.value == "Present value")
    engine = next(c.column_letter for c in header if c.value == "engine: present value")
    labels = {sheet.cell(r, 2).value: r for r in range(1, sheet.max_row + 1)}
    totals = labels["Total per year"]
    lines = {sheet.cell(r, 1).value: r for r in range(header[0].row + 1, totals)}
    return {
        "pv": pv,
        "engine": engine,
        "lines": lines,
        "totals": totals,
        "npv_of_totals": labels["NPV of the yearly totals (CF0 + NPV)"],
        "check": labels["Check (must be 0)"],
    }


@pytest.mark.parametrize("basis", ["nominal", "real"])
def test_exported_formulas_recomputed_independently_give_the_engines_figures(basis, tmp_path):
    model = comparison_model(basis)
    results = {option.kind: compute(engine_input(model, option)) for option in model.options}
    path = tmp_path / "export.xlsx"
    path.write_bytes(export_workbook(model, results, language="en"))
    values = recalculate(path)
    book = load_workbook(path)

    for row, option in enumerate(model.options, start=9):
        result = results[option.kind]
        sheet = f"OPTION_{option.kind.upper()}"
        where = layout_of(book[f"Option_{option.kind}"])
        pv, totals = where["pv"], where["totals"]
        for code, expected in zip(result.codes, result.pv_by_line, strict=True):
            assert values[f"{sheet}!{pv}{where['lines'][code]}"] == pytest.approx(expected, rel=1e-6), code
        assert values[f"{sheet}!{pv}{totals}"] == pytest.approx(result.npv, rel=1e-6)
        assert values[f"{sheet}!{pv}{where['npv_of_totals']}"] == pytest.approx(result.npv, rel=1e-6)
        assert values[f"{sheet}!{pv}{where['check']}"] == pytest.approx(0, abs=1e-6 * abs(result.npv))
        for period, expected in enumerate(result.cost_by_year):
            column = chr(ord("J") + period)
            assert values[f"{sheet}!{column}{totals}"] == pytest.approx(expected, rel=1e-6)
        # The Summary's NPV is a formula pointing at the option sheet; the engine's figure sits beside it.
        assert values[f"SUMMARY!C{row}"] == pytest.approx(result.npv, rel=1e-6)
        assert values[f"SUMMARY!F{row}"] == result.npv
        assert book["Summary"][f"C{row}"].value == f"=Option_{option.kind}!${pv}${totals}"
        assert book[f"Option_{option.kind}"][f"{where['engine']}{totals}"].value == result.npv

    in_house, ppp = (results[kind].npv for kind in ("in_house", "ppp"))
    assert values["SUMMARY!H10"] == pytest.approx(in_house - ppp, rel=1e-6)


def test_export_writes_live_formulas_with_standard_functions_and_named_parameters():
    model = comparison_model("nominal")
    book = load_workbook(io.BytesIO(export_workbook(model)))
    sheet = book["Option_in_house"]
    # Quantity rows 8-11 (HW repeats its first three years: 10, 2, 0); amount rows 15-18; years J..Q.
    assert [sheet.cell(8, c).value for c in range(10, 18)] == [10, 2, 0, 10, 2, 0, 10, 2]
    assert sheet["G8"].value == 0.02
    assert sheet["G9"].value == "=GeneralEscalation"
    assert sheet["K15"].value == "=$F8*K8*POWER(1+$G8,K$6)*(1+VatRate*$H8)*$I8"
    assert sheet["R15"].value == "=SUM(J15:Q15)"
    assert sheet["S15"].value == "=J15+NPV(DiscountRate,K15:Q15)"
    assert sheet["K19"].value == "=SUM(K15:K18)"
    assert sheet["S19"].value == "=SUM(S15:S18)"
    assert sheet["S20"].value == "=J19+NPV(DiscountRate,K19:Q19)"
    assert sheet["T15"].value is None  # no engine results given: no engine column
    real = load_workbook(io.BytesIO(export_workbook(replace(model, basis="real"))))
    assert real["Option_in_house"]["K15"].value == (
        "=$F8*K8*POWER((1+$G8)/(1+GeneralEscalation),K$6)*(1+VatRate*$H8)*$I8"
    )
    names = {name: book.defined_names[name].attr_text for name in book.defined_names}
    assert names == {
        "DiscountRate": "Model!$C$9",
        "VatRate": "Model!$C$11",
        "GeneralEscalation": "Model!$C$12",
        "BaseYear": "Model!$C$6",
        "Horizon": "Model!$C$7",
    }
    used = {
        function
        for worksheet in book.worksheets
        for row in worksheet.iter_rows()
        for cell in row
        if cell.data_type == "f"
        for function in re.findall(r"([A-Z][A-Z0-9.]*)\(", cell.value)
    }
    assert used == {"SUM", "NPV", "POWER"}


def test_a_one_year_model_exports_its_present_value_without_npv():
    model = comparison_model("nominal")
    option = model.options[1]
    short = replace(
        model,
        horizon=1,
        options=(
            replace(option, lines=tuple(replace(x, quantities=x.quantities[:1]) for x in option.lines)),
        ),
    )
    sheet = load_workbook(io.BytesIO(export_workbook(short)))["Option_ppp"]
    assert sheet["L14"].value == "=J14"
