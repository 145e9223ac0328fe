"""Issued documents: QR verification beside raw ECDSA verification, and issuing (render, QR,
PAdES) beside the plain composition of the same libraries with their default settings.

``documents_benchmark()`` expects Django to be set up (``bench/run.py`` does it); it needs no
database: documents are made as ``document_issue`` makes them, without the row.

Where the time goes in our issuing is printed as rows too (milliseconds per document for each
stage), so a regression shows which stage it is in.
"""

from __future__ import annotations

import datetime as dt
import io
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

Row = tuple[str, float, str, str]

CLAIMS: list[dict[str, Any]] = [
    {"name": "full_name", "labels": {"ky": "Аты-жөнү", "ru": "ФИО"}, "value": "Үсөнбаев Нурлан"},
    {
        "name": "birth_date",
        "labels": {"ky": "Туулган күнү", "ru": "Дата рождения"},
        "value": "1980-05-15",
    },
    {
        "name": "has_tax_debt",
        "labels": {"ky": "Салык карызы", "ru": "Налоговая задолженность"},
        "value": False,
    },
    {"name": "purpose", "labels": {"ky": "Максаты", "ru": "Цель"}, "value": "Жумушка орношуу"},
]
TITLES = {
    "ky": "Салык карызы жок экендиги тууралуу маалымкат",
    "ru": "Справка об отсутствии налоговой задолженности",
}
AGENCIES = {"ky": "Мамлекеттик салык кызматы", "ru": "Государственная налоговая служба"}


def _rate(action: Callable[[], object], *, seconds: float, minimum: int = 20) -> float:
    action()  # warm caches (fonts, keys) as a long-running worker would have them
    done, start = 0, time.perf_counter()
    while done < minimum or time.perf_counter() - start < seconds:
        action()
        done += 1
    return done / (time.perf_counter() - start)


def _ms(action: Callable[[], object], *, repeat: int = 30) -> float:
    action()
    start = time.perf_counter()
    for _ in range(repeat):
        action()
    return (time.perf_counter() - start) / repeat * 1000


def _verification_rows(seconds: float) -> list[Row]:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec

    from kagazsyz.documents.keys import signing_key_for
    from kagazsyz.documents.qr import StatusReference, decode_qr, encode_qr
    from kagazsyz.documents.trust_list import read_trust_list, trust_list_jws

    signer = signing_key_for("GNS")
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    text = encode_qr(
        signer=signer,
        issuer="GNS",
        number="D-2026-BENCH00001",
        doc_type="tax-debt-certificate",
        claims={claim["name"]: claim["value"] for claim in CLAIMS},
        issued_at=now,
        expires_at=now + dt.timedelta(days=30),
        status=StatusReference(12345, "urn:kagazsyz:status-list:revocation"),
    )
    trusted = read_trust_list(trust_list_jws()).keys
    message, public_key = b"x" * 200, signer.key.public_key()
    signature = signer.key.sign(message, ec.ECDSA(hashes.SHA256()))

    def verify_qr() -> object:
        verdict = decode_qr(text, trusted=trusted)
        assert verdict.status == "VALID"
        return verdict

    def raw_verify() -> object:
        public_key.verify(signature, message, ec.ECDSA(hashes.SHA256()))
        return None

    qr = _rate(verify_qr, seconds=seconds, minimum=200)
    raw = _rate(raw_verify, seconds=seconds, minimum=200)
    return [
        ("QR verifications (Base45, zlib, CBOR, COSE ES256), 1 core", qr, "/s", "this platform"),
        ("raw ECDSA P-256 verifications, same key (baseline)", raw, "/s", "cryptography"),
        ("QR verification cost in raw verifications", raw / qr, "×", "ratio"),
    ]


def _ours() -> tuple[Callable[[], bytes], dict[str, Callable[[], object]]]:
    from kagazsyz.documents.keys import signing_key_for
    from kagazsyz.documents.pdf import PdfContent, _qr_image, render_pdf
    from kagazsyz.documents.qr import StatusReference, encode_qr
    from kagazsyz.documents.signing import sign_pdf

    signer = signing_key_for("GNS")

    def qr_text() -> str:
        now = dt.datetime.now(dt.UTC).replace(microsecond=0)
        return encode_qr(
            signer=signer,
            issuer="GNS",
            number="D-2026-BENCH00001",
            doc_type="tax-debt-certificate",
            claims={claim["name"]: claim["value"] for claim in CLAIMS},
            issued_at=now,
            expires_at=now + dt.timedelta(days=30),
            status=StatusReference(12345, "urn:kagazsyz:status-list:revocation"),
        )

    def content(payload: str) -> PdfContent:
        now = dt.datetime.now(dt.UTC).replace(microsecond=0)
        return PdfContent(
            number="D-2026-BENCH00001",
            titles=TITLES,
            agency_names=AGENCIES,
            holder_name="Үсөнбаев Нурлан Бакытович",
            holder_id="21505198012345",
            issued_at=now,
            valid_until=now + dt.timedelta(days=30),
            claims=CLAIMS,
            qr_payload=payload,
        )

    def issue() -> bytes:
        payload = qr_text()
        return sign_pdf(render_pdf(content(payload)), signer=signer, qr_payload=payload)

    payload = qr_text()
    unsigned = render_pdf(content(payload))
    stages: dict[str, Callable[[], object]] = {
        "QR payload (CBOR, COSE ES256, zlib, Base45)": qr_text,
        "QR image (segno, fixed mask, PNG)": lambda: _qr_image(payload),
        "PDF rendering with the QR (fpdf2, cut fonts)": lambda: render_pdf(content(payload)),
        "PAdES signature (pyHanko, payload embedded)": lambda: sign_pdf(
            unsigned, signer=signer, qr_payload=payload
        ),
    }
    return issue, stages


def _plain() -> Callable[[], bytes]:
    """fpdf2 + segno + pyHanko with their defaults: the full TrueType fonts added to every
    document, segno's mask search, pyHanko's SimpleSigner and default reservation."""
    import segno
    from cryptography.hazmat.primitives import serialization
    from fpdf import FPDF
    from fpdf.enums import XPos, YPos
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    from kagazsyz.documents.keys import signing_key_for
    from kagazsyz.documents.pdf import FACES, FONT_DIR
    from kagazsyz.documents.signing import to_asn1

    NEXT_LINE: dict[str, Any] = {"new_x": XPos.LMARGIN, "new_y": YPos.NEXT}
    key = signing_key_for("GNS")
    with tempfile.TemporaryDirectory() as directory:
        pem = Path(directory) / "key.pem"
        pem.write_bytes(
            key.key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
        from pyhanko.keys import load_private_key_from_pemder

        private = load_private_key_from_pemder(str(pem), passphrase=None)
    simple = signers.SimpleSigner(
        signing_cert=to_asn1(key.certificate),
        signing_key=private,
        cert_registry=SimpleCertificateStore.from_certs([to_asn1(key.root)]),  # type: ignore[no-untyped-call]
    )
    metadata = signers.PdfSignatureMetadata(field_name="Signature1")

    def issue() -> bytes:
        pdf = FPDF()
        for style, filename in FACES.items():
            pdf.add_font("dejavu", style, str(FONT_DIR / filename))
        pdf.add_page()
        pdf.set_font("dejavu", "B", 14)
        pdf.multi_cell(0, 8, f"{TITLES['ky']}\n{TITLES['ru']}", align="C", **NEXT_LINE)
        pdf.set_font("dejavu", "", 10)
        for claim in CLAIMS:
            label = " / ".join(claim["labels"].values())
            pdf.multi_cell(0, 6, f"{label}: {claim['value']}", **NEXT_LINE)
        image = io.BytesIO()
        segno.make("KG1:" + "6BF" * 110, error="m").save(image, kind="png", scale=4)
        image.seek(0)
        pdf.image(image, 18, pdf.get_y() + 5, 46, 46)
        writer = IncrementalPdfFileWriter(io.BytesIO(bytes(pdf.output())))
        data: bytes = signers.sign_pdf(writer, metadata, signer=simple).getvalue()
        return data

    return issue


def documents_benchmark(*, seconds: float = 3.0) -> list[Row]:
    rows = _verification_rows(seconds)
    ours, stages = _ours()
    plain = _plain()
    ours_rate = _rate(ours, seconds=seconds)
    plain_rate = _rate(plain, seconds=seconds)
    rows += [
        ("documents issued (render, QR, PAdES), 1 core", ours_rate, "/s", "this platform"),
        ("plain fpdf2 + segno + pyHanko, default settings", plain_rate, "/s", "baseline"),
        ("issuing speed-up over the plain composition", ours_rate / plain_rate, "×", "ratio"),
    ]
    rows += [
        (f"  of which {name}", _ms(action), "ms", "per document") for name, action in stages.items()
    ]
    return rows


if __name__ == "__main__":
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    import bench.run  # noqa: F401  (sets up Django on a scratch directory)

    for name, value, unit, what in documents_benchmark():
        print(f"{name:<62} {value:>10.1f} {unit:<4} {what}")
