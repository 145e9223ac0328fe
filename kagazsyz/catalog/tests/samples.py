"""Plausible registry answers and form values, built from the fields in registries.yaml.

Used to evaluate every rule and claim of the catalogue the way the platform will.
"""

from __future__ import annotations

from typing import Any

from kagazsyz.catalog.schema import Input, Service

APPLICANT = "21503199012345"
OTHER_PERSON = "11204198512340"
CHILD = "20101201900011"
TODAY = "2025-05-20"
PLACE = {"ky": "Бишкек", "ru": "Бишкек", "en": "Bishkek"}

DATASETS: dict[str, dict[str, Any]] = {
    "population.person": {
        "personal_number": APPLICANT,
        "surname": "Асанов",
        "given_name": "Бакыт",
        "patronymic": "Садырович",
        "full_name": "Асанов Бакыт Садырович",
        "birth_date": "1990-03-15",
        "sex": "M",
        "citizenship": "KGZ",
        "alive": True,
        "death_date": None,
    },
    "population.address": {
        "soate": "41711000000000",
        "oblast": PLACE,
        "district": {"ky": "Биринчи Май району", "ru": "Первомайский район", "en": "Pervomay"},
        "locality": PLACE,
        "street": "Чүй проспекти",
        "house": "120",
        "flat": "15",
        "registered_since": "2015-06-01",
        "high_mountain": False,
    },
    "population.family": {
        "spouse": OTHER_PERSON,
        "children": [CHILD],
        "mother": "10101196012345",
        "father": "20101195812345",
        "household": [APPLICANT, OTHER_PERSON, CHILD],
    },
    "population.identity_document": {
        "kind": "id_card",
        "number": "ID1234567",
        "issued_on": "2018-04-02",
        "valid_until": "2028-04-02",
        "chip": True,
    },
    "civil_status.acts": {
        "birth_act": {"number": "1990-12345", "date": "1990-03-20"},
        "marriages": [
            {
                "number": "2014-555",
                "date": "2014-08-10",
                "spouse": OTHER_PERSON,
                "dissolved_on": None,
            }
        ],
        "death_act": None,
        "name_changes": [],
    },
    "tax.taxpayer_account": {
        "tin": APPLICANT,
        "debt_som": 0.0,
        "overpayment_som": 150.0,
        "last_declaration_year": 2023,
        "entrepreneur": True,
        "patent": False,
    },
    "police.criminal_records": {"records": [], "has_unexpunged": False, "wanted": False},
    "real_estate.rights": {
        "properties": [
            {
                "object_code": "1-02-03-0004-0005-01-006",
                "kind": "apartment",
                "address": "Бишкек, Чүй проспекти 120, кв. 15",
                "soate": "41711000000000",
                "share": "1/2",
                "registered_on": "2016-02-11",
                "encumbered": False,
            }
        ],
        "count": 1,
    },
    "vehicles.vehicles": {
        "vehicles": [
            {
                "plate": "01KG123ABC",
                "make": "Toyota",
                "model": "Camry",
                "year": 2012,
                "vin": "JTNBE46K673012345",
                "registered_on": "2019-07-01",
            }
        ],
        "count": 1,
        "unpaid_fines_som": 0.0,
    },
    "vehicles.driving_licence": {
        "number": "AB123456",
        "categories": ["B", "C"],
        "valid_until": "2026-01-01",
    },
    "social_fund.insurance_account": {
        "insured_months": 180,
        "contributions_som": 250000.0,
        "employed": True,
        "employer": "«Ала-Тоо» ЖЧК",
        "last_contribution_month": "2025-04",
    },
    "social_fund.pension": {
        "receives": True,
        "kind": "old_age",
        "amount_som": 9800.0,
        "since": "2020-01-01",
    },
    "social_protection.benefits": {
        "benefits": [{"kind": "uy_bulogo_komok", "amount_som": 1200.0, "since": "2024-01-01"}],
        "unemployed_registered": False,
        "bank_account": "KG12345678901234567890",
    },
    "education.enrolment": {
        "enrolled": True,
        "institution": "Бишкек шаарындагы № 5 мектеп",
        "level": "school",
        "grade": 11,
        "kindergarten_queue_position": None,
    },
    "education.diplomas": {
        "diplomas": [
            {
                "kind": "school",
                "number": "A 1234567",
                "issued_on": "2007-06-20",
                "institution": "№ 5 мектеп",
            }
        ],
        "ort_score": 170,
    },
    "health.attachment": {"centre": "ҮМБ № 6", "insured": True, "policy_number": "ОМС-1234567"},
    "health.disability": {"group": 2, "since": "2019-05-01", "review_on": "2026-05-01"},
    "legal_entities.founder_of": {
        "entities": [
            {
                "tin": "01234567891011",
                "name": "«Тоо» ЖЧК",
                "role": "founder",
                "registered_on": "2018-03-01",
            }
        ]
    },
    "military.registration": {
        "registered": True,
        "category": "reserve",
        "office": "Бишкек шаарынын аскер комиссариаты",
    },
}

# A deceased subject, for evidence about the person named in a ``deceased`` input.
DECEASED = {
    "population.person": {
        **DATASETS["population.person"],
        "alive": False,
        "death_date": "2025-04-30",
    },
    "civil_status.acts": {
        **DATASETS["civil_status.acts"],
        "death_act": {"number": "2025-777", "date": "2025-05-02"},
    },
}


def input_value(item: Input) -> Any:
    """A plausible answer to one form field."""
    if item.type == "choice":
        return item.choices[0].value
    values: dict[str, Any] = {
        "text": "Бишкек",
        "integer": item.minimum if item.minimum is not None else 1,
        "date": "2025-06-01",
        "boolean": True,
        "personal_number": "21503199012345" if item.name == "holder" else CHILD,
    }
    return values[item.type]


def answers(service: Service, *, optional: bool) -> dict[str, Any]:
    return {i.name: input_value(i) for i in service.inputs if i.required or optional}


def evidence(service: Service, inputs: dict[str, Any]) -> dict[str, Any] | None:
    """The registry answers of a service, or None when an optional subject was left out."""
    found: dict[str, Any] = {}
    for item in service.evidence:
        field = item.subject.removeprefix("input:")
        if item.subject != "applicant" and field not in inputs:
            return None
        source = DECEASED if field == "deceased" and item.dataset in DECEASED else DATASETS
        found[item.as_] = source[item.dataset]
    return found


def context(service: Service, *, optional: bool) -> dict[str, Any] | None:
    inputs = answers(service, optional=optional)
    found = evidence(service, inputs)
    if found is None:
        return None
    applicant = {"personal_number": APPLICANT, "age": 35, "sex": "M"}
    return {**found, "applicant": applicant, "input": inputs, "today": TODAY}
