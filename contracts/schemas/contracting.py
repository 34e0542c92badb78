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
    extra_lines: list[dict[str, Any]]
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


class AmendmentIn(InSchema):
    """Every field is given again when a draft is changed."""

    rationale: str = Field(
        description="scope_change, quantity_change, price_adjustment, indexation, term_extension, "
        "change_in_law, force_majeure, technology_change or correction"
    )
    description: str = Field(max_length=20_000)
    terms: dict[str, Any] = Field(
        default_factory=dict, description='Changed terms, e.g. {"end_date": "2029-12-31"}; not the type'
    )
    prices: dict[str, list[Any]] = Field(
        default_factory=dict,
        description='New unit prices per year by line code: {"SUPPORT": ["250000000", ...]}',
    )
    new_lines: list[dict[str, Any]] = Field(
        default_factory=list,
        description="Lines added to the schedule: "
        "[{code, name, unit, vat_applicable, quantities, unit_prices}]",
    )


class WithdrawIn(InSchema):
    reason: str = Field("", max_length=20_000)


class AmendmentOut(Schema):
    number: int
    version: int
    rationale: str
    description: str
    terms: dict[str, Any]
    prices: dict[str, list[str]]
    new_lines: list[dict[str, Any]]
    value_before: DecimalText
    value_effect: DecimalText
    value_after: DecimalText
    effect_share: DecimalText = Field(description="Of the value at award")
    cumulative_share: DecimalText = Field(description="Net, of the amendments in force and this one")
    flagged: bool = Field(description="The cumulative change passes the rule book's flag share")
    escalated: bool = Field(description="... passes its review share: the chain above the threshold")
    status: str
    required_approvals: int
    senior_required: bool
    approval_rule: str
    review_round: int
    submitted_at: dt.datetime | None
    approved_hash: str
    approved_at: dt.datetime | None
    in_force_at: dt.datetime | None
    created_at: dt.datetime


class DiffRowOut(Schema):
    path: str
    before: Any
    after: Any
    change: str = Field(description="added, removed or changed")


class VersionDiffOut(Schema):
    a: int
    b: int
    changes: list[DiffRowOut]
