"""The payment mechanism's form: one fieldset per kind, ticked to include it, with that kind's
parameters; tiers and per-transaction fees as a few rows (blank rows ignored)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from contracts.models import PPP_CONTRACT_TYPES, Contract, MeasurementPeriod, MechanismKind
from contracts.templatetags.tender_tags import figure
from costing.forms import NumberField, PercentField
from costing.templatetags.costing_tags import legal_text, percent
from ppp import rules

from .editor_forms import (
    FEE_ROWS,
    TIER_ROWS,
    TWICE,
    EditorForm,
    Row,
    Table,
    _cell_label,
    _row_index,
    _service_value,
    _stored,
)

# --- payment mechanism ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Parameter:
    """One parameter of a mechanism kind: how it is typed and how it is shown. `kind`: amount (a
    number), percent (a fraction typed as percent), count (a whole number), choice, flag."""

    name: str
    label: Any
    kind: str
    choices: tuple[tuple[str, Any], ...] = ()
    help: Any = ""


BASIS_CHOICES = (("revenue", gettext_lazy("Net revenue")), ("volume", gettext_lazy("Valid volume")))
METHOD_CHOICES = (
    ("shortfall_share", gettext_lazy("The shortfall (target % − actual %) of the period charge")),
    ("rate_per_point", gettext_lazy("A share of the period charge per point below target")),
)
SHARE_BASIS_LABELS = {
    "threshold": gettext_lazy("The gap from the threshold"),
    "plan": gettext_lazy("The gap from the financial plan"),
}

PARAMETERS: dict[str, tuple[Parameter, ...]] = {
    MechanismKind.FIXED_FEE: (
        Parameter("fee_per_period", gettext_lazy("Fee per period"), "amount"),
        Parameter("period", gettext_lazy("Period"), "choice", tuple(MeasurementPeriod.choices)),
        Parameter("indexation_rate", gettext_lazy("Indexation a year (%)"), "percent",
                  help=gettext_lazy("Blank: not indexed.")),
    ),
    MechanismKind.PER_TRANSACTION: (),
    MechanismKind.TIERED_SHARE: (Parameter("basis", gettext_lazy("Bands of"), "choice", BASIS_CHOICES),),
    MechanismKind.AVAILABILITY: (
        Parameter("annual_payment", gettext_lazy("Annual payment"), "amount"),
        Parameter("periods_per_year", gettext_lazy("Measurement periods a year"), "count",
                  help=gettext_lazy("365 for days, 8,760 for hours.")),
        Parameter("still_used_factor", gettext_lazy("Deduction while the service is still used (%)"),
                  "percent", help=gettext_lazy("Of the full deduction; blank: 50 %.")),
        Parameter("total_weighting", gettext_lazy("Sum of the areas' weightings"), "amount",
                  help=gettext_lazy("Blank: 1.")),
    ),
    MechanismKind.SERVICE_CREDITS: (
        Parameter("method", gettext_lazy("Credit"), "choice", METHOD_CHOICES),
        Parameter("cap_share", gettext_lazy("Cap (share of the period charge, %)"), "percent"),
        Parameter("rate_per_point", gettext_lazy("Share per point below target (%)"), "percent",
                  help=gettext_lazy("Only for a share per point below target.")),
    ),
    MechanismKind.MINIMUM_GUARANTEE: (
        Parameter("floor", gettext_lazy("Guaranteed revenue (floor)"), "amount"),
        Parameter("cap", gettext_lazy("Cap"), "amount", help=gettext_lazy("Optional.")),
    ),
    MechanismKind.REVENUE_CAP: (
        Parameter("cap", gettext_lazy("Revenue cap"), "amount"),
        Parameter("floor", gettext_lazy("Floor"), "amount", help=gettext_lazy("Optional.")),
    ),
    MechanismKind.REVENUE_BAND: (
        Parameter("upper_threshold", gettext_lazy("Upper threshold (% of the plan's revenue)"), "percent"),
        Parameter("lower_threshold", gettext_lazy("Lower threshold (% of the plan's revenue)"), "percent"),
        Parameter("share", gettext_lazy("Share of the excess or shortfall (%)"), "percent"),
        Parameter("share_basis", gettext_lazy("The share applies to"), "choice",
                  tuple(SHARE_BASIS_LABELS.items())),
        Parameter("downside", gettext_lazy("The state shares a shortfall"), "flag"),
    ),
}  # fmt: skip

HELP: dict[str, Any] = {
    MechanismKind.FIXED_FEE: gettext_lazy("A fixed fee each period, raised by the indexation every year."),
    MechanismKind.PER_TRANSACTION: gettext_lazy("A fee for each valid transaction of a service."),
    MechanismKind.TIERED_SHARE: gettext_lazy(
        "The provider's share of net revenue (or volume) by bands: each band starts where the one before "
        "it ends; leave the last band's end blank for no upper end."
    ),
    MechanismKind.AVAILABILITY: gettext_lazy(
        "An availability payment; each failure deducts the area rate (annual payment ÷ weighted periods) × "
        "weighting × missed periods."
    ),
    MechanismKind.SERVICE_CREDITS: gettext_lazy("Credits against the period charge when a KPI is missed."),
    MechanismKind.MINIMUM_GUARANTEE: gettext_lazy("The state tops revenue up to the floor."),
    MechanismKind.REVENUE_CAP: gettext_lazy("Revenue above the cap is clawed back."),
    MechanismKind.REVENUE_BAND: gettext_lazy(
        "Sharing of revenue above the upper or below the lower threshold of the financial plan."
    ),
}


def _field_for(parameter: Parameter) -> forms.Field:
    options: dict[str, Any] = {"label": parameter.label, "required": False, "help_text": parameter.help}
    if parameter.kind == "amount":
        return NumberField(**options)
    if parameter.kind == "percent":
        return PercentField(**options)
    if parameter.kind == "count":
        return forms.IntegerField(**options)
    if parameter.kind == "choice":
        return forms.ChoiceField(choices=[("", "—"), *parameter.choices], **options)
    return forms.BooleanField(**options)


def _initial_of(parameter: Parameter, value: Any) -> Any:
    return _stored(value) if parameter.kind in ("amount", "percent") else value


def _shown(parameter: Parameter, value: Any) -> str:
    if value in (None, ""):
        return "—"
    if parameter.kind == "percent":
        return percent(value)
    if parameter.kind in ("amount", "count"):
        return figure(value)
    if parameter.kind == "flag":
        return _("Yes") if value else _("No")
    return str(dict(parameter.choices).get(value, value))


def mechanism_rows(kind: str, parameters: dict[str, Any]) -> list[tuple[str, str]]:
    """A saved mechanism's parameters as (label, value in the reader's format) rows."""
    rows = [
        (str(p.label), _shown(p, parameters[p.name]))
        for p in PARAMETERS.get(kind, ())
        if p.name in parameters
    ]
    for band in parameters.get("tiers", []):
        end = figure(band["to"]) if band.get("to") is not None else _("no upper end")
        rows.append((f"{figure(band['from'])} – {end}", percent(band["share"])))
    for service, fee in sorted(parameters.get("fees", {}).items()):
        rows.append((str(service), figure(fee)))
    if parameters.get("rule"):
        rows.append((_("Rule book"), legal_text(parameters["rule"])))
    return rows


class MechanismsForm(EditorForm):
    """A fieldset per mechanism kind: "<kind>__include" and the kind's parameters "<kind>__<name>";
    the bands of a tiered share "tiered_share__<from|to|share>_<n>" and the services of per-transaction
    fees "per_transaction__<service|fee>_<n>". The revenue band only for a PPP contract (or when one is
    saved already, so that saving never drops it unseen)."""

    def __init__(self, *args: Any, contract: Contract, **kwargs: Any) -> None:
        saved = {m.kind: m.parameters for m in contract.mechanisms.all()}
        self.band_rule = None
        self.kinds = list(MechanismKind.values)
        if contract.contract_type in PPP_CONTRACT_TYPES or MechanismKind.REVENUE_BAND in saved:
            self.band_rule = rules.get("ppp.revenue_band", timezone.now())
        else:
            self.kinds.remove(MechanismKind.REVENUE_BAND)
        tiers = saved.get(MechanismKind.TIERED_SHARE, {}).get("tiers", [])
        fees = sorted(saved.get(MechanismKind.PER_TRANSACTION, {}).get("fees", {}).items())
        self.tier_rows = max(TIER_ROWS, len(tiers) + 1)
        self.fee_rows = max(FEE_ROWS, len(fees) + 1)
        kwargs.setdefault("initial", self._initial(saved, tiers, fees, contract))
        super().__init__(*args, contract=contract, **kwargs)
        self.sent: list[str] = []  # the kinds sent to the service, in order
        self.sent_tiers: list[int] = []  # the form row of each band sent
        self.sent_fees: dict[str, int] = {}  # the form row of each service sent
        self.kind_fields: dict[str, list[str]] = {}
        for kind in self.kinds:
            names = [f"{kind}__include"]
            self.fields[names[0]] = forms.BooleanField(
                label=gettext_lazy("Include this mechanism"), required=False
            )
            for parameter in PARAMETERS[kind]:
                names.append(f"{kind}__{parameter.name}")
                self.fields[names[-1]] = _field_for(parameter)
            self.kind_fields[kind] = names
        for n in range(self.tier_rows):
            for name, label, field_class in (
                ("from", gettext_lazy("From"), NumberField),
                ("to", gettext_lazy("To"), NumberField),
                ("share", gettext_lazy("Share (%)"), PercentField),
            ):
                self.fields[f"tiered_share__{name}_{n}"] = field_class(
                    label=_cell_label(label, n + 1), required=False
                )
                self.kind_fields[MechanismKind.TIERED_SHARE].append(f"tiered_share__{name}_{n}")
        for n in range(self.fee_rows):
            self.fields[f"per_transaction__service_{n}"] = forms.CharField(
                label=_cell_label(gettext_lazy("Service"), n + 1), required=False, max_length=100
            )
            self.fields[f"per_transaction__fee_{n}"] = NumberField(
                label=_cell_label(gettext_lazy("Fee per transaction"), n + 1), required=False
            )
            self.kind_fields[MechanismKind.PER_TRANSACTION] += [
                f"per_transaction__service_{n}",
                f"per_transaction__fee_{n}",
            ]
        if self.band_rule is not None:
            choices = self.band_rule.parameters.get(
                "share_basis_choices", [self.band_rule.parameters["share_basis"]]
            )
            basis = cast(forms.ChoiceField, self.fields["revenue_band__share_basis"])
            basis.choices = [(c, SHARE_BASIS_LABELS.get(c, c)) for c in choices]
            self.fields["revenue_band__downside"].help_text = _("Only in %(types)s contracts (%(rule)s).") % {
                "types": ", ".join(self.band_rule.parameters["downside_contract_types"]),
                "rule": legal_text(self.band_rule.cite()),
            }

    def _initial(
        self, saved: dict[str, Any], tiers: list[Any], fees: list[Any], contract: Contract
    ) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "fixed_fee__period": MeasurementPeriod.ANNUAL,
            "tiered_share__basis": "revenue",
            "availability__still_used_factor": Decimal("0.5"),
            "service_credits__method": "shortfall_share",
        }
        if self.band_rule is not None:
            r = self.band_rule.parameters
            initial.update({
                "revenue_band__upper_threshold": Decimal(r["upper_threshold"]),
                "revenue_band__lower_threshold": Decimal(r["lower_threshold"]),
                "revenue_band__share": Decimal(r["share"]),
                "revenue_band__share_basis": r["share_basis"],
                "revenue_band__downside": contract.contract_type in r["downside_contract_types"],
            })  # fmt: skip
        for kind, parameters in saved.items():
            initial[f"{kind}__include"] = True
            for parameter in PARAMETERS.get(kind, ()):
                if parameter.name in parameters:
                    initial[f"{kind}__{parameter.name}"] = _initial_of(parameter, parameters[parameter.name])
        for n, band in enumerate(tiers):
            initial.update({f"tiered_share__from_{n}": _stored(band["from"]),
                            f"tiered_share__to_{n}": _stored(band.get("to")),
                            f"tiered_share__share_{n}": _stored(band["share"])})  # fmt: skip
        for n, (service, fee) in enumerate(fees):
            initial.update(
                {f"per_transaction__service_{n}": service, f"per_transaction__fee_{n}": _stored(fee)}
            )
        return initial

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for kind in self.kinds:
            if not data.get(f"{kind}__include"):
                for name in self.kind_fields[kind]:  # an unticked mechanism's fields are ignored
                    self.errors.pop(name, None)
        if data.get("per_transaction__include"):
            seen: set[str] = set()
            for n in range(self.fee_rows):
                service = (data.get(f"per_transaction__service_{n}") or "").strip()
                if not service:
                    if data.get(f"per_transaction__fee_{n}") is not None:
                        self.add_error(f"per_transaction__service_{n}", _("Name the service."))
                elif service in seen:
                    self.add_error(f"per_transaction__service_{n}", TWICE)
                seen.add(service)
        return data

    def values(self) -> list[dict[str, Any]]:
        """The service's `mechanisms`: the ticked kinds in their order; blank bands and fees left out."""
        data = self.cleaned_data
        mechanisms = []
        self.sent, self.sent_tiers, self.sent_fees = [], [], {}
        for kind in self.kinds:
            if not data.get(f"{kind}__include"):
                continue
            parameters: dict[str, Any] = {}
            for parameter in PARAMETERS[kind]:
                value = data.get(f"{kind}__{parameter.name}")
                if parameter.kind == "flag":
                    parameters[parameter.name] = bool(value)
                elif value not in (None, ""):  # blank: the service's default, or its "required"
                    parameters[parameter.name] = _service_value(value)
            if kind == MechanismKind.TIERED_SHARE:
                parameters["tiers"] = []
                for n in range(self.tier_rows):
                    band = [data.get(f"tiered_share__{name}_{n}") for name in ("from", "to", "share")]
                    if all(value is None for value in band):
                        continue
                    self.sent_tiers.append(n)
                    parameters["tiers"].append({"from": _service_value(band[0]),
                                                "to": None if band[1] is None else _service_value(band[1]),
                                                "share": _service_value(band[2])})  # fmt: skip
            if kind == MechanismKind.PER_TRANSACTION:
                parameters["fees"] = {}
                for n in range(self.fee_rows):
                    service = (data.get(f"per_transaction__service_{n}") or "").strip()
                    if service:
                        self.sent_fees[service] = n
                        parameters["fees"][service] = _service_value(data.get(f"per_transaction__fee_{n}"))
            self.sent.append(kind)
            mechanisms.append({"kind": kind, "parameters": parameters})
        return mechanisms

    def locate(self, key: str) -> str | None:
        found = _row_index(key, "mechanisms")
        if found is None or found[0] >= len(self.sent):
            return None
        kind, rest = self.sent[found[0]], found[1].removeprefix("parameters").lstrip(".")
        tier = _row_index(rest, "tiers")
        if tier is not None and tier[0] < len(self.sent_tiers):
            return f"tiered_share__{tier[1] or 'from'}_{self.sent_tiers[tier[0]]}"
        if rest.startswith("fees.") and rest[len("fees.") :] in self.sent_fees:
            return f"per_transaction__fee_{self.sent_fees[rest[len('fees.') :]]}"
        if f"{kind}__{rest}" in self.fields:
            return f"{kind}__{rest}"
        return f"{kind}__include"  # a problem of the mechanism as a whole, at the top of its fieldset

    def groups(self) -> list[dict[str, Any]]:
        result = []
        for kind in self.kinds:
            table = None
            if kind == MechanismKind.TIERED_SHARE:
                columns = [_("From"), _("To (blank: no upper end)"), _("Provider's share (%)")]
                table = Table("tiers", _("Bands"), columns)
                table.rows = [
                    Row(
                        [
                            self.cell(f"tiered_share__{name}_{n}", "cell-number")
                            for name in ("from", "to", "share")
                        ]
                    )
                    for n in range(self.tier_rows)
                ]
            elif kind == MechanismKind.PER_TRANSACTION:
                table = Table("fees", _("Fees per service"), [_("Service"), _("Fee per transaction")])
                table.rows = [
                    Row([self.cell(f"per_transaction__service_{n}"),
                         self.cell(f"per_transaction__fee_{n}", "cell-number")])
                    for n in range(self.fee_rows)
                ]  # fmt: skip
            result.append({
                "kind": kind,
                "label": MechanismKind(kind).label,
                "help": HELP[kind],
                "include": self[f"{kind}__include"],
                "fields": [self[f"{kind}__{p.name}"] for p in PARAMETERS[kind]],
                "table": table,
            })  # fmt: skip
        return result
