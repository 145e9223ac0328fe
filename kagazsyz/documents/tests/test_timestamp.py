"""PAdES B-T: with a time-stamp authority configured, the signature carries an RFC 3161 token
from a real TSA (on loopback); pdfsig and our verifier accept it, and a changed token fails."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from pyhanko.sign.timestamps.common_utils import TimestampRequestError

from kagazsyz.documents.tests.conftest import make_document
from kagazsyz.documents.tests.tsa import running_tsa
from kagazsyz.documents.verification import verify_pdf

pytestmark = pytest.mark.django_db


def _flip_in_token(pdf: bytes) -> bytes:
    """Change one byte near the end of the CMS: inside the time-stamp token's own signature."""
    start = pdf.index(b"/Contents <") + len(b"/Contents <")
    end = pdf.index(b">", start)
    digits = pdf[start:end].rstrip(b"0")
    position = start + len(digits) - 21  # ten bytes before the end of the DER
    old = pdf[position : position + 1]
    new = b"1" if old != b"1" else b"2"
    return pdf[:position] + new + pdf[position + 1 :]


def test_b_t_signature_with_a_loopback_tsa(settings: Any, tmp_path: Path) -> None:
    with running_tsa() as tsa:
        settings.DOCUMENTS_TSA_URL = tsa.url
        made = make_document()
        assert len(tsa.requests) == 1
    verdict = verify_pdf(made.pdf, register=False)
    assert verdict.verdict == "VALID", verdict.reason
    assert verdict.details["timestamp"] is not None
    assert verdict.details["timestamp_trusted"] is False  # the test TSA's root is not ours
    assert verify_pdf(_flip_in_token(made.pdf), register=False).verdict == "INVALID"

    if shutil.which("pdfsig") is None:
        if os.environ.get("REQUIRE_PDFSIG") == "1":
            pytest.fail("pdfsig (poppler-utils) is required but missing")
        return
    path = tmp_path / "document.pdf"
    path.write_bytes(made.pdf)
    result = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True, check=False)
    assert "Signature is Valid." in result.stdout, result.stdout


def test_without_a_tsa_the_signature_is_b_b(settings: Any) -> None:
    settings.DOCUMENTS_TSA_URL = ""
    verdict = verify_pdf(make_document().pdf, register=False)
    assert verdict.verdict == "VALID"
    assert "timestamp" not in verdict.details


def test_an_unreachable_tsa_stops_issuing(settings: Any) -> None:
    """B-T configured means B-T required: no silent fallback to B-B."""
    with running_tsa() as tsa:
        url = tsa.url
    settings.DOCUMENTS_TSA_URL = url  # the server is gone
    with pytest.raises(TimestampRequestError):
        make_document()
