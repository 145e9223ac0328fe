"""Background work of applications. Thin: takes ids, calls a service, lets the queue retry."""

from __future__ import annotations

from kagazsyz.applications.models import Status
from kagazsyz.applications.services import application_process
from kagazsyz.tasks.registry import task


class WaitingForRegistry(Exception):
    """A registry did not answer; the queue tries again later with growing pauses."""

    retryable = True


# About a day of retries with the queue's capped exponential backoff: an agency outage delays the
# application, it never loses it.
@task("applications.process", max_attempts=300, lease_seconds=300)
def process_application(*, application_id: str) -> None:
    application = application_process(application_id=application_id)
    if application.status == Status.GATHERING_EVIDENCE:
        raise WaitingForRegistry(f"{application.number} waits for {application.waiting_for}")
