"""Shared pieces of the costing services: field checks that collect every error at once, the row lock
on a version, the "who edited this" trail, and the audit entry every write leaves."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from costing import permissions
from costing.calculations import CalculationInputError
from costing.models import CostModel
from ppp import audit
from ppp.errors import Conflict, PermissionDenied, ValidationFailed
from ppp.fields import RATE_PLACES, Errors, as_decimal, as_int, as_text
from ppp.models import User

__all__ = ["RATE_PLACES", "Errors", "as_decimal", "as_int", "as_text"]

LARGEST_AMOUNT = Decimal(10) ** 15  # fits MONEY (20 digits, 4 places) with room for products
LARGEST_QUANTITY = Decimal(10) ** 12
MONEY_PLACES = 4
QUANTITY_PLACES = 6


def engine_error(error: CalculationInputError, prefix: str = "") -> ValidationFailed:
    return ValidationFailed(
        "costing.invalid_input",
        _("The cost model cannot be calculated: %(why)s") % {"why": f"{error.field}: {error.message}"},
        {f"{prefix}{error.field}": error.message},
    )


def locked(model: CostModel) -> CostModel:
    """The version's row, locked until the transaction ends (every write to a version takes it)."""
    return CostModel.objects.select_for_update().select_related("organisation").get(pk=model.pk)


def require_editable(actor: User, model: CostModel) -> None:
    if not permissions.can_view_cost_model(actor, model):
        raise PermissionDenied("cost_model.forbidden", _("You may not change this cost model."))
    if not model.is_editable:
        raise Conflict(
            "cost_model.frozen",
            _("This version is %(status)s and cannot be changed; make a new version from it.")
            % {"status": model.get_status_display()},
        )
    if not permissions.can_edit_cost_model(actor, model):
        raise PermissionDenied(
            "cost_model.forbidden", _("Only the agency's finance officers change its cost models.")
        )


@contextmanager
def editing(actor: User, model: CostModel) -> Iterator[CostModel]:
    """Lock the version, check the actor may edit it, and mark them as an editor (maker-checker)."""
    row = locked(model)
    require_editable(actor, row)
    yield row
    row.editors.add(actor)
    row.save(update_fields=["updated_at"])


def record(actor: User, model: CostModel, action: str, *, before: Any = None, after: Any = None) -> None:
    """Every costing write is recorded on the version it belongs to, so its history page shows it."""
    audit.record(
        actor=actor,
        action=action,
        obj=model,
        organisation=model.organisation,
        before=before,
        after=after,
    )
