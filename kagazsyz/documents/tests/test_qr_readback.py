"""The QR code printed on an issued PDF, read back from the rendered page by an independent
decoder (zxing-cpp) after poppler rasterises it, verifies; a foreign or altered one does not."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
import segno
import zxingcpp
from PIL import Image

from kagazsyz.accounts.models import User
from kagazsyz.documents.services import document_issue
from kagazsyz.documents.tests.conftest import (
    AGENCY_NAMES,
    CLAIMS,
    DOC_TYPE,
    HOLDER_NAME,
    HOLDER_PIN,
    TITLES,
    make_document,
)
from kagazsyz.documents.verification import verify_qr


def _page_image(pdf: bytes, directory: Path, dpi: int) -> Image.Image:
    if shutil.which("pdftoppm") is None:
        if os.environ.get("REQUIRE_PDFSIG") == "1":
            pytest.fail("pdftoppm (poppler-utils) is required but missing")
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    (directory / "document.pdf").write_bytes(pdf)
    options = ["-r", str(dpi), "-gray", "-png", "-singlefile", "-f", "1", "-l", "1"]
    subprocess.run(
        ["pdftoppm", *options, str(directory / "document.pdf"), str(directory / "page")],
        check=True,
        capture_output=True,
    )
    return Image.open(directory / "page.png")


def _read_qr(image: Image.Image) -> list[str]:
    return [
        code.text
        for code in zxingcpp.read_barcodes(
            image, formats=zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode)
        )
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("dpi", [150, 300])
def test_qr_read_from_the_rendered_page_verifies(tmp_path: Path, dpi: int) -> None:
    holder = User.objects.create_user(personal_number=HOLDER_PIN, full_name=HOLDER_NAME)
    document = document_issue(
        holder=holder,
        source_ref="application-1",
        agency_code="MVD",
        agency_names=AGENCY_NAMES,
        doc_type=DOC_TYPE,
        titles=TITLES,
        claims=CLAIMS,
        validity_days=90,
    )
    texts = _read_qr(_page_image(bytes(document.pdf), tmp_path, dpi))
    assert texts == [document.qr_payload]
    verdict = verify_qr(texts[0])
    assert verdict.verdict == "VALID"
    assert verdict.document_number == document.number
    assert verdict.claims is not None and verdict.claims["full_name"] == HOLDER_NAME
    # a character changed after reading: the same decoder path gives a verdict, never VALID
    altered = texts[0][:-3] + ("0" if texts[0][-3] != "0" else "1") + texts[0][-2:]
    assert verify_qr(altered).verdict == "INVALID"


def test_a_large_qr_is_read_back_too(tmp_path: Path) -> None:
    """A payload near the version-15 limit, printed at the same 46 mm, at 150 dpi."""
    claims = [
        *CLAIMS,
        {
            "name": "address",
            "labels": {"ky": "Дареги", "ru": "Адрес"},
            "value": "Бишкек ш., Чүй пр., 265-14",
        },
        {
            "name": "activity",
            "labels": {"ky": "Иши", "ru": "Деятельность"},
            "value": "Чекене соода, Ош базары",
        },
    ]
    made = make_document(claims=claims)
    version = segno.make(made.payload, error="m", micro=False).version
    assert isinstance(version, int) and version >= 12, version
    texts = _read_qr(_page_image(made.pdf, tmp_path, 150))
    assert texts == [made.payload]
    assert verify_qr(texts[0], register=False).verdict == "VALID"
