"""Load the demo organisations and one user per role (idempotent), and print the logins."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.test.utils import override_settings
from django.utils import translation

from contracts import demo as contracts_demo
from costing import demo as costing_demo
from ppp import demo
from ppp.models import Organisation, User
from revenue_share import demo as revenue_share_demo


class Command(BaseCommand):
    help = "Create the demo agency, reviewing body, two vendors and one user per role."

    def handle(self, *args: Any, **options: Any) -> None:
        # The demo's own submissions and approvals would otherwise print their emails to the console.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            self._seed()

    def _seed(self) -> None:
        users = demo.seed()
        agency = Organisation.objects.get(tax_code=demo.AGENCY_TAX_CODE)
        # The demo is a Vietnamese agency's work: what the services name (options, notifications)
        # is named in Vietnamese, whatever language the command runs in.
        with translation.override("vi"):
            models = costing_demo.seed(
                agency=agency,
                finance=User.objects.get(username="finance"),
                approver=User.objects.get(username="approver"),
            )
            tenders = contracts_demo.seed(agency=agency)
            settled = revenue_share_demo.seed(agency=agency)
        for name in models:
            self.stdout.write(f"Cost model created: {name}")
        for tender in tenders:
            self.stdout.write(f"Tender created: {tender.reference} {tender.title}")
        if settled:
            self.stdout.write("Settlement statements created: January to November 2026")
        login = f"{settings.SITE_URL.rstrip('/')}/login/"
        self.stdout.write(self.style.SUCCESS(f"Demo data ready. Sign in at {login} as:"))
        for spec in users:
            roles = ", ".join(str(role) for role in spec.roles)
            self.stdout.write(f"  {spec.username:<14} {spec.password:<24} {roles}")
