"""The trust list: a JWK Set signed by the root as a compact JWS, and offline verification."""

from __future__ import annotations

import base64
import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from kagazsyz.documents import keys
from kagazsyz.documents.qr import QrStatus, decode_qr
from kagazsyz.documents.tests.conftest import Made, make_document
from kagazsyz.documents.trust_list import (
    TrustListError,
    load_trust_list,
    read_trust_list,
    trust_list_jws,
)


def _b64url_json(part: str) -> Any:
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _root_pem() -> bytes:
    root = keys.root_certificate()
    assert root is not None
    return root.public_bytes(serialization.Encoding.PEM)


@pytest.fixture
def jws(made: Made) -> str:
    keys.ensure_keys(["MVD", "GNS"])
    return trust_list_jws()


def _export(tmp_path: Path) -> Path:
    path = tmp_path / "trust.jws"
    call_command("keys", "export-trust-list", str(path), stdout=io.StringIO())
    return path


def test_the_jws_verifies_and_lists_every_agency_key(jws: str) -> None:
    header_part, payload_part, _ = jws.split(".")
    header = _b64url_json(header_part)
    assert header["alg"] == "ES256" and header["typ"] == "jwk-set+json"
    payload = _b64url_json(payload_part)
    expected = keys.trust_list()
    assert {jwk["kid"] for jwk in payload["keys"]} == set(expected)
    for jwk in payload["keys"]:
        certificate = expected[jwk["kid"]].certificate
        numbers = expected[jwk["kid"]].public_key.public_numbers()
        assert jwk["x"] == _b64url(numbers.x.to_bytes(32, "big"))
        assert jwk["y"] == _b64url(numbers.y.to_bytes(32, "big"))
        der = certificate.public_bytes(serialization.Encoding.DER)
        assert jwk["x5c"] == [base64.b64encode(der).decode()]
        assert jwk["iss"] == expected[jwk["kid"]].agency_code
        assert jwk["nbf"] == int(certificate.not_valid_before_utc.timestamp())
        assert jwk["exp"] == int(certificate.not_valid_after_utc.timestamp())
        assert (jwk["kty"], jwk["crv"], jwk["use"], jwk["alg"]) == ("EC", "P-256", "sig", "ES256")
    loaded = read_trust_list(jws, root_pem_or_der=_root_pem())
    assert set(loaded.keys) == set(expected)
    assert {key.agency_code for key in loaded.keys.values()} >= {"MVD", "GNS"}
    assert loaded.root == keys.root_certificate()


def test_the_keys_verify_a_qr_payload(jws: str, made: Made) -> None:
    verdict = decode_qr(made.payload, trusted=load_trust_list(jws))
    assert verdict.status is QrStatus.VALID


def _tamper_payload(jws: str) -> str:
    header, payload, signature = jws.split(".")
    document = _b64url_json(payload)
    document["keys"] = document["keys"][1:]
    raw = json.dumps(document, sort_keys=True, separators=(",", ":")).encode()
    return f"{header}.{_b64url(raw)}.{signature}"


def _tamper_signature(jws: str) -> str:
    header, payload, signature = jws.split(".")
    raw = bytearray(base64.urlsafe_b64decode(signature + "=="))
    raw[10] ^= 1
    return f"{header}.{payload}.{_b64url(bytes(raw))}"


@pytest.mark.parametrize("tamper", [_tamper_payload, _tamper_signature])
def test_a_tampered_trust_list_is_refused(jws: str, tamper: Any) -> None:
    with pytest.raises(TrustListError, match="signature"):
        load_trust_list(tamper(jws))


@pytest.mark.parametrize(
    "garbage",
    ["", "abc", "a.b.c", "!!.??.**", "e30.e30.e30", "x" * 100, "\x00..", b"\xff\xfe.a.b", 42],
)
def test_garbage_raises_a_trust_list_error_only(garbage: Any) -> None:
    with pytest.raises(TrustListError):
        load_trust_list(garbage)


def test_a_list_signed_by_another_root_is_refused_when_a_root_is_pinned(
    jws: str, other_pki: Path
) -> None:
    pinned = read_trust_list(jws).root.public_bytes(serialization.Encoding.DER)  # ours
    keys.ensure_keys(["MVD"])
    keys.reset_cache()  # read the impostor's directory afresh, whatever an earlier test cached
    foreign = trust_list_jws()
    assert load_trust_list(foreign)  # it is a well-formed list, of another root
    with pytest.raises(TrustListError, match="pinned"):
        load_trust_list(foreign, root_pem_or_der=pinned)
    # and a header root swapped for ours no longer matches the signature
    ours_header = jws.split(".")[0]
    _, payload, signature = foreign.split(".")
    with pytest.raises(TrustListError, match="signature"):
        load_trust_list(f"{ours_header}.{payload}.{signature}", root_pem_or_der=pinned)


def test_a_qr_signed_by_a_key_not_in_the_list_is_unknown_issuer(
    jws: str, other_pki: Path, tmp_path: Path
) -> None:
    impostor = make_document(agency="MVD")  # the other PKI's MVD key
    trusted = load_trust_list(jws)
    assert decode_qr(impostor.payload, trusted=trusted).status is QrStatus.UNKNOWN_ISSUER
    path = tmp_path / "ours.jws"
    path.write_text(jws)
    out = io.StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command("verify", "--trust-list", str(path), "--qr", impostor.payload, stdout=out)
    assert exit_info.value.code == 1
    assert out.getvalue().startswith("UNKNOWN_ISSUER")


def _offline(tmp_path: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    """The real command line with no usable database and an empty key directory."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "kagazsyz.settings",
        "DATABASE_URL": "sqlite:////nonexistent/dir/db.sqlite3",
        "KAGAZSYZ_KEYS_DIR": str(tmp_path / "no-keys-here"),
    }
    command = [sys.executable, "-m", "kagazsyz.cli", "verify", *arguments]
    return subprocess.run(command, env=env, capture_output=True, text=True, check=False)


def test_offline_verification_with_the_exported_file(made: Made, tmp_path: Path) -> None:
    trust = _export(tmp_path)
    pdf = tmp_path / "document.pdf"
    pdf.write_bytes(made.pdf)
    root = tmp_path / "root.pem"
    root.write_bytes(_root_pem())
    for arguments in (
        ("--trust-list", str(trust), str(pdf)),
        ("--trust-list", str(trust), "--trust-root", str(root), "--qr", made.payload),
    ):
        result = _offline(tmp_path, *arguments)
        assert result.returncode == 0, result.stdout + result.stderr
        assert result.stdout.startswith("VALID")
        assert made.number in result.stdout
    assert not (tmp_path / "no-keys-here").exists()


def test_offline_verification_refuses_a_tampered_pdf_and_a_bad_list(
    made: Made, tmp_path: Path
) -> None:
    trust = _export(tmp_path)
    pdf = tmp_path / "document.pdf"
    pdf.write_bytes(made.pdf + b"\n")
    result = _offline(tmp_path, "--trust-list", str(trust), str(pdf))
    assert result.returncode == 1 and result.stdout.startswith("INVALID"), result.stderr
    bad = tmp_path / "bad.jws"
    bad.write_text(_tamper_signature(trust.read_text().strip()))
    result = _offline(tmp_path, "--trust-list", str(bad), "--qr", made.payload)
    assert result.returncode != 0
    assert "not a valid trust list" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_command_without_the_list_still_uses_the_key_directory(
    made: Made, tmp_path: Path
) -> None:
    with pytest.raises(CommandError, match="--trust-list"):
        call_command("verify", "--trust-root", "x.pem", "--qr", made.payload)
    with pytest.raises(CommandError, match="cannot read"):
        call_command("verify", "--trust-list", str(tmp_path / "missing"), "--qr", made.payload)
    with pytest.raises(CommandError, match="FILE"):
        call_command("keys", "export-trust-list", stdout=io.StringIO())


def test_the_endpoint_serves_it_without_auth(jws: str, client: Client) -> None:
    response = client.get("/api/v1/trust-list")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/jose"
    assert "Content-Disposition" not in response
    assert set(load_trust_list(response.content, root_pem_or_der=_root_pem())) == set(
        keys.trust_list()
    )
    download = client.get("/api/v1/trust-list?download=1")
    assert download["Content-Disposition"] == 'attachment; filename="kagazsyz-trust-list.jws"'


def test_the_endpoint_without_a_pki(other_pki: Path, client: Client) -> None:
    response = client.get("/api/v1/trust-list")
    assert response.status_code == 503
    assert not other_pki.exists() or not any(other_pki.iterdir())


def test_the_endpoint_is_described_in_openapi(client: Client) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    operation = schema["paths"]["/api/v1/trust-list"]["get"]
    assert "application/jose" in operation["responses"]["200"]["content"]
