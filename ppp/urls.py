from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from contracts.views.agency import reviewer_queue
from ppp import forms, views
from ppp.api import api_urls
from ppp.documents import views as document_views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password-reset/", auth_views.PasswordResetView.as_view(), name="password_reset"),
    path("password-reset/sent/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "password-reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(form_class=forms.PasswordResetSetForm),
        name="password_reset_confirm",
    ),
    path(
        "password-reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("register/vendor/", views.vendor_register, name="vendor_register"),
    path("account/tokens/", views.api_tokens, name="api_tokens"),
    path("account/tokens/<int:token_id>/revoke/", views.api_token_revoke, name="api_token_revoke"),
    path("audit/", views.audit_log, name="audit_log"),
    path("rules/", views.rule_book, name="rule_book"),
    path("organisations/", views.organisations, name="organisations"),
    path(
        "organisations/<int:organisation_id>/verify/", views.organisation_verify, name="organisation_verify"
    ),
    path("jobs/selftest/", views.job_selftest, name="job_selftest"),
    path("jobs/<uuid:job_id>/", views.job_detail, name="job_detail"),
    path("notifications/", views.notifications, name="notifications"),
    path("documents/generate/", document_views.document_generate, name="document_generate"),
    path("documents/<int:pk>/", document_views.document_download, name="document_download"),
    path("review/", reviewer_queue, name="reviewer_queue"),
    path("costing/", include("costing.urls")),
    path("contracts/", include("contracts.urls")),
    path("revenue-share/", include("revenue_share.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", api_urls()),
]
