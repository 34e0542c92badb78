"""Schemas of cost model versions, their workflow decisions and the workbook import."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Schema
from pydantic import Field, StrictBool

from costing import permissions
from ppp.schemas import InSchema

from ._types import DecimalText, Number, OptionalDecimalText

# Cost models.


class CostModelIn(InSchema):
    organisation_id: int | None = Field(
        None,
        description="The owning agency. Optional when the caller is a finance officer of exactly one agency.",
    )
    name: str = Field(max_length=255)
    purpose: str = Field("", max_length=5000)
    currency: str = Field("VND", max_length=3, description="ISO 4217; VND has no minor unit")
    base_year: int = Field(description="Calendar year of period 0 (1990-2100)")
    horizon: int = Field(description="Years modelled, 1 to 30")
    basis: str = Field("real", max_length=10, description="real (constant prices) or nominal")
    discount_rate: Number = Field(description="Fraction, 0 to 1")
    discount_rate_basis: str = Field("", max_length=500)
    vat_rate: Number = Field(description="Fraction, 0 to 1")
    general_escalation: Number | None = Field(None, description="Fraction, above -0.99 and at most 1")
    pm_norm_rate: Number | None = Field(None, description="Overrides the rule book's project-management norm")
    contingency_quantity_rate: Number | None = Field(None, description="Overrides the rule book")
    price_index: Number | None = Field(None, description="Average annual price index change; overrides")
    with_default_options: StrictBool = Field(True, description="Create the three delivery options")


class CostModelPatch(InSchema):
    name: str | None = Field(None, max_length=255)
    purpose: str | None = Field(None, max_length=5000)
    currency: str | None = Field(None, max_length=3)
    base_year: int | None = None
    horizon: int | None = None
    basis: str | None = Field(None, max_length=10)
    discount_rate: Number | None = None
    discount_rate_basis: str | None = Field(None, max_length=500)
    vat_rate: Number | None = None
    general_escalation: Number | None = None
    pm_norm_rate: Number | None = None
    contingency_quantity_rate: Number | None = None
    price_index: Number | None = None


class CostModelListOut(Schema):
    id: int
    organisation_id: int
    organisation_name: str = Field(alias="organisation.name")
    name: str
    currency: str
    base_year: int
    horizon: int
    basis: str
    status: str
    version: int
    lineage_id: int | None
    option_count: int | None = None
    created_by_id: int
    created_by_name: str = Field(alias="created_by.full_name")
    first_submitted_at: dt.datetime | None
    created_at: dt.datetime
    updated_at: dt.datetime


class OptionSummaryOut(Schema):
    id: int
    kind: str
    name: str


class CostModelOut(Schema):
    id: int
    organisation_id: int
    organisation_name: str = Field(alias="organisation.name")
    name: str
    purpose: str
    currency: str
    base_year: int
    horizon: int
    last_year: int
    basis: str
    discount_rate: DecimalText
    discount_rate_basis: str
    vat_rate: DecimalText
    general_escalation: DecimalText
    pm_norm_rate: OptionalDecimalText
    contingency_quantity_rate: OptionalDecimalText
    price_index: OptionalDecimalText
    status: str
    version: int
    lineage_id: int | None
    previous_version_id: int | None
    content_hash: str
    created_by_id: int
    created_by_name: str = Field(alias="created_by.full_name")
    first_submitted_at: dt.datetime | None
    created_at: dt.datetime
    updated_at: dt.datetime


class CostModelDetailOut(CostModelOut):
    options: list[OptionSummaryOut]
    can_edit: bool = Field(description="The caller may change this version now")
    can_decide: bool = Field(description="The caller may approve or return this version now")
    can_make_new_version: bool

    @staticmethod
    def resolve_options(obj: Any) -> list[Any]:
        return list(obj.options.all())

    @staticmethod
    def resolve_can_edit(obj: Any, context: Any) -> bool:
        return permissions.can_edit_cost_model(context["request"].user, obj)

    @staticmethod
    def resolve_can_decide(obj: Any, context: Any) -> bool:
        return permissions.can_decide_cost_model(context["request"].user, obj)

    @staticmethod
    def resolve_can_make_new_version(obj: Any, context: Any) -> bool:
        return permissions.can_make_new_version(context["request"].user, obj)


class NoteIn(InSchema):
    note: str = Field("", max_length=5000)


class ReturnIn(InSchema):
    note: str = Field(max_length=5000, description="What must change (required)")


class DecisionOut(Schema):
    id: int
    actor_id: int
    actor_name: str = Field(alias="actor.full_name")
    role: str
    decision: str
    from_status: str
    to_status: str
    note: str
    created_at: dt.datetime


# Import.


class ImportReportOut(Schema):
    options: int
    lines: int
    risks: int
    skipped_derived_lines: list[str]
    bytes: int


class ImportOut(Schema):
    model: CostModelOut
    report: ImportReportOut
