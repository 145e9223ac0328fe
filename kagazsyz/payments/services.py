"""Writes of state fees: the invoice (in the decision's transaction), provider callbacks, refunds.

Every change of an invoice runs in one transaction with its ledger entry. Ledger payloads name
invoice and application numbers and amounts, never people.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any, Literal

from django.db import IntegrityError, transaction
from django.utils import timezone
from pydantic import BaseModel, ConfigDict, Field, StrictInt, ValidationError

from kagazsyz.applications.models import Application, Status
from kagazsyz.catalog.loader import get_catalog
from kagazsyz.core.errors import DomainError, Message
from kagazsyz.ledger.services import ledger_append
from kagazsyz.payments.models import Invoice, ProviderEvent
from kagazsyz.payments.providers import providers, sandbox_provider
from kagazsyz.payments.states import Effect, InvoiceStatus, callback_effect, can_move
from kagazsyz.tasks.services import task_enqueue

UNKNOWN_PROVIDER = Message(
    ky="Мындай төлөм провайдери жок.",
    ru="Такого платёжного провайдера нет.",
    en="There is no such payment provider.",
)
BAD_SIGNATURE = Message(
    ky="Кол тамга туура эмес: билдирүү кабыл алынган жок.",
    ru="Неверная подпись: уведомление не принято.",
    en="The signature does not match: the callback was not accepted.",
)
MALFORMED = Message(
    ky="Билдирүүнүн түзүлүшү туура эмес: {where}.",
    ru="Неверная структура уведомления: {where}.",
    en="The callback is malformed: {where}.",
)
UNKNOWN_INVOICE = Message(
    ky="«{number}» деген эсеп жок.",
    ru="Счёта «{number}» не существует.",
    en="There is no invoice {number!r}.",
)
WRONG_AMOUNT = Message(
    ky="Сумма туура эмес: эсеп {expected} сом, билдирүүдө {got} сом.",
    ru="Неверная сумма: счёт на {expected} сом, в уведомлении {got} сом.",
    en="Wrong amount: the invoice is for {expected} som, the callback says {got} som.",
)
EVENT_REUSED = Message(
    ky="Бул окуянын идентификатору башка мазмун менен колдонулган.",
    ru="Этот идентификатор события уже использован с другим содержимым.",
    en="This event id was already used with a different body.",
)
NOT_OPEN = Message(
    ky="Бул эсеп төлөнүүнү күтпөйт (абалы: «{status}»).",
    ru="Этот счёт не ожидает оплаты (состояние: «{status}»).",
    en="This invoice is not awaiting payment (its status is {status}).",
)


class CallbackBody(BaseModel):
    """A provider's report about one payment of one invoice."""

    model_config = ConfigDict(extra="ignore")

    event_id: str = Field(min_length=1, max_length=100)
    payment_id: str = Field(min_length=1, max_length=100)
    invoice: str = Field(min_length=1, max_length=24)
    outcome: Literal["succeeded", "failed"]
    amount_som: StrictInt = Field(ge=0)


@dataclass(frozen=True)
class CallbackResult:
    invoice: str
    status: str
    effect: str
    duplicate: bool


def _ledger(invoice: Invoice, kind: str, **extra: Any) -> None:
    ledger_append(
        ref=invoice.application.number,
        kind=f"payment.{kind}",
        payload={
            "invoice": invoice.number,
            "application": invoice.application.number,
            "amount_som": invoice.amount_som,
            "provider": invoice.provider,
            "status": invoice.status,
            **extra,
        },
    )


def _set_status(invoice: Invoice, target: InvoiceStatus, **fields: Any) -> None:
    current = InvoiceStatus(invoice.status)
    if not can_move(current, target):
        raise RuntimeError(f"invoice {invoice.number}: {current} -> {target} is not allowed")
    invoice.status = target
    for name, value in fields.items():
        setattr(invoice, name, value)
    invoice.save(update_fields=["status", *fields])


def invoice_issue(*, application: Application, amount_som: int) -> Invoice:
    """The fee of ``application``, payable now. Runs in the transaction that moves the
    application to awaiting payment."""
    provider = next(iter(providers()), "sandbox")
    invoice = Invoice.objects.create(
        number=f"{application.number}-F",
        application=application,
        citizen=application.citizen,
        service_code=application.service_code,
        amount_som=amount_som,
        provider=provider,
        created_at=timezone.now(),
    )
    _ledger(invoice, "invoiced")
    return invoice


def payment_for_transition(application: Application, target: str) -> None:
    """Settle the fee of an application that ends without its service: an unpaid invoice is
    cancelled; a paid one is refunded when the agency refuses and the service's rules say so.
    Runs in the transaction of the status change."""
    if target not in {Status.REJECTED, Status.WITHDRAWN}:
        return
    invoice = Invoice.objects.select_for_update().filter(application=application).first()
    if invoice is None:
        return
    invoice.application = application
    if invoice.status == InvoiceStatus.OPEN:
        _set_status(invoice, InvoiceStatus.CANCELLED)
        _ledger(invoice, "cancelled")
        return
    service = get_catalog().service(application.service_code)
    refundable = service is None or service.refund_on_refusal
    if invoice.status == InvoiceStatus.PAID and target == Status.REJECTED and refundable:
        _set_status(invoice, InvoiceStatus.REFUND_PENDING)
        _ledger(invoice, "refund_requested")
        task_enqueue(
            "payments.refund", invoice_id=str(invoice.pk), dedupe_key=f"refund:{invoice.pk}"
        )


def _parse(body: bytes) -> CallbackBody:
    try:
        return CallbackBody.model_validate_json(body)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "body"
        raise DomainError(
            "malformed_callback", MALFORMED.format(where=f"{where}: {first['msg']}"), status=400
        ) from None


def _authentic(provider_code: str, body: bytes, signature: str) -> CallbackBody:
    provider = providers().get(provider_code)
    if provider is None:
        raise DomainError("unknown_provider", UNKNOWN_PROVIDER, status=404)
    if not provider.verify(body, signature):
        raise DomainError("bad_signature", BAD_SIGNATURE, status=401)
    return _parse(body)


def _apply(invoice: Invoice, event: CallbackBody, effect: Effect) -> None:
    details = {"payment": event.payment_id, "event": event.event_id}
    if effect == Effect.CONFIRM:
        _set_status(
            invoice, InvoiceStatus.PAID, payment_ref=event.payment_id, paid_at=timezone.now()
        )
        _ledger(invoice, "confirmed", **details)
        task_enqueue(
            "payments.proceed",
            application_id=str(invoice.application_id),
            dedupe_key=f"application:{invoice.application_id}:after-payment",
        )
    elif effect == Effect.FAILURE:
        _ledger(invoice, "failed", **details)
    elif effect == Effect.UNEXPECTED:
        _ledger(invoice, "unexpected", **details)


def payment_callback_receive(*, provider_code: str, body: bytes, signature: str) -> CallbackResult:
    """Apply a provider's signed report, once. The same event again answers as the first time
    did and changes nothing; a bad signature, a malformed body, an unknown invoice or a wrong
    amount is refused and leaves nothing stored."""
    event = _authentic(provider_code, body, signature)
    digest = hashlib.sha256(body).hexdigest()
    try:
        with transaction.atomic():
            return _receive(provider_code, event, digest)
    except IntegrityError:
        # The same event, delivered twice at once: the other delivery stored it first.
        with transaction.atomic():
            return _receive(provider_code, event, digest)


def _receive(provider_code: str, event: CallbackBody, digest: str) -> CallbackResult:
    # The invoice's row lock orders every callback about it, so the check for an earlier
    # delivery of this event below sees any that committed before.
    invoice = (
        Invoice.objects.select_for_update()
        .select_related("application")
        .filter(number=event.invoice)
        .first()
    )
    if invoice is None:
        raise DomainError(
            "unknown_invoice", UNKNOWN_INVOICE.format(number=event.invoice), status=404
        )
    seen = ProviderEvent.objects.filter(provider=provider_code, event_id=event.event_id).first()
    if seen is not None:
        if seen.body_sha256 != digest or seen.invoice_id != invoice.pk:
            raise DomainError("event_reused", EVENT_REUSED, status=409)
        return CallbackResult(invoice.number, invoice.status, seen.effect, duplicate=True)
    if event.amount_som != invoice.amount_som:
        raise DomainError(
            "wrong_amount",
            WRONG_AMOUNT.format(expected=invoice.amount_som, got=event.amount_som),
            status=422,
        )
    effect = callback_effect(
        InvoiceStatus(invoice.status),
        event.outcome,
        payment_id=event.payment_id,
        paid_by=invoice.payment_ref,
    )
    _apply(invoice, event, effect)
    ProviderEvent.objects.create(
        provider=provider_code,
        event_id=event.event_id,
        invoice=invoice,
        payment_id=event.payment_id,
        outcome=event.outcome,
        effect=effect.value,
        body_sha256=digest,
        received_at=timezone.now(),
    )
    return CallbackResult(invoice.number, invoice.status, effect.value, duplicate=False)


def invoice_refund(*, invoice_id: Any) -> Invoice:
    """Ask the provider to give the fee back, then record it. Safe to call again."""
    invoice = Invoice.objects.select_related("application").get(pk=invoice_id)
    if invoice.status != InvoiceStatus.REFUND_PENDING:
        return invoice
    provider = providers().get(invoice.provider)
    if provider is None:
        raise DomainError("unknown_provider", UNKNOWN_PROVIDER, status=404)
    refund_ref = provider.refund(invoice)  # ProviderError propagates: the queue retries
    with transaction.atomic():
        locked = (
            Invoice.objects.select_for_update().select_related("application").get(pk=invoice.pk)
        )
        if locked.status != InvoiceStatus.REFUND_PENDING:
            return locked
        _set_status(
            locked, InvoiceStatus.REFUNDED, refund_ref=refund_ref[:100], refunded_at=timezone.now()
        )
        _ledger(locked, "refunded", refund=locked.refund_ref)
    return locked


def sandbox_checkout(*, invoice: Invoice, outcome: Literal["succeeded", "failed"]) -> str:
    """The sandbox provider's side of a button press: its signed report, sent to our callback
    over HTTP by a worker (retried while our side does not answer). Returns the event body."""
    provider = sandbox_provider()
    if provider is None:
        raise DomainError("unknown_provider", UNKNOWN_PROVIDER, status=404)
    if invoice.status != InvoiceStatus.OPEN:
        raise DomainError("invoice_not_open", NOT_OPEN.format(status=invoice.status), status=409)
    body = provider.callback_body(invoice, outcome)
    with transaction.atomic():
        task_enqueue("payments.sandbox_callback", body=body)
    return body
