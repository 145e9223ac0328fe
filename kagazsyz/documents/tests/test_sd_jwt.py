"""Selective disclosure: a holder's proof of one fact (SD-JWT) verifies against the same trust
list, shows that fact only, fails after any change, and follows revocation."""

from __future__ import annotations

import base64
import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from django.core.management import call_command
from django.test import Client
from hypothesis import given, settings
from hypothesis import strategies as st
from jwcrypto.jwk import JWK
from pypdf import PdfReader
from sd_jwt.common import SDObj
from sd_jwt.issuer import SDJWTIssuer
from sd_jwt.verifier import SDJWTVerifier

from kagazsyz.accounts.models import User
from kagazsyz.documents import keys, status_list
from kagazsyz.documents.models import Document, Verification
from kagazsyz.documents.sd_jwt import (
    DERIVED_AGE,
    TYP,
    sd_jwt_issue,
    sd_jwt_present,
    verify_sd_jwt,
    verify_text,
)
from kagazsyz.documents.services import document_issue, document_revoke
from kagazsyz.documents.status_list import read_status_list, status_list_jws
from kagazsyz.documents.tests.conftest import (
    AGENCY_NAMES,
    CLAIMS,
    DOC_TYPE,
    HOLDER_NAME,
    HOLDER_PIN,
    TITLES,
)
from kagazsyz.documents.trust_list import read_trust_list, trust_list_jws
from kagazsyz.documents.verification import verify_pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def holder() -> User:
    return User.objects.create_user(personal_number=HOLDER_PIN, full_name=HOLDER_NAME)


@pytest.fixture
def document(holder: User) -> Document:
    return document_issue(
        holder=holder,
        source_ref="application-1",
        agency_code="MVD",
        agency_names=AGENCY_NAMES,
        doc_type=DOC_TYPE,
        titles=TITLES,
        claims=CLAIMS,
        validity_days=90,
    )


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def test_one_fact_and_nothing_else(document: Document) -> None:
    presentation = sd_jwt_present(document, ["has_criminal_record"])
    verdict = verify_sd_jwt(presentation)
    assert verdict.verdict == "VALID", verdict.reason
    assert verdict.claims == {"has_criminal_record": False}
    assert verdict.document_number is None  # the number is not disclosed
    assert verdict.issuer == "MVD" and verdict.doc_type == DOC_TYPE
    # the other values are nowhere in the presentation, not even encoded
    decoded = "".join(
        _unb64(part).decode("utf-8", "replace")
        for part in presentation.replace(".", "~").split("~")
        if part
    )
    assert HOLDER_NAME not in decoded and "1980-05-15" not in decoded
    assert HOLDER_PIN not in decoded and document.number not in decoded


def test_age_over_18_is_derived_from_the_birth_date(document: Document) -> None:
    verdict = verify_sd_jwt(sd_jwt_present(document, [DERIVED_AGE]))
    assert (verdict.verdict, verdict.claims) == ("VALID", {DERIVED_AGE: True})


def test_the_reference_implementation_verifies_our_presentation(document: Document) -> None:
    presentation = sd_jwt_present(document, ["purpose"])
    key = keys.signing_key_for("MVD")
    pem = key.key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )

    def issuer_key(issuer: str, header: dict[str, Any]) -> JWK:
        assert (issuer, header["kid"], header["typ"]) == ("MVD", key.key_id, TYP)
        return JWK.from_pem(pem)

    payload = SDJWTVerifier(presentation, issuer_key).get_verified_payload()
    assert payload["purpose"] == CLAIMS[3]["value"]
    assert "full_name" not in payload and "birth_date" not in payload
    assert payload["status"]["status_list"]["idx"] == document.status_index


def test_we_verify_what_the_reference_implementation_issues(document: Document) -> None:
    key = keys.signing_key_for("MVD")
    private = key.key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    claims = {
        "iss": "MVD",
        "iat": int(dt.datetime.now(dt.UTC).timestamp()),
        "vct": DOC_TYPE,
        SDObj("has_tax_debt"): False,
        SDObj("full_name"): HOLDER_NAME,
    }
    issuer = SDJWTIssuer(
        claims,
        JWK.from_pem(private),
        sign_alg="ES256",
        extra_header_parameters={"typ": TYP, "kid": key.key_id},
    )
    jwt, *disclosures = issuer.sd_jwt_issuance.rstrip("~").split("~")
    chosen = [d for d in disclosures if json.loads(_unb64(d))[1] == "has_tax_debt"]
    verdict = verify_sd_jwt("~".join([jwt, *chosen, ""]))
    assert verdict.verdict == "VALID", verdict.reason
    assert verdict.claims == {"has_tax_debt": False}


def _tampered(presentation: str) -> list[str]:
    jwt, disclosure, _ = presentation.split("~")
    header, payload, signature = jwt.split(".")
    salt, name, value = json.loads(_unb64(disclosure))
    forged_disclosure = _b64(json.dumps([salt, name, not value]).encode())
    body = json.loads(_unb64(payload))
    other_kid = keys.signing_key_for("GNS").key_id
    raw = bytearray(_unb64(signature))
    raw[5] ^= 1
    variants = [
        f"{jwt}~{forged_disclosure}~",  # the value changed
        f"{jwt}~{_b64(json.dumps([salt, 'full_name', value]).encode())}~",  # the name
        f"{header}.{_b64(json.dumps({**body, 'exp': body['exp'] + 86_400}).encode())}.{signature}"
        f"~{disclosure}~",  # a date
        f"{header}.{_b64(json.dumps({**body, 'iss': 'GNS'}).encode())}.{signature}~{disclosure}~",
        f"{header}.{payload}.{_b64(bytes(raw))}~{disclosure}~",  # the signature bytes
        f"{_b64(json.dumps({'alg': 'ES256', 'typ': TYP, 'kid': other_kid}).encode())}"
        f".{payload}.{signature}~{disclosure}~",  # another agency's kid
        f"{jwt}~{disclosure}",  # not a presentation without key binding
        f"{jwt}~{disclosure}~{disclosure}~",  # the same disclosure twice
    ]
    return variants


def test_any_change_is_refused(document: Document) -> None:
    presentation = sd_jwt_present(document, ["has_criminal_record"])
    for variant in _tampered(presentation):
        assert verify_sd_jwt(variant).verdict == "INVALID", variant
    # a disclosure taken from another signing of the same document does not fit
    _, other = sd_jwt_issue(document)
    jwt = presentation.split("~")[0]
    assert verify_sd_jwt(f"{jwt}~{other[0]}~").verdict == "INVALID"


def test_unknown_key_and_expired(document: Document, tmp_path: Path, settings: Any) -> None:
    presentation = sd_jwt_present(document, ["purpose"])
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=91)
    assert verify_sd_jwt(presentation, now=later).verdict == "EXPIRED"
    original = settings.KEYS_DIR
    keys.reset_cache()
    settings.KEYS_DIR = tmp_path / "impostor"
    try:
        keys.signing_key_for("MVD")
        foreign = read_trust_list(trust_list_jws())
    finally:
        settings.KEYS_DIR = original
        keys.reset_cache()
    assert verify_sd_jwt(presentation, trust=foreign, register=False).verdict == "UNKNOWN_ISSUER"


def test_revocation_online_and_by_status_list(document: Document) -> None:
    presentation = sd_jwt_present(document, ["purpose"])
    trust = read_trust_list(trust_list_jws())
    document_revoke(document=document, reason="mistake", actor="test")
    assert verify_sd_jwt(presentation).verdict == "REVOKED"
    status_list.reset_cache()
    downloaded = read_status_list(status_list_jws(), root_certificate=trust.root)
    offline = verify_sd_jwt(presentation, trust=trust, register=False, status_list=downloaded)
    assert offline.verdict == "REVOKED"
    assert verify_sd_jwt(presentation, trust=trust, register=False).verdict == "VALID"


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300) | st.builds(lambda a, b: f"{a}~{b}~", st.text(), st.text()))
def test_fuzz_never_raises(text: str) -> None:
    assert verify_text(text, register=False).verdict in {"INVALID", "UNKNOWN_ISSUER"}


def test_holder_page_shares_one_fact_and_lists_verifications(
    client: Client, holder: User, document: Document, other_citizen: User
) -> None:
    client.force_login(holder)
    url = f"/documents/{document.pk}/"
    page = client.get(url)
    assert page.status_code == 200
    assert "Nobody has verified" in page.content.decode() or page.content
    response = client.post(url, {"claim": "has_criminal_record"})
    assert response.status_code == 200
    presentation = response.context["presentation"]
    assert presentation and presentation.endswith("~")
    assert client.post(url, {"claim": "no_such_claim"}).status_code == 400

    anonymous = Client()
    checked = anonymous.post("/verify", {"qr": presentation})
    assert checked.context["verdict"]["code"] == "VALID"
    assert checked.context["verdict"]["selective"] is True
    assert checked.context["verdict"]["number"] is None
    api = anonymous.post(
        "/api/v1/verify", data={"sd_jwt": presentation}, content_type="application/json"
    )
    assert api.json()["verdict"] == "VALID"
    assert api.json()["claims"] == {"has_criminal_record": False}
    anonymous.post("/verify", {"qr": document.qr_payload})

    recorded = list(Verification.objects.filter(document=document).order_by("at"))
    assert [(v.channel, v.selective) for v in recorded] == [
        ("web", True),
        ("api", True),
        ("web", False),
    ]
    page = client.get(url)
    assert list(page.context["verifications"]) == recorded[::-1]
    # another person's document is not found
    client.force_login(other_citizen)
    assert client.get(url).status_code == 404


def test_command_verifies_a_presentation_offline(document: Document, tmp_path: Path) -> None:
    trust = tmp_path / "trust.jws"
    trust.write_text(trust_list_jws())
    out = io.StringIO()
    presentation = sd_jwt_present(document, [DERIVED_AGE])
    call_command("verify", "--qr", presentation, "--trust-list", str(trust), stdout=out)
    assert out.getvalue().splitlines()[0] == "VALID"
    assert f"{DERIVED_AGE}: " in out.getvalue()
    assert "full_name" not in out.getvalue()


def test_english_copy_on_request_verifies_like_the_original(
    client: Client, holder: User, tmp_path: Path, settings: Any
) -> None:
    original_dir = settings.KEYS_DIR
    keys.reset_cache()
    settings.KEYS_DIR = tmp_path / "keys"  # the rotation below must not touch other tests' keys
    try:
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
        client.force_login(holder)
        response = client.get(f"/documents/{document.pk}/pdf/en/")
        assert response.status_code == 200
        english = response.content
        assert english != bytes(document.pdf)
        verdict = verify_pdf(english)
        assert verdict.verdict == "VALID"
        assert verdict.document_number == document.number
        text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(english)).pages)
        assert "Certificate of (no) criminal record" in text and "Valid until" in text
        original = bytes(document.pdf)
        original_text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(original)).pages)
        assert "Valid until" not in original_text  # English only on request
        keys.rotate_agency_key("MVD")  # the payload's key cannot sign any more
        assert client.get(f"/documents/{document.pk}/pdf/en/").status_code == 409
    finally:
        settings.KEYS_DIR = original_dir
        keys.reset_cache()


def test_no_english_copy_of_a_revoked_document(client: Client, document: Document) -> None:
    document_revoke(document=document, reason="mistake", actor="test")
    client.force_login(document.holder)
    response = client.get(f"/documents/{document.pk}/pdf/en/?lang=en")
    assert response.status_code == 409
    assert "revoked" in response.content.decode()


def test_a_document_issued_before_positions_gets_one_for_its_proof(document: Document) -> None:
    Document.objects.filter(pk=document.pk).update(status_index=None)
    document.refresh_from_db()
    presentation = sd_jwt_present(document, ["purpose"])
    document.refresh_from_db()
    assert document.status_index is not None
    document_revoke(document=document, reason="mistake", actor="test")
    assert verify_sd_jwt(presentation).verdict == "REVOKED"
