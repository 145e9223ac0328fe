"""Residents a tester needs: a debtor, someone with a clean record, a pensioner, and so on.

Each role is looked up in the database with JSON lookups on the datasets, ordered by personal
number, so the same population always gives the same sample. A resident is used for one role only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

from django.db.models import CharField, QuerySet
from django.db.models.fields.json import KT
from django.db.models.functions import Cast
from django.utils import timezone

from kagazsyz.registries.models import SandboxResident
from kagazsyz.registries.sandbox.family import add_years, age_on

Sample = dict[str, Any]
_CANDIDATES_TO_READ = 500  # a role's Python-side check reads at most this many rows

PERSON = "population.person"
TAX = "tax.taxpayer_account"
POLICE = "police.criminal_records"
PENSION = "social_fund.pension"
VEHICLES = "vehicles.vehicles"


def _lookup(dataset: str, *path: str) -> str:
    """The ORM lookup of a field inside one dataset: datasets → "<registry>.<dataset>" → field."""
    return "__".join(("datasets", dataset, *path))


def _living(exclude: set[str]) -> QuerySet[SandboxResident]:
    residents = SandboxResident.objects.filter(**{_lookup(PERSON, "alive"): True})
    return residents.exclude(personal_number__in=exclude).order_by("personal_number")


def _lazily(residents: QuerySet[SandboxResident]) -> Iterator[SandboxResident]:
    """Read candidates a few at a time: the first ones usually fit, and each row is a big JSON."""
    return residents[:_CANDIDATES_TO_READ].iterator(chunk_size=20)


def _first(
    residents: QuerySet[SandboxResident], test: Callable[[SandboxResident], bool]
) -> SandboxResident | None:
    """The first resident (by personal number) that also passes a check done in Python."""
    for resident in _lazily(residents):
        if test(resident):
            return resident
    return None


def _age(resident: SandboxResident, today: dt.date) -> int:
    return age_on(dt.date.fromisoformat(resident.datasets[PERSON]["birth_date"]), today)


def _address(datasets: dict[str, Any]) -> str:
    address = datasets["population.address"]
    text = f"{address['locality']['ru']}, {address['street']} {address['house']}"
    return text if address["flat"] is None else f"{text}, кв. {address['flat']}"


def resident_facts(resident: SandboxResident, today: dt.date) -> dict[str, Any]:
    """The facts about a resident that decide most services."""
    data = resident.datasets
    person = data[PERSON]
    pension = data[PENSION]
    return {
        "age": _age(resident, today),
        "sex": person["sex"],
        "alive": person["alive"],
        "citizenship": person["citizenship"],
        "address": _address(data),
        "soate": data["population.address"]["soate"],
        "tax_debt_som": data[TAX]["debt_som"],
        "has_criminal_record": bool(data[POLICE]["records"]),
        "pension": {"kind": pension["kind"], "amount_som": pension["amount_som"]}
        if pension["receives"]
        else None,
        "disability_group": data["health.disability"]["group"],
        "spouse": data["population.family"]["spouse"],
        "children": len(data["population.family"]["children"]),
        "vehicles": data[VEHICLES]["count"],
        "properties": data["real_estate.rights"]["count"],
    }


def _sample(resident: SandboxResident, role: str, today: dt.date, **extra: Any) -> Sample:
    return {
        "personal_number": resident.personal_number,
        "full_name": resident.datasets[PERSON]["full_name"],
        "role": role,
        "facts": {**resident_facts(resident, today), **extra},
    }


# ------------------------------------------------------------------------------------- the roles


def _debtor(today: dt.date, exclude: set[str]) -> Sample | None:
    residents = _living(exclude).filter(**{_lookup(TAX, "debt_som__gt"): 0})
    found = _first(residents, lambda resident: 18 <= _age(resident, today) < 63)
    return None if found is None else _sample(found, "adult with a tax debt", today)


def _clean_adult(today: dt.date, exclude: set[str]) -> Sample | None:
    residents = _living(exclude).filter(
        **{_lookup(TAX, "debt_som"): 0, _lookup(POLICE, "has_unexpunged"): False}
    )

    def clean(resident: SandboxResident) -> bool:
        data = resident.datasets
        has_document = data["population.identity_document"]["kind"] != "none"
        return 18 <= _age(resident, today) < 58 and not data[POLICE]["records"] and has_document

    found = _first(residents, clean)
    return (
        None
        if found is None
        else _sample(found, "adult with no tax debt, no criminal record", today)
    )


def _offender(today: dt.date, exclude: set[str]) -> Sample | None:
    found = _living(exclude).filter(**{_lookup(POLICE, "has_unexpunged"): True}).first()
    return (
        None if found is None else _sample(found, "adult with an unexpunged criminal record", today)
    )


def _parent_of_young_child(today: dt.date, exclude: set[str]) -> Sample | None:
    born_after = add_years(today, -6).isoformat()
    children = (
        _living(set())
        .alias(
            # Dates are ISO text, so they compare as text; the cast keeps the JSON lookups out.
            birth=Cast(KT(_lookup(PERSON, "birth_date")), output_field=CharField()),
            mother=KT(_lookup("population.family", "mother")),
        )
        .filter(birth__gt=born_after, mother__isnull=False)
    )
    for child in _lazily(children):
        mother = child.datasets["population.family"]["mother"]
        if mother in exclude:
            continue
        parent = _living(exclude).filter(personal_number=mother).first()
        if parent is not None:
            young = {"personal_number": child.personal_number, "age": _age(child, today)}
            return _sample(parent, "parent of a child under 6", today, young_child=young)
    return None


def _pensioner(today: dt.date, exclude: set[str]) -> Sample | None:
    found = _living(exclude).filter(**{_lookup(PENSION, "kind"): "old_age"}).first()
    return None if found is None else _sample(found, "old-age pensioner", today)


def _vehicle_owner(today: dt.date, exclude: set[str]) -> Sample | None:
    found = _living(exclude).filter(**{_lookup(VEHICLES, "count__gt"): 0}).first()
    return None if found is None else _sample(found, "adult who owns a vehicle", today)


def _relatives_of(deceased: SandboxResident) -> Iterator[tuple[str, str]]:
    """(personal number, relation) of a deceased person's children and spouses."""
    data = deceased.datasets
    for child in data["population.family"]["children"]:
        yield child, "child"
    for marriage in data["civil_status.acts"]["marriages"]:
        if marriage["dissolved_on"] == data[PERSON]["death_date"]:
            yield marriage["spouse"], "widow(er)"


def _relative_of_deceased(today: dt.date, exclude: set[str]) -> Sample | None:
    deceased = SandboxResident.objects.filter(**{_lookup(PERSON, "alive"): False}).order_by(
        "personal_number"
    )
    for dead in _lazily(deceased):
        relations = dict(_relatives_of(dead))
        relative = _living(exclude).filter(personal_number__in=relations).first()
        if relative is not None:
            relation = relations[relative.personal_number]
            about = {
                "personal_number": dead.personal_number,
                "full_name": dead.datasets[PERSON]["full_name"],
                "death_date": dead.datasets[PERSON]["death_date"],
                "relation": relation,
            }
            return _sample(relative, f"{relation} of a deceased person", today, deceased=about)
    return None


_ROLES: tuple[Callable[[dt.date, set[str]], Sample | None], ...] = (
    _debtor,
    _clean_adult,
    _offender,
    _parent_of_young_child,
    _pensioner,
    _vehicle_owner,
    _relative_of_deceased,
)


def sample_residents(*, today: dt.date | None = None) -> list[Sample]:
    """One resident per role that the population has, each with the facts that matter for it."""
    day = today or timezone.localdate()
    chosen: list[Sample] = []
    used: set[str] = set()
    for role in _ROLES:
        sample = role(day, used)
        if sample is not None:
            chosen.append(sample)
            used.add(sample["personal_number"])
    return chosen
