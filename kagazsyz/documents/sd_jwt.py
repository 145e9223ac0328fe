"""Selective disclosure: a holder proves one fact of a document ("has no criminal record", "is
over 18") without the rest, as an SD-JWT (IETF, draft-ietf-oauth-selective-disclosure-jwt).

Issuing (:func:`sd_jwt_issue`) signs, with the agency's current key (ES256, ``kid`` as in the QR
and on the trust list), a JWT whose payload holds only digests of the claims::

    header  {"alg": "ES256", "typ": "dc+sd-jwt", "kid": <key id>}
    payload {"iss": <agency>, "iat": …, "exp": <document's end, if any>, "vct": <doc type>,
             "_sd_alg": "sha-256", "_sd": [<digests, shuffled, with decoys>],
             "status": {"status_list": {"idx": <position>, "uri": <status list id>}}}

Each claim is a Disclosure ``base64url(JSON [salt, name, value])``; its digest is
``base64url(SHA-256(ASCII(disclosure)))``. Besides the document's claims the holder may disclose
``age_over_18`` (derived from ``birth_date`` at signing time). A presentation
(:func:`sd_jwt_present`) is ``<JWT>~<chosen disclosures>~``: no key-binding JWT, since holders
have no keys of their own here; a presentation is therefore a bearer proof, as a photocopy of
one line of the paper would be, and it carries the document's status so revocation reaches it.

Verification (:func:`verify_sd_jwt`) uses the same trust list as the QR and PDF, and the
register (online) or a downloaded status list (offline) for revocation. It never raises.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import secrets
from collections.abc import Mapping, Sequence
from typing import Any

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
from kagazsyz.documents.keys import Signer, TrustedKey, signing_key_for, trust_list
from kagazsyz.documents.models import Document
from kagazsyz.documents.status_list import STATUS_LIST_ID, StatusList, status_index_assign
from kagazsyz.documents.trust_list import TrustList
from kagazsyz.documents.verification import Outcome, Verdict, verify_qr

TYP = "dc+sd-jwt"
DERIVED_AGE = "age_over_18"
DERIVED_LABELS = {DERIVED_AGE: {"ky": "18 жаштан өйдө", "ru": "Старше 18 лет", "en": "Over 18"}}
DECOYS = 3
MAX_TEXT = 16_384
MAX_DISCLOSURES = 64
RESERVED = {"_sd", "_sd_alg", "...", "iss", "iat", "exp", "nbf", "vct", "status", "cnf", "sub"}
CLOCK_SKEW = dt.timedelta(minutes=5)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    if not isinstance(text, str) or "=" in text or len(text) % 4 == 1:
        raise ValueError("not base64url")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _json(value: object) -> bytes:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()


def _digest(disclosure: str) -> str:
    return _b64(hashlib.sha256(disclosure.encode("ascii")).digest())


def _disclosure(name: str, value: Any) -> str:
    return _b64(_json([_b64(secrets.token_bytes(16)), name, value]))


def _age_over_18(birth_date: object, today: dt.date) -> bool | None:
    try:
        born = dt.date.fromisoformat(str(birth_date))
    except ValueError:
        return None
    try:
        eighteenth = born.replace(year=born.year + 18)
    except ValueError:  # born on 29 February
        eighteenth = dt.date(born.year + 18, 3, 1)
    return today >= eighteenth


def disclosable_claims(document: Document, *, today: dt.date | None = None) -> dict[str, Any]:
    """The facts a holder can share one by one: the document's claims and derived ones."""
    claims = {claim["name"]: claim["value"] for claim in document.claims}
    if "birth_date" in claims and DERIVED_AGE not in claims:
        over = _age_over_18(claims["birth_date"], today or timezone.localdate())
        if over is not None:
            claims[DERIVED_AGE] = over
    return claims


def _sign_jwt(header: dict[str, Any], payload: dict[str, Any], signer: Signer) -> str:
    signing_input = f"{_b64(_json(header))}.{_b64(_json(payload))}"
    r, s = decode_dss_signature(signer.sign(signing_input.encode("ascii")))
    return f"{signing_input}.{_b64(r.to_bytes(32, 'big') + s.to_bytes(32, 'big'))}"


def sd_jwt_issue(document: Document, *, now: dt.datetime | None = None) -> tuple[str, list[str]]:
    """A freshly signed SD-JWT for the document: the JWT and all its disclosures."""
    now = (now or timezone.now()).replace(microsecond=0)
    signer = signing_key_for(document.agency_code)
    disclosures = [
        _disclosure(name, value)
        for name, value in disclosable_claims(document, today=timezone.localdate(now)).items()
    ]
    # decoys hide how many claims the document has; sorting hides their order
    digests = sorted(
        [_digest(d) for d in disclosures] + [_b64(secrets.token_bytes(32)) for _ in range(DECOYS)]
    )
    payload: dict[str, Any] = {
        "iss": document.agency_code,
        "iat": int(now.timestamp()),
        "vct": document.doc_type,
        "_sd_alg": "sha-256",
        "_sd": digests,
    }
    if document.valid_until is not None:
        payload["exp"] = int(document.valid_until.timestamp())
    # a document issued before positions were signed gets one now, so revocation reaches the proof
    index = status_index_assign(document)
    payload["status"] = {"status_list": {"idx": index, "uri": STATUS_LIST_ID}}
    header = {"alg": "ES256", "typ": TYP, "kid": signer.key_id}
    return _sign_jwt(header, payload, signer), disclosures


def disclosed_name(disclosure: str) -> str:
    return str(json.loads(_unb64(disclosure))[1])


def sd_jwt_present(document: Document, names: Sequence[str]) -> str:
    """A presentation that discloses only the claims ``names`` (``<JWT>~<disclosures>~``)."""
    jwt, disclosures = sd_jwt_issue(document)
    wanted = set(names)
    chosen = [d for d in disclosures if disclosed_name(d) in wanted]
    if len(chosen) != len(wanted):
        raise ValueError(f"the document has no claim among {sorted(wanted)}")
    return "~".join([jwt, *chosen, ""])


# --- verification -----------------------------------------------------------------------------


class _Reject(Exception):
    def __init__(self, outcome: str, reason: Message) -> None:
        super().__init__(reason.en)
        self.outcome = outcome
        self.reason = reason


def _invalid(reason: Message = messages.MALFORMED) -> _Reject:
    return _Reject("INVALID", reason)


def _object(text: str) -> dict[str, Any]:
    try:
        value = json.loads(_unb64(text))
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise _invalid() from exc
    if not isinstance(value, dict):
        raise _invalid()
    return value


def _check_jwt(jwt: str, keys: Mapping[str, TrustedKey]) -> tuple[TrustedKey, dict[str, Any]]:
    parts = jwt.split(".")
    if len(parts) != 3:
        raise _invalid()
    header = _object(parts[0])
    if header.get("alg") != "ES256" or header.get("typ") != TYP or "crit" in header:
        raise _invalid(messages.UNSUPPORTED_ALGORITHM)
    kid = header.get("kid")
    key = keys.get(kid) if isinstance(kid, str) else None
    if key is None:
        raise _Reject("UNKNOWN_ISSUER", messages.UNKNOWN_ISSUER)
    try:
        raw = _unb64(parts[2])
    except (ValueError, TypeError) as exc:
        raise _invalid(messages.BAD_SIGNATURE) from exc
    if len(raw) != 64:
        raise _invalid(messages.BAD_SIGNATURE)
    signature = encode_dss_signature(
        int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big")
    )
    try:
        key.public_key.verify(
            signature, f"{parts[0]}.{parts[1]}".encode("ascii"), ec.ECDSA(hashes.SHA256())
        )
    except (InvalidSignature, ValueError, UnicodeEncodeError) as exc:
        raise _invalid(messages.BAD_SIGNATURE) from exc
    payload = _object(parts[1])
    if payload.get("iss") != key.agency_code:
        raise _invalid(messages.WRONG_ISSUER)
    if key.revoked_at is not None:
        raise _invalid(messages.KEY_REVOKED)
    return key, payload


def _disclosed(payload: dict[str, Any], disclosures: list[str]) -> dict[str, Any]:
    digests = payload.get("_sd")
    if payload.get("_sd_alg") != "sha-256" or not isinstance(digests, list):
        raise _invalid()
    if len(set(map(str, digests))) != len(digests):
        raise _invalid()
    claims: dict[str, Any] = {}
    seen: set[str] = set()
    for disclosure in disclosures:
        digest = _digest(disclosure)
        if digest not in digests or digest in seen:
            raise _invalid(messages.BAD_SIGNATURE)
        seen.add(digest)
        try:
            item = json.loads(_unb64(disclosure))
        except (ValueError, UnicodeDecodeError, RecursionError) as exc:
            raise _invalid() from exc
        if (
            not isinstance(item, list)
            or len(item) != 3
            or not all(isinstance(i, str) for i in item[:2])
        ):
            raise _invalid()
        name = item[1]
        if name in RESERVED or name in claims:
            raise _invalid()
        claims[name] = item[2]
    return claims


def _moment(value: object) -> dt.datetime | None:
    if value is None:
        return None
    if type(value) is not int:
        raise _invalid()
    try:
        return dt.datetime.fromtimestamp(value, dt.UTC)
    except (OverflowError, OSError, ValueError) as exc:
        raise _invalid() from exc


def _status_index(payload: dict[str, Any]) -> tuple[int, str] | None:
    status = payload.get("status")
    if status is None:
        return None
    reference = status.get("status_list") if isinstance(status, dict) else None
    if not isinstance(reference, dict):
        raise _invalid()
    index, uri = reference.get("idx"), reference.get("uri")
    if type(index) is not int or index < 0 or not isinstance(uri, str):
        raise _invalid()
    return index, uri


def verify_sd_jwt(
    text: str,
    *,
    trust: TrustList | None = None,
    register: bool = True,
    status_list: StatusList | None = None,
    now: dt.datetime | None = None,
) -> Verdict:
    """Verify a presentation; the Verdict holds only the disclosed claims. Never raises."""

    def verdict(outcome: str, reason: Message, **fields: Any) -> Verdict:
        return Verdict(verdict=outcome, reason=reason.as_dict(), **fields)

    try:
        if not isinstance(text, str) or len(text) > MAX_TEXT:
            raise _invalid(messages.NOT_OUR_QR)
        parts = text.strip().split("~")
        if len(parts) < 2 or len(parts) > MAX_DISCLOSURES + 2 or parts[-1] != "":
            raise _invalid(messages.NOT_OUR_QR)  # a key-binding JWT is not part of our profile
        key, payload = _check_jwt(parts[0], trust.keys if trust is not None else trust_list())
        claims = _disclosed(payload, parts[1:-1])
        moment = now or timezone.now()
        issued_at, expires_at = _moment(payload.get("iat")), _moment(payload.get("exp"))
        doc_type = payload.get("vct")
        if issued_at is None or not isinstance(doc_type, str):
            raise _invalid()
        if issued_at > moment + CLOCK_SKEW:
            raise _invalid(messages.ISSUED_IN_FUTURE)
        status = _status_index(payload)
    except _Reject as reject:
        return verdict(reject.outcome, reject.reason)
    except Exception:  # a verifier answers every input with a verdict
        return verdict(Outcome.INVALID, messages.MALFORMED)

    fields: dict[str, Any] = {
        "claims": claims,
        "issuer": key.agency_code,
        "doc_type": doc_type,
        "issued_at": issued_at,
        "valid_until": expires_at,
        "details": {"disclosed": sorted(claims), "selective_disclosure": True},
    }
    if register and status is not None and status[1] == STATUS_LIST_ID:
        found = (
            Document.objects.filter(status_index=status[0]).values("number", "revoked_at").first()
        )
        if found is None:
            return verdict(Outcome.INVALID, messages.REGISTER_MISMATCH)
        fields["record_ref"] = found["number"]
        if found["revoked_at"] is not None:
            return verdict(Outcome.REVOKED, messages.REVOKED, **fields)
    elif (
        status_list is not None
        and status is not None
        and status[1] == status_list.id
        and status_list.revoked(status[0])
    ):
        return verdict(Outcome.REVOKED, messages.REVOKED_BY_LIST, **fields)
    if expires_at is not None and moment >= expires_at:
        return verdict(Outcome.EXPIRED, messages.EXPIRED, **fields)
    return verdict(Outcome.VALID, messages.VALID, **fields)


def verify_text(
    text: str,
    *,
    trust: TrustList | None = None,
    register: bool = True,
    status_list: StatusList | None = None,
) -> Verdict:
    """Whatever a verifier pasted: a document's QR text (``KG1:…``) or an SD-JWT presentation."""
    if isinstance(text, str) and text.strip().startswith("KG1:"):
        return verify_qr(text, trust=trust, register=register, status_list=status_list)
    return verify_sd_jwt(text, trust=trust, register=register, status_list=status_list)
