"""``kagazsyz publish_catalogue``: record the catalogue in the ledger when it changed."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from kagazsyz.applications.services import catalogue_publish


class Command(BaseCommand):
    help = "Record the service catalogue (a digest per service) in the ledger if it changed."

    def handle(self, *args: Any, **options: Any) -> None:
        written = catalogue_publish()
        self.stdout.write("catalogue recorded in the ledger" if written else "catalogue unchanged")
