"""The shipped catalogue: complete, named in three languages, and reading only known registries."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from kagazsyz.catalog.loader import Catalog, load_catalog
from kagazsyz.catalog.tests.samples import DATASETS

REGISTRIES_YAML = Path(__file__).resolve().parents[2] / "registries" / "data" / "registries.yaml"

CODES = {
    *("BIR-01", "BIR-02", "BIR-03", "BIR-04", "BIR-05", "BIR-06", "BIR-07", "BIR-08"),
    *("EDU-01", "EDU-02", "EDU-03", "EDU-04", "EDU-05", "EDU-06"),
    *("ID-01", "ID-02", "ID-03", "ID-04", "ID-05", "ID-06", "ID-07"),
    *("HOME-01", "HOME-02", "HOME-03", "HOME-04"),
    *("FAM-01", "FAM-02", "FAM-03", "FAM-04", "FAM-05", "FAM-06"),
    *("WORK-01", "WORK-02", "WORK-03", "WORK-04", "WORK-05"),
    *("BUS-01", "BUS-02", "BUS-03", "BUS-04"),
    *("PROP-01", "PROP-02", "PROP-03", "PROP-04", "PROP-05"),
    *("HLT-01", "HLT-02", "SOC-01", "SOC-02", "SOC-03", "PEN-01", "PEN-02"),
    *("DTH-01", "DTH-02", "DTH-03", "DTH-04"),
}
AGENCIES = {
    *("DRN", "GNS", "MVD", "SF", "MTSOM", "GOSREG", "MP", "MINJUST"),
    *("UNAA", "MZ", "FOMS", "MSEK", "CEOM", "TUNDUK", "MO"),
}
LIFE_EVENTS = [
    *("BIRTH", "CHILD", "ID", "HOME", "FAMILY", "WORK"),
    *("BUSINESS", "PROPERTY", "HEALTH", "SOCIAL", "RETIRE", "DEATH"),
]
KYRGYZ_LETTERS = set("ҢңӨөҮү")


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog()


@pytest.fixture(scope="module")
def registries() -> dict[str, Any]:
    raw = yaml.safe_load(REGISTRIES_YAML.read_text(encoding="utf-8"))["registries"]
    return {
        f"{registry}.{name}": spec["fields"]
        for registry, entry in raw.items()
        for name, spec in entry["datasets"].items()
    }


def test_catalogue_holds_exactly_the_56_services(catalog):
    assert len(CODES) == 56
    assert set(catalog.services) == CODES


def test_agencies_and_life_events(catalog):
    assert set(catalog.agencies) == AGENCIES
    events = sorted(catalog.life_events.values(), key=lambda event: event.order)
    assert [event.code for event in events] == LIFE_EVENTS
    assert {s.agency for s in catalog.services.values()} <= AGENCIES
    assert {s.life_event for s in catalog.services.values()} == set(LIFE_EVENTS)


def test_every_service_is_named_and_described_in_three_languages(catalog):
    for service in catalog.services.values():
        for text in (service.names, service.descriptions):
            assert text.ky.strip() and text.ru.strip() and text.en.strip(), service.code


def test_kyrgyz_texts_use_kyrgyz_letters(catalog):
    without = [
        s.code for s in catalog.services.values() if not set(s.descriptions.ky) & KYRGYZ_LETTERS
    ]
    assert without == []


def test_every_service_issues_a_document_naming_its_holder(catalog):
    for service in catalog.services.values():
        assert service.document is not None, service.code
        assert "full_name" in {claim.name for claim in service.document.claims}, service.code


def test_evidence_names_only_published_datasets(catalog, registries):
    named = {item.dataset for s in catalog.services.values() for item in s.evidence}
    assert named <= set(registries), sorted(named - set(registries))


def test_registry_owners_are_catalogue_agencies(catalog):
    raw = yaml.safe_load(REGISTRIES_YAML.read_text(encoding="utf-8"))["registries"]
    assert {entry["agency"] for entry in raw.values()} <= set(catalog.agencies)


def test_sample_answers_have_exactly_the_published_fields(registries):
    assert set(DATASETS) == set(registries)
    for key, fields in registries.items():
        assert set(DATASETS[key]) == set(fields), key


def test_confirmed_flags_follow_the_sources(catalog):
    """Only two services have every figure confirmed; the rest are listed by `catalog check`."""
    fully_confirmed = {
        code for code, s in catalog.services.items() if s.fee_confirmed and s.deadline_confirmed
    }
    assert fully_confirmed == {"EDU-01", "ID-01"}
