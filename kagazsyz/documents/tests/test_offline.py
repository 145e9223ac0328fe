"""Offline verification with only a trust list and a status list; key rotation and revocation."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from kagazsyz.accounts.models import User
from kagazsyz.documents import keys, status_list
from kagazsyz.documents.models import Document
from kagazsyz.documents.qr import decode_qr
from kagazsyz.documents.services import document_issue, document_revoke
from kagazsyz.documents.status_list import STATUS_LIST_ID, read_status_list, status_list_jws
from kagazsyz.documents.tests.conftest import (
    AGENCY_NAMES,
    CLAIMS,
    DOC_TYPE,
    HOLDER_NAME,
    HOLDER_PIN,
    TITLES,
)
from kagazsyz.documents.trust_list import read_trust_list, trust_list_jws
from kagazsyz.documents.verification import verify_pdf, verify_qr

pytestmark = pytest.mark.django_db


@pytest.fixture
def own_keys(tmp_path: Path, settings: Any) -> Iterator[Path]:
    """A key directory of this test's own: rotation must not disturb other tests' keys."""
    original = settings.KEYS_DIR
    keys.reset_cache()
    status_list.reset_cache()
    settings.KEYS_DIR = tmp_path / "keys"
    yield settings.KEYS_DIR
    keys.reset_cache()
    status_list.reset_cache()
    settings.KEYS_DIR = original


@pytest.fixture
def holder() -> User:
    return User.objects.create_user(personal_number=HOLDER_PIN, full_name=HOLDER_NAME)


def _issue(holder: User, source: str = "application-1") -> Document:
    return document_issue(
        holder=holder,
        source_ref=source,
        agency_code="MVD",
        agency_names=AGENCY_NAMES,
        doc_type=DOC_TYPE,
        titles=TITLES,
        claims=CLAIMS,
        validity_days=90,
    )


def _verify(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command("verify", *args, stdout=out)
    except SystemExit as exit_:
        return int(exit_.code or 0), out.getvalue()
    return 0, out.getvalue()


def _files(tmp_path: Path) -> tuple[Path, Path]:
    trust, status = tmp_path / "trust.jws", tmp_path / "status.jws"
    trust.write_text(trust_list_jws())
    status_list.reset_cache()
    status.write_text(status_list_jws())
    return trust, status


def test_the_qr_carries_the_status_position_given_at_issue(own_keys: Path, holder: User) -> None:
    document = _issue(holder)
    assert document.status_index is not None
    content = decode_qr(document.qr_payload).content
    assert content is not None
    assert (content.status_index, content.status_uri) == (document.status_index, STATUS_LIST_ID)
    document.refresh_from_db()
    assert document.status_index == content.status_index  # publishing never moves it
    status_list_jws()
    document.refresh_from_db()
    assert document.status_index == content.status_index


def test_offline_status_list_says_revoked(own_keys: Path, holder: User, tmp_path: Path) -> None:
    document, other = _issue(holder), _issue(holder, "application-2")
    pdf = tmp_path / "document.pdf"
    pdf.write_bytes(bytes(document.pdf))
    trust, status = _files(tmp_path)
    for target in ([str(pdf)], ["--qr", document.qr_payload]):
        code, out = _verify(*target, "--trust-list", str(trust), "--status-list", str(status))
        assert (code, out.splitlines()[0]) == (0, "VALID"), out

    document_revoke(document=document, reason="issued by mistake", actor="test")
    trust, status = _files(tmp_path)
    for target in ([str(pdf)], ["--qr", document.qr_payload]):
        code, out = _verify(*target, "--trust-list", str(trust), "--status-list", str(status))
        assert (code, out.splitlines()[0]) == (1, "REVOKED"), out
        assert "last downloaded status list" in out
    assert (
        _verify("--qr", other.qr_payload, "--trust-list", str(trust), "--status-list", str(status))[
            0
        ]
        == 0
    )
    # without the status list an offline verifier cannot know
    assert _verify("--qr", document.qr_payload, "--trust-list", str(trust))[0] == 0


def test_a_stale_or_foreign_status_list_is_refused(
    own_keys: Path, holder: User, tmp_path: Path
) -> None:
    _issue(holder)
    trust, status = _files(tmp_path)
    root = read_trust_list(trust.read_text()).root
    later = dt.datetime.now(dt.UTC) + status_list.VALIDITY + dt.timedelta(minutes=1)
    with pytest.raises(status_list.StatusListError, match="out of date"):
        read_status_list(status.read_text(), root_certificate=root, now=later)
    forged = status.read_text().strip()
    forged = forged[:-4] + ("AAAA" if not forged.endswith("AAAA") else "BBBB")
    status.write_text(forged)
    with pytest.raises(CommandError, match="not signed"):
        _verify("--qr", "KG1:X", "--trust-list", str(trust), "--status-list", str(status))


def test_verification_trusts_exactly_the_given_trust_list(
    own_keys: Path, holder: User, tmp_path: Path, settings: Any
) -> None:
    document = _issue(holder)
    trust = read_trust_list(trust_list_jws())
    assert verify_pdf(bytes(document.pdf), register=False, trust=trust).verdict == "VALID"
    # a trust list made by another PKI knows neither the root nor the key
    keys.reset_cache()
    settings.KEYS_DIR = own_keys.parent / "impostor"
    keys.signing_key_for("MVD")
    foreign = read_trust_list(trust_list_jws())
    settings.KEYS_DIR = own_keys
    keys.reset_cache()
    assert verify_qr(document.qr_payload, register=False, trust=foreign).verdict == "UNKNOWN_ISSUER"
    assert verify_pdf(bytes(document.pdf), register=False, trust=foreign).verdict == (
        "UNKNOWN_ISSUER"
    )
    assert verify_qr(document.qr_payload, register=False).verdict == "VALID"  # nothing swapped


def test_rotation_keeps_old_documents_valid_until_their_key_is_revoked(
    own_keys: Path, holder: User, tmp_path: Path
) -> None:
    old = _issue(holder)
    out = io.StringIO()
    call_command("keys", "rotate", "MVD", stdout=out)
    assert old.key_id in out.getvalue()
    new = _issue(holder, "application-2")
    assert new.key_id != old.key_id
    assert not (own_keys / f"agency-MVD-{old.key_id}.key.pem").exists()  # old private key gone

    trust_file, _ = _files(tmp_path)
    trust = read_trust_list(trust_file.read_text())
    assert {old.key_id, new.key_id} <= set(trust.keys)
    for document in (old, new):
        assert verify_pdf(bytes(document.pdf)).verdict == "VALID"
        assert verify_pdf(bytes(document.pdf), register=False, trust=trust).verdict == "VALID"

    call_command("keys", "revoke", old.key_id, "key", "leaked", stdout=io.StringIO())
    trust = read_trust_list(trust_list_jws())
    assert trust.keys[old.key_id].revoked_at is not None
    for verdict in (
        verify_pdf(bytes(old.pdf)),
        verify_qr(old.qr_payload),
        verify_pdf(bytes(old.pdf), register=False, trust=trust),
        verify_qr(old.qr_payload, register=False, trust=trust),
    ):
        assert verdict.verdict == "INVALID"
        assert "revoked" in verdict.reason["en"]
    assert verify_pdf(bytes(new.pdf), register=False, trust=trust).verdict == "VALID"
    assert verify_qr(new.qr_payload).verdict == "VALID"


def test_revoking_the_current_key_rotates_first(own_keys: Path, holder: User) -> None:
    document = _issue(holder)
    keys.revoke_key(document.key_id, "compromised")
    assert keys.signing_key_for("MVD").key_id != document.key_id
    assert verify_qr(document.qr_payload).verdict == "INVALID"
    assert verify_qr(_issue(holder, "application-2").qr_payload).verdict == "VALID"
    with pytest.raises(CommandError):
        call_command("keys", "revoke", "0000000000000000", "why", stdout=io.StringIO())
