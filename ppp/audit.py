"""The append-only, hash-chained audit log.

Each entry stores actor, organisation, action, object, before, after and time, and
    entry_hash = SHA-256(previous entry's hash + canonical JSON of its own content)
so editing, removing or reordering any entry breaks the chain at that entry. Appends take a row lock
on the single AuditChainHead row, so concurrent writers line up; call `record` inside the same
transaction as the write it describes, so the entry exists if and only if the write happened.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.db import connection, models, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from ppp.models import AuditChainHead, AuditEntry, Organisation, User

GENESIS_HASH = "0" * 64


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = value.astimezone(dt.UTC)
        return value.isoformat(timespec="microseconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, set | frozenset | tuple):
        return sorted(value) if isinstance(value, set | frozenset) else list(value)
    if isinstance(value, models.Model):
        return value.pk
    raise TypeError(f"cannot audit a {type(value).__name__}")


def _settle(value: Any) -> Any:
    """Give a plain JSON value the one form every database returns for it.

    PostgreSQL's jsonb stores numbers as numeric, so 1e20 comes back as an integer and -0.0 as 0: an
    integral float is written as an int. jsonb refuses the NUL character, which would fail the write
    being audited, so it is replaced by U+FFFD.
    """
    if isinstance(value, dict):
        return {_settle(key): _settle(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_settle(item) for item in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and "\x00" in value:
        return value.replace("\x00", "\ufffd")
    return value


def _plain(value: Any) -> Any:
    try:
        text = json.dumps(value, default=_default, allow_nan=False)
    except ValueError:
        raise TypeError("cannot audit a non-finite number") from None
    return _settle(json.loads(text))


def canonical_json(value: Any) -> str:
    """Sorted keys, no spaces, UTF-8 text: the bytes that are hashed."""
    return json.dumps(_plain(value), sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def normalise(value: Any) -> Any:
    """What the value looks like after a trip through a JSON column (Decimals become strings)."""
    if value is None:
        return None
    return _plain(value)


def object_type_of(obj: models.Model) -> str:
    return f"{obj._meta.app_label}.{obj._meta.model_name}"


def snapshot(obj: models.Model, fields: list[str] | None = None) -> dict[str, Any]:
    """The audited picture of a row: concrete field values, foreign keys as ids."""
    result: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        if fields is not None and field.name not in fields:
            continue
        if field.name in {"password", "token_hash"}:
            continue
        result[field.attname] = getattr(obj, field.attname)
    return normalise(result)


def entry_content(entry: AuditEntry) -> dict[str, Any]:
    created = entry.created_at.astimezone(dt.UTC).isoformat(timespec="microseconds")
    return {
        "sequence": entry.sequence,
        "created_at": created,
        "actor_id": entry.actor_id,
        "actor_label": entry.actor_label,
        "organisation_id": entry.organisation_id,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "before": entry.before,
        "after": entry.after,
    }


def compute_hash(previous_hash: str, entry: AuditEntry) -> str:
    payload = previous_hash + canonical_json(entry_content(entry))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def actor_organisation(user: Any) -> Organisation | None:
    """The organisation an entry about a person's own action belongs to: their first membership by
    organisation name (a stable choice for people in several), or None for someone with none."""
    if user is None or not getattr(user, "pk", None):
        return None
    return Organisation.objects.filter(memberships__user_id=user.pk).order_by("name", "pk").first()


# The chain's plain statements (see `_lock_head` and `_append_in_one_statement`): table names come
# from the models, every value is a parameter.
_STATEMENTS = {
    "lock": "SELECT last_sequence, last_hash FROM {head} WHERE id = 1{lock}",
    "move": "UPDATE {head} SET last_sequence = %s, last_hash = %s WHERE id = 1",
    "append": """
WITH head AS (
    SELECT last_sequence + 1 AS sequence, last_hash FROM {head} WHERE id = 1 FOR UPDATE
), entry AS (
    INSERT INTO {entry} (sequence, created_at, actor_id, actor_label, organisation_id, action,
                         object_type, object_id, before, after, previous_hash, entry_hash)
    SELECT sequence, %s, %s, %s, %s, %s, %s, %s, %s::jsonb, %s::jsonb, last_hash,
           encode(sha256(convert_to(last_hash || %s || sequence::text || %s, 'UTF8')), 'hex')
    FROM head
    RETURNING id, sequence, previous_hash, entry_hash
)
UPDATE {head} SET last_sequence = entry.sequence, last_hash = entry.entry_hash
FROM entry WHERE {head}.id = 1
RETURNING entry.id, entry.sequence, entry.previous_hash, entry.entry_hash
""",
}


@functools.cache
def _statement(name: str, vendor: str) -> str:
    lock = " FOR UPDATE" if vendor == "postgresql" else ""
    head, entry = AuditChainHead._meta.db_table, AuditEntry._meta.db_table
    return _STATEMENTS[name].format(head=head, entry=entry, lock=lock)


def _lock_head() -> tuple[int, str]:
    """Lock the chain head for this transaction and read it, in one plain statement: every audited
    write passes here, so it costs as little Python as the lock allows."""
    statement = _statement("lock", connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute(statement)
        row = cursor.fetchone()
    if row is None:
        AuditChainHead.objects.get_or_create(pk=1, defaults={"last_hash": GENESIS_HASH})
        with connection.cursor() as cursor:
            cursor.execute(statement)
            row = cursor.fetchone()
    return int(row[0]), str(row[1])


_SEQUENCE_MARK = "@@audit-sequence-5b1e@@"


def _append_in_one_statement(entry: AuditEntry) -> bool:
    """PostgreSQL: lock the head, hash, insert and move the head in one statement.

    The chain head is the one row every audited write waits for, and it stays locked until the
    writer commits; so no Python may run while it is held. The canonical JSON is built first with a
    mark where the sequence goes, and the database computes SHA-256(previous hash + JSON) itself,
    with the sequence it has just taken: the same bytes `compute_hash` hashes, which `verify_chain`
    checks. False (nothing written) when the head row is missing or the mark occurs in the data.
    """
    content = entry_content(entry)
    content["sequence"] = _SEQUENCE_MARK
    parts = canonical_json(content).split(json.dumps(_SEQUENCE_MARK))
    if len(parts) != 2:
        return False
    prefix, suffix = parts
    with connection.cursor() as cursor:
        cursor.execute(
            _statement("append", connection.vendor),
            [
                entry.created_at, entry.actor_id, entry.actor_label, entry.organisation_id, entry.action,
                entry.object_type, entry.object_id, _json_or_null(entry.before), _json_or_null(entry.after),
                prefix, suffix,
            ],
        )  # fmt: skip
        row = cursor.fetchone()
    if row is None:
        return False
    entry.pk, entry.sequence, entry.previous_hash, entry.entry_hash = row
    entry._state.adding, entry._state.db = False, connection.alias
    return True


def _json_or_null(value: Any) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False, allow_nan=False)


def record(
    *,
    actor: User | None,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    before: Any = None,
    after: Any = None,
    organisation: Organisation | None = None,
    organisation_id: int | None = None,
    actor_label: str = "",
) -> AuditEntry:
    """Append one entry. Runs in (or opens) a transaction and serialises on the chain head."""
    if obj is not None:
        object_type = object_type or object_type_of(obj)
        object_id = object_id or str(obj.pk)
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    entry = AuditEntry(
        sequence=0,
        created_at=timezone.now(),
        actor=actor if authenticated else None,
        actor_label=actor_label or (str(actor.get_username()) if authenticated and actor else ""),
        organisation_id=organisation.pk if organisation is not None else organisation_id,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        before=normalise(before),
        after=normalise(after),
        previous_hash="",
        entry_hash="",
    )
    # No savepoint of its own: the entry belongs to the caller's transaction and fails with it.
    with transaction.atomic(savepoint=False):
        if connection.vendor == "postgresql" and _append_in_one_statement(entry):
            return entry
        last_sequence, last_hash = _lock_head()
        entry.sequence, entry.previous_hash = last_sequence + 1, last_hash
        entry.entry_hash = compute_hash(last_hash, entry)
        entry.save(force_insert=True)
        with connection.cursor() as cursor:
            cursor.execute(
                _statement("move", connection.vendor),
                [entry.sequence, entry.entry_hash],
            )
    return entry


@dataclass(frozen=True)
class ChainProblem:
    sequence: int | None
    entry_id: int | None
    reason: str

    def __str__(self) -> str:
        if self.sequence is None:
            return f"chain: {self.reason}"
        where = f"entry #{self.sequence}" + (f" (id {self.entry_id})" if self.entry_id is not None else "")
        return f"{where}: {self.reason}"


@dataclass
class _Walk:
    previous_hash: str = GENESIS_HASH
    last_sequence: int = 0
    last_id: int | None = None


_CHAIN_FIELDS = (
    "id", "sequence", "created_at", "actor_id", "actor_label", "organisation_id", "action",
    "object_type", "object_id", "before", "after", "previous_hash", "entry_hash",
)  # fmt: skip


def _walk(
    walk: _Walk, anchors: Mapping[int, str], *, up_to: int | None, batch_size: int
) -> ChainProblem | None:
    """Check the entries after `walk.last_sequence` (up to `up_to`), advancing `walk` as they pass."""
    queryset = AuditEntry.objects.filter(sequence__gt=walk.last_sequence)
    if up_to is not None:
        queryset = queryset.filter(sequence__lte=up_to)
    queryset = queryset.order_by("sequence").only(*_CHAIN_FIELDS)
    for entry in queryset.iterator(chunk_size=batch_size):
        expected = walk.last_sequence + 1
        if entry.sequence != expected:
            return ChainProblem(
                entry.sequence,
                entry.id,
                f"sequence gap: expected #{expected}; an entry was removed or renumbered",
            )
        if entry.previous_hash != walk.previous_hash:
            return ChainProblem(
                entry.sequence, entry.id, "previous hash does not match: entries removed or reordered"
            )
        if compute_hash(walk.previous_hash, entry) != entry.entry_hash:
            return ChainProblem(entry.sequence, entry.id, "content does not match its hash: entry was edited")
        anchored = anchors.get(entry.sequence)
        if anchored is not None and anchored != entry.entry_hash:
            return ChainProblem(
                entry.sequence,
                entry.id,
                f"hash {entry.entry_hash} differs from the anchored {anchored}: "
                "the chain was rewritten at or before this entry",
            )
        walk.previous_hash, walk.last_sequence, walk.last_id = entry.entry_hash, entry.sequence, entry.id
    return None


def verify_chain(batch_size: int = 2000, anchors: Mapping[int, str] | None = None) -> ChainProblem | None:
    """Walk the chain in sequence order and return the first problem, or None if it is intact.

    `anchors` maps sequence numbers to entry hashes recorded outside the database (audit_verify prints
    the head after each run): the chain alone cannot expose someone who rewrites every entry from the
    edited one onwards and the head too, an anchor can.

    Safe while others append: entries committed after the walk started are checked against the head
    read after it, and entries newer than that head are left for the next run.
    """
    anchors = dict(anchors or {})
    walk = _Walk()
    problem = _walk(walk, anchors, up_to=None, batch_size=batch_size)
    if problem is not None:
        return problem
    head = AuditChainHead.objects.filter(pk=1).first()
    head_sequence = head.last_sequence if head is not None else 0
    head_hash = head.last_hash if head is not None else GENESIS_HASH
    if head_sequence > walk.last_sequence:
        problem = _walk(walk, anchors, up_to=head_sequence, batch_size=batch_size)
        if problem is not None:
            return problem
    if head_sequence > walk.last_sequence:
        return ChainProblem(
            walk.last_sequence + 1,
            None,
            f"missing: the chain head records #{head_sequence} but the log ends at #{walk.last_sequence}; "
            "entries were removed from the end",
        )
    if head_sequence < walk.last_sequence:
        beyond = AuditEntry.objects.filter(sequence=head_sequence + 1).values_list("id", flat=True).first()
        return ChainProblem(
            head_sequence + 1,
            beyond,
            f"beyond the chain head (#{head_sequence}): appended without going through the audit log",
        )
    if head_hash != walk.previous_hash:
        return ChainProblem(
            walk.last_sequence or None,
            walk.last_id,
            "does not match the chain head's hash: the last entry was replaced",
        )
    for sequence in sorted(anchors):
        if sequence > walk.last_sequence:
            return ChainProblem(
                sequence,
                None,
                f"missing: anchored as {anchors[sequence]} but the log ends at #{walk.last_sequence}",
            )
    return None


def chain_head() -> tuple[int, str]:
    """(last sequence, last hash) of the chain: the value to record outside the database."""
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is None:
        return 0, GENESIS_HASH
    return head.last_sequence, head.last_hash


# Sealed entries. An app whose records must stay unseen for a while (a bid before opening) registers
# a filter; every read of the audit log (the audit page, its API, the admin) applies them all, so the
# log cannot tell anyone that a sealed record exists.
_SEALS: list[Callable[[], Q]] = []


def register_seal(condition: Callable[[], Q]) -> None:
    """`condition()` returns a Q matching the entries that are still sealed."""
    _SEALS.append(condition)


def unsealed(queryset: QuerySet[AuditEntry]) -> QuerySet[AuditEntry]:
    for condition in _SEALS:
        queryset = queryset.exclude(condition())
    return queryset
