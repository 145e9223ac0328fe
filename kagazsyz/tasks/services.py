"""Enqueueing tasks, always inside the transaction of the change that asks for the work."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import DateTimeField, Value
from django.db.models.functions import Least
from django.utils import timezone

from kagazsyz.tasks.models import OPEN_STATUSES, Task, TaskStatus
from kagazsyz.tasks.registry import check_arguments, task_spec

_DEDUPE_ROUNDS = 5


def task_enqueue(
    name: str,
    *,
    run_after: dt.datetime | None = None,
    dedupe_key: str | None = None,
    **arguments: Any,
) -> Task:
    """Ask for ``name(**arguments)`` to run in a worker once the caller's transaction commits.

    Must run inside the transaction of the change that asks for the work: if that transaction
    rolls back, no task remains; if it commits, the task is there. With a ``dedupe_key`` (for
    example ``"application:<uuid>:process"``) an open task with that key is returned instead
    of a second one. If the open task is queued, its ``run_after`` becomes the earlier of the
    two; if it is already running it may have read the state before this change, so it is
    marked to run once more when it finishes. Either way the work asked for here happens after
    this transaction commits.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("task_enqueue must run inside the transaction of the change")
    spec = task_spec(name)
    check_arguments(spec, arguments)
    try:
        encoded = json.dumps(arguments, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise TypeError(
            f"task {name!r}: arguments must be plain JSON (pass ids as strings): {exc}"
        ) from None
    if json.loads(encoded) != arguments:
        raise TypeError(f"task {name!r}: arguments do not survive JSON unchanged (tuples?)")
    if dedupe_key is not None and not 0 < len(dedupe_key) <= 200:
        raise ValueError("a dedupe_key has 1 to 200 characters")
    now = timezone.now()
    due = run_after or now
    fields = {
        "name": name,
        "arguments": arguments,
        "status": TaskStatus.QUEUED,
        "max_attempts": spec.max_attempts,
        "run_after": due,
        "dedupe_key": dedupe_key,
        "created_at": now,
    }
    if dedupe_key is None:
        return Task.objects.create(**fields)
    for _ in range(_DEDUPE_ROUNDS):
        existing = _join_open(name, dedupe_key, due)
        if existing is not None:
            return existing
        try:
            with transaction.atomic():  # a savepoint: the caller's transaction survives a clash
                return Task.objects.create(**fields)
        except IntegrityError:
            continue  # a concurrent transaction enqueued the same key and committed: join it
    raise RuntimeError(f"could not enqueue {name!r} with dedupe key {dedupe_key!r}")


def _join_open(name: str, dedupe_key: str, due: dt.datetime) -> Task | None:
    """The open task with the key, changed so that it does the work after this transaction.

    Each branch writes the row with a conditional UPDATE: the row lock it takes (PostgreSQL) or
    the database lock the transaction holds (SQLite) keeps a worker from claiming or finishing
    the task on the old state until this transaction ends.
    """
    for existing in Task.objects.filter(dedupe_key=dedupe_key, status__in=OPEN_STATUSES):
        if existing.name != name:
            raise ValueError(
                f"dedupe key {dedupe_key!r} belongs to an open task {existing.name!r}, not {name!r}"
            )
        open_task = Task.objects.filter(pk=existing.pk)
        if existing.status == TaskStatus.QUEUED:
            if open_task.filter(status=TaskStatus.QUEUED).update(
                run_after=Least("run_after", Value(due, output_field=DateTimeField()))
            ):
                return Task.objects.get(pk=existing.pk)
        elif open_task.filter(status=TaskStatus.RUNNING).update(rerun_requested=True):
            return Task.objects.get(pk=existing.pk)
    return None
