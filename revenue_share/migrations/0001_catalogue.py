import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies: list[tuple[str, str]] = []

    operations = [
        migrations.CreateModel(
            name="Service",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("code", models.CharField(max_length=30, unique=True, verbose_name="code")),
                ("name", models.CharField(max_length=300, verbose_name="name")),
                ("name_en", models.CharField(max_length=300, verbose_name="name in English")),
                ("unit", models.CharField(max_length=50, verbose_name="unit")),
                ("unit_en", models.CharField(max_length=50, verbose_name="unit in English")),
                ("sector", models.CharField(max_length=100, verbose_name="sector")),
                ("sector_en", models.CharField(max_length=100, verbose_name="sector in English")),
                ("active", models.BooleanField(default=True)),
            ],
            options={"ordering": ["code"]},
        ),
        migrations.CreateModel(
            name="Tariff",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("amount", models.DecimalField(decimal_places=4, max_digits=20, verbose_name="amount per transaction")),
                ("currency", models.CharField(default="VND", max_length=3)),
                ("vat_rate", models.DecimalField(decimal_places=6, default=0, max_digits=7, verbose_name="VAT rate")),
                ("valid_from", models.DateField(verbose_name="valid from")),
                ("valid_to", models.DateField(blank=True, null=True, verbose_name="valid to")),
                ("basis", models.CharField(max_length=300, verbose_name="basis")),
                (
                    "service",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="tariffs",
                        to="revenue_share.service",
                    ),
                ),
            ],
            options={
                "ordering": ["service__code", "valid_from"],
                "constraints": [
                    models.UniqueConstraint(fields=("service", "valid_from"), name="tariff_one_per_start"),
                    models.CheckConstraint(
                        condition=models.Q(("valid_to__isnull", True), ("valid_to__gte", models.F("valid_from")),
                                           _connector="OR"),
                        name="tariff_valid_range",
                    ),
                    models.CheckConstraint(condition=models.Q(("amount__gte", 0)), name="tariff_not_negative"),
                ],
            },
        ),
    ]
