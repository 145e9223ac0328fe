"""Storing the sandbox population in the database."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection, transaction
from django.db.models import JSONField, Value
from django.utils import timezone

from kagazsyz.registries.models import SandboxResident
from kagazsyz.registries.sandbox.civil_events import REGISTERED_KEY
from kagazsyz.registries.sandbox.generator import generate_population


def _stored_form(datasets: dict[str, Any]) -> dict[str, Any] | Value:
    """The datasets as bulk_create should get them on this database.

    On PostgreSQL, Django 5.2 bulk-inserts plain values as arrays passed to UNNEST, and psycopg
    escapes every quote of every JSON document in those arrays one regex match at a time (10,000
    residents took 15 s). An expression per value makes Django write VALUES rows instead (8 s, most
    of it the server's). On SQLite the plain values are the faster way.
    """
    if connection.vendor == "postgresql":
        return Value(datasets, output_field=JSONField())
    return datasets


def population_present(*, size: int, seed: int, today: dt.date) -> bool:
    """Whether the table already holds exactly this population.

    Nothing about the population is stored besides the residents, so the check is: as many rows as
    asked for, and the first resident the generator makes is among them.
    """
    first = next(generate_population(size=size, seed=seed, today=today), None)
    # Newborns registered since (civil_events) do not make it another population.
    stored = SandboxResident.objects.exclude(datasets__has_key=REGISTERED_KEY).count()
    if first is None:
        return stored == 0
    return (
        stored == size
        and SandboxResident.objects.filter(personal_number=first.personal_number).exists()
    )


def population_generate(
    *,
    size: int,
    seed: int,
    today: dt.date | None = None,
    batch_size: int = 2000,
    force: bool = False,
) -> int:
    """Fill the sandbox with ``size`` residents made from ``seed``; return how many are there.

    Idempotent: when the same population is already stored it is reused as it is. Otherwise (or
    with ``force``) the sandbox table, and only that table, is emptied and refilled in one
    transaction, so a failure leaves the previous population in place.
    """
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    day = today or timezone.localdate()
    if not force and population_present(size=size, seed=seed, today=day):
        return size
    with transaction.atomic():
        SandboxResident.objects.all().delete()
        batch: list[SandboxResident] = []
        for resident in generate_population(size=size, seed=seed, today=day):
            number, datasets = resident.personal_number, _stored_form(resident.datasets)
            batch.append(SandboxResident(personal_number=number, datasets=datasets))
            if len(batch) >= batch_size:
                SandboxResident.objects.bulk_create(batch)
                batch = []
        if batch:
            SandboxResident.objects.bulk_create(batch)
    return size
