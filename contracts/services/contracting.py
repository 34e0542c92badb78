"""Contracts after the award: the agency completes the terms, the payment mechanism and the service
levels; the approval chain the rule book sets by value reviews it; the approved version is frozen with
the hash of its content; both parties sign exactly that version; the contract becomes active and ends
completed or terminated.

Maker-checker: whoever changed a version's terms or submitted it, and anyone belonging to the vendor,
can never approve it. Each decision is a row; nobody counts twice in one chain.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from contracts import permissions
from contracts.models import (
    PPP_CONTRACT_TYPES,
    Contract,
    ContractDecision,
    ContractDecisionKind,
    ContractSignature,
    ContractStatus,
    ContractType,
    ContractVersion,
    FinancialPlanYear,
    MeasurementPeriod,
    MechanismKind,
    Milestone,
    PaymentMechanism,
    ServiceLevel,
)
from costing.calculations.receipts import canonical_json
from ppp import audit, rules
from ppp.errors import Conflict, PermissionDenied, ValidationFailed
from ppp.fields import Errors, as_date, as_decimal, as_int, as_text
from ppp.models import Membership, Role, User
from ppp.services import notify

from .rules import _percent
from .tenders import _approvers_of

LARGEST_AMOUNT = Decimal("1e15")
EDITABLE = frozenset({ContractStatus.DRAFT})


def _link(contract: Contract) -> str:
    try:
        return reverse("contracts:contract_detail", args=[contract.pk])
    except NoReverseMatch:  # the pages come with the contract pages
        return ""


def record(
    actor: User | None, contract: Contract, action: str, *, before: Any = None, after: Any = None
) -> None:
    audit.record(
        actor=actor,
        action=action,
        obj=contract,
        organisation_id=contract.agency_id,
        before=before,
        after=after,
    )


def locked(contract: Contract) -> Contract:
    return (
        Contract.objects.select_for_update(of=("self",))
        .select_related("tender", "tender__organisation", "agency", "vendor", "award")
        .get(pk=contract.pk)
    )


def require_editable(actor: User, contract: Contract) -> None:
    """Only the agency's finance officers change a contract, and only while it is a draft (pages
    check it before parsing, so a reader gets the 403 or 409, not a form error)."""
    if not permissions.can_prepare_contract(actor, contract):
        raise PermissionDenied(
            "contract.forbidden", _("Only the agency's finance officers prepare its contracts.")
        )
    if contract.status not in EDITABLE:
        raise Conflict(
            "contract.frozen",
            _("A contract %(status)s cannot be changed; change it by an amendment.")
            % {"status": contract.get_status_display().lower()},
        )


def performance_security_range(contract: Contract) -> tuple[Decimal, Decimal, rules.Rule]:
    """2-10 % of the price; up to 30 % when the awarded bid was flagged abnormally low."""
    rule = rules.get("bidding.performance_security", contract.tender.publication_at)
    low, high = Decimal(rule.parameters["min"]), Decimal(rule.parameters["max"])
    evaluation = getattr(contract.tender, "evaluation", None)
    figures = next(
        (
            row
            for row in ((evaluation.results or {}).get("bids", []) if evaluation else [])
            if row.get("bid") == contract.award.bid_id
        ),
        None,
    )
    if figures and any((figures.get("abnormally_low") or {}).values()):
        high = Decimal(rule.parameters["abnormally_low_max"])
    return low, high, rule


TERM_FIELDS = (
    "title",
    "contract_type",
    "start_date",
    "end_date",
    "performance_security_rate",
    "warranty_months",
    "data_ownership",
    "handover",
)


@transaction.atomic
def contract_update(*, actor: User, contract: Contract, **values: Any) -> Contract:
    """Change the draft's terms; every field is checked and all problems are reported together."""
    row = locked(contract)
    require_editable(actor, row)
    errors = Errors()
    changes = clean_terms(errors, row, values)
    errors.raise_if_any("contract.invalid", _("The contract cannot be saved; nothing was changed."))
    before = audit.snapshot(row, list(changes))
    for name, value in changes.items():
        setattr(row, name, value)
    row.save()
    row.authors.add(actor)
    record(actor, row, "contract.updated", before=before, after=audit.snapshot(row, list(changes)))
    return row


def clean_terms(
    errors: Errors, row: Contract, values: dict[str, Any], *, allowed: tuple[str, ...] = TERM_FIELDS
) -> dict[str, Any]:
    """The given terms checked against each other and the rule book, as the values to set; problems go
    to `errors` under each field's name (a draft's edit and an amendment share this)."""
    unknown = set(values) - set(allowed)
    for name in sorted(unknown):
        errors.add(name, _("not a contract term"))
    changes: dict[str, Any] = {}
    if "title" in values:
        changes["title"] = as_text(errors, "title", values["title"], max_length=300, required=True)
    if "contract_type" in values:
        if values["contract_type"] not in ContractType.values:
            errors.add("contract_type", _("not a contract type"))
        else:
            changes["contract_type"] = values["contract_type"]
    for name in ("start_date", "end_date"):
        if name in values:
            changes[name] = as_date(errors, name, values[name])
    if "performance_security_rate" in values:
        low, high, rule = performance_security_range(row)
        rate = as_decimal(
            errors, "performance_security_rate", values["performance_security_rate"], minimum=0, maximum=1
        )
        if rate is not None and not low <= rate <= high:
            errors.add(
                "performance_security_rate",
                _("must be between %(low)s and %(high)s of the contract price (%(rule)s)")
                % {"low": _percent(low), "high": _percent(high), "rule": rule.cite()},
            )
        changes["performance_security_rate"] = rate
    if "warranty_months" in values:
        changes["warranty_months"] = as_int(
            errors, "warranty_months", values["warranty_months"], minimum=0, maximum=240
        )
    for name in ("data_ownership", "handover"):
        if name in values:
            changes[name] = as_text(errors, name, values[name], max_length=20_000)
    start = changes.get("start_date", row.start_date)
    end = changes.get("end_date", row.end_date)
    if start and end and end <= start and "end_date" not in errors.fields:
        errors.add("end_date", _("must be after the start date"))
    return changes


# --- payment mechanism ------------------------------------------------------------------------------


def _fraction(errors: Errors, field: str, value: Any, *, required: bool = True) -> Decimal | None:
    """A percentage written as a fraction: 0 to 1 (0-100 %)."""
    return as_decimal(errors, field, value, minimum=0, maximum=1, required=required, percent_words=True)


def _amount(errors: Errors, field: str, value: Any, *, required: bool = True) -> Decimal | None:
    return as_decimal(errors, field, value, minimum=0, maximum=LARGEST_AMOUNT, places=4, required=required)


def _tiers(errors: Errors, field: str, value: Any) -> list[dict[str, str | None]]:
    """Bands [{"from", "to" (None: no upper end), "share"}], ordered, touching, not overlapping."""
    if not isinstance(value, list) or not value:
        errors.add(field, _("give at least one band"))
        return []
    cleaned: list[dict[str, str | None]] = []
    previous_to: Decimal | None = Decimal(0)
    for index, band in enumerate(value):
        where = f"{field}[{index}]"
        if not isinstance(band, dict):
            errors.add(where, _("must be an object with from, to and share"))
            continue
        low = _amount(errors, f"{where}.from", band.get("from"))
        high = _amount(errors, f"{where}.to", band.get("to"), required=False)
        share = _fraction(errors, f"{where}.share", band.get("share"))
        if low is None or share is None:
            previous_to = None
            continue
        if high is not None and high <= low:
            errors.add(f"{where}.to", _("must be above the band's start"))
        if previous_to is None:
            errors.add(f"{where}.from", _("the band before it has no upper end"))
        elif low < previous_to:
            errors.add(
                f"{where}.from",
                _("overlaps the band before it (which ends at %(end)s)") % {"end": previous_to},
            )
        elif low > previous_to:
            errors.add(
                f"{where}.from",
                _("leaves a gap after the band before it (which ends at %(end)s)") % {"end": previous_to},
            )
        previous_to = high
        cleaned.append({"from": str(low), "to": None if high is None else str(high), "share": str(share)})
    return cleaned


def _clean_mechanism(errors: Errors, kind: str, parameters: Any, contract_type: str) -> dict[str, Any]:
    if not isinstance(parameters, dict):
        errors.add("parameters", _("must be an object"))
        return {}
    p = parameters
    if kind == MechanismKind.FIXED_FEE:
        fee = _amount(errors, "parameters.fee_per_period", p.get("fee_per_period"))
        period = p.get("period")
        if period not in MeasurementPeriod.values:
            errors.add("parameters.period", _("must be monthly, quarterly or annual"))
        index = _fraction(errors, "parameters.indexation_rate", p.get("indexation_rate", "0"))
        return {"fee_per_period": str(fee), "period": period, "indexation_rate": str(index)}
    if kind == MechanismKind.PER_TRANSACTION:
        fees = p.get("fees")
        if not isinstance(fees, dict) or not fees:
            errors.add("parameters.fees", _("give a fee for at least one service"))
            return {}
        return {
            "fees": {
                str(service)[:100]: str(_amount(errors, f"parameters.fees.{service}", fee))
                for service, fee in fees.items()
            }
        }
    if kind == MechanismKind.TIERED_SHARE:
        basis = p.get("basis", "revenue")
        if basis not in ("revenue", "volume"):
            errors.add("parameters.basis", _("must be revenue or volume"))
        return {"basis": basis, "tiers": _tiers(errors, "parameters.tiers", p.get("tiers"))}
    if kind == MechanismKind.AVAILABILITY:
        annual = _amount(errors, "parameters.annual_payment", p.get("annual_payment"))
        periods = as_int(
            errors, "parameters.periods_per_year", p.get("periods_per_year"), minimum=1, maximum=366 * 24
        )
        used_factor = _fraction(errors, "parameters.still_used_factor", p.get("still_used_factor", "0.5"))
        availability: dict[str, Any] = {
            "annual_payment": str(annual),
            "periods_per_year": periods,
            "still_used_factor": str(used_factor),
        }
        # The sum of all areas' weightings (the area rate's divisor); optional, 1 when not given, so a
        # contract whose failures state shares of 1 as weightings need not give it.
        weighting = _amount(errors, "parameters.total_weighting", p.get("total_weighting"), required=False)
        if weighting is not None and weighting <= 0:
            errors.add("parameters.total_weighting", _("must be greater than 0"))
        elif weighting is not None:
            availability["total_weighting"] = str(weighting)
        return availability
    if kind == MechanismKind.SERVICE_CREDITS:
        cap = _fraction(errors, "parameters.cap_share", p.get("cap_share"))
        method = p.get("method", "shortfall_share")
        if method not in ("shortfall_share", "rate_per_point"):
            errors.add("parameters.method", _("must be shortfall_share or rate_per_point"))
        result: dict[str, Any] = {"method": method, "cap_share": str(cap)}
        if method == "rate_per_point":
            result["rate_per_point"] = str(
                _fraction(errors, "parameters.rate_per_point", p.get("rate_per_point"))
            )
        return result
    if kind in (MechanismKind.MINIMUM_GUARANTEE, MechanismKind.REVENUE_CAP):
        floor = _amount(
            errors, "parameters.floor", p.get("floor"), required=kind == MechanismKind.MINIMUM_GUARANTEE
        )
        cap = _amount(errors, "parameters.cap", p.get("cap"), required=kind == MechanismKind.REVENUE_CAP)
        if floor is not None and cap is not None and floor >= cap:
            errors.add("parameters.floor", _("must be below the cap"))
        return {"floor": None if floor is None else str(floor), "cap": None if cap is None else str(cap)}
    if kind == MechanismKind.REVENUE_BAND:
        return _clean_revenue_band(errors, p, contract_type)
    errors.add("kind", _("not a payment mechanism"))
    return {}


def _clean_revenue_band(errors: Errors, p: dict[str, Any], contract_type: str) -> dict[str, Any]:
    """Thresholds within the rule book's negotiable ranges; the downside only for the contract types
    the law names."""
    rule = rules.get("ppp.revenue_band", timezone.now())
    r = rule.parameters
    if contract_type not in PPP_CONTRACT_TYPES:
        errors.add(
            "kind", _("revenue band sharing applies to PPP contracts only (%(rule)s)") % {"rule": rule.cite()}
        )
    # Thresholds are shares of the financial plan's revenue (the upper one above 100 %).
    upper = as_decimal(
        errors,
        "parameters.upper_threshold",
        p.get("upper_threshold", r["upper_threshold"]),
        minimum=0,
        maximum=2,
    )
    lower = _fraction(errors, "parameters.lower_threshold", p.get("lower_threshold", r["lower_threshold"]))
    share = _fraction(errors, "parameters.share", p.get("share", r["share"]))
    if upper is not None and not Decimal(r["upper_threshold_min"]) <= upper <= Decimal(
        r["upper_threshold_max"]
    ):
        errors.add(
            "parameters.upper_threshold",
            _("must be between %(low)s and %(high)s (%(rule)s)")
            % {
                "low": _percent(Decimal(r["upper_threshold_min"])),
                "high": _percent(Decimal(r["upper_threshold_max"])),
                "rule": rule.cite(),
            },
        )
    if lower is not None and not Decimal(r["lower_threshold_min"]) <= lower <= Decimal(
        r["lower_threshold_max"]
    ):
        errors.add(
            "parameters.lower_threshold",
            _("must be between %(low)s and %(high)s (%(rule)s)")
            % {
                "low": _percent(Decimal(r["lower_threshold_min"])),
                "high": _percent(Decimal(r["lower_threshold_max"])),
                "rule": rule.cite(),
            },
        )
    basis = p.get("share_basis", r["share_basis"])
    if basis not in r.get("share_basis_choices", [r["share_basis"]]):
        errors.add("parameters.share_basis", _("not allowed by %(rule)s") % {"rule": rule.cite()})
    downside = bool(p.get("downside", contract_type in r["downside_contract_types"]))
    if downside and contract_type not in r["downside_contract_types"]:
        errors.add(
            "parameters.downside",
            _("the state shares a shortfall only in %(types)s contracts (%(rule)s)")
            % {"types": ", ".join(r["downside_contract_types"]), "rule": rule.cite()},
        )
    return {
        "upper_threshold": str(upper),
        "lower_threshold": str(lower),
        "share": str(share),
        "share_basis": basis,
        "downside": downside,
        "rule": rule.cite(),
    }


def _replace(
    actor: User, row: Contract, related: str, rows: list[Any], action: str, **change: Any
) -> Contract:
    """Swap a draft's rows of one kind (mechanisms, KPIs, milestones, plan years) for `rows`, make the
    actor an author of this version and audit it: the same tail for every part of the terms."""
    manager = getattr(row, related)
    manager.all().delete()
    manager.model.objects.bulk_create(rows)
    row.authors.add(actor)
    row.save(update_fields=["updated_at"])
    record(actor, row, action, **change)
    return row


@transaction.atomic
def mechanisms_save(*, actor: User, contract: Contract, mechanisms: list[dict[str, Any]]) -> Contract:
    """Replace the payment mechanism: [{"kind", "parameters"}], all or nothing."""
    row = locked(contract)
    require_editable(actor, row)
    errors = Errors()
    if not isinstance(mechanisms, list):
        raise ValidationFailed(
            "contract.invalid", _("Give a list of mechanisms."), {"mechanisms": _("not a list")}
        )
    rows = []
    for index, item in enumerate(mechanisms):
        child = errors.child(f"mechanisms[{index}].")
        kind = item.get("kind") if isinstance(item, dict) else None
        if kind not in MechanismKind.values:
            child.add("kind", _("not a payment mechanism"))
            continue
        parameters = _clean_mechanism(child, kind, item.get("parameters"), row.contract_type)
        rows.append(PaymentMechanism(contract=row, position=index, kind=kind, parameters=parameters))
    kinds = [r.kind for r in rows]
    for kind in set(kinds):
        if kinds.count(kind) > 1:
            errors.add("mechanisms", _("each mechanism once: %(kind)s appears twice") % {"kind": kind})
    errors.raise_if_any(
        "contract.invalid_mechanism", _("The payment mechanism cannot be saved; nothing was changed.")
    )
    before = list(row.mechanisms.values("kind", "parameters"))
    after = [{"kind": r.kind, "parameters": r.parameters} for r in rows]
    return _replace(actor, row, "mechanisms", rows, "contract.mechanism_saved", before=before, after=after)


@transaction.atomic
def service_levels_save(*, actor: User, contract: Contract, levels: list[dict[str, Any]]) -> Contract:
    """Replace the KPIs: [{"code", "name", "target", "unit", "period", "rule"}], all or nothing."""
    row = locked(contract)
    require_editable(actor, row)
    errors = Errors()
    rows, codes = [], set()
    for index, item in enumerate(levels if isinstance(levels, list) else []):
        child = errors.child(f"levels[{index}].")
        if not isinstance(item, dict):
            child.add("code", _("must be an object"))
            continue
        code = as_text(child, "code", item.get("code"), max_length=30, required=True)
        if code in codes:
            child.add("code", _("appears twice"))
        codes.add(code)
        name = as_text(child, "name", item.get("name"), max_length=300, required=True)
        target = as_decimal(child, "target", item.get("target"), minimum=0, maximum=Decimal("1e8"), places=4)
        unit = as_text(child, "unit", item.get("unit", "%"), max_length=30) or "%"
        if unit == "%" and target is not None and target > 100:
            child.add("target", _("a percentage is at most 100"))
        period = item.get("period")
        if period not in MeasurementPeriod.values:
            child.add("period", _("must be monthly, quarterly or annual"))
        rule = item.get("rule") or {}
        if not isinstance(rule, dict) or rule.get("kind") not in ("service_credit", "deduction"):
            child.add("rule.kind", _("must be service_credit or deduction"))
            rule = {}
        else:
            rule = {"kind": rule["kind"], "rate": str(_fraction(child, "rule.rate", rule.get("rate")))}
        rows.append(
            ServiceLevel(
                contract=row,
                position=index,
                code=code,
                name=name,
                target=target or 0,
                unit=unit,
                period=period or "",
                rule=rule,
            )
        )
    if not isinstance(levels, list):
        errors.add("levels", _("not a list"))
    errors.raise_if_any(
        "contract.invalid_service_levels", _("The service levels cannot be saved; nothing was changed.")
    )
    return _replace(actor, row, "service_levels", rows, "contract.service_levels_saved", after=sorted(codes))


@transaction.atomic
def milestones_save(*, actor: User, contract: Contract, milestones: list[dict[str, Any]]) -> Contract:
    """Replace the milestones: [{"name", "due_date", "amount", "acceptance_criteria"}]; each due within
    the term, all or nothing."""
    row = locked(contract)
    require_editable(actor, row)
    errors = Errors()
    rows = []
    for index, item in enumerate(milestones if isinstance(milestones, list) else []):
        child = errors.child(f"milestones[{index}].")
        if not isinstance(item, dict):
            child.add("name", _("must be an object"))
            continue
        name = as_text(child, "name", item.get("name"), max_length=300, required=True)
        due = as_date(child, "due_date", item.get("due_date"))
        if due and row.start_date and row.end_date and not row.start_date <= due <= row.end_date:
            child.add("due_date", _("must fall within the contract's term"))
        amount = _amount(child, "amount", item.get("amount"), required=False)
        criteria = as_text(child, "acceptance_criteria", item.get("acceptance_criteria"), max_length=20_000)
        rows.append(
            Milestone(
                contract=row,
                position=index,
                name=name,
                due_date=due or dt.date(2000, 1, 1),
                amount=amount,
                acceptance_criteria=criteria,
            )
        )
    if not isinstance(milestones, list):
        errors.add("milestones", _("not a list"))
    total = sum((m.amount or Decimal(0) for m in rows), Decimal(0))
    if total > row.value:
        errors.add("milestones", _("the payments add up to more than the contract value"))
    errors.raise_if_any(
        "contract.invalid_milestones", _("The milestones cannot be saved; nothing was changed.")
    )
    return _replace(actor, row, "milestones", rows, "contract.milestones_saved", after=[m.name for m in rows])


@transaction.atomic
def financial_plan_save(*, actor: User, contract: Contract, revenue: dict[Any, Any]) -> Contract:
    """A PPP contract's projected revenue per year: {year: amount}, all or nothing."""
    row = locked(contract)
    require_editable(actor, row)
    errors = Errors()
    if row.contract_type not in PPP_CONTRACT_TYPES:
        errors.add("contract_type", _("a financial plan belongs to a PPP contract"))
    rows: list[FinancialPlanYear] = []
    for year, amount in revenue.items() if isinstance(revenue, dict) else []:
        number = as_int(errors, f"revenue.{year}", year, minimum=2000, maximum=2100)
        if number is not None and any(r.year == number for r in rows):
            errors.add(f"revenue.{year}", _("appears twice"))
            continue
        value = _amount(errors, f"revenue.{year}", amount)
        if number is not None and value is not None:
            rows.append(FinancialPlanYear(contract=row, year=number, projected_revenue=value))
    if not isinstance(revenue, dict):
        errors.add("revenue", _("must map each year to its projected revenue"))
    errors.raise_if_any(
        "contract.invalid_plan", _("The financial plan cannot be saved; nothing was changed.")
    )
    after = {str(r.year): str(r.projected_revenue) for r in rows}
    return _replace(actor, row, "financial_plan", rows, "contract.plan_saved", after=after)


# --- content and hash --------------------------------------------------------------------------------


def content_of(contract: Contract) -> dict[str, Any]:
    """What is approved and signed: every term, price, mechanism, KPI, milestone and plan year."""
    return {
        "contract": contract.pk,
        "version": contract.version,
        "tender": contract.tender.reference,
        "agency": contract.agency_id,
        "vendor": contract.vendor_id,
        "currency": contract.currency,
        "value": Decimal(contract.value),
        "price_schedule": contract.price_schedule,
        "extra_lines": contract.extra_lines,
        **{name: getattr(contract, name) for name in TERM_FIELDS},
        "mechanisms": [{"kind": m.kind, "parameters": m.parameters} for m in contract.mechanisms.all()],
        "service_levels": [
            {
                "code": s.code,
                "name": s.name,
                "target": Decimal(s.target),
                "unit": s.unit,
                "period": s.period,
                "rule": s.rule,
            }
            for s in contract.service_levels.all()
        ],
        "milestones": [
            {
                "name": m.name,
                "due_date": m.due_date,
                "amount": m.amount,
                "acceptance_criteria": m.acceptance_criteria,
            }
            for m in contract.milestones.all()
        ],
        "financial_plan": {str(y.year): Decimal(y.projected_revenue) for y in contract.financial_plan.all()},
    }


def content_hash(contract: Contract) -> str:
    plain = audit.normalise(content_of(contract))
    return hashlib.sha256(canonical_json(plain).encode("utf-8")).hexdigest()


# --- review -------------------------------------------------------------------------------------------


def approval_chain(contract: Contract, on: dt.datetime) -> tuple[int, bool, rules.Rule]:
    """(approvals needed, a senior among them, the rule): one approver up to the threshold, more above."""
    rule = rules.get("contracts.approval_chain", on)
    p = rule.parameters
    above = contract.currency != p["currency"] or Decimal(contract.value) > Decimal(
        p["single_approver_up_to"]
    )
    if above:
        return int(p["approvers_above"]), bool(p["senior_required_above"]), rule
    return 1, False, rule


def _check_complete(contract: Contract) -> None:
    errors = Errors()
    for name in ("title", "start_date", "end_date", "performance_security_rate"):
        if getattr(contract, name) in (None, ""):
            errors.add(name, _("This field is required."))
    if not contract.mechanisms.exists():
        errors.add("mechanisms", _("give the payment mechanism"))
    if contract.contract_type in PPP_CONTRACT_TYPES and not contract.financial_plan.exists():
        errors.add("financial_plan", _("a PPP contract needs its financial plan"))
    errors.raise_if_any("contract.incomplete", _("The contract is not complete; see each field."))


@transaction.atomic
def contract_submit(*, actor: User, contract: Contract, note: str = "") -> Contract:
    row = locked(contract)
    require_editable(actor, row)
    _check_complete(row)
    now = timezone.now()
    row.required_approvals, row.senior_required, rule = approval_chain(row, now)
    row.approval_rule = rule.cite()[:200]
    row.status, row.submitted_at = ContractStatus.UNDER_REVIEW, now
    row.review_round += 1
    row.save()
    row.authors.add(actor)
    record(
        actor,
        row,
        "contract.submitted",
        before={"status": ContractStatus.DRAFT},
        after={
            "status": row.status,
            "version": row.version,
            "approvals": row.required_approvals,
            "senior": row.senior_required,
            "rule": row.approval_rule,
            "note": note.strip(),
        },
    )
    notify(
        recipients=_approvers_of(row.tender),  # the agency's reviewing body
        verb="contract.submitted",
        title=_("Contract awaiting your decision: %(reference)s %(title)s")
        % {"reference": row.tender.reference, "title": row.title},
        body=note.strip(),
        link=_link(row),
        obj=row,
    )
    return row


def refuse_own_work(actor: User, contract: Contract, authors: Any) -> None:
    """Nobody who prepared the version (`authors`: a queryset of people) and nobody from the vendor
    decides on it."""
    if authors.filter(pk=actor.pk).exists():
        raise PermissionDenied(
            "contract.own_work", _("You prepared this version: someone else must decide on it.")
        )
    if permissions.belongs_to_vendor(actor, contract):
        raise PermissionDenied(
            "contract.vendor", _("Nobody from the contracted vendor decides on its contract.")
        )


def chain_decision(
    *,
    actor: User,
    contract: Contract,
    authors: Any,
    reviewing: bool,
    version: int,
    round: int,
    required: int,
    senior_required: bool,
    rule: str,
    decision: str,
    comment: str,
    amendment: Any = None,
) -> tuple[str, bool]:
    """One reviewer's decision in a chain (a contract's or an amendment's), stored as a row after the
    maker-checker, state and chain checks: (the comment, whether it is the approval that completes
    the chain)."""
    if not permissions.is_contract_reviewer(actor, contract):
        raise PermissionDenied(
            "contract.forbidden", _("Only approvers of the agency's reviewing body decide on contracts.")
        )
    refuse_own_work(actor, contract, authors)
    if decision not in ContractDecisionKind.values:
        raise ValidationFailed(
            "contract.invalid", _("Not a decision."), {"decision": _("approve, request_changes or reject")}
        )
    if not reviewing:
        raise Conflict("contract.invalid_transition", _("Only a version under review can be decided on."))
    errors = Errors()
    comment = as_text(
        errors, "comment", comment, max_length=20_000, required=decision != ContractDecisionKind.APPROVE
    )
    errors.raise_if_any("contract.invalid", _("Say why."))
    approvals = list(
        contract.decisions.filter(version=version, round=round, decision=ContractDecisionKind.APPROVE)
    )
    senior = permissions.is_senior_contract_reviewer(actor, contract)
    last = False
    if decision == ContractDecisionKind.APPROVE:
        if any(d.reviewer_id == actor.pk for d in approvals):
            raise Conflict("contract.already_approved", _("You have already approved this version."))
        last = len(approvals) + 1 >= required
        if last and senior_required and not senior and not any(d.senior for d in approvals):
            raise Conflict(
                "contract.senior_required",
                _("This contract's value needs a senior approver among its %(n)d approvals (%(rule)s).")
                % {"n": required, "rule": rule},
            )
    try:
        with transaction.atomic():
            ContractDecision.objects.create(
                contract=contract,
                amendment=amendment,
                version=version,
                round=round,
                reviewer=actor,
                senior=senior,
                decision=decision,
                comment=comment,
            )
    except IntegrityError:
        raise Conflict("contract.already_approved", _("You have already approved this version.")) from None
    return comment, last


@transaction.atomic
def contract_decide(*, actor: User, contract: Contract, decision: str, comment: str = "") -> Contract:
    """Approve, request changes or reject the version under review. The last approval the chain needs
    freezes the version with the hash of its content."""
    row = locked(contract)
    comment, last = chain_decision(
        actor=actor,
        contract=row,
        authors=row.authors.all(),
        reviewing=row.status == ContractStatus.UNDER_REVIEW,
        version=row.version,
        round=row.review_round,
        required=row.required_approvals,
        senior_required=row.senior_required,
        rule=row.approval_rule,
        decision=decision,
        comment=comment,
    )
    before = {"status": row.status}
    authors = list(row.authors.all())
    if last:
        now = timezone.now()
        content = audit.normalise(content_of(row))
        digest = content_hash(row)
        ContractVersion.objects.create(
            contract=row, number=row.version, content=content, content_hash=digest, approved_at=now
        )
        row.status, row.approved_hash, row.approved_at = ContractStatus.APPROVED, digest, now
        notify(
            recipients=authors + _signatories(row),
            verb="contract.approved",
            title=_("Contract approved, ready to sign: %(reference)s") % {"reference": row.tender.reference},
            link=_link(row),
            obj=row,
        )
    elif decision != ContractDecisionKind.APPROVE:
        row.status = ContractStatus.DRAFT
        notify(
            recipients=authors,
            verb=f"contract.{decision}",
            title=_("Changes requested on contract %(reference)s") % {"reference": row.tender.reference}
            if decision == ContractDecisionKind.REQUEST_CHANGES
            else _("Contract %(reference)s rejected") % {"reference": row.tender.reference},
            body=comment,
            link=_link(row),
            obj=row,
        )
    row.save()
    record(
        actor,
        row,
        f"contract.{decision}",
        before=before,
        after={"status": row.status, "version": row.version, "comment": comment, "hash": row.approved_hash},
    )
    return row


# --- signature and life ------------------------------------------------------------------------------


def _signatories(contract: Contract) -> list[User]:
    return [
        m.user
        for m in Membership.objects.select_related("user").filter(
            organisation_id__in=[contract.agency_id, contract.vendor_id],
            role=Role.SIGNATORY,
            user__is_active=True,
        )
    ]


@transaction.atomic
def contract_sign(*, actor: User, contract: Contract) -> Contract:
    """A signatory signs the approved version for their party; with both parties signed the contract
    is active. What is signed is checked against the approved hash first."""
    row = locked(contract)
    parties = permissions.signing_parties(actor, row)
    if not parties:
        raise PermissionDenied(
            "contract.forbidden", _("Only a signatory of the agency or of the vendor signs.")
        )
    if row.status != ContractStatus.APPROVED:
        raise Conflict("contract.invalid_transition", _("Only an approved contract can be signed."))
    digest = content_hash(row)
    if digest != row.approved_hash:
        raise Conflict(
            "contract.changed", _("The contract differs from the approved version; it cannot be signed.")
        )
    party = parties[0]
    if row.signatures.filter(version=row.version, party_id=party).exists():
        raise Conflict("contract.already_signed", _("Your party has already signed this version."))
    ContractSignature.objects.create(
        contract=row, version=row.version, party_id=party, signer=actor, content_hash=digest
    )
    signed = set(row.signatures.filter(version=row.version).values_list("party_id", flat=True))
    before = {"status": row.status}
    if signed >= {row.agency_id, row.vendor_id}:
        row.status, row.activated_at = ContractStatus.ACTIVE, timezone.now()
        row.save()
        notify(
            recipients=list(row.authors.all()) + _signatories(row),
            verb="contract.active",
            title=_("Contract %(reference)s is signed and active") % {"reference": row.tender.reference},
            link=_link(row),
            obj=row,
        )
    record(
        actor,
        row,
        "contract.signed",
        before=before,
        after={"party": party, "hash": digest, "status": row.status},
    )
    return row


@transaction.atomic
def contract_end(*, actor: User, contract: Contract, outcome: str, reason: str = "") -> Contract:
    """Close an active contract: completed, or terminated with a reason."""
    row = locked(contract)
    if not permissions.can_prepare_contract(actor, row):
        raise PermissionDenied(
            "contract.forbidden", _("Only the agency's finance officers close its contracts.")
        )
    if row.status != ContractStatus.ACTIVE:
        raise Conflict(
            "contract.invalid_transition", _("Only an active contract can be completed or terminated.")
        )
    if outcome not in (ContractStatus.COMPLETED, ContractStatus.TERMINATED):
        raise ValidationFailed(
            "contract.invalid", _("Not an outcome."), {"outcome": _("completed or terminated")}
        )
    errors = Errors()
    reason = as_text(
        errors, "reason", reason, max_length=20_000, required=outcome == ContractStatus.TERMINATED
    )
    errors.raise_if_any("contract.invalid", _("Say why the contract is terminated."))
    row.status, row.ended_at, row.termination_reason = outcome, timezone.now(), reason
    row.save()
    record(
        actor,
        row,
        f"contract.{outcome}",
        before={"status": ContractStatus.ACTIVE},
        after={"status": outcome, "reason": reason},
    )
    notify(
        recipients=_signatories(row),
        verb=f"contract.{outcome}",
        title=_("Contract %(reference)s ended") % {"reference": row.tender.reference},
        body=reason,
        link=_link(row),
        obj=row,
    )
    return row
