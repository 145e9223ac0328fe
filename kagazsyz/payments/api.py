"""``POST /api/v1/payments/callback/{provider}``: a provider's signed report about a payment."""

from __future__ import annotations

from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Header, Router, Schema

from kagazsyz.payments.providers import SIGNATURE_HEADER
from kagazsyz.payments.services import payment_callback_receive

router = Router(tags=["payments"])


class CallbackOut(Schema):
    invoice: str
    status: str
    effect: str
    duplicate: bool


@router.post("/payments/callback/{provider}", auth=None, response=CallbackOut)
def payment_callback(
    request: HttpRequest,
    provider: str,
    signature: Annotated[str, Header(alias=SIGNATURE_HEADER)] = "",
) -> dict[str, Any]:
    """The raw body is what the signature covers: ``X-Kagazsyz-Signature: sha256=<hex of
    HMAC-SHA256(secret, body)>``. Delivering the same event again is answered as the first time."""
    result = payment_callback_receive(
        provider_code=provider[:20], body=request.body, signature=signature[:200]
    )
    return {
        "invoice": result.invoice,
        "status": result.status,
        "effect": result.effect,
        "duplicate": result.duplicate,
    }
