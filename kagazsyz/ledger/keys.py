"""The ledger's Ed25519 signing key, made at first use under ``settings.KEYS_DIR / "ledger"``.

Like the document keys: creation holds an exclusive lock on ``ledger/.lock`` and publishes the
PEM file by ``os.replace`` of a finished temporary file, so processes starting together end up
with one key and nobody reads half a file. The key id is the first 16 hex digits of SHA-256
over the public key's SubjectPublicKeyInfo DER.
"""

from __future__ import annotations

import fcntl
import hashlib
import threading
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519
from django.conf import settings

from kagazsyz.core.files import write_atomic

KEY_FILE = "ledger-ed25519.key.pem"


@dataclass(frozen=True)
class LedgerKey:
    private_key: ed25519.Ed25519PrivateKey
    key_id: str
    public_pem: str

    def sign(self, data: bytes) -> bytes:
        return self.private_key.sign(data)

    def verify(self, signature: bytes, data: bytes) -> bool:
        try:
            self.private_key.public_key().verify(signature, data)
        except InvalidSignature:
            return False
        return True


def key_id_of(public_key: ed25519.Ed25519PublicKey) -> str:
    spki = public_key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return hashlib.sha256(spki).hexdigest()[:16]


def _directory() -> Path:
    return Path(settings.KEYS_DIR) / "ledger"


def _load(path: Path) -> LedgerKey:
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, ed25519.Ed25519PrivateKey):
        raise ValueError(f"{path} is not an Ed25519 key")
    public = key.public_key()
    pem = public.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode("ascii")
    return LedgerKey(key, key_id_of(public), pem)


def _load_or_create() -> LedgerKey:
    directory = _directory()
    path = directory / KEY_FILE
    if not path.exists():
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        with (directory / ".lock").open("a") as handle:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
            try:
                if not path.exists():
                    pem = ed25519.Ed25519PrivateKey.generate().private_bytes(
                        serialization.Encoding.PEM,
                        serialization.PrivateFormat.PKCS8,
                        serialization.NoEncryption(),
                    )
                    write_atomic(path, pem, mode=0o600)
            finally:
                fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
    return _load(path)


_lock = threading.Lock()
_cache: dict[str, LedgerKey] = {}


def ledger_key() -> LedgerKey:
    """The signing key, loaded (or made) once per process and key directory."""
    where = str(_directory())
    found = _cache.get(where)
    if found is None:
        with _lock:
            found = _cache.get(where)
            if found is None:
                found = _cache[where] = _load_or_create()
    return found


def reset_cache() -> None:
    with _lock:
        _cache.clear()
