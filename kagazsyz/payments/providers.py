"""Payment providers behind one small interface, and the sandbox provider of the demo.

A provider takes the citizen to its checkout page, reports the outcome by calling back
``POST /api/v1/payments/callback/<provider>`` with a JSON body signed by HMAC-SHA256 of the raw
body under a shared secret (header ``X-Kagazsyz-Signature: sha256=<hex>``), and refunds.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import uuid
from typing import Any, Protocol

import httpx
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

SIGNATURE_HEADER = "X-Kagazsyz-Signature"


class ProviderError(Exception):
    """The provider did not do what was asked; ``retryable`` says whether a later try may."""

    def __init__(self, reason: str, *, retryable: bool) -> None:
        super().__init__(reason)
        self.retryable = retryable


class InvoiceLike(Protocol):
    pk: Any
    number: str
    amount_som: int


class PaymentProvider(Protocol):
    code: str

    def checkout_url(self, invoice: InvoiceLike) -> str:
        """Where the citizen pays."""
        ...

    def verify(self, body: bytes, signature: str) -> bool:
        """Whether ``signature`` (the header's value) authenticates ``body``."""
        ...

    def refund(self, invoice: InvoiceLike) -> str:
        """Give the fee back; return the provider's refund id. Must be idempotent per invoice."""
        ...


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def signature_matches(secret: str, body: bytes, signature: str) -> bool:
    return hmac.compare_digest(sign(secret, body), signature)


class SandboxProvider:
    """The demo's provider: a page of our own site with "pay" and "decline" buttons; the outcome
    comes back over HTTP, signed, like any provider's."""

    code = "sandbox"

    def __init__(self, secret: str) -> None:
        self.secret = secret

    def checkout_url(self, invoice: InvoiceLike) -> str:
        return reverse("payments:sandbox", args=[invoice.pk])

    def verify(self, body: bytes, signature: str) -> bool:
        return signature_matches(self.secret, body, signature)

    def refund(self, invoice: InvoiceLike) -> str:
        return f"sbx-refund-{invoice.number}"

    def callback_body(self, invoice: InvoiceLike, outcome: str) -> str:
        """The event the sandbox reports after the citizen pressed a button."""
        return json.dumps(
            {
                "event_id": f"sbx-evt-{uuid.uuid4().hex}",
                "payment_id": f"sbx-pay-{uuid.uuid4().hex[:16]}",
                "invoice": invoice.number,
                "outcome": outcome,
                "amount_som": invoice.amount_som,
                "occurred_at": timezone.now().isoformat(),
            }
        )

    def send_callback(self, url: str, body: str) -> int:
        """POST the signed event to ``url``; returns the status. Errors the provider would retry
        (network, 5xx) raise a retryable ``ProviderError``; a refusal raises a final one."""
        raw = body.encode()
        try:
            response = httpx.post(
                url,
                content=raw,
                headers={
                    "Content-Type": "application/json",
                    SIGNATURE_HEADER: sign(self.secret, raw),
                },
                timeout=settings.PAYMENTS_TIMEOUT_SECONDS,
            )
        except httpx.HTTPError as exc:
            raise ProviderError(f"callback to {url}: {exc!r}", retryable=True) from exc
        if response.status_code >= 500:
            raise ProviderError(f"callback answered {response.status_code}", retryable=True)
        if response.status_code >= 300:
            raise ProviderError(
                f"callback refused: {response.status_code} {response.text[:300]}", retryable=False
            )
        return response.status_code


def providers() -> dict[str, PaymentProvider]:
    """The providers this deployment accepts callbacks from."""
    found: dict[str, PaymentProvider] = {}
    if settings.PAYMENTS_SANDBOX:
        found["sandbox"] = SandboxProvider(settings.PAYMENTS_SANDBOX_SECRET)
    return found


def sandbox_provider() -> SandboxProvider | None:
    provider = providers().get("sandbox")
    return provider if isinstance(provider, SandboxProvider) else None
