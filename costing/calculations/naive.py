"""A deliberately plain reference for `compute`: one Python loop per line and per year, in Decimal.

It does the same work as the vectorised engine (every series and total `Results` holds), so it is
the figure a reader can check on paper, an independent arithmetic path (Decimal, 34 digits, no
numpy) for the tests, and the honest baseline the benchmark compares the engine against.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, localcontext

from .inputs import ModelInput, power, quantity_decimal, validate_model


@dataclass(frozen=True)
class NaiveResults:
    """What `compute` returns, as nested lists and scalars of Decimal (lines x periods)."""

    nominal_ex_vat: list[list[Decimal]]
    nominal_inc_vat: list[list[Decimal]]
    real_ex_vat: list[list[Decimal]]
    real_inc_vat: list[list[Decimal]]
    basis_inc_vat: list[list[Decimal]]  # cost-signed
    pv_by_line: list[Decimal]
    cost_by_year: list[Decimal]
    npv: Decimal
    npv_ex_vat: Decimal
    tco_nominal: Decimal
    tco_real: Decimal
    eac: Decimal


def naive_results(model: ModelInput) -> NaiveResults:
    """Every series of the lifecycle cost, computed line by line and year by year."""
    validate_model(model)
    one = Decimal(1)
    with localcontext() as context:
        context.prec = 34
        general = model.general_escalation
        discount = one + model.discount_rate
        vat = one + model.vat_rate
        factors = [one / discount**period for period in range(model.horizon)]
        deflators = [power(one + general, period) for period in range(model.horizon)]
        matrices: dict[str, list[list[Decimal]]] = {
            name: [] for name in ("nominal_ex", "nominal_inc", "real_ex", "real_inc", "basis")
        }
        pv_by_line: list[Decimal] = []
        cost_by_year = [Decimal(0)] * model.horizon
        npv = npv_ex_vat = tco_nominal = tco_real = Decimal(0)
        for line in model.lines:
            escalation = general if line.escalation_rate is None else line.escalation_rate
            cycle = line.refresh_cycle_years
            sign = -one if line.kind == "revenue" else one
            rows: dict[str, list[Decimal]] = {name: [] for name in matrices}
            line_pv = Decimal(0)
            for period in range(model.horizon):
                quantity = quantity_decimal(line.quantities[period % cycle if cycle else period])
                base = line.unit_cost * quantity
                if model.basis == "nominal":
                    nominal_ex = base * power(one + escalation, period)
                    real_ex = nominal_ex / deflators[period]
                else:
                    real_ex = base * power((one + escalation) / (one + general), period)
                    nominal_ex = real_ex * deflators[period]
                factor = vat if line.vat_applicable else one
                nominal_inc, real_inc = nominal_ex * factor, real_ex * factor
                basis_ex, basis_inc = (
                    (real_ex, real_inc) if model.basis == "real" else (nominal_ex, nominal_inc)
                )
                signed = sign * basis_inc
                rows["nominal_ex"].append(nominal_ex)
                rows["nominal_inc"].append(nominal_inc)
                rows["real_ex"].append(real_ex)
                rows["real_inc"].append(real_inc)
                rows["basis"].append(signed)
                line_pv += signed * factors[period]
                npv_ex_vat += sign * basis_ex * factors[period]
                cost_by_year[period] += signed
                tco_nominal += sign * nominal_inc
                tco_real += sign * real_inc
            for name, row in rows.items():
                matrices[name].append(row)
            pv_by_line.append(line_pv)
            npv += line_pv
        annuity = sum(factors, Decimal(0))
        return NaiveResults(
            nominal_ex_vat=matrices["nominal_ex"],
            nominal_inc_vat=matrices["nominal_inc"],
            real_ex_vat=matrices["real_ex"],
            real_inc_vat=matrices["real_inc"],
            basis_inc_vat=matrices["basis"],
            pv_by_line=pv_by_line,
            cost_by_year=cost_by_year,
            npv=npv,
            npv_ex_vat=npv_ex_vat,
            tco_nominal=tco_nominal,
            tco_real=tco_real,
            eac=npv / annuity,
        )


def compute_naive(model: ModelInput) -> float:
    """NPV incl. VAT on the model's basis, cost-signed, by the plain loop (see `naive_results`)."""
    return float(naive_results(model).npv)
