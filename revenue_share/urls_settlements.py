"""Pages of the settlements, to be included in revenue_share/urls.py (namespace "revenue_share")."""

from django.urls import path

from revenue_share import views_settlements as views

urlpatterns = [
    path("settlements/", views.settlement_list, name="settlement_list"),
    path("contracts/<int:pk>/settlements/", views.settlement_contract, name="settlement_contract"),
    path("settlements/<int:pk>/", views.settlement_detail, name="settlement_detail"),
    path("settlements/<int:pk>/approve/", views.settlement_approve, name="settlement_approve"),
    path("settlements/<int:pk>/payments/", views.settlement_payment, name="settlement_payment"),
]
