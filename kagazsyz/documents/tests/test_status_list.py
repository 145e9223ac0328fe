"""The signed revocation status list (W3C Bitstring Status List) and its offline check."""

from __future__ import annotations

import base64
import datetime as dt
import gzip
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from django.test import Client
from django.utils import timezone

from kagazsyz.accounts.models import User
from kagazsyz.documents import keys, status_list
from kagazsyz.documents.models import Document
from kagazsyz.documents.services import document_issue, document_revoke
from kagazsyz.documents.tests.conftest import (
    AGENCY_NAMES,
    CLAIMS,
    DOC_TYPE,
    HOLDER_NAME,
    HOLDER_PIN,
    TITLES,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_list() -> Iterator[None]:
    status_list.reset_cache()
    yield
    status_list.reset_cache()


@pytest.fixture
def holder() -> User:
    return User.objects.create_user(personal_number=HOLDER_PIN, full_name=HOLDER_NAME)


def _issue(holder: User) -> Document:
    return document_issue(
        holder=holder,
        source_ref="application-1",
        agency_code="MVD",
        agency_names=AGENCY_NAMES,
        doc_type=DOC_TYPE,
        titles=TITLES,
        claims=CLAIMS,
        validity_days=90,
    )


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _payload(jws: str) -> dict[str, Any]:
    result: dict[str, Any] = json.loads(_unb64(jws.split(".")[1]))
    return result


def _bits(credential: dict[str, Any]) -> bytes:
    encoded = credential["credentialSubject"]["encodedList"]
    assert encoded.startswith("u")  # Multibase base64url
    assert "=" not in encoded
    return gzip.decompress(_unb64(encoded[1:]))


def _bit(bits: bytes, index: int) -> int:
    return (bits[index // 8] >> (7 - index % 8)) & 1


def _root() -> Any:
    return keys.ensure_root()


def test_the_list_is_at_least_16_kib_and_marks_only_revoked_documents(holder: User) -> None:
    documents = [_issue(holder) for _ in range(3)]
    document_revoke(document=documents[1], reason="Issued in error", actor="officer")
    credential = status_list.status_list_credential()
    bits = _bits(credential)
    assert len(bits) * 8 >= 131_072
    indexes = [status_list.status_index_assign(document) for document in documents]
    assert len(set(indexes)) == 3
    assert [_bit(bits, index) for index in indexes] == [0, 1, 0]
    assert sum(bin(byte).count("1") for byte in bits) == 1
    assert credential["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert credential["credentialSubject"]["type"] == "BitstringStatusList"
    assert credential["credentialSubject"]["statusPurpose"] == "revocation"
    assert credential["validFrom"] < credential["validUntil"]


def test_the_most_significant_bit_is_position_zero() -> None:
    bits = gzip.decompress(_unb64(status_list.encode_bits({0, 9}, 131_072)[1:]))
    assert bits[:2] == bytes([0b1000_0000, 0b0100_0000])


def test_the_list_grows_with_the_documents_and_keeps_positions() -> None:
    assert status_list.list_length(0) == 131_072
    assert status_list.list_length(32_768) == 131_072
    assert status_list.list_length(32_769) == 262_144
    assert status_list.list_length(10, highest_index=131_072) == 262_144


def test_positions_do_not_change_when_more_documents_are_issued(holder: User) -> None:
    first = [_issue(holder) for _ in range(2)]
    status_list.status_list_jws()
    before = {doc.pk: status_list.status_index_assign(doc) for doc in first}
    later = [_issue(holder) for _ in range(2)]
    status_list.status_list_jws()
    after = dict(Document.objects.values_list("pk", "status_index"))
    assert {pk: after[pk] for pk in before} == before
    assert len(set(after.values())) == 4
    assert all(after[doc.pk] is not None for doc in later)


def test_the_jws_verifies_with_the_root_and_is_es256(holder: User) -> None:
    _issue(holder)
    jws = status_list.status_list_jws()
    header_b64, payload_b64, signature_b64 = jws.split(".")
    header = json.loads(_unb64(header_b64))
    assert header["alg"] == "ES256"
    assert header["typ"] == "vc+jwt"
    raw = _unb64(signature_b64)
    assert len(raw) == 64
    public_key = _root().public_key()
    assert isinstance(public_key, ec.EllipticCurvePublicKey)
    signature = encode_dss_signature(int.from_bytes(raw[:32]), int.from_bytes(raw[32:]))
    public_key.verify(
        signature, f"{header_b64}.{payload_b64}".encode(), ec.ECDSA(hashes.SHA256())
    )  # raises when it does not verify


def test_is_revoked_offline_before_and_after_revocation(holder: User) -> None:
    document = _issue(holder)
    other = _issue(holder)
    index = status_list.status_index_assign(document)
    before = status_list.status_list_jws()
    assert status_list.is_revoked_offline(before, index, root_certificate=_root()) is False
    document_revoke(document=document, reason="Lost", actor="officer")
    after = status_list.status_list_jws()  # a revocation makes the list again at once
    assert after != before
    assert status_list.is_revoked_offline(after, index, root_certificate=_root()) is True
    other_index = status_list.status_index_assign(other)
    assert status_list.is_revoked_offline(after, other_index, root_certificate=_root()) is False
    # a verifier that synced before the revocation still believes the old list
    assert status_list.is_revoked_offline(before, index, root_certificate=_root()) is False


def test_tampering_breaks_the_list(holder: User) -> None:
    document = _issue(holder)
    index = status_list.status_index_assign(document)
    jws = status_list.status_list_jws()
    header, payload, signature = jws.split(".")
    credential = _payload(jws)
    credential["credentialSubject"]["encodedList"] = status_list.encode_bits({index}, 131_072)
    forged = base64.urlsafe_b64encode(json.dumps(credential).encode()).rstrip(b"=").decode()
    root = _root()
    assert (
        status_list.is_revoked_offline(
            f"{header}.{forged}.{signature}", index, root_certificate=root
        )
        is None
    )
    flipped = signature[:-2] + ("A" if signature[-2] != "A" else "B") + signature[-1]
    assert (
        status_list.is_revoked_offline(
            f"{header}.{payload}.{flipped}", index, root_certificate=root
        )
        is None
    )
    for broken in ("", "a.b", f"{header}.{payload}", f"{header}.{payload}.{signature}.x"):
        assert status_list.is_revoked_offline(broken, index, root_certificate=root) is None


def test_a_list_signed_by_another_root_is_not_trusted(
    holder: User, other_pki: Path, settings: Any
) -> None:
    document = _issue(holder)  # signed, like the list, under the PKI in other_pki
    jws = status_list.status_list_jws()
    index = status_list.status_index_assign(document)
    assert status_list.is_revoked_offline(jws, index, root_certificate=_root()) is False
    keys.reset_cache()
    settings.KEYS_DIR = other_pki.parent / "another"
    stranger = keys.ensure_root()
    assert status_list.is_revoked_offline(jws, index, root_certificate=stranger) is None


def test_an_expired_list_or_a_missing_bit_is_not_trusted(holder: User) -> None:
    document = _issue(holder)
    index = status_list.status_index_assign(document)
    jws = status_list.status_list_jws()
    root = _root()
    later = timezone.now() + status_list.VALIDITY + dt.timedelta(seconds=1)
    earlier = timezone.now() - dt.timedelta(hours=1)
    assert status_list.is_revoked_offline(jws, index, root_certificate=root, now=later) is None
    assert status_list.is_revoked_offline(jws, index, root_certificate=root, now=earlier) is None
    assert status_list.is_revoked_offline(jws, 131_072 * 64, root_certificate=root) is None
    assert status_list.is_revoked_offline(jws, -1, root_certificate=root) is None


def test_a_gzip_bomb_is_refused() -> None:
    bomb = gzip.compress(bytes(status_list.MAX_BYTES + 8))
    encoded = "u" + base64.urlsafe_b64encode(bomb).rstrip(b"=").decode()
    assert status_list.decode_bits(encoded) is None
    assert status_list.decode_bits("not multibase") is None
    assert status_list.decode_bits("u" + base64.urlsafe_b64encode(b"x").decode()) is None


def test_the_published_list_is_reused_until_something_changes(holder: User) -> None:
    _issue(holder)
    first = status_list.status_list_jws()
    assert status_list.status_list_jws() == first
    _issue(holder)
    assert status_list.status_list_jws() != first


def test_the_endpoint_is_public(holder: User, client: Client) -> None:
    document = _issue(holder)
    document_revoke(document=document, reason="Issued in error", actor="officer")
    response = client.get("/api/v1/status-list")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vc+jwt"
    jws = response.content.decode()
    index = status_list.status_index_assign(document)
    assert status_list.is_revoked_offline(jws, index, root_certificate=_root()) is True


def test_without_a_root_the_endpoint_says_unavailable_and_makes_none(
    client: Client, other_pki: Path
) -> None:
    response = client.get("/api/v1/status-list")
    assert response.status_code == 503
    assert keys.root_certificate() is None
    assert not list(other_pki.glob("*.pem"))


def test_the_header_names_the_root(holder: User) -> None:
    _issue(holder)
    header = json.loads(_unb64(status_list.status_list_jws().split(".")[0]))
    root = _root()
    assert base64.b64decode(header["x5c"][0]) == root.public_bytes(serialization.Encoding.DER)
    public_key = root.public_key()
    assert isinstance(public_key, ec.EllipticCurvePublicKey)
    assert header["kid"] == keys.key_id_of(public_key)
