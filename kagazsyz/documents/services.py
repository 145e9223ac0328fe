"""Issuing and revoking documents.

The slow part of issuing (QR signature, PDF rendering, PAdES signing: tens of milliseconds) runs
before the transaction opens, so the database holds no lock meanwhile; the row and its ledger
entry are then written together. A caller that needs issuing to be atomic with its own change
(an application moving to ISSUED) simply calls this inside its own ``transaction.atomic()``.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from pyhanko.sign.timestamps.common_utils import TimestampRequestError

from kagazsyz.accounts.models import User
from kagazsyz.core.errors import DomainError
from kagazsyz.documents import messages
from kagazsyz.documents.keys import signing_key_for
from kagazsyz.documents.models import Document, Verification
from kagazsyz.documents.pdf import PdfContent, render_pdf
from kagazsyz.documents.qr import StatusReference, encode_qr
from kagazsyz.documents.signing import sign_pdf
from kagazsyz.documents.status_list import STATUS_LIST_ID, status_index_draw
from kagazsyz.documents.verification import Verdict
from kagazsyz.ledger.services import ledger_append, salted_reference

# Crockford's base32: no I, L, O or U, so a number read aloud or typed is hard to get wrong.
NUMBER_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
NUMBER_LENGTH = 10
NUMBER_ATTEMPTS = 5
MAX_REASON = 500


def _random_number(year: int) -> str:
    suffix = "".join(secrets.choice(NUMBER_ALPHABET) for _ in range(NUMBER_LENGTH))
    return f"D-{year}-{suffix}"


def _unused_number(year: int) -> str:
    """50 random bits: a clash is all but impossible, and the unique index catches it anyway."""
    for _ in range(NUMBER_ATTEMPTS):
        number = _random_number(year)
        if not Document.objects.filter(number=number).exists():
            return number
    raise RuntimeError("could not find an unused document number")  # pragma: no cover


def _checked_claims(claims: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Claims as stored: [{"name", "labels", "value"}], names unique."""
    checked: list[dict[str, Any]] = []
    for claim in claims:
        name = claim.get("name")
        labels = claim.get("labels")
        if not isinstance(name, str) or not name or not isinstance(labels, Mapping):
            raise ValueError(f"a claim needs a name and labels: {claim!r}")
        checked.append({"name": name, "labels": dict(labels), "value": claim.get("value")})
    names = [claim["name"] for claim in checked]
    if len(set(names)) != len(names):
        raise ValueError(f"claim names must be unique: {names}")
    return checked


def _validity(now: dt.datetime, validity_days: int | None) -> dt.datetime | None:
    if validity_days is None:
        return None
    if validity_days < 1:
        raise ValueError("validity_days must be at least 1")
    return now + dt.timedelta(days=validity_days)


def document_issue(
    *,
    holder: User,
    source_ref: str,
    agency_code: str,
    agency_names: dict[str, str],
    doc_type: str,
    titles: dict[str, str],
    claims: list[dict[str, Any]],
    validity_days: int | None,
    now: dt.datetime | None = None,
) -> Document:
    """Issue a signed document: number, status-list position, QR payload, PDF (PAdES), row and
    ledger entry. Number and position are drawn at random and signed before the row exists;
    should another issuer take either meanwhile, the unique indexes refuse the row and the
    document is made again with a fresh draw."""
    issued_at = (now or timezone.now()).replace(microsecond=0)  # as precise as the QR's iat
    valid_until = _validity(issued_at, validity_days)
    stored_claims = _checked_claims(claims)
    for attempt in range(NUMBER_ATTEMPTS):
        try:
            return _issue_once(
                holder=holder,
                source_ref=source_ref,
                agency_code=agency_code,
                agency_names=agency_names,
                doc_type=doc_type,
                titles=titles,
                claims=stored_claims,
                issued_at=issued_at,
                valid_until=valid_until,
            )
        except IntegrityError:
            if attempt == NUMBER_ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")  # pragma: no cover


def _issue_once(
    *,
    holder: User,
    source_ref: str,
    agency_code: str,
    agency_names: dict[str, str],
    doc_type: str,
    titles: dict[str, str],
    claims: list[dict[str, Any]],
    issued_at: dt.datetime,
    valid_until: dt.datetime | None,
) -> Document:
    signer = signing_key_for(agency_code)
    number = _unused_number(timezone.localtime(issued_at).year)
    status_index = status_index_draw()
    qr_payload = encode_qr(
        signer=signer,
        issuer=agency_code,
        number=number,
        doc_type=doc_type,
        claims={claim["name"]: claim["value"] for claim in claims},
        issued_at=issued_at,
        expires_at=valid_until,
        status=StatusReference(status_index, STATUS_LIST_ID),
    )
    content = PdfContent(
        number=number,
        titles=titles,
        agency_names=agency_names,
        holder_name=holder.full_name,
        holder_id=holder.personal_number,
        issued_at=issued_at,
        valid_until=valid_until,
        claims=claims,
        qr_payload=qr_payload,
    )
    pdf = sign_pdf(render_pdf(content), signer=signer, qr_payload=qr_payload)
    with transaction.atomic():  # a savepoint when the caller has a transaction open
        document = Document.objects.create(
            number=number,
            holder=holder,
            source_ref=source_ref,
            doc_type=doc_type,
            agency_code=agency_code,
            titles=dict(titles),
            claims=claims,
            issued_at=issued_at,
            valid_until=valid_until,
            key_id=signer.key_id,
            qr_payload=qr_payload,
            pdf=pdf,
            status_index=status_index,
        )
        ledger_append(
            ref=number,
            kind="document.issued",
            payload={
                "document": number,
                "type": doc_type,
                "agency": agency_code,
                "source": source_ref,
                "key": signer.key_id,
                "holder": salted_reference(holder.personal_number, purpose="person"),
            },
        )
    return document


def document_revoke(*, document: Document, reason: str, actor: str) -> Document:
    """Revoke a document: verification answers REVOKED from now on. Revoking twice is refused."""
    reason = reason.strip()
    if not reason:
        raise DomainError("revocation_reason_required", messages.REASON_REQUIRED, field="reason")
    with transaction.atomic():
        locked = Document.objects.select_for_update().defer("pdf").get(pk=document.pk)
        if locked.revoked_at is not None:
            raise DomainError("document_already_revoked", messages.ALREADY_REVOKED, status=409)
        locked.revoked_at = timezone.now()
        locked.revocation_reason = reason[:MAX_REASON]
        locked.save(update_fields=["revoked_at", "revocation_reason"])
        ledger_append(
            ref=locked.number,
            kind="document.revoked",
            payload={
                "document": locked.number,
                "agency": locked.agency_code,
                "actor": actor,
                # the reason may name people: the ledger keeps a keyed hash, the row the text
                "reason": salted_reference(locked.revocation_reason, purpose="revocation"),
            },
        )
    document.revoked_at = locked.revoked_at
    document.revocation_reason = locked.revocation_reason
    return document


def document_verification_record(*, verdict: Verdict, channel: str) -> Verdict:
    """Record an online verification of one of our documents, so its holder can see when it was
    checked. The verifier is not identified: nothing about them is stored."""
    number = verdict.document_number or verdict.record_ref
    document_id = (
        Document.objects.filter(number=number).values_list("pk", flat=True).first()
        if number
        else None
    )
    if number and document_id is not None:
        with transaction.atomic():
            Verification.objects.create(
                document_id=document_id,
                at=timezone.now(),
                channel=channel[:16],
                verdict=verdict.verdict,
                selective=bool(verdict.details.get("selective_disclosure")),
            )
            ledger_append(
                ref=number,
                kind="document.verified",
                payload={
                    "document": number,
                    "verdict": verdict.verdict,
                    "channel": channel,
                },
            )
    return verdict


def document_pdf_with_english(document: Document) -> bytes:
    """The same document with English beside Kyrgyz and Russian, made and signed on request.

    It carries the very QR payload of the original (same number, claims and signature), so it
    verifies exactly like it; the PDF must be signed by the key that signed that payload, which
    is possible only while that key is the agency's current one."""
    from kagazsyz.catalog.loader import get_catalog

    if document.revoked_at is not None:
        raise DomainError("document_revoked", messages.ALREADY_REVOKED, status=409)
    signer = signing_key_for(document.agency_code)
    if signer.key_id != document.key_id:
        raise DomainError("english_copy_unavailable", messages.ENGLISH_COPY_UNAVAILABLE, status=409)
    agency = get_catalog().agencies.get(document.agency_code)
    content = PdfContent(
        number=document.number,
        titles=document.titles,
        agency_names=agency.names.model_dump() if agency is not None else {},
        holder_name=document.holder.full_name,
        holder_id=document.holder.personal_number,
        issued_at=document.issued_at,
        valid_until=document.valid_until,
        claims=document.claims,
        qr_payload=document.qr_payload,
        english=True,
    )
    try:
        return sign_pdf(render_pdf(content), signer=signer, qr_payload=document.qr_payload)
    except TimestampRequestError as exc:
        raise DomainError(
            "timestamp_unavailable", messages.TIMESTAMP_UNAVAILABLE, status=503
        ) from exc
