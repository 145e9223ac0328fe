"""The life of an invoice as a table, and what a provider's callback does to it. Pure."""

from __future__ import annotations

from enum import StrEnum


class InvoiceStatus(StrEnum):
    OPEN = "open"
    PAID = "paid"
    REFUND_PENDING = "refund_pending"
    REFUNDED = "refunded"
    CANCELLED = "cancelled"


S = InvoiceStatus
TRANSITIONS: dict[InvoiceStatus, frozenset[InvoiceStatus]] = {
    S.OPEN: frozenset({S.PAID, S.CANCELLED}),
    S.PAID: frozenset({S.REFUND_PENDING}),
    S.REFUND_PENDING: frozenset({S.REFUNDED}),
    S.REFUNDED: frozenset(),
    S.CANCELLED: frozenset(),
}


class Effect(StrEnum):
    """What an authentic callback about an invoice does."""

    CONFIRM = "confirmed"  # open -> paid; the application goes on
    FAILURE = "failed"  # a failed attempt on an open invoice: recorded, the invoice stays open
    IGNORE = "ignored"  # late or repeated news about a settled invoice: recorded, no change
    UNEXPECTED = "unexpected"  # money for an invoice that was settled otherwise: for reconciliation


def can_move(current: InvoiceStatus, target: InvoiceStatus) -> bool:
    return target in TRANSITIONS[current]


def callback_effect(
    current: InvoiceStatus, outcome: str, *, payment_id: str, paid_by: str
) -> Effect:
    """``outcome`` is the provider's ``succeeded`` or ``failed`` for payment ``payment_id``;
    ``paid_by`` is the payment that settled the invoice ("" while open)."""
    if outcome == "failed":
        return Effect.FAILURE if current == S.OPEN else Effect.IGNORE
    if current == S.OPEN:
        return Effect.CONFIRM
    if payment_id == paid_by:
        return Effect.IGNORE
    return Effect.UNEXPECTED
