"""The fee of a paid service, end to end: invoice, sandbox checkout, the provider's signed
callback over real HTTP, the decision, the document; and a refund when the case is refused."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from kagazsyz.accounts.models import User
from kagazsyz.applications.models import Status
from kagazsyz.documents.models import Document
from kagazsyz.ledger.models import Entry
from kagazsyz.payments.models import Invoice, ProviderEvent
from kagazsyz.payments.states import InvoiceStatus
from kagazsyz.payments.tests.conftest import ID_CARD_EXCHANGE, event, signed
from kagazsyz.tasks.worker import run_until_empty

CALLBACK = "/api/v1/payments/callback/sandbox"


def _post_callback(client: Client, body: bytes, signature: str) -> Any:
    return client.post(
        CALLBACK, body, content_type="application/json", HTTP_X_KAGAZSYZ_SIGNATURE=signature
    )


def _payment_kinds(application: Any) -> list[str]:
    return list(
        Entry.objects.filter(ref=application.number, kind__startswith="payment.")
        .order_by("id")
        .values_list("kind", flat=True)
    )


def test_a_paid_service_waits_for_its_fee_then_is_decided_and_issued(
    chip_holder: User, submit: Any, client: Client, live_app: str, settings: Any
) -> None:
    settings.PAYMENTS_CALLBACK_URL = f"{live_app}{CALLBACK}"
    application = submit(citizen=chip_holder, service_code="ID-02", answers=ID_CARD_EXCHANGE)
    assert application.status == Status.AWAITING_PAYMENT
    invoice = Invoice.objects.get(application=application)
    assert (invoice.status, invoice.amount_som) == (InvoiceStatus.OPEN, 510)
    assert not Document.objects.filter(source_ref=str(application.pk)).exists()

    client.force_login(chip_holder)
    page = client.get(f"/applications/{application.pk}/?lang=en").content.decode()
    assert invoice.number in page and f"/pay/sandbox/{invoice.pk}/" in page
    assert client.get(f"/pay/sandbox/{invoice.pk}/").status_code == 200
    response = client.post(f"/pay/sandbox/{invoice.pk}/", {"action": "pay"})
    assert response.status_code == 302
    assert response["Location"].startswith(f"/applications/{application.pk}/")

    # The worker sends the provider's signed callback over HTTP, then carries the application on.
    run_until_empty()
    invoice.refresh_from_db()
    application.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID and invoice.payment_ref.startswith("sbx-pay-")
    assert application.status == Status.ISSUED
    assert Document.objects.filter(source_ref=str(application.pk)).count() == 1
    assert _payment_kinds(application) == ["payment.invoiced", "payment.confirmed"]
    page = client.get(f"/applications/{application.pk}/?lang=en").content.decode()
    assert "paid" in page and f"/pay/sandbox/{invoice.pk}/" not in page


def test_the_callback_endpoint_answers_a_real_http_client(
    chip_holder: User, submit: Any, live_app: str
) -> None:
    import httpx

    application = submit(citizen=chip_holder, service_code="ID-02", answers=ID_CARD_EXCHANGE)
    invoice = Invoice.objects.get(application=application)
    body, signature = signed(event(invoice))
    url = f"{live_app}{CALLBACK}"
    headers = {"Content-Type": "application/json", "X-Kagazsyz-Signature": signature}
    first = httpx.post(url, content=body, headers=headers, timeout=10)
    again = httpx.post(url, content=body, headers=headers, timeout=10)
    forged = httpx.post(url, content=body + b" ", headers=headers, timeout=10)
    assert first.status_code == 200 and first.json()["effect"] == "confirmed"
    assert again.status_code == 200 and again.json()["duplicate"] is True
    assert forged.status_code == 401
    assert forged.headers["Content-Type"] == "application/problem+json"
    assert ProviderEvent.objects.filter(invoice=invoice).count() == 1


def test_a_failed_payment_leaves_the_invoice_open_to_pay_again(
    chip_holder: User, submit: Any, client: Client
) -> None:
    application = submit(citizen=chip_holder, service_code="ID-02", answers=ID_CARD_EXCHANGE)
    invoice = Invoice.objects.get(application=application)
    response = _post_callback(client, *signed(event(invoice, "failed")))
    assert response.status_code == 200 and response.json()["effect"] == "failed"
    run_until_empty()
    invoice.refresh_from_db()
    application.refresh_from_db()
    assert invoice.status == InvoiceStatus.OPEN
    assert application.status == Status.AWAITING_PAYMENT
    assert _payment_kinds(application) == ["payment.invoiced", "payment.failed"]

    assert _post_callback(client, *signed(event(invoice))).json()["effect"] == "confirmed"
    run_until_empty()
    application.refresh_from_db()
    assert application.status == Status.ISSUED


def test_the_sandbox_decline_button_reports_a_failure(
    chip_holder: User, submit: Any, client: Client, live_app: str, settings: Any
) -> None:
    settings.PAYMENTS_CALLBACK_URL = f"{live_app}{CALLBACK}"
    application = submit(citizen=chip_holder, service_code="ID-02", answers=ID_CARD_EXCHANGE)
    invoice = Invoice.objects.get(application=application)
    client.force_login(chip_holder)
    client.post(f"/pay/sandbox/{invoice.pk}/", {"action": "decline"})
    run_until_empty()
    assert ProviderEvent.objects.get(invoice=invoice).effect == "failed"
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.OPEN


def test_another_citizen_cannot_open_the_sandbox_page(
    chip_holder: User, other_citizen: User, submit: Any, client: Client
) -> None:
    application = submit(citizen=chip_holder, service_code="ID-02", answers=ID_CARD_EXCHANGE)
    invoice = Invoice.objects.get(application=application)
    client.force_login(other_citizen)
    assert client.get(f"/pay/sandbox/{invoice.pk}/").status_code == 404
    assert client.post(f"/pay/sandbox/{invoice.pk}/", {"action": "pay"}).status_code == 404


def test_a_fee_paid_for_a_case_the_rule_refuses_is_refunded(
    without_chip: User, submit: Any, client: Client
) -> None:
    application = submit(citizen=without_chip, service_code="ID-02", answers=ID_CARD_EXCHANGE)
    invoice = Invoice.objects.get(application=application)
    _post_callback(client, *signed(event(invoice)))
    run_until_empty()
    application.refresh_from_db()
    invoice.refresh_from_db()
    assert application.status == Status.REJECTED
    assert invoice.status == InvoiceStatus.REFUNDED
    assert invoice.refund_ref == f"sbx-refund-{invoice.number}"
    assert _payment_kinds(application) == [
        "payment.invoiced",
        "payment.confirmed",
        "payment.refund_requested",
        "payment.refunded",
    ]


def test_a_review_service_is_paid_before_review_and_refunded_when_the_agency_refuses(
    citizen: User, submit: Any, client: Client
) -> None:
    from kagazsyz.applications.services import application_refuse
    from kagazsyz.applications.tests.answers import answers_for
    from kagazsyz.core.errors import Message

    application = submit(
        citizen=citizen, service_code="HOME-01", answers=answers_for("HOME-01", citizen)
    )
    assert application.status == Status.AWAITING_PAYMENT
    invoice = Invoice.objects.get(application=application)
    _post_callback(client, *signed(event(invoice)))
    run_until_empty()
    application.refresh_from_db()
    assert application.status == Status.IN_REVIEW

    text = Message(ky="Документ жетишсиз.", ru="Не хватает документа.", en="A document is missing.")
    application_refuse(
        application_id=application.pk, actor="official:test", reason_code="missing", text=text
    )
    run_until_empty()
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.REFUNDED


def test_an_unpaid_invoice_is_cancelled_when_the_application_is_withdrawn(
    chip_holder: User, submit: Any
) -> None:
    from django.db import transaction

    from kagazsyz.applications.services import _move

    application = submit(citizen=chip_holder, service_code="ID-02", answers=ID_CARD_EXCHANGE)
    with transaction.atomic():
        _move(application, Status.WITHDRAWN, actor="citizen")
    invoice = Invoice.objects.get(application=application)
    assert invoice.status == InvoiceStatus.CANCELLED
    assert _payment_kinds(application) == ["payment.invoiced", "payment.cancelled"]


@pytest.mark.parametrize("language", ["ky", "ru", "en"])
def test_the_sandbox_page_speaks_the_citizens_language(
    chip_holder: User, submit: Any, client: Client, language: str
) -> None:
    application = submit(citizen=chip_holder, service_code="ID-02", answers=ID_CARD_EXCHANGE)
    invoice = Invoice.objects.get(application=application)
    client.force_login(chip_holder)
    page = client.get(f"/pay/sandbox/{invoice.pk}/?lang={language}").content.decode()
    assert invoice.number in page
    assert {"ky": "Төлөө", "ru": "Оплатить", "en": "Pay"}[language] in page


def test_the_invoices_command_lists_invoices(chip_holder: User, submit: Any) -> None:
    from io import StringIO

    from django.core.management import call_command

    application = submit(citizen=chip_holder, service_code="ID-02", answers=ID_CARD_EXCHANGE)
    out = StringIO()
    call_command("invoices", "--status", "open", stdout=out)
    assert f"{application.number}-F" in out.getvalue() and "510" in out.getvalue()


def test_a_free_service_has_no_invoice(citizen: User, submit: Any, client: Client) -> None:
    application = submit(citizen=citizen, service_code="WORK-04", answers={})
    assert application.status == Status.ISSUED
    assert not Invoice.objects.filter(application=application).exists()
    client.force_login(citizen)
    assert (
        "State fee" not in client.get(f"/applications/{application.pk}/?lang=en").content.decode()
    )
