"""Make the audit log append-only in the database too, not only in AuditEntry.save()/delete().

PostgreSQL: a row trigger refuses UPDATE and DELETE on ppp_auditentry, whoever sends them (a queryset
.update(), raw SQL, a psql session). TRUNCATE is left alone on purpose: `manage.py flush` and the
transactional tests empty tables with it, and removing entries is what the hash chain and the chain
head are there to detect. A database superuser can still switch the trigger off
(session_replication_role = replica, ALTER TABLE ... DISABLE TRIGGER); `manage.py audit_verify`
is what catches that.

SQLite (development and tests): UPDATE only. Django empties SQLite tables with DELETE between
transactional tests, so a DELETE trigger there would break them. Note that SQLite drops a table's
triggers when Django rebuilds the table for a later AlterField on AuditEntry; such a migration must
create the trigger again (tests/ppp/test_audit.py checks that an update is refused).
"""

from django.db import migrations

TRIGGER = "ppp_auditentry_append_only"
FUNCTION = "ppp_auditentry_refuse_change"

POSTGRESQL_FORWARDS = [
    f"""
    CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $body$
    BEGIN
        RAISE EXCEPTION USING
            MESSAGE = 'audit entries are append-only: ' || TG_OP || ' on ppp_auditentry refused',
            HINT = 'Entries are written once by ppp.audit.record; corrections are new entries.';
    END;
    $body$
    """,
    f"DROP TRIGGER IF EXISTS {TRIGGER} ON ppp_auditentry",
    f"""
    CREATE TRIGGER {TRIGGER} BEFORE UPDATE OR DELETE ON ppp_auditentry
    FOR EACH ROW EXECUTE FUNCTION {FUNCTION}()
    """,
]
POSTGRESQL_BACKWARDS = [
    f"DROP TRIGGER IF EXISTS {TRIGGER} ON ppp_auditentry",
    f"DROP FUNCTION IF EXISTS {FUNCTION}()",
]
SQLITE_FORWARDS = [
    f"DROP TRIGGER IF EXISTS {TRIGGER}",
    f"""
    CREATE TRIGGER {TRIGGER} BEFORE UPDATE ON ppp_auditentry
    BEGIN
        SELECT RAISE(ABORT, 'audit entries are append-only: UPDATE on ppp_auditentry refused');
    END
    """,
]
SQLITE_BACKWARDS = [f"DROP TRIGGER IF EXISTS {TRIGGER}"]


def _run(schema_editor, statements_by_vendor):
    for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
        # params=None: the SQL is sent as is, so no placeholder parsing of its text.
        schema_editor.execute(statement, params=None)


def forwards(apps, schema_editor):
    _run(schema_editor, {"postgresql": POSTGRESQL_FORWARDS, "sqlite": SQLITE_FORWARDS})


def backwards(apps, schema_editor):
    _run(schema_editor, {"postgresql": POSTGRESQL_BACKWARDS, "sqlite": SQLITE_BACKWARDS})


class Migration(migrations.Migration):
    dependencies = [("ppp", "0002_seed_rule_book_and_chain")]

    operations = [migrations.RunPython(forwards, backwards)]
