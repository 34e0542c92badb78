"""Writes of the settlements: computing a month's statement from the imported actuals, and approving
(locking) it.

Who: the agency's finance officers of the contract compute statements and state the conditions of
the annual revenue band; approvers of the agency's reviewing body approve them, never one they
computed and never anyone who belongs to the vendor.

What a statement is computed from (`inputs`, stored with its SHA-256 so any figure can be recomputed):
the month's PeriodActual rows (valid volume, refunds, gateway fees per service; gross collections and
VAT are recomputed from the tariff in force on the first day of the month, the imported figures are
kept in the snapshot beside them), the contract's payment mechanisms, its service levels and the
month's KPI measurements. In the month that closes a plan year (December, or the contract's last
month when the term ends earlier in that year) the annual revenue band is tested: the year's net
revenue (each month computed the same way from its actuals) against the financial plan's projected
revenue for that year, with the conditions the finance officer states.

Locked months: an approved statement is never recomputed (Conflict). When a locked month's inputs
have changed since, the next statement computed for a later month carries the difference as
adjustment lines (calculations.adjustment_lines: recomputed − what was last settled for that month);
what was last settled is the locked statement itself or, once a correction of it has been approved,
the inputs that correction was computed from, so a correction is never carried twice. Approving a
statement first rebuilds its inputs: if they no longer match (the actuals changed, or another
statement carrying the same correction was approved meanwhile) it must be recomputed (Conflict).

Availability failures: the month's AvailabilityFailure rows (imported like the KPI measurements) are
in the snapshot as `failures`, ordered by area and reference, and each becomes a deduction line; the
sum of all areas' weightings is the availability mechanism's `total_weighting` parameter (1 when not
given), read from the mechanisms in the snapshot, so it has one source. A snapshot stored before
failures were recorded has no `failures` and recomputes without deductions, as it was settled; a
contract without an availability payment has no `failures` either, so its snapshots stay as they were.

Payments (services/payments.py) settle approved statements and are not an input of any statement: the
balance brought forward is 0 and the ledger selector shows what is outstanding and the running
balance, Σ approved net amounts − Σ payments.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from contracts import permissions as contract_permissions
from contracts.models import Contract, ContractStatus
from ppp import audit, money
from ppp.errors import Conflict, PermissionDenied, ValidationFailed
from ppp.models import User
from revenue_share.calculations import (
    AvailabilityFailure,
    BandConditions,
    BandResult,
    Line,
    PaymentTerms,
    ServiceActual,
    SettlementInput,
    SettlementInputError,
    Statement,
    adjustment_lines,
    net_revenue,
    parse_payment_terms,
    parse_service_level,
    revenue_band_sharing,
    settle,
)
from revenue_share.models import AvailabilityFailure as FailureRow
from revenue_share.models import KpiMeasurement, PeriodActual, SettlementStatement, SettlementStatus, Tariff

ENGINE = "revenue_share.calculations.settle/1"
SETTLED_CONTRACT_STATUSES = (ContractStatus.ACTIVE, ContractStatus.COMPLETED, ContractStatus.TERMINATED)
BAND_CONDITION_NAMES = (
    "revenue_audited",
    "cause_planning_policy_or_law_change",
    "price_and_term_adjustments_exhausted",
)

# English labels of the line keys (msgids: the pages translate them).
LINE_LABELS = {
    "per_transaction.fee": gettext_noop("Fee per valid transaction"),
    "tiered_share.band": gettext_noop("Share of net revenue in a band"),
    "fixed_fee.fee": gettext_noop("Fixed service fee"),
    "availability.payment": gettext_noop("Availability payment"),
    "availability.deduction": gettext_noop("Availability deduction"),
    "availability.deduction_cap": gettext_noop("Availability deductions above the cap given back"),
    "minimum_guarantee.top_up": gettext_noop("Minimum guarantee top-up"),
    "revenue_cap.claw_back": gettext_noop("Revenue cap claw-back"),
    "service_credits.credit": gettext_noop("Service credit"),
    "service_credits.cap": gettext_noop("Service credits above the cap given back"),
    "revenue_band.upside": gettext_noop("Revenue band: excess over the plan shared with the state"),
    "revenue_band.downside": gettext_noop("Revenue band: shortfall against the plan shared by the state"),
    "balance.brought_forward": gettext_noop("Balance brought forward"),
}
ADJUSTMENT_LABEL = gettext_noop("Adjustment of a locked period")


def can_compute_settlement(user: Any, contract: Contract) -> bool:
    """The agency's finance officers of this contract."""
    return contract_permissions.can_prepare_contract(user, contract)


def can_approve_settlement(user: Any, statement: SettlementStatement) -> bool:
    """An approver of the agency's reviewing body who did not compute it and is not the vendor's."""
    contract = statement.contract
    return (
        statement.status == SettlementStatus.DRAFT
        and contract_permissions.is_contract_reviewer(user, contract)
        and not contract_permissions.belongs_to_vendor(user, contract)
        and statement.computed_by_id != user.pk
    )


# --- periods ---------------------------------------------------------------------------------------


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def parse_period(value: Any) -> dt.date:
    """A month as "YYYY-MM", "YYYY-MM-01" or a date on the first of the month."""
    if isinstance(value, dt.date):
        day = value
    else:
        text = str(value or "").strip()
        try:
            day = dt.date.fromisoformat(f"{text}-01" if len(text) == 7 else text)
        except ValueError:
            raise _invalid("period", _("Give the month as YYYY-MM.")) from None
    if day.day != 1:
        raise _invalid("period", _("A settlement period starts on the first day of a month."))
    return day


def term_months(contract: Contract) -> list[dt.date]:
    """The first day of every month of the contract's term, oldest first."""
    if contract.start_date is None or contract.end_date is None:
        return []
    months, day = [], month_start(contract.start_date)
    while day <= contract.end_date:
        months.append(day)
        day = _next_month(day)
    return months


def _next_month(day: dt.date) -> dt.date:
    return dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)


def band_month_of(contract: Contract, year: int) -> dt.date:
    """The month that closes plan year `year`: December, or the contract's last month that year."""
    if contract.end_date is not None and contract.end_date.year == year:
        return month_start(contract.end_date)
    return dt.date(year, 12, 1)


def _invalid(field: str, message: str) -> ValidationFailed:
    return ValidationFailed("settlement.invalid", message, {field: message})


# --- the input snapshot ----------------------------------------------------------------------------


def _text(value: Decimal) -> str:
    return format(value.normalize(), "f") if value == value.to_integral_value() else format(value, "f")


def _actuals_snapshot(contract: Contract, period: dt.date) -> list[dict[str, Any]]:
    rows = list(
        PeriodActual.objects.filter(contract=contract, period=period)
        .select_related("service")
        .order_by("service__code")
    )
    tariffs: dict[int, Tariff] = {}
    for tariff in Tariff.objects.filter(
        service_id__in=[row.service_id for row in rows], valid_from__lte=period
    ).order_by("valid_from"):
        if tariff.valid_to is None or tariff.valid_to >= period:
            tariffs[tariff.service_id] = tariff
    snapshot = []
    for row in rows:
        in_force = tariffs.get(row.service_id)
        if in_force is None:
            raise _invalid(
                "actuals",
                _("Service %(code)s has no tariff in force on %(day)s.")
                % {"code": row.service.code, "day": period.isoformat()},
            )
        if in_force.currency != contract.currency:
            raise _invalid(
                "actuals",
                _("The tariff of %(code)s is in %(currency)s, not the contract's currency.")
                % {"code": row.service.code, "currency": in_force.currency},
            )
        snapshot.append(
            {
                "service": row.service.code,
                "valid_volume": row.valid_volume,
                "tariff": _text(in_force.amount),
                "vat_rate": _text(in_force.vat_rate),
                "refunds": _text(row.refunds),
                "gateway_fees": _text(row.gateway_fees),
                "imported_gross_collections": _text(row.gross_collections),
                "imported_vat": _text(row.vat),
            }
        )
    return snapshot


def _service_actuals(snapshot: list[dict[str, Any]]) -> tuple[ServiceActual, ...]:
    return tuple(
        ServiceActual(
            service=row["service"],
            valid_volume=int(row["valid_volume"]),
            tariff=Decimal(row["tariff"]),
            vat_rate=Decimal(row["vat_rate"]),
            refunds=Decimal(row["refunds"]),
            gateway_fees=Decimal(row["gateway_fees"]),
        )
        for row in snapshot
    )


def _band_snapshot(
    contract: Contract, period: dt.date, mechanisms: list[list[Any]], conditions: Mapping[str, Any] | None
) -> dict[str, Any] | None:
    """The year's band test inputs when `period` closes a plan year of a contract with band sharing."""
    band_parameters = next((p for kind, p in mechanisms if kind == "revenue_band"), None)
    if band_parameters is None or period != band_month_of(contract, period.year):
        return None
    if conditions is None:
        raise _invalid(
            "band_conditions",
            _("This month closes the plan year: state the conditions of the revenue band sharing."),
        )
    stated = {}
    for name in BAND_CONDITION_NAMES:
        value = conditions.get(name)
        if not isinstance(value, bool):
            raise _invalid(f"band_conditions.{name}", _("State whether it holds: true or false."))
        stated[name] = value
    plan = contract.financial_plan.filter(year=period.year).first()
    if plan is None or plan.projected_revenue <= 0:
        raise _invalid(
            "band_conditions",
            _("The financial plan has no projected revenue for %(year)d.") % {"year": period.year},
        )
    places = money.minor_units(contract.currency)
    actual = Decimal(0)
    for month in term_months(contract):
        if month.year == period.year and month <= period:
            rows = _service_actuals(_actuals_snapshot(contract, month))
            actual += net_revenue(rows, places=places).net_revenue
    start_year = contract.start_date.year if contract.start_date else period.year
    return {
        "year": period.year,
        "actual_revenue": _text(actual),
        "plan_revenue": _text(plan.projected_revenue),
        "operating_year": period.year - start_year + 1,
        "upside_exempt_years": int(band_parameters.get("upside_exempt_years") or 0),
        "conditions": stated,
    }


def _snapshot(
    contract: Contract, period: dt.date, band_conditions: Mapping[str, Any] | None
) -> dict[str, Any]:
    """Everything a month's own sharing is computed from, as JSON (amounts as strings)."""
    mechanisms = [[m.kind, m.parameters] for m in contract.mechanisms.all().order_by("position", "pk")]
    levels = list(contract.service_levels.all().order_by("position", "pk"))
    codes = {level.code for level in levels}
    kpis = KpiMeasurement.objects.filter(contract=contract, period=period, code__in=codes).order_by("code")
    failures = FailureRow.objects.filter(contract=contract, period=period).order_by("area", "reference")
    start = contract.start_date or period
    years = period.year - start.year - (1 if (period.month, period.day) < (start.month, start.day) else 0)
    snapshot = {
        "engine": ENGINE,
        "period": f"{period:%Y-%m}",
        "currency": contract.currency,
        "places": money.minor_units(contract.currency),
        "mechanisms": mechanisms,
        "actuals": _actuals_snapshot(contract, period),
        "years_since_start": max(years, 0),
        "service_levels": [
            {"code": level.code, "target": _text(level.target), "unit": level.unit, "rule": level.rule}
            for level in levels
        ],
        "kpi_results": [[kpi.code, _text(kpi.value)] for kpi in kpis],
        "band": _band_snapshot(contract, period, mechanisms, band_conditions),
    }
    if any(kind == "availability" for kind, _parameters in mechanisms):
        snapshot["failures"] = [
            {
                "area": failure.area,
                "reference": failure.reference,
                "weighting": _text(failure.weighting),
                "missed_periods": _text(failure.missed_periods),
                "still_used": failure.still_used,
                "ratchet": _text(failure.ratchet),
            }
            for failure in failures
        ]
    return snapshot


def _band_result(snapshot: Mapping[str, Any], terms: PaymentTerms) -> BandResult | None:
    band = snapshot.get("band")
    if band is None or terms.revenue_band is None:
        return None
    return revenue_band_sharing(
        terms.revenue_band,
        year=int(band["year"]),
        actual_revenue=Decimal(band["actual_revenue"]),
        plan_revenue=Decimal(band["plan_revenue"]),
        conditions=BandConditions(**band["conditions"]),
        operating_year=int(band["operating_year"]),
        upside_exempt_years=int(band["upside_exempt_years"]),
        places=int(snapshot["places"]),
    )


def _statement_of(
    snapshot: Mapping[str, Any], adjustments: tuple[Line, ...] = ()
) -> tuple[Statement, BandResult | None]:
    """settle() on a snapshot: the one way a statement is computed, so a stored one can be recomputed."""
    terms = parse_payment_terms([(kind, parameters) for kind, parameters in snapshot["mechanisms"]])
    band = _band_result(snapshot, terms)
    inputs = SettlementInput(
        period=snapshot["period"],
        actuals=_service_actuals(snapshot["actuals"]),
        years_since_start=int(snapshot["years_since_start"]),
        service_levels=tuple(
            parse_service_level(level["code"], level["target"], level["unit"], level["rule"])
            for level in snapshot["service_levels"]
        ),
        kpi_results=tuple((code, Decimal(value)) for code, value in snapshot["kpi_results"]),
        failures=tuple(
            AvailabilityFailure(
                area=failure["area"],
                weighting=Decimal(failure["weighting"]),
                missed_periods=Decimal(failure["missed_periods"]),
                still_used=bool(failure["still_used"]),
                ratchet=Decimal(failure["ratchet"]),
                reference=failure["reference"],
            )
            for failure in snapshot.get("failures", ())
        ),
        total_weighting=terms.availability.total_weighting if terms.availability else Decimal(1),
        band=band,
        adjustments=adjustments,
        currency=snapshot["currency"],
        places=int(snapshot["places"]),
    )
    return settle(inputs, terms), band


def _computed(
    snapshot: Mapping[str, Any], adjustments: tuple[Line, ...] = ()
) -> tuple[Statement, BandResult | None]:
    try:
        return _statement_of(snapshot, adjustments)
    except SettlementInputError as error:
        raise ValidationFailed(
            "settlement.invalid_inputs",
            _("The statement cannot be computed from the contract's terms and actuals: %(error)s")
            % {"error": str(error)},
            {error.field: error.message},
        ) from None


# --- corrections of locked periods -----------------------------------------------------------------


def _settled_basis(locked: SettlementStatement) -> dict[str, Any]:
    """What was last settled for a locked month: its own snapshot, or the snapshot the latest approved
    correction of it was computed from."""
    key = f"{locked.period:%Y-%m}"
    correction = (
        SettlementStatement.objects.filter(
            contract_id=locked.contract_id,
            status=SettlementStatus.APPROVED,
            inputs__corrections__has_key=key,
        )
        .order_by("-approved_at", "-pk")
        .first()
    )
    if correction is not None:
        return dict(correction.inputs["corrections"][key])
    return {k: v for k, v in locked.inputs.items() if k != "corrections"}


def _corrections(contract: Contract, period: dt.date) -> tuple[tuple[Line, ...], dict[str, dict[str, Any]]]:
    """Adjustment lines for every locked earlier month whose inputs changed since it was settled, and
    the recomputed snapshots they were computed from (keyed by month)."""
    lines: list[Line] = []
    recomputed_snapshots: dict[str, dict[str, Any]] = {}
    locked_months = SettlementStatement.objects.filter(
        contract=contract, status=SettlementStatus.APPROVED, period__lt=period
    ).order_by("period")
    for locked in locked_months:
        basis = _settled_basis(locked)
        band = basis.get("band")
        conditions = band["conditions"] if band else None
        fresh = _snapshot(contract, locked.period, conditions)
        if _hash(fresh) == _hash(basis):
            continue
        before, _before_band = _computed(basis)
        after, _after_band = _computed(fresh)
        difference = adjustment_lines(before, after)
        if difference:
            lines += difference
            recomputed_snapshots[f"{locked.period:%Y-%m}"] = fresh
    return tuple(lines), recomputed_snapshots


def _inputs(
    contract: Contract, period: dt.date, band_conditions: Mapping[str, Any] | None
) -> tuple[dict[str, Any], tuple[Line, ...]]:
    snapshot = _snapshot(contract, period, band_conditions)
    adjustments, corrections = _corrections(contract, period)
    snapshot["corrections"] = corrections
    return snapshot, adjustments


def _hash(value: Any) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


# --- persisted form ---------------------------------------------------------------------------------


def _line_json(line: Line, band: BandResult | None) -> dict[str, Any]:
    inputs = dict(line.inputs)
    if band is not None and line.key.startswith("revenue_band."):
        inputs.update({f"condition.{c.name}": "true" if c.held else "false" for c in band.conditions})
    return {
        "key": line.key,
        "label": ADJUSTMENT_LABEL if line.section == "adjustment" else LINE_LABELS.get(line.key, line.key),
        "amount": str(line.amount),
        "payee": line.payee,
        "rule": line.rule,
        "inputs": inputs,
        "reference": line.reference,
        "section": line.section,
    }


def _band_json(band: BandResult | None, snapshot: Mapping[str, Any]) -> dict[str, Any] | None:
    if band is None:
        return None
    return {
        "year": band.year,
        "actual_revenue": str(band.actual_revenue),
        "plan_revenue": str(band.plan_revenue),
        "upper_amount": str(band.upper_amount),
        "lower_amount": str(band.lower_amount),
        "side": band.side,
        "gap": str(band.gap),
        "amount": str(band.amount),
        "payee": band.payee,
        "applied": band.applied,
        "conditions": [{"name": c.name, "applies_to": c.applies_to, "held": c.held} for c in band.conditions],
        "failed_conditions": list(band.failed_conditions),
        "operating_year": snapshot["band"]["operating_year"],
    }


def _figures(statement: SettlementStatement) -> dict[str, Any]:
    return {
        "period": f"{statement.period:%Y-%m}",
        "version": statement.version,
        "status": statement.status,
        "net_revenue": statement.net_revenue,
        "provider_share": statement.provider_share,
        "state_share": statement.state_share,
        "adjustments": statement.adjustments,
        "net_payable_by_state": statement.net_payable_by_state,
        "inputs_hash": statement.inputs_hash,
    }


# --- services ---------------------------------------------------------------------------------------


@transaction.atomic
def settlement_compute(
    *,
    actor: User,
    contract: Contract,
    period: Any,
    band_conditions: Mapping[str, Any] | None = None,
) -> SettlementStatement:
    """Compute (or recompute) the draft statement of one month of the contract's term."""
    if not can_compute_settlement(actor, contract):
        raise PermissionDenied(
            "settlement.forbidden", _("Only the agency's finance officers compute statements.")
        )
    month = parse_period(period)
    row = Contract.objects.select_for_update().get(pk=contract.pk)
    if row.status not in SETTLED_CONTRACT_STATUSES:
        raise Conflict("settlement.contract_not_active", _("Only a signed contract in force is settled."))
    if month not in term_months(row):
        raise _invalid("period", _("The month is outside the contract's term."))
    existing = (
        SettlementStatement.objects.select_for_update()
        .filter(contract=row, period=month)
        .order_by("-version")
        .first()
    )
    if existing is not None and existing.is_locked:
        raise Conflict(
            "settlement.locked",
            _("The statement of %(month)s is approved and locked: a correction goes into a later month.")
            % {"month": f"{month:%m/%Y}"},
        )
    snapshot, adjustments = _inputs(row, month, band_conditions)
    result, band = _computed(snapshot, adjustments)
    values = {
        "currency": row.currency,
        "lines": [_line_json(line, band) for line in result.lines],
        "band": _band_json(band, snapshot),
        "net_revenue": result.revenue.net_revenue,
        "provider_share": result.provider_share,
        "state_share": result.state_share,
        "adjustments": result.adjustments,
        "net_payable_by_state": result.net_payable_by_state,
        "inputs": snapshot,
        "inputs_hash": _hash(snapshot),
        "computed_by": actor,
        "computed_at": timezone.now(),
    }
    before = None
    if existing is None:
        statement = SettlementStatement.objects.create(contract=row, period=month, version=1, **values)
    else:
        before = _figures(existing)
        for name, value in values.items():
            setattr(existing, name, value)
        existing.version += 1
        existing.save()
        statement = existing
    audit.record(
        actor=actor,
        action="settlement.computed",
        obj=statement,
        organisation_id=row.agency_id,
        before=before,
        after={**_figures(statement), "band": statement.band},
    )
    return statement


@transaction.atomic
def settlement_approve(*, actor: User, statement: SettlementStatement) -> SettlementStatement:
    """Approve and lock a draft statement, after checking it still matches its inputs."""
    row = (
        SettlementStatement.objects.select_for_update()
        .select_related("contract__agency")
        .get(pk=statement.pk)
    )
    contract = row.contract
    if not contract_permissions.is_contract_reviewer(
        actor, contract
    ) or contract_permissions.belongs_to_vendor(actor, contract):
        raise PermissionDenied(
            "settlement.forbidden", _("Only an approver of the agency's reviewing body approves statements.")
        )
    if row.computed_by_id == actor.pk:
        raise PermissionDenied(
            "settlement.own_work", _("You computed this statement: another approver decides.")
        )
    if row.status != SettlementStatus.DRAFT:
        raise Conflict("settlement.invalid_transition", _("The statement is already approved."))
    band = row.inputs.get("band")
    snapshot, _adjustments = _inputs(contract, row.period, band["conditions"] if band else None)
    if _hash(snapshot) != row.inputs_hash:
        raise Conflict(
            "settlement.stale",
            _("The actuals or the corrections changed since the statement was computed: recompute it."),
        )
    before = _figures(row)
    row.status = SettlementStatus.APPROVED
    row.approved_by = actor
    row.approved_at = timezone.now()
    row.save(update_fields=["status", "approved_by", "approved_at"])
    audit.record(
        actor=actor,
        action="settlement.approved",
        obj=row,
        organisation_id=contract.agency_id,
        before=before,
        after=_figures(row),
    )
    return row
