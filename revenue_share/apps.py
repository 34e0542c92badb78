from django.apps import AppConfig


class RevenueShareConfig(AppConfig):
    name = "revenue_share"
    default_auto_field = "django.db.models.BigAutoField"
