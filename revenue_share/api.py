"""API operations of the revenue share app, mounted by ppp/api.py under /revenue-share: the catalogue
of digital public services with their dated tariffs, and the actuals of a contract (uploads, months
and services, KPI measurements, availability failures)."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from ppp import money
from ppp.errors import ValidationFailed
from ppp.models import User
from ppp.pagination import Pagination
from ppp.schemas import ErrorOut
from revenue_share import selectors, services
from revenue_share.models import (
    ActualsUpload,
    AvailabilityFailure,
    KpiMeasurement,
    PeriodActual,
    Service,
    UploadStatus,
)

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
        return money.plain_text(obj.amount)

    @staticmethod
    def resolve_vat_rate(obj: Any) -> str:
        return money.plain_text(obj.vat_rate)


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
    return selectors.service_get(code=code)


# --- actuals ---------------------------------------------------------------------------------------

ACTUALS_ERRORS: dict[int, Any] = {**ERRORS, 403: ErrorOut, 409: ErrorOut}


def _money(value: Decimal, currency: str) -> str:
    return str(money.quantize(value, currency))


class UploadJobOut(Schema):
    id: uuid.UUID
    status: str
    done: int
    total: int
    percent: int
    message: str


class ProblemOut(Schema):
    row: int | None
    column: str
    message: str


class UploadOut(Schema):
    id: int
    contract_id: int
    kind: str
    file_name: str
    size: int
    sha256: str
    idempotency_key: str
    replace: bool
    rows: int
    status: str
    error_count: int
    summary: dict[str, Any]
    uploaded_by: str
    uploaded_at: dt.datetime
    finished_at: dt.datetime | None
    job: UploadJobOut | None

    @staticmethod
    def resolve_uploaded_by(obj: ActualsUpload) -> str:
        return obj.uploaded_by.get_username()


class UploadDetailOut(UploadOut):
    errors: list[ProblemOut]


class PeriodActualOut(Schema):
    period: str
    service_code: str
    valid_volume: int
    gross_collections: str
    refunds: str
    gateway_fees: str
    vat: str
    currency: str
    upload_id: int

    @staticmethod
    def resolve_period(obj: PeriodActual) -> str:
        return f"{obj.period:%Y-%m}"

    @staticmethod
    def resolve_service_code(obj: PeriodActual) -> str:
        return obj.service.code

    @staticmethod
    def resolve_gross_collections(obj: PeriodActual) -> str:
        return _money(obj.gross_collections, obj.currency)

    @staticmethod
    def resolve_refunds(obj: PeriodActual) -> str:
        return _money(obj.refunds, obj.currency)

    @staticmethod
    def resolve_gateway_fees(obj: PeriodActual) -> str:
        return _money(obj.gateway_fees, obj.currency)

    @staticmethod
    def resolve_vat(obj: PeriodActual) -> str:
        return _money(obj.vat, obj.currency)


class KpiMeasurementOut(Schema):
    period: str
    code: str
    value: str
    upload_id: int

    @staticmethod
    def resolve_period(obj: KpiMeasurement) -> str:
        return f"{obj.period:%Y-%m}"

    @staticmethod
    def resolve_value(obj: KpiMeasurement) -> str:
        return money.plain_text(obj.value)


class AvailabilityFailureOut(Schema):
    period: str
    area: str
    weighting: str
    missed_periods: str
    still_used: bool
    ratchet: str
    reference: str
    upload_id: int

    @staticmethod
    def resolve_period(obj: AvailabilityFailure) -> str:
        return f"{obj.period:%Y-%m}"

    @staticmethod
    def resolve_weighting(obj: AvailabilityFailure) -> str:
        return money.plain_text(obj.weighting)

    @staticmethod
    def resolve_missed_periods(obj: AvailabilityFailure) -> str:
        return money.plain_text(obj.missed_periods)

    @staticmethod
    def resolve_ratchet(obj: AvailabilityFailure) -> str:
        return money.plain_text(obj.ratchet)


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


@router.post(
    "/contracts/{contract_id}/actuals",
    response={200: UploadDetailOut, 201: UploadDetailOut, 202: UploadDetailOut, **ACTUALS_ERRORS},
    summary="Upload a contract's actuals: all or nothing",
    description="Multipart `file` with `kind` (`volumes`: CSV or .xlsx with period, service_code, "
    "valid_volume, gross_collections, refunds, gateway_fees, vat, currency; `transactions`: a CSV log "
    "with transaction_id, timestamp, service_code, amount, status; `kpis`: period, kpi_code, value; "
    "`failures`, for a contract with an availability payment: period, area, weighting, missed_periods, "
    "still_used, ratchet and an optional reference), an "
    "optional `idempotency_key` (or the Idempotency-Key header) and `replace`. 201: imported; 202: a "
    "large file, imported by the background job in `job`; 200: this file or key was uploaded before, "
    "nothing is imported again. A refused file is a 400 naming every problem by row and column "
    "(`rows[3].service_code`; row 1 is the header), at most 1,000 of them, then `more_errors`.",
)
def actuals_upload(
    request: HttpRequest,
    contract_id: int,
    file: UploadedFile | None = File(None),  # noqa: B008
    kind: str = Form("", max_length=20),
    idempotency_key: str = Form("", max_length=100),
    replace: bool = Form(False),
) -> Status[ActualsUpload]:
    user = _user(request)
    contract = selectors.actuals_contract_get_for(user=user, pk=contract_id)
    if file is None:
        raise ValidationFailed("actuals.invalid", _("Attach the file."), {"file": _("Field required")})
    upload, created = services.actuals_upload(
        actor=user,
        contract=contract,
        file=file,
        kind=kind,
        idempotency_key=idempotency_key or request.headers.get("Idempotency-Key", ""),
        replace=replace,
    )
    status = 200 if not created else 202 if upload.status == UploadStatus.PENDING else 201
    return Status(status, upload)


@router.get(
    "/contracts/{contract_id}/actuals",
    response={200: list[UploadOut], **ACTUALS_ERRORS},
    summary="The uploads of a contract's actuals, newest first (both parties and the reviewers)",
)
@paginate(Pagination)
def actuals_upload_list(request: HttpRequest, contract_id: int) -> Any:
    user = _user(request)
    contract = selectors.actuals_contract_get_for(user=user, pk=contract_id)
    return selectors.actuals_upload_list_for(user=user, contract=contract)


@router.get(
    "/contracts/{contract_id}/actuals/periods",
    response={200: list[PeriodActualOut], **ACTUALS_ERRORS},
    summary="The imported actuals per month and service, oldest month first",
)
def period_actual_list(request: HttpRequest, contract_id: int) -> list[PeriodActual]:
    user = _user(request)
    contract = selectors.actuals_contract_get_for(user=user, pk=contract_id)
    return list(selectors.period_actual_list_for(user=user, contract=contract))


@router.get(
    "/contracts/{contract_id}/actuals/kpis",
    response={200: list[KpiMeasurementOut], **ACTUALS_ERRORS},
    summary="The imported KPI measurements, oldest month first",
)
def kpi_measurement_list(request: HttpRequest, contract_id: int) -> list[KpiMeasurement]:
    user = _user(request)
    contract = selectors.actuals_contract_get_for(user=user, pk=contract_id)
    return list(selectors.kpi_measurement_list_for(user=user, contract=contract))


@router.get(
    "/contracts/{contract_id}/actuals/failures",
    response={200: list[AvailabilityFailureOut], **ACTUALS_ERRORS},
    summary="The imported availability failures, oldest month first, then by area and reference",
)
def availability_failure_list(request: HttpRequest, contract_id: int) -> list[AvailabilityFailure]:
    user = _user(request)
    contract = selectors.actuals_contract_get_for(user=user, pk=contract_id)
    return list(selectors.availability_failure_list_for(user=user, contract=contract))


@router.get(
    "/uploads/{upload_id}",
    response={200: UploadDetailOut, **ACTUALS_ERRORS},
    summary="One upload of actuals: its status, what it imported, and every error of a refused one",
)
def actuals_upload_get(request: HttpRequest, upload_id: int) -> ActualsUpload:
    return selectors.actuals_upload_get_for(user=_user(request), pk=upload_id)
