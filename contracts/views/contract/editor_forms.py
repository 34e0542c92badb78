"""The forms of the draft contract's editors (contracts/views/contract/editors.py): the shared table of
rows with blank rows for new entries, the service levels, the milestones and the PPP financial plan; the
payment mechanism's form is in mechanism_form.py. Percentages are typed as percent (5 -> 0.05),
amounts in the reader's number format; a service's errors are placed next to their fields."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django import forms
from django.forms import BoundField
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from contracts.models import Contract, MeasurementPeriod
from costing.forms import NumberField, PercentField, plain
from costing.templatetags.costing_tags import legal_text
from ppp.errors import DomainError

TIER_ROWS = 5  # bands of a tiered share
FEE_ROWS = 5  # services of a per-transaction fee
BLANK_ROWS = 3  # new rows under the service levels, milestones and extra plan years
TWICE = gettext_lazy("appears twice")


def _service_value(value: Any) -> Any:
    """A cleaned value as the services take it: numbers as plain text (never 1E+9), blank as ""."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(plain(value), "f")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _stored(value: Any) -> Decimal | None:
    """A stored number (text in JSON, or a Decimal) for a form's initial value."""
    return None if value in (None, "") else Decimal(str(value))


def _cell_label(column: Any, row: int) -> Any:
    """The label of a table cell's input (hidden visually: the column heading says it)."""
    return format_lazy(gettext_lazy("{column}, row {row}"), column=column, row=row)


@dataclass
class Cell:
    field: BoundField
    css: str = ""


@dataclass
class Row:
    """One row of a table of inputs; `header` is a row heading (the year of a plan row)."""

    cells: list[Cell]
    header: Any = None


@dataclass
class Table:
    testid: str
    caption: Any
    columns: list[Any]
    rows: list[Row] = field(default_factory=list)


class EditorForm(forms.Form):
    """What every editor's form shares: the contract, and the service's field errors placed next to the
    fields (`locate` turns a service's key such as "levels[2].target" into a field name)."""

    def __init__(self, *args: Any, contract: Contract, **kwargs: Any) -> None:
        self.contract = contract
        super().__init__(*args, **kwargs)

    def locate(self, key: str) -> str | None:
        raise NotImplementedError

    def place(self, error: DomainError) -> None:
        self.add_error(None, error.message)
        for key, message in error.fields.items():
            name = self.locate(key)
            if name in self.fields:
                if name not in self.errors:
                    self.add_error(name, legal_text(message))
            else:
                self.add_error(None, legal_text(message))

    def cell(self, name: str, css: str = "") -> Cell:
        return Cell(self[name], css)


def _row_index(key: str, prefix: str) -> tuple[int, str] | None:
    """'levels[2].rule.kind' with prefix 'levels' -> (2, 'rule.kind')."""
    if not key.startswith(f"{prefix}["):
        return None
    index, _bracket, rest = key[len(prefix) + 1 :].partition("]")
    try:
        return int(index), rest.lstrip(".")
    except ValueError:
        return None


# --- service levels -----------------------------------------------------------------------------------

RULE_KINDS = (
    ("service_credit", gettext_lazy("Service credit")),
    ("deduction", gettext_lazy("Deduction")),
)
LEVEL_COLUMNS = (
    ("code", gettext_lazy("Code")),
    ("name", gettext_lazy("Name")),
    ("target", gettext_lazy("Target")),
    ("unit", gettext_lazy("Unit")),
    ("period", gettext_lazy("Measured")),
    ("rule_kind", gettext_lazy("When missed")),
    ("rule_rate", gettext_lazy("Rate (%)")),
)


class ServiceLevelsForm(EditorForm):
    """A row per KPI, "level_<n>_<column>", the saved ones and a few blank ones."""

    def __init__(self, *args: Any, contract: Contract, **kwargs: Any) -> None:
        saved = list(contract.service_levels.all())
        self.count = len(saved) + BLANK_ROWS
        initial: dict[str, Any] = {f"level_{n}_unit": "%" for n in range(self.count)}
        for n, level in enumerate(saved):
            initial.update({
                f"level_{n}_code": level.code, f"level_{n}_name": level.name,
                f"level_{n}_target": Decimal(level.target), f"level_{n}_unit": level.unit,
                f"level_{n}_period": level.period, f"level_{n}_rule_kind": level.rule.get("kind", ""),
                f"level_{n}_rule_rate": _stored(level.rule.get("rate")),
            })  # fmt: skip
        kwargs.setdefault("initial", initial)
        super().__init__(*args, contract=contract, **kwargs)
        self.sent: list[int] = []
        label = dict(LEVEL_COLUMNS)
        for n in range(self.count):
            row = n + 1
            self.fields[f"level_{n}_code"] = forms.CharField(
                label=_cell_label(label["code"], row), required=False, max_length=30
            )
            self.fields[f"level_{n}_name"] = forms.CharField(
                label=_cell_label(label["name"], row), required=False, max_length=300
            )
            self.fields[f"level_{n}_target"] = NumberField(
                label=_cell_label(label["target"], row), required=False
            )
            self.fields[f"level_{n}_unit"] = forms.CharField(
                label=_cell_label(label["unit"], row), required=False, max_length=30
            )
            self.fields[f"level_{n}_period"] = forms.ChoiceField(
                label=_cell_label(label["period"], row),
                required=False,
                choices=[("", "—"), *MeasurementPeriod.choices],
            )
            self.fields[f"level_{n}_rule_kind"] = forms.ChoiceField(
                label=_cell_label(label["rule_kind"], row), required=False, choices=[("", "—"), *RULE_KINDS]
            )
            self.fields[f"level_{n}_rule_rate"] = PercentField(
                label=_cell_label(label["rule_rate"], row), required=False
            )  # fmt: skip

    def values(self) -> list[dict[str, Any]]:
        data, levels = self.cleaned_data, []
        self.sent = []
        for n in range(self.count):
            cells = {column: data.get(f"level_{n}_{column}") for column, _label in LEVEL_COLUMNS}
            if all(cells[c] in (None, "") for c in ("code", "name", "target", "rule_rate")):
                continue
            self.sent.append(n)
            levels.append({
                "code": cells["code"], "name": cells["name"], "target": _service_value(cells["target"]),
                "unit": cells["unit"], "period": cells["period"],
                "rule": {"kind": cells["rule_kind"], "rate": _service_value(cells["rule_rate"])},
            })  # fmt: skip
        return levels

    def locate(self, key: str) -> str | None:
        found = _row_index(key, "levels")
        if found is None or found[0] >= len(self.sent):
            return None
        return f"level_{self.sent[found[0]]}_{found[1].replace('.', '_')}"

    def table(self) -> Table:
        numbers = {"target", "rule_rate"}
        return Table(
            "service-levels-table",
            _("Service levels (KPIs): leave a row blank to add nothing"),
            [label for _column, label in LEVEL_COLUMNS],
            [
                Row(
                    [
                        self.cell(f"level_{n}_{c}", "cell-number" if c in numbers else "")
                        for c, _l in LEVEL_COLUMNS
                    ]
                )
                for n in range(self.count)
            ],
        )


# --- milestones ---------------------------------------------------------------------------------------

MILESTONE_COLUMNS = (
    ("name", gettext_lazy("Milestone")),
    ("due_date", gettext_lazy("Due")),
    ("amount", gettext_lazy("Payment")),
    ("acceptance_criteria", gettext_lazy("Acceptance criteria")),
)


class MilestonesForm(EditorForm):
    """A row per milestone, "milestone_<n>_<column>", the saved ones and a few blank ones."""

    def __init__(self, *args: Any, contract: Contract, **kwargs: Any) -> None:
        saved = list(contract.milestones.all())
        self.count = len(saved) + BLANK_ROWS
        initial: dict[str, Any] = {}
        for n, milestone in enumerate(saved):
            initial.update({
                f"milestone_{n}_name": milestone.name, f"milestone_{n}_due_date": milestone.due_date,
                f"milestone_{n}_amount": milestone.amount,
                f"milestone_{n}_acceptance_criteria": milestone.acceptance_criteria,
            })  # fmt: skip
        kwargs.setdefault("initial", initial)
        super().__init__(*args, contract=contract, **kwargs)
        self.sent: list[int] = []
        label = dict(MILESTONE_COLUMNS)
        for n in range(self.count):
            row = n + 1
            self.fields[f"milestone_{n}_name"] = forms.CharField(
                label=_cell_label(label["name"], row), required=False, max_length=300
            )
            self.fields[f"milestone_{n}_due_date"] = forms.DateField(
                label=_cell_label(label["due_date"], row),
                required=False,
                widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            )
            self.fields[f"milestone_{n}_amount"] = NumberField(
                label=_cell_label(label["amount"], row), required=False
            )
            self.fields[f"milestone_{n}_acceptance_criteria"] = forms.CharField(
                label=_cell_label(label["acceptance_criteria"], row), required=False, max_length=20_000,
                widget=forms.Textarea(attrs={"rows": 2, "cols": 40}),
            )  # fmt: skip

    def values(self) -> list[dict[str, Any]]:
        data, milestones = self.cleaned_data, []
        self.sent = []
        for n in range(self.count):
            cells = {column: data.get(f"milestone_{n}_{column}") for column, _label in MILESTONE_COLUMNS}
            if all(value in (None, "") for value in cells.values()):
                continue
            self.sent.append(n)
            milestones.append({column: _service_value(value) for column, value in cells.items()})
        return milestones

    def locate(self, key: str) -> str | None:
        found = _row_index(key, "milestones")
        if found is None or found[0] >= len(self.sent):
            return None
        return f"milestone_{self.sent[found[0]]}_{found[1]}"

    def table(self) -> Table:
        return Table(
            "milestones-table",
            _("Milestones: leave a row blank to add nothing"),
            [label for _column, label in MILESTONE_COLUMNS],
            [Row([self.cell(f"milestone_{n}_{c}", "cell-number" if c == "amount" else "")
                  for c, _l in MILESTONE_COLUMNS]) for n in range(self.count)],
        )  # fmt: skip


# --- financial plan -----------------------------------------------------------------------------------


class PlanForm(EditorForm):
    """A PPP contract's projected revenue: "revenue_<year>" for each year of the term, and rows
    "extra_<n>_<year|amount>" for other years (saved years outside the term first, then blank ones)."""

    def __init__(self, *args: Any, contract: Contract, **kwargs: Any) -> None:
        saved = {y.year: y.projected_revenue for y in contract.financial_plan.all()}
        start, end = contract.start_date, contract.end_date
        self.years = list(range(start.year, end.year + 1)) if start and end and start <= end else []
        outside = [year for year in saved if year not in self.years]
        self.count = len(outside) + BLANK_ROWS
        initial: dict[str, Any] = {f"revenue_{year}": saved.get(year) for year in self.years}
        for n, year in enumerate(outside):
            initial.update({f"extra_{n}_year": year, f"extra_{n}_amount": saved[year]})
        kwargs.setdefault("initial", initial)
        super().__init__(*args, contract=contract, **kwargs)
        self.where: dict[str, str] = {}
        for year in self.years:
            self.fields[f"revenue_{year}"] = NumberField(
                label=format_lazy(gettext_lazy("Projected revenue {year}"), year=year), required=False
            )
        for n in range(self.count):
            self.fields[f"extra_{n}_year"] = forms.IntegerField(
                label=_cell_label(gettext_lazy("Year"), n + 1),
                required=False,
                min_value=2000,
                max_value=2100,
                widget=forms.TextInput(attrs={"inputmode": "numeric", "size": 6}),
            )
            self.fields[f"extra_{n}_amount"] = NumberField(
                label=_cell_label(gettext_lazy("Projected revenue"), n + 1), required=False
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        given = {year for year in self.years if data.get(f"revenue_{year}") is not None}
        for n in range(self.count):
            extra, amount = data.get(f"extra_{n}_year"), data.get(f"extra_{n}_amount")
            if extra is None and amount is not None and f"extra_{n}_year" not in self.errors:
                self.add_error(f"extra_{n}_year", _("Give the year."))
            elif extra is not None and extra in given:
                self.add_error(f"extra_{n}_year", TWICE)
            elif extra is not None:
                given.add(extra)
        return data

    def values(self) -> dict[str, Any]:
        """The service's `revenue`: {year: amount}; a term year left blank is not in the plan."""
        data, revenue = self.cleaned_data, {}
        for year in self.years:
            if data.get(f"revenue_{year}") is not None:
                revenue[str(year)] = _service_value(data[f"revenue_{year}"])
                self.where[f"revenue.{year}"] = f"revenue_{year}"
        for n in range(self.count):
            extra = data.get(f"extra_{n}_year")
            if extra is not None:
                revenue[str(extra)] = _service_value(data.get(f"extra_{n}_amount"))
                self.where[f"revenue.{extra}"] = f"extra_{n}_amount"
        return revenue

    def locate(self, key: str) -> str | None:
        return self.where.get(key)

    def tables(self) -> list[Table]:
        term = Table("plan-term", _("The years of the contract's term"), [_("Year"), _("Projected revenue")])
        term.rows = [Row([self.cell(f"revenue_{year}", "cell-number")], header=year) for year in self.years]
        extra = Table("plan-extra", _("Other years: leave a row blank to add nothing"),
                      [_("Year"), _("Projected revenue")])  # fmt: skip
        extra.rows = [
            Row([self.cell(f"extra_{n}_year", "cell-number"), self.cell(f"extra_{n}_amount", "cell-number")])
            for n in range(self.count)
        ]
        return [term, extra] if self.years else [extra]
