"""Writes of the oversight app: publishing the open-data files, and the demo's oversight roles."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from kagazsyz.accounts.models import OfficialRole, Role, User
from kagazsyz.oversight.models import PublishedFile
from kagazsyz.oversight.opendata import DATASETS, as_csv, as_json, default_period, open_tables
from kagazsyz.registries.models import SandboxResident

# The oversight body and the auditors are national, not part of one agency.
NATIONAL = "NATIONAL"


def open_data_publish() -> int:
    """Write the open-data files from the current aggregates; returns how many were written."""
    period = default_period()
    tables = open_tables(period)
    now = timezone.now()
    with transaction.atomic():
        for name in DATASETS:
            for extension, content in (
                ("csv", as_csv(tables[name])),
                ("json", as_json(tables[name], period)),
            ):
                PublishedFile.objects.update_or_create(
                    name=f"{name}.{extension}", defaults={"content": content, "published_at": now}
                )
    return 2 * len(DATASETS)


def oversight_demo_roles() -> list[tuple[str, str, str]]:
    """Give two sandbox residents the oversight and auditor roles, for the demo's log-in.

    They log in like anyone else through the sandbox identity provider; the roles decide what
    they see. Returns (personal number, full name, role) for each.
    """
    from kagazsyz.accounts.services import citizen_sandbox_login

    residents = [
        r
        for r in SandboxResident.objects.order_by("-personal_number")[:50]
        if r.datasets["population.person"]["alive"]
        and r.datasets["population.person"]["birth_date"] < "1990-01-01"
    ][:2]
    granted = []
    for resident, role in zip(residents, (Role.OVERSIGHT, Role.AUDITOR), strict=False):
        user: User = citizen_sandbox_login(personal_number=resident.personal_number)
        OfficialRole.objects.get_or_create(user=user, agency_code=NATIONAL, role=role)
        granted.append((user.personal_number, user.full_name, role.value))
    return granted
