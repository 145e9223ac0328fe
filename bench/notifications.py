"""Outbox deliveries through the worker beside Django's send_mail to the same backend, and
signed payment callbacks beside the bare HMAC check they start with.

``notifications_benchmark()`` expects Django to be set up and migrated (``bench/run.py`` does
both) and a sandbox population loaded (run.py's certificate benchmark loads it).
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable
from itertools import count
from typing import TYPE_CHECKING

from django.conf import settings
from django.core import mail
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

if TYPE_CHECKING:
    from kagazsyz.accounts.models import User
    from kagazsyz.payments.models import Invoice

Row = tuple[str, float, str, str]


def _per_second(batch: Callable[[], int]) -> float:
    """Items per second of one ``batch`` call that returns how many items it handled."""
    start = time.perf_counter()
    done = batch()
    return done / (time.perf_counter() - start)


def _citizens(how_many: int) -> list[User]:
    from kagazsyz.accounts.services import citizen_sandbox_login
    from kagazsyz.registries.models import SandboxResident

    pins = SandboxResident.objects.order_by("personal_number").values_list(
        "personal_number", flat=True
    )[:how_many]
    return [citizen_sandbox_login(personal_number=pin) for pin in pins]


def _deliveries(size: int) -> list[Row]:
    from kagazsyz.applications.models import Status
    from kagazsyz.notifications.models import Delivery
    from kagazsyz.notifications.services import contact_update, notification_for_transition
    from kagazsyz.tasks.worker import run_until_empty

    citizens = _citizens(50)
    for citizen in citizens:
        contact_update(
            user=citizen,
            email="bench@example.kg",
            phone="",
            email_enabled=True,
            sms_enabled=False,
        )

    class Application:
        def __init__(self, citizen: User) -> None:
            self.pk, self.citizen = uuid.uuid4(), citizen
            self.number, self.service_code = "KG-2026-000001", "WORK-04"

    with transaction.atomic():
        for turn in range(size):
            notification_for_transition(
                Application(citizens[turn % len(citizens)]),
                Status.APPROVED,
            )
    assert Delivery.objects.filter(status="pending").count() >= size
    outbox = _per_second(lambda: run_until_empty(max_tasks=size))

    def send_directly() -> int:
        for turn in range(size):
            mail.send_mail(
                f"Application KG-2026-{turn:06d}: Approved",
                "Application KG-2026-000001 was approved.",
                settings.DEFAULT_FROM_EMAIL,
                ["bench@example.kg"],
            )
        return size

    baseline = _per_second(send_directly)
    return [
        ("outbox e-mail deliveries through the worker (locmem)", outbox, "/s", "this platform"),
        ("Django send_mail to locmem directly (baseline)", baseline, "/s", "django"),
    ]


def _invoices(size: int) -> list[Invoice]:
    from kagazsyz.applications.models import Application, Status
    from kagazsyz.payments.services import invoice_issue

    citizens = _citizens(50)
    invoices = []
    now = timezone.now()
    with transaction.atomic():
        for turn in range(size):
            application = Application.objects.create(
                number=f"KG-2099-{turn:06d}",
                citizen=citizens[turn % len(citizens)],
                service_code="ID-02",
                service_version=1,
                agency_code="DRN",
                status=Status.AWAITING_PAYMENT,
                submitted_at=now,
            )
            invoices.append(invoice_issue(application=application, amount_som=510))
    return invoices


def _callbacks(size: int) -> list[Row]:
    from django.test import Client

    from kagazsyz.payments.providers import sign, signature_matches
    from kagazsyz.payments.services import payment_callback_receive

    secret = settings.PAYMENTS_SANDBOX_SECRET
    invoices = _invoices(2 * size)
    bodies = [
        json.dumps(
            {
                "event_id": f"bench-{uuid.uuid4().hex}",
                "payment_id": f"pay-{turn}",
                "invoice": invoice.number,
                "outcome": "succeeded",
                "amount_som": 510,
            }
        ).encode()
        for turn, invoice in enumerate(invoices)
    ]
    signed = [(body, sign(secret, body)) for body in bodies]
    turn = count()

    def service_layer() -> int:
        for body, signature in signed[:size]:
            payment_callback_receive(provider_code="sandbox", body=body, signature=signature)
        return size

    client = Client()

    def over_the_api() -> int:
        for body, signature in signed[size:]:
            response = client.post(
                "/api/v1/payments/callback/sandbox",
                body,
                content_type="application/json",
                HTTP_X_KAGAZSYZ_SIGNATURE=signature,
            )
            assert response.status_code == 200, response.content
        return size

    def hmac_only() -> int:
        for _ in range(size * 20):
            body, signature = signed[next(turn) % len(signed)]
            assert signature_matches(secret, body, signature)
        return size * 20

    service = _per_second(service_layer)
    api = _per_second(over_the_api)
    baseline = _per_second(hmac_only)
    return [
        ("payment callbacks applied (service layer, new events)", service, "/s", "this platform"),
        ("payment callbacks through the API (Django test client)", api, "/s", "this platform"),
        ("HMAC-SHA256 verification of the same bodies (baseline)", baseline, "/s", "hmac"),
    ]


def notifications_benchmark(*, size: int = 300) -> list[Row]:
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        rows = _deliveries(size)
    return rows + _callbacks(size)
