"""Demo organisations and people, one per role. Passwords are printed and listed in the README."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from ppp import audit
from ppp.models import Membership, Organisation, OrganisationKind, Role, User


@dataclass(frozen=True)
class DemoOrganisation:
    key: str
    kind: str
    name: str
    name_en: str
    tax_code: str
    verified: bool = True


@dataclass(frozen=True)
class DemoUser:
    username: str
    password: str
    full_name: str
    organisation: str
    roles: tuple[str, ...]
    is_senior: bool = False
    superuser: bool = False


AGENCY_TAX_CODE = "5700100002"
ORGANISATIONS = [
    DemoOrganisation("finance", OrganisationKind.REVIEWING_BODY, "Sở Tài chính tỉnh Quảng Ninh",
                     "Quang Ninh Department of Finance", "5700100001"),
    DemoOrganisation("agency", OrganisationKind.AGENCY, "Sở Thông tin và Truyền thông tỉnh Quảng Ninh",
                     "Quang Ninh Department of Information and Communications", "5700100002"),
    DemoOrganisation("vendor_a", OrganisationKind.VENDOR, "Công ty Cổ phần Giải pháp Số Việt",
                     "Viet Digital Solutions JSC", "0101234567"),
    DemoOrganisation("vendor_b", OrganisationKind.VENDOR, "Công ty TNHH Dịch vụ Đám mây Sông Hồng",
                     "Red River Cloud Services Co., Ltd", "0107654321"),
]  # fmt: skip

USERS = [
    DemoUser("admin", "Admin-Demo-2026", "Quản trị viên", "agency", (Role.ADMINISTRATOR,), superuser=True),
    DemoUser("finance", "Finance-Demo-2026", "Nguyễn Thị Hoa", "agency", (Role.FINANCE_OFFICER,)),
    DemoUser("evaluator", "Evaluator-Demo-2026", "Trần Văn Đức", "agency", (Role.EVALUATOR,)),
    DemoUser("agency_sign", "AgencySign-Demo-2026", "Ngô Thanh Bình", "agency", (Role.SIGNATORY,)),
    DemoUser("approver", "Approver-Demo-2026", "Lê Minh Tuấn", "finance", (Role.APPROVER,), is_senior=True),
    DemoUser("approver2", "Approver2-Demo-2026", "Phạm Thu Trang", "finance", (Role.APPROVER,)),
    DemoUser("vendor_a", "VendorA-Demo-2026", "Hoàng Văn Nam", "vendor_a", (Role.BID_PREPARER,)),
    DemoUser("vendor_a_sign", "VendorASign-Demo-2026", "Đỗ Quang Huy", "vendor_a", (Role.SIGNATORY,)),
    DemoUser("vendor_b", "VendorB-Demo-2026", "Vũ Thị Lan", "vendor_b", (Role.BID_PREPARER,)),
    DemoUser("vendor_b_sign", "VendorBSign-Demo-2026", "Bùi Đức Anh", "vendor_b", (Role.SIGNATORY,)),
]  # fmt: skip


@transaction.atomic
def seed() -> list[DemoUser]:
    """Create whatever part of the demo is missing. Rows that exist are left as they are (an
    administrator may have renamed, unverified or re-graded them), with one exception: a demo person
    whose password is no longer the one in the README gets it back, and the audit log says so."""
    organisations: dict[str, Organisation] = {}
    for organisation_spec in ORGANISATIONS:
        organisation, _ = Organisation.objects.get_or_create(
            tax_code=organisation_spec.tax_code,
            defaults={
                "kind": organisation_spec.kind,
                "name": organisation_spec.name,
                "name_en": organisation_spec.name_en,
                "is_verified": organisation_spec.verified,
                "verified_at": timezone.now() if organisation_spec.verified else None,
            },
        )
        organisations[organisation_spec.key] = organisation
    agency = organisations["agency"]
    if agency.reviewing_body_id is None:
        agency.reviewing_body = organisations["finance"]
        agency.save(update_fields=["reviewing_body"])
    created_any = False
    for user_spec in USERS:
        user, created = User.objects.get_or_create(
            username=user_spec.username,
            defaults={
                "email": f"{user_spec.username}@demo.ppp.local",
                "full_name": user_spec.full_name,
                "is_superuser": user_spec.superuser,
                "is_staff": user_spec.superuser,
                "password": make_password(user_spec.password),
            },
        )
        created_any |= created
        if not created and not user.check_password(user_spec.password):
            # The README lists these passwords; a demo whose logins do not work is no demo.
            user.set_password(user_spec.password)
            user.save(update_fields=["password"])
            audit.record(
                actor=None,
                actor_label="seed_demo",
                action="demo.password_reset",
                obj=user,
                organisation=audit.actor_organisation(user) or organisations[user_spec.organisation],
                after={
                    "username": user.username,
                    "reason": "the password differed from the one in the README",
                },
            )
        for role in user_spec.roles:
            Membership.objects.get_or_create(
                user=user,
                organisation=organisations[user_spec.organisation],
                role=role,
                defaults={"is_senior": user_spec.is_senior},
            )
    if created_any:
        # The demo's administrator belongs to the agency: the entry is filed under it.
        audit.record(
            actor=None,
            actor_label="seed_demo",
            action="demo.seeded",
            organisation=agency,
            after={"users": len(USERS)},
        )
    return USERS
