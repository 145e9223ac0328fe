"""The inbox, the outbox and how a citizen wants to be told.

``Notice`` is what the citizen reads in the inbox (always written). ``Delivery`` is the outbox:
one row per notice per outside channel (e-mail, SMS), written in the same transaction as the
change it tells about, and carried out by a worker with retries.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q


class Contact(models.Model):
    """Where a citizen wants to be told about their applications. Kept here, not on the user:
    the identity provider knows nothing of it, and the citizen edits it freely."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_contact"
    )
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=16, blank=True)  # E.164, +996XXXXXXXXX
    email_enabled = models.BooleanField(default=False)
    sms_enabled = models.BooleanField(default=False)
    updated_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"contact of {self.user_id}"


class Notice(models.Model):
    """A message in the citizen's inbox, already worded in the citizen's language."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notices"
    )
    # The application number the notice is about; what the citizen needs, no personal data.
    ref = models.CharField(max_length=40)
    kind = models.CharField(max_length=60)  # "application.approved", ...
    service_code = models.CharField(max_length=10, blank=True)
    language = models.CharField(max_length=2)
    subject = models.CharField(max_length=200)
    body = models.TextField()
    link = models.CharField(max_length=200, blank=True)  # a path on this site
    created_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user", "-created_at"]),
            models.Index(
                fields=["user"], condition=Q(read_at__isnull=True), name="notice_unread_by_user"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.ref}"


class Channel(models.TextChoices):
    EMAIL = "email"
    SMS = "sms"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"


class Delivery(models.Model):
    """The outbox: one notice sent through one channel to the address known when it was written."""

    id = models.BigAutoField(primary_key=True)
    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="deliveries")
    channel = models.CharField(max_length=8, choices=Channel.choices)
    address = models.CharField(max_length=254)
    status = models.CharField(
        max_length=8, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    provider_ref = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["notice", "channel"], name="one_delivery_per_channel"),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "sent", "failed"]),
                name="delivery_status_known",
            ),
        ]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.channel} #{self.pk} {self.status}"
