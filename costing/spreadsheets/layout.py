"""The shape of the cost-model workbook, shared by the template, the reader and the export.

Every input sheet has two header rows: row 1 holds the column label in the reader's language, row 2
the stable machine key ("unit_cost", "y0", ...). The reader finds columns by their key, so the
language of the labels and the order of the columns do not matter. Data starts on row 3.
The "Model" sheet is key/value: one parameter per row, its key in column B and its value in column C.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from openpyxl.styles import Alignment, Font, PatternFill

from costing.calculations import CAPEX_CATEGORIES, KINDS, OPEX_CATEGORIES, REVENUE_CATEGORIES
from costing.calculations.inputs import HORIZON_MAX
from costing.calculations.risk import DISTRIBUTIONS
from ppp.money import MINOR_UNITS

from .records import OPTION_KINDS

MODEL_SHEET = "Model"
OPTIONS_SHEET = "Options"
LINES_SHEET = "Lines"
RISKS_SHEET = "Risks"
INSTRUCTIONS_SHEET = "Instructions"
LISTS_SHEET = "Lists"
SUMMARY_SHEET = "Summary"
REQUIRED_SHEETS: tuple[str, ...] = (MODEL_SHEET, OPTIONS_SHEET, LINES_SHEET, RISKS_SHEET)

LABEL_ROW = 1
KEY_ROW = 2
FIRST_DATA_ROW = 3
# Rows of the template that carry drop-downs and number checks.
TEMPLATE_ROWS = 500

BASE_YEAR_MIN = 1990
BASE_YEAR_MAX = 2100
BASES: tuple[str, ...] = ("real", "nominal")
CURRENCIES: tuple[str, ...] = tuple(sorted(MINOR_UNITS))
YES_WORDS = frozenset({"yes", "y", "true", "1", "có", "co", "x"})
NO_WORDS = frozenset({"no", "n", "false", "0", "không", "khong"})


def language_of(language: str) -> str:
    """ "en" for any English locale ("en", "en-gb"), otherwise "vi" (the default language)."""
    return "en" if language.lower().startswith("en") else "vi"


def sheet_reference(name: str) -> str:
    """The sheet name as a formula writes it: bare when it is a plain word, quoted otherwise."""
    if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name) and not re.fullmatch(r"[A-Za-z]{1,3}[0-9]+", name):
        return name
    return "'" + name.replace("'", "''") + "'"


def year_key(period: int) -> str:
    return f"y{period}"


@dataclass(frozen=True)
class Field:
    """A column of a table sheet, or a row of the Model sheet."""

    key: str
    vi: str
    en: str
    help_vi: str
    help_en: str
    width: int = 14

    def label(self, language: str) -> str:
        return self.en if language_of(language) == "en" else self.vi


MODEL_FIELDS: tuple[Field, ...] = (
    Field(
        "name",
        "Tên mô hình",
        "Model name",
        "Tên mô hình chi phí (bắt buộc)",
        "Name of the cost model (required)",
    ),
    Field(
        "purpose", "Mục đích", "Purpose", "Mục đích, phạm vi của mô hình", "Purpose and scope of the model"
    ),
    Field(
        "currency",
        "Tiền tệ",
        "Currency",
        f"Mã tiền tệ ISO 4217: {', '.join(CURRENCIES)}",
        f"ISO 4217 currency code: {', '.join(CURRENCIES)}",
    ),
    Field(
        "base_year",
        "Năm gốc",
        "Base year",
        f"Năm gốc = kỳ 0, không chiết khấu ({BASE_YEAR_MIN}-{BASE_YEAR_MAX})",
        f"Base year = period 0, not discounted ({BASE_YEAR_MIN}-{BASE_YEAR_MAX})",
    ),
    Field(
        "horizon",
        "Số năm vòng đời",
        "Horizon (years)",
        f"Số năm của vòng đời, 1-{HORIZON_MAX}",
        f"Number of years in the lifecycle, 1-{HORIZON_MAX}",
    ),
    Field(
        "basis",
        "Cơ sở giá",
        "Price basis",
        "real = giá cố định năm gốc; nominal = giá danh nghĩa (đã trượt giá)",
        "real = constant base-year prices; nominal = escalated prices",
    ),
    Field(
        "discount_rate",
        "Tỷ lệ chiết khấu",
        "Discount rate",
        "Tỷ lệ chiết khấu năm, cùng cơ sở giá với mô hình: 0,035 hoặc 3,5%",
        "Annual discount rate on the model's price basis: 0.035 or 3.5%",
    ),
    Field(
        "discount_rate_basis",
        "Căn cứ tỷ lệ chiết khấu",
        "Discount rate basis",
        "Căn cứ, phương pháp xác định tỷ lệ chiết khấu",
        "Where the discount rate comes from (source, method)",
    ),
    Field("vat_rate", "Thuế suất GTGT", "VAT rate", "Thuế suất GTGT: 0,1 hoặc 10%", "VAT rate: 0.1 or 10%"),
    Field(
        "general_escalation",
        "Trượt giá chung",
        "General escalation",
        "Chỉ số trượt giá chung hằng năm, trên -100% và tối đa 100%",
        "General annual price escalation, above -100% and at most 100%",
    ),
)
MODEL_KEY_COLUMN = 2
MODEL_VALUE_COLUMN = 3
MODEL_COLUMNS: tuple[Field, ...] = (
    Field("label", "Tham số", "Parameter", "", "", 26),
    Field("key", "Khoá", "Key", "", "", 22),
    Field("value", "Giá trị", "Value", "", "", 24),
    Field("note", "Ghi chú", "Note", "", "", 70),
)
MODEL_REQUIRED_VALUES = frozenset(
    {"name", "currency", "base_year", "horizon", "basis", "discount_rate", "vat_rate", "general_escalation"}
)

OPTION_FIELDS: tuple[Field, ...] = (
    Field(
        "kind",
        "Phương án",
        "Option",
        f"Loại phương án, mỗi loại một lần: {', '.join(OPTION_KINDS)}",
        f"Option kind, each at most once: {', '.join(OPTION_KINDS)}",
        16,
    ),
    Field(
        "name",
        "Tên phương án",
        "Option name",
        "Tên phương án (bắt buộc)",
        "Name of the option (required)",
        40,
    ),
    Field(
        "competitive_neutrality",
        "Trung lập cạnh tranh",
        "Competitive neutrality",
        "Điều chỉnh trung lập cạnh tranh, giá trị hiện tại; để trống = 0",
        "Competitive neutrality adjustment, a present value; blank = 0",
        22,
    ),
)

LINE_FIELDS: tuple[Field, ...] = (
    Field(
        "option",
        "Phương án",
        "Option",
        "Loại phương án đã khai báo ở sheet Options",
        "Option kind declared on the Options sheet",
        14,
    ),
    Field(
        "code",
        "Mã",
        "Code",
        "Mã khoản mục, không trùng trong một phương án",
        "Line code, unique within an option",
        10,
    ),
    Field(
        "name",
        "Tên khoản mục",
        "Line name",
        "Tên khoản mục chi phí (bắt buộc)",
        "Name of the cost line (required)",
        32,
    ),
    Field(
        "category",
        "Nhóm chi phí",
        "Category",
        "Mã nhóm chi phí, xem bảng mã bên dưới",
        "Category code, see the code table below",
        28,
    ),
    Field(
        "kind",
        "Loại",
        "Kind",
        "capex = chi đầu tư; opex = chi thường xuyên; revenue = doanh thu",
        "capex = investment; opex = operating; revenue = income",
        10,
    ),
    Field("unit", "Đơn vị tính", "Unit", "Đơn vị tính của số lượng", "Unit of the quantities", 12),
    Field(
        "unit_cost",
        "Đơn giá (chưa VAT)",
        "Unit cost (ex VAT)",
        "Đơn giá chưa VAT theo giá năm gốc, không âm",
        "Unit cost excluding VAT at base-year prices, zero or more",
        16,
    ),
    Field(
        "escalation_rate",
        "Trượt giá riêng",
        "Own escalation",
        "Trượt giá riêng hằng năm (-100%..100%); để trống = trượt giá chung",
        "Own annual escalation (-100%..100%); blank = general escalation",
        14,
    ),
    Field(
        "refresh_cycle_years",
        "Chu kỳ thay thế (năm)",
        "Refresh cycle (years)",
        "Chỉ cho capex: số lượng của N năm đầu được lặp lại mỗi N năm",
        "Capex only: the quantities of the first N years repeat every N years",
        14,
    ),
    Field(
        "vat_applicable",
        "Chịu VAT",
        "VAT applies",
        "có/không (yes/no); để trống = có",
        "yes/no (có/không); blank = yes",
        10,
    ),
    Field("assumption", "Giả định", "Assumption", "Giả định của khoản mục", "Assumption behind the line", 30),
    Field(
        "source",
        "Nguồn số liệu",
        "Source",
        "Nguồn: báo giá, định mức, hợp đồng...",
        "Source: quote, norm, contract...",
        24,
    ),
    Field(
        "start_year",
        "Năm bắt đầu",
        "Start year",
        "Nhập nhanh thay cho các cột năm: năm dương lịch bắt đầu",
        "Quick entry instead of the year columns: first calendar year",
        12,
    ),
    Field(
        "end_year",
        "Năm kết thúc",
        "End year",
        "Nhập nhanh: năm dương lịch kết thúc",
        "Quick entry: last calendar year",
        12,
    ),
    Field(
        "starting_quantity",
        "Số lượng năm đầu",
        "Starting quantity",
        "Nhập nhanh: số lượng năm bắt đầu, không âm",
        "Quick entry: quantity in the start year, zero or more",
        14,
    ),
    Field(
        "growth_rate",
        "Tăng trưởng số lượng",
        "Quantity growth",
        "Nhập nhanh: tăng trưởng số lượng mỗi năm; để trống = 0",
        "Quick entry: quantity growth a year; blank = 0",
        14,
    ),
)
YEAR_HELP = (
    "Y0..Y29: số lượng của năm t (Y0 = năm gốc); chỉ trong vòng đời; ô trống = 0",
    "Y0..Y29: quantity in year t (Y0 = base year); only inside the horizon; blank = 0",
)
GENERATOR_KEYS: tuple[str, ...] = ("start_year", "end_year", "starting_quantity", "growth_rate")


def year_field(period: int) -> Field:
    return Field(year_key(period), f"Năm {period}", f"Year {period}", "", "", 10)


def line_fields() -> tuple[Field, ...]:
    return LINE_FIELDS + tuple(year_field(t) for t in range(HORIZON_MAX))


RISK_FIELDS: tuple[Field, ...] = (
    LINE_FIELDS[0],
    Field(
        "code",
        "Mã",
        "Code",
        "Mã rủi ro, không trùng trong một phương án",
        "Risk code, unique within an option",
        10,
    ),
    Field("name", "Tên rủi ro", "Risk", "Mô tả rủi ro (bắt buộc)", "Description of the risk (required)", 32),
    Field(
        "probability",
        "Xác suất",
        "Probability",
        "Xác suất xảy ra, 0-100%",
        "Probability it occurs, 0-100%",
        12,
    ),
    Field(
        "minimum",
        "Tác động thấp nhất",
        "Minimum impact",
        "Tác động tối thiểu bằng tiền, không âm",
        "Lowest impact in money, zero or more",
        16,
    ),
    Field(
        "most_likely",
        "Tác động khả dĩ nhất",
        "Most likely impact",
        "Tác động có khả năng nhất, từ tối thiểu đến tối đa",
        "Most likely impact, between minimum and maximum",
        16,
    ),
    Field("maximum", "Tác động cao nhất", "Maximum impact", "Tác động tối đa", "Highest impact", 16),
    Field(
        "distribution",
        "Phân phối",
        "Distribution",
        "triangular (tam giác) hoặc pert",
        "triangular or pert",
        12,
    ),
    Field(
        "first_year",
        "Từ năm",
        "First year",
        "Năm dương lịch sớm nhất rủi ro có thể xảy ra, trong vòng đời",
        "Earliest calendar year the risk can occur, inside the horizon",
        10,
    ),
    Field(
        "last_year",
        "Đến năm",
        "Last year",
        "Năm muộn nhất, không trước năm đầu",
        "Latest calendar year, not before the first",
        10,
    ),
    Field(
        "public_share",
        "Phần nhà nước giữ",
        "Public share",
        "Phần rủi ro nhà nước giữ lại, 0-100%; phần còn lại chuyển cho tư nhân",
        "Share the public sector retains, 0-100%; the rest is transferred",
        14,
    ),
)

CATEGORY_NAMES: dict[str, tuple[str, str]] = {
    "installation": ("Chi phí xây lắp", "Installation"),
    "equipment_hardware": ("Thiết bị phần cứng", "Hardware"),
    "equipment_software": ("Phần mềm thương mại, nội bộ", "Software"),
    "equipment_data": ("Cơ sở dữ liệu, tạo lập dữ liệu", "Databases and data entry"),
    "equipment_installation_testing": ("Lắp đặt, cài đặt, kiểm thử", "Installation and testing"),
    "equipment_training": ("Đào tạo, chuyển giao công nghệ", "Training and technology transfer"),
    "equipment_support": ("Hỗ trợ vận hành trước nghiệm thu", "Pre-acceptance support"),
    "project_management": ("Quản lý dự án", "Project management"),
    "consulting": ("Tư vấn đầu tư", "Investment consulting"),
    "other_investment": ("Chi phí khác", "Other investment costs"),
    "contingency": ("Dự phòng", "Contingency"),
    "hosting_cloud": ("Thuê hạ tầng, điện toán đám mây", "Hosting and cloud"),
    "licences_subscriptions": ("Bản quyền, thuê bao phần mềm", "Licences and subscriptions"),
    "maintenance_support": ("Bảo trì, hỗ trợ kỹ thuật", "Maintenance and support"),
    "operations_staff": ("Nhân sự vận hành", "Operations staff"),
    "telecoms": ("Viễn thông, đường truyền", "Telecoms"),
    "security_audits": ("Đánh giá an toàn thông tin", "Security audits"),
    "training": ("Đào tạo người dùng", "User training"),
    "data_services": ("Dịch vụ dữ liệu", "Data services"),
    "other_operating": ("Chi thường xuyên khác", "Other operating costs"),
    "revenue": ("Doanh thu", "Revenue"),
}
CATEGORY_KIND: dict[str, str] = {
    **{code: "capex" for code in CAPEX_CATEGORIES},
    **{code: "opex" for code in OPEX_CATEGORIES},
    **{code: "revenue" for code in REVENUE_CATEGORIES},
}
OPTION_NAMES: dict[str, tuple[str, str]] = {
    "in_house": ("Nhà nước tự đầu tư, vận hành (PSC)", "In-house (public sector comparator)"),
    "service_hire": ("Thuê dịch vụ công nghệ thông tin", "IT service hire"),
    "ppp": ("Đối tác công tư (PPP)", "Public-private partnership"),
}

# Drop-down lists live on a hidden sheet: the category list is longer than the 255 characters an
# inline list may hold.
LISTS: dict[str, tuple[str, ...]] = {
    "category": tuple(CATEGORY_KIND),
    "kind": KINDS,
    "option": OPTION_KINDS,
    "distribution": DISTRIBUTIONS,
    "basis": BASES,
    "currency": CURRENCIES,
    "yes_no": ("có", "không", "yes", "no"),
}

HEADER_FONT = Font(bold=True)
KEY_FONT = Font(italic=True, color="666666", size=9)
TITLE_FONT = Font(bold=True, size=13)
HEADER_FILL = PatternFill("solid", fgColor="DDE7F0")
INPUT_FILL = PatternFill("solid", fgColor="FFF8DC")
WRAP = Alignment(wrap_text=True, vertical="top")
PERCENT_FORMAT = "0.00%"
QUANTITY_FORMAT = "#,##0.######"


def amount_format(currency: str) -> str:
    return "#,##0" if MINOR_UNITS.get(currency, 2) == 0 else "#,##0.00"
