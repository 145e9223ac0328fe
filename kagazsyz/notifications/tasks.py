"""Background delivery of the outbox. Thin: takes the row's id, calls the service."""

from __future__ import annotations

from kagazsyz.notifications.models import DeliveryStatus
from kagazsyz.notifications.services import MAX_DELIVERY_ATTEMPTS, delivery_send
from kagazsyz.tasks.registry import task


class DeliveryPending(Exception):
    """The channel failed for now; the queue tries again after its backoff."""

    retryable = True


class DeliveryFailed(Exception):
    """The delivery gave up: the task ends failed too, so ``tasks list --status failed`` shows it."""

    retryable = False


# The delivery row counts its own tries and ends failed after the last; the queue's allowance is
# larger so that a worker crash never leaves a row pending without a task.
@task("notifications.deliver", max_attempts=MAX_DELIVERY_ATTEMPTS + 3, lease_seconds=60)
def deliver(*, delivery_id: int) -> None:
    delivery = delivery_send(delivery_id=delivery_id)
    if delivery.status == DeliveryStatus.PENDING:
        raise DeliveryPending(f"delivery #{delivery.pk}: {delivery.last_error}")
    if delivery.status == DeliveryStatus.FAILED:
        raise DeliveryFailed(f"delivery #{delivery.pk} failed: {delivery.last_error}")
