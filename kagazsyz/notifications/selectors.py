"""Reads of notifications, always for the user who asks."""

from __future__ import annotations

from django.db.models import QuerySet

from kagazsyz.accounts.models import User
from kagazsyz.notifications.models import Contact, Notice
from kagazsyz.notifications.texts import STATUS_NAMES, wording


def notices_for_user(*, user: User) -> QuerySet[Notice]:
    return (
        Notice.objects.filter(user=user)
        .prefetch_related("deliveries")
        .order_by("-created_at", "-id")
    )


def notice_wording(notice: Notice, language: str) -> tuple[str, str]:
    """A notice's subject and text in the reader's current language (the e-mail and SMS went
    out in the language the citizen chose for messages)."""
    status = notice.kind.removeprefix("application.")
    if notice.language == language or status not in STATUS_NAMES:
        return notice.subject, notice.body
    return wording(status, notice.ref, notice.service_code, language)


def unread_count(*, user: User) -> int:
    return Notice.objects.filter(user=user, read_at__isnull=True).count()


def contact_for_user(*, user: User) -> Contact | None:
    return Contact.objects.filter(user=user).first()
