"""Schemas of tenders: creation from an approved cost model option, changes to a draft, criteria,
the workflow notes, amendments with their diff, and the tender as every participant reads it.

Money and rates travel as strings ("0.01", "3780000000"), or integers; a JSON float is refused.
Rates are fractions (0.01 means 1 %). Dates are ISO 8601 with an offset (a naive one is read in
Vietnam's time zone). The services check every value against the rule book and name the field.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from ninja import Schema
from pydantic import Field, StrictBool

from contracts import permissions
from contracts.models import TenderStatus
from costing.schemas import DecimalText, Number, OptionalDecimalText
from ppp.schemas import InSchema

# Tenders.


class TenderTermsPatch(InSchema):
    """The terms of a draft; only the fields sent change."""

    title: str | None = Field(None, max_length=255)
    scope_of_work: str | None = Field(None, max_length=50_000)
    procurement_category: str | None = Field(
        None, max_length=20, description="goods, non_consulting or consulting"
    )
    high_technology: StrictBool | None = None
    scope: str | None = Field(None, max_length=20, description="domestic or international")
    method: str | None = Field(
        None,
        max_length=20,
        description="lowest_price, evaluated_price, combined (two envelopes), fixed_price or "
        "technical_based (consulting only)",
    )
    envelopes: int | None = Field(None, description="1 or 2")
    package_price: Number | None = Field(
        None, description="Defaults to the option's estimate (nominal lifecycle cost incl. VAT); not above it"
    )
    discount_rate: Number | None = Field(
        None, description="Fraction; the evaluated-price method discounts at it. Defaults to the model's"
    )
    technical_weight: Number | None = Field(None, description="Fraction; combined method only")
    price_weight: Number | None = Field(None, description="Fraction; technical + price = 1")
    price_score_scale: int | None = Field(None, description="100 or 1000")
    pass_mark: Number | None = Field(None, description="Share of the maximum technical points")
    bid_security_rate: Number | None = Field(None, description="Share of the package price")
    bid_validity_days: int | None = Field(None, description="30 to 365")
    publication_at: dt.datetime | None = Field(
        None, description="Planned; publication sets it to the moment of publishing"
    )
    clarification_deadline: dt.datetime | None = None
    closing_at: dt.datetime | None = None
    opening_at: dt.datetime | None = Field(None, description="Within the rule's hours of the closing")


class TenderIn(InSchema):
    """A draft tender from an approved model option; left-out optional terms take their defaults."""

    model_id: int = Field(description="An approved cost model version of the agency")
    option_id: int = Field(description="The delivery option of that version whose lines are priced")
    title: str = Field(max_length=255)
    scope_of_work: str = Field("", max_length=50_000)
    procurement_category: str = Field(max_length=20, description="goods, non_consulting or consulting")
    high_technology: StrictBool = False
    scope: str = Field(max_length=20, description="domestic or international")
    method: str = Field(max_length=20, description="See the patch schema")
    envelopes: int = Field(1, description="1 or 2")
    package_price: Number | None = Field(None, description="Defaults to the option's estimate")
    discount_rate: Number | None = Field(None, description="Defaults to the model's discount rate")
    technical_weight: Number | None = None
    price_weight: Number | None = None
    price_score_scale: int = Field(100, description="100 or 1000")
    pass_mark: Number | None = None
    bid_security_rate: Number = Field(description="Share of the package price")
    bid_validity_days: int = Field(description="30 to 365")
    publication_at: dt.datetime = Field(description="Planned; publication sets it to the moment")
    clarification_deadline: dt.datetime
    closing_at: dt.datetime
    opening_at: dt.datetime


class TenderListOut(Schema):
    id: int
    reference: str
    title: str
    organisation_id: int
    organisation_name: str = Field(alias="organisation.name")
    currency: str
    procurement_category: str
    scope: str
    method: str
    package_price: DecimalText
    status: str
    version: int
    publication_at: dt.datetime
    clarification_deadline: dt.datetime
    closing_at: dt.datetime
    opening_at: dt.datetime
    published_at: dt.datetime | None
    is_closed: bool = Field(description="The closing has passed (bids are no longer accepted)")
    updated_at: dt.datetime

    @staticmethod
    def resolve_is_closed(obj: Any) -> bool:
        return bool(obj.closing_at <= timezone.now())


class ScheduleItemOut(Schema):
    code: str
    name: str
    category: str
    unit: str
    quantities: list[str] = Field(description="Quantity per year of the horizon")
    vat_applicable: bool
    description: str

    @staticmethod
    def resolve_quantities(obj: Any) -> list[str]:
        return [str(quantity) for quantity in obj.quantities]


class CriterionOut(Schema):
    id: int
    kind: str
    code: str
    name: str
    description: str
    max_points: OptionalDecimalText


class TenderDetailOut(TenderListOut):
    scope_of_work: str
    cost_model_id: int
    option_id: int
    high_technology: bool
    envelopes: int
    estimate: DecimalText = Field(description="The approved cost model option's estimate")
    estimate_hash: str
    discount_rate: DecimalText
    vat_rate: DecimalText
    technical_weight: OptionalDecimalText
    price_weight: OptionalDecimalText
    price_score_scale: int
    pass_mark: OptionalDecimalText
    bid_security_rate: DecimalText
    bid_validity_days: int
    content_hash: str = Field(description="SHA-256 of the approved (or amended) content")
    created_at: dt.datetime
    items: list[ScheduleItemOut] = Field(description="The pricing schedule, in order")
    criteria: list[CriterionOut]
    can_edit: bool = Field(description="The caller may change the draft, its criteria, and submit it")
    can_decide: bool = Field(description="The caller may approve or return it")
    can_publish: bool
    can_amend: bool
    can_open: bool = Field(description="The caller may open the bids now")
    can_bid: bool = Field(description="The caller's company may prepare a bid now")
    can_ask: bool = Field(description="The caller's company may ask a question now")

    @staticmethod
    def resolve_items(obj: Any) -> list[Any]:
        return list(obj.items.order_by("position", "pk"))

    @staticmethod
    def resolve_criteria(obj: Any) -> list[Any]:
        return list(obj.criteria.order_by("position", "pk"))

    @staticmethod
    def resolve_can_edit(obj: Any, context: Any) -> bool:
        return bool(obj.is_editable and permissions.can_manage_tender(context["request"].user, obj))

    @staticmethod
    def resolve_can_decide(obj: Any, context: Any) -> bool:
        user = context["request"].user
        return (
            obj.status == TenderStatus.SUBMITTED
            and permissions.is_reviewer_of(user, obj)
            and not permissions.made_by(user, obj)
        )

    @staticmethod
    def resolve_can_publish(obj: Any, context: Any) -> bool:
        return obj.status == TenderStatus.APPROVED and permissions.can_manage_tender(
            context["request"].user, obj
        )

    @staticmethod
    def resolve_can_amend(obj: Any, context: Any) -> bool:
        return (
            obj.status == TenderStatus.PUBLISHED
            and obj.closing_at > timezone.now()
            and permissions.can_manage_tender(context["request"].user, obj)
        )

    @staticmethod
    def resolve_can_open(obj: Any, context: Any) -> bool:
        return (
            obj.status == TenderStatus.PUBLISHED
            and obj.closing_at <= timezone.now()
            and permissions.can_open_bids(context["request"].user, obj)
        )

    @staticmethod
    def resolve_can_bid(obj: Any, context: Any) -> bool:
        return (
            obj.status == TenderStatus.PUBLISHED
            and obj.closing_at > timezone.now()
            and bool(permissions.vendor_ids(context["request"].user))
        )

    @staticmethod
    def resolve_can_ask(obj: Any, context: Any) -> bool:
        return (
            obj.status == TenderStatus.PUBLISHED
            and obj.clarification_deadline >= timezone.now()
            and bool(permissions.vendor_ids(context["request"].user))
        )


# Criteria.


class CriterionIn(InSchema):
    kind: str = Field(max_length=20, description="pass_fail or technical")
    code: str = Field(max_length=30)
    name: str = Field(max_length=255)
    description: str = Field("", max_length=10_000)
    max_points: Number | None = Field(None, description="Technical criteria only")


# Workflow.


class NoteIn(InSchema):
    note: str = Field("", max_length=5000)


class ReturnIn(InSchema):
    note: str = Field(max_length=5000, description="What must change (required)")


# Amendments.


class AmendmentIn(InSchema):
    reason: str = Field(max_length=10_000, description="Why the published tender changes (required)")
    title: str | None = Field(None, max_length=255)
    scope_of_work: str | None = Field(None, max_length=50_000)
    bid_validity_days: int | None = None
    clarification_deadline: dt.datetime | None = None
    closing_at: dt.datetime | None = None
    opening_at: dt.datetime | None = None
    item_quantities: dict[str, list[Number]] | None = Field(
        None, description="New quantities per year of schedule items, by item code"
    )


class ChangeOut(Schema):
    field: str = Field(description="A term, or items.<code>.quantities")
    before: Any = None
    after: Any = None
    moved_by: str | None = Field(None, description="The rule that moved the closing, when it moved")


class AmendmentOut(Schema):
    id: int
    number: int
    reason: str
    changes: list[ChangeOut] = Field(description="The diff, field by field")
    closing_before: dt.datetime
    closing_after: dt.datetime
    published_at: dt.datetime

    @staticmethod
    def resolve_changes(obj: Any) -> list[dict[str, Any]]:
        return [
            {
                "field": field,
                "before": change.get("before"),
                "after": change.get("after"),
                "moved_by": change.get("moved_by"),
            }
            for field, change in sorted((obj.changes or {}).items())
        ]
