"""The local PKI that signs issued documents: a root CA and one issuing key per agency.

Files live under ``settings.KEYS_DIR`` as PEM: ``root-ca.key.pem`` / ``root-ca.cert.pem`` and
``agency-<CODE>.key.pem`` / ``agency-<CODE>.cert.pem`` (the agency's current key). They are made at
first use and loaded once per process (again when the directory changes).

**Rotation** (:func:`rotate_agency_key`, ``kagazsyz keys rotate AGENCY``) keeps the old
certificate as ``agency-<CODE>-<KID>.cert.pem``, deletes the old private key and makes a new
current pair: documents signed with the old key keep verifying, because its certificate still
chains to the root and stays on the trust list. **Key revocation** (:func:`revoke_key`,
``kagazsyz keys revoke KID REASON``) is recorded in ``revoked-keys.json``; a revoked key stays on
the trust list marked ``revoked`` (so a verifier can say why), and every document it signed
verifies INVALID ("signing key revoked"). Revoking the current key rotates it first. Creation holds an exclusive lock on
``KEYS_DIR/.lock`` and publishes each file by ``os.replace`` of a finished temporary file, so two
processes starting together end up with the same keys and nobody reads half a file.

Everything that signs goes through the small :class:`Signer` interface, so an HSM-backed signer
can replace the key files later without touching the callers.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import json
import os
import re
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.conf import settings

from kagazsyz.core.files import write_atomic

AGENCY_CODE = re.compile(r"^[A-Z][A-Z0-9_]{1,15}$")
ROOT_STEM = "root-ca"
REVOKED_FILE = "revoked-keys.json"
ROOT_VALIDITY = dt.timedelta(days=20 * 365)
AGENCY_VALIDITY = dt.timedelta(days=10 * 365)
BACKDATE = dt.timedelta(days=1)  # tolerate clocks a little behind the one that made the key


class KeyStoreError(Exception):
    """The key directory holds files that do not fit together (a key and a foreign certificate)."""


class Signer(Protocol):
    """What signing needs: ECDSA P-256 with SHA-256 over ``data``, DER-encoded (X9.62)."""

    @property
    def key_id(self) -> str: ...

    def sign(self, data: bytes) -> bytes: ...


@dataclass(frozen=True)
class AgencyKey:
    """An agency's issuing key with its certificate and the root that issued it."""

    agency_code: str
    key: ec.EllipticCurvePrivateKey
    certificate: x509.Certificate
    root: x509.Certificate
    key_id: str

    def sign(self, data: bytes) -> bytes:
        return self.key.sign(data, ec.ECDSA(hashes.SHA256()))


@dataclass(frozen=True)
class TrustedKey:
    """An agency public key that the root vouches for, found by its key identifier."""

    key_id: str
    agency_code: str
    public_key: ec.EllipticCurvePublicKey
    certificate: x509.Certificate
    revoked_at: dt.datetime | None = None  # documents it signed are no longer valid
    revocation_reason: str = ""


@dataclass(frozen=True)
class _Pair:
    key: ec.EllipticCurvePrivateKey
    certificate: x509.Certificate


def key_id_of(public_key: ec.EllipticCurvePublicKey) -> str:
    """The first 16 hex digits of SHA-256 over the SubjectPublicKeyInfo DER."""
    spki = public_key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return hashlib.sha256(spki).hexdigest()[:16]


def agency_code_of(certificate: x509.Certificate) -> str | None:
    """The agency code in a certificate's subject (organizational unit), if any."""
    values = certificate.subject.get_attributes_for_oid(NameOID.ORGANIZATIONAL_UNIT_NAME)
    if len(values) != 1 or not isinstance(values[0].value, str):
        return None
    code = values[0].value
    return code if AGENCY_CODE.match(code) else None


def _check_code(agency_code: str) -> str:
    if not isinstance(agency_code, str) or not AGENCY_CODE.match(agency_code):
        raise ValueError(f"invalid agency code {agency_code!r}")
    return agency_code


# --- files ------------------------------------------------------------------------------------


def _keys_dir() -> Path:
    return Path(settings.KEYS_DIR)


def _paths(stem: str) -> tuple[Path, Path]:
    directory = _keys_dir()
    return directory / f"{stem}.key.pem", directory / f"{stem}.cert.pem"


@contextmanager
def _creation_lock() -> Iterator[None]:
    directory = _keys_dir()
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    with (directory / ".lock").open("a") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def _load_key(path: Path) -> ec.EllipticCurvePrivateKey:
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, ec.EllipticCurvePrivateKey) or not isinstance(key.curve, ec.SECP256R1):
        raise KeyStoreError(f"{path.name} is not an ECDSA P-256 key")
    return key


def _load_certificate(path: Path) -> x509.Certificate:
    return x509.load_pem_x509_certificate(path.read_bytes())


def _write_key(path: Path, key: ec.EllipticCurvePrivateKey) -> None:
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    write_atomic(path, pem, mode=0o600)


def _write_certificate(path: Path, certificate: x509.Certificate) -> None:
    write_atomic(path, certificate.public_bytes(serialization.Encoding.PEM), mode=0o644)


# --- certificates -----------------------------------------------------------------------------


def _name(common_name: str, unit: str | None = None) -> x509.Name:
    attributes = [
        x509.NameAttribute(NameOID.COUNTRY_NAME, "KG"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Kagazsyz"),
    ]
    if unit is not None:
        attributes.append(x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, unit))
    attributes.append(x509.NameAttribute(NameOID.COMMON_NAME, common_name))
    return x509.Name(attributes)


def _builder(
    subject: x509.Name, issuer: x509.Name, public_key: ec.EllipticCurvePublicKey, days: dt.timedelta
) -> x509.CertificateBuilder:
    now = dt.datetime.now(dt.UTC)
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - BACKDATE)
        .not_valid_after(now + days)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
    )


def _root_certificate_for(key: ec.EllipticCurvePrivateKey) -> x509.Certificate:
    name = _name("Kagazsyz Document Root CA")
    usage = x509.KeyUsage(
        digital_signature=False,
        content_commitment=False,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=True,
        crl_sign=True,
        encipher_only=False,
        decipher_only=False,
    )
    return (
        _builder(name, name, key.public_key(), ROOT_VALIDITY)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(usage, critical=True)
        .sign(key, hashes.SHA256())
    )


def _agency_certificate_for(
    agency_code: str, key: ec.EllipticCurvePrivateKey, root: _Pair
) -> x509.Certificate:
    usage = x509.KeyUsage(
        digital_signature=True,
        content_commitment=True,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=False,
        crl_sign=False,
        encipher_only=False,
        decipher_only=False,
    )
    root_ski = root.certificate.extensions.get_extension_for_class(x509.SubjectKeyIdentifier)
    return (
        _builder(
            _name(f"Kagazsyz {agency_code} document signer", agency_code),
            root.certificate.subject,
            key.public_key(),
            AGENCY_VALIDITY,
        )
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(usage, critical=True)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(root_ski.value),
            critical=False,
        )
        .sign(root.key, hashes.SHA256())
    )


def _matches(key: ec.EllipticCurvePrivateKey, certificate: x509.Certificate) -> bool:
    return certificate.public_key() == key.public_key()


def _issued_by(certificate: x509.Certificate, root: x509.Certificate) -> bool:
    try:
        certificate.verify_directly_issued_by(root)
    except (ValueError, TypeError, InvalidSignature):
        return False
    return True


# --- making and loading pairs -----------------------------------------------------------------


class _CertificateMaker(Protocol):
    def __call__(self, key: ec.EllipticCurvePrivateKey, /) -> x509.Certificate: ...


def _load_pair(stem: str) -> _Pair | None:
    key_path, cert_path = _paths(stem)
    if not (key_path.exists() and cert_path.exists()):
        return None
    pair = _Pair(_load_key(key_path), _load_certificate(cert_path))
    if not _matches(pair.key, pair.certificate):
        raise KeyStoreError(f"{cert_path.name} does not belong to {key_path.name}")
    return pair


def _create_pair(stem: str, make_certificate: _CertificateMaker) -> _Pair:
    """Under the creation lock: reuse what exists, make only what is missing."""
    key_path, cert_path = _paths(stem)
    if key_path.exists():
        key = _load_key(key_path)
    else:
        key = ec.generate_private_key(ec.SECP256R1())
        _write_key(key_path, key)
    if not cert_path.exists():
        _write_certificate(cert_path, make_certificate(key))
    pair = _load_pair(stem)
    assert pair is not None
    return pair


def _root_pair() -> _Pair:
    pair = _load_pair(ROOT_STEM)
    if pair is None:
        with _creation_lock():
            pair = _create_pair(ROOT_STEM, _root_certificate_for)
    return pair


def _agency_pair(agency_code: str, root: _Pair) -> _Pair:
    stem = f"agency-{agency_code}"
    try:
        pair = _load_pair(stem)
    except KeyStoreError:  # a rotation is replacing the pair: it holds the lock meanwhile
        pair = None
    if pair is None:
        with _creation_lock():
            pair = _create_pair(stem, lambda key: _agency_certificate_for(agency_code, key, root))
    if not _issued_by(pair.certificate, root.certificate):
        raise KeyStoreError(f"{stem}.cert.pem was not issued by the root in {_keys_dir()}")
    return pair


# --- the per-process cache --------------------------------------------------------------------

_lock = threading.Lock()
_signing_keys: dict[tuple[str, str], tuple[int, AgencyKey]] = {}
_trust_states: dict[str, _TrustState] = {}


def ensure_root() -> x509.Certificate:
    """Make (or reuse) the root CA; return its certificate."""
    with _lock:
        return _root_pair().certificate


def sign_with_root(data: bytes) -> tuple[bytes, x509.Certificate] | None:
    """ECDSA P-256 / SHA-256 signature (DER, X9.62) by the root CA over ``data``, with the root's
    certificate; None when no root exists (this never makes one)."""
    with _lock:
        pair = _load_pair(ROOT_STEM)
    if pair is None:
        return None
    return pair.key.sign(data, ec.ECDSA(hashes.SHA256())), pair.certificate


def ensure_keys(agency_codes: Iterable[str]) -> list[AgencyKey]:
    """Make (or reuse) the root and each agency's key; return the agencies' signing keys."""
    return [signing_key_for(code) for code in agency_codes]


def signing_key_for(agency_code: str) -> AgencyKey:
    """The agency's current signing key, made at first use and then cached for the process until
    the key directory changes (a rotation in another process shows up at the next document)."""
    cache_key = (str(_keys_dir()), _check_code(agency_code))
    stamp = _directory_stamp()
    cached = _signing_keys.get(cache_key)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    with _lock:
        root = _root_pair()
        pair = _agency_pair(agency_code, root)
        found = AgencyKey(
            agency_code=agency_code,
            key=pair.key,
            certificate=pair.certificate,
            root=root.certificate,
            key_id=key_id_of(pair.key.public_key()),
        )
        _signing_keys[cache_key] = (stamp, found)
    return found


def rotate_agency_key(agency_code: str) -> tuple[str | None, AgencyKey]:
    """Give the agency a new signing key; return the old key id (None if it had none) and the
    new key. The old certificate stays (as ``agency-<CODE>-<KID>.cert.pem``) so that documents
    it signed keep verifying; its private key is deleted, since it will never sign again."""
    code = _check_code(agency_code)
    stem = f"agency-{code}"
    key_path, cert_path = _paths(stem)
    with _lock:
        root = _root_pair()
        with _creation_lock():
            old = _load_pair(stem)
            old_kid = None
            if old is not None:
                old_kid = key_id_of(old.key.public_key())
                archived = _keys_dir() / f"{stem}-{old_kid}.cert.pem"
                _write_certificate(archived, old.certificate)
            key = ec.generate_private_key(ec.SECP256R1())
            _write_certificate(cert_path, _agency_certificate_for(code, key, root))
            _write_key(key_path, key)  # readers that see the new cert and old key retry (lock)
        _signing_keys.pop((str(_keys_dir()), code), None)
    return old_kid, signing_key_for(code)


def _revocations() -> dict[str, dict[str, str]]:
    try:
        data = json.loads((_keys_dir() / REVOKED_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def revoke_key(key_id: str, reason: str, *, now: dt.datetime | None = None) -> TrustedKey:
    """Record that ``key_id`` must no longer be believed; documents it signed become INVALID.
    The agency's current key is rotated first, so issuing goes on with a fresh key."""
    reason = reason.strip()
    if not reason:
        raise ValueError("a key revocation needs a reason")
    key = trust_list().get(key_id)
    if key is None:
        raise KeyError(key_id)
    if signing_key_for(key.agency_code).key_id == key_id:
        rotate_agency_key(key.agency_code)
    moment = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).replace(microsecond=0)
    with _creation_lock():
        revoked = _revocations()
        revoked.setdefault(key_id, {"at": moment.isoformat(), "reason": reason[:500]})
        payload = json.dumps(revoked, sort_keys=True, indent=1, ensure_ascii=False)
        write_atomic(_keys_dir() / REVOKED_FILE, payload.encode(), mode=0o644)
    return trust_list()[key_id]


@dataclass(frozen=True)
class _TrustState:
    stamp: int
    root: x509.Certificate | None
    keys: dict[str, TrustedKey]


def _read_root() -> x509.Certificate | None:
    try:
        return _load_certificate(_paths(ROOT_STEM)[1])
    except (OSError, ValueError):
        return None


def _revocation_of(
    key_id: str, revoked: dict[str, dict[str, str]]
) -> tuple[dt.datetime | None, str]:
    entry = revoked.get(key_id)
    if not isinstance(entry, dict):
        return None, ""
    try:
        moment = dt.datetime.fromisoformat(str(entry.get("at")))
    except ValueError:
        moment = dt.datetime.fromtimestamp(0, dt.UTC)  # recorded but unreadable: still revoked
    return moment, str(entry.get("reason", ""))


def _scan_trusted(root: x509.Certificate) -> dict[str, TrustedKey]:
    trusted: dict[str, TrustedKey] = {}
    revoked = _revocations()
    for cert_path in sorted(_keys_dir().glob("agency-*.cert.pem")):
        try:
            certificate = _load_certificate(cert_path)
        except (OSError, ValueError):
            continue
        public_key = certificate.public_key()
        code = agency_code_of(certificate)
        if not isinstance(public_key, ec.EllipticCurvePublicKey) or code is None:
            continue
        if _issued_by(certificate, root):
            kid = key_id_of(public_key)
            revoked_at, reason = _revocation_of(kid, revoked)
            trusted[kid] = TrustedKey(kid, code, public_key, certificate, revoked_at, reason)
    return trusted


def _directory_stamp() -> int:
    try:
        return os.stat(_keys_dir()).st_mtime_ns
    except OSError:
        return -1


def _trust_state() -> _TrustState:
    """Root and agency keys as verification sees them: read once, again when the directory
    changes (another process made a new agency's key), which a stat tells cheaply."""
    directory = str(_keys_dir())
    stamp = _directory_stamp()  # before reading: a change while we read shows up next time
    cached = _trust_states.get(directory)
    if cached is not None and cached.stamp == stamp:
        return cached
    root = _read_root()
    state = _TrustState(stamp, root, _scan_trusted(root) if root is not None else {})
    with _lock:
        _trust_states[directory] = state
    return state


def root_certificate() -> x509.Certificate | None:
    """The root CA certificate, or None when no PKI exists (verification never makes one)."""
    return _trust_state().root


def trust_list() -> dict[str, TrustedKey]:
    """The agencies' public keys that chain to the root, by key identifier."""
    return _trust_state().keys


def reset_cache() -> None:
    """Forget the keys loaded by this process (tests that switch KEYS_DIR)."""
    with _lock:
        _signing_keys.clear()
        _trust_states.clear()
