"""Tasks registered for the tests, and a thread-safe record of their runs."""

from __future__ import annotations

import os
import signal
import threading
from collections import Counter

from kagazsyz.tasks.registry import Retry, task

_lock = threading.Lock()
RUNS: Counter[str] = Counter()
SUCCESSES: Counter[str] = Counter()
PLANS: dict[str, list[str]] = {}


def record(token: str) -> int:
    with _lock:
        RUNS[token] += 1
        return RUNS[token]


def reset() -> None:
    with _lock:
        RUNS.clear()
        SUCCESSES.clear()
        PLANS.clear()


class Permanent(Exception):
    retryable = False


@task("tests.echo")
def echo(*, token: str) -> None:
    record(token)


@task("tests.flaky", max_attempts=3)
def flaky(*, token: str, message: str = "registry down") -> None:
    record(token)
    raise RuntimeError(message)


@task("tests.permanent")
def permanent(*, token: str) -> None:
    record(token)
    raise Permanent("subject not found")


@task("tests.retry_later")
def retry_later(*, token: str, seconds: float) -> None:
    record(token)
    raise Retry(seconds, "not yet")


@task("tests.scripted", max_attempts=3, lease_seconds=60)
def scripted(*, token: str) -> None:
    """Follows ``PLANS[token]`` one outcome per run: ok, error, permanent or retry."""
    run = record(token)
    plan = PLANS.get(token, ["ok"])
    outcome = plan[min(run, len(plan)) - 1]
    if outcome == "error":
        raise RuntimeError(f"{token} run {run}")
    if outcome == "permanent":
        raise Permanent(f"{token} run {run}")
    if outcome == "retry":
        raise Retry(7, f"{token} run {run}")
    with _lock:
        SUCCESSES[token] += 1


@task("tests.sigterm")
def sigterm(*, token: str) -> None:
    record(token)
    os.kill(os.getpid(), signal.SIGTERM)
