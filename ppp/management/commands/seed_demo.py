"""Load the demo organisations and one user per role (idempotent), and print the logins."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from ppp import demo


class Command(BaseCommand):
    help = "Create the demo agency, reviewing body, two vendors and one user per role."

    def handle(self, *args: Any, **options: Any) -> None:
        users = demo.seed()
        self.stdout.write(self.style.SUCCESS("Demo data ready. Sign in at http://127.0.0.1:8000/login/ as:"))
        for spec in users:
            roles = ", ".join(str(role) for role in spec.roles)
            self.stdout.write(f"  {spec.username:<14} {spec.password:<24} {roles}")
