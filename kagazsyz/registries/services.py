"""Writes of the exchange layer that a person causes: flagging a look at their data."""

from __future__ import annotations

import unicodedata

from django.db import IntegrityError, transaction
from django.utils import timezone

from kagazsyz.accounts.models import User
from kagazsyz.core.errors import NOT_FOUND, DomainError, Message, NotFound
from kagazsyz.ledger.services import ledger_append
from kagazsyz.registries.models import DataAccess, DataAccessCase

REASON_MAX = 1000
NEEDS_REASON = Message(
    ky="Эмне үчүн шектүү экенин кыскача жазыңыз (1000 белгиге чейин).",
    ru="Кратко опишите, почему это обращение вызывает подозрение (до 1000 символов).",
    en="Say briefly why this look seems suspicious (up to 1000 characters).",
)
ALREADY_FLAGGED = Message(
    ky="Сиз бул жазууну мурунтан эле белгилегенсиз.",
    ru="Вы уже отметили эту запись.",
    en="You have already flagged this entry.",
)


def _clean_reason(reason: str) -> str:
    text = unicodedata.normalize("NFC", reason or "").strip()
    if (
        not text
        or len(text) > REASON_MAX
        or any(unicodedata.category(c) == "Cc" and c not in "\n\r\t" for c in text)
    ):
        raise DomainError("invalid_reason", NEEDS_REASON, status=422, field="reason")
    return text


def data_access_flag(*, citizen: User, data_access_id: int, reason: str) -> DataAccessCase:
    """Open a case for the agency's data-protection officer and for oversight.

    Only the person whose data was looked at can flag it; anyone else gets "not found".
    """
    text = _clean_reason(reason)
    access = DataAccess.objects.filter(
        pk=data_access_id, subject_personal_number=citizen.personal_number
    ).first()
    if access is None:
        raise NotFound(NOT_FOUND)
    try:
        with transaction.atomic():
            case = DataAccessCase.objects.create(
                data_access=access,
                opened_by=citizen,
                agency=access.requester_agency or access.agency,
                reason=text,
                opened_at=timezone.now(),
            )
            ledger_append(
                kind="data_access.flagged",
                payload={"case": case.pk, "access": access.pk, "agency": case.agency},
            )
    except IntegrityError:
        raise DomainError("already_flagged", ALREADY_FLAGGED, status=409) from None
    return case
