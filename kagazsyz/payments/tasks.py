"""Background work of payments. Thin: take ids, call a service, let the queue retry."""

from __future__ import annotations

from django.conf import settings

from kagazsyz.applications.services import application_decide_after_payment
from kagazsyz.payments.providers import sandbox_provider
from kagazsyz.payments.services import invoice_refund
from kagazsyz.tasks.registry import task


@task("payments.proceed", max_attempts=20)
def proceed(*, application_id: str) -> None:
    """The fee is confirmed: the application goes on to its decision."""
    application_decide_after_payment(application_id=application_id)


@task("payments.refund", max_attempts=50)
def refund(*, invoice_id: str) -> None:
    invoice_refund(invoice_id=invoice_id)


class SandboxGone(Exception):
    retryable = False


# A provider keeps retrying its callback while the receiver does not answer (about an hour here).
@task("payments.sandbox_callback", max_attempts=20, lease_seconds=60)
def sandbox_callback(*, body: str) -> None:
    provider = sandbox_provider()
    if provider is None:
        raise SandboxGone("the sandbox provider is switched off")
    provider.send_callback(settings.PAYMENTS_CALLBACK_URL, body)
