"""Bids: a vendor's preparers draft and price them, its signatories submit and withdraw them.

Submission stores the SHA-256 of the bid's canonical content and the database clock's time, and
returns a receipt. Nothing is accepted once the tender has closed by the database clock (checked in
the same statement that stamps the bid, so a submission racing the closing either lands before it
or is refused). Any change to a submitted bid returns it to draft.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.db.models.functions import Now
from django.utils import timezone
from django.utils.translation import gettext as _

from contracts import permissions
from contracts.models import (
    Bid,
    BidAnswer,
    BidAttachment,
    BidPrice,
    BidStatus,
    Criterion,
    CriterionKind,
    ScheduleItem,
    Tender,
    TenderStatus,
)
from costing.calculations.receipts import canonical_json
from ppp import audit
from ppp.errors import Conflict, PermissionDenied, ValidationFailed
from ppp.fields import Errors, as_decimal, as_int, as_text
from ppp.models import Organisation, User

LARGEST_PRICE = Decimal(10) ** 15
MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024
ALLOWED_ATTACHMENTS = {
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".zip": "application/zip",
}


def record(actor: User, bid: Bid, action: str, *, before: Any = None, after: Any = None) -> None:
    """Bid events are recorded on the bid, under the vendor's organisation (sealed like the bid)."""
    audit.record(
        actor=actor, action=action, obj=bid, organisation_id=bid.vendor_id, before=before, after=after
    )


def _open(tender: Tender) -> bool:
    """Published and not closed by the database clock."""
    return Tender.objects.filter(pk=tender.pk, status=TenderStatus.PUBLISHED, closing_at__gt=Now()).exists()


@transaction.atomic
def bid_create(*, actor: User, tender: Tender, vendor: Organisation) -> Bid:
    """Start (or reopen a withdrawn) draft bid of `vendor` on the tender."""
    if vendor.pk not in permissions.vendor_ids(actor):
        raise PermissionDenied("bid.forbidden", _("Bid on behalf of your own verified company."))
    if not _open(tender):
        raise Conflict("bid.tender_closed", _("The tender is not open for bids."))
    existing = Bid.objects.select_for_update().filter(tender=tender, vendor=vendor, lot__isnull=True).first()
    if existing is not None:
        if existing.status != BidStatus.WITHDRAWN:
            raise Conflict("bid.exists", _("Your company already has a bid on this tender."))
        existing.status = BidStatus.DRAFT
        existing.withdrawn_at = None
        existing.save()
        record(actor, existing, "bid.reopened")
        return existing
    try:
        with transaction.atomic():
            bid = Bid.objects.create(
                tender=tender, vendor=vendor, created_by=actor, tender_version=tender.version,
                validity_days=tender.bid_validity_days,
            )  # fmt: skip
    except IntegrityError:
        raise Conflict("bid.exists", _("Your company already has a bid on this tender.")) from None
    record(actor, bid, "bid.created", after={"tender": tender.pk})
    return bid


def _locked(bid: Bid) -> Bid:
    """The bid, locked for this transaction, with its tender.

    The tender row is only share-locked, and first: every bid of a tender can be written at the same
    time (fifty vendors at the closing instant do not queue on one row), while an amendment, which
    locks the tender for update, waits for them, and they wait for it, so no bid is sealed against a
    version of the terms that no longer stands. Tender first, then bid: the order the amendment
    takes them in, so the two cannot deadlock. Plain SQL through the models' raw querysets: this
    runs at the closing instant, when every millisecond of Python is shared by every submitter.
    """
    sql = _sql(connection.vendor)
    tender = next(iter(Tender.objects.raw(sql["lock_tender"], [bid.pk])), None)
    row = next(iter(Bid.objects.raw(sql["lock_bid"], [bid.pk])), None)
    if tender is None or row is None:
        raise Bid.DoesNotExist("Bid matching query does not exist.")
    row.tender = tender
    return row


def _editing(actor: User, bid: Bid) -> Bid:
    """Lock the bid; the actor must prepare bids for its vendor and the tender must be open. A
    submitted bid returns to draft: it must be confirmed again."""
    row = _locked(bid)
    if not permissions.can_prepare_bid(actor, row):
        raise PermissionDenied("bid.forbidden", _("Only your company's people prepare its bid."))
    if row.status == BidStatus.WITHDRAWN:
        raise Conflict("bid.withdrawn", _("The bid was withdrawn; start it again to change it."))
    if not _open(row.tender):
        raise Conflict("bid.tender_closed", _("The tender has closed: the bid can no longer change."))
    if row.status == BidStatus.SUBMITTED:
        row.status = BidStatus.DRAFT
        row.submitted_at = None
        row.content_hash = ""
        row.save(update_fields=["status", "submitted_at", "content_hash", "updated_at"])
        record(actor, row, "bid.returned_to_draft")
    return row


@transaction.atomic
def bid_update(*, actor: User, bid: Bid, **values: Any) -> Bid:
    """The bid's own terms: discount (a fraction of the price), bid security, validity, preference."""
    row = _editing(actor, bid)
    errors = Errors()
    allowed = {"discount_rate", "bid_security_amount", "bid_security_reference", "validity_days",
               "entitled_to_preference", "currency"}  # fmt: skip
    for field in sorted(set(values) - allowed):
        errors.add(field, _("unknown field"))
    if "currency" in values and str(values["currency"]).upper() != row.tender.currency:
        errors.add("currency", _("the tender is priced in %(currency)s") % {"currency": row.tender.currency})
    changes: dict[str, Any] = {}
    if "discount_rate" in values:
        changes["discount_rate"] = as_decimal(
            errors,
            "discount_rate",
            values["discount_rate"],
            minimum=0,
            maximum=Decimal("0.99"),
            percent_words=True,
        )
    if "bid_security_amount" in values:
        changes["bid_security_amount"] = as_decimal(
            errors,
            "bid_security_amount",
            values["bid_security_amount"],
            minimum=0,
            maximum=LARGEST_PRICE,
            places=4,
        )
    if "bid_security_reference" in values:
        changes["bid_security_reference"] = as_text(
            errors, "bid_security_reference", values["bid_security_reference"], max_length=100
        )
    if "validity_days" in values:
        changes["validity_days"] = as_int(
            errors, "validity_days", values["validity_days"], minimum=1, maximum=730
        )
    if "entitled_to_preference" in values:
        if not isinstance(values["entitled_to_preference"], bool):
            errors.add("entitled_to_preference", _("must be true or false"))
        changes["entitled_to_preference"] = bool(values["entitled_to_preference"])
    errors.raise_if_any("bid.invalid", _("The bid cannot be saved."))
    before = audit.snapshot(row)
    for field, value in changes.items():
        setattr(row, field, value)
    row.save()
    record(actor, row, "bid.updated", before=before, after=audit.snapshot(row))
    return row


@transaction.atomic
def bid_prices_save(
    *, actor: User, bid: Bid, prices: dict[str, list[Any]], currency: str | None = None
) -> Bid:
    """Price schedule items per year: {item code: [unit price per year, or null where the year has no
    quantity]}. All or nothing; an unknown item, a wrong number of years, a negative, non-numeric or
    missing price where there is a quantity is named "prices.<code>[year]"."""
    row = _editing(actor, bid)
    errors = Errors()
    if currency is not None and str(currency).upper() != row.tender.currency:
        errors.add("currency", _("the tender is priced in %(currency)s") % {"currency": row.tender.currency})
    items = {item.code: item for item in ScheduleItem.objects.filter(tender=row.tender)}
    if not isinstance(prices, dict):
        raise ValidationFailed(
            "bid.invalid", _("Prices must be given per item code."), {"prices": _("not an object")}
        )
    rows: list[BidPrice] = []
    for code, values in prices.items():
        item = items.get(code)
        if item is None:
            errors.add(f"prices.{code}", _("not an item of the pricing schedule"))
            continue
        if not isinstance(values, list) or len(values) != len(item.quantities):
            errors.add(f"prices.{code}", _("needs %(n)d prices, one per year") % {"n": len(item.quantities)})
            continue
        cleaned: list[str | None] = []
        for year, (value, quantity) in enumerate(zip(values, item.quantities, strict=True)):
            if value in (None, "") and Decimal(str(quantity)) == 0:
                cleaned.append(None)
                continue
            price = as_decimal(
                errors, f"prices.{code}[{year}]", value, minimum=0, maximum=LARGEST_PRICE, places=4
            )
            cleaned.append(None if price is None else str(price))
        rows.append(BidPrice(bid=row, item=item, unit_prices=cleaned))
    errors.raise_if_any("bid.invalid_prices", _("The prices cannot be saved; nothing was changed."))
    BidPrice.objects.filter(bid=row, item__in=[r.item for r in rows]).delete()
    BidPrice.objects.bulk_create(rows)
    record(actor, row, "bid.priced", after={"items": sorted(prices)})
    return row


@transaction.atomic
def bid_answers_save(*, actor: User, bid: Bid, answers: dict[str, dict[str, Any]]) -> Bid:
    """{criterion code: {"complies": bool (pass/fail), "response": text}}."""
    row = _editing(actor, bid)
    errors = Errors()
    criteria = {c.code: c for c in Criterion.objects.filter(tender=row.tender)}
    saved = []
    for code, answer in answers.items():
        criterion = criteria.get(code)
        if criterion is None or not isinstance(answer, dict):
            errors.add(f"answers.{code}", _("not a criterion of the tender"))
            continue
        complies = answer.get("complies")
        if criterion.kind == CriterionKind.PASS_FAIL and not isinstance(complies, bool):
            errors.add(f"answers.{code}.complies", _("say whether the bid complies"))
        response = as_text(errors, f"answers.{code}.response", answer.get("response", ""), max_length=20_000)
        saved.append((criterion, complies if isinstance(complies, bool) else None, response))
    errors.raise_if_any("bid.invalid_answers", _("The answers cannot be saved; nothing was changed."))
    for criterion, complies, response in saved:
        BidAnswer.objects.update_or_create(
            bid=row, criterion=criterion, defaults={"complies": complies, "response": response}
        )
    record(actor, row, "bid.answered", after={"criteria": sorted(answers)})
    return row


def _extension(name: str) -> str:
    return ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""


def check_attachment(*, name: str, size: int, content_type: str) -> None:
    """Refuse a file by name, size and type before it is read."""
    extension = _extension(name)
    if size > MAX_ATTACHMENT_BYTES:
        raise ValidationFailed(
            "bid.attachment_too_large",
            _("A file may hold at most %(mb)d MB.") % {"mb": MAX_ATTACHMENT_BYTES // (1024 * 1024)},
            {"file": _("over the size limit")},
        )
    if extension not in ALLOWED_ATTACHMENTS:
        raise ValidationFailed(
            "bid.attachment_type",
            _("Allowed files: %(types)s.") % {"types": ", ".join(sorted(ALLOWED_ATTACHMENTS))},
            {"file": _("file type not allowed")},
        )


@transaction.atomic
def bid_attach(*, actor: User, bid: Bid, name: str, content: bytes, content_type: str = "") -> BidAttachment:
    from django.core.files.base import ContentFile

    check_attachment(name=name, size=len(content), content_type=content_type)
    row = _editing(actor, bid)
    digest = hashlib.sha256(content).hexdigest()
    attachment = BidAttachment(
        bid=row,
        name=name[:255],
        content_type=ALLOWED_ATTACHMENTS[_extension(name)],
        size=len(content),
        sha256=digest,
        uploaded_by=actor,
    )
    attachment.file.save(f"{digest}{_extension(name)}", ContentFile(content), save=False)
    attachment.save()
    record(
        actor, row, "bid.attached", after={"name": attachment.name, "sha256": digest, "size": attachment.size}
    )
    return attachment


@dataclass(frozen=True)
class BidContent:
    """A bid's priced schedule, answers and attachments, read as plain values in a few queries (a
    submission reads them once for both the completeness check and the hash)."""

    prices: dict[str, list[Any]]  # item code -> unit prices per year
    items: list[tuple[str, list[Any]]]  # (item code, quantities) in schedule order
    answers: dict[str, dict[str, Any]]  # criterion code -> {"complies", "response"}
    pass_fail: list[str]  # codes of the tender's pass/fail requirements
    attachments: list[tuple[str, str]]  # (sha256, name)


# The submission path in plain statements (see `_locked`, `read_content`, `_stamp`): table names come
# from the models, every value is a parameter.
_SQL_TEMPLATES = {
    "lock_tender": "SELECT * FROM {tender} WHERE id = (SELECT tender_id FROM {bid} WHERE id = %s){share}",
    "lock_bid": "SELECT * FROM {bid} WHERE id = %s{update}",
    # A bid's whole content in one statement, one row per value: (part, code, text, number, id).
    "content": "SELECT 0, i.code, CAST(p.unit_prices AS TEXT), NULL, NULL"
    " FROM {bidprice} p JOIN {scheduleitem} i ON i.id = p.item_id WHERE p.bid_id = %s"
    " UNION ALL SELECT 1, code, CAST(quantities AS TEXT), position, id FROM {scheduleitem}"
    " WHERE tender_id = %s"
    " UNION ALL SELECT 2, c.code, a.response,"
    " CASE WHEN a.complies THEN 1 WHEN NOT a.complies THEN 0 END, NULL"
    " FROM {bidanswer} a JOIN {criterion} c ON c.id = a.criterion_id WHERE a.bid_id = %s"
    " UNION ALL SELECT 3, code, NULL, position, id FROM {criterion} WHERE tender_id = %s AND kind = %s"
    " UNION ALL SELECT 4, sha256, name, NULL, NULL FROM {bidattachment} WHERE bid_id = %s"
    " ORDER BY 1, 4, 5",
    "stamp": "UPDATE {bid} SET status = %s, submitted_at = {now}, content_hash = %s, receipt_number = %s,"
    " submitted_by_id = %s, tender_version = %s, updated_at = {now}"
    " WHERE id = %s AND status = %s AND EXISTS (SELECT 1 FROM {tender} t"
    " WHERE t.id = {bid}.tender_id AND t.status = %s AND t.closing_at > {now})"
    " RETURNING submitted_at",
}


@functools.cache
def _sql(vendor: str) -> dict[str, str]:
    """The statements for this database: PostgreSQL locks rows and has a statement clock; SQLite has
    one writer at a time, and Django's own text for the clock."""
    names = {
        str(model._meta.model_name): connection.ops.quote_name(model._meta.db_table)
        for model in (Bid, BidAnswer, BidAttachment, BidPrice, Criterion, ScheduleItem, Tender)
    }
    if vendor == "postgresql":
        dialect = {"share": " FOR SHARE", "update": " FOR UPDATE", "now": "STATEMENT_TIMESTAMP()"}
    else:
        dialect = {"share": "", "update": "", "now": "STRFTIME('%%Y-%%m-%%d %%H:%%M:%%f', 'NOW')"}
    return {name: template.format(**names, **dialect) for name, template in _SQL_TEMPLATES.items()}


def _fetch(sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def read_content(bid: Bid) -> BidContent:
    """One plain statement rather than five ORM queries: a submission runs this at the closing
    instant, when every millisecond is shared by all the vendors submitting at once. The values are
    exactly what the ORM would return (tests/contracts/test_bids.py compares them)."""
    parts: list[list[tuple[Any, ...]]] = [[], [], [], [], []]
    rows = _fetch(
        _sql(connection.vendor)["content"],
        [bid.pk, bid.tender_id, bid.pk, bid.tender_id, CriterionKind.PASS_FAIL.value, bid.pk],
    )
    for part, code, text, number, _id in rows:
        parts[part].append((code, text, number))
    priced, schedule, answered, requirements, files = parts
    return BidContent(
        prices={code: json.loads(unit_prices) for code, unit_prices, _ in priced},
        items=[(code, json.loads(quantities)) for code, quantities, _ in schedule],
        answers={
            code: {"complies": None if complies is None else bool(complies), "response": response}
            for code, response, complies in answered
        },
        pass_fail=[code for code, _, _ in requirements],
        attachments=sorted((sha256, name) for sha256, name, _ in files),
    )


def canonical_content(bid: Bid, content: BidContent | None = None) -> dict[str, Any]:
    """What the bid's hash is of: its terms, every price, answer and attachment digest."""
    content = content or read_content(bid)
    return {
        "tender": bid.tender.reference,
        "tender_version": bid.tender.version,
        "vendor": bid.vendor_id,
        "currency": bid.tender.currency,
        "discount_rate": Decimal(bid.discount_rate),
        "bid_security_amount": Decimal(bid.bid_security_amount),
        "bid_security_reference": bid.bid_security_reference,
        "validity_days": bid.validity_days,
        "entitled_to_preference": bid.entitled_to_preference,
        "prices": dict(sorted(content.prices.items())),
        "answers": dict(sorted(content.answers.items())),
        "attachments": [list(pair) for pair in content.attachments],
    }


def content_hash(bid: Bid, content: BidContent | None = None) -> str:
    plain = audit.normalise(canonical_content(bid, content))
    return hashlib.sha256(canonical_json(plain).encode("utf-8")).hexdigest()


def _check_complete(bid: Bid, content: BidContent) -> None:
    errors = Errors()
    tender = bid.tender
    for code, quantities in content.items:
        prices = content.prices.get(code)
        if prices is None:
            errors.add(f"prices.{code}", _("not priced"))
            continue
        for year, (price, quantity) in enumerate(zip(prices, quantities, strict=True)):
            if price is None and Decimal(str(quantity)) != 0:
                errors.add(f"prices.{code}[{year}]", _("not priced"))
    for code in content.pass_fail:
        answer = content.answers.get(code)
        if answer is None or answer["complies"] is None:
            errors.add(f"answers.{code}", _("not answered"))
    required = (Decimal(tender.package_price) * Decimal(tender.bid_security_rate)).quantize(Decimal(1))
    if Decimal(bid.bid_security_amount) < required:
        errors.add(
            "bid_security_amount",
            _("at least %(amount)s %(currency)s (%(rate)s of the package price)")
            % {
                "amount": required,
                "currency": tender.currency,
                "rate": f"{(Decimal(tender.bid_security_rate) * 100).normalize():f}%",
            },
        )
    if (bid.validity_days or 0) < tender.bid_validity_days:
        errors.add("validity_days", _("at least %(days)d days") % {"days": tender.bid_validity_days})
    errors.raise_if_any("bid.incomplete", _("The bid cannot be submitted yet; see each field."))


def _stamp(bid: Bid, *, actor: User, digest: str, receipt: str) -> dt.datetime | None:
    """One statement checks the closing by the database clock and stamps the bid with that clock's
    time, returning it; None when the tender had closed (or the bid was no longer a draft)."""
    rows = _fetch(
        _sql(connection.vendor)["stamp"],
        [BidStatus.SUBMITTED.value, digest, receipt, actor.pk, bid.tender.version, bid.pk,
         BidStatus.DRAFT.value, TenderStatus.PUBLISHED.value],
    )  # fmt: skip
    if not rows:
        return None
    value = rows[0][0]
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    # SQLite gives its text back, parsed or not but without a zone: Django stores it there as UTC.
    return value if timezone.is_aware(value) else value.replace(tzinfo=dt.UTC)


@transaction.atomic
def bid_submit(*, actor: User, bid: Bid) -> Bid:
    """Seal the bid: its content hash and the database clock's time; refused once the tender closed."""
    row = _locked(bid)
    if not permissions.can_sign_bid(actor, row):
        raise PermissionDenied("bid.forbidden", _("Only your company's signatories submit its bid."))
    if row.status == BidStatus.SUBMITTED:
        raise Conflict("bid.already_submitted", _("The bid is already submitted."))
    if row.status == BidStatus.WITHDRAWN:
        raise Conflict("bid.withdrawn", _("The bid was withdrawn; start it again first."))
    content = read_content(row)
    _check_complete(row, content)
    digest = content_hash(row, content)
    # No row id in the receipt: ids are one sequence over all tenders and would hint at other bids.
    receipt = f"{row.tender.reference}-{digest[:12].upper()}"
    stamped = _stamp(row, actor=actor, digest=digest, receipt=receipt)
    if stamped is None:
        raise Conflict(
            "bid.tender_closed", _("The tender closed before the bid arrived; it was not accepted.")
        )
    row.submitted_at = stamped
    row.status, row.content_hash, row.receipt_number, row.submitted_by = (
        BidStatus.SUBMITTED,
        digest,
        receipt,
        actor,
    )
    row.tender_version = row.tender.version
    record(
        actor,
        row,
        "bid.submitted",
        after={"content_hash": digest, "receipt": receipt, "at": row.submitted_at},
    )
    return row


@transaction.atomic
def bid_withdraw(*, actor: User, bid: Bid) -> Bid:
    row = _locked(bid)
    if not permissions.can_sign_bid(actor, row):
        raise PermissionDenied("bid.forbidden", _("Only your company's signatories withdraw its bid."))
    if row.status == BidStatus.WITHDRAWN:
        raise Conflict("bid.withdrawn", _("The bid is already withdrawn."))
    withdrawn = Bid.objects.filter(
        Q(pk=row.pk) & Q(tender__closing_at__gt=Now()) & Q(tender__status=TenderStatus.PUBLISHED)
    ).update(
        status=BidStatus.WITHDRAWN, withdrawn_at=Now(), submitted_at=None, content_hash="", updated_at=Now()
    )
    if withdrawn != 1:
        raise Conflict("bid.tender_closed", _("The tender has closed: a bid can no longer be withdrawn."))
    row.refresh_from_db()
    record(actor, row, "bid.withdrawn")
    return row


XLSX_TYPES = frozenset(
    {
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/octet-stream",
        "application/zip",
        "",
    }
)


def check_upload(*, name: str, size: int, content_type: str = "") -> None:
    """Refuse a price form by its name, size and type before it is read into memory."""
    from contracts.spreadsheets import ERROR_CODE, MAX_BYTES

    if size > MAX_BYTES:
        raise ValidationFailed(
            ERROR_CODE,
            _("The file is larger than %(limit)s MB; nothing was imported.")
            % {"limit": MAX_BYTES // (1024 * 1024)},
            {"file": _("over the size limit")},
        )
    if not name.lower().endswith(".xlsx") or (content_type or "") not in XLSX_TYPES:
        raise ValidationFailed(
            ERROR_CODE, _("Upload an Excel workbook (.xlsx)."), {"file": _("not an .xlsx workbook")}
        )


@transaction.atomic
def bid_prices_import(*, actor: User, bid: Bid, data: bytes) -> Bid:
    """Price the bid from a filled price form: every item, all or nothing, errors by sheet and cell.
    The line amounts and the total the bidder wrote are kept for the arithmetic correction."""
    from contracts.spreadsheets import parse_price_form

    row = _editing(actor, bid)
    form = parse_price_form(tender=row.tender, data=data)
    items = {item.code: item for item in ScheduleItem.objects.filter(tender=row.tender)}
    BidPrice.objects.filter(bid=row).delete()
    BidPrice.objects.bulk_create(
        [
            BidPrice(
                bid=row, item=items[code], unit_prices=prices, stated_amounts=form.stated_amounts.get(code)
            )
            for code, prices in form.prices.items()
        ]
    )
    row.stated_total = form.stated_total
    row.save(update_fields=["stated_total", "updated_at"])
    record(actor, row, "bid.priced_from_workbook", after={"items": sorted(form.prices), "bytes": len(data)})
    return row
