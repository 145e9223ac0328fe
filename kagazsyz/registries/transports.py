"""Transports of the exchange layer. The X-Road REST transport arrives with the registries issue;
the in-process transport reads the sandbox population directly."""

from __future__ import annotations

from typing import Any

from kagazsyz.registries.client import Query
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


def default_transport() -> InProcessTransport:
    return InProcessTransport()
