"""Back office. Writes that matter go through services so they are validated and audited."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.http import HttpRequest

from ppp import permissions, services
from ppp.errors import DomainError
from ppp.models import ApiToken, AuditEntry, Job, Membership, Notification, Organisation, RuleSet, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (*BaseUserAdmin.fieldsets, ("PPP", {"fields": ("full_name",)}))  # type: ignore[has-type]
    list_display = ("username", "email", "full_name", "is_active", "is_staff")
    inlines = [MembershipInline]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "tax_code", "is_verified", "reviewing_body")
    list_filter = ("kind", "is_verified")
    search_fields = ("name", "tax_code")
    readonly_fields = ("is_verified", "verified_at", "created_at")
    inlines = [MembershipInline]
    actions = ["verify"]

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


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    list_display = ("name", "user", "prefix", "created_at", "expires_at", "revoked_at")


@admin.register(Job)
class JobAdmin(ReadOnlyAdmin):
    list_display = ("kind", "owner", "status", "done", "total", "created_at")


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ("recipient", "verb", "title", "created_at", "read_at")
