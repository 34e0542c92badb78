"""The rule book: dated legal and policy parameter sets, looked up by name and date.

Laws change (Vietnam replaced its bidding decree in 2025), so every rule check asks for the set valid
on the date that matters (a tender's publication date, a contract's signature date) and names the
set's legal basis in its errors.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Q
from django.utils import timezone

from ppp.errors import NotFound, ValidationFailed
from ppp.models import RuleSet


@dataclass(frozen=True)
class Rule:
    name: str
    version: str
    title: str
    legal_basis: str
    valid_from: dt.date
    valid_to: dt.date | None
    parameters: dict[str, Any]

    def decimal(self, key: str) -> Decimal:
        """A parameter as Decimal (parameters are stored as strings to keep them exact)."""
        return Decimal(str(self.parameters[key]))

    def __getitem__(self, key: str) -> Any:
        return self.parameters[key]

    def cite(self) -> str:
        return f"{self.title} ({self.legal_basis})"


def _to_rule(row: RuleSet) -> Rule:
    return Rule(
        name=row.name,
        version=row.version,
        title=row.title,
        legal_basis=row.legal_basis,
        valid_from=row.valid_from,
        valid_to=row.valid_to,
        parameters=row.parameters,
    )


def _day(on: dt.date) -> dt.date:
    # A moment (a tender's publication time) falls on the date it has where the law applies (the
    # project's TIME_ZONE, not the reader's): 2025-08-03T20:00Z is already 4 August in Hanoi.
    if isinstance(on, dt.datetime):
        if timezone.is_aware(on):
            return timezone.localdate(on, timezone.get_default_timezone())
        return on.date()
    return on


def get(name: str, on: dt.date, version: str | None = None) -> Rule:
    """The parameter set `name` valid on date `on` (a specific variant when `version` is given).

    Raises NotFound("rules.not_found") when no version covers the date.
    """
    on = _day(on)
    rows = RuleSet.objects.filter(name=name, valid_from__lte=on).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=on)
    )
    if version is not None:
        rows = rows.filter(version=version)
    # Windows of one name never overlap (services.rule_set_validate); the latest start wins if they do.
    row = rows.order_by("-valid_from", "version").first()
    if row is None:
        raise NotFound("rules.not_found", f"No rule set {name!r} is valid on {on.isoformat()}.")
    return _to_rule(row)


def variants(name: str, on: dt.date) -> list[Rule]:
    """All variants valid on a date (for rules with alternatives, such as the revenue band)."""
    on = _day(on)
    rows = RuleSet.objects.filter(name=name, valid_from__lte=on).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=on)
    )
    return [_to_rule(row) for row in rows.order_by("version")]


def check_range(
    rule: Rule, field: str, value: Decimal, low_key: str, high_key: str, *, label: str | None = None
) -> None:
    """Raise a 400 naming the field and the rule when value is outside [low, high]."""
    low, high = rule.decimal(low_key), rule.decimal(high_key)
    if not (low <= value <= high):
        raise ValidationFailed(
            "rules.out_of_range",
            f"{label or field} must be between {low} and {high} under {rule.cite()}.",
            {field: f"must be between {low} and {high} ({rule.cite()})"},
        )
