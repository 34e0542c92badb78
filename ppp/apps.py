from django.apps import AppConfig


class PppConfig(AppConfig):
    name = "ppp"
    verbose_name = "PPP platform"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from ppp import signals  # noqa: F401  (login audit hooks)
