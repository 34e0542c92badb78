"""Pure predicates about who may do what. They read memberships already loaded on the user."""

from __future__ import annotations

from typing import Any

from ppp.models import Organisation, OrganisationKind, Role


def _memberships(user: Any) -> list[Any]:
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, "_membership_cache", None)
    if cached is None:
        cached = list(user.memberships.select_related("organisation"))
        user._membership_cache = cached
    return cached


def roles_of(user: Any, organisation: Organisation | None = None) -> set[str]:
    return {
        m.role for m in _memberships(user) if organisation is None or m.organisation_id == organisation.pk
    }


def has_role(user: Any, role: str, organisation: Organisation | None = None) -> bool:
    return role in roles_of(user, organisation)


def organisation_ids(user: Any, kind: str | None = None) -> set[int]:
    return {m.organisation_id for m in _memberships(user) if kind is None or m.organisation.kind == kind}


def is_member(user: Any, organisation: Organisation) -> bool:
    return organisation.pk in organisation_ids(user)


def is_administrator(user: Any) -> bool:
    return bool(getattr(user, "is_superuser", False)) or has_role(user, Role.ADMINISTRATOR)


def is_reviewer(user: Any) -> bool:
    return any(
        m.role == Role.APPROVER and m.organisation.kind == OrganisationKind.REVIEWING_BODY
        for m in _memberships(user)
    )


def can_view_audit_log(user: Any) -> bool:
    return is_administrator(user) or is_reviewer(user)


def can_verify_organisation(user: Any, organisation: Organisation) -> bool:
    return is_administrator(user)


def can_manage_organisations(user: Any) -> bool:
    return is_administrator(user)
