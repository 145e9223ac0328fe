"""PAdES signing of issued PDFs (baseline B-B), with the QR payload embedded before signing.

The payload goes into the document information dictionary under ``/Kagazsyz``, in the same
incremental update as the signature, so the signature covers it with every other byte of the
file (except the signature value itself). The signature is a certification signature that
permits no changes (DocMDP P=1).

pyHanko never sees a private key: :class:`_DelegatingSigner` hands the signed attributes to a
:class:`~kagazsyz.documents.keys.Signer`, so an HSM can stand in for the key files.
"""

from __future__ import annotations

import io
import threading
from typing import Protocol

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import signers
from pyhanko.sign.fields import MDPPerm, SigSeedSubFilter
from pyhanko.sign.general import SigningError

from kagazsyz.documents.keys import Signer

PAYLOAD_KEY = "/Kagazsyz"
FIELD_NAME = "Signature1"
DIGEST = "sha256"
# Room for the CMS blob besides the two certificates: signed attributes, algorithm identifiers,
# the ECDSA signature (about 600 bytes today).
CMS_OVERHEAD = 1_024


class CertifiedSigner(Signer, Protocol):
    """A signer with its certificate and the root it chains to."""

    @property
    def certificate(self) -> x509.Certificate: ...

    @property
    def root(self) -> x509.Certificate: ...


def to_asn1(certificate: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER))


class _DelegatingSigner(signers.Signer):
    """A pyHanko signer whose raw signatures come from our Signer interface."""

    def __init__(self, signer: CertifiedSigner) -> None:
        super().__init__(signing_cert=to_asn1(signer.certificate), embed_roots=True)
        self.cert_registry.register(to_asn1(signer.root))  # the root travels with the signature
        self._delegate = signer

    async def async_sign_raw(
        self, data: bytes, digest_algorithm: str, dry_run: bool = False
    ) -> bytes:
        if digest_algorithm != DIGEST:
            raise SigningError(f"only {DIGEST} is supported, not {digest_algorithm}")
        if dry_run:
            return bytes(72)  # the longest DER ECDSA P-256 signature
        return self._delegate.sign(data)


def _metadata(signer: CertifiedSigner) -> signers.PdfSignatureMetadata:
    return signers.PdfSignatureMetadata(
        field_name=FIELD_NAME,
        md_algorithm=DIGEST,
        subfilter=SigSeedSubFilter.PADES,
        certify=True,
        docmdp_permissions=MDPPerm.NO_CHANGES,
        name=signer.certificate.subject.rfc4514_string(),
        location="Кыргыз Республикасы / Кыргызская Республика",
        reason="Кагазсыз: берилген документ / выданный документ",
    )


_lock = threading.Lock()
_pdf_signers: dict[str, tuple[signers.PdfSigner, int]] = {}


def _pdf_signer(signer: CertifiedSigner) -> tuple[signers.PdfSigner, int]:
    """One pyHanko signer per key and process, with the bytes to reserve for its CMS."""
    found = _pdf_signers.get(signer.key_id)
    if found is None:
        certificates = (signer.certificate, signer.root)
        size = CMS_OVERHEAD + sum(
            len(c.public_bytes(serialization.Encoding.DER)) for c in certificates
        )
        reserve = 2 * size  # pyHanko counts the hex digits of /Contents
        found = (signers.PdfSigner(_metadata(signer), _DelegatingSigner(signer)), reserve)
        with _lock:
            _pdf_signers[signer.key_id] = found
    return found


def _embed_payload(writer: IncrementalPdfFileWriter, qr_payload: str) -> None:
    info = writer.trailer["/Info"]
    info[generic.NameObject(PAYLOAD_KEY)] = generic.TextStringObject(qr_payload)
    writer.update_container(info)


def sign_pdf(pdf: bytes, *, signer: CertifiedSigner, qr_payload: str) -> bytes:
    """Embed the QR payload and sign: the result is the PDF as issued."""
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    _embed_payload(writer, qr_payload)
    pdf_signer, reserve = _pdf_signer(signer)
    output = pdf_signer.sign_pdf(writer, bytes_reserved=reserve)
    data: bytes = output.getvalue()
    return data


def embedded_payload(reader: PdfFileReader) -> str | None:
    """The QR payload a signed PDF carries, read before any signature check."""
    try:
        value = reader.trailer["/Info"].get(PAYLOAD_KEY)
    except (KeyError, TypeError, AttributeError):
        return None
    return (
        str(value)
        if isinstance(value, generic.TextStringObject | generic.ByteStringObject)
        else None
    )
