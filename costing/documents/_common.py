"""What the cost model's two documents share: the version loaded for the person through the selector,
who may generate them, the engine's figures for the version, the page furniture, the assumptions
with their sources, the decisions, and the small formatting helpers both renderings use.

Figures come from the engine exactly as the results pages get them (selectors.snapshot_of, then
`appraise`) and cross back to money with `to_money` at the currency's places (ROUND_HALF_UP).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from costing import calculations, permissions, selectors
from costing.calculations.appraisal import Appraisal, appraise
from costing.models import Category, CostModel, CostModelDecision, Option
from costing.services._common import engine_error
from costing.templatetags.costing_tags import legal_text
from costing.templatetags.costing_tags import percent as rate_text
from ppp import rules
from ppp.documents.pdf import Document, moment, number, parse_moment
from ppp.money import minor_units

OBJECT_TYPE = "costing.costmodel"


def load(user: Any, pk: int) -> CostModel:
    """The version the person may see, or NotFound (a 404): missing and not-yours look the same."""
    return selectors.cost_model_get_for(user=user, pk=pk)


def can_generate(user: Any, model: CostModel) -> bool:
    """The agency's own people, and the approvers of its reviewing body once the version was
    submitted; never vendors (they cannot see cost models at all)."""
    if permissions.is_author_side(user, model):
        return True
    return model.first_submitted_at is not None and permissions.is_reviewer_of(user, model)


def organisation_of(model: CostModel) -> int:
    return model.organisation_id


def appraisal_of(
    model: CostModel, *, tornado_percent: Decimal | None = None
) -> tuple[list[Option], Appraisal]:
    """The version's options (with lines and risks) and the engine's figures for them, as the
    results page computes them; a version the engine refuses is a validation error naming the field."""
    options = selectors.options_with_lines(model=model)
    snapshot = selectors.snapshot_of(model, options)
    try:
        return options, appraise(snapshot, tornado_percent=tornado_percent)
    except calculations.CalculationInputError as error:
        raise engine_error(error) from None


def reference(model: CostModel) -> str:
    """CM-<first version's id>-v<version>: the same model keeps its number across versions."""
    return f"CM-{model.lineage_root_id}-v{model.version}"


def local(organisation: Any, language: str) -> str:
    if organisation is None:
        return ""
    return (organisation.name_en or organisation.name) if language == "en" else organisation.name


def person(user: Any) -> str:
    return (user.get_full_name() or user.username) if user is not None else ""


def furniture(model: CostModel, language: str, title: str) -> dict[str, Any]:
    return {
        "title": title,
        "reference": reference(model),
        "issuer": local(model.organisation, language),
        "place": "",
        "national_heading": True,
    }


def model_facts(model: CostModel, language: str) -> dict[str, Any]:
    return {
        "name": model.name,
        "purpose": model.purpose,
        "version": model.version,
        "status": model.get_status_display(),
        "approved": model.status == "approved",
        "content_hash": model.content_hash,
        "agency": local(model.organisation, language),
        "reviewing_body": local(model.organisation.reviewing_body, language),
        "currency": model.currency,
        "places": minor_units(model.currency),
        "basis": model.basis,
        "basis_label": model.get_basis_display(),
        "prepared_by": person(model.created_by),
    }


def _source(override: Any, rule: rules.Rule) -> str:
    return _("set in this cost model") if override is not None else legal_text(rule.cite())


def assumptions(model: CostModel, appraisal: Appraisal, *, optimism: bool = False) -> list[dict[str, Any]]:
    """(label, value, source) rows: the model's own assumptions, then the estimate parameters with
    the rule book's citation (or "set in this cost model" where the version overrides it)."""
    on = selectors.rules_date(model)
    pm = rules.get("costing.project_management_norm", on)
    contingency = rules.get("costing.contingency", on)
    estimate = appraisal.snapshot.rules
    years = ngettext("%(years)s year", "%(years)s years", model.horizon) % {"years": model.horizon}
    price_index_note = ""
    if model.basis == "nominal":
        price_index_note = _("not applied: the lines of a nominal model already escalate")
    rows: list[dict[str, Any]] = [
        {"label": _("Base year"), "value": str(model.base_year), "source": ""},
        {"label": _("Years"), "value": f"{model.base_year}–{model.last_year} ({years})", "source": ""},
        {"label": _("Basis"), "value": model.get_basis_display(), "source": ""},
        {"label": _("Currency"), "value": model.currency, "source": ""},
        {"label": _("General escalation"), "rate": model.general_escalation, "source": ""},
        {"label": _("Discount rate"), "rate": model.discount_rate, "source": model.discount_rate_basis},
        {"label": _("VAT rate"), "rate": model.vat_rate, "source": ""},
        {
            "label": _("Project management norm"),
            "rate": estimate.pm_norm_rate,
            "source": _source(model.pm_norm_rate, pm),
        },
        {
            "label": _("Quantity contingency"),
            "rate": estimate.contingency_quantity_rate,
            "source": _source(model.contingency_quantity_rate, contingency),
        },
        {
            "label": _("Average price index change"),
            "rate": estimate.price_index,
            "source": "; ".join(filter(None, [_source(model.price_index, contingency), price_index_note])),
        },
    ]
    if optimism:
        basis = legal_text(estimate.optimism_basis)
        rows += [
            {
                "label": _("Optimism bias upper bound: equipment and development capex"),
                "rate": estimate.capex_uplift,
                "source": basis,
            },
            {
                "label": _("Optimism bias upper bound: outsourced opex"),
                "rate": estimate.opex_uplift,
                "source": basis,
            },
        ]
    return rows


def decisions(model: CostModel) -> list[dict[str, Any]]:
    return [
        {
            "at": decision.created_at,
            "who": person(decision.actor),
            "decision": decision.get_decision_display(),
            "note": decision.note,
        }
        for decision in CostModelDecision.objects.filter(model=model)
        .select_related("actor")
        .order_by("created_at", "pk")
    ]


def approver(model: CostModel) -> str:
    decision = (
        CostModelDecision.objects.filter(model=model, decision="approve")
        .select_related("actor")
        .order_by("-created_at", "-pk")
        .first()
    )
    return person(decision.actor) if decision is not None else ""


def category_label(value: str) -> str:
    try:
        return str(Category(value).label)
    except ValueError:
        return value


def money_text(value: Any, places: int) -> str:
    """A float from the engine as money text at the currency's places (ROUND_HALF_UP)."""
    return str(calculations.to_money(float(value), places))


# Rendering helpers (inputs only).


def rate(value: Any) -> str:
    return rate_text(value)


def quantity(value: Any) -> str:
    """A quantity the reader's way, at most two decimals, trailing zeros dropped."""
    shown = number(value, 2)
    return shown.rstrip("0").rstrip(",.") if any(mark in shown for mark in ",.") else shown


def moment_of(value: Any) -> dt.datetime | None:
    """A moment read back from the stored inputs (the documents foundation's parser)."""
    return parse_moment(value)


def assumptions_table(doc: Document, rows: list[dict[str, Any]]) -> None:
    doc.table(
        [_("Assumption"), _("Value"), _("Source")],
        [
            [row["label"], rate(row["rate"]) if "rate" in row else row["value"], row["source"] or "—"]
            for row in rows
        ],
        widths=[2.6, 1.6, 4.6],
    )


def decisions_table(doc: Document, rows: list[dict[str, Any]]) -> None:
    if not rows:
        doc.paragraph(_("No decisions yet."))
        return
    doc.table(
        [_("When"), _("Who"), _("Decision"), _("Note")],
        [[moment(moment_of(row["at"])), row["who"], row["decision"], row["note"] or "—"] for row in rows],
        widths=[1.6, 1.8, 1.6, 4],
    )
