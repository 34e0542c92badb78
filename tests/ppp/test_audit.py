"""The audit log: hash chain, tamper detection (even past the database trigger), visibility, logins."""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib
import io
import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from urllib.parse import quote

import pytest
from django.conf import settings
from django.core.management import call_command, load_command_class
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, connections, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from ppp import audit
from ppp.models import AuditChainHead, AuditEntry, OrganisationKind, Role
from tests.factories import PASSWORD, OrganisationFactory, UserFactory, member
from tests.roles import RoleMatrix, client_for

ON_POSTGRESQL = connection.vendor == "postgresql"
TRIGGER = "ppp_auditentry_append_only"
_trigger_migration = importlib.import_module("ppp.migrations.0003_audit_entry_append_only_trigger")


# --- helpers ---------------------------------------------------------------------------------------


def append(count: int, *, action: str = "test.appended", obj=None) -> list[AuditEntry]:
    return [
        audit.record(actor=None, actor_label="tester", action=action, obj=obj, after={"n": n})
        for n in range(count)
    ]


def head() -> tuple[int, str]:
    row = AuditChainHead.objects.get(pk=1)
    return row.last_sequence, row.last_hash


@contextmanager
def as_database_superuser() -> Iterator[None]:
    """Switch the append-only trigger off inside the test's transaction, as a superuser can."""
    with connection.cursor() as cursor:
        if ON_POSTGRESQL:
            cursor.execute("SET LOCAL session_replication_role = replica")
        else:
            cursor.execute(f"DROP TRIGGER {TRIGGER}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            if ON_POSTGRESQL:
                cursor.execute("SET LOCAL session_replication_role = DEFAULT")
            else:
                for statement in _trigger_migration.SQLITE_FORWARDS:
                    cursor.execute(statement)


def raw(sql: str, params: tuple = ()) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def set_after_raw(entry: AuditEntry, value: dict) -> None:
    cast = "CAST(%s AS jsonb)" if ON_POSTGRESQL else "%s"
    assert (
        raw(f'UPDATE ppp_auditentry SET "after" = {cast} WHERE id = %s', (json.dumps(value), entry.pk)) == 1
    )


def verify_command(*args: str) -> str:
    out = io.StringIO()
    call_command("audit_verify", *args, stdout=out)
    return out.getvalue()


def broken_message(*args: str) -> str:
    with pytest.raises(CommandError) as caught:
        verify_command(*args)
    assert caught.value.returncode == 1
    return str(caught.value)


# --- the hash ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_entry_hash_is_sha256_of_previous_hash_and_canonical_json(administrator):
    organisation = OrganisationFactory()
    sequence_before, hash_before = head()

    entry = audit.record(
        actor=administrator,
        action="test.hashed",
        obj=organisation,
        organisation=organisation,
        before={"amount": Decimal("1234.50"), "name": "Gói thầu"},
        after={"amount": Decimal("1300"), "signed_on": dt.date(2025, 8, 4), "lots": (1, 2)},
    )

    created = entry.created_at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%f+00:00")
    expected_content = {
        "sequence": sequence_before + 1,
        "created_at": created,
        "actor_id": administrator.pk,
        "actor_label": administrator.username,
        "organisation_id": organisation.pk,
        "action": "test.hashed",
        "object_type": "ppp.organisation",
        "object_id": str(organisation.pk),
        "before": {"amount": "1234.50", "name": "Gói thầu"},
        "after": {"amount": "1300", "signed_on": "2025-08-04", "lots": [1, 2]},
    }
    canonical = json.dumps(expected_content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    expected_hash = hashlib.sha256((hash_before + canonical).encode("utf-8")).hexdigest()

    stored = AuditEntry.objects.get(pk=entry.pk)
    assert (stored.sequence, stored.previous_hash, stored.entry_hash) == (
        sequence_before + 1,
        hash_before,
        expected_hash,
    )
    assert (stored.before, stored.after) == (expected_content["before"], expected_content["after"])
    assert head() == (sequence_before + 1, expected_hash)


@pytest.mark.django_db
def test_values_that_the_database_reshapes_still_verify():
    # jsonb gives 1e20 back as an integer and -0.0 as 0; jsonb refuses NUL. Hashes must survive that.
    entry = audit.record(
        actor=None,
        action="test.reshaped",
        after={"big": 1e20, "minus_zero": -0.0, "half": 0.5, "name": "a\x00b"},
    )
    stored = AuditEntry.objects.get(pk=entry.pk)
    assert stored.after == {"big": 10**20, "minus_zero": 0, "half": 0.5, "name": "a\ufffdb"}
    assert audit.compute_hash(stored.previous_hash, stored) == stored.entry_hash
    assert audit.verify_chain() is None


@pytest.mark.django_db
@pytest.mark.parametrize(
    "text",
    [
        'Gói thầu "Cổng dịch vụ công" \\ 100% — ✓ 🏛',
        # The mark the one-statement append puts where the sequence goes, in the data itself: the
        # append takes the ordinary path and the hash is the same rule's.
        "@@audit-sequence-5b1e@@",
    ],
)
def test_any_text_hashes_by_the_rule_on_either_append_path(text):
    sequence_before, hash_before = head()
    entry = audit.record(actor=None, actor_label="tester", action="test.text", after={"note": text})
    stored = AuditEntry.objects.get(pk=entry.pk)
    expected_content = {
        "sequence": sequence_before + 1,
        "created_at": stored.created_at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%f+00:00"),
        "actor_id": None,
        "actor_label": "tester",
        "organisation_id": None,
        "action": "test.text",
        "object_type": "",
        "object_id": "",
        "before": None,
        "after": {"note": text},
    }
    canonical = json.dumps(expected_content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    expected_hash = hashlib.sha256((hash_before + canonical).encode("utf-8")).hexdigest()
    assert (entry.pk, entry.sequence, entry.entry_hash) == (stored.pk, sequence_before + 1, expected_hash)
    assert (stored.previous_hash, stored.entry_hash, stored.after) == (
        hash_before,
        expected_hash,
        {"note": text},
    )
    assert head() == (sequence_before + 1, expected_hash)
    assert audit.verify_chain() is None


@pytest.mark.skipif(not ON_POSTGRESQL, reason="the one-statement append is PostgreSQL's")
@pytest.mark.django_db
def test_on_postgresql_an_append_is_one_statement_so_the_head_is_held_only_until_commit():
    with CaptureQueriesContext(connection) as queries:
        audit.record(actor=None, action="test.one_statement", after={"n": 1})
    assert len(queries.captured_queries) == 1


@pytest.mark.django_db
def test_a_non_finite_number_is_refused_and_nothing_is_written():
    count, before = AuditEntry.objects.count(), head()
    with pytest.raises(TypeError, match="cannot audit a non-finite number"):
        audit.record(actor=None, action="test.nan", after={"ratio": float("nan")})
    assert (AuditEntry.objects.count(), head()) == (count, before)


# --- the chain ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_sequence_of_records_verifies_and_prints_the_head_to_anchor():
    start, _ = head()
    entries = append(5)
    assert [e.sequence for e in entries] == list(range(start + 1, start + 6))
    assert [e.previous_hash for e in entries[1:]] == [e.entry_hash for e in entries[:-1]]
    assert audit.verify_chain() is None
    last = entries[-1]
    count = AuditEntry.objects.count()
    assert verify_command() == (
        f"audit chain intact: {count} entries; head #{last.sequence} sha256 {last.entry_hash}\n"
        f"anchor for the next run: --anchor {last.sequence}:{last.entry_hash}\n"
    )
    assert verify_command("--anchor", f"{last.sequence}:{last.entry_hash}").startswith("audit chain intact")


@pytest.mark.django_db
def test_editing_an_entry_names_that_entry():
    entries = append(5)
    edited = entries[2]
    with as_database_superuser():
        set_after_raw(edited, {"n": 999})
    assert broken_message() == (
        f"audit chain broken at entry #{edited.sequence} (id {edited.pk}): "
        "content does not match its hash: entry was edited"
    )


@pytest.mark.django_db
def test_editing_an_entry_exits_with_status_1_naming_it(monkeypatch, capsys):
    entries = append(3)
    edited = entries[1]
    with as_database_superuser():
        set_after_raw(edited, {"n": "forged"})
    # run_from_argv is what manage.py runs; it closes connections at the end, which would end the test's
    # transaction, so that one call is neutralised.
    monkeypatch.setattr(connections, "close_all", lambda: None)
    command = load_command_class("ppp", "audit_verify")
    with pytest.raises(SystemExit) as exited:
        command.run_from_argv(["manage.py", "audit_verify"])
    assert exited.value.code == 1
    assert capsys.readouterr().err == (
        f"CommandError: audit chain broken at entry #{edited.sequence} (id {edited.pk}): "
        "content does not match its hash: entry was edited\n"
    )


@pytest.mark.django_db
def test_deleting_a_middle_entry_names_the_next_one():
    entries = append(5)
    removed, following = entries[2], entries[3]
    with as_database_superuser():
        assert raw("DELETE FROM ppp_auditentry WHERE id = %s", (removed.pk,)) == 1
    assert broken_message() == (
        f"audit chain broken at entry #{following.sequence} (id {following.pk}): "
        f"sequence gap: expected #{removed.sequence}; an entry was removed or renumbered"
    )


@pytest.mark.django_db
def test_swapping_two_entries_is_caught_at_the_first_of_them():
    entries = append(5)
    first, second = entries[1], entries[2]
    with as_database_superuser():
        raw("UPDATE ppp_auditentry SET sequence = %s WHERE id = %s", (-1, first.pk))
        raw("UPDATE ppp_auditentry SET sequence = %s WHERE id = %s", (first.sequence, second.pk))
        raw("UPDATE ppp_auditentry SET sequence = %s WHERE id = %s", (second.sequence, first.pk))
    assert broken_message() == (
        f"audit chain broken at entry #{first.sequence} (id {second.pk}): "
        "previous hash does not match: entries removed or reordered"
    )


@pytest.mark.django_db
def test_deleting_the_last_entry_no_longer_matches_the_head():
    entries = append(4)
    last = entries[-1]
    with as_database_superuser():
        assert raw("DELETE FROM ppp_auditentry WHERE id = %s", (last.pk,)) == 1
    assert broken_message() == (
        f"audit chain broken at entry #{last.sequence}: missing: the chain head records #{last.sequence} "
        f"but the log ends at #{last.sequence - 1}; entries were removed from the end"
    )


@pytest.mark.django_db
def test_replacing_the_last_entry_with_a_well_formed_forgery_is_caught_by_the_head():
    entries = append(3)
    last = entries[-1]
    with as_database_superuser():
        raw("DELETE FROM ppp_auditentry WHERE id = %s", (last.pk,))
    forged = AuditEntry(
        sequence=last.sequence,
        created_at=last.created_at,
        actor_label="tester",
        action="test.appended",
        after={"n": "forged"},
        previous_hash=last.previous_hash,
    )
    forged.entry_hash = audit.compute_hash(last.previous_hash, forged)
    forged.save(force_insert=True)
    assert broken_message() == (
        f"audit chain broken at entry #{last.sequence} (id {forged.pk}): "
        "does not match the chain head's hash: the last entry was replaced"
    )


@pytest.mark.django_db
def test_an_entry_inserted_behind_the_services_back_is_caught():
    last = append(2)[-1]
    forged = AuditEntry(
        sequence=last.sequence + 1,
        created_at=last.created_at,
        actor_label="tester",
        action="test.appended",
        after={"n": "forged"},
        previous_hash=last.entry_hash,
    )
    forged.entry_hash = audit.compute_hash(last.entry_hash, forged)
    forged.save(force_insert=True)
    assert broken_message() == (
        f"audit chain broken at entry #{forged.sequence} (id {forged.pk}): "
        f"beyond the chain head (#{last.sequence}): appended without going through the audit log"
    )


@pytest.mark.django_db
def test_a_consistently_rewritten_chain_passes_alone_but_not_against_an_anchor():
    entries = append(4)
    anchor = f"{entries[-1].sequence}:{entries[-1].entry_hash}"
    earlier_anchor = f"{entries[0].sequence}:{entries[0].entry_hash}"
    # The attacker edits entry 2 and recomputes every hash after it, and the head.
    with as_database_superuser():
        set_after_raw(entries[1], {"n": "rewritten"})
        previous_hash = entries[1].previous_hash
        for entry in entries[1:]:
            row = AuditEntry.objects.get(pk=entry.pk)
            row.previous_hash = previous_hash
            new_hash = audit.compute_hash(previous_hash, row)
            raw(
                "UPDATE ppp_auditentry SET previous_hash = %s, entry_hash = %s WHERE id = %s",
                (previous_hash, new_hash, row.pk),
            )
            previous_hash = new_hash
        AuditChainHead.objects.filter(pk=1).update(last_hash=previous_hash)

    assert audit.verify_chain() is None  # the limit of a chain kept in the same database
    assert verify_command("--anchor", earlier_anchor).startswith("audit chain intact")
    assert broken_message("--anchor", earlier_anchor, "--anchor", anchor) == (
        f"audit chain broken at entry #{entries[-1].sequence} (id {entries[-1].pk}): hash {previous_hash} "
        f"differs from the anchored {entries[-1].entry_hash}: the chain was rewritten at or before this entry"
    )


@pytest.mark.django_db
def test_an_anchor_past_the_end_of_the_log_is_caught():
    last = append(1)[-1]
    assert broken_message("--anchor", f"{last.sequence + 7}:{'ab' * 32}") == (
        f"audit chain broken at entry #{last.sequence + 7}: missing: anchored as {'ab' * 32} "
        f"but the log ends at #{last.sequence}"
    )


@pytest.mark.django_db
@pytest.mark.parametrize("anchor", ["12", "12:xyz", "0:" + "a" * 64, "-3:" + "a" * 64, "12:" + "a" * 63])
def test_a_malformed_anchor_is_refused(anchor):
    assert broken_message(f"--anchor={anchor}") == (
        f"--anchor {anchor!r}: expected SEQUENCE:SHA256, e.g. 1042:9f86d08..."
    )


@pytest.mark.django_db
def test_record_in_a_rolled_back_transaction_leaves_no_entry_and_the_head_unchanged():
    append(1)
    count, before = AuditEntry.objects.count(), head()
    with pytest.raises(RuntimeError), transaction.atomic():
        audit.record(actor=None, action="test.rolled_back", after={"n": 1})
        assert AuditEntry.objects.count() == count + 1
        raise RuntimeError("the write being audited failed")
    assert (AuditEntry.objects.count(), head()) == (count, before)
    assert not AuditEntry.objects.filter(action="test.rolled_back").exists()
    assert audit.record(actor=None, action="test.after").sequence == before[0] + 1


# --- append-only in the database ------------------------------------------------------------------


@pytest.mark.django_db
def test_a_queryset_update_is_refused_by_the_database():
    entry = append(1)[0]
    with pytest.raises(DatabaseError, match="audit entries are append-only"), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).update(action="test.forged")
    assert AuditEntry.objects.get(pk=entry.pk).action == "test.appended"
    assert audit.verify_chain() is None


@pytest.mark.django_db
def test_a_raw_update_is_refused_by_the_database():
    entry = append(1)[0]
    with pytest.raises(DatabaseError, match="audit entries are append-only"), transaction.atomic():
        set_after_raw(entry, {"n": "forged"})
    assert AuditEntry.objects.get(pk=entry.pk).after == {"n": 0}


@pytest.mark.django_db
def test_the_model_refuses_save_and_delete_of_an_existing_entry():
    entry = append(1)[0]
    entry.action = "test.forged"
    with pytest.raises(PermissionError, match="append-only"):
        entry.save()
    with pytest.raises(PermissionError, match="append-only"):
        entry.delete()
    assert AuditEntry.objects.get(pk=entry.pk).action == "test.appended"


@pytest.mark.postgres
@pytest.mark.skipif(
    not ON_POSTGRESQL, reason="SQLite has no DELETE trigger: Django empties tables with DELETE"
)
@pytest.mark.django_db
def test_a_queryset_delete_is_refused_by_postgresql():
    entry = append(1)[0]
    with pytest.raises(DatabaseError, match="audit entries are append-only: DELETE"), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).delete()
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


# --- PostgreSQL: concurrent writers, and the command as a process ----------------------------------


@pytest.mark.postgres
@pytest.mark.skipif(not ON_POSTGRESQL, reason="needs PostgreSQL: SQLite has one writer and no row locks")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_appends_form_one_contiguous_chain():
    start, _ = audit.chain_head()
    workers, per_worker = 8, 25
    barrier = threading.Barrier(workers)
    failures: list[BaseException] = []

    def work(worker: int) -> None:
        try:
            barrier.wait(timeout=30)
            for n in range(per_worker):
                audit.record(
                    actor=None,
                    actor_label=f"worker-{worker}",
                    action="test.concurrent",
                    object_type="test.worker",
                    object_id=worker,
                    after={"n": n},
                )
        except BaseException as error:
            failures.append(error)
        finally:
            connections.close_all()  # this thread's own connection

    threads = [threading.Thread(target=work, args=(worker,)) for worker in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert failures == []
    assert not any(thread.is_alive() for thread in threads)

    appended = list(AuditEntry.objects.filter(sequence__gt=start).order_by("sequence"))
    assert [e.sequence for e in appended] == list(range(start + 1, start + 201))
    assert {e.action for e in appended} == {"test.concurrent"}
    for worker in range(workers):
        assert [e.after["n"] for e in appended if e.object_id == str(worker)] == list(range(per_worker))
    assert audit.chain_head() == (start + 200, appended[-1].entry_hash)
    assert audit.verify_chain() is None


def _database_url() -> str:
    db = connection.settings_dict
    credentials = quote(db["USER"]) + (":" + quote(db["PASSWORD"]) if db["PASSWORD"] else "")
    return f"postgres://{credentials}@{db['HOST']}:{db['PORT'] or 5432}/{quote(db['NAME'])}"


def _run_audit_verify() -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": _database_url()}
    return subprocess.run(
        [sys.executable, "manage.py", "audit_verify"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.postgres
@pytest.mark.skipif(not ON_POSTGRESQL, reason="needs PostgreSQL: the SQLite test database lives in memory")
@pytest.mark.django_db(transaction=True)
def test_manage_py_audit_verify_exit_code_as_a_process():
    entries = append(4)
    intact = _run_audit_verify()
    assert (intact.returncode, intact.stderr) == (0, "")
    assert f"head #{entries[-1].sequence} sha256 {entries[-1].entry_hash}" in intact.stdout

    edited = entries[1]
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE ppp_auditentry DISABLE TRIGGER USER")
        try:
            cursor.execute(
                'UPDATE ppp_auditentry SET "after" = CAST(%s AS jsonb) WHERE id = %s',
                ('{"n": "forged"}', edited.pk),
            )
        finally:
            cursor.execute("ALTER TABLE ppp_auditentry ENABLE TRIGGER USER")
    broken = _run_audit_verify()
    assert broken.returncode == 1
    assert broken.stderr == (
        f"CommandError: audit chain broken at entry #{edited.sequence} (id {edited.pk}): "
        "content does not match its hash: entry was edited\n"
    )


@pytest.mark.postgres
@pytest.mark.skipif(not ON_POSTGRESQL, reason="checks the PostgreSQL trigger catalogue")
@pytest.mark.django_db
def test_the_trigger_is_installed_and_enabled_on_postgresql():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgenabled FROM pg_trigger WHERE tgrelid = 'ppp_auditentry'::regclass AND tgname = %s",
            (TRIGGER,),
        )
        assert cursor.fetchall() == [("O",)]


# --- who sees the log -------------------------------------------------------------------------------


@pytest.fixture
def reviewer(db):
    return member(Role.APPROVER)  # an approver in a reviewing body


@pytest.fixture
def reviewing_body_evaluator(db):
    return member(Role.EVALUATOR, OrganisationFactory(kind=OrganisationKind.REVIEWING_BODY))


@pytest.fixture
def role_matrix(administrator, finance_officer, bid_preparer, reviewing_body_evaluator, reviewer):
    return RoleMatrix(
        anonymous=None,
        wrong_role=finance_officer,
        right_role=administrator,
        extra={
            "vendor": bid_preparer,
            "evaluator_in_reviewing_body": reviewing_body_evaluator,
            "reviewer": reviewer,
        },
    )


def get_page(client: Client, query: str = ""):
    return client.get(f"/audit/{query}", HTTP_ACCEPT_LANGUAGE="en")


def get_api(client: Client, query: str = ""):
    return client.get(f"/api/v1/audit{query}", HTTP_ACCEPT_LANGUAGE="en")


@pytest.mark.django_db
def test_audit_page_is_for_administrators_and_reviewers(role_matrix):
    append(3)
    denied = {"anonymous": 302, "wrong_role": 403, "vendor": 403, "evaluator_in_reviewing_body": 403}
    role_matrix.check(get_page, denied=denied)

    assert get_page(client_for(None))["Location"] == "/login/?next=/audit/"
    forbidden = get_page(client_for(role_matrix.wrong_role))
    assert forbidden.content.decode() == "Only administrators and reviewers read the audit log."

    for allowed in ("right_role", "reviewer"):
        client = client_for(role_matrix.actors()[allowed])
        expected = list(AuditEntry.objects.order_by("-sequence").values_list("sequence", flat=True))
        response = get_page(client)
        assert response.status_code == 200, allowed
        page = response.context["page"]
        assert page.paginator.count == len(expected)
        assert [entry.sequence for entry in page] == expected[:50]


@pytest.mark.django_db
def test_audit_api_is_for_administrators_and_reviewers(role_matrix):
    append(3)
    denied = {"anonymous": 401, "wrong_role": 403, "vendor": 403, "evaluator_in_reviewing_body": 403}
    role_matrix.check(get_api, denied=denied)

    assert get_api(client_for(None)).json()["code"] == "auth.unauthenticated"
    for refused in (role_matrix.wrong_role, role_matrix.extra["vendor"]):
        assert get_api(client_for(refused)).json() == {
            "code": "audit.forbidden",
            "message": "Only administrators and reviewers read the audit log.",
            "fields": {},
        }

    for allowed in ("right_role", "reviewer"):
        client = client_for(role_matrix.actors()[allowed])
        latest = AuditEntry.objects.order_by("-sequence").first()
        response = get_api(client)
        assert response.status_code == 200, allowed
        body = response.json()
        assert body["count"] == AuditEntry.objects.count()
        # No sequence numbers or hashes: sealed entries are hidden, and a gap would show them.
        assert body["items"][0] == {
            # Milliseconds only (ninja's JSON encoder), although the hash covers microseconds.
            "created_at": latest.created_at.astimezone(dt.UTC).isoformat(timespec="milliseconds")[:-6] + "Z",
            "actor_label": latest.actor_label,
            "organisation_id": latest.organisation_id,
            "action": latest.action,
            "object_type": latest.object_type,
            "object_id": latest.object_id,
            "before": latest.before,
            "after": latest.after,
        }


@pytest.mark.django_db
def test_filter_by_object_returns_only_that_objects_entries(administrator):
    watched, other = OrganisationFactory(), OrganisationFactory()
    mine = append(3, obj=watched)
    append(2, obj=other)
    client = client_for(administrator)
    query = f"?object_type=ppp.organisation&object_id={watched.pk}"

    body = get_api(client, query).json()
    assert body["count"] == 3
    assert [item["after"] for item in body["items"]] == [e.after for e in reversed(mine)]
    assert {item["object_id"] for item in body["items"]} == {str(watched.pk)}

    page = get_page(client, query).context["page"]
    assert page.paginator.count == 3
    assert [entry.sequence for entry in page] == [e.sequence for e in reversed(mine)]


@pytest.mark.django_db
def test_audit_api_query_count_does_not_grow_with_entries(administrator):
    client = client_for(administrator)
    append(3, action="test.listed")
    with CaptureQueriesContext(connection) as few:
        assert get_api(client, "?action=test.listed").json()["count"] == 3
    append(27, action="test.listed")
    with CaptureQueriesContext(connection) as many:
        assert get_api(client, "?action=test.listed").json()["count"] == 30
    assert len(many) == len(few)


@pytest.mark.django_db
def test_logins_and_failed_logins_are_audited_and_listed(administrator):
    person = UserFactory()
    start, _ = head()

    failed = Client().post("/login/", {"username": "ghost", "password": "wrong"}, HTTP_ACCEPT_LANGUAGE="en")
    assert failed.status_code == 200
    signed_in = Client().post("/login/", {"username": person.username, "password": PASSWORD})
    assert (signed_in.status_code, signed_in["Location"]) == (302, "/")

    written = list(
        AuditEntry.objects.filter(sequence__gt=start)
        .order_by("sequence")
        .values_list("action", "actor_id", "actor_label", "object_type", "object_id", "after")
    )
    assert written == [
        ("auth.login_failed", None, "ghost", "ppp.user", "", {"username": "ghost", "address": "127.0.0.1"}),
        ("auth.login", person.pk, person.username, "ppp.user", str(person.pk), {"address": "127.0.0.1"}),
    ]

    # The administrator's own sign-in (force_login) is audited too, and comes first: newest first.
    body = get_api(client_for(administrator), "?action=auth.").json()
    listed = [(item["action"], item["actor_label"]) for item in body["items"]]
    assert listed[:3] == [
        ("auth.login", administrator.username),
        ("auth.login", person.username),
        ("auth.login_failed", "ghost"),
    ]
