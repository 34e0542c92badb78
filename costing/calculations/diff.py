"""Compare two computed cost models line by line and year by year (e.g. two scenarios, two versions)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .engine import Results
from .inputs import CalculationInputError

MEASURES = ("basis_inc_vat", "nominal_ex_vat", "nominal_inc_vat", "real_ex_vat", "real_inc_vat")
TOTALS = ("npv", "npv_ex_vat", "tco_nominal", "tco_real", "eac")
# Figures closer than this are "unchanged": float noise, not a change of the model.
ABSOLUTE_TOLERANCE = 1e-6
RELATIVE_TOLERANCE = 1e-12


def _long(results: Results, measure: str) -> pd.DataFrame:
    matrix = getattr(results, measure)
    lines, periods = matrix.shape
    return pd.DataFrame(
        {
            "code": np.repeat(np.array(results.codes, dtype=object), periods),
            "year": np.tile(results.years, lines),
            "value": matrix.ravel(),
        }
    )


def diff_results(a: Results, b: Results, measure: str = "basis_inc_vat") -> pd.DataFrame:
    """One row per (code, year) present in either: columns code, year, a, b, difference, status.

    status: "added" (only in b), "removed" (only in a), "changed" or "unchanged" (within
    ABSOLUTE_TOLERANCE + RELATIVE_TOLERANCE x |a|). A missing side reads 0, so difference = b - a
    always holds. Rows follow a's line order, then lines new in b, each by year. `measure` picks
    the matrix compared (default: the model-basis series incl. VAT, cost-signed).
    """
    if measure not in MEASURES:
        raise CalculationInputError("measure", f"must be one of {', '.join(MEASURES)}")
    left, right = _long(a, measure), _long(b, measure)
    merged = left.merge(
        right, on=["code", "year"], how="outer", suffixes=("_a", "_b"), indicator=True, sort=False
    )
    order = {code: position for position, code in enumerate(dict.fromkeys(a.codes + b.codes))}
    merged["_order"] = merged["code"].map(order)
    merged = merged.sort_values(["_order", "year"], kind="stable").reset_index(drop=True)
    value_a = merged["value_a"].fillna(0.0).to_numpy(dtype=np.float64)
    value_b = merged["value_b"].fillna(0.0).to_numpy(dtype=np.float64)
    presence = merged["_merge"].astype(str).to_numpy()
    same = np.isclose(value_b, value_a, rtol=RELATIVE_TOLERANCE, atol=ABSOLUTE_TOLERANCE)
    status = np.select(
        [presence == "right_only", presence == "left_only", same],
        ["added", "removed", "unchanged"],
        default="changed",
    )
    return pd.DataFrame(
        {
            "code": merged["code"].astype(object).to_numpy(),
            "year": merged["year"].astype(np.int64).to_numpy(),
            "a": value_a,
            "b": value_b,
            "difference": value_b - value_a,
            "status": status.astype(object),
        }
    )


def diff_totals(a: Results, b: Results) -> dict[str, dict[str, float]]:
    """{total: {"a", "b", "difference"}} for npv, npv_ex_vat, tco_nominal, tco_real and eac."""
    return {
        name: {
            "a": getattr(a, name),
            "b": getattr(b, name),
            "difference": getattr(b, name) - getattr(a, name),
        }
        for name in TOTALS
    }
