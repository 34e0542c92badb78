"""Tables of the revenue share app: the catalogue of digital public services and their dated tariffs
(settlements, actuals and forecasts build on these)."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

MONEY: dict[str, Any] = {"max_digits": 20, "decimal_places": 4}


class Service(models.Model):
    """A digital public service whose transactions are counted and charged (birth registration,
    business registration, tax filing...), named in Vietnamese and English."""

    code = models.CharField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=300)
    name_en = models.CharField(_("name in English"), max_length=300)
    unit = models.CharField(_("unit"), max_length=50)  # "hồ sơ", "giao dịch"
    unit_en = models.CharField(_("unit in English"), max_length=50)
    sector = models.CharField(_("sector"), max_length=100)
    sector_en = models.CharField(_("sector in English"), max_length=100)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Tariff(models.Model):
    """What one transaction of a service is charged from a date (excluding VAT); a change of tariff is
    a new row, so a past period is always settled at the tariff it had."""

    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="tariffs")
    amount = models.DecimalField(_("amount per transaction"), **MONEY)
    currency = models.CharField(max_length=3, default="VND")
    vat_rate = models.DecimalField(_("VAT rate"), max_digits=7, decimal_places=6, default=0)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    basis = models.CharField(_("basis"), max_length=300)

    class Meta:
        ordering = ["service__code", "valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["service", "valid_from"], name="tariff_one_per_start"),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="tariff_valid_range",
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="tariff_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.service.code} {self.amount} {self.currency} from {self.valid_from}"
