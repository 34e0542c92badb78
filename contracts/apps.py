from django.apps import AppConfig


class ContractsConfig(AppConfig):
    name = "contracts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from contracts import documents  # noqa: F401 - registers the document kinds
        from contracts.selectors import sealed_bid_entries
        from ppp import audit

        # Before opening, the audit log must not reveal that a bid exists (DOMAIN.md: sealing).
        audit.register_seal(sealed_bid_entries)
