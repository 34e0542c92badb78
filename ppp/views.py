"""Kernel pages: dashboard, vendor registration, API tokens, audit log, rule book, organisations, jobs."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from ppp import jobs, permissions, selectors, services
from ppp.errors import DomainError, NotFound, PermissionDenied
from ppp.forms import ApiTokenForm, AuditFilterForm, VendorRegistrationForm
from ppp.models import OrganisationKind, Role


def forbidden(request: HttpRequest, error: DomainError) -> HttpResponse:
    """The 403 page, with the service's reason."""
    return render(request, "403.html", {"message": error.message}, status=403)


def apply_domain_error(form: Any, error: DomainError) -> None:
    """Show a service's field errors next to the fields of a page form."""
    placed = False
    for field, message in error.fields.items():
        if field in form.fields:
            form.add_error(field, message)
            placed = True
    if not placed:
        form.add_error(None, error.message)


def _dashboard_sections(user: Any) -> list[dict[str, Any]]:
    """One panel per role the person holds, in a stable order."""
    roles = permissions.roles_of(user)
    order = [
        Role.ADMINISTRATOR,
        Role.FINANCE_OFFICER,
        Role.EVALUATOR,
        Role.APPROVER,
        Role.BID_PREPARER,
        Role.SIGNATORY,
    ]
    return [{"role": role, "label": Role(role).label} for role in order if role in roles]


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    sections = _dashboard_sections(request.user)
    context: dict[str, Any] = {
        "sections": sections,
        "memberships": selectors.user_memberships(user=request.user),  # type: ignore[arg-type]
    }
    if permissions.is_administrator(request.user):
        unverified = selectors.organisation_list_for(
            user=request.user,  # type: ignore[arg-type]
            kind=OrganisationKind.VENDOR,
            is_verified=False,
        )
        context["unverified_vendors"] = list(unverified.order_by("created_at")[:20])
    context["notifications"] = list(selectors.notification_list_for(user=request.user)[:5])  # type: ignore[arg-type]
    from costing.views import dashboard_panels  # the kernel's dashboard shows each app's panel

    context.update(dashboard_panels(request.user))
    return render(request, "ppp/dashboard.html", context)


@require_http_methods(["GET", "POST"])
def vendor_register(request: HttpRequest) -> HttpResponse:
    form = VendorRegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.vendor_register(**form.cleaned_data)
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(
                request,
                _("Registration received. You can sign in now; an administrator will verify your company."),
            )
            return redirect("login")
    return render(request, "ppp/vendor_register.html", {"form": form}, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def api_tokens(request: HttpRequest) -> HttpResponse:
    form = ApiTokenForm(request.POST or None)
    new_secret = None
    if request.method == "POST" and form.is_valid():
        try:
            _token, new_secret = services.api_token_create(actor=request.user, **form.cleaned_data)  # type: ignore[arg-type]
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            form = ApiTokenForm()
    tokens = selectors.api_token_list_for(user=request.user)  # type: ignore[arg-type]
    return render(
        request,
        "ppp/api_tokens.html",
        {"form": form, "tokens": tokens, "new_secret": new_secret},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def api_token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    try:
        token = selectors.api_token_get_for(user=request.user, pk=token_id)  # type: ignore[arg-type]
        services.api_token_revoke(actor=request.user, token=token)  # type: ignore[arg-type]
    except NotFound:
        return render(request, "404.html", status=404)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Token revoked."))
    return redirect("api_tokens")


@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    try:
        entries = selectors.audit_entries_for(user=request.user, **filters)  # type: ignore[arg-type]
    except PermissionDenied as error:
        return HttpResponseForbidden(error.message)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(request, "ppp/audit_log.html", {"form": form, "page": page})


@login_required
def rule_book(request: HttpRequest) -> HttpResponse:
    return render(request, "ppp/rule_book.html", {"rules": selectors.rule_set_list()})


@login_required
def organisations(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "ppp/organisations.html",
        {
            "organisations": selectors.organisation_list_for(user=request.user),  # type: ignore[arg-type]
            "can_verify": permissions.is_administrator(request.user),
        },
    )


@login_required
@require_POST
def organisation_verify(request: HttpRequest, organisation_id: int) -> HttpResponse:
    try:
        organisation = selectors.organisation_get_for(user=request.user, pk=organisation_id)  # type: ignore[arg-type]
        services.organisation_verify(actor=request.user, organisation=organisation)  # type: ignore[arg-type]
    except NotFound:
        return render(request, "404.html", status=404)
    except PermissionDenied as error:
        return forbidden(request, error)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Organisation verified."))
    return redirect("organisations")


@login_required
def job_detail(request: HttpRequest, job_id: Any) -> HttpResponse:
    try:
        job = selectors.job_get_for(user=request.user, pk=job_id)  # type: ignore[arg-type]
    except NotFound:
        return render(request, "404.html", status=404)
    template = "ppp/_job_progress.html" if request.headers.get("HX-Request") else "ppp/job_detail.html"
    return render(request, template, {"job": job})


@login_required
@require_POST
def job_selftest(request: HttpRequest) -> HttpResponse:
    job = jobs.job_start(owner=request.user, kind="ppp.selftest", parameters={"n": 5})  # type: ignore[arg-type]
    return redirect("job_detail", job_id=job.pk)


@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    items = selectors.notification_list_for(user=request.user)  # type: ignore[arg-type]
    page = Paginator(items, 50).get_page(request.GET.get("page"))
    return render(request, "ppp/notifications.html", {"page": page})
