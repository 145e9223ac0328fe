"""PAdES signing of issued PDFs, with the QR payload embedded before signing: baseline B-B, or
B-T when ``settings.DOCUMENTS_TSA_URL`` names an RFC 3161 time-stamp authority (the signature
then carries the TSA's token over its value as the unsigned ``signature-time-stamp-token``
attribute, which proves the signature existed at that time).

The payload goes into the document information dictionary under ``/Kagazsyz``, in the same
incremental update as the signature, so the signature covers it with every other byte of the
file (except the signature value itself). The signature is a certification signature that
permits no changes (DocMDP P=1).

pyHanko never sees a private key: :class:`_DelegatingSigner` hands the signed attributes to a
:class:`~kagazsyz.documents.keys.Signer`, so an HSM can stand in for the key files.
"""

from __future__ import annotations

import asyncio
import io
import threading
import urllib.request
from typing import Protocol

from asn1crypto import tsp
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from django.conf import settings
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import signers
from pyhanko.sign.fields import MDPPerm, SigSeedSubFilter
from pyhanko.sign.general import SigningError
from pyhanko.sign.timestamps.api import TimeStamper
from pyhanko.sign.timestamps.common_utils import TimestampRequestError

from kagazsyz.documents.keys import Signer

PAYLOAD_KEY = "/Kagazsyz"
FIELD_NAME = "Signature1"
DIGEST = "sha256"
# Room for the CMS blob besides the two certificates: signed attributes, algorithm identifiers,
# the ECDSA signature (about 600 bytes today).
CMS_OVERHEAD = 1_024
# Room for a time-stamp token (its own CMS with the TSA's certificates).
TIMESTAMP_RESERVE = 8_192
TSA_TIMEOUT = 10  # seconds


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


class UrllibTimeStamper(TimeStamper):
    """An RFC 3161 client over HTTP(S) with the standard library (no extra HTTP package)."""

    def __init__(self, url: str, timeout: float = TSA_TIMEOUT) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self.url = url
        self.timeout = timeout

    def _post(self, body: bytes) -> tsp.TimeStampResp:
        request = urllib.request.Request(  # noqa: S310 (the operator configures the URL)
            self.url,
            data=body,
            headers={"Content-Type": "application/timestamp-query"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                if response.headers.get("Content-Type") != "application/timestamp-reply":
                    raise TimestampRequestError("the time-stamp authority's reply is malformed")
                return tsp.TimeStampResp.load(response.read())
        except OSError as exc:
            raise TimestampRequestError("the time-stamp authority cannot be reached") from exc

    async def async_request_tsa_response(self, req: tsp.TimeStampReq) -> tsp.TimeStampResp:
        return await asyncio.to_thread(self._post, req.dump())


_lock = threading.Lock()
_pdf_signers: dict[tuple[str, str], tuple[signers.PdfSigner, int]] = {}


def _pdf_signer(signer: CertifiedSigner) -> tuple[signers.PdfSigner, int]:
    """One pyHanko signer per key, TSA and process, with the bytes to reserve for its CMS."""
    tsa_url = str(getattr(settings, "DOCUMENTS_TSA_URL", "") or "")
    cache_key = (signer.key_id, tsa_url)
    found = _pdf_signers.get(cache_key)
    if found is None:
        certificates = (signer.certificate, signer.root)
        size = CMS_OVERHEAD + sum(
            len(c.public_bytes(serialization.Encoding.DER)) for c in certificates
        )
        timestamper = UrllibTimeStamper(tsa_url) if tsa_url else None
        if timestamper is not None:
            size += TIMESTAMP_RESERVE
        reserve = 2 * size  # pyHanko counts the hex digits of /Contents
        pdf_signer = signers.PdfSigner(
            _metadata(signer), _DelegatingSigner(signer), timestamper=timestamper
        )
        found = (pdf_signer, reserve)
        with _lock:
            _pdf_signers[cache_key] = found
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
