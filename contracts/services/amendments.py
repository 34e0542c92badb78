"""Amendments of an active contract: a rationale from the codelist, the changed terms and price lines,
the effect on the value as an amount and as a share of the original, flags when the net cumulative
change passes the rule book's thresholds, and the same approval chain again. The approved result is
frozen as the contract's next version (content and SHA-256) and comes into force when both parties
have signed exactly that version.

The value is the price schedule less the winning bid's discount: each schedule amount is quantity x
unit price, with VAT where the line bears it. An amendment's effect is the change of that figure:
effect = (1 - discount) x sum over lines and years of quantity x (new price - old price) x VAT factor,
new lines counting from zero. Thresholds are judged on the net cumulative effect of the amendments in
force plus this one, as a share of the value at award (as the EU directive 2014/24 art. 72 does).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from contracts import permissions
from contracts.models import (
    AmendmentRationale,
    Contract,
    ContractAmendment,
    ContractAmendmentStatus,
    ContractDecisionKind,
    ContractSignature,
    ContractStatus,
    ContractVersion,
)
from ppp import audit, rules
from ppp.errors import Conflict, PermissionDenied, ValidationFailed
from ppp.fields import Errors, as_decimal, as_text
from ppp.models import User
from ppp.services import notify

from .contracting import (
    LARGEST_AMOUNT,
    TERM_FIELDS,
    _signatories,
    approval_chain,
    chain_decision,
    clean_terms,
    content_of,
    locked,
    record,
)
from .rules import _percent
from .tenders import _approvers_of

# The type of contract is what was tendered: changing it is a new procurement, not an amendment.
AMENDABLE_TERMS = tuple(name for name in TERM_FIELDS if name != "contract_type")
FOUR_PLACES = Decimal("0.0001")


def _link(amendment: ContractAmendment) -> str:
    try:
        return reverse("contracts:amendment_detail", args=[amendment.contract_id, amendment.number])
    except NoReverseMatch:  # the pages come with the amendment pages
        return ""


def amendment_locked(amendment: ContractAmendment) -> tuple[Contract, ContractAmendment]:
    """The contract first (every amendment service locks it), then the amendment."""
    contract = locked(amendment.contract)
    return contract, ContractAmendment.objects.select_for_update().get(pk=amendment.pk)


def _schedule(contract: Contract) -> dict[str, dict[str, Any]]:
    """Every priced line of the contract: {code: {name, quantities, prices, vat}}, tendered lines and
    the lines earlier amendments added."""
    lines: dict[str, dict[str, Any]] = {}
    for item in contract.tender.items.order_by("position", "pk"):
        lines[item.code] = {
            "name": item.name,
            "quantities": [Decimal(str(q)) for q in item.quantities],
            "prices": [
                Decimal(str(p)) if p is not None else Decimal(0)
                for p in contract.price_schedule.get(item.code, [])
            ],
            "vat": item.vat_applicable,
        }
    for line in contract.extra_lines:
        lines[line["code"]] = {
            "name": line["name"],
            "quantities": [Decimal(str(q)) for q in line["quantities"]],
            "prices": [Decimal(str(p)) for p in line["unit_prices"]],
            "vat": bool(line["vat_applicable"]),
        }
    return lines


def _numbers(errors: Errors, field: str, value: Any, *, length: int | None, places: int) -> list[Decimal]:
    if not isinstance(value, list) or not value or len(value) > 50:
        errors.add(field, _("give a list of 1 to 50 values, one per year"))
        return []
    if length is not None and len(value) != length:
        errors.add(field, _("needs %(n)d values, one per year") % {"n": length})
        return []
    parsed = [
        as_decimal(errors, f"{field}[{i}]", v, minimum=0, maximum=LARGEST_AMOUNT, places=places)
        for i, v in enumerate(value)
    ]
    return [] if None in parsed else [p for p in parsed if p is not None]


def _clean_prices(
    errors: Errors, schedule: dict[str, dict[str, Any]], prices: Any
) -> dict[str, list[Decimal]]:
    if prices in (None, ""):
        return {}
    if not isinstance(prices, dict):
        errors.add("prices", _("must be an object: item code to unit prices per year"))
        return {}
    cleaned: dict[str, list[Decimal]] = {}
    for code, values in prices.items():
        line = schedule.get(str(code))
        if line is None:
            errors.add(f"prices.{code}", _("no such line in the contract's schedule"))
            continue
        parsed = _numbers(errors, f"prices.{code}", values, length=len(line["quantities"]), places=4)
        if parsed and parsed != line["prices"]:
            cleaned[str(code)] = parsed
    return cleaned


def _clean_new_lines(
    errors: Errors, schedule: dict[str, dict[str, Any]], new_lines: Any
) -> list[dict[str, Any]]:
    if new_lines in (None, ""):
        return []
    if not isinstance(new_lines, list) or len(new_lines) > 200:
        errors.add("new_lines", _("must be a list of at most 200 lines"))
        return []
    cleaned: list[dict[str, Any]] = []
    seen: set[str] = set()
    for index, line in enumerate(new_lines):
        where = f"new_lines[{index}]"
        if not isinstance(line, dict):
            errors.add(where, _("must be an object with code, name, unit, quantities and unit prices"))
            continue
        code = as_text(errors, f"{where}.code", line.get("code"), max_length=30, required=True)
        if code and (code in schedule or code in seen):
            errors.add(f"{where}.code", _("the schedule already has a line %(code)s") % {"code": code})
        seen.add(code or "")
        name = as_text(errors, f"{where}.name", line.get("name"), max_length=255, required=True)
        unit = as_text(errors, f"{where}.unit", line.get("unit"), max_length=40, required=True)
        quantities = _numbers(errors, f"{where}.quantities", line.get("quantities"), length=None, places=6)
        prices = _numbers(
            errors, f"{where}.unit_prices", line.get("unit_prices"), length=len(quantities) or None, places=4
        )
        cleaned.append(
            {
                "code": code,
                "name": name,
                "unit": unit,
                "vat_applicable": bool(line.get("vat_applicable", True)),
                "quantities": [str(q) for q in quantities],
                "unit_prices": [str(p) for p in prices],
            }
        )
    return cleaned


def effect_of(
    contract: Contract, prices: dict[str, list[Decimal]], new_lines: list[dict[str, Any]]
) -> Decimal:
    """The change of the contract value (see the module's formula), to four places."""
    schedule = _schedule(contract)
    vat = Decimal(contract.tender.vat_rate)
    gross = Decimal(0)
    for code, new in prices.items():
        line = schedule[code]
        factor = 1 + vat if line["vat"] else Decimal(1)
        gross += sum(
            (
                q * (p_new - p_old) * factor
                for q, p_new, p_old in zip(line["quantities"], new, line["prices"], strict=True)
            ),
            Decimal(0),
        )
    for line in new_lines:
        factor = 1 + vat if line["vat_applicable"] else Decimal(1)
        gross += sum(
            (
                Decimal(q) * Decimal(p) * factor
                for q, p in zip(line["quantities"], line["unit_prices"], strict=True)
            ),
            Decimal(0),
        )
    discount = Decimal(contract.award.bid.discount_rate)
    return (gross * (1 - discount)).quantize(FOUR_PLACES)


def _thresholds(on: Any) -> tuple[Decimal, Decimal, rules.Rule]:
    rule = rules.get("contracts.approval_chain", on)
    p = rule.parameters
    return (
        Decimal(p["amendment_cumulative_flag_share"]),
        Decimal(p["amendment_cumulative_review_share"]),
        rule,
    )


def _figures(contract: Contract, amendment: ContractAmendment, effect: Decimal) -> None:
    """Value before and after, the effect as a share of the original, the net cumulative share and the
    flags, set on the amendment (not saved)."""
    original = Decimal(contract.award.contract_price)
    in_force = (
        contract.amendments.filter(status=ContractAmendmentStatus.IN_FORCE)
        .exclude(pk=amendment.pk)
        .values_list("value_effect", flat=True)
    )
    cumulative = sum((Decimal(v) for v in in_force), Decimal(0)) + effect
    flag, review, _rule = _thresholds(timezone.now())
    amendment.value_before = Decimal(contract.value)
    amendment.value_effect = effect
    amendment.value_after = Decimal(contract.value) + effect
    amendment.effect_share = (effect / original).quantize(Decimal("0.000001")) if original else Decimal(0)
    amendment.cumulative_share = (
        (cumulative / original).quantize(Decimal("0.000001")) if original else Decimal(0)
    )
    amendment.flagged = abs(amendment.cumulative_share) > flag
    amendment.escalated = abs(amendment.cumulative_share) > review


def _differs(new: Any, current: Any) -> bool:
    if isinstance(new, Decimal) and current is not None:
        return new != Decimal(current)
    return audit.normalise(new) != audit.normalise(current)


def _require_preparer(actor: User, contract: Contract) -> None:
    if not permissions.can_prepare_contract(actor, contract):
        raise PermissionDenied(
            "contract.forbidden", _("Only the agency's finance officers prepare its contracts.")
        )


def _clean(
    contract: Contract,
    *,
    rationale: Any,
    description: Any,
    terms: Any,
    prices: Any,
    new_lines: Any,
) -> tuple[str, str, dict[str, Any], dict[str, list[Decimal]], list[dict[str, Any]]]:
    errors = Errors()
    if rationale not in AmendmentRationale.values:
        errors.add(
            "rationale", _("choose one of: %(codes)s") % {"codes": ", ".join(AmendmentRationale.values)}
        )
    description = as_text(errors, "description", description, max_length=20_000, required=True)
    if terms in (None, ""):
        terms = {}
    if not isinstance(terms, dict):
        errors.add("terms", _("must be an object: term to new value"))
        terms = {}
    cleaned_terms = clean_terms(errors.child("terms."), contract, terms, allowed=AMENDABLE_TERMS)
    changed_terms = {
        name: value for name, value in cleaned_terms.items() if _differs(value, getattr(contract, name))
    }
    schedule = _schedule(contract)
    cleaned_prices = _clean_prices(errors, schedule, prices)
    cleaned_lines = _clean_new_lines(errors, schedule, new_lines)
    if rationale == AmendmentRationale.TERM_EXTENSION and not errors:
        end = changed_terms.get("end_date")
        if end is None or (contract.end_date is not None and end <= contract.end_date):
            errors.add("terms.end_date", _("a term extension needs an end date later than the current one"))
    errors.raise_if_any("amendment.invalid", _("The amendment cannot be saved; nothing was changed."))
    if not (changed_terms or cleaned_prices or cleaned_lines):
        raise ValidationFailed(
            "amendment.empty",
            _("The amendment changes nothing."),
            {"terms": _("change a term, a price or add a line")},
        )
    return str(rationale), description, audit.normalise(changed_terms), cleaned_prices, cleaned_lines


@transaction.atomic
def amendment_save(
    *,
    actor: User,
    contract: Contract,
    amendment: ContractAmendment | None = None,
    rationale: Any,
    description: Any,
    terms: Any = None,
    prices: Any = None,
    new_lines: Any = None,
) -> ContractAmendment:
    """Start an amendment of an active contract, or change a draft one (every field is given again)."""
    row = locked(contract)
    _require_preparer(actor, row)
    if row.status != ContractStatus.ACTIVE:
        raise Conflict("amendment.invalid_transition", _("Only an active contract can be amended."))
    if amendment is not None:
        amendment = ContractAmendment.objects.select_for_update().get(pk=amendment.pk, contract=row)
        if amendment.status != ContractAmendmentStatus.DRAFT:
            raise Conflict("amendment.frozen", _("Only a draft amendment can be changed."))
    elif row.amendments.filter(status__in=("draft", "under_review", "approved")).exists():
        raise Conflict(
            "amendment.open", _("This contract already has an amendment in preparation, review or signature.")
        )
    rationale, description, terms, prices, new_lines = _clean(
        row, rationale=rationale, description=description, terms=terms, prices=prices, new_lines=new_lines
    )
    effect = effect_of(row, prices, new_lines)
    before = audit.snapshot(amendment) if amendment is not None else None
    if amendment is None:
        number = (row.amendments.aggregate(n=Max("number"))["n"] or 0) + 1
        amendment = ContractAmendment(contract=row, number=number, version=row.version + 1, created_by=actor)
    amendment.rationale, amendment.description, amendment.terms = rationale, description, terms
    amendment.prices = {code: [str(p) for p in values] for code, values in prices.items()}
    amendment.new_lines = new_lines
    _figures(row, amendment, effect)
    try:
        with transaction.atomic():
            amendment.save()
    except IntegrityError:
        raise Conflict(
            "amendment.open", _("This contract already has an amendment in preparation, review or signature.")
        ) from None
    amendment.authors.add(actor)
    record(
        actor,
        row,
        "contract.amendment_changed" if before else "contract.amendment_started",
        before=before,
        after=audit.snapshot(amendment),
    )
    return amendment


def _apply(contract: Contract, amendment: ContractAmendment) -> None:
    """Put the amendment's terms, prices and lines into the contract row and make it the next version."""
    for name, value in amendment.terms.items():
        setattr(contract, name, value)
    schedule = dict(contract.price_schedule)
    extra = [dict(line) for line in contract.extra_lines]
    for code, values in amendment.prices.items():
        if code in schedule:
            schedule[code] = values
        else:
            for line in extra:
                if line["code"] == code:
                    line["unit_prices"] = values
    contract.price_schedule = schedule
    contract.extra_lines = extra + list(amendment.new_lines)
    contract.value = Decimal(amendment.value_after)
    contract.version = amendment.version
    contract.save()


class _Preview(Exception):
    def __init__(self, content: dict[str, Any], digest: str) -> None:
        self.content, self.digest = content, digest


def preview(contract: Contract, amendment: ContractAmendment) -> tuple[dict[str, Any], str]:
    """The content of the version the amendment would make, and its hash: the amendment is applied
    inside a savepoint that is then rolled back, so the figure is exactly what applying will give."""
    from .contracting import content_hash

    try:
        with transaction.atomic():
            fresh = Contract.objects.select_related("tender", "award").get(pk=contract.pk)
            _apply(fresh, amendment)
            fresh = Contract.objects.select_related("tender", "award").get(pk=contract.pk)
            raise _Preview(audit.normalise(content_of(fresh)), content_hash(fresh))
    except _Preview as done:
        return done.content, done.digest


def current_content(contract: Contract) -> dict[str, Any]:
    return audit.normalise(content_of(contract))


@transaction.atomic
def amendment_submit(*, actor: User, amendment: ContractAmendment, note: str = "") -> ContractAmendment:
    """Send a draft amendment to the approval chain: by the amended value, and the full chain (the one
    above the threshold) when the net cumulative change passes the rule book's review share."""
    contract, row = amendment_locked(amendment)
    _require_preparer(actor, contract)
    if row.status != ContractAmendmentStatus.DRAFT or contract.status != ContractStatus.ACTIVE:
        raise Conflict(
            "amendment.invalid_transition",
            _("Only a draft amendment of an active contract can be submitted."),
        )
    _figures(contract, row, Decimal(row.value_effect))  # the figures as they stand now
    now = timezone.now()
    probe = Contract(
        currency=contract.currency, value=max(Decimal(row.value_after), Decimal(row.value_before))
    )
    required, senior, rule = approval_chain(probe, now)
    cite = rule.cite()
    if row.escalated:
        p = rule.parameters
        required, senior = (
            max(required, int(p["approvers_above"])),
            bool(p["senior_required_above"]) or senior,
        )
        cite = _("%(rule)s; the cumulative change of %(share)s passes %(limit)s") % {
            "rule": cite,
            "share": _percent(abs(Decimal(row.cumulative_share))),
            "limit": _percent(Decimal(p["amendment_cumulative_review_share"])),
        }
    rounds = contract.decisions.filter(version=row.version).aggregate(n=Max("round"))["n"] or 0
    row.required_approvals, row.senior_required, row.approval_rule = required, senior, cite[:300]
    row.review_round = max(rounds, row.review_round) + 1
    row.status, row.submitted_at = ContractAmendmentStatus.UNDER_REVIEW, now
    row.save()
    row.authors.add(actor)
    record(
        actor,
        contract,
        "contract.amendment_submitted",
        before={"amendment": row.number, "status": ContractAmendmentStatus.DRAFT},
        after={
            "amendment": row.number,
            "status": row.status,
            "approvals": required,
            "senior": senior,
            "rule": row.approval_rule,
            "flagged": row.flagged,
            "escalated": row.escalated,
            "note": note.strip(),
        },
    )
    notify(
        recipients=_approvers_of(contract.tender),
        verb="amendment.submitted",
        title=_("Contract amendment awaiting your decision: %(reference)s amendment %(number)d")
        % {"reference": contract.tender.reference, "number": row.number},
        body=note.strip(),
        link=_link(row),
        obj=contract,
    )
    return row


@transaction.atomic
def amendment_decide(
    *, actor: User, amendment: ContractAmendment, decision: str, comment: str = ""
) -> ContractAmendment:
    """A reviewer's decision on an amendment. The approval that completes the chain freezes the version
    it makes (content and hash); it comes into force when both parties have signed it."""
    contract, row = amendment_locked(amendment)
    comment, last = chain_decision(
        actor=actor,
        contract=contract,
        authors=row.authors.all(),
        reviewing=row.status == ContractAmendmentStatus.UNDER_REVIEW,
        version=row.version,
        round=row.review_round,
        required=row.required_approvals,
        senior_required=row.senior_required,
        rule=row.approval_rule,
        decision=decision,
        comment=comment,
        amendment=row,
    )
    before = {"amendment": row.number, "status": row.status}
    authors = list(row.authors.all())
    reference = contract.tender.reference
    if last:
        now = timezone.now()
        content, digest = preview(contract, row)
        ContractVersion.objects.create(
            contract=contract, number=row.version, content=content, content_hash=digest, approved_at=now
        )
        row.status, row.approved_hash, row.approved_at = ContractAmendmentStatus.APPROVED, digest, now
        notify(
            recipients=authors + _signatories(contract),
            verb="amendment.approved",
            title=_("Amendment %(number)d of %(reference)s approved, ready to sign")
            % {"number": row.number, "reference": reference},
            link=_link(row),
            obj=contract,
        )
    elif decision != ContractDecisionKind.APPROVE:
        row.status = (
            ContractAmendmentStatus.DRAFT
            if decision == ContractDecisionKind.REQUEST_CHANGES
            else ContractAmendmentStatus.REJECTED
        )
        notify(
            recipients=authors,
            verb=f"amendment.{decision}",
            title=(
                _("Changes requested on amendment %(number)d of %(reference)s")
                if decision == ContractDecisionKind.REQUEST_CHANGES
                else _("Amendment %(number)d of %(reference)s rejected")
            )
            % {"number": row.number, "reference": reference},
            body=comment,
            link=_link(row),
            obj=contract,
        )
    row.save()
    record(
        actor,
        contract,
        f"contract.amendment_{decision}",
        before=before,
        after={"amendment": row.number, "status": row.status, "comment": comment, "hash": row.approved_hash},
    )
    return row


@transaction.atomic
def amendment_sign(*, actor: User, amendment: ContractAmendment) -> ContractAmendment:
    """A signatory signs the approved amendment for their party, after the content it would make is
    checked against the approved hash; with both parties signed it is applied and in force."""
    from .contracting import content_hash

    contract, row = amendment_locked(amendment)
    parties = permissions.signing_parties(actor, contract)
    if not parties:
        raise PermissionDenied(
            "contract.forbidden", _("Only a signatory of the agency or of the vendor signs.")
        )
    if row.status != ContractAmendmentStatus.APPROVED:
        raise Conflict("amendment.invalid_transition", _("Only an approved amendment can be signed."))
    _content, digest = preview(contract, row)
    if digest != row.approved_hash:
        raise Conflict(
            "amendment.changed", _("The amendment differs from the approved version; it cannot be signed.")
        )
    party = parties[0]
    if contract.signatures.filter(version=row.version, party_id=party).exists():
        raise Conflict("contract.already_signed", _("Your party has already signed this version."))
    ContractSignature.objects.create(
        contract=contract, version=row.version, party_id=party, signer=actor, content_hash=digest
    )
    signed = set(contract.signatures.filter(version=row.version).values_list("party_id", flat=True))
    before = {"amendment": row.number, "status": row.status, "version": contract.version}
    if signed >= {contract.agency_id, contract.vendor_id}:
        _apply(contract, row)
        fresh = Contract.objects.select_related("tender", "award").get(pk=contract.pk)
        if content_hash(fresh) != row.approved_hash:  # cannot happen: the preview is the same code path
            raise Conflict("amendment.changed", _("The amendment differs from the approved version."))
        Contract.objects.filter(pk=contract.pk).update(
            approved_hash=row.approved_hash, approved_at=row.approved_at
        )
        row.status, row.in_force_at = ContractAmendmentStatus.IN_FORCE, timezone.now()
        row.save()
        notify(
            recipients=list(row.authors.all()) + _signatories(contract),
            verb="amendment.in_force",
            title=_("Amendment %(number)d of %(reference)s is signed and in force")
            % {"number": row.number, "reference": contract.tender.reference},
            link=_link(row),
            obj=contract,
        )
    record(
        actor,
        contract,
        "contract.amendment_signed",
        before=before,
        after={
            "amendment": row.number,
            "party": party,
            "hash": digest,
            "status": row.status,
            "version": row.version if row.status == ContractAmendmentStatus.IN_FORCE else before["version"],
        },
    )
    return row


@transaction.atomic
def amendment_withdraw(*, actor: User, amendment: ContractAmendment, reason: str = "") -> ContractAmendment:
    contract, row = amendment_locked(amendment)
    _require_preparer(actor, contract)
    if row.status not in (ContractAmendmentStatus.DRAFT, ContractAmendmentStatus.UNDER_REVIEW):
        raise Conflict(
            "amendment.invalid_transition", _("Only a draft or an amendment under review can be withdrawn.")
        )
    errors = Errors()
    reason = as_text(errors, "reason", reason, max_length=20_000)
    errors.raise_if_any("amendment.invalid", _("The amendment cannot be withdrawn."))
    before = {"amendment": row.number, "status": row.status}
    row.status = ContractAmendmentStatus.WITHDRAWN
    row.save()
    record(actor, contract, "contract.amendment_withdrawn", before=before,
           after={"amendment": row.number, "status": row.status, "reason": reason})  # fmt: skip
    return row
