"""Pages of the service catalogue, to be included in revenue_share/urls.py (namespace "revenue_share")."""

from django.urls import path

from revenue_share import views_catalogue as views

urlpatterns = [
    path("services/<str:code>/", views.service_detail, name="service_detail"),
]
