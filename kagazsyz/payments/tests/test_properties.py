"""Properties of the invoice's state machine, over the real services and database.

Whatever sequence of callbacks (repeated, reordered, forged, with wrong amounts, reusing event
ids), refusals and refund runs arrives, the invoice only moves along its table, each effect is
the one the pure table predicts, the application is carried on at most once, and a refused
callback leaves nothing behind.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kagazsyz.accounts.models import User
from kagazsyz.applications.models import Status
from kagazsyz.core.errors import DomainError
from kagazsyz.ledger.models import Entry
from kagazsyz.payments.models import Invoice, ProviderEvent
from kagazsyz.payments.services import (
    invoice_refund,
    payment_callback_receive,
    payment_for_transition,
)
from kagazsyz.payments.states import (
    TRANSITIONS,
    Effect,
    InvoiceStatus,
    callback_effect,
    can_move,
)
from kagazsyz.payments.tests.conftest import ID_CARD_EXCHANGE, signed
from kagazsyz.tasks.models import Task

callbacks = st.tuples(
    st.just("callback"),
    st.sampled_from(["succeeded", "failed"]),
    st.integers(0, 2),  # which payment
    st.integers(0, 4),  # which event id (repeats are duplicates or reuses)
    st.sampled_from([None, None, None, "signature", "amount"]),
)
operations = st.lists(st.one_of(callbacks, st.just(("refuse",)), st.just(("refund",))), max_size=14)


class _Rollback(Exception):
    pass


@pytest.fixture
def invoice(chip_holder: User, submit: Any) -> Invoice:
    application = submit(citizen=chip_holder, service_code="ID-02", answers=ID_CARD_EXCHANGE)
    return Invoice.objects.select_related("application").get(application=application)


def _counts(invoice: Invoice) -> tuple[int, int, int]:
    return (
        ProviderEvent.objects.filter(invoice=invoice).count(),
        Entry.objects.filter(ref=invoice.application.number, kind__startswith="payment.").count(),
        Task.objects.filter(name="payments.proceed").count(),
    )


def _callback(invoice: Invoice, op: tuple[Any, ...], sent: dict[str, bytes]) -> None:
    _, outcome, payment, event, flaw = op
    report = {
        "event_id": f"evt-{event}",
        "payment_id": f"pay-{payment}",
        "invoice": invoice.number,
        "outcome": outcome,
        "amount_som": invoice.amount_som + (1 if flaw == "amount" else 0),
    }
    body, signature = signed(report, secret="forged" if flaw == "signature" else None)
    before = (invoice.status, _counts(invoice))
    reused = report["event_id"] in sent and sent[report["event_id"]] != body
    if flaw or reused:
        with pytest.raises(DomainError):
            payment_callback_receive(provider_code="sandbox", body=body, signature=signature)
        invoice.refresh_from_db()
        assert (invoice.status, _counts(invoice)) == before
        return
    duplicate = report["event_id"] in sent
    expected = callback_effect(
        InvoiceStatus(invoice.status),
        outcome,
        payment_id=report["payment_id"],
        paid_by=invoice.payment_ref,
    )
    result = payment_callback_receive(provider_code="sandbox", body=body, signature=signature)
    assert result.duplicate is duplicate
    if not duplicate:
        assert result.effect == expected.value
        sent[report["event_id"]] = body


def _step(invoice: Invoice, op: tuple[Any, ...], sent: dict[str, bytes]) -> None:
    if op[0] == "callback":
        _callback(invoice, op, sent)
    elif op[0] == "refuse":
        with transaction.atomic():
            payment_for_transition(invoice.application, Status.REJECTED)
    else:
        invoice_refund(invoice_id=invoice.pk)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ops=operations)
def test_the_invoice_only_moves_along_its_table(invoice: Invoice, ops: list[Any]) -> None:
    try:
        with transaction.atomic():
            invoice.refresh_from_db()
            sent: dict[str, bytes] = {}
            for op in ops:
                previous = InvoiceStatus(invoice.status)
                _step(invoice, op, sent)
                invoice.refresh_from_db()
                current = InvoiceStatus(invoice.status)
                assert current == previous or can_move(previous, current), (previous, current)
                confirmed = Entry.objects.filter(
                    ref=invoice.application.number, kind="payment.confirmed"
                ).count()
                assert confirmed == (
                    0 if current in {InvoiceStatus.OPEN, InvoiceStatus.CANCELLED} else 1
                )
                assert Task.objects.filter(name="payments.proceed").count() == confirmed
                assert ProviderEvent.objects.filter(invoice=invoice).count() == len(sent)
            raise _Rollback
    except _Rollback:
        pass


def test_the_table_has_no_way_back_to_open() -> None:
    for targets in TRANSITIONS.values():
        assert InvoiceStatus.OPEN not in targets


@given(
    status=st.sampled_from(list(InvoiceStatus)),
    outcome=st.sampled_from(["succeeded", "failed"]),
    payment=st.sampled_from(["a", "b"]),
)
def test_only_a_success_on_an_open_invoice_confirms(
    status: InvoiceStatus, outcome: str, payment: str
) -> None:
    paid_by = "" if status in {InvoiceStatus.OPEN, InvoiceStatus.CANCELLED} else "a"
    effect = callback_effect(status, outcome, payment_id=payment, paid_by=paid_by)
    assert (effect == Effect.CONFIRM) == (status == InvoiceStatus.OPEN and outcome == "succeeded")
    if outcome == "failed":
        assert effect in {Effect.FAILURE, Effect.IGNORE}
