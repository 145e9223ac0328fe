"""``kagazsyz invoices [--status paid]``: state-fee invoices, newest first."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from kagazsyz.core.arguments import POSITIVE
from kagazsyz.payments.models import Invoice
from kagazsyz.payments.states import InvoiceStatus

ROW = "{number:<20} {status:<15} {amount:>8} {provider:<10} {created:<25} {payment}"


class Command(BaseCommand):
    help = "List state-fee invoices with their status and the provider's payment id."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--status", choices=[status.value for status in InvoiceStatus])
        parser.add_argument("--limit", type=POSITIVE, default=50)

    def handle(self, *args: Any, **options: Any) -> None:
        invoices = Invoice.objects.order_by("-created_at")
        if options["status"]:
            invoices = invoices.filter(status=options["status"])
        self.stdout.write(
            ROW.format(
                number="invoice",
                status="status",
                amount="som",
                provider="provider",
                created="issued",
                payment="payment",
            )
        )
        for invoice in invoices[: options["limit"]]:
            self.stdout.write(
                ROW.format(
                    number=invoice.number,
                    status=invoice.status,
                    amount=invoice.amount_som,
                    provider=invoice.provider,
                    created=invoice.created_at.isoformat(timespec="seconds"),
                    payment=invoice.payment_ref,
                )
            )
