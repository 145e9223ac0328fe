"""``kagazsyz outbox [--status failed]``: the e-mail and SMS outbox, newest first."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from kagazsyz.core.arguments import POSITIVE
from kagazsyz.notifications.models import Delivery, DeliveryStatus

ROW = "{id:>8} {channel:<6} {status:<8} {attempts:>5} {ref:<16} {created:<25} {error}"


class Command(BaseCommand):
    help = "List outbox deliveries (e-mail, SMS) with their status and last error."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--status", choices=DeliveryStatus.values)
        parser.add_argument("--limit", type=POSITIVE, default=50)

    def handle(self, *args: Any, **options: Any) -> None:
        deliveries = Delivery.objects.select_related("notice").order_by("-id")
        if options["status"]:
            deliveries = deliveries.filter(status=options["status"])
        self.stdout.write(
            ROW.format(
                id="id",
                channel="chan.",
                status="status",
                attempts="tries",
                ref="application",
                created="written",
                error="last error",
            )
        )
        for delivery in deliveries[: options["limit"]]:
            self.stdout.write(
                ROW.format(
                    id=delivery.pk,
                    channel=delivery.channel,
                    status=delivery.status,
                    attempts=delivery.attempts,
                    ref=delivery.notice.ref,
                    created=delivery.created_at.isoformat(timespec="seconds"),
                    error=delivery.last_error.splitlines()[0][:80] if delivery.last_error else "",
                )
            )
