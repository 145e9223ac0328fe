"""Time-based one-time passwords (RFC 6238 over RFC 4226 HOTP): the officials' second factor.

Twenty lines of standard library instead of a dependency; the RFC's own test vectors check it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import struct

STEP_SECONDS = 30
DIGITS = 6
ALGORITHMS = {"sha1": hashlib.sha1, "sha256": hashlib.sha256, "sha512": hashlib.sha512}


def totp_secret_new() -> str:
    """A random 160-bit secret in base32, as authenticator apps expect it."""
    return base64.b32encode(secrets.token_bytes(20)).decode("ascii")


def _key(secret: str) -> bytes:
    padded = secret.strip().replace(" ", "").upper()
    return base64.b32decode(padded + "=" * (-len(padded) % 8))


def hotp(key: bytes, counter: int, *, digits: int = DIGITS, algorithm: str = "sha1") -> str:
    digest = hmac.new(key, struct.pack(">Q", counter), ALGORITHMS[algorithm]).digest()
    offset = digest[-1] & 0x0F
    code = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(code % 10**digits).zfill(digits)


def totp_step(unix_time: float) -> int:
    return int(unix_time // STEP_SECONDS)


def totp_code(secret: str, unix_time: float) -> str:
    return hotp(_key(secret), totp_step(unix_time))


def totp_match(secret: str, code: str, unix_time: float, *, window: int = 1) -> int | None:
    """The time step ``code`` belongs to (allowing ``window`` steps of clock drift), or None."""
    candidate = code.strip().replace(" ", "")
    if len(candidate) != DIGITS or not (candidate.isascii() and candidate.isdigit()):
        return None
    key, now = _key(secret), totp_step(unix_time)
    for step in range(now - window, now + window + 1):
        if hmac.compare_digest(hotp(key, step), candidate):
            return step
    return None


def totp_uri(secret: str, *, account: str, issuer: str = "Kagazsyz") -> str:
    return f"otpauth://totp/{issuer}:{account}?secret={secret}&issuer={issuer}&digits={DIGITS}"
