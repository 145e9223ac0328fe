"""Explicit input and output shapes of the API, and the functions that fill them."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from ninja import Schema
from pydantic import Field

from kagazsyz.applications.form_schema import answers_schema
from kagazsyz.applications.models import Application
from kagazsyz.catalog.schema import Service, service_summary
from kagazsyz.documents.models import Document
from kagazsyz.registries.descriptions import describe_access
from kagazsyz.registries.directory import registries
from kagazsyz.registries.models import DataAccess
from kagazsyz.registries.sandbox.examples import answers_example


class Localized(Schema):
    ky: str
    ru: str
    en: str


class ServiceOut(Schema):
    code: str
    version: int
    names: Localized
    descriptions: Localized
    agency: str
    life_event: str
    decision: str = Field(description="auto: decided by a published rule; review: by an official")
    deadline_working_days: int
    deadline_confirmed: bool
    fee_som: int
    fee_confirmed: bool
    evidence: list[str] = Field(
        description="registry datasets the state fetches; the citizen brings none"
    )
    inputs: list[dict[str, Any]]
    document: Localized | None


def service_out(service: Service) -> dict[str, Any]:
    return {
        **service_summary(service),
        "descriptions": service.descriptions.model_dump(),
        "evidence": [item.dataset for item in service.evidence],
        "inputs": [item.model_dump(exclude_none=True) for item in service.inputs],
        "document": service.document.titles.model_dump() if service.document else None,
    }


class ServiceDetailOut(ServiceOut):
    answers_schema: dict[str, Any] = Field(
        description="the form as JSON Schema (draft 2020-12), labels in ky/ru/en"
    )
    answers_example: dict[str, Any] = Field(
        description="answers valid for answers_example_resident in the demo's sandbox population"
    )
    answers_example_resident: str | None = Field(
        description="personal number of the sample resident who can submit answers_example"
    )


def service_detail_out(service: Service) -> dict[str, Any]:
    # Only the sandbox has residents to show; elsewhere the example just matches the form.
    example = answers_example(service, sandbox=settings.SANDBOX_LOGIN)
    return {
        **service_out(service),
        "answers_schema": answers_schema(service),
        "answers_example": example.answers,
        "answers_example_resident": example.resident,
    }


class ApplicationIn(Schema):
    service: str = Field(max_length=20, examples=["WORK-04"])
    answers: dict[str, Any] = Field(default_factory=dict)


class DocumentRef(Schema):
    id: str
    number: str


class ApplicationOut(Schema):
    id: str
    number: str
    service: str
    status: str
    submitted_at: str
    decided_at: str | None
    due_on: str | None = Field(description="the legal deadline (working days from submission)")
    reason: Localized | None
    documents: list[DocumentRef]


def applications_out(applications: list[Application]) -> list[dict[str, Any]]:
    """Many applications with their documents, in two queries whatever their number."""
    documents: dict[str, list[dict[str, str]]] = {}
    rows = Document.objects.filter(source_ref__in=[str(a.pk) for a in applications])
    for row in rows.order_by("issued_at").values("id", "number", "source_ref"):
        documents.setdefault(row["source_ref"], []).append(
            {"id": str(row["id"]), "number": row["number"]}
        )
    return [_application_fields(a, documents.get(str(a.pk), [])) for a in applications]


def application_out(application: Application) -> dict[str, Any]:
    return applications_out([application])[0]


def _application_fields(
    application: Application, documents: list[dict[str, str]]
) -> dict[str, Any]:
    return {
        "id": str(application.pk),
        "number": application.number,
        "service": application.service_code,
        "status": application.status,
        "submitted_at": application.submitted_at.isoformat(),
        "decided_at": application.decided_at.isoformat() if application.decided_at else None,
        "due_on": application.due_on.isoformat() if application.due_on else None,
        "reason": application.decision_reason,
        "documents": documents,
    }


class Claim(Schema):
    name: str
    labels: Localized
    value: Any


class DocumentOut(Schema):
    id: str
    number: str
    type: str
    titles: Localized
    agency: str
    issued_at: str
    valid_until: str | None
    revoked: bool
    claims: list[Claim]
    qr: str


def document_out(document: Document) -> dict[str, Any]:
    return {
        "id": str(document.pk),
        "number": document.number,
        "type": document.doc_type,
        "titles": document.titles,
        "agency": document.agency_code,
        "issued_at": document.issued_at.isoformat(),
        "valid_until": document.valid_until.isoformat() if document.valid_until else None,
        "revoked": document.revoked_at is not None,
        "claims": document.claims,
        "qr": document.qr_payload,
    }


class VerdictOut(Schema):
    verdict: str = Field(description="VALID, INVALID, REVOKED, EXPIRED or UNKNOWN_ISSUER")
    reason: str
    reason_i18n: Localized
    document_number: str | None
    issuer: str | None
    claims: dict[str, Any] | None


def verdict_out(verdict: Any) -> dict[str, Any]:
    from django.utils import translation

    language = translation.get_language() or "ky"
    reason = verdict.reason or {"ky": "", "ru": "", "en": ""}
    return {
        "verdict": verdict.verdict,
        "reason": reason.get(language, reason.get("ky", "")),
        "reason_i18n": reason,
        "document_number": verdict.document_number,
        "issuer": verdict.issuer,
        "claims": verdict.claims,
    }


def data_access_out(entry: DataAccess, language: str) -> dict[str, Any]:
    described = describe_access(entry, language)
    registry = registries().get(entry.registry)
    return {
        "id": entry.pk,
        "at": entry.at.isoformat(),
        "requester": described["requester"],
        "requester_kind": entry.requester_kind,
        "agency": entry.requester_agency,
        "agency_name": described["agency"],
        "registry": entry.registry,
        "registry_agency": registry.agency if registry else entry.agency,
        "dataset": entry.dataset,
        "dataset_name": described["dataset"],
        "purpose": entry.purpose,
        "legal_basis": entry.legal_basis,
        "outcome": entry.outcome,
        "message_id": entry.message_id,
        "request_hash": entry.request_hash,
        "exchange_request_hash": entry.exchange_request_hash,
        "description": described["sentence"],
        "flagged": bool(getattr(entry, "flagged", False)),
    }
