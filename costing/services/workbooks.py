"""Import of a filled cost-model workbook: all or nothing, every error named by sheet, row and column.

Derived lines (project management, contingency) found in a workbook, as an exported one carries
them, are not imported: they are recomputed from the rule book, never typed.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from costing import calculations, permissions, selectors
from costing.calculations.appraisal import appraise
from costing.models import DERIVED_CATEGORIES, CostLine, CostModel, Option, Risk
from costing.spreadsheets import DEFAULT_MAX_BYTES, ERROR_CODE, parse_workbook
from ppp.errors import PermissionDenied, ValidationFailed
from ppp.models import Organisation, User

from ._common import record
from .workflow import clean_model_fields

XLSX_CONTENT_TYPES = frozenset(
    {
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/octet-stream",
        "application/zip",
        "",
    }
)


def check_upload(*, name: str, size: int, content_type: str = "", max_bytes: int = DEFAULT_MAX_BYTES) -> None:
    """Refuse a file by its name, size and type before reading it into memory."""
    if size > max_bytes:
        raise ValidationFailed(
            ERROR_CODE,
            _("The file is larger than %(limit)s MB; nothing was imported.")
            % {"limit": max_bytes // (1024 * 1024)},
            {"file": _("over the size limit")},
        )
    if not name.lower().endswith(".xlsx") or (content_type or "") not in XLSX_CONTENT_TYPES:
        raise ValidationFailed(
            ERROR_CODE, _("Upload an Excel workbook (.xlsx)."), {"file": _("not an .xlsx workbook")}
        )


@transaction.atomic
def cost_model_import(
    *, actor: User, organisation: Organisation, data: bytes, name: str = ""
) -> tuple[CostModel, dict[str, Any]]:
    """A new draft version from a filled template; returns (model, report) where the report counts
    what was imported and which derived lines were skipped."""
    if not permissions.can_create_cost_model(actor, organisation):
        raise PermissionDenied(
            "cost_model.forbidden", _("Only the agency's finance officers create its cost models.")
        )
    workbook = parse_workbook(data)
    fields = clean_model_fields(
        {
            "name": name or workbook.name,
            "purpose": workbook.purpose,
            "currency": workbook.currency,
            "base_year": workbook.base_year,
            "horizon": workbook.horizon,
            "basis": workbook.basis,
            "discount_rate": workbook.discount_rate,
            "discount_rate_basis": workbook.discount_rate_basis,
            "vat_rate": workbook.vat_rate,
            "general_escalation": workbook.general_escalation,
        },
        partial=False,
    )
    model = CostModel.objects.create(organisation=organisation, created_by=actor, **fields)
    model.editors.add(actor)
    skipped: list[str] = []
    counts = {"options": 0, "lines": 0, "risks": 0}
    for workbook_option in workbook.options:
        option = Option.objects.create(
            model=model,
            kind=workbook_option.kind,
            name=workbook_option.name,
            competitive_neutrality=workbook_option.competitive_neutrality,
        )
        counts["options"] += 1
        lines = []
        for position, line in enumerate(workbook_option.lines, start=1):
            if line.category in DERIVED_CATEGORIES:
                skipped.append(f"{workbook_option.kind}:{line.code}")
                continue
            lines.append(
                CostLine(
                    option=option,
                    position=position,
                    code=line.code,
                    name=line.name,
                    category=line.category,
                    kind=line.kind,
                    unit=line.unit,
                    unit_cost=line.unit_cost,
                    quantities=[str(q) for q in line.quantities],
                    escalation_rate=line.escalation_rate,
                    refresh_cycle_years=line.refresh_cycle_years,
                    vat_applicable=line.vat_applicable,
                    assumption=line.assumption,
                    source=line.source,
                )
            )
        CostLine.objects.bulk_create(lines)
        counts["lines"] += len(lines)
        Risk.objects.bulk_create(
            [
                Risk(
                    option=option,
                    position=position,
                    code=risk.code,
                    name=risk.name,
                    probability=risk.probability,
                    minimum=risk.minimum,
                    most_likely=risk.most_likely,
                    maximum=risk.maximum,
                    distribution=risk.distribution,
                    first_year=risk.first_year,
                    last_year=risk.last_year,
                    public_share=risk.public_share,
                )
                for position, risk in enumerate(workbook_option.risks, start=1)
            ]
        )
        counts["risks"] += len(workbook_option.risks)
    try:
        appraise(selectors.cost_model_snapshot(model=model), tornado_percent=None)
    except calculations.CalculationInputError as error:
        raise ValidationFailed(
            ERROR_CODE,
            _("The workbook's figures cannot be calculated; nothing was imported."),
            {"file": f"{error.field}: {error.message}"},
        ) from None
    report = {**counts, "skipped_derived_lines": skipped, "bytes": len(data)}
    record(actor, model, "cost_model.imported", after={"report": report})
    return model, report
