import datetime as dt
import threading
import uuid

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from kagazsyz.tasks.models import Task, TaskStatus
from kagazsyz.tasks.registry import UnknownTask, task
from kagazsyz.tasks.services import task_enqueue
from kagazsyz.tasks.tests import sample
from kagazsyz.tasks.worker import (
    backoff_seconds,
    claim,
    execute,
    run_next,
    run_until_empty,
    run_worker,
    try_claim,
)

T0 = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)


def later(seconds: float) -> dt.datetime:
    return T0 + dt.timedelta(seconds=seconds)


@pytest.fixture(autouse=True)
def _fresh_record():
    sample.reset()
    yield
    sample.reset()


def enqueue(name: str, **kwargs) -> Task:
    with transaction.atomic():
        return task_enqueue(name, **kwargs)


def test_enqueue_outside_a_transaction_is_refused() -> None:
    with pytest.raises(RuntimeError, match="inside the transaction"):
        task_enqueue("tests.echo", token="a")


@pytest.mark.django_db
def test_enqueue_rolled_back_with_its_change_leaves_no_task() -> None:
    class Boom(Exception):
        pass

    with pytest.raises(Boom), transaction.atomic():
        task_enqueue("tests.echo", token="lost")
        raise Boom
    assert not Task.objects.exists()
    enqueue("tests.echo", token="kept", run_after=T0)
    assert Task.objects.get().arguments == {"token": "kept"}
    assert run_until_empty(now=T0) == 1
    assert run_until_empty(now=T0) == 0
    assert sample.RUNS == {"kept": 1}


@pytest.mark.django_db
def test_enqueue_checks_name_arguments_and_json() -> None:
    with pytest.raises(UnknownTask):
        enqueue("tests.nothing", token="a")
    with pytest.raises(TypeError, match="plain JSON"):
        enqueue("tests.echo", token=uuid.uuid4())
    with pytest.raises(TypeError, match="unexpected keyword"):
        enqueue("tests.echo", token="a", other=1)
    with pytest.raises(TypeError, match="missing"):
        enqueue("tests.echo")
    assert not Task.objects.exists()


def test_a_name_cannot_be_registered_twice() -> None:
    with pytest.raises(ValueError, match="already registered"):

        @task("tests.echo")
        def impostor(*, token: str) -> None: ...


@pytest.mark.django_db
def test_dedupe_key_gives_one_open_task() -> None:
    first = enqueue("tests.echo", token="a", dedupe_key="k", run_after=later(60))
    second = enqueue("tests.echo", token="a", dedupe_key="k", run_after=later(5))
    assert second.pk == first.pk
    assert Task.objects.count() == 1
    assert second.run_after == later(5)  # the earlier request wins
    assert run_until_empty(now=later(5)) == 1
    third = enqueue("tests.echo", token="a", dedupe_key="k")
    assert third.pk != first.pk  # the first is done: new work needs a new task
    with pytest.raises(ValueError, match="belongs to an open task"):
        enqueue("tests.flaky", token="a", dedupe_key="k")


@pytest.mark.django_db
def test_dedupe_while_running_runs_the_task_again() -> None:
    enqueue("tests.echo", token="a", dedupe_key="k", run_after=T0)
    running = claim("w1", now=T0)
    assert running is not None
    again = enqueue("tests.echo", token="a", dedupe_key="k")  # the run may have read old state
    assert again.pk == running.pk and again.rerun_requested
    execute(running, now=T0)
    assert running.status == TaskStatus.QUEUED and running.attempts == 0
    assert run_until_empty(now=T0) == 1
    assert Task.objects.get().status == TaskStatus.DONE
    assert sample.RUNS == {"a": 2}


@pytest.mark.django_db
def test_failing_task_is_retried_with_backoff_then_fails_with_the_error_visible() -> None:
    enqueue("tests.flaky", token="f", run_after=T0)
    task = run_next("w", now=T0)
    assert task is not None and task.status == TaskStatus.QUEUED
    assert task.run_after == later(2) and "registry down" in task.last_error
    assert run_next("w", now=later(1)) is None  # not due yet
    task = run_next("w", now=later(2))
    assert task is not None and task.run_after == later(2 + 4)
    task = run_next("w", now=later(6))
    assert task is not None and task.status == TaskStatus.FAILED
    stored = Task.objects.get()
    assert stored.attempts == 3 and stored.finished_at == later(6)
    assert stored.last_error.startswith("RuntimeError: registry down")
    assert "Traceback" in stored.last_error
    assert run_until_empty(now=later(3600)) == 0
    assert sample.RUNS == {"f": 3}


def test_backoff_doubles_up_to_a_cap() -> None:
    assert [backoff_seconds(n) for n in range(1, 6)] == [2, 4, 8, 16, 32]
    assert backoff_seconds(9) == 300 and backoff_seconds(10_000) == 300


@pytest.mark.django_db
def test_non_retryable_error_fails_at_once() -> None:
    enqueue("tests.permanent", token="p", run_after=T0)
    task = run_next("w", now=T0)
    assert task is not None and task.status == TaskStatus.FAILED and task.attempts == 1
    assert "Permanent: subject not found" in Task.objects.get().last_error


@pytest.mark.django_db
def test_retry_asks_for_a_specific_delay() -> None:
    enqueue("tests.retry_later", token="r", seconds=42.5, run_after=T0)
    task = run_next("w", now=T0)
    assert task is not None and task.status == TaskStatus.QUEUED
    assert task.run_after == later(42.5) and "not yet" in task.last_error


@pytest.mark.django_db
def test_an_expired_lease_makes_a_running_task_claimable_again() -> None:
    enqueue("tests.scripted", token="s", run_after=T0)
    lost = claim("crashed", now=T0)  # claimed, then the worker died
    assert lost is not None and lost.locked_until == later(60)
    assert run_next("w2", now=later(59)) is None
    taken = run_next("w2", now=later(60))
    assert taken is not None and taken.status == TaskStatus.DONE and taken.attempts == 2
    # The first worker comes back: its outcome is not recorded over the second's.
    execute(lost, now=later(61))
    assert Task.objects.get().status == TaskStatus.DONE and Task.objects.get().worker == "w2"


@pytest.mark.django_db
def test_a_lost_last_attempt_fails_instead_of_running_again() -> None:
    enqueue("tests.scripted", token="s", run_after=T0)
    for attempt in range(3):
        assert claim(f"crashed-{attempt}", now=later(60 * attempt)) is not None
    assert run_next("w", now=later(600)) is None
    stored = Task.objects.get()
    assert stored.status == TaskStatus.FAILED and stored.last_error.startswith("WorkerLost")
    assert sample.RUNS == {}


@pytest.mark.django_db
def test_a_claim_is_a_compare_and_set() -> None:
    """Two workers that read the same due row: only the first UPDATE takes it."""
    enqueue("tests.echo", token="a", run_after=T0)
    seen_by_one, seen_by_two = Task.objects.get(), Task.objects.get()
    assert try_claim(seen_by_one, "one", T0)
    assert not try_claim(seen_by_two, "two", T0)
    assert Task.objects.get().worker == "one"


@pytest.mark.django_db
def test_run_until_empty_runs_everything_due_and_nothing_later() -> None:
    for n in range(5):
        enqueue("tests.echo", token=f"t{n}", run_after=T0)
    enqueue("tests.echo", token="future", run_after=later(10))
    assert run_until_empty(now=T0) == 5
    assert run_until_empty(max_tasks=1, now=later(10)) == 1
    assert {f"t{n}": 1 for n in range(5)} | {"future": 1} == sample.RUNS
    assert set(Task.objects.values_list("status", flat=True)) == {TaskStatus.DONE}


@pytest.mark.django_db
def test_worker_command_once_and_tasks_list(capsys: pytest.CaptureFixture[str]) -> None:
    enqueue("tests.echo", token="a")
    enqueue("tests.permanent", token="b")
    call_command("worker", "--once")
    assert "2 task(s) run" in capsys.readouterr().out
    call_command("tasks", "list", "--status", "failed", "--errors")
    out = capsys.readouterr().out
    assert "tests.permanent" in out and "subject not found" in out and "tests.echo" not in out


@pytest.mark.django_db
def test_run_worker_stops_gracefully_on_sigterm() -> None:
    enqueue("tests.sigterm", token="a")
    enqueue("tests.echo", token="b", run_after=timezone.now() + dt.timedelta(hours=1))
    assert run_worker(poll_seconds=0.01) == 1  # the task that got SIGTERM finished and counted
    assert Task.objects.get(name="tests.sigterm").status == TaskStatus.DONE


@pytest.mark.django_db
def test_run_worker_stops_when_asked() -> None:
    stop = threading.Event()
    enqueue("tests.echo", token="a")
    timer = threading.Timer(0.2, stop.set)
    timer.start()
    assert run_worker(poll_seconds=0.01, stop=stop) == 1
    timer.join()
