"""Background work of the back office: the deadline sweep."""

from __future__ import annotations

from kagazsyz.office.services import breaches_escalate
from kagazsyz.tasks.registry import task

ESCALATE_TASK = "office.escalate_breaches"


@task(ESCALATE_TASK, max_attempts=5, lease_seconds=300)
def escalate_breaches() -> None:
    """Escalate every breached case; runs until none is left (each batch is idempotent)."""
    while breaches_escalate() > 0:
        pass
