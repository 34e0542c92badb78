"""The analysis sections of the options appraisal and value-for-money report: the Monte Carlo
simulation with its histogram and S-curve, the sensitivity (value for money at other discount rates,
the tornado of each option's net present value, the model's scenarios) and the recommendation. From
the inputs only: amounts are scaled for the charts, nothing is computed."""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from costing.templatetags.costing_tags import legal_text
from ppp.documents.pdf import Document, histogram, line_chart, moment, money, number, tornado

from . import _common as common

HISTOGRAM_LABELS = 8  # at most this many bins are labelled, the others left blank


def _unit(values: list[float], currency: str) -> tuple[float, str]:
    """Millions of the currency when the amounts reach a million, else the currency itself."""
    widest = max((abs(value) for value in values), default=0.0)
    if widest >= 1e6:
        return 1e6, _("million %(currency)s") % {"currency": currency}
    return 1.0, currency


def simulation_section(doc: Document, inputs: dict[str, Any], currency: str) -> None:
    p = inputs["model"]["places"]
    doc.heading(_("7. Monte Carlo simulation"))
    simulation = inputs["simulation"]
    if simulation is None:
        doc.paragraph(_("No simulation has been run for this version."))
        return
    when = moment(common.moment_of(simulation["at"]))
    status = (
        _("matches the current inputs")
        if simulation["is_current"]
        else _("the inputs changed since: run it again")
    )
    sentence = _("Latest simulation: %(iterations)s draws, seed %(seed)s, by %(who)s at %(when)s.") % {
        "iterations": number(simulation["iterations"]),
        "seed": simulation["seed"],
        "who": simulation["by"],
        "when": when,
    }
    if simulation["optimism_bias"]:
        sentence += f" {_('Optimism-bias uplifts applied')} ({legal_text(simulation['optimism_basis'])})."
    doc.paragraph(f"{sentence} {status} · {_('Input hash')}: {simulation['input_hash']}")
    doc.paragraph(
        _(
            "Lifecycle cost (present value, %(currency)s): the value not exceeded in 50%%, 70%% and 90%% of "
            "the draws"
        )
        % {"currency": currency},
        "muted",
    )
    doc.table(
        [_("Option"), _("Without risks"), _("Expected"), _("Mean"), "P50", "P70", "P90"],
        [
            [
                o["name"],
                *[number(o[key], p) for key in ("base_npv", "expected_npv", "mean", "p50", "p70", "p90")],
            ]
            for o in simulation["options"]
        ],
        widths=[1.6, 1.75, 1.75, 1.75, 1.75, 1.75, 1.75],
        numeric=range(1, 7),
    )
    for o in simulation["options"]:
        if o["values"][0] == o["values"][-1]:
            doc.paragraph(
                _("%(option)s: every draw gives the same lifecycle cost, %(amount)s.")
                % {"option": o["name"], "amount": money(o["p50"], currency)}
            )
            continue
        edges = [float(edge) for edge in o["edges"]]
        scale, unit = _unit(edges, currency)
        step = max(1, math.ceil(len(o["counts"]) / HISTOGRAM_LABELS))
        labels = [
            number(Decimal(repr(edges[i] / scale)), 0) if i % step == 0 else ""
            for i in range(len(o["counts"]))
        ]
        doc.chart(
            histogram(o["counts"], labels, f"{o['name']} · {_('Distribution of the lifecycle cost (PV)')}"),
            _("Draws per band of the lifecycle cost (present value, lower edge in %(unit)s).")
            % {"unit": unit},
        )
        points = [
            (float(v) / scale, chance * 100)
            for v, chance in zip(o["values"], o["probabilities"], strict=True)
        ]
        doc.chart(
            line_chart([points], f"{o['name']} · {_('S-curve of the lifecycle cost (PV)')}"),
            _("Probability (%%) that the lifecycle cost (present value, %(unit)s) is not exceeded.")
            % {"unit": unit},
        )


def sensitivity_section(doc: Document, inputs: dict[str, Any], currency: str) -> None:
    p = inputs["model"]["places"]
    doc.heading(_("8. Sensitivity"))
    others = [o for o in inputs["options"] if not o["is_psc"] and o["sensitivity"] and o["line_count"]]
    if others:
        doc.heading(_("Sensitivity of value for money to the discount rate"), 2)
        header = [_("Discount rate"), _("PSC")]
        for o in others:
            header += [f"{o['name']}: {_('risk-adjusted cost')}", f"{o['name']}: {_('value for money')}"]
        rows = []
        for index, row in enumerate(others[0]["sensitivity"]):
            label = common.rate(row["rate"])
            if Decimal(row["rate"]) == Decimal(inputs["discount_rate"]):
                label += " (" + _("the model's rate") + ")"
            cells = [label, number(row["psc_pv"], p)]
            for o in others:
                cells += [
                    number(o["sensitivity"][index]["option_pv"], p),
                    number(o["sensitivity"][index]["vfm"], p),
                ]
            rows.append(cells)
        doc.table(
            header,
            rows,
            widths=[1.4, 1.6, *([1.6] * (2 * len(others)))],
            numeric=range(1, 2 + 2 * len(others)),
        )
        doc.paragraph(
            _("Present values and value for money at other rates (%(currency)s)") % {"currency": currency},
            "muted",
        )
    doc.heading(_("Tornado: what moves the net present value"), 2)
    percent = number(Decimal(inputs["tornado_percent"]) * 100, 0)
    doc.paragraph(
        _(
            "Each driver moves by −%(percent)s%% and +%(percent)s%% on its own; the longest bar moves the "
            "figure most."
        )
        % {"percent": percent}
    )
    for o in inputs["options"]:
        if not o["tornado"] or not o["line_count"]:
            continue
        scale, unit = _unit([float(b[key]) for b in o["tornado"] for key in ("low", "high")], currency)
        bars = [(b["driver"], float(b["low"]) / scale, float(b["high"]) / scale) for b in o["tornado"]]
        doc.chart(
            tornado(bars, o["name"]),
            _(
                "Change of the net present value from %(base)s, in %(unit)s (blue: −%(percent)s%%, red: "
                "+%(percent)s%%)."
            )
            % {"base": money(o["npv"], currency), "unit": unit, "percent": percent},
        )
    doc.heading(_("Scenarios"), 2)
    if not inputs["scenarios"]:
        doc.paragraph(_("The model has no scenarios."))
        return
    names = [o["name"] for o in inputs["options"]]
    rows = []
    for scenario in inputs["scenarios"]:
        label = scenario["name"] + (f"\n{scenario['description']}" if scenario["description"] else "")
        if scenario["problem"]:
            rows.append([label, *([scenario["problem"]] + [""] * (len(names) - 1))])
            continue
        cells = [
            f"{number(o['npv'], p)}"
            + ("" if o["vfm"] is None else f"\n{_('value for money')}: {number(o['vfm'], p)}")
            for o in scenario["options"]
        ]
        rows.append([label, *cells])
    doc.table(
        [_("Scenario"), *names], rows, widths=[2.4, *([2] * len(names))], numeric=range(1, len(names) + 1)
    )
    doc.paragraph(
        _("Net present value per option and its value for money (%(currency)s).") % {"currency": currency},
        "muted",
    )


def recommendation_section(doc: Document, inputs: dict[str, Any], currency: str) -> None:
    doc.heading(_("9. Recommendation"))
    r = inputs["recommendation"]
    psc_label = _("the in-house option (the PSC)")
    sentences = []
    if r["kind"] in ("no_psc", "unpriced_psc"):
        sentences.append(
            _("The model has no in-house option, so there is no PSC and no value for money.")
            if r["kind"] == "no_psc"
            else _("The in-house option has no cost lines yet, so there is no PSC to compare with.")
        )
        if r["option"]:
            sentences.append(
                _("The lowest risk-adjusted cost is that of %(option)s: %(cost)s.")
                % {"option": r["option"], "cost": money(r["cost"], currency)}
            )
    else:
        if r["kind"] == "option":
            sentences.append(
                _(
                    "The figures favour %(option)s: its risk-adjusted cost to the public, %(cost)s, is "
                    "%(vfm)s below the PSC of %(psc)s."
                )
                % {
                    "option": r["option"],
                    "cost": money(r["cost"], currency),
                    "vfm": money(r["vfm"], currency),
                    "psc": money(r["psc_total"], currency),
                }
            )
        else:
            sentences.append(
                _(
                    "The figures favour the in-house option (the PSC, %(psc)s): no other option costs the "
                    "public less once the risks it retains are counted."
                )
                % {"psc": money(r["psc_total"], currency)}
            )
            best = r["best_other"]
            if best is not None and best["vfm"] is not None:
                sentences.append(
                    _("The closest, %(option)s, costs %(gap)s more.")
                    % {"option": best["name"], "gap": money(-Decimal(best["vfm"]), currency)}
                )
        if r["rates"] and not r["changes_at"]:
            sentences.append(
                _("This holds at every discount rate from %(low)s to %(high)s.")
                % {"low": common.rate(r["rates"][0]), "high": common.rate(r["rates"][-1])}
            )
        for change in r["changes_at"]:
            sentences.append(
                _("At a discount rate of %(rate)s the figures favour %(option)s instead.")
                % {"rate": common.rate(change["rate"]), "option": change["favoured"] or psc_label}
            )
        if r["scenario_count"] and not r["changes_in"]:
            sentences.append(
                _("It also holds in the model's scenario.")
                if r["scenario_count"] == 1
                else _("It also holds in all %(n)s scenarios of the model.") % {"n": r["scenario_count"]}
            )
        for change in r["changes_in"]:
            sentences.append(
                _("In the scenario “%(name)s” the figures favour %(option)s instead.")
                % {"name": change["name"], "option": change["favoured"] or psc_label}
            )
        p70 = r["p70"]
        if p70 and p70["psc"] is not None and p70["option"] is not None:
            sentences.append(
                _(
                    "At P70 of the simulation (every risk counted), the in-house option's lifecycle cost is "
                    "%(psc)s and that of %(option)s is %(cost)s."
                )
                % {
                    "psc": money(p70["psc"], currency),
                    "option": p70["name"],
                    "cost": money(p70["option"], currency),
                }
            )
    if r["unpriced"]:
        sentences.append(
            _("Options without cost lines have no price yet and are not compared: %(options)s.")
            % {"options": ", ".join(r["unpriced"])}
        )
    for sentence in sentences:
        doc.paragraph(sentence)
    doc.paragraph(_("It is one input to the decision, not a verdict."), "muted")
