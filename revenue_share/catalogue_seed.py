"""The shipped catalogue of digital public services with an illustrative tariff each (a provider's fee
per online transaction, excluding VAT, from 2026-01-01). The figures are demo values that a platform
administrator replaces by recording tariff changes (services/catalogue.py): a new dated row, never
an edit.

Loaded by a data migration and, like the rule book, put back by `ensure_loaded` after the test suite's
transactional tests empty every table."""

from __future__ import annotations

from typing import Any

BASIS = "Mức phí minh họa (dữ liệu mẫu): thay bằng biểu phí của hợp đồng"
# code, name, English name, unit, English unit, sector, English sector, amount
SERVICES: list[tuple[str, str, str, str, str, str, str, str]] = [
    ("HT-KS", "Đăng ký khai sinh", "Birth registration", "hồ sơ", "application",
     "Hộ tịch", "Civil status", "8000"),
    ("HT-KT", "Đăng ký khai tử", "Death registration", "hồ sơ", "application",
     "Hộ tịch", "Civil status", "8000"),
    ("HT-KH", "Đăng ký kết hôn", "Marriage registration", "hồ sơ", "application",
     "Hộ tịch", "Civil status", "10000"),
    ("HT-XNTT", "Cấp giấy xác nhận tình trạng hôn nhân", "Certificate of marital status", "hồ sơ",
     "application", "Hộ tịch", "Civil status", "8000"),
    ("DN-DKDN", "Đăng ký thành lập doanh nghiệp", "Business registration", "hồ sơ", "application",
     "Doanh nghiệp", "Business", "25000"),
    ("DN-TDDK", "Đăng ký thay đổi nội dung đăng ký doanh nghiệp", "Change of business registration",
     "hồ sơ", "application", "Doanh nghiệp", "Business", "20000"),
    ("HKD-DK", "Đăng ký hộ kinh doanh", "Household business registration", "hồ sơ", "application",
     "Doanh nghiệp", "Business", "15000"),
    ("THUE-KK", "Khai thuế điện tử", "Electronic tax filing", "tờ khai", "return",
     "Thuế", "Tax", "3000"),
    ("THUE-NT", "Nộp thuế điện tử", "Electronic tax payment", "giao dịch", "transaction",
     "Thuế", "Tax", "2000"),
    ("GPLX-CD", "Cấp đổi giấy phép lái xe", "Driving licence renewal", "hồ sơ", "application",
     "Giao thông", "Transport", "20000"),
    ("BHXH-TG", "Đăng ký tham gia bảo hiểm xã hội", "Social insurance registration", "hồ sơ",
     "application", "Bảo hiểm xã hội", "Social insurance", "5000"),
    ("BHXH-CD", "Giải quyết hưởng chế độ ốm đau, thai sản", "Sickness and maternity benefit claim",
     "hồ sơ", "application", "Bảo hiểm xã hội", "Social insurance", "5000"),
    ("DV-DIEN", "Thanh toán tiền điện", "Electricity bill payment", "giao dịch", "transaction",
     "Tiện ích", "Utilities", "1500"),
    ("DV-NUOC", "Thanh toán tiền nước", "Water bill payment", "giao dịch", "transaction",
     "Tiện ích", "Utilities", "1500"),
    ("DD-XD", "Cấp giấy phép xây dựng", "Building permit", "hồ sơ", "application",
     "Xây dựng", "Construction", "30000"),
    ("DD-CN", "Đăng ký biến động đất đai", "Land title change registration", "hồ sơ", "application",
     "Đất đai", "Land", "30000"),
]  # fmt: skip


def ensure_loaded(service_model: Any = None, tariff_model: Any = None) -> None:
    """Create the shipped services (and their first tariff) that are missing; leave others alone."""
    import datetime as dt
    from decimal import Decimal

    if service_model is None or tariff_model is None:
        from revenue_share.models import Service, Tariff

        service_model, tariff_model = Service, Tariff
    existing = set(service_model.objects.values_list("code", flat=True))
    for code, name, name_en, unit, unit_en, sector, sector_en, amount in SERVICES:
        if code in existing:
            continue
        service = service_model.objects.create(
            code=code, name=name, name_en=name_en, unit=unit, unit_en=unit_en, sector=sector,
            sector_en=sector_en,
        )  # fmt: skip
        tariff_model.objects.create(
            service=service, amount=Decimal(amount), valid_from=dt.date(2026, 1, 1), basis=BASIS
        )
