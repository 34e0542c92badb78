"""Reads of the revenue share app. The catalogue of services and their tariffs is public reference
data: every signed-in person may read it. A contract's actuals are read by whoever may see the
contract (both parties and the agency's reviewers)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from contracts.models import Contract, MechanismKind
from contracts.selectors import contract_get_for, contract_list_for
from ppp.errors import NotFound
from ppp.models import User
from revenue_share.models import (
    ActualsUpload,
    AvailabilityFailure,
    KpiMeasurement,
    PeriodActual,
    Service,
    Tariff,
)


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


def service_get(*, code: str, on: dt.date | None = None) -> Service:
    """One service with all its tariffs and, as `current_tariffs`, the one in force on `on` (today)."""
    day = on or dt.date.today()
    service = (
        Service.objects.prefetch_related(
            "tariffs",
            Prefetch("tariffs", queryset=Tariff.objects.filter(tariffs_on(day)), to_attr="current_tariffs"),
        )
        .filter(code=code)
        .first()
    )
    if service is None:
        raise NotFound("service.not_found", _("Service not found."))
    return service


def tariff_map(*, codes: list[str], on: dt.date) -> dict[str, Tariff]:
    """The tariff in force on a day for each service code (codes without one are left out)."""
    rows = Tariff.objects.select_related("service").filter(tariffs_on(on), service__code__in=codes)
    return {row.service.code: row for row in rows}


# --- actuals ---------------------------------------------------------------------------------------
# Both parties of a contract and the agency's reviewers read its actuals: exactly the people the
# contract selector lets see the contract, so a contract comes from `actuals_contract_get_for` and
# every list below is narrowed to it. Anybody else gets the contract's 404.


def actuals_contract_get_for(*, user: User, pk: int) -> Contract:
    return contract_get_for(user=user, pk=pk)


def actuals_upload_list_for(*, user: User, contract: Contract) -> QuerySet[ActualsUpload]:
    """The contract's uploads, newest first (`contract` came from actuals_contract_get_for)."""
    return (
        ActualsUpload.objects.filter(contract=contract)
        .select_related("uploaded_by", "job")
        .order_by("-uploaded_at", "-pk")
    )


def actuals_upload_get_for(*, user: User, pk: int) -> ActualsUpload:
    visible = contract_list_for(user=user).values("pk")
    upload = (
        ActualsUpload.objects.select_related("contract", "uploaded_by", "job")
        .filter(pk=pk, contract__in=visible)
        .first()
    )
    if upload is None:
        raise NotFound("actuals.upload_not_found", _("Upload not found."))
    return upload


def period_actual_list_for(*, user: User, contract: Contract) -> QuerySet[PeriodActual]:
    """Every month and service imported for the contract, oldest month first, then by service code."""
    return (
        PeriodActual.objects.filter(contract=contract)
        .select_related("service")
        .order_by("period", "service__code")
    )


def kpi_measurement_list_for(*, user: User, contract: Contract) -> QuerySet[KpiMeasurement]:
    return KpiMeasurement.objects.filter(contract=contract).order_by("period", "code")


def availability_failure_list_for(*, user: User, contract: Contract) -> QuerySet[AvailabilityFailure]:
    """Every availability failure imported for the contract, oldest month first, then by area and
    reference."""
    return AvailabilityFailure.objects.filter(contract=contract).order_by("period", "area", "reference")


@dataclass(frozen=True)
class PivotMonth:
    period: dt.date
    cells: tuple[PeriodActual | None, ...]  # one per service column
    valid_volume: int
    gross_collections: Decimal


@dataclass(frozen=True)
class ActualsPivot:
    """Months down, services across: each cell is one PeriodActual (or None), with totals of the
    valid volume and gross collections per month (right) and per service (bottom)."""

    services: tuple[Service, ...]
    months: tuple[PivotMonth, ...]
    service_volumes: tuple[int, ...]
    service_collections: tuple[Decimal, ...]
    valid_volume: int
    gross_collections: Decimal


def period_actual_pivot_for(*, user: User, contract: Contract) -> ActualsPivot:
    rows = list(period_actual_list_for(user=user, contract=contract))
    services = tuple(sorted({row.service_id: row.service for row in rows}.values(), key=lambda s: s.code))
    column = {service.pk: index for index, service in enumerate(services)}
    by_month: dict[dt.date, list[PeriodActual | None]] = {}
    for row in rows:
        by_month.setdefault(row.period, [None] * len(services))[column[row.service_id]] = row
    months = tuple(
        PivotMonth(
            period=period,
            cells=tuple(cells),
            valid_volume=sum(cell.valid_volume for cell in cells if cell is not None),
            gross_collections=sum((cell.gross_collections for cell in cells if cell is not None), Decimal(0)),
        )
        for period, cells in sorted(by_month.items())
    )
    volumes = tuple(sum(r.valid_volume for r in rows if r.service_id == s.pk) for s in services)
    collections = tuple(
        sum((r.gross_collections for r in rows if r.service_id == s.pk), Decimal(0)) for s in services
    )
    return ActualsPivot(
        services=services,
        months=months,
        service_volumes=volumes,
        service_collections=collections,
        valid_volume=sum(volumes),
        gross_collections=sum(collections, Decimal(0)),
    )


def has_availability_payment(*, contract: Contract) -> bool:
    """Whether the contract pays for availability (so it has availability failures to import)."""
    return contract.mechanisms.filter(kind=MechanismKind.AVAILABILITY).exists()
