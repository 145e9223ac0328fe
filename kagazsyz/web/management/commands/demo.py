"""``kagazsyz demo logins``: what a person needs to try the demo."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from kagazsyz.registries.sandbox.selectors import sample_residents


class Command(BaseCommand):
    help = "Print the demo log-ins."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("what", choices=["logins"])

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(
            "Demo log-ins (sandbox identity provider: log in with the PIN at /login/):"
        )
        for person in sample_residents():
            self.stdout.write(
                f"  {person['personal_number']}  {person['full_name']:<40}  {person['role']}"
            )
        self.stdout.write(
            'API: POST /api/v1/sandbox/login {"personal_number": …} gives a bearer token.'
        )
