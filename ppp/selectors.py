"""Reads of the shared kernel, narrowed to what the user may see. Missing and not-yours look alike."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from ppp import audit, permissions
from ppp.errors import NotFound, PermissionDenied
from ppp.models import ApiToken, AuditEntry, Job, Notification, Organisation, RuleSet, User


def organisation_list_for(
    *, user: User, kind: str = "", is_verified: bool | None = None
) -> QuerySet[Organisation]:
    queryset = Organisation.objects.select_related("reviewing_body")
    if not permissions.is_administrator(user):
        own = permissions.organisation_ids(user)
        # An agency's people see the reviewing body that approves their work.
        queryset = queryset.filter(Q(pk__in=own) | Q(reviewed_agencies__pk__in=own)).distinct()
    if kind:
        queryset = queryset.filter(kind=kind)
    if is_verified is not None:
        queryset = queryset.filter(is_verified=is_verified)
    return queryset


def organisation_get_for(*, user: User, pk: int) -> Organisation:
    organisation = organisation_list_for(user=user).filter(pk=pk).first()
    if organisation is None:
        raise NotFound("organisation.not_found", _("Organisation not found."))
    return organisation


def user_get_for(*, user: User, pk: int) -> User:
    """A person by id: administrators see everyone, others themselves and the people of their
    organisations."""
    queryset = User.objects.filter(is_active=True)
    if not permissions.is_administrator(user):
        own = permissions.organisation_ids(user)
        queryset = queryset.filter(Q(pk=user.pk) | Q(memberships__organisation_id__in=own)).distinct()
    person = queryset.filter(pk=pk).first()
    if person is None:
        raise NotFound("user.not_found", _("Person not found."))
    return person


def api_token_list_for(*, user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user)


def hash_token(secret: str) -> str:
    """What is stored of a token secret: its SHA-256, hex."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def api_token_live(secret: str) -> ApiToken | None:
    """The live token whose secret this is (with its user), or None: unknown, revoked, expired and a
    deactivated owner all look the same."""
    if not secret.startswith(settings.API_TOKEN_PREFIX) or len(secret) > 200:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(token_hash=hash_token(secret), revoked_at__isnull=True)
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=timezone.now()))
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    return token


def api_token_user(secret: str) -> User | None:
    """The person behind a live token, or None; reads only (services.api_token_authenticate also
    records the use)."""
    token = api_token_live(secret)
    return token.user if token is not None else None


def api_token_get_for(*, user: User, pk: int) -> ApiToken:
    token = api_token_list_for(user=user).filter(pk=pk).first()
    if token is None:
        raise NotFound("token.not_found", _("Token not found."))
    return token


def audit_entries_for(
    *,
    user: User,
    object_type: str = "",
    object_id: str = "",
    action: str = "",
    actor: str = "",
) -> QuerySet[AuditEntry]:
    if not permissions.can_view_audit_log(user):
        raise PermissionDenied("audit.forbidden", _("Only administrators and reviewers read the audit log."))
    entries = AuditEntry.objects.select_related("actor", "organisation")
    queryset = audit.unsealed(entries).order_by("-sequence")
    if object_type:
        queryset = queryset.filter(object_type=object_type)
    if object_id:
        queryset = queryset.filter(object_id=object_id)
    if action:
        queryset = queryset.filter(action__startswith=action)
    if actor:
        queryset = queryset.filter(actor_label__icontains=actor)
    return queryset


def object_history_for(*, object_type: str, object_id: str) -> QuerySet[AuditEntry]:
    """History of one object for callers that have already checked the object is visible."""
    return (
        audit.unsealed(AuditEntry.objects.select_related("actor"))
        .filter(object_type=object_type, object_id=str(object_id))
        .order_by("sequence")
    )


def rule_set_list(*, name: str = "", on: dt.date | None = None) -> QuerySet[RuleSet]:
    queryset = RuleSet.objects.all()
    if name:
        queryset = queryset.filter(name=name)
    if on is not None:
        queryset = queryset.filter(valid_from__lte=on).filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on))
    return queryset.order_by("name", "valid_from")


def job_get_for(*, user: User, pk: Any) -> Job:
    job = Job.objects.filter(pk=pk, owner=user).first()
    if job is None:
        raise NotFound("job.not_found", _("Job not found."))
    return job


def job_list_for(*, user: User) -> QuerySet[Job]:
    return Job.objects.filter(owner=user)


def notification_list_for(*, user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user)


def user_memberships(*, user: User) -> list[Any]:
    return list(user.memberships.select_related("organisation").order_by("organisation__name", "role"))
