"""Pages of the revenue share app, under /revenue-share/ (namespace "revenue_share"): the service
catalogue, a contract's actuals, and the settlement statements (urls_settlements.py)."""

from django.urls import path

from revenue_share import urls_catalogue, urls_forecast, urls_settlement_xlsx, urls_settlements, views

app_name = "revenue_share"

urlpatterns = [
    path("services/", views.service_list, name="service_list"),
    *urls_catalogue.urlpatterns,
    path("contracts/<int:pk>/actuals/", views.actuals, name="actuals"),
    *urls_settlements.urlpatterns,
    *urls_forecast.urlpatterns,
    *urls_settlement_xlsx.urlpatterns,
]
