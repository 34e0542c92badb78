"""The writes of an import both paths (at once, or in the job) share: the months and services, the KPI
measurements or the availability failures a file holds, refused again under the contract's lock when
already imported and not replaced, and the audit entry with every figure before and after."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ppp import audit, money
from revenue_share import imports
from revenue_share.imports import ImportRejected
from revenue_share.models import (
    ActualsKind,
    ActualsUpload,
    AvailabilityFailure,
    KpiMeasurement,
    PeriodActual,
    Service,
)

FIGURES = ("valid_volume", "gross_collections", "refunds", "gateway_fees", "vat")
FAILURE_FIGURES = ("weighting", "missed_periods", "still_used", "ratchet")


def write(upload: ActualsUpload, parsed: Any) -> None:
    """Persist what a file holds, refusing (again, under the contract's lock) months already imported
    unless the upload replaces them, and leave the audit entry with every figure before and after."""
    if upload.kind == ActualsKind.KPIS:
        summary, before, after = _write_kpis(upload, parsed.items)
    elif upload.kind == ActualsKind.FAILURES:
        summary, before, after = _write_failures(upload, parsed.items)
    else:
        rows = parsed.totals if upload.kind == ActualsKind.TRANSACTIONS else parsed.items
        summary, before, after = _write_periods(upload, rows)
    if upload.kind == ActualsKind.TRANSACTIONS:
        summary["transactions"] = parsed.rows
        summary["refunded"] = sum(row.refunded for row in parsed.totals)
        summary["failed"] = sum(row.failed for row in parsed.totals)
    upload.summary = summary
    upload.save(update_fields=["status", "rows", "finished_at", "summary"])
    record(upload, "actuals.imported", before=before or None, after={**summary, "rows": after})


def _refuse_taken(upload: ActualsUpload, taken: list[tuple[dt.date, str]]) -> None:
    if taken and not upload.replace:
        problems = [
            imports.Problem(None, f"periods[{period:%Y-%m}].{code}", imports.taken_message(period, code))
            for period, code in sorted(taken)
        ]
        raise ImportRejected(problems[: imports.MAX_REPORTED], len(problems))


def _write_periods(upload: ActualsUpload, rows: Any) -> tuple[dict[str, Any], list[Any], list[Any]]:
    contract = upload.contract
    services = dict(Service.objects.filter(code__in={row.service for row in rows}).values_list("code", "pk"))
    wanted = {(row.period, services[row.service]) for row in rows}
    existing = {
        (actual.period, actual.service_id): actual
        for actual in PeriodActual.objects.select_related("service").filter(
            contract=contract, period__in={period for period, _ in wanted}, service_id__in=services.values()
        )
        if (actual.period, actual.service_id) in wanted
    }
    _refuse_taken(upload, [(period, actual.service.code) for (period, _), actual in existing.items()])
    created, replaced, before, after = [], [], [], []
    for row in rows:
        figures = {
            "valid_volume": row.valid_volume,
            "gross_collections": row.gross_collections,
            "refunds": row.refunds,
            "gateway_fees": getattr(row, "gateway_fees", money.to_decimal(0)),
            "vat": row.vat,
        }
        after.append({"period": f"{row.period:%Y-%m}", "service": row.service, **figures})
        actual = existing.get((row.period, services[row.service]))
        if actual is None:
            created.append(
                PeriodActual(
                    contract=contract,
                    period=row.period,
                    service_id=services[row.service],
                    currency=contract.currency,
                    upload=upload,
                    **figures,
                )
            )
            continue
        before.append(
            {
                "period": f"{row.period:%Y-%m}",
                "service": row.service,
                "upload": actual.upload_id,
                **{name: getattr(actual, name) for name in FIGURES},
            }
        )
        for name, value in figures.items():
            setattr(actual, name, value)
        actual.upload = upload
        replaced.append(actual)
    PeriodActual.objects.bulk_create(created)
    PeriodActual.objects.bulk_update(replaced, [*FIGURES, "upload"])
    return {"created": len(created), "replaced": len(replaced)}, before, after


def _write_kpis(upload: ActualsUpload, items: Any) -> tuple[dict[str, Any], list[Any], list[Any]]:
    contract = upload.contract
    wanted = {(item.period, item.code) for item in items}
    existing = {
        (m.period, m.code): m
        for m in KpiMeasurement.objects.filter(
            contract=contract, period__in={p for p, _c in wanted}, code__in={c for _p, c in wanted}
        )
        if (m.period, m.code) in wanted
    }
    _refuse_taken(upload, list(existing))
    created, replaced, before, after = [], [], [], []
    for item in items:
        after.append({"period": f"{item.period:%Y-%m}", "code": item.code, "value": item.value})
        measurement = existing.get((item.period, item.code))
        if measurement is None:
            created.append(
                KpiMeasurement(
                    contract=contract, period=item.period, code=item.code, value=item.value, upload=upload
                )
            )
            continue
        before.append(
            {
                "period": f"{item.period:%Y-%m}",
                "code": item.code,
                "value": measurement.value,
                "upload": measurement.upload_id,
            }
        )
        measurement.value, measurement.upload = item.value, upload
        replaced.append(measurement)
    KpiMeasurement.objects.bulk_create(created)
    KpiMeasurement.objects.bulk_update(replaced, ["value", "upload"])
    return {"created": len(created), "replaced": len(replaced)}, before, after


def _write_failures(upload: ActualsUpload, items: Any) -> tuple[dict[str, Any], list[Any], list[Any]]:
    contract = upload.contract
    wanted = {(item.period, item.area, item.reference) for item in items}
    existing = {
        (f.period, f.area, f.reference): f
        for f in AvailabilityFailure.objects.filter(
            contract=contract, period__in={p for p, _a, _r in wanted}, area__in={a for _p, a, _r in wanted}
        )
        if (f.period, f.area, f.reference) in wanted
    }
    if existing and not upload.replace:
        problems = [
            imports.Problem(
                None,
                f"periods[{period:%Y-%m}].{imports.failure_label(area, reference)}",
                imports.taken_message(period, imports.failure_label(area, reference)),
            )
            for period, area, reference in sorted(existing)
        ]
        raise ImportRejected(problems[: imports.MAX_REPORTED], len(problems))
    created, replaced, before, after = [], [], [], []
    for item in items:
        figures = {name: getattr(item, name) for name in FAILURE_FIGURES}
        shown = {"period": f"{item.period:%Y-%m}", "area": item.area, "reference": item.reference}
        after.append({**shown, **figures})
        failure = existing.get((item.period, item.area, item.reference))
        if failure is None:
            created.append(
                AvailabilityFailure(
                    contract=contract,
                    period=item.period,
                    area=item.area,
                    reference=item.reference,
                    upload=upload,
                    **figures,
                )
            )
            continue
        stored = {name: getattr(failure, name) for name in FAILURE_FIGURES}
        before.append({**shown, **stored, "upload": failure.upload_id})
        for name, value in figures.items():
            setattr(failure, name, value)
        failure.upload = upload
        replaced.append(failure)
    AvailabilityFailure.objects.bulk_create(created)
    AvailabilityFailure.objects.bulk_update(replaced, [*FAILURE_FIGURES, "upload"])
    return {"created": len(created), "replaced": len(replaced)}, before, after


def record(upload: ActualsUpload, action: str, *, before: Any = None, after: Any = None) -> None:
    audit.record(
        actor=upload.uploaded_by,
        action=action,
        obj=upload,
        organisation_id=upload.contract.agency_id,
        before=before,
        after={"contract": upload.contract_id, "kind": upload.kind, **(after or {})},
    )
