"""The provider's callback: authentic, idempotent, and all-or-nothing."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from kagazsyz.accounts.models import User
from kagazsyz.ledger.models import Entry
from kagazsyz.payments.models import Invoice, ProviderEvent
from kagazsyz.payments.states import InvoiceStatus
from kagazsyz.payments.tests.conftest import ID_CARD_EXCHANGE, event, signed
from kagazsyz.tasks.models import Task

CALLBACK = "/api/v1/payments/callback/sandbox"


@pytest.fixture
def invoice(chip_holder: User, submit: Any) -> Invoice:
    application = submit(citizen=chip_holder, service_code="ID-02", answers=ID_CARD_EXCHANGE)
    return Invoice.objects.select_related("application").get(application=application)


def _post(client: Client, body: bytes, signature: str, provider: str = "sandbox") -> Any:
    return client.post(
        f"/api/v1/payments/callback/{provider}",
        body,
        content_type="application/json",
        HTTP_X_KAGAZSYZ_SIGNATURE=signature,
    )


def _stored(invoice: Invoice) -> tuple[str, int, int, int]:
    invoice.refresh_from_db()
    return (
        invoice.status,
        ProviderEvent.objects.filter(invoice=invoice).count(),
        Entry.objects.filter(ref=invoice.application.number, kind__startswith="payment.").count(),
        Task.objects.filter(name="payments.proceed").count(),
    )


def test_a_repeated_callback_is_answered_as_the_first_and_changes_nothing(
    invoice: Invoice, client: Client
) -> None:
    body, signature = signed(event(invoice))
    first = _post(client, body, signature)
    after_first = _stored(invoice)
    second = _post(client, body, signature)
    assert first.status_code == second.status_code == 200
    assert first.json() == {**second.json(), "duplicate": False}
    assert second.json()["duplicate"] is True
    assert after_first == _stored(invoice) == (InvoiceStatus.PAID, 1, 2, 1)


def test_the_same_payment_reported_again_under_a_new_event_id_is_ignored(
    invoice: Invoice, client: Client
) -> None:
    report = event(invoice)
    _post(client, *signed(report))
    again = _post(client, *signed({**report, "event_id": "evt-new"}))
    assert again.json()["effect"] == "ignored"
    assert _stored(invoice) == (InvoiceStatus.PAID, 2, 2, 1)


def test_a_late_failure_after_the_success_does_not_undo_the_payment(
    invoice: Invoice, client: Client
) -> None:
    _post(client, *signed(event(invoice)))
    late = _post(client, *signed(event(invoice, "failed")))
    assert late.status_code == 200 and late.json()["effect"] == "ignored"
    assert _stored(invoice)[0] == InvoiceStatus.PAID


def test_a_second_payment_of_a_paid_invoice_is_recorded_for_reconciliation(
    invoice: Invoice, client: Client
) -> None:
    _post(client, *signed(event(invoice)))
    second = _post(client, *signed(event(invoice)))
    assert second.json()["effect"] == "unexpected"
    kinds = Entry.objects.filter(ref=invoice.application.number).values_list("kind", flat=True)
    assert "payment.unexpected" in kinds
    assert _stored(invoice)[3] == 1  # the application goes on once


@pytest.mark.parametrize(
    ("case", "status", "code"),
    [
        ("forged signature", 401, "bad_signature"),
        ("another secret", 401, "bad_signature"),
        ("no signature", 401, "bad_signature"),
        ("wrong amount", 422, "wrong_amount"),
        ("unknown invoice", 404, "unknown_invoice"),
        ("malformed", 400, "malformed_callback"),
        ("unknown outcome", 400, "malformed_callback"),
        ("unknown provider", 404, "unknown_provider"),
    ],
)
def test_a_bad_callback_is_refused_clearly_and_stores_nothing(
    invoice: Invoice, client: Client, case: str, status: int, code: str
) -> None:
    before = _stored(invoice)
    report = event(invoice)
    body, signature = signed(report)
    provider = "sandbox"
    if case == "forged signature":
        body = body.replace(b'"amount_som": 510', b'"amount_som": 5100')
    elif case == "another secret":
        body, signature = signed(report, secret="not-the-secret")
    elif case == "no signature":
        signature = ""
    elif case == "wrong amount":
        body, signature = signed({**report, "amount_som": 1})
    elif case == "unknown invoice":
        body, signature = signed({**report, "invoice": "KG-2026-999999-F"})
    elif case == "malformed":
        body, signature = signed({"event_id": "x"})
    elif case == "unknown outcome":
        body, signature = signed({**report, "outcome": "maybe"})
    else:
        provider = "elsewhere"
    response = _post(client, body, signature, provider)
    assert response.status_code == status
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["code"] == code and problem["detail"]
    assert _stored(invoice) == before


def test_an_event_id_reused_with_another_body_is_a_conflict(
    invoice: Invoice, client: Client
) -> None:
    report = event(invoice, "failed")
    _post(client, *signed(report))
    before = _stored(invoice)
    response = _post(client, *signed({**report, "outcome": "succeeded"}))
    assert response.status_code == 409 and response.json()["code"] == "event_reused"
    assert _stored(invoice) == before


def test_errors_are_worded_in_the_requested_language(invoice: Invoice, client: Client) -> None:
    body, _ = signed(event(invoice))
    response = client.post(
        CALLBACK,
        body,
        content_type="application/json",
        HTTP_X_KAGAZSYZ_SIGNATURE="sha256=00",
        HTTP_ACCEPT_LANGUAGE="ru",
    )
    assert "подпись" in json.loads(response.content)["detail"]
