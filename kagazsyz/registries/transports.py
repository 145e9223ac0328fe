"""Transports of the exchange layer: X-Road REST over HTTP (``xroad.py``), and in-process, which
reads the sandbox population directly (fast unit tests)."""

from __future__ import annotations

from functools import cache
from typing import Any

from kagazsyz.registries.client import Query, Transport
from kagazsyz.registries.errors import SubjectNotFound
from kagazsyz.registries.models import SandboxResident


class InProcessTransport:
    """Answers from the sandbox population in this process's database."""

    def fetch(self, query: Query) -> dict[str, Any]:
        key = f"{query.registry.code}.{query.dataset}"
        resident = (
            SandboxResident.objects.filter(personal_number=query.subject).only("datasets").first()
        )
        if resident is None or key not in resident.datasets:
            raise SubjectNotFound(query.registry.code, "no record about the subject")
        return {"subject": query.subject, "dataset": query.dataset, "data": resident.datasets[key]}


@cache
def default_transport() -> Transport:
    """The transport the environment asks for (``REGISTRY_TRANSPORT``), one per process, so the
    X-Road client's connection pool and circuit breakers live as long as the process."""
    from kagazsyz.registries.xroad import xroad_transport_from_settings

    return xroad_transport_from_settings()
