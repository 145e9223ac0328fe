"""The revocation status list: which documents are revoked, signed, for verifiers that work offline.

It follows the W3C Bitstring Status List (https://www.w3.org/TR/vc-bitstring-status-list/):

* every document gets a position, ``Document.status_index``; bit ``i`` of the list is 1 when the
  document at position ``i`` is revoked. Bit 0 is the most significant bit of the first byte.
* the list is at least 131,072 bits (16 KiB) and at most a quarter full, so one document's bit
  says little about who holds it (the specification's "group privacy"). Positions are drawn at
  random among the free ones, not in order of issue, so that neighbouring bits do not belong to
  documents issued together. A position never changes once given: the unique column keeps it, and
  the list only ever grows at its end.
* ``encodedList`` is the Multibase base64url form (prefix ``u``, no padding) of the GZIP of the
  bitstring; ``statusPurpose`` is ``revocation``; ``validFrom`` / ``validUntil`` bound the time
  a verifier may rely on it: a list older than ``VALIDITY`` is not trusted at all.

The credential is secured as a compact JWS (ES256, ``typ: vc+jwt``, VC-JOSE-COSE) by the **root CA
key**: offline verifiers already hold the root certificate as their trust anchor, so no other key
needs distributing, and publishing what is revoked under it is a CRL's role, which the root's
``crl_sign`` key usage covers.

A document gets its position when it is issued (:func:`status_index_draw`), before its QR is
signed: the QR carries it (``status`` claim, see ``qr.py``), so an offline verifier finds the bit
from the document alone. Documents issued before positions were signed get one lazily, when a
list is published (:func:`status_indexes_assign`); only online verification covers those.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import gzip
import json
import secrets
import threading
import zlib
from dataclasses import dataclass
from typing import Any

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
    encode_dss_signature,
)
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, Max
from django.utils import timezone

from kagazsyz.documents import keys
from kagazsyz.documents.models import Document

MIN_BITS = 131_072  # 16 KiB, the specification's minimum
MAX_FILL = 4  # the list is at least MAX_FILL times as long as the number of documents in it
MAX_BYTES = 16 * 1024 * 1024  # a verifier refuses lists that unpack to more (a GZIP bomb)
VALIDITY = dt.timedelta(days=3)
REFRESH = dt.timedelta(minutes=10)  # a published list is reused this long when nothing changed
ASSIGN_ATTEMPTS = 5
STATUS_LIST_ID = "urn:kagazsyz:status-list:revocation"
ISSUER = "urn:kagazsyz:root-ca"
MEDIA_TYPE = "application/vc+jwt"


# --- positions --------------------------------------------------------------------------------


def list_length(documents: int, highest_index: int | None = None) -> int:
    """Bits in the list: ≥ MIN_BITS, ≥ MAX_FILL bits per document, doubling so it rarely changes,
    and always past the highest position given."""
    length = MIN_BITS
    while length < documents * MAX_FILL:
        length *= 2
    while highest_index is not None and highest_index >= length:
        length *= 2
    return length


def _free_index(taken: set[int], length: int) -> int:
    """A random free position below ``length`` (at most a quarter are taken: few draws)."""
    while True:
        index = secrets.randbelow(length)
        if index not in taken:
            return index


def status_index_draw() -> int:
    """A free position for a document about to be issued. Two issuers drawing the same position
    at once is possible but rare; the unique column refuses the second, which draws again."""
    given = Document.objects.filter(status_index__isnull=False)
    found = given.aggregate(documents=Count("pk"), highest=Max("status_index"))
    length = list_length(found["documents"] + 1, found["highest"])
    while True:
        index = secrets.randbelow(length)
        if not given.filter(status_index=index).exists():
            return index


def _assign_missing() -> int:
    missing = list(
        Document.objects.select_for_update()
        .filter(status_index__isnull=True)
        .order_by("issued_at", "id")
        .only("pk")
    )
    if not missing:
        return 0
    given = Document.objects.filter(status_index__isnull=False)
    taken_ints = {
        index for index in given.values_list("status_index", flat=True) if index is not None
    }
    length = list_length(len(taken_ints) + len(missing), max(taken_ints, default=None))
    for document in missing:
        document.status_index = _free_index(taken_ints, length)
        taken_ints.add(document.status_index)
    Document.objects.bulk_update(missing, ["status_index"], batch_size=500)
    return len(missing)


def status_indexes_assign() -> int:
    """Give a position to every document that has none; return how many got one.

    The rows without a position are locked first; should another process still pick a position
    this one also picked, the unique index refuses the second and it draws again."""
    for _ in range(ASSIGN_ATTEMPTS):
        try:
            with transaction.atomic():
                return _assign_missing()
        except IntegrityError:
            continue
    raise RuntimeError("could not assign status list positions")  # pragma: no cover


def status_index_assign(document: Document) -> int:
    """The document's position in the status list, given now if it has none yet."""
    if document.status_index is None:
        status_indexes_assign()
        document.status_index = (
            Document.objects.filter(pk=document.pk).values_list("status_index", flat=True).get()
        )
    assert document.status_index is not None
    return document.status_index


# --- the list ---------------------------------------------------------------------------------


def encode_bits(revoked: set[int], length: int) -> str:
    """Multibase base64url (``u``, no padding) of the GZIP of the bitstring, bit 0 first (MSB)."""
    bits = bytearray(length // 8)
    for index in revoked:
        bits[index >> 3] |= 0x80 >> (index & 7)
    packed = gzip.compress(bytes(bits), mtime=0)
    return "u" + base64.urlsafe_b64encode(packed).rstrip(b"=").decode("ascii")


def decode_bits(encoded: str) -> bytes | None:
    """The bitstring in an ``encodedList``, or None when it is malformed or unpacks too large."""
    if not isinstance(encoded, str) or not encoded.startswith("u"):
        return None
    text = encoded[1:]
    try:
        packed = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
        bits = inflater.decompress(packed, MAX_BYTES + 1)
    except (binascii.Error, ValueError, zlib.error):
        return None
    if len(bits) > MAX_BYTES or not inflater.eof or len(bits) * 8 < MIN_BITS:
        return None
    return bits


def _timestamp(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def status_list_credential(*, now: dt.datetime | None = None) -> dict[str, Any]:
    """The unsigned BitstringStatusListCredential as of now (positions given first)."""
    status_indexes_assign()
    now = (now or timezone.now()).replace(microsecond=0)
    indexes = Document.objects.filter(status_index__isnull=False)
    counts = indexes.aggregate(documents=Count("pk"), highest=Max("status_index"))
    revoked = set(indexes.filter(revoked_at__isnull=False).values_list("status_index", flat=True))
    length = list_length(counts["documents"], counts["highest"])
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": STATUS_LIST_ID,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": ISSUER,
        "validFrom": _timestamp(now),
        "validUntil": _timestamp(now + VALIDITY),
        "credentialSubject": {
            "id": f"{STATUS_LIST_ID}#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": encode_bits({int(i) for i in revoked if i is not None}, length),
        },
    }


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    if "=" in text:
        raise ValueError("padding")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class StatusListError(Exception):
    """The list cannot be signed (no root CA exists yet: publishing never makes one), or a
    downloaded list cannot be trusted; the message says which."""


def sign_credential(credential: dict[str, Any]) -> str:
    """The credential as a compact JWS (ES256) by the root CA key; the header names the root by
    key id and carries its certificate (``x5c``), which a verifier compares with its own copy."""
    root = keys.root_certificate()
    if root is None:
        raise StatusListError(f"no root CA in {settings.KEYS_DIR}: run `kagazsyz keys init`")
    public_key = root.public_key()
    assert isinstance(public_key, ec.EllipticCurvePublicKey)
    header = {
        "alg": "ES256",
        "typ": "vc+jwt",
        "kid": keys.key_id_of(public_key),
        "x5c": [base64.b64encode(root.public_bytes(serialization.Encoding.DER)).decode("ascii")],
    }
    signing_input = (
        _b64(json.dumps(header, separators=(",", ":")).encode())
        + "."
        + _b64(json.dumps(credential, separators=(",", ":"), ensure_ascii=False).encode())
    )
    signed = keys.sign_with_root(signing_input.encode("ascii"))
    if signed is None or signed[1] != root:
        raise StatusListError("the root CA changed while the status list was signed")
    r, s = decode_dss_signature(signed[0])
    return signing_input + "." + _b64(r.to_bytes(32, "big") + s.to_bytes(32, "big"))


@dataclass(frozen=True)
class _Published:
    fingerprint: tuple[Any, ...]
    made_at: dt.datetime
    jws: str


_lock = threading.Lock()
_published: dict[str, _Published] = {}


def _fingerprint() -> tuple[Any, ...]:
    """What the list depends on: documents are never un-revoked nor (normally) deleted, so the
    counts and the newest revocation change whenever the list would."""
    found = Document.objects.aggregate(
        documents=Count("pk"), revoked=Count("revoked_at"), newest=Max("revoked_at")
    )
    return (found["documents"], found["revoked"], found["newest"])


def status_list_jws(*, now: dt.datetime | None = None) -> str:
    """The signed list: made again when a document was issued or revoked, or after REFRESH."""
    now = now or timezone.now()
    directory = str(settings.KEYS_DIR)
    fingerprint = _fingerprint()
    cached = _published.get(directory)
    if (
        cached is not None
        and cached.fingerprint == fingerprint
        and dt.timedelta(0) <= now - cached.made_at < REFRESH
    ):
        return cached.jws
    jws = sign_credential(status_list_credential(now=now))
    with _lock:
        _published[directory] = _Published(fingerprint, now, jws)
    return jws


def reset_cache() -> None:
    """Forget the published list (tests)."""
    with _lock:
        _published.clear()


# --- offline verification ---------------------------------------------------------------------


def _verified_credential(
    jws_text: str, root_certificate: x509.Certificate
) -> dict[str, Any] | None:
    public_key = root_certificate.public_key()
    if not isinstance(public_key, ec.EllipticCurvePublicKey) or not isinstance(
        public_key.curve, ec.SECP256R1
    ):
        return None
    parts = jws_text.strip().split(".") if isinstance(jws_text, str) else []
    if len(parts) != 3:
        return None
    try:
        header = json.loads(_unb64(parts[0]))
        raw = _unb64(parts[2])
        if not isinstance(header, dict) or header.get("alg") != "ES256" or len(raw) != 64:
            return None
        signature = encode_dss_signature(
            int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big")
        )
        signing_input = f"{parts[0]}.{parts[1]}".encode("ascii")
        public_key.verify(signature, signing_input, ec.ECDSA(hashes.SHA256()))
        credential = json.loads(_unb64(parts[1]))
    except (ValueError, UnicodeError, InvalidSignature):
        return None
    return credential if isinstance(credential, dict) else None


def _parse_time(value: Any) -> dt.datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


@dataclass(frozen=True)
class StatusList:
    """A status list whose signature (by the root) and form verified, for offline checks."""

    id: str
    valid_from: dt.datetime
    valid_until: dt.datetime
    bits: bytes

    def revoked(self, status_index: int) -> bool | None:
        """Whether the bit at ``status_index`` is set; None when the list has no such bit."""
        if isinstance(status_index, bool) or not isinstance(status_index, int):
            return None
        if not 0 <= status_index < len(self.bits) * 8:
            return None
        return bool(self.bits[status_index >> 3] & (0x80 >> (status_index & 7)))


def read_status_list(
    jws_text: str | bytes,
    *,
    root_certificate: x509.Certificate,
    now: dt.datetime | None = None,
) -> StatusList:
    """Check a downloaded status list (``GET /api/v1/status-list``) against the root.

    Raises :class:`StatusListError` when it cannot be trusted: a bad signature or form, not a
    revocation list, or outside its validity (a verifier that has not synced for VALIDITY
    knows nothing about revocations)."""
    if isinstance(jws_text, bytes):
        jws_text = jws_text.decode("ascii", errors="replace")
    credential = _verified_credential(jws_text, root_certificate)
    if credential is None:
        raise StatusListError("the status list is not signed by the trusted root")
    subject = credential.get("credentialSubject")
    types = credential.get("type")
    if (
        not isinstance(subject, dict)
        or not isinstance(types, list)
        or "BitstringStatusListCredential" not in types
        or subject.get("type") != "BitstringStatusList"
        or subject.get("statusPurpose") != "revocation"
        or not isinstance(credential.get("id"), str)
    ):
        raise StatusListError("not a revocation status list")
    valid_from = _parse_time(credential.get("validFrom"))
    valid_until = _parse_time(credential.get("validUntil"))
    moment = now or dt.datetime.now(dt.UTC)
    if valid_from is None or valid_until is None or not valid_from <= moment < valid_until:
        raise StatusListError("the status list is out of date: download it again")
    bits = decode_bits(subject.get("encodedList", ""))
    if bits is None:
        raise StatusListError("the status list's bitstring is malformed")
    return StatusList(credential["id"], valid_from, valid_until, bits)


def is_revoked_offline(
    jws_text: str,
    status_index: int,
    *,
    root_certificate: x509.Certificate,
    now: dt.datetime | None = None,
) -> bool | None:
    """Whether the document at ``status_index`` is revoked, by a list signed by the root; None
    when the list cannot be trusted (see :func:`read_status_list`) or has no such bit."""
    try:
        status_list = read_status_list(jws_text, root_certificate=root_certificate, now=now)
    except StatusListError:
        return None
    return status_list.revoked(status_index)
