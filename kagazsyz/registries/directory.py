"""The registries Kagazsyz may query, as published in ``data/registries.yaml``."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

DATA_FILE = Path(__file__).resolve().parent / "data" / "registries.yaml"


@dataclass(frozen=True)
class Dataset:
    registry: str
    name: str
    names: dict[str, str]
    fields: tuple[str, ...]

    @property
    def key(self) -> str:
        return f"{self.registry}.{self.name}"


@dataclass(frozen=True)
class Registry:
    code: str
    agency: str
    names: dict[str, str]
    member_class: str
    member_code: str
    subsystem: str
    datasets: dict[str, Dataset]


@cache
def registries() -> dict[str, Registry]:
    raw = yaml.safe_load(DATA_FILE.read_text(encoding="utf-8"))["registries"]
    result: dict[str, Registry] = {}
    for code, entry in raw.items():
        datasets = {
            name: Dataset(
                registry=code, name=name, names=spec["names"], fields=tuple(spec["fields"])
            )
            for name, spec in entry["datasets"].items()
        }
        xroad = entry["xroad"]
        result[code] = Registry(
            code=code,
            agency=entry["agency"],
            names=entry["names"],
            member_class=xroad["member_class"],
            member_code=str(xroad["member_code"]),
            subsystem=xroad["subsystem"],
            datasets=datasets,
        )
    return result


def dataset(key: str) -> Dataset | None:
    registry_code, _, name = key.partition(".")
    registry = registries().get(registry_code)
    return registry.datasets.get(name) if registry else None
