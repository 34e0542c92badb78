"""The fast lines grid of an option: one HTML table form, one row per line, saved all or nothing by
services.lines_save. Cells are named lines-<row>-<field> and lines-<row>-q<period>; the service names
its errors "lines[i].field", i counting the rows that were sent (blank rows are left out)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from costing import selectors, services
from costing.forms import category_choices, shown_number, shown_percent, typed_number, typed_percent
from costing.models import SUGGESTED_UNITS, CostLine, CostModel, Option
from costing.services import LineData
from ppp.errors import DomainError, PermissionDenied

from ._common import can, with_model

BLANK_ROWS = 3
ROW_FIELD = re.compile(r"^lines-(\d+)-")
ERROR_KEY = re.compile(r"^lines\[(\d+)\]\.(.+)$")
TEXT_FIELDS = (
    "id",
    "code",
    "name",
    "category",
    "unit",
    "unit_cost",
    "escalation_rate",
    "refresh_cycle_years",
)
GENERATOR_FIELDS = ("start_year", "end_year", "starting_quantity", "growth_rate")


@dataclass
class GridRow:
    """One row as the table shows it: values as typed (or as stored, in the reader's format)."""

    index: int
    values: dict[str, str]
    quantities: list[str]
    vat: bool = True
    delete: bool = False
    generated: bool = False
    generator: dict[str, str] = field(default_factory=dict)
    line_id: int | None = None
    years: list[int] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)
    quantity_errors: dict[int, str] = field(default_factory=dict)

    @property
    def is_new(self) -> bool:
        return self.line_id is None

    @property
    def number(self) -> int:
        return self.index + 1

    @property
    def cells(self) -> list[tuple[int, int, str, str | None]]:
        return [
            (period, year, value, self.quantity_errors.get(period))
            for period, (year, value) in enumerate(zip(self.years, self.quantities, strict=False))
        ]

    @property
    def messages(self) -> list[str]:
        return list(self.errors.values()) + list(self.quantity_errors.values())


def _row_from_line(index: int, line: CostLine, horizon: int) -> GridRow:
    quantities = [shown_number(q) for q in line.quantities][:horizon]
    quantities += [""] * (horizon - len(quantities))
    return GridRow(
        index=index,
        values={
            "id": str(line.pk),
            "code": line.code,
            "name": line.name,
            "category": line.category,
            "unit": line.unit,
            "unit_cost": shown_number(line.unit_cost),
            "escalation_rate": shown_percent(line.escalation_rate),
            "refresh_cycle_years": "" if line.refresh_cycle_years is None else str(line.refresh_cycle_years),
        },
        quantities=quantities,
        vat=line.vat_applicable,
        generated=line.is_generated,
        generator={
            "start_year": str(line.start_year or ""),
            "end_year": str(line.end_year or ""),
            "starting_quantity": "" if line.starting_quantity is None else str(line.starting_quantity),
            "growth_rate": "" if line.growth_rate is None else str(line.growth_rate),
        },
        line_id=line.pk,
    )


def _blank_row(index: int, horizon: int) -> GridRow:
    return GridRow(
        index=index, values={name: "" for name in TEXT_FIELDS}, quantities=[""] * horizon, vat=True
    )


def _posted_rows(post: Any, horizon: int, lines: dict[int, CostLine]) -> list[GridRow]:
    indices = sorted({int(match.group(1)) for key in post if (match := ROW_FIELD.match(key))})
    rows = []
    for index in indices:
        prefix = f"lines-{index}-"
        values = {name: post.get(prefix + name, "").strip() for name in TEXT_FIELDS}
        line_id = int(values["id"]) if values["id"].isdigit() else None
        line = lines.get(line_id) if line_id is not None else None
        generated = post.get(prefix + "generated") == "1" and line is not None and line.is_generated
        rows.append(
            GridRow(
                index=index,
                values=values,
                quantities=[post.get(f"{prefix}q{period}", "").strip() for period in range(horizon)],
                vat=post.get(prefix + "vat_applicable") == "on",
                delete=post.get(prefix + "delete") == "on",
                generated=generated,
                generator={name: post.get(prefix + name, "") for name in GENERATOR_FIELDS}
                if generated
                else {},
                line_id=line_id,
            )
        )
    return rows


def _is_blank(row: GridRow) -> bool:
    typed = [value for name, value in row.values.items() if name not in ("id", "category")]
    return row.line_id is None and not any(typed) and not any(row.quantities)


def _line_data(row: GridRow, line: CostLine | None) -> LineData:
    values = row.values
    data = LineData(
        id=row.line_id,
        delete=row.delete,
        code=values["code"],
        name=values["name"],
        category=values["category"],
        unit=values["unit"],
        unit_cost=typed_number(values["unit_cost"]),
        escalation_rate=typed_percent(values["escalation_rate"]),
        refresh_cycle_years=values["refresh_cycle_years"] or None,
        vat_applicable=row.vat,
        # The grid does not show the notes: a changed line keeps its own.
        assumption=line.assumption if line is not None else "",
        source=line.source if line is not None else "",
    )
    if row.generated:
        generator = row.generator
        data.start_year = generator.get("start_year")
        data.end_year = generator.get("end_year")
        data.starting_quantity = generator.get("starting_quantity")
        data.growth_rate = generator.get("growth_rate")
    else:
        data.quantities = [typed_number(value) or "0" for value in row.quantities]
    return data


def _place_errors(rows: list[GridRow], sent: list[GridRow], error: DomainError) -> list[str]:
    """Put each "lines[i].field" error on its cell; return the ones that have no cell."""
    left = []
    for key, message in error.fields.items():
        match = ERROR_KEY.match(key)
        if match is None or int(match.group(1)) >= len(sent):
            left.append(f"{key}: {message}")
            continue
        row, name = sent[int(match.group(1))], match.group(2)
        quantity = re.match(r"^quantities\[(\d+)\]$", name)
        if quantity:
            row.quantity_errors[int(quantity.group(1))] = message
        elif name in TEXT_FIELDS or name == "vat_applicable":
            row.errors[name] = message
        elif name in GENERATOR_FIELDS or name == "quantities":
            row.errors["quantities"] = message
        else:
            row.errors.setdefault("code", f"{name}: {message}")
    return left


@with_model
@require_http_methods(["GET", "POST"])
def lines_grid(request: HttpRequest, model: CostModel, option_id: int) -> HttpResponse:
    option: Option = selectors.option_get_for(user=request.user, model=model, pk=option_id)  # type: ignore[arg-type]
    lines = {line.pk: line for line in option.lines.order_by("position", "pk")}
    horizon = model.horizon
    status = 200
    problems: list[str] = []
    error_message = ""
    if request.method == "POST":
        rows = _posted_rows(request.POST, horizon, lines)
        sent = [row for row in rows if not _is_blank(row)]
        try:
            services.lines_save(
                actor=request.user,  # type: ignore[arg-type]
                option=option,
                rows=[_line_data(row, lines.get(row.line_id or 0)) for row in sent],
            )
        except PermissionDenied:
            raise
        except DomainError as error:
            status = error.status_code
            error_message = error.message
            problems = _place_errors(rows, sent, error)
        else:
            messages.success(request, _("Lines saved."))
            return redirect("costing:lines_grid", pk=model.pk, option_id=option.pk)
    else:
        rows = [_row_from_line(index, line, horizon) for index, line in enumerate(lines.values())]
        rows += [_blank_row(len(rows) + extra, horizon) for extra in range(BLANK_ROWS)]
    for row in rows:
        row.years = model.years
    template_row = _blank_row(0, horizon)
    template_row.years = model.years
    allowed = can(request.user, model)
    return render(
        request,
        "costing/lines_grid.html",
        {
            "model": model,
            "option": option,
            "rows": rows,
            "template_row": template_row,
            "next_index": max((row.index for row in rows), default=-1) + 1,
            "years": model.years,
            "categories": category_choices(),
            "units": SUGGESTED_UNITS,
            "can": allowed,
            "error_message": error_message,
            "problems": problems,
        },
        status=status,
    )
