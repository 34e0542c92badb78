"""Kernel operations: sign-in, who am I, registration, organisations, tokens, audit log, rule book, jobs.

Every page action of the kernel has its operation here (sign-in, sign-out and password reset included).
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.contrib.auth.forms import PasswordResetForm
from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.pagination import paginate

from ppp import auth, jobs, selectors, services
from ppp.errors import NotFound, ValidationFailed
from ppp.models import Organisation, OrganisationKind, User
from ppp.pagination import Pagination
from ppp.schemas import (
    ApiTokenCreatedOut,
    ApiTokenIn,
    ApiTokenOut,
    AuditEntryOut,
    CsrfOut,
    ErrorOut,
    JobIn,
    JobOut,
    LoginIn,
    MembershipIn,
    MembershipOut,
    MeOut,
    MessageOut,
    NotificationOut,
    OrganisationIn,
    OrganisationOut,
    PasswordResetConfirmIn,
    PasswordResetIn,
    RuleSetOut,
    VendorRegistrationIn,
)

router = Router(tags=["platform"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}


def _me(user: User) -> MeOut:
    return MeOut(
        id=user.pk,
        username=user.username,
        email=user.email,
        full_name=user.full_name,
        memberships=[
            MembershipOut(
                organisation_id=m.organisation_id,
                organisation_name=m.organisation.name,
                organisation_kind=m.organisation.kind,
                role=m.role,
                is_senior=m.is_senior,
            )
            for m in selectors.user_memberships(user=user)
        ],
    )


@router.get(
    "/auth/csrf",
    auth=None,
    response={200: CsrfOut},
    summary="Set the CSRF cookie and return its token (send it as X-CSRFToken with session requests)",
)
def auth_csrf(request: HttpRequest) -> CsrfOut:
    return CsrfOut(csrf_token=get_token(request))


@router.post(
    "/auth/login",
    auth=None,
    response={200: MeOut, 429: ErrorOut, **ERRORS},
    summary="Sign in with username and password (opens a session; needs the CSRF token)",
    description="Wrong credentials give 401 `auth.invalid_credentials`; after repeated failures the "
    "username is locked out for a while from this address and every attempt gives 429 `auth.locked_out`.",
)
def auth_login(request: HttpRequest, payload: LoginIn) -> MeOut:
    auth.require_csrf(request)
    user = auth.password_login(request, username=payload.username, password=payload.password)
    return _me(user)


@router.post(
    "/auth/logout",
    auth=auth.session_auth,
    response={204: None, **ERRORS},
    summary="Sign out of the browser session",
)
def auth_logout(request: HttpRequest) -> Status[None]:
    auth.password_logout(request)
    return Status(204, None)


@router.post(
    "/auth/password-reset",
    auth=None,
    response={202: MessageOut, **ERRORS},
    summary="Email a password-reset link (the answer is the same whether or not the address is known)",
)
def auth_password_reset(request: HttpRequest, payload: PasswordResetIn) -> Status[MessageOut]:
    form = PasswordResetForm(data={"email": payload.email})
    if form.is_valid():
        form.save(request=request, use_https=request.is_secure())
    return Status(202, MessageOut(message=_("If an account has this address, a reset link is on its way.")))


@router.post(
    "/auth/password-reset/confirm",
    auth=None,
    response={200: MessageOut, **ERRORS},
    summary="Choose a new password with the uid and token of a reset link",
)
def auth_password_reset_confirm(request: HttpRequest, payload: PasswordResetConfirmIn) -> MessageOut:
    services.password_reset_confirm(
        uidb64=payload.uid, token=payload.token, new_password=payload.new_password
    )
    return MessageOut(message=_("Your password is changed. Sign in with the new one."))


@router.get("/me", response={200: MeOut, **ERRORS}, summary="The signed-in person and their roles")
def me(request: HttpRequest) -> MeOut:
    return _me(request.user)  # type: ignore[arg-type]


@router.post(
    "/vendors/register",
    auth=None,
    response={201: MeOut, **ERRORS},
    summary="A vendor registers itself (stays unverified until an administrator verifies it)",
)
def vendor_register(request: HttpRequest, payload: VendorRegistrationIn) -> Status[MeOut]:
    user = services.vendor_register(**payload.dict())
    return Status(201, _me(user))


@router.get(
    "/organisations",
    response={200: list[OrganisationOut], **ERRORS},
    summary="Organisations I can see (administrators: all), optionally by kind and verification",
)
@paginate(Pagination)
def organisation_list(  # type: ignore[no-untyped-def]
    request: HttpRequest,
    kind: str = Query("", max_length=20, description="agency, vendor or reviewing_body"),
    is_verified: bool | None = None,
):
    # Plain str: the paginate wrapper resolves annotations in its own module, which has no enum.
    if kind and kind not in OrganisationKind.values:
        raise ValidationFailed(
            "request.invalid",
            _("The request is not valid."),
            {"kind": _("must be one of: %(kinds)s") % {"kinds": ", ".join(OrganisationKind.values)}},
        )
    return selectors.organisation_list_for(user=request.user, kind=kind, is_verified=is_verified)  # type: ignore[arg-type]


@router.get("/organisations/{organisation_id}", response={200: OrganisationOut, **ERRORS})
def organisation_get(request: HttpRequest, organisation_id: int):  # type: ignore[no-untyped-def]
    return selectors.organisation_get_for(user=request.user, pk=organisation_id)  # type: ignore[arg-type]


@router.post(
    "/organisations", response={201: OrganisationOut, **ERRORS}, summary="Create an agency or reviewing body"
)
def organisation_create(request: HttpRequest, payload: OrganisationIn):  # type: ignore[no-untyped-def]
    reviewing_body: Organisation | None = None
    if payload.reviewing_body_id is not None:
        try:
            reviewing_body = selectors.organisation_get_for(user=request.user, pk=payload.reviewing_body_id)  # type: ignore[arg-type]
        except NotFound:
            raise _unknown_reference("reviewing_body_id") from None
    data = payload.dict(exclude={"reviewing_body_id"})
    organisation = services.organisation_create(actor=request.user, reviewing_body=reviewing_body, **data)  # type: ignore[arg-type]
    return Status(201, organisation)


def _unknown_reference(field: str) -> ValidationFailed:
    """A body that names an object the caller cannot see: bad input on that field (missing and not
    yours look the same)."""
    return ValidationFailed(
        "request.unknown_reference", _("The request names an unknown object."), {field: _("not found")}
    )


@router.post("/organisations/{organisation_id}/verify", response={200: OrganisationOut, **ERRORS})
def organisation_verify(request: HttpRequest, organisation_id: int):  # type: ignore[no-untyped-def]
    organisation = selectors.organisation_get_for(user=request.user, pk=organisation_id)  # type: ignore[arg-type]
    return services.organisation_verify(actor=request.user, organisation=organisation)  # type: ignore[arg-type]


@router.post("/organisations/{organisation_id}/memberships", response={201: MembershipOut, **ERRORS})
def membership_add(request: HttpRequest, organisation_id: int, payload: MembershipIn):  # type: ignore[no-untyped-def]
    organisation = selectors.organisation_get_for(user=request.user, pk=organisation_id)  # type: ignore[arg-type]
    try:
        person: User = selectors.user_get_for(user=request.user, pk=payload.user_id)  # type: ignore[arg-type]
    except NotFound:
        raise _unknown_reference("user_id") from None
    membership = services.membership_add(
        actor=request.user,  # type: ignore[arg-type]
        user=person,
        organisation=organisation,
        role=payload.role,
        is_senior=payload.is_senior,
    )
    return Status(
        201,
        MembershipOut(
            organisation_id=organisation.pk,
            organisation_name=organisation.name,
            organisation_kind=organisation.kind,
            role=membership.role,
            is_senior=membership.is_senior,
        ),
    )


@router.get("/tokens", response={200: list[ApiTokenOut], **ERRORS}, summary="My API tokens")
def token_list(request: HttpRequest):  # type: ignore[no-untyped-def]
    return list(selectors.api_token_list_for(user=request.user))  # type: ignore[arg-type]


@router.post(
    "/tokens",
    response={201: ApiTokenCreatedOut, **ERRORS},
    summary="Create a personal API token (the secret is returned once)",
)
def token_create(request: HttpRequest, payload: ApiTokenIn):  # type: ignore[no-untyped-def]
    token, secret = services.api_token_create(
        actor=request.user,  # type: ignore[arg-type]
        name=payload.name,
        expires_in_days=payload.expires_in_days,
    )
    out = ApiTokenCreatedOut.model_validate({**ApiTokenOut.from_orm(token).dict(), "secret": secret})
    return Status(201, out)


@router.post("/tokens/{token_id}/revoke", response={200: ApiTokenOut, **ERRORS})
def token_revoke(request: HttpRequest, token_id: int):  # type: ignore[no-untyped-def]
    token = selectors.api_token_get_for(user=request.user, pk=token_id)  # type: ignore[arg-type]
    return services.api_token_revoke(actor=request.user, token=token)  # type: ignore[arg-type]


@router.get(
    "/audit", response={200: list[AuditEntryOut], **ERRORS}, summary="Audit log (administrators, reviewers)"
)
@paginate(Pagination)
def audit_list(  # type: ignore[no-untyped-def]
    request: HttpRequest,
    object_type: str = Query("", max_length=100),
    object_id: str = Query("", max_length=64),
    action: str = Query("", max_length=100),
):
    return selectors.audit_entries_for(
        user=request.user,  # type: ignore[arg-type]
        object_type=object_type,
        object_id=object_id,
        action=action,
    )


@router.get("/rules", response={200: list[RuleSetOut], **ERRORS}, summary="Rule book, optionally on a date")
def rule_list(request: HttpRequest, name: str = Query("", max_length=100), on: dt.date | None = None):  # type: ignore[no-untyped-def]
    return list(selectors.rule_set_list(name=name, on=on))


@router.get("/jobs/{job_id}", response={200: JobOut, **ERRORS}, summary="Progress of a background job")
def job_get(request: HttpRequest, job_id: uuid.UUID):  # type: ignore[no-untyped-def]
    return selectors.job_get_for(user=request.user, pk=job_id)  # type: ignore[arg-type]


@router.post("/jobs/selftest", response={202: JobOut, **ERRORS}, summary="Start a demonstration job")
def job_selftest(request: HttpRequest, payload: JobIn):  # type: ignore[no-untyped-def]
    job = jobs.job_start(owner=request.user, kind="ppp.selftest", parameters={"n": payload.n})  # type: ignore[arg-type]
    return Status(202, job)


@router.get("/notifications", response={200: list[NotificationOut], **ERRORS})
@paginate(Pagination)
def notification_list(request: HttpRequest):  # type: ignore[no-untyped-def]
    return selectors.notification_list_for(user=request.user)  # type: ignore[arg-type]
