"""Issuing and revoking through the service layer, with the register and the ledger."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

import pytest
from django.utils import timezone

from kagazsyz.accounts.models import User
from kagazsyz.core.errors import DomainError, NotFound
from kagazsyz.documents import messages
from kagazsyz.documents.models import Document
from kagazsyz.documents.selectors import (
    document_get_for_holder,
    document_status,
    documents_for_holder,
)
from kagazsyz.documents.services import document_issue, document_revoke
from kagazsyz.documents.tests.conftest import (
    AGENCY_NAMES,
    CLAIMS,
    DOC_TYPE,
    HOLDER_NAME,
    HOLDER_PIN,
    TITLES,
    claim_values,
)
from kagazsyz.documents.verification import verify_pdf, verify_qr
from kagazsyz.ledger.models import Entry

pytestmark = pytest.mark.django_db

NUMBER = re.compile(r"^D-\d{4}-[0-9A-HJKMNP-TV-Z]{10}$")


@pytest.fixture
def holder() -> User:
    return User.objects.create_user(personal_number=HOLDER_PIN, full_name=HOLDER_NAME)


def _issue(holder: User, **overrides: Any) -> Document:
    arguments: dict[str, Any] = {
        "holder": holder,
        "source_ref": "application-1",
        "agency_code": "MVD",
        "agency_names": AGENCY_NAMES,
        "doc_type": DOC_TYPE,
        "titles": TITLES,
        "claims": CLAIMS,
        "validity_days": 90,
    }
    return document_issue(**{**arguments, **overrides})


def test_issue_stores_a_verifiable_document(holder: User) -> None:
    document = _issue(holder)
    document.refresh_from_db()
    assert NUMBER.match(document.number)
    assert document.holder == holder
    assert document.claims == CLAIMS
    assert document.titles == TITLES
    assert document.valid_until == document.issued_at + dt.timedelta(days=90)
    assert document.issued_at.microsecond == 0
    assert len(document.key_id) == 16
    verdict = verify_pdf(bytes(document.pdf))
    assert verdict.verdict == "VALID"
    assert verdict.claims == claim_values(CLAIMS)
    assert verdict.document_number == document.number
    assert verify_qr(document.qr_payload).verdict == "VALID"


def test_issue_writes_the_ledger_without_personal_data(holder: User) -> None:
    document = _issue(holder)
    entry = Entry.objects.filter(kind="document.issued").latest("id")
    payload = json.loads(entry.canonical)
    assert payload["document"] == document.number
    assert payload["type"] == DOC_TYPE
    assert payload["agency"] == "MVD"
    assert payload["source"] == "application-1"
    assert HOLDER_PIN not in entry.canonical
    assert HOLDER_NAME not in entry.canonical
    assert re.fullmatch(r"[0-9a-f]{32}", payload["holder"])


def test_numbers_are_unique(holder: User) -> None:
    numbers = {_issue(holder, source_ref=f"a-{i}").number for i in range(3)}
    assert len(numbers) == 3


def test_no_validity_means_no_expiry(holder: User) -> None:
    document = _issue(holder, validity_days=None)
    assert document.valid_until is None
    verdict = verify_pdf(bytes(document.pdf), now=timezone.now() + dt.timedelta(days=3650))
    assert verdict.verdict == "VALID"


def test_bad_claims_are_refused(holder: User) -> None:
    with pytest.raises(ValueError):
        _issue(holder, claims=[*CLAIMS, CLAIMS[0]])
    with pytest.raises(ValueError):
        _issue(holder, claims=[{"name": "x", "value": 1}])
    with pytest.raises(ValueError):
        _issue(holder, validity_days=0)


def test_revoked_document_is_revoked_in_pdf_and_qr(holder: User) -> None:
    document = _issue(holder)
    document_revoke(document=document, reason="Ката менен берилген", actor="official:1")
    verdict = verify_pdf(bytes(document.pdf))
    assert verdict.verdict == "REVOKED"
    assert verdict.reason == messages.REVOKED.as_dict()
    assert verdict.claims == claim_values(CLAIMS)
    assert verdict.details["revocation_reason"] == "Ката менен берилген"
    assert verify_qr(document.qr_payload).verdict == "REVOKED"
    assert verify_pdf(bytes(document.pdf), register=False).verdict == "VALID"
    entry = Entry.objects.filter(kind="document.revoked").latest("id")
    assert document.number in entry.canonical
    assert "Ката менен берилген" not in entry.canonical


def test_revoking_twice_or_without_reason_is_refused(holder: User) -> None:
    document = _issue(holder)
    with pytest.raises(DomainError) as empty:
        document_revoke(document=document, reason="  ", actor="official:1")
    assert empty.value.code == "revocation_reason_required"
    document_revoke(document=document, reason="reason", actor="official:1")
    with pytest.raises(DomainError) as twice:
        document_revoke(document=document, reason="again", actor="official:1")
    assert twice.value.status == 409


def test_expired_document(holder: User) -> None:
    document = _issue(holder, now=timezone.now() - dt.timedelta(days=91))
    verdict = verify_pdf(bytes(document.pdf))
    assert verdict.verdict == "EXPIRED"
    assert verdict.reason == messages.EXPIRED.as_dict()
    assert verify_qr(document.qr_payload).verdict == "EXPIRED"


def test_revoked_wins_over_expired(holder: User) -> None:
    document = _issue(holder, now=timezone.now() - dt.timedelta(days=91))
    document_revoke(document=document, reason="reason", actor="official:1")
    assert verify_qr(document.qr_payload).verdict == "REVOKED"


def test_a_payload_the_register_does_not_hold_is_invalid(holder: User) -> None:
    first, second = _issue(holder), _issue(holder)
    Document.objects.filter(pk=first.pk).update(qr_payload=second.qr_payload)
    for verdict in (verify_qr(first.qr_payload), verify_pdf(bytes(first.pdf))):
        assert verdict.verdict == "INVALID"
        assert verdict.reason == messages.REGISTER_MISMATCH.as_dict()
        assert verdict.claims is None


def test_selectors(holder: User) -> None:
    other = User.objects.create_user(personal_number="21505198012346", full_name="Башка Адам")
    document = _issue(holder)
    assert list(documents_for_holder(holder=holder)) == [document]
    assert list(documents_for_holder(holder=other)) == []
    assert document_get_for_holder(holder=holder, document_id=document.pk) == document
    for holder_, document_id in ((other, document.pk), (holder, "not-a-uuid")):
        with pytest.raises(NotFound):
            document_get_for_holder(holder=holder_, document_id=document_id)
    status = document_status(document.number)
    assert status is not None and not status.revoked
    assert document_status("D-2026-NOSUCHDOCU") is None
