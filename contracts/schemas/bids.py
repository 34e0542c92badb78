"""Schemas of bids: the vendor's draft (terms, prices per item and year, answers, attachments), the
submission receipt, and the bid as its vendor (or, after opening, the agency) reads it.

Prices are unit prices in the tender's currency, as text or integers (never a JSON float), one per
year of the schedule; null where the year has no quantity. Rates are fractions.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Schema
from pydantic import Field, StrictBool

from contracts import permissions
from costing.schemas import DecimalText, Number, OptionalDecimalText
from ppp.schemas import InSchema


class BidCreateIn(InSchema):
    vendor_id: int | None = Field(
        None,
        description="The bidding company; optional when the caller belongs to exactly one verified vendor",
    )


class BidPatch(InSchema):
    """The bid's own terms; only the fields sent change. A submitted bid returns to draft."""

    discount_rate: Number | None = Field(None, description="Fraction of the price, 0 to 0.99")
    bid_security_amount: Number | None = Field(None, description="In the tender's currency")
    bid_security_reference: str | None = Field(None, max_length=100)
    validity_days: int | None = Field(None, description="At least the tender's bid validity")
    entitled_to_preference: StrictBool | None = None
    currency: str | None = Field(None, max_length=3, description="Must be the tender's currency")


class PricesIn(InSchema):
    prices: dict[str, list[Number | None]] = Field(
        description="Unit price per year by schedule item code; items left out keep their saved prices"
    )
    currency: str | None = Field(None, max_length=3, description="Must be the tender's currency")


class AnswerIn(InSchema):
    complies: StrictBool | None = Field(None, description="Required for a pass/fail requirement")
    response: str = Field("", max_length=20_000)


class AnswersIn(InSchema):
    answers: dict[str, AnswerIn] = Field(description="By criterion code")


class PriceOut(Schema):
    code: str = Field(alias="item.code")
    unit_prices: list[str | None]
    stated_amounts: list[str | None] | None = Field(
        None, description="Line amounts written on an uploaded price form"
    )


class AnswerOut(Schema):
    code: str = Field(alias="criterion.code")
    complies: bool | None
    response: str


class AttachmentOut(Schema):
    id: int
    name: str
    content_type: str
    size: int = Field(description="Bytes")
    sha256: str
    uploaded_at: dt.datetime


class BidListOut(Schema):
    id: int
    tender_id: int
    vendor_id: int
    vendor_name: str = Field(alias="vendor.name")
    status: str
    discount_rate: DecimalText
    bid_security_amount: DecimalText
    validity_days: int | None
    receipt_number: str
    content_hash: str
    submitted_at: dt.datetime | None
    updated_at: dt.datetime


class BidOut(BidListOut):
    tender_reference: str = Field(alias="tender.reference")
    currency: str = Field(alias="tender.currency")
    bid_security_reference: str
    entitled_to_preference: bool
    stated_total: OptionalDecimalText = Field(description="The total written on an uploaded price form")
    tender_version: int = Field(description="The tender version the bid answers")
    withdrawn_at: dt.datetime | None
    created_at: dt.datetime
    prices: list[PriceOut]
    answers: list[AnswerOut]
    attachments: list[AttachmentOut]
    can_prepare: bool = Field(description="The caller may change this bid")
    can_sign: bool = Field(description="The caller may submit or withdraw this bid")

    @staticmethod
    def resolve_prices(obj: Any) -> list[Any]:
        return list(obj.prices.select_related("item").order_by("item__position", "item__pk"))

    @staticmethod
    def resolve_answers(obj: Any) -> list[Any]:
        return list(obj.answers.select_related("criterion").order_by("criterion__position", "criterion__pk"))

    @staticmethod
    def resolve_attachments(obj: Any) -> list[Any]:
        return list(obj.attachments.all())

    @staticmethod
    def resolve_can_prepare(obj: Any, context: Any) -> bool:
        return permissions.can_prepare_bid(context["request"].user, obj)

    @staticmethod
    def resolve_can_sign(obj: Any, context: Any) -> bool:
        return permissions.can_sign_bid(context["request"].user, obj)


class ReceiptOut(Schema):
    bid_id: int = Field(alias="pk")
    tender_reference: str = Field(alias="tender.reference")
    vendor_name: str = Field(alias="vendor.name")
    receipt_number: str
    content_hash: str = Field(description="SHA-256 of the bid's canonical content at submission")
    submitted_at: dt.datetime = Field(description="The database clock's time of receipt")
    tender_version: int


class CorrectionItemOut(Schema):
    code: str = Field(description='The cell, "ITEM[year]"; empty for the total')
    rule: str
    before: str | None
    after: str | None
    difference: str | None


class CorrectionOut(Schema):
    bid_id: int
    status: str = Field(description="proposed, accepted or rejected")
    corrections: list[CorrectionItemOut]
    stated_total: OptionalDecimalText
    corrected_total: DecimalText
    respond_by: dt.datetime
    responded_at: dt.datetime | None


class CorrectionAnswerIn(InSchema):
    accept: StrictBool = Field(
        description="true accepts the correction; false rejects it (the bid drops out)"
    )
