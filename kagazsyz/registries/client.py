"""The one interface through which code queries a registry dataset about a person.

Every query names its purpose and legal basis (a catalogue service) and is written to the
data-access log whatever its outcome, in a transaction of its own: a look at someone's data
happened even if the work that asked for it later fails.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from typing import Any, Protocol

from django.db import transaction
from django.utils import timezone

from kagazsyz.catalog.loader import get_catalog
from kagazsyz.ledger.services import canonical_json, ledger_append, salted_reference
from kagazsyz.registries.directory import Registry, dataset, registries
from kagazsyz.registries.errors import MalformedResponse, QueryRefused, RegistryError
from kagazsyz.registries.models import DataAccess, Outcome


@dataclass(frozen=True)
class Purpose:
    """Why the data is needed: the legal basis (service code) and the case it serves."""

    legal_basis: str
    application_number: str
    description: str


@dataclass(frozen=True)
class Query:
    registry: Registry
    dataset: str
    subject: str
    message_id: str
    user_id: str
    issue: str = ""  # the case the query serves (X-Road-Issue): the application number


@dataclass(frozen=True)
class Answer:
    dataset: str
    subject: str
    payload: dict[str, Any]
    data_access_id: int
    message_id: str


class Transport(Protocol):
    def fetch(self, query: Query) -> dict[str, Any]:
        """Return the envelope {"subject", "dataset", "data"} or raise a RegistryError."""


def _sha256(value: Any) -> str:
    return hashlib.sha256(canonical_json(value).encode("utf-8")).hexdigest()


def _requesting_agency(purpose: Purpose | None) -> str:
    service = get_catalog().service(purpose.legal_basis) if purpose else None
    return service.agency if service else ""


def _legal_basis_allows(legal_basis: str, dataset_key: str) -> bool:
    service = get_catalog().service(legal_basis)
    return service is not None and any(item.dataset == dataset_key for item in service.evidence)


def _record(
    query: Query,
    purpose: Purpose | None,
    outcome: Outcome,
    response_hash: str,
    exchange_request_hash: str = "",
) -> int:
    request = {
        "dataset": f"{query.registry.code}.{query.dataset}",
        "subject": query.subject,
        "id": query.message_id,
    }
    with transaction.atomic():
        access = DataAccess.objects.create(
            at=timezone.now(),
            requester_kind="system",
            requester_ref=purpose.application_number if purpose else "",
            requester_agency=_requesting_agency(purpose),
            subject_personal_number=query.subject,
            agency=query.registry.agency,
            registry=query.registry.code,
            dataset=query.dataset,
            purpose=purpose.description if purpose else "",
            legal_basis=purpose.legal_basis if purpose else "",
            outcome=outcome,
            message_id=query.message_id,
            request_hash=_sha256(request),
            response_hash=response_hash,
            exchange_request_hash=exchange_request_hash[:100],
        )
        ledger_append(
            ref=access.requester_ref,
            kind="data.accessed",
            payload={
                "access": access.pk,
                "dataset": request["dataset"],
                "subject": salted_reference(query.subject, purpose="person"),
                "legal_basis": access.legal_basis,
                "requester": access.requester_ref,
                "outcome": outcome.value,
                "request_hash": access.request_hash,
                "response_hash": response_hash,
            },
        )
    return access.pk


def _checked_payload(query: Query, envelope: dict[str, Any]) -> dict[str, Any]:
    """Never use an answer about someone else, or about another dataset."""
    if envelope.get("subject") != query.subject or envelope.get("dataset") != query.dataset:
        raise MalformedResponse(
            query.registry.code, "the answer is about another subject or dataset"
        )
    data = envelope.get("data")
    if not isinstance(data, dict):
        raise MalformedResponse(query.registry.code, "the answer has no data object")
    return data


def registry_query(
    *, dataset_key: str, subject: str, purpose: Purpose | None, transport: Transport
) -> Answer:
    """Query one dataset about one person; raise RegistryError (recorded) when it fails."""
    spec = dataset(dataset_key)
    if spec is None:
        raise ValueError(f"unknown dataset {dataset_key!r}")
    registry = registries()[spec.registry]
    query = Query(
        registry=registry,
        dataset=spec.name,
        subject=subject,
        message_id=str(uuid.uuid4()),
        user_id="system",
        issue=purpose.application_number if purpose else "",
    )
    if (
        purpose is None
        or not purpose.description
        or not _legal_basis_allows(purpose.legal_basis, dataset_key)
    ):
        _record(query, purpose, Outcome.REFUSED, "")
        raise QueryRefused(registry.code, f"no legal basis for {dataset_key}")
    try:
        envelope = transport.fetch(query)
        payload = _checked_payload(query, envelope)
    except RegistryError as exc:
        _record(query, purpose, exc.outcome, "")
        raise
    exchange_hash = str(envelope.get("request_hash") or "")
    access_id = _record(query, purpose, Outcome.OK, _sha256(payload), exchange_hash)
    return Answer(
        dataset=dataset_key,
        subject=subject,
        payload=payload,
        data_access_id=access_id,
        message_id=query.message_id,
    )
