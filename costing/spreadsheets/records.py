"""What a cost-model workbook holds, as frozen dataclasses (no openpyxl, no Django).

Rates are fractions (0.1 means 10 %). Money amounts are in the model's currency, unrounded Decimal
as entered. Years named `*_year` are calendar years; quantities are per period t = 0..horizon-1.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

OPTION_KINDS: tuple[str, ...] = ("in_house", "service_hire", "ppp")


@dataclass(frozen=True)
class WorkbookLine:
    """One cost line. `quantities` has one entry per period of the horizon, as entered (a refresh
    cycle is applied by the engine, not here). `escalation_rate` None means the general escalation."""

    code: str
    name: str
    category: str
    kind: str
    unit: str
    unit_cost: Decimal
    quantities: tuple[Decimal, ...]
    escalation_rate: Decimal | None
    refresh_cycle_years: int | None
    vat_applicable: bool
    assumption: str
    source: str


@dataclass(frozen=True)
class WorkbookRisk:
    """One risk of an option: probability 0..1, a three-point impact in money, a timing window in
    calendar years inside the horizon, and the share (0..1) the public sector retains."""

    code: str
    name: str
    probability: Decimal
    minimum: Decimal
    most_likely: Decimal
    maximum: Decimal
    distribution: str
    first_year: int
    last_year: int
    public_share: Decimal


@dataclass(frozen=True)
class WorkbookOption:
    """A delivery option: kind is one of OPTION_KINDS, at most once per model.
    `competitive_neutrality` is a present value in the model's currency."""

    kind: str
    name: str
    competitive_neutrality: Decimal
    lines: tuple[WorkbookLine, ...]
    risks: tuple[WorkbookRisk, ...]


@dataclass(frozen=True)
class WorkbookModel:
    """A cost model as a workbook holds it. `discount_rate_basis` says where the rate comes from."""

    name: str
    purpose: str
    currency: str
    base_year: int
    horizon: int
    basis: str
    discount_rate: Decimal
    discount_rate_basis: str
    vat_rate: Decimal
    general_escalation: Decimal
    options: tuple[WorkbookOption, ...]
