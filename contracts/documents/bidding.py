"""The bidding document of a tender (hồ sơ mời thầu) and the blank bid and price forms its bidders
fill in, registered for "contracts.tender".

Both read the same inputs, collected here from the tender as it stands: its terms (method,
envelopes, bid security rate and amount, validity, dates, currency, VAT), its pricing schedule (items
with their quantity per year), its criteria, its amendments and the rule sets valid on its
publication date with their legal basis. The documents are laid out from those inputs only by
bidding_document.py (Parts 1 to 3 with their eight chapters: bidding_instructions.py holds Chapter I,
bidding_sheet.py Chapters II and III, bidding_conditions.py Part 3) and bidding_forms.py (the forms of
Chapter IV, also issued on their own); bidding_common.py has the template's titles and the tables.

The agency's finance officers generate them; whoever may see the tender may read them (a vendor once
it is published: contracts.selectors.tender_get_for decides). They count as published once the
tender is.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy

from contracts import permissions, selectors
from contracts.models import CriterionKind, EvaluationMethod, Tender, TenderStatus
from costing.models import Category
from costing.templatetags.costing_tags import legal_text
from ppp import money, rules
from ppp.documents import registry
from ppp.errors import NotFound
from ppp.templatetags.ppp_tags import local_name

from .bidding_common import TITLES, vietnamese
from .bidding_document import render_bidding_document
from .bidding_forms import render_bid_forms

PUBLISHED_OR_LATER = frozenset(
    {TenderStatus.PUBLISHED, TenderStatus.OPENED, TenderStatus.EVALUATED, TenderStatus.AWARDED}
)
# The rule sets the document quotes, looked up on the tender's publication date.
RULES = (
    "bidding.bid_security",
    "bidding.preparation_time",
    "bidding.evaluation_weights",
    "bidding.technical_pass_mark",
    "bidding.preference",
    "bidding.abnormally_low",
    "bidding.performance_security",
)
# Parameters of the weights rule that the document does not need (they vary by category).
WEIGHT_RANGES = ("non_consulting", "goods", "high_technology", "consulting")


def _load(user: Any, pk: int) -> Tender:
    return selectors.tender_get_for(user=user, pk=pk)


def _rules(tender: Tender, scored: bool) -> dict[str, Any]:
    """The rule sets the tender's terms answer to, valid on its publication date: the weights only
    for the combined method, the pass mark only when technical criteria are scored."""
    found: dict[str, Any] = {}
    for name in RULES:
        if name == "bidding.evaluation_weights" and tender.method != EvaluationMethod.COMBINED:
            continue
        if name == "bidding.technical_pass_mark" and not (scored or tender.pass_mark is not None):
            continue
        try:
            rule = rules.get(name, tender.published_at or tender.publication_at)
        except NotFound:
            continue
        parameters = {k: v for k, v in rule.parameters.items() if k not in WEIGHT_RANGES}
        found[name] = {
            "cite": legal_text(rule.cite()),
            "title": legal_text(rule.title),
            "legal_basis": legal_text(rule.legal_basis),
            "version": rule.version,
            "parameters": parameters,
        }
    return found


def _links(tender: Tender) -> dict[str, str]:
    site = str(getattr(settings, "SITE_URL", "")).rstrip("/")
    return {
        "tender": site + reverse("contracts:tender_detail", args=[tender.pk]),
        "bid": site + reverse("contracts:my_bid", args=[tender.pk]),
        "clarifications": site + reverse("contracts:clarifications", args=[tender.pk]),
    }


def collect(tender: Tender, language: str, *, kind: str = "document") -> dict[str, Any]:
    """The tender's terms, schedule, criteria, amendments and rules, as plain values (amounts and
    quantities as Decimal strings). The bid security is rate x package price, rounded to the
    currency's minor unit half up (whole đồng for VND)."""
    agency = tender.organisation
    items = list(tender.items.select_related("lot").order_by("position", "pk"))
    horizon = max((len(item.quantities) for item in items), default=0)
    base_year = tender.cost_model.base_year
    security = money.quantize(tender.package_price * tender.bid_security_rate, tender.currency)
    categories = dict(Category.choices)
    criteria = list(tender.criteria.order_by("position", "pk"))
    scored = any(c.kind == CriterionKind.TECHNICAL for c in criteria)
    return {
        "title": TITLES[kind][0] if vietnamese() else TITLES[kind][1],
        "reference": tender.reference,
        "issuer": local_name(agency),
        "place": "",
        "national_heading": True,
        "tender": {
            "title": tender.title,
            "status": tender.get_status_display(),
            "published": tender.status in PUBLISHED_OR_LATER,
            "version": tender.version,
            "content_hash": tender.content_hash,
            "agency": local_name(agency),
            "agency_address": agency.address,
            "category": tender.get_procurement_category_display(),
            "consulting": tender.procurement_category == "consulting",
            "high_technology": tender.high_technology,
            "scope": tender.get_scope_display(),
            "international": tender.scope == "international",
            "method": tender.method,
            "method_label": tender.get_method_display(),
            "envelopes": tender.envelopes,
            "currency": tender.currency,
            "package_price": tender.package_price,
            "vat_rate": tender.vat_rate,
            "discount_rate": tender.discount_rate,
            "technical_weight": tender.technical_weight,
            "price_weight": tender.price_weight,
            "price_score_scale": tender.price_score_scale,
            "pass_mark": tender.pass_mark,
            "bid_security_rate": tender.bid_security_rate,
            "bid_security": security,
            "bid_validity_days": tender.bid_validity_days,
            "publication_at": tender.published_at or tender.publication_at,
            "clarification_deadline": tender.clarification_deadline,
            "closing_at": tender.closing_at,
            "opening_at": tender.opening_at,
            "scope_of_work": tender.scope_of_work,
            "base_year": base_year,
        },
        "years": [base_year + period for period in range(horizon)],
        "lots": [
            {"number": lot.number, "name": lot.name, "package_price": lot.package_price}
            for lot in tender.lots.all()
        ],
        "items": [
            {
                "code": item.code,
                "name": item.name,
                "category": str(categories.get(item.category, item.category)),
                "unit": item.unit,
                "quantities": list(item.quantities),
                "vat": item.vat_applicable,
                "description": item.description,
                "lot": item.lot.number if item.lot else None,
            }
            for item in items
        ],
        "criteria": [
            {
                "code": c.code,
                "kind": c.kind,
                "scored": c.kind == CriterionKind.TECHNICAL,
                "name": c.name,
                "description": c.description,
                "max_points": c.max_points,
            }
            for c in criteria
        ],
        "amendments": [
            {
                "number": a.number,
                "reason": a.reason,
                "published_at": a.published_at,
                "fields": sorted(a.changes),
            }
            for a in tender.amendments.all()
        ],
        "rules": _rules(tender, scored),
        "links": _links(tender),
    }


def _collect_forms(tender: Tender, language: str) -> dict[str, Any]:
    return collect(tender, language, kind="forms")


def _published(tender: Tender) -> bool:
    return tender.status in PUBLISHED_OR_LATER


registry.register(
    registry.Kind(
        name="contracts.bidding_document",
        label=gettext_lazy("Bidding document"),
        object_type="contracts.tender",
        load=_load,
        collect=collect,
        render=render_bidding_document,
        organisation_of=lambda tender: tender.organisation_id,
        can_generate=permissions.can_manage_tender,
        published=_published,
        order=10,
    )
)
registry.register(
    registry.Kind(
        name="contracts.bid_forms",
        label=gettext_lazy("Bid and price forms"),
        object_type="contracts.tender",
        load=_load,
        collect=_collect_forms,
        render=render_bid_forms,
        organisation_of=lambda tender: tender.organisation_id,
        can_generate=permissions.can_manage_tender,
        published=_published,
        order=20,
    )
)

__all__ = ["collect", "render_bid_forms", "render_bidding_document"]
