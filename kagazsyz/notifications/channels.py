"""The outside channels: e-mail through Django's e-mail backends, SMS through a gateway.

Each channel raises ``DeliveryError`` saying whether trying again can help. The SMS gateway is a
small protocol: the demo writes to the console or a file, production plugs in an HTTP gateway.
"""

from __future__ import annotations

import json
import logging
import smtplib
import threading
from pathlib import Path
from typing import Protocol

import httpx
from django.conf import settings
from django.core.mail import EmailMessage
from django.utils import timezone

log = logging.getLogger(__name__)


class DeliveryError(Exception):
    """A channel could not take the message. ``retryable``: whether a later try may succeed."""

    def __init__(self, reason: str, *, retryable: bool) -> None:
        super().__init__(reason)
        self.retryable = retryable


class SmsGateway(Protocol):
    def send(self, *, phone: str, text: str, reference: str) -> str:
        """Hand the text to the gateway; return the gateway's id for it (may be "")."""
        ...


class ConsoleSmsGateway:
    """Demo: the SMS is logged, nothing leaves the machine."""

    def send(self, *, phone: str, text: str, reference: str) -> str:
        log.info("SMS to %s [%s]: %s", phone, reference, text)
        return f"console:{reference}"


class FileSmsGateway:
    """Demo and tests: one JSON line per SMS appended to a file (like Django's file e-mail backend)."""

    _lock = threading.Lock()

    def __init__(self, path: Path) -> None:
        self.path = path

    def send(self, *, phone: str, text: str, reference: str) -> str:
        line = json.dumps(
            {"at": timezone.now().isoformat(), "to": phone, "text": text, "reference": reference},
            ensure_ascii=False,
        )
        try:
            with self._lock, self.path.open("a", encoding="utf-8") as out:
                out.write(line + "\n")
        except OSError as exc:
            raise DeliveryError(f"SMS file {self.path}: {exc}", retryable=True) from exc
        return f"file:{reference}"


class HttpSmsGateway:
    """An SMS gateway reached over HTTP: ``POST url`` with JSON ``{to, text, reference}`` and a
    bearer token; a 2xx answer may carry ``{"id": ...}``. 5xx, 429 and network errors are
    retryable; other refusals (a bad number, a bad token) are not."""

    def __init__(self, url: str, token: str, timeout_seconds: float = 5.0) -> None:
        self.url = url
        self.token = token
        self.timeout = timeout_seconds

    def send(self, *, phone: str, text: str, reference: str) -> str:
        try:
            response = httpx.post(
                self.url,
                json={"to": phone, "text": text, "reference": reference},
                headers={"Authorization": f"Bearer {self.token}"},
                timeout=self.timeout,
            )
        except httpx.HTTPError as exc:
            raise DeliveryError(f"SMS gateway: {exc!r}", retryable=True) from exc
        if response.status_code >= 500 or response.status_code == 429:
            raise DeliveryError(f"SMS gateway answered {response.status_code}", retryable=True)
        if response.status_code >= 300:
            raise DeliveryError(f"SMS gateway refused: {response.status_code}", retryable=False)
        try:
            return str(response.json().get("id", ""))[:200]
        except (ValueError, AttributeError):
            return ""


def sms_gateway() -> SmsGateway:
    """The gateway the settings choose (``SMS_BACKEND``: console, file or http)."""
    backend = settings.SMS_BACKEND
    if backend == "file":
        return FileSmsGateway(Path(settings.SMS_FILE_PATH))
    if backend == "http":
        return HttpSmsGateway(
            settings.SMS_HTTP_URL, settings.SMS_HTTP_TOKEN, settings.SMS_TIMEOUT_SECONDS
        )
    return ConsoleSmsGateway()


def send_email(*, address: str, subject: str, body: str, reference: str) -> str:
    """Send through ``EMAIL_BACKEND``. The Message-ID is fixed per delivery, so a message sent
    again after a crash is recognisable as the same one."""
    message_id = f"<{reference}@kagazsyz.kg>"
    message = EmailMessage(
        subject=subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[address],
        headers={"Message-ID": message_id},
    )
    try:
        message.send(fail_silently=False)
    except smtplib.SMTPRecipientsRefused as exc:
        raise DeliveryError(f"e-mail refused: {exc}", retryable=False) from exc
    except (smtplib.SMTPException, OSError) as exc:
        raise DeliveryError(f"e-mail: {exc!r}", retryable=True) from exc
    return message_id
