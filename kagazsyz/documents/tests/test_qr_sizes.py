"""Every document type of the catalogue fits a QR code of version 15 or less at level M, with
typical values for each claim (a three-part Cyrillic name, a street address, 14-digit numbers,
the longest code of a choice, short free text) and with every text claim typed at far beyond its
maximum length (the QR carries long text as a prefix and a fingerprint; docs/documents.md)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import segno

from kagazsyz.catalog.loader import get_catalog
from kagazsyz.documents import keys
from kagazsyz.documents.qr import StatusReference, encode_qr
from kagazsyz.documents.status_list import STATUS_LIST_ID

# Cyrillic costs two bytes a letter; lengths well above the register's typical values
FULL_NAME = "Үсөнбаев Нурлан Бакытович"  # 25 characters
ADDRESS = "Бишкек ш., Чүй пр., 265-14"  # 26 characters
OTHER_TEXT = "Чекене соода №3"  # 15 characters: free text kept short (module docstring)


def _value(name: str, choices: dict[str, str] | None = None) -> Any:
    if choices and name in choices:
        return choices[name]
    if name.endswith(("_on", "_date", "_since", "_from")) or name in {"birth_date", "review_on"}:
        return "2026-11-26"
    if name.endswith(("personal_number", "tin")) or name in {"login", "requested_by"}:
        return "21512198700123"
    if name.endswith("_number"):
        return "АЗ-2026-0012345"
    if name.endswith(("count", "months", "size", "year", "group")):
        return 12
    if name.startswith(("has_", "is_")) or name in {"high_mountain", "encumbered"}:
        return False
    if name == "soate":
        return "41711000000000"
    if name == "object_code":
        return "1-02-03-0004-0005"
    if name == "object_codes":
        return ["1-02-03-0004-0005", "1-02-03-0004-0006"]
    if name.endswith("full_name"):
        return FULL_NAME
    if "address" in name or name.startswith("place"):
        return ADDRESS
    return OTHER_TEXT


def _documents() -> list[Any]:
    return [
        pytest.param(service, service.agency, id=code)
        for code, service in sorted(get_catalog().services.items())
        if service.document is not None
    ]


def _choice_claims(service: Any) -> dict[str, str]:
    """Claims that hold the value of a choice input: its longest code."""
    longest = {
        field.name: max((choice.value for choice in field.choices), key=len)
        for field in service.inputs
        if field.type == "choice"
    }
    return {
        claim.name: longest[claim.expr[len("input.") :]]
        for claim in service.document.claims
        if claim.expr.startswith("input.") and claim.expr[len("input.") :] in longest
    }


# Longer than any text input or register value allows, in the costliest letters.
LONG_TEXT = "Үөң " + "Бишкек шаары, Чүй проспекти, үй 265, батир 14. " * 8


def _longest(name: str, value: Any, choices: dict[str, str]) -> Any:
    if not isinstance(value, str) or name in choices or value.isdigit() or value[:4] == "2026":
        return value
    return LONG_TEXT


@pytest.mark.parametrize("worst", [False, True], ids=["typical", "longest-text"])
@pytest.mark.parametrize(("service", "agency"), _documents())
def test_every_document_type_fits_version_15_at_level_m(
    service: Any, agency: str, worst: bool
) -> None:
    document, choices = service.document, _choice_claims(service)
    claims = {claim.name: _value(claim.name, choices) for claim in document.claims}
    if worst:
        claims = {name: _longest(name, value, choices) for name, value in claims.items()}
    issued = dt.datetime(2026, 11, 26, 12, 0, tzinfo=dt.UTC)
    text = encode_qr(
        signer=keys.signing_key_for(agency),
        issuer=agency,
        number="D-2026-ZZZZZZZZZZ",
        doc_type=document.type,
        claims=claims,
        issued_at=issued,
        expires_at=issued + dt.timedelta(days=365),
        status=StatusReference(16_777_215, STATUS_LIST_ID),
    )
    code = segno.make(text, error="m", boost_error=False, micro=False)
    assert code.mode == "alphanumeric"
    assert isinstance(code.version, int) and code.version <= 15, (len(text), code.version)


def test_a_status_list_other_than_the_default_is_named() -> None:
    from kagazsyz.documents.qr import decode_qr

    issued = dt.datetime.now(dt.UTC).replace(microsecond=0)
    for uri in (STATUS_LIST_ID, "urn:kagazsyz:status-list:suspension"):
        text = encode_qr(
            signer=keys.signing_key_for("MVD"),
            issuer="MVD",
            number="D-2026-ZZZZZZZZZZ",
            doc_type="x",
            claims={},
            issued_at=issued,
            expires_at=None,
            status=StatusReference(7, uri),
        )
        content = decode_qr(text).content
        assert content is not None
        assert (content.status_index, content.status_uri) == (7, uri)


def test_long_text_is_carried_as_prefix_and_fingerprint() -> None:
    import base64
    import hashlib

    from kagazsyz.documents.qr import LONG_TEXT as LIMIT
    from kagazsyz.documents.qr import TEXT_PREFIX, decode_qr, qr_claim_value

    exact = "Ө" * LIMIT
    assert qr_claim_value(exact) == exact
    assert qr_claim_value(12) == 12
    # NFD input is fingerprinted as its NFC form, as the PDF prints it
    decomposed = "Й" * LIMIT + "\u0418\u0306"
    shortened = qr_claim_value(decomposed)
    digest = base64.urlsafe_b64encode(hashlib.sha256(("Й" * (LIMIT + 1)).encode()).digest())
    assert shortened == "Й" * TEXT_PREFIX + "…#" + digest.decode()[:8]
    assert qr_claim_value(LONG_TEXT) != qr_claim_value(LONG_TEXT + ".")
    issued = dt.datetime.now(dt.UTC).replace(microsecond=0)
    text = encode_qr(
        signer=keys.signing_key_for("MVD"),
        issuer="MVD",
        number="D-2026-ZZZZZZZZZZ",
        doc_type="x",
        claims={"address": LONG_TEXT, "name": "Айбек"},
        issued_at=issued,
        expires_at=None,
    )
    content = decode_qr(text).content
    assert content is not None
    assert content.claims == {"address": qr_claim_value(LONG_TEXT), "name": "Айбек"}
