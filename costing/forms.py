"""Page forms of costing. They parse what a person typed; the services decide.

Rates are typed as percentages (5 or 3,5 in Vietnamese) and handed to the services as fractions
(0.05, 0.035), as the services and the engine count them. Numbers follow the reader's language:
"100.000.000" and "1,5" in Vietnamese, "100,000,000" and "1.5" in English.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any, cast

from django import forms
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from costing.models import (
    DERIVED_CATEGORIES,
    HORIZON_MAX,
    HORIZON_MIN,
    SUGGESTED_UNITS,
    Basis,
    Category,
    CostLine,
    CostModel,
    CostModelStatus,
    Distribution,
    LineKind,
    OptionKind,
)
from costing.services import LineData, RiskData
from ppp.money import MINOR_UNITS

HUNDRED = Decimal(100)
TORNADO_PERCENTS = (5, 10, 20, 30)


def plain(value: Decimal) -> Decimal:
    """A Decimal without trailing zeros and never in exponent form (100000000, not 1E+8)."""
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize()


def shown_number(value: Any) -> str:
    """A stored number as the reader writes it in an input (grouped, no trailing zeros)."""
    if value is None or value == "":
        return ""
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    return formats.localize_input(plain(number))


def shown_percent(value: Any) -> str:
    """A stored fraction (0.05) as the percentage typed in an input (5)."""
    if value is None or value == "":
        return ""
    return shown_number(Decimal(str(value)) * HUNDRED)


def typed_number(text: Any) -> str:
    """What a person typed in a number cell, with the language's separators taken out ("1.234,5" ->
    "1234.5" in Vietnamese). Anything else is handed on as typed, for the service to name."""
    value = str(text if text is not None else "").strip()
    if not value:
        return ""
    return str(formats.sanitize_separators(value))


def typed_percent(text: Any) -> str | None:
    """A typed percentage as a fraction string ("5" -> "0.05"); None when blank; text that is not a
    number is handed on as typed, for the service to name."""
    value = typed_number(text)
    if not value:
        return None
    try:
        number = Decimal(value)
    except InvalidOperation:
        return value
    if not number.is_finite():
        return value
    return str(plain(number / HUNDRED))


class NumberField(forms.DecimalField):
    """A decimal number in the reader's format; shown without trailing zeros."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("localize", True)
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("inputmode", "decimal")

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, Decimal):
            return shown_number(value)
        return super().prepare_value(value)


class PercentField(NumberField):
    """A rate typed as a percentage; cleaned to the fraction the services take (5 -> 0.05)."""

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, Decimal):
            return shown_percent(value)
        return super().prepare_value(value)

    def clean(self, value: Any) -> Decimal | None:
        number = super().clean(value)
        return None if number is None else plain(number / HUNDRED)


def category_choices() -> list[tuple[Any, Any]]:
    """Categories a person may type, grouped by kind (derived ones are computed, never typed)."""
    from costing.calculations import CATEGORIES_BY_KIND

    groups = []
    for kind in LineKind:
        members = [
            (value, Category(value).label)
            for value in CATEGORIES_BY_KIND[kind.value]
            if value not in DERIVED_CATEGORIES
        ]
        groups.append((kind.label, members))
    return groups


class ModelFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All statuses")), *CostModelStatus.choices]
    )
    q = forms.CharField(label=_("Search name or purpose"), required=False, max_length=100)


class CostModelForm(forms.Form):
    """A cost model's own fields (create and edit). `organisation` appears only when the person is a
    finance officer in more than one agency."""

    organisation = forms.TypedChoiceField(label=_("Agency"), coerce=int)
    name = forms.CharField(label=_("Name"), max_length=255)
    purpose = forms.CharField(
        label=_("Purpose"), required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )
    currency = forms.ChoiceField(
        label=_("Currency"), choices=[(code, code) for code in sorted(MINOR_UNITS)], initial="VND"
    )
    base_year = forms.IntegerField(label=_("Base year"), help_text=_("Year 0 of the model."))
    horizon = forms.IntegerField(
        label=_("Horizon (years)"),
        min_value=HORIZON_MIN,
        max_value=HORIZON_MAX,
        help_text=_("From 1 to 30 years."),
    )
    basis = forms.ChoiceField(
        label=_("Basis"),
        choices=Basis.choices,
        initial=Basis.REAL,
        help_text=_("Real models use constant prices; nominal models escalate prices. Never mix them."),
    )
    discount_rate = PercentField(label=_("Discount rate (%)"))
    discount_rate_basis = forms.CharField(
        label=_("Basis of the discount rate"),
        required=False,
        max_length=500,
        help_text=_("For example: Green Book, 3.5 per cent real; CAPM; weighted cost of debt and equity."),
    )
    vat_rate = PercentField(label=_("VAT rate (%)"), initial=Decimal("0.10"))
    general_escalation = PercentField(
        label=_("General escalation (% a year)"), initial=Decimal(0), required=False
    )
    pm_norm_rate = PercentField(label=_("Project management norm (%)"), required=False)
    contingency_quantity_rate = PercentField(label=_("Quantity contingency (%)"), required=False)
    price_index = PercentField(label=_("Average price index change (% a year)"), required=False)

    RULE_FIELDS = ("pm_norm_rate", "contingency_quantity_rate", "price_index")

    def __init__(
        self,
        *args: Any,
        agencies: list[Any] | None = None,
        rule_defaults: dict[str, Decimal] | None = None,
        rule_basis: str = "",
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        agencies = agencies or []
        if len(agencies) > 1:
            chooser = cast(forms.ChoiceField, self.fields["organisation"])
            chooser.choices = [(org.pk, str(org)) for org in agencies]
        else:
            del self.fields["organisation"]
        for field, value in (rule_defaults or {}).items():
            self.fields[field].help_text = _("Leave blank to use the rule book: %(rate)s%% (%(basis)s).") % {
                "rate": shown_percent(value),
                "basis": rule_basis,
            }

    @staticmethod
    def initial_for(model: CostModel) -> dict[str, Any]:
        return {
            field: getattr(model, field)
            for field in (
                "name", "purpose", "currency", "base_year", "horizon", "basis", "discount_rate",
                "discount_rate_basis", "vat_rate", "general_escalation", "pm_norm_rate",
                "contingency_quantity_rate", "price_index",
            )
        }  # fmt: skip

    def service_fields(self) -> dict[str, Any]:
        """The cleaned values as the services take them (rates as fraction strings)."""
        values = {key: value for key, value in self.cleaned_data.items() if key != "organisation"}
        for key, value in values.items():
            if isinstance(value, Decimal):
                values[key] = str(value)
        if values.get("general_escalation") is None:
            values["general_escalation"] = "0"
        return values


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("Note"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReturnForm(forms.Form):
    note = forms.CharField(
        label=_("What must change"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required: the finance officer reads it with the returned model."),
    )


class OptionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=OptionKind.choices)
    name = forms.CharField(label=_("Name"), max_length=255)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )
    competitive_neutrality = NumberField(
        label=_("Competitive neutrality (present value)"),
        required=False,
        help_text=_(
            "Only the in-house option (the PSC): advantages the public sector has, such as taxes not paid."
        ),
    )
    competitive_neutrality_note = forms.CharField(
        label=_("Competitive neutrality note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=5000,
    )
    optimism_bias_mitigation = PercentField(
        label=_("Optimism bias mitigated (%)"),
        required=False,
        help_text=_(
            "Share of the rule book's optimism-bias upper bound that evidence of mitigation removes."
        ),
    )

    def __init__(self, *args: Any, kind: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if kind is not None:  # editing: the kind stays
            del self.fields["kind"]
            if kind != OptionKind.IN_HOUSE:
                del self.fields["competitive_neutrality"]
                del self.fields["competitive_neutrality_note"]

    def service_fields(self) -> dict[str, Any]:
        values = dict(self.cleaned_data)
        values.pop("kind", None)
        if "competitive_neutrality" in values:
            amount = values["competitive_neutrality"]
            values["competitive_neutrality"] = "0" if amount is None else str(amount)
        mitigation = values.get("optimism_bias_mitigation")
        values["optimism_bias_mitigation"] = "0" if mitigation is None else str(mitigation)
        return values


class LineForm(forms.Form):
    """One cost line with either quantities typed per year or generated from a start year, an end
    year, a starting quantity and a growth rate. Quantity fields are named q_<year>."""

    TYPED, GENERATED = "typed", "generated"

    code = forms.CharField(label=_("Code"), max_length=30)
    name = forms.CharField(label=_("Name"), max_length=255)
    category = forms.ChoiceField(label=_("Category"))
    unit = forms.CharField(
        label=_("Unit"), max_length=40, help_text=_("user, device, server, month, GB, lump sum…")
    )
    unit_cost = NumberField(label=_("Unit cost"))
    mode = forms.ChoiceField(
        label=_("Quantities"),
        choices=[
            (TYPED, _("Typed per year")),
            (GENERATED, _("Generated from a start, an end and a growth rate")),
        ],
        widget=forms.RadioSelect,
        initial=TYPED,
    )
    start_year = forms.IntegerField(label=_("Start year"), required=False)
    end_year = forms.IntegerField(label=_("End year"), required=False)
    starting_quantity = NumberField(label=_("Starting quantity"), required=False)
    growth_rate = PercentField(label=_("Growth (% a year)"), required=False)
    escalation_rate = PercentField(
        label=_("Escalation (% a year)"),
        required=False,
        help_text=_("Blank: the model's general escalation."),
    )
    refresh_cycle_years = forms.IntegerField(
        label=_("Refresh cycle (years)"),
        required=False,
        help_text=_("Investment lines only: buy again every N years."),
    )
    vat_applicable = forms.BooleanField(label=_("VAT applies"), required=False, initial=True)
    assumption = forms.CharField(
        label=_("Assumption"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=5000
    )
    source = forms.CharField(
        label=_("Source"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=5000
    )

    def __init__(self, *args: Any, years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.years = years
        cast(forms.ChoiceField, self.fields["category"]).choices = category_choices()
        self.fields["unit"].widget.attrs["list"] = "unit-suggestions"
        for year in years:
            self.fields[f"q_{year}"] = NumberField(label=str(year), required=False)

    @property
    def quantity_fields(self) -> list[Any]:
        return [self[f"q_{year}"] for year in self.years]

    @property
    def units(self) -> tuple[str, ...]:
        return SUGGESTED_UNITS

    @classmethod
    def initial_for(cls, line: CostLine) -> dict[str, Any]:
        initial: dict[str, Any] = {
            field: getattr(line, field)
            for field in (
                "code", "name", "category", "unit", "unit_cost", "start_year", "end_year",
                "starting_quantity", "growth_rate", "escalation_rate", "refresh_cycle_years",
                "vat_applicable", "assumption", "source",
            )
        }  # fmt: skip
        initial["mode"] = cls.GENERATED if line.is_generated else cls.TYPED
        base_year = line.option.model.base_year
        for period, quantity in enumerate(line.quantities):
            initial[f"q_{base_year + period}"] = Decimal(str(quantity))
        return initial

    def line_data(self) -> LineData:
        data = self.cleaned_data

        def text(value: Any) -> Any:
            return None if value is None else str(value)

        values: dict[str, Any] = {
            "code": data["code"],
            "name": data["name"],
            "category": data["category"],
            "unit": data["unit"],
            "unit_cost": text(data["unit_cost"]),
            "escalation_rate": text(data.get("escalation_rate")),
            "refresh_cycle_years": data.get("refresh_cycle_years"),
            "vat_applicable": bool(data.get("vat_applicable")),
            "assumption": data.get("assumption", ""),
            "source": data.get("source", ""),
        }
        if data.get("mode") == self.GENERATED:
            values.update(
                start_year=data.get("start_year"),
                end_year=data.get("end_year"),
                starting_quantity=text(data.get("starting_quantity")),
                growth_rate=text(data.get("growth_rate")) or "0",
            )
            # The service asks for all four; a blank one is reported on its own field.
            if data.get("start_year") is None:
                values["start_year"] = ""
        else:
            values["quantities"] = [
                text(data.get(f"q_{year}")) if data.get(f"q_{year}") is not None else "0"
                for year in self.years
            ]
        return LineData(**values)

    def add_service_errors(self, fields: dict[str, str]) -> bool:
        """Place a service's field errors ("quantities[2]" becomes the third year's field)."""
        placed = False
        for key, message in fields.items():
            name = key
            if key.startswith("quantities[") and key.endswith("]"):
                try:
                    name = f"q_{self.years[int(key[len('quantities[') : -1])]}"
                except (ValueError, IndexError):
                    name = key
            elif key == "quantities":
                name = "mode"
            if name in self.fields:
                self.add_error(name, message)
                placed = True
        return placed


class RiskForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=30)
    name = forms.CharField(label=_("Name"), max_length=255)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=5000
    )
    probability = PercentField(label=_("Probability (%)"))
    minimum = NumberField(label=_("Minimum impact"))
    most_likely = NumberField(label=_("Most likely impact"))
    maximum = NumberField(label=_("Maximum impact"))
    distribution = forms.ChoiceField(label=_("Distribution"), choices=Distribution.choices)
    first_year = forms.TypedChoiceField(label=_("First year it may occur"), coerce=int)
    last_year = forms.TypedChoiceField(label=_("Last year it may occur"), coerce=int)
    public_share = PercentField(
        label=_("Share retained by the public sector (%)"),
        help_text=_("100: a public risk; 0: transferred to the private partner; in between: shared."),
    )

    def __init__(self, *args: Any, years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(year, str(year)) for year in years]
        cast(forms.ChoiceField, self.fields["first_year"]).choices = choices
        cast(forms.ChoiceField, self.fields["last_year"]).choices = choices

    @staticmethod
    def initial_for(risk: Any) -> dict[str, Any]:
        return {
            field: getattr(risk, field)
            for field in (
                "code", "name", "description", "probability", "minimum", "most_likely", "maximum",
                "distribution", "first_year", "last_year", "public_share",
            )
        }  # fmt: skip

    def risk_data(self) -> RiskData:
        values = {
            key: str(value) if isinstance(value, Decimal) else value
            for key, value in self.cleaned_data.items()
        }
        return RiskData(**values)


class ScenarioForm(forms.Form):
    """A named scenario: model-wide overrides, and up to `LINE_ROWS` blank line overrides besides
    the ones it already has. A blank field overrides nothing."""

    LINE_ROWS = 3
    LINE_ATTRIBUTES = (("unit_cost", _("Unit cost")), ("escalation_rate", _("Escalation (% a year)")))

    name = forms.CharField(label=_("Name"), max_length=100)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=5000
    )
    discount_rate = PercentField(label=_("Discount rate (%)"), required=False)
    general_escalation = PercentField(label=_("General escalation (% a year)"), required=False)
    vat_rate = PercentField(label=_("VAT rate (%)"), required=False)
    quantity_factor = NumberField(
        label=_("Quantity factor"), required=False, help_text=_("Multiplies every quantity: 1.1 is 10% more.")
    )
    unit_cost_factor = NumberField(
        label=_("Unit cost factor"), required=False, help_text=_("Multiplies every unit cost.")
    )

    MODEL_KEYS = ("discount_rate", "general_escalation", "vat_rate", "quantity_factor", "unit_cost_factor")
    PERCENT_KEYS = ("discount_rate", "general_escalation", "vat_rate")

    def __init__(self, *args: Any, codes: list[str], existing: dict[str, Any] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        existing = existing or {}
        line_items = [
            (key[len("lines.") :].rsplit(".", 1), value)
            for key, value in existing.items()
            if key.startswith("lines.") and key.count(".") >= 2
        ]
        self.line_rows: list[tuple[Any, Any, Any]] = []
        code_choices = [("", "—"), *((code, code) for code in codes)]
        for index in range(len(line_items) + self.LINE_ROWS):
            code_field = forms.ChoiceField(label=_("Line"), required=False, choices=code_choices)
            attribute_field = forms.ChoiceField(
                label=_("What changes"), required=False, choices=self.LINE_ATTRIBUTES
            )
            value_field = forms.CharField(label=_("New value"), required=False, max_length=40)
            value_field.widget.attrs["inputmode"] = "decimal"
            self.fields[f"line_{index}_code"] = code_field
            self.fields[f"line_{index}_attribute"] = attribute_field
            self.fields[f"line_{index}_value"] = value_field
            if index < len(line_items) and not self.is_bound:
                (code, attribute), value = line_items[index]
                self.initial[f"line_{index}_code"] = code
                self.initial[f"line_{index}_attribute"] = attribute
                shown = shown_percent(value) if attribute == "escalation_rate" else shown_number(value)
                self.initial[f"line_{index}_value"] = shown
            self.line_rows.append(
                (self[f"line_{index}_code"], self[f"line_{index}_attribute"], self[f"line_{index}_value"])
            )

    @classmethod
    def initial_for(cls, scenario: Any) -> dict[str, Any]:
        initial: dict[str, Any] = {"name": scenario.name, "description": scenario.description}
        for key in cls.MODEL_KEYS:
            value = scenario.overrides.get(key)
            if value is not None:
                initial[key] = Decimal(str(value))
        return initial

    def overrides(self) -> dict[str, Any]:
        data = self.cleaned_data
        overrides: dict[str, Any] = {}
        for key in self.MODEL_KEYS:
            if data.get(key) is not None:
                overrides[key] = str(data[key])
        index = 0
        while f"line_{index}_code" in self.fields:
            code = data.get(f"line_{index}_code")
            attribute = data.get(f"line_{index}_attribute") or "unit_cost"
            raw = data.get(f"line_{index}_value", "")
            index += 1
            if not code:
                continue
            key = f"lines.{code}.{attribute}"
            if attribute == "escalation_rate":
                overrides[key] = typed_percent(raw)
            else:
                overrides[key] = typed_number(raw) or None
        return overrides

    def add_service_errors(self, fields: dict[str, str]) -> bool:
        placed = False
        for key, message in fields.items():
            name = key.removeprefix("overrides.")
            if name in self.fields and name in self.MODEL_KEYS:
                self.add_error(name, message)
                placed = True
                continue
            if name.startswith("lines."):
                code, attribute = name[len("lines.") :].rsplit(".", 1)
                index = 0
                while f"line_{index}_code" in self.fields:
                    if (
                        self.cleaned_data.get(f"line_{index}_code") == code
                        and (self.cleaned_data.get(f"line_{index}_attribute") or "unit_cost") == attribute
                    ):
                        self.add_error(f"line_{index}_value", message)
                        placed = True
                        break
                    index += 1
            elif name in ("name", "description"):
                self.add_error(name, message)
                placed = True
        return placed


class SimulationForm(forms.Form):
    iterations = forms.IntegerField(
        label=_("Iterations"), initial=10_000, help_text=_("From 100 to 100.000 draws.")
    )
    seed = forms.IntegerField(
        label=_("Seed"),
        initial=20_260_101,
        help_text=_("The same seed and inputs give the same figures."),
    )
    include_optimism_bias = forms.BooleanField(
        label=_("Apply the rule book's optimism-bias uplifts"), required=False
    )


class TornadoForm(forms.Form):
    percent = forms.TypedChoiceField(
        label=_("Vary each driver by ±"),
        coerce=int,
        choices=[(value, f"{value}%") for value in TORNADO_PERCENTS],
        initial=10,
        required=False,
    )


class ImportForm(forms.Form):
    organisation = forms.TypedChoiceField(label=_("Agency"), coerce=int)
    file = forms.FileField(
        label=_("Workbook (.xlsx)"),
        help_text=_("Fill the template; every error is listed by sheet and cell, and nothing is saved."),
    )
    name = forms.CharField(
        label=_("Name of the model"),
        required=False,
        max_length=255,
        help_text=_("Blank: the name written in the workbook."),
    )

    def __init__(self, *args: Any, agencies: list[Any] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        agencies = agencies or []
        self.fields["file"].widget.attrs["accept"] = (
            ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        if len(agencies) > 1:
            chooser = cast(forms.ChoiceField, self.fields["organisation"])
            chooser.choices = [(org.pk, str(org)) for org in agencies]
        else:
            del self.fields["organisation"]


class DiffForm(forms.Form):
    other = forms.TypedChoiceField(label=_("Compare with version"), coerce=int)
    everything = forms.BooleanField(label=_("Show unchanged years too"), required=False)

    def __init__(self, *args: Any, versions: list[CostModel], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["other"]).choices = [
            (version.pk, f"v{version.version} · {version.get_status_display()}") for version in versions
        ]
