"""Back office. Every write goes through the services, so it is validated by the same rules as the
pages and the API and leaves the same audit entries; a refusal is shown next to the field."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.db import transaction
from django.db.models.fields import BLANK_CHOICE_DASH
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.translation import gettext as _

from ppp import audit, permissions, services
from ppp.errors import DomainError
from ppp.models import (
    ApiToken,
    AuditEntry,
    Job,
    Membership,
    Notification,
    Organisation,
    OrganisationKind,
    RuleSet,
    User,
)

# The service names a field as the API does; the admin form calls it by the model field's name.
_FORM_FIELD = {"reviewing_body_id": "reviewing_body"}


def show_domain_error(form: forms.BaseForm, error: DomainError) -> None:
    """A service's refusal as form errors: next to each field it names, else above the form."""
    placed = False
    for field, message in error.fields.items():
        name = _FORM_FIELD.get(field, field)
        if name in form.fields:
            form.add_error(name, message)
            placed = True
    if not placed:
        form.add_error(None, error.message)


class ServiceErrorsAsMessages:
    """The forms check with the services' own rules before anything is saved; if a service still
    refuses while saving (another administrator got there first), everything is rolled back and the
    admin says why instead of answering 500."""

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)  # type: ignore[misc]
        except DomainError as error:
            self.message_user(request, error.message, messages.ERROR)  # type: ignore[attr-defined]
            return HttpResponseRedirect(request.get_full_path())


class MembershipInlineForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = ["user", "organisation", "role", "is_senior"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        organisation = cleaned.get("organisation")
        role = cleaned.get("role")
        # Only new and changed rows: an old row is not re-judged when something else on the page changes.
        if self.has_changed() and isinstance(organisation, Organisation) and role:
            try:
                services.membership_validate(organisation=organisation, role=role)
            except DomainError as error:
                show_domain_error(self, error)
        return cleaned


class MembershipFormSet(BaseInlineFormSet):
    """Saves each row through the membership services, as the acting administrator."""

    actor: Any = None

    def add_fields(self, form: Any, index: int | None) -> None:
        super().add_fields(form, index)
        # An existing row keeps its person and organisation (remove it and add another instead): the
        # audit trail then shows a removal and a grant, never a membership that changed hands.
        other = "user" if self.fk.name == "organisation" else "organisation"
        if form.instance.pk is not None and other in form.fields:
            form.fields[other].disabled = True

    def _other_side(self, form: forms.BaseForm, name: str) -> Any:
        return self.instance if self.fk.name == name else form.cleaned_data[name]

    def save_new(self, form: forms.BaseForm, commit: bool = True) -> Membership:
        return services.membership_add(
            actor=self.actor,
            user=self._other_side(form, "user"),
            organisation=self._other_side(form, "organisation"),
            role=form.cleaned_data["role"],
            is_senior=bool(form.cleaned_data.get("is_senior")),
        )

    def save_existing(self, form: forms.BaseForm, obj: Membership, commit: bool = True) -> Membership:
        return services.membership_update(
            actor=self.actor,
            membership=obj,
            role=form.cleaned_data["role"],
            is_senior=bool(form.cleaned_data.get("is_senior")),
        )

    def delete_existing(self, obj: Membership, commit: bool = True) -> None:
        services.membership_remove(actor=self.actor, membership=obj)


class MembershipInline(admin.TabularInline):
    model = Membership
    form = MembershipInlineForm
    formset = MembershipFormSet
    extra = 0

    def get_formset(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        formset = super().get_formset(request, obj, **kwargs)
        # A class per request, so the acting administrator travels with the formset to the services.
        return type(formset.__name__, (formset,), {"actor": request.user})

    # Only administrators grant roles (the services check again); other staff may look.
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return permissions.is_administrator(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return permissions.is_administrator(request.user)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return permissions.is_administrator(request.user)


class UniqueEmail:
    """An email is one person's whatever its case, as at vendor registration."""

    def clean_email(self) -> str:
        form: Any = self
        email = User.objects.normalize_email(form.cleaned_data.get("email") or "")
        holders = User.objects.filter(email__iexact=email)
        if form.instance.pk is not None:
            holders = holders.exclude(pk=form.instance.pk)
        if holders.exists():
            raise forms.ValidationError(_("An account with this email exists."), code="unique")
        return email


class UserAddForm(UniqueEmail, AdminUserCreationForm):
    pass


class UserChangeAdminForm(UniqueEmail, UserChangeForm):
    pass


@admin.register(User)
class UserAdmin(ServiceErrorsAsMessages, BaseUserAdmin):
    form = UserChangeAdminForm
    add_form = UserAddForm
    fieldsets = (*(BaseUserAdmin.fieldsets or ()), ("PPP", {"fields": ("full_name",)}))
    # The email is required and unique: asked for on the add page, so that a missing or taken one is a
    # form error rather than a failed insert.
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "email", "full_name", "usable_password", "password1", "password2"),
            },
        ),
    )
    list_display = ("username", "email", "full_name", "is_active", "is_staff")
    # Posted back as text, these would lose their microseconds on every save: shown, not edited.
    readonly_fields = ("last_login", "date_joined")
    inlines = [MembershipInline]

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        services.user_save_from_admin(actor=request.user, user=obj, is_new=not change)  # type: ignore[arg-type]

    def user_change_password(self, request: HttpRequest, id: str, form_url: str = "") -> HttpResponse:
        # Django's password form saves itself; the change is audited in the same transaction, by
        # comparing the stored hash before and after (the hash itself is never recorded).
        with transaction.atomic():
            before = User.objects.filter(pk=id).values_list("password", flat=True).first()
            response = super().user_change_password(request, id, form_url)
            after = User.objects.filter(pk=id).values_list("password", flat=True).first()
            if before is not None and after != before:
                services.user_password_changed_by_admin(actor=request.user, user=User.objects.get(pk=id))  # type: ignore[arg-type]
        return response


class OrganisationAdminForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["kind", "name", "name_en", "tax_code", "address", "reviewing_body"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kind = self.fields.get("kind")  # read-only, so absent, once the organisation exists
        if isinstance(kind, forms.ChoiceField):
            kind.choices = [
                *BLANK_CHOICE_DASH,
                *(
                    (value, label)
                    for value, label in OrganisationKind.choices
                    if value != OrganisationKind.VENDOR
                ),
            ]
            kind.error_messages["invalid_choice"] = _(
                "Administrators create agencies and reviewing bodies; vendors register themselves."
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not self.errors:
            creating = self.instance.pk is None
            try:
                services.organisation_validate(
                    kind=cleaned.get("kind") if creating else None,
                    tax_code=cleaned.get("tax_code") or "",
                    reviewing_body=cleaned.get("reviewing_body"),
                    pk=self.instance.pk,
                )
            except DomainError as error:
                show_domain_error(self, error)
        return cleaned


@admin.register(Organisation)
class OrganisationAdmin(ServiceErrorsAsMessages, admin.ModelAdmin):
    form = OrganisationAdminForm
    list_display = ("name", "kind", "tax_code", "is_verified", "reviewing_body")
    list_filter = ("kind", "is_verified")
    search_fields = ("name", "tax_code")
    readonly_fields = ("is_verified", "verified_at", "created_at")
    inlines = [MembershipInline]
    actions = ["verify"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # The roles of an organisation's people depend on its kind, so the kind is fixed at creation.
        readonly = tuple(super().get_readonly_fields(request, obj))
        return ("kind", *readonly) if obj is not None else readonly

    def save_model(self, request: HttpRequest, obj: Organisation, form: Any, change: bool) -> None:
        actor: User = request.user  # type: ignore[assignment]
        if change:
            services.organisation_update(
                actor=actor,
                organisation=obj,
                name=obj.name,
                name_en=obj.name_en,
                tax_code=obj.tax_code,
                address=obj.address,
                reviewing_body=obj.reviewing_body,
            )
            return
        created = services.organisation_create(
            actor=actor,
            kind=obj.kind,
            name=obj.name,
            name_en=obj.name_en,
            tax_code=obj.tax_code,
            address=obj.address,
            reviewing_body=obj.reviewing_body,
        )
        # The admin goes on with `obj` (inlines, log entry, redirect): make it the row the service saved.
        for field in Organisation._meta.concrete_fields:
            setattr(obj, field.attname, getattr(created, field.attname))
        obj._state.adding, obj._state.db = False, created._state.db

    # Administrators create agencies and reviewing bodies (vendors register themselves) and change
    # organisations; the services check again. Organisations are never deleted: their audit entries
    # refer to them.
    def has_add_permission(self, request: HttpRequest) -> bool:
        return permissions.is_administrator(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return permissions.is_administrator(request.user)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description="Verify selected vendors")
    def verify(self, request: HttpRequest, queryset: Any) -> None:
        for organisation in queryset.filter(is_verified=False):
            try:
                services.organisation_verify(actor=request.user, organisation=organisation)  # type: ignore[arg-type]
            except DomainError as error:
                self.message_user(request, f"{organisation}: {error.message}", messages.ERROR)


class RuleSetForm(forms.ModelForm):
    class Meta:
        model = RuleSet
        fields = ["name", "version", "title", "legal_basis", "valid_from", "valid_to", "parameters", "notes"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not self.errors:
            candidate = RuleSet(pk=self.instance.pk, **cleaned)
            try:
                services.rule_set_validate(candidate)
            except DomainError as error:
                for field, message in error.fields.items():
                    self.add_error(field if field in self.fields else None, message)
        return cleaned


@admin.register(RuleSet)
class RuleSetAdmin(admin.ModelAdmin):
    form = RuleSetForm
    list_display = ("name", "version", "legal_basis", "valid_from", "valid_to")
    list_filter = ("name",)
    search_fields = ("name", "legal_basis")

    def save_model(self, request: HttpRequest, obj: RuleSet, form: Any, change: bool) -> None:
        services.rule_set_save(actor=request.user, rule=obj)  # type: ignore[arg-type]

    # Only administrators edit the rule book (the service checks again); others may read it.
    def has_add_permission(self, request: HttpRequest) -> bool:
        return permissions.is_administrator(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return permissions.is_administrator(request.user)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # a superseded rule set gets a valid_to date, it is never deleted


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ("sequence", "created_at", "actor_label", "action", "object_type", "object_id")
    list_filter = ("action", "object_type")
    search_fields = ("object_id", "actor_label", "action")

    def get_queryset(self, request: HttpRequest) -> Any:
        # Sealed records (a bid before opening) stay out of the back office too.
        return audit.unsealed(super().get_queryset(request))


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    list_display = ("name", "user", "prefix", "created_at", "expires_at", "revoked_at")


@admin.register(Job)
class JobAdmin(ReadOnlyAdmin):
    list_display = ("kind", "owner", "status", "done", "total", "created_at")


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ("recipient", "verb", "title", "created_at", "read_at")
