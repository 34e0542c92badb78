"""The options appraisal of a whole cost model: every option's lifecycle cost with its derived estimate
lines, risks, PSC, value for money, break-even, IRR and sensitivity, from one frozen snapshot.

Pure: the service and selector layers build a `ModelSnapshot` from the rows (and the rule book) and
call `appraise`; this module never sees Django. Money crosses back to Decimal with `to_money` at
`places` decimal places (0 for VND), ROUND_HALF_UP.

Conventions (DOMAIN.md):
- PSC = raw cost (PV of the in-house option) + competitive neutrality + transferable risk (the
  private share of the in-house risks) + retained risk (their public share);
- VfM of another option = PSC - (its PV + the PV of the risks the public retains under it);
- derived lines (project management, contingency) are computed for every option that has capex,
  over its implementation periods: the periods in which a typed capex line buys something, the
  repeats of a refresh cycle excluded. In a nominal model the lines already escalate, so the
  price-escalation contingency uses a price index of 0 (never counted twice);
- a risk's expected value falls evenly over the years of its window (the same assumption as the
  mean discount factor of `risk_expected_values`).
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, localcontext
from typing import Any

import numpy as np
import pandas as pd

from .derived import derived_lines
from .engine import Results, break_even_period, compute, to_money
from .inputs import DERIVED_CATEGORIES, EQUIPMENT_CATEGORIES, CalculationInputError, LineInput, ModelInput
from .irr import irr_one
from .receipts import canonical_json, input_hash
from .risk import RiskExpectedValue, RiskInput, Simulation, risk_expected_values, simulate
from .sensitivity import LINE_KEYS, TornadoBar, apply_overrides, tornado
from .vfm import PscInput, VfmSensitivityRow, psc_total, vfm, vfm_sensitivity

# Rates around the model's own at which value for money is recomputed (absolute steps).
SENSITIVITY_STEPS = (Decimal("-0.02"), Decimal("-0.01"), Decimal(0), Decimal("0.01"), Decimal("0.02"))
DEFAULT_TORNADO_PERCENT = Decimal("0.10")
# The Vietnamese estimate structure V = G_XL + G_TB + G_QLDA + G_TV + G_K + G_DP.
ESTIMATE_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("G_XL", ("installation",)),
    ("G_TB", EQUIPMENT_CATEGORIES),
    ("G_QLDA", ("project_management",)),
    ("G_TV", ("consulting",)),
    ("G_K", ("other_investment",)),
    ("G_DP", ("contingency",)),
)


@dataclass(frozen=True)
class EstimateRules:
    """The parameters taken from the rule book (or the model's overrides), with their basis text."""

    pm_norm_rate: Decimal
    contingency_quantity_rate: Decimal
    price_index: Decimal
    estimate_basis: str
    capex_uplift: Decimal
    opex_uplift: Decimal
    optimism_basis: str


@dataclass(frozen=True)
class LineNote:
    """What a line says beside its numbers: unit, assumption, source (part of the hashed content)."""

    code: str
    unit: str
    assumption: str
    source: str


@dataclass(frozen=True)
class OptionSnapshot:
    key: str  # a stable identifier within the model (the option's id as text)
    kind: str  # in_house | service_hire | ppp
    name: str
    competitive_neutrality: Decimal  # a present value, PSC only
    optimism_bias_mitigation: Decimal  # 0..1: the share of the upper-bound uplift that is mitigated
    lines: tuple[LineInput, ...]
    notes: tuple[LineNote, ...]
    risks: tuple[RiskInput, ...]

    @property
    def is_psc(self) -> bool:
        return self.kind == "in_house"


@dataclass(frozen=True)
class ModelSnapshot:
    """Everything a model's figures depend on. `places` is the currency's minor units."""

    name: str
    currency: str
    places: int
    base_year: int
    horizon: int
    basis: str
    discount_rate: Decimal
    vat_rate: Decimal
    general_escalation: Decimal
    rules: EstimateRules
    options: tuple[OptionSnapshot, ...]

    def model_input(self, lines: tuple[LineInput, ...]) -> ModelInput:
        return ModelInput(
            base_year=self.base_year,
            horizon=self.horizon,
            basis=self.basis,
            discount_rate=self.discount_rate,
            vat_rate=self.vat_rate,
            general_escalation=self.general_escalation,
            lines=lines,
            currency=self.currency,
        )

    @property
    def psc(self) -> OptionSnapshot | None:
        return next((option for option in self.options if option.is_psc), None)


@dataclass(frozen=True, eq=False)
class OptionAppraisal:
    """One option's figures. Money is Decimal at the currency's places; `results` keeps the floats."""

    option: OptionSnapshot
    places: int
    model_input: ModelInput
    results: Results
    derived: tuple[LineInput, ...]
    implementation_years: tuple[int, ...]
    npv: Decimal
    tco_nominal: Decimal
    tco_real: Decimal
    eac: Decimal
    risks: tuple[RiskExpectedValue, ...]
    risk_pv: Decimal
    retained_risk_pv: Decimal
    transferable_risk_pv: Decimal
    irr: Decimal | None
    has_revenue: bool
    vfm: Decimal | None  # None for the PSC itself, or when the model has no PSC
    break_even_year: int | None  # first year from which this option stays cheaper than the PSC
    sensitivity: tuple[VfmSensitivityRow, ...]
    tornado: tuple[TornadoBar, ...]

    @property
    def risk_adjusted_pv(self) -> Decimal:
        """What the option costs the public: its PV plus the risks it retains."""
        return self.npv + self.retained_risk_pv

    def estimate_structure(self) -> list[tuple[str, Decimal, Decimal]]:
        """(group, nominal ex VAT, nominal incl. VAT) for V = G_XL + ... + G_DP, undiscounted."""
        return estimate_structure(self.results, places=self.places)


@dataclass(frozen=True, eq=False)
class Appraisal:
    snapshot: ModelSnapshot
    input_hash: str
    options: tuple[OptionAppraisal, ...]
    psc: PscInput | None
    psc_total: Decimal | None
    # Scenario keys naming a line that no option has any more (deleted after the scenario was saved).
    ignored_overrides: tuple[str, ...] = ()

    def option(self, key: str) -> OptionAppraisal:
        for appraisal in self.options:
            if appraisal.option.key == key:
                return appraisal
        raise KeyError(key)


def money(value: float, places: int) -> Decimal:
    return to_money(value, places)


def quantize(value: Decimal, places: int) -> Decimal:
    """An exact Decimal at `places` decimal places, ROUND_HALF_UP (-0 becomes 0)."""
    with localcontext() as context:
        context.prec = 50
        amount = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return abs(amount) if amount.is_zero() else amount


def implementation_periods(model: ModelInput) -> tuple[int, ...]:
    """Periods in which a typed capex line buys something (refresh repeats excluded)."""
    periods: set[int] = set()
    for line in model.lines:
        if line.kind != "capex" or line.category in DERIVED_CATEGORIES or line.unit_cost == 0:
            continue
        window = line.quantities[: line.refresh_cycle_years] if line.refresh_cycle_years else line.quantities
        periods.update(period for period, quantity in enumerate(window) if quantity)
    return tuple(sorted(periods))


def estimate_structure(results: Results, *, places: int) -> list[tuple[str, Decimal, Decimal]]:
    """Capex by estimate group, nominal and undiscounted, ex and incl. VAT."""
    categories = np.array(results.categories, dtype=object)
    rows = []
    for group, members in ESTIMATE_GROUPS:
        mask = np.isin(categories, members)
        ex_vat = float(results.nominal_ex_vat[mask].sum()) if mask.any() else 0.0
        inc_vat = float(results.nominal_inc_vat[mask].sum()) if mask.any() else 0.0
        rows.append((group, money(ex_vat, places), money(inc_vat, places)))
    return rows


def _line_overrides(overrides: Mapping[str, Any], codes: set[str]) -> dict[str, Any]:
    """A scenario's overrides for one option: line keys of lines the option does not have are dropped."""
    kept = {}
    for key, value in overrides.items():
        if key.startswith("lines.") and key.count(".") >= 2:
            code, attribute = key[len("lines.") :].rsplit(".", 1)
            if attribute in LINE_KEYS and code not in codes:
                continue
        kept[key] = value
    return kept


def validate_overrides(snapshot: ModelSnapshot, overrides: Mapping[str, Any]) -> None:
    """Raise CalculationInputError naming the key when a scenario's overrides cannot apply."""
    codes = {line.code for option in snapshot.options for line in option.lines}
    for key in overrides:
        if isinstance(key, str) and key.startswith("lines.") and key.count(".") >= 2:
            code = key[len("lines.") :].rsplit(".", 1)[0]
            if code not in codes:
                raise CalculationInputError(key, f"no line with code {code!r}")
    for option in snapshot.options:
        base = snapshot.model_input(option.lines)
        apply_overrides(base, _line_overrides(overrides, {line.code for line in option.lines}))


def _with_derived(
    snapshot: ModelSnapshot, base: ModelInput
) -> tuple[ModelInput, tuple[LineInput, ...], tuple[int, ...]]:
    periods = implementation_periods(base)
    if not periods:
        return base, (), ()
    rules = snapshot.rules
    price_index = rules.price_index if base.basis == "real" else Decimal(0)
    derived = derived_lines(
        base,
        rules.pm_norm_rate,
        rules.contingency_quantity_rate,
        price_index,
        periods,
        places=snapshot.places,
    )
    return dataclasses.replace(base, lines=base.lines + derived), derived, periods


def spread_by_year(
    risks: Sequence[RiskExpectedValue], inputs: Sequence[RiskInput], horizon: int, *, part: str
):
    """Expected risk cost per period (Decimal), each risk's expected value spread evenly over its
    window. part: "all", "public" (retained) or "private" (transferable)."""
    series = [Decimal(0)] * horizon
    for expected, risk in zip(risks, inputs, strict=True):
        share = {"all": Decimal(1), "public": risk.public_share, "private": 1 - risk.public_share}[part]
        years = range(risk.first_period, risk.last_period + 1)
        each = expected.expected_value * share / len(years)
        for period in years:
            series[period] += each
    return series


def _decimal_series(values: np.ndarray) -> list[Decimal]:
    return [Decimal(repr(float(value))) for value in values]


def sensitivity_rates(rate: Decimal) -> list[Decimal]:
    rates = sorted({min(Decimal(1), max(Decimal(0), rate + step)) for step in SENSITIVITY_STEPS})
    return rates


def appraise(
    snapshot: ModelSnapshot,
    overrides: Mapping[str, Any] | None = None,
    *,
    tornado_percent: Decimal | None = DEFAULT_TORNADO_PERCENT,
) -> Appraisal:
    """Every option's figures (see the module docstring). `overrides` are a scenario's
    (sensitivity.apply_overrides keys); tornado_percent None skips the tornado."""
    places = snapshot.places
    staged = []
    for option in snapshot.options:
        base = snapshot.model_input(option.lines)
        if overrides:
            base = apply_overrides(base, _line_overrides(overrides, {line.code for line in option.lines}))
        model_input, derived, periods = _with_derived(snapshot, base)
        results = compute(model_input)
        expected = tuple(risk_expected_values(option.risks, model_input.discount_rate))
        staged.append((option, model_input, results, derived, periods, expected))

    psc_input: PscInput | None = None
    psc_sum: Decimal | None = None
    psc_stage = next((stage for stage in staged if stage[0].is_psc), None)
    if psc_stage is not None:
        option, _model, results, _d, _p, expected = psc_stage
        psc_input = PscInput(
            raw_cost_pv=money(results.npv, places),
            competitive_neutrality_pv=quantize(option.competitive_neutrality, places),
            transferable_risk_pv=quantize(sum((e.private_pv for e in expected), Decimal(0)), places),
            retained_risk_pv=quantize(sum((e.public_pv for e in expected), Decimal(0)), places),
        )
        psc_sum = psc_total(psc_input)

    appraisals = []
    for option, model_input, results, derived, periods, expected in staged:
        retained = quantize(sum((e.public_pv for e in expected), Decimal(0)), places)
        transferable = quantize(sum((e.private_pv for e in expected), Decimal(0)), places)
        npv = money(results.npv, places)
        has_revenue = any(line.kind == "revenue" for line in model_input.lines)
        irr = irr_one(-results.cost_by_year) if has_revenue else None
        value_for_money: Decimal | None = None
        break_even: int | None = None
        sensitivity: tuple[VfmSensitivityRow, ...] = ()
        if psc_stage is not None and psc_sum is not None and not option.is_psc:
            value_for_money = vfm(psc_sum, npv, retained)
            period = break_even_period(
                results.cost_by_year, psc_stage[2].cost_by_year, model_input.discount_rate
            )
            break_even = None if period is None else snapshot.base_year + period
            psc_option, _m, psc_results, _d2, _p2, psc_expected = psc_stage
            psc_adjustments = spread_by_year(psc_expected, psc_option.risks, snapshot.horizon, part="all")
            psc_adjustments[0] += psc_option.competitive_neutrality
            sensitivity = tuple(
                vfm_sensitivity(
                    _decimal_series(psc_results.cost_by_year),
                    psc_adjustments,
                    _decimal_series(results.cost_by_year),
                    spread_by_year(expected, option.risks, snapshot.horizon, part="public"),
                    sensitivity_rates(model_input.discount_rate),
                    places=places,
                )
            )
        bars = tuple(tornado(model_input, tornado_percent)) if tornado_percent else ()
        appraisals.append(
            OptionAppraisal(
                option=option,
                places=places,
                model_input=model_input,
                results=results,
                derived=derived,
                implementation_years=tuple(snapshot.base_year + p for p in periods),
                npv=npv,
                tco_nominal=money(results.tco_nominal, places),
                tco_real=money(results.tco_real, places),
                eac=money(results.eac, places),
                risks=expected,
                risk_pv=quantize(sum((e.pv for e in expected), Decimal(0)), places),
                retained_risk_pv=retained,
                transferable_risk_pv=transferable,
                irr=irr,
                has_revenue=has_revenue,
                vfm=value_for_money,
                break_even_year=break_even,
                sensitivity=sensitivity,
                tornado=bars,
            )
        )
    return Appraisal(
        snapshot=snapshot,
        input_hash=snapshot_hash(snapshot, overrides),
        options=tuple(appraisals),
        psc=psc_input,
        psc_total=psc_sum,
        ignored_overrides=unmatched_overrides(snapshot, overrides or {}),
    )


def unmatched_overrides(snapshot: ModelSnapshot, overrides: Mapping[str, Any]) -> tuple[str, ...]:
    """Line overrides whose line code no option has: they change nothing, and the reader must know."""
    codes = {line.code for option in snapshot.options for line in option.lines}
    unmatched = []
    for key in overrides:
        if isinstance(key, str) and key.startswith("lines.") and key.count(".") >= 2:
            code, attribute = key[len("lines.") :].rsplit(".", 1)
            if attribute in LINE_KEYS and code not in codes:
                unmatched.append(key)
    return tuple(unmatched)


def snapshot_hash(snapshot: ModelSnapshot, overrides: Mapping[str, Any] | None = None) -> str:
    """SHA-256 of the snapshot's content. Option keys (database ids) are left out: a new version
    copied from an approved one, with new ids, has the same content and the same hash."""
    content = dataclasses.replace(
        snapshot, options=tuple(dataclasses.replace(option, key="") for option in snapshot.options)
    )
    return input_hash(content, {"overrides": dict(overrides)} if overrides else None)


def _uplifted_cost_by_year(appraisal: OptionAppraisal, rules: EstimateRules) -> np.ndarray:
    """The option's cost per year with the optimism-bias uplift of each line's kind applied:
    capex x (1 + capex upper bound x (1 - mitigation)), opex likewise; revenue is not uplifted."""
    mitigation = float(appraisal.option.optimism_bias_mitigation)
    uplift = {
        "capex": float(rules.capex_uplift) * (1.0 - mitigation),
        "opex": float(rules.opex_uplift) * (1.0 - mitigation),
        "revenue": 0.0,
    }
    factors = np.array([1.0 + uplift[kind] for kind in appraisal.results.kinds])
    return (appraisal.results.basis_inc_vat * factors[:, None]).sum(axis=0)


@dataclass(frozen=True, eq=False)
class OptionSimulation:
    key: str
    simulation: Simulation
    expected_npv: Decimal  # base NPV (uplifted when asked) + the PV of the risks' expected values


def simulate_options(
    appraisal: Appraisal, *, iterations: int, seed: int, include_optimism_bias: bool
) -> list[OptionSimulation]:
    """A seeded Monte Carlo of each option's lifecycle cost (PV). Option i uses seed + i, so adding
    an option later does not change the draws of the earlier ones."""
    out = []
    places = appraisal.snapshot.places
    for index, option in enumerate(appraisal.options):
        base = (
            _uplifted_cost_by_year(option, appraisal.snapshot.rules)
            if include_optimism_bias
            else option.results.cost_by_year
        )
        simulation = simulate(
            base,
            option.option.risks,
            option.model_input.discount_rate,
            iterations,
            seed + index,
        )
        risk_pv = sum((e.pv for e in option.risks), Decimal(0))
        out.append(
            OptionSimulation(
                key=option.option.key,
                simulation=simulation,
                expected_npv=quantize(Decimal(repr(simulation.base_npv)) + risk_pv, places),
            )
        )
    return out


# Plain JSON forms, for receipts: the snapshot in, and the figures out (money as strings).


def snapshot_to_plain(snapshot: ModelSnapshot) -> Any:
    return json.loads(canonical_json(snapshot))


def _dec(value: Any) -> Decimal:
    return Decimal(str(value))


def snapshot_from_plain(data: Mapping[str, Any]) -> ModelSnapshot:
    """Rebuild a snapshot from `snapshot_to_plain` output (a receipt's stored inputs)."""
    rules = data["rules"]
    options = []
    for option in data["options"]:
        lines = tuple(
            LineInput(
                code=line["code"],
                name=line["name"],
                category=line["category"],
                kind=line["kind"],
                unit_cost=_dec(line["unit_cost"]),
                quantities=tuple(_dec(q) for q in line["quantities"]),
                escalation_rate=None if line["escalation_rate"] is None else _dec(line["escalation_rate"]),
                refresh_cycle_years=line["refresh_cycle_years"],
                vat_applicable=line["vat_applicable"],
            )
            for line in option["lines"]
        )
        notes = tuple(LineNote(**note) for note in option["notes"])
        risks = tuple(
            RiskInput(
                code=risk["code"],
                name=risk["name"],
                probability=_dec(risk["probability"]),
                minimum=_dec(risk["minimum"]),
                most_likely=_dec(risk["most_likely"]),
                maximum=_dec(risk["maximum"]),
                distribution=risk["distribution"],
                first_period=risk["first_period"],
                last_period=risk["last_period"],
                public_share=_dec(risk["public_share"]),
            )
            for risk in option["risks"]
        )
        options.append(
            OptionSnapshot(
                key=option["key"],
                kind=option["kind"],
                name=option["name"],
                competitive_neutrality=_dec(option["competitive_neutrality"]),
                optimism_bias_mitigation=_dec(option["optimism_bias_mitigation"]),
                lines=lines,
                notes=notes,
                risks=risks,
            )
        )
    return ModelSnapshot(
        name=data["name"],
        currency=data["currency"],
        places=data["places"],
        base_year=data["base_year"],
        horizon=data["horizon"],
        basis=data["basis"],
        discount_rate=_dec(data["discount_rate"]),
        vat_rate=_dec(data["vat_rate"]),
        general_escalation=_dec(data["general_escalation"]),
        rules=EstimateRules(
            pm_norm_rate=_dec(rules["pm_norm_rate"]),
            contingency_quantity_rate=_dec(rules["contingency_quantity_rate"]),
            price_index=_dec(rules["price_index"]),
            estimate_basis=rules["estimate_basis"],
            capex_uplift=_dec(rules["capex_uplift"]),
            opex_uplift=_dec(rules["opex_uplift"]),
            optimism_basis=rules["optimism_basis"],
        ),
        options=tuple(options),
    )


def _s(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _frame_rows(frame: pd.DataFrame, places: int) -> list[dict[str, Any]]:
    rows = []
    for key, row in frame.iterrows():
        rows.append(
            {
                "key": str(key),
                "total": str(money(float(row["total"]), places)),
                "pv": str(money(float(row["pv"]), places)),
            }
        )
    return rows


def appraisal_summary(appraisal: Appraisal) -> dict[str, Any]:
    """The figures a receipt stores and an API returns: money as strings at the currency's places."""
    places = appraisal.snapshot.places
    options = []
    for option in appraisal.options:
        results = option.results
        options.append(
            {
                "key": option.option.key,
                "kind": option.option.kind,
                "name": option.option.name,
                "npv": str(option.npv),
                "npv_ex_vat": str(money(results.npv_ex_vat, places)),
                "tco_nominal": str(option.tco_nominal),
                "tco_real": str(option.tco_real),
                "eac": str(option.eac),
                "risk_pv": str(option.risk_pv),
                "retained_risk_pv": str(option.retained_risk_pv),
                "transferable_risk_pv": str(option.transferable_risk_pv),
                "risk_adjusted_pv": str(option.risk_adjusted_pv),
                "vfm": _s(option.vfm),
                "irr": _s(option.irr),
                "has_revenue": option.has_revenue,
                "break_even_year": option.break_even_year,
                "implementation_years": list(option.implementation_years),
                "cost_by_year": [
                    {"year": int(year), "amount": str(money(float(amount), places))}
                    for year, amount in zip(results.years, results.cost_by_year, strict=True)
                ],
                "by_category": _frame_rows(results.by_category(), places),
                "by_kind": _frame_rows(results.by_kind(), places),
                "estimate": [
                    {"group": group, "ex_vat": str(ex), "inc_vat": str(inc)}
                    for group, ex, inc in option.estimate_structure()
                ],
                "derived": [
                    {
                        "code": line.code,
                        "category": line.category,
                        "total": str(quantize(sum(line.quantities, Decimal(0)), places)),
                    }
                    for line in option.derived
                ],
                "sensitivity": [
                    {
                        "rate": str(row.rate),
                        "psc_pv": str(row.psc_pv),
                        "option_pv": str(row.option_pv),
                        "vfm": str(row.vfm),
                    }
                    for row in option.sensitivity
                ],
                "tornado": [
                    {
                        "driver": bar.driver,
                        "low_npv": str(money(bar.low_npv, places)),
                        "high_npv": str(money(bar.high_npv, places)),
                        "swing": str(money(bar.swing, places)),
                    }
                    for bar in option.tornado
                ],
            }
        )
    psc = appraisal.psc
    return {
        "input_hash": appraisal.input_hash,
        "currency": appraisal.snapshot.currency,
        "discount_rate": str(appraisal.snapshot.discount_rate),
        "basis": appraisal.snapshot.basis,
        "psc": None
        if psc is None
        else {
            "raw_cost_pv": str(psc.raw_cost_pv),
            "competitive_neutrality_pv": str(psc.competitive_neutrality_pv),
            "transferable_risk_pv": str(psc.transferable_risk_pv),
            "retained_risk_pv": str(psc.retained_risk_pv),
            "total": str(appraisal.psc_total),
        },
        "options": options,
        "ignored_overrides": list(appraisal.ignored_overrides),
    }


def simulation_summary(
    simulations: Sequence[OptionSimulation], *, places: int, bins: int = 30
) -> dict[str, Any]:
    """Percentiles, histogram and S-curve per option (money as strings; probabilities as floats)."""
    out = []
    for item in simulations:
        simulation = item.simulation
        edges, counts = simulation.histogram(bins)
        values, probabilities = simulation.s_curve(21)
        out.append(
            {
                "key": item.key,
                "base_npv": str(money(simulation.base_npv, places)),
                "expected_npv": str(item.expected_npv),
                "mean": str(money(simulation.mean, places)),
                "p50": str(money(simulation.p50, places)),
                "p70": str(money(simulation.p70, places)),
                "p90": str(money(simulation.p90, places)),
                "histogram": {"edges": [float(e) for e in edges], "counts": [int(c) for c in counts]},
                "s_curve": {
                    "values": [float(v) for v in values],
                    "probabilities": [float(p) for p in probabilities],
                },
            }
        )
    return {"options": out}
