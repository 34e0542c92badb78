"""Demo cost models for `manage.py seed_demo`, built through the services like any user's work.

- "Cổng dịch vụ công trực tuyến tỉnh Quảng Ninh": three delivery options over ten years, with
  risks and scenarios; version 1 approved by the senior approver, version 2 a draft being revised;
- "Nền tảng chia sẻ dữ liệu tỉnh": submitted, waiting in the approvers' queue.

Idempotent: a model that already exists (by name, in the demo agency) is left as it is.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction

from costing import services
from costing.models import CostModel
from costing.services import LineData, RiskData
from ppp.models import Organisation, User

PORTAL = "Cổng dịch vụ công trực tuyến tỉnh Quảng Ninh"
DATA_PLATFORM = "Nền tảng chia sẻ dữ liệu tỉnh (LGSP)"
BASE_YEAR = 2026
HORIZON = 10


def _years(first: int, last: int, value: str) -> list[str]:
    return [value if first <= BASE_YEAR + t <= last else "0" for t in range(HORIZON)]


def _line(code: str, name: str, category: str, unit: str, unit_cost: str, **values: Any) -> LineData:
    return LineData(code=code, name=name, category=category, unit=unit, unit_cost=unit_cost, **values)


IN_HOUSE_LINES = [
    _line("TB-01", "Máy chủ ứng dụng và cơ sở dữ liệu", "equipment_hardware", "máy chủ", "350000000",
          quantities=_years(2026, 2026, "20"), refresh_cycle_years=5,
          assumption="20 máy chủ, thay mới sau 5 năm", source="Báo giá tham khảo 3 nhà cung cấp, 2026"),
    _line("TB-02", "Phát triển phần mềm cổng dịch vụ công", "equipment_software", "trọn gói", "12000000000",
          quantities=_years(2026, 2026, "1"), source="Dự toán theo Thông tư 04/2020/TT-BTTTT"),
    _line("TB-03", "Chuyển đổi và tạo lập dữ liệu", "equipment_data", "trọn gói", "2500000000",
          quantities=_years(2026, 2026, "1")),
    _line("TB-04", "Lắp đặt, cài đặt, kiểm thử", "equipment_installation_testing", "trọn gói", "800000000",
          quantities=_years(2026, 2026, "1")),
    _line("TB-05", "Đào tạo, chuyển giao công nghệ", "equipment_training", "khóa", "40000000",
          quantities=_years(2026, 2026, "10")),
    _line("TV-01", "Tư vấn lập dự án, thẩm tra", "consulting", "trọn gói", "1200000000",
          quantities=_years(2026, 2026, "1")),
    _line("VH-01", "Nhân sự vận hành", "operations_staff", "người-năm", "240000000",
          start_year=2027, end_year=2035, starting_quantity="6", growth_rate="0", vat_applicable=False,
          assumption="6 kỹ sư toàn thời gian"),
    _line("VH-02", "Bảo trì, hỗ trợ kỹ thuật", "maintenance_support", "năm", "1800000000",
          quantities=_years(2027, 2035, "1"), assumption="15% giá trị phần mềm mỗi năm"),
    _line("VH-03", "Điện, làm mát, thuê chỗ đặt máy", "hosting_cloud", "năm", "600000000",
          quantities=_years(2027, 2035, "1")),
    _line("VH-04", "Đánh giá an toàn thông tin", "security_audits", "lần", "300000000",
          quantities=_years(2027, 2035, "1")),
    _line("VH-05", "Đường truyền", "telecoms", "tháng", "40000000", quantities=_years(2027, 2035, "12")),
]  # fmt: skip

SERVICE_HIRE_LINES = [
    _line("DV-01", "Phí khởi tạo dịch vụ", "other_operating", "trọn gói", "2000000000",
          quantities=_years(2026, 2026, "1")),
    _line("DV-02", "Phí dịch vụ theo giao dịch", "licences_subscriptions", "giao dịch", "5000",
          start_year=2027, end_year=2035, starting_quantity="1500000", growth_rate="0.08",
          assumption="1,5 triệu hồ sơ năm đầu, tăng 8%/năm"),
    _line("DV-03", "Nhân sự quản lý hợp đồng", "operations_staff", "người-năm", "240000000",
          quantities=_years(2026, 2035, "2"), vat_applicable=False),
]  # fmt: skip

PPP_LINES = [
    _line("PPP-01", "Thanh toán theo mức độ sẵn sàng dịch vụ", "other_operating", "năm", "7000000000",
          quantities=_years(2027, 2035, "1"), assumption="Thanh toán hằng năm, khấu trừ theo KPI"),
    _line("PPP-02", "Giám sát hợp đồng PPP", "operations_staff", "người-năm", "240000000",
          quantities=_years(2026, 2035, "2"), vat_applicable=False),
]  # fmt: skip


def _risk(code: str, name: str, probability: str, low: str, likely: str, high: str, first: int, last: int,
          public: str, distribution: str = "triangular") -> RiskData:  # fmt: skip
    return RiskData(
        code=code, name=name, probability=probability, minimum=low, most_likely=likely, maximum=high,
        first_year=first, last_year=last, public_share=public, distribution=distribution,
    )  # fmt: skip


RISKS = {
    "in_house": [
        _risk("R1", "Vượt chi phí phát triển phần mềm", "0.4", "1000000000", "2500000000", "6000000000",
              2026, 2026, "0.3", "pert"),
        _risk("R2", "Chậm tiến độ triển khai", "0.3", "500000000", "1200000000", "3000000000",
              2026, 2027, "0.5"),
        _risk("R3", "Sự cố an toàn thông tin", "0.15", "300000000", "800000000", "4000000000",
              2027, 2035, "0.6"),
        _risk("R4", "Biến động nhân sự vận hành", "0.5", "100000000", "300000000", "600000000",
              2028, 2035, "1"),
    ],
    "service_hire": [
        _risk("R1", "Tăng giá khi gia hạn hợp đồng", "0.3", "500000000", "1000000000", "2000000000",
              2031, 2031, "1"),
        _risk("R2", "Chi phí chuyển đổi khi kết thúc (khóa dữ liệu)", "0.2", "1000000000", "2000000000",
              "5000000000", 2035, 2035, "1"),
    ],
    "ppp": [
        _risk("R1", "Nhu cầu sử dụng thấp hơn dự báo", "0.3", "500000000", "1500000000", "4000000000",
              2028, 2035, "0.5"),
        _risk("R2", "Thay đổi quy định pháp luật", "0.1", "500000000", "1000000000", "3000000000",
              2027, 2035, "1"),
    ],
}  # fmt: skip

SCENARIOS = [
    ("Nhu cầu tăng 20%", "Khối lượng mọi khoản mục tăng 20%", {"quantity_factor": "1.2"}),
    ("Tỷ lệ chiết khấu 10%", "Chi phí vốn cao hơn", {"discount_rate": "0.10"}),
    ("Đơn giá giảm 10%", "Cạnh tranh giảm giá", {"unit_cost_factor": "0.9"}),
]


def _fill(actor: User, model: CostModel, with_risks: bool = True) -> None:
    options = {option.kind: option for option in model.options.all()}
    services.option_update(
        actor=actor,
        option=options["in_house"],
        competitive_neutrality=Decimal("1500000000"),
        competitive_neutrality_note="Ưu đãi thuế và bảo hiểm của khu vực công quy về giá trị hiện tại",
    )
    for kind, lines in (
        ("in_house", IN_HOUSE_LINES),
        ("service_hire", SERVICE_HIRE_LINES),
        ("ppp", PPP_LINES),
    ):
        services.lines_save(actor=actor, option=options[kind], rows=lines)
        if with_risks:
            for risk in RISKS[kind]:
                services.risk_create(actor=actor, option=options[kind], data=risk)


@transaction.atomic
def seed(*, agency: Organisation, finance: User, approver: User) -> list[str]:
    """Create the demo models that are missing; return the names of those created."""
    created = []
    if not CostModel.objects.filter(organisation=agency, name=PORTAL).exists():
        model = services.cost_model_create(
            actor=finance,
            organisation=agency,
            name=PORTAL,
            purpose="Cung cấp dịch vụ công trực tuyến toàn trình cho người dân và doanh nghiệp "
            "trên địa bàn tỉnh.",
            base_year=BASE_YEAR,
            horizon=HORIZON,
            basis="real",
            discount_rate="0.08",
            discount_rate_basis="Bình quân gia quyền chi phí vốn vay và lợi nhuận vốn chủ sở hữu "
            "(thông lệ phương án tài chính dự án PPP tại Việt Nam)",
            vat_rate="0.10",
            general_escalation="0.04",
        )
        _fill(finance, model)
        for name, description, overrides in SCENARIOS:
            services.scenario_create(
                actor=finance, model=model, name=name, description=description, overrides=overrides
            )
        services.cost_model_submit(actor=finance, model=model, note="Kính trình Sở Tài chính thẩm định.")
        model = services.cost_model_approve(actor=approver, model=model, note="Thống nhất phương án.")
        services.simulation_run(actor=finance, model=model, iterations=10_000, seed=20_260_101)
        draft = services.cost_model_new_version(actor=finance, model=model)
        line = draft.options.get(kind="in_house").lines.get(code="VH-02")
        services.line_update(
            actor=finance,
            line=line,
            data=LineData(
                code=line.code, name=line.name, category=line.category, unit=line.unit,
                unit_cost="2100000000", quantities=line.quantities,
                assumption="Cập nhật theo báo giá bảo trì 2026",
            ),
        )  # fmt: skip
        created.append(PORTAL)
    if not CostModel.objects.filter(organisation=agency, name=DATA_PLATFORM).exists():
        model = services.cost_model_create(
            actor=finance,
            organisation=agency,
            name=DATA_PLATFORM,
            purpose="Kết nối, chia sẻ dữ liệu giữa các hệ thống thông tin của tỉnh.",
            base_year=BASE_YEAR,
            horizon=HORIZON,
            basis="real",
            discount_rate="0.035",
            discount_rate_basis="HM Treasury Green Book, 3,5% thực",
            vat_rate="0.10",
        )
        _fill(finance, model, with_risks=False)
        services.cost_model_submit(actor=finance, model=model, note="Đề nghị thẩm định.")
        created.append(DATA_PLATFORM)
    return created
