"""A tender's life before bids: built from an approved cost model option, checked against the rule
book, approved by the reviewing body (maker-checker), published, amended and clarified.

Every write locks the tender row, checks the actor and the state, and records an audit entry on the
tender, so its history page shows everything.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from contracts import permissions
from contracts.models import (
    Amendment,
    Bid,
    BidStatus,
    Clarification,
    Criterion,
    CriterionKind,
    EvaluationMethod,
    ProcurementCategory,
    ScheduleItem,
    Scope,
    Tender,
    TenderDecision,
    TenderStatus,
)
from costing import selectors as costing_selectors
from costing.calculations import quantity_decimal
from costing.calculations.receipts import canonical_json
from costing.models import DERIVED_CATEGORIES, CostModel, CostModelStatus, Option
from ppp import audit
from ppp.errors import Conflict, PermissionDenied, ValidationFailed
from ppp.fields import Errors, as_decimal, as_int, as_text
from ppp.models import Membership, Organisation, Role, User
from ppp.services import notify

from .rules import TenderTerms, amendment_notice, check_terms

TERM_FIELDS = (
    "title", "scope_of_work", "procurement_category", "high_technology", "scope", "method", "envelopes",
    "package_price", "discount_rate", "technical_weight", "price_weight", "price_score_scale", "pass_mark",
    "bid_security_rate", "bid_validity_days", "publication_at", "clarification_deadline", "closing_at",
    "opening_at",
)  # fmt: skip
# What an amendment may change (the schedule's quantities change through `item_quantities`).
AMENDABLE_FIELDS = (
    "title",
    "scope_of_work",
    "bid_validity_days",
    "clarification_deadline",
    "closing_at",
    "opening_at",
)


def _link(tender: Tender) -> str:
    try:
        return reverse("contracts:tender_detail", args=[tender.pk])
    except NoReverseMatch:  # the pages come later; the notification still names the tender
        return ""


def record(actor: User | None, tender: Tender, action: str, *, before: Any = None, after: Any = None) -> None:
    audit.record(
        actor=actor, action=action, obj=tender, organisation=tender.organisation, before=before, after=after
    )


def locked(tender: Tender) -> Tender:
    """The tender, locked for update: only its own row, not the agency's (every row that refers to the
    agency, such as an audit entry, would otherwise wait for this transaction)."""
    return Tender.objects.select_for_update(of=("self",)).select_related("organisation").get(pk=tender.pk)


def _aware(errors: Errors, field: str, value: Any) -> dt.datetime | None:
    if value is None or value == "":
        errors.add(field, _("This field is required."))
        return None
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value)
        except ValueError:
            errors.add(field, _("must be a date and time (ISO 8601)"))
            return None
    if not isinstance(value, dt.datetime):
        errors.add(field, _("must be a date and time"))
        return None
    if timezone.is_naive(value):
        value = timezone.make_aware(value, timezone.get_default_timezone())
    if not dt.datetime(2000, 1, 1, tzinfo=dt.UTC) <= value <= dt.datetime(2200, 1, 1, tzinfo=dt.UTC):
        errors.add(field, _("is out of range"))
        return None
    return value


def clean_terms(values: dict[str, Any], *, current: Tender | None = None) -> dict[str, Any]:
    """Check the tender's own fields (types and bounds); the rule book is checked by `check_terms`."""
    errors = Errors()
    for field in sorted(set(values) - set(TERM_FIELDS)):
        errors.add(field, _("unknown field"))

    def given(field: str) -> bool:
        return field in values or current is None

    cleaned: dict[str, Any] = {}
    if given("title"):
        cleaned["title"] = as_text(errors, "title", values.get("title"), max_length=255, required=True)
    if given("scope_of_work"):
        cleaned["scope_of_work"] = as_text(
            errors, "scope_of_work", values.get("scope_of_work"), max_length=50_000
        )
    for field, choices in (
        ("procurement_category", ProcurementCategory),
        ("scope", Scope),
        ("method", EvaluationMethod),
    ):
        if given(field):
            value = values.get(field)
            if value not in choices.values:
                errors.add(field, _("must be one of %(choices)s") % {"choices": ", ".join(choices.values)})
            cleaned[field] = value
    if given("high_technology"):
        value = values.get("high_technology", False)
        if not isinstance(value, bool):
            errors.add("high_technology", _("must be true or false"))
        cleaned["high_technology"] = bool(value)
    if given("envelopes"):
        cleaned["envelopes"] = as_int(errors, "envelopes", values.get("envelopes", 1), minimum=1, maximum=2)
    if given("price_score_scale"):
        scale = as_int(
            errors, "price_score_scale", values.get("price_score_scale", 100), minimum=100, maximum=1000
        )
        if scale not in (None, 100, 1000):
            errors.add("price_score_scale", _("must be 100 or 1000"))
        cleaned["price_score_scale"] = scale
    if "package_price" in values:
        cleaned["package_price"] = as_decimal(
            errors,
            "package_price",
            values["package_price"],
            minimum=Decimal("0.01"),
            maximum=Decimal(10) ** 15,
            places=4,
        )
    for field in ("discount_rate", "bid_security_rate"):
        if given(field) and (field in values or field == "bid_security_rate"):
            cleaned[field] = as_decimal(
                errors,
                field,
                values.get(field),
                minimum=0,
                maximum=1,
                percent_words=True,
                required=field in values,
            )
    for field in ("technical_weight", "price_weight", "pass_mark"):
        if given(field):
            cleaned[field] = as_decimal(
                errors, field, values.get(field), minimum=0, maximum=1, percent_words=True, required=False
            )
    if given("bid_validity_days"):
        cleaned["bid_validity_days"] = as_int(
            errors, "bid_validity_days", values.get("bid_validity_days"), minimum=30, maximum=365
        )
    for field in ("publication_at", "clarification_deadline", "closing_at", "opening_at"):
        if given(field):
            cleaned[field] = _aware(errors, field, values.get(field))
    errors.raise_if_any("tender.invalid", _("The tender cannot be saved."))
    return {key: value for key, value in cleaned.items() if not (key == "discount_rate" and value is None)}


def _terms(tender: Tender, *, with_criteria: bool) -> TenderTerms:
    technical = tender.criteria.filter(kind=CriterionKind.TECHNICAL).exists() if with_criteria else None
    return TenderTerms(
        currency=tender.currency,
        procurement_category=tender.procurement_category,
        high_technology=tender.high_technology,
        scope=tender.scope,
        method=tender.method,
        envelopes=tender.envelopes,
        package_price=Decimal(tender.package_price),
        technical_weight=None if tender.technical_weight is None else Decimal(tender.technical_weight),
        price_weight=None if tender.price_weight is None else Decimal(tender.price_weight),
        price_score_scale=tender.price_score_scale,
        pass_mark=None if tender.pass_mark is None else Decimal(tender.pass_mark),
        bid_security_rate=Decimal(tender.bid_security_rate),
        publication_at=tender.publication_at,
        clarification_deadline=tender.clarification_deadline,
        closing_at=tender.closing_at,
        opening_at=tender.opening_at,
        has_technical_criteria=technical,
    )


def _check_rules(tender: Tender, *, with_criteria: bool) -> None:
    errors = Errors()
    if Decimal(tender.package_price) > Decimal(tender.estimate):
        errors.add(
            "package_price",
            _("must not exceed the approved estimate of %(estimate)s %(currency)s")
            % {"estimate": tender.estimate, "currency": tender.currency},
        )
    check_terms(_terms(tender, with_criteria=with_criteria), errors)
    errors.raise_if_any("tender.rules", _("The tender breaks the bidding rules; see each field."))


def _next_reference(year: int) -> str:
    prefix = f"TB-{year}-"
    taken = Tender.objects.filter(reference__startswith=prefix).count()
    return f"{prefix}{taken + 1:04d}"


def _schedule_from(option: Option) -> list[ScheduleItem]:
    """The pricing schedule: the option's typed lines (derived lines are the agency's own estimate,
    not something a vendor prices), with the quantities the engine uses (refresh cycles applied)."""
    items = []
    for position, line in enumerate(option.lines.order_by("position", "pk"), start=1):
        if line.category in DERIVED_CATEGORIES:
            continue
        quantities = list(line.quantities)
        cycle = line.refresh_cycle_years
        if cycle and cycle < len(quantities):
            quantities = [quantities[period % cycle] for period in range(len(quantities))]
        items.append(
            ScheduleItem(
                position=position,
                code=line.code,
                name=line.name,
                category=line.category,
                unit=line.unit,
                quantities=[str(quantity_decimal(Decimal(str(q)))) for q in quantities],
                vat_applicable=line.vat_applicable,
                description=line.assumption,
            )
        )
    return items


@transaction.atomic
def tender_create(*, actor: User, model: CostModel, option: Option, **values: Any) -> Tender:
    """A draft tender from an approved model option: the package price defaults to the option's
    estimate (nominal lifecycle cost incl. VAT, derived lines included) and may not exceed it."""
    if not permissions.can_create_tender(actor, model.organisation):
        raise PermissionDenied(
            "tender.forbidden", _("Only the agency's finance officers create its tenders.")
        )
    if model.status != CostModelStatus.APPROVED:
        raise Conflict(
            "tender.model_not_approved", _("A tender is built from an approved cost model version.")
        )
    if option.model_id != model.pk:
        raise ValidationFailed(
            "tender.invalid", _("The option is not part of this model."), {"option_id": _("not found")}
        )
    appraisal = costing_selectors.appraisal_for(user=actor, model=model, tornado_percent=None)
    figures = next(item for item in appraisal.options if item.option.key == str(option.pk))
    if not figures.option.lines:
        raise ValidationFailed(
            "tender.invalid", _("The option has no cost lines to price."), {"option_id": _("empty")}
        )
    cleaned = clean_terms(values)
    estimate = figures.tco_nominal
    cleaned.setdefault("package_price", estimate)
    cleaned.setdefault("discount_rate", Decimal(model.discount_rate))
    tender = Tender(
        organisation=model.organisation,
        cost_model=model,
        option=option,
        reference=_next_reference(timezone.localdate().year),
        currency=model.currency,
        estimate=estimate,
        estimate_hash=model.content_hash,
        vat_rate=model.vat_rate,
        created_by=actor,
        **cleaned,
    )
    _check_rules(tender, with_criteria=False)
    tender.save()
    tender.editors.add(actor)
    items = _schedule_from(option)
    for item in items:
        item.tender = tender
    ScheduleItem.objects.bulk_create(items)
    record(actor, tender, "tender.created", after={**audit.snapshot(tender), "items": len(items)})
    return tender


def _require_editable(actor: User, tender: Tender) -> None:
    if not permissions.can_view_tender(actor, tender):
        raise PermissionDenied("tender.forbidden", _("You may not change this tender."))
    if not tender.is_editable:
        raise Conflict(
            "tender.frozen",
            _("A %(status)s tender cannot be edited; published tenders change by amendment.")
            % {"status": tender.get_status_display()},
        )
    if not permissions.can_manage_tender(actor, tender):
        raise PermissionDenied("tender.forbidden", _("Only the agency's finance officers edit its tenders."))


@transaction.atomic
def tender_update(*, actor: User, tender: Tender, **values: Any) -> Tender:
    row = locked(tender)
    _require_editable(actor, row)
    cleaned = clean_terms(values, current=row)
    before = audit.snapshot(row)
    for field, value in cleaned.items():
        setattr(row, field, value)
    _check_rules(row, with_criteria=False)
    row.save()
    row.editors.add(actor)
    record(actor, row, "tender.updated", before=before, after=audit.snapshot(row))
    return row


@transaction.atomic
def criterion_add(
    *,
    actor: User,
    tender: Tender,
    kind: str,
    code: str,
    name: str,
    description: str = "",
    max_points: Any = None,
) -> Criterion:
    row = locked(tender)
    _require_editable(actor, row)
    errors = Errors()
    if kind not in CriterionKind.values:
        errors.add("kind", _("must be pass_fail or technical"))
    code = as_text(errors, "code", code, max_length=30, required=True)
    name = as_text(errors, "name", name, max_length=255, required=True)
    description = as_text(errors, "description", description, max_length=10_000)
    points = None
    if kind == CriterionKind.TECHNICAL:
        points = as_decimal(errors, "max_points", max_points, minimum=Decimal("0.01"), maximum=1000, places=2)
    elif max_points not in (None, ""):
        errors.add("max_points", _("only technical criteria carry points"))
    if code and Criterion.objects.filter(tender=row, code=code).exists():
        errors.add("code", _("another criterion has this code"))
    errors.raise_if_any("criterion.invalid", _("The criterion cannot be saved."))
    position = (Criterion.objects.filter(tender=row).aggregate(top=Max("position"))["top"] or 0) + 1
    criterion = Criterion.objects.create(
        tender=row,
        kind=kind,
        code=code,
        name=name,
        description=description,
        max_points=points,
        position=position,
    )
    row.editors.add(actor)
    record(actor, row, "tender.criterion_added", after=audit.snapshot(criterion))
    return criterion


@transaction.atomic
def criterion_delete(*, actor: User, criterion: Criterion) -> None:
    row = locked(criterion.tender)
    _require_editable(actor, row)
    before = audit.snapshot(criterion)
    criterion.delete()
    row.editors.add(actor)
    record(actor, row, "tender.criterion_deleted", before=before)


def content_of(tender: Tender) -> dict[str, Any]:
    """The tender as approved and published: terms, schedule and criteria (hashed on approval)."""
    return {
        "reference": tender.reference,
        "version": tender.version,
        "terms": {field: getattr(tender, field) for field in TERM_FIELDS if field != "publication_at"},
        "currency": tender.currency,
        "estimate": tender.estimate,
        "estimate_hash": tender.estimate_hash,
        "items": [
            {
                "code": i.code,
                "name": i.name,
                "unit": i.unit,
                "quantities": i.quantities,
                "vat": i.vat_applicable,
            }
            for i in tender.items.order_by("position", "pk")
        ],
        "criteria": [
            {"code": c.code, "kind": c.kind, "name": c.name, "max_points": c.max_points}
            for c in tender.criteria.order_by("position", "pk")
        ],
    }


def content_hash(tender: Tender) -> str:
    plain = audit.normalise(content_of(tender))
    return hashlib.sha256(canonical_json(plain).encode("utf-8")).hexdigest()


def _approvers_of(tender: Tender) -> list[User]:
    reviewing_body = tender.organisation.reviewing_body_id
    if reviewing_body is None:
        return []
    return [
        m.user
        for m in Membership.objects.select_related("user").filter(
            organisation_id=reviewing_body, role=Role.APPROVER, user__is_active=True
        )
    ]


def _decide(
    actor: User, tender: Tender, *, decision: str, source: set[str], target: str, note: str, role: str
) -> Tender:
    before = tender.status
    if tender.status not in source:
        raise Conflict(
            "tender.invalid_transition",
            _("A %(status)s tender cannot be %(action)s.")
            % {"status": tender.get_status_display(), "action": decision},
        )
    tender.status = target
    tender.save()
    TenderDecision.objects.create(
        tender=tender,
        actor=actor,
        role=role,
        decision=decision,
        from_status=before,
        to_status=target,
        note=note,
    )
    record(
        actor, tender, f"tender.{decision}", before={"status": before}, after={"status": target, "note": note}
    )
    return tender


@transaction.atomic
def tender_submit(*, actor: User, tender: Tender, note: str = "") -> Tender:
    row = locked(tender)
    _require_editable(actor, row)
    if not row.items.exists():
        raise ValidationFailed(
            "tender.incomplete", _("The tender has no pricing schedule."), {"items": _("empty")}
        )
    _check_rules(row, with_criteria=True)
    row = _decide(
        actor, row, decision="submitted", source={TenderStatus.DRAFT, TenderStatus.RETURNED},
        target=TenderStatus.SUBMITTED, note=note.strip(), role=Role.FINANCE_OFFICER,
    )  # fmt: skip
    notify(
        recipients=_approvers_of(row),
        verb="tender.submitted",
        title=_("Tender awaiting your approval: %(reference)s %(title)s")
        % {"reference": row.reference, "title": row.title},
        body=note,
        link=_link(row),
        obj=row,
    )
    return row


def _require_reviewer(actor: User, tender: Tender) -> None:
    if not permissions.is_reviewer_of(actor, tender):
        raise PermissionDenied(
            "tender.forbidden", _("Only approvers of the agency's reviewing body approve its tenders.")
        )
    if permissions.made_by(actor, tender):
        raise PermissionDenied(
            "tender.own_work", _("You created or edited this tender: someone else must approve it.")
        )


@transaction.atomic
def tender_approve(*, actor: User, tender: Tender, note: str = "") -> Tender:
    """Approve for publication; the approved content's hash is kept, and publication checks it."""
    row = locked(tender)
    _require_reviewer(actor, row)
    row.content_hash = content_hash(row)
    row = _decide(
        actor, row, decision="approved", source={TenderStatus.SUBMITTED}, target=TenderStatus.APPROVED,
        note=note.strip(), role=Role.APPROVER,
    )  # fmt: skip
    notify(
        recipients=[row.created_by],
        verb="tender.approved",
        title=_("Tender approved for publication: %(reference)s") % {"reference": row.reference},
        body=note,
        link=_link(row),
        obj=row,
    )
    return row


@transaction.atomic
def tender_return(*, actor: User, tender: Tender, note: str) -> Tender:
    row = locked(tender)
    _require_reviewer(actor, row)
    if not (note or "").strip():
        raise ValidationFailed(
            "tender.note_required", _("Say what must change."), {"note": _("This field is required.")}
        )
    row = _decide(
        actor, row, decision="returned", source={TenderStatus.SUBMITTED}, target=TenderStatus.RETURNED,
        note=note.strip(), role=Role.APPROVER,
    )  # fmt: skip
    notify(
        recipients=[row.created_by],
        verb="tender.returned",
        title=_("Tender returned with comments: %(reference)s") % {"reference": row.reference},
        body=note,
        link=_link(row),
        obj=row,
    )
    return row


@transaction.atomic
def tender_publish(*, actor: User, tender: Tender) -> Tender:
    """Publish now: the approved content must be unchanged, and the rules are checked again with the
    actual moment of publication (the preparation time runs from it)."""
    row = locked(tender)
    if not permissions.can_manage_tender(actor, row):
        raise PermissionDenied(
            "tender.forbidden", _("Only the agency's finance officers publish its tenders.")
        )
    if row.status != TenderStatus.APPROVED:
        raise Conflict("tender.invalid_transition", _("Only an approved tender can be published."))
    if content_hash(row) != row.content_hash:
        raise Conflict("tender.changed_since_approval", _("The tender differs from what was approved."))
    now = timezone.now()
    row.publication_at = now
    if row.clarification_deadline < now:
        raise ValidationFailed(
            "tender.rules",
            _("The clarification deadline has passed; return the tender to change its dates."),
            {"clarification_deadline": _("has passed")},
        )
    _check_rules(row, with_criteria=True)
    row.published_at = now
    row = _decide(
        actor, row, decision="published", source={TenderStatus.APPROVED}, target=TenderStatus.PUBLISHED,
        note="", role=Role.FINANCE_OFFICER,
    )  # fmt: skip
    return row


def registered_vendors(tender: Tender) -> list[User]:
    """People of the vendors that took part so far: a bid started or a question asked."""
    vendors = set(Bid.objects.filter(tender=tender).values_list("vendor_id", flat=True))
    vendors |= set(Clarification.objects.filter(tender=tender).values_list("vendor_id", flat=True))
    return [
        m.user
        for m in Membership.objects.select_related("user").filter(
            organisation_id__in=vendors, user__is_active=True
        )
    ]


@transaction.atomic
def tender_amend(
    *,
    actor: User,
    tender: Tender,
    reason: str,
    item_quantities: dict[str, list[Any]] | None = None,
    **values: Any,
) -> Amendment:
    """Change a published tender before closing: a new version with a diff, notified to the vendors
    taking part. Coming less than the rule's days before closing, it moves the closing (and the
    opening) so that many days remain. Submitted bids return to draft and must be confirmed again."""
    row = locked(tender)
    if not permissions.can_manage_tender(actor, row):
        raise PermissionDenied("tender.forbidden", _("Only the agency's finance officers amend its tenders."))
    now = timezone.now()
    if row.status != TenderStatus.PUBLISHED or now >= row.closing_at:
        raise Conflict(
            "tender.invalid_transition", _("Only a published tender that has not closed can be amended.")
        )
    errors = Errors()
    reason = as_text(errors, "reason", reason, max_length=10_000, required=True)
    for field in sorted(set(values) - set(AMENDABLE_FIELDS)):
        errors.add(field, _("cannot be changed by an amendment"))
    errors.raise_if_any("amendment.invalid", _("The amendment cannot be made."))
    cleaned = clean_terms(values, current=row)
    changes: dict[str, Any] = {}
    for field, value in cleaned.items():
        old = getattr(row, field)
        if old != value:
            changes[field] = {"before": old, "after": value}
            setattr(row, field, value)
    items = {item.code: item for item in row.items.select_for_update()}
    for code, quantities in (item_quantities or {}).items():
        item = items.get(code)
        if item is None:
            errors.add(f"item_quantities.{code}", _("no such item in the schedule"))
            continue
        if not isinstance(quantities, list) or len(quantities) != len(item.quantities):
            errors.add(
                f"item_quantities.{code}", _("needs %(n)d values, one per year") % {"n": len(item.quantities)}
            )
            continue
        parsed = [
            as_decimal(errors, f"item_quantities.{code}[{i}]", q, minimum=0, places=6)
            for i, q in enumerate(quantities)
        ]
        if None in parsed:
            continue
        new = [str(q) for q in parsed]
        if [Decimal(q) for q in new] != [Decimal(str(q)) for q in item.quantities]:
            changes[f"items.{code}.quantities"] = {"before": item.quantities, "after": new}
            item.quantities = new
            item.save(update_fields=["quantities"])
    errors.raise_if_any("amendment.invalid", _("The amendment cannot be made."))
    if not changes:
        raise ValidationFailed(
            "amendment.empty", _("The amendment changes nothing."), {"reason": _("nothing changed")}
        )
    closing_before = Tender.objects.values_list("closing_at", flat=True).get(pk=row.pk)
    days, rule = amendment_notice(row.published_at or row.publication_at)
    if row.closing_at - now < dt.timedelta(days=days):
        moved = now + dt.timedelta(days=days)
        shift = moved - row.closing_at
        previous = changes.get("closing_at", {}).get("before", row.closing_at)
        changes["closing_at"] = {"before": previous, "after": moved, "moved_by": rule.cite()}
        row.closing_at = moved
        row.opening_at = row.opening_at + shift
    _check_rules(row, with_criteria=True)
    row.version += 1
    row.content_hash = content_hash(row)
    row.save()
    number = row.amendments.count() + 1
    amendment = Amendment.objects.create(
        tender=row,
        number=number,
        reason=reason,
        changes=audit.normalise(changes),
        closing_before=closing_before,
        closing_after=row.closing_at,
        created_by=actor,
        published_at=now,
    )
    # Submitted bids answer the old version: back to draft, to be confirmed again. Each is recorded on
    # the bid itself (sealed), never on the tender, whose history must not count the bids.
    reopened = list(Bid.objects.select_for_update().filter(tender=row, status=BidStatus.SUBMITTED))
    Bid.objects.filter(pk__in=[bid.pk for bid in reopened]).update(
        status=BidStatus.DRAFT, submitted_at=None, content_hash=""
    )
    for bid in reopened:
        audit.record(
            actor=actor,
            action="bid.returned_to_draft",
            obj=bid,
            organisation=bid.vendor,
            after={"amendment": number, "tender_version": row.version},
        )
    record(actor, row, "tender.amended", after={"amendment": number, "changes": changes})
    notify(
        recipients=registered_vendors(row),
        verb="tender.amended",
        title=_("Tender %(reference)s amended (version %(version)d)")
        % {"reference": row.reference, "version": row.version},
        body=reason,
        link=_link(row),
        obj=row,
    )
    return amendment


# Clarifications.


@transaction.atomic
def clarification_ask(*, actor: User, tender: Tender, vendor: Organisation, question: str) -> Clarification:
    if vendor.pk not in permissions.vendor_ids(actor):
        raise PermissionDenied("clarification.forbidden", _("Ask on behalf of your own verified company."))
    row = Tender.objects.select_for_update().get(pk=tender.pk)
    if row.status != TenderStatus.PUBLISHED:
        raise Conflict("clarification.closed", _("Questions are taken while the tender is published."))
    if timezone.now() > row.clarification_deadline:
        raise Conflict("clarification.closed", _("The clarification deadline has passed."))
    errors = Errors()
    question = as_text(errors, "question", question, max_length=10_000, required=True)
    errors.raise_if_any("clarification.invalid", _("The question cannot be sent."))
    clarification = Clarification.objects.create(tender=row, question=question, asked_by=actor, vendor=vendor)
    # The audit entry is the agency's record; what vendors see never names the asker.
    record(actor, row, "tender.question_asked", after={"clarification": clarification.pk})
    return clarification


@transaction.atomic
def clarification_answer(*, actor: User, clarification: Clarification, answer: str) -> Clarification:
    row = (
        Clarification.objects.select_for_update()
        .select_related("tender", "tender__organisation")
        .get(pk=clarification.pk)
    )
    if not permissions.can_manage_tender(actor, row.tender):
        raise PermissionDenied(
            "clarification.forbidden", _("Only the agency's finance officers answer questions.")
        )
    if row.answered_at is not None:
        raise Conflict("clarification.answered", _("This question is already answered."))
    errors = Errors()
    answer = as_text(errors, "answer", answer, max_length=20_000, required=True)
    errors.raise_if_any("clarification.invalid", _("The answer cannot be published."))
    row.answer, row.answered_by, row.answered_at = answer, actor, timezone.now()
    row.save()
    record(actor, row.tender, "tender.question_answered", after={"clarification": row.pk})
    notify(
        recipients=registered_vendors(row.tender),
        verb="tender.clarified",
        title=_("New clarification on tender %(reference)s") % {"reference": row.tender.reference},
        body=row.question[:500],
        link=_link(row.tender),
        obj=row.tender,
    )
    return row
