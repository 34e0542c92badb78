"""Stored calculations: results receipts on demand, and the seeded Monte Carlo simulation of a version.

A receipt keeps the canonical snapshot of its inputs, their hash and the engine version, so the same
figures can be recomputed from it later (`receipt_verify`).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from costing import calculations, permissions, selectors
from costing.calculations.appraisal import (
    appraisal_summary,
    appraise,
    simulate_options,
    simulation_summary,
    snapshot_hash,
    snapshot_to_plain,
)
from costing.models import CalculationReceipt, CostModel, ReceiptKind, Scenario
from ppp.errors import PermissionDenied
from ppp.models import User

from ._common import Errors, as_int, engine_error, record
from .workflow import store_results_receipt

MAX_ITERATIONS = 100_000
DEFAULT_ITERATIONS = 10_000
DEFAULT_SEED = 20_260_101


def _require_view(actor: User, model: CostModel) -> None:
    if not permissions.can_view_cost_model(actor, model):
        raise PermissionDenied("cost_model.forbidden", _("You may not see this cost model."))


@transaction.atomic
def receipt_store(*, actor: User, model: CostModel, scenario: Scenario | None = None) -> CalculationReceipt:
    """Store the results of the version's current inputs (or of a scenario), or return the receipt
    already stored for exactly these inputs."""
    _require_view(actor, model)
    if scenario is None:
        return store_results_receipt(actor=actor, model=model)
    snapshot = selectors.cost_model_snapshot(model=model)
    try:
        appraisal = appraise(snapshot, scenario.overrides)
    except calculations.CalculationInputError as error:
        raise engine_error(error, "overrides.") from None
    existing = CalculationReceipt.objects.filter(
        model=model, kind=ReceiptKind.RESULTS, input_hash=appraisal.input_hash, scenario=scenario
    ).first()
    if existing is not None:
        return existing
    receipt = CalculationReceipt.objects.create(
        model=model,
        scenario=scenario,
        kind=ReceiptKind.RESULTS,
        input_hash=appraisal.input_hash,
        engine_version=calculations.ENGINE_VERSION,
        inputs={"snapshot": snapshot_to_plain(snapshot), "overrides": dict(scenario.overrides)},
        results=appraisal_summary(appraisal),
        created_by=actor,
    )
    record(actor, model, "cost_model.receipt_stored", after={"receipt": receipt.pk, "scenario": scenario.pk})
    return receipt


@transaction.atomic
def simulation_run(
    *,
    actor: User,
    model: CostModel,
    iterations: Any = DEFAULT_ITERATIONS,
    seed: Any = DEFAULT_SEED,
    include_optimism_bias: bool = False,
) -> CalculationReceipt:
    """Run the seeded Monte Carlo on every option and store it; the same inputs and seed give the
    same receipt (it is found, not stored twice)."""
    _require_view(actor, model)
    errors = Errors()
    count = as_int(errors, "iterations", iterations, minimum=100, maximum=MAX_ITERATIONS)
    chosen_seed = as_int(errors, "seed", seed, minimum=0, maximum=2**32 - 1)
    if not isinstance(include_optimism_bias, bool):
        errors.add("include_optimism_bias", _("must be true or false"))
    errors.raise_if_any("simulation.invalid", _("The simulation cannot run with these settings."))
    assert count is not None and chosen_seed is not None  # both checked above
    snapshot = selectors.cost_model_snapshot(model=model)
    parameters = {"iterations": count, "seed": chosen_seed, "include_optimism_bias": include_optimism_bias}
    input_hash = snapshot_hash(snapshot, {"simulation": parameters})
    existing = CalculationReceipt.objects.filter(
        model=model, kind=ReceiptKind.SIMULATION, input_hash=input_hash
    ).first()
    if existing is not None:
        return existing
    try:
        appraisal = appraise(snapshot, tornado_percent=None)
        simulations = simulate_options(
            appraisal,
            iterations=count,
            seed=chosen_seed,
            include_optimism_bias=include_optimism_bias,  # type: ignore[arg-type]
        )
    except calculations.CalculationInputError as error:
        raise engine_error(error) from None
    results = simulation_summary(simulations, places=snapshot.places)
    results["parameters"] = parameters
    results["optimism_basis"] = snapshot.rules.optimism_basis
    receipt = CalculationReceipt.objects.create(
        model=model,
        kind=ReceiptKind.SIMULATION,
        input_hash=input_hash,
        engine_version=calculations.ENGINE_VERSION,
        inputs={"snapshot": snapshot_to_plain(snapshot), "simulation": parameters},
        results=results,
        created_by=actor,
    )
    record(actor, model, "cost_model.simulated", after={"receipt": receipt.pk, **parameters})
    return receipt
