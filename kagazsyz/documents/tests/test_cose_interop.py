"""Interoperability of the QR's COSE_Sign1 with a second, independent implementation: cose-js
(Node.js, its own CBOR and ECDSA code), installed by ``npm ci`` in tools/cose-interop.

Both directions: cose-js verifies what we sign, and we verify what cose-js signs."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import zlib
from pathlib import Path
from typing import Any

import base45
import cbor2
import pytest

from kagazsyz.documents import keys
from kagazsyz.documents.qr import PREFIX, StatusReference, decode_qr, encode_qr
from kagazsyz.documents.tests.conftest import CLAIMS, DOC_TYPE, claim_values

INTEROP = Path(__file__).resolve().parents[3] / "tools" / "cose-interop"


def _node(request: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    node = shutil.which("node")
    if node is None or not (INTEROP / "node_modules" / "cose-js").is_dir():
        if os.environ.get("REQUIRE_COSE_INTEROP") == "1":
            pytest.fail("node and `npm ci` in tools/cose-interop are required")
        pytest.skip("cose-js is not installed (cd tools/cose-interop && npm ci)")
    result = subprocess.run(
        [node, str(INTEROP / "interop.js")],
        input=json.dumps(request),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    return result.returncode, json.loads(result.stdout)


def _coordinates(key: keys.AgencyKey) -> tuple[str, str]:
    numbers = key.key.public_key().public_numbers()
    return numbers.x.to_bytes(32, "big").hex(), numbers.y.to_bytes(32, "big").hex()


def _cose_bytes(text: str) -> bytes:
    return zlib.decompress(base45.b45decode(text[len(PREFIX) :]))


def _ours(signer: keys.AgencyKey) -> str:
    return encode_qr(
        signer=signer,
        issuer="MVD",
        number="D-2026-INTEROP001",
        doc_type=DOC_TYPE,
        claims=claim_values(CLAIMS),
        issued_at=dt.datetime.now(dt.UTC).replace(microsecond=0),
        expires_at=None,
        status=StatusReference(4242, "urn:kagazsyz:status-list:revocation"),
    )


def test_cose_js_verifies_what_we_sign() -> None:
    signer = keys.signing_key_for("MVD")
    message = _cose_bytes(_ours(signer))
    x, y = _coordinates(signer)
    code, answer = _node({"op": "verify", "message": message.hex(), "x": x, "y": y})
    assert code == 0, answer
    payload = cbor2.loads(bytes.fromhex(answer["payload"]))
    assert payload[1] == "MVD"
    assert payload[-260]["c"]["full_name"] == CLAIMS[0]["value"]
    assert payload[-261] == 4242  # the platform's own list is implied
    # a flipped bit in the signature: cose-js refuses it too
    broken = message[:-1] + bytes([message[-1] ^ 1])
    code, answer = _node({"op": "verify", "message": broken.hex(), "x": x, "y": y})
    assert code == 1 and "error" in answer
    # and another agency's key does not verify it
    other_x, other_y = _coordinates(keys.signing_key_for("GNS"))
    assert _node({"op": "verify", "message": message.hex(), "x": other_x, "y": other_y})[0] == 1


def test_we_verify_what_cose_js_signs() -> None:
    signer = keys.signing_key_for("MVD")
    issued = int(dt.datetime.now(dt.UTC).timestamp())
    cwt = {1: "MVD", 6: issued, -260: {"n": "D-2026-COSEJS0001", "t": DOC_TYPE, "c": {"ok": True}}}
    d = signer.key.private_numbers().private_value.to_bytes(32, "big").hex()
    request = {"op": "sign", "payload": cbor2.dumps(cwt).hex(), "d": d, "kid": signer.key_id}
    code, answer = _node(request)
    assert code == 0, answer
    message = bytes.fromhex(answer["message"])
    text = PREFIX + base45.b45encode(zlib.compress(message)).decode("ascii")
    verdict = decode_qr(text)
    assert verdict.status == "VALID", verdict.reason
    assert verdict.content is not None
    assert verdict.content.number == "D-2026-COSEJS0001"
    assert verdict.content.claims == {"ok": True}
    # the same message with another kid in its protected header no longer verifies
    code, answer = _node({**request, "kid": keys.signing_key_for("GNS").key_id})
    assert code == 0
    forged = bytes.fromhex(answer["message"])
    text = PREFIX + base45.b45encode(zlib.compress(forged)).decode("ascii")
    assert decode_qr(text).status == "INVALID"
