"""Writes of the shared kernel: registration, organisations, memberships, API tokens, rule sets."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode
from django.utils.translation import gettext as _

from ppp import audit, permissions, selectors
from ppp.errors import Conflict, PermissionDenied, ValidationFailed
from ppp.models import (
    ROLES_BY_KIND,
    ApiToken,
    Membership,
    Notification,
    Organisation,
    OrganisationKind,
    Role,
    RuleSet,
    User,
)


def _password_problems(password: str, user: User | None = None) -> str:
    """The password validators' complaints as one sentence, or "" when the password is acceptable."""
    try:
        validate_password(password, user)
    except DjangoValidationError as error:
        return " ".join(error.messages)
    return ""


def _check_password(password: str, user: User | None = None, *, field: str = "password") -> None:
    problems = _password_problems(password, user)
    if problems:
        raise ValidationFailed("auth.weak_password", _("The password is too weak."), {field: problems})


@transaction.atomic
def vendor_register(
    *,
    username: str,
    email: str,
    password: str,
    full_name: str,
    organisation_name: str,
    tax_code: str,
    address: str = "",
) -> User:
    """A vendor signs itself up: a user, an unverified vendor organisation, preparer and signatory roles.

    Every field problem is reported at once (taken username, email or tax code, weak password).
    """
    email = User.objects.normalize_email(email)
    user = User(username=username, email=email, full_name=full_name)
    errors: dict[str, str] = {}
    if User.objects.filter(username__iexact=username).exists():
        errors["username"] = _("This username is taken.")
    if User.objects.filter(email__iexact=email).exists():
        errors["email"] = _("An account with this email exists.")
    if tax_code and Organisation.objects.filter(tax_code=tax_code).exists():
        errors["tax_code"] = _("An organisation with this tax code is registered.")
    password_problems = _password_problems(password, user)
    if password_problems:
        errors["password"] = password_problems
    if errors:
        raise ValidationFailed("auth.registration_invalid", _("The registration cannot be accepted."), errors)
    user.set_password(password)
    try:
        # A concurrent registration can take the name between the check and the insert; the unique
        # constraints decide, and the loser gets the same 400 as above instead of a 500.
        with transaction.atomic():
            user.save()
            organisation = Organisation.objects.create(
                kind=OrganisationKind.VENDOR, name=organisation_name, tax_code=tax_code, address=address
            )
    except IntegrityError:
        raise ValidationFailed(
            "auth.registration_invalid",
            _("The registration cannot be accepted."),
            {"username": _("This username, email or tax code was just registered.")},
        ) from None
    for role in (Role.BID_PREPARER, Role.SIGNATORY):
        Membership.objects.create(user=user, organisation=organisation, role=role)
    audit.record(
        actor=user,
        action="organisation.registered",
        obj=organisation,
        organisation=organisation,
        after=audit.snapshot(organisation),
    )
    return user


def _duplicate_tax_code() -> ValidationFailed:
    return ValidationFailed(
        "organisation.duplicate_tax_code",
        _("An organisation with this tax code exists."),
        {"tax_code": _("already registered")},
    )


def organisation_validate(
    *,
    tax_code: str,
    reviewing_body: Organisation | None,
    kind: str | None = None,
    pk: int | None = None,
) -> None:
    """Raise ValidationFailed when an organisation cannot be created with this kind, or (with `pk`)
    changed to these values. The admin form calls it to show the problem next to the field."""
    if kind is not None and kind not in (OrganisationKind.AGENCY, OrganisationKind.REVIEWING_BODY):
        raise ValidationFailed(
            "organisation.invalid_kind",
            _("Administrators create agencies and reviewing bodies; vendors register themselves."),
            {"kind": _("must be agency or reviewing_body")},
        )
    if reviewing_body is not None and (
        reviewing_body.kind != OrganisationKind.REVIEWING_BODY or (pk is not None and reviewing_body.pk == pk)
    ):
        raise ValidationFailed(
            "organisation.invalid_reviewing_body",
            _("The reviewing body must be an organisation of kind reviewing body."),
            {"reviewing_body_id": _("not a reviewing body")},
        )
    if tax_code:
        holders = Organisation.objects.filter(tax_code=tax_code)
        if pk is not None:
            holders = holders.exclude(pk=pk)
        if holders.exists():
            raise _duplicate_tax_code()


@transaction.atomic
def organisation_create(
    *,
    actor: User,
    kind: str,
    name: str,
    name_en: str = "",
    tax_code: str = "",
    address: str = "",
    reviewing_body: Organisation | None = None,
) -> Organisation:
    """Administrators create agencies and reviewing bodies (vendors register themselves); they are
    verified from the start."""
    if not permissions.can_manage_organisations(actor):
        raise PermissionDenied("organisation.forbidden", _("Only administrators create organisations."))
    organisation_validate(kind=kind, tax_code=tax_code, reviewing_body=reviewing_body)
    try:
        # The unique tax code decides a race between two creations (a 400, not a 500).
        with transaction.atomic():
            organisation = Organisation.objects.create(
                kind=kind,
                name=name,
                name_en=name_en,
                tax_code=tax_code,
                address=address,
                reviewing_body=reviewing_body,
                is_verified=True,
                verified_at=timezone.now(),
            )
    except IntegrityError:
        raise _duplicate_tax_code() from None
    audit.record(
        actor=actor,
        action="organisation.created",
        obj=organisation,
        organisation=organisation,
        after=audit.snapshot(organisation),
    )
    return organisation


@transaction.atomic
def organisation_update(
    *,
    actor: User,
    organisation: Organisation,
    name: str,
    name_en: str = "",
    tax_code: str = "",
    address: str = "",
    reviewing_body: Organisation | None = None,
) -> Organisation:
    """Change an organisation's particulars (not its kind: the roles of its people depend on it, nor
    its verification, which has its own service). A change that changes nothing writes nothing."""
    if not permissions.can_manage_organisations(actor):
        raise PermissionDenied("organisation.forbidden", _("Only administrators change organisations."))
    locked = Organisation.objects.select_for_update().get(pk=organisation.pk)
    organisation_validate(tax_code=tax_code, reviewing_body=reviewing_body, pk=locked.pk)
    before = audit.snapshot(locked)
    locked.name, locked.name_en, locked.tax_code, locked.address = name, name_en, tax_code, address
    locked.reviewing_body = reviewing_body
    after = audit.snapshot(locked)
    if after == before:
        return locked
    try:
        with transaction.atomic():
            locked.save(update_fields=["name", "name_en", "tax_code", "address", "reviewing_body"])
    except IntegrityError:
        raise _duplicate_tax_code() from None
    audit.record(
        actor=actor,
        action="organisation.changed",
        obj=locked,
        organisation=locked,
        before=before,
        after=after,
    )
    return locked


@transaction.atomic
def organisation_verify(*, actor: User, organisation: Organisation) -> Organisation:
    if not permissions.can_verify_organisation(actor, organisation):
        raise PermissionDenied("organisation.forbidden", _("Only administrators verify organisations."))
    locked = Organisation.objects.select_for_update().get(pk=organisation.pk)
    if locked.is_verified:
        raise Conflict("organisation.already_verified", _("The organisation is already verified."))
    before = audit.snapshot(locked)
    locked.is_verified = True
    locked.verified_at = timezone.now()
    locked.save(update_fields=["is_verified", "verified_at"])
    audit.record(
        actor=actor,
        action="organisation.verified",
        obj=locked,
        organisation=locked,
        before=before,
        after=audit.snapshot(locked),
    )
    return locked


def membership_validate(*, organisation: Organisation, role: str) -> None:
    """Raise ValidationFailed when the role does not exist in this kind of organisation (ROLES_BY_KIND)."""
    if role not in ROLES_BY_KIND.get(organisation.kind, frozenset()):
        raise ValidationFailed(
            "membership.invalid_role",
            _("This role does not exist in this kind of organisation."),
            {"role": _("not allowed for %(kind)s") % {"kind": organisation.get_kind_display()}},
        )


@transaction.atomic
def membership_add(
    *, actor: User, user: User, organisation: Organisation, role: str, is_senior: bool = False
) -> Membership:
    if not permissions.can_manage_organisations(actor):
        raise PermissionDenied("membership.forbidden", _("Only administrators grant roles."))
    membership_validate(organisation=organisation, role=role)
    try:
        with transaction.atomic():
            membership = Membership.objects.create(
                user=user, organisation=organisation, role=role, is_senior=is_senior
            )
    except IntegrityError:
        raise Conflict("membership.exists", _("The person already holds this role.")) from None
    audit.record(
        actor=actor,
        action="membership.added",
        obj=membership,
        organisation=organisation,
        after=audit.snapshot(membership),
    )
    return membership


def _locked_membership(membership: Membership) -> Membership:
    locked = (
        Membership.objects.select_for_update().select_related("organisation").filter(pk=membership.pk).first()
    )
    if locked is None:
        raise Conflict("membership.removed", _("The role has been removed meanwhile."))
    return locked


@transaction.atomic
def membership_update(*, actor: User, membership: Membership, role: str, is_senior: bool) -> Membership:
    """Change the role or the senior flag of a membership; the role must fit the organisation's kind."""
    if not permissions.can_manage_organisations(actor):
        raise PermissionDenied("membership.forbidden", _("Only administrators change and remove roles."))
    locked = _locked_membership(membership)
    membership_validate(organisation=locked.organisation, role=role)
    before = audit.snapshot(locked)
    locked.role, locked.is_senior = role, is_senior
    after = audit.snapshot(locked)
    if after == before:
        return locked
    try:
        with transaction.atomic():
            locked.save(update_fields=["role", "is_senior"])
    except IntegrityError:
        raise Conflict("membership.exists", _("The person already holds this role.")) from None
    audit.record(
        actor=actor,
        action="membership.changed",
        obj=locked,
        organisation=locked.organisation,
        before=before,
        after=after,
    )
    return locked


@transaction.atomic
def membership_remove(*, actor: User, membership: Membership) -> None:
    if not permissions.can_manage_organisations(actor):
        raise PermissionDenied("membership.forbidden", _("Only administrators change and remove roles."))
    locked = _locked_membership(membership)
    before = audit.snapshot(locked)
    pk, organisation = locked.pk, locked.organisation
    locked.delete()
    audit.record(
        actor=actor,
        action="membership.removed",
        object_type=audit.object_type_of(locked),
        object_id=pk,
        organisation=organisation,
        before=before,
    )


@transaction.atomic
def password_reset_set(*, user: User, new_password: str, field: str = "new_password") -> User:
    """Set a password chosen through a reset link whose token the caller has checked.

    The failed-login counter of the username is cleared: the person has just proved they own the
    account's mailbox, and the locked-out page sends them here.
    """
    _check_password(new_password, user, field=field)
    user.set_password(new_password)
    user.save(update_fields=["password"])
    axes_reset(username=user.get_username())
    audit.record(
        actor=user, action="auth.password_reset", obj=user, organisation=audit.actor_organisation(user)
    )
    return user


def password_reset_confirm(*, uidb64: str, token: str, new_password: str) -> User:
    """The API's half of a reset link: check the link's user and token, then set the new password."""
    try:
        user_id = force_str(urlsafe_base64_decode(uidb64))
        user = User.objects.filter(pk=int(user_id), is_active=True).first()
    except (ValueError, TypeError, OverflowError):
        user = None
    if user is None or not default_token_generator.check_token(user, token):
        raise ValidationFailed(
            "auth.invalid_reset_link",
            _("This reset link is invalid or has been used. Ask for a new one."),
            {"token": _("invalid or used")},
        )
    return password_reset_set(user=user, new_password=new_password)


@transaction.atomic
def api_token_create(*, actor: User, name: str, expires_in_days: int | None = None) -> tuple[ApiToken, str]:
    """Create a personal token; returns (row, secret). The secret is never stored or shown again."""
    if expires_in_days is not None and not (1 <= expires_in_days <= 365):
        raise ValidationFailed(
            "token.invalid_expiry",
            _("A token lives between 1 and 365 days."),
            {"expires_in_days": _("must be between 1 and 365")},
        )
    secret = settings.API_TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=actor,
        name=name,
        prefix=secret[: len(settings.API_TOKEN_PREFIX) + 6],
        token_hash=selectors.hash_token(secret),
        expires_at=timezone.now() + dt.timedelta(days=expires_in_days) if expires_in_days else None,
    )
    audit.record(
        actor=actor,
        action="api_token.created",
        obj=token,
        organisation=audit.actor_organisation(actor),
        after=audit.snapshot(token),
    )
    return token, secret


@transaction.atomic
def api_token_revoke(*, actor: User, token: ApiToken) -> ApiToken:
    locked = ApiToken.objects.select_for_update().get(pk=token.pk)
    if locked.user_id != actor.pk:
        raise PermissionDenied("token.forbidden", _("You can revoke only your own tokens."))
    if locked.revoked_at is not None:
        raise Conflict("token.already_revoked", _("The token is already revoked."))
    before = audit.snapshot(locked)
    locked.revoked_at = timezone.now()
    locked.save(update_fields=["revoked_at"])
    audit.record(
        actor=actor,
        action="api_token.revoked",
        obj=locked,
        organisation=audit.actor_organisation(actor),
        before=before,
        after=audit.snapshot(locked),
    )
    return locked


def api_token_authenticate(secret: str) -> User | None:
    """The user behind a live token, or None (unknown, revoked or expired look the same)."""
    token = selectors.api_token_live(secret)
    if token is None:
        return None
    now = timezone.now()
    # Throttle the write: last use is informational, a minute's precision is enough.
    if token.last_used_at is None or now - token.last_used_at > dt.timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def _overlapping(rule: RuleSet) -> bool:
    others = RuleSet.objects.filter(name=rule.name).exclude(pk=rule.pk)
    end = rule.valid_to or dt.date.max
    others = others.filter(valid_from__lte=end).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=rule.valid_from)
    )
    return others.exists()


def rule_set_validate(rule: RuleSet) -> None:
    """Raise ValidationFailed when the rule set's dates or parameters cannot be accepted."""
    if rule.valid_to is not None and rule.valid_to < rule.valid_from:
        raise ValidationFailed(
            "rules.invalid_dates", _("Valid to is before valid from."), {"valid_to": _("before valid from")}
        )
    if not isinstance(rule.parameters, dict):
        raise ValidationFailed(
            "rules.invalid_parameters", _("Parameters must be an object."), {"parameters": _("not an object")}
        )
    if _overlapping(rule):
        raise ValidationFailed(
            "rules.overlap",
            _("Another version of this rule set is valid on some of these dates."),
            {"valid_from": _("overlaps another version")},
        )


@transaction.atomic
def rule_set_save(*, actor: User, rule: RuleSet) -> RuleSet:
    """Create or change a rule set (the admin calls this); validity windows of one name never overlap."""
    if not permissions.is_administrator(actor):
        raise PermissionDenied("rules.forbidden", _("Only administrators edit the rule book."))
    # Lock the versions of this name so two concurrent saves cannot both pass the overlap check.
    list(RuleSet.objects.select_for_update().filter(name=rule.name).values_list("pk", flat=True))
    rule_set_validate(rule)
    before: dict[str, Any] | None = None
    if rule.pk:
        before = audit.snapshot(RuleSet.objects.select_for_update().get(pk=rule.pk))
    rule.save()
    audit.record(
        actor=actor,
        action="rule_set.changed" if before else "rule_set.created",
        obj=rule,
        organisation=audit.actor_organisation(actor),
        before=before,
        after=audit.snapshot(rule),
    )
    return rule


def notify(
    *,
    recipients: list[User],
    verb: str,
    title: str,
    body: str = "",
    link: str = "",
    obj: Any = None,
) -> list[Notification]:
    """An in-app notification for each person, and an email sent once the transaction commits.

    Mail failures never undo the write that caused the notification: the in-app row is the record.
    """
    object_type = f"{obj._meta.app_label}.{obj._meta.model_name}" if obj is not None else ""
    object_id = str(obj.pk) if obj is not None else ""
    unique = {person.pk: person for person in recipients if person is not None}
    rows = Notification.objects.bulk_create(
        [
            Notification(
                recipient=person,
                verb=verb,
                title=title[:255],
                body=body,
                link=link[:500],
                object_type=object_type,
                object_id=object_id,
            )
            for person in unique.values()
        ]
    )
    addresses = [person.email for person in unique.values() if person.email]
    absolute = f"{settings.SITE_URL.rstrip('/')}{link}" if link.startswith("/") else link

    def send() -> None:
        for address in addresses:
            send_mail(title[:200], f"{body}\n\n{absolute}".strip(), None, [address], fail_silently=True)

    if addresses:
        transaction.on_commit(send)
    return rows


@transaction.atomic
def user_save_from_admin(*, actor: User, user: User, is_new: bool) -> User:
    """Save a person edited in the back office, with an audit entry of what changed (never the
    password hash). Who may be an administrator is decided here too: is_superuser and is_staff."""
    if not permissions.is_administrator(actor):
        raise PermissionDenied("user.forbidden", _("Only administrators edit people."))
    before = None if is_new else audit.snapshot(User.objects.select_for_update().get(pk=user.pk))
    user.save()
    after = audit.snapshot(user)
    if before == after:
        return user
    audit.record(
        actor=actor,
        action="user.created" if is_new else "user.changed",
        obj=user,
        organisation=audit.actor_organisation(user),
        before=before,
        after=after,
    )
    return user


def user_password_changed_by_admin(*, actor: User, user: User) -> None:
    """Record that an administrator set someone's password in the back office (Django's form saved it)."""
    audit.record(
        actor=actor, action="user.password_set", obj=user, organisation=audit.actor_organisation(user)
    )
