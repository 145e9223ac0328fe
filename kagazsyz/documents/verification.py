"""Verifying an issued document, from its PDF or from its QR text. Never raises on bad input.

A PDF is VALID only when all of these hold:

* it carries exactly one signature, and that signature covers the whole file: the byte range
  starts at 0, ends at the end of the file, and the gap between its two parts holds nothing but
  the signature value (hex of one DER object, zero padding, one letter case);
* the CMS signature is intact and made by a certificate that chains to our root (pyHanko);
* the QR payload embedded in the file verifies (COSE) and was signed by the same key, for the
  agency named in that certificate;
* the register knows no reason against it (revoked, or a different payload under that number).

The signature checks use the key directory, or only the keys of a trust list when one is given
(``trust=``, offline verification); the register is asked last, and only about a document whose
signatures verified. Offline, a downloaded status list (``status_list=``) stands in for the
register's revocations: the document's position in it is in its signed QR payload.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.utils import timezone
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
from pyhanko.sign.validation.status import PdfSignatureStatus
from pyhanko_certvalidator import ValidationContext

from kagazsyz.core.errors import Message
from kagazsyz.documents import messages
from kagazsyz.documents.keys import (
    TrustedKey,
    agency_code_of,
    key_id_of,
    root_certificate,
    trust_list,
)
from kagazsyz.documents.qr import QrContent, QrStatus, QrVerdict, decode_qr
from kagazsyz.documents.selectors import document_status
from kagazsyz.documents.signing import embedded_payload, to_asn1
from kagazsyz.documents.status_list import StatusList
from kagazsyz.documents.trust_list import TrustList

MAX_PDF_BYTES = 10 * 1024 * 1024
HEX = re.compile(rb"[0-9A-F]*|[0-9a-f]*")


class Outcome(StrEnum):
    VALID = "VALID"
    INVALID = "INVALID"
    REVOKED = "REVOKED"
    EXPIRED = "EXPIRED"
    UNKNOWN_ISSUER = "UNKNOWN_ISSUER"


@dataclass(frozen=True)
class Verdict:
    """The answer of a verification. ``claims`` only when the signatures verified."""

    verdict: str
    reason: dict[str, str]
    claims: dict[str, Any] | None = None
    document_number: str | None = None
    issuer: str | None = None
    doc_type: str | None = None
    issued_at: dt.datetime | None = None
    valid_until: dt.datetime | None = None
    details: dict[str, Any] = field(default_factory=dict)
    # the register's document behind a selective disclosure, which does not show its number:
    # for the holder's record of verifications only, never shown to the verifier
    record_ref: str | None = field(default=None, repr=False)

    @property
    def is_valid(self) -> bool:
        return self.verdict == Outcome.VALID


@dataclass(frozen=True)
class _Anchors:
    """What a verification trusts: the root and the agency keys, by key id."""

    root: x509.Certificate | None
    keys: Mapping[str, TrustedKey]


def _anchors(trust: TrustList | None) -> _Anchors:
    if trust is None:
        return _Anchors(root_certificate(), trust_list())
    return _Anchors(trust.root, trust.keys)


class _Refusal(Exception):
    def __init__(self, outcome: Outcome, reason: Message) -> None:
        super().__init__(reason.en)
        self.outcome = outcome
        self.reason = reason


def _verdict(outcome: Outcome, reason: Message) -> Verdict:
    return Verdict(verdict=outcome.value, reason=reason.as_dict())


def _authentic(
    outcome: Outcome,
    reason: Message,
    content: QrContent,
    details: dict[str, Any] | None = None,
) -> Verdict:
    return Verdict(
        verdict=outcome.value,
        reason=reason.as_dict(),
        claims=dict(content.claims),
        document_number=content.number,
        issuer=content.issuer,
        doc_type=content.doc_type,
        issued_at=content.issued_at,
        valid_until=content.expires_at,
        details=details or {},
    )


# --- the register -----------------------------------------------------------------------------


def _with_register(qr: QrVerdict, payload: str) -> Verdict:
    """Turn a QR verdict whose signature verified into the final verdict, asking the register."""
    content = qr.content
    assert content is not None
    status = document_status(content.number)
    if status is not None and status.qr_payload != payload:
        return _verdict(Outcome.INVALID, messages.REGISTER_MISMATCH)
    if status is not None and status.revoked:
        details = {"revoked_at": status.revoked_at, "revocation_reason": status.revocation_reason}
        return _authentic(Outcome.REVOKED, messages.REVOKED, content, details)
    if qr.status is QrStatus.EXPIRED:
        return _authentic(Outcome.EXPIRED, messages.EXPIRED, content)
    return _authentic(Outcome.VALID, messages.VALID, content)


def _with_status_list(qr: QrVerdict, status_list: StatusList) -> Verdict:
    """Offline: the document's bit in a downloaded list, as of the list's date."""
    content = qr.content
    assert content is not None
    as_of = {"status_list_valid_from": status_list.valid_from}
    revoked = None
    if content.status_index is not None and content.status_uri == status_list.id:
        revoked = status_list.revoked(content.status_index)
    if revoked:
        return _authentic(Outcome.REVOKED, messages.REVOKED_BY_LIST, content, as_of)
    details = {**as_of, "status": "checked" if revoked is False else "unknown"}
    return _authentic(Outcome(qr.status.value), qr.reason, content, details)


def _from_qr(
    qr: QrVerdict, payload: str, register: bool, status_list: StatusList | None = None
) -> Verdict:
    if qr.content is None:  # INVALID or UNKNOWN_ISSUER: nothing in it can be believed
        return _verdict(Outcome(qr.status.value), qr.reason)
    if register:
        return _with_register(qr, payload)
    if status_list is not None:
        return _with_status_list(qr, status_list)
    return _authentic(Outcome(qr.status.value), qr.reason, qr.content)


# --- QR ---------------------------------------------------------------------------------------


def verify_qr(
    text: str,
    *,
    now: dt.datetime | None = None,
    register: bool = True,
    trust: TrustList | None = None,
    status_list: StatusList | None = None,
) -> Verdict:
    """Verify the text of a document's QR code (``KG1:...``). With ``trust`` only the keys of
    that trust list count; ``status_list`` (offline, ``register=False``) supplies revocations."""
    if not isinstance(text, str):
        return _verdict(Outcome.INVALID, messages.NOT_OUR_QR)
    payload = text.strip()
    qr = decode_qr(payload, trusted=_anchors(trust).keys, now=now)
    return _from_qr(qr, payload, register, status_list)


# --- PDF --------------------------------------------------------------------------------------


def _der_length(data: bytes) -> int:
    """The length of the DER object (a SEQUENCE) at the start of ``data``."""
    if len(data) < 2 or data[0] != 0x30:
        raise _Refusal(Outcome.INVALID, messages.BROKEN_SIGNATURE)
    first = data[1]
    if first < 0x80:
        return 2 + first
    size = first & 0x7F
    if not 1 <= size <= 4 or len(data) < 2 + size:
        raise _Refusal(Outcome.INVALID, messages.BROKEN_SIGNATURE)
    return 2 + size + int.from_bytes(data[2 : 2 + size], "big")


def _check_byte_range(data: bytes, signature: EmbeddedPdfSignature) -> None:
    """The signature covers every byte of the file except its own value, written canonically."""
    byte_range = [int(value) for value in signature.byte_range]
    if len(byte_range) != 4:
        raise _Refusal(Outcome.INVALID, messages.PARTIAL_COVERAGE)
    start, first_length, second_start, second_length = byte_range
    gap_ok = 0 < first_length < second_start <= len(data)
    if start != 0 or not gap_ok or second_start + second_length != len(data):
        raise _Refusal(Outcome.INVALID, messages.PARTIAL_COVERAGE)
    gap = data[first_length:second_start]
    hex_digits = gap[1:-1]
    framed = gap[:1] == b"<" and gap[-1:] == b">" and len(hex_digits) % 2 == 0
    if not framed or not HEX.fullmatch(hex_digits):
        raise _Refusal(Outcome.INVALID, messages.PARTIAL_COVERAGE)
    value = bytes.fromhex(hex_digits.decode("ascii"))
    length = _der_length(value)
    if value != signature.pkcs7_content or length > len(value) or any(value[length:]):
        raise _Refusal(Outcome.INVALID, messages.PARTIAL_COVERAGE)


def _the_signature(reader: PdfFileReader) -> EmbeddedPdfSignature:
    signatures = reader.embedded_signatures
    if len(signatures) != 1:
        raise _Refusal(Outcome.INVALID, messages.SIGNATURE_COUNT)
    signature: EmbeddedPdfSignature = signatures[0]
    return signature


def _validation_context(root: x509.Certificate) -> ValidationContext:
    return ValidationContext(
        trust_roots=[to_asn1(root)], allow_fetching=False, revocation_mode="soft-fail"
    )


def _pyhanko_status(signature: EmbeddedPdfSignature, anchors: _Anchors) -> PdfSignatureStatus:
    root = anchors.root
    if root is None:
        raise _Refusal(Outcome.UNKNOWN_ISSUER, messages.UNTRUSTED_SIGNER)
    try:
        status: PdfSignatureStatus = validate_pdf_signature(
            signature, _validation_context(root), skip_diff=True
        )
    except Exception as exc:  # pyHanko raises many kinds on a broken CMS
        raise _Refusal(Outcome.INVALID, messages.BROKEN_SIGNATURE) from exc
    if not (status.intact and status.valid):
        raise _Refusal(Outcome.INVALID, messages.BROKEN_SIGNATURE)
    if not status.trusted and _one_of_our_keys(_signer_certificate(status), anchors):
        # our key, but the certificates in the file do not chain: they were altered
        raise _Refusal(Outcome.INVALID, messages.BROKEN_SIGNATURE)
    if not status.trusted:
        raise _Refusal(Outcome.UNKNOWN_ISSUER, messages.UNTRUSTED_SIGNER)
    return status


def _one_of_our_keys(certificate: x509.Certificate, anchors: _Anchors) -> bool:
    public_key = certificate.public_key()
    return (
        isinstance(public_key, ec.EllipticCurvePublicKey) and key_id_of(public_key) in anchors.keys
    )


# The DER of the parts of the CMS that its signature does not cover, as our signer writes them.
# (A change in pyHanko's output would show at once: every issued PDF would fail the tests.)
CMS_UNSIGNED_PARTS = (
    "020101",  # SignedData version 1
    "310f300d06096086480165030402010500",  # digestAlgorithms: {sha256, NULL}
    "300b06092a864886f70d010701",  # encapContentInfo: id-data, content detached
    "",  # no CRLs
    "020101",  # SignerInfo version 1
    "300d06096086480165030402010500",  # digestAlgorithm: sha256, NULL
    "300a06082a8648ce3d040302",  # signatureAlgorithm: ecdsa-with-SHA256
)
TIMESTAMP_ATTRIBUTE = "signature_time_stamp_token"


def _der(certificate: x509.Certificate) -> bytes:
    return certificate.public_bytes(serialization.Encoding.DER)


def _unsigned_parts(signature: EmbeddedPdfSignature) -> tuple[str, ...]:
    signed_data, info = signature.signed_data, signature.signer_info
    parts = (
        signed_data["version"],
        signed_data["digest_algorithms"],
        signed_data["encap_content_info"],
        signed_data["crls"],
        info["version"],
        info["digest_algorithm"],
        info["signature_algorithm"],
    )
    return tuple(part.dump().hex() for part in parts)


def _timestamp(signature: EmbeddedPdfSignature, status: PdfSignatureStatus) -> dict[str, Any]:
    """Unsigned attributes: none (PAdES B-B) or exactly one RFC 3161 time-stamp token over the
    signature (B-T), whose own signature must verify; whether its TSA is trusted is reported."""
    attributes = signature.signer_info["unsigned_attrs"]
    if not attributes.native:
        return {}
    if len(attributes) != 1 or attributes[0]["type"].native != TIMESTAMP_ATTRIBUTE:
        raise _Refusal(Outcome.INVALID, messages.BROKEN_SIGNATURE)
    if len(attributes[0]["values"]) != 1:
        raise _Refusal(Outcome.INVALID, messages.BROKEN_SIGNATURE)
    stamp = status.timestamp_validity
    if stamp is None or not (stamp.intact and stamp.valid):
        raise _Refusal(Outcome.INVALID, messages.BROKEN_SIGNATURE)
    return {"timestamp": stamp.timestamp, "timestamp_trusted": bool(stamp.trusted)}


def _check_cms_shape(
    signature: EmbeddedPdfSignature, signer: x509.Certificate, anchors: _Anchors
) -> None:
    """The unsigned parts of the CMS hold exactly what we write: no byte there is free.

    The CMS signature covers the signed attributes only; the certificates shipped alongside,
    the algorithm identifiers and the versions are not covered by it, so they are compared here
    byte for byte with what our signer writes.
    """
    root = anchors.root
    signed_data = signature.signed_data
    certificates = sorted(choice.chosen.dump() for choice in signed_data["certificates"])
    if root is None or certificates != sorted([_der(signer), _der(root)]):
        raise _Refusal(Outcome.INVALID, messages.BROKEN_SIGNATURE)
    if len(signed_data["signer_infos"]) != 1 or _unsigned_parts(signature) != CMS_UNSIGNED_PARTS:
        raise _Refusal(Outcome.INVALID, messages.BROKEN_SIGNATURE)


def _signer_certificate(status: PdfSignatureStatus) -> x509.Certificate:
    return x509.load_der_x509_certificate(status.signing_cert.dump())


def _check_payload_signer(qr: QrVerdict, certificate: x509.Certificate) -> None:
    """The QR payload must come from the key (and agency) that signed the PDF."""
    public_key = certificate.public_key()
    content = qr.content
    if content is None or not isinstance(public_key, ec.EllipticCurvePublicKey):
        raise _Refusal(Outcome.INVALID, messages.PAYLOAD_MISMATCH)
    if content.key_id != key_id_of(public_key):
        raise _Refusal(Outcome.INVALID, messages.PAYLOAD_MISMATCH)
    if content.issuer != agency_code_of(certificate):
        raise _Refusal(Outcome.INVALID, messages.PAYLOAD_MISMATCH)


def _verify_pdf_signatures(
    data: bytes, now: dt.datetime, anchors: _Anchors
) -> tuple[QrVerdict, str, dict[str, Any]]:
    """Everything that needs no database; returns the verified QR verdict and its payload."""
    if not isinstance(data, bytes | bytearray) or not 0 < len(data) <= MAX_PDF_BYTES:
        raise _Refusal(Outcome.INVALID, messages.NOT_PDF)
    data = bytes(data)
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=True)
        signature = _the_signature(reader)
    except _Refusal:
        raise
    except Exception as exc:  # a malformed file can fail anywhere in the parser
        raise _Refusal(Outcome.INVALID, messages.NOT_PDF) from exc
    _check_byte_range(data, signature)
    status = _pyhanko_status(signature, anchors)
    certificate = _signer_certificate(status)
    _check_cms_shape(signature, certificate, anchors)
    timestamp = _timestamp(signature, status)
    payload = embedded_payload(reader)
    if payload is None:
        raise _Refusal(Outcome.INVALID, messages.MISSING_PAYLOAD)
    qr = decode_qr(payload, trusted=anchors.keys, now=now)
    if qr.status is QrStatus.UNKNOWN_ISSUER:  # our signature over someone else's payload
        raise _Refusal(Outcome.INVALID, messages.PAYLOAD_MISMATCH)
    if qr.content is None:
        raise _Refusal(Outcome.INVALID, qr.reason)
    _check_payload_signer(qr, certificate)
    return qr, payload, timestamp


def verify_pdf(
    data: bytes,
    *,
    now: dt.datetime | None = None,
    register: bool = True,
    trust: TrustList | None = None,
    status_list: StatusList | None = None,
) -> Verdict:
    """Verify an issued PDF: its PAdES signature, its embedded QR payload and the register (or,
    offline, ``status_list``). With ``trust`` only the root and keys of that trust list count."""
    try:
        qr, payload, timestamp = _verify_pdf_signatures(
            data, now or timezone.now(), _anchors(trust)
        )
    except _Refusal as refusal:
        return _verdict(refusal.outcome, refusal.reason)
    except Exception:  # whatever the bytes, the answer is a verdict
        return _verdict(Outcome.INVALID, messages.NOT_PDF)
    verdict = _from_qr(qr, payload, register, status_list)
    if timestamp and verdict.claims is not None:
        verdict.details.update(timestamp)
    return verdict
