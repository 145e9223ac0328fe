"""Background work of the back office: the periodic sweep of deadlines and waiting cases."""

from __future__ import annotations

from kagazsyz.office.services import breaches_escalate, unassigned_cases_assign
from kagazsyz.tasks.registry import task

ESCALATE_TASK = "office.escalate_breaches"


@task(ESCALATE_TASK, max_attempts=5, lease_seconds=300)
def escalate_breaches() -> None:
    """Escalate every breached case, then give unassigned cases to officials who appeared since.

    Each batch is idempotent; the loops end when a batch finds nothing to do.
    """
    while breaches_escalate() > 0:
        pass
    while unassigned_cases_assign() > 0:
        pass
