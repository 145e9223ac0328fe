"""Answers an API user can submit as they are, with the sandbox resident who can submit them.

For every service a deterministic resident of the synthetic population is chosen (the first by
personal number who fits) so that the example really works: a personal number in the answers is
the resident's real child, spouse, parent or counterparty, and an automatic rule finds them
eligible. Values the registries cannot decide (a school's name, a bank account) are plausible
constants. Without a fitting resident (an empty sandbox) the answers still match the form.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from kagazsyz.catalog.schema import Input, Service
from kagazsyz.registries.models import SandboxResident
from kagazsyz.registries.sandbox.family import age_on

_SCAN_LIMIT = 3000  # residents read at most per example; the first few dozen usually fit
FALLBACK_PERSON = "21503199012345"

# Plausible values for form fields the registries do not know, by field name.
TEXT_VALUES: dict[str, str] = {
    "medical_notice_number": "МС-2026-004512",
    "child_surname": "Асанова",
    "child_given_name": "Айзада",
    "birth_certificate_number": "КР-II 0123456",
    "child_full_name": "Асанова Айзада",
    "court_decision_number": "2-1234/26",
    "bank_account": "1280016012345678",
    "activity": "Тигүү цехи / Швейный цех",
    "business_address": "Бишкек ш., Чүй пр. 120",
    "payment_reference": "PAT-2026-000123",
    "entity_name": "Ак-Жол Сервис",
    "legal_address": "Бишкек ш., Манас пр. 40",
    "beneficial_owners": "Арыз берүүчү / Заявитель, 100%",
    "medical_certificate_number": "МСС-2026-000789",
    "place_of_death": "Бишкек ш. / г. Бишкек",
    "kindergarten": "№ 12 бала бакча, Бишкек",
    "school": "№ 5 мектеп-гимназия, Бишкек",
    "presented_to": "Иш берүүчүгө / Работодателю",
    "school_name": "№ 5 орто мектеп, Бишкек",
    "test_city": "Бишкек",
    "country": "Казахстан",
    "institution": "Казахский национальный университет",
    "document_number": "KZ-0012345",
    "place": "Бишкек ш. Биринчи Май райондук ЗАГС",
    "court": "Бишкек ш. Биринчи Май райондук соту",
    "decision_number": "2-4567/26",
    "new_surname": "Жаңы-Фамилия",
    "new_given_name": "Айгерим",
    "reason": "Жеке себеп / Личные причины",
    "referral_number": "ЦСМ-2026-3321",
    "new_address": "Бишкек ш., Ахунбаев көч. 95",
    "service_centre": "КТБ № 1, Бишкек",
    "circumstances": "Базарда жоголду / Утеряно на рынке",
    "object_address": "Бишкек ш., Токтогул көч. 100, 12-батир",
    "title_document": "Сатып алуу-сатуу келишими № 15",
    "inspection_number": "ТО-2026-5566",
    "phone": "+996555123456",
    "desired_occupation": "Бухгалтер",
}


class Resident:
    """A sandbox resident's datasets, with the facts the examples choose by."""

    def __init__(self, personal_number: str, datasets: dict[str, Any], today: dt.date) -> None:
        self.pin = personal_number
        self.data = datasets
        self.person = datasets["population.person"]
        self.family = datasets["population.family"]
        self.age = age_on(dt.date.fromisoformat(self.person["birth_date"]), today)
        self.today = today

    def __getitem__(self, dataset: str) -> Any:
        return self.data[dataset]


class Population:
    """Reads of the sandbox population for one example, with relatives looked up by number."""

    def __init__(self, today: dt.date) -> None:
        self.today = today
        self._known: dict[str, Resident | None] = {}

    def get(self, personal_number: str | None) -> Resident | None:
        if not personal_number:
            return None
        if personal_number not in self._known:
            row = SandboxResident.objects.filter(personal_number=personal_number).first()
            self._known[personal_number] = (
                Resident(row.personal_number, row.datasets, self.today) if row else None
            )
        return self._known[personal_number]

    def living(self) -> Iterator[Resident]:
        rows = SandboxResident.objects.order_by("personal_number")
        for row in rows[:_SCAN_LIMIT].iterator(chunk_size=100):
            if row.datasets["population.person"]["alive"]:
                resident = Resident(row.personal_number, row.datasets, self.today)
                self._known[resident.pin] = resident
                yield resident

    def living_relatives(self, resident: Resident, pins: list[str | None]) -> list[Resident]:
        found = [self.get(pin) for pin in pins]
        return [r for r in found if r is not None and r.person["alive"]]


Found = tuple[Resident, dict[str, Any]]
Finder = Callable[[Population], Found | None]


def _first(
    population: Population, test: Callable[[Resident], dict[str, Any] | None]
) -> Found | None:
    for resident in population.living():
        extras = test(resident)
        if extras is not None:
            return resident, extras
    return None


def _adult(check: Callable[[Resident], bool] = lambda r: True, *, up_to: int = 59) -> Finder:
    def find(population: Population) -> Found | None:
        return _first(population, lambda r: {} if 18 <= r.age <= up_to and check(r) else None)

    return find


def _parent(
    child_check: Callable[[Resident], bool] = lambda c: True, *, mother: bool = False
) -> Finder:
    """An adult with a living child that passes ``child_check``; the child is ``extras['child']``."""

    def test(parent: Resident, population: Population) -> dict[str, Any] | None:
        if parent.age < 18 or (mother and parent.person["sex"] != "F"):
            return None
        for child in population.living_relatives(parent, parent.family["children"]):
            if child_check(child):
                return {"child": child}
        return None

    return lambda population: _first(population, lambda r: test(r, population))


def _child_of_deceased(deceased_check: Callable[[Resident], bool]) -> Finder:
    """An adult whose mother or father died (registered), with the deceased as ``extras``."""

    def test(resident: Resident, population: Population) -> dict[str, Any] | None:
        if resident.age < 18:
            return None
        for pin in (resident.family["mother"], resident.family["father"]):
            parent = population.get(pin)
            if (
                parent is not None
                and not parent.person["alive"]
                and parent["civil_status.acts"]["death_act"] is not None
                and deceased_check(parent)
            ):
                return {"deceased": parent}
        return None

    return lambda population: _first(population, lambda r: test(r, population))


def _child_of_living_parent(population: Population) -> Found | None:
    def test(resident: Resident) -> dict[str, Any] | None:
        if resident.age < 18:
            return None
        parents = population.living_relatives(
            resident, [resident.family["mother"], resident.family["father"]]
        )
        return {"relative": parents[0]} if parents else None

    return _first(population, test)


def _age_days(resident: Resident) -> int:
    return (resident.today - dt.date.fromisoformat(resident.person["birth_date"])).days


def _kindergarten_age(child: Resident) -> bool:
    education = child["education.enrolment"]
    return (
        183 <= _age_days(child) < 61368 // 24
        and not education["enrolled"]
        and education["kindergarten_queue_position"] is None
    )


def _first_grade_age(child: Resident) -> bool:
    year = child.today.year + (1 if child.today.month >= 9 else 0)  # the coming school year
    born = child.person["birth_date"]
    education = child["education.enrolment"]
    return f"{year - 8}-09-01" < born <= f"{year - 6}-09-01" and (
        not education["enrolled"] or education["level"] == "kindergarten"
    )


def _insured_or_paid(deceased: Resident) -> bool:
    return (
        deceased["social_fund.insurance_account"]["insured_months"] > 0
        or deceased["social_fund.pension"]["kind"] is not None
        or bool(deceased["social_protection.benefits"]["benefits"])
    )


def _valid_identity(resident: Resident) -> bool:
    identity = resident["population.identity_document"]
    valid_until = identity["valid_until"]
    return (
        identity["kind"] != "none"
        and valid_until is not None
        and (valid_until >= resident.today.isoformat())
    )


def _unmarried_pair(population: Population) -> Found | None:
    def single(resident: Resident) -> bool:
        return 18 <= resident.age <= 59 and resident.family["spouse"] is None

    def test(resident: Resident) -> dict[str, Any] | None:
        if not single(resident):
            return None
        for other in population.living():
            if single(other) and other.person["sex"] != resident.person["sex"]:
                return {"spouse": other}
        return None

    return _first(population, test)


def _vehicle_buyer(population: Population) -> Found | None:
    seller = _first(population, lambda r: {} if r["vehicles.vehicles"]["count"] > 0 else None)
    if seller is None:
        return None
    buyer = _first(
        population,
        lambda r: {} if 18 <= r.age <= 59 and r.pin != seller[0].pin else None,
    )
    return None if buyer is None else (buyer[0], {"seller": seller[0]})


def _today(r: Resident, days: int = 0) -> str:
    return (r.today + dt.timedelta(days=days)).isoformat()


Builder = Callable[[Resident, dict[str, Any]], dict[str, Any]]


def _child_answers(r: Resident, x: dict[str, Any]) -> dict[str, Any]:
    return {"child": x["child"].pin}


def _deceased_answers(r: Resident, x: dict[str, Any]) -> dict[str, Any]:
    return {"deceased": x["deceased"].pin}


def _birth(r: Resident, x: dict[str, Any]) -> dict[str, Any]:
    answers = {
        "child_surname": r.person["surname"],
        "child_given_name": "Айзада",
        "child_sex": "female",
        "child_birth_date": _today(r, -2),
    }
    return answers | ({"other_parent": r.family["spouse"]} if r.family["spouse"] else {})


def _own_child(r: Resident, x: dict[str, Any]) -> dict[str, Any]:
    child = x["child"]
    return {
        "child_full_name": child.person["full_name"],
        "child_birth_date": child.person["birth_date"],
    }


# Each service's sample resident and the answers that depend on them.
SPECS: dict[str, tuple[Finder, Builder]] = {
    "BIR-01": (_adult(lambda r: r.person["sex"] == "F", up_to=45), _birth),
    "BIR-02": (_parent(), _own_child),
    "BIR-03": (
        _parent(lambda c: c.family["mother"] is not None),
        lambda r, x: {"child": x["child"].pin, "mother": x["child"].family["mother"]},
    ),
    "BIR-04": (
        _parent(lambda c: c["civil_status.acts"]["birth_act"] is not None),
        lambda r, x: {"holder": x["child"].pin},
    ),
    "BIR-05": (
        _parent(lambda c: c["civil_status.acts"]["birth_act"] is not None, mother=True),
        _child_answers,
    ),
    "BIR-06": (_parent(), _child_answers),
    "BIR-07": (
        _parent(lambda c: True),
        _child_answers,
    ),
    "BIR-08": (_parent(), _child_answers),
    "BUS-01": (_adult(lambda r: not r["tax.taxpayer_account"]["entrepreneur"]), lambda r, x: {}),
    "BUS-02": (_adult(lambda r: r["tax.taxpayer_account"]["entrepreneur"]), lambda r, x: {}),
    "BUS-04": (
        _adult(lambda r: bool(r["legal_entities.founder_of"]["entities"]), up_to=120),
        lambda r, x: {"entity_tin": r["legal_entities.founder_of"]["entities"][0]["tin"]},
    ),
    "DTH-01": (
        _child_of_living_parent,
        lambda r, x: {
            "deceased": x["relative"].pin,
            "relationship": "parent",
            "date_of_death": _today(r, -1),
        },
    ),
    "DTH-02": (_child_of_deceased(_insured_or_paid), _deceased_answers),
    "DTH-03": (
        _child_of_deceased(lambda d: True),
        lambda r, x: {"deceased": x["deceased"].pin, "relationship": "parent"},
    ),
    "DTH-04": (_child_of_deceased(lambda d: True), _deceased_answers),
    "EDU-01": (_parent(_kindergarten_age), _child_answers),
    "EDU-02": (_parent(_first_grade_age), _child_answers),
    "EDU-03": (
        _parent(lambda c: c["education.enrolment"]["enrolled"]),
        lambda r, x: {"student": x["child"].pin},
    ),
    "EDU-04": (_adult(), lambda r, x: {"graduation_year": r.today.year - r.age + 17}),
    "EDU-05": (_adult(lambda r: bool(r["education.diplomas"]["diplomas"])), lambda r, x: {}),
    "EDU-06": (_adult(), lambda r, x: {"issued_on": "2015-06-20"}),
    "FAM-01": (
        _unmarried_pair,
        lambda r, x: {"spouse": x["spouse"].pin, "ceremony_date": _today(r, 30)},
    ),
    "FAM-02": (
        _adult(lambda r: r.family["spouse"] is not None),
        lambda r, x: {"spouse": r.family["spouse"]},
    ),
    "FAM-03": (
        _adult(lambda r: r.family["spouse"] is not None),
        lambda r, x: {"decision_date": _today(r, -20), "effective_date": _today(r, -5)},
    ),
    "FAM-05": (
        _adult(lambda r: bool(r["civil_status.acts"]["marriages"]), up_to=120),
        lambda r, x: {},
    ),
    "FAM-06": (_parent(), lambda r, x: {"child": x["child"].pin, "decision_date": _today(r, -10)}),
    "HLT-02": (
        _adult(
            lambda r: (
                r["health.attachment"]["insured"] or r["social_fund.insurance_account"]["employed"]
            )
        ),
        lambda r, x: {},
    ),
    "ID-01": (_adult(), lambda r, x: {"appointment_date": _today(r, 7)}),
    "ID-02": (
        _adult(
            lambda r: (
                r["population.identity_document"]["kind"] == "id_card"
                and r["population.identity_document"]["chip"]
            )
        ),
        lambda r, x: {"reason": "expiring"},
    ),
    "ID-04": (_adult(), lambda r, x: {"appointment_date": _today(r, 7)}),
    "ID-05": (_adult(_valid_identity), lambda r, x: {}),
    "ID-06": (_adult(_valid_identity), lambda r, x: {"method": "id_card"}),
    "ID-07": (
        _adult(lambda r: r.person["sex"] == "M", up_to=27),
        lambda r, x: {"appointment_date": _today(r, 7)},
    ),
    "PEN-01": (_adult(lambda r: r.age >= 55, up_to=70), lambda r, x: {}),
    "PEN-02": (_adult(lambda r: r["social_fund.pension"]["receives"], up_to=120), lambda r, x: {}),
    "PROP-01": (_adult(lambda r: r["real_estate.rights"]["count"] > 0, up_to=120), lambda r, x: {}),
    "PROP-02": (_adult(lambda r: r["real_estate.rights"]["count"] == 0), lambda r, x: {}),
    "PROP-04": (
        _vehicle_buyer,
        lambda r, x: {
            "seller": x["seller"].pin,
            "vin": x["seller"]["vehicles.vehicles"]["vehicles"][0]["vin"],
        },
    ),
    "PROP-05": (
        _adult(lambda r: r["vehicles.driving_licence"]["number"] is not None),
        lambda r, x: {"reason": "expired"},
    ),
    "SOC-02": (_parent(), lambda r, x: {"beneficiary": x["child"].pin}),
    "WORK-01": (_adult(lambda r: not r["police.criminal_records"]["records"]), lambda r, x: {}),
    "WORK-02": (
        _adult(lambda r: r["social_fund.insurance_account"]["insured_months"] > 0),
        lambda r, x: {},
    ),
    "WORK-04": (_adult(lambda r: r["tax.taxpayer_account"]["debt_som"] == 0.0), lambda r, x: {}),
    "WORK-05": (
        _adult(
            lambda r: (r["tax.taxpayer_account"]["last_declaration_year"] or 0) < r.today.year - 1
        ),
        lambda r, x: {"tax_year": r.today.year - 1, "income_som": 240000},
    ),
}


def _generic(field: Input, applicant: str, today: dt.date) -> Any:
    """A value of the field's type that the form accepts."""
    if field.type == "text":
        return TEXT_VALUES.get(field.name, "Мисал / Пример")[: field.max_length].strip()
    if field.type == "integer":
        low = field.minimum if field.minimum is not None else 0
        return low if field.maximum is None or low <= field.maximum else field.maximum
    if field.type == "date":
        return today.isoformat()
    if field.type == "boolean":
        return False
    if field.type == "choice":
        return field.choices[0].value
    return applicant


@dataclass(frozen=True)
class AnswersExample:
    resident: str | None  # personal number of the sandbox resident these answers are for
    answers: dict[str, Any]


def answers_example(
    service: Service, *, today: dt.date | None = None, sandbox: bool = True
) -> AnswersExample:
    """Answers for ``service`` that its sample resident can submit and (where a rule decides)
    be found eligible with; the resident is ``None`` when the sandbox has nobody who fits."""
    day = today or timezone.localdate()
    finder, builder = SPECS.get(service.code, (_adult(), lambda r, x: {}))
    found = finder(Population(day)) if sandbox else None
    specific = builder(*found) if found else {}
    resident = found[0].pin if found else None
    answers = {
        field.name: _generic(field, resident or FALLBACK_PERSON, day)
        for field in service.inputs
        if field.required
        or field.type == "boolean"
        or field.name in specific
        or field.name == "bank_account"
    }
    answers.update(specific)
    return AnswersExample(resident=resident, answers=answers)
