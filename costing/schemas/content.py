"""Schemas of a version's content: delivery options, cost lines (one by one and as a grid), risks and
scenarios."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from ninja import Schema
from pydantic import Field, StrictBool

from ppp.schemas import InSchema

from ._types import DecimalText, Number, OptionalDecimalText, plain_decimal

# Options.


class OptionIn(InSchema):
    kind: str = Field(max_length=20, description="in_house (the PSC), service_hire or ppp")
    name: str = Field(max_length=255)
    description: str = Field("", max_length=5000)
    competitive_neutrality: Number | None = Field(None, description="A present value; in-house only")
    competitive_neutrality_note: str = Field("", max_length=5000)
    optimism_bias_mitigation: Number | None = Field(None, description="Fraction 0..1 of the uplift removed")


class OptionPatch(InSchema):
    name: str | None = Field(None, max_length=255)
    description: str | None = Field(None, max_length=5000)
    competitive_neutrality: Number | None = None
    competitive_neutrality_note: str | None = Field(None, max_length=5000)
    optimism_bias_mitigation: Number | None = None


class OptionOut(Schema):
    id: int
    model_id: int
    kind: str
    name: str
    description: str
    is_psc: bool
    competitive_neutrality: DecimalText
    competitive_neutrality_note: str
    optimism_bias_mitigation: DecimalText
    line_count: int
    risk_count: int

    @staticmethod
    def resolve_line_count(obj: Any) -> int:
        return len(obj.lines.all())

    @staticmethod
    def resolve_risk_count(obj: Any) -> int:
        return len(obj.risks.all())


# Cost lines.


class LineFields(InSchema):
    """A cost line: either `quantities` (one per year of the horizon) or the generator (start_year,
    end_year, starting_quantity, growth_rate: q = q0 x (1 + growth)^k, zero outside the years)."""

    code: str | None = Field(None, max_length=30)
    name: str | None = Field(None, max_length=255)
    category: str | None = Field(None, max_length=40)
    kind: str | None = Field(None, max_length=10, description="capex, opex or revenue; implied by category")
    unit: str | None = Field(None, max_length=40)
    unit_cost: Number | None = None
    quantities: list[Number] | None = Field(None, max_length=60)
    start_year: int | None = None
    end_year: int | None = None
    starting_quantity: Number | None = None
    growth_rate: Number | None = None
    escalation_rate: Number | None = Field(None, description="None: the model's general escalation")
    refresh_cycle_years: int | None = Field(None, description="capex only: repeat purchases every N years")
    vat_applicable: StrictBool | None = None
    assumption: str | None = Field(None, max_length=5000)
    source: str | None = Field(None, max_length=5000)
    currency: str | None = Field(None, max_length=3, description="If given, must be the model's currency")


class LineIn(LineFields):
    code: str = Field(max_length=30)
    name: str = Field(max_length=255)
    category: str = Field(max_length=40)
    unit: str = Field(max_length=40)
    unit_cost: Number
    vat_applicable: StrictBool = True
    assumption: str = Field("", max_length=5000)
    source: str = Field("", max_length=5000)


class LinePatch(LineFields):
    """Only the fields sent change. Sending `quantities` replaces a generator; sending a generator
    field replaces typed quantities."""


class GridRowIn(LineFields):
    id: int | None = Field(None, description="The line changed (or deleted); none for a new line")
    delete: StrictBool = False


class GridIn(InSchema):
    lines: list[GridRowIn] = Field(max_length=2000)


class LineCopyIn(InSchema):
    to_option_id: int | None = Field(None, description="Another option of this version (default: same)")


class LineOut(Schema):
    id: int
    option_id: int
    position: int
    code: str
    name: str
    category: str
    kind: str
    unit: str
    unit_cost: DecimalText
    quantities: list[str] = Field(description="One per year of the horizon, as plain decimal text")
    is_generated: bool
    start_year: int | None
    end_year: int | None
    starting_quantity: OptionalDecimalText
    growth_rate: OptionalDecimalText
    escalation_rate: OptionalDecimalText
    refresh_cycle_years: int | None
    vat_applicable: bool
    assumption: str
    source: str

    @staticmethod
    def resolve_quantities(obj: Any) -> list[str]:
        return [plain_decimal(Decimal(str(quantity))) or "0" for quantity in obj.quantities]


# Risks.


class RiskFields(InSchema):
    code: str | None = Field(None, max_length=30)
    name: str | None = Field(None, max_length=255)
    description: str | None = Field(None, max_length=5000)
    probability: Number | None = Field(None, description="Fraction 0..1")
    minimum: Number | None = None
    most_likely: Number | None = None
    maximum: Number | None = None
    distribution: str | None = Field(None, max_length=20, description="triangular or pert")
    first_year: int | None = None
    last_year: int | None = None
    public_share: Number | None = Field(None, description="Fraction 0..1 the public retains")


class RiskIn(RiskFields):
    code: str = Field(max_length=30)
    name: str = Field(max_length=255)
    description: str = Field("", max_length=5000)
    probability: Number
    minimum: Number
    most_likely: Number
    maximum: Number
    distribution: str = Field("triangular", max_length=20)
    first_year: int
    last_year: int
    public_share: Number


class RiskPatch(RiskFields):
    pass


class RiskOut(Schema):
    id: int
    option_id: int
    position: int
    code: str
    name: str
    description: str
    probability: DecimalText
    minimum: DecimalText
    most_likely: DecimalText
    maximum: DecimalText
    distribution: str
    first_year: int
    last_year: int
    public_share: DecimalText
    allocation: str


# Scenarios.

OVERRIDES_HELP = (
    "Keys: discount_rate, general_escalation, vat_rate (replace); quantity_factor, unit_cost_factor "
    "(multiply every line); lines.<code>.unit_cost, lines.<code>.escalation_rate (one line; null "
    "escalation means the general one). Values are decimal text."
)


class ScenarioIn(InSchema):
    name: str = Field(max_length=100)
    description: str = Field("", max_length=5000)
    overrides: dict[str, Any] = Field(default_factory=dict, description=OVERRIDES_HELP)


class ScenarioPatch(InSchema):
    name: str | None = Field(None, max_length=100)
    description: str | None = Field(None, max_length=5000)
    overrides: dict[str, Any] | None = Field(None, description=OVERRIDES_HELP)


class ScenarioOut(Schema):
    id: int
    model_id: int
    name: str
    description: str
    overrides: dict[str, Any]
    created_by_id: int
    created_at: dt.datetime
    updated_at: dt.datetime
