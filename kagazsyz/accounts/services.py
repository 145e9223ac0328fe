"""Log-in (citizens through the identity provider, officials by password and TOTP), API tokens,
officials' roles."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import time

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from kagazsyz.accounts.models import ApiToken, OfficialRole, Role, TotpDevice, User
from kagazsyz.accounts.totp import totp_match, totp_secret_new
from kagazsyz.core.errors import DomainError, Message
from kagazsyz.core.personal_number import parse_personal_number
from kagazsyz.ledger.services import ledger_append
from kagazsyz.registries.models import SandboxResident

TOKEN_LIFETIME = dt.timedelta(hours=12)
LOGIN_FAILURES_LIMIT = 5
LOGIN_LOCK = dt.timedelta(minutes=15)

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


BAD_OFFICIAL_LOGIN = Message(
    ky="ПИН, сырсөз же бир жолку код туура эмес.",
    ru="Неверный ПИН, пароль или одноразовый код.",
    en="The PIN, password or one-time code is wrong.",
)


def _login_refused() -> DomainError:
    return DomainError("invalid_credentials", BAD_OFFICIAL_LOGIN, status=401)


def _login_failed(device: TotpDevice) -> None:
    """Count a failure in its own transaction (it must stay recorded when the log-in is refused)."""
    with transaction.atomic():
        locked = TotpDevice.objects.select_for_update().get(pk=device.pk)
        locked.failures += 1
        if locked.failures >= LOGIN_FAILURES_LIMIT:
            locked.failures = 0
            locked.locked_until = timezone.now() + LOGIN_LOCK
            ledger_append(kind="official.login_locked", payload={"official": str(device.user_id)})
        locked.save(update_fields=["failures", "locked_until"])


def official_login(
    *, personal_number: str, password: str, code: str, unix_time: float | None = None
) -> User:
    """An official's log-in: password (Argon2) and a TOTP code, each code usable once.

    Every failure gets the same answer, so the form does not tell which factor was wrong; after
    LOGIN_FAILURES_LIMIT failures in a row the account refuses every attempt for LOGIN_LOCK.
    """
    user = User.objects.filter(personal_number=personal_number.strip()[:14], is_active=True).first()
    device = TotpDevice.objects.filter(user=user).first() if user else None
    if user is None or device is None:
        User().set_password(password)  # the same work as a real check: no timing oracle
        raise _login_refused()
    if device.locked_until and device.locked_until > timezone.now():
        raise _login_refused()
    if not user.check_password(password) or not user.official_roles.exists():
        _login_failed(device)
        raise _login_refused()
    with transaction.atomic():
        device = TotpDevice.objects.select_for_update().get(pk=device.pk)
        step = totp_match(device.secret, code, unix_time or time.time())
        if step is not None and step > device.last_step:
            device.last_step, device.failures = step, 0
            device.save(update_fields=["last_step", "failures"])
            ledger_append(kind="official.logged_in", payload={"official": str(user.pk)})
            return user
    _login_failed(device)
    raise _login_refused()


def totp_enrol(*, user: User) -> str:
    """Give the official a new TOTP secret (replacing any earlier one) and return it once."""
    secret = totp_secret_new()
    with transaction.atomic():
        TotpDevice.objects.update_or_create(user=user, defaults={"secret": secret, "last_step": 0})
        ledger_append(kind="official.totp_enrolled", payload={"official": str(user.pk)})
    return secret


def official_role_grant(
    *, user: User, agency_code: str, role: Role, granted_by: User | None = None
) -> OfficialRole:
    with transaction.atomic():
        grant, created = OfficialRole.objects.get_or_create(
            user=user, agency_code=agency_code, role=role
        )
        if created:
            ledger_append(
                kind="official.role_granted",
                payload={
                    "official": str(user.pk),
                    "agency": agency_code,
                    "role": role.value,
                    "by": str(granted_by.pk) if granted_by else "system",
                },
            )
    return grant


def official_role_revoke(
    *, user: User, agency_code: str, role: Role, revoked_by: User | None = None
) -> bool:
    with transaction.atomic():
        deleted, _ = OfficialRole.objects.filter(
            user=user, agency_code=agency_code, role=role
        ).delete()
        if deleted:
            ledger_append(
                kind="official.role_revoked",
                payload={
                    "official": str(user.pk),
                    "agency": agency_code,
                    "role": role.value,
                    "by": str(revoked_by.pk) if revoked_by else "system",
                },
            )
    return bool(deleted)
