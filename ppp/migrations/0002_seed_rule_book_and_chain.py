"""Start the audit chain, create the database cache table and load the shipped rule book."""

from django.core.management import call_command
from django.db import migrations


def forwards(apps, schema_editor):
    from ppp.rulebook_seed import ensure_loaded

    ensure_loaded(apps.get_model("ppp", "RuleSet"), apps.get_model("ppp", "AuditChainHead"))
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


def backwards(apps, schema_editor):
    apps.get_model("ppp", "RuleSet").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("ppp", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
