"""The sandbox population: deterministic, consistent, shaped like registries.yaml, loadable."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.core.management import call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kagazsyz.core.personal_number import parse_personal_number
from kagazsyz.registries.models import SandboxResident
from kagazsyz.registries.sandbox import Resident, generate_population
from kagazsyz.registries.sandbox.family import age_on
from kagazsyz.registries.sandbox.load import population_generate
from kagazsyz.registries.sandbox.selectors import sample_residents

TODAY = dt.date(2026, 11, 26)
REGISTRIES_YAML = Path(__file__).resolve().parents[1] / "data" / "registries.yaml"
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@cache
def population(size: int = 3000, seed: int = 2026) -> tuple[Resident, ...]:
    return tuple(generate_population(size=size, seed=seed, today=TODAY))


@cache
def dataset_fields() -> dict[str, dict[str, Any]]:
    """ "<registry>.<dataset>" → {field: its description in registries.yaml}."""
    raw = yaml.safe_load(REGISTRIES_YAML.read_text(encoding="utf-8"))["registries"]
    return {
        f"{registry}.{name}": spec["fields"]
        for registry, entry in raw.items()
        for name, spec in entry["datasets"].items()
    }


def item_fields(description: Any) -> list[str] | None:
    """Field names of an object described as "{a: str, b}" or "[{a, b: date}]" (else None)."""
    if not isinstance(description, str):
        return None
    match = re.fullmatch(r"\[?\{(.*)\}\]?(\|null)?", description.strip())
    if match is None:
        return None
    return [part.split(":")[0].strip() for part in match.group(1).split(",")]


def check_value(key: str, field: str, description: Any, value: Any) -> None:
    """The value has the type its registries.yaml description gives."""
    where = f"{key}.{field}"
    if isinstance(description, dict):
        assert isinstance(value, dict) and set(value) == set(description), where
        return
    text = str(description)
    if value is None:
        assert "null" in text, f"{where} is null but described as {text!r}"
        return
    names = item_fields(text)
    if names is not None:
        items = value if text.startswith("[") else [value]
        assert isinstance(items, list), where
        for item in items:
            assert isinstance(item, dict) and list(item) == names, f"{where}: {item} vs {names}"
    elif text.startswith("["):
        assert isinstance(value, list), where
    elif text.startswith("date"):
        assert isinstance(value, str) and ISO_DATE.match(value), where
    elif text == "bool":
        assert isinstance(value, bool), where
    elif text.startswith("int"):
        assert isinstance(value, int) and not isinstance(value, bool), where
    elif text in {"number"} or text.startswith("decimal"):
        assert isinstance(value, float), f"{where} must be a float, not {value!r}"


def check_population(residents: Iterable[Resident], today: dt.date) -> None:
    """Invariants every population must keep, whatever its seed and size."""
    by_number = {resident.personal_number: resident.datasets for resident in residents}
    expected = dataset_fields()
    for number, datasets in by_number.items():
        assert list(datasets) == list(expected), "every resident has every dataset, in order"
        for key, fields in expected.items():
            assert list(datasets[key]) == list(fields), key
            for field, description in fields.items():
                check_value(key, field, description, datasets[key][field])
        person = datasets["population.person"]
        parsed = parse_personal_number(number, today=today)
        assert person["personal_number"] == number == datasets["tax.taxpayer_account"]["tin"]
        assert parsed.birth_date.isoformat() == person["birth_date"]
        assert parsed.sex == person["sex"]
        assert (
            person["full_name"]
            == f"{person['surname']} {person['given_name']} {person['patronymic']}"
        )
        check_dates(datasets, today)
        check_family(number, datasets, by_number)


def check_dates(datasets: dict[str, Any], today: dt.date) -> None:
    """Events happen between birth and death (or today), in their order."""
    person = datasets["population.person"]
    birth = person["birth_date"]
    end = person["death_date"] or today.isoformat()
    assert birth <= datasets["population.address"]["registered_since"] <= end
    assert birth <= datasets["civil_status.acts"]["birth_act"]["date"] <= today.isoformat()
    adult = f"{int(birth[:4]) + 16}{birth[4:]}"
    for marriage in datasets["civil_status.acts"]["marriages"]:
        assert adult <= marriage["date"] <= end, "married as an adult, while alive"
        dissolved = marriage["dissolved_on"]
        assert dissolved is None or marriage["date"] < dissolved <= end
    for item in datasets["real_estate.rights"]["properties"]:
        assert item["registered_on"] <= today.isoformat()
    for vehicle in datasets["vehicles.vehicles"]["vehicles"]:
        assert adult <= vehicle["registered_on"] <= end


def check_family(
    number: str, datasets: dict[str, Any], by_number: dict[str, dict[str, Any]]
) -> None:
    family = datasets["population.family"]
    alive = datasets["population.person"]["alive"]
    if family["spouse"] is not None:
        spouse = by_number[family["spouse"]]
        assert spouse["population.family"]["spouse"] == number, "spouse links are mutual"
        assert spouse["population.person"]["sex"] != datasets["population.person"]["sex"]
    for child in family["children"]:
        parent_role = "mother" if datasets["population.person"]["sex"] == "F" else "father"
        assert by_number[child]["population.family"][parent_role] == number, (
            "child names its parent"
        )
    for parent_role in ("mother", "father"):
        parent = family[parent_role]
        if parent is not None:
            assert number in by_number[parent]["population.family"]["children"], (
                "parent lists child"
            )
    if alive:
        assert number in family["household"]
    for member in family["household"]:
        other = by_number[member]
        assert number in other["population.family"]["household"], "households are mutual"
        assert other["population.address"] == {
            **datasets["population.address"],
            "registered_since": other["population.address"]["registered_since"],
        }, "a household shares one address"
    for marriage in datasets["civil_status.acts"]["marriages"]:
        partner = by_number[marriage["spouse"]]["civil_status.acts"]["marriages"]
        assert {**marriage, "spouse": number} in partner, "both spouses hold the same marriage act"


def adults(residents: Iterable[Resident]) -> list[dict[str, Any]]:
    return [
        resident.datasets
        for resident in residents
        if age_on(
            dt.date.fromisoformat(resident.datasets["population.person"]["birth_date"]), TODAY
        )
        >= 18
    ]


# ------------------------------------------------------------------------------ the generator


def test_same_seed_gives_the_same_residents() -> None:
    first = list(generate_population(size=400, seed=7, today=TODAY))
    again = list(generate_population(size=400, seed=7, today=TODAY))
    assert first == again


def test_another_seed_gives_other_residents() -> None:
    first = [
        resident.personal_number for resident in generate_population(size=400, seed=7, today=TODAY)
    ]
    other = [
        resident.personal_number for resident in generate_population(size=400, seed=8, today=TODAY)
    ]
    assert first != other
    assert len(set(first) & set(other)) < 40


def test_population_has_the_asked_size_and_unique_valid_numbers() -> None:
    residents = population()
    numbers = [resident.personal_number for resident in residents]
    assert len(numbers) == 3000
    assert len(set(numbers)) == len(numbers)


def test_population_keeps_its_invariants() -> None:
    check_population(population(), TODAY)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(min_value=0, max_value=2**63),
    size=st.integers(min_value=0, max_value=80),
    today=st.dates(min_value=dt.date(2005, 1, 1), max_value=dt.date(2045, 12, 31)),
)
def test_any_seed_size_and_date_keep_the_invariants(seed: int, size: int, today: dt.date) -> None:
    residents = list(generate_population(size=size, seed=seed, today=today))
    assert len(residents) == size
    assert len({resident.personal_number for resident in residents}) == size
    check_population(residents, today)


def test_names_use_the_kyrgyz_letters() -> None:
    names = [resident.datasets["population.person"]["full_name"] for resident in population()]
    with_kyrgyz_letters = [name for name in names if re.search("[ҢңӨөҮү]", name)]
    assert len(with_kyrgyz_letters) > len(names) // 5
    assert any(name.endswith((" уулу", " кызы")) for name in names)
    assert any(name.endswith(("ович", "овна", "евич", "евна")) for name in names)


def test_ages_and_sexes_look_like_a_population() -> None:
    living = [r for r in population() if r.datasets["population.person"]["alive"]]
    ages = [
        age_on(dt.date.fromisoformat(r.datasets["population.person"]["birth_date"]), TODAY)
        for r in living
    ]
    women = sum(r.datasets["population.person"]["sex"] == "F" for r in living)
    assert 0.45 < women / len(living) < 0.55
    assert max(ages) <= 95 and min(ages) == 0
    assert 0.25 < sum(age < 15 for age in ages) / len(ages) < 0.4, "about a third are children"
    assert 0.03 < sum(age >= 65 for age in ages) / len(ages) < 0.1
    deceased = len(population()) - len(living)
    assert 0 < deceased < 0.08 * len(population())


def test_tax_debtors_and_offenders_are_the_designed_share() -> None:
    grown = adults(population())
    debtors = sum(data["tax.taxpayer_account"]["debt_som"] > 0 for data in grown)
    offenders = sum(bool(data["police.criminal_records"]["records"]) for data in grown)
    assert 0.11 < debtors / len(grown) < 0.19
    assert 0.005 < offenders / len(grown) < 0.04
    debts = [r.datasets["tax.taxpayer_account"]["debt_som"] for r in population()]
    assert sum(debt > 0 for debt in debts) == debtors, "only adults owe tax"


def test_registries_agree_about_each_resident() -> None:
    for resident in population():
        data = resident.datasets
        age = age_on(dt.date.fromisoformat(data["population.person"]["birth_date"]), TODAY)
        sex = data["population.person"]["sex"]
        alive = data["population.person"]["alive"]
        pension = data["social_fund.pension"]
        if alive and pension["kind"] == "old_age":
            assert age >= (63 if sex == "M" else 58)
        if not alive:
            assert data["civil_status.acts"]["death_act"] is not None
            assert data["population.family"]["household"] == []
            assert not pension["receives"]
        assert data["vehicles.vehicles"]["count"] == len(data["vehicles.vehicles"]["vehicles"])
        assert data["real_estate.rights"]["count"] == len(data["real_estate.rights"]["properties"])
        if data["military.registration"]["category"] == "conscript":
            assert sex == "M" and 16 <= age <= 27
        if data["education.enrolment"]["level"] == "school":
            assert 1 <= data["education.enrolment"]["grade"] <= 11
        assert data["population.address"]["soate"].startswith("417")
        assert len(data["population.address"]["soate"]) == 14


def test_documents_and_plates_follow_their_formats() -> None:
    documents = [r.datasets["population.identity_document"] for r in population()]
    numbers = [document["number"] for document in documents if document["number"] is not None]
    assert all(re.fullmatch(r"(ID|AN)\d{7}", number) for number in numbers)
    assert len(set(numbers)) == len(numbers)
    plates = [v["plate"] for r in population() for v in r.datasets["vehicles.vehicles"]["vehicles"]]
    assert plates and all(re.fullmatch(r"\d{2} \d{3} [A-Z]{3}", plate) for plate in plates)
    assert len(set(plates)) == len(plates)


# ------------------------------------------------------------------------------ the database


@pytest.mark.django_db
def test_loading_stores_the_population_once() -> None:
    assert population_generate(size=300, seed=11, today=TODAY, batch_size=64) == 300
    stored = dict(SandboxResident.objects.values_list("personal_number", "id"))
    expected = {
        resident.personal_number for resident in generate_population(size=300, seed=11, today=TODAY)
    }
    assert set(stored) == expected

    assert population_generate(size=300, seed=11, today=TODAY) == 300
    assert dict(SandboxResident.objects.values_list("personal_number", "id")) == stored, (
        "reused, not re-inserted"
    )

    assert population_generate(size=200, seed=12, today=TODAY) == 200
    assert SandboxResident.objects.count() == 200
    assert not SandboxResident.objects.filter(personal_number__in=list(stored)).exists()


@pytest.mark.django_db
def test_stored_datasets_survive_the_database() -> None:
    population_generate(size=50, seed=3, today=TODAY)
    first = next(generate_population(size=50, seed=3, today=TODAY))
    stored = SandboxResident.objects.get(personal_number=first.personal_number)
    assert stored.datasets == first.datasets


@pytest.mark.django_db
def test_sample_residents_cover_the_roles() -> None:
    population_generate(size=300, seed=2026, today=TODAY)
    samples = sample_residents(today=TODAY)
    roles = {sample["role"] for sample in samples}
    assert "adult with a tax debt" in roles
    assert "adult with no tax debt, no criminal record" in roles
    assert len({sample["personal_number"] for sample in samples}) == len(samples)
    assert samples == sample_residents(today=TODAY), "the choice is deterministic"
    for sample in samples:
        assert set(sample) == {"personal_number", "full_name", "role", "facts"}
        assert sample["facts"]["alive"] is True


@pytest.mark.django_db
def test_population_command_generates_and_samples() -> None:
    out = io.StringIO()
    call_command("population", "generate", "--size", "300", "--seed", "2026", stdout=out)
    assert "300 residents" in out.getvalue()

    out = io.StringIO()
    call_command("population", "sample", "--json", stdout=out)
    samples = json.loads(out.getvalue())
    debts = [sample["facts"]["tax_debt_som"] for sample in samples]
    assert any(debt > 0 for debt in debts), "a debtor"
    assert any(debt == 0 for debt in debts), "a non-debtor"
    assert re.search("[А-Яа-яӨөҮүҢң]", out.getvalue()), "JSON keeps Cyrillic as it is"

    out = io.StringIO()
    call_command("population", "sample", stdout=out)
    assert "adult with a tax debt" in out.getvalue()
