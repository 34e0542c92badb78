"""The options appraisal of a whole model, checked against a hand calculation.

The model (real prices, base year 2026, 3 years, discount rate 5 %, VAT 10 %, no escalation; rule
book: project management 3 %, quantity contingency 5 %, price index 4 %):

in-house (PSC): 10 servers x 100,000,000 in 2026 (capex, VAT); 2 staff x 200,000,000 a year (opex,
  no VAT); competitive neutrality 15,000,000; risk R1: p = 0.5, triangular (0, 100 m, 200 m) in 2026,
  40 % retained.
  PM = 3 % x 1,000,000,000 = 30,000,000; contingency = 5 % x 1,030,000,000 + 1,030,000,000 x
  (1.04 - 1) = 51,500,000 + 41,200,000 = 92,700,000; capex incl. VAT = 1,122,700,000 x 1.1 =
  1,234,970,000. Cost per year 1,634,970,000 / 400,000,000 / 400,000,000.
  NPV = 1,634,970,000 + 400 m / 1.05 + 400 m / 1.05^2 = 2,378,734,172.34 -> 2,378,734,172.
  R1: EV = 0.5 x 100 m = 50,000,000 in 2026 (factor 1): retained 20,000,000, transferable 30,000,000.
  PSC = 2,378,734,172 + 15,000,000 + 30,000,000 + 20,000,000 = 2,443,734,172.
service hire: 800,000,000 a year incl. 10 % VAT = 880,000,000; NPV = 880 m x 2.8594104308 =
  2,516,281,179.14 -> 2,516,281,179; risk R2: p = 0.2, impact 50 m in 2027-2028, fully retained:
  PV = 10 m x (1/1.05 + 1/1.05^2) / 2 = 9,297,052.15 -> 9,297,052.
  VfM = 2,443,734,172 - (2,516,281,179 + 9,297,052) = -81,844,059 (favours doing it in-house).
  Cumulative discounted cost is below the PSC's in 2026 and 2027 but not 2028: no break-even year.
PPP: 750,000,000 a year, no VAT: NPV = 2,144,557,823.13 -> 2,144,557,823; VfM = 299,176,349;
  cheaper than the PSC from 2026 on: break-even 2026.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from costing.calculations import CalculationInputError, LineInput, RiskInput
from costing.calculations.appraisal import (
    EstimateRules,
    LineNote,
    ModelSnapshot,
    OptionSnapshot,
    appraisal_summary,
    appraise,
    implementation_periods,
    simulate_options,
    simulation_summary,
    snapshot_from_plain,
    snapshot_hash,
    snapshot_to_plain,
    validate_overrides,
)

D = Decimal
RULES = EstimateRules(
    pm_norm_rate=D("0.03"),
    contingency_quantity_rate=D("0.05"),
    price_index=D("0.04"),
    estimate_basis="Circular 04/2020/TT-BTTTT",
    capex_uplift=D("2.00"),
    opex_uplift=D("0.41"),
    optimism_basis="Green Book",
)


def line(code, category, kind, unit_cost, quantities, vat=True, **extra):
    return LineInput(
        code=code,
        name=code,
        category=category,
        kind=kind,
        unit_cost=D(unit_cost),
        quantities=tuple(D(q) for q in quantities),
        vat_applicable=vat,
        **extra,
    )


def option(key, kind, lines, risks=(), cn="0", mitigation="0"):
    return OptionSnapshot(
        key=key,
        kind=kind,
        name=kind,
        competitive_neutrality=D(cn),
        optimism_bias_mitigation=D(mitigation),
        lines=tuple(lines),
        notes=tuple(LineNote(code=x.code, unit="unit", assumption="", source="") for x in lines),
        risks=tuple(risks),
    )


def snapshot(**changes):
    values = dict(
        name="Cổng dịch vụ công",
        currency="VND",
        places=0,
        base_year=2026,
        horizon=3,
        basis="real",
        discount_rate=D("0.05"),
        vat_rate=D("0.10"),
        general_escalation=D(0),
        rules=RULES,
        options=(
            option(
                "1",
                "in_house",
                [
                    line("HW", "equipment_hardware", "capex", "100000000", ["10", "0", "0"]),
                    line("OPS", "operations_staff", "opex", "200000000", ["2", "2", "2"], vat=False),
                ],
                [
                    RiskInput(
                        "R1",
                        "Overrun",
                        D("0.5"),
                        D(0),
                        D("100000000"),
                        D("200000000"),
                        "triangular",
                        0,
                        0,
                        D("0.4"),
                    )
                ],
                cn="15000000",
            ),
            option(
                "2",
                "service_hire",
                [line("FEE", "hosting_cloud", "opex", "800000000", ["1", "1", "1"])],
                [
                    RiskInput(
                        "R2",
                        "Exit",
                        D("0.2"),
                        D("50000000"),
                        D("50000000"),
                        D("50000000"),
                        "triangular",
                        1,
                        2,
                        D(1),
                    )
                ],
            ),
            option(
                "3", "ppp", [line("AP", "other_operating", "opex", "750000000", ["1", "1", "1"], vat=False)]
            ),
        ),
    )
    values.update(changes)
    return ModelSnapshot(**values)


def test_psc_vfm_break_even_match_the_hand_calculation():
    appraisal = appraise(snapshot())
    psc, hire, ppp = appraisal.options
    assert [x.code for x in psc.derived] == ["PM", "CONT"]
    assert [sum(x.quantities) for x in psc.derived] == [D(30_000_000), D(92_700_000)]
    assert psc.npv == D(2_378_734_172)
    assert appraisal.psc.raw_cost_pv == D(2_378_734_172)
    assert appraisal.psc.competitive_neutrality_pv == D(15_000_000)
    assert appraisal.psc.transferable_risk_pv == D(30_000_000)
    assert appraisal.psc.retained_risk_pv == D(20_000_000)
    assert appraisal.psc_total == D(2_443_734_172)
    assert psc.vfm is None
    assert hire.npv == D(2_516_281_179)
    assert hire.retained_risk_pv == D(9_297_052)
    assert hire.vfm == D(-81_844_059)
    assert hire.break_even_year is None
    assert ppp.npv == D(2_144_557_823)
    assert ppp.vfm == D(299_176_349)
    assert ppp.break_even_year == 2026


def test_estimate_structure_adds_the_derived_lines_to_the_investment():
    psc = appraise(snapshot()).options[0]
    structure = {group: (ex, inc) for group, ex, inc in psc.estimate_structure()}
    assert structure["G_TB"] == (D(1_000_000_000), D(1_100_000_000))
    assert structure["G_QLDA"] == (D(30_000_000), D(33_000_000))
    assert structure["G_DP"] == (D(92_700_000), D(101_970_000))
    assert structure["G_XL"] == (D(0), D(0))
    assert psc.implementation_years == (2026,)


def test_a_nominal_model_does_not_count_price_escalation_twice():
    psc = appraise(snapshot(basis="nominal")).options[0]
    # contingency = quantity part only: 5 % x 1,030,000,000
    assert sum(psc.derived[1].quantities) == D(51_500_000)


def _pv(series, rate):
    return sum(Fraction(amount) / (1 + Fraction(rate)) ** t for t, amount in enumerate(series))


def test_vfm_sensitivity_to_the_discount_rate_recomputes_both_sides_at_each_rate():
    hire = appraise(snapshot()).options[1]
    rates = [row.rate for row in hire.sensitivity]
    assert rates == [D("0.03"), D("0.04"), D("0.05"), D("0.06"), D("0.07")]
    psc_series = [1_634_970_000 + 15_000_000 + 50_000_000, 400_000_000, 400_000_000]
    hire_series = [880_000_000, 880_000_000 + 5_000_000, 880_000_000 + 5_000_000]
    for row in hire.sensitivity:
        psc_pv = round(_pv(psc_series, row.rate))
        hire_pv = round(_pv(hire_series, row.rate))
        assert (row.psc_pv, row.option_pv, row.vfm) == (D(psc_pv), D(hire_pv), D(psc_pv - hire_pv)), row.rate
    at_model_rate = hire.sensitivity[2]
    assert at_model_rate.vfm == hire.vfm == D(-81_844_059)


def test_irr_is_given_for_an_option_that_earns_revenue_and_none_when_no_rate_exists():
    earning = option(
        "1",
        "in_house",
        [
            line("BUILD", "equipment_software", "capex", "1000", ["1", "0", "0"], vat=False),
            line("FEES", "revenue", "revenue", "600", ["0", "1", "1"], vat=False),
        ],
    )
    rules = EstimateRules(D(0), D(0), D(0), "", D(0), D(0), "")
    appraisal = appraise(snapshot(options=(earning,), rules=rules, vat_rate=D(0)))
    # -1000 + 600/(1+r) + 600/(1+r)^2 = 0  ->  1+r = (600 + sqrt(600^2 + 4 x 1000 x 600)) / 2000
    exact = (600 + (600**2 + 4 * 1000 * 600) ** 0.5) / 2000 - 1
    assert abs(float(appraisal.options[0].irr) - exact) < 1e-12
    never = option(
        "1",
        "in_house",
        [
            line("BUILD", "equipment_software", "capex", "1000", ["1", "0", "0"], vat=False),
            line("FEES", "revenue", "revenue", "100", ["0", "1", "1"], vat=False),
        ],
    )
    # A return below what was spent at every rate above -100 % still has a (negative) rate; a
    # series with no sign change has none.
    no_sign_change = option(
        "1", "in_house", [line("FEES", "revenue", "revenue", "100", ["1", "1", "1"], vat=False)]
    )
    assert appraise(snapshot(options=(no_sign_change,), rules=rules)).options[0].irr is None
    assert appraise(snapshot(options=(never,), rules=rules)).options[0].irr < 0
    assert appraisal.options[0].has_revenue


def test_scenario_overrides_apply_to_every_option_and_line_keys_only_where_the_line_is():
    base = appraise(snapshot())
    scenario = appraise(snapshot(), {"lines.FEE.unit_cost": "700000000", "quantity_factor": "1"})
    assert scenario.options[0].npv == base.options[0].npv
    assert scenario.options[1].npv == D(
        round(770_000_000 * (1 + Fraction(100, 105) + Fraction(10000, 11025)))
    )
    assert scenario.input_hash != base.input_hash
    with pytest.raises(CalculationInputError) as error:
        validate_overrides(snapshot(), {"lines.NOPE.unit_cost": "1"})
    assert error.value.field == "lines.NOPE.unit_cost"
    with pytest.raises(CalculationInputError) as error:
        validate_overrides(snapshot(), {"discount_rate": "abc"})
    assert error.value.field == "discount_rate"


def test_unit_cost_scenario_scales_the_derived_lines_with_the_lines():
    doubled = appraise(snapshot(), {"unit_cost_factor": "2"}).options[0]
    assert [sum(x.quantities) for x in doubled.derived] == [D(60_000_000), D(185_400_000)]


def test_the_snapshot_survives_a_trip_through_json_with_the_same_hash_and_figures():
    original = snapshot()
    plain = snapshot_to_plain(original)
    rebuilt = snapshot_from_plain(plain)
    assert rebuilt == original
    assert snapshot_hash(rebuilt) == snapshot_hash(original) == appraise(original).input_hash
    assert appraisal_summary(appraise(rebuilt)) == appraisal_summary(appraise(original))


def test_the_hash_changes_with_any_input_and_not_with_equal_decimals_written_differently():
    assert snapshot_hash(snapshot(discount_rate=D("0.050"))) == snapshot_hash(snapshot())
    assert snapshot_hash(snapshot(discount_rate=D("0.051"))) != snapshot_hash(snapshot())
    assert snapshot_hash(snapshot(name="Other")) != snapshot_hash(snapshot())


def test_implementation_periods_skip_refresh_repeats_and_zero_quantities():
    model = snapshot().model_input(
        (
            line("HW", "equipment_hardware", "capex", "1", ["5", "0", "0"], refresh_cycle_years=2),
            line("SW", "equipment_software", "capex", "1", ["0", "3", "0"]),
            line("OPS", "operations_staff", "opex", "1", ["1", "1", "1"]),
        )
    )
    assert implementation_periods(model) == (0, 1)


def test_simulation_is_reproducible_and_without_risks_every_draw_is_the_base():
    appraisal = appraise(snapshot(), tornado_percent=None)
    first = simulation_summary(
        simulate_options(appraisal, iterations=2000, seed=42, include_optimism_bias=False), places=0
    )
    again = simulation_summary(
        simulate_options(appraisal, iterations=2000, seed=42, include_optimism_bias=False), places=0
    )
    assert first == again
    ppp = first["options"][2]  # no risks: every iteration is the NPV
    assert ppp["p50"] == ppp["p90"] == ppp["base_npv"] == "2144557823"
    psc = first["options"][0]
    # R1 occurs with probability 0.5: the median sits at the base or one impact above it, P90 above it.
    assert D(psc["p90"]) > D(psc["base_npv"]) == D(2_378_734_172)
    assert psc["expected_npv"] == "2428734172"  # base + the 50,000,000 expected value
    assert sum(psc["histogram"]["counts"]) == 2000


def test_optimism_bias_uplifts_capex_by_200_percent_and_opex_by_41_percent_less_mitigation():
    appraisal = appraise(snapshot(), tornado_percent=None)
    uplifted = simulate_options(appraisal, iterations=100, seed=1, include_optimism_bias=True)
    # PPP: opex only, 750 m a year x 1.41: NPV x 1.41 = 3,023,826,530.61
    assert round(uplifted[2].simulation.base_npv) == 3_023_826_531
    # PSC: capex 1,234,970,000 x 3 + opex (400 m + 380,952,380.95 + 362,811,791.38) x 1.41
    expected = 1_234_970_000 * 3 + (
        400_000_000 + 400_000_000 * Fraction(100, 105) + 400_000_000 * Fraction(10000, 11025)
    ) * Fraction(141, 100)
    assert round(uplifted[0].simulation.base_npv) == round(expected)
    half = snapshot(options=(option("3", "ppp", snapshot().options[2].lines, mitigation="0.5"),))
    mitigated = simulate_options(
        appraise(half, tornado_percent=None), iterations=100, seed=1, include_optimism_bias=True
    )
    assert round(mitigated[0].simulation.base_npv) == round(2_144_557_823.1292517 * 1.205)


def test_a_scenario_key_for_a_line_that_no_longer_exists_is_reported_not_silently_dropped():
    appraisal = appraise(snapshot(), {"lines.GONE.unit_cost": "1", "lines.FEE.unit_cost": "700000000"})
    assert appraisal.ignored_overrides == ("lines.GONE.unit_cost",)
    assert appraisal_summary(appraisal)["ignored_overrides"] == ["lines.GONE.unit_cost"]
    assert appraise(snapshot()).ignored_overrides == ()
