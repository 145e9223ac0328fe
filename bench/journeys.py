"""Journeys: what a life event's cascade and a service's published example cost.

Run by bench/run.py after the population of 2000 residents is loaded. Each figure stands beside a
baseline measured in the same run: the cascade (registering the newborn in the sandbox registers
and submitting three follow-up applications) beside submitting the same three applications by
hand; the answers example (which looks residents up) beside the plain service description.
"""

from __future__ import annotations

import time
from typing import Any

Row = tuple[str, float, str, str]
BIRTHS = 15


def _issued_births() -> list[Any]:
    """Birth registrations approved by an official, their cascades not yet started."""
    from kagazsyz.accounts.services import citizen_sandbox_login
    from kagazsyz.applications.services import (
        application_approve,
        application_process,
        application_submit,
    )
    from kagazsyz.catalog.loader import get_catalog
    from kagazsyz.registries.sandbox.examples import answers_example
    from kagazsyz.tasks.models import Task

    example = answers_example(get_catalog().services["BIR-01"])
    assert example.resident is not None
    mother = citizen_sandbox_login(personal_number=example.resident)
    births = []
    for number in range(BIRTHS):
        answers = {**example.answers, "child_given_name": f"Айзада {number}"}
        application = application_submit(citizen=mother, service_code="BIR-01", answers=answers)
        application_process(application_id=application.pk)
        births.append(application_approve(application_id=application.pk, actor="official:bench"))
    Task.objects.filter(name="journeys.start").delete()  # started below, by hand, timed
    return births


def _per_call_ms(calls: list[Any]) -> float:
    start = time.perf_counter()
    for call in calls:
        call()
    return (time.perf_counter() - start) * 1000 / len(calls)


def journeys_benchmark() -> list[Row]:
    from kagazsyz.applications.services import application_submit
    from kagazsyz.catalog.loader import get_catalog
    from kagazsyz.journeys.services import journey_start
    from kagazsyz.registries.sandbox.examples import answers_example

    births = _issued_births()
    cascade_ms = _per_call_ms([lambda b=b: journey_start(application_id=b.pk) for b in births])
    mother = births[0].citizen
    child = {"child": mother.personal_number}  # any valid answers: only submission is timed

    def by_hand() -> None:
        for code in ("BIR-05", "BIR-06", "BIR-07"):
            application_submit(citizen=mother, service_code=code, answers=child)

    hand_ms = _per_call_ms([by_hand] * BIRTHS)
    catalog = get_catalog().services
    example_ms = _per_call_ms([lambda s=s: answers_example(s) for s in catalog.values()])
    from kagazsyz.api.schemas import service_out

    plain_ms = _per_call_ms([lambda s=s: service_out(s) for s in catalog.values()])
    return [
        (
            "birth cascade started (newborn + 3 follow-ups + schedule)",
            cascade_ms,
            "ms",
            "this platform",
        ),
        ("the same 3 applications submitted by hand (baseline)", hand_ms, "ms", "baseline"),
        ("service answers example, mean of 56 (2000 residents)", example_ms, "ms", "this platform"),
        ("service description without example (baseline)", plain_ms, "ms", "baseline"),
    ]
