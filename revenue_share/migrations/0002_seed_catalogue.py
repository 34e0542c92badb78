from django.db import migrations


def load(apps, schema_editor):
    from revenue_share.catalogue_seed import ensure_loaded

    ensure_loaded(apps.get_model("revenue_share", "Service"), apps.get_model("revenue_share", "Tariff"))


class Migration(migrations.Migration):
    dependencies = [("revenue_share", "0001_catalogue")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
