"""The reviewer's queue (/review/): one table of everything awaiting the person's decision (cost
models, tenders to approve for publication, proposed awards, contracts and their amendments), never
their own work, with how long each has waited; filterable by kind, sortable by waiting time."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from contracts import selectors
from costing import selectors as costing_selectors
from ppp.errors import PermissionDenied
from ppp.permissions import is_reviewer
from ppp.views import forbidden

from .forms import QueueFilterForm


def queue_items(user: Any) -> list[dict[str, Any]]:
    """Every waiting decision as one row: kind, what, agency, since when, and the page to decide on."""
    items: list[dict[str, Any]] = []
    for model in costing_selectors.awaiting_decision_for(user=user):
        items.append(
            {
                "kind": "cost_model",
                "kind_label": _("Cost model"),
                "title": model.name,
                "reference": _("version %(version)s") % {"version": model.version},
                "organisation": model.organisation,
                "by": model.created_by,
                "since": model.updated_at,
                "url": reverse("costing:model_detail", args=[model.pk]),
            }
        )
    waiting = selectors.awaiting_decision_for(user=user)
    for tender in waiting["tenders"]:
        items.append(
            {
                "kind": "tender",
                "kind_label": _("Tender"),
                "title": tender.title,
                "reference": tender.reference,
                "organisation": tender.organisation,
                "by": None,
                "since": tender.updated_at,
                "url": reverse("contracts:tender_detail", args=[tender.pk]),
            }
        )
    for award in waiting["awards"]:
        items.append(
            {
                "kind": "award",
                "kind_label": _("Award"),
                "title": award.tender.title,
                "reference": award.tender.reference,
                "organisation": award.tender.organisation,
                "by": None,
                "since": award.proposed_at,
                "url": reverse("contracts:award", args=[award.tender_id]),
            }
        )
    for contract in waiting["contracts"]:
        items.append(
            {
                "kind": "contract",
                "kind_label": _("Contract"),
                "title": contract.title or contract.tender.title,
                "reference": contract.tender.reference,
                "organisation": contract.agency,
                "by": None,
                "since": contract.submitted_at or contract.updated_at,
                "url": _url("contracts:contract_detail", contract.pk),
            }
        )
    for amendment in waiting["amendments"]:
        contract = amendment.contract
        items.append(
            {
                "kind": "amendment",
                "kind_label": _("Amendment"),
                "title": contract.title or contract.tender.title,
                "reference": _("%(reference)s, amendment %(number)d")
                % {"reference": contract.tender.reference, "number": amendment.number},
                "organisation": contract.agency,
                "by": None,
                "since": amendment.submitted_at or amendment.updated_at,
                "url": _url("contracts:amendment_detail", contract.pk, amendment.number),
                "flagged": amendment.flagged,
            }
        )
    return items


def _url(name: str, *args: Any) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:  # until the contract pages are routed
        return ""


KINDS = ("cost_model", "tender", "award", "contract", "amendment")


@login_required
def reviewer_queue(request: HttpRequest) -> HttpResponse:
    if not is_reviewer(request.user):
        return forbidden(
            request,
            PermissionDenied(
                "review.forbidden", _("Only approvers of a reviewing body have a review queue.")
            ),
        )
    form = QueueFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    kind, order = filters.get("kind", ""), filters.get("sort") or "oldest"
    everything = queue_items(request.user)
    counts = {key: sum(1 for item in everything if item["kind"] == key) for key in KINDS}
    items = [item for item in everything if not kind or item["kind"] == kind]
    items.sort(key=lambda item: item["since"], reverse=order == "newest")
    now = timezone.now()
    for item in items:
        item["waited"] = now - item["since"]
    return render(
        request,
        "contracts/reviewer_queue.html",
        {
            "form": form,
            "items": items,
            "total": len(everything),
            "counts": counts,
            "kind": kind,
            "order": order,
            "now": now,
        },
    )
