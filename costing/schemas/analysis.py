"""Schemas of the figures: results (costing.calculations.appraisal.appraisal_summary), the scenario
comparison, simulations, receipts and the version diff. Money as strings at the currency's places."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Schema
from pydantic import Field, StrictBool

from ppp.schemas import InSchema

# Scenario comparison.


class CaseOptionOut(Schema):
    key: str
    kind: str
    name: str
    npv: str
    risk_adjusted_pv: str
    vfm: str | None


class CaseErrorOut(Schema):
    code: str
    message: str
    fields: dict[str, str] = {}


class CaseOut(Schema):
    scenario_id: int | None = Field(description="None for the base case")
    name: str
    overrides: dict[str, Any]
    psc_total: str | None
    options: list[CaseOptionOut]
    error: CaseErrorOut | None = Field(None, description="Set when the scenario no longer applies")


class ScenarioComparisonOut(Schema):
    model_id: int
    currency: str
    cases: list[CaseOut]


# Results (costing.calculations.appraisal.appraisal_summary), money as strings at the currency's places.


class YearAmountOut(Schema):
    year: int
    amount: str


class TotalRowOut(Schema):
    key: str
    total: str
    pv: str


class EstimateRowOut(Schema):
    group: str = Field(description="G_XL, G_TB, G_QLDA, G_TV, G_K, G_DP")
    ex_vat: str
    inc_vat: str


class DerivedLineOut(Schema):
    code: str
    category: str
    total: str


class SensitivityRowOut(Schema):
    rate: str
    psc_pv: str
    option_pv: str
    vfm: str


class TornadoBarOut(Schema):
    driver: str
    low_npv: str
    high_npv: str
    swing: str


class OptionResultOut(Schema):
    key: str = Field(description="The option's id as text")
    kind: str
    name: str
    npv: str = Field(description="Present value of the cost incl. VAT, model basis")
    npv_ex_vat: str
    tco_nominal: str
    tco_real: str
    eac: str = Field(description="Equivalent annual cost (NPV / sum of discount factors)")
    risk_pv: str
    retained_risk_pv: str
    transferable_risk_pv: str
    risk_adjusted_pv: str
    vfm: str | None = Field(description="PSC - (NPV + retained risk); None for the PSC itself")
    irr: str | None
    has_revenue: bool
    break_even_year: int | None
    implementation_years: list[int]
    cost_by_year: list[YearAmountOut]
    by_category: list[TotalRowOut]
    by_kind: list[TotalRowOut]
    estimate: list[EstimateRowOut]
    derived: list[DerivedLineOut]
    sensitivity: list[SensitivityRowOut]
    tornado: list[TornadoBarOut]


class PscOut(Schema):
    raw_cost_pv: str
    competitive_neutrality_pv: str
    transferable_risk_pv: str
    retained_risk_pv: str
    total: str


class RulesOut(Schema):
    """The rule-book parameters the figures used (or the model's overrides), with their legal basis."""

    pm_norm_rate: str
    contingency_quantity_rate: str
    price_index: str
    estimate_basis: str
    capex_uplift: str
    opex_uplift: str
    optimism_basis: str


class ResultsOut(Schema):
    model_id: int
    version: int
    scenario_id: int | None
    tornado_percent: str
    input_hash: str
    currency: str
    discount_rate: str
    basis: str
    psc: PscOut | None
    rules: RulesOut
    options: list[OptionResultOut]


# Simulations and receipts.


class SimulationIn(InSchema):
    iterations: int = Field(10_000, description="100 to 100,000")
    seed: int = Field(20_260_101, description="0 to 2^32 - 1; the same seed gives the same figures")
    include_optimism_bias: StrictBool = False


class HistogramOut(Schema):
    edges: list[float]
    counts: list[int]


class SCurveOut(Schema):
    values: list[float]
    probabilities: list[float]


class OptionSimulationOut(Schema):
    key: str
    base_npv: str
    expected_npv: str
    mean: str
    p50: str
    p70: str
    p90: str
    histogram: HistogramOut
    s_curve: SCurveOut


class SimulationParametersOut(Schema):
    iterations: int
    seed: int
    include_optimism_bias: bool


class SimulationOut(Schema):
    receipt_id: int
    input_hash: str
    engine_version: str
    created_at: dt.datetime
    parameters: SimulationParametersOut
    optimism_basis: str
    options: list[OptionSimulationOut]


class ReceiptIn(InSchema):
    scenario_id: int | None = Field(None, description="Store a scenario's results instead of the base case")


class ReceiptOut(Schema):
    id: int
    model_id: int
    scenario_id: int | None
    kind: str
    input_hash: str
    engine_version: str
    created_by_id: int
    created_at: dt.datetime


class ReceiptDetailOut(ReceiptOut):
    inputs: dict[str, Any]
    results: dict[str, Any]


class ReceiptCheckOut(Schema):
    receipt_id: int
    input_hash: str
    recomputed_hash: str
    hash_matches: bool
    results_match: bool
    engine_version: str


# Version diff.


class DiffTotalOut(Schema):
    a: str
    b: str
    difference: str


class DiffLineOut(Schema):
    code: str
    a: str
    b: str
    difference: str
    status: str = Field(description="added, removed, changed or unchanged")


class DiffRowOut(Schema):
    code: str
    year: int
    a: str
    b: str
    difference: str
    status: str


class DiffOptionOut(Schema):
    kind: str
    name_a: str
    name_b: str
    totals: dict[str, DiffTotalOut]
    lines: list[DiffLineOut]
    rows: list[DiffRowOut]


class ChangedFieldOut(Schema):
    field: str
    a: str | None
    b: str | None


class DiffOut(Schema):
    a_id: int
    a_version: int
    b_id: int
    b_version: int
    currency: str
    changed_fields: list[ChangedFieldOut]
    options: list[DiffOptionOut]
