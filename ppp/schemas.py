"""Kernel API schemas. Input schemas refuse unknown fields and over-long strings."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from ninja import Schema
from pydantic import AfterValidator, ConfigDict, Field, StringConstraints, field_validator

# Passwords are taken exactly as typed, spaces included, as the sign-in page takes them.
Password = Annotated[str, StringConstraints(strip_whitespace=False, min_length=1, max_length=128)]


def _email(value: str) -> str:
    # Django's validator, as the pages use: pydantic's EmailStr refuses internal domains (.local).
    try:
        validate_email(value)
    except DjangoValidationError:
        raise ValueError("Enter a valid email address.") from None
    return value


Email = Annotated[str, StringConstraints(max_length=254), AfterValidator(_email)]


def _refuse_nul(value: Any) -> Any:
    """PostgreSQL text cannot hold U+0000; refuse it here as bad input rather than fail the write."""
    if isinstance(value, str) and "\x00" in value:
        raise ValueError("must not contain the NUL character")
    if isinstance(value, list | tuple):
        for item in value:
            _refuse_nul(item)
    if isinstance(value, dict):
        for key, item in value.items():
            _refuse_nul(key)
            _refuse_nul(item)
    return value


class InSchema(Schema):
    """Base of every request body: an unknown field is an error, not silently dropped; strings are
    stripped, and a string holding the NUL character is refused (naming its field)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @field_validator("*", mode="before")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        return _refuse_nul(value)


class ErrorOut(Schema):
    code: str
    message: str
    fields: dict[str, str] = {}


class MembershipOut(Schema):
    organisation_id: int
    organisation_name: str
    organisation_kind: str
    role: str
    is_senior: bool


class MeOut(Schema):
    id: int
    username: str
    email: str
    full_name: str
    memberships: list[MembershipOut]


class OrganisationOut(Schema):
    id: int
    kind: str
    name: str
    name_en: str
    tax_code: str
    is_verified: bool
    reviewing_body_id: int | None


class OrganisationIn(InSchema):
    kind: str = Field(max_length=20)
    name: str = Field(min_length=2, max_length=255)
    name_en: str = Field("", max_length=255)
    tax_code: str = Field("", max_length=20)
    address: str = Field("", max_length=255)
    reviewing_body_id: int | None = None


class VendorRegistrationIn(InSchema):
    username: str = Field(min_length=3, max_length=150, pattern=r"^[\w.@+-]+$")
    email: Email
    password: Password
    full_name: str = Field(min_length=2, max_length=200)
    organisation_name: str = Field(min_length=2, max_length=255)
    tax_code: str = Field(min_length=10, max_length=14, pattern=r"^[0-9-]+$")
    address: str = Field("", max_length=255)


class LoginIn(InSchema):
    username: str = Field(min_length=1, max_length=150)
    password: Password


class CsrfOut(Schema):
    csrf_token: str


class MessageOut(Schema):
    message: str


class PasswordResetIn(InSchema):
    email: Email


class PasswordResetConfirmIn(InSchema):
    uid: str = Field(min_length=1, max_length=64)
    token: str = Field(min_length=1, max_length=128)
    new_password: Password


class MembershipIn(InSchema):
    user_id: int
    role: str = Field(max_length=20)
    is_senior: bool = False


class ApiTokenIn(InSchema):
    name: str = Field(min_length=1, max_length=100)
    expires_in_days: int | None = Field(None, ge=1, le=365)


class ApiTokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: dt.datetime
    expires_at: dt.datetime | None
    last_used_at: dt.datetime | None
    revoked_at: dt.datetime | None


class ApiTokenCreatedOut(ApiTokenOut):
    secret: str


class AuditEntryOut(Schema):
    """An audit entry as readers see it. Sequence numbers and hashes stay out: sealed entries (a bid
    before opening) are hidden, and a gap in the chain would tell that they exist. `manage.py
    audit_verify` checks the chain."""

    created_at: dt.datetime
    actor_label: str
    organisation_id: int | None
    action: str
    object_type: str
    object_id: str
    before: Any = None
    after: Any = None


class RuleSetOut(Schema):
    id: int
    name: str
    version: str
    title: str
    legal_basis: str
    valid_from: dt.date
    valid_to: dt.date | None
    parameters: dict[str, Any]


class JobOut(Schema):
    id: uuid.UUID
    kind: str
    status: str
    done: int
    total: int
    percent: int
    message: str
    result: Any = None
    error: Any = None


class JobIn(InSchema):
    n: int = Field(3, ge=1, le=1000)


class NotificationOut(Schema):
    id: int
    verb: str
    title: str
    body: str
    link: str
    created_at: dt.datetime
    read_at: dt.datetime | None
