"""The JSON API, version 1. Handlers parse at the edge and call one service or selector each."""

from __future__ import annotations

import datetime as dt
import json
import logging
from typing import Annotated, Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import translation
from ninja import Header, NinjaAPI, Query, Schema, Status
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import HttpBearer
from pydantic import Field

from kagazsyz.accounts.models import User
from kagazsyz.accounts.services import api_token_issue, citizen_sandbox_login, user_for_api_token
from kagazsyz.api import citizen, schemas
from kagazsyz.api.problems import (
    INTERNAL_ERROR,
    MALFORMED_BODY,
    NOT_FOUND_ROUTE,
    UNAUTHORIZED,
    domain_problem,
    problem,
    validation_problem,
)
from kagazsyz.applications.selectors import application_get_for_citizen, applications_for_citizen
from kagazsyz.applications.services import application_submit, service_or_error
from kagazsyz.catalog.loader import get_catalog
from kagazsyz.core.errors import DomainError, Message
from kagazsyz.documents.selectors import document_get_for_holder, documents_for_holder
from kagazsyz.documents.services import document_verification_record
from kagazsyz.documents.verification import verify_pdf, verify_qr
from kagazsyz.ledger.tree import (
    consistency_proof,
    entries,
    inclusion_proof,
    ledger_public_key_pem,
    tree_head_latest,
)
from kagazsyz.notifications.api import router as notifications_router
from kagazsyz.payments.api import router as payments_router
from kagazsyz.registries.selectors import data_access_for_subject
from kagazsyz.registries.services import data_access_flag

logger = logging.getLogger(__name__)


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        return user_for_api_token(token)


api = NinjaAPI(
    title="Kagazsyz API",
    version="1",
    description="Digital public services of the Kyrgyz Republic. Errors are application/problem+json.",
    urls_namespace="api-v1",
    auth=BearerToken(),
)
api.add_router("", notifications_router)
api.add_router("", payments_router)

api.add_router("", citizen.router)

NO_VERIFY_INPUT = Message(
    ky='PDF файлын (multipart `file` талаасы) же QR текстин ({"qr": …}) жөнөтүңүз.',
    ru='Отправьте PDF (поле multipart `file`) или текст QR-кода ({"qr": …}).',
    en='Send a PDF (multipart field `file`) or the QR text ({"qr": …}).',
)


@api.exception_handler(DomainError)
def _domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return domain_problem(request, exc)


@api.exception_handler(ValidationError)
def _validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return validation_problem(request, list(exc.errors))


@api.exception_handler(AuthenticationError)
def _unauthorized(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return problem(request, status=401, code="unauthorized", message=UNAUTHORIZED)


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if exc.status_code == 404:
        return problem(request, status=404, code="not_found", message=NOT_FOUND_ROUTE)
    return problem(
        request, status=exc.status_code, code="malformed_request", message=MALFORMED_BODY
    )


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return problem(request, status=404, code="not_found", message=NOT_FOUND_ROUTE)


@api.exception_handler(Exception)
def _internal_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.exception("unhandled error in %s", request.path)
    return problem(request, status=500, code="internal_error", message=INTERNAL_ERROR)


def _user(request: HttpRequest) -> User:
    user = request.auth  # type: ignore[attr-defined]
    assert isinstance(user, User)
    return user


class LoginIn(Schema):
    personal_number: str = Field(max_length=64)


class TokenOut(Schema):
    token: str
    token_type: str = "Bearer"  # noqa: S105 - the scheme name, not a secret
    full_name: str


@api.post(
    "/sandbox/login",
    auth=None,
    response=TokenOut,
    tags=["sandbox"],
    summary="Demo log-in as a synthetic resident",
)
def sandbox_login(request: HttpRequest, payload: LoginIn) -> dict[str, str]:
    user = citizen_sandbox_login(personal_number=payload.personal_number)
    return {
        "token": api_token_issue(user=user),
        "token_type": "Bearer",
        "full_name": user.full_name,
    }


@api.get("/services", auth=None, response=list[schemas.ServiceOut], tags=["catalogue"])
def services(request: HttpRequest) -> list[dict[str, Any]]:
    return [schemas.service_out(service) for service in get_catalog().services.values()]


@api.get("/services/{code}", auth=None, response=schemas.ServiceDetailOut, tags=["catalogue"])
def service_detail(request: HttpRequest, code: str) -> dict[str, Any]:
    """One service, with its form as JSON Schema and answers a sample resident can submit."""
    return schemas.service_detail_out(service_or_error(code))


@api.post("/applications", response={201: schemas.ApplicationOut}, tags=["applications"])
def application_create(
    request: HttpRequest,
    payload: schemas.ApplicationIn,
    idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key")] = None,
) -> Status[dict[str, Any]]:
    application = application_submit(
        citizen=_user(request),
        service_code=payload.service,
        answers=payload.answers,
        idempotency_key=idempotency_key,
    )
    return Status(201, schemas.application_out(application))


@api.get("/applications", response=list[schemas.ApplicationOut], tags=["applications"])
def application_list(request: HttpRequest) -> list[dict[str, Any]]:
    return schemas.applications_out(list(applications_for_citizen(citizen=_user(request))[:200]))


@api.get("/applications/{application_id}", response=schemas.ApplicationOut, tags=["applications"])
def application_detail(request: HttpRequest, application_id: str) -> dict[str, Any]:
    return schemas.application_out(
        application_get_for_citizen(citizen=_user(request), application_id=application_id)
    )


@api.get("/documents", response=list[schemas.DocumentOut], tags=["documents"])
def document_list(request: HttpRequest) -> list[dict[str, Any]]:
    return [schemas.document_out(d) for d in documents_for_holder(holder=_user(request))[:200]]


@api.get("/documents/{document_id}", response=schemas.DocumentOut, tags=["documents"])
def document_detail(request: HttpRequest, document_id: str) -> dict[str, Any]:
    return schemas.document_out(
        document_get_for_holder(holder=_user(request), document_id=document_id)
    )


@api.get(
    "/documents/{document_id}/pdf",
    tags=["documents"],
    openapi_extra={
        "responses": {200: {"description": "The signed PDF", "content": {"application/pdf": {}}}}
    },
)
def document_pdf(request: HttpRequest, document_id: str) -> HttpResponse:
    document = document_get_for_holder(holder=_user(request), document_id=document_id)
    response = HttpResponse(bytes(document.pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{document.number}.pdf"'
    return response


class DataAccessOut(Schema):
    id: int
    at: str
    requester: str = Field(
        description="who looked: the system acting for an application, or an officer"
    )
    requester_kind: str
    agency: str = Field(description="code of the agency on whose behalf the data was read")
    agency_name: str
    registry: str
    registry_agency: str = Field(description="code of the agency that holds the register")
    dataset: str
    dataset_name: str
    purpose: str
    legal_basis: str = Field(description="the catalogue service that gives the legal basis")
    outcome: str
    message_id: str
    request_hash: str
    exchange_request_hash: str
    description: str = Field(description="the entry in plain words, in the asked language")
    flagged: bool


class FlagIn(Schema):
    reason: str = Field(max_length=2000)


class CaseOut(Schema):
    id: int
    data_access: int
    agency: str
    status: str
    opened_at: str


@api.get("/me/data-access", response=list[DataAccessOut], tags=["data access"])
def my_data_access(
    request: HttpRequest,
    agency: str | None = None,
    since: Annotated[dt.date | None, Query(alias="from")] = None,
    until: Annotated[dt.date | None, Query(alias="to")] = None,
) -> list[dict[str, Any]]:
    """Every look at the caller's data: registry queries and officers' views."""
    language = translation.get_language() or "ky"
    entries = data_access_for_subject(
        personal_number=_user(request).personal_number, agency=agency, since=since, until=until
    )[:500]
    return [schemas.data_access_out(entry, language) for entry in entries]


@api.post("/me/data-access/{access_id}/flag", response={201: CaseOut}, tags=["data access"])
def flag_data_access(
    request: HttpRequest, access_id: int, payload: FlagIn
) -> Status[dict[str, Any]]:
    """Flag a look as suspicious: opens a case for the agency's data-protection officer and oversight."""
    case = data_access_flag(citizen=_user(request), data_access_id=access_id, reason=payload.reason)
    return Status(
        201,
        {
            "id": case.pk,
            "data_access": case.data_access_id,
            "agency": case.agency,
            "status": case.status,
            "opened_at": case.opened_at.isoformat(),
        },
    )


class TreeHeadOut(Schema):
    tree_size: int
    root_hash: str = Field(description="RFC 9162 Merkle tree hash, lowercase hex")
    timestamp: int = Field(description="milliseconds since the Unix epoch")
    signature: str = Field(
        description="Ed25519 signature over the canonical head, lowercase hex (docs/ledger.md)"
    )
    key_id: str


class InclusionOut(Schema):
    leaf_index: int
    tree_size: int
    leaf_hash: str
    audit_path: list[str]


class ConsistencyOut(Schema):
    first: int
    second: int
    proof: list[str]


class LedgerEntryOut(Schema):
    index: int
    canonical: str = Field(description="the exact canonical JSON that was hashed")
    leaf_hash: str


@api.get("/ledger/tree-head", auth=None, response=TreeHeadOut, tags=["ledger"])
def ledger_tree_head(request: HttpRequest) -> dict[str, Any]:
    """The newest signed tree head of the platform's append-only log."""
    return tree_head_latest()


@api.get("/ledger/proof/inclusion", auth=None, response=InclusionOut, tags=["ledger"])
def ledger_inclusion(request: HttpRequest, index: int, tree_size: int) -> dict[str, Any]:
    """RFC 9162 inclusion proof of leaf ``index`` in the tree of ``tree_size`` leaves."""
    return inclusion_proof(index, tree_size)


@api.get("/ledger/proof/consistency", auth=None, response=ConsistencyOut, tags=["ledger"])
def ledger_consistency(request: HttpRequest, first: int, second: int) -> dict[str, Any]:
    """RFC 9162 consistency proof between the trees of ``first`` and ``second`` leaves."""
    return consistency_proof(first, second)


@api.get("/ledger/entries", auth=None, response=list[LedgerEntryOut], tags=["ledger"])
def ledger_entries(request: HttpRequest, start: int, end: int) -> list[dict[str, Any]]:
    """Leaves ``start`` to ``end - 1`` (at most 1000), each in the canonical form that was hashed."""
    return entries(start, end)


@api.get(
    "/ledger/public-key",
    auth=None,
    tags=["ledger"],
    openapi_extra={
        "responses": {200: {"description": "PEM public key", "content": {"text/plain": {}}}}
    },
)
def ledger_public_key(request: HttpRequest) -> HttpResponse:
    """The Ed25519 public key (PEM) that signs tree heads."""
    return HttpResponse(ledger_public_key_pem(), content_type="text/plain; charset=utf-8")


@api.get(
    "/status-list",
    auth=None,
    tags=["documents"],
    openapi_extra={
        "responses": {
            200: {
                "description": "The revocation status list: a W3C BitstringStatusListCredential "
                "as a compact JWS (ES256) signed by the root CA",
                "content": {"application/vc+jwt": {}},
            },
            503: {"description": "No document-signing PKI has been made yet"},
        }
    },
)
def status_list(request: HttpRequest) -> HttpResponse:
    """Which documents are revoked, signed by the root, for verifiers that work offline."""
    from kagazsyz.documents.status_list import MEDIA_TYPE, StatusListError, status_list_jws

    try:
        jws = status_list_jws()
    except StatusListError as exc:
        raise HttpError(503, str(exc)) from exc
    response = HttpResponse(jws, content_type=MEDIA_TYPE)
    response["Cache-Control"] = "public, max-age=300"
    return response


@api.get(
    "/trust-list",
    auth=None,
    tags=["documents"],
    openapi_extra={
        "responses": {
            200: {
                "description": "The agencies' public keys with their validity: a JWK Set "
                "(RFC 7517) as a compact JWS (RFC 7515, ES256) signed by the root CA, whose "
                "certificate is in the JWS header (x5c). `kagazsyz verify --trust-list FILE` "
                "checks documents against it offline.",
                "content": {"application/jose": {}},
            },
            503: {"description": "No document-signing PKI has been made yet"},
        }
    },
)
def trust_list(request: HttpRequest, download: bool = False) -> HttpResponse:
    """The trust list (compact JWS); with `download=1` served as an attachment."""
    from kagazsyz.documents.trust_list import (
        FILENAME,
        MEDIA_TYPE,
        TrustListError,
        trust_list_jws,
    )

    try:
        jws = trust_list_jws()
    except TrustListError as exc:
        raise HttpError(503, str(exc)) from exc
    response = HttpResponse(jws, content_type=MEDIA_TYPE)
    response["Cache-Control"] = "public, max-age=300"
    if download:
        response["Content-Disposition"] = f'attachment; filename="{FILENAME}"'
    return response


VERIFY_BODY = {
    "requestBody": {
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {"file": {"type": "string", "format": "binary"}},
                }
            },
            "application/json": {
                "schema": {"type": "object", "properties": {"qr": {"type": "string"}}}
            },
        }
    }
}


@api.post(
    "/verify",
    auth=None,
    response=schemas.VerdictOut,
    tags=["verification"],
    openapi_extra=VERIFY_BODY,
)
def verify(request: HttpRequest) -> Any:
    """Verify a document: a PDF (multipart field ``file``) or the QR text (``{"qr": "KG1:…"}``)."""
    upload = request.FILES.get("file")
    if upload is not None:
        verdict = document_verification_record(
            verdict=verify_pdf(upload.read(settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)), channel="api"
        )
        return schemas.verdict_out(verdict)
    qr_text = _qr_from_body(request)
    if qr_text is None:
        raise DomainError("nothing_to_verify", NO_VERIFY_INPUT, status=400)
    return schemas.verdict_out(
        document_verification_record(verdict=verify_qr(qr_text), channel="api")
    )


def _qr_from_body(request: HttpRequest) -> str | None:
    if request.POST.get("qr"):
        return str(request.POST["qr"])
    try:
        body = json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError):
        return None
    value = body.get("qr") if isinstance(body, dict) else None
    return value if isinstance(value, str) else None
