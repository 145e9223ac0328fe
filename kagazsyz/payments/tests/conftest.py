"""Payments tests: residents who qualify (or not) for a paid automatic service, signed
callbacks, and the platform itself served over real HTTP on loopback.

The loopback server runs Django's own WSGI handler in a thread that uses the test's database
connection (made shareable, as Django's ``LiveServerThread`` does for in-memory SQLite; here for
PostgreSQL too, because what it must see is the test's uncommitted transaction). One request is
served at a time while the test thread waits for its answer, so the connection is never used by
two threads at once. Like Django's test client, the server does not close connections around
requests.
"""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Callable, Iterator
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connections

from kagazsyz.accounts.models import User


def _adult_with(predicate: Callable[[dict[str, Any]], bool]) -> str:
    from kagazsyz.registries.models import SandboxResident

    for resident in SandboxResident.objects.order_by("personal_number"):
        data = resident.datasets
        person = data["population.person"]
        if person["alive"] and person["birth_date"] <= "2006-01-01" and predicate(data):
            return resident.personal_number
    raise LookupError("no such resident in the sandbox population")


@pytest.fixture
def chip_holder(db: Any) -> User:
    """An adult with a chip ID card: the online exchange (ID-02, 510 som) is granted."""
    from kagazsyz.accounts.services import citizen_sandbox_login

    pin = _adult_with(lambda d: bool(d["population.identity_document"]["chip"]))
    return citizen_sandbox_login(personal_number=pin)


@pytest.fixture
def without_chip(db: Any) -> User:
    """An adult with an old passport: the online exchange is refused by the rule."""
    from kagazsyz.accounts.services import citizen_sandbox_login

    pin = _adult_with(lambda d: d["population.identity_document"]["kind"] == "passport_2004")
    return citizen_sandbox_login(personal_number=pin)


ID_CARD_EXCHANGE = {"reason": "expiring", "service_centre": "Бишкек"}


def signed(body: dict[str, Any], secret: str | None = None) -> tuple[bytes, str]:
    from django.conf import settings

    from kagazsyz.payments.providers import sign

    raw = json.dumps(body).encode()
    return raw, sign(secret or settings.PAYMENTS_SANDBOX_SECRET, raw)


def event(invoice: Any, outcome: str = "succeeded", **changes: Any) -> dict[str, Any]:
    return {
        "event_id": f"evt-{uuid.uuid4().hex}",
        "payment_id": f"pay-{uuid.uuid4().hex[:12]}",
        "invoice": invoice.number,
        "outcome": outcome,
        "amount_som": invoice.amount_som,
        **changes,
    }


class _SharedConnectionApp(WSGIHandler):
    """Django's WSGI handler that leaves the shared connection open around each request (the
    test client reconnects the closing handlers after each of its own requests)."""

    def __call__(self, environ: Any, start_response: Any) -> Any:
        request_started.disconnect(close_old_connections)
        request_finished.disconnect(close_old_connections)
        return super().__call__(environ, start_response)


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def live_app(db: Any) -> Iterator[str]:
    """The platform on a loopback port (base URL), reading and writing the test's database."""
    shared = connections["default"]
    shared.inc_thread_sharing()
    server: WSGIServer = make_server(
        "127.0.0.1", 0, _SharedConnectionApp(), handler_class=_QuietHandler
    )

    def serve() -> None:
        connections["default"] = shared
        server.serve_forever(poll_interval=0.05)

    thread = threading.Thread(target=serve, name="loopback-kagazsyz", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
        shared.dec_thread_sharing()
