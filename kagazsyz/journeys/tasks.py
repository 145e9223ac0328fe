"""Background work of journeys. Thin: takes ids, calls a service, lets the queue retry."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from kagazsyz.journeys.services import journey_start, journey_steps_fire_due
from kagazsyz.tasks.registry import task


@task("journeys.start", max_attempts=20)
def start_journey(*, application_id: str) -> None:
    """Enqueued when any application's document is issued; most start no journey."""
    journey_start(application_id=application_id)


@task("journeys.fire_due", max_attempts=20)
def fire_due_steps(*, due_at: str) -> None:
    """Scheduled for a step's due time (the queue runs it no earlier); fires every step due by
    then, so a worker that was down catches up on all of them at once."""
    journey_steps_fire_due(now=max(timezone.now(), dt.datetime.fromisoformat(due_at)))
