"""The pure calculation engine of costing: lifecycle cost, IRR, derived estimate lines, risk,
value for money, sensitivity, comparison and receipts.

Pure Python, Decimal, numpy and pandas only: never Django (STYLE.md rule 1). Inputs are frozen
dataclasses of Decimal; float64 lives inside the numpy/pandas adapters and crosses back through
`to_money` (or ppp.money) before anything is stored.
"""

from .derived import (
    CONTINGENCY_CODE,
    PM_CODE,
    ContingencyResult,
    contingency,
    derived_lines,
    project_management_amount,
)
from .diff import diff_results, diff_totals
from .engine import Results, annuity_factor, break_even_period, compute, discount_factors, to_money
from .inputs import (
    ALL_CATEGORIES,
    CAPEX_CATEGORIES,
    CATEGORIES_BY_KIND,
    EQUIPMENT_CATEGORIES,
    KINDS,
    OPEX_CATEGORIES,
    REVENUE_CATEGORIES,
    CalculationInputError,
    LineInput,
    ModelInput,
    generate_quantities,
    quantity_array,
    quantity_decimal,
    validate_model,
)
from .irr import IrrResult, irr_many, irr_one
from .naive import NaiveResults, compute_naive, naive_results
from .receipts import ENGINE_VERSION, canonical_json, input_hash
from .risk import RiskExpectedValue, RiskInput, Simulation, risk_expected_values, simulate, validate_risks
from .sensitivity import TornadoBar, apply_overrides, tornado
from .vfm import PscInput, VfmSensitivityRow, psc_total, vfm, vfm_sensitivity

__all__ = [
    "ALL_CATEGORIES",
    "CAPEX_CATEGORIES",
    "CATEGORIES_BY_KIND",
    "CONTINGENCY_CODE",
    "ENGINE_VERSION",
    "EQUIPMENT_CATEGORIES",
    "KINDS",
    "OPEX_CATEGORIES",
    "PM_CODE",
    "REVENUE_CATEGORIES",
    "CalculationInputError",
    "ContingencyResult",
    "IrrResult",
    "LineInput",
    "ModelInput",
    "NaiveResults",
    "PscInput",
    "Results",
    "RiskExpectedValue",
    "RiskInput",
    "Simulation",
    "TornadoBar",
    "VfmSensitivityRow",
    "annuity_factor",
    "apply_overrides",
    "break_even_period",
    "canonical_json",
    "compute",
    "compute_naive",
    "contingency",
    "derived_lines",
    "diff_results",
    "diff_totals",
    "discount_factors",
    "generate_quantities",
    "input_hash",
    "irr_many",
    "irr_one",
    "naive_results",
    "project_management_amount",
    "psc_total",
    "quantity_array",
    "quantity_decimal",
    "risk_expected_values",
    "simulate",
    "to_money",
    "tornado",
    "validate_model",
    "validate_risks",
    "vfm",
    "vfm_sensitivity",
]
