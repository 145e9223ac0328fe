"""The QR payload: round trip, every kind of tampering, fuzzing, and the size of the code."""

from __future__ import annotations

import datetime as dt
import zlib
from typing import Any

import base45
import cbor2
import pytest
import segno
from cryptography.hazmat.primitives.asymmetric import ec
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kagazsyz.documents import keys, messages
from kagazsyz.documents.qr import PREFIX, QrStatus, decode_qr, encode_qr
from kagazsyz.documents.tests.conftest import CLAIMS, DOC_TYPE, claim_values

NOW = dt.datetime(2026, 11, 26, 9, 0, tzinfo=dt.UTC)
CLAIM_VALUES = claim_values(CLAIMS)


def _encode(
    signer: keys.Signer | None = None,
    *,
    issuer: str = "MVD",
    issued_at: dt.datetime = NOW,
    expires_at: dt.datetime | None = NOW + dt.timedelta(days=90),
    claims: dict[str, Any] | None = None,
) -> str:
    return encode_qr(
        signer=signer or keys.signing_key_for("MVD"),
        issuer=issuer,
        number="D-2026-ABCDEFGHJK",
        doc_type=DOC_TYPE,
        claims=CLAIM_VALUES if claims is None else claims,
        issued_at=issued_at,
        expires_at=expires_at,
    )


def _unpack(text: str) -> list[Any]:
    tag = cbor2.loads(zlib.decompress(base45.b45decode(text[len(PREFIX) :])))
    assert tag.tag == 18
    return list(tag.value)


def _pack(parts: list[Any], *, tag: int = 18) -> str:
    data = zlib.compress(cbor2.dumps(cbor2.CBORTag(tag, parts)))
    encoded: bytes = base45.b45encode(data)
    return PREFIX + encoded.decode()


def _payload(parts: list[Any]) -> dict[Any, Any]:
    decoded: dict[Any, Any] = cbor2.loads(parts[2])
    return decoded


class _StrangerKey:
    """A well-formed signer whose key no agency owns."""

    def __init__(self) -> None:
        self.private = ec.generate_private_key(ec.SECP256R1())
        self.key_id = keys.key_id_of(self.private.public_key())

    def sign(self, data: bytes) -> bytes:
        from cryptography.hazmat.primitives import hashes

        return self.private.sign(data, ec.ECDSA(hashes.SHA256()))


def test_round_trip() -> None:
    text = _encode()
    assert text.startswith("KG1:")
    verdict = decode_qr(text, now=NOW)
    assert verdict.status is QrStatus.VALID
    assert verdict.reason == messages.VALID
    assert verdict.content is not None
    assert verdict.content.claims == CLAIM_VALUES
    assert verdict.content.number == "D-2026-ABCDEFGHJK"
    assert verdict.content.issuer == "MVD"
    assert verdict.content.doc_type == DOC_TYPE
    assert verdict.content.issued_at == NOW
    assert verdict.content.expires_at == NOW + dt.timedelta(days=90)
    assert verdict.content.key_id == keys.signing_key_for("MVD").key_id


def test_structure_follows_cose_sign1_and_cwt() -> None:
    protected, unprotected, payload, signature = _unpack(_encode())
    assert cbor2.loads(protected) == {1: -7, 4: bytes.fromhex(keys.signing_key_for("MVD").key_id)}
    assert unprotected == {}
    assert len(signature) == 64
    claims = cbor2.loads(payload)
    assert claims[1] == "MVD"
    assert claims[6] == int(NOW.timestamp())
    assert claims[4] == int((NOW + dt.timedelta(days=90)).timestamp())
    assert claims[-260] == {"n": "D-2026-ABCDEFGHJK", "t": DOC_TYPE, "c": CLAIM_VALUES}


def test_a_document_without_validity_has_no_exp() -> None:
    text = _encode(expires_at=None)
    assert 4 not in _payload(_unpack(text))
    verdict = decode_qr(text, now=NOW + dt.timedelta(days=3650))
    assert verdict.status is QrStatus.VALID
    assert verdict.content is not None and verdict.content.expires_at is None


def test_changed_claims_are_invalid() -> None:
    parts = _unpack(_encode())
    payload = _payload(parts)
    payload[-260]["c"]["has_criminal_record"] = True
    parts[2] = cbor2.dumps(payload, canonical=True)
    verdict = decode_qr(_pack(parts), now=NOW)
    assert verdict.status is QrStatus.INVALID
    assert verdict.reason == messages.BAD_SIGNATURE
    assert verdict.content is None


@pytest.mark.parametrize("claim", [4, 6])
def test_changed_dates_are_invalid(claim: int) -> None:
    parts = _unpack(_encode())
    payload = _payload(parts)
    payload[claim] += 86_400 * 365
    parts[2] = cbor2.dumps(payload, canonical=True)
    assert decode_qr(_pack(parts), now=NOW).status is QrStatus.INVALID


def test_changed_signature_bytes_are_invalid() -> None:
    parts = _unpack(_encode())
    for index in (0, 31, 32, 63):
        signature = bytearray(parts[3])
        signature[index] ^= 0x01
        tampered = [*parts[:3], bytes(signature)]
        assert decode_qr(_pack(tampered), now=NOW).status is QrStatus.INVALID


def test_a_truncated_signature_is_invalid() -> None:
    parts = _unpack(_encode())
    assert decode_qr(_pack([*parts[:3], parts[3][:63]]), now=NOW).status is QrStatus.INVALID


def test_kid_of_another_trusted_agency_is_invalid() -> None:
    other = keys.signing_key_for("GNS")
    parts = _unpack(_encode())
    parts[0] = cbor2.dumps({1: -7, 4: bytes.fromhex(other.key_id)}, canonical=True)
    verdict = decode_qr(_pack(parts), now=NOW)
    assert verdict.status is QrStatus.INVALID
    assert verdict.reason == messages.BAD_SIGNATURE


def test_unknown_kid_is_unknown_issuer() -> None:
    parts = _unpack(_encode())
    parts[0] = cbor2.dumps({1: -7, 4: bytes(8)}, canonical=True)
    verdict = decode_qr(_pack(parts), now=NOW)
    assert verdict.status is QrStatus.UNKNOWN_ISSUER
    assert verdict.content is None


def test_a_key_nobody_trusts_is_unknown_issuer() -> None:
    verdict = decode_qr(_encode(_StrangerKey()), now=NOW)
    assert verdict.status is QrStatus.UNKNOWN_ISSUER
    assert verdict.reason == messages.UNKNOWN_ISSUER


def test_an_agency_key_cannot_speak_for_another_agency() -> None:
    verdict = decode_qr(_encode(issuer="GNS"), now=NOW)
    assert verdict.status is QrStatus.INVALID
    assert verdict.reason == messages.WRONG_ISSUER


def test_expired() -> None:
    verdict = decode_qr(_encode(), now=NOW + dt.timedelta(days=90))
    assert verdict.status is QrStatus.EXPIRED
    assert verdict.content is not None and verdict.content.claims == CLAIM_VALUES


def test_issued_in_the_future_is_invalid() -> None:
    verdict = decode_qr(_encode(issued_at=NOW + dt.timedelta(hours=1)), now=NOW)
    assert verdict.status is QrStatus.INVALID
    assert verdict.reason == messages.ISSUED_IN_FUTURE


def test_other_algorithms_and_headers_are_refused() -> None:
    parts = _unpack(_encode())
    kid = bytes.fromhex(keys.signing_key_for("MVD").key_id)
    for header in ({1: -35, 4: kid}, {1: -7, 4: kid, 2: [1]}, {4: kid}, {1: -7}):
        tampered = [cbor2.dumps(header), *parts[1:]]
        assert decode_qr(_pack(tampered), now=NOW).status is QrStatus.INVALID
    unprotected = [parts[0], {4: kid}, *parts[2:]]
    assert decode_qr(_pack(unprotected), now=NOW).status is QrStatus.INVALID
    assert decode_qr(_pack(parts, tag=98), now=NOW).status is QrStatus.INVALID


def test_bytes_added_anywhere_are_refused() -> None:
    text = _encode()
    raw = zlib.decompress(base45.b45decode(text[len(PREFIX) :]))
    padded_cbor = PREFIX + base45.b45encode(zlib.compress(raw + b"\x00")).decode()
    padded_zlib = PREFIX + base45.b45encode(base45.b45decode(text[4:]) + b"\x00").decode()
    for tampered in (padded_cbor, padded_zlib):
        assert decode_qr(tampered, now=NOW).status is QrStatus.INVALID


def test_every_changed_character_is_refused() -> None:
    text = _encode()
    alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
    for index in range(len(PREFIX), len(text)):
        replacement = alphabet[(alphabet.index(text[index]) + 1) % len(alphabet)]
        tampered = text[:index] + replacement + text[index + 1 :]
        assert decode_qr(tampered, now=NOW).status is not QrStatus.VALID, index


@pytest.mark.parametrize(
    "text",
    ["", "KG1:", "KG2:ABC", "kg1:ABC", "KG1:::::", "KG1:" + "A" * 9000, "HC1:6BFOXN*TS0BI$ZD"],
)
def test_garbage_is_invalid(text: str) -> None:
    verdict = decode_qr(text, now=NOW)
    assert verdict.status is QrStatus.INVALID
    assert verdict.content is None


def test_not_text_is_invalid() -> None:
    assert decode_qr(b"KG1:ABC", now=NOW).status is QrStatus.INVALID
    assert decode_qr(None, now=NOW).status is QrStatus.INVALID


FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
CBOR_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20) | st.binary(max_size=70),
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.integers() | st.text(), inner),
    max_leaves=20,
)


@FUZZ
@given(st.text(max_size=600))
def test_fuzz_text(text: str) -> None:
    assert decode_qr(text, now=NOW).status is not QrStatus.VALID
    assert decode_qr(PREFIX + text, now=NOW).status is not QrStatus.VALID


@FUZZ
@given(st.binary(max_size=600))
def test_fuzz_bytes_after_prefix(data: bytes) -> None:
    text = PREFIX + base45.b45encode(data).decode()
    assert decode_qr(text, now=NOW).status is not QrStatus.VALID
    compressed = PREFIX + base45.b45encode(zlib.compress(data)).decode()
    assert decode_qr(compressed, now=NOW).status is not QrStatus.VALID


@FUZZ
@given(st.lists(CBOR_VALUES, min_size=0, max_size=5), st.integers(min_value=0, max_value=30))
def test_fuzz_cose_structures(parts: list[Any], tag: int) -> None:
    for candidate in (_pack(parts), _pack(parts, tag=tag)):
        assert decode_qr(candidate, now=NOW).status is not QrStatus.VALID


@FUZZ
@given(CBOR_VALUES, CBOR_VALUES)
def test_fuzz_signed_payloads(header_extra: Any, payload: Any) -> None:
    """Well-signed but ill-formed payloads (our own key signing junk) never pass."""
    signer = keys.signing_key_for("MVD")
    kid = bytes.fromhex(signer.key_id)
    protected = cbor2.dumps({1: -7, 4: kid})
    body = cbor2.dumps(payload)
    from kagazsyz.documents.qr import _raw_signature, _sig_structure

    signature = _raw_signature(signer.sign(_sig_structure(protected, body)))
    verdict = decode_qr(_pack([protected, {}, body, signature]), now=NOW)
    assert verdict.status is QrStatus.INVALID
    del header_extra


def test_realistic_payload_fits_qr_version_15_at_level_m() -> None:
    text = _encode()
    assert len(text) < 600
    code = segno.make(text, error="m", boost_error=False, micro=False)
    assert code.mode == "alphanumeric"
    assert isinstance(code.version, int) and code.version <= 15, code.version


def test_a_larger_claim_set_still_fits_version_15() -> None:
    """Six claims with long Kyrgyz names; Cyrillic costs two bytes a letter before Base45."""
    claims = {
        "full_name": "Абдыкадырова Гүлнара Сүйүнбековна",
        "birth_date": "1987-12-31",
        "taxpayer_id": "21512198700123",
        "has_tax_debt": False,
        "debt_som": 0,
        "presented_to": "Кыргыз Республикасынын Улуттук банкы",
    }
    code = segno.make(_encode(claims=claims), error="m", boost_error=False, micro=False)
    assert isinstance(code.version, int) and code.version <= 15, code.version
