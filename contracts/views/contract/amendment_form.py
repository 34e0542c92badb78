"""The amendment form: the rationale, the terms an amendment may change (pre-filled with those in
force), every line's unit price per year and a few rows for lines to add; only what differs from the
contract in force is sent to the service, whose errors are placed next to their fields."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from contracts.models import (
    AmendmentRationale,
    Contract,
    ContractAmendment,
)
from contracts.services import amendments
from contracts.services.contracting import performance_security_range
from costing.forms import NumberField, PercentField
from costing.templatetags.costing_tags import legal_text
from ppp.errors import DomainError

NEW_LINE_ROWS = 3

# --- the form ------------------------------------------------------------------------------------


def _plain_number(text: str) -> str:
    return format(Decimal(text).normalize(), "f")


class AmendmentForm(forms.Form):
    """The rationale, the description, the terms an amendment may change (pre-filled with the terms
    in force), the unit prices of every line per year (price_<row>_<year index>) and a few rows for
    lines to add (new_<n>_<field>). Only what differs from the contract in force is sent."""

    TERMS = ("title", "start_date", "end_date", "performance_security_rate", "warranty_months",
             "data_ownership", "handover")  # fmt: skip

    rationale = forms.ChoiceField(
        label=gettext_lazy("Rationale"), choices=[("", "—"), *AmendmentRationale.choices]
    )
    description = forms.CharField(
        label=gettext_lazy("What changes and why"),
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    title = forms.CharField(label=gettext_lazy("Title"), max_length=300)
    start_date = forms.DateField(
        label=gettext_lazy("Start date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    end_date = forms.DateField(
        label=gettext_lazy("End date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    performance_security_rate = PercentField(label=gettext_lazy("Performance security (%)"))
    warranty_months = forms.IntegerField(label=gettext_lazy("Warranty (months)"), min_value=0, max_value=240)
    data_ownership = forms.CharField(
        label=gettext_lazy("Data ownership"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    handover = forms.CharField(
        label=gettext_lazy("Hand-over at the end"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(
        self, *args: Any, contract: Contract, amendment: ContractAmendment | None = None, **kwargs: Any
    ) -> None:
        self.contract = contract
        self.lines = list(amendments._schedule(contract).items())
        years = max((len(line["quantities"]) for _code, line in self.lines), default=0)
        base_year = contract.tender.cost_model.base_year
        self.years = [base_year + index for index in range(years)]
        kwargs.setdefault("initial", self.initial_for(contract, amendment))
        super().__init__(*args, **kwargs)
        low, high, _rule = performance_security_range(contract)
        self.fields["performance_security_rate"].help_text = _(
            "Between %(low)s and %(high)s of the contract price (the rule book)."
        ) % {"low": f"{low * 100:g} %", "high": f"{high * 100:g} %"}
        self.price_rows: list[dict[str, Any]] = []
        for row, (code, line) in enumerate(self.lines):
            cells = []
            for index in range(len(line["quantities"])):
                name = f"price_{row}_{index}"
                self.fields[name] = NumberField(label=f"{code} {self.years[index]}", required=False)
                cells.append(self[name])
            self.price_rows.append({"code": code, "line": line, "fields": cells})
        self.new_rows: list[dict[str, Any]] = []
        for n in range(NEW_LINE_ROWS):
            self.fields[f"new_{n}_code"] = forms.CharField(label=_("Code"), required=False, max_length=30)
            self.fields[f"new_{n}_name"] = forms.CharField(label=_("Name"), required=False, max_length=255)
            self.fields[f"new_{n}_unit"] = forms.CharField(label=_("Unit"), required=False, max_length=40)
            self.fields[f"new_{n}_vat"] = forms.BooleanField(
                label=_("VAT applies"), required=False, initial=True
            )
            self.fields[f"new_{n}_quantities"] = forms.CharField(
                label=_("Quantity per year"), required=False, help_text=_("Separated by spaces: 1 1 2")
            )
            self.fields[f"new_{n}_prices"] = forms.CharField(
                label=_("Unit price per year"), required=False, help_text=_("Separated by spaces")
            )
            self.new_rows.append(
                {
                    "n": n,
                    "fields": [
                        self[f"new_{n}_{f}"] for f in ("code", "name", "unit", "vat", "quantities", "prices")
                    ],
                }
            )

    def initial_for(self, contract: Contract, amendment: ContractAmendment | None) -> dict[str, Any]:
        initial: dict[str, Any] = {name: getattr(contract, name) for name in self.TERMS}
        for row, (_code, line) in enumerate(self.lines):
            for index, price in enumerate(line["prices"]):
                initial[f"price_{row}_{index}"] = price
        if amendment is None:
            return initial
        initial.update(rationale=amendment.rationale, description=amendment.description)
        for name, value in amendment.terms.items():
            initial[name] = Decimal(value) if name == "performance_security_rate" else value
        rows = {code: row for row, (code, _line) in enumerate(self.lines)}
        for code, prices in amendment.prices.items():
            for index, price in enumerate(prices):
                initial[f"price_{rows[code]}_{index}"] = Decimal(price)
        for n, line in enumerate(amendment.new_lines[:NEW_LINE_ROWS]):
            initial.update({
                f"new_{n}_code": line["code"], f"new_{n}_name": line["name"], f"new_{n}_unit": line["unit"],
                f"new_{n}_vat": line["vat_applicable"],
                f"new_{n}_quantities": " ".join(_plain_number(q) for q in line["quantities"]),
                f"new_{n}_prices": " ".join(_plain_number(p) for p in line["unit_prices"]),
            })  # fmt: skip
        return initial

    def values(self) -> dict[str, Any]:
        """The service's arguments: only the terms and prices that differ from the contract in force."""
        data = self.cleaned_data
        terms: dict[str, Any] = {}
        for name in self.TERMS:
            current = getattr(self.contract, name)
            typed: Any = data.get(name)
            if name == "performance_security_rate":
                if typed is not None and (current is None or Decimal(typed) != Decimal(current)):
                    terms[name] = str(typed)
            elif typed != current and not (typed in ("", None) and current in ("", None)):
                terms[name] = typed.isoformat() if hasattr(typed, "isoformat") else typed
        prices: dict[str, list[str]] = {}
        for row, (code, line) in enumerate(self.lines):
            typed = [data.get(f"price_{row}_{index}") for index in range(len(line["quantities"]))]
            if typed != line["prices"]:
                prices[code] = ["" if value is None else str(value) for value in typed]
        new_lines = []
        for n in range(NEW_LINE_ROWS):
            code = (data.get(f"new_{n}_code") or "").strip()
            if not code and not (data.get(f"new_{n}_name") or "").strip():
                continue
            new_lines.append({
                "code": code, "name": data.get(f"new_{n}_name"), "unit": data.get(f"new_{n}_unit"),
                "vat_applicable": bool(data.get(f"new_{n}_vat")),
                "quantities": (data.get(f"new_{n}_quantities") or "").replace(",", ".").split(),
                "unit_prices": (data.get(f"new_{n}_prices") or "").replace(",", ".").split(),
            })  # fmt: skip
        return {
            "rationale": data["rationale"],
            "description": data["description"],
            "terms": terms,
            "prices": prices,
            "new_lines": new_lines,
        }

    def place(self, error: DomainError) -> None:
        """The service's field errors next to the field: "terms.end_date" is the end date,
        "prices.SUPPORT[2]" that line's third year, "new_lines[0].code" the first new row's code."""
        self.add_error(None, error.message)
        rows = {code: row for row, (code, _line) in enumerate(self.lines)}
        names = {"quantities": "quantities", "unit_prices": "prices"}
        for key, message in error.fields.items():
            name = key
            if key.startswith("terms."):
                name = key[len("terms.") :]
            elif key.startswith("prices."):
                code, _bracket, index = key[len("prices.") :].partition("[")
                name = f"price_{rows.get(code)}_{index.rstrip(']') or 0}"
            elif key.startswith("new_lines["):
                n, _bracket, rest = key[len("new_lines[") :].partition("]")
                field = rest.lstrip(".").split("[")[0]
                name = f"new_{n}_{names.get(field, field)}"
            if name in self.fields and name not in self.errors:
                self.add_error(name, legal_text(message))
            elif name not in self.fields:
                self.add_error(None, f"{key}: {legal_text(message)}")
