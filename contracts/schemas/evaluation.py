"""Schemas of the opening record, the side-by-side comparison, and the evaluation: its panel,
declarations, compliance and technical scores, and the computed figures of every bid.

Figures are the stored ones, as text: amounts in the tender's currency quantized to its minor unit
(VND: whole dong), scores with four decimal places.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Schema
from pydantic import Field, StrictBool

from costing.schemas import DecimalText, Number
from ppp.schemas import InSchema

# Opening.


class OpeningBidOut(Schema):
    bid: int
    vendor: str
    tax_code: str
    receipt: str
    submitted_at: str
    price_ex_vat: str = Field(description="The bid's price as written, excluding VAT, before its discount")
    price: str = Field(description="Including VAT, before the discount")
    discount_rate: str
    price_after_discount: str = Field(description="Including VAT, after the discount")
    bid_security_amount: str
    validity_days: int | None
    content_hash: str
    hash_matches: bool = Field(description="The content re-hashed at opening equals the receipt's hash")


class OpeningOut(Schema):
    tender_id: int
    tender_reference: str
    tender_version: int
    closing_at: str
    opened_at: str
    opened_by: str
    currency: str
    package_price: str
    bids: list[OpeningBidOut]
    record_hash: str = Field(description="SHA-256 of the canonical record")


# Comparison.


class ComparisonItemOut(Schema):
    code: str
    name: str
    unit: str
    quantities: list[DecimalText]
    estimate: list[DecimalText] = Field(description="The cost model's amounts per year, incl. VAT")
    bids: dict[str, list[DecimalText]] = Field(description="By bid id: amounts per year, incl. VAT")


class ComparedBidOut(Schema):
    bid: int
    vendor: str


class ComparisonOut(Schema):
    years: list[int]
    items: list[ComparisonItemOut]
    bids: list[ComparedBidOut]
    totals: dict[str, DecimalText] = Field(description='"estimate" and each bid id: the totals incl. VAT')


# Evaluation.


class EvaluationStartIn(InSchema):
    chair_id: int = Field(description="The panel chair: an evaluator or finance officer of the agency")
    evaluator_ids: list[int] = Field(max_length=50, description="The other members of the panel")


class PersonOut(Schema):
    id: int
    full_name: str


class DeclarationOut(Schema):
    evaluator_id: int
    has_conflict: bool
    statement: str
    declared_at: dt.datetime


class EvaluationOut(Schema):
    id: int
    tender_id: int
    status: str = Field(description="in_progress or completed")
    chair: PersonOut
    evaluators: list[PersonOut]
    declarations: list[DeclarationOut]
    started_at: dt.datetime
    computed_at: dt.datetime | None
    input_hash: str = Field(description="SHA-256 of everything the figures depend on")

    @staticmethod
    def resolve_evaluators(obj: Any) -> list[Any]:
        return list(obj.evaluators.order_by("full_name", "pk"))

    @staticmethod
    def resolve_declarations(obj: Any) -> list[Any]:
        return list(obj.declarations.order_by("declared_at", "pk"))


class DeclarationIn(InSchema):
    has_conflict: StrictBool
    statement: str = Field("", max_length=5000)


class ComplianceIn(InSchema):
    bid_id: int
    criterion_id: int = Field(description="A pass/fail requirement of the tender")
    passed: StrictBool
    note: str = Field("", max_length=5000)
    consensus: StrictBool = Field(False, description="The chair records the panel's consensus")


class ComplianceOut(Schema):
    id: int
    bid_id: int
    criterion_id: int
    evaluator_id: int | None = Field(description="None for the panel's consensus")
    consensus: bool
    passed: bool
    note: str
    recorded_at: dt.datetime

    @staticmethod
    def resolve_consensus(obj: Any) -> bool:
        return obj.evaluator_id is None


class ScoreIn(InSchema):
    bid_id: int
    criterion_id: int = Field(description="A technical criterion of the tender")
    points: Number = Field(description="0 to the criterion's maximum, at most 2 decimal places")
    note: str = Field("", max_length=5000)
    consensus: StrictBool = Field(False, description="The chair records the panel's consensus")


class ScoreOut(Schema):
    id: int
    bid_id: int
    criterion_id: int
    evaluator_id: int | None = Field(description="None for the panel's consensus")
    consensus: bool
    points: DecimalText
    note: str
    recorded_at: dt.datetime

    @staticmethod
    def resolve_consensus(obj: Any) -> bool:
        return obj.evaluator_id is None


class AbnormallyLowOut(Schema):
    below_package_price: bool
    below_mean_of_others: bool
    below_next_bid: bool


class ResultRowOut(Schema):
    bid: int
    vendor: str
    submitted_order: int
    discount_rate: str
    entitled_to_preference: bool
    correction: str = Field(description="accepted or rejected (an unanswered correction past its time)")
    compliance: dict[str, bool]
    scores: dict[str, str]
    reasons: list[str] = Field(description="Why the bid is not responsive; empty when it is")
    responsive: bool
    price: str = Field(description="Corrected price incl. VAT after the discount")
    lifecycle_npv: str = Field(description="At the tender's discount rate, after the discount")
    evaluated_price: str = Field(description="The method's basis plus any preference loading")
    technical_points: str | None = None
    vfm: str | None = Field(None, description="PSC - (the bid's cost to the public + retained risk)")
    price_score: str | None = None
    technical_score: str | None = None
    combined_score: str | None = None
    abnormally_low: AbnormallyLowOut | None = None
    rank: int | None = None


class PscOut(Schema):
    total: str | None
    retained_risk: str
    discount_rate: str


class ResultsOut(Schema):
    computed_at: dt.datetime | None
    input_hash: str
    bids: list[ResultRowOut]
    ranking: list[int] = Field(description="Bid ids, best first; only responsive bids are ranked")
    psc: PscOut | None = None
    rules: list[str] = Field(description="The rule sets applied, with their legal basis")
