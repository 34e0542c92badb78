"""Page forms. They parse; services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import SetPasswordForm
from django.utils.translation import gettext_lazy as _

from ppp import services


class VendorRegistrationForm(forms.Form):
    organisation_name = forms.CharField(label=_("Company name"), max_length=255, min_length=2)
    tax_code = forms.RegexField(
        label=_("Tax code"), regex=r"^[0-9-]{10,14}$", max_length=14,
        error_messages={"invalid": _("A tax code has 10 to 14 digits.")},
    )  # fmt: skip
    address = forms.CharField(label=_("Address"), max_length=255, required=False)
    full_name = forms.CharField(label=_("Your full name"), max_length=200, min_length=2)
    username = forms.RegexField(label=_("Username"), regex=r"^[\w.@+-]{3,150}$", max_length=150)
    email = forms.EmailField(label=_("Email"))
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput, max_length=128)


class ApiTokenForm(forms.Form):
    name = forms.CharField(label=_("Token name"), max_length=100)
    expires_in_days = forms.IntegerField(
        label=_("Expires after (days)"), min_value=1, max_value=365, required=False
    )


class AuditFilterForm(forms.Form):
    object_type = forms.CharField(label=_("Object type"), max_length=100, required=False)
    object_id = forms.CharField(label=_("Object id"), max_length=64, required=False)
    action = forms.CharField(label=_("Action"), max_length=100, required=False)


class PasswordResetSetForm(SetPasswordForm):
    """The reset link's new-password form; the service sets it, audits it and lifts a lock-out."""

    def save(self, commit: bool = True) -> Any:
        return services.password_reset_set(
            user=self.user, new_password=self.cleaned_data["new_password1"], field="new_password1"
        )
