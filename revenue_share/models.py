"""Tables of the revenue share app: the catalogue of digital public services and their dated tariffs
(settlements, actuals and forecasts build on these)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
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


# --- actuals ---------------------------------------------------------------------------------------
# What happened in each month of a contract's term: per service, the valid volume and the money
# collected (imported from a per-period file or aggregated from the provider's raw transaction log),
# the KPI measurements and the availability failures. An upload is all or nothing: its rows exist only
# if every row was valid.


class ActualsKind(models.TextChoices):
    VOLUMES = "volumes", _("Volumes and collections per period")
    TRANSACTIONS = "transactions", _("Transaction log")
    KPIS = "kpis", _("KPI measurements")
    FAILURES = "failures", _("Availability failures")


class UploadStatus(models.TextChoices):
    PENDING = "pending", _("Being imported")
    IMPORTED = "imported", _("Imported")
    REJECTED = "rejected", _("Rejected")
    FAILED = "failed", _("Failed")


# An upload that holds (or is about to hold) imported rows: a second copy of its file is not imported.
LIVE_UPLOAD_STATUSES = (UploadStatus.PENDING, UploadStatus.IMPORTED)


class ActualsUpload(models.Model):
    """One uploaded file of actuals for a contract, its SHA-256, what became of it and, when it was
    refused, every error found (at most 1,000 are kept; `error_count` counts them all). Large files are
    imported by a background job (`job`)."""

    contract = models.ForeignKey(
        "contracts.Contract", on_delete=models.PROTECT, related_name="actuals_uploads"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ActualsKind.choices)
    file_name = models.CharField(_("file name"), max_length=255)
    file = models.FileField(upload_to="revenue_share/actuals/%Y/%m/", max_length=300, blank=True)
    size = models.PositiveBigIntegerField(_("size (bytes)"), default=0)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    idempotency_key = models.CharField(_("idempotency key"), max_length=100, blank=True)
    replace = models.BooleanField(_("replace imported periods"), default=False)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    status = models.CharField(_("status"), max_length=20, choices=UploadStatus.choices)
    errors = models.JSONField(default=list, blank=True)  # [{"row": 3, "column": "amount", "message": ...}]
    error_count = models.PositiveIntegerField(default=0)
    summary = models.JSONField(default=dict, blank=True)  # what was created and replaced
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    job = models.ForeignKey("ppp.Job", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["-uploaded_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="actuals_upload_unique_idempotency_key",
            ),
            # The same file is imported at most once: a repeat returns the upload that holds it.
            models.UniqueConstraint(
                fields=["contract", "kind", "sha256"],
                condition=Q(status__in=LIVE_UPLOAD_STATUSES),
                name="actuals_upload_unique_live_file",
            ),
            models.CheckConstraint(condition=Q(kind__in=ActualsKind.values), name="actuals_upload_kind"),
            models.CheckConstraint(condition=Q(status__in=UploadStatus.values), name="actuals_upload_status"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} upload {self.file_name} of contract {self.contract_id}"


class PeriodActual(models.Model):
    """One service in one month of a contract's term: the valid volume and the money collected, in the
    contract's currency, each amount rounded to the currency's minor unit. `period` is the first day
    of the month. VAT is the VAT within gross collections less refunds; revenue for sharing excludes it."""

    contract = models.ForeignKey(
        "contracts.Contract", on_delete=models.PROTECT, related_name="period_actuals"
    )
    period = models.DateField(_("period"))
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="period_actuals")
    valid_volume = models.PositiveBigIntegerField(_("valid volume"))
    gross_collections = models.DecimalField(_("gross collections"), **MONEY)
    refunds = models.DecimalField(_("refunds"), **MONEY)
    gateway_fees = models.DecimalField(_("gateway fees"), **MONEY)
    vat = models.DecimalField(_("VAT"), **MONEY)
    currency = models.CharField(_("currency"), max_length=3)
    upload = models.ForeignKey(ActualsUpload, on_delete=models.PROTECT, related_name="period_actuals")

    class Meta:
        ordering = ["period", "service__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "period", "service"], name="period_actual_one_per_service"
            ),
            models.CheckConstraint(condition=Q(period__day=1), name="period_actual_first_of_month"),
            models.CheckConstraint(
                condition=Q(gross_collections__gte=0, refunds__gte=0, gateway_fees__gte=0, vat__gte=0),
                name="period_actual_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.period:%Y-%m} {self.service_id}: {self.valid_volume}"


class KpiMeasurement(models.Model):
    """The measured value of one of the contract's KPIs (contracts.ServiceLevel, by code) for the
    measurement period starting on `period` (the first day of a month), in the KPI's unit."""

    contract = models.ForeignKey(
        "contracts.Contract", on_delete=models.PROTECT, related_name="kpi_measurements"
    )
    period = models.DateField(_("period"))
    code = models.CharField(_("KPI code"), max_length=30)
    value = models.DecimalField(_("value"), max_digits=16, decimal_places=4)
    upload = models.ForeignKey(ActualsUpload, on_delete=models.PROTECT, related_name="kpi_measurements")

    class Meta:
        ordering = ["period", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "period", "code"], name="kpi_measurement_one_per_code"
            ),
            models.CheckConstraint(condition=Q(period__day=1), name="kpi_measurement_first_of_month"),
        ]

    def __str__(self) -> str:
        return f"{self.period:%Y-%m} {self.code}: {self.value}"


class AvailabilityFailure(models.Model):
    """One failure of an area of the service in the month starting on `period` (the first day of a
    month), for the availability payment's deduction: the area's weighting (> 0), the measurement
    periods it was unavailable (>= 0), whether it was still used meanwhile (the still-used factor of
    the mechanism applies), the repetition ratchet (>= 1; 1 for a first failure) and the contract's own
    reference of the failure (optional). All three figures are plain numbers with 4 decimal places."""

    contract = models.ForeignKey(
        "contracts.Contract", on_delete=models.PROTECT, related_name="availability_failures"
    )
    period = models.DateField(_("period"))
    area = models.CharField(_("area"), max_length=100)
    weighting = models.DecimalField(_("weighting"), max_digits=16, decimal_places=4)
    missed_periods = models.DecimalField(_("missed periods"), max_digits=16, decimal_places=4)
    still_used = models.BooleanField(_("still used"), default=False)
    ratchet = models.DecimalField(_("ratchet"), max_digits=16, decimal_places=4, default=1)
    reference = models.CharField(_("reference"), max_length=100, blank=True)
    upload = models.ForeignKey(ActualsUpload, on_delete=models.PROTECT, related_name="availability_failures")

    class Meta:
        ordering = ["period", "area", "reference"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "period", "area", "reference"], name="availability_failure_unique"
            ),
            models.CheckConstraint(condition=Q(period__day=1), name="availability_failure_first_of_month"),
            models.CheckConstraint(
                condition=Q(weighting__gt=0, missed_periods__gte=0, ratchet__gte=1),
                name="availability_failure_figures",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.period:%Y-%m} {self.area}: {self.missed_periods}"


# --- settlements -----------------------------------------------------------------------------------
# One statement per contract and month of its term: computed from the month's imported actuals by the
# pure calculations (revenue_share.calculations.settle), kept with its input snapshot and hash, and
# approved (locked) by a reviewer. A locked month is never recomputed: a later correction of its
# actuals is carried into a later open month as adjustment lines. The ledger (the running balance of
# the approved statements) is derived by a selector, not stored, so it can never disagree with them.


class SettlementStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    APPROVED = "approved", _("Approved")


class SettlementStatement(models.Model):
    """A month's settlement statement. Amounts are in the contract's currency, each rounded half up to
    its minor unit by the calculation; `lines` are [{key, label, amount (str), payee, rule, inputs,
    reference, section}]; `net_payable_by_state` above 0 means the state pays the provider, below 0
    the provider pays the state. `inputs` is the snapshot the statement can be recomputed from and
    `inputs_hash` its SHA-256; `band` the annual revenue band test when the month closes a plan year
    (every condition with whether it held), else None. `version` counts the computations of the
    month (a recomputed draft keeps its row and takes the next version)."""

    contract = models.ForeignKey(
        "contracts.Contract", on_delete=models.PROTECT, related_name="settlement_statements"
    )
    period = models.DateField(_("period"))
    version = models.PositiveIntegerField(_("version"), default=1)
    status = models.CharField(
        _("status"), max_length=20, choices=SettlementStatus.choices, default=SettlementStatus.DRAFT
    )
    currency = models.CharField(_("currency"), max_length=3)
    lines = models.JSONField(default=list)
    band = models.JSONField(null=True, blank=True)
    net_revenue = models.DecimalField(_("net revenue"), **MONEY)
    provider_share = models.DecimalField(_("provider's share"), **MONEY)
    state_share = models.DecimalField(_("state's share"), **MONEY)
    adjustments = models.DecimalField(_("adjustments"), **MONEY, default=0)
    net_payable_by_state = models.DecimalField(_("net payable by the state"), **MONEY)
    inputs = models.JSONField(default=dict)
    inputs_hash = models.CharField(max_length=64)
    computed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    computed_at = models.DateTimeField(_("computed at"))
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)

    class Meta:
        ordering = ["contract_id", "period", "version"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "period", "version"], name="settlement_statement_unique_version"
            ),
            models.CheckConstraint(condition=Q(period__day=1), name="settlement_statement_first_of_month"),
            models.CheckConstraint(
                condition=Q(status__in=SettlementStatus.values), name="settlement_statement_status"
            ),
            models.CheckConstraint(
                condition=Q(status=SettlementStatus.DRAFT, approved_at__isnull=True)
                | Q(status=SettlementStatus.APPROVED, approved_at__isnull=False, approved_by__isnull=False),
                name="settlement_statement_approval_recorded",
            ),
        ]

    def __str__(self) -> str:
        return f"settlement {self.period:%Y-%m} v{self.version} of contract {self.contract_id}"

    @property
    def is_locked(self) -> bool:
        return self.status == SettlementStatus.APPROVED


class SettlementPayment(models.Model):
    """A payment that settles (part of) an approved statement, signed like the statement's net amount:
    + paid by the state to the provider, − paid by the provider to the state (services/payments.py)."""

    contract = models.ForeignKey(
        "contracts.Contract", on_delete=models.PROTECT, related_name="settlement_payments"
    )
    statement = models.ForeignKey(SettlementStatement, on_delete=models.PROTECT, related_name="payments")
    amount = models.DecimalField(_("amount"), **MONEY)
    paid_on = models.DateField(_("paid on"))
    reference = models.CharField(_("bank reference"), max_length=100)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["contract_id", "paid_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "reference"], name="settlement_payment_unique_reference"
            ),
            models.CheckConstraint(condition=~Q(amount=0), name="settlement_payment_not_zero"),
        ]

    def __str__(self) -> str:
        return f"payment {self.reference} of statement {self.statement_id}"
