"""``kagazsyz office escalate [--every SECONDS]`` asks the task queue for the deadline sweep
(periodically with --every: the scheduler process of a deployment); ``kagazsyz office totp PIN``
prints a demo official's current one-time code (sandbox only)."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from kagazsyz.accounts.models import TotpDevice
from kagazsyz.accounts.totp import totp_code
from kagazsyz.core.arguments import seconds
from kagazsyz.office.tasks import ESCALATE_TASK
from kagazsyz.tasks.services import task_enqueue


class Command(BaseCommand):
    help = "Back office: schedule the deadline sweep, or show a demo official's TOTP code."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        escalate = sub.add_parser("escalate", help="enqueue the sweep of breached deadlines")
        escalate.add_argument(
            "--every", type=seconds, default=0.0, help="keep enqueueing every SECONDS"
        )
        totp = sub.add_parser("totp", help="print the current TOTP code of a demo official")
        totp.add_argument("personal_number")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "totp":
            self._totp(options["personal_number"])
            return
        while True:
            with transaction.atomic():
                task_enqueue(ESCALATE_TASK, dedupe_key="office:escalate_breaches")
            if options["every"] <= 0:
                self.stdout.write("deadline sweep enqueued")
                return
            try:
                time.sleep(options["every"])
            except KeyboardInterrupt:
                return

    def _totp(self, personal_number: str) -> None:
        if not settings.SANDBOX_LOGIN:
            raise CommandError("demo codes are printed only where sandbox log-in is on")
        device = TotpDevice.objects.filter(user__personal_number=personal_number).first()
        if device is None:
            raise CommandError("no TOTP device for this personal number")
        self.stdout.write(totp_code(device.secret, time.time()))
