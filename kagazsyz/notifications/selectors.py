"""Reads of notifications, always for the user who asks."""

from __future__ import annotations

from django.db.models import QuerySet

from kagazsyz.accounts.models import User
from kagazsyz.notifications.models import Contact, Notice


def notices_for_user(*, user: User) -> QuerySet[Notice]:
    return Notice.objects.filter(user=user).order_by("-created_at", "-id")


def unread_count(*, user: User) -> int:
    return Notice.objects.filter(user=user, read_at__isnull=True).count()


def contact_for_user(*, user: User) -> Contact | None:
    return Contact.objects.filter(user=user).first()
