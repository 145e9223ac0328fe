"""Demo officials: per agency two officials and a supervisor with a known password and a TOTP
secret, so a tester can log in to the back office. Sandbox only; never in production."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from kagazsyz.accounts.models import Role, TotpDevice, User
from kagazsyz.accounts.services import official_role_grant, totp_enrol
from kagazsyz.catalog.loader import get_catalog

DEMO_PASSWORD = "kagazsyz-demo-2026"  # noqa: S105 -- printed for testers; sandbox only
# Personal numbers 2 01011980 9AARN: agency index AA, role digit R (1 official, 2 supervisor),
# number N; outside the synthetic population's serials, so no resident's number is taken.
SEATS = ((Role.OFFICIAL, 1, 1), (Role.OFFICIAL, 1, 2), (Role.SUPERVISOR, 2, 1))


@dataclass(frozen=True)
class DemoOfficial:
    agency: str
    role: str
    personal_number: str
    full_name: str
    totp_secret: str


def _seat(index: int, agency: str, role: Role, digit: int, number: int) -> DemoOfficial:
    pin = f"2010119809{index:02d}{digit}{number}"
    title = "Supervisor" if role == Role.SUPERVISOR else "Official"
    user = User.objects.filter(personal_number=pin).first()
    if user is None:
        user = User.objects.create_user(
            pin, DEMO_PASSWORD, full_name=f"{title} {number} ({agency})"
        )
    official_role_grant(user=user, agency_code=agency, role=role)
    device = TotpDevice.objects.filter(user=user).first()
    secret = device.secret if device else totp_enrol(user=user)
    return DemoOfficial(agency, role.value, pin, user.full_name, secret)


def demo_officials_ensure() -> list[DemoOfficial]:
    """Create what is missing and return every demo official (idempotent)."""
    if not settings.SANDBOX_LOGIN:
        raise RuntimeError("demo officials exist only where sandbox log-in is on")
    agencies = sorted(get_catalog().agencies)
    return [
        _seat(index, agency, role, digit, number)
        for index, agency in enumerate(agencies, start=1)
        for role, digit, number in SEATS
    ]
