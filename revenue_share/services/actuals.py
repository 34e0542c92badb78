"""The upload of a contract's actuals: who may, the checks of the request and the file, the
never-twice rule, the import at once of a small file and the hand-over of a large one to the job.
The writes both paths share are in actuals_writes.py.
The rules are in the package's docstring (revenue_share/services/__init__.py)."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
from collections.abc import Callable
from typing import IO, Any, Protocol

from django.conf import settings
from django.core.files.base import ContentFile, File
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from contracts import permissions as contract_permissions
from contracts.models import Contract, ContractStatus, MechanismKind
from ppp import jobs, money
from ppp.errors import Conflict, PermissionDenied, ValidationFailed
from ppp.fields import Errors
from ppp.models import Role, User
from revenue_share import imports
from revenue_share.imports import ImportContext, TariffTerm
from revenue_share.models import (
    LIVE_UPLOAD_STATUSES,
    ActualsKind,
    ActualsUpload,
    AvailabilityFailure,
    KpiMeasurement,
    PeriodActual,
    Service,
    Tariff,
    UploadStatus,
)

from .actuals_writes import record, write

JOB_KIND = "revenue_share.import"
BACKGROUND_BYTES = 5 * 1024 * 1024
OPERATING = frozenset({ContractStatus.ACTIVE, ContractStatus.COMPLETED, ContractStatus.TERMINATED})


class UploadedFile(Protocol):
    name: str | None
    size: int | None

    def read(self, size: int = ..., /) -> bytes: ...
    def seek(self, offset: int, whence: int = ..., /) -> int: ...
    def chunks(self, chunk_size: int | None = None) -> Any: ...


def can_upload_actuals(user: Any, contract: Contract) -> bool:
    """The agency's finance officers, and the vendor's bid preparers and signatories, of this contract."""
    return (
        contract_permissions.can_prepare_contract(user, contract)
        or contract.vendor_id in contract_permissions.vendor_ids(user, Role.BID_PREPARER)
        or contract.vendor_id in contract_permissions.vendor_ids(user, Role.SIGNATORY)
    )


def actuals_upload(
    *,
    actor: User,
    contract: Contract,
    file: UploadedFile,
    kind: str,
    idempotency_key: str = "",
    replace: bool = False,
) -> tuple[ActualsUpload, bool]:
    """Import (or start importing) a file of actuals; returns (upload, created). `created` is False
    when the same file or idempotency key was seen before: that upload is returned untouched."""
    if not can_upload_actuals(actor, contract):
        raise PermissionDenied(
            "actuals.forbidden",
            _("Only the agency's finance officers and the provider's people upload a contract's actuals."),
        )
    key = _checked_request(kind, idempotency_key)
    _check_contract(contract)
    _check_kind_fits(contract, kind)
    name = os.path.basename(file.name or "")[:255] or "actuals"
    size = int(file.size or 0)
    imports.check_size(kind, size)
    file.seek(0)
    file_format = imports.file_format(kind, name, file.read(4096))
    digest = _sha256(file)
    with transaction.atomic():
        lock(contract)
        existing = _existing(contract, kind, digest, key)
        if existing is not None:
            return existing, False
        upload = ActualsUpload(
            contract=contract,
            kind=kind,
            file_name=name,
            size=size,
            sha256=digest,
            idempotency_key=key,
            replace=replace,
            uploaded_by=actor,
        )
        if size > BACKGROUND_BYTES:
            return _queue(upload, file, actor, file_format), True
        file.seek(0)
        data = file.read()
        context = import_context(contract, kind, replace=replace)
        parsed = parse(kind, data, file_format, size, context, progress=None)
        upload.status = UploadStatus.IMPORTED
        upload.rows = parsed.rows
        upload.finished_at = timezone.now()
        _save(upload, ContentFile(data), file_format)
        try:
            write(upload, parsed)
        except BaseException:
            upload.file.delete(save=False)
            raise
    return upload, True


def _checked_request(kind: str, idempotency_key: str) -> str:
    errors = Errors()
    if kind not in ActualsKind.values:
        errors.add("kind", _("choose volumes, transactions, kpis or failures"))
    key = (idempotency_key or "").strip()
    if len(key) > 100 or not key.isprintable():
        errors.add("idempotency_key", _("at most 100 printable characters"))
    errors.raise_if_any("actuals.invalid_request", _("The upload is not valid; nothing was imported."))
    return key


def _check_contract(contract: Contract) -> None:
    if contract.status not in OPERATING:
        raise Conflict(
            "actuals.contract_not_operating",
            _("Actuals are reported for an active contract (this one is %(status)s).")
            % {"status": contract.get_status_display()},
        )
    if contract.start_date is None or contract.end_date is None:
        raise Conflict("actuals.contract_without_term", _("The contract has no start and end dates yet."))


def _check_kind_fits(contract: Contract, kind: str) -> None:
    """Availability failures are deducted from an availability payment: without one they are refused."""
    if kind != ActualsKind.FAILURES:
        return
    if not contract.mechanisms.filter(kind=MechanismKind.AVAILABILITY).exists():
        message = _("The contract has no availability payment, so it has no availability failures.")
        raise ValidationFailed(
            "actuals.no_availability_payment",
            message,
            {"kind": _("failures only for a contract with an availability payment")},
        )


def _sha256(file: UploadedFile) -> str:
    digest = hashlib.sha256()
    file.seek(0)
    for chunk in file.chunks():
        digest.update(chunk)
    return digest.hexdigest()


def lock(contract: Contract) -> None:
    """Imports of one contract's actuals run one at a time (on databases that lock rows)."""
    Contract.objects.select_for_update().filter(pk=contract.pk).values_list("pk", flat=True).first()


def _existing(contract: Contract, kind: str, digest: str, key: str) -> ActualsUpload | None:
    uploads = ActualsUpload.objects.select_related("job", "uploaded_by").filter(contract=contract)
    if key:
        same_key = uploads.filter(idempotency_key=key).first()
        if same_key is not None:
            if same_key.sha256 != digest or same_key.kind != kind:
                raise Conflict(
                    "actuals.idempotency_key_reused",
                    _("This idempotency key was used for another file."),
                    {"idempotency_key": _("already used for %(name)s") % {"name": same_key.file_name}},
                )
            return same_key
    return uploads.filter(kind=kind, sha256=digest, status__in=LIVE_UPLOAD_STATUSES).first()


def _save(upload: ActualsUpload, content: File[Any], file_format: str) -> None:
    try:
        with transaction.atomic():
            upload.file.save(f"{upload.contract_id}-{upload.sha256[:16]}.{file_format}", content, save=True)
    except IntegrityError:  # the same file or key, by a request that committed meanwhile
        upload.file.delete(save=False)
        raise Conflict(
            "actuals.concurrent_upload", _("The same file is being imported by another request; try again.")
        ) from None


def _queue(upload: ActualsUpload, file: UploadedFile, actor: User, file_format: str) -> ActualsUpload:
    upload.status = UploadStatus.PENDING
    file.seek(0)
    _save(upload, File(file), file_format)  # type: ignore[arg-type]
    contract = upload.contract
    acting_for = (
        contract.agency if contract_permissions.can_prepare_contract(actor, contract) else contract.vendor
    )
    upload.job = jobs.job_start(
        owner=actor,
        kind=JOB_KIND,
        parameters={"upload": upload.pk, "language": translation.get_language() or settings.LANGUAGE_CODE},
        organisation=acting_for,
    )
    upload.save(update_fields=["job"])
    record(upload, "actuals.upload_queued", after={"file_name": upload.file_name, "sha256": upload.sha256})
    return upload


def import_context(contract: Contract, kind: str, *, replace: bool) -> ImportContext:
    """The contract's facts a file is checked against, read once."""
    assert contract.start_date is not None and contract.end_date is not None  # checked by _check_contract
    taken: frozenset[tuple[dt.date, str]] = frozenset()
    if not replace:
        if kind == ActualsKind.KPIS:
            taken = frozenset(KpiMeasurement.objects.filter(contract=contract).values_list("period", "code"))
        elif kind == ActualsKind.FAILURES:
            failures = AvailabilityFailure.objects.filter(contract=contract)
            taken = frozenset(
                (period, imports.failure_key(area, reference))
                for period, area, reference in failures.values_list("period", "area", "reference")
            )
        else:
            rows = PeriodActual.objects.filter(contract=contract).values_list("period", "service__code")
            taken = frozenset(rows)
    tariffs: dict[str, list[TariffTerm]] = {}
    if kind == ActualsKind.TRANSACTIONS:
        terms = Tariff.objects.values_list("service__code", "valid_from", "valid_to", "vat_rate")
        for code, valid_from, valid_to, rate in terms:
            tariffs.setdefault(code, []).append(TariffTerm(valid_from, valid_to, rate))
    return ImportContext(
        currency=contract.currency,
        places=money.minor_units(contract.currency),
        first_period=contract.start_date.replace(day=1),
        last_period=contract.end_date.replace(day=1),
        services=frozenset(Service.objects.values_list("code", flat=True)),
        kpi_codes=frozenset(contract.service_levels.values_list("code", flat=True)),
        taken=taken,
        tariffs={code: tuple(terms) for code, terms in tariffs.items()},
        time_zone=settings.TIME_ZONE,
    )


def parse(
    kind: str,
    source: bytes | IO[bytes],
    file_format: str,
    size: int,
    context: ImportContext,
    progress: Callable[[int, int], None] | None,
) -> Any:
    if kind == ActualsKind.TRANSACTIONS:
        stream = io.BytesIO(source) if isinstance(source, bytes) else source
        return imports.aggregate_transactions(stream, size=size, context=context, progress=progress)
    data = source if isinstance(source, bytes) else source.read()
    if kind == ActualsKind.KPIS:
        return imports.parse_kpis(data, file_format, context)
    if kind == ActualsKind.FAILURES:
        return imports.parse_failures(data, file_format, context)
    return imports.parse_volumes(data, file_format, context)
