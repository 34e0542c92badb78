"""The XLSX download of a settlement statement, to be included in revenue_share/urls.py (namespace
"revenue_share")."""

from django.urls import path

from revenue_share import views_settlement_xlsx as views

urlpatterns = [
    path("settlements/<int:pk>/statement.xlsx", views.settlement_xlsx, name="settlement_xlsx"),
]
