from django.apps import AppConfig


class RevenueShareConfig(AppConfig):
    name = "revenue_share"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from revenue_share import (
            documents,  # noqa: F401 - registers the settlement statement document
            services,  # noqa: F401 - registers the "revenue_share.import" job
        )
