"""Schemas of contracts after the award: terms, payment mechanism, KPIs, milestones, the PPP financial
plan, review decisions, frozen versions and signatures. Parameters travel as JSON with money and
rates as strings; the services check every value and name the field."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Schema
from pydantic import Field

from costing.schemas import DecimalText, OptionalDecimalText
from ppp.schemas import InSchema


class ContractTermsIn(InSchema):
    """Only the fields sent are changed."""

    title: str | None = Field(None, max_length=300)
    contract_type: str | None = Field(None, description="service_hire, BOT, BTO, BOO, O&M, BTL or BLT")
    start_date: str | None = Field(None, description="YYYY-MM-DD")
    end_date: str | None = Field(None, description="YYYY-MM-DD, after the start")
    performance_security_rate: str | int | None = Field(
        None, description='A fraction of the contract price, e.g. "0.05"; the rule book\'s range applies'
    )
    warranty_months: int | None = None
    data_ownership: str | None = Field(None, max_length=20_000)
    handover: str | None = Field(None, max_length=20_000)


class MechanismsIn(InSchema):
    mechanisms: list[dict[str, Any]] = Field(description='[{"kind": "tiered_share", "parameters": {...}}]')


class ServiceLevelsIn(InSchema):
    levels: list[dict[str, Any]]


class MilestonesIn(InSchema):
    milestones: list[dict[str, Any]]


class FinancialPlanIn(InSchema):
    revenue: dict[str, Any] = Field(description='{"2027": "12000000000", ...}')


class SubmitIn(InSchema):
    note: str = Field("", max_length=5000)


class DecisionIn(InSchema):
    decision: str = Field(description="approve, request_changes or reject")
    comment: str = Field("", max_length=20_000, description="Required unless approving")


class EndIn(InSchema):
    outcome: str = Field(description="completed or terminated")
    reason: str = Field("", max_length=20_000, description="Required when terminated")


class MechanismOut(Schema):
    kind: str
    parameters: dict[str, Any]


class ServiceLevelOut(Schema):
    code: str
    name: str
    target: DecimalText
    unit: str
    period: str
    rule: dict[str, Any]


class MilestoneOut(Schema):
    name: str
    due_date: dt.date
    amount: OptionalDecimalText
    acceptance_criteria: str


class PlanYearOut(Schema):
    year: int
    projected_revenue: DecimalText


class DecisionOut(Schema):
    version: int
    round: int
    reviewer_id: int
    senior: bool
    decision: str
    comment: str
    decided_at: dt.datetime


class VersionOut(Schema):
    number: int
    content_hash: str
    approved_at: dt.datetime


class SignatureOut(Schema):
    version: int
    party_id: int
    signer_id: int
    content_hash: str
    signed_at: dt.datetime


class ContractListOut(Schema):
    id: int
    tender_id: int
    tender_reference: str = Field(alias="tender.reference")
    title: str
    status: str
    contract_type: str
    agency_id: int
    vendor_id: int
    vendor_name: str = Field(alias="vendor.name")
    currency: str
    value: DecimalText
    version: int
    updated_at: dt.datetime


class ContractDetailOut(ContractListOut):
    award_id: int
    start_date: dt.date | None
    end_date: dt.date | None
    performance_security_rate: OptionalDecimalText
    warranty_months: int | None
    data_ownership: str
    handover: str
    price_schedule: dict[str, list[str | None]]
    required_approvals: int
    senior_required: bool
    approval_rule: str
    review_round: int
    submitted_at: dt.datetime | None
    approved_hash: str
    approved_at: dt.datetime | None
    activated_at: dt.datetime | None
    ended_at: dt.datetime | None
    termination_reason: str
    mechanisms: list[MechanismOut]
    service_levels: list[ServiceLevelOut]
    milestones: list[MilestoneOut]
    financial_plan: list[PlanYearOut]
    decisions: list[DecisionOut]
    versions: list[VersionOut]
    signatures: list[SignatureOut]
