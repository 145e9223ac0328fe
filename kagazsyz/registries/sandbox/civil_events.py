"""What the civil-status registry does when a birth or a death is registered, in the sandbox.

In production the registry of civil-status acts (АИС ЗАГС) assigns a newborn's personal number and
tells the other registries; the platform only reads the result. The sandbox has no such registry
behind it, so these functions change the synthetic population the same way, so that follow-up
services (the birth payment, the child's address, the kindergarten queue, the burial allowance)
find the child or the death in the registers they query.

A newborn's personal number follows FACTS §2.1: the sex digit (1 female, 2 male), the birth date
DDMMYYYY, and the smallest five-digit serial not yet used by a resident or an account.
"""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass
from typing import Any

from kagazsyz.accounts.models import User
from kagazsyz.core.personal_number import make_personal_number
from kagazsyz.registries.models import SandboxResident

# Marks a resident added by a registration rather than by the generator: a regenerated population
# is recognised without them (load.population_present), so a restart keeps the newborns.
REGISTERED_KEY = "sandbox.registered"
BIRTH_ACT_BASE = 90_000_000  # sandbox act numbers above those the generator hands out
DEATH_ACT_BASE = 9_000_000


@dataclass(frozen=True)
class Newborn:
    surname: str
    given_name: str
    patronymic: str
    sex: str  # "F" or "M"
    birth_date: dt.date


def _free_personal_number(sex: str, birth_date: dt.date) -> str:
    prefix = make_personal_number(sex=sex, birth_date=birth_date, serial=0)[:9]
    used = set(
        SandboxResident.objects.filter(personal_number__startswith=prefix).values_list(
            "personal_number", flat=True
        )
    ) | set(
        User.objects.filter(personal_number__startswith=prefix).values_list(
            "personal_number", flat=True
        )
    )
    for serial in range(1, 100_000):
        number = make_personal_number(sex=sex, birth_date=birth_date, serial=serial)
        if number not in used:
            return number
    raise RuntimeError(f"no free personal number for {prefix}")


def _newborn_datasets(
    number: str, child: Newborn, parent: dict[str, Any], other: dict[str, Any] | None, act: str
) -> dict[str, Any]:
    born = child.birth_date.isoformat()
    parents = [parent, *([other] if other else [])]
    mother = next((p for p in parents if p["population.person"]["sex"] == "F"), None)
    father = next((p for p in parents if p["population.person"]["sex"] == "M"), None)
    full_name = " ".join(filter(None, (child.surname, child.given_name, child.patronymic)))
    address = {**copy.deepcopy(parent["population.address"]), "registered_since": born}
    household = [*parent["population.family"]["household"], number]
    return {
        "population.person": {
            "personal_number": number,
            "surname": child.surname,
            "given_name": child.given_name,
            "patronymic": child.patronymic,
            "full_name": full_name,
            "birth_date": born,
            "sex": child.sex,
            "citizenship": "KGZ",
            "alive": True,
            "death_date": None,
        },
        "population.address": address,
        "population.family": {
            "spouse": None,
            "children": [],
            "mother": mother["population.person"]["personal_number"] if mother else None,
            "father": father["population.person"]["personal_number"] if father else None,
            "household": household,
        },
        "population.identity_document": {
            "kind": "none",
            "number": None,
            "issued_on": None,
            "valid_until": None,
            "chip": False,
        },
        "civil_status.acts": {
            "birth_act": {"number": act, "date": born},
            "marriages": [],
            "death_act": None,
            "name_changes": [],
        },
        "tax.taxpayer_account": {
            "tin": number,
            "debt_som": 0.0,
            "overpayment_som": 0.0,
            "last_declaration_year": None,
            "entrepreneur": False,
            "patent": False,
        },
        "police.criminal_records": {"records": [], "has_unexpunged": False, "wanted": False},
        "real_estate.rights": {"properties": [], "count": 0},
        "vehicles.vehicles": {"vehicles": [], "count": 0, "unpaid_fines_som": 0.0},
        "vehicles.driving_licence": {"number": None, "categories": [], "valid_until": None},
        "social_fund.insurance_account": {
            "insured_months": 0,
            "contributions_som": 0.0,
            "employed": False,
            "employer": None,
            "last_contribution_month": None,
        },
        "social_fund.pension": {"receives": False, "kind": None, "amount_som": 0.0, "since": None},
        "social_protection.benefits": {
            "benefits": [],
            "unemployed_registered": False,
            "bank_account": None,
        },
        "education.enrolment": {
            "enrolled": False,
            "institution": None,
            "level": None,
            "grade": None,
            "kindergarten_queue_position": None,
        },
        "education.diplomas": {"diplomas": [], "ort_score": None},
        # Not yet enrolled with a family-medicine centre: that is a step of the birth's journey.
        "health.attachment": {"centre": None, "insured": True, "policy_number": None},
        "health.disability": {"group": None, "since": None, "review_on": None},
        "legal_entities.founder_of": {"entities": []},
        "military.registration": {"registered": False, "category": None, "office": None},
        REGISTERED_KEY: {"event": "birth", "act": act},
    }


def _link_child(resident: SandboxResident, child_number: str, *, household: bool) -> None:
    family = resident.datasets["population.family"]
    family["children"] = [*family["children"], child_number]
    if household:
        family["household"] = [*family["household"], child_number]
    resident.save(update_fields=["datasets"])


def sandbox_birth_register(
    *, parent_number: str, other_parent_number: str | None, child: Newborn
) -> str:
    """Add the newborn to the population, linked to its parents; return its personal number.

    Runs inside the caller's transaction (the journey's start), so a retry never adds a twin.
    """
    parent = SandboxResident.objects.select_for_update().get(personal_number=parent_number)
    other = (
        SandboxResident.objects.select_for_update()
        .filter(personal_number=other_parent_number)
        .first()
        if other_parent_number
        else None
    )
    number = _free_personal_number(child.sex, child.birth_date)
    act = str(BIRTH_ACT_BASE + SandboxResident.objects.count())
    datasets = _newborn_datasets(
        number, child, parent.datasets, other.datasets if other else None, act
    )
    SandboxResident.objects.create(personal_number=number, datasets=datasets)
    _link_child(parent, number, household=True)
    if other is not None:
        living_together = other_parent_number in parent.datasets["population.family"]["household"]
        _link_child(other, number, household=living_together)
    return number


def sandbox_death_register(*, personal_number: str, died_on: dt.date) -> bool:
    """Record a death in the registers: the person, the act, the pension stops.

    Returns False when the registers already knew of the death (nothing changes).
    """
    resident = (
        SandboxResident.objects.select_for_update().filter(personal_number=personal_number).first()
    )
    if resident is None or not resident.datasets["population.person"]["alive"]:
        return False
    data = resident.datasets
    data["population.person"].update(alive=False, death_date=died_on.isoformat())
    act = str(DEATH_ACT_BASE + SandboxResident.objects.count())
    data["civil_status.acts"]["death_act"] = {"number": act, "date": died_on.isoformat()}
    data["social_fund.pension"]["receives"] = False
    identity = data["population.identity_document"]
    if identity["valid_until"] is not None:
        identity["valid_until"] = died_on.isoformat()
    resident.save(update_fields=["datasets"])
    return True
