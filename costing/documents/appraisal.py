"""The options appraisal and value-for-money report of a cost model version: the options compared,
their lifecycle cost, the PSC build-up, value for money (PSC − the option's present value − the
risks the public retains under it), the risk registers, the latest Monte Carlo simulation with its
histogram and S-curve, the sensitivity of value for money to the discount rate, the tornado of each
option's net present value, the model's scenarios, and the recommendation the figures support.

The figures are the engine's (as the comparison, risks and scenarios pages show them); the
simulation is the version's latest stored receipt, said to be out of date when its input hash no
longer matches the version's inputs. The rendering is in appraisal_render.py and
appraisal_sections.py.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from costing import calculations
from costing.calculations.appraisal import (
    DEFAULT_TORNADO_PERCENT,
    Appraisal,
    OptionAppraisal,
    appraise,
    snapshot_hash,
)
from costing.models import (
    CalculationReceipt,
    CostModel,
    Distribution,
    Option,
    OptionKind,
    ReceiptKind,
    Scenario,
)
from costing.views.figures import DRIVER_LABELS
from ppp.documents import registry

from . import _common as common
from .appraisal_render import render


def _risks(option: Option, figures: OptionAppraisal) -> list[dict[str, Any]]:
    places = figures.places
    rows = []
    for risk, expected in zip(option.risks.all(), figures.risks, strict=True):
        rows.append(
            {
                "code": risk.code,
                "name": risk.name,
                "probability": risk.probability,
                "minimum": risk.minimum,
                "most_likely": risk.most_likely,
                "maximum": risk.maximum,
                "distribution": Distribution(risk.distribution).label,
                "years": f"{risk.first_year}–{risk.last_year}"
                if risk.last_year != risk.first_year
                else str(risk.first_year),
                "allocation": risk.allocation,
                "public_share": risk.public_share,
                "expected_value": calculations.to_money(float(expected.expected_value), places),
                "pv": calculations.to_money(float(expected.pv), places),
                "retained": calculations.to_money(float(expected.public_pv), places),
                "transferred": calculations.to_money(float(expected.private_pv), places),
            }
        )
    return rows


def _option(option: Option, figures: OptionAppraisal, appraisal: Appraisal) -> dict[str, Any]:
    places = figures.places
    base = float(figures.results.npv)
    return {
        "key": figures.option.key,
        "name": option.name,
        "kind": OptionKind(option.kind).label,
        "is_psc": option.is_psc,
        "description": option.description,
        "line_count": len(option.lines.all()),
        "risk_count": len(option.risks.all()),
        "npv": figures.npv,
        "tco_nominal": figures.tco_nominal,
        "tco_real": figures.tco_real,
        "eac": figures.eac,
        "irr": figures.irr,
        "has_revenue": figures.has_revenue,
        "retained_risk_pv": figures.retained_risk_pv,
        "risk_adjusted": appraisal.psc_total if option.is_psc else figures.risk_adjusted_pv,
        "vfm": figures.vfm,
        "break_even_year": figures.break_even_year,
        "risks": _risks(option, figures),
        "sensitivity": [
            {"rate": row.rate, "psc_pv": row.psc_pv, "option_pv": row.option_pv, "vfm": row.vfm}
            for row in figures.sensitivity
        ],
        "tornado": [
            {
                "driver": DRIVER_LABELS.get(bar.driver, bar.driver),
                "low": common.money_text(bar.low_npv - base, places),
                "high": common.money_text(bar.high_npv - base, places),
            }
            for bar in figures.tornado
        ],
    }


def _simulation(model: CostModel, appraisal: Appraisal, options: list[Option]) -> dict[str, Any] | None:
    # The version was loaded for the person already (common.load): its latest simulation is theirs to read.
    receipt = (
        CalculationReceipt.objects.filter(model=model, kind=ReceiptKind.SIMULATION)
        .select_related("created_by")
        .order_by("-created_at", "-pk")
        .first()
    )
    if receipt is None:
        return None
    parameters = receipt.inputs.get("simulation", {})
    names = {str(option.pk): option.name for option in options}
    places = appraisal.snapshot.places
    return {
        "iterations": parameters.get("iterations"),
        "seed": parameters.get("seed"),
        "optimism_bias": bool(parameters.get("include_optimism_bias")),
        "optimism_basis": receipt.results.get("optimism_basis", ""),
        "by": common.person(receipt.created_by),
        "at": receipt.created_at,
        "input_hash": receipt.input_hash,
        "is_current": receipt.input_hash == snapshot_hash(appraisal.snapshot, {"simulation": parameters}),
        "options": [
            {
                "name": names.get(result["key"], result["key"]),
                **{key: result[key] for key in ("base_npv", "expected_npv", "mean", "p50", "p70", "p90")},
                "edges": [str(calculations.to_money(edge, places)) for edge in result["histogram"]["edges"]],
                "counts": list(result["histogram"]["counts"]),
                "values": [
                    str(calculations.to_money(value, places)) for value in result["s_curve"]["values"]
                ],
                "probabilities": [round(float(p), 4) for p in result["s_curve"]["probabilities"]],
            }
            for result in receipt.results.get("options", [])
        ],
    }


def _scenarios(model: CostModel, appraisal: Appraisal, options: list[Option]) -> list[dict[str, Any]]:
    names = {str(option.pk): option.name for option in options}
    out: list[dict[str, Any]] = []
    for scenario in Scenario.objects.filter(model=model).order_by("name", "pk"):
        try:
            figures = appraise(appraisal.snapshot, scenario.overrides, tornado_percent=None)
        except calculations.CalculationInputError as error:
            out.append(
                {
                    "name": scenario.name,
                    "description": scenario.description,
                    "problem": f"{error.field}: {error.message}",
                    "options": [],
                }
            )
            continue
        out.append(
            {
                "name": scenario.name,
                "description": scenario.description,
                "problem": "",
                "options": [
                    {"name": names.get(o.option.key, o.option.name), "npv": o.npv, "vfm": o.vfm}
                    for o in figures.options
                ],
            }
        )
    return out


def _favoured(rows: list[tuple[str, Decimal | None]]) -> str | None:
    """The option with the largest positive value for money, or None (the PSC is cheaper)."""
    positive = [(name, value) for name, value in rows if value is not None and value > 0]
    best = max(positive, key=lambda row: row[1], default=None)
    return None if best is None else best[0]


def recommendation(
    options: list[dict[str, Any]],
    appraisal: Appraisal,
    scenarios: list[dict[str, Any]],
    simulation: dict[str, Any] | None,
) -> dict[str, Any]:
    """Which option the figures favour, and whether that holds at the other discount rates and in
    the model's scenarios. An option without cost lines has no price yet (its present value of 0 is
    no offer), so it is left out and named."""
    psc = next((o for o in options if o["is_psc"]), None)
    others = [o for o in options if not o["is_psc"] and o["line_count"]]
    unpriced = [o["name"] for o in options if not o["line_count"]]
    if psc is None or not psc["line_count"]:
        cheapest = min(others, key=lambda o: Decimal(o["risk_adjusted"]), default=None)
        return {
            "kind": "no_psc" if psc is None else "unpriced_psc",
            "unpriced": unpriced,
            "option": cheapest["name"] if cheapest else "",
            "cost": cheapest["risk_adjusted"] if cheapest else None,
        }
    priced = {o["name"] for o in others}
    favoured = _favoured([(o["name"], o["vfm"]) for o in others])
    chosen = next((o for o in others if o["name"] == favoured), None)
    rates = [row["rate"] for row in others[0]["sensitivity"]] if others else []
    at_rates = [
        {"rate": rate, "favoured": _favoured([(o["name"], o["sensitivity"][i]["vfm"]) for o in others])}
        for i, rate in enumerate(rates)
    ]
    in_scenarios = [
        {
            "name": s["name"],
            "favoured": _favoured([(o["name"], o["vfm"]) for o in s["options"] if o["name"] in priced]),
        }
        for s in scenarios
        if not s["problem"]
    ]
    best = max(others, key=lambda o: Decimal(o["vfm"]), default=None)
    p70 = None
    compared = favoured or (best["name"] if best else None)
    if simulation and simulation["is_current"] and compared:
        by_name = {o["name"]: o["p70"] for o in simulation["options"]}
        p70 = {"psc": by_name.get(psc["name"]), "name": compared, "option": by_name.get(compared)}
    return {
        "kind": "option" if chosen else "psc",
        "unpriced": unpriced,
        "option": chosen["name"] if chosen else psc["name"],
        "vfm": chosen["vfm"] if chosen else None,
        "cost": chosen["risk_adjusted"] if chosen else appraisal.psc_total,
        "psc_total": appraisal.psc_total,
        "best_other": None if best is None else {"name": best["name"], "vfm": best["vfm"]},
        "changes_at": [row for row in at_rates if row["favoured"] != favoured],
        "rates": [row["rate"] for row in at_rates],
        "changes_in": [row for row in in_scenarios if row["favoured"] != favoured],
        "scenario_count": len(in_scenarios),
        "p70": p70,
    }


def collect(model: CostModel, language: str) -> dict[str, Any]:
    """Everything the report prints, from the engine's figures for the version's current inputs."""
    options, appraisal = common.appraisal_of(model, tornado_percent=DEFAULT_TORNADO_PERCENT)
    psc = appraisal.psc
    in_house = next((option for option in options if option.is_psc), None)
    rows = [
        _option(option, figures, appraisal)
        for option, figures in zip(options, appraisal.options, strict=True)
    ]
    simulation = _simulation(model, appraisal, options)
    scenarios = _scenarios(model, appraisal, options)
    return {
        **common.furniture(model, language, _("Options comparison")),
        "model": common.model_facts(model, language),
        "discount_rate": appraisal.snapshot.discount_rate,
        "tornado_percent": DEFAULT_TORNADO_PERCENT,
        "assumptions": common.assumptions(model, appraisal, optimism=True),
        "input_hash": appraisal.input_hash,
        "options": rows,
        "psc": None
        if psc is None
        else {
            "raw_cost_pv": psc.raw_cost_pv,
            "competitive_neutrality_pv": psc.competitive_neutrality_pv,
            "competitive_neutrality_note": in_house.competitive_neutrality_note if in_house else "",
            "transferable_risk_pv": psc.transferable_risk_pv,
            "retained_risk_pv": psc.retained_risk_pv,
            "total": appraisal.psc_total,
        },
        "simulation": simulation,
        "scenarios": scenarios,
        "recommendation": recommendation(rows, appraisal, scenarios, simulation),
        "decisions": common.decisions(model),
        "approved_by": common.approver(model),
    }


registry.register(
    registry.Kind(
        name="costing.appraisal",
        label=gettext_lazy("Options comparison"),
        object_type=common.OBJECT_TYPE,
        load=common.load,
        collect=collect,  # type: ignore[arg-type]
        render=render,
        organisation_of=common.organisation_of,  # type: ignore[arg-type]
        can_generate=common.can_generate,  # type: ignore[arg-type]
        order=20,
    )
)
