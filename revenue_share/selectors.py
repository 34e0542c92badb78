"""Reads of the revenue share app. The catalogue of services and their tariffs is public reference
data: every signed-in person may read it."""

from __future__ import annotations

import datetime as dt

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from ppp.errors import NotFound
from revenue_share.models import Service, Tariff


def tariffs_on(day: dt.date) -> Q:
    return Q(valid_from__lte=day) & (Q(valid_to__isnull=True) | Q(valid_to__gte=day))


def service_list(*, on: dt.date | None = None, sector: str = "") -> QuerySet[Service]:
    """The active services, each with `current_tariffs` (the tariff in force on `on`, at most one)."""
    day = on or dt.date.today()
    services = Service.objects.filter(active=True)
    if sector:
        services = services.filter(sector=sector)
    return services.prefetch_related(
        Prefetch("tariffs", queryset=Tariff.objects.filter(tariffs_on(day)), to_attr="current_tariffs")
    ).order_by("code")


def service_get(*, code: str) -> Service:
    service = Service.objects.prefetch_related("tariffs").filter(code=code).first()
    if service is None:
        raise NotFound("service.not_found", _("Service not found."))
    return service


def tariff_map(*, codes: list[str], on: dt.date) -> dict[str, Tariff]:
    """The tariff in force on a day for each service code (codes without one are left out)."""
    rows = Tariff.objects.select_related("service").filter(tariffs_on(on), service__code__in=codes)
    return {row.service.code: row for row in rows}
