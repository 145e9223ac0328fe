"""Verifying PDFs and QR texts without the register: every altered byte fails, garbage too."""

from __future__ import annotations

import datetime as dt
import io
import os
import random
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import signers
from pyhanko.sign.fields import SigSeedSubFilter
from pyhanko.sign.general import SigningError
from pypdf import PdfReader, PdfWriter

from kagazsyz.documents import keys, messages
from kagazsyz.documents.pdf import PdfContent, render_pdf
from kagazsyz.documents.signing import (
    PAYLOAD_KEY,
    _DelegatingSigner,
    _embed_payload,
    _pdf_signer,
    sign_pdf,
)
from kagazsyz.documents.tests.cms_check import check_pdf_signature
from kagazsyz.documents.tests.conftest import (
    AGENCY_NAMES,
    CLAIMS,
    DOC_TYPE,
    HOLDER_NAME,
    HOLDER_PIN,
    TITLES,
    Made,
    claim_values,
    make_document,
)
from kagazsyz.documents.verification import verify_pdf, verify_qr


def _check(data: bytes, **kwargs: Any) -> str:
    return verify_pdf(data, register=False, **kwargs).verdict


def test_an_issued_pdf_is_valid_without_any_database(made: Made) -> None:
    verdict = verify_pdf(made.pdf, register=False)  # no django_db mark: a query would fail
    assert verdict.verdict == "VALID"
    assert verdict.reason == messages.VALID.as_dict()
    assert verdict.claims == claim_values(CLAIMS)
    assert verdict.document_number == made.number
    assert verdict.issuer == "MVD"
    assert verdict.doc_type == DOC_TYPE
    assert verdict.valid_until is not None and verdict.issued_at is not None
    assert set(verdict.reason) == {"ky", "ru", "en"}


def test_the_payload_is_in_the_info_dictionary(made: Made) -> None:
    metadata = PdfReader(io.BytesIO(made.pdf)).metadata
    assert metadata is not None
    assert str(metadata[PAYLOAD_KEY]) == made.payload


def _positions(pdf: bytes) -> list[int]:
    """Byte positions to alter: the payload, the signature dictionary, and a spread elsewhere."""
    signed_start = pdf.index(b"/ByteRange")
    payload_start = pdf.index(PAYLOAD_KEY.encode())
    contents = pdf.index(b"/Contents <") + len(b"/Contents <")
    contents_end = pdf.index(b">", contents)
    last_nonzero = contents + len(pdf[contents:contents_end].rstrip(b"0"))
    chosen = set(range(payload_start, payload_start + 120, 3))  # inside the claims' payload
    chosen |= set(range(signed_start, signed_start + 48))  # /ByteRange and its numbers
    chosen |= {contents, contents + 1, contents + 200, last_nonzero - 1, last_nonzero + 10}
    chosen |= {contents_end - 1, contents_end, 0, 5, len(pdf) - 1, len(pdf) - 8}
    chosen |= set(random.Random(2026).sample(range(len(pdf)), 60))
    return sorted(chosen)


def _altered(pdf: bytes, position: int) -> bytes:
    data = bytearray(pdf)
    data[position] ^= 0x01
    return bytes(data)


def test_every_altered_byte_is_invalid(made: Made) -> None:
    failures = [p for p in _positions(made.pdf) if _check(_altered(made.pdf, p)) != "INVALID"]
    assert failures == []


def _contents_positions(pdf: bytes) -> list[int]:
    """Inside the signature value: a spread, the algorithm parameters and both certificates."""
    start = pdf.index(b"/Contents <") + len(b"/Contents <")
    end = pdf.index(b">", start)
    hex_value = pdf[start:end]
    chosen = set(range(start, end, 23))
    sha256_null = b"0609608648016503040201" + b"0500"  # sha256 AlgorithmIdentifier, NULL params
    at = hex_value.find(sha256_null)
    while at != -1:
        chosen |= set(range(start + at + 22, start + at + 26))
        at = hex_value.find(sha256_null, at + 1)
    for certificate in (keys.signing_key_for("MVD").certificate, keys.signing_key_for("MVD").root):
        der_hex = certificate.public_bytes(serialization.Encoding.DER).hex().upper().encode()
        offset = hex_value.index(der_hex)
        chosen |= set(range(start + offset, start + offset + len(der_hex), 97))
    return sorted(chosen)


def test_every_altered_byte_of_the_signature_value_is_invalid(made: Made) -> None:
    """Not signed itself, yet no byte there is free: certificates and algorithms are checked."""
    failures = [
        p for p in _contents_positions(made.pdf) if _check(_altered(made.pdf, p)) != "INVALID"
    ]
    assert failures == []


def test_the_signature_value_is_written_one_way_only(made: Made) -> None:
    contents = made.pdf.index(b"/Contents <") + len(b"/Contents <")
    letter = re.compile(rb"[A-F]").search(made.pdf, contents)
    assert letter is not None
    data = bytearray(made.pdf)
    data[letter.start()] = data[letter.start()] + 32  # same value, lower case
    assert _check(bytes(data)) == "INVALID"


def test_bytes_appended_after_signing_are_invalid(made: Made) -> None:
    for tail in (b"\n", b" ", b"\x00" * 10):
        verdict = verify_pdf(made.pdf + tail, register=False)
        assert verdict.verdict == "INVALID"
        assert verdict.reason == messages.PARTIAL_COVERAGE.as_dict()
    assert _check(made.pdf + b"%%EOF\n") == "INVALID"  # refused already by the strict parser


def test_an_incremental_update_after_signing_is_invalid(made: Made) -> None:
    writer = PdfWriter(io.BytesIO(made.pdf), incremental=True)
    writer.add_metadata({"/Title": "Changed"})
    output = io.BytesIO()
    writer.write(output)
    assert output.getvalue().startswith(made.pdf)  # an update appended, nothing rewritten
    verdict = verify_pdf(output.getvalue(), register=False)
    assert verdict.verdict == "INVALID"
    assert verdict.reason == messages.PARTIAL_COVERAGE.as_dict()


def _unsigned(made: Made) -> bytes:
    return render_pdf(
        PdfContent(
            number=made.number,
            titles=TITLES,
            agency_names=AGENCY_NAMES,
            holder_name=HOLDER_NAME,
            holder_id=HOLDER_PIN,
            issued_at=dt.datetime.now(dt.UTC),
            valid_until=None,
            claims=CLAIMS,
            qr_payload=made.payload,
        )
    )


def test_an_unsigned_pdf_is_invalid(made: Made) -> None:
    verdict = verify_pdf(_unsigned(made), register=False)
    assert verdict.verdict == "INVALID"
    assert verdict.reason == messages.SIGNATURE_COUNT.as_dict()


def _approval_signature(pdf: bytes, field_name: str, payload: str | None = None) -> bytes:
    """A second kind of signature (approval, not certification) with our key."""
    signer = keys.signing_key_for("MVD")
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    if payload is not None:
        _embed_payload(writer, payload)
    meta = signers.PdfSignatureMetadata(
        field_name=field_name, md_algorithm="sha256", subfilter=SigSeedSubFilter.PADES
    )
    signed = signers.PdfSigner(meta, _DelegatingSigner(signer)).sign_pdf(
        writer, bytes_reserved=_pdf_signer(signer)[1]
    )
    data: bytes = signed.getvalue()
    return data


def test_an_approval_signature_like_ours_is_valid(made: Made) -> None:
    """The baseline for the next test: one such signature alone is accepted."""
    assert _check(_approval_signature(_unsigned(made), "One", made.payload)) == "VALID"


def test_two_signatures_are_invalid(made: Made) -> None:
    once = _approval_signature(_unsigned(made), "One", made.payload)
    twice = _approval_signature(once, "Two")
    verdict = verify_pdf(twice, register=False)
    assert verdict.verdict == "INVALID"
    assert verdict.reason == messages.SIGNATURE_COUNT.as_dict()


def test_our_signer_refuses_to_sign_a_signed_pdf(made: Made) -> None:
    with pytest.raises(SigningError):
        sign_pdf(made.pdf, signer=keys.signing_key_for("MVD"), qr_payload=made.payload)


def test_a_signed_pdf_without_payload_is_invalid(made: Made) -> None:
    pdf_signer, reserve = _pdf_signer(keys.signing_key_for("MVD"))
    writer = IncrementalPdfFileWriter(io.BytesIO(_unsigned(made)))
    signed = pdf_signer.sign_pdf(writer, bytes_reserved=reserve).getvalue()
    verdict = verify_pdf(signed, register=False)
    assert verdict.verdict == "INVALID"
    assert verdict.reason == messages.MISSING_PAYLOAD.as_dict()


def test_a_payload_of_another_agency_does_not_match(made: Made) -> None:
    other = make_document(agency="GNS", number="D-2026-TEST000002")
    mixed = make_document(agency="MVD", number="D-2026-TEST000002", payload=other.payload)
    verdict = verify_pdf(mixed.pdf, register=False)
    assert verdict.verdict == "INVALID"
    assert verdict.reason == messages.PAYLOAD_MISMATCH.as_dict()


def test_a_document_from_another_pki_is_unknown_issuer(tmp_path: Path, settings: Any) -> None:
    original = settings.KEYS_DIR
    settings.KEYS_DIR = tmp_path / "impostor-keys"
    forged = make_document(number="D-2026-FORGED0001")
    settings.KEYS_DIR = original
    verdict = verify_pdf(forged.pdf, register=False)
    assert verdict.verdict == "UNKNOWN_ISSUER"
    assert verdict.claims is None
    assert verify_qr(forged.payload, register=False).verdict == "UNKNOWN_ISSUER"


def test_an_expired_document() -> None:
    issued = dt.datetime.now(dt.UTC) - dt.timedelta(days=100)
    old = make_document(number="D-2025-OLD0000001", issued_at=issued, validity_days=90)
    verdict = verify_pdf(old.pdf, register=False)
    assert verdict.verdict == "EXPIRED"
    assert verdict.claims == claim_values(CLAIMS)
    assert verify_qr(old.payload, register=False).verdict == "EXPIRED"


def test_qr_text_verifies_and_tolerates_surrounding_whitespace(made: Made) -> None:
    for text in (made.payload, f"  {made.payload}\n"):
        verdict = verify_qr(text, register=False)
        assert verdict.verdict == "VALID"
        assert verdict.claims == claim_values(CLAIMS)
        assert verdict.document_number == made.number


@pytest.mark.parametrize("data", [b"", b"%PDF-1.7\n%%EOF", b"\x00" * 100, b"not a pdf", "text"])
def test_garbage_pdfs_are_invalid(data: Any) -> None:
    verdict = verify_pdf(data, register=False)
    assert verdict.verdict == "INVALID"
    assert verdict.claims is None


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2000))
def test_fuzz_pdf_bytes(data: bytes) -> None:
    assert verify_pdf(data, register=False).verdict == "INVALID"
    assert verify_pdf(b"%PDF-1.7\n" + data, register=False).verdict == "INVALID"


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(min_value=0), st.binary(min_size=1, max_size=40))
def test_fuzz_spliced_pdfs(made: Made, position: int, chunk: bytes) -> None:
    at = position % len(made.pdf)
    spliced = made.pdf[:at] + chunk + made.pdf[at + len(chunk) :]
    if spliced != made.pdf:
        assert verify_pdf(spliced, register=False).verdict == "INVALID"


def _independently_valid(pdf: bytes, root: Any) -> bool:
    try:
        check_pdf_signature(pdf, root)
    except Exception:  # any failure of the second path counts as "not valid"
        return False
    return True


def test_second_path_plain_cryptography_verifies_the_cms(made: Made) -> None:
    signer = keys.signing_key_for("MVD")
    assert check_pdf_signature(made.pdf, signer.root) == signer.certificate
    signed_part = [p for p in _positions(made.pdf) if not _in_contents(made.pdf, p)]
    assert signed_part
    for position in signed_part:
        assert not _independently_valid(_altered(made.pdf, position), signer.root), position


def _in_contents(pdf: bytes, position: int) -> bool:
    """Inside the hex of /Contents: not signed, so the second path may not notice padding."""
    start = pdf.index(b"/Contents <") + len(b"/Contents ")
    return start <= position <= pdf.index(b">", start)


def test_pdfsig_accepts_the_signature(made: Made, tmp_path: Path) -> None:
    if shutil.which("pdfsig") is None:
        if os.environ.get("REQUIRE_PDFSIG") == "1":
            pytest.fail("pdfsig (poppler-utils) is required but missing")
        pytest.skip("pdfsig (poppler-utils) is not installed")
    path = tmp_path / "document.pdf"
    path.write_bytes(made.pdf)
    result = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True, check=False)
    assert "Signature is Valid." in result.stdout, result.stdout + result.stderr
    assert "Total document signed" in result.stdout
    assert "ETSI.CAdES.detached" in result.stdout
    path.write_bytes(_altered(made.pdf, made.pdf.index(PAYLOAD_KEY.encode()) + 20))
    tampered = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True, check=False)
    assert "Signature is Valid." not in tampered.stdout
