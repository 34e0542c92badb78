"""Page forms of the agency's tender pages. They parse what a person typed; the services decide.

Rates are typed as percentages (1 or 1,5 in Vietnamese) and handed to the services as fractions
(0.01, 0.015); amounts and quantities follow the reader's language (3.780.000.000 in Vietnamese,
3,780,000,000 in English); moments are typed in the site's time zone (Asia/Ho_Chi_Minh).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from contracts.models import CriterionKind, EvaluationMethod, ProcurementCategory, Scope, Tender
from costing.forms import NumberField, PercentField

MOMENT_FORMAT = "%Y-%m-%dT%H:%M"
TIMELINE = ("publication_at", "clarification_deadline", "closing_at", "opening_at")


class MomentField(forms.DateTimeField):
    """A date and time typed in a native date-and-time picker (keyboard-usable), to the minute."""

    widget = forms.DateTimeInput(format=MOMENT_FORMAT, attrs={"type": "datetime-local"})
    input_formats = [MOMENT_FORMAT, "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"]


def to_minute(moment: dt.datetime | None) -> dt.datetime | None:
    """A stored moment as the picker shows it (seconds dropped), so an untouched field is unchanged."""
    if moment is None:
        return None
    return timezone.localtime(moment).replace(second=0, microsecond=0)


def _text(value: Any) -> str:
    return str(value or "").replace("\r\n", "\n").strip()


class TenderFilterForm(forms.Form):
    PHASES = (("", _("Any phase")), ("open", _("Open for bids")), ("closed", _("Closed")))

    status = forms.ChoiceField(label=_("Status"), required=False)
    phase = forms.ChoiceField(label=_("Phase"), required=False, choices=PHASES)
    q = forms.CharField(label=_("Search reference or title"), required=False, max_length=100)

    def __init__(self, *args: Any, statuses: list[tuple[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["status"]).choices = [("", _("All statuses")), *statuses]


class TenderForm(forms.Form):
    """A tender's own terms (create and edit). The rule book's checks come back from the service
    and are shown next to each field with the rule and its legal basis."""

    title = forms.CharField(label=_("Title"), max_length=255)
    scope_of_work = forms.CharField(
        label=_("Scope and technical requirements"),
        required=False,
        max_length=50_000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    procurement_category = forms.ChoiceField(
        label=_("Procurement category"), choices=ProcurementCategory.choices
    )
    high_technology = forms.BooleanField(
        label=_("High-technology package"),
        required=False,
        help_text=_("Allows a technical weight up to the rule book's high-technology range."),
    )
    scope = forms.ChoiceField(label=_("Domestic or international"), choices=Scope.choices)
    method = forms.ChoiceField(label=_("Evaluation method"), choices=EvaluationMethod.choices)
    envelopes = forms.TypedChoiceField(
        label=_("Envelopes"),
        coerce=int,
        choices=[(1, _("One envelope")), (2, _("Two envelopes (technical, then price)"))],
        initial=1,
    )
    package_price = NumberField(label=_("Package price"), required=False)
    discount_rate = PercentField(
        label=_("Discount rate for the evaluated price (%)"),
        required=False,
        help_text=_("Blank: the cost model's discount rate."),
    )
    technical_weight = PercentField(
        label=_("Technical weight (%)"), required=False, help_text=_("Combined method only.")
    )
    price_weight = PercentField(
        label=_("Price weight (%)"), required=False, help_text=_("Combined method only.")
    )
    price_score_scale = forms.TypedChoiceField(
        label=_("Score scale"), coerce=int, choices=[(100, "100"), (1000, "1000")], initial=100
    )
    pass_mark = PercentField(
        label=_("Technical pass mark (percentage of the maximum points)"),
        required=False,
        help_text=_("Needed when technical criteria are scored."),
    )
    bid_security_rate = PercentField(label=_("Bid security (percentage of the package price)"))
    bid_validity_days = forms.IntegerField(label=_("Bid validity (days)"), min_value=1, max_value=10_000)
    publication_at = MomentField(
        label=_("Publication"),
        help_text=_("Planned; the actual moment of publication replaces it and the rules are checked again."),
    )
    clarification_deadline = MomentField(label=_("Clarification deadline"))
    closing_at = MomentField(label=_("Closing"))
    opening_at = MomentField(label=_("Opening"))

    def __init__(self, *args: Any, currency: str = "VND", estimate_help: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["package_price"].label = _("Package price (%(currency)s)") % {"currency": currency}
        if estimate_help:
            self.fields["package_price"].help_text = estimate_help

    @staticmethod
    def initial_for(tender: Tender) -> dict[str, Any]:
        initial = {
            field: getattr(tender, field)
            for field in (
                "title", "scope_of_work", "procurement_category", "high_technology", "scope", "method",
                "envelopes", "package_price", "discount_rate", "technical_weight", "price_weight",
                "price_score_scale", "pass_mark", "bid_security_rate", "bid_validity_days",
            )
        }  # fmt: skip
        for field in TIMELINE:
            initial[field] = to_minute(getattr(tender, field))
        return initial

    @staticmethod
    def initial_new(
        *, title: str, estimate: Decimal, discount_rate: Decimal, bid_security_rate: Decimal
    ) -> dict[str, Any]:
        """A timeline the rule book accepts for most packages: publication tomorrow at 8:00, questions
        for 10 days, closing 25 days after publication at 9:00, opening an hour later; the bid
        security the rule book's lowest for a non-consulting package of this size."""
        tomorrow = timezone.localtime() + dt.timedelta(days=1)
        publication = tomorrow.replace(hour=8, minute=0, second=0, microsecond=0)
        closing = (publication + dt.timedelta(days=25)).replace(hour=9)
        return {
            "title": title,
            "package_price": estimate,
            "discount_rate": discount_rate,
            "procurement_category": ProcurementCategory.NON_CONSULTING,
            "scope": Scope.DOMESTIC,
            "method": EvaluationMethod.LOWEST_PRICE,
            "bid_security_rate": bid_security_rate,
            "bid_validity_days": 90,
            "publication_at": publication,
            "clarification_deadline": publication + dt.timedelta(days=10),
            "closing_at": closing,
            "opening_at": closing + dt.timedelta(hours=1),
        }

    def clean_scope_of_work(self) -> str:
        return _text(self.cleaned_data.get("scope_of_work"))

    def service_fields(self) -> dict[str, Any]:
        """The cleaned values as the services take them: amounts and rates as decimal strings; a
        blank package price or discount rate is left out, so the service's default applies."""
        values: dict[str, Any] = {}
        for key, value in self.cleaned_data.items():
            if key in ("package_price", "discount_rate") and value is None:
                continue
            values[key] = str(value) if isinstance(value, Decimal) else value
        return values


class ReturnForm(forms.Form):
    note = forms.CharField(
        label=_("What must change"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required: the finance officer reads it with the returned tender."),
    )


class CriterionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=CriterionKind.choices)
    code = forms.CharField(label=_("Code"), max_length=30)
    name = forms.CharField(label=_("Name"), max_length=255)
    description = forms.CharField(
        label=_("Description"), required=False, max_length=10_000, widget=forms.Textarea(attrs={"rows": 3})
    )
    max_points = NumberField(
        label=_("Maximum points"),
        required=False,
        help_text=_("Technical criteria only; leave blank otherwise."),
    )

    def service_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        points = data.get("max_points")
        return {
            "kind": data["kind"],
            "code": data["code"],
            "name": data["name"],
            "description": data.get("description", ""),
            "max_points": None if points is None else str(points),
        }


class AmendmentForm(forms.Form):
    """The reason, the fields an amendment may change and the schedule's quantities (fields named
    item_<row>_<year index>). Only what differs from the published version is sent."""

    FIELDS = (
        "title",
        "scope_of_work",
        "bid_validity_days",
        "clarification_deadline",
        "closing_at",
        "opening_at",
    )

    reason = forms.CharField(
        label=_("Reason for the amendment"),
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Published to every vendor with the changes."),
    )
    title = forms.CharField(label=_("Title"), max_length=255)
    scope_of_work = forms.CharField(
        label=_("Scope and technical requirements"),
        required=False,
        max_length=50_000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    bid_validity_days = forms.IntegerField(label=_("Bid validity (days)"), min_value=1, max_value=10_000)
    clarification_deadline = MomentField(label=_("Clarification deadline"))
    closing_at = MomentField(label=_("Closing"))
    opening_at = MomentField(label=_("Opening"))

    def __init__(self, *args: Any, tender: Tender, items: list[Any], years: list[int], **kwargs: Any) -> None:
        kwargs.setdefault("initial", self.initial_for(tender, items))
        super().__init__(*args, **kwargs)
        self.items = items
        self.years = years
        self.item_rows: list[dict[str, Any]] = []
        for row, item in enumerate(items):
            fields = []
            for index, year in enumerate(years):
                name = f"item_{row}_{index}"
                self.fields[name] = NumberField(label=f"{item.code} {year}", required=False)
                fields.append(self[name])
            self.item_rows.append({"item": item, "fields": fields})

    @staticmethod
    def initial_for(tender: Tender, items: list[Any]) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "title": tender.title,
            "scope_of_work": tender.scope_of_work,
            "bid_validity_days": tender.bid_validity_days,
        }
        for field in ("clarification_deadline", "closing_at", "opening_at"):
            initial[field] = to_minute(getattr(tender, field))
        for row, item in enumerate(items):
            for index, quantity in enumerate(item.quantities):
                initial[f"item_{row}_{index}"] = Decimal(str(quantity))
        return initial

    def clean_scope_of_work(self) -> str:
        return _text(self.cleaned_data.get("scope_of_work"))

    def amendment(self) -> dict[str, Any]:
        """The service's arguments: the reason, the changed fields and the changed items' quantities."""
        data = self.cleaned_data
        values: dict[str, Any] = {"reason": data["reason"]}
        for field in self.FIELDS:
            before = self.initial.get(field)
            if field == "scope_of_work":
                before = _text(before)
            if data.get(field) != before:
                values[field] = data.get(field)
        quantities: dict[str, list[Any]] = {}
        for row, item in enumerate(self.items):
            typed = [data.get(f"item_{row}_{index}") for index in range(len(item.quantities))]
            stored = [Decimal(str(q)) for q in item.quantities]
            if typed != stored:
                quantities[item.code] = ["" if value is None else str(value) for value in typed]
        if quantities:
            values["item_quantities"] = quantities
        return values

    def add_service_errors(self, fields: dict[str, str]) -> list[str]:
        """Place the service's errors ("item_quantities.HOST[2]" is that item's third year); return
        the messages that have no field of their own."""
        rows = {item.code: row for row, item in enumerate(self.items)}
        left = []
        for key, message in fields.items():
            name = key
            if key.startswith("item_quantities."):
                code, _bracket, index = key[len("item_quantities.") :].partition("[")
                row = rows.get(code)
                name = f"item_{row}_{index.rstrip(']') or 0}" if row is not None else key
            if name in self.fields:
                self.add_error(name, message)
            else:
                left.append(f"{key}: {message}")
        return left


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Answer"),
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Published to every vendor with the question, without naming who asked."),
    )


class PanelForm(forms.Form):
    chair = forms.TypedChoiceField(label=_("Panel chair"), coerce=int)
    evaluators = forms.TypedMultipleChoiceField(
        label=_("Evaluators"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Each declares any conflict of interest before seeing a score sheet."),
    )

    def __init__(self, *args: Any, candidates: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(person.pk, str(person)) for person in candidates]
        cast(forms.ChoiceField, self.fields["chair"]).choices = choices
        cast(forms.MultipleChoiceField, self.fields["evaluators"]).choices = choices
        self.people = {person.pk: person for person in candidates}


class DeclarationForm(forms.Form):
    has_conflict = forms.ChoiceField(
        label=_("Conflict of interest"),
        widget=forms.RadioSelect,
        choices=[
            ("no", _("I have no conflict of interest with any bidder")),
            ("yes", _("I have a conflict of interest")),
        ],
    )
    statement = forms.CharField(
        label=_("Statement"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Say which bidder and why, if you have a conflict."),
    )


class AwardProposalForm(forms.Form):
    bid = forms.TypedChoiceField(label=_("Bid to award"), coerce=int)
    reasons = forms.CharField(label=_("Reasons"), max_length=20_000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, bids: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["bid"]).choices = bids


class AwardNoteForm(forms.Form):
    note = forms.CharField(
        label=_("Note with the approval (optional)"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class AwardRejectForm(forms.Form):
    note = forms.CharField(
        label=_("Why the award is rejected"), max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )


class AwardCancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the award is cancelled"),
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The next-ranked bid is then considered."),
    )


class QueueFilterForm(forms.Form):
    KINDS = (
        ("", _("Everything")),
        ("cost_model", _("Cost models")),
        ("tender", _("Tenders")),
        ("award", _("Awards")),
        ("contract", _("Contracts")),
        ("amendment", _("Contract amendments")),
    )
    SORTS = (("oldest", _("Longest waiting first")), ("newest", _("Most recent first")))

    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=KINDS)
    sort = forms.ChoiceField(label=_("Order"), required=False, choices=SORTS)
