"""A deliberately plain reference for `compute`: one Python loop per line and per year, in Decimal.

It is the figure a reader can check on paper, an independent arithmetic path (Decimal, 28 digits,
no numpy) for the tests, and the baseline the benchmark compares the vectorised engine against.
"""

from __future__ import annotations

from decimal import Decimal, localcontext

from .inputs import ModelInput, power, validate_model


def compute_naive(model: ModelInput) -> float:
    """NPV incl. VAT on the model's basis, cost-signed, computed line by line and year by year."""
    validate_model(model)
    one = Decimal(1)
    with localcontext() as context:
        context.prec = 34
        general = model.general_escalation
        discount = one + model.discount_rate
        vat = one + model.vat_rate
        total = Decimal(0)
        for line in model.lines:
            escalation = general if line.escalation_rate is None else line.escalation_rate
            cycle = line.refresh_cycle_years
            for period in range(model.horizon):
                quantity = line.quantities[period % cycle if cycle else period]
                if model.basis == "nominal":
                    amount = line.unit_cost * quantity * power(one + escalation, period)
                else:
                    amount = line.unit_cost * quantity * power((one + escalation) / (one + general), period)
                if line.vat_applicable:
                    amount *= vat
                if line.kind == "revenue":
                    amount = -amount
                total += amount / discount**period
        return float(total)
