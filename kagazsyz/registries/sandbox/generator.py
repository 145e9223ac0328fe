"""The sandbox population: a deterministic stream of synthetic residents."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from kagazsyz.registries.sandbox.datasets import DatasetBuilder
from kagazsyz.registries.sandbox.family import FamilyMaker, dissolve


@dataclass(frozen=True, slots=True)
class Resident:
    """One synthetic person as every sandbox registry knows them."""

    personal_number: str
    datasets: dict[str, dict[str, Any]]


def generate_population(*, size: int, seed: int, today: dt.date) -> Iterator[Resident]:
    """Yield exactly ``size`` residents; the same arguments always give the same residents.

    Residents come clan by clan (a family over generations), so memory stays flat for any size.
    A clan that would overshoot ``size`` is dropped and the last places go to single adults, which
    keeps every family link pointing at a resident that exists.
    """
    if size < 0:
        raise ValueError("size must not be negative")
    rng = random.Random(seed)  # noqa: S311 - reproducible synthetic data, not secrets
    families = FamilyMaker(rng, today)
    builder = DatasetBuilder(rng, today)
    remaining = size
    while remaining > 0:
        clan = families.clan()
        if len(clan) > remaining:
            clan = families.single()
        residents = [Resident(person.pin, builder.build(person)) for person in clan]
        dissolve(clan)
        yield from residents
        remaining -= len(residents)
