"""The forecast page, to be included in revenue_share/urls.py (namespace "revenue_share")."""

from django.urls import path

from revenue_share import views_forecast as views

urlpatterns = [
    path("contracts/<int:pk>/forecast/", views.forecast, name="forecast"),
]
