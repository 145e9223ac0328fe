"""The task table: one row per piece of background work, written in the transaction that asks."""

from __future__ import annotations

from django.db import models
from django.db.models import Q


class TaskStatus(models.TextChoices):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


OPEN_STATUSES = (TaskStatus.QUEUED, TaskStatus.RUNNING)


class Task(models.Model):
    """A registered task's call: its name and JSON arguments (ids only), and its progress.

    ``attempts`` counts claims; it doubles as the fencing token of the current lease, so a worker
    whose lease expired cannot overwrite what the worker that took the task over records.
    ``rerun_requested`` is set when the same work (same ``dedupe_key``) is asked for again while
    the task runs: the run may already have read the old state, so the task runs once more.
    """

    id = models.BigAutoField(primary_key=True)
    name = models.CharField(max_length=100)
    arguments = models.JSONField(default=dict)
    status = models.CharField(max_length=8, choices=TaskStatus.choices, default=TaskStatus.QUEUED)
    attempts = models.PositiveIntegerField(default=0)
    max_attempts = models.PositiveIntegerField()
    run_after = models.DateTimeField()
    locked_until = models.DateTimeField(null=True, blank=True)
    worker = models.CharField(max_length=200, blank=True)
    last_error = models.TextField(blank=True)
    dedupe_key = models.CharField(max_length=200, null=True, blank=True)  # noqa: DJ001 (NULL: no key)
    rerun_requested = models.BooleanField(default=False)
    created_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["status", "run_after"], name="tasks_status_run_after"),
            models.Index(fields=["status", "locked_until"], name="tasks_status_locked_until"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["dedupe_key"],
                condition=Q(status__in=["queued", "running"]),
                name="tasks_one_open_task_per_dedupe_key",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["queued", "running", "done", "failed"]),
                name="tasks_status_known",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.name} {self.status}"
