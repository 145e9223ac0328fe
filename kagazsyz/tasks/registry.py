"""Task registration: ``@task("applications.process")`` names a function that workers may run.

A task function takes keyword arguments that are plain JSON (ids, not objects: a task reads
the current state when it runs). Delivery is at least once: a worker can crash after the work
and before recording it, or lose its lease, so the function may run again with the same
arguments, even while an earlier run is still going. Task functions must be idempotent: doing
the work twice must leave the same state as doing it once (check the state before changing it,
under a row lock, as ``application_process`` does).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])

DEFAULT_MAX_ATTEMPTS = 8
DEFAULT_LEASE_SECONDS = 300


class Retry(Exception):
    """Raised by a task to be run again after ``after_seconds`` (the attempt still counts)."""

    def __init__(self, after_seconds: float, reason: str = "") -> None:
        if after_seconds < 0:
            raise ValueError("after_seconds must not be negative")
        self.after_seconds = after_seconds
        self.reason = reason
        super().__init__(reason or f"retry in {after_seconds:g} s")


class UnknownTask(LookupError):
    pass


@dataclass(frozen=True)
class TaskSpec:
    name: str
    function: Callable[..., Any]
    max_attempts: int
    lease_seconds: int

    @property
    def qualified_name(self) -> str:
        return f"{self.function.__module__}.{self.function.__qualname__}"


_REGISTRY: dict[str, TaskSpec] = {}


def task(
    name: str,
    *,
    max_attempts: int = DEFAULT_MAX_ATTEMPTS,
    lease_seconds: int = DEFAULT_LEASE_SECONDS,
) -> Callable[[F], F]:
    """Register the decorated function as the task ``name``; the function is returned unchanged.

    ``lease_seconds`` must exceed the longest run: after it, another worker may take the task
    over (that is how work of a crashed worker is resumed).
    """
    if not name or len(name) > 100:
        raise ValueError("a task name has 1 to 100 characters")
    if max_attempts < 1:
        raise ValueError("max_attempts must be at least 1")
    if lease_seconds < 1:
        raise ValueError("lease_seconds must be at least 1")

    def register(function: F) -> F:
        spec = TaskSpec(name, function, max_attempts, lease_seconds)
        existing = _REGISTRY.get(name)
        if existing is not None and existing.qualified_name != spec.qualified_name:
            raise ValueError(f"task {name!r} is already registered to {existing.qualified_name}")
        _REGISTRY[name] = spec
        return function

    return register


def task_spec(name: str) -> TaskSpec:
    try:
        return _REGISTRY[name]
    except KeyError:
        raise UnknownTask(f"no task is registered as {name!r}") from None


def task_names() -> list[str]:
    return sorted(_REGISTRY)


def check_arguments(spec: TaskSpec, arguments: dict[str, Any]) -> None:
    """Refuse arguments the function cannot take, now rather than in a worker later."""
    try:
        inspect.signature(spec.function).bind(**arguments)
    except TypeError as exc:
        raise TypeError(f"task {spec.name!r}: {exc}") from None
