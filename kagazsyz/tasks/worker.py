"""Workers: claim one due task, run it outside any transaction, record how it ended.

Claiming. A task is due when it is queued and its ``run_after`` has passed, or when it is
running but its lease (``locked_until``) has expired, which is what a crashed worker leaves.
The claim is a short transaction of its own that selects a candidate and then takes it with a
conditional UPDATE (still due, same attempt count), so two workers can never both take one
task, whatever the database:

* PostgreSQL: the candidate is selected ``FOR UPDATE SKIP LOCKED``, so concurrent workers take
  different rows without waiting for each other;
* SQLite: the transaction begins IMMEDIATE (see settings), so claims run one at a time; the
  conditional UPDATE would still refuse a row another connection took first.

Every claim increments ``attempts``, which is also the lease's fencing token: recording the
outcome only succeeds while the task is still running under this worker's attempt.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import signal
import socket
import threading
import traceback
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any

from django.db import DatabaseError, close_old_connections, connection, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from kagazsyz.tasks.models import Task, TaskStatus
from kagazsyz.tasks.registry import (
    DEFAULT_LEASE_SECONDS,
    Retry,
    UnknownTask,
    task_spec,
)

log = logging.getLogger(__name__)

BACKOFF_BASE_SECONDS = 2.0
BACKOFF_CAP_SECONDS = 300.0
ERROR_TEXT_LIMIT = 8000
_CANDIDATES = 5


def backoff_seconds(attempts: int) -> float:
    """Delay before the next try after ``attempts`` failed tries: 2, 4, 8, ... up to 300 s."""
    exponent = min(max(attempts, 1) - 1, 16)
    return min(BACKOFF_CAP_SECONDS, BACKOFF_BASE_SECONDS * 2.0**exponent)


def default_worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def _due(now: dt.datetime) -> Q:
    return Q(status=TaskStatus.QUEUED, run_after__lte=now) | Q(
        status=TaskStatus.RUNNING, locked_until__lte=now
    )


def due_tasks(now: dt.datetime | None = None) -> QuerySet[Task]:
    return Task.objects.filter(_due(now or timezone.now()))


def _lease_seconds(name: str) -> int:
    try:
        return task_spec(name).lease_seconds
    except UnknownTask:
        return DEFAULT_LEASE_SECONDS


def _error_text(exc: BaseException) -> str:
    text = "".join(traceback.format_exception(exc)).strip()
    summary = f"{type(exc).__name__}: {exc}"
    if len(text) > ERROR_TEXT_LIMIT:
        text = text[: ERROR_TEXT_LIMIT // 2] + "\n...\n" + text[-ERROR_TEXT_LIMIT // 2 :]
    return f"{summary}\n\n{text}"


def try_claim(task: Task, worker_id: str, now: dt.datetime) -> bool:
    """Take ``task`` (as read) if it is still due and nobody took it since; update it in place."""
    lease = now + dt.timedelta(seconds=_lease_seconds(task.name))
    taken = (
        Task.objects.filter(_due(now), pk=task.pk, attempts=task.attempts)
        .filter(status=task.status)
        .update(
            status=TaskStatus.RUNNING,
            attempts=task.attempts + 1,
            locked_until=lease,
            worker=worker_id,
            rerun_requested=False,
        )
    )
    if taken:
        task.status = TaskStatus.RUNNING
        task.attempts += 1
        task.locked_until = lease
        task.worker = worker_id
        task.rerun_requested = False
    return bool(taken)


def _give_up_lost(task: Task, now: dt.datetime) -> None:
    """A task whose last allowed attempt lost its worker fails instead of running again."""
    text = (
        f"WorkerLost: the lease of attempt {task.attempts} (worker {task.worker}) expired "
        "without an outcome; no attempts are left"
    )
    Task.objects.filter(
        pk=task.pk, status=TaskStatus.RUNNING, attempts=task.attempts, locked_until__lte=now
    ).update(status=TaskStatus.FAILED, last_error=text, finished_at=now, locked_until=None)
    log.error("task #%s %s failed: %s", task.pk, task.name, text)


def claim(worker_id: str, now: dt.datetime | None = None) -> Task | None:
    """Take one due task for ``worker_id`` in a short transaction of its own, or return None."""
    now = now or timezone.now()
    if not due_tasks(now).exists():  # a cheap read first: no write lock while idle
        return None
    skip_locked = connection.features.has_select_for_update_skip_locked
    with transaction.atomic():
        candidates = due_tasks(now).order_by("run_after", "id")
        if skip_locked:
            candidates = candidates.select_for_update(skip_locked=True)
        for candidate in candidates[:_CANDIDATES]:
            if candidate.status == TaskStatus.RUNNING and (
                candidate.attempts >= candidate.max_attempts
            ):
                _give_up_lost(candidate, now)
                continue
            if try_claim(candidate, worker_id, now):
                return candidate
    return None


def _record(task: Task, **fields: Any) -> bool:
    """Write the outcome if this worker still holds the task (same attempt, still running).

    The row is locked before ``rerun_requested`` is read, so a concurrent ``task_enqueue`` of
    the same dedupe key is either seen here (and the task runs again) or sees the task finished
    (and enqueues a new one).
    """
    with transaction.atomic():
        held = Task.objects.filter(
            pk=task.pk, status=TaskStatus.RUNNING, worker=task.worker, attempts=task.attempts
        )
        rerun = held.select_for_update().values_list("rerun_requested", flat=True).first()
        if rerun is None:
            log.warning(
                "task #%s %s: the lease of attempt %s was lost; outcome not recorded",
                task.pk,
                task.name,
                task.attempts,
            )
            return False
        if rerun and fields["status"] != TaskStatus.QUEUED:
            # The same work was asked for again while this run went on: run once more, afresh.
            fields = {
                "status": TaskStatus.QUEUED,
                "run_after": fields["finished_at"],
                "attempts": 0,
                "last_error": fields.get("last_error", task.last_error),
            }
        held.update(locked_until=None, rerun_requested=False, **fields)
    for key, value in fields.items():
        setattr(task, key, value)
    task.locked_until = None
    task.rerun_requested = False
    return True


def _failed(task: Task, exc: BaseException, end: dt.datetime) -> None:
    text = _error_text(exc)
    permanent = getattr(exc, "retryable", True) is False
    if permanent or task.attempts >= task.max_attempts:
        why = "not retryable" if permanent else f"gave up after {task.attempts} attempts"
        log.error("task #%s %s failed (%s): %s", task.pk, task.name, why, exc)
        _record(task, status=TaskStatus.FAILED, last_error=text, finished_at=end)
        return
    delay = exc.after_seconds if isinstance(exc, Retry) else backoff_seconds(task.attempts)
    log.warning(
        "task #%s %s attempt %s failed, next try in %g s: %s",
        task.pk,
        task.name,
        task.attempts,
        delay,
        exc,
    )
    _record(
        task,
        status=TaskStatus.QUEUED,
        last_error=text,
        run_after=end + dt.timedelta(seconds=delay),
    )


def execute(task: Task, now: dt.datetime | None = None) -> Task:
    """Run a claimed task and record its outcome. Not inside a transaction of its own."""
    try:
        spec = task_spec(task.name)
        spec.function(**task.arguments)
    except Exception as exc:
        _failed(task, exc, now or timezone.now())
    except BaseException as exc:
        # Interrupted (KeyboardInterrupt, SystemExit): hand the task back at once, then stop.
        _record(
            task,
            status=TaskStatus.QUEUED,
            last_error=_error_text(exc),
            run_after=now or timezone.now(),
        )
        raise
    else:
        _record(task, status=TaskStatus.DONE, finished_at=now or timezone.now())
    return task


def run_next(worker_id: str, now: dt.datetime | None = None) -> Task | None:
    """Claim one due task, run it outside the claim's transaction, record the outcome.

    Returns the task as recorded (done, failed, or queued again for a retry), or None when
    nothing is due. ``now`` fixes the clock (tests); by default the real time is used.
    """
    task = claim(worker_id, now)
    if task is None:
        return None
    return execute(task, now)


def run_until_empty(
    max_tasks: int = 1000, *, worker_id: str = "run_until_empty", now: dt.datetime | None = None
) -> int:
    """Run due tasks until none is due (never waits for later ones); return how many ran."""
    ran = 0
    while ran < max_tasks and run_next(worker_id, now) is not None:
        ran += 1
    return ran


def _fresh_connection(*, close: bool = False) -> None:
    """Drop a broken or too old connection between tasks (as Django does between requests).

    Never inside an atomic block: that is a caller's (or a test's) transaction.
    """
    if connection.in_atomic_block:
        return
    if close:
        connection.close()
    else:
        close_old_connections()


@contextmanager
def _stop_on_signals(stop: threading.Event) -> Iterator[None]:
    """SIGTERM or SIGINT asks for a stop after the current task; a second SIGINT interrupts."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handle(signum: int, frame: FrameType | None) -> None:
        if stop.is_set() and signum == signal.SIGINT:
            raise KeyboardInterrupt
        log.info("worker: %s received, stopping after the current task", signal.strsignal(signum))
        stop.set()

    previous = {sig: signal.signal(sig, handle) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def run_worker(
    *,
    poll_seconds: float = 1.0,
    stop: threading.Event | None = None,
    worker_id: str | None = None,
) -> int:
    """Run tasks until ``stop`` is set or SIGTERM/SIGINT arrives; return how many ran.

    Sleeps ``poll_seconds`` when nothing is due. A database error is logged and waited out
    (with growing pauses, up to 30 s): the worker outlives a database restart.
    """
    stop = stop or threading.Event()
    worker_id = worker_id or default_worker_id()
    ran = 0
    pause = poll_seconds
    log.info("worker %s started", worker_id)
    with _stop_on_signals(stop):
        while not stop.is_set():
            _fresh_connection()
            try:
                task = run_next(worker_id)
            except DatabaseError:
                log.exception("worker %s: database error, waiting %g s", worker_id, pause)
                _fresh_connection(close=True)
                stop.wait(pause)
                pause = min(30.0, max(pause, 0.5) * 2)
                continue
            pause = poll_seconds
            if task is None:
                stop.wait(poll_seconds)
            else:
                ran += 1
    _fresh_connection(close=True)
    log.info("worker %s stopped after %s tasks", worker_id, ran)
    return ran


__all__ = [
    "backoff_seconds",
    "claim",
    "default_worker_id",
    "due_tasks",
    "execute",
    "run_next",
    "run_until_empty",
    "run_worker",
    "try_claim",
]
