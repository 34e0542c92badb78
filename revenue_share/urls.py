"""Pages of the revenue share app, under /revenue-share/ (namespace "revenue_share")."""

from django.urls import path

from revenue_share import views

app_name = "revenue_share"

urlpatterns = [
    path("services/", views.service_list, name="service_list"),
    path("contracts/<int:pk>/actuals/", views.actuals, name="actuals"),
]
