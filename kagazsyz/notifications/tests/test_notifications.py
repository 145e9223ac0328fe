"""Notices on every status change, in the citizen's language; the outbox written with the change
and delivered by the worker through real e-mail backends and SMS gateways, with retries."""

from __future__ import annotations

import datetime as dt
import json
import socket
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from kagazsyz.accounts.models import User
from kagazsyz.applications.models import Status
from kagazsyz.notifications.models import Channel, Delivery, DeliveryStatus, Notice
from kagazsyz.notifications.services import (
    MAX_DELIVERY_ATTEMPTS,
    contact_update,
    notification_for_transition,
)
from kagazsyz.tasks.models import Task, TaskStatus
from kagazsyz.tasks.worker import run_until_empty


@dataclass
class _Application:
    """What a notice needs of an application (the structural type the hook accepts)."""

    citizen: User
    number: str = "KG-2026-900001"
    service_code: str = "WORK-04"
    pk: uuid.UUID = field(default_factory=uuid.uuid4)


@pytest.fixture
def sms_file(tmp_path: Path, settings: Any) -> Path:
    settings.SMS_BACKEND = "file"
    settings.SMS_FILE_PATH = tmp_path / "sms.jsonl"
    return Path(settings.SMS_FILE_PATH)


def _reachable(citizen: User) -> None:
    contact_update(
        user=citizen,
        email="aigul@example.kg",
        phone="+996 555 123 456",
        email_enabled=True,
        sms_enabled=True,
    )


def _sms_lines(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_every_status_change_reaches_the_inbox_and_both_channels(
    citizen: User, submit: Any, sms_file: Path
) -> None:
    _reachable(citizen)
    application = submit(citizen=citizen, service_code="WORK-04", answers={})
    assert application.status == Status.ISSUED
    kinds = list(
        Notice.objects.filter(user=citizen).order_by("created_at").values_list("kind", flat=True)
    )
    assert kinds == [
        "application.gathering_evidence",
        "application.approved",
        "application.issued",
    ]
    assert Delivery.objects.filter(notice__user=citizen, status=DeliveryStatus.SENT).count() == 6
    assert len(mail.outbox) == 3
    assert all(application.number in message.subject for message in mail.outbox)
    assert mail.outbox[-1].to == ["aigul@example.kg"]
    assert f"/applications/{application.pk}/" in mail.outbox[-1].body
    sms = _sms_lines(sms_file)
    assert [line["to"] for line in sms] == ["+996555123456"] * 3
    assert application.number in sms[-1]["text"]
    assert citizen.personal_number not in sms[-1]["text"] + mail.outbox[-1].body


def test_without_contacts_only_the_inbox_is_used(citizen: User, submit: Any) -> None:
    submit(citizen=citizen, service_code="WORK-04", answers={})
    assert Notice.objects.filter(user=citizen).count() == 3
    assert not Delivery.objects.exists()
    assert not Task.objects.filter(name="notifications.deliver").exists()


def test_the_outbox_is_written_in_the_transaction_of_the_change(
    citizen: User, sms_file: Path
) -> None:
    from kagazsyz.applications.services import _move, application_submit

    _reachable(citizen)
    application = application_submit(citizen=citizen, service_code="WORK-04", answers={})

    class Crash(Exception):
        pass

    with pytest.raises(Crash), transaction.atomic():
        _move(application, Status.GATHERING_EVIDENCE, actor="system")
        assert Delivery.objects.count() == 2
        raise Crash
    assert not Notice.objects.exists()
    assert not Delivery.objects.exists()
    assert not Task.objects.filter(name="notifications.deliver").exists()

    application.refresh_from_db()
    with transaction.atomic():
        _move(application, Status.GATHERING_EVIDENCE, actor="system")
    assert Delivery.objects.filter(status=DeliveryStatus.PENDING).count() == 2
    assert Task.objects.filter(name="notifications.deliver", status=TaskStatus.QUEUED).count() == 2


@pytest.mark.parametrize(
    ("language", "subject", "worded_in"),
    [
        ("ky", "Арыз KG-2026-900001: Макулдашылды", "ky"),
        ("ru", "Заявление KG-2026-900001: Одобрено", "ru"),
        ("en", "Application KG-2026-900001: Approved", "en"),
        ("de", "Арыз KG-2026-900001: Макулдашылды", "ky"),
    ],
)
def test_a_notice_is_worded_in_the_citizens_language(
    citizen: User, language: str, subject: str, worded_in: str
) -> None:
    from kagazsyz.catalog.loader import get_catalog

    service = get_catalog().services["WORK-04"].names.get(worded_in)
    citizen.language = language
    citizen.save(update_fields=["language"])
    with transaction.atomic():
        notice = notification_for_transition(_Application(citizen), Status.APPROVED)
    assert notice.subject == subject
    assert notice.language == worded_in
    assert f"{service}" in notice.body


def test_every_status_has_its_text_in_every_language(citizen: User) -> None:
    for language in ("ky", "ru", "en"):
        citizen.language = language
        for status in Status:
            if status == Status.DRAFT:
                continue
            with transaction.atomic():
                notice = notification_for_transition(_Application(citizen), status)
            assert "KG-2026-900001" in notice.body and notice.subject


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_a_failing_channel_is_retried_with_growing_pauses_then_fails_visibly(
    citizen: User, settings: Any
) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = (
        "127.0.0.1",
        _closed_port(),
        2,
    )
    contact_update(
        user=citizen, email="a@example.kg", phone="", email_enabled=True, sms_enabled=False
    )
    with transaction.atomic():
        notification_for_transition(_Application(citizen), Status.APPROVED)
    delivery = Delivery.objects.get()
    pauses = []
    for attempt in range(1, MAX_DELIVERY_ATTEMPTS + 1):
        task = Task.objects.get(name="notifications.deliver")
        due = task.run_after
        assert run_until_empty(now=due - dt.timedelta(milliseconds=1)) == 0  # not before it is due
        assert run_until_empty(now=due) == 1
        delivery.refresh_from_db()
        assert delivery.attempts == attempt
        task.refresh_from_db()
        pauses.append((task.run_after - due).total_seconds())
    assert pauses[:-1] == [2.0, 4.0, 8.0, 16.0]
    assert delivery.status == DeliveryStatus.FAILED
    assert "refused" in delivery.last_error.lower()
    task = Task.objects.get(name="notifications.deliver")
    assert task.status == TaskStatus.FAILED and "DeliveryFailed" in task.last_error
    assert Notice.objects.get().read_at is None  # the inbox still has it


class _Gateway(BaseHTTPRequestHandler):
    answers: list[int] = []
    received: list[dict[str, Any]] = []

    def do_POST(self) -> None:
        length = int(self.headers["Content-Length"])
        self.received.append(
            {"auth": self.headers["Authorization"], **json.loads(self.rfile.read(length))}
        )
        status = self.answers.pop(0) if self.answers else 200
        body = json.dumps({"id": f"gw-{len(self.received)}"}).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def sms_gateway_server(settings: Any) -> Iterator[type[_Gateway]]:
    """A real SMS gateway stand-in on loopback (HTTP + JSON + bearer token)."""
    handler = type("Gateway", (_Gateway,), {"answers": [], "received": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.SMS_BACKEND = "http"
    settings.SMS_HTTP_URL = f"http://127.0.0.1:{server.server_port}/send"
    settings.SMS_HTTP_TOKEN = "gw-token"
    try:
        yield handler
    finally:
        server.shutdown()
        server.server_close()


def _sms_notice(citizen: User) -> Delivery:
    contact_update(
        user=citizen, email="", phone="+996555000111", email_enabled=False, sms_enabled=True
    )
    with transaction.atomic():
        notification_for_transition(_Application(citizen), Status.ISSUED)
    return Delivery.objects.get(channel=Channel.SMS)


def test_an_http_sms_gateway_takes_the_message(citizen: User, sms_gateway_server: Any) -> None:
    delivery = _sms_notice(citizen)
    run_until_empty()
    delivery.refresh_from_db()
    assert (delivery.status, delivery.provider_ref) == (DeliveryStatus.SENT, "gw-1")
    sent = sms_gateway_server.received[0]
    assert sent["auth"] == "Bearer gw-token" and sent["to"] == "+996555000111"
    assert "KG-2026-900001" in sent["text"] and sent["reference"] == f"kz-{delivery.pk}"


def test_a_busy_sms_gateway_is_tried_again(citizen: User, sms_gateway_server: Any) -> None:
    sms_gateway_server.answers.extend([503])
    delivery = _sms_notice(citizen)
    run_until_empty()
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.PENDING, 1)
    run_until_empty(now=timezone.now() + dt.timedelta(seconds=3))
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.SENT, 2)


def test_an_sms_gateway_refusal_is_final_at_once(citizen: User, sms_gateway_server: Any) -> None:
    sms_gateway_server.answers.extend([400])
    delivery = _sms_notice(citizen)
    run_until_empty()
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.FAILED, 1)
    assert "400" in delivery.last_error


def test_a_delivery_already_sent_is_not_sent_again(citizen: User, sms_file: Path) -> None:
    from kagazsyz.notifications.services import delivery_send

    delivery = _sms_notice(citizen)
    delivery_send(delivery_id=delivery.pk)
    delivery_send(delivery_id=delivery.pk)
    assert len(_sms_lines(sms_file)) == 1


def test_the_console_gateway_logs_the_message(
    citizen: User, settings: Any, caplog: pytest.LogCaptureFixture
) -> None:
    settings.SMS_BACKEND = "console"
    delivery = _sms_notice(citizen)
    with caplog.at_level("INFO", logger="kagazsyz.notifications.channels"):
        run_until_empty()
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT
    assert "KG-2026-900001" in caplog.text


def test_the_file_email_backend_writes_the_message(
    citizen: User, settings: Any, tmp_path: Path
) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = tmp_path / "mail"
    contact_update(
        user=citizen, email="a@example.kg", phone="", email_enabled=True, sms_enabled=False
    )
    with transaction.atomic():
        notification_for_transition(_Application(citizen), Status.REJECTED)
    run_until_empty()
    written = "".join(path.read_text(encoding="utf-8") for path in (tmp_path / "mail").iterdir())
    assert "KG-2026-900001" in written and "a@example.kg" in written


def test_the_outbox_command_shows_failed_deliveries(citizen: User, settings: Any) -> None:
    from io import StringIO

    from django.core.management import call_command

    settings.SMS_BACKEND = "file"
    settings.SMS_FILE_PATH = "/nonexistent-dir/sms.jsonl"
    delivery = _sms_notice(citizen)
    for hours in range(MAX_DELIVERY_ATTEMPTS):
        run_until_empty(now=timezone.now() + dt.timedelta(hours=hours))
    out = StringIO()
    call_command("outbox", "--status", "failed", stdout=out)
    assert f"{delivery.pk:>8} sms    failed" in out.getvalue()
    assert "No such file" in out.getvalue()
