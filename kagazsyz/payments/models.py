"""State fees: one invoice per paid application, and every provider callback accepted."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from kagazsyz.payments.states import InvoiceStatus

STATUS_CHOICES = [(status.value, status.value) for status in InvoiceStatus]


class Invoice(models.Model):
    """The fee of one application, in whole som. ``id`` is in URLs; ``number`` is for people."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    number = models.CharField(max_length=24, unique=True)
    application = models.OneToOneField(
        "applications.Application", on_delete=models.PROTECT, related_name="invoice"
    )
    citizen = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="invoices"
    )
    service_code = models.CharField(max_length=10)
    amount_som = models.PositiveIntegerField()
    provider = models.CharField(max_length=20)
    status = models.CharField(max_length=16, choices=STATUS_CHOICES, default=InvoiceStatus.OPEN)
    payment_ref = models.CharField(max_length=100, blank=True)  # the provider's payment id
    refund_ref = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField()
    paid_at = models.DateTimeField(null=True, blank=True)
    refunded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(amount_som__gt=0), name="invoice_amount_positive"),
            models.CheckConstraint(
                condition=Q(status__in=[status.value for status in InvoiceStatus]),
                name="invoice_status_known",
            ),
        ]

    def __str__(self) -> str:
        return self.number


class ProviderEvent(models.Model):
    """An authentic callback, stored once per (provider, event id): a repeated delivery of the
    same event finds this row and changes nothing."""

    id = models.BigAutoField(primary_key=True)
    provider = models.CharField(max_length=20)
    event_id = models.CharField(max_length=100)
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="events")
    payment_id = models.CharField(max_length=100)
    outcome = models.CharField(max_length=12)  # the provider's: succeeded / failed
    effect = models.CharField(max_length=12)  # ours: states.Effect
    body_sha256 = models.CharField(max_length=64)
    received_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["provider", "event_id"], name="one_row_per_event")
        ]

    def __str__(self) -> str:
        return f"{self.provider}:{self.event_id} {self.effect}"
