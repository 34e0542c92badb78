"""Every read of costing a user can trigger, narrowed to what that user may see.

Missing and not-yours raise the same NotFound. `cost_model_snapshot` loads a version's rows in a
fixed number of queries and turns them into the calculation engine's frozen inputs; `appraisal_for`
runs the engine on them (a read: nothing is stored).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from costing import calculations, permissions
from costing.calculations.appraisal import (
    DEFAULT_TORNADO_PERCENT,
    Appraisal,
    EstimateRules,
    LineNote,
    ModelSnapshot,
    OptionSnapshot,
    appraisal_summary,
    appraise,
    simulate_options,
    simulation_summary,
    snapshot_from_plain,
    snapshot_hash,
)
from costing.models import (
    CalculationReceipt,
    CostLine,
    CostModel,
    CostModelDecision,
    CostModelStatus,
    Option,
    ReceiptKind,
    Risk,
    Scenario,
)
from ppp import rules
from ppp.errors import NotFound
from ppp.models import AuditEntry, User
from ppp.money import minor_units
from ppp.permissions import is_administrator


def cost_model_list_for(*, user: User, status: str = "", search: str = "") -> QuerySet[CostModel]:
    """Versions the user may see, newest change first, with their owner and option count."""
    queryset = CostModel.objects.select_related("organisation", "created_by").annotate(
        option_count=Count("options", distinct=True)
    )
    if not is_administrator(user):
        visible = Q(organisation_id__in=permissions.agency_ids(user))
        reviewing = permissions.reviewing_body_ids(user)
        if reviewing:
            visible |= Q(organisation__reviewing_body_id__in=reviewing, first_submitted_at__isnull=False)
        queryset = queryset.filter(visible)
    if status:
        queryset = queryset.filter(status=status)
    if search:
        queryset = queryset.filter(Q(name__icontains=search) | Q(purpose__icontains=search))
    return queryset.order_by("-updated_at", "-pk")


def cost_model_get_for(*, user: User, pk: int) -> CostModel:
    model = (
        CostModel.objects.select_related("organisation", "organisation__reviewing_body", "created_by")
        .filter(pk=pk)
        .first()
    )
    if model is None or not permissions.can_view_cost_model(user, model):
        raise NotFound("cost_model.not_found", _("Cost model not found."))
    return model


def option_get_for(*, user: User, model: CostModel, pk: int) -> Option:
    """An option of a model the caller has already loaded through cost_model_get_for."""
    option = Option.objects.filter(model=model, pk=pk).first()
    if option is None:
        raise NotFound("option.not_found", _("Option not found."))
    return option


def line_get_for(*, user: User, model: CostModel, pk: int) -> CostLine:
    line = CostLine.objects.select_related("option").filter(option__model=model, pk=pk).first()
    if line is None:
        raise NotFound("cost_line.not_found", _("Cost line not found."))
    return line


def risk_get_for(*, user: User, model: CostModel, pk: int) -> Risk:
    risk = Risk.objects.select_related("option").filter(option__model=model, pk=pk).first()
    if risk is None:
        raise NotFound("risk.not_found", _("Risk not found."))
    return risk


def scenario_get_for(*, user: User, model: CostModel, pk: int) -> Scenario:
    scenario = Scenario.objects.filter(model=model, pk=pk).first()
    if scenario is None:
        raise NotFound("scenario.not_found", _("Scenario not found."))
    return scenario


def options_with_lines(*, model: CostModel) -> list[Option]:
    """The model's options with their lines and risks, in two extra queries whatever their number."""
    return list(
        Option.objects.filter(model=model)
        .prefetch_related(
            Prefetch("lines", queryset=CostLine.objects.order_by("position", "pk")),
            Prefetch("risks", queryset=Risk.objects.order_by("position", "pk")),
        )
        .order_by("pk")
    )


def scenario_list_for(*, user: User, model: CostModel) -> list[Scenario]:
    return list(Scenario.objects.filter(model=model).order_by("name", "pk"))


def decision_list_for(*, user: User, model: CostModel) -> list[CostModelDecision]:
    return list(
        CostModelDecision.objects.filter(model=model).select_related("actor").order_by("created_at", "pk")
    )


def version_list_for(*, user: User, model: CostModel) -> list[CostModel]:
    """Every version of the model's lineage that the user may see, oldest first."""
    root = model.lineage_root_id
    versions = cost_model_list_for(user=user).filter(Q(pk=root) | Q(lineage_id=root))
    return sorted(versions, key=lambda version: version.version)


def receipt_list_for(*, user: User, model: CostModel, kind: str = "") -> QuerySet[CalculationReceipt]:
    queryset = CalculationReceipt.objects.filter(model=model).select_related("created_by", "scenario")
    if kind:
        queryset = queryset.filter(kind=kind)
    return queryset.order_by("-created_at", "-pk")


def receipt_get_for(*, user: User, model: CostModel, pk: int) -> CalculationReceipt:
    receipt = receipt_list_for(user=user, model=model).filter(pk=pk).first()
    if receipt is None:
        raise NotFound("receipt.not_found", _("Calculation receipt not found."))
    return receipt


def latest_simulation_for(*, user: User, model: CostModel) -> CalculationReceipt | None:
    return receipt_list_for(user=user, model=model, kind=ReceiptKind.SIMULATION).first()


def history_for(*, user: User, model: CostModel) -> QuerySet[AuditEntry]:
    """The audit entries of this version (its lines, options, risks and decisions are recorded on it)."""
    return (
        AuditEntry.objects.select_related("actor")
        .filter(object_type="costing.costmodel", object_id=str(model.pk))
        .order_by("sequence")
    )


def awaiting_decision_for(*, user: User) -> QuerySet[CostModel]:
    """Submitted versions the user may decide on (the reviewer queue's cost-model part)."""
    reviewing = permissions.reviewing_body_ids(user)
    if not reviewing:
        return CostModel.objects.none()
    return (
        CostModel.objects.select_related("organisation", "created_by")
        .filter(status=CostModelStatus.SUBMITTED, organisation__reviewing_body_id__in=reviewing)
        .exclude(created_by=user)
        .exclude(editors=user)
        .order_by("updated_at")
    )


# The engine's inputs.


def rules_date(model: CostModel) -> dt.date:
    """The rule book applies as it stood when this version was made (today for a new one)."""
    created = model.created_at or timezone.now()
    return timezone.localdate(created, timezone.get_default_timezone())


def estimate_rules(model: CostModel) -> EstimateRules:
    """Project-management norm, contingency and optimism bias: the model's overrides where set,
    else the rule sets valid on `rules_date`, with their legal basis as text."""
    on = rules_date(model)
    pm = rules.get("costing.project_management_norm", on)
    contingency = rules.get("costing.contingency", on)
    optimism = rules.get("costing.optimism_bias", on)

    def pick(override: Decimal | None, rule: rules.Rule, key: str) -> Decimal:
        return Decimal(override) if override is not None else rule.decimal(key)

    bases = []
    for rule in (pm, contingency):
        if rule.cite() not in bases:
            bases.append(rule.cite())
    return EstimateRules(
        pm_norm_rate=pick(model.pm_norm_rate, pm, "rate"),
        contingency_quantity_rate=pick(model.contingency_quantity_rate, contingency, "quantity_rate"),
        price_index=pick(model.price_index, contingency, "price_index"),
        estimate_basis="; ".join(bases),
        capex_uplift=optimism.decimal("equipment_development_capex_upper"),
        opex_uplift=optimism.decimal("outsourcing_opex_upper"),
        optimism_basis=optimism.cite(),
    )


def _line_input(line: CostLine) -> calculations.LineInput:
    return calculations.LineInput(
        code=line.code,
        name=line.name,
        category=line.category,
        kind=line.kind,
        unit_cost=Decimal(line.unit_cost),
        # Stored as decimal text; numpy parses it in one call (no Decimal per cell).
        quantities=calculations.quantity_array(line.quantities),
        escalation_rate=None if line.escalation_rate is None else Decimal(line.escalation_rate),
        refresh_cycle_years=line.refresh_cycle_years,
        vat_applicable=line.vat_applicable,
    )


def _risk_input(risk: Risk, base_year: int) -> calculations.RiskInput:
    return calculations.RiskInput(
        code=risk.code,
        name=risk.name,
        probability=Decimal(risk.probability),
        minimum=Decimal(risk.minimum),
        most_likely=Decimal(risk.most_likely),
        maximum=Decimal(risk.maximum),
        distribution=risk.distribution,
        first_period=risk.first_year - base_year,
        last_period=risk.last_year - base_year,
        public_share=Decimal(risk.public_share),
    )


def snapshot_of(model: CostModel, options: list[Option]) -> ModelSnapshot:
    option_snapshots = []
    for option in options:
        lines = list(option.lines.all())
        option_snapshots.append(
            OptionSnapshot(
                key=str(option.pk),
                kind=option.kind,
                name=option.name,
                competitive_neutrality=Decimal(option.competitive_neutrality),
                optimism_bias_mitigation=Decimal(option.optimism_bias_mitigation),
                lines=tuple(_line_input(line) for line in lines),
                notes=tuple(
                    LineNote(code=line.code, unit=line.unit, assumption=line.assumption, source=line.source)
                    for line in lines
                ),
                risks=tuple(_risk_input(risk, model.base_year) for risk in option.risks.all()),
            )
        )
    return ModelSnapshot(
        name=model.name,
        currency=model.currency,
        places=minor_units(model.currency),
        base_year=model.base_year,
        horizon=model.horizon,
        basis=model.basis,
        discount_rate=Decimal(model.discount_rate),
        vat_rate=Decimal(model.vat_rate),
        general_escalation=Decimal(model.general_escalation),
        rules=estimate_rules(model),
        options=tuple(option_snapshots),
    )


def cost_model_snapshot(*, model: CostModel) -> ModelSnapshot:
    """The frozen engine inputs of a version: four queries (options, lines, risks, rule book ×3)."""
    return snapshot_of(model, options_with_lines(model=model))


def appraisal_for(
    *,
    user: User,
    model: CostModel,
    scenario: Scenario | None = None,
    tornado_percent: Decimal | None = DEFAULT_TORNADO_PERCENT,
    options: list[Option] | None = None,
) -> Appraisal:
    """Run the engine on a version (optionally under a scenario's overrides). Nothing is stored."""
    snapshot = snapshot_of(model, options if options is not None else options_with_lines(model=model))
    overrides: dict[str, Any] | None = dict(scenario.overrides) if scenario is not None else None
    return appraise(snapshot, overrides, tornado_percent=tornado_percent)


def receipt_check(*, receipt: CalculationReceipt) -> dict[str, Any]:
    """Recompute a receipt from its stored inputs: the hash, and the figures.

    Returns {"hash_matches", "results_match", "recomputed_hash"}. Pure read.
    """
    snapshot = snapshot_from_plain(receipt.inputs["snapshot"])
    if receipt.kind == ReceiptKind.SIMULATION:
        parameters = receipt.inputs["simulation"]
        recomputed_hash = snapshot_hash(snapshot, {"simulation": parameters})
        appraisal = appraise(snapshot, tornado_percent=None)
        results = simulation_summary(
            simulate_options(
                appraisal,
                iterations=parameters["iterations"],
                seed=parameters["seed"],
                include_optimism_bias=parameters["include_optimism_bias"],
            ),
            places=snapshot.places,
        )
        stored = {key: value for key, value in receipt.results.items() if key == "options"}
    else:
        overrides = receipt.inputs.get("overrides")
        appraisal = appraise(snapshot, overrides)
        recomputed_hash = appraisal.input_hash
        results = appraisal_summary(appraisal)
        stored = receipt.results
        results = {key: results[key] for key in stored}
    return {
        "hash_matches": recomputed_hash == receipt.input_hash,
        "results_match": _same(results, stored),
        "recomputed_hash": recomputed_hash,
    }


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, dict) and isinstance(b, dict):
        return set(a) == set(b) and all(_same(a[key], b[key]) for key in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) or isinstance(b, float):
        return abs(float(a) - float(b)) <= 1e-9 * max(1.0, abs(float(a)))
    return a == b or str(a) == str(b) or _decimal_equal(a, b)


def _decimal_equal(a: Any, b: Any) -> bool:
    try:
        return Decimal(str(a)) == Decimal(str(b))
    except ArithmeticError:
        return False


# Comparisons and exports.


DIFF_FIELDS = (
    "name", "base_year", "horizon", "basis", "discount_rate", "vat_rate", "general_escalation",
    "pm_norm_rate", "contingency_quantity_rate", "price_index",
)  # fmt: skip


def _line_status(code: str, codes_a: set[str], codes_b: set[str], changed: set[str]) -> str:
    if code not in codes_a:
        return "added"
    if code not in codes_b:
        return "removed"
    return "changed" if code in changed else "unchanged"


def version_diff_for(*, user: User, a: CostModel, b: CostModel) -> dict[str, Any]:
    """Two versions side by side, option by option (matched by kind), line by line and year by year.

    Returns {"options": [{"kind", "name_a", "name_b", "rows": DataFrame (code, year, a, b,
    difference, status), "lines": per-line totals, "totals": {figure: {a, b, difference}}}],
    "changed_fields": [(field, a, b)]}; money as Decimal at the currency's places.
    """
    if a.lineage_root_id != b.lineage_root_id:
        raise NotFound("cost_model.not_found", _("These are not versions of the same model."))
    if a.currency != b.currency:
        raise NotFound("cost_model.not_found", _("These versions use different currencies."))
    left = appraisal_for(user=user, model=a, tornado_percent=None)
    right = appraisal_for(user=user, model=b, tornado_percent=None)
    places = left.snapshot.places
    by_kind_a = {option.option.kind: option for option in left.options}
    by_kind_b = {option.option.kind: option for option in right.options}
    options = []
    for kind in dict.fromkeys([*by_kind_a, *by_kind_b]):
        option_a, option_b = by_kind_a.get(kind), by_kind_b.get(kind)
        empty = calculations.compute(left.snapshot.model_input(()))
        results_a = option_a.results if option_a else empty
        results_b = option_b.results if option_b else empty
        # Versions with different horizons line up on calendar years; a missing year reads 0.
        rows = calculations.diff_results(results_a, results_b)
        lines = (
            rows.groupby("code", sort=False)
            .agg(a=("a", "sum"), b=("b", "sum"), difference=("difference", "sum"))
            .reset_index()
        )
        # A year that only one side has, at zero, is no change of the line.
        moved = rows[
            (rows["status"] == "changed")
            | ((rows["status"] != "unchanged") & (rows["difference"].abs() > 1e-6))
        ]
        changed, codes_a, codes_b = set(moved["code"]), set(results_a.codes), set(results_b.codes)
        lines["status"] = [_line_status(code, codes_a, codes_b, changed) for code in lines["code"]]
        totals = {
            name: {key: calculations.to_money(value, places) for key, value in figures.items()}
            for name, figures in calculations.diff_totals(results_a, results_b).items()
        }
        options.append(
            {
                "kind": kind,
                "name_a": option_a.option.name if option_a else "",
                "name_b": option_b.option.name if option_b else "",
                "rows": rows,
                "lines": lines,
                "totals": totals,
            }
        )
    changed_fields = [
        (field, getattr(a, field), getattr(b, field))
        for field in DIFF_FIELDS
        if getattr(a, field) != getattr(b, field)
    ]
    return {"options": options, "changed_fields": changed_fields, "places": places}


def cost_model_workbook(*, user: User, model: CostModel, language: str = "vi") -> bytes:
    """The version and its results as XLSX with live formulas; derived lines are written as lump
    sums so the workbook's own totals give the engine's figures."""
    from costing.spreadsheets import (
        WorkbookLine,
        WorkbookModel,
        WorkbookOption,
        WorkbookRisk,
        export_workbook,
    )

    options = options_with_lines(model=model)
    appraisal = appraisal_for(user=user, model=model, tornado_percent=None, options=options)
    workbook_options = []
    results = {}
    for option, figures in zip(options, appraisal.options, strict=True):
        lines = [
            WorkbookLine(
                code=line.code,
                name=line.name,
                category=line.category,
                kind=line.kind,
                unit=line.unit,
                unit_cost=Decimal(line.unit_cost),
                quantities=tuple(Decimal(str(q)) for q in line.quantities),
                escalation_rate=None if line.escalation_rate is None else Decimal(line.escalation_rate),
                refresh_cycle_years=line.refresh_cycle_years,
                vat_applicable=line.vat_applicable,
                assumption=line.assumption,
                source=line.source,
            )
            for line in option.lines.all()
        ]
        lines += [
            WorkbookLine(
                code=line.code,
                name=line.name,
                category=line.category,
                kind=line.kind,
                unit="lump sum",
                unit_cost=line.unit_cost,
                quantities=tuple(calculations.quantity_decimal(q) for q in line.quantities),
                escalation_rate=line.escalation_rate,
                refresh_cycle_years=None,
                vat_applicable=line.vat_applicable,
                assumption=appraisal.snapshot.rules.estimate_basis,
                source="derived",
            )
            for line in figures.derived
        ]
        risks = [
            WorkbookRisk(
                code=risk.code,
                name=risk.name,
                probability=Decimal(risk.probability),
                minimum=Decimal(risk.minimum),
                most_likely=Decimal(risk.most_likely),
                maximum=Decimal(risk.maximum),
                distribution=risk.distribution,
                first_year=risk.first_year,
                last_year=risk.last_year,
                public_share=Decimal(risk.public_share),
            )
            for risk in option.risks.all()
        ]
        workbook_options.append(
            WorkbookOption(
                kind=option.kind,
                name=option.name,
                competitive_neutrality=Decimal(option.competitive_neutrality),
                lines=tuple(lines),
                risks=tuple(risks),
            )
        )
        results[option.kind] = figures.results
    workbook = WorkbookModel(
        name=model.name,
        purpose=model.purpose,
        currency=model.currency,
        base_year=model.base_year,
        horizon=model.horizon,
        basis=model.basis,
        discount_rate=Decimal(model.discount_rate),
        discount_rate_basis=model.discount_rate_basis,
        vat_rate=Decimal(model.vat_rate),
        general_escalation=Decimal(model.general_escalation),
        options=tuple(workbook_options),
    )
    return export_workbook(workbook, results, language)
