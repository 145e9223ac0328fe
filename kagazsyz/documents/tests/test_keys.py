"""The local PKI: made once, reused, consistent when processes race, usable as a Signer."""

from __future__ import annotations

import datetime as dt
import hashlib
import multiprocessing
import stat
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from kagazsyz.documents import keys


def test_keys_are_made_once_and_reused(other_pki: Path) -> None:
    first = keys.signing_key_for("MVD")
    files = sorted(path.name for path in other_pki.iterdir() if not path.name.startswith("."))
    assert files == [
        "agency-MVD.cert.pem",
        "agency-MVD.key.pem",
        "root-ca.cert.pem",
        "root-ca.key.pem",
    ]
    keys.reset_cache()
    again = keys.ensure_keys(["MVD"])[0]
    assert again.key_id == first.key_id
    assert again.certificate == first.certificate
    assert keys.signing_key_for("MVD") is keys.signing_key_for("MVD")  # cached per process


def test_key_files_are_private(other_pki: Path) -> None:
    keys.ensure_keys(["GNS"])
    for path in other_pki.glob("*.key.pem"):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert not list(other_pki.glob("*.tmp"))


def test_root_and_agency_certificates(other_pki: Path) -> None:
    key = keys.signing_key_for("MVD")
    root = key.root
    assert root.extensions.get_extension_for_class(x509.BasicConstraints).value.ca is True
    assert root.subject == root.issuer
    leaf = key.certificate
    assert leaf.extensions.get_extension_for_class(x509.BasicConstraints).value.ca is False
    assert leaf.subject.get_attributes_for_oid(NameOID.ORGANIZATIONAL_UNIT_NAME)[0].value == "MVD"
    leaf.verify_directly_issued_by(root)
    public_key = leaf.public_key()
    assert isinstance(public_key, ec.EllipticCurvePublicKey)
    assert isinstance(public_key.curve, ec.SECP256R1)


def test_key_id_is_the_start_of_the_spki_hash(other_pki: Path) -> None:
    key = keys.signing_key_for("MVD")
    spki = key.certificate.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    assert key.key_id == hashlib.sha256(spki).hexdigest()[:16]


def test_agency_key_is_a_signer(other_pki: Path) -> None:
    signer: keys.Signer = keys.signing_key_for("MVD")
    signature = signer.sign(b"data")
    public_key = keys.signing_key_for("MVD").certificate.public_key()
    assert isinstance(public_key, ec.EllipticCurvePublicKey)
    public_key.verify(signature, b"data", ec.ECDSA(hashes.SHA256()))


def test_trust_list_sees_agencies_made_later(other_pki: Path) -> None:
    assert keys.trust_list() == {}
    mvd = keys.signing_key_for("MVD")
    assert set(keys.trust_list()) == {mvd.key_id}
    gns = keys.signing_key_for("GNS")
    trusted = keys.trust_list()
    assert set(trusted) == {mvd.key_id, gns.key_id}
    assert trusted[gns.key_id].agency_code == "GNS"


def test_a_certificate_from_another_root_is_not_trusted(other_pki: Path) -> None:
    keys.signing_key_for("MVD")
    stranger = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, "XYZ")])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(stranger.public_key())
        .serial_number(1)
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=1))
        .sign(stranger, hashes.SHA256())
    )
    (other_pki / "agency-XYZ.cert.pem").write_bytes(
        certificate.public_bytes(serialization.Encoding.PEM)
    )
    assert "XYZ" not in {key.agency_code for key in keys.trust_list().values()}


@pytest.mark.parametrize("code", ["", "mvd", "../etc", "A", "MVD/../../X", "TOO_LONG_AGENCY_CODE"])
def test_agency_codes_are_checked(code: str) -> None:
    with pytest.raises(ValueError):
        keys.signing_key_for(code)


def _identity(key: keys.AgencyKey) -> str:
    """The agency key's id and the root's: equal only if both were made once."""
    root_key = key.root.public_key()
    assert isinstance(root_key, ec.EllipticCurvePublicKey)
    return f"{key.key_id} {keys.key_id_of(root_key)}"


def _make_in_child(queue: multiprocessing.Queue[str]) -> None:  # pragma: no cover - in a child
    keys.reset_cache()
    queue.put(_identity(keys.signing_key_for("MVD")))


def test_processes_racing_for_the_first_keys_agree(other_pki: Path) -> None:
    context = multiprocessing.get_context("fork")
    queue: multiprocessing.Queue[str] = context.Queue()
    children = [context.Process(target=_make_in_child, args=(queue,)) for _ in range(4)]
    for child in children:
        child.start()
    for child in children:
        child.join(30)
    results = {queue.get(timeout=5) for _ in children}
    assert len(results) == 1
    assert results == {_identity(keys.signing_key_for("MVD"))}
