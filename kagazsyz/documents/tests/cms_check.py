"""A second, independent check of a PDF's signature: a small DER reader and `cryptography`.

It shares no code with pyHanko or asn1crypto: it finds /ByteRange with a regular expression,
hashes the signed bytes, reads the CMS SignedData by hand, checks that the messageDigest
attribute is that hash, that the ECDSA signature over the DER SET OF signed attributes verifies
with the signer's certificate, and that the certificate was issued by the given root.
"""

from __future__ import annotations

import hashlib
import re

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

BYTE_RANGE = re.compile(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]")
MESSAGE_DIGEST_OID = bytes.fromhex("06092a864886f70d010904")  # 1.2.840.113549.1.9.4


class CmsCheckError(Exception):
    pass


def _tlv(data: bytes, position: int) -> tuple[int, int, int]:
    """(tag, start of content, end of content) of the DER element at ``position``."""
    tag, length = data[position], data[position + 1]
    position += 2
    if length & 0x80:
        size = length & 0x7F
        length = int.from_bytes(data[position : position + size], "big")
        position += size
    return tag, position, position + length


def _children(data: bytes, start: int, end: int) -> list[tuple[int, int, int, int]]:
    """(tag, element start, content start, end) of each element between start and end."""
    found = []
    position = start
    while position < end:
        tag, content, stop = _tlv(data, position)
        found.append((tag, position, content, stop))
        position = stop
    return found


def _signed_data(cms: bytes) -> list[tuple[int, int, int, int]]:
    _, content, end = _tlv(cms, 0)  # ContentInfo
    explicit = _children(cms, content, end)[1]  # [0] EXPLICIT
    _, sd_content, sd_end = _tlv(cms, explicit[2])  # SignedData SEQUENCE
    return _children(cms, sd_content, sd_end)


def _certificates(cms: bytes, parts: list[tuple[int, int, int, int]]) -> list[x509.Certificate]:
    field = next(part for part in parts if part[0] == 0xA0)
    return [
        x509.load_der_x509_certificate(cms[start:stop])
        for _, start, _, stop in _children(cms, field[2], field[3])
    ]


def _signer_info(cms: bytes, parts: list[tuple[int, int, int, int]]) -> tuple[bytes, bytes]:
    """(signed attributes as DER SET OF, signature value) of the only SignerInfo."""
    signer_infos = parts[-1]
    infos = _children(cms, signer_infos[2], signer_infos[3])
    if len(infos) != 1:
        raise CmsCheckError("expected exactly one SignerInfo")
    fields = _children(cms, infos[0][2], infos[0][3])
    attributes = next(f for f in fields if f[0] == 0xA0)
    signed_attributes = b"\x31" + cms[attributes[1] + 1 : attributes[3]]
    signature = next(f for f in fields if f[0] == 0x04)
    return signed_attributes, cms[signature[2] : signature[3]]


def _message_digest(signed_attributes: bytes) -> bytes:
    at = signed_attributes.index(MESSAGE_DIGEST_OID) + len(MESSAGE_DIGEST_OID)
    _, set_content, _ = _tlv(signed_attributes, at)
    _, value, end = _tlv(signed_attributes, set_content)
    return signed_attributes[value:end]


def signed_bytes_and_cms(pdf: bytes) -> tuple[bytes, bytes]:
    match = BYTE_RANGE.search(pdf)
    if match is None:
        raise CmsCheckError("no /ByteRange")
    start, length, second, second_length = (int(group) for group in match.groups())
    if start != 0 or second + second_length != len(pdf):
        raise CmsCheckError("the byte range does not cover the whole file")
    hex_value = pdf[length + 1 : second - 1]
    return pdf[:length] + pdf[second:], bytes.fromhex(hex_value.decode("ascii"))


def check_pdf_signature(pdf: bytes, root: x509.Certificate) -> x509.Certificate:
    """Return the signer's certificate if the signature verifies; raise CmsCheckError if not."""
    signed, cms = signed_bytes_and_cms(pdf)
    parts = _signed_data(cms)
    signed_attributes, signature = _signer_info(cms, parts)
    if _message_digest(signed_attributes) != hashlib.sha256(signed).digest():
        raise CmsCheckError("messageDigest does not match the signed bytes")
    for certificate in _certificates(cms, parts):
        key = certificate.public_key()
        if not isinstance(key, ec.EllipticCurvePublicKey):
            continue
        try:
            key.verify(signature, signed_attributes, ec.ECDSA(hashes.SHA256()))
        except InvalidSignature:
            continue
        certificate.verify_directly_issued_by(root)
        return certificate
    raise CmsCheckError("no embedded certificate verifies the signature")
