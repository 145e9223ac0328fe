"""Log-in and API tokens."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from kagazsyz.accounts.models import ApiToken, User
from kagazsyz.core.errors import DomainError, Message
from kagazsyz.core.personal_number import parse_personal_number
from kagazsyz.registries.models import SandboxResident

TOKEN_LIFETIME = dt.timedelta(hours=12)

UNKNOWN_PERSON = Message(
    ky="Бул ПИН менен адам табылган жок.",
    ru="Человек с таким ПИН не найден.",
    en="No person with this PIN was found.",
)
SANDBOX_DISABLED = Message(
    ky="Сынамык кирүү бул чөйрөдө өчүрүлгөн.",
    ru="Тестовый вход в этой среде отключён.",
    en="Sandbox log-in is disabled in this environment.",
)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def citizen_sandbox_login(*, personal_number: str) -> User:
    """The sandbox identity provider: any synthetic resident may log in by personal number.

    In production the national identity provider (OpenID Connect) takes this place; this
    function refuses to work there.
    """
    if not settings.SANDBOX_LOGIN:
        raise DomainError("sandbox_disabled", SANDBOX_DISABLED, status=404)
    pin = parse_personal_number(personal_number)
    resident = SandboxResident.objects.filter(personal_number=pin.value).first()
    if resident is None:
        raise DomainError("unknown_person", UNKNOWN_PERSON, status=404, field="personal_number")
    person = resident.datasets["population.person"]
    with transaction.atomic():
        user, created = User.objects.get_or_create(
            personal_number=pin.value, defaults={"full_name": person["full_name"]}
        )
        if not created and user.full_name != person["full_name"]:
            user.full_name = person["full_name"]
            user.save(update_fields=["full_name"])
    return user


def api_token_issue(*, user: User, now: dt.datetime | None = None) -> str:
    token = secrets.token_urlsafe(32)
    moment = now or timezone.now()
    ApiToken.objects.create(
        token_hash=_token_hash(token), user=user, expires_at=moment + TOKEN_LIFETIME
    )
    return token


def user_for_api_token(token: str) -> User | None:
    found = (
        ApiToken.objects.select_related("user")
        .filter(token_hash=_token_hash(token), expires_at__gt=timezone.now(), user__is_active=True)
        .first()
    )
    return found.user if found else None
