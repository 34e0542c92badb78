"""Schemas of awards, the draft contract an approved award creates, and the approver's queue."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Schema
from pydantic import Field

from costing.schemas import DecimalText
from ppp.schemas import InSchema

from .contracting import ContractListOut
from .tenders import TenderListOut


class AwardProposeIn(InSchema):
    bid_id: int = Field(description="The best-ranked bid not yet cancelled")
    reasons: str = Field(max_length=20_000)


class AwardApproveIn(InSchema):
    note: str = Field("", max_length=5000)


class AwardRejectIn(InSchema):
    note: str = Field(max_length=5000, description="Why (required)")


class AwardCancelIn(InSchema):
    reason: str = Field(
        max_length=20_000, description="Why (required); the next-ranked bid is then considered"
    )


class ContractOut(Schema):
    id: int
    status: str
    currency: str
    value: DecimalText
    agency_id: int
    vendor_id: int
    price_schedule: dict[str, list[str]] = Field(description="Corrected unit prices per year by item code")
    created_at: dt.datetime


class AwardOut(Schema):
    id: int
    tender_id: int
    bid_id: int
    vendor_id: int = Field(alias="bid.vendor_id")
    vendor_name: str = Field(alias="bid.vendor.name")
    status: str = Field(description="proposed, approved, rejected or cancelled")
    contract_price: DecimalText
    reasons: str
    proposed_by_id: int
    proposed_at: dt.datetime
    decided_by_id: int | None
    decided_at: dt.datetime | None
    decision_note: str
    cancelled_reason: str
    published_at: dt.datetime | None
    contract: ContractOut | None = Field(None, description="The draft contract of an approved award")

    @staticmethod
    def resolve_contract(obj: Any) -> Any:
        return getattr(obj, "contract", None)


class AwardQueueOut(Schema):
    id: int
    tender_id: int
    tender_reference: str = Field(alias="tender.reference")
    tender_title: str = Field(alias="tender.title")
    organisation_name: str = Field(alias="tender.organisation.name")
    bid_id: int
    vendor_name: str = Field(alias="bid.vendor.name")
    contract_price: DecimalText
    reasons: str
    proposed_at: dt.datetime


class AmendmentQueueOut(Schema):
    contract_id: int
    tender_reference: str = Field(alias="contract.tender.reference")
    organisation_name: str = Field(alias="contract.agency.name")
    number: int
    rationale: str
    value_effect: DecimalText
    cumulative_share: DecimalText
    flagged: bool
    escalated: bool
    submitted_at: dt.datetime | None


class AwaitingDecisionOut(Schema):
    tenders: list[TenderListOut] = Field(description="Submitted tenders to approve or return, oldest first")
    awards: list[AwardQueueOut] = Field(description="Proposed awards to approve or reject, oldest first")
    contracts: list[ContractListOut] = Field(
        description="Contracts under review still needing my decision, oldest first"
    )
    amendments: list[AmendmentQueueOut] = Field(
        description="Contract amendments under review still needing my decision, oldest first"
    )
