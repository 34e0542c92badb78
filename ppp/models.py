"""Shared kernel tables: people, organisations, memberships, API tokens, audit log, rule book, jobs."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A person. What they may do comes from their memberships, never from flags on the user."""

    email = models.EmailField(_("email"), unique=True)
    full_name = models.CharField(_("full name"), max_length=200, blank=True)

    def __str__(self) -> str:
        return self.full_name or self.username

    def get_full_name(self) -> str:
        """The one name field people fill in (Django's first and last names stay unused)."""
        return self.full_name.strip()

    def get_short_name(self) -> str:
        return self.full_name.strip() or self.username


class OrganisationKind(models.TextChoices):
    AGENCY = "agency", _("Contracting agency")
    VENDOR = "vendor", _("Vendor")
    REVIEWING_BODY = "reviewing_body", _("Reviewing body")


class Organisation(models.Model):
    kind = models.CharField(_("kind"), max_length=20, choices=OrganisationKind.choices)
    name = models.CharField(_("name"), max_length=255)
    name_en = models.CharField(_("name in English"), max_length=255, blank=True)
    tax_code = models.CharField(_("tax code"), max_length=20, blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    # Vendors register themselves and stay unverified until an administrator verifies them.
    is_verified = models.BooleanField(_("verified"), default=False)
    verified_at = models.DateTimeField(null=True, blank=True)
    # The appraisal or finance department that approves this agency's models, tenders and contracts.
    reviewing_body = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reviewed_agencies",
        limit_choices_to={"kind": OrganisationKind.REVIEWING_BODY},
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["tax_code"], condition=~Q(tax_code=""), name="organisation_unique_tax_code"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    FINANCE_OFFICER = "finance_officer", _("Agency finance officer")
    EVALUATOR = "evaluator", _("Evaluator")
    APPROVER = "approver", _("Approver (reviewer)")
    BID_PREPARER = "bid_preparer", _("Vendor bid preparer")
    SIGNATORY = "signatory", _("Signatory")
    ADMINISTRATOR = "administrator", _("Administrator")


# Which roles make sense in which kind of organisation.
ROLES_BY_KIND: dict[str, frozenset[str]] = {
    # An agency's signatory signs its contracts; a vendor's submits its bids and signs its contracts.
    OrganisationKind.AGENCY: frozenset(
        {Role.FINANCE_OFFICER, Role.EVALUATOR, Role.SIGNATORY, Role.ADMINISTRATOR}
    ),
    OrganisationKind.REVIEWING_BODY: frozenset({Role.APPROVER, Role.EVALUATOR, Role.ADMINISTRATOR}),
    OrganisationKind.VENDOR: frozenset({Role.BID_PREPARER, Role.SIGNATORY}),
}


class Membership(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    # Senior approvers sign off large contracts (the approval chain in the rule book asks for one).
    is_senior = models.BooleanField(_("senior"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation", "role"], name="membership_unique_role"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.organisation}"


class ApiToken(models.Model):
    """A personal API token. Only its SHA-256 is stored; the secret is shown once at creation."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=16, db_index=True)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class AuditEntry(models.Model):
    """One append-only, hash-chained audit entry. See ppp/audit.py for the chain rules."""

    sequence = models.BigIntegerField(unique=True)
    created_at = models.DateTimeField()
    actor = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    actor_label = models.CharField(max_length=200, blank=True)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    action = models.CharField(max_length=100, db_index=True)
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    previous_hash = models.CharField(max_length=64)
    entry_hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["sequence"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object_idx")]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"#{self.sequence} {self.action} {self.object_type}:{self.object_id}"

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        # Append-only: an entry is written once, by ppp.audit.record, and never updated.
        if not self._state.adding:
            raise PermissionError("audit entries are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        raise PermissionError("audit entries are append-only")


class AuditChainHead(models.Model):
    """A single row locked by every append so that the chain has one writer at a time."""

    last_sequence = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"audit head #{self.last_sequence}"


class RuleSet(models.Model):
    """A dated parameter set from law or policy, looked up by name and date (ppp/rules.py)."""

    name = models.CharField(_("name"), max_length=100, db_index=True)
    version = models.CharField(_("version"), max_length=50)
    title = models.CharField(_("title"), max_length=255)
    legal_basis = models.CharField(_("legal basis"), max_length=500)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    parameters = models.JSONField(_("parameters"))
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["name", "valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["name", "version"], name="ruleset_unique_version"),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="ruleset_valid_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.version} ({self.legal_basis})"


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")


class Job(models.Model):
    """Progress of a background task, readable by pages and the API while the worker runs it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=100)
    owner = models.ForeignKey(User, on_delete=models.CASCADE, related_name="jobs")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, null=True, blank=True, related_name="jobs"
    )
    status = models.CharField(max_length=20, choices=JobStatus.choices, default=JobStatus.QUEUED)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    message = models.CharField(max_length=500, blank=True)
    parameters = models.JSONField(default=dict, blank=True)
    result = models.JSONField(null=True, blank=True)
    error = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.kind} {self.status} {self.done}/{self.total}"

    @property
    def percent(self) -> int:
        if self.total <= 0:
            return 100 if self.status == JobStatus.SUCCEEDED else 0
        return min(100, round(100 * self.done / self.total))


class Notification(models.Model):
    """An in-app notification for one person (email is sent beside it)."""

    recipient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
    verb = models.CharField(max_length=100)
    title = models.CharField(max_length=255)
    body = models.TextField(blank=True)
    link = models.CharField(max_length=500, blank=True)
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread_idx")]

    def __str__(self) -> str:
        return self.title


class DocumentLanguage(models.TextChoices):
    VIETNAMESE = "vi", "Tiếng Việt"
    ENGLISH = "en", "English"


class Document(models.Model):
    """A generated document, kept as generated: its kind and the object it is about, the language, the
    inputs it was rendered from and their SHA-256, the file and its SHA-256, who generated it and when.
    Rendering the stored inputs again at the stored moment gives the same file (ppp.documents)."""

    kind = models.CharField(max_length=60)  # a name in ppp.documents.registry
    object_type = models.CharField(max_length=100)
    object_id = models.CharField(max_length=64)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="documents")
    language = models.CharField(max_length=5, choices=DocumentLanguage.choices)
    version = models.PositiveIntegerField()  # 1, 2, ... per kind, object and language
    title = models.CharField(max_length=300)
    reference = models.CharField(max_length=100, blank=True)
    inputs = models.JSONField()
    input_hash = models.CharField(max_length=64)
    content = models.BinaryField()
    content_type = models.CharField(max_length=100, default="application/pdf")
    filename = models.CharField(max_length=200)
    file_hash = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    published = models.BooleanField(default=False)  # generated from a published object
    generated_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    generated_at = models.DateTimeField()

    class Meta:
        ordering = ["-generated_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "object_id", "language", "version"], name="document_unique_version"
            )
        ]
        indexes = [models.Index(fields=["kind", "object_id"], name="document_object_idx")]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id} v{self.version} ({self.language})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        """A document is written once: an existing one is never changed (a new version is made)."""
        if not self._state.adding:
            raise ValueError("A generated document is immutable.")
        super().save(*args, **kwargs)
