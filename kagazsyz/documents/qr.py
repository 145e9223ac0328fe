"""The QR payload: signed claims in the pattern of the EU Digital COVID Certificate.

``KG1:`` + Base45(zlib(CBOR tag 18: COSE_Sign1)), where (RFC 9052 / RFC 8392)

* protected header: ``{1: -7 (ES256), 4: kid}``, kid = the 8 bytes of the signer's key id;
* unprotected header: ``{}`` (nothing unsigned is accepted);
* payload: a CWT ``{1: iss, 6: iat, 4: exp (if the document expires), -261: status,
  -260: {"n": number, "t": doc_type, "c": {claim name: value}}}``, where ``status`` is the
  document's place in a revocation status list (a W3C Bitstring Status List, see
  ``status_list.py``): ``position`` alone for the platform's list,
  ``urn:kagazsyz:status-list:revocation``, or ``[position, name]`` for the list
  ``urn:kagazsyz:status-list:<name>``. It is signed at issue, so an offline verifier finds the
  document's bit from the QR alone. (The IETF Token Status List's CWT claim, ``65535: {"status_list": {"idx", "uri"}}``,
  says the same in about 45 more bytes, which the QR cannot spare: the longest document types
  would need version 16. The SD-JWT form of a document, which has no such limit, uses it.)
* a text claim longer than ``LONG_TEXT`` characters is carried as its first ``TEXT_PREFIX``
  characters, ``…#`` and the first 8 Base64url characters of the SHA-256 of its UTF-8 (NFC) text:
  the QR of every document type then fits version 15 at level M whatever was typed, and the full
  value stays on the printed page and in the signed PDF;
* signature: ECDSA P-256 / SHA-256 over ``["Signature1", protected, b"", payload]``, raw r||s.

:func:`decode_qr` never raises: whatever the input, it returns a :class:`QrVerdict`.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import io
import unicodedata
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import base45
import cbor2
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
    encode_dss_signature,
)
from django.utils import timezone

from kagazsyz.core.errors import Message
from kagazsyz.documents import messages
from kagazsyz.documents.keys import Signer, TrustedKey, trust_list

PREFIX = "KG1:"
SIGN1_TAG = 18
HEADER_ALG, HEADER_KID = 1, 4
ES256 = -7
CWT_ISS, CWT_EXP, CWT_IAT = 1, 4, 6
STATUS_KEY = -261  # [position, list name], see the module docstring
STATUS_LIST_PREFIX = "urn:kagazsyz:status-list:"
DEFAULT_STATUS_LIST = STATUS_LIST_PREFIX + "revocation"  # implied when the QR names no list
CLAIMS_KEY = -260
KID_BYTES = 8
COORDINATE_BYTES = 32
MAX_TEXT = 8_192  # characters of QR text we look at; a version-40 QR holds 4,296
MAX_CBOR = 65_536  # bytes after decompression
MAX_DEPTH = 16
CLOCK_SKEW = dt.timedelta(minutes=5)
TEXT_PREFIX = 24
FINGERPRINT_CHARS = 8
LONG_TEXT = TEXT_PREFIX + 2 + FINGERPRINT_CHARS


class QrStatus(StrEnum):
    VALID = "VALID"
    INVALID = "INVALID"
    EXPIRED = "EXPIRED"
    UNKNOWN_ISSUER = "UNKNOWN_ISSUER"


@dataclass(frozen=True)
class QrContent:
    """The claims of a payload whose signature verified."""

    issuer: str
    number: str
    doc_type: str
    issued_at: dt.datetime
    expires_at: dt.datetime | None
    claims: dict[str, Any]
    key_id: str
    status_index: int | None = None  # the document's bit in the status list named by status_uri
    status_uri: str | None = None


@dataclass(frozen=True)
class StatusReference:
    """Where a document's revocation bit is: position ``index`` in the list ``uri``."""

    index: int
    uri: str


@dataclass(frozen=True)
class QrVerdict:
    status: QrStatus
    reason: Message
    content: QrContent | None = None  # only when the signature verified
    key_id: str | None = None


class _Reject(Exception):
    def __init__(self, status: QrStatus, reason: Message) -> None:
        super().__init__(reason.en)
        self.status = status
        self.reason = reason


def _invalid(reason: Message = messages.MALFORMED) -> _Reject:
    return _Reject(QrStatus.INVALID, reason)


# --- encoding ---------------------------------------------------------------------------------


def _timestamp(moment: dt.datetime) -> int:
    if moment.tzinfo is None:
        raise ValueError("QR timestamps need an aware datetime")
    return int(moment.timestamp())


def qr_claim_value(value: Any) -> Any:
    """A claim as the QR carries it: long text shortened to a prefix and a fingerprint."""
    if not isinstance(value, str) or len(value) <= LONG_TEXT:
        return value
    text = unicodedata.normalize("NFC", value)
    digest = base64.urlsafe_b64encode(hashlib.sha256(text.encode()).digest()).decode()
    return f"{text[:TEXT_PREFIX]}…#{digest[:FINGERPRINT_CHARS]}"


def _cwt(
    *,
    issuer: str,
    number: str,
    doc_type: str,
    claims: Mapping[str, Any],
    issued_at: dt.datetime,
    expires_at: dt.datetime | None,
    status: StatusReference | None,
) -> dict[int, Any]:
    cwt: dict[int, Any] = {CWT_ISS: issuer, CWT_IAT: _timestamp(issued_at)}
    if expires_at is not None:
        cwt[CWT_EXP] = _timestamp(expires_at)
    if status is not None:
        if not status.uri.startswith(STATUS_LIST_PREFIX):
            raise ValueError(f"a status list id starts with {STATUS_LIST_PREFIX}")
        name = status.uri[len(STATUS_LIST_PREFIX) :]
        default = status.uri == DEFAULT_STATUS_LIST
        cwt[STATUS_KEY] = status.index if default else [status.index, name]
    cwt[CLAIMS_KEY] = {
        "n": number,
        "t": doc_type,
        "c": {name: qr_claim_value(value) for name, value in claims.items()},
    }
    return cwt


def _sig_structure(protected: bytes, payload: bytes) -> bytes:
    return cbor2.dumps(["Signature1", protected, b"", payload])


def _raw_signature(der: bytes) -> bytes:
    r, s = decode_dss_signature(der)
    return r.to_bytes(COORDINATE_BYTES, "big") + s.to_bytes(COORDINATE_BYTES, "big")


def encode_qr(
    *,
    signer: Signer,
    issuer: str,
    number: str,
    doc_type: str,
    claims: Mapping[str, Any],
    issued_at: dt.datetime,
    expires_at: dt.datetime | None,
    status: StatusReference | None = None,
) -> str:
    """Sign the claims and return the QR text (``KG1:...``, Base45: QR alphanumeric mode)."""
    kid = bytes.fromhex(signer.key_id)
    protected = cbor2.dumps({HEADER_ALG: ES256, HEADER_KID: kid}, canonical=True)
    cwt = _cwt(
        issuer=issuer,
        number=number,
        doc_type=doc_type,
        claims=claims,
        issued_at=issued_at,
        expires_at=expires_at,
        status=status,
    )
    payload = cbor2.dumps(cwt, canonical=True)
    signature = _raw_signature(signer.sign(_sig_structure(protected, payload)))
    message = cbor2.dumps(cbor2.CBORTag(SIGN1_TAG, [protected, {}, payload, signature]))
    encoded: bytes = base45.b45encode(zlib.compress(message, 9))
    return PREFIX + encoded.decode("ascii")


# --- decoding ---------------------------------------------------------------------------------


def _unwrap_text(text: object) -> bytes:
    if not isinstance(text, str) or not text.startswith(PREFIX) or len(text) > MAX_TEXT:
        raise _invalid(messages.NOT_OUR_QR)
    try:
        decoded: bytes = base45.b45decode(text[len(PREFIX) :])
    except (ValueError, TypeError, IndexError) as exc:
        raise _invalid() from exc
    return decoded


def _inflate(data: bytes) -> bytes:
    inflater = zlib.decompressobj()
    try:
        out = inflater.decompress(data, MAX_CBOR)
    except zlib.error as exc:
        raise _invalid() from exc
    if not inflater.eof or inflater.unconsumed_tail or inflater.unused_data:
        raise _invalid()
    return out


def _cbor(data: bytes) -> Any:
    """One CBOR item, nothing after it: a byte added anywhere is refused."""
    stream = io.BytesIO(data)
    decoder = cbor2.CBORDecoder(
        stream, max_depth=MAX_DEPTH, allow_indefinite=False, allow_duplicate_keys=False
    )
    try:
        value = decoder.decode()
    except (cbor2.CBORDecodeError, ValueError, TypeError, OverflowError) as exc:
        raise _invalid() from exc
    if stream.tell() != len(data):
        raise _invalid()
    return value


def _sign1(data: bytes) -> tuple[bytes, bytes, bytes]:
    """(protected, payload, signature) of a tagged COSE_Sign1 with an empty unprotected map."""
    message = _cbor(data)
    if not isinstance(message, cbor2.CBORTag) or message.tag != SIGN1_TAG:
        raise _invalid()
    parts = message.value
    if not isinstance(parts, list | tuple) or len(parts) != 4:
        raise _invalid()
    protected, unprotected, payload, signature = parts
    if not all(isinstance(part, bytes) for part in (protected, payload, signature)):
        raise _invalid()
    if not isinstance(unprotected, Mapping) or len(unprotected) != 0:
        raise _invalid()
    if len(signature) != 2 * COORDINATE_BYTES:
        raise _invalid(messages.BAD_SIGNATURE)
    return protected, payload, signature


def _key_id(protected: bytes) -> str:
    header = _cbor(protected)
    if not isinstance(header, Mapping) or set(header) != {HEADER_ALG, HEADER_KID}:
        raise _invalid()
    if header[HEADER_ALG] != ES256 or isinstance(header[HEADER_ALG], bool):
        raise _invalid(messages.UNSUPPORTED_ALGORITHM)
    kid = header[HEADER_KID]
    if not isinstance(kid, bytes) or len(kid) != KID_BYTES:
        raise _invalid()
    return kid.hex()


def _check_signature(
    key: ec.EllipticCurvePublicKey, protected: bytes, payload: bytes, signature: bytes
) -> None:
    r = int.from_bytes(signature[:COORDINATE_BYTES], "big")
    s = int.from_bytes(signature[COORDINATE_BYTES:], "big")
    try:
        key.verify(
            encode_dss_signature(r, s),
            _sig_structure(protected, payload),
            ec.ECDSA(hashes.SHA256()),
        )
    except (InvalidSignature, ValueError) as exc:
        raise _invalid(messages.BAD_SIGNATURE) from exc


def _integer(value: object) -> int:
    if type(value) is not int:
        raise _invalid()
    return value


def _text(value: object) -> str:
    if not isinstance(value, str) or not value:
        raise _invalid()
    return value


def _moment(value: object) -> dt.datetime:
    try:
        return dt.datetime.fromtimestamp(_integer(value), dt.UTC)
    except (OverflowError, OSError, ValueError) as exc:
        raise _invalid() from exc


def _document_part(value: object) -> tuple[str, str, dict[str, Any]]:
    if not isinstance(value, Mapping) or set(value) != {"n", "t", "c"}:
        raise _invalid()
    claims = value["c"]
    if not isinstance(claims, Mapping) or not all(isinstance(k, str) for k in claims):
        raise _invalid()
    return _text(value["n"]), _text(value["t"]), dict(claims)


def _status(value: object) -> StatusReference:
    if type(value) is int:
        index, uri = value, DEFAULT_STATUS_LIST
    elif isinstance(value, list | tuple) and len(value) == 2:
        index, uri = _integer(value[0]), STATUS_LIST_PREFIX + _text(value[1])
    else:
        raise _invalid()
    if index < 0:
        raise _invalid()
    return StatusReference(index, uri)


def _content(payload: bytes, key_id: str) -> QrContent:
    cwt = _cbor(payload)
    if not isinstance(cwt, Mapping):
        raise _invalid()
    keys = set(cwt)
    allowed = {CWT_ISS, CWT_IAT, CWT_EXP, STATUS_KEY, CLAIMS_KEY}
    if not {CWT_ISS, CWT_IAT, CLAIMS_KEY} <= keys <= allowed:
        raise _invalid()
    number, doc_type, claims = _document_part(cwt[CLAIMS_KEY])
    expires_at = _moment(cwt[CWT_EXP]) if CWT_EXP in cwt else None
    status = _status(cwt[STATUS_KEY]) if STATUS_KEY in cwt else None
    return QrContent(
        issuer=_text(cwt[CWT_ISS]),
        number=number,
        doc_type=doc_type,
        issued_at=_moment(cwt[CWT_IAT]),
        expires_at=expires_at,
        claims=claims,
        key_id=key_id,
        status_index=status.index if status is not None else None,
        status_uri=status.uri if status is not None else None,
    )


def _timed(content: QrContent, now: dt.datetime) -> QrVerdict:
    if content.issued_at > now + CLOCK_SKEW:
        return QrVerdict(QrStatus.INVALID, messages.ISSUED_IN_FUTURE, None, content.key_id)
    if content.expires_at is not None and content.expires_at < content.issued_at:
        return QrVerdict(QrStatus.INVALID, messages.MALFORMED, None, content.key_id)
    if content.expires_at is not None and now >= content.expires_at:
        return QrVerdict(QrStatus.EXPIRED, messages.EXPIRED, content, content.key_id)
    return QrVerdict(QrStatus.VALID, messages.VALID, content, content.key_id)


def _verify(text: object, trusted: Mapping[str, TrustedKey], now: dt.datetime) -> QrVerdict:
    protected, payload, signature = _sign1(_inflate(_unwrap_text(text)))
    key_id = _key_id(protected)
    key = trusted.get(key_id)
    if key is None:
        return QrVerdict(QrStatus.UNKNOWN_ISSUER, messages.UNKNOWN_ISSUER, None, key_id)
    _check_signature(key.public_key, protected, payload, signature)
    content = _content(payload, key_id)
    if content.issuer != key.agency_code:
        return QrVerdict(QrStatus.INVALID, messages.WRONG_ISSUER, None, key_id)
    if key.revoked_at is not None:
        return QrVerdict(QrStatus.INVALID, messages.KEY_REVOKED, None, key_id)
    return _timed(content, now)


def decode_qr(
    text: object,
    *,
    trusted: Mapping[str, TrustedKey] | None = None,
    now: dt.datetime | None = None,
) -> QrVerdict:
    """Verify a QR text against the trust list. Never raises; revocation is the caller's part."""
    try:
        return _verify(text, trust_list() if trusted is None else trusted, now or timezone.now())
    except _Reject as reject:
        return QrVerdict(reject.status, reject.reason)
    except Exception:  # a verifier answers every input with a verdict
        return QrVerdict(QrStatus.INVALID, messages.MALFORMED)
