"""Import of a filled cost-model workbook: all or nothing, every error named by sheet and cell.

Numbers: openpyxl gives floats; each becomes Decimal(repr(value)) (the shortest text that reads back
as the same float, so 0.1 stays 0.1), then is rounded ROUND_HALF_UP to 6 decimal places (amounts,
quantities) or 10 (rates). Rates are fractions: a cell shown as 10% holds 0.1; the text "10%" is
accepted too. Text in a number cell, NaN, infinities, dates and TRUE/FALSE are refused.

Formulas in input cells: the workbook is read twice, once for the values that Excel or LibreOffice
stored with each formula (data_only) and once for the formulas themselves. A formula cell is
accepted with its stored value. One without a stored value (written by a program that does not
calculate) is refused with its cell named: the server never evaluates spreadsheet formulas.

Messages are in the language active when the error is raised (the request's), through gettext; the
keys that name the sheet and cell ("Lines!E7", "Model!vat_rate", "Risks", "file") never change.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from costing.calculations import ALL_CATEGORIES, KINDS, generate_quantities
from costing.calculations.inputs import HORIZON_MAX
from costing.calculations.risk import DISTRIBUTIONS
from ppp import workbooks
from ppp.errors import ValidationFailed

from . import layout
from .records import OPTION_KINDS, WorkbookLine, WorkbookModel, WorkbookOption, WorkbookRisk

ERROR_CODE = "costing.workbook_invalid"
DEFAULT_MAX_BYTES = 5 * 1024 * 1024
# The unzipped parts may be at most this many times the upload limit (a guard against zip bombs).
MAX_DATA_ROWS = 5000
MAX_COLUMNS = 200
LARGEST_NUMBER = Decimal(10) ** 15
AMOUNT_PLACES = 6
RATE_PLACES = 10
CODE_LENGTH = 50
NAME_LENGTH = 255
TEXT_LENGTH = 2000
_PERCENT_TEXT = re.compile(r"[+-]?\d+(?:[.,]\d+)?")
_INVALID = object()  # a cell that already produced an error
# One whole sentence per kind of choice, so that each language can order its words.
_UNKNOWN_CHOICE = {
    "basis": gettext_noop("unknown basis %(value)s (%(choices)s)"),
    "category": gettext_noop("unknown category %(value)s (%(choices)s)"),
    "distribution": gettext_noop("unknown distribution %(value)s (%(choices)s)"),
    "kind": gettext_noop("unknown kind %(value)s (%(choices)s)"),
    "option": gettext_noop("unknown option %(value)s (%(choices)s)"),
}


class _CellError(ValueError):
    pass


class _SpreadsheetError(str):
    """An error value such as #DIV/0! or #NUM! (what a formula stores instead of NaN)."""

    __slots__ = ()


@dataclass
class _Grid:
    """The non-blank cells of one sheet: rows[row][column] = value (1-based)."""

    name: str
    rows: dict[int, dict[int, Any]] = field(default_factory=dict)
    unevaluated: set[tuple[int, int]] = field(default_factory=set)

    def data_rows(self) -> list[int]:
        numbers = {row for row in self.rows if row >= layout.FIRST_DATA_ROW}
        numbers.update(row for row, _ in self.unevaluated if row >= layout.FIRST_DATA_ROW)
        return sorted(numbers)


class _Errors:
    def __init__(self) -> None:
        self.fields: dict[str, str] = {}

    def add(self, key: str, message: str) -> None:
        self.fields[key] = f"{self.fields[key]}; {message}" if key in self.fields else message


def parse_workbook(data: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES) -> WorkbookModel:
    """Read a filled template (.xlsx bytes) into a WorkbookModel, or raise ValidationFailed.

    All or nothing: every error is collected and raised at once as
    ValidationFailed("costing.workbook_invalid", message, fields), where fields maps "Sheet!A1"
    (a cell), "Sheet!key" (a missing column or Model row), "Sheet" (a missing sheet) or "file" to a
    short message in the active language.
    """
    _check_file(data, max_bytes)
    grids = _load(data)
    errors = _Errors()
    for name in layout.REQUIRED_SHEETS:
        if name not in grids:
            errors.add(name, _("missing sheet"))
    scalars = _read_model(grids[layout.MODEL_SHEET], errors) if layout.MODEL_SHEET in grids else {}
    horizon = scalars.get("horizon")
    base_year = scalars.get("base_year")
    options: list[dict[str, Any]] = []
    if layout.OPTIONS_SHEET in grids:
        options = _read_options(grids[layout.OPTIONS_SHEET], errors)
    declared = {option["kind"] for option in options}
    lines: list[tuple[str, WorkbookLine]] = []
    if layout.LINES_SHEET in grids:
        lines = _read_lines(grids[layout.LINES_SHEET], errors, declared, horizon, base_year)
    risks: list[tuple[str, WorkbookRisk]] = []
    if layout.RISKS_SHEET in grids:
        risks = _read_risks(grids[layout.RISKS_SHEET], errors, declared, horizon, base_year)
    if errors.fields:
        count = len(errors.fields)
        message = ngettext(
            "The workbook has %(count)d error; nothing was imported.",
            "The workbook has %(count)d errors; nothing was imported.",
            count,
        ) % {"count": count}
        raise ValidationFailed(ERROR_CODE, message, errors.fields)
    return WorkbookModel(
        options=tuple(
            WorkbookOption(
                kind=option["kind"],
                name=option["name"],
                competitive_neutrality=option["competitive_neutrality"],
                lines=tuple(line for kind, line in lines if kind == option["kind"]),
                risks=tuple(risk for kind, risk in risks if kind == option["kind"]),
            )
            for option in options
        ),
        **scalars,
    )


def _file_error(message: str) -> ValidationFailed:
    return workbooks.file_error(ERROR_CODE, message)


def _check_file(data: bytes, max_bytes: int) -> None:
    workbooks.check_xlsx(data, max_bytes=max_bytes, code=ERROR_CODE)


def _load(data: bytes) -> dict[str, _Grid]:
    """Read the sheets we need, values and formula markers, in openpyxl's read-only mode."""
    wanted = set(layout.REQUIRED_SHEETS)
    try:
        values = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        formulas = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
        try:
            grids = {}
            for name in values.sheetnames:
                if name in wanted:
                    grids[name] = _grid(name, values[name].iter_rows(max_col=MAX_COLUMNS), formulas[name])
            return grids
        finally:
            values.close()
            formulas.close()
    except ValidationFailed:
        raise
    except Exception:  # openpyxl raises many kinds of errors on a damaged or foreign file
        raise _file_error(_("the workbook is damaged or not an .xlsx file")) from None


def _grid(name: str, value_rows: Iterable[Any], formula_sheet: Any) -> _Grid:
    grid = _Grid(name)
    limit = layout.FIRST_DATA_ROW + MAX_DATA_ROWS
    for row in value_rows:
        for cell in row:
            value = getattr(cell, "value", None)
            if value is None or (isinstance(value, str) and not value.strip()):
                continue
            if cell.row >= limit:
                values = {"sheet": name, "count": MAX_DATA_ROWS}
                raise ValidationFailed(
                    ERROR_CODE,
                    _("Sheet %(sheet)s has more than %(count)s rows.") % values,
                    {name: _("more than %(count)s rows") % values},
                )
            if cell.data_type == "e":
                value = _SpreadsheetError(value)
            grid.rows.setdefault(cell.row, {})[cell.column] = value
    for row in formula_sheet.iter_rows(max_col=MAX_COLUMNS, max_row=limit):
        for cell in row:
            if getattr(cell, "data_type", None) == "f" and cell.column not in grid.rows.get(cell.row, {}):
                grid.unevaluated.add((cell.row, cell.column))
    return grid


# --- cell values ---------------------------------------------------------------------------------


def _tidy(number: Decimal, places: int) -> Decimal:
    """Round to `places` decimals ROUND_HALF_UP and drop trailing zeros, never exponent notation."""
    rounded = number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    if rounded.is_zero():
        return Decimal(0)
    if rounded == rounded.to_integral_value():
        return rounded.quantize(Decimal(1))
    return rounded.normalize()


def _to_decimal(value: Any, *, percent: bool, places: int) -> Decimal:
    if isinstance(value, bool):
        raise _CellError(_("TRUE/FALSE is not a number"))
    if isinstance(value, datetime | date | time | timedelta):
        raise _CellError(_("a date is not a number"))
    if isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise _CellError(_("not a finite number"))
        number = Decimal(repr(value))
    elif isinstance(value, Decimal):
        number = value
    elif isinstance(value, str):
        text = value.strip()
        digits = text[:-1].strip() if text.endswith("%") else None
        if not (percent and digits is not None and _PERCENT_TEXT.fullmatch(digits)):
            shown = text if len(text) <= 30 else text[:27] + "..."
            raise _CellError(_("text %(text)s is not a number") % {"text": repr(shown)})
        number = Decimal(digits.replace(",", ".")) / 100
    else:
        raise _CellError(_("not a number"))
    if not number.is_finite():
        raise _CellError(_("not a finite number"))
    if abs(number) > LARGEST_NUMBER:
        raise _CellError(_("number too large"))
    return _tidy(number, places)


def _as_text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, float):
        return repr(value)
    return str(value).strip()


def _percent(number: Decimal) -> str:
    return workbooks.local_number(f"{_tidy(number * 100, 8)}%")


def _plain(number: Decimal) -> str:
    return workbooks.local_number(str(number))


class _Row:
    """Typed access to one row; every problem is recorded against the cell that holds it."""

    def __init__(self, grid: _Grid, row: int, columns: Mapping[str, int], errors: _Errors) -> None:
        self.grid = grid
        self.row = row
        self.columns = columns
        self.errors = errors

    def ref(self, key: str) -> str:
        return f"{self.grid.name}!{get_column_letter(self.columns[key])}{self.row}"

    def error(self, key: str, message: str) -> None:
        self.errors.add(self.ref(key), message)

    def raw(self, key: str) -> Any:
        """The cell's value; None when blank or the column is missing; _INVALID after an error."""
        column = self.columns.get(key)
        if column is None:
            return None
        if (self.row, column) in self.grid.unevaluated:
            self.error(
                key, _("formula without a stored value: type the value, or recalculate and save in Excel")
            )
            return _INVALID
        value = self.grid.rows.get(self.row, {}).get(column)
        if isinstance(value, _SpreadsheetError):
            self.error(key, _("the cell holds the error value %(value)s") % {"value": value})
            return _INVALID
        return value

    def present(self, key: str) -> bool:
        column = self.columns.get(key)
        if column is None:
            return False
        return column in self.grid.rows.get(self.row, {}) or (self.row, column) in self.grid.unevaluated

    def _required(self, key: str, value: Any, required: bool) -> bool:
        """True when there is a value to parse."""
        if value is _INVALID:
            return False
        if value is None:
            if required and key in self.columns:
                self.error(key, _("required"))
            return False
        return True

    def text(self, key: str, *, required: bool = False, limit: int = TEXT_LENGTH) -> str | None:
        value = self.raw(key)
        if not self._required(key, value, required):
            return None if value is _INVALID or required else ""
        text = _as_text(value)
        if len(text) > limit:
            self.error(key, _("longer than %(limit)s characters") % {"limit": limit})
            return None
        return text

    def number(
        self,
        key: str,
        *,
        required: bool = False,
        minimum: Decimal | int | None = None,
        maximum: Decimal | int | None = None,
        above_minimum: bool = False,
        percent: bool = False,
    ) -> Decimal | None:
        value = self.raw(key)
        if not self._required(key, value, required):
            return None
        try:
            number = _to_decimal(value, percent=percent, places=RATE_PLACES if percent else AMOUNT_PLACES)
        except _CellError as error:
            self.error(key, str(error))
            return None
        low = None if minimum is None else Decimal(minimum)
        high = None if maximum is None else Decimal(maximum)
        too_low = low is not None and (number <= low if above_minimum else number < low)
        too_high = high is not None and number > high
        if not (too_low or too_high):
            return number
        show = _percent if percent else _plain
        message = _("out of range")
        if low is not None and high is not None:
            bounds = {"low": show(low), "high": show(high)}
            if above_minimum:
                message = _("must be above %(low)s and at most %(high)s") % bounds
            else:
                message = _("must be from %(low)s to %(high)s") % bounds
        elif low is not None:
            if low == 0:
                message = _("must not be negative")
            else:
                message = _("must be at least %(bound)s") % {"bound": show(low)}
        elif high is not None:
            message = _("must be at most %(bound)s") % {"bound": show(high)}
        if percent and too_high and number > 1:
            # A rate typed as a percentage number (10 for 10%) is the usual slip: say how to write it.
            message = _("%(problem)s (enter 10%% as 0.1 or 10%%)") % {"problem": message}
        self.error(key, message)
        return None

    def integer(self, key: str, *, required: bool = False, minimum: int, maximum: int) -> int | None:
        value = self.raw(key)
        if not self._required(key, value, required):
            return None
        try:
            number = _to_decimal(value, percent=False, places=AMOUNT_PLACES)
        except _CellError as error:
            self.error(key, str(error))
            return None
        if number != number.to_integral_value():
            self.error(key, _("must be a whole number"))
            return None
        if not minimum <= number <= maximum:
            self.error(
                key,
                _("must be a whole number from %(minimum)s to %(maximum)s")
                % {"minimum": minimum, "maximum": maximum},
            )
            return None
        return int(number)

    def choice(self, key: str, choices: Iterable[str], *, what: str, required: bool = True) -> str | None:
        value = self.raw(key)
        if not self._required(key, value, required):
            return None
        text = _as_text(value).lower()
        allowed = tuple(choices)
        if text not in allowed:
            listed = ", ".join(allowed) if len(allowed) <= 6 else _("see the Instructions sheet")
            self.error(key, _(_UNKNOWN_CHOICE[what]) % {"value": repr(_as_text(value)), "choices": listed})
            return None
        return text

    def flag(self, key: str) -> bool | None:
        """yes/no, có/không, TRUE/FALSE, 1/0; blank means yes."""
        value = self.raw(key)
        if not self._required(key, value, False):
            return None if value is _INVALID else True
        text = _as_text(value).lower()
        if text in layout.YES_WORDS:
            return True
        if text in layout.NO_WORDS:
            return False
        self.error(key, _("%(value)s is not yes or no") % {"value": repr(_as_text(value))})
        return None


# --- sheets --------------------------------------------------------------------------------------


def _columns(grid: _Grid, required: Iterable[str], errors: _Errors) -> dict[str, int] | None:
    """Column number per machine key (row 2). Records missing columns; None if any is missing."""
    found: dict[str, int] = {}
    for column, value in sorted(grid.rows.get(layout.KEY_ROW, {}).items()):
        key = _as_text(value).lower()
        if key in found:
            errors.add(
                f"{grid.name}!{get_column_letter(column)}{layout.KEY_ROW}",
                _("duplicate column %(key)s") % {"key": repr(key)},
            )
        else:
            found[key] = column
    missing = [key for key in required if key not in found]
    for key in missing:
        errors.add(f"{grid.name}!{key}", _("missing column"))
    return None if missing else found


def _read_model(grid: _Grid, errors: _Errors) -> dict[str, Any]:
    columns = _columns(grid, ("key", "value"), errors)
    if columns is None:
        return {}
    row_of: dict[str, int] = {}
    for row in grid.data_rows():
        key = grid.rows.get(row, {}).get(columns["key"])
        if key is None:
            continue
        key = _as_text(key).lower()
        if key in row_of:
            errors.add(
                f"{grid.name}!{get_column_letter(columns['key'])}{row}",
                _("duplicate parameter %(key)s") % {"key": repr(key)},
            )
        else:
            row_of[key] = row
    values: dict[str, Any] = {}
    for spec in layout.MODEL_FIELDS:
        if spec.key not in row_of:
            errors.add(f"{grid.name}!{spec.key}", _("missing row"))
            continue
        reader = _Row(grid, row_of[spec.key], {spec.key: columns["value"]}, errors)
        values[spec.key] = _model_value(reader, spec.key)
    return {key: value for key, value in values.items() if value is not None}


def _model_value(row: _Row, key: str) -> Any:
    required = key in layout.MODEL_REQUIRED_VALUES
    if key == "name":
        return row.text(key, required=True, limit=NAME_LENGTH)
    if key == "currency":
        text = row.text(key, required=True, limit=TEXT_LENGTH)
        if text is None:
            return None
        if text.upper() not in layout.CURRENCIES:
            row.error(
                key,
                _("unknown currency %(value)s (use an ISO 4217 code: %(codes)s)")
                % {"value": repr(text), "codes": ", ".join(layout.CURRENCIES)},
            )
            return None
        return text.upper()
    if key == "base_year":
        return row.integer(key, required=True, minimum=layout.BASE_YEAR_MIN, maximum=layout.BASE_YEAR_MAX)
    if key == "horizon":
        return row.integer(key, required=True, minimum=1, maximum=HORIZON_MAX)
    if key == "basis":
        return row.choice(key, layout.BASES, what="basis")
    if key in ("discount_rate", "vat_rate"):
        return row.number(key, required=True, minimum=0, maximum=1, percent=True)
    if key == "general_escalation":
        return row.number(key, required=True, minimum=-1, maximum=1, above_minimum=True, percent=True)
    return row.text(key, required=required)


def _table_rows(grid: _Grid, keys: Iterable[str], errors: _Errors) -> list[_Row] | None:
    """One reader per non-blank data row; None when a column is missing (already recorded)."""
    columns = _columns(grid, keys, errors)
    if columns is None:
        return None
    return [_Row(grid, row, columns, errors) for row in grid.data_rows()]


def _read_options(grid: _Grid, errors: _Errors) -> list[dict[str, Any]]:
    rows = _table_rows(grid, (f.key for f in layout.OPTION_FIELDS), errors)
    if rows is None:
        return []
    if not rows:
        errors.add(grid.name, _("no options: add at least one row"))
    options: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    for row in rows:
        kind = row.choice("kind", OPTION_KINDS, what="option")
        name = row.text("name", required=True, limit=NAME_LENGTH)
        neutrality = row.number("competitive_neutrality")
        if kind is None:
            continue
        if kind in seen:
            row.error(
                "kind", _("option %(kind)s is already on row %(row)s") % {"kind": kind, "row": seen[kind]}
            )
            continue
        seen[kind] = row.row
        options.append({"kind": kind, "name": name, "competitive_neutrality": neutrality or Decimal(0)})
    return options


def _option(row: _Row, declared: set[str]) -> str | None:
    kind = row.choice("option", OPTION_KINDS, what="option")
    if kind is not None and kind not in declared:
        row.error("option", _("option %(kind)s is not on the Options sheet") % {"kind": kind})
        return None
    return kind


def _unique(row: _Row, option: str | None, code: str | None, seen: dict[tuple[str, str], int]) -> None:
    if option is None or code is None:
        return
    if (option, code) in seen:
        row.error(
            "code",
            _("duplicate code %(code)s in option %(option)s (row %(row)s)")
            % {"code": repr(code), "option": option, "row": seen[option, code]},
        )
    else:
        seen[option, code] = row.row


def _year_range(base_year: int | None, horizon: int | None) -> tuple[int, int] | None:
    return None if base_year is None or horizon is None else (base_year, base_year + horizon - 1)


def _calendar_year(row: _Row, key: str, years: tuple[int, int] | None) -> int | None:
    year = row.integer(
        key, required=True, minimum=layout.BASE_YEAR_MIN, maximum=layout.BASE_YEAR_MAX + HORIZON_MAX
    )
    if year is not None and years is not None and not years[0] <= year <= years[1]:
        row.error(
            key,
            _("%(year)s is outside the horizon %(first)s-%(last)s")
            % {"year": year, "first": years[0], "last": years[1]},
        )
        return None
    return year


def _read_lines(
    grid: _Grid, errors: _Errors, declared: set[str], horizon: int | None, base_year: int | None
) -> list[tuple[str, WorkbookLine]]:
    keys = [f.key for f in layout.LINE_FIELDS] + [layout.year_key(t) for t in range(horizon or 1)]
    lines: list[tuple[str, WorkbookLine]] = []
    seen: dict[tuple[str, str], int] = {}
    for row in _table_rows(grid, keys, errors) or []:
        option = _option(row, declared)
        code = row.text("code", required=True, limit=CODE_LENGTH)
        _unique(row, option, code, seen)
        name = row.text("name", required=True, limit=NAME_LENGTH)
        category = row.choice("category", ALL_CATEGORIES, what="category")
        kind = row.choice("kind", KINDS, what="kind")
        if category is not None and kind is not None and layout.CATEGORY_KIND[category] != kind:
            row.error(
                "category",
                _("%(category)s belongs to kind %(expected)s, not %(kind)s")
                % {"category": category, "expected": layout.CATEGORY_KIND[category], "kind": kind},
            )
        unit = row.text("unit", limit=CODE_LENGTH)
        unit_cost = row.number("unit_cost", required=True, minimum=0)
        escalation = row.number("escalation_rate", minimum=-1, maximum=1, percent=True)
        refresh = row.integer("refresh_cycle_years", minimum=1, maximum=horizon or HORIZON_MAX)
        if refresh is not None and kind is not None and kind != "capex":
            row.error("refresh_cycle_years", _("only capex lines have a refresh cycle"))
        vat = row.flag("vat_applicable")
        assumption = row.text("assumption")
        source = row.text("source")
        quantities = _quantities(row, horizon, base_year)
        if (
            option is None
            or code is None
            or name is None
            or category is None
            or kind is None
            or unit is None
            or unit_cost is None
            or vat is None
            or assumption is None
            or source is None
            or quantities is None
        ):
            continue
        lines.append(
            (
                option,
                WorkbookLine(
                    code=code,
                    name=name,
                    category=category,
                    kind=kind,
                    unit=unit,
                    unit_cost=unit_cost,
                    quantities=quantities,
                    escalation_rate=escalation,
                    refresh_cycle_years=refresh,
                    vat_applicable=vat,
                    assumption=assumption,
                    source=source,
                ),
            )
        )
    return lines


def _quantities(row: _Row, horizon: int | None, base_year: int | None) -> tuple[Decimal, ...] | None:
    """From the year columns, or from the quick-entry generator; never both."""
    entered: dict[int, Decimal] = {}
    complete = True
    for period in range(HORIZON_MAX):
        key = layout.year_key(period)
        if not row.present(key):
            continue
        quantity = row.number(key, minimum=0)
        if quantity is None:
            complete = False
            continue
        if horizon is not None and period >= horizon and quantity != 0:
            row.error(
                key,
                _("year %(period)s is outside the %(horizon)s-year horizon (years 0-%(last)s)")
                % {"period": period, "horizon": horizon, "last": horizon - 1},
            )
            complete = False
        entered[period] = quantity
    generator = [key for key in layout.GENERATOR_KEYS if row.present(key)]
    if generator:
        if any(entered.values()):
            row.error(generator[0], _("fill either the year columns or start_year..growth_rate, not both"))
            return None
        return _generated(row, horizon, base_year)
    if not entered and complete:
        row.error(layout.year_key(0), _("no quantities: fill the year columns or start_year..growth_rate"))
        return None
    if not complete or horizon is None:
        return None
    return tuple(entered.get(period, Decimal(0)) for period in range(horizon))


def _generated(row: _Row, horizon: int | None, base_year: int | None) -> tuple[Decimal, ...] | None:
    years = _year_range(base_year, horizon)
    start = _calendar_year(row, "start_year", years)
    end = _calendar_year(row, "end_year", years)
    first = row.number("starting_quantity", required=True, minimum=0)
    growth = row.number("growth_rate", minimum=-1, maximum=1, percent=True)
    if start is not None and end is not None and end < start:
        row.error("end_year", _("%(end)s is before the start year %(start)s") % {"end": end, "start": start})
        return None
    if start is None or end is None or first is None or horizon is None or base_year is None:
        return None
    if growth is None and row.present("growth_rate"):
        return None
    return generate_quantities(horizon, base_year, start, end, first, growth or Decimal(0))


def _read_risks(
    grid: _Grid, errors: _Errors, declared: set[str], horizon: int | None, base_year: int | None
) -> list[tuple[str, WorkbookRisk]]:
    risks: list[tuple[str, WorkbookRisk]] = []
    seen: dict[tuple[str, str], int] = {}
    years = _year_range(base_year, horizon)
    for row in _table_rows(grid, (f.key for f in layout.RISK_FIELDS), errors) or []:
        option = _option(row, declared)
        code = row.text("code", required=True, limit=CODE_LENGTH)
        _unique(row, option, code, seen)
        name = row.text("name", required=True, limit=NAME_LENGTH)
        probability = row.number("probability", required=True, minimum=0, maximum=1, percent=True)
        low = row.number("minimum", required=True, minimum=0)
        likely = row.number("most_likely", required=True, minimum=0)
        high = row.number("maximum", required=True, minimum=0)
        if low is not None and likely is not None and likely < low:
            row.error("most_likely", _("below the minimum"))
            likely = None
        if likely is not None and high is not None and high < likely:
            row.error("maximum", _("below the most likely"))
            high = None
        distribution = row.choice("distribution", DISTRIBUTIONS, what="distribution")
        first = _calendar_year(row, "first_year", years)
        last = _calendar_year(row, "last_year", years)
        if first is not None and last is not None and last < first:
            row.error(
                "last_year", _("%(last)s is before the first year %(first)s") % {"last": last, "first": first}
            )
            last = None
        share = row.number("public_share", required=True, minimum=0, maximum=1, percent=True)
        if (
            option is None
            or code is None
            or name is None
            or probability is None
            or low is None
            or likely is None
            or high is None
            or distribution is None
            or first is None
            or last is None
            or share is None
        ):
            continue
        risks.append(
            (
                option,
                WorkbookRisk(
                    code=code,
                    name=name,
                    probability=probability,
                    minimum=low,
                    most_likely=likely,
                    maximum=high,
                    distribution=distribution,
                    first_year=first,
                    last_year=last,
                    public_share=share,
                ),
            )
        )
    return risks
