"""Reading issued documents."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from kagazsyz.accounts.models import User
from kagazsyz.core.errors import NotFound
from kagazsyz.documents.messages import DOCUMENT_NOT_FOUND
from kagazsyz.documents.models import Document, Verification


@dataclass(frozen=True)
class DocumentStatus:
    """What the register says about a document number: enough to decide revoked / expired."""

    number: str
    agency_code: str
    key_id: str
    qr_payload: str
    valid_until: dt.datetime | None
    revoked_at: dt.datetime | None
    revocation_reason: str

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None


_STATUS_FIELDS = (
    "number",
    "agency_code",
    "key_id",
    "qr_payload",
    "valid_until",
    "revoked_at",
    "revocation_reason",
)


def document_status(number: str) -> DocumentStatus | None:
    """The register's entry for a number, without loading the PDF; None when unknown."""
    row = Document.objects.filter(number=number).values(*_STATUS_FIELDS).first()
    return DocumentStatus(**row) if row is not None else None


def document_by_number(number: str) -> Document | None:
    """A document's record without its PDF bytes (what a verification page needs to show)."""
    return Document.objects.filter(number=number).defer("pdf").first()


def documents_for_holder(*, holder: User) -> QuerySet[Document]:
    """A person's documents, newest first, without the PDF bytes."""
    return Document.objects.filter(holder=holder).defer("pdf").order_by("-issued_at", "number")


def document_get_for_holder(*, holder: User, document_id: uuid.UUID | str) -> Document:
    """One of the holder's documents, with its PDF. Another person's is simply not found."""
    try:
        document = Document.objects.filter(pk=document_id, holder=holder).first()
    except (ValueError, ValidationError):
        document = None
    if document is None:
        raise NotFound(DOCUMENT_NOT_FOUND)
    return document


def verifications_for_document(*, document: Document, limit: int = 100) -> list[Verification]:
    """When the document was verified online, newest first (nothing about who verified it)."""
    return list(document.verifications.order_by("-at", "-pk")[:limit])
