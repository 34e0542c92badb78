"""API operations of the revenue share app, mounted by ppp/api.py under /revenue-share: the catalogue
of digital public services with their dated tariffs."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema

from ppp.schemas import ErrorOut
from revenue_share import selectors
from revenue_share.models import Service

router = Router(tags=["revenue_share"])
ERRORS: dict[int, Any] = {400: ErrorOut, 401: ErrorOut, 404: ErrorOut}


class TariffOut(Schema):
    amount: str
    currency: str
    vat_rate: str
    valid_from: dt.date
    valid_to: dt.date | None
    basis: str

    @staticmethod
    def resolve_amount(obj: Any) -> str:
        return format(obj.amount.normalize(), "f")

    @staticmethod
    def resolve_vat_rate(obj: Any) -> str:
        return format(obj.vat_rate.normalize(), "f")


class ServiceOut(Schema):
    code: str
    name: str
    name_en: str
    unit: str
    unit_en: str
    sector: str
    sector_en: str
    tariff: TariffOut | None

    @staticmethod
    def resolve_tariff(obj: Service) -> Any:
        current = getattr(obj, "current_tariffs", None)
        return current[0] if current else None


class ServiceDetailOut(ServiceOut):
    tariffs: list[TariffOut]

    @staticmethod
    def resolve_tariffs(obj: Service) -> list[Any]:
        return list(obj.tariffs.all())


@router.get(
    "/services",
    response={200: list[ServiceOut], **ERRORS},
    summary="The digital public services with the tariff in force on a day (today by default)",
)
def service_list(request: HttpRequest, on: dt.date | None = Query(None)) -> list[Service]:  # noqa: B008
    return list(selectors.service_list(on=on))


@router.get(
    "/services/{code}",
    response={200: ServiceDetailOut, **ERRORS},
    summary="One service with every tariff it has had, oldest first",
)
def service_get(request: HttpRequest, code: str) -> Service:
    service = selectors.service_get(code=code)
    service.current_tariffs = [  # type: ignore[attr-defined]
        t for t in service.tariffs.all() if t.valid_from <= dt.date.today() and (t.valid_to is None or
                                                                               t.valid_to >= dt.date.today())
    ]  # fmt: skip
    return service
