"""A cost model version's life: create, change its assumptions, submit, approve or return, new version.

The workflow is a table (TRANSITIONS); one service per edge locks the row, checks the edge and the
actor, saves, writes a decision row and an audit entry. Approval is maker-checker: an approver of the
agency's reviewing body who neither created nor edited the version.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from costing import calculations, permissions, selectors
from costing.calculations.appraisal import appraisal_summary, appraise, snapshot_to_plain
from costing.models import (
    HORIZON_MAX,
    HORIZON_MIN,
    Basis,
    CalculationReceipt,
    CostLine,
    CostModel,
    CostModelDecision,
    CostModelStatus,
    DecisionKind,
    Option,
    OptionKind,
    ReceiptKind,
    Risk,
    Scenario,
)
from ppp import audit
from ppp.errors import Conflict, PermissionDenied, ValidationFailed
from ppp.models import Membership, Organisation, Role, User
from ppp.money import MINOR_UNITS
from ppp.permissions import has_role
from ppp.services import notify

from ._common import Errors, as_decimal, as_int, as_text, editing, engine_error, locked, record

BASE_YEAR_MIN = 1990
BASE_YEAR_MAX = 2100

# decision -> (from statuses, to status)
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    DecisionKind.SUBMIT: (
        frozenset({CostModelStatus.DRAFT, CostModelStatus.RETURNED}),
        CostModelStatus.SUBMITTED,
    ),
    DecisionKind.APPROVE: (frozenset({CostModelStatus.SUBMITTED}), CostModelStatus.APPROVED),
    DecisionKind.RETURN: (frozenset({CostModelStatus.SUBMITTED}), CostModelStatus.RETURNED),
}

MODEL_FIELDS = (
    "name",
    "purpose",
    "currency",
    "base_year",
    "horizon",
    "basis",
    "discount_rate",
    "discount_rate_basis",
    "vat_rate",
    "general_escalation",
    "pm_norm_rate",
    "contingency_quantity_rate",
    "price_index",
)
OPTIONAL_RATES = ("pm_norm_rate", "contingency_quantity_rate", "price_index")


def clean_model_fields(values: dict[str, Any], *, partial: bool) -> dict[str, Any]:
    """Check a cost model's own fields; every problem is reported at once, naming the field."""
    errors = Errors()
    unknown = set(values) - set(MODEL_FIELDS)
    for field in sorted(unknown):
        errors.add(field, _("unknown field"))
    cleaned: dict[str, Any] = {}

    def wanted(field: str) -> bool:
        return field in values or not partial

    if wanted("name"):
        cleaned["name"] = as_text(errors, "name", values.get("name"), max_length=255, required=True)
    if wanted("purpose"):
        cleaned["purpose"] = as_text(errors, "purpose", values.get("purpose"), max_length=5000)
    if wanted("discount_rate_basis"):
        cleaned["discount_rate_basis"] = as_text(
            errors, "discount_rate_basis", values.get("discount_rate_basis"), max_length=500
        )
    if wanted("currency"):
        currency = as_text(errors, "currency", values.get("currency") or "VND", max_length=3).upper()
        if currency not in MINOR_UNITS:
            errors.add("currency", _("must be one of %(codes)s") % {"codes": ", ".join(sorted(MINOR_UNITS))})
        cleaned["currency"] = currency
    if wanted("base_year"):
        cleaned["base_year"] = as_int(
            errors, "base_year", values.get("base_year"), minimum=BASE_YEAR_MIN, maximum=BASE_YEAR_MAX
        )
    if wanted("horizon"):
        cleaned["horizon"] = as_int(
            errors, "horizon", values.get("horizon"), minimum=HORIZON_MIN, maximum=HORIZON_MAX
        )
    if wanted("basis"):
        basis = values.get("basis") or Basis.REAL
        if basis not in Basis.values:
            errors.add("basis", _("must be real or nominal"))
        cleaned["basis"] = basis
    if wanted("discount_rate"):
        cleaned["discount_rate"] = as_decimal(
            errors, "discount_rate", values.get("discount_rate"), minimum=0, maximum=1, percent_words=True
        )
    if wanted("vat_rate"):
        cleaned["vat_rate"] = as_decimal(
            errors, "vat_rate", values.get("vat_rate"), minimum=0, maximum=1, percent_words=True
        )
    if wanted("general_escalation"):
        raw = values.get("general_escalation")
        cleaned["general_escalation"] = as_decimal(
            errors,
            "general_escalation",
            Decimal(0) if raw is None else raw,
            minimum=Decimal("-0.99"),
            maximum=1,
            percent_words=True,
        )
    for field in OPTIONAL_RATES:
        if wanted(field):
            cleaned[field] = as_decimal(
                errors, field, values.get(field), minimum=0, maximum=1, required=False, percent_words=True
            )
    errors.raise_if_any("cost_model.invalid", _("The cost model cannot be saved."))
    return cleaned


def default_options() -> list[tuple[str, str]]:
    return [
        (OptionKind.IN_HOUSE, _("In-house (public sector comparator)")),
        (OptionKind.SERVICE_HIRE, _("IT service hire")),
        (OptionKind.PPP, _("Public-private partnership")),
    ]


@transaction.atomic
def cost_model_create(
    *, actor: User, organisation: Organisation, with_default_options: bool = True, **fields: Any
) -> CostModel:
    """A new draft (version 1) owned by the agency; by default with the three delivery options."""
    if not permissions.can_create_cost_model(actor, organisation):
        raise PermissionDenied(
            "cost_model.forbidden", _("Only the agency's finance officers create its cost models.")
        )
    cleaned = clean_model_fields(fields, partial=False)
    model = CostModel.objects.create(organisation=organisation, created_by=actor, **cleaned)
    model.editors.add(actor)
    if with_default_options:
        Option.objects.bulk_create(
            [Option(model=model, kind=kind, name=name) for kind, name in default_options()]
        )
    record(actor, model, "cost_model.created", after=audit.snapshot(model))
    return model


def _refit_lines(model: CostModel, base_year: int, horizon: int, errors: Errors) -> list[CostLine]:
    """Lines re-shaped for a new base year or horizon: typed quantities are kept per period (padded
    with zeros, or cut where the cut years hold nothing); generated lines are regenerated."""
    changed = []
    last_year = base_year + horizon - 1
    for line in CostLine.objects.filter(option__model=model).order_by("pk"):
        if line.is_generated:
            if not (base_year <= line.start_year <= last_year and line.end_year <= last_year):  # type: ignore[operator]
                errors.add(
                    f"lines.{line.code}",
                    _("runs from %(start)s to %(end)s, outside %(first)s-%(last)s")
                    % {"start": line.start_year, "end": line.end_year, "first": base_year, "last": last_year},
                )
                continue
            quantities = calculations.generate_quantities(
                horizon,
                base_year,
                line.start_year,  # type: ignore[arg-type]
                line.end_year,  # type: ignore[arg-type]
                Decimal(line.starting_quantity),  # type: ignore[arg-type]
                Decimal(line.growth_rate),  # type: ignore[arg-type]
            )
            line.quantities = [str(q) for q in quantities]
        else:
            values = list(line.quantities)
            if len(values) > horizon and any(Decimal(str(q)) for q in values[horizon:]):
                errors.add(
                    f"lines.{line.code}",
                    _("has quantities after %(last)s; clear them before shortening the horizon")
                    % {"last": last_year},
                )
                continue
            line.quantities = (values + ["0"] * horizon)[:horizon]
        if line.refresh_cycle_years and line.refresh_cycle_years > horizon:
            errors.add(f"lines.{line.code}", _("its refresh cycle is longer than the horizon"))
        changed.append(line)
    for risk in Risk.objects.filter(option__model=model):
        if not (base_year <= risk.first_year and risk.last_year <= last_year):
            errors.add(
                f"risks.{risk.code}",
                _("may occur in %(first)s-%(last)s, outside the horizon")
                % {"first": risk.first_year, "last": risk.last_year},
            )
    return changed


@transaction.atomic
def cost_model_update(*, actor: User, model: CostModel, **fields: Any) -> CostModel:
    """Change a draft's assumptions. A new horizon or base year re-shapes its lines; a currency
    cannot change once the model has lines (their amounts are in the old one)."""
    with editing(actor, model) as row:
        cleaned = clean_model_fields(fields, partial=True)
        before = audit.snapshot(row)
        errors = Errors()
        currency_changes = "currency" in cleaned and cleaned["currency"] != row.currency
        if currency_changes and (
            CostLine.objects.filter(option__model=row).exists()
            or Risk.objects.filter(option__model=row).exists()
        ):
            errors.add(
                "currency",
                _("the model's amounts are in %(currency)s; it cannot change") % {"currency": row.currency},
            )
        base_year = cleaned.get("base_year", row.base_year)
        horizon = cleaned.get("horizon", row.horizon)
        lines: list[CostLine] = []
        if (base_year, horizon) != (row.base_year, row.horizon):
            lines = _refit_lines(row, base_year, horizon, errors)
        errors.raise_if_any("cost_model.invalid", _("The cost model cannot be saved."))
        for field, value in cleaned.items():
            setattr(row, field, value)
        row.save()
        if lines:
            CostLine.objects.bulk_update(lines, ["quantities"])
        record(actor, row, "cost_model.updated", before=before, after=audit.snapshot(row))
    return row


def _approvers_of(model: CostModel) -> list[User]:
    if model.organisation.reviewing_body_id is None:
        return []
    return [
        membership.user
        for membership in Membership.objects.select_related("user").filter(
            organisation_id=model.organisation.reviewing_body_id, role=Role.APPROVER, user__is_active=True
        )
    ]


def _transition(*, actor: User, model: CostModel, decision: str, note: str) -> CostModel:
    row = locked(model)
    sources, target = TRANSITIONS[decision]
    if not permissions.can_view_cost_model(actor, row):
        raise PermissionDenied("cost_model.forbidden", _("You may not act on this cost model."))
    if row.status not in sources:
        raise Conflict(
            "cost_model.invalid_transition",
            _("A %(status)s version cannot be %(decision)s.")
            % {"status": row.get_status_display(), "decision": DecisionKind(decision).label.lower()},
        )
    if decision == DecisionKind.SUBMIT:
        if not permissions.can_submit_cost_model(actor, row):
            raise PermissionDenied(
                "cost_model.forbidden", _("Only the agency's finance officers submit its cost models.")
            )
    else:
        if not permissions.is_reviewer_of(actor, row):
            raise PermissionDenied(
                "cost_model.forbidden",
                _("Only approvers of the agency's reviewing body decide on its models."),
            )
        if permissions.made_by(actor, row):
            raise PermissionDenied(
                "cost_model.own_work",
                _("You created or edited this version: someone else must decide on it."),
            )
    before = row.status
    row.status = target
    if decision == DecisionKind.SUBMIT and row.first_submitted_at is None:
        row.first_submitted_at = timezone.now()
    row.save()
    role = Role.FINANCE_OFFICER if decision == DecisionKind.SUBMIT else Role.APPROVER
    CostModelDecision.objects.create(
        model=row, actor=actor, role=role, decision=decision, from_status=before, to_status=target, note=note
    )
    record(
        actor,
        row,
        f"cost_model.{decision}",
        before={"status": before},
        after={"status": target, "note": note, "content_hash": row.content_hash},
    )
    return row


def _check_complete(model: CostModel) -> None:
    snapshot = selectors.cost_model_snapshot(model=model)
    if not any(option.lines for option in snapshot.options):
        raise ValidationFailed(
            "cost_model.incomplete",
            _("Add cost lines before submitting the model."),
            {"options": _("no option has a cost line")},
        )
    try:
        appraise(snapshot, tornado_percent=None)
    except calculations.CalculationInputError as error:
        raise engine_error(error) from None


@transaction.atomic
def cost_model_submit(*, actor: User, model: CostModel, note: str = "") -> CostModel:
    _check_complete(model)
    row = _transition(actor=actor, model=model, decision=DecisionKind.SUBMIT, note=note.strip())
    notify(
        recipients=_approvers_of(row),
        verb="cost_model.submitted",
        title=_("Cost model awaiting your decision: %(name)s v%(version)s")
        % {"name": row.name, "version": row.version},
        body=note,
        link=reverse("costing:model_detail", args=[row.pk]),
        obj=row,
    )
    return row


def store_results_receipt(*, actor: User, model: CostModel) -> CalculationReceipt:
    """Store (or find) the results receipt of a version's current inputs."""
    snapshot = selectors.cost_model_snapshot(model=model)
    try:
        appraisal = appraise(snapshot)
    except calculations.CalculationInputError as error:
        raise engine_error(error) from None
    existing = CalculationReceipt.objects.filter(
        model=model, kind=ReceiptKind.RESULTS, input_hash=appraisal.input_hash, scenario=None
    ).first()
    if existing is not None:
        return existing
    receipt = CalculationReceipt.objects.create(
        model=model,
        kind=ReceiptKind.RESULTS,
        input_hash=appraisal.input_hash,
        engine_version=calculations.ENGINE_VERSION,
        inputs={"snapshot": snapshot_to_plain(snapshot), "overrides": None},
        results=appraisal_summary(appraisal),
        created_by=actor,
    )
    record(
        actor,
        model,
        "cost_model.receipt_stored",
        after={"receipt": receipt.pk, "input_hash": receipt.input_hash},
    )
    return receipt


@transaction.atomic
def cost_model_approve(*, actor: User, model: CostModel, note: str = "") -> CostModel:
    """Approve and freeze: the content hash is the input hash of the approved figures' receipt."""
    row = locked(model)
    receipt = store_results_receipt(actor=actor, model=row)
    row.content_hash = receipt.input_hash
    row.save(update_fields=["content_hash"])
    row = _transition(actor=actor, model=row, decision=DecisionKind.APPROVE, note=note.strip())
    notify(
        recipients=[row.created_by],
        verb="cost_model.approved",
        title=_("Cost model approved: %(name)s v%(version)s") % {"name": row.name, "version": row.version},
        body=note,
        link=reverse("costing:model_detail", args=[row.pk]),
        obj=row,
    )
    return row


@transaction.atomic
def cost_model_return(*, actor: User, model: CostModel, note: str) -> CostModel:
    note = (note or "").strip()
    if not note:
        raise ValidationFailed(
            "cost_model.note_required",
            _("Say what must change when returning a model."),
            {"note": _("This field is required.")},
        )
    row = _transition(actor=actor, model=model, decision=DecisionKind.RETURN, note=note)
    notify(
        recipients=[row.created_by],
        verb="cost_model.returned",
        title=_("Cost model returned with comments: %(name)s v%(version)s")
        % {"name": row.name, "version": row.version},
        body=note,
        link=reverse("costing:model_detail", args=[row.pk]),
        obj=row,
    )
    return row


def _copy_content(source: CostModel, target: CostModel, actor: User) -> None:
    for option in Option.objects.filter(model=source).order_by("pk"):
        lines = list(option.lines.all())
        risks = list(option.risks.all())
        option.pk = None
        option.model = target
        option.save()
        for line in lines:
            line.pk = None
            line.option = option
        CostLine.objects.bulk_create(lines)
        for risk in risks:
            risk.pk = None
            risk.option = option
        Risk.objects.bulk_create(risks)
    Scenario.objects.bulk_create(
        [
            Scenario(
                model=target, name=s.name, description=s.description, overrides=s.overrides, created_by=actor
            )
            for s in Scenario.objects.filter(model=source)
        ]
    )


@transaction.atomic
def cost_model_new_version(*, actor: User, model: CostModel) -> CostModel:
    """A new draft copied from an approved version (one open version per model at a time)."""
    row = locked(model)
    if not permissions.can_view_cost_model(actor, row):
        raise PermissionDenied("cost_model.forbidden", _("You may not act on this cost model."))
    if row.status != CostModelStatus.APPROVED:
        raise Conflict(
            "cost_model.invalid_transition", _("Only an approved version can be copied to a new one.")
        )
    if not permissions.can_make_new_version(actor, row):
        raise PermissionDenied(
            "cost_model.forbidden", _("Only the agency's finance officers make new versions of its models.")
        )
    root = row.lineage_root_id
    family = CostModel.objects.select_for_update().filter(
        pk=root
    ) | CostModel.objects.select_for_update().filter(lineage_id=root)
    versions = list(family)
    if any(version.status != CostModelStatus.APPROVED for version in versions):
        raise Conflict(
            "cost_model.open_version_exists",
            _("Another version of this model is still a draft or under review."),
        )
    copy = CostModel.objects.create(
        organisation=row.organisation,
        name=row.name,
        purpose=row.purpose,
        currency=row.currency,
        base_year=row.base_year,
        horizon=row.horizon,
        basis=row.basis,
        discount_rate=row.discount_rate,
        discount_rate_basis=row.discount_rate_basis,
        vat_rate=row.vat_rate,
        general_escalation=row.general_escalation,
        pm_norm_rate=row.pm_norm_rate,
        contingency_quantity_rate=row.contingency_quantity_rate,
        price_index=row.price_index,
        version=max(version.version for version in versions) + 1,
        lineage_id=root,
        previous_version=row,
        created_by=actor,
    )
    copy.editors.add(actor)
    _copy_content(row, copy, actor)
    CostModelDecision.objects.create(
        model=row,
        actor=actor,
        role=Role.FINANCE_OFFICER,
        decision=DecisionKind.NEW_VERSION,
        from_status=row.status,
        to_status=row.status,
        note=f"v{copy.version}",
    )
    record(actor, row, "cost_model.new_version", after={"new_version": copy.pk, "version": copy.version})
    record(actor, copy, "cost_model.created", after={**audit.snapshot(copy), "copied_from": row.pk})
    return copy


@transaction.atomic
def cost_model_delete(*, actor: User, model: CostModel) -> None:
    """Delete a draft that was never submitted (nothing has relied on it yet)."""
    row = locked(model)
    if not has_role(actor, Role.FINANCE_OFFICER, row.organisation):
        raise PermissionDenied(
            "cost_model.forbidden", _("Only the agency's finance officers delete its drafts.")
        )
    if row.first_submitted_at is not None or row.status != CostModelStatus.DRAFT:
        raise Conflict("cost_model.not_deletable", _("A version that was submitted is kept for the record."))
    if row.later_versions.exists() or row.next_versions.exists() or row.receipts.exists():
        raise Conflict("cost_model.not_deletable", _("Other records refer to this version."))
    before = audit.snapshot(row)
    organisation = row.organisation
    pk = row.pk
    row.delete()
    audit.record(
        actor=actor,
        action="cost_model.deleted",
        object_type="costing.costmodel",
        object_id=pk,
        organisation=organisation,
        before=before,
    )
