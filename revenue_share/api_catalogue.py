"""API operations of the service catalogue (a Router mounted beside revenue_share.api under
/revenue-share): recording a tariff change of a service, a new dated row. Amounts and rates travel as
strings."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status

from ppp import money
from ppp.models import User
from ppp.schemas import ErrorOut, InSchema
from revenue_share import selectors
from revenue_share.models import Tariff
from revenue_share.services import catalogue as services

router = Router(tags=["revenue_share"])
ERRORS: dict[int, Any] = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}


class TariffChangeIn(InSchema):
    amount: str  # per transaction, excluding VAT, in the currency of the service's latest tariff
    vat_rate: str  # a fraction: "0.1" for 10 %
    valid_from: str  # YYYY-MM-DD, after the start of the service's latest tariff
    basis: str  # the regulation that sets the tariff


class TariffChangedOut(Schema):
    id: int
    service: str  # the service's code
    amount: str
    vat_rate: str
    currency: str
    valid_from: dt.date
    valid_to: dt.date | None
    basis: str

    @staticmethod
    def resolve_service(obj: Tariff) -> str:
        return obj.service.code

    @staticmethod
    def resolve_amount(obj: Tariff) -> str:
        return money.plain_text(obj.amount)

    @staticmethod
    def resolve_vat_rate(obj: Tariff) -> str:
        return money.plain_text(obj.vat_rate)


@router.post(
    "/services/{code}/tariffs",
    response={201: TariffChangedOut, **ERRORS},
    summary="Record a tariff change of a service (platform administrators)",
    description="A new dated row from `valid_from`, which must be after the start of the service's "
    "latest tariff (history is never rewritten, 400 otherwise); the tariff in force on that date ends "
    "the day before. `amount` has at most the currency's minor-unit decimals (none for VND); `vat_rate` "
    "is a fraction from 0 to 1. A service no longer offered is a 409.",
)
def tariff_change(request: HttpRequest, code: str, payload: TariffChangeIn) -> Status[Tariff]:
    user: User = request.user  # type: ignore[assignment]
    service = selectors.service_get(code=code)
    tariff = services.tariff_change(
        actor=user,
        service=service,
        amount=payload.amount,
        vat_rate=payload.vat_rate,
        valid_from=payload.valid_from,
        basis=payload.basis,
    )
    return Status(201, tariff)
