"""The trust list: the agencies' public keys with their validity, signed by the root CA.

Format (decided here, served at ``GET /api/v1/trust-list`` and written by
``kagazsyz keys export-trust-list FILE``): one JWS (RFC 7515) in **compact serialization**,
media type ``application/jose``, signed with ES256 by the root CA key:

* protected header ``{"alg": "ES256", "typ": "jwk-set+json", "x5c": [root certificate]}``;
* payload: a JWK Set (RFC 7517) as UTF-8 JSON::

    {"keys": [{"kty": "EC", "crv": "P-256", "x": …, "y": …, "kid": <our key id>, "use": "sig",
               "alg": "ES256", "x5c": [agency certificate], "iss": <agency code>,
               "nbf": <not valid before, unix seconds>, "exp": <not valid after, unix seconds>,
               "revoked": <unix seconds, only for a revoked key>, "revocation_reason": …},
              …],
     "issued_at": <unix seconds>,
     "root": {"x5c": [root certificate]}}

  After a key rotation an agency has several keys: every key that chains to the root is listed
  until its certificate expires, so documents signed before the rotation keep verifying. A revoked
  key stays listed with ``revoked``: its documents verify INVALID, with that reason.
  ``kid`` is :func:`~kagazsyz.documents.keys.key_id_of` (the one in QR payloads), certificates
  in ``x5c`` are base64 (not base64url) DER as RFC 7517 section 4.7 says, ``x``/``y`` base64url
  of the 32-byte coordinates;
* signature: raw ``r || s`` (64 bytes), base64url, over ``ASCII(header "." payload)``.

A compact JWS and not JSON with a ``"signature"`` member: it is the standard form, it is one
opaque line that can be downloaded, pinned and passed around unchanged, and any JOSE library
can check it. Reading the set needs only a base64url decode of the middle part.

:func:`read_trust_list` / :func:`load_trust_list` check such a file: the JWS signature against
the root certificate in its header (which, when a root is pinned, must be that root), and each
agency certificate against that root; the keys must agree with their certificates. Whatever the
input, they either return or raise :class:`TrustListError` with a readable message.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import re
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

from kagazsyz.documents.keys import (
    TrustedKey,
    agency_code_of,
    key_id_of,
    root_certificate,
    sign_with_root,
    trust_list,
)

MEDIA_TYPE = "application/jose"
JWS_TYPE = "jwk-set+json"
FILENAME = "kagazsyz-trust-list.jws"
COORDINATE_BYTES = 32
MAX_JWS_CHARS = 2 * 1024 * 1024
MAX_KEYS = 10_000
BASE64URL = re.compile(r"[A-Za-z0-9_-]*")


class TrustListError(Exception):
    """The text is not a trust list we can believe; the message says why."""


@dataclass(frozen=True)
class TrustList:
    """A trust list whose signature and certificates verified."""

    root: x509.Certificate
    keys: dict[str, TrustedKey]
    issued_at: int


# --- encoding helpers -------------------------------------------------------------------------


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64url_decode(text: str, what: str) -> bytes:
    if not BASE64URL.fullmatch(text) or len(text) % 4 == 1:
        raise TrustListError(f"the {what} is not base64url")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _der(certificate: x509.Certificate) -> bytes:
    return certificate.public_bytes(serialization.Encoding.DER)


def _x5c(certificate: x509.Certificate) -> list[str]:
    return [base64.b64encode(_der(certificate)).decode("ascii")]


def _coordinates(public_key: ec.EllipticCurvePublicKey) -> tuple[str, str]:
    numbers = public_key.public_numbers()
    return (
        _b64url(numbers.x.to_bytes(COORDINATE_BYTES, "big")),
        _b64url(numbers.y.to_bytes(COORDINATE_BYTES, "big")),
    )


def _unix(moment: dt.datetime) -> int:
    return int(moment.timestamp())


def _json(value: object) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


# --- making -----------------------------------------------------------------------------------


def _jwk(key: TrustedKey) -> dict[str, Any]:
    x, y = _coordinates(key.public_key)
    revocation: dict[str, Any] = {}
    if key.revoked_at is not None:
        revocation = {"revoked": _unix(key.revoked_at), "revocation_reason": key.revocation_reason}
    return {
        **revocation,
        "kty": "EC",
        "crv": "P-256",
        "x": x,
        "y": y,
        "kid": key.key_id,
        "use": "sig",
        "alg": "ES256",
        "x5c": _x5c(key.certificate),
        "iss": key.agency_code,
        "nbf": _unix(key.certificate.not_valid_before_utc),
        "exp": _unix(key.certificate.not_valid_after_utc),
    }


def trust_list_document(
    root: x509.Certificate | None = None, *, now: dt.datetime | None = None
) -> dict[str, Any]:
    """The JWK Set of every agency key that chains to the root, sorted by agency and key id.

    ``root`` (the root certificate) is included as ``root.x5c`` when given."""
    keys = sorted(trust_list().values(), key=lambda key: (key.agency_code, key.key_id))
    document: dict[str, Any] = {
        "keys": [_jwk(key) for key in keys],
        "issued_at": _unix(now or dt.datetime.now(dt.UTC)),
    }
    if root is not None:
        document["root"] = {"x5c": _x5c(root)}
    return document


def trust_list_jws(*, now: dt.datetime | None = None) -> str:
    """The trust list as a compact JWS signed by the root CA (see the module docstring)."""
    root = root_certificate()
    if root is None:
        raise TrustListError(f"no root CA in {settings.KEYS_DIR}: run `kagazsyz keys init`")
    header = {"alg": "ES256", "typ": JWS_TYPE, "x5c": _x5c(root)}
    signing_input = f"{_b64url(_json(header))}.{_b64url(_json(trust_list_document(root, now=now)))}"
    signed = sign_with_root(signing_input.encode("ascii"))
    if signed is None or _der(signed[1]) != _der(root):
        raise TrustListError("the root CA changed while the trust list was signed")
    r, s = decode_dss_signature(signed[0])
    raw = r.to_bytes(COORDINATE_BYTES, "big") + s.to_bytes(COORDINATE_BYTES, "big")
    return f"{signing_input}.{_b64url(raw)}"


# --- reading ----------------------------------------------------------------------------------


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for name, value in pairs:
        if name in result:
            raise TrustListError(f"the member {name!r} appears twice")
        result[name] = value
    return result


def _json_object(data: bytes, what: str) -> dict[str, Any]:
    try:
        value = json.loads(data.decode("utf-8"), object_pairs_hook=_no_duplicates)
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise TrustListError(f"the {what} is not JSON") from exc
    if not isinstance(value, dict):
        raise TrustListError(f"the {what} is not a JSON object")
    return value


def _certificate(x5c: object, what: str) -> x509.Certificate:
    if not isinstance(x5c, list) or len(x5c) != 1 or not isinstance(x5c[0], str):
        raise TrustListError(f"{what}: x5c must hold exactly one certificate")
    try:
        der = base64.b64decode(x5c[0], validate=True)
        certificate = x509.load_der_x509_certificate(der)
    except (binascii.Error, ValueError) as exc:
        raise TrustListError(f"{what}: x5c is not a DER certificate") from exc
    public_key = certificate.public_key()
    if not isinstance(public_key, ec.EllipticCurvePublicKey) or not isinstance(
        public_key.curve, ec.SECP256R1
    ):
        raise TrustListError(f"{what}: the certificate's key is not ECDSA P-256")
    return certificate


def _issued_by(certificate: x509.Certificate, issuer: x509.Certificate) -> bool:
    try:
        certificate.verify_directly_issued_by(issuer)
    except (ValueError, TypeError, InvalidSignature):
        return False
    return True


def _pinned(root_pem_or_der: bytes) -> x509.Certificate:
    try:
        if root_pem_or_der.lstrip().startswith(b"-----BEGIN"):
            return x509.load_pem_x509_certificate(root_pem_or_der)
        return x509.load_der_x509_certificate(root_pem_or_der)
    except ValueError as exc:
        raise TrustListError("the pinned root is not a certificate (PEM or DER)") from exc


def _public_key(certificate: x509.Certificate) -> ec.EllipticCurvePublicKey:
    public_key = certificate.public_key()
    assert isinstance(public_key, ec.EllipticCurvePublicKey)  # checked by _certificate
    return public_key


def _check_root(header: dict[str, Any], pinned: bytes | None) -> x509.Certificate:
    if header.get("alg") != "ES256":
        raise TrustListError("the JWS algorithm is not ES256")
    if header.get("typ") != JWS_TYPE:
        raise TrustListError(f"the JWS type is not {JWS_TYPE}")
    if "crit" in header:
        raise TrustListError("the JWS has critical header parameters we do not know")
    root = _certificate(header.get("x5c"), "the JWS header")
    if pinned is not None and _der(root) != _der(_pinned(pinned)):
        raise TrustListError("the trust list is signed by a root other than the pinned one")
    try:
        is_ca = root.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    except (x509.ExtensionNotFound, ValueError):
        is_ca = False
    if not is_ca or not _issued_by(root, root):
        raise TrustListError("the certificate in the JWS header is not a self-signed root CA")
    return root


def _check_signature(root: x509.Certificate, signing_input: bytes, signature: bytes) -> None:
    if len(signature) != 2 * COORDINATE_BYTES:
        raise TrustListError("the JWS signature is not a raw ES256 signature")
    der = encode_dss_signature(
        int.from_bytes(signature[:COORDINATE_BYTES], "big"),
        int.from_bytes(signature[COORDINATE_BYTES:], "big"),
    )
    try:
        _public_key(root).verify(der, signing_input, ec.ECDSA(hashes.SHA256()))
    except InvalidSignature as exc:
        raise TrustListError("the JWS signature does not verify with the root's key") from exc


def _key(jwk: object, root: x509.Certificate, index: int) -> TrustedKey:
    what = f"key {index}"
    if not isinstance(jwk, dict):
        raise TrustListError(f"{what} is not a JSON object")
    fixed = {"kty": "EC", "crv": "P-256", "use": "sig", "alg": "ES256"}
    if any(jwk.get(name) != value for name, value in fixed.items()):
        raise TrustListError(f"{what} is not an ES256 signing key on P-256")
    certificate = _certificate(jwk.get("x5c"), what)
    if not _issued_by(certificate, root):
        raise TrustListError(f"{what}: the certificate was not issued by the root")
    public_key = _public_key(certificate)
    code = agency_code_of(certificate)
    if code is None:
        raise TrustListError(f"{what}: the certificate names no agency")
    x, y = _coordinates(public_key)
    key_id = key_id_of(public_key)
    expected: dict[str, object] = {
        "x": x,
        "y": y,
        "kid": key_id,
        "iss": code,
        "nbf": _unix(certificate.not_valid_before_utc),
        "exp": _unix(certificate.not_valid_after_utc),
    }
    for name, value in expected.items():
        if jwk.get(name) != value or isinstance(jwk.get(name), bool):
            raise TrustListError(f"{what}: {name!r} does not match its certificate")
    revoked_at = None
    if "revoked" in jwk:
        revoked = jwk["revoked"]
        if type(revoked) is not int or not 0 <= revoked < 2**40:
            raise TrustListError(f"{what}: 'revoked' is not a time (unix seconds)")
        revoked_at = dt.datetime.fromtimestamp(revoked, dt.UTC)
    reason = jwk.get("revocation_reason", "")
    return TrustedKey(key_id, code, public_key, certificate, revoked_at, str(reason))


def _keys(payload: dict[str, Any], root: x509.Certificate) -> dict[str, TrustedKey]:
    jwks = payload.get("keys")
    if not isinstance(jwks, list) or len(jwks) > MAX_KEYS:
        raise TrustListError("the payload has no list of keys")
    if "root" in payload:
        given = payload["root"]
        if not isinstance(given, dict) or given.get("x5c") != _x5c(root):
            raise TrustListError("the payload names a root other than the one that signed it")
    found: dict[str, TrustedKey] = {}
    for index, jwk in enumerate(jwks):
        key = _key(jwk, root, index)
        if key.key_id in found:
            raise TrustListError(f"key {index}: the key id {key.key_id} appears twice")
        found[key.key_id] = key
    return found


def _read(text: str | bytes, pinned: bytes | None) -> TrustList:
    if isinstance(text, bytes):
        text = text.decode("ascii")
    if not isinstance(text, str):
        raise TrustListError("a trust list is text")
    text = text.strip()
    if not text or len(text) > MAX_JWS_CHARS:
        raise TrustListError("empty or too long for a trust list")
    parts = text.split(".")
    if len(parts) != 3:
        raise TrustListError("not a compact JWS (three base64url parts joined by dots)")
    header = _json_object(_b64url_decode(parts[0], "JWS header"), "JWS header")
    root = _check_root(header, pinned)
    signature = _b64url_decode(parts[2], "JWS signature")
    _check_signature(root, f"{parts[0]}.{parts[1]}".encode("ascii"), signature)
    payload = _json_object(_b64url_decode(parts[1], "JWS payload"), "JWS payload")
    issued_at = payload.get("issued_at")
    if not isinstance(issued_at, int) or isinstance(issued_at, bool):
        raise TrustListError("the payload has no issued_at (unix seconds)")
    return TrustList(root=root, keys=_keys(payload, root), issued_at=issued_at)


def read_trust_list(jws_text: str | bytes, *, root_pem_or_der: bytes | None = None) -> TrustList:
    """Check a trust list (compact JWS) and return its root and keys; see the module docstring.

    With ``root_pem_or_der`` the list must be signed by exactly that root certificate."""
    try:
        return _read(jws_text, root_pem_or_der)
    except TrustListError:
        raise
    except Exception as exc:  # whatever the bytes, the caller gets one kind of error
        raise TrustListError("not a trust list") from exc


def load_trust_list(
    jws_text: str | bytes, *, root_pem_or_der: bytes | None = None
) -> dict[str, TrustedKey]:
    """The keys of a verified trust list, by key id: the ``trusted`` of ``decode_qr``."""
    return read_trust_list(jws_text, root_pem_or_der=root_pem_or_der).keys
