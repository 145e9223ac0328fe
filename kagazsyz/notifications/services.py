"""Writes of notifications: the notice and its outbox rows (in the caller's transaction), the
delivery of one outbox row (in a worker), reading notices, and the citizen's contact settings."""

from __future__ import annotations

import re
import uuid
from typing import Any, Protocol

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from kagazsyz.accounts.models import User
from kagazsyz.core.errors import DomainError, Message
from kagazsyz.notifications.channels import DeliveryError, send_email, sms_gateway
from kagazsyz.notifications.models import Channel, Contact, Delivery, DeliveryStatus, Notice
from kagazsyz.notifications.texts import SIGNATURE, wording
from kagazsyz.tasks.services import task_enqueue

LANGUAGES = ("ky", "ru", "en")
# Tries of one delivery before it ends as failed; the queue spaces them 2, 4, 8, 16 s apart.
MAX_DELIVERY_ATTEMPTS = 5
PHONE = re.compile(r"^\+996\d{9}$")


class NotifiedApplication(Protocol):
    """What a notice needs of an application (kept structural: applications import this app)."""

    pk: Any
    number: str
    service_code: str
    citizen: User


def citizen_language(user: User) -> str:
    return user.language if user.language in LANGUAGES else "ky"


def notification_for_transition(application: NotifiedApplication, target: str) -> Notice:
    """Tell the citizen that ``application`` moved to ``target``: an inbox notice, and one outbox
    row per channel the citizen enabled, each with its delivery queued.

    Runs inside the transaction of the status change: the notice and its deliveries exist if and
    only if the change does.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("notification_for_transition must run inside the change's transaction")
    status = str(target)
    language = citizen_language(application.citizen)
    subject, body = wording(status, application.number, application.service_code, language)
    now = timezone.now()
    notice = Notice.objects.create(
        user=application.citizen,
        ref=application.number,
        kind=f"application.{status}",
        service_code=application.service_code,
        language=language,
        subject=subject,
        body=body,
        link=reverse("web:application", args=[application.pk]),
        created_at=now,
    )
    contact = Contact.objects.filter(user=application.citizen).first()
    for channel, address in _addresses(contact):
        delivery = Delivery.objects.create(
            notice=notice, channel=channel, address=address, created_at=now
        )
        task_enqueue(
            "notifications.deliver",
            delivery_id=delivery.pk,
            dedupe_key=f"notification-delivery:{delivery.pk}",
        )
    return notice


def _addresses(contact: Contact | None) -> list[tuple[str, str]]:
    if contact is None:
        return []
    found = []
    if contact.email_enabled and contact.email:
        found.append((Channel.EMAIL.value, contact.email))
    if contact.sms_enabled and contact.phone:
        found.append((Channel.SMS.value, contact.phone))
    return found


def _email_body(notice: Notice) -> str:
    link = settings.SITE_URL.rstrip("/") + notice.link if notice.link else ""
    return "\n\n".join(part for part in (notice.body, link, SIGNATURE.get(notice.language)) if part)


def _send(delivery: Delivery) -> str:
    notice = delivery.notice
    reference = f"kz-{delivery.pk}"
    if delivery.channel == Channel.EMAIL:
        return send_email(
            address=delivery.address,
            subject=notice.subject,
            body=_email_body(notice),
            reference=reference,
        )
    return sms_gateway().send(phone=delivery.address, text=notice.body, reference=reference)


def delivery_send(*, delivery_id: int) -> Delivery:
    """Try one outbox row once. Sent: done. A retryable failure leaves it pending (the caller, a
    task, asks the queue to try again later); a permanent one, or the last try, ends it failed.

    The channel is called outside any transaction (a slow gateway must hold no lock); the outcome
    is written only over a row still pending, so a late duplicate run changes nothing.
    """
    delivery = Delivery.objects.select_related("notice").get(pk=delivery_id)
    if delivery.status != DeliveryStatus.PENDING:
        return delivery
    try:
        provider_ref = _send(delivery)
    except DeliveryError as exc:
        attempts = delivery.attempts + 1
        final = not exc.retryable or attempts >= MAX_DELIVERY_ATTEMPTS
        fields: dict[str, Any] = {"attempts": attempts, "last_error": str(exc)[:2000]}
        if final:
            fields |= {"status": DeliveryStatus.FAILED, "finished_at": timezone.now()}
    else:
        fields = {
            "attempts": delivery.attempts + 1,
            "status": DeliveryStatus.SENT,
            "provider_ref": provider_ref[:200],
            "finished_at": timezone.now(),
        }
    Delivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.PENDING).update(**fields)
    delivery.refresh_from_db()
    return delivery


def notices_mark_read(*, user: User, notice_id: uuid.UUID | None = None) -> int:
    """Mark one of the user's notices (or all of them) read; returns how many changed."""
    unread = Notice.objects.filter(user=user, read_at__isnull=True)
    if notice_id is not None:
        unread = unread.filter(pk=notice_id)
    return unread.update(read_at=timezone.now())


BAD_EMAIL = Message(
    ky="Электрондук почтанын дареги туура эмес.",
    ru="Неверный адрес электронной почты.",
    en="The e-mail address is not valid.",
)
BAD_PHONE = Message(
    ky="Телефон номерин +996XXXXXXXXX түрүндө жазыңыз.",
    ru="Укажите номер телефона в виде +996XXXXXXXXX.",
    en="Write the phone number as +996XXXXXXXXX.",
)
NEEDS_EMAIL = Message(
    ky="Кат алуу үчүн электрондук почтаны жазыңыз.",
    ru="Чтобы получать письма, укажите адрес электронной почты.",
    en="Give an e-mail address to receive e-mails.",
)
NEEDS_PHONE = Message(
    ky="SMS алуу үчүн телефон номерин жазыңыз.",
    ru="Чтобы получать SMS, укажите номер телефона.",
    en="Give a phone number to receive SMS.",
)
EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]+$")


def _check_contact(email: str, phone: str, email_enabled: bool, sms_enabled: bool) -> None:
    problems: dict[str, Message] = {}
    if email and not (len(email) <= 254 and EMAIL.match(email)):
        problems["email"] = BAD_EMAIL
    elif email_enabled and not email:
        problems["email"] = NEEDS_EMAIL
    if phone and not PHONE.match(phone):
        problems["phone"] = BAD_PHONE
    elif sms_enabled and not phone:
        problems["phone"] = NEEDS_PHONE
    if problems:
        field, message = next(iter(problems.items()))
        raise DomainError(
            "invalid_contact",
            message,
            status=422,
            field=field,
            details={"errors": {name: text.as_dict() for name, text in problems.items()}},
        )


def contact_update(
    *,
    user: User,
    email: str,
    phone: str,
    email_enabled: bool,
    sms_enabled: bool,
    language: str | None = None,
) -> Contact:
    """Set where (and, with ``language``, in which language) the citizen is told about their
    applications. Later notices use it."""
    email = email.strip()
    phone = re.sub(r"[\s()-]", "", phone)
    _check_contact(email, phone, email_enabled, sms_enabled)
    if language in LANGUAGES and language != user.language:
        user.language = language
        user.save(update_fields=["language"])
    contact, _ = Contact.objects.update_or_create(
        user=user,
        defaults={
            "email": email,
            "phone": phone,
            "email_enabled": email_enabled,
            "sms_enabled": sms_enabled,
            "updated_at": timezone.now(),
        },
    )
    return contact
